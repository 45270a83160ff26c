#include "report/json_report.hpp"

#include "report/event_text.hpp"
#include "report/kind_report.hpp"
#include "report/population.hpp"
#include "report/monitor_report.hpp"
#include "report/outcome_text.hpp"
#include "report/predicted.hpp"
#include "report/zone_report.hpp"
#include "scenario/names.hpp"

namespace rollsim::report {

using nlohmann::json;

namespace {

template <typename T>
json optional(const std::optional<T>& v)
{
    return v ? json(*v) : json(nullptr);
}

json optional_seconds(const std::optional<Seconds>& v) { return v ? json(v->count()) : json(nullptr); }

// One element per item, in order.
template <typename Items, typename ToJson>
json array_of(const Items& items, ToJson to_json)
{
    json out = json::array();
    for (const auto& item : items) out.push_back(to_json(item));
    return out;
}

json observation_json(const scenario::Scenario& sc, const runner::Observation& o)
{
    json j = {
        {"offset_s", o.offset.count()},
        {"time", format_time(sc.start + o.offset)},
        {"resolver", o.resolver},
        {"resolver_kind", scenario::to_string(o.kind)},
        {"qname", o.query.qname},
        {"qtype", o.query.qtype},
        {"rcode", optional(rcode_name(o.rcode))},
        {"ad", o.ad},
        {"ede", optional(ede_code(o.ede))},
        {"ede_text", o.ede_text},
        {"validation", validation_text(o.validation)},
        {"reason", o.reason},
    };
    // A cold daemon (cache: cold); absent for the others, whose kind says what they keep.
    if (scenario::is_daemon(o.kind) && !o.warm()) j["cache"] = "cold";
    return j;
}

// Every probe result; a large run's failing ones only (report/zone_summary.hpp): its healthy
// results would make the report hundreds of megabytes (docs/report-format.md, "Large runs").
json observations_json(const scenario::Scenario& sc, const runner::RunRecord& record, const RunSummary& summary)
{
    json out = json::array();
    for (const auto& o : record.observations)
        if (!summary.zones.large || o.failed()) out.push_back(observation_json(sc, o));
    return out;
}

json event_json(const runner::EventRecord& e)
{
    json out = {{"offset_s", e.offset.count()}, {"text", event_text(e)}, {"say", e.say},
                {"source", runner::to_string(e.source)}};
    if (const auto* died = std::get_if<runner::SignerDied>(&e.what)) out["log_tail"] = died->log_tail;
    if (const auto* run = std::get_if<runner::ResolverRunChanged>(&e.what); run && run->what == runner::ResolverRun::Died)
        out["log_tail"] = run->log_tail;
    return out;
}

json key_change_json(const runner::KeyChange& k)
{
    return {{"offset_s", k.offset.count()}, {"zone", k.zone},
            {"key", k.key},                 {"role", k.role},
            {"keytag", k.keytag},           {"algorithm", k.algorithm},
            {"published", k.published},     {"active", k.active},
            {"ds_at_parent", k.ds_at_parent}, {"revoked", k.revoked}};
}

// A parent agent's decision other than "unchanged" (docs/parent-agent.md).
json agent_json(const runner::AgentDecision& d)
{
    return {{"offset_s", d.offset.count()}, {"zone", d.zone}, {"verdict", d.verdict}, {"reason", d.reason},
            {"ds", d.ds}, {"ds_change_s", optional_seconds(d.ds_change_at)}};
}

json window_json(const FailureWindow& w)
{
    return {{"resolver", w.resolver},
            {"qname", w.query.qname},
            {"qtype", w.query.qtype},
            {"start_s", w.start.count()},
            {"end_s", optional_seconds(w.end)},
            {"last_failure_s", w.last_failure.count()},
            {"probes", w.probes},
            {"outcome", w.what},
            {"rcode", optional(rcode_name(w.rcode))},
            {"ede", optional(ede_code(w.ede))},
            {"ede_text", w.ede_text},
            {"reason", w.reason}};
}

json predicted_json(const PredictedEntry& p)
{
    return {{"zone", p.window.zone},
            {"from_s", p.window.from.count()},
            {"until_s", p.window.until.count()},
            {"resolvers", p.resolvers},
            {"cause", p.window.cause}};
}

json optional_offset(const std::optional<Seconds>& t) { return t ? json(t->count()) : json(nullptr); }

// One pairing of a predicted window with an observed one (report/predicted.hpp).
json pairing_json(const PredictionRow& r)
{
    const auto& p = r.predicted;
    return {{"verdict", to_string(r.match)},
            {"zone", p ? json(p->zone) : json(nullptr)},
            {"from_s", p ? json(p->from.count()) : json(nullptr)},
            {"until_s", p ? json(p->until.count()) : json(nullptr)},
            {"resolvers", r.resolvers},
            {"observed", r.observed ? window_json(*r.observed) : json(nullptr)},
            {"exposed_s", optional_offset(r.exposed)},
            {"observing_start_s", optional_offset(r.observing_start)},
            {"note", unobserved_text(r)}};
}

json expectation_json(const ExpectationResult& r)
{
    const auto& v = r.verdict;
    const auto& e = *v.expectation;
    // Only window and otherwise expectations compare each probe with an outcome.
    using Kind = scenario::Expectation::Kind;
    const bool has_outcome = e.kind == Kind::Window || e.kind == Kind::Otherwise;
    return {{"id", v.id},
            {"text", e.text},
            {"line", e.loc.line},
            {"kind", to_string(e.kind)},
            {"outcome", has_outcome ? json(to_string(e.outcome)) : json(nullptr)},
            {"ede", optional(e.ede)},
            {"verdict", v.pass ? "pass" : "fail"},
            {"observations", v.matched},
            {"detail", v.detail}};
}

}  // namespace

json json_report(const scenario::Scenario& sc, const runner::RunRecord& record, const RunSummary& summary)
{
    json out;
    out["format"] = "rollsim-report";
    out["version"] = kJsonReportVersion;
    out["scenario"] = {{"name", sc.name},
                       {"file", sc.file},
                       {"start", format_time(sc.start)},
                       {"duration_s", sc.duration.count()}};
    out["result"] = summary.pass ? "pass" : "fail";
    // A run that ended before the scenario's duration (its signer died): when, and why.
    out["stopped"] = summary.stopped ? json{{"offset_s", summary.stopped->offset.count()},
                                            {"reason", summary.stopped->reason}}
                                     : json(nullptr);
    out["run"] = {{"instants", summary.instants},
                  {"publications", summary.publications},
                  {"servers", summary.servers},
                  {"wall_clock_s", summary.wall_seconds}};
    out["events"] = array_of(record.events, event_json);
    out["key_changes"] = array_of(record.key_changes, key_change_json);
    out["parent_agent"] = array_of(record.parent_agent, agent_json);
    out["observations"] = observations_json(sc, record, summary);
    out["failure_windows"] = array_of(summary.windows, window_json);
    out["first_failure_s"] = summary.first_failure ? json(summary.first_failure->start.count()) : json(nullptr);
    // The rollover lint's predicted failure windows (empty without a rollover: block).
    out["predicted_windows"] = array_of(summary.predicted, predicted_json);
    out["predicted_vs_observed"] = array_of(summary.comparison.rows, pairing_json);
    out["expectations"] = array_of(summary.expectations, expectation_json);
    out["monitors"] = monitors_json(summary);
    out["monitor_checks"] = monitor_checks_json(sc, record);
    // Only when more than one daemon kind was asked: a one-kind report stays as it was.
    if (!summary.kinds.empty()) out["kind_differences"] = kinds_json(summary.kinds);
    if (!summary.populations.empty()) out["populations"] = populations_json(summary.populations);
    // A large run (report/zone_summary.hpp): which zones failed, when.
    if (summary.zones.large) {
        out["zones"] = zones_json(summary.zones);
        out["observations_left_out"] = record.observations.size() - out["observations"].size();
    }
    return out;
}

}  // namespace rollsim::report
