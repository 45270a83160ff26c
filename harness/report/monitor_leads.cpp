#include "report/monitor_leads.hpp"

#include "core/text.hpp"
#include "scenario/monitor_words.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace rollsim::report {

namespace {

using monitor::Status;

MonitorLead lead_for(const std::vector<const monitor::Check*>& checks, const FailureGroup& g, std::size_t index,
                     Seconds horizon, Seconds run_end)
{
    MonitorLead lead;
    lead.group = index;
    lead.failure_start = g.start;
    const Seconds from = g.start - horizon;
    const Seconds until = g.end.value_or(run_end + Seconds(1));
    for (const auto* c : checks) {
        if (c->offset < from || c->offset >= until || !monitor::is_alert(c->status)) continue;
        if (!lead.warned) {
            lead.warned = c->offset;
            lead.line = c->line;
        }
        if (c->status == Status::Critical && !lead.critical) lead.critical = c->offset;
    }
    return lead;
}

// Alert episodes that no failure group explains.
std::vector<FalseAlarm> false_alarms(const std::vector<const monitor::Check*>& checks,
                                     const std::vector<FailureGroup>& groups, Seconds horizon, Seconds run_end)
{
    std::vector<FalseAlarm> episodes;
    bool open = false;
    for (const auto* c : checks) {
        if (!monitor::is_alert(c->status)) {
            open = false;
            continue;
        }
        if (!open) episodes.push_back({c->offset, c->offset, c->status, c->line});
        open = true;
        episodes.back().last = c->offset;
        episodes.back().worst = std::max(episodes.back().worst, c->status);
    }
    std::vector<FalseAlarm> out;
    for (const auto& e : episodes) {
        const bool explained = std::any_of(groups.begin(), groups.end(), [&](const FailureGroup& g) {
            const Seconds end = g.end.value_or(run_end + Seconds(1));
            const bool overlaps = e.start < end && e.last >= g.start;
            const bool precedes = g.start >= e.start && g.start <= e.start + horizon;
            return overlaps || precedes;
        });
        if (!explained) out.push_back(e);
    }
    return out;
}

std::vector<MonitorState> states_of(const std::vector<const monitor::Check*>& checks)
{
    std::vector<MonitorState> out;
    for (const auto* c : checks)
        if (out.empty() || out.back().status != c->status) out.push_back({c->offset, c->status, c->line});
    return out;
}

}  // namespace

std::vector<MonitorSummary> summarize_monitors(const scenario::Scenario& sc, const std::vector<monitor::Check>& checks,
                                               const std::vector<FailureGroup>& groups)
{
    std::vector<MonitorSummary> out;
    for (const auto& spec : sc.monitors) {
        MonitorSummary m;
        m.name = spec.name;
        m.kind = std::string(spec.kind == scenario::MonitorKind::Health ? scenario::kMonitorKindHealth
                                                                         : scenario::kMonitorKindCommand);
        m.horizon = spec.horizon;
        std::vector<const monitor::Check*> mine;
        for (const auto& c : checks)
            if (c.monitor == spec.name) mine.push_back(&c);
        m.checks = static_cast<int>(mine.size());
        for (const auto* c : mine) ++m.counts[static_cast<int>(c->status)];
        for (std::size_t i = 0; i < groups.size(); ++i)
            m.leads.push_back(lead_for(mine, groups[i], i, spec.horizon, sc.duration));
        m.false_alarms = false_alarms(mine, groups, spec.horizon, sc.duration);
        m.states = states_of(mine);
        out.push_back(std::move(m));
    }
    return out;
}

std::string lead_text(std::optional<Seconds> alert, Seconds failure_start)
{
    if (!alert) return "missed";
    const Seconds lead = failure_start - *alert;
    if (lead.count() == 0) return "at once";
    if (lead.count() > 0) return format_duration(lead) + " ahead";
    return format_duration(-lead) + " late";
}

std::string monitor_observed(const std::string& monitor, const std::vector<MonitorSummary>& monitors)
{
    std::vector<std::string> parts;
    for (const auto& m : monitors)
        if (m.name == monitor)
            for (const auto& lead : m.leads)
                parts.push_back(fmt::format("warning {}, critical {} of {}", lead_text(lead.warned, lead.failure_start),
                                            lead_text(lead.critical, lead.failure_start),
                                            format_offset(lead.failure_start)));
    return parts.empty() ? "no failure" : join(parts, "; ");
}

MonitorVerdict judge_monitor(const scenario::Expectation& e, const std::vector<MonitorSummary>& monitors)
{
    MonitorVerdict v;
    const auto m = std::find_if(monitors.begin(), monitors.end(), [&](const auto& s) { return s.name == e.monitor; });
    if (m == monitors.end() || m->leads.empty()) {
        v.detail = "no failure window to judge the monitor by";
        return v;
    }
    v.pass = true;
    v.matched = static_cast<int>(m->leads.size());
    for (const auto& lead : m->leads) {
        std::string broken;
        auto short_of = [&](std::optional<Seconds> alert, std::optional<Seconds> needed, std::string_view what) {
            if (!needed || !broken.empty()) return;
            if (!alert || lead.failure_start - *alert < *needed)
                broken = fmt::format("{} {} before the failure at {}: {}", what, format_duration(*needed),
                                     format_offset(lead.failure_start), lead_text(alert, lead.failure_start));
        };
        short_of(lead.warned, e.warns_before, "needed a warning");
        short_of(lead.critical, e.crit_before, "needed a critical alert");
        if (e.misses && lead.warned && *lead.warned < lead.failure_start)
            broken = fmt::format("alerted for the failure at {} ({}): {}", format_offset(lead.failure_start),
                                 lead_text(lead.warned, lead.failure_start), lead.line);
        if (!broken.empty() && v.pass) {
            v.pass = false;
            v.detail = broken;
        }
    }
    return v;
}

}  // namespace rollsim::report
