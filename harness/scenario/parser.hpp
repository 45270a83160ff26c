// The scenario parser's insides (internal to scenario/): the field names each section accepts,
// YAML field access with positions, and the Parser, whose sections are read by one file each:
// parse.cpp (the file as a whole, durations), fields.cpp (values: durations, times, TTLs,
// numbers, choices, queries), zones.cpp (zones, TTLs, signing, keys), records.cpp (zone
// templates and records), resolvers.cpp (resolvers and probes), timeline.cpp (events and
// faults), rollover_block.cpp (rollover entries) and expectations.cpp.
#pragma once

#include "core/error.hpp"
#include "core/time.hpp"
#include "scenario/model.hpp"
#include "scenario/names.hpp"
#include "scenario/text.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rollsim::scenario::detail {

constexpr int kMaxServers = 8;
constexpr int kMaxNsec3Iterations = 2500;  // NSEC3 iterations a scenario may ask for (signing or fault)
constexpr std::string_view kReservedZone = "rollsim.";  // root servers: ns1.root-servers.rollsim.
// The largest TTL: RFC 2181 section 8 makes a TTL a 31-bit number (a value with the top bit set
// is read as 0), so a larger one would not mean what the scenario says.
constexpr long long kMaxTtl = 2147483647;
// Records (templates and records: together, every zone of a scenario): the lab signs each at
// every change of its zone, so a larger zone makes a run that does not end in useful time.
constexpr std::size_t kMostRecords = 1000000;

// The field names of each section, in the parser's order (scenario::vocabulary() lists them).
// `sweep` is read by scenario/sweep.hpp before the parser sees a variant; the parser skips it.
constexpr std::string_view kTopFields[] = {"name",     "description", "start",     "duration", "zones",
                                           "timeline", "probes",      "resolvers", "expect",   "rollover",
                                           "monitors", "sweep",       "server-pools"};
constexpr std::string_view kRolloverFields[] = {"zone",   "method",   "key",               "start",  "algorithm",
                                                "parent", "override", "propagation-delay", "margin", "every",
                                                "count",  "choice", "say", "stagger", "stagger-step"};
constexpr std::string_view kRolloverParentFields[] = {"registration-delay", "propagation-delay"};
constexpr std::string_view kRolloverOverrideFields[] = {"publish-interval", "retire-interval", "remove-interval"};
constexpr std::string_view kZoneFields[] = {"template", "from",         "records", "servers", "ttl",
                                            "signing",  "keys",         "parent-agent", "signer", "ds-digests"};
constexpr std::string_view kPoolFields[] = {"servers"};  // a pool written as a map (pools.cpp)
constexpr std::string_view kSignerFields[] = {"kind", "policy", "keys", "flags", "algorithm", "every", "stops-at"};
constexpr std::string_view kParentAgentFields[] = {"scan-every", "registration-delay", "delete"};
constexpr std::string_view kSigningFields[] = {"algorithm", "validity", "refresh", "inception-offset",
                                               "denial",    "nsec3",    "re-sign", "jitter"};
constexpr std::string_view kNsec3Fields[] = {"iterations", "salt"};
constexpr std::string_view kKeyFields[] = {"role",   "algorithm", "bits", "publish",   "activate",
                                           "retire", "remove",    "ds",   "ds-remove", "servers", "revoke"};
constexpr std::string_view kTtlFields[] = {"default", "dnskey", "ds", "soa", "ns", "negative"};
constexpr std::string_view kEventFields[] = {"at",     "do",   "fault", "key",    "zone",     "until",      "say",
                                             "server", "type", "name",  "offset", "validity", "iterations", "algorithm",
                                             "record", "key-algorithm", "policy"};
constexpr std::string_view kProbeFields[] = {"every", "at", "names", "critical"};
constexpr std::string_view kResolverProbeFields[] = {"every", "at"};
constexpr std::string_view kResolverFields[] = {"kind",
                                                "cache",
                                                "clock-offset",
                                                "serve-expired",
                                                "val-sig-skew-min",
                                                "val-sig-skew-max",
                                                "val-bogus-ttl",
                                                "harden-algo-downgrade",
                                                "max-nsec3-iterations",
                                                "trust-anchor",
                                                "add-holddown",
                                                "del-holddown",
                                                "start",
                                                "offline",
                                                "probes",
                                                "population"};
