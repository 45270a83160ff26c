#include "monitor/monitors.hpp"

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/text.hpp"
#include "dns/names.hpp"
#include "lab/resolver.hpp"
#include "monitor/command.hpp"
#include "monitor/health.hpp"

#include <chrono>
#include <map>

#include <fmt/format.h>

namespace rollsim::monitor {

namespace fs = std::filesystem;

namespace {

// The reference monitor: its zones as the lab serves them, and its own cold validator.
struct HealthMonitor {
    std::vector<HealthZone> zones;
    std::unique_ptr<probe::ColdValidator> validator;
};

struct Running {
    const scenario::MonitorSpec* spec;
    fs::path dir;
    std::unique_ptr<CommandMonitor> command;  // kind: command
    std::optional<HealthMonitor> health;      // kind: rollsim-health
};

std::vector<ServerRef> servers_of(const world::ZoneRuntime& zone, bool full_names)
{
    std::vector<ServerRef> out;
    for (const auto& s : zone.servers) out.push_back({full_names ? s.name : s.label, s.address});
    return out;
}

std::vector<HealthZone> health_zones(const scenario::Scenario& sc, const world::World& world,
                                     const scenario::MonitorSpec& spec)
{
    std::vector<HealthZone> out;
    for (const auto& name : spec.zones) {
        const world::ZoneRuntime* zone = world.zone_of(name);
        if (!zone) continue;
        HealthZone z{name, servers_of(*zone, false), {}, {}};
        if (name != ".")
            if (const auto* parent = world.zone_of(dns::parent_name(name))) z.parent_servers = servers_of(*parent, true);
        for (const auto& q : sc.probes.queries)
            if (const auto* holder = world.zone_of(q.qname); holder && holder->spec->name == name) z.queries.push_back(q);
        out.push_back(std::move(z));
    }
    return out;
}

std::string addresses(const std::vector<ServerRef>& servers)
{
    std::vector<std::string> out;
    for (const auto& s : servers) out.push_back(s.address);
    return join(out, " ");
}

}  // namespace

class Monitors::Impl {
public:
    Impl(const scenario::Scenario& sc, const world::World& world, const lab::Tools& tools, const fs::path& lab_dir)
        : m_sc(sc), m_world(world), m_lab_dir(lab_dir)
    {
        std::error_code ec;
        m_scenario_dir = fs::absolute(fs::path(sc.file).parent_path(), ec).lexically_normal().string();
        for (const auto& spec : sc.monitors) {
            Running r{&spec, lab_dir / "monitors" / spec.name, nullptr, std::nullopt};
            if (spec.kind == scenario::MonitorKind::Command) {
                r.command = std::make_unique<CommandMonitor>(spec, tools, r.dir);
            } else {
                fs::create_directories(r.dir, ec);
                if (ec) throw LabError("cannot create " + r.dir.string() + ": " + ec.message());
                scenario::ResolverSpec profile;
                profile.name = spec.name;
                profile.kind = scenario::ResolverKind::Libunbound;
                r.health = HealthMonitor{health_zones(sc, world, spec), std::make_unique<probe::ColdValidator>(
                                                                            setup(), r.dir / "validator", profile)};
            }
            m_running.push_back(std::move(r));
        }
    }

    std::optional<Seconds> next_after(Seconds t) const
    {
        std::optional<Seconds> next;
        for (const auto& r : m_running) {
            const Seconds every = r.spec->every;
            const Seconds at((t / every + 1) * every);
            if (at <= m_sc.duration && (!next || at < *next)) next = at;
        }
        return next;
    }

    std::vector<Check> run_due(Seconds t, const std::vector<std::string>& resolvers)
    {
        std::vector<Check> made;
        const TimePoint now = m_sc.start + t;
        for (auto& r : m_running) {
            if (t.count() % r.spec->every.count() != 0) continue;
            if (r.command) {
                made.push_back(r.command->run(t, now, placeholders(r, t, resolvers)));
            } else {
                const auto started = std::chrono::steady_clock::now();
                r.health->validator->set_trust_anchor(m_world.trust_anchor(t));
                made.push_back(check_health(*r.spec, r.health->zones, *r.health->validator, t, now));
                made.back().wall_seconds =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            }
        }
        if (made.empty()) return made;
        m_checks.insert(m_checks.end(), made.begin(), made.end());
        for (auto& c : m_checks) c.output.clear();  // the file needs the figures only
        if (auto error = write_file_atomically(m_lab_dir / "metrics.prom", prometheus_text(m_checks, m_sc.start)))
            throw LabError(*error);
        return made;
    }

private:
    lab::ResolverSetup setup() const
    {
        lab::ResolverSetup s;
        s.root_hints = m_world.root_hints();
        s.trust_anchor = m_world.trust_anchor(Seconds(0));
        for (const auto& z : m_sc.zones)
            if (z.name != ".") s.nodefault_zones.push_back(z.name);
        return s;
    }

    // The lab at t as a command sees it (scenario/monitor_words.hpp).
    Placeholders placeholders(const Running& r, Seconds t, const std::vector<std::string>& resolvers) const
    {
        Placeholders v;
        const std::string zone = r.spec->zones.empty() ? "." : r.spec->zones.front();
        v["zone"] = zone;
        if (const auto* z = m_world.zone_of(zone)) {
            v["servers"] = addresses(servers_of(*z, false));
            v["server"] = z->servers.empty() ? "" : z->servers.front().address;
            if (const auto* p = zone == "." ? nullptr : m_world.zone_of(dns::parent_name(zone)))
                v["parent-servers"] = addresses(servers_of(*p, false));
        }
        v["resolvers"] = join(resolvers, " ");
        v["resolver"] = resolvers.empty() ? "" : resolvers.front();
        const fs::path anchor = r.dir / "trust-anchor.ds", hints = r.dir / "root.hints";
        for (const auto& [file, text] : {std::pair{anchor, m_world.trust_anchor(t)}, {hints, m_world.root_hints()}})
            if (auto error = write_file_atomically(file, text)) throw LabError(*error);
        v["trust-anchor"] = anchor.string();
        v["root-hints"] = hints.string();
        v["time"] = format_time(m_sc.start + t);
        v["epoch"] = std::to_string(std::chrono::duration_cast<Seconds>((m_sc.start + t).time_since_epoch()).count());
        v["workdir"] = r.dir.string();
        v["scenario-dir"] = m_scenario_dir;
        return v;
    }

    const scenario::Scenario& m_sc;
    const world::World& m_world;
    fs::path m_lab_dir;
    std::string m_scenario_dir;
    std::vector<Running> m_running;
    std::vector<Check> m_checks;  // every check so far, for metrics.prom
};

Monitors::Monitors(const scenario::Scenario& scenario, const world::World& world, const lab::Tools& tools,
                   const fs::path& lab_dir)
    : m_impl(std::make_unique<Impl>(scenario, world, tools, lab_dir))
{
}
Monitors::~Monitors() = default;
std::optional<Seconds> Monitors::next_after(Seconds t) const { return m_impl->next_after(t); }
std::vector<Check> Monitors::run_due(Seconds t, const std::vector<std::string>& resolvers)
{
    return m_impl->run_due(t, resolvers);
}

}  // namespace rollsim::monitor
