// The chain-of-trust lint (chain_lint.hpp): the actions of the timeline played per key, the
// phases of each zone, and the pairs of phases a cache can hold together that do not validate.
#include "rollover/chain_lint.hpp"

#include "scenario/names.hpp"

#include <algorithm>
#include <map>
#include <string_view>

#include <fmt/format.h>

namespace rollsim::rollover {

using scenario::ActionKind;
using scenario::KeyRole;
using A = ActionKind;

namespace {

std::string o(Seconds s) { return format_offset(s); }

// One action on one key: the keys' own times (from_key) and the timeline's events.
struct Item {
    Seconds at{0};
    ActionKind kind = A::Publish;
    std::string key;
    scenario::SourceLoc loc;
    bool from_key = false;
};

struct KeyFlags {
    bool published = false, active = false, ds = false, revoked = false;
    std::string last_ds, last_dnskey;  // the action that last changed the DS / the DNSKEY, for warnings
};

std::string item_text(const Item& it)
{
    return fmt::format("{} {} (line {})", to_string(it.kind), it.key, it.loc.line);
}

// What `it` does to `k`, and why it does nothing when so ("" when it changes something).
std::string apply(const Item& it, KeyFlags& k)
{
    const std::string where = fmt::format("{} at {}, line {}", to_string(it.kind), o(it.at), it.loc.line);
    auto since = [](const std::string& last) { return last.empty() ? std::string() : " (" + last + ")"; };
    std::string no_op;
    switch (it.kind) {
    case A::Publish:
        if (k.published) no_op = fmt::format("{} is already published{}", it.key, since(k.last_dnskey));
        k.published = true, k.last_dnskey = where;
        break;
    case A::Activate:
        if (k.active) no_op = fmt::format("{} already signs", it.key);
        k.active = k.published = true, k.last_dnskey = where;
        break;
    case A::Retire:
        if (!k.active) no_op = fmt::format("{} does not sign", it.key);
        k.active = false;
        break;
    case A::Remove:
        if (!k.published) no_op = fmt::format("{} is not published{}", it.key, since(k.last_dnskey));
        k.published = k.active = false, k.last_dnskey = where;
        break;
    case A::DsAdd:
        if (k.ds) no_op = fmt::format("the parent already has the DS of {}{}", it.key, since(k.last_ds));
        k.ds = true, k.last_ds = where;
        break;
    case A::DsRemove:
        if (!k.ds) no_op = fmt::format("the DS of {} is already gone{}", it.key, since(k.last_ds));
        k.ds = false, k.last_ds = where;
        break;
    case A::Revoke:
        if (k.revoked) no_op = fmt::format("{} is already revoked", it.key);
        k.revoked = true;
        break;
    default: break;
    }
    return no_op;
}

// The keys' own times as actions, in the order World applies them at one instant.
void add_key_times(const scenario::KeySpec& k, std::vector<Item>& out)
{
    const std::pair<const std::optional<Seconds>*, ActionKind> times[] = {
        {&k.publish, A::Publish}, {&k.activate, A::Activate}, {&k.ds_add, A::DsAdd},   {&k.retire, A::Retire},
        {&k.remove, A::Remove},   {&k.ds_remove, A::DsRemove}, {&k.revoke, A::Revoke}};
    for (const auto& [when, kind] : times)
        if (*when) out.push_back({**when, kind, k.name, k.loc, true});
}

ChainState state_of(const scenario::ZoneSpec& zone, const std::map<std::string, KeyFlags>& flags)
{
    ChainState s;
    for (const auto& k : zone.keys) {
        const auto it = flags.find(k.name);
        if (it == flags.end()) continue;
        const KeyFlags& f = it->second;
        if (f.ds) s.ds.insert(k.name);
        if (!f.published) continue;
        s.dnskey.insert(k.name);
        // RFC 5011 2.1: a revoked key has a new key tag and signs the DNSKEY set only.
        if (f.active && !f.revoked && k.role != KeyRole::Zsk) s.dnskey_signers.insert(k.name);
        if (f.active && !f.revoked && k.role != KeyRole::Ksk) s.data_signers.insert(k.name);
    }
    return s;
}

std::string names(const std::set<std::string>& s)
{
    std::string out;
    for (const auto& n : s) out += (out.empty() ? "" : ", ") + n;
    return out.empty() ? "none" : out;
}

bool disjoint(const std::set<std::string>& a, const std::set<std::string>& b)
{
    return std::none_of(a.begin(), a.end(), [&](const std::string& x) { return b.count(x) > 0; });
}

Seconds plus(Seconds t, Seconds d) { return t >= kUntilTheEnd - d ? kUntilTheEnd : t + d; }

struct Raw {
    Seconds from{0}, until{0};
    bool cold = false;
    std::string cause;
};

// The phases' pairs in one place: the end of phase i, and how long its DNSKEY set is cached.
class Phases {
public:
    Phases(const std::vector<ChainPhase>& p, const CacheSpans& spans) : m_p(p), m_spans(spans) {}
    const ChainState& at(std::size_t i) const { return m_p[i].state; }
    const ChainPhase& phase(std::size_t i) const { return m_p[i]; }
    std::size_t size() const { return m_p.size(); }
    Seconds end(std::size_t i) const { return i + 1 < m_p.size() ? m_p[i + 1].from : kUntilTheEnd; }
    Seconds ds_cached(std::size_t i) const { return plus(end(i), m_spans.ds); }
    Seconds dnskey_cached(std::size_t i) const
    {
        return plus(end(i), at(i).dnskey.empty() ? m_spans.no_dnskey : m_spans.dnskey);
    }

private:
    const std::vector<ChainPhase>& m_p;
    const CacheSpans& m_spans;
};

// The words of a pair that fails, with {change} and {at} the later phase's change and start,
// {a} the DS set (or the keys signing the data), {b} the keys of the DNSKEY set, {since} and
// {until} when the earlier phase was served and until when it may be cached.
struct PairWords {
    std::string_view a_later, b_later, served;
};

constexpr PairWords kDsWords{
    "{change} at {at}: the DS set ({a}) matches no key signing the DNSKEY set served from {since} ({b}), cached "
    "until {until}",
    "{change} at {at}: the DNSKEY set, signed by {b}, has no key matching the DS set served from {since} ({a}), "
    "cached until {until}",
    "{change} at {at}: the DS set ({a}) matches no key signing the DNSKEY set ({b}), as both are served until {until}"};
constexpr PairWords kDataWords{
    "{change} at {at}: the data is signed by {a}, not in the DNSKEY set served from {since} ({b}), cached until "
    "{until}",
    "{change} at {at}: the DNSKEY set ({b}) lacks {a}, which signs the data",
    "{change} at {at}: the data is signed by {a}, not in the DNSKEY set ({b}), as both are served until {until}"};

// Phase a (its DS set, or its signatures), held until a_until, fails beside phase b's DNSKEY
// set: a warm window while a cache can hold both, a cold one when they are the same phase.
void add_pair(const Phases& p, std::size_t a, std::size_t b, Seconds a_until, const std::string& a_names,
              const std::string& b_names, const PairWords& words, std::vector<Raw>& out)
{
    const ChainPhase &pa = p.phase(a), &pb = p.phase(b);
    const bool a_later = pa.from >= pb.from;
    const ChainPhase& later = a_later ? pa : pb;
    auto say = [&](std::string_view text, Seconds since, Seconds until) {
        return fmt::format(fmt::runtime(text), fmt::arg("change", later.change), fmt::arg("at", o(later.from)),
                           fmt::arg("a", a_names), fmt::arg("b", b_names), fmt::arg("since", o(since)),
                           fmt::arg("until", o(until)));
    };
    const std::string cause = a_later ? say(words.a_later, pb.from, p.dnskey_cached(b))
                                      : say(words.b_later, pa.from, a_until);
    const Seconds from = later.from, until = std::min(a_until, p.dnskey_cached(b));
    if (from < until) out.push_back({from, until, false, cause});
    if (a == b) out.push_back({pa.from, p.end(a), true, say(words.served, pa.from, p.end(a))});
}

// The DS set of phase i beside the DNSKEY set of phase j: one of them must hold a key that
// signs the DNSKEY set and matches a DS (RFC 4035 5.2). An empty DS set: the zone is insecure.
void ds_pair(const Phases& p, std::size_t i, std::size_t j, std::vector<Raw>& out)
{
    const ChainState &ds = p.at(i), &key = p.at(j);
    if (ds.ds.empty() || !disjoint(ds.ds, key.dnskey_signers)) return;
    add_pair(p, i, j, p.ds_cached(i), names(ds.ds), names(key.dnskey_signers), kDsWords, out);
}

// The DNSKEY set of phase j beside the signatures served in phase m (Unbound keeps answers it
// validated, so only signatures fetched now count): a signer must be in the DNSKEY set.
void data_pair(const Phases& p, std::size_t j, std::size_t m, bool check_ds, std::vector<Raw>& out)
{
    const ChainState &key = p.at(j), &data = p.at(m);
    if (data.data_signers.empty() || key.dnskey.empty() || !disjoint(data.data_signers, key.dnskey)) return;
    if (check_ds && data.ds.empty()) return;
    add_pair(p, m, j, p.end(m), names(data.data_signers), names(key.dnskey), kDataWords, out);
}

// Overlapping windows of one kind (warm, cold) as one, with the cause of the one that lasts
// longest (the earliest of those): the pair that decides the end.
std::vector<Raw> merge(std::vector<Raw> raw)
{
    std::stable_sort(raw.begin(), raw.end(),
                     [](const Raw& a, const Raw& b) { return a.cold != b.cold ? b.cold : a.from < b.from; });
    std::vector<Raw> out;
    for (auto& r : raw) {
        if (out.empty() || out.back().cold != r.cold || r.from > out.back().until) {
            out.push_back(std::move(r));
            continue;
        }
        if (r.until > out.back().until) out.back().cause = std::move(r.cause);
        out.back().until = std::max(out.back().until, r.until);
    }
    return out;
}

bool overlaps(const PredictedWindow& a, const PredictedWindow& b)
{
    return a.zone == b.zone && a.from < b.until && b.from < a.until;
}

std::string finding_text(const PredictedWindow& w)
{
    if (w.cold)
        return fmt::format("Chain of trust broken: {}. Every validator, a fresh one included, fails (SERVFAIL) from "
                           "{} until {}",
                           w.cause, o(w.from), o(w.until));
    return fmt::format("Chain of trust broken: {}. Resolvers holding that cache fail (SERVFAIL) from {} until {}, "
                       "the worst case over where their caches refresh",
                       w.cause, o(w.from), o(w.until));
}

using ZoneEvents = std::vector<const scenario::Event*>;

// A stale-ds fault freezes the parent's DS set: the actions no longer say what it holds.
bool has_stale_ds(const ZoneEvents& events)
{
    return std::any_of(events.begin(), events.end(),
                       [](const scenario::Event* ev) { return ev->fault == scenario::FaultKind::StaleDs; });
}

// Whether the zone's DS is judged: not for the root, a zone whose parent agent keeps its DS, nor
// one whose DS set a stale-ds fault freezes.
bool ds_checked(const scenario::ZoneSpec& zone, const ZoneEvents& events)
{
    return zone.name != "." && !zone.parent_agent && !has_stale_ds(events);
}

ZoneEvents events_of(const scenario::Scenario& sc, const std::string& zone)
{
    ZoneEvents out;
    for (const auto& ev : sc.timeline)
        if (ev.zone == zone) out.push_back(&ev);
    return out;
}

// The chain of `zone` from its keys' times and its timeline events (in time order).
ZoneChain play_zone(const scenario::ZoneSpec& zone, const ZoneEvents& events)
{
    std::vector<Item> items;
    for (const auto& k : zone.keys) add_key_times(k, items);
    for (const auto* ev : events)
        if (ev->action && !ev->key.empty()) items.push_back({ev->at, *ev->action, ev->key, ev->loc});
    std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.at < b.at; });

