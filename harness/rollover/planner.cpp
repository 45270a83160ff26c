// The planner: one function per rollover method (kMethods), each the method's steps with the
// RFC 7583 interval behind every step, and its lint: a finding for each override below its
// interval's minimum, with the failure window it predicts. The shapes every method repeats
// (a step after an interval, a finding when an override falls short) are Builder's.
#include "rollover/planner.hpp"

#include "rollover/chain_lint.hpp"

#include "scenario/names.hpp"

#include <algorithm>
#include <set>
#include <string_view>

#include <fmt/format.h>

namespace rollsim::rollover {

using scenario::ActionKind;
using scenario::KeyRole;
using scenario::KeySpec;
using scenario::RolloverMethod;
using scenario::RolloverSpec;
using scenario::ZoneSpec;
using A = ActionKind;

namespace {

std::string d(Seconds s) { return format_duration(s); }
std::string o(Seconds s) { return format_offset(s); }

// The registration delay as a step interval (no margin: it is the parent's, not ours). With a
// parent agent, the latest moment the agent can have changed the DS after the CDS appeared:
// one scan interval (the CDS may appear just after a scan) plus its registration delay.
Interval dreg_interval(const TimingInputs& in, const char* section,
                       const std::optional<scenario::ParentAgent>& agent)
{
    if (agent)
        return {"Dreg",
                "scan-every + registration-delay (parent agent, from the CDS)",
                fmt::format("{} + {} = {}", d(agent->scan_every), d(agent->registration_delay), d(in.dreg)),
                fmt::format("{}; RFC 7344", section),
                in.dreg,
                in.dreg};
    return {"Dreg", "registration delay", d(in.dreg), section, in.dreg, in.dreg};
}

// In a zone with a parent agent the child does not ask for DS changes out of band: it lists
// the keys it wants at the parent in its CDS/CDNSKEY RRsets (RFC 7344) and the agent changes
// the DS. Each DS change of the plan becomes CDS changes at the step the change counts from
// (the "submit" step; the step itself when nothing precedes it by Dreg), and the DS actions
// go: the runner's agent makes them when it accepts the CDS.
void publish_cds_instead_of_ds(RolloverPlan& plan, const ZoneSpec& zone)
{
    std::set<std::string> ds, cds;  // the parent's DS set as the plan goes; the CDS set
    for (const auto& k : zone.keys)
        if (k.role != KeyRole::Zsk && k.ds_add && *k.ds_add <= plan.spec->start && !k.ds_remove) ds.insert(k.name);
    for (std::size_t i = 0; i < plan.steps.size(); ++i) {
        Step& step = plan.steps[i];
        std::set<std::string> desired = ds;
        bool changes = false;
        std::vector<Action> kept;
        for (const auto& a : step.actions) {
            if (a.kind == A::DsAdd) desired.insert(a.key), changes = true;
            else if (a.kind == A::DsRemove) desired.erase(a.key), changes = true;
            else kept.push_back(a);
        }
        if (!changes) continue;
        step.actions = std::move(kept);
        std::size_t submit = i;
        if (step.interval && step.interval->name == "Dreg")
            submit = step.counts_from ? std::size_t(step.counts_from - 1) : (i > 0 ? i - 1 : i);
        Step& at = plan.steps[submit];
        for (const auto& k : desired)
            if (!cds.count(k)) at.actions.push_back({A::CdsPublish, k});
        for (const auto& k : cds)
            if (!desired.count(k)) at.actions.push_back({A::CdsRemove, k});
        if (submit == i) step.text += " (CDS changed; the parent agent follows within scan-every + registration-delay)";
        else step.text += " (the parent agent, from the CDS, at the latest)";
        step.by_parent_agent = step.actions.empty();
        cds = desired;
        ds = std::move(desired);
    }
}

std::string join(const std::vector<std::string>& v)
{
    std::string out;
    for (const auto& x : v) out += (out.empty() ? "" : ", ") + x;
    return out;
}

std::string short_by(Seconds used, const Interval& i)
{
    return fmt::format("{} is {} where {} needs {} ({}), {} too short", i.name, d(used), i.formula, d(i.minimum),
                       i.section, d(i.minimum - used));
}

// The words of the lint of one interval a scenario may override, should the override fall
// below the interval's minimum. In `consequence`, {new} and {old} are the keys, {from} and
// {until} the failure window's bounds, {start} the rollover's start, {cached} the lint's own
// time. A lint with a `cause` predicts that window (for warm resolvers, cold ones too when
// `cold`, only those with `anchor` when given); without, it names a risk Unbound does not show.
struct Lint {
    std::string_view override_name;
    std::string_view lead;
    std::string_view consequence;
    std::string_view cause = "";
    bool cold = false;
    std::optional<scenario::TrustAnchorMode> anchor = std::nullopt;
};

// Builds the steps and findings of one plan. Every method reads the rollover through it: its
// zone and spec, the timing inputs, the key rolled (`old_key`) and its successor (`new_key`),
// the start `t0`.
class Builder {
public:
    Builder(RolloverPlan& plan, const ZoneSpec& zone)
        : m_zone(zone), m_spec(*plan.spec), m_old_key(m_spec.key), m_new_key(successor_name(m_spec, m_spec.key)),
          m_plan(plan), m_t(m_spec.start)
    {
    }

