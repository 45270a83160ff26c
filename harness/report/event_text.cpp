#include "report/event_text.hpp"

#include "scenario/names.hpp"

#include <filesystem>

#include <fmt/format.h>

namespace rollsim::report {

namespace {

using namespace runner;

const char* transition_text(KeyTransition what, bool root)
{
    switch (what) {
    case KeyTransition::DnskeyPublished: return "DNSKEY published";
    case KeyTransition::DnskeyRemoved: return "DNSKEY removed";
    case KeyTransition::Signing: return "signing";
    case KeyTransition::NoLongerSigning: return "no longer signing";
    // The root has no parent: its DS set is the trust anchor its operator publishes.
    case KeyTransition::DsAdded: return root ? "published as the trust anchor" : "DS added at the parent";
    case KeyTransition::DsRemoved: return root ? "withdrawn as the trust anchor" : "DS removed from the parent";
    case KeyTransition::Revoked: return "revoked (REVOKE bit, self-signed)";
    }
    return "";
}

// What an action does, in a few words.
const char* action_headline(scenario::ActionKind a)
{
    static const char* headlines[] = {"DNSKEY published", "key activated",  "key retired",    "DNSKEY removed",
                                      "DS added",         "DS removed",     "signer stopped", "signer started",
                                      "key revoked",      "CDS published",  "CDS withdrawn",  "CDS delete signal",
                                      "record added",     "records changed", "record removed",
                                      "signer policy changed"};
    return headlines[static_cast<int>(a)];
}

// signer-policy: the new policy file's name, as the operator knows it.
std::string policy_file(const scenario::Event& ev) { return std::filesystem::path(ev.policy).filename().string(); }

// A fault's parameters that narrow or end it: "key zsk server ns2 until +2d",
// "type A key-algorithm ECDSAP256SHA256".
std::string fault_parameters(const scenario::Event& ev)
{
    std::string text;
    auto add = [&](const char* name, const std::string& value) {
        if (!value.empty()) text += (text.empty() ? "" : " ") + std::string(name) + " " + value;
    };
    add("key", ev.key);
    add("server", ev.server);
    add("type", ev.type);
    if (ev.key_algorithm) add("key-algorithm", std::string(scenario::to_string(*ev.key_algorithm)));
    if (ev.until) add("until", format_offset(*ev.until));
    return text;
}

struct Headlines {
    EventHeadline operator()(const TimelineEvent& e) const
    {
        const auto& ev = e.event;
        if (ev.action) {
            std::string detail(scenario::to_string(*ev.action));
            if (!ev.key.empty()) detail += " " + ev.key;
            if (!ev.record.empty()) detail += " " + ev.record;
            if (!ev.policy.empty()) detail += " " + policy_file(ev);
            return {action_headline(*ev.action), detail, ev.zone};
        }
        if (ev.fault) return {std::string(scenario::to_string(*ev.fault)) + " fault", fault_parameters(ev), ev.zone};
        return {};
    }
    EventHeadline operator()(const KeyStateChanged& e) const
    {
        return {e.key + " " + transition_text(e.what, e.zone == "."), "", e.zone};
    }
    template <typename Other>
    EventHeadline operator()(const Other&) const
    {
        return {};
    }
};

struct Words {
    std::string operator()(const TimelineEvent& e) const { return describe_event(e.event); }
    std::string operator()(const FaultRepaired& e) const
    {
        return "repaired: " + std::string(scenario::to_string(e.fault)) + " at " + e.zone;
    }
    std::string operator()(const KeyStateChanged& e) const
    {
        return fmt::format("{} {} (tag {}) {}", e.zone, e.key, e.keytag, transition_text(e.what, e.zone == "."));
    }
    std::string operator()(const AnchorStateChanged& e) const
    {
        return fmt::format("resolver {} RFC 5011 root anchor: {}", e.resolver, e.state);
    }
    std::string operator()(const ResolverRunChanged& e) const
    {
        switch (e.what) {
        case ResolverRun::Started: return fmt::format("resolver {} started", e.resolver);
        case ResolverRun::StartedAgain: return fmt::format("resolver {} started again (back online)", e.resolver);
        case ResolverRun::Stopped: return fmt::format("resolver {} stopped (offline)", e.resolver);
        case ResolverRun::Died:
            return fmt::format("resolver {} died; its probes record no answer from here on", e.resolver);
        }
        return "";
    }
    std::string operator()(const ServerAnswering& e) const
    {
        return e.server + (e.answering ? " answering again" : " stopped answering");
    }
    std::string operator()(const ZoneSigned& e) const
    {
        return fmt::format("{} {}, serial {}", e.zone, e.on_schedule ? "re-signed on schedule" : "signed", e.serial);
    }
    std::string operator()(const SignerDied& e) const
    {
        return fmt::format("the signer of {} ({}) died; the run stops here", e.zone, e.signer);
    }
};

}  // namespace

std::string event_text(const EventRecord& event) { return std::visit(Words{}, event.what); }

EventHeadline event_headline(const EventRecord& event) { return std::visit(Headlines{}, event.what); }

std::string describe_event(const scenario::Event& ev)
{
    std::string text;
    if (ev.action) {
        text = std::string(scenario::to_string(*ev.action));
        if (!ev.key.empty()) text += " " + ev.key;
        if (!ev.record.empty()) text += " " + ev.record;
        if (!ev.policy.empty()) text += " " + policy_file(ev);
        text += " (" + ev.zone + ")";
    } else if (ev.fault) {
        text = "fault " + std::string(scenario::to_string(*ev.fault)) + " at " + ev.zone;
        if (const std::string parameters = fault_parameters(ev); !parameters.empty()) text += " " + parameters;
    }
    return text;
}

}  // namespace rollsim::report
