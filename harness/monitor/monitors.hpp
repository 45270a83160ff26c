// A scenario's monitors in a lab (docs/monitoring.md): which are due at an instant (every
// multiple of their interval), running them there, and the Prometheus text-format file of
// their figures in the lab directory. The runner holds one and asks it at every instant.
#pragma once

#include "core/time.hpp"
#include "lab/tools.hpp"
#include "monitor/status.hpp"
#include "scenario/model.hpp"
#include "world/world.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rollsim::monitor {

class Monitors {
public:
    // Makes each monitor's work directory under `lab_dir`/monitors/NAME (and the reference
    // monitor's validator); nothing runs yet. Throws LabError when a directory cannot be made.
    Monitors(const scenario::Scenario& scenario, const world::World& world, const lab::Tools& tools,
             const std::filesystem::path& lab_dir);
    ~Monitors();
    Monitors(const Monitors&) = delete;
    Monitors& operator=(const Monitors&) = delete;

    // The first instant after `t` at which a monitor is due, if any before the scenario's end.
    std::optional<Seconds> next_after(Seconds t) const;

    // Runs the monitors due at `t` (t a multiple of their interval); `resolvers` are the
    // addresses of the daemon resolvers running now. Appends their samples to
    // `lab_dir`/metrics.prom. Never throws for what a command does (UNKNOWN instead).
    std::vector<Check> run_due(Seconds t, const std::vector<std::string>& resolvers);

private:
    class Impl;
    std::unique_ptr<Impl> m_impl;
};

// A Prometheus text-format exposition (version 0.0.4) of `checks`: one block per metric
// family, with # HELP and # TYPE, each sample stamped with its check's virtual instant in
// milliseconds since 1970; rollsim_monitor_status{monitor} for every check.
std::string prometheus_text(const std::vector<Check>& checks, TimePoint start);

}  // namespace rollsim::monitor
