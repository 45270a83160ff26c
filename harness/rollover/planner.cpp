#include "rollover/planner.hpp"

#include "scenario/names.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace rollsim::rollover {

using scenario::ActionKind;
using scenario::KeyRole;
using scenario::KeySpec;
using scenario::RolloverMethod;
using scenario::RolloverSpec;
using scenario::ZoneSpec;

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
    using A = ActionKind;
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

// Builds the steps of one plan.
class Builder {
public:
    Builder(RolloverPlan& plan) : m_plan(plan), m_t(plan.spec->start) {}

    // The value an interval takes: the override when given, else the computed value.
    Seconds use(const std::string& override_name, const Interval& interval)
    {
        auto it = m_plan.spec->overrides.find(override_name);
        return it != m_plan.spec->overrides.end() ? it->second : interval.value;
    }
    bool short_of_minimum(const std::string& override_name, const Interval& interval) const
    {
        auto it = m_plan.spec->overrides.find(override_name);
        return it != m_plan.spec->overrides.end() && it->second < interval.minimum;
    }
    scenario::SourceLoc override_loc() const { return m_plan.spec->loc; }

    // A step `after` the previous one by `interval` (or its override); returns its time.
    Seconds step(std::vector<Action> actions, std::string text, std::optional<Interval> interval = std::nullopt,
                 const std::string& override_name = "")
    {
        Step s;
        if (interval) {
            const Seconds gap = override_name.empty() ? interval->value : use(override_name, *interval);
            m_t += gap;
            s.interval = interval;
            s.override_name = override_name;
            if (!override_name.empty() && m_plan.spec->overrides.count(override_name))
                s.override_value = m_plan.spec->overrides.at(override_name);
        }
        s.at = m_t;
        s.actions = std::move(actions);
        s.text = std::move(text);
        m_plan.steps.push_back(std::move(s));
        return m_t;
    }

    void finding(std::string message, std::optional<PredictedWindow> window)
    {
        if (window && window->until <= window->from) window.reset();
        m_plan.findings.push_back({override_loc(), std::move(message), std::move(window)});
    }
    PredictedWindow window(Seconds from, Seconds until, std::string cause) const
    {
        return {m_plan.spec->zone, from, until, true, false, std::move(cause)};
    }

private:
    RolloverPlan& m_plan;
    Seconds m_t;
};

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
            scenario::Event ev;
            ev.at = s.at;
            ev.zone = spec->zone;
            ev.action = a.kind;
            ev.key = a.key;
            ev.say = fmt::format("{} rollover: {}", to_string(spec->method), s.text);
            ev.loc = spec->loc;
            out.push_back(std::move(ev));
        }
    return out;
}

