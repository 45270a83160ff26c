// `rollsim plan --json` (plan_json.hpp): the plan as print_plan shows it, field by field.
#include "report/plan_json.hpp"

#include "rollover/chain_lint.hpp"
#include "scenario/names.hpp"

namespace rollsim::report {

using nlohmann::json;

namespace {

json interval_json(const rollover::Interval& i)
{
    return {{"name", i.name},          {"formula", i.formula}, {"numbers", i.numbers},
            {"section", i.section},    {"minimum_s", i.minimum.count()}, {"value_s", i.value.count()}};
}

json step_json(const scenario::Scenario& sc, const rollover::Step& s, int index)
{
    json actions = json::array();
    for (const auto& a : s.actions) actions.push_back({{"action", scenario::to_string(a.kind)}, {"key", a.key}});
    json out = {{"offset_s", s.at.count()},
                {"time", format_time(sc.start + s.at)},
                {"text", s.text},
                {"actions", std::move(actions)},
                {"by_parent_agent", s.by_parent_agent},
                {"interval", nullptr}};
    if (s.interval) {
        json interval = interval_json(*s.interval);
        interval["after_step"] = s.counts_from ? s.counts_from : index - 1;
        interval["override"] = s.override_name.empty() ? json(nullptr) : json(s.override_name);
        interval["override_s"] = s.override_value ? json(s.override_value->count()) : json(nullptr);
        interval["below_minimum"] = s.override_value && *s.override_value < s.interval->minimum;
        out["interval"] = std::move(interval);
    }
    return out;
}

json inputs_json(const rollover::TimingInputs& in)
{
    return {{"ttl_key_s", in.ttl_key.count()},         {"ttl_ds_s", in.ttl_ds.count()},
            {"ttl_sig_s", in.ttl_sig.count()},         {"dprp_s", in.dprp.count()},
            {"dprp_child_s", in.dprp_child.count()},   {"dprp_parent_s", in.dprp_parent.count()},
            {"dreg_s", in.dreg.count()},               {"dsgn_s", in.dsgn.count()},
            {"margin_s", in.margin.count()}};
}

// An emergency roll's two choices: withdrawal, exposure, failure windows (null for other methods).
json emergency_json(const rollover::RolloverPlan& p)
{
    if (p.emergency.empty()) return nullptr;
    json options = json::array();
    for (const auto& opt : p.emergency) {
        json windows = json::array();
        for (const auto& w : opt.windows)
            windows.push_back({{"from_s", w.from.count()}, {"until_s", w.until.count()}, {"cold", w.cold},
                               {"why", w.why}});
        json exposure = interval_json(opt.exposure);
        exposure["until_s"] = (p.spec->start + opt.exposure.value).count();
        options.push_back({{"choice", scenario::to_string(opt.choice)},
                           {"picked", opt.picked},
                           {"withdrawn_s", opt.withdrawn.count()},
                           {"ds_withdrawn_s", opt.ds_withdrawn ? json(opt.ds_withdrawn->count()) : json(nullptr)},
                           {"exposure", std::move(exposure)},
                           {"windows", std::move(windows)}});
    }
    return {{"compromised", p.spec->key}, {"known_s", p.spec->start.count()}, {"options", std::move(options)}};
}

json rollover_json(const scenario::Scenario& sc, const rollover::RolloverPlan& p)
{
    json keys = json::array(), steps = json::array();
    for (const auto& k : p.new_keys) keys.push_back(k.name);
    int i = 0;
    for (const auto& s : p.steps) steps.push_back(step_json(sc, s, ++i));
    return {{"zone", p.spec->zone},
            {"method", scenario::to_string(p.spec->method)},
            {"key", p.spec->key},
            {"start_s", p.spec->start.count()},
            {"line", p.spec->loc.line},
            {"generation", p.spec->every ? json(p.spec->generation) : json(nullptr)},
            {"inputs", inputs_json(p.inputs)},
            {"new_keys", std::move(keys)},
            {"steps", std::move(steps)},
            {"emergency", emergency_json(p)}};
}

json window_json(const scenario::Scenario& sc, const std::optional<rollover::PredictedWindow>& w)
{
    if (!w) return nullptr;
    const Seconds until = std::min(w->until, sc.duration);
    return {{"zone", w->zone},
            {"from_s", w->from.count()},
            {"until_s", until.count()},
            {"warm", w->warm},
            {"cold", w->cold},
            {"resolvers", rollover::affected_resolvers(sc, *w)},
            {"cause", w->cause}};
}

json finding_json(const scenario::Scenario& sc, const char* source, const scenario::SourceLoc& loc,
                  const std::string& zone, const std::string& message,
                  const std::optional<rollover::PredictedWindow>& window)
{
    return {{"source", source}, {"line", loc.line}, {"column", loc.column}, {"zone", zone},
            {"message", message}, {"window", window_json(sc, window)}};
}

}  // namespace

json plan_json(const scenario::Scenario& sc, const std::vector<rollover::RolloverPlan>& plans)
{
    json rollovers = json::array(), findings = json::array(), windows = json::array();
    for (const auto& p : plans) {
        rollovers.push_back(rollover_json(sc, p));
        for (const auto& f : p.findings)
            findings.push_back(finding_json(sc, "rollover", f.loc, p.spec->zone, f.message, f.window));
    }
    for (const auto& f : rollover::lint_chain(sc, plans))
        findings.push_back(finding_json(sc, "timeline", f.loc, f.zone, f.message, f.window));
    for (const auto& w : rollover::predicted_windows(sc, plans)) windows.push_back(window_json(sc, w));
    return {{"name", sc.name},
            {"file", sc.file},
            {"start", format_time(sc.start)},
            {"duration_s", sc.duration.count()},
            {"rollovers", std::move(rollovers)},
            {"findings", std::move(findings)},
            {"predicted_windows", std::move(windows)}};
}

json plan_document(std::vector<json> scenarios)
{
    return {{"format", "rollsim-plan"}, {"version", kPlanJsonVersion}, {"scenarios", std::move(scenarios)}};
}

bool has_findings(const scenario::Scenario& sc, const std::vector<rollover::RolloverPlan>& plans)
{
    for (const auto& p : plans)
        if (!p.findings.empty()) return true;
    return !rollover::lint_chain(sc, plans).empty();
}

}  // namespace rollsim::report