    const ZoneSpec& zone() const { return m_zone; }
    const RolloverSpec& spec() const { return m_spec; }
    const TimingInputs& in() const { return m_plan.inputs; }
    const std::string& old_key() const { return m_old_key; }
    const std::string& new_key() const { return m_new_key; }
    Seconds t0() const { return m_spec.start; }

    // The value an interval takes: the override when given, else the computed value.
    Seconds use(const std::string& override_name, const Interval& interval) const
    {
        auto it = m_spec.overrides.find(override_name);
        return it != m_spec.overrides.end() ? it->second : interval.value;
    }
    Interval dreg(const char* section) const { return dreg_interval(in(), section, m_zone.parent_agent); }

    // A step after the previous one by `interval` (or its override); returns its time.
    Seconds step(std::vector<Action> actions, std::string text, std::optional<Interval> interval = std::nullopt,
                 const std::string& override_name = "")
    {
        if (interval) m_t += override_name.empty() ? interval->value : use(override_name, *interval);
        add(m_t, std::move(actions), std::move(text), interval, override_name);
        return m_t;
    }
    // A step `interval` (or its override) after step `counts_from` (1-based), which came at
    // `from`, rather than after the previous step; the steps stay in time order.
    Seconds step_after(int counts_from, Seconds from, std::vector<Action> actions, std::string text,
                       const Interval& interval, const std::string& override_name)
    {
        const Seconds at = from + use(override_name, interval);
        add(at, std::move(actions), std::move(text), interval, override_name).counts_from = counts_from;
        std::stable_sort(m_plan.steps.begin(), m_plan.steps.end(),
                         [](const Step& a, const Step& b) { return a.at < b.at; });
        return at;
    }
    Step& last() { return m_plan.steps.back(); }

    // The lint of one override: when it is below `interval`'s minimum, the finding
    // "<lead>: <what it is short by>. <consequence>" and the window [from, until) it predicts
    // (none for a lint without a cause). `cached`: the consequence's {cached}, where it has one.
    void lint(const Lint& lint, const Interval& interval, Seconds used, Seconds from, Seconds until,
              Seconds cached = Seconds(0))
    {
        if (!short_of_minimum(std::string(lint.override_name), interval)) return;
        const std::string consequence =
            fmt::format(fmt::runtime(lint.consequence), fmt::arg("new", m_new_key), fmt::arg("old", m_old_key),
                        fmt::arg("from", o(from)), fmt::arg("until", o(until)), fmt::arg("start", o(t0())),
                        fmt::arg("cached", o(cached)));
        std::optional<PredictedWindow> predicted;
        if (!lint.cause.empty()) {
            predicted = window(from, until, std::string(lint.cause));
            predicted->cold = lint.cold;
            predicted->anchor = lint.anchor;
        }
        finding(fmt::format("{}: {}. {}", lint.lead, short_by(used, interval), consequence), std::move(predicted));
    }
    bool short_of_minimum(const std::string& override_name, const Interval& interval) const
    {
        auto it = m_spec.overrides.find(override_name);
        return it != m_spec.overrides.end() && it->second < interval.minimum;
    }
    void finding(std::string message, std::optional<PredictedWindow> window)
    {
        if (window && window->until <= window->from) window.reset();
        m_plan.findings.push_back({m_spec.loc, std::move(message), std::move(window)});
    }
    // A window for warm resolvers (those that cached the sets before the change).
    PredictedWindow window(Seconds from, Seconds until, std::string cause) const
    {
        PredictedWindow w;
        w.zone = m_spec.zone;
        w.from = from;
        w.until = until;
        w.cause = std::move(cause);
        return w;
    }

private:
    Step& add(Seconds at, std::vector<Action> actions, std::string text, const std::optional<Interval>& interval,
              const std::string& override_name)
    {
        Step s;
        s.at = at;
        s.actions = std::move(actions);
        s.text = std::move(text);
        if (interval) {
            s.interval = interval;
            s.override_name = override_name;
            if (!override_name.empty() && m_spec.overrides.count(override_name))
                s.override_value = m_spec.overrides.at(override_name);
        }
        m_plan.steps.push_back(std::move(s));
        return m_plan.steps.back();
    }