    ZoneChain out;
    std::map<std::string, KeyFlags> flags;
    out.phases.push_back({Seconds(0), {}, "the start", zone.loc});
    for (std::size_t i = 0; i < items.size();) {
        std::string change;
        scenario::SourceLoc loc = items[i].loc;
        const Seconds at = items[i].at;
        for (; i < items.size() && items[i].at == at; ++i) {
            const std::string no_op = apply(items[i], flags[items[i].key]);
            if (!items[i].from_key && !no_op.empty())
                out.no_ops.push_back({items[i].loc, zone.name,
                                      fmt::format("{} {} at {} does nothing: {}", to_string(items[i].kind),
                                                  items[i].key, o(at), no_op),
                                      std::nullopt});
            if (!no_op.empty()) continue;
            change += (change.empty() ? "" : ", ") + item_text(items[i]);
            loc = items[i].loc;
        }
        ChainState s = state_of(zone, flags);
        if (s == out.phases.back().state) continue;
        if (out.phases.back().from == at) out.phases.pop_back();
        out.phases.push_back({at, std::move(s), change.empty() ? "the keys' own times" : change, loc});
    }
    return out;
}

CacheSpans spans_of(const scenario::ZoneSpec& zone, const TimingInputs& in)
{
    return {Seconds(zone.ttl.ds) + in.dprp_parent, Seconds(zone.ttl.dnskey) + in.dprp_child,
            Seconds(zone.ttl.negative) + in.dprp};
}

}  // namespace