constexpr std::string_view kOfflineFields[] = {"from", "until"};
constexpr std::string_view kExpectFields[] = {"query",          "resolver",       "from",          "until",
                                              "outcome",        "ede",            "otherwise",     "no-failures",
                                              "failure-window", "starts-between", "lasts-between", "predicted-windows",
                                              "id",             "monitor",        "warns-before",  "crit-before",
                                              "misses",         "kind",           "share-failing", "failing-zones"};
// What each kind of expectation takes (the kind's own field first).
constexpr std::string_view kNoFailuresFields[] = {"no-failures", "query", "resolver", "from", "until", "id", "kind"};
constexpr std::string_view kShareFailingFields[] = {"share-failing", "resolver", "query", "from", "until", "id"};
constexpr std::string_view kFailingZonesFields[] = {"failing-zones", "resolver", "id"};
constexpr std::string_view kMonitorExpectFields[] = {"monitor", "warns-before", "crit-before", "misses", "id"};
// A monitor (monitors.cpp).
constexpr std::string_view kMonitorFields[] = {"kind",  "command", "every",    "timeout", "zone",
                                               "zones", "warn",    "critical", "horizon"};
constexpr std::string_view kFailureWindowFields[] = {"failure-window", "resolver", "starts-between", "lasts-between",
                                                     "ede", "id", "kind"};

// One field of a YAML map: its name, and the key and value nodes (for their positions).
struct Field {
    std::string name;
    YAML::Node key;
    YAML::Node value;
};

class Fields {
public:
    explicit Fields(std::vector<Field> fields) : m_fields(std::move(fields)) {}
    const Field* find(std::string_view name) const
    {
        for (const auto& f : m_fields)
            if (f.name == name) return &f;
        return nullptr;
    }
    const std::vector<Field>& all() const { return m_fields; }

private:
    std::vector<Field> m_fields;
};

// "empty", "'value'", "a list", "a map": a node as an error describes it.
std::string describe(const YAML::Node& node);

// A file's path as errors show it: relative to the working directory when under it (records.cpp).
std::string display_path(const std::filesystem::path& p);

// One zone of the zones a rollover's zone: pattern names: its name and its place in the pattern.
struct PatternSlot {
    std::string zone;
    std::size_t index = 0;  // 0-based, in pattern order
    std::size_t count = 0;  // the zones the pattern names
};

// A time the file names, checked against the duration once it is settled.
struct TimeRef {
    Seconds value;
    SourceLoc loc;
    std::string what;
};

// Whether a fault needs rollsim's own signer (signer_block.cpp): all but the server faults.
bool fault_needs_own_signer(FaultKind fault);

// "monitor health warns at least 2d before every failure" (monitors.cpp).
std::string monitor_expectation_text(const Expectation& e);

// One word of zone-file text, with where it starts.
struct Token {
    std::string text;  // as written; quoted strings keep their quotes
    int line = 0;
    int column = 0;
    bool quoted = false;
};

// Where a record comes from and how to read its relative parts.
struct RecordContext {
    std::string file;                         // errors point here
    std::string origin;                       // completes relative names
    std::optional<std::uint32_t> dollar_ttl;  // $TTL in a file
    std::optional<std::string> owner;         // line starting with a blank: previous owner
    std::string_view noun = "templates";      // what the file is, for "not supported in <noun>"
};

// A record's owner, TTL, class and type read, its data not yet (records.cpp).
struct RecordHead {
    std::string owner;                 // absolute
    const Token* owner_token = nullptr;  // nullptr when the line continues the previous owner
    std::optional<std::uint32_t> ttl;  // the TTL on the line
    std::string type;                  // upper case, checked only against the record-type table later
    const Token* type_token = nullptr;
    std::size_t rdata = 0;             // index of the first data token
};