    const ZoneSpec& m_zone;
    const RolloverSpec& m_spec;
    const std::string m_old_key, m_new_key;
    RolloverPlan& m_plan;
    Seconds m_t;  // the time of the last step
};

KeySpec successor(const KeySpec& old, const RolloverSpec& spec)
{
    const std::optional<scenario::Algorithm> algorithm = spec.algorithm;
    KeySpec k;
    k.name = successor_name(spec, old.name);
    k.role = old.role;
    k.algorithm = algorithm.value_or(old.algorithm);
    k.bits = algorithm && *algorithm != old.algorithm ? 0 : old.bits;
    k.servers = old.servers;
    k.loc = old.loc;
    // No times: the planned events publish it, activate it and add its DS.
    return k;
}

// ---------------------------------------------------------------------------------------------
// The words of each method's lint, in method order.

constexpr Lint kZskPrepublishPublish{
    "publish-interval", "ZSK pre-publication too short",
    "Warm resolvers that cached the DNSKEY set just before {new} was published see signatures by an unknown key "
    "(SERVFAIL, EDE 9) from its activation at {from} until {until} (publication + Dprp + TTLkey); a cold validator "
    "fetches the new set and is not expected to fail",
    "new ZSK signs before every cached DNSKEY set holds it"};
constexpr Lint kZskPrepublishRetire{
    "retire-interval", "ZSK removed early",
    "Signatures by {old} may still be cached until {until}; a validator that re-checks them against a fresh DNSKEY "
    "set would fail from {from}. Unbound keeps validated answers: no failure predicted"};
constexpr Lint kZskDoubleSignatureRetire{
    "retire-interval", "ZSK double-signature too short",
    "Warm resolvers that cached the DNSKEY set before {new} was published see signatures by an unknown key "
    "(SERVFAIL, EDE 9) from {old}'s removal at {from} until {until} (publication + Dprp + TTLkey); signatures by "
    "{old} stay cached until {cached}, a risk only for validators that re-check them; a cold validator is not "
    "expected to fail",
    "old ZSK removed before every cached DNSKEY set holds the new one"};
constexpr Lint kRootKskPublish{
    "publish-interval", "Add hold-down not respected",
    "RFC 5011 resolvers still hold {new} as pending when it takes over the DNSKEY set: they cannot validate it "
    "(SERVFAIL) from {from} at their next DNSKEY fetch until their hold-down ends, at the latest {until} "
    "(publication + Dprp + queryInterval + add hold-down + queryInterval); a cold validator ships the new anchor "
    "and is not expected to fail",
    "new root KSK signs alone before RFC 5011 resolvers accepted it", false, scenario::TrustAnchorMode::Rfc5011};
constexpr Lint kKskDoubleKskPublish{
    "publish-interval", "Double-KSK pre-publication too short",
    "Warm resolvers that cached the DNSKEY set before {new} was published and fetch the new DS set find no DNSKEY "
    "matching it (SERVFAIL) from the DS swap at {from} until {until} (publication + DprpC + TTLkey); a cold "
    "validator is not expected to fail",
    "DS swapped before every cached DNSKEY set holds the new KSK"};
constexpr Lint kKskDoubleKskRetire{
    "retire-interval", "Old KSK removed early",
    "Warm resolvers that still hold the old DS set and fetch the new DNSKEY set find no DNSKEY matching it "
    "(SERVFAIL) from {from} until {until} (DS swap + DprpP + TTLds); a cold validator is not expected to fail",
    "old KSK removed while old DS sets are cached"};
constexpr Lint kKskDoubleDsPublish{
    "publish-interval", "Double-DS pre-publication too short",
    "Warm resolvers that still hold the DS set cached before {new}'s DS was added find no DNSKEY matching it once "
    "they fetch the new DNSKEY set (SERVFAIL) from the swap at {from} until {until} (DS added + DprpP + TTLds); a "
    "cold validator is not expected to fail",
    "KSK swapped while DS sets without the new key are cached"};
constexpr Lint kKskDoubleDsRetire{
    "retire-interval", "Old DS removed early",
    "Warm resolvers that still hold the DNSKEY set cached before the swap find no DNSKEY matching the new DS set "
    "(SERVFAIL) from {from} until {until} (swap + DprpC + TTLkey); a cold validator is not expected to fail",
    "old DS removed while old DNSKEY sets are cached"};
constexpr Lint kKskDoubleRrsetPublish{
    "publish-interval", "Double-RRset too short",
    "Warm resolvers holding the DS set or the DNSKEY set cached before the new KSK arrived fail (SERVFAIL) from "
    "{from} until {until}; a cold validator is not expected to fail",
    "old KSK and DS removed while old sets are cached"};
constexpr Lint kCskPublish{
    "publish-interval", "CSK pre-publication too short",
    "Warm resolvers that cached the DNSKEY set before {new} was published and fetch the new DS set find no DNSKEY "
    "matching it (SERVFAIL) from the DS swap at {from} until {until}; a cold validator is not expected to fail",
    "DS swapped before every cached DNSKEY set holds the new CSK"};
constexpr Lint kCskRetire{
    "retire-interval", "Old CSK stops signing early",
    "Warm resolvers that still hold the old DS set and fetch the DNSKEY set, now signed by {new} alone, fail "
    "(SERVFAIL) from {from} until {until} (DS swap + DprpP + TTLds); a cold validator is not expected to fail",
    "old CSK retired while old DS sets are cached"};
constexpr Lint kCskRemove{
    "remove-interval", "Old CSK removed early",
    "Its signatures may stay cached until {until}; Unbound keeps validated answers: no failure predicted"};
constexpr Lint kAlgorithmPublish{
    "publish-interval", "Algorithm rollover DS change too early",
    "Warm resolvers that cached the DNSKEY set before the new algorithm's keys were published and fetch the new DS "
    "set find no DNSKEY matching it (SERVFAIL) from the DS swap at {from} until {until}; a cold validator is not "
    "expected to fail",
    "DS changed before every cached DNSKEY set holds the new algorithm"};
constexpr Lint kAlgorithmRetire{
    "retire-interval", "Old algorithm removed early",
    "Warm resolvers that still hold the old DS set and fetch the DNSKEY set without the old algorithm fail "
    "(SERVFAIL) from {from} until {until} (DS swap + DprpP + TTLds); a cold validator is not expected to fail",
    "old algorithm removed while old DS sets are cached"};
constexpr Lint kTurnSecureEarly{
    "publish-interval", "DS submitted early",
    "Servers still serving the unsigned zone, or caches holding its answers, until {until} meet a validator that now "
    "expects signatures; Unbound retries another server and keeps its insecure answers until they expire: no "
    "failure predicted"};
constexpr Lint kTurnSecureDsFirst{
    "publish-interval", "DS before signatures",
    "The parent publishes the DS at {from}, before the zone is signed at {start}: every validator that fetches the "
    "DS finds no DNSKEY matching it (SERVFAIL, EDE 9 or 10) until the zone is signed; warm resolvers until their "
    "cached answer without a DNSKEY expires, by {until} (signing + negative TTL + Dprp)",
    "DS published before the zone is signed", true};
constexpr Lint kEmergencyZskRetire{
    "retire-interval", "Compromised ZSK withdrawn before its successor is in every cache",
    "Warm resolvers that cached the DNSKEY set before {new} was published see signatures by an unknown key "
    "(SERVFAIL, EDE 9) from {old}'s removal at {from} until {until} (compromise + Dprp + TTLkey); a cold validator "
    "is not expected to fail",
    "compromised ZSK removed before every cached DNSKEY set holds the new one"};
constexpr Lint kEmergencyKskRetire{
    "retire-interval", "Compromised key withdrawn before its successor is in every cache",
    "Warm resolvers holding the DS set or the DNSKEY set cached before {new} arrived fail (SERVFAIL) from {from} "
    "until {until}; a cold validator is not expected to fail",
    "compromised key and its DS withdrawn while old sets are cached"};
constexpr Lint kTurnInsecureRetire{
    "retire-interval", "Zone unsigned too early",
    "Warm resolvers that still hold the DS set cached before its removal find the zone unsigned (SERVFAIL: no "
    "DNSKEY, no RRSIG) from {from} until {until} (DS removed + DprpP + TTLds); a cold validator fetches the DS set "
    "afresh and is not expected to fail",
    "zone unsigned while DS sets are cached"};

// ---------------------------------------------------------------------------------------------
// The methods: one function each, its steps, then the lint of each interval it lets a scenario
// override (the words of each lint are the Lint constants above).

// RFC 7583 3.2.1: publish the new ZSK, sign with it once every cached DNSKEY set holds it,
// remove the old one once its signatures are out of caches.

void plan_zsk_prepublish(Builder& b)
{
    const std::string &O = b.old_key(), &N = b.new_key();
    const Interval ipub = zsk_prepublish_ipub(b.in()), iret = zsk_prepublish_iret(b.in());
    b.step({{A::Publish, N}}, fmt::format("publish {} (DNSKEY only; {} keeps signing)", N, O));
    const Seconds tact = b.step({{A::Activate, N}, {A::Retire, O}},
                                fmt::format("{} signs, {} stops signing (its DNSKEY stays)", N, O), ipub,
                                "publish-interval");
    const Seconds trem = b.step({{A::Remove, O}}, fmt::format("remove {}'s DNSKEY", O), iret, "retire-interval");
    b.lint(kZskPrepublishPublish, ipub, tact - b.t0(), tact, b.t0() + ipub.minimum);
    b.lint(kZskPrepublishRetire, iret, trem - tact, trem, tact + iret.minimum);
}

// RFC 7583 3.2.2: both ZSKs sign from the start; the old one goes once every cached DNSKEY set
// holds the new one.

void plan_zsk_double_signature(Builder& b)
{
    const std::string &O = b.old_key(), &N = b.new_key();
    const Interval iret = zsk_double_signature_iret(b.in());
    b.step({{A::Publish, N}, {A::Activate, N}}, fmt::format("publish {}; both {} and {} sign", N, O, N));
    const Seconds trem = b.step({{A::Retire, O}, {A::Remove, O}}, fmt::format("remove {} (stops signing)", O), iret,
                                "retire-interval");
    b.lint(kZskDoubleSignatureRetire, iret, trem - b.t0(), trem, b.t0() + b.in().dprp + b.in().ttl_key,
           b.t0() + iret.minimum);
}

// The root's KSK by RFC 5011: the root has no parent, its "DS" is the trust anchor. Publish the
// new KSK signed by the old one, wait out every RFC 5011 resolver's add hold-down, switch the
// signing and publish the new anchor, revoke the old key (self-signed), then remove it.

void plan_root_ksk_roll(Builder& b)
{
    const std::string &O = b.old_key(), &N = b.new_key();
    const Interval ipub = rfc5011_ipub(b.in()), irev = rfc5011_irevoke(b.in()), irem = rfc5011_iremove(b.in());
    b.step({{A::Publish, N}},
           fmt::format("publish {}; {} alone signs the DNSKEY set: RFC 5011 resolvers start the add hold-down "
                       "(queryInterval {})",
                       N, O, d(rfc5011_query_interval(b.in()).value)));
    const Seconds tact = b.step({{A::Activate, N}, {A::Retire, O}, {A::DsAdd, N}, {A::DsRemove, O}},
                                fmt::format("{} signs the DNSKEY set instead of {}; the new trust anchor ({}) is "
                                            "published",
                                            N, O, N),
                                ipub, "publish-interval");
    b.step({{A::Revoke, O}}, fmt::format("revoke {}: REVOKE bit set, it self-signs the DNSKEY set", O), irev,
           "retire-interval");
    b.step({{A::Remove, O}}, fmt::format("remove {} (revoked)", O), irem);
    b.lint(kRootKskPublish, ipub, tact - b.t0(), tact, b.t0() + ipub.minimum);
    // Not a timing mistake, but a prediction all the same: a daemon whose anchor never changes.
    PredictedWindow stale = b.window(tact, kUntilTheEnd, "static trust anchor: the old root KSK no longer signs");
    stale.anchor = scenario::TrustAnchorMode::Static;
    b.finding(fmt::format("Static trust anchors do not follow the roll: warm resolvers with 'trust-anchor: static' "
                          "still trust only {} and fail (SERVFAIL) once their cached DNSKEY set expires after {} "
                          "takes over at {}, until their anchor is replaced by hand",
                          O, N, o(tact)),
              stale);
}

// RFC 7583 3.3.1: publish the new KSK, swap the DS once every cached DNSKEY set holds it,
// remove the old KSK once the old DS set is out of caches.

void plan_ksk_double_ksk(Builder& b)
{
    if (b.spec().zone == ".") return plan_root_ksk_roll(b);
    const std::string &O = b.old_key(), &N = b.new_key();
    const Interval ipub = ksk_double_ksk_ipub(b.in()), iret = ksk_double_ksk_iret(b.in());
    b.step({{A::Publish, N}, {A::Activate, N}}, fmt::format("publish {}; both KSKs sign the DNSKEY set", N));
    const Seconds tsbm = b.step({}, fmt::format("submit the DS of {} (replacing {}'s) to the parent", N, O), ipub,
                                "publish-interval");
    const Seconds tds = b.step({{A::DsAdd, N}, {A::DsRemove, O}},
                               fmt::format("the parent swaps the DS: {} in, {} out", N, O), b.dreg("RFC 7583 3.3.1"));
    const Seconds trem = b.step({{A::Retire, O}, {A::Remove, O}}, fmt::format("remove {}", O), iret,
                                "retire-interval");
    b.lint(kKskDoubleKskPublish, ipub, tsbm - b.t0(), tds, b.t0() + ipub.minimum);
    b.lint(kKskDoubleKskRetire, iret, trem - tds, trem, tds + iret.minimum);
}

// RFC 7583 3.3.2: add the new DS first, swap the KSK once every cached DS set holds it, remove
// the old DS once the old DNSKEY set is out of caches.

void plan_ksk_double_ds(Builder& b)
{
    const std::string &O = b.old_key(), &N = b.new_key();
    const Interval ipub = ksk_double_ds_ipub(b.in()), iret = ksk_double_ds_iret(b.in());
    b.step({}, fmt::format("submit the DS of {} to the parent (added to {}'s)", N, O));
    const Seconds tadd =
        b.step({{A::DsAdd, N}}, fmt::format("the parent publishes the DS of {}", N), b.dreg("RFC 7583 3.3.2"));
    const Seconds tswap = b.step({{A::Publish, N}, {A::Activate, N}, {A::Retire, O}, {A::Remove, O}},
                                 fmt::format("swap the KSK in the DNSKEY set: {} in, {} out", N, O), ipub,
                                 "publish-interval");
    const Seconds tdel = b.step({{A::DsRemove, O}}, fmt::format("the parent removes the DS of {}", O), iret,
                                "retire-interval");
    b.lint(kKskDoubleDsPublish, ipub, tswap - tadd, tswap, tadd + ipub.minimum);
    b.lint(kKskDoubleDsRetire, iret, tdel - tswap, tdel, tswap + iret.minimum);
}

// RFC 7583 3.3.3: the new KSK and its DS at once; the old key and its DS go once every cached
// DS and DNSKEY set holds the new ones (Ipub counts from the publication, Dreg included).

void plan_ksk_double_rrset(Builder& b)
{
    const std::string &O = b.old_key(), &N = b.new_key();
    const Interval ipub = ksk_double_rrset_ipub(b.in());
    b.step({{A::Publish, N}, {A::Activate, N}},
           fmt::format("publish {} (both KSKs sign the DNSKEY set); submit its DS to the parent", N));
    b.step({{A::DsAdd, N}}, fmt::format("the parent publishes the DS of {} (both DS)", N), b.dreg("RFC 7583 3.3.3"));
    b.last().counts_from = 1;
    // An override shorter than Dreg withdraws the old key before the new DS is even there.
    const Seconds tswap = b.step_after(1, b.t0(), {{A::Retire, O}, {A::Remove, O}, {A::DsRemove, O}},
                                       fmt::format("remove {} and its DS", O), ipub, "publish-interval");
    const Seconds ds_end = b.t0() + b.in().dreg + b.in().dprp_parent + b.in().ttl_ds;
    const Seconds key_end = b.t0() + b.in().dprp_child + b.in().ttl_key;
    b.lint(kKskDoubleRrsetPublish, ipub, tswap - b.t0(), tswap, std::max(ds_end, key_end));
}

// RFC 7583 3.2.1 with 3.3.1: publish the new CSK, sign with both, swap the DS, then the old
// key stops signing and goes.

void plan_csk(Builder& b)
{
    const std::string &O = b.old_key(), &N = b.new_key();
    const Interval ipub = csk_ipub(b.in()), iret_ds = csk_iret_ds(b.in()), iret_sig = csk_iret_sig(b.in());
    b.step({{A::Publish, N}}, fmt::format("publish {} (DNSKEY only)", N));
    const Seconds tact = b.step({{A::Activate, N}},
                                fmt::format("{} signs too (double signature); submit its DS to the parent", N), ipub,
                                "publish-interval");
    const Seconds tds = b.step({{A::DsAdd, N}, {A::DsRemove, O}},
                               fmt::format("the parent swaps the DS: {} in, {} out", N, O), b.dreg("RFC 7583 3.3.1"));
    const Seconds tret = b.step({{A::Retire, O}}, fmt::format("{} stops signing (its DNSKEY stays)", O), iret_ds,
                                "retire-interval");
    const Seconds trem = b.step({{A::Remove, O}}, fmt::format("remove {}'s DNSKEY", O), iret_sig, "remove-interval");
    b.lint(kCskPublish, ipub, tact - b.t0(), tds, b.t0() + ipub.minimum);
    b.lint(kCskRetire, iret_ds, tret - tds, tret, tds + iret_ds.minimum);
    b.lint(kCskRemove, iret_sig, trem - tret, trem, tret + iret_sig.minimum);
}

// RFC 6781 4.1.4: sign with the new algorithm too, swap the DS to it (DS last), then remove the
// old algorithm's keys. Every key of the old algorithm is rolled.

void plan_algorithm(Builder& b)
{
    const Interval ipub = algorithm_ipub(b.in()), iret = algorithm_iret(b.in());
    std::vector<Action> add, ds_swap, remove;
    std::vector<std::string> new_names, old_names;
    for (const KeySpec* k : replaced_keys(b.zone(), b.spec())) {
        const std::string n = successor_name(b.spec(), k->name);
        add.insert(add.end(), {{A::Publish, n}, {A::Activate, n}});
        remove.insert(remove.end(), {{A::Retire, k->name}, {A::Remove, k->name}});
        if (k->role != KeyRole::Zsk) ds_swap.insert(ds_swap.end(), {{A::DsAdd, n}, {A::DsRemove, k->name}});
        new_names.push_back(n);
        old_names.push_back(k->name);
    }
    const std::string alg = fmt::format("algorithm {}", b.spec().algorithm ? int(*b.spec().algorithm) : 0);
    b.step(add, fmt::format("sign with {} too: publish and activate {} (the lab publishes each new DNSKEY with its "
                            "first signatures)",
                            alg, join(new_names)));
    b.step({}, "submit the new algorithm's DS to the parent", ipub, "publish-interval");
    const Seconds tds = b.step(ds_swap, "the parent swaps the DS to the new algorithm (DS last)",
                               b.dreg("RFC 6781 4.1.4"));
    const Seconds trem = b.step(remove, fmt::format("remove the old algorithm's keys {}", join(old_names)), iret,
                                "retire-interval");
    b.lint(kAlgorithmPublish, ipub, tds - b.in().dreg - b.t0(), tds, b.t0() + b.in().dprp + b.in().ttl_key);
    b.lint(kAlgorithmRetire, iret, trem - tds, trem, tds + iret.minimum);
}

// An unsigned zone signed with every key it lists, its DS added last. A negative override
// submits the DS before the zone is signed: the steps keep the method's order and show the
// times as they fall. The DS then names keys no server publishes yet: every validator fails
// (HBO NOW, 2015); a warm one until its cached DNSKEY answer (negative, then bogus) turns over.

void plan_turn_secure(Builder& b)
{
    const Interval ipub = turn_secure_ipub(b.in());
    std::vector<Action> sign, ds;
    std::vector<std::string> names, ds_names;
    for (const auto& k : b.zone().keys) {
        sign.insert(sign.end(), {{A::Publish, k.name}, {A::Activate, k.name}});
        names.push_back(k.name);
        if (k.role == KeyRole::Zsk) continue;
        ds.push_back({A::DsAdd, k.name});
        ds_names.push_back(k.name);
    }
    b.step(sign, fmt::format("sign the zone: publish and activate {}", join(names)));
    const Seconds tsbm = b.step({}, fmt::format("submit the DS of {} to the parent", join(ds_names)), ipub,
                                "publish-interval");
    const Seconds tds = b.step(ds, fmt::format("the parent publishes the DS of {}: the zone is secure", join(ds_names)),
                               b.dreg("RFC 6781 4.1.4"));
    if (tds >= b.t0()) b.lint(kTurnSecureEarly, ipub, tsbm - b.t0(), tsbm, b.t0() + ipub.minimum);
    else b.lint(kTurnSecureDsFirst, ipub, tsbm - b.t0(), tds, b.t0() + Seconds(b.zone().ttl.negative) + b.in().dprp);
}

// The DS removed first (with a parent agent: by the RFC 8078 delete signal, the agent removing
// it when it accepts the signal), the zone unsigned once no cached DS set is left.

void plan_turn_insecure(Builder& b)
{
    const Interval iret = turn_insecure_iret(b.in());
    std::vector<Action> ds, unsign;
    std::vector<std::string> names, ds_names;
    for (const auto& k : b.zone().keys) {
        if (!k.publish || k.remove) continue;  // keys already gone, or planned away by the timeline
        unsign.insert(unsign.end(), {{A::Retire, k.name}, {A::Remove, k.name}});
        names.push_back(k.name);
        if (k.role == KeyRole::Zsk) continue;
        ds.push_back({A::DsRemove, k.name});
        ds_names.push_back(k.name);
    }
    const bool agent = b.zone().parent_agent.has_value();
    if (agent) ds.clear();
    if (agent) b.step({{A::CdsDelete, ""}}, "publish the CDS/CDNSKEY delete signal (RFC 8078)");
    else b.step({}, fmt::format("ask the parent to remove the DS of {}", join(ds_names)));
    const Seconds tdel = b.step(ds, fmt::format("the parent removes the DS of {}: the zone is insecure",
                                                join(ds_names)),
                                b.dreg("RFC 8078 4, RFC 6781 4.1.4"));
    if (agent) b.last().by_parent_agent = true;
    const Seconds tuns = b.step(unsign, fmt::format("unsign the zone: remove {}", join(names)), iret,
                                "retire-interval");
    b.lint(kTurnInsecureRetire, iret, tuns - tdel, tuns, tdel + b.in().dprp_parent + b.in().ttl_ds);
}

// RFC 6781 4.2.4: a compromised ZSK. Its successor is published and signs at once, beside it
// (keep-until-safe: removed once every cached DNSKEY set holds the successor) or instead of it
// (pull-now: caches holding the old DNSKEY set fail until it expires; the chain lint predicts it).

void plan_emergency_zsk(Builder& b)
{
    const std::string &O = b.old_key(), &N = b.new_key();
    const Interval iret = emergency_zsk_iret(b.in());
    if (b.spec().choice == scenario::EmergencyChoice::PullNow) {
        b.step({{A::Publish, N}, {A::Activate, N}, {A::Retire, O}, {A::Remove, O}},
               fmt::format("{} is compromised: pull it now; {} is published and signs alone", O, N));
        return;
    }
    b.step({{A::Publish, N}, {A::Activate, N}},
           fmt::format("{} is compromised: publish {}, both sign (double signature) until it is safe", O, N));
    const Seconds trem = b.step({{A::Retire, O}, {A::Remove, O}}, fmt::format("remove {} (stops signing)", O), iret,
                                "retire-interval");
    b.lint(kEmergencyZskRetire, iret, trem - b.t0(), trem, b.t0() + iret.minimum);
}

// RFC 6781 4.2.4: a compromised KSK or CSK. Its successor is published and signs at once, and its
// DS asked of the registry (Dreg). keep-until-safe: the compromised key and its DS stay until
// every cached DS and DNSKEY set holds the successor (double-RRset, RFC 7583 3.3.3); pull-now:
// the key goes at once and the registry is asked to replace its DS by the successor's.

void plan_emergency_chain(Builder& b)
{
    const std::string &O = b.old_key(), &N = b.new_key();
    const Interval iret = emergency_ksk_iret(b.in());
    const char* section = "RFC 6781 4.2.4, RFC 7583 3.3.3";
    if (b.spec().choice == scenario::EmergencyChoice::PullNow) {
        b.step({{A::Publish, N}, {A::Activate, N}, {A::Retire, O}, {A::Remove, O}},
               fmt::format("{} is compromised: pull it now; {} is published and signs alone; ask the parent to "
                           "replace {}'s DS by {}'s",
                           O, N, O, N));
        b.step({{A::DsAdd, N}, {A::DsRemove, O}}, fmt::format("the parent replaces the DS: {} in, {} out", N, O),
               b.dreg(section));
        return;
    }
    b.step({{A::Publish, N}, {A::Activate, N}},
           fmt::format("{} is compromised: publish {} (both sign) and submit its DS; {} and its DS stay until it is "
                       "safe",
                       O, N, O));
    b.step({{A::DsAdd, N}}, fmt::format("the parent publishes the DS of {} (both DS)", N), b.dreg(section));
    b.last().counts_from = 1;
    const Seconds tswap = b.step_after(1, b.t0(), {{A::Retire, O}, {A::Remove, O}, {A::DsRemove, O}},
                                       fmt::format("withdraw {} and its DS", O), iret, "retire-interval");
    b.lint(kEmergencyKskRetire, iret, tswap - b.t0(), tswap, b.t0() + iret.minimum);
}

// Each method's planner, in RolloverMethod order.
constexpr std::pair<RolloverMethod, void (*)(Builder&)> kMethods[] = {
    {RolloverMethod::ZskPrepublish, plan_zsk_prepublish},
    {RolloverMethod::ZskDoubleSignature, plan_zsk_double_signature},
    {RolloverMethod::KskDoubleKsk, plan_ksk_double_ksk},
    {RolloverMethod::KskDoubleDs, plan_ksk_double_ds},
    {RolloverMethod::KskDoubleRrset, plan_ksk_double_rrset},
    {RolloverMethod::Csk, plan_csk},
    {RolloverMethod::Algorithm, plan_algorithm},
    {RolloverMethod::TurnSecure, plan_turn_secure},
    {RolloverMethod::TurnInsecure, plan_turn_insecure},
    {RolloverMethod::EmergencyZsk, plan_emergency_zsk},
    {RolloverMethod::EmergencyKsk, plan_emergency_chain},
    {RolloverMethod::EmergencyCsk, plan_emergency_chain},
};

}  // namespace

std::string next_key_name(const std::string& key) { return key + "-next"; }

std::string successor_name(const RolloverSpec& spec, const std::string& key)
{
    return key == spec.key && !spec.new_key.empty() ? spec.new_key : next_key_name(key);
}

TimingInputs timing_inputs(const ZoneSpec& zone, const RolloverSpec& spec)
{
    TimingInputs in;
    in.ttl_key = Seconds(zone.ttl.dnskey);
    in.ttl_ds = Seconds(zone.ttl.ds);
    // TTLsig: the longest TTL among the RRsets the zone signing key signs (everything but DNSKEY).
    std::uint32_t sig = std::max({zone.ttl.default_ttl, zone.ttl.soa, zone.ttl.ns, zone.ttl.negative});
    for (const auto& [type, ttl] : zone.ttl.by_type)
        if (type != "DNSKEY" && type != "DS") sig = std::max(sig, ttl);
    in.ttl_sig = Seconds(sig);
    in.dprp = spec.propagation;
    in.dprp_child = spec.propagation;
    in.dprp_parent = spec.parent_propagation;
    in.dreg = zone.parent_agent ? zone.parent_agent->scan_every + zone.parent_agent->registration_delay
                                : spec.registration_delay;
    in.dsgn = std::max(Seconds(0), zone.signing.validity - zone.signing.refresh);
    in.margin = spec.margin;
    in.validity = zone.signing.validity;
    return in;
}

std::vector<const KeySpec*> replaced_keys(const ZoneSpec& zone, const RolloverSpec& spec)
{
    std::vector<const KeySpec*> out;
    const KeySpec* key = nullptr;
    for (const auto& k : zone.keys)
        if (k.name == spec.key) key = &k;
    if (!key) return out;
    if (spec.method != RolloverMethod::Algorithm) return {key};
    for (const auto& k : zone.keys)
        if (k.algorithm == key->algorithm && !k.remove && k.publish) out.push_back(&k);
    return out;
}

std::vector<scenario::Event> RolloverPlan::events() const
{
    std::vector<scenario::Event> out;
    for (const auto& s : steps)
        for (const auto& a : s.actions) {
            // The rollover's own narrative (say:) opens its first step, e.g. a compromise announced.
            const bool first = &s == &steps.front() && !spec->say.empty();
            scenario::Event ev;
            ev.at = s.at;
            ev.zone = spec->zone;
            ev.action = a.kind;
            ev.key = a.key;
            ev.say = fmt::format("{}{} rollover: {}", first ? spec->say + " — " : "", to_string(spec->method), s.text);
            ev.loc = spec->loc;
            out.push_back(std::move(ev));
        }
    return out;
}

RolloverPlan plan_rollover(const ZoneSpec& zone, const RolloverSpec& spec)
{
    RolloverPlan plan;
    plan.spec = &spec;
    plan.inputs = timing_inputs(zone, spec);
    for (const KeySpec* k : replaced_keys(zone, spec)) plan.new_keys.push_back(successor(*k, spec));
    Builder b(plan, zone);
    for (const auto& [method, plan_method] : kMethods)
        if (method == spec.method) plan_method(b);
    if (zone.parent_agent && spec.method != RolloverMethod::TurnInsecure) publish_cds_instead_of_ds(plan, zone);
    if (scenario::is_emergency(spec.method)) plan.emergency = emergency_options(spec, plan.inputs);
    return plan;
}

std::vector<PredictedWindow> predicted_windows(const scenario::Scenario& sc, const std::vector<RolloverPlan>& plans)
{
    std::vector<PredictedWindow> out;
    for (const auto& p : plans)
        for (const auto& f : p.findings)
            if (f.window) {
                out.push_back(*f.window);
                out.back().until = std::min(out.back().until, sc.duration);
            }
    for (const auto& f : lint_chain(sc, plans))
        if (f.window) out.push_back(*f.window);
    return out;
}

}  // namespace rollsim::rollover