namespace {

// The root's KSK by RFC 5011: the root has no parent, its "DS" is the trust anchor. Publish the
// new KSK signed by the old one, wait out every RFC 5011 resolver's add hold-down, switch the
// signing and publish the new anchor, revoke the old key (self-signed), then remove it.
void plan_root_ksk_roll(Builder& b, const TimingInputs& in, const std::string& O, const std::string& N, Seconds t0)
{
    using A = ActionKind;
    const Interval ipub = rfc5011_ipub(in), irev = rfc5011_irevoke(in), irem = rfc5011_iremove(in);
    const Interval qi = rfc5011_query_interval(in);
    b.step({{A::Publish, N}},
           fmt::format("publish {}; {} alone signs the DNSKEY set: RFC 5011 resolvers start the add hold-down "
                       "(queryInterval {})",
                       N, O, d(qi.value)));
    const Seconds tact = b.step({{A::Activate, N}, {A::Retire, O}, {A::DsAdd, N}, {A::DsRemove, O}},
                                fmt::format("{} signs the DNSKEY set instead of {}; the new trust anchor ({}) is "
                                            "published",
                                            N, O, N),
                                ipub, "publish-interval");
    const Seconds trev =
        b.step({{A::Revoke, O}}, fmt::format("revoke {}: REVOKE bit set, it self-signs the DNSKEY set", O), irev,
               "retire-interval");
    b.step({{A::Remove, O}}, fmt::format("remove {} (revoked)", O), irem);
    (void)trev;
    if (b.short_of_minimum("publish-interval", ipub)) {
        PredictedWindow w = b.window(tact, t0 + ipub.minimum,
                                     "new root KSK signs alone before RFC 5011 resolvers accepted it");
        w.anchor = scenario::TrustAnchorMode::Rfc5011;
        b.finding(fmt::format("Add hold-down not respected: {}. RFC 5011 resolvers still hold {} as pending when it "
                              "takes over the DNSKEY set: they cannot validate it (SERVFAIL) from {} at their next "
                              "DNSKEY fetch until their hold-down ends, at the latest {} (publication + Dprp + "
                              "queryInterval + add hold-down + queryInterval); a cold validator ships the new anchor "
                              "and is not expected to fail",
                              short_by(tact - t0, ipub), N, o(tact), o(t0 + ipub.minimum)),
                  w);
    }
    // Not a timing mistake, but a prediction all the same: a daemon whose anchor never changes.
    PredictedWindow stale = b.window(tact, kUntilTheEnd, "static trust anchor: the old root KSK no longer signs");
    stale.anchor = scenario::TrustAnchorMode::Static;
    b.finding(fmt::format("Static trust anchors do not follow the roll: warm resolvers with 'trust-anchor: static' "
                          "still trust only {} and fail (SERVFAIL) once their cached DNSKEY set expires after {} "
                          "takes over at {}, until their anchor is replaced by hand",
                          O, N, o(tact)),
              stale);
}

}  // namespace

