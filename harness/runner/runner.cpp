#include "runner/runner.hpp"

#include "core/error.hpp"
#include "dnssec/signer.hpp"
#include "lab/nsd.hpp"
#include "lab/unbound.hpp"
#include "probe/cold_validator.hpp"
#include "probe/dns_query.hpp"
#include "world/world.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <set>

#include <fmt/format.h>

namespace rollsim::runner {

using scenario::ResolverKind;

Validation classify_daemon_answer(const std::optional<std::string>& rcode, bool ad, std::optional<int> ede)
{
    if (!rcode) return Validation::Indeterminate;
    if (*rcode == "SERVFAIL") {
        if (ede && *ede >= 6 && *ede <= 12) return Validation::Bogus;
        return Validation::Indeterminate;
    }
    if (*rcode == "NOERROR" || *rcode == "NXDOMAIN") return ad ? Validation::Secure : Validation::Insecure;
    return Validation::Indeterminate;
}

namespace {

// What has been published for one zone, and when it was last signed.
struct ZonePublisher {
    const world::ZoneRuntime* zone;
    std::vector<std::unique_ptr<lab::NsdServer>> servers;
    std::uint32_t serial = 0;
    std::optional<Seconds> signed_at;
    std::vector<std::string> last_unsigned;
    std::string text;
};

std::string dir_label(const std::string& zone)
{
    if (zone == ".") return "root";
    return zone.substr(0, zone.size() - 1);
}

struct Resolver {
    const scenario::ResolverSpec* spec;
    std::unique_ptr<lab::UnboundDaemon> daemon;  // warm
};

class Run {
public:
    Run(const scenario::Scenario& sc, const lab::Tools& tools, const RunOptions& options)
        : m_sc(sc), m_tools(tools), m_options(options), m_world(sc)
    {
    }

    RunRecord play()
    {
        const auto wall_start = std::chrono::steady_clock::now();
        for (const auto* ev : m_world.advance_to(Seconds(0))) record_event(*ev);
        start_servers();
        start_resolvers();

        const std::set<Seconds> probe_times = probe_instants();
        std::set<Seconds> fixed = probe_times;
        for (auto b : m_world.fault_boundaries()) fixed.insert(b);

        Seconds t{0};
        bool first = true;
        while (t <= m_sc.duration) {
            if (m_options.interrupted && m_options.interrupted())
                throw Fatal(ExitCode::Interrupted, "interrupted at " + format_offset(t));
            ++m_record.instants;
            if (!first) {
                for (const auto* ev : m_world.advance_to(t)) record_event(*ev);
                publish_changes(t);
            }
            first = false;
            if (probe_times.count(t)) probe_all(t);
            if (m_options.on_progress) m_options.on_progress(progress(t));
            t = next_instant(t, fixed);
        }
        m_record.wall_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
        return std::move(m_record);
    }

private:
    std::set<Seconds> probe_instants() const
    {
        std::set<Seconds> out;
        for (Seconds t{0}; t <= m_sc.duration; t += m_sc.probes.every) out.insert(t);
        // Right after every scenario event: what users see the moment it happens.
        for (const auto& ev : m_sc.timeline) {
            out.insert(ev.at);
            if (ev.until) out.insert(*ev.until);
        }
        return out;
    }

    Seconds next_instant(Seconds t, const std::set<Seconds>& fixed) const
    {
        Seconds next = m_sc.duration + Seconds(1);
        auto it = fixed.upper_bound(t);
        if (it != fixed.end()) next = *it;
        for (const auto& ev : m_sc.timeline)
            if (ev.at > t) next = std::min(next, ev.at);
        // The signer's own schedule (RFC 7583 Dsgn): re-sign when signatures reach refresh age.
        for (const auto& p : m_publishers)
            if (p.zone->signer_running && p.signed_at)
                next = std::min(next, std::max(t + Seconds(1), *p.signed_at + p.zone->spec->signing.refresh));
        return next;
    }

    // Signs the zone if the signer is running and the content changed or the signatures are
    // due for refresh. Returns true when there is a new version to publish.
    bool sign_if_due(ZonePublisher& p, Seconds t)
    {
        const auto& zone = *p.zone;
        if (p.signed_at && !zone.signer_running) return false;
        auto content = m_world.unsigned_records(zone, t);
        const auto& policy = zone.spec->signing;
        bool due = !p.signed_at || content != p.last_unsigned || t - *p.signed_at >= policy.refresh;
        if (!due) return false;
        ++p.serial;
        dnssec::SignRequest req;
        req.origin = zone.spec->name;
        req.records = content;
        req.records.push_back(m_world.soa_record(zone, p.serial));
        req.dnskey_signers = m_world.dnskey_signers(zone, t);
        req.zone_signers = m_world.zone_signers(zone, t);
        const TimePoint now = m_sc.start + t;
        req.inception = now - policy.inception_offset;
        req.expiration = now + policy.validity;
        req.nsec_ttl = std::min(zone.spec->ttl.negative, zone.spec->ttl.soa);  // RFC 9077
        p.text = dnssec::sign_zone(req).text();
        p.signed_at = t;
        p.last_unsigned = std::move(content);
        return true;
    }