// Called with each record of a zone file (its tokens, the context with the owner a blank line
// start continues); returns the record's absolute owner, for the next line that starts blank.
using RecordFn = std::function<std::string(const std::vector<Token>&, const RecordContext&)>;

// Records of an operator's zone file kept for a second pass (zone_file.cpp), and its apex NS.
struct StoredRecord {
    std::vector<Token> tokens;
    RecordContext ctx;
};
struct ApexNs {
    std::string target;
    std::uint32_t ttl = 0;
    SourceLoc loc;
};

// What a file of records is called in errors about finding and reading it.
struct FileWords {
    std::string_view field;  // "template"
    std::string_view file;   // "template file"
    std::string_view give;   // "a zone template file"
    std::string_view kept;   // "zone template": "keep zone templates in the scenario's repository"
};

// The parser: one instance per scenario text.
class Parser {
public:
    Parser(std::string file, std::filesystem::path base_dir, std::filesystem::path template_root = {})
        : m_file(std::move(file)), m_base_dir(std::move(base_dir)), m_template_root(std::move(template_root))
    {
    }

    Scenario run(const std::string& text);
    // One timeline event read against a prepared scenario (parse_event_fields).
    Event run_event(const Scenario& scenario, const YAML::Node& node);

private:
    // -- positions and errors
    SourceLoc loc(const YAML::Node& node) const
    {
        const YAML::Mark m = node.Mark();
        if (m.line < 0) return {m_file, 0, 0};
        return {m_file, m.line + 1, m.column + 1};
    }
    SourceLoc key_loc(const Field& f) const { return loc(f.key); }
    // The value's position; an empty value has no useful one, so its key's.
    SourceLoc loc(const Field& f) const
    {
        if (f.value.IsNull() || f.value.Mark().line < 0) return key_loc(f);
        return loc(f.value);
    }
    [[noreturn]] void fail(const SourceLoc& where, const std::string& message) const
    {
        throw ScenarioError(where.file, where.line, where.column, message);
    }
    [[noreturn]] void missing(const SourceLoc& where, std::string_view field, std::string_view context,
                              std::string_view example) const
    {
        fail(where, fmt::format("missing required field '{}'{} (add e.g. '{}')", field,
                                context.empty() ? "" : fmt::format(" in {}", context), example));
    }

    // -- generic readers (fields.cpp)
    std::vector<Field> entries(const YAML::Node& node, std::string_view what, const SourceLoc& where) const;
    // The fields of a map; a name outside `allowed` is an error with a did-you-mean.
    template <std::size_t N>
    Fields fields(const YAML::Node& node, std::string_view context, const SourceLoc& where,
                  const std::string_view (&allowed)[N]) const
    {
        std::vector<Field> out = entries(node, context, where);
        const std::vector<std::string> names = to_strings(allowed);
        for (const auto& f : out)
            if (std::find(names.begin(), names.end(), f.name) == names.end())
                fail(key_loc(f), fmt::format("unknown field '{}' in {}{}", f.name, context, suggest(f.name, names)));
        return Fields(std::move(out));
    }
    // The items of a list field, or the error "<name> must be <shape>, not <what it is>".
    const YAML::Node& items(const Field& f, std::string_view shape) const;
    // An item of a list that must be a map: "each <noun> must be a map such as <example>, not ...".
    void require_map(const YAML::Node& item, const SourceLoc& at, std::string_view noun,
                     std::string_view example) const;
    // The fields of such an item, `allowed` in the <noun>.
    template <std::size_t N>
    Fields item_fields(const YAML::Node& item, const SourceLoc& at, std::string_view noun, std::string_view example,
                       const std::string_view (&allowed)[N]) const
    {
        require_map(item, at, noun, example);
        return fields(item, noun, at, allowed);
    }
    std::string scalar(const Field& f) const;
    Seconds duration(const Field& f) const;
    Seconds positive_duration(const Field& f) const;
    Seconds signed_duration(const Field& f) const;
    bool boolean(const Field& f) const;
    Seconds time(const Field& f);
    std::uint32_t ttl(const Field& f) const;
    long long integer(const Field& f, long long low, long long high) const;
    // One of the names of E's table (scenario/names.hpp), folded to lower (or upper) case first.
    template <typename E>
    E choice(const Field& f, std::string_view noun, bool lower_case = true) const
    {
        const std::string text = scalar(f);
        const std::string key = lower_case ? to_lower(text) : to_upper(text);
        if (auto v = from_string<E>(key)) return *v;
        fail(loc(f), fmt::format("unknown {} '{}'{}", noun, text, suggest(text, names_of<E>())));
    }
    Query query(const std::string& text, const SourceLoc& where) const;

