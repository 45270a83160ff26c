// The timeline (scenario/parser.hpp): each event's time, its action on a key or a zone, or its
// fault with the parameters the fault's row in scenario/names.hpp says it takes and requires,
// their defaults, and the checks of each value. Also the check of the key an event names
// (resolve_key_reference, scenario/parse.hpp), which the parser makes at once when no rollover
// can add keys and prepare/ makes once the rollovers are planned.
#include "scenario/parse.hpp"
#include "scenario/parser.hpp"
#include "scenario/zone_records.hpp"

#include "dns/names.hpp"

namespace rollsim::scenario {

namespace detail {

namespace {

// Fault parameter defaults.
constexpr std::string_view kDefaultFaultType = "A";
constexpr Seconds kDefaultFaultOffset{2 * 86400};
constexpr int kDefaultNsec3Iterations = 200;  // nsec3-iterations
constexpr int kDefaultBadAlgorithm = 253;     // unsupported-algorithm: PRIVATEDNS

// The faults that take a parameter, in catalog order.
std::vector<std::string> fault_takers(unsigned param)
{
    std::vector<std::string> out;
    for (const auto& row : kFaultNames)
        if (row.takes & param) out.emplace_back(row.name);
    return out;
}

[[noreturn]] void fail(const SourceLoc& where, const std::string& message)
{
    throw ScenarioError(where.file, where.line, where.column, message);
}

const KeySpec* find_key(const Scenario& sc, const std::string& zone, const std::string& key)
{
    const ZoneSpec* z = sc.find_zone(zone);
    if (!z) return nullptr;
    for (const auto& k : z->keys)
        if (k.name == key) return &k;
    return nullptr;
}

// The zone holding `key`: `zone` if given, else the one listed zone that has such a key.
std::string zone_of_key(const Scenario& sc, const std::vector<std::string>& listed, const std::string& key,
                        const std::string& zone, const SourceLoc& where)
{
    if (!zone.empty()) {
        if (find_key(sc, zone, key)) return zone;
        std::vector<std::string> names;
        for (const auto& k : sc.find_zone(zone)->keys) names.push_back(k.name);
        fail(where, fmt::format("zone {} has no key '{}'{}", zone, key, suggest(key, names)));
    }
    std::vector<std::string> holders;
    std::vector<std::string> all_keys;
    for (const auto& name : listed) {
        if (find_key(sc, name, key)) holders.push_back(name);
        for (const auto& k : sc.find_zone(name)->keys) all_keys.push_back(k.name);
    }
    if (holders.size() == 1) return holders.front();
    if (holders.size() > 1)
        fail(where, fmt::format("key '{}' exists in {}: add zone: to say which", key, join_and(holders)));
    fail(where, fmt::format("no zone in the scenario has a key '{}'{}", key, suggest(key, all_keys)));
}

// A signature fault narrowed to `key` (the event's): the key must sign RRsets of the event's
// type. A ksk signs the apex key sets alone (DNSKEY, CDS, CDNSKEY), a zsk every other RRset,
// a csk both (RFC 6781 3.1).
void check_key_signs_type(const KeyReference& ref, std::string_view fault, const Event& ev, const KeySpec& key)
{
    const bool key_set = signed_by_key_signers(ev.type);
    if (key.role == KeyRole::Ksk && !key_set)
        fail(ref.loc, fmt::format("fault {} with key '{}': a ksk signs only the DNSKEY, CDS and CDNSKEY RRsets, not "
                                  "{}; give a zsk or csk of {}, or type: DNSKEY",
                                  fault, ev.key, ev.type, ev.zone));
    if (key.role == KeyRole::Zsk && key_set)
        fail(ref.loc, fmt::format("fault {} with key '{}': a zsk does not sign the {} RRset; give a ksk or csk of {}",
                                  fault, ev.key, ev.type, ev.zone));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Events

void Parser::parse_timeline(const Field& f)
{
    if (f.value.IsNull()) return;
    for (const auto& item : items(f, "a list of events such as '- { at: +1d, do: activate zsk-b }'")) {
        // zone: a pattern: the event once for every zone it names.
        if (const auto zone = pattern_field(item, "zone"))
            for (const auto& name : zone_refs(*zone)) m_scenario.timeline.push_back(parse_event(item, &name));
        else
            m_scenario.timeline.push_back(parse_event(item));
    }
    std::stable_sort(m_scenario.timeline.begin(), m_scenario.timeline.end(),
                     [](const Event& a, const Event& b) { return a.at < b.at; });
    // Record actions played in time order: one that changes nothing is a mistake. Only the
    // zones such actions name are copied (a portfolio has many zones and few of them).
    std::map<std::string, std::vector<std::string>> records;
    for (const auto& ev : m_scenario.timeline) {
        if (!ev.action || !is_record_action(*ev.action)) continue;
        auto [it, fresh] = records.try_emplace(ev.zone);
        if (fresh) it->second = m_scenario.find_zone(ev.zone)->records;
        if (auto why = apply_record_action(it->second, ev)) fail(ev.loc, *why);
    }
}

Event Parser::parse_event(const YAML::Node& node, const std::string* zone)
{
    Event ev;
    ev.loc = loc(node);
    Fields f = item_fields(node, ev.loc, "timeline event", "'{ at: +1d, do: activate zsk-b }'", kEventFields);
    const Field* at = f.find("at");
    if (!at) missing(ev.loc, "at", "timeline event", "at: +1d");
    ev.at = time(*at);
    const Field* act = f.find("do");
    const Field* flt = f.find("fault");
    if (act && flt) fail(key_loc(*flt), "an event has do: or fault:, not both; split it into two events");
    if (!act && !flt)
        fail(ev.loc, "an event needs do: (an action such as 'activate zsk-b') or fault: (such as ds-digest-mismatch)");
    if (zone) ev.zone = *zone;
    else if (const Field* z = f.find("zone")) ev.zone = zone_ref(*z);
    if (const Field* s = f.find("say")) ev.say = s->value.IsNull() ? "" : scalar(*s);
    if (const Field* k = f.find("key")) scalar(*k);  // a key: without a value is refused before the rest
    if (act) parse_action(ev, f, *act);
    else parse_fault(ev, f, *flt);
    if (const Field* r = f.find("record"); r && !(ev.action && is_record_action(*ev.action)))
        fail(key_loc(*r), "record: applies only to the actions record-add, record-change and record-remove; remove it");
    return ev;
}

// do: <action> [key], on a key or, for signer and delete-signal actions, on a zone.
void Parser::parse_action(Event& ev, const Fields& f, const Field& act)
{
    const Field* key_field = f.find("key");
    const auto words = split_words(scalar(act));
    if (words.empty()) fail(loc(act), "do: is empty; write an action such as 'activate zsk-b'");
    if (words.size() > 2)
        fail(loc(act), fmt::format("do: takes '<action> [key]', not '{}'; give one action per event", scalar(act)));
    auto kind = from_string<ActionKind>(to_lower(words[0]));
    if (!kind)
        fail(loc(act), fmt::format("unknown action '{}'{}", words[0], suggest(words[0], names_of<ActionKind>())));
    ev.action = kind;
    const bool registrar = by_registrar(ev);
    const bool policy = *kind == ActionKind::SignerPolicy;
    if (const Field* p = f.find("policy"); p && !policy)
        fail(key_loc(*p), "policy: applies only to the action signer-policy; remove it");
    if (!ev.zone.empty() && !registrar && !policy) require_own_signer(ev.zone, fmt::format("action '{}'", words[0]), loc(act));
    if (const Field* until = f.find("until")) fail(key_loc(*until), "until: applies only to faults; remove it");
    for (const auto& field : f.all()) {
        auto bit = from_string<FaultParam>(field.name);
        if (!bit || *bit == kParamKey) continue;
        fail(key_loc(field), fmt::format("{}: applies only to faults ({}); remove it", field.name,
                                         join_and(fault_takers(*bit))));
    }
    if (registrar) return parse_registrar_ds(ev, f, act, words);
    if (policy) return parse_signer_policy(ev, f, act, words);
    if (is_record_action(*kind)) return parse_record_action(ev, f, act, words);
    if (*kind == ActionKind::StopSigner || *kind == ActionKind::StartSigner || *kind == ActionKind::CdsDelete) {
        if (words.size() > 1 || key_field)
            fail(words.size() > 1 ? loc(act) : key_loc(*key_field),
                 fmt::format("action '{}' applies to a zone, not a key; remove the key and give zone:", words[0]));
        if (ev.zone.empty())
            fail(loc(act), fmt::format("action '{}' needs zone: ({})", words[0],
                                       *kind == ActionKind::CdsDelete ? "the zone that publishes the delete signal"
                                                                      : "the zone whose signer stops or starts"));
        if (*kind == ActionKind::CdsDelete && ev.zone == ".")
            fail(loc(act), "action 'cds-delete' asks the parent to remove the DS, and the root has no parent; "
                           "give a zone below it");
        return;
    }
    if (words.size() > 1 && key_field)
        fail(key_loc(*key_field), "the key is given twice, in do: and in key:; keep one");
    ev.key = words.size() > 1 ? words[1] : key_field ? scalar(*key_field) : "";
    const bool ds = *kind == ActionKind::DsAdd || *kind == ActionKind::DsRemove;
    if (ev.key.empty())
        fail(loc(act), fmt::format("action '{}' needs a key: write '{} <key>'{}", words[0], words[0],
                                   ds ? " (without a key it applies to a zone signed by the operator's signer, "
                                        "signer: { kind: bind } or knot, whose keys are made during the run)"
                                      : ""));
    refer_to_key(ev, words.size() > 1 ? loc(act) : loc(*key_field), words[0]);
}

// ds-add or ds-remove in a zone signed by bind or knot: a registrar acting by hand on what the
// signer asks for (parse_registrar_ds).
bool Parser::by_registrar(const Event& ev) const
{
    if (*ev.action != ActionKind::DsAdd && *ev.action != ActionKind::DsRemove) return false;
    const ZoneSpec* zone = ev.zone.empty() ? nullptr : m_scenario.find_zone(ev.zone);
    return zone && (zone->signer.kind == SignerKind::Bind || zone->signer.kind == SignerKind::Knot);
}

// do: ds-add | ds-remove with zone: and no key, in a zone bind or knot signs: the runner decides
// at the instant which DS the parent adds or withdraws (runner/operator_zone.hpp).
void Parser::parse_registrar_ds(Event& ev, const Fields& f, const Field& act, const std::vector<std::string>& words) const
{
    const ZoneSpec* zone = m_scenario.find_zone(ev.zone);
    const std::string verb = to_lower(words[0]);
    const Field* key_field = f.find("key");
    if (words.size() > 1 || key_field)
        fail(words.size() > 1 ? loc(act) : key_loc(*key_field),
             fmt::format("action '{}' takes no key in zone {}: {} makes its keys during the run; remove the key, and "
                         "the parent {}", verb, ev.zone, to_string(zone->signer.kind),
                         *ev.action == ActionKind::DsAdd ? "publishes the DS of every KSK or CSK the signer publishes"
                                                         : "withdraws the DS of every key the signer no longer "
                                                           "publishes or retires"));
}

// do: signer-policy with zone: and policy:, in a zone signed by bind: the operator replaces the
// policy file at `at` (a new algorithm, new lifetimes); the runner rewrites named's configuration
// and reconfigures it (runner/operator_zone.hpp).
void Parser::parse_signer_policy(Event& ev, const Fields& f, const Field& act, const std::vector<std::string>& words) const
{
    const Field* key_field = f.find("key");
    if (words.size() > 1 || key_field)
        fail(words.size() > 1 ? loc(act) : key_loc(*key_field),
             "action 'signer-policy' applies to a zone, not a key; remove the key and give zone: and policy:");
    if (ev.zone.empty())
        fail(loc(act), "action 'signer-policy' needs zone: (the zone whose signer takes the new policy)");
    const SignerKind kind = m_scenario.find_zone(ev.zone)->signer.kind;
    if (kind != SignerKind::Bind)
        fail(loc(act), fmt::format("action 'signer-policy' gives named a new dnssec-policy, and zone {} is signed by {}; "
                                   "give a zone with signer: {{ kind: bind }}", ev.zone,
                                   kind == SignerKind::Rollsim ? "rollsim's own signer" : to_string(kind)));
    const Field* p = f.find("policy");
    if (!p)
        fail(loc(act), "action 'signer-policy' needs policy: (the operator's new file with its dnssec-policy block, "
                       "relative to the scenario file)");
    ev.policy = signer_path(*p, false);
}

// do: record-add | record-change | record-remove, zone: and record: (one record, as in records:).
void Parser::parse_record_action(Event& ev, const Fields& f, const Field& act, const std::vector<std::string>& words)
{
    const std::string verb = to_lower(words[0]);
    const Field* key_field = f.find("key");
    if (words.size() > 1 || key_field)
        fail(words.size() > 1 ? loc(act) : key_loc(*key_field),
             fmt::format("action '{}' changes a zone's data, not a key; remove the key and give zone: and record:",
                         verb));
    if (ev.zone.empty()) fail(loc(act), fmt::format("action '{}' needs zone: (the zone whose data changes)", verb));
    const Field* r = f.find("record");
    if (!r)
        fail(loc(act), fmt::format("action '{}' needs record: (one record as in records:, e.g. record: 'www 60 A "
                                   "192.0.2.9')",
                                   verb));
    ev.record = parse_record(r->value, *m_scenario.find_zone(ev.zone));
}

// The key an event names: checked now, or by prepare/ once the rollovers have added theirs.
void Parser::refer_to_key(Event& ev, const SourceLoc& where, const std::string& verb) const
{
    ev.unresolved_key = KeyReference{where, verb};
    if (!m_defer_keys) resolve_key_reference(m_scenario, m_listed, ev);
}

// ---------------------------------------------------------------------------------------------
// Faults

void Parser::parse_fault(Event& ev, const Fields& f, const Field& flt)
{
    const std::string fault_name = to_lower(scalar(flt));
    auto fault = from_string<FaultKind>(fault_name);
    if (!fault)
        fail(loc(flt), fmt::format("unknown fault '{}'{}", scalar(flt), suggest(fault_name, names_of<FaultKind>())));
    ev.fault = fault;
    if (ev.zone.empty()) fail(loc(flt), fmt::format("fault {} needs zone: (the zone it applies to)", fault_name));
    check_fault_needs(ev, f, flt);
    if (fault_needs_own_signer(*fault)) require_own_signer(ev.zone, fmt::format("fault {}", fault_name), loc(flt));
    const ZoneSpec& zone = *m_scenario.find_zone(ev.zone);
    parse_fault_target(ev, f, zone);  // first: whether a key fits a signature fault depends on its type
    if (const Field* k = f.find("key")) {
        ev.key = scalar(*k);
        refer_to_key(ev, loc(*k), fault_name);
    }
    parse_fault_tuning(ev, f, zone);
}

// The parameters the fault does not take (in file order), those it cannot do without, and what
// it needs of its zone.
void Parser::check_fault_needs(const Event& ev, const Fields& f, const Field& flt) const
{
    const std::string fault_name(to_string(*ev.fault));
    const ZoneSpec& zone = *m_scenario.find_zone(ev.zone);
    const FaultRow& params = row_of(*ev.fault);
    for (const auto& field : f.all()) {
        auto bit = from_string<FaultParam>(field.name);
        if (!bit || (params.takes & *bit)) continue;
        if (*bit == kParamAlgorithm && (params.takes & kParamKeyAlgorithm))
            fail(key_loc(field), fmt::format("fault {} does not take algorithm (the number unsupported-algorithm "
                                             "relabels to); write key-algorithm: to narrow it to the RRSIGs of one "
                                             "algorithm", fault_name));
        fail(key_loc(field), fmt::format("fault {} does not take {} ({} applies to {}); remove it", fault_name,
                                         field.name, field.name, join_and(fault_takers(*bit))));
    }
    if ((params.required & kParamKey) && !f.find("key"))
        fail(loc(flt), fmt::format("fault {} needs key: ({})", fault_name, params.key_is));
    if ((params.required & kParamName) && !f.find("name"))
        fail(loc(flt), fmt::format("fault {} needs name: (the name whose covering NSEC or NSEC3 record is removed, "
                                   "e.g. 'name: nothere.{}')", fault_name, ev.zone == "." ? "" : ev.zone));
    if ((params.required & kParamValidity) && !f.find("validity"))
        fail(loc(flt), fmt::format("fault {} needs validity: (the signature validity the signer switches to, "
                                   "shorter than the refresh of {}, which is {}; e.g. 'validity: {}')", fault_name,
                                   ev.zone, format_duration(zone.signing.refresh),
                                   format_duration(zone.signing.refresh / 2)));
    if ((params.takes & kParamServer) && !f.find("server") && zone.servers > 1)
        fail(loc(flt), fmt::format("fault {} needs server: (zone {} has {} servers, ns1 to ns{}; name the one it "
                                   "applies to, e.g. 'server: ns2')", fault_name, ev.zone, zone.servers,
                                   zone.servers));
    if ((*ev.fault == FaultKind::Nsec3Iterations || *ev.fault == FaultKind::Nsec3paramMismatch) &&
        zone.signing.denial != Denial::Nsec3)
        fail(loc(flt), fmt::format("fault {} needs NSEC3, but zone {} uses NSEC (set signing.denial: nsec3{})",
                                   fault_name, ev.zone, zone.implicit ? fmt::format(", listing {} under zones:", ev.zone)
                                                                      : fmt::format(" in zone {}", ev.zone)));
    // Rollovers add successors of the zone's keys only, so a zone without a zsk keeps having none.
    if (*ev.fault == FaultKind::CdsNotSignedByDsKey &&
        std::none_of(zone.keys.begin(), zone.keys.end(), [](const KeySpec& k) { return k.role == KeyRole::Zsk; }))
        fail(loc(flt), fmt::format("fault {} has the CDS signed by a zsk alone, and zone {} has none; add a key with "
                                   "role: zsk", fault_name, ev.zone));
}

// server:, type:, key-algorithm: and name:, what the fault breaks.
void Parser::parse_fault_target(Event& ev, const Fields& f, const ZoneSpec& zone)
{
    const FaultRow& params = row_of(*ev.fault);
    if (params.takes & kParamServer) {
        const Field* s = f.find("server");
        ev.server = s ? server_ref(scalar(*s), zone, loc(*s)) : "ns1";
    }
    if (params.takes & kParamType) {
        ev.type = std::string(kDefaultFaultType);
        if (const Field* t = f.find("type")) {
            const std::string text = scalar(*t);
            ev.type = to_upper(text);
            if (!is_record_type(ev.type))
                fail(loc(*t), fmt::format("unknown record type '{}'{}", text, record_type_hint(text)));
            if (ev.type == "RRSIG")
                fail(loc(*t), "RRSIG records are not signed themselves; name the type whose signatures the fault "
                              "breaks, e.g. A");
        }
    }
    if (const Field* a = f.find("key-algorithm")) {
        if (const Field* k = f.find("key"))
            fail(key_loc(*a), fmt::format("key-algorithm: narrows the fault to the keys of one algorithm, key: to one "
                                          "key ('{}', which has one algorithm); keep one of them", scalar(*k)));
        ev.key_algorithm = algorithm(*a);
    }
    if (const Field* n = f.find("name")) {
        const std::string text = scalar(*n);
        auto name = dns::normalise_name(text, "", false);
        if (!name.error.empty()) fail(loc(*n), fmt::format("bad name '{}': {}", text, name.error));
        if (!dns::is_at_or_below(name.name, ev.zone))
            fail(loc(*n), fmt::format("name {} is outside zone {}; give a name at or below the zone's apex", name.name,
                                      ev.zone));
        if (const auto other = zone_below(name.name, ev.zone))
            fail(loc(*n), fmt::format("name {} is inside zone {}, which this scenario also has; give zone: {} to "
                                      "break that zone's denial", name.name, *other, *other));
        ev.name = name.name;
    }
}

// offset:, validity:, iterations:, algorithm: (with their defaults) and until:, how it breaks it.
void Parser::parse_fault_tuning(Event& ev, const Fields& f, const ZoneSpec& zone)
{
    const FaultRow& params = row_of(*ev.fault);
    if (params.takes & kParamOffset) {
        ev.offset = kDefaultFaultOffset;
        if (const Field* o = f.find("offset")) ev.offset = positive_duration(*o);
    }
    if (const Field* v = f.find("validity")) {
        ev.validity = positive_duration(*v);
        if (*ev.validity >= zone.signing.refresh)
            fail(loc(*v), fmt::format("validity ({}) must be shorter than the refresh of zone {} ({}): the fault is "
                                      "signatures that expire before the signer renews them", format_duration(*ev.validity),
                                      ev.zone, format_duration(zone.signing.refresh)));
    }
    if (params.takes & kParamIterations) {
        ev.iterations = kDefaultNsec3Iterations;
        if (const Field* i = f.find("iterations")) ev.iterations = int(integer(*i, 1, kMaxNsec3Iterations));
    }
    if (params.takes & kParamAlgorithm) {
        ev.algorithm = kDefaultBadAlgorithm;
        if (const Field* a = f.find("algorithm")) {
            ev.algorithm = int(integer(*a, 0, 255));
            for (const auto& [value, name] : kAlgorithmNames)
                if (int(value) == *ev.algorithm)
                    fail(loc(*a), fmt::format("algorithm {} ({}) is one validators implement; {} needs a number they "
                                              "do not, e.g. {} (the default)", *ev.algorithm, name, params.name,
                                              kDefaultBadAlgorithm));
        }
    }
    if (const Field* until = f.find("until")) {
        ev.until = time(*until);
        if (*ev.until <= ev.at)
            fail(loc(*until), fmt::format("until ({}) must be after at ({})", format_offset(*ev.until),
                                          format_offset(ev.at)));
    }
}

}  // namespace detail

bool signed_by_key_signers(const std::string& type)
{
    return type == "DNSKEY" || type == "CDS" || type == "CDNSKEY";
}

// ---------------------------------------------------------------------------------------------
// The key an event names

void resolve_key_reference(const Scenario& scenario, const std::vector<std::string>& listed, Event& ev)
{
    using detail::fail;
    if (!ev.unresolved_key) return;
    const KeyReference ref = *ev.unresolved_key;
    ev.zone = detail::zone_of_key(scenario, listed, ev.key, ev.zone, ref.loc);
    const KeySpec& key = *detail::find_key(scenario, ev.zone, ev.key);
    if (ev.action) {
        const ActionKind a = *ev.action;
        if ((a == ActionKind::DsAdd || a == ActionKind::DsRemove || a == ActionKind::CdsPublish ||
             a == ActionKind::CdsRemove) &&
            key.role == KeyRole::Zsk)
            fail(ref.loc,
                 fmt::format("{} applies to a ksk or csk; key '{}' in {} is a zsk", ref.verb, ev.key, ev.zone));
    } else if (ev.fault) {
        const FaultRow& fault = row_of(*ev.fault);
        if (fault.takes & kParamType) {
            detail::check_key_signs_type(ref, fault.name, ev, key);
        } else if (fault.value == FaultKind::MultiSignerMissingZsk) {
            if (key.role == KeyRole::Ksk)
                fail(ref.loc, fmt::format("fault {} applies to a zsk or csk; key '{}' in {} is a ksk", fault.name,
                                          ev.key, ev.zone));
        } else if ((fault.required & kParamKey) == 0 && key.role == KeyRole::Zsk) {
            fail(ref.loc, fmt::format("fault {} applies to a ksk or csk; key '{}' in {} is a zsk", fault.name, ev.key,
                                      ev.zone));
        }
    }
    ev.unresolved_key.reset();
}

}  // namespace rollsim::scenario