ZoneChain play_chain(const scenario::Scenario& sc, const scenario::ZoneSpec& zone)
{
    return play_zone(zone, events_of(sc, zone.name));
}

std::vector<PredictedWindow> chain_windows(const std::string& zone, const std::vector<ChainPhase>& phases,
                                           const CacheSpans& spans, bool check_ds, Seconds duration)
{
    const Phases p(phases, spans);
    std::vector<Raw> raw;
    for (std::size_t i = 0; i < p.size(); ++i)
        for (std::size_t j = 0; j < p.size(); ++j) {
            if (check_ds) ds_pair(p, i, j, raw);
            data_pair(p, i, j, check_ds, raw);
        }
    std::vector<PredictedWindow> out;
    for (auto& r : merge(std::move(raw))) {
        PredictedWindow w;
        w.zone = zone;
        w.from = r.from;
        w.until = std::min(r.until, duration);
        w.warm = !r.cold;
        w.cold = r.cold;
        w.cause = std::move(r.cause);
        if (w.from < w.until) out.push_back(std::move(w));
    }
    return out;
}

CacheSpans cache_spans(const scenario::ZoneSpec& zone, const std::vector<RolloverPlan>& plans)
{
    for (const auto& p : plans)
        if (p.spec->zone == zone.name) return spans_of(zone, p.inputs);
    return spans_of(zone, TimingInputs{});
}