    // -- name patterns (portfolio.cpp)
    // The names `text` stands for (itself when it is not a pattern); a bad pattern fails at `where`.
    std::vector<std::string> expand(const std::string& text, const SourceLoc& where) const;
    // The zones a zone: value names: one, or every zone of a pattern (each must be in the scenario).
    std::vector<std::string> zone_refs(const Field& f) const;
    std::string zone_name_ref(const std::string& text, const SourceLoc& where) const;
    // The field `name` of the map `item` when its value is a pattern; nothing otherwise.
    std::optional<Field> pattern_field(const YAML::Node& item, std::string_view name) const;
    // The zone of the scenario strictly below `zone` that holds `name` (at or below `zone`), if any.
    std::optional<std::string> zone_below(const std::string& name, const std::string& zone) const;
    void parse_stagger(RolloverSpec& r, const Fields& f, const PatternSlot* slot);

    // -- the file as a whole (parse.cpp)
    void settle_duration(const Field* f);
    void check_run_bounds(const SourceLoc& at) const;

    // -- zones and keys (zones.cpp)
    void parse_zones(const Field& f);
    // The zones one key of zones: stands for (a pattern: many), each name checked.
    std::vector<std::string> listed_names(const Field& z) const;
    void parse_pools(const Field* f);  // pools.cpp
    void parse_zone_servers(const Field& f, ZoneSpec& zone) const;
    void check_pools() const;
    ZoneSpec parse_zone(const std::string& name, const Field& f);
    Ttls parse_ttls(const Field& f) const;
    std::vector<DsDigest> parse_ds_digests(const Field& f, const ZoneSpec& zone) const;
    SigningPolicy parse_signing(const Field& f, Algorithm& algorithm_out) const;
    void parse_nsec3(const Field& f, SigningPolicy& policy) const;
    void parse_resign(const Fields& signing, SigningPolicy& policy) const;
    Algorithm algorithm(const Field& f) const;
    void parse_keys(const Field* f, ZoneSpec& zone, Algorithm algorithm);
    KeySpec parse_key(const Field& f, const ZoneSpec& zone, Algorithm zone_algorithm);
    std::vector<std::string> parse_key_servers(const Field& f, const ZoneSpec& zone, const std::string& key) const;
    std::string server_ref(const std::string& text, const ZoneSpec& zone, const SourceLoc& where) const;
    void check_key_order(const KeySpec& key, const Fields& fields) const;
    void add_ancestors();

    // -- the zone's signer (signer_block.cpp)
    void parse_signer(const Field& f, const Fields& zone_fields, ZoneSpec& zone) const;
    std::string signer_path(const Field& f, bool directory) const;
    void parse_batch_fields(const Fields& s, SignerSpec& signer) const;
    // Fails at `where` when `zone` is signed by another signer than rollsim's own: `what` (a
    // fault, an action, a rollover) needs the keys rollsim's signer holds.
    void require_own_signer(const std::string& zone, std::string_view what, const SourceLoc& where) const;