    void start_servers()
    {
        for (const auto& zone : m_world.zones()) {
            ZonePublisher p{&zone, {}, 0, std::nullopt, {}, {}};
            sign_if_due(p, Seconds(0));
            for (std::size_t s = 0; s < zone.servers.size(); ++s) {
                auto dir = m_options.lab_dir / fmt::format("nsd-{}-ns{}", dir_label(zone.spec->name), s + 1);
                p.servers.push_back(std::make_unique<lab::NsdServer>(m_tools, dir, zone.servers[s].address,
                                                                     zone.spec->name, p.text, p.serial));
                ++m_record.servers;
            }
            ++m_record.publications;
            m_publishers.push_back(std::move(p));
        }
    }

    void start_resolvers()
    {
        lab::ResolverSetup setup;
        setup.root_hints = m_world.root_hints();
        setup.trust_anchor = m_world.trust_anchor();
        for (const auto& z : m_sc.zones)
            if (z.name != ".") setup.nodefault_zones.push_back(z.name);
        int index = 0;
        for (const auto& rs : m_sc.resolvers) {
            Resolver r{&rs, nullptr};
            if (rs.kind == ResolverKind::Unbound) {
                ++index;
                r.daemon = std::make_unique<lab::UnboundDaemon>(m_tools, m_options.lab_dir / ("unbound-" + rs.name),
                                                                fmt::format("127.54.0.{}", index), setup, m_sc.start);
            } else if (!m_cold) {
                m_cold = std::make_unique<probe::ColdValidator>(setup, m_options.lab_dir / "cold");
            }
            m_resolvers.push_back(std::move(r));
        }
    }

    void publish_changes(Seconds t)
    {
        for (auto& p : m_publishers) {
            bool scheduled_refresh = p.signed_at && p.zone->signer_running &&
                                     t - *p.signed_at >= p.zone->spec->signing.refresh;
            if (!sign_if_due(p, t)) continue;
            for (auto& server : p.servers) server->publish(p.text, p.serial);
            ++m_record.publications;
            m_record.events.push_back({t,
                                       fmt::format("{} {}, serial {}", p.zone->spec->name,
                                                   scheduled_refresh ? "re-signed on schedule" : "signed and published",
                                                   p.serial),
                                       "", false});
        }
    }

    void record_event(const scenario::Event& ev)
    {
        std::string text;
        if (ev.action) {
            static const char* names[] = {"publish", "activate", "retire", "remove",
                                          "ds-add", "ds-remove", "stop-signer", "start-signer"};
            text = names[static_cast<int>(*ev.action)];
            if (!ev.key.empty()) text += " " + ev.key;
            text += " (" + ev.zone + ")";
        } else if (ev.fault) {
            text = "fault ds-digest-mismatch at " + ev.zone;
            if (!ev.key.empty()) text += " for " + ev.key;
            if (ev.until) text += " until " + format_offset(*ev.until);
        }
        m_record.events.push_back({ev.at, text, ev.say, true});
    }

    void probe_all(Seconds t)
    {
        const TimePoint now = m_sc.start + t;
        for (auto& r : m_resolvers)
            if (r.daemon) r.daemon->set_time(now);
        for (const auto& q : m_sc.probes.queries) {
            for (auto& r : m_resolvers) {
                Observation o;
                o.offset = t;
                o.resolver = r.spec->name;
                o.kind = r.spec->kind;
                o.query = q;
                if (r.daemon) {
                    auto a = probe::query(r.daemon->address(), q.qname, q.qtype);
                    if (!a.timed_out) o.rcode = probe::rcode_name(a.rcode);
                    o.ad = a.ad;
                    o.ede = a.ede;
                    o.ede_text = a.ede_text;
                    o.validation = classify_daemon_answer(o.rcode, o.ad, o.ede);
                    o.reason = a.timed_out ? "no answer from the resolver" : a.ede_text;
                } else {
                    auto c = m_cold->resolve(q.qname, q.qtype, now);
                    o.rcode = probe::rcode_name(c.rcode);
                    o.validation = c.validation == "secure"   ? Validation::Secure
                                   : c.validation == "bogus" ? Validation::Bogus
                                                             : Validation::Insecure;
                    o.ad = o.validation == Validation::Secure;
                    o.reason = c.reason;
                }
                if (o.failed()) ++m_failures;
                m_record.observations.push_back(std::move(o));
            }
        }
    }

    Progress progress(Seconds t) const
    {
        int events = 0;
        for (const auto& e : m_record.events) events += e.scenario_event ? 1 : 0;
        return {t, m_sc.duration, events, m_failures};
    }

    const scenario::Scenario& m_sc;
    const lab::Tools& m_tools;
    const RunOptions& m_options;
    world::World m_world;
    std::vector<ZonePublisher> m_publishers;
    std::vector<Resolver> m_resolvers;
    std::unique_ptr<probe::ColdValidator> m_cold;
    RunRecord m_record;
    int m_failures = 0;
};

}  // namespace

RunRecord run_scenario(const scenario::Scenario& scenario, const lab::Tools& tools, const RunOptions& options)
{
    Run run(scenario, tools, options);
    return run.play();
}

}  // namespace rollsim::runner