bool checks_ds(const scenario::Scenario& sc, const scenario::ZoneSpec& zone)
{
    return ds_checked(zone, events_of(sc, zone.name));
}

std::vector<ChainFinding> lint_chain(const scenario::Scenario& sc, const std::vector<RolloverPlan>& plans)
{
    std::vector<PredictedWindow> planned;
    for (const auto& p : plans)
        for (const auto& f : p.findings)
            if (f.window) planned.push_back(*f.window);
    // Each zone's events and first plan, found in one pass rather than one pass per zone: a
    // portfolio has thousands of zones.
    std::map<std::string, ZoneEvents> events;
    for (const auto& ev : sc.timeline) events[ev.zone].push_back(&ev);
    std::map<std::string, TimingInputs> inputs;
    for (const auto& p : plans) inputs.try_emplace(p.spec->zone, p.inputs);
    std::vector<ChainFinding> out;
    for (const auto& zone : sc.zones) {
        if (zone.keys.empty()) continue;
        const ZoneEvents& zone_events = events[zone.name];
        ZoneChain chain = play_zone(zone, zone_events);
        out.insert(out.end(), chain.no_ops.begin(), chain.no_ops.end());
        const bool check_ds = ds_checked(zone, zone_events);
        const auto in = inputs.find(zone.name);
        const CacheSpans spans = spans_of(zone, in == inputs.end() ? TimingInputs{} : in->second);
        for (auto& w : chain_windows(zone.name, chain.phases, spans, check_ds, sc.duration)) {
            if (std::any_of(planned.begin(), planned.end(), [&](const auto& p) { return overlaps(w, p); })) continue;
            scenario::SourceLoc loc = zone.loc;
            for (const auto& ph : chain.phases)
                if (ph.from == w.from) loc = ph.loc;
            std::string text = finding_text(w);
            out.push_back({loc, zone.name, std::move(text), std::move(w)});
        }
    }
    return out;
}

}  // namespace rollsim::rollover