    // -- zone templates and records (records.cpp)
    std::filesystem::path find_template(const Field& f, const FileWords& words) const;
    void load_template(const Field& f, ZoneSpec& zone) const;
    // Reads `file` record by record; `problems` null: the first error is thrown, else every
    // error is added to it and reading goes on with the next record.
    void read_zone_text(const std::filesystem::path& file, RecordContext& ctx, const ZoneSpec& zone,
                        std::vector<ScenarioError>* problems, const RecordFn& on_record) const;
    void read_directive(const std::vector<Token>& line, RecordContext& ctx, const ZoneSpec& zone) const;
    RecordHead record_head(const std::vector<Token>& tokens, const RecordContext& ctx) const;
    std::uint32_t record_ttl(const RecordHead& head, const RecordContext& ctx, const ZoneSpec& zone) const;
    // Runs `step`; with a list of problems, a scenario error it throws is added to the list.
    template <typename Step>
    void attempt(std::vector<ScenarioError>* problems, Step&& step) const
    {
        if (!problems) return step();
        try {
            step();
        } catch (const ScenarioError& e) {
            problems->push_back(e);
        }
    }
    void parse_records(const Field& f, ZoneSpec& zone) const;
    std::string parse_record(const YAML::Node& item, const ZoneSpec& zone) const;
    std::string render_record(const std::vector<Token>& tokens, const RecordContext& ctx, const ZoneSpec& zone,
                              std::string& owner_out) const;
    void check_owner(const std::string& owner, const Token& at, const RecordContext& ctx, const ZoneSpec& zone) const;
    // Appends `record` to `zone`, refusing the one beyond kMostRecords (at `where`).
    void add_record(ZoneSpec& zone, std::string record, const SourceLoc& where) const;
    void check_generated(const std::string& type, const std::string& owner, const SourceLoc& where,
                         const ZoneSpec& zone) const;
    std::vector<std::string> render_rdata(const std::string& type, const std::vector<Token>& rdata,
                                          const Token& type_token, const RecordContext& ctx) const;

    // -- the operator's zone file (zone_file.cpp)
    void load_zone_file(const Field& f, const Fields& zone_fields, ZoneSpec& zone) const;
    void settle_servers(const std::vector<ApexNs>& ns, const Fields& zone_fields, const std::string& file,
                        ZoneSpec& zone) const;
    void keep_zone_file_record(const StoredRecord& record, const std::set<std::string>& glue_owners,
                               ZoneSpec& zone) const;

    // -- resolvers and probes (resolvers.cpp)
    void parse_resolvers(const Field* f);
    void parse_resolver_lifecycle(const Fields& rf, ResolverSpec& spec);
    void parse_resolver_cache(const Fields& rf, ResolverSpec& spec) const;
    ResolverMatrix parse_resolver_matrix(const Field& f) const;
    void parse_population(const Field& f, const Fields& rf, ResolverSpec& spec, int daemons) const;
    void refuse_options_of_other_kinds(const Fields& rf, const ResolverSpec& spec) const;
    void check_option_limits(const Fields& rf, const ResolverSpec& spec) const;
    void parse_probes(const Field& f);
    Seconds probe_every(const Field& f) const;
    std::vector<Seconds> probe_times(const Field& f);
    ResolverProbes parse_resolver_probes(const Field& f, const std::string& resolver);

    // -- the timeline (timeline.cpp)
    void parse_timeline(const Field& f);
    // `zone`: the zone of the event's zone: pattern this event is for; null: zone: as written.
    Event parse_event(const YAML::Node& node, const std::string* zone = nullptr);
    void parse_action(Event& ev, const Fields& f, const Field& action_field);
    bool by_registrar(const Event& ev) const;
    void parse_signer_policy(Event& ev, const Fields& f, const Field& action_field,
                             const std::vector<std::string>& words) const;
    void parse_registrar_ds(Event& ev, const Fields& f, const Field& action_field,
                            const std::vector<std::string>& words) const;
    void parse_record_action(Event& ev, const Fields& f, const Field& action_field,
                             const std::vector<std::string>& words);
    void parse_fault(Event& ev, const Fields& f, const Field& fault_field);
    void check_fault_needs(const Event& ev, const Fields& f, const Field& fault_field) const;
    void parse_fault_target(Event& ev, const Fields& f, const ZoneSpec& zone);
    void parse_fault_tuning(Event& ev, const Fields& f, const ZoneSpec& zone);
    void refer_to_key(Event& ev, const SourceLoc& where, const std::string& verb) const;
    std::string zone_ref(const Field& f) const;