RolloverPlan plan_rollover(const ZoneSpec& zone, const RolloverSpec& spec)
{
    RolloverPlan plan;
    plan.spec = &spec;
    plan.inputs = timing_inputs(zone, spec);
    const TimingInputs& in = plan.inputs;
    Builder b(plan);
    const std::string O = spec.key, N = successor_name(spec, spec.key);
    const Seconds t0 = spec.start;
    const auto dreg = [&](const char* section) { return dreg_interval(in, section, zone.parent_agent); };

    for (const KeySpec* k : replaced_keys(zone, spec)) plan.new_keys.push_back(successor(*k, spec));
    using A = ActionKind;

    switch (spec.method) {
    case RolloverMethod::ZskPrepublish: {
        const Interval ipub = zsk_prepublish_ipub(in), iret = zsk_prepublish_iret(in);
        b.step({{A::Publish, N}}, fmt::format("publish {} (DNSKEY only; {} keeps signing)", N, O));
        const Seconds tact = b.step({{A::Activate, N}, {A::Retire, O}},
                                    fmt::format("{} signs, {} stops signing (its DNSKEY stays)", N, O), ipub,
                                    "publish-interval");
        const Seconds trem = b.step({{A::Remove, O}}, fmt::format("remove {}'s DNSKEY", O), iret, "retire-interval");
        if (b.short_of_minimum("publish-interval", ipub))
            b.finding(fmt::format("ZSK pre-publication too short: {}. Warm resolvers that cached the DNSKEY set "
                                  "just before {} was published see signatures by an unknown key (SERVFAIL, EDE 9) "
                                  "from its activation at {} until {} (publication + Dprp + TTLkey); a cold "
                                  "validator fetches the new set and is not expected to fail",
                                  short_by(tact - t0, ipub), N, o(tact), o(t0 + ipub.minimum)),
                      b.window(tact, t0 + ipub.minimum, "new ZSK signs before every cached DNSKEY set holds it"));
        if (b.short_of_minimum("retire-interval", iret))
            b.finding(fmt::format("ZSK removed early: {}. Signatures by {} may still be cached until {}; a validator "
                                  "that re-checks them against a fresh DNSKEY set would fail from {}. Unbound keeps "
                                  "validated answers: no failure predicted",
                                  short_by(trem - tact, iret), O, o(tact + iret.minimum), o(trem)),
                      std::nullopt);
        break;
    }
    case RolloverMethod::ZskDoubleSignature: {
        const Interval iret = zsk_double_signature_iret(in);
        b.step({{A::Publish, N}, {A::Activate, N}}, fmt::format("publish {}; both {} and {} sign", N, O, N));
        const Seconds trem = b.step({{A::Retire, O}, {A::Remove, O}}, fmt::format("remove {} (stops signing)", O),
                                    iret, "retire-interval");
        if (b.short_of_minimum("retire-interval", iret)) {
            const Seconds key_end = t0 + in.dprp + in.ttl_key;
            b.finding(fmt::format("ZSK double-signature too short: {}. Warm resolvers that cached the DNSKEY set "
                                  "before {} was published see signatures by an unknown key (SERVFAIL, EDE 9) "
                                  "from {}'s removal at {} until {} (publication + Dprp + TTLkey); signatures by {} "
                                  "stay cached until {}, a risk only for validators that re-check them; a cold "
                                  "validator is not expected to fail",
                                  short_by(trem - t0, iret), N, O, o(trem), o(key_end), O, o(t0 + iret.minimum)),
                      b.window(trem, key_end, "old ZSK removed before every cached DNSKEY set holds the new one"));
        }
        break;
    }
    case RolloverMethod::KskDoubleKsk: {
        if (spec.zone == ".") {
            plan_root_ksk_roll(b, in, O, N, t0);
            break;
        }
        const Interval ipub = ksk_double_ksk_ipub(in), iret = ksk_double_ksk_iret(in);
        b.step({{A::Publish, N}, {A::Activate, N}}, fmt::format("publish {}; both KSKs sign the DNSKEY set", N));
        const Seconds tsbm = b.step({}, fmt::format("submit the DS of {} (replacing {}'s) to the parent", N, O), ipub,
                                    "publish-interval");
        const Seconds tds = b.step({{A::DsAdd, N}, {A::DsRemove, O}},
                                   fmt::format("the parent swaps the DS: {} in, {} out", N, O),
                                   dreg("RFC 7583 3.3.1"));
        const Seconds trem = b.step({{A::Retire, O}, {A::Remove, O}}, fmt::format("remove {}", O), iret,
                                    "retire-interval");
        if (b.short_of_minimum("publish-interval", ipub))
            b.finding(fmt::format("Double-KSK pre-publication too short: {}. Warm resolvers that cached the DNSKEY "
                                  "set before {} was published and fetch the new DS set find no DNSKEY matching "
                                  "it (SERVFAIL) from the DS swap at {} until {} (publication + DprpC + TTLkey); a "
                                  "cold validator is not expected to fail",
                                  short_by(tsbm - t0, ipub), N, o(tds), o(t0 + ipub.minimum)),
                      b.window(tds, t0 + ipub.minimum, "DS swapped before every cached DNSKEY set holds the new KSK"));
        if (b.short_of_minimum("retire-interval", iret))
            b.finding(fmt::format("Old KSK removed early: {}. Warm resolvers that still hold the old DS set and "
                                  "fetch the new DNSKEY set find no DNSKEY matching it (SERVFAIL) from {} until {} "
                                  "(DS swap + DprpP + TTLds); a cold validator is not expected to fail",
                                  short_by(trem - tds, iret), o(trem), o(tds + iret.minimum)),
                      b.window(trem, tds + iret.minimum, "old KSK removed while old DS sets are cached"));
        break;
    }
    case RolloverMethod::KskDoubleDs: {
        const Interval ipub = ksk_double_ds_ipub(in), iret = ksk_double_ds_iret(in);
        b.step({}, fmt::format("submit the DS of {} to the parent (added to {}'s)", N, O));
        const Seconds tadd =
            b.step({{A::DsAdd, N}}, fmt::format("the parent publishes the DS of {}", N), dreg("RFC 7583 3.3.2"));
        const Seconds tswap = b.step({{A::Publish, N}, {A::Activate, N}, {A::Retire, O}, {A::Remove, O}},
                                     fmt::format("swap the KSK in the DNSKEY set: {} in, {} out", N, O), ipub,
                                     "publish-interval");
        const Seconds tdel = b.step({{A::DsRemove, O}}, fmt::format("the parent removes the DS of {}", O), iret,
                                    "retire-interval");
        if (b.short_of_minimum("publish-interval", ipub))
            b.finding(fmt::format("Double-DS pre-publication too short: {}. Warm resolvers that still hold the DS "
                                  "set cached before {}'s DS was added find no DNSKEY matching it once they fetch "
                                  "the new DNSKEY set (SERVFAIL) from the swap at {} until {} (DS added + DprpP + "
                                  "TTLds); a cold validator is not expected to fail",
                                  short_by(tswap - tadd, ipub), N, o(tswap), o(tadd + ipub.minimum)),
                      b.window(tswap, tadd + ipub.minimum, "KSK swapped while DS sets without the new key are cached"));
        if (b.short_of_minimum("retire-interval", iret))
            b.finding(fmt::format("Old DS removed early: {}. Warm resolvers that still hold the DNSKEY set cached "
                                  "before the swap find no DNSKEY matching the new DS set (SERVFAIL) from {} until "
                                  "{} (swap + DprpC + TTLkey); a cold validator is not expected to fail",
                                  short_by(tdel - tswap, iret), o(tdel), o(tswap + iret.minimum)),
                      b.window(tdel, tswap + iret.minimum, "old DS removed while old DNSKEY sets are cached"));
        break;
    }
    case RolloverMethod::KskDoubleRrset: {
        const Interval ipub = ksk_double_rrset_ipub(in);
        b.step({{A::Publish, N}, {A::Activate, N}},
               fmt::format("publish {} (both KSKs sign the DNSKEY set); submit its DS to the parent", N));
        b.step({{A::DsAdd, N}}, fmt::format("the parent publishes the DS of {} (both DS)", N),
               dreg("RFC 7583 3.3.3"));
        plan.steps.back().counts_from = 1;
        // Ipub counts from the publication (step 1), Dreg included.
        const Seconds tswap = t0 + b.use("publish-interval", ipub);
        Step swap;
        swap.at = tswap;
        swap.actions = {{A::Retire, O}, {A::Remove, O}, {A::DsRemove, O}};
        swap.text = fmt::format("remove {} and its DS", O);
        swap.interval = ipub;
        swap.override_name = "publish-interval";
        if (spec.overrides.count("publish-interval")) swap.override_value = spec.overrides.at("publish-interval");
        swap.counts_from = 1;
        plan.steps.push_back(std::move(swap));
        // An override shorter than Dreg withdraws the old key before the new DS is even there.
        std::stable_sort(plan.steps.begin(), plan.steps.end(), [](const Step& a, const Step& b) { return a.at < b.at; });
        if (b.short_of_minimum("publish-interval", ipub)) {
            const Seconds ds_end = t0 + in.dreg + in.dprp_parent + in.ttl_ds;
            const Seconds key_end = t0 + in.dprp_child + in.ttl_key;
            b.finding(fmt::format("Double-RRset too short: {}. Warm resolvers holding the DS set or the DNSKEY set "
                                  "cached before the new KSK arrived fail (SERVFAIL) from {} until {}; a cold "
                                  "validator is not expected to fail",
                                  short_by(tswap - t0, ipub), o(tswap), o(std::max(ds_end, key_end))),
                      b.window(tswap, std::max(ds_end, key_end), "old KSK and DS removed while old sets are cached"));
        }
        break;
    }
    case RolloverMethod::Csk: {
        const Interval ipub = csk_ipub(in), iret_ds = csk_iret_ds(in), iret_sig = csk_iret_sig(in);
        b.step({{A::Publish, N}}, fmt::format("publish {} (DNSKEY only)", N));
        const Seconds tact = b.step({{A::Activate, N}},
                                    fmt::format("{} signs too (double signature); submit its DS to the parent", N),
                                    ipub, "publish-interval");
        const Seconds tds = b.step({{A::DsAdd, N}, {A::DsRemove, O}},
                                   fmt::format("the parent swaps the DS: {} in, {} out", N, O),
                                   dreg("RFC 7583 3.3.1"));
        const Seconds tret = b.step({{A::Retire, O}}, fmt::format("{} stops signing (its DNSKEY stays)", O), iret_ds,
                                    "retire-interval");
        const Seconds trem = b.step({{A::Remove, O}}, fmt::format("remove {}'s DNSKEY", O), iret_sig, "remove-interval");
        if (b.short_of_minimum("publish-interval", ipub))
            b.finding(fmt::format("CSK pre-publication too short: {}. Warm resolvers that cached the DNSKEY set "
                                  "before {} was published and fetch the new DS set find no DNSKEY matching it "
                                  "(SERVFAIL) from the DS swap at {} until {}; a cold validator is not expected to fail",
                                  short_by(tact - t0, ipub), N, o(tds), o(t0 + ipub.minimum)),
                      b.window(tds, t0 + ipub.minimum, "DS swapped before every cached DNSKEY set holds the new CSK"));
        if (b.short_of_minimum("retire-interval", iret_ds))
            b.finding(fmt::format("Old CSK stops signing early: {}. Warm resolvers that still hold the old DS set "
                                  "and fetch the DNSKEY set, now signed by {} alone, fail (SERVFAIL) from {} until {} "
                                  "(DS swap + DprpP + TTLds); a cold validator is not expected to fail",
                                  short_by(tret - tds, iret_ds), N, o(tret), o(tds + iret_ds.minimum)),
                      b.window(tret, tds + iret_ds.minimum, "old CSK retired while old DS sets are cached"));
        if (b.short_of_minimum("remove-interval", iret_sig))
            b.finding(fmt::format("Old CSK removed early: {}. Its signatures may stay cached until {}; Unbound keeps "
                                  "validated answers: no failure predicted",
                                  short_by(trem - tret, iret_sig), o(tret + iret_sig.minimum)),
                      std::nullopt);
        break;
    }
    case RolloverMethod::Algorithm: {
        const Interval ipub = algorithm_ipub(in), iret = algorithm_iret(in);
        std::vector<Action> add, ds_swap, remove;
        std::vector<std::string> new_names, old_names;
        for (const KeySpec* k : replaced_keys(zone, spec)) {
            const std::string n = successor_name(spec, k->name);
            add.push_back({A::Publish, n});
            add.push_back({A::Activate, n});
            remove.push_back({A::Retire, k->name});
            remove.push_back({A::Remove, k->name});
            if (k->role != KeyRole::Zsk) {
                ds_swap.push_back({A::DsAdd, n});
                ds_swap.push_back({A::DsRemove, k->name});
            }
            new_names.push_back(n);
            old_names.push_back(k->name);
        }
        const std::string alg = fmt::format("algorithm {}", spec.algorithm ? int(*spec.algorithm) : 0);
        b.step(add, fmt::format("sign with {} too: publish and activate {} (the lab publishes each new DNSKEY with "
                                "its first signatures)", alg, join(new_names)));
        b.step({}, "submit the new algorithm's DS to the parent", ipub, "publish-interval");
        const Seconds tds = b.step(ds_swap, "the parent swaps the DS to the new algorithm (DS last)",
                                   dreg("RFC 6781 4.1.4"));
        const Seconds trem = b.step(remove, fmt::format("remove the old algorithm's keys {}", join(old_names)), iret,
                                    "retire-interval");
        if (b.short_of_minimum("publish-interval", ipub)) {
            const Seconds key_end = t0 + in.dprp + in.ttl_key;
            b.finding(fmt::format("Algorithm rollover DS change too early: {}. Warm resolvers that cached the DNSKEY "
                                  "set before the new algorithm's keys were published and fetch the new DS set find "
                                  "no DNSKEY matching it (SERVFAIL) from the DS swap at {} until {}; a cold "
                                  "validator is not expected to fail",
                                  short_by(tds - in.dreg - t0, ipub), o(tds), o(key_end)),
                      b.window(tds, key_end, "DS changed before every cached DNSKEY set holds the new algorithm"));
        }
        if (b.short_of_minimum("retire-interval", iret))
            b.finding(fmt::format("Old algorithm removed early: {}. Warm resolvers that still hold the old DS set "
                                  "and fetch the DNSKEY set without the old algorithm fail (SERVFAIL) from {} until "
                                  "{} (DS swap + DprpP + TTLds); a cold validator is not expected to fail",
                                  short_by(trem - tds, iret), o(trem), o(tds + iret.minimum)),
                      b.window(trem, tds + iret.minimum, "old algorithm removed while old DS sets are cached"));
        break;
    }
    case RolloverMethod::TurnSecure: {
        const Interval ipub = turn_secure_ipub(in);
        std::vector<Action> sign, ds;
        std::vector<std::string> names, ds_names;
        for (const auto& k : zone.keys) {
            sign.push_back({A::Publish, k.name});
            sign.push_back({A::Activate, k.name});
            names.push_back(k.name);
            if (k.role != KeyRole::Zsk) {
                ds.push_back({A::DsAdd, k.name});
                ds_names.push_back(k.name);
            }
        }
        b.step(sign, fmt::format("sign the zone: publish and activate {}", join(names)));
        const Seconds tsbm = b.step({}, fmt::format("submit the DS of {} to the parent", join(ds_names)), ipub,
                                    "publish-interval");
        const Seconds tds = b.step(ds, fmt::format("the parent publishes the DS of {}: the zone is secure",
                                                   join(ds_names)),
                                   dreg("RFC 6781 4.1.4"));
        // A negative override submits the DS before the zone is signed: the steps keep the
        // method's order and show the times as they fall.
        if (b.short_of_minimum("publish-interval", ipub)) {
            if (tds < t0) {
                // The DS names keys no server publishes yet: every validator fails (HBO NOW, 2015);
                // a warm one until its cached DNSKEY answer (negative, then bogus) turns over.
                const Seconds end = t0 + Seconds(zone.ttl.negative) + in.dprp;
                auto w = b.window(tds, end, "DS published before the zone is signed");
                w.cold = true;
                b.finding(fmt::format("DS before signatures: {}. The parent publishes the DS at {}, before the zone "
                                      "is signed at {}: every validator that fetches the DS finds no DNSKEY matching "
                                      "it (SERVFAIL, EDE 9 or 10) until the zone is signed; warm resolvers until "
                                      "their cached answer without a DNSKEY expires, by {} (signing + negative TTL "
                                      "+ Dprp)",
                                      short_by(tsbm - t0, ipub), o(tds), o(t0), o(end)),
                          w);
            } else {
                b.finding(fmt::format("DS submitted early: {}. Servers still serving the unsigned zone, or caches "
                                      "holding its answers, until {} meet a validator that now expects signatures; "
                                      "Unbound retries another server and keeps its insecure answers until they "
                                      "expire: no failure predicted",
                                      short_by(tsbm - t0, ipub), o(t0 + ipub.minimum)),
                          std::nullopt);
            }
        }
        break;
    }
    case RolloverMethod::TurnInsecure: {
        const Interval iret = turn_insecure_iret(in);
        std::vector<Action> ds, unsign;
        std::vector<std::string> names, ds_names;
        for (const auto& k : zone.keys) {
            if (!k.publish || k.remove) continue;  // keys already gone, or planned away by the timeline
            unsign.push_back({A::Retire, k.name});
            unsign.push_back({A::Remove, k.name});
            names.push_back(k.name);
            if (k.role != KeyRole::Zsk) {
                ds.push_back({A::DsRemove, k.name});
                ds_names.push_back(k.name);
            }
        }
        // With a parent agent the child asks by the RFC 8078 delete signal, and the agent removes
        // the DS when it accepts it.
        if (zone.parent_agent) {
            b.step({{A::CdsDelete, ""}}, "publish the CDS/CDNSKEY delete signal (RFC 8078)");
            ds.clear();
        } else {
            b.step({}, fmt::format("ask the parent to remove the DS of {}", join(ds_names)));
        }
        const Seconds tdel = b.step(ds, fmt::format("the parent removes the DS of {}: the zone is insecure",
                                                    join(ds_names)),
                                    dreg("RFC 8078 4, RFC 6781 4.1.4"));
        if (zone.parent_agent) plan.steps.back().by_parent_agent = true;
        const Seconds tuns = b.step(unsign, fmt::format("unsign the zone: remove {}", join(names)), iret,
                                    "retire-interval");
        if (b.short_of_minimum("retire-interval", iret)) {
            const Seconds end = tdel + in.dprp_parent + in.ttl_ds;
            b.finding(fmt::format("Zone unsigned too early: {}. Warm resolvers that still hold the DS set cached "
                                  "before its removal find the zone unsigned (SERVFAIL: no DNSKEY, no RRSIG) from "
                                  "{} until {} (DS removed + DprpP + TTLds); a cold validator fetches the DS set "
                                  "afresh and is not expected to fail",
                                  short_by(tuns - tdel, iret), o(tuns), o(end)),
                      b.window(tuns, end, "zone unsigned while DS sets are cached"));
        }
        break;
    }
    }
    if (zone.parent_agent && spec.method != RolloverMethod::TurnInsecure) publish_cds_instead_of_ds(plan, zone);
    return plan;
}

