#include "report/json_report.hpp"

#include "rollover/planner.hpp"

namespace rollsim::report {

using nlohmann::json;

namespace {

json optional_int(const std::optional<int>& v) { return v ? json(*v) : json(nullptr); }
json optional_str(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

json observation_json(const scenario::Scenario& sc, const runner::Observation& o)
{
    return {
        {"offset_s", o.offset.count()},
        {"time", format_time(sc.start + o.offset)},
        {"resolver", o.resolver},
        {"resolver_kind", o.kind == scenario::ResolverKind::Unbound ? "unbound" : "libunbound"},
        {"qname", o.query.qname},
        {"qtype", o.query.qtype},
        {"rcode", optional_str(o.rcode)},
        {"ad", o.ad},
        {"ede", optional_int(o.ede)},
        {"ede_text", o.ede_text},
        {"validation", runner::to_string(o.validation)},
        {"reason", o.reason},
    };
}

}  // namespace

json json_report(const scenario::Scenario& sc, const runner::RunRecord& record, const std::vector<Verdict>& verdicts,
                 const std::vector<FailureWindow>& windows, const std::vector<rollover::PredictedWindow>& predicted)
{
    bool pass = true;
    for (const auto& v : verdicts) pass = pass && v.pass;

    json out;
    out["format"] = "rollsim-report";
    out["version"] = kJsonReportVersion;
    out["scenario"] = {{"name", sc.name},
                       {"file", sc.file},
                       {"start", format_time(sc.start)},
                       {"duration_s", sc.duration.count()}};
    out["result"] = pass ? "pass" : "fail";
    out["run"] = {{"instants", record.instants},
                  {"publications", record.publications},
                  {"servers", record.servers},
                  {"wall_clock_s", record.wall_seconds}};

    json events = json::array();
    for (const auto& e : record.events)
        events.push_back({{"offset_s", e.offset.count()},
                          {"text", e.text},
                          {"say", e.say},
                          {"source", runner::to_string(e.source)}});
    out["events"] = events;

    json keys = json::array();
    for (const auto& k : record.key_changes)
        keys.push_back({{"offset_s", k.offset.count()},
                        {"zone", k.zone},
                        {"key", k.key},
                        {"role", k.role},
                        {"keytag", k.keytag},
                        {"algorithm", k.algorithm},
                        {"published", k.published},
                        {"active", k.active},
                        {"ds_at_parent", k.ds_at_parent},
                        {"revoked", k.revoked}});
    out["key_changes"] = keys;

    // Parent agents' decisions other than "unchanged" (docs/parent-agent.md).
    json agent = json::array();
    for (const auto& d : record.parent_agent)
        agent.push_back({{"offset_s", d.offset.count()},
                         {"zone", d.zone},
                         {"verdict", d.verdict},
                         {"reason", d.reason},
                         {"ds", d.ds},
                         {"ds_change_s", d.ds_change_at ? json(d.ds_change_at->count()) : json(nullptr)}});
    out["parent_agent"] = agent;

    json observations = json::array();
    for (const auto& o : record.observations) observations.push_back(observation_json(sc, o));
    out["observations"] = observations;

    json fw = json::array();
    for (const auto& w : windows)
        fw.push_back({{"resolver", w.resolver},
                      {"qname", w.query.qname},
                      {"qtype", w.query.qtype},
                      {"start_s", w.start.count()},
                      {"end_s", w.end ? json(w.end->count()) : json(nullptr)},
                      {"last_failure_s", w.last_failure.count()},
                      {"probes", w.probes},
                      {"outcome", w.what},
                      {"rcode", optional_str(w.rcode)},
                      {"ede", optional_int(w.ede)},
                      {"ede_text", w.ede_text},
                      {"reason", w.reason}});
    out["failure_windows"] = fw;
    out["first_failure_s"] = windows.empty() ? json(nullptr) : json(windows.front().start.count());

    // The rollover lint's predicted failure windows (empty without a rollover: block).
    json pw = json::array();
    for (const auto& p : predicted)
        pw.push_back({{"zone", p.zone},
                      {"from_s", p.from.count()},
                      {"until_s", p.until.count()},
                      {"resolvers", rollover::affected_resolvers(sc, p)},
                      {"cause", p.cause}});
    out["predicted_windows"] = pw;

    json exps = json::array();
    for (const auto& v : verdicts) {
        const auto& e = *v.expectation;
        // Only window and otherwise expectations compare each probe with an outcome.
        using Kind = scenario::Expectation::Kind;
        const bool has_outcome = e.kind == Kind::Window || e.kind == Kind::Otherwise;
        exps.push_back({{"text", e.text},
                        {"line", e.loc.line},
                        {"kind", to_string(e.kind)},
                        {"outcome", has_outcome ? json(to_string(e.outcome)) : json(nullptr)},
                        {"ede", optional_int(e.ede)},
                        {"verdict", v.pass ? "pass" : "fail"},
                        {"observations", v.matched},
                        {"detail", v.detail}});
    }
    out["expectations"] = exps;
    return out;
}

}  // namespace rollsim::report