    // -- rollover entries (rollover_block.cpp)
    void parse_rollovers(const Field& f);
    // `slot`: the zone of the entry's zone: pattern this spec is for; null when zone: names one zone.
    RolloverSpec parse_rollover(const YAML::Node& node, const PatternSlot* slot);
    void parse_rolled_key(RolloverSpec& r, const Fields& f, const std::string& method_name);
    void check_turn(const RolloverSpec& r, const Field& method) const;
    void parse_emergency(RolloverSpec& r, const Fields& f, const std::string& method_name);
    void parse_rollover_timing(RolloverSpec& r, const Fields& f, const std::string& method_name);

    // -- monitors (monitors.cpp)
    void parse_monitors(const Field& f);
    MonitorSpec parse_monitor(const Field& entry);
    void parse_monitor_zones(const Fields& mf, MonitorSpec& m) const;
    void check_placeholders(const Field& command) const;
    bool parse_monitor_expectation(Expectation& e, const Fields& f) const;
    bool parse_share_failing(Expectation& e, const Fields& f);
    bool parse_failing_zones(Expectation& e, const Fields& f);
    std::vector<std::string> failing_zone_list(const Field& f) const;

    // -- expectations (expectations.cpp)
    void parse_expectations(const Field& f);
    Expectation parse_expectation(const YAML::Node& node, std::optional<SourceLoc>& otherwise_seen);
    // `e` once per query its query: or failure-window: pattern names (else `e` alone).
    std::vector<Expectation> per_query(Expectation e, const YAML::Node& node) const;
    bool parse_standalone(Expectation& e, const Fields& f, std::optional<SourceLoc>& otherwise_seen);
    void parse_kind(Expectation& e, const Fields& f);
    void parse_scope(Expectation& e, const Fields& f);
    // Fields outside `allowed` are errors naming what this kind of expectation takes.
    template <std::size_t N>
    void only_fields(const Fields& f, std::string_view kind, const std::string_view (&allowed)[N]) const
    {
        const std::vector<std::string> names = to_strings(allowed);
        const std::vector<std::string> takes(names.begin() + 1, names.end());
        for (const auto& field : f.all()) {
            if (std::find(names.begin(), names.end(), field.name) != names.end()) continue;
            std::string hint;
            if (kind == "failure-window" && field.name == "query") hint = ": the failure-window value is its query";
            else if (kind == "failure-window" && (field.name == "from" || field.name == "until"))
                hint = ": bound the window's start with starts-between instead";
            fail(key_loc(field), fmt::format("'{}' does not apply to a {} expectation{} (it takes {}); remove it",
                                             field.name, kind, hint, join_and(takes)));
        }
    }
    const ResolverSpec* resolver_ref(const Field& f) const;
    std::optional<Query> probed_query(const Field& f, const std::string& text) const;
    void parse_ede(const Field& f, Expectation& e, const ResolverSpec* resolver) const;
    std::vector<ResolverKind> expectation_kinds(const Field& f, const ResolverSpec* resolver) const;
    std::pair<Seconds, Seconds> bounds(const Field& f, bool times, std::string_view example);

    std::string m_file;
    std::filesystem::path m_base_dir;
    std::filesystem::path m_template_root;  // absolute, normal: templates are read only below it
    Scenario m_scenario;
    std::vector<TimeRef> m_times;            // every time written in the file, checked against duration
    std::optional<Seconds> m_declared_duration;  // duration: as written (settled at the end)
    std::vector<std::string> m_listed;       // zones the file lists, in file order
    std::set<std::string> m_all_zones;       // listed zones and their ancestors
    std::map<std::string, SourceLoc> m_ancestor_loc;  // implicit zone -> the listed zone that needs it
    // With a rollover: block, the keys timeline events name are checked by prepare/, once the
    // rollovers have added theirs; without, at once.
    bool m_defer_keys = false;
};

}  // namespace rollsim::scenario::detail