std::vector<RolloverPlan> plan_rollovers(const scenario::Scenario& sc)
{
    std::vector<RolloverPlan> out;
    for (const auto& r : sc.rollovers)
        if (const ZoneSpec* z = sc.find_zone(r.zone)) out.push_back(plan_rollover(*z, r));
    return out;
}

std::vector<PredictedWindow> predicted_windows(const scenario::Scenario& sc)
{
    std::vector<PredictedWindow> out;
    for (const auto& p : plan_rollovers(sc))
        for (const auto& f : p.findings)
            if (f.window) {
                out.push_back(*f.window);
                out.back().until = std::min(out.back().until, sc.duration);
            }
    return out;
}

std::vector<std::string> affected_resolvers(const scenario::Scenario& sc, const PredictedWindow& w)
{
    std::vector<std::string> out;
    for (const auto& r : sc.resolvers) {
        const bool warm = r.kind == scenario::ResolverKind::Unbound;
        if (warm && w.anchor && r.trust_anchor != *w.anchor) continue;
        if ((warm && w.warm) || (!warm && w.cold)) out.push_back(r.name);
    }
    return out;
}

namespace {

// "zsk-prepublish of zsk", "turn-secure"
std::string what_is_rolled(const RolloverSpec& spec)
{
    std::string out(to_string(spec.method));
    if (!spec.key.empty()) out += " of " + spec.key;
    if (spec.every) out += fmt::format(" (generation {}, every {})", spec.generation, d(*spec.every));
    return out;
}

std::string actions_text(const Step& s)
{
    std::string out;
    for (const auto& a : s.actions)
        out += fmt::format("{}{}{}{}", out.empty() ? "" : ", ", to_string(a.kind), a.key.empty() ? "" : " ", a.key);
    if (out.empty() && s.by_parent_agent) return "(the parent agent changes the DS when it accepts the CDS)";
    return out.empty() ? "(at the parent's registry; no change in the lab)" : out;
}

}  // namespace

