// Rollover entries (scenario/parser.hpp): each `rollover:` entry read into a RolloverSpec as
// written: its zone, method, key, start, algorithm, repetition (every:, count:), delays,
// margin and overrides, with the checks that need only the file. Planning it, and the checks
// that depend on the keys its zone has once earlier rollovers have added theirs, are
// prepare/'s (prepare/rollovers.hpp).
#include "scenario/parser.hpp"

namespace rollsim::scenario::detail {

void Parser::parse_rollovers(const Field& f)
{
    if (f.value.IsNull()) return;
    for (const auto& item : items(f, "a list such as '- { zone: example.com., method: zsk-prepublish, key: zsk, "
                                     "start: +1d }'")) {
        const auto zone = pattern_field(item, "zone");
        if (!zone) {
            m_scenario.rollovers.push_back(parse_rollover(item, nullptr));
            continue;
        }
        // zone: a pattern: one rollover per zone, read (and checked) for each.
        const std::vector<std::string> zones = zone_refs(*zone);
        for (std::size_t k = 0; k < zones.size(); ++k) {
            const PatternSlot slot{zones[k], k, zones.size()};
            m_scenario.rollovers.push_back(parse_rollover(item, &slot));
        }
    }
}

RolloverSpec Parser::parse_rollover(const YAML::Node& node, const PatternSlot* slot)
{
    RolloverSpec r;
    r.loc = loc(node);
    Fields f = item_fields(node, r.loc, "rollover",
                           "'{ zone: example.com., method: zsk-prepublish, key: zsk, start: +1d }'", kRolloverFields);
    const Field* zone = f.find("zone");
    if (!zone) missing(r.loc, "zone", "rollover", "zone: example.com.");
    r.zone = slot ? slot->zone : zone_ref(*zone);
    require_own_signer(r.zone, "a rollover", loc(*zone));
    const Field* method = f.find("method");
    if (!method) missing(r.loc, "method", "rollover", "method: zsk-prepublish");
    r.method = choice<RolloverMethod>(*method, "rollover method");
    const std::string method_name(to_string(r.method));
    const Field* start = f.find("start");
    if (!start) missing(r.loc, "start", "rollover", "start: +1d");
    r.start = time(*start);
    r.start_loc = loc(*start);
    if (const Field* s = f.find("say")) r.say = s->value.IsNull() ? "" : scalar(*s);
    parse_emergency(r, f, method_name);
    if (r.method == RolloverMethod::TurnSecure || r.method == RolloverMethod::TurnInsecure) {
        if (const Field* key = f.find("key"))
            fail(key_loc(*key), fmt::format("method {} changes every key of the zone; remove key", method_name));
        for (const char* field : {"every", "count", "algorithm"})
            if (const Field* x = f.find(field))
                fail(key_loc(*x), fmt::format("{} does not apply to method {}; remove it", field, method_name));
        check_turn(r, *method);
        parse_rollover_timing(r, f, method_name);
    } else {
        parse_rolled_key(r, f, method_name);
    }
    parse_stagger(r, f, slot);
    return r;
}

// The key a method other than turn-secure / turn-insecure rolls, its repetition and its new
// algorithm. The key itself is checked against its zone's keys by prepare/.
void Parser::parse_rolled_key(RolloverSpec& r, const Fields& f, const std::string& method_name)
{
    const Field* key = f.find("key");
    if (!key) missing(r.loc, "key", "rollover", "key: zsk");
    r.key = scalar(*key);
    r.key_loc = loc(*key);
    const Field* every = f.find("every");
    if (every) {
        if (r.method == RolloverMethod::Algorithm)
            fail(key_loc(*every), "every does not apply to method algorithm (an algorithm is rolled once); remove it");
        r.every = positive_duration(*every);
        r.every_loc = loc(*every);
    } else if (const Field* c = f.find("count")) {
        fail(key_loc(*c), "count applies with every: (e.g. every: 30d, count: 12); add every or remove count");
    }
    // The root has no parent: its "DS" is the trust anchor validators hold, which RFC 5011
    // resolvers learn from a DNSKEY set signed by a key they trust. Only double-KSK does that.
    if (r.zone == "." && !rolls_zsk(r.method) && r.method != RolloverMethod::KskDoubleKsk)
        fail(loc(*f.find("method")), fmt::format("method {} cannot roll the root's key: RFC 5011 resolvers learn a "
                                                 "new root key only from a DNSKEY set the old key signs (use "
                                                 "ksk-double-ksk)",
                                                 method_name));
    if (const Field* a = f.find("algorithm")) {
        if (r.method != RolloverMethod::Algorithm)
            fail(key_loc(*a), fmt::format("algorithm applies only to method algorithm (the new algorithm); method {} "
                                          "keeps the key's algorithm: remove it", method_name));
        r.algorithm = algorithm(*a);
        r.algorithm_loc = loc(*a);
    } else if (r.method == RolloverMethod::Algorithm) {
        missing(r.loc, "algorithm", "an algorithm rollover", "algorithm: ED25519");
    }
    parse_rollover_timing(r, f, method_name);
    // Repeating key lifetimes: without count:, as many generations as end within the duration.
    if (!every) return;
    if (const Field* count = f.find("count")) r.count = static_cast<int>(integer(*count, 1, 1000));
    if (!r.count && !m_declared_duration)
        fail(key_loc(*every), "every: repeats the rollover until the scenario ends: give the scenario a "
                              "duration, or the rollover a count (e.g. count: 12)");
}

// The delays, margin, parent and overrides of a rollover.
void Parser::parse_rollover_timing(RolloverSpec& r, const Fields& f, const std::string& method_name)
{
    const bool zsk_method = rolls_zsk(r.method);
    if (const Field* p = f.find("propagation-delay")) r.propagation = duration(*p);
    if (const Field* m = f.find("margin")) r.margin = duration(*m);
    if (const Field* p = f.find("parent")) {
        if (r.zone == "." && !zsk_method)
            fail(key_loc(*p), "parent does not apply to the root: its new trust anchor is published with the new "
                              "key's activation (remove parent)");
        if (zsk_method)
            fail(key_loc(*p), fmt::format("parent applies to rollovers that change the DS (ksk-*, csk, algorithm); "
                                          "method {} does not: remove it", method_name));
        Fields pf = fields(p->value, "rollover parent", loc(*p), kRolloverParentFields);
        if (const Field* x = pf.find("registration-delay")) {
            if (m_scenario.find_zone(r.zone)->parent_agent)
                fail(key_loc(*x), fmt::format("zone {} has a parent-agent, whose registration-delay (with its "
                                              "scan-every) times the DS changes; remove registration-delay here",
                                              r.zone));
            r.registration_delay = duration(*x);
        }
        if (const Field* x = pf.find("propagation-delay")) r.parent_propagation = duration(*x);
    }
    if (const Field* ov = f.find("override")) {
        Fields of = fields(ov->value, "rollover override", loc(*ov), kRolloverOverrideFields);
        const std::vector<std::string> takes = override_names(r.method);
        for (const auto& x : of.all()) {
            if (std::find(takes.begin(), takes.end(), x.name) == takes.end())
                fail(key_loc(x), fmt::format("method {} has no {} to override (it takes {}); remove it", method_name,
                                             x.name, join_and(takes)));
            if (r.choice == EmergencyChoice::PullNow)
                fail(key_loc(x), fmt::format("choice pull-now withdraws {} at once: there is no {} to override; "
                                             "remove it, or use choice: keep-until-safe", r.key, x.name));
            // turn-secure: a negative publish-interval submits the DS before the zone is signed.
            r.overrides[x.name] = r.method == RolloverMethod::TurnSecure ? signed_duration(x) : duration(x);
        }
    }
}

// Emergency rolls (docs/rollovers.md): choice: says what becomes of the compromised key. A
// compromise is answered once (no every:), and the new DS is asked of the registry out of band:
// a parent agent would refuse a CDS that no key of the current DS set signs (RFC 7344 4.1)
// once the compromised key is pulled.
void Parser::parse_emergency(RolloverSpec& r, const Fields& f, const std::string& method_name)
{
    const Field* c = f.find("choice");
    if (!is_emergency(r.method)) {
        if (c)
            fail(key_loc(*c), fmt::format("choice applies only to the emergency methods (emergency-zsk, "
                                          "emergency-ksk, emergency-csk); method {} has none: remove it",
                                          method_name));
        return;
    }
    if (!c) missing(r.loc, "choice", "an emergency rollover", "choice: keep-until-safe");
    r.choice = choice<EmergencyChoice>(*c, "emergency choice");
    r.choice_loc = loc(*c);
    for (const char* field : {"every", "count"})
        if (const Field* x = f.find(field))
            fail(key_loc(*x), fmt::format("{} does not apply to method {}: a compromise is answered once; remove it",
                                          field, method_name));
    if (r.method != RolloverMethod::EmergencyZsk && m_scenario.find_zone(r.zone)->parent_agent)
        fail(loc(*f.find("method")),
             fmt::format("method {} asks the registry for the new DS out of band, and {}'s parent agent would refuse "
                         "a CDS no key of the current DS set signs once the compromised key is pulled; remove "
                         "parent-agent from the zone",
                         method_name, r.zone));
}

// turn-secure starts from an unsigned zone: its keys come with no times, and the rollover
// publishes them (prepare clears their default times). turn-insecure ends every key the zone has.
void Parser::check_turn(const RolloverSpec& r, const Field& method) const
{
    const std::string method_name(to_string(r.method));
    for (const auto& other : m_scenario.rollovers)
        if (other.zone == r.zone)
            fail(r.loc, fmt::format("zone {} is already changed by the rollover at line {}; a turn-secure or "
                                    "turn-insecure rollover must be the zone's only one: split them into two scenarios",
                                    r.zone, other.loc.line));
    if (r.zone == ".")
        fail(loc(method), fmt::format("method {} changes whether the root is signed, and validators hold its key as "
                                      "their trust anchor; use it on a zone below the root", method_name));
    const ZoneSpec& z = *m_scenario.find_zone(r.zone);
    if (r.method == RolloverMethod::TurnSecure && z.parent_agent)
        fail(loc(method), fmt::format("method turn-secure needs its first DS added by the parent, and {}'s parent "
                                      "agent accepts CDS only when signed by a key already in the DS set (RFC 8078 "
                                      "bootstrapping is not modelled); remove parent-agent from the zone", r.zone));
    for (const auto& k : z.keys) {
        const bool defaults = k.publish == Seconds{0} && k.activate == Seconds{0} && !k.retire && !k.remove &&
                              !k.ds_remove && (!k.ds_add || *k.ds_add == Seconds{0});
        if (!defaults)
            fail(k.loc, fmt::format("key '{}' has its own times; method {} {} every key of {}: remove the key's "
                                    "times (publish, activate, retire, remove, ds, ds-remove)", k.name, method_name,
                                    r.method == RolloverMethod::TurnSecure ? "publishes" : "removes", r.zone));
    }
}

}  // namespace rollsim::scenario::detail