void print_lint(std::ostream& out, const scenario::Scenario& sc, const std::vector<RolloverPlan>& plans)
{
    bool any = false;
    for (const auto& p : plans) {
        for (const auto& f : p.findings) {
            if (!any) out << "Rollover lint\n";
            any = true;
            out << fmt::format("  line {}: {} in {}\n", f.loc.line, what_is_rolled(*p.spec), p.spec->zone);
            out << fmt::format("    {}\n", f.message);
            if (f.window) {
                std::string who;
                for (const auto& r : affected_resolvers(sc, *f.window)) who += (who.empty() ? "" : ", ") + r;
                const Seconds until = std::min(f.window->until, sc.duration);
                out << fmt::format("    predicted failure window: {} .. {} ({} .. {}) on {}\n", o(f.window->from),
                                   o(until), format_time(sc.start + f.window->from), format_time(sc.start + until),
                                   who.empty() ? "no resolver" : who);
            } else {
                out << "    no failure window predicted for Unbound\n";
            }
        }
    }
}

void print_plan(std::ostream& out, const scenario::Scenario& sc, const std::vector<RolloverPlan>& plans)
{
    out << fmt::format("{} ({})\n", sc.name, sc.file);
    if (plans.empty()) out << "  no rollover: block in this scenario\n";
    int n = 0;
    for (const auto& p : plans) {
        const auto& in = p.inputs;
        out << fmt::format("\nRollover {}: {} {} from {} (line {})\n", ++n, p.spec->zone, what_is_rolled(*p.spec),
                           o(p.spec->start), p.spec->loc.line);
        out << fmt::format("  inputs: TTLkey {}, TTLds {}, TTLsig {}, Dprp {}, DprpC {}, DprpP {}, Dreg {}, Dsgn {} "
                           "(validity - refresh), margin {}\n",
                           d(in.ttl_key), d(in.ttl_ds), d(in.ttl_sig), d(in.dprp), d(in.dprp_child), d(in.dprp_parent),
                           d(in.dreg), d(in.dsgn), d(in.margin));
        std::string keys;
        for (const auto& k : p.new_keys) keys += (keys.empty() ? "" : ", ") + k.name;
        out << fmt::format("  new keys: {}\n", keys.empty() ? "none (the zone's own keys)" : keys);
        out << fmt::format("  {:<4} {:<12} {:<21} {}\n", "step", "offset", "date", "action");
        int i = 0;
        for (const auto& s : p.steps) {
            ++i;
            out << fmt::format("  {:<4} {:<12} {:<21} {}\n", i, o(s.at), format_time(sc.start + s.at), s.text);
            out << fmt::format("  {:<4} {:<12} {:<21}   = {}\n", "", "", "", actions_text(s));
            if (s.interval) {
                const std::string after = fmt::format("after step {}", s.counts_from ? s.counts_from : i - 1);
                if (s.override_value)
                    out << fmt::format("  {:<39}   {}: override {} = {} (computed {}{})\n", "", after, s.override_name,
                                       d(*s.override_value), s.interval->describe(),
                                       *s.override_value < s.interval->minimum ? ", BELOW THE MINIMUM" : "");
                else
                    out << fmt::format("  {:<39}   {}: {}\n", "", after, s.interval->describe());
                out << fmt::format("  {:<39}   [{}]\n", "", s.interval->section);
            }
        }
    }
    bool findings = false;
    for (const auto& p : plans) findings = findings || !p.findings.empty();
    if (!findings) {
        if (!plans.empty()) out << "\nRollover lint\n  no findings: every interval meets its RFC 7583 minimum\n";
        return;
    }
    out << "\n";
    print_lint(out, sc, plans);
}

}  // namespace rollsim::rollover
