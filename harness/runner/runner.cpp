#include "runner/runner.hpp"

#include "core/error.hpp"
#include "dns/names.hpp"
#include "dns/query.hpp"
#include "lab/resolver.hpp"
#include "monitor/monitors.hpp"
#include "parent/agent.hpp"
#include "probe/cold_validator.hpp"
#include "probe/daemon_probe.hpp"
#include "runner/operator_zone.hpp"
#include "runner/probe_plan.hpp"
#include "runner/schedule.hpp"
#include "runner/zone_publisher.hpp"
#include "scenario/names.hpp"
#include "world/world.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

namespace rollsim::runner {

namespace {

struct Resolver {
    const scenario::ResolverSpec* spec;
    std::unique_ptr<lab::ResolverDaemon> daemon;  // warm, while it runs (see ResolverSpec::online_at)
    std::unique_ptr<probe::ColdValidator> cold;  // cold
    std::filesystem::path dir;                   // warm: kept across stops, with its anchor file
    std::string address;                         // warm
    bool started = false;                        // warm: has run at least once
    bool died = false;                           // its process ended by itself (until it starts again)
    std::string anchor_state;                    // RFC 5011 daemons: the state last reported
};

}  // namespace

class Session::Impl {
public:
    Impl(const scenario::Scenario& sc, const lab::Tools& tools, const RunOptions& options)
        : m_sc(sc), m_tools(tools), m_options(options), m_world(m_sc), m_pools(m_world, tools, options.lab_dir)
    {
    }

    void start()
    {
        m_wall_start = std::chrono::steady_clock::now();
        for (const auto* ev : m_world.advance_to(Seconds(0))) record_event(*ev);
        remember_key_states(Seconds(0));
        start_servers();
        start_resolvers();
        plan_probes();
        m_wake_times = rfc5011_wake_instants(m_sc);
        m_monitors = std::make_unique<monitor::Monitors>(m_sc, m_world, m_tools, m_options.lab_dir);
        m_now = Seconds(0);
        scan_parent_agents(m_now);
        check_interrupted(m_now);
        ++m_record.instants;
        if (m_probe_times.count(m_now)) probe_all(m_now, false);
        run_monitors(m_now);
        if (m_options.on_progress) m_options.on_progress(progress(m_now));
        update_wall_clock();
    }

    // The instants after now() up to `target`, each as a run plays it (see runner.hpp).
    std::vector<Observation> advance_to(Seconds target, bool probe_at_end)
    {
        target = std::min(target, m_sc.duration);
        std::vector<Observation> at_target;
        while (m_now < target) {
            Seconds t = next_instant(m_now, m_probe_times);
            if (t > target) {
                // Nothing changes between instants: time just moves on, unless t is probed.
                if (!probe_at_end) {
                    m_now = target;
                    break;
                }
                t = target;
            }
            check_interrupted(t);
            ++m_record.instants;
            settle(t);
            m_now = t;
            if (m_wake_times.count(t)) wake_rfc5011(t);
            scan_parent_agents(t);
            const bool asked = probe_at_end && t == target;  // every resolver, whatever its schedule
            const bool probe = m_probe_times.count(t) || asked;
            if (probe) {
                auto made = probe_all(t, asked);
                if (t == target) at_target = std::move(made);
            }
            run_monitors(t);
            if (m_options.on_progress) m_options.on_progress(progress(t));
        }
        if (probe_at_end && at_target.empty()) at_target = probe_all(m_now, true);
        update_wall_clock();
        return at_target;
    }

    std::vector<Observation> probe()
    {
        auto made = probe_all(m_now, true);
        update_wall_clock();
        return made;
    }

    std::vector<Observation> query(const std::string& qname, const std::string& qtype, const std::string& resolver)
    {
        std::vector<Resolver*> asked;
        bool known = false;
        for (auto& r : m_resolvers) {
            if (!resolver.empty() && r.spec->name != resolver) continue;
            known = true;
            if (scenario::is_daemon(r.spec->kind) && !r.daemon) continue;  // not running now
            asked.push_back(&r);
        }
        if (!known) throw std::invalid_argument("no resolver named '" + resolver + "'");
        for (auto& r : m_resolvers)
            if (r.cold) r.cold->set_trust_anchor(m_world.trust_anchor(m_now));
        set_resolver_clocks(m_now);
        std::vector<Observation> out;
        for (auto* r : asked) out.push_back(ask(*r, {qname, qtype}, m_now));
        return out;
    }

    void inject(scenario::Event fault)
    {
        fault.at = m_now;
        // World::advance_to applies the timeline in order: the new event goes right after the
        // events it has applied (every event at or before now), so it is the next one.
        const std::size_t index = m_world.applied_events();
        m_sc.timeline.insert(m_sc.timeline.begin() + static_cast<std::ptrdiff_t>(index), std::move(fault));
        m_world.prepare_fault(m_sc.timeline[index]);
        plan_probes();
        settle(m_now);
        update_wall_clock();
    }

    int repair(scenario::FaultKind kind, const std::string& zone)
    {
        int ended = 0;
        for (auto& ev : m_sc.timeline) {
            if (!ev.fault || *ev.fault != kind || ev.zone != zone) continue;
            if (ev.at > m_now || (ev.until && *ev.until <= m_now)) continue;
            const FaultRepaired repaired{*ev.fault, ev.zone};
            // The repair noted when the fault was applied moves to now.
            std::erase_if(m_repairs,
                          [&](const auto& r) { return r.second == repaired && ev.until && r.first == *ev.until; });
            ev.until = m_now;
            m_repairs.push_back({m_now, repaired});
            ++ended;
        }
        if (ended) {
            m_world.timeline_edited();
            plan_probes();
            settle(m_now);
        }
        update_wall_clock();
        return ended;
    }

    Seconds now() const { return m_now; }
    Seconds next_stop() const { return std::min(next_instant(m_now, m_probe_times), m_sc.duration); }
    const scenario::Scenario& scenario() const { return m_sc; }
    const world::World& world() const { return m_world; }
    const RunRecord& record() const { return m_record; }
    RunRecord take_record()
    {
        update_wall_clock();
        return std::move(m_record);
    }

private:
    void check_interrupted(Seconds t) const
    {
        if (m_options.interrupted && m_options.interrupted())
            throw Fatal(ExitCode::Interrupted, "interrupted at " + format_offset(t));
    }

    void update_wall_clock()
    {
        m_record.wall_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - m_wall_start).count();
    }

    // The world at t: timeline events due, key changes, changed zones published.
    void settle(Seconds t)
    {
        for (const auto* ev : m_world.advance_to(t)) {
            record_event(*ev);
            apply_operator_action(*ev);
        }
        record_key_changes(t);
        settle_operator_zones(t);
        publish_changes(t);
        update_resolver_lifecycles(t);
    }

    Seconds next_instant(Seconds t, const std::set<Seconds>& probe_times) const
    {
        Seconds next = m_sc.duration + Seconds(1);
        auto it = probe_times.upper_bound(t);
        if (it != probe_times.end()) next = *it;
        if (auto w = m_wake_times.upper_bound(t); w != m_wake_times.end()) next = std::min(next, *w);
        if (m_monitors)
            if (auto m = m_monitors->next_after(t)) next = std::min(next, *m);
        for (const auto& ev : m_sc.timeline) {
            if (ev.at > t) next = std::min(next, ev.at);
            if (ev.until && *ev.until > t) next = std::min(next, *ev.until);
        }
        // Parent agents scan at every multiple of their interval.
        for (const auto& z : m_sc.zones)
            if (z.parent_agent) {
                const Seconds every = z.parent_agent->scan_every;
                next = std::min(next, Seconds((t / every + 1) * every));
            }
        // The signer's own schedule (RFC 7583 Dsgn): re-sign when signatures reach refresh age.
        for (const auto& p : m_publishers)
            if (auto refresh = p.next_refresh(t)) next = std::min(next, *refresh);
        return std::min(next, next_operator_event(t));
    }

    // Parent agents (docs/parent-agent.md): at each multiple of a zone's scan interval the
    // agent asks every server of the child for CDS, CDNSKEY and DNSKEY over DNS (the real NSD
    // answers) and the parent's server for the current DS set, decides (parent/agent.hpp), and
    // when it accepts a new DS set schedules the DS changes at scan + registration delay.
    void scan_parent_agents(Seconds t)
    {
        bool scheduled_now = false;
        for (const auto& zone : m_world.zones()) {
            const auto& spec = *zone.spec;
            if (!spec.parent_agent || t.count() % spec.parent_agent->scan_every.count() != 0) continue;
            const parent::AgentInput in = agent_input(zone, t);
            const parent::Decision d = parent::decide(in);
            auto& state = m_agents[spec.name];
            std::optional<Seconds> change_at;
            if (d.verdict == parent::Verdict::Accepted) {
                if (state.pending && *state.pending == d.ds && state.pending_at >= t) continue;  // already scheduled
                change_at = t + spec.parent_agent->registration_delay;
                state.pending = d.ds;
                state.pending_at = *change_at;
                if (signed_by_operator(spec))
                    m_pending_ds.push_back({spec.name, *change_at, d.ds});
                else
                    schedule_ds_changes(zone, in.ds, d.ds, t, *change_at);
                scheduled_now = scheduled_now || *change_at == t;
            }
            if (d.verdict == parent::Verdict::Unchanged) {
                state.last.clear();
                continue;
            }
            // A decision like the previous recorded one (a refusal at every scan) is noted once.
            const std::string key = std::string(parent::verdict_name(d.verdict)) + d.reason;
            if (key == state.last) continue;
            state.last = key;
            m_record.parent_agent.push_back({t, spec.name, parent::verdict_name(d.verdict), d.reason, d.ds, change_at});
        }
        if (scheduled_now) settle(t);
    }

    // What the agent reads at t: CDS, CDNSKEY and DNSKEY from each server of the child (no
    // recursion), the child's DS from the first server of the parent that answers.
    parent::AgentInput agent_input(const world::ZoneRuntime& zone, Seconds t) const
    {
        const auto& spec = *zone.spec;
        parent::AgentInput in;
        in.zone = spec.name;
        in.on_delete = spec.parent_agent->on_delete;
        in.now = m_sc.start + t;
        dns::QueryOptions direct;
        direct.recursion_desired = false;
        // A server that is down (server-down) costs real time at each scan: one short try.
        direct.timeout = std::chrono::milliseconds(1000);
        direct.attempts = 1;
        for (const auto& server : zone.servers) {
            parent::ServerAnswer a;
            a.server = server.label;
            for (auto [type, into] : {std::pair{"CDS", &a.cds}, {"CDNSKEY", &a.cdnskey}, {"DNSKEY", &a.dnskey}}) {
                if (!a.answered) break;
                auto answer = dns::query(server.address, spec.name, type, direct);
                if (answer.timed_out) a.answered = false;
                *into = std::move(answer.answer);
            }
            in.servers.push_back(std::move(a));
        }
        if (const auto* parent = m_world.zone_of(dns::parent_name(spec.name)))
            for (const auto& server : parent->servers) {
                auto answer = dns::query(server.address, spec.name, "DS", direct);
                if (answer.timed_out) continue;
                for (auto& rr : answer.answer)
                    if (rr.find("\tDS\t") != std::string::npos) in.ds.push_back(std::move(rr));
                break;
            }
        return in;
    }

    // ds-add / ds-remove events at `at` for the keys whose DS is in `wanted` (DS RDATA) and not
    // in `current` (DS records), or the reverse; additions first (make before break).
    void schedule_ds_changes(const world::ZoneRuntime& zone, const std::vector<std::string>& current_rrs,
                             const std::vector<std::string>& wanted, Seconds scan, Seconds at)
    {
        const auto& spec = *zone.spec;
        std::set<std::string> current;
        for (const auto& rr : current_rrs) current.insert(parent::ds_rdata(rr));
        std::vector<scenario::Event> adds, removes;
        for (const auto& k : zone.keys) {
            if (k.spec->role == scenario::KeyRole::Zsk) continue;
            const std::string mine = parent::ds_rdata(k.key.ds().to_rr(spec.name, spec.ttl.ds));
            const bool want = std::find(wanted.begin(), wanted.end(), mine) != wanted.end();
            if (want == static_cast<bool>(current.count(mine))) continue;
            scenario::Event ev;
            ev.at = at;
            ev.zone = spec.name;
            ev.action = want ? scenario::ActionKind::DsAdd : scenario::ActionKind::DsRemove;
            ev.key = k.spec->name;
            ev.say = fmt::format("parent agent: CDS accepted at {}, DS changed after the registration delay",
                                 format_offset(scan));
            ev.loc = spec.parent_agent->loc;
            (want ? adds : removes).push_back(std::move(ev));
        }
        if (at > m_sc.duration) return;  // after the run
        for (auto* list : {&adds, &removes})
            for (auto& ev : *list) schedule(std::move(ev));
    }

    // An event the lab adds (the parent agent's DS change) joins the timeline where World
    // applies it in order: after every event applied so far, sorted by `at`.
    void schedule(scenario::Event ev)
    {
        const auto from = m_sc.timeline.begin() + static_cast<std::ptrdiff_t>(m_world.applied_events());
        auto at = std::upper_bound(from, m_sc.timeline.end(), ev.at,
                                   [](Seconds when, const scenario::Event& e) { return when < e.at; });
        m_sc.timeline.insert(at, std::move(ev));
        plan_probes();
    }

    void start_servers()
    {
        start_operator_signers();
        for (const auto& zone : m_world.zones()) {
            if (signed_by_operator(*zone.spec)) continue;
            m_publishers.emplace_back(m_world, zone, m_sc.start, m_tools, m_options.lab_dir, m_pools);
            m_record.servers += static_cast<int>(m_publishers.back().servers());
            ++m_record.publications;
        }
        m_pools.start();
        m_record.servers += static_cast<int>(m_pools.size());
        for (auto& z : m_operator_zones) {
            z.start_servers(Seconds(0));
            settle_operator_zone(z, Seconds(0));
            m_record.servers += static_cast<int>(z.servers());
        }
    }

    // Zones signed by the operator's signer (runner/operator_zone.hpp): each signer starts
    // first, so that the parent's DS set holds its KSK's DS from the start.
    void start_operator_signers()
    {
        for (const auto& zone : m_world.zones()) {
            if (!signed_by_operator(*zone.spec)) continue;
            m_operator_zones.emplace_back(m_world, zone, m_sc.start, m_tools, m_options.lab_dir);
            m_world.set_delegated_ds(zone.spec->name, m_operator_zones.back().published_ds());
        }
    }

    // The DS changes a parent agent accepted for such zones, then each signer at t.
    void settle_operator_zones(Seconds t)
    {
        for (auto it = m_pending_ds.begin(); it != m_pending_ds.end();) {
            if (it->at > t) {
                ++it;
                continue;
            }
            m_world.set_delegated_ds(it->zone, it->ds);
            it = m_pending_ds.erase(it);
        }
        for (auto& z : m_operator_zones) settle_operator_zone(z, t);
    }

    // A signer that died is an event of the run at the instant it was found dead, and the run
    // stops there (run_scenario keeps what was observed until then; every report renders it).
    void settle_operator_zone(OperatorSignedZone& z, Seconds t)
    {
        try {
            z.settle(t, m_record.events, m_record.key_changes);
        } catch (const SignerDiedError& e) {
            note(t, e.died());
            m_record.stopped = RunStopped{t, e.what()};
            throw;
        }
    }

    // The timeline's actions on a zone the operator's signer signs: a ds-add / ds-remove without
    // a key changes the parent's DS set now, by what the signer publishes
    // (OperatorSignedZone::registrar_ds); a signer-policy reaches the signer as it settles.
    void apply_operator_action(const scenario::Event& ev)
    {
        using enum scenario::ActionKind;
        if (!ev.action || !ev.key.empty()) return;
        const bool ds = *ev.action == DsAdd || *ev.action == DsRemove;
        for (auto& z : m_operator_zones) {
            if (z.zone() != ev.zone) continue;
            if (ds) m_world.set_delegated_ds(ev.zone, z.registrar_ds(*ev.action, m_world.delegated_ds(ev.zone)));
            if (*ev.action == SignerPolicy) z.change_policy(ev);
        }
    }

    Seconds next_operator_event(Seconds t) const
    {
        Seconds next = m_sc.duration + Seconds(1);
        for (const auto& z : m_operator_zones)
            if (auto at = z.next_event(t)) next = std::min(next, *at);
        for (const auto& p : m_pending_ds)
            if (p.at > t) next = std::min(next, p.at);
        return next;
    }

    lab::ResolverSetup resolver_setup(const scenario::ResolverSpec& rs) const
    {
        lab::ResolverSetup setup;
        setup.root_hints = m_world.root_hints();
        // What the validator was installed with: the anchor the root's operator published at the
        // start of the run, for a daemon started later too (its package predates the run).
        setup.trust_anchor = m_world.trust_anchor(Seconds(0));
        setup.anchor_mode = rs.trust_anchor;
        for (const auto& z : m_sc.zones)
            if (z.name != ".") setup.nodefault_zones.push_back(z.name);
        return setup;
    }

    void start_resolvers()
    {
        int index = 0;
        for (const auto& rs : m_sc.resolvers) {
            Resolver r{&rs, nullptr, nullptr, {}, {}, false, false, {}};
            const bool daemon = scenario::is_daemon(rs.kind);
            r.dir = m_options.lab_dir / ((daemon ? std::string(scenario::to_string(rs.kind)) + "-" : "cold-") + rs.name);
            if (daemon) {
                r.address = fmt::format("127.54.0.{}", ++index);
            } else {
                r.cold = std::make_unique<probe::ColdValidator>(resolver_setup(rs), r.dir, rs);
            }
            m_resolvers.push_back(std::move(r));
        }
        update_resolver_lifecycles(Seconds(0));
    }

    // Starts the daemons that run at t and stops those that do not (a stopped daemon keeps its
    // directory, and with it an RFC 5011 anchor's state, for when it starts again).
    void update_resolver_lifecycles(Seconds t)
    {
        for (auto& r : m_resolvers) {
            if (!scenario::is_daemon(r.spec->kind)) continue;
            const bool run = r.spec->online_at(t);
            if (run && !r.daemon) {
                r.daemon = lab::start_resolver(m_tools, r.dir, r.address, resolver_setup(*r.spec), *r.spec,
                                               m_sc.start + t);
                r.died = false;
                if (t > Seconds(0))
                    note(t, ResolverRunChanged{r.spec->name, r.started ? ResolverRun::StartedAgain : ResolverRun::Started});
                r.started = true;
                note_anchor_state(r, t);
            } else if (!run && r.daemon) {
                r.daemon.reset();
                note(t, ResolverRunChanged{r.spec->name, ResolverRun::Stopped});
            }
        }
    }

    // RFC 5011 daemons: a change of their anchor's state (as Unbound wrote it) becomes an event.
    void note_anchor_state(Resolver& r, Seconds t)
    {
        if (!r.daemon || !is_rfc5011(*r.spec)) return;
        std::string state = r.daemon->auto_trust_anchor_state();
        if (state.empty() || state == r.anchor_state) return;
        note(t, AnchorStateChanged{r.spec->name, state});
        r.anchor_state = std::move(state);
    }

    void wake_rfc5011(Seconds t)
    {
        set_resolver_clocks(t);
        for (auto& r : m_resolvers)
            if (r.daemon && !r.died && is_rfc5011(*r.spec)) {
                r.daemon->wake();
                note_anchor_state(r, t);
            }
    }

    void publish_changes(Seconds t)
    {
        for (auto& p : m_publishers)
            if (p.publish(t, m_record.events)) ++m_record.publications;
        m_pools.flush();  // the pool zones' versions: one reload per pool server
    }

    void remember_key_states(Seconds t)
    {
        m_key_states.clear();
        for (const auto& z : m_world.zones())
            for (const auto& k : z.keys) {
                m_key_states.push_back(m_world.key_state(z, k, t));
                note_key_change(t, z, k, m_key_states.back());
            }
    }

    void note_key_change(Seconds t, const world::ZoneRuntime& z, const world::KeyRuntime& k, const world::KeyState& s)
    {
        // A revoked key is published under another key tag (the REVOKE flag is part of it).
        const int tag = s.revoked && k.revoked ? k.revoked->keytag() : k.key.keytag();
        const std::string role(scenario::to_string(k.spec->role));
        m_record.key_changes.push_back({t, z.spec->name, k.spec->name, role, tag, static_cast<int>(k.key.algorithm()),
                                        s.published, s.active, s.ds_at_parent, s.revoked});
    }

    // Key state changes become events of the report, whether the timeline, a key's own times
    // or a fault caused them.
    void record_key_changes(Seconds t)
    {
        std::size_t i = 0;
        m_key_quiet_until.resize(m_world.zones().size());
        for (const auto& z : m_world.zones()) {
            // A zone whose keys' states cannot have changed since last time (World::next_change)
            // keeps its states: a stop costs nothing for the zones it does not concern.
            auto& quiet = m_key_quiet_until[z.index];
            if (quiet.revision == m_world.revision() && t < quiet.until) {
                i += z.keys.size();
                continue;
            }
            quiet = {m_world.next_change(z, t).value_or(Seconds::max()), m_world.revision()};
            for (const auto& k : z.keys) {
                auto now = m_world.key_state(z, k, t);
                const auto before = m_key_states[i];
                auto changed = [&](KeyTransition what) {
                    note(t, KeyStateChanged{z.spec->name, k.spec->name, k.key.keytag(), what});
                };
                using enum KeyTransition;
                if (now.published != before.published) changed(now.published ? DnskeyPublished : DnskeyRemoved);
                if (now.active != before.active) changed(now.active ? Signing : NoLongerSigning);
                if (now.ds_at_parent != before.ds_at_parent) changed(now.ds_at_parent ? DsAdded : DsRemoved);
                if (now.revoked != before.revoked && now.revoked) changed(Revoked);
                if (!(now == before)) note_key_change(t, z, k, now);
                m_key_states[i++] = now;
            }
        }
    }

    // The operator's monitors due at t (docs/monitoring.md), after the probes, against the
    // daemon resolvers running now.
    void run_monitors(Seconds t)
    {
        std::vector<std::string> running;
        for (const auto& r : m_resolvers)
            if (r.daemon) running.push_back(r.address);
        set_resolver_clocks(t);
        for (auto& c : m_monitors->run_due(t, running)) m_record.monitor_checks.push_back(std::move(c));
    }

    void note(Seconds t, EventContent what) { m_record.events.emplace_back(t, std::move(what)); }

    void record_event(const scenario::Event& ev)
    {
        note(ev.at, TimelineEvent{ev});
        if (ev.fault && ev.until) m_repairs.push_back({*ev.until, FaultRepaired{*ev.fault, ev.zone}});
    }

    void set_resolver_clocks(Seconds t)
    {
        const TimePoint now = m_sc.start + t;
        for (auto& r : m_resolvers)
            if (r.daemon) r.daemon->set_time(now);
    }

    // One question to one resolver at t (its clock already set).
    // `asked`: the daemon's answer, when it was asked already (answers_at_once).
    Observation ask(Resolver& r, const scenario::Query& q, Seconds t, std::optional<dns::ResolverAnswer> asked = {})
    {
        Observation o;
        dns::ResolverAnswer& answer = o;
        if (r.daemon)
            answer = ask_daemon(r, q, t, std::move(asked));
        else
            answer = r.cold->resolve(q.qname, q.qtype, m_sc.start + t);
        o.offset = t;
        o.resolver = r.spec->name;
        o.kind = r.spec->kind;
        o.cache = r.spec->cache;
        o.query = q;
        return o;
    }

    // A daemon's answer. One that has died answers nothing from then on, and the others go on: it
    // is found when an answer fails (or before a cold daemon's cache is emptied) and noted once,
    // with its output's tail.
    dns::ResolverAnswer ask_daemon(Resolver& r, const scenario::Query& q, Seconds t,
                                   std::optional<dns::ResolverAnswer> asked)
    {
        const bool cold = r.spec->cache == scenario::ResolverCache::Cold;
        if (!r.died && cold && !r.daemon->running()) note_died(r, t);
        if (r.died) return probe::dead_daemon_answer();
        if (cold) r.daemon->empty_cache();
        dns::ResolverAnswer answer;
        if (asked) {
            answer = std::move(*asked);
            r.daemon->explain(answer);
        } else {
            answer = probe::ask_resolver(*r.daemon, q.qname, q.qtype);
        }
        if (!answer.failed() || r.daemon->running()) return answer;
        note_died(r, t);
        return probe::dead_daemon_answer();
    }

    void note_died(Resolver& r, Seconds t)
    {
        r.died = true;
        note(t, ResolverRunChanged{r.spec->name, ResolverRun::Died, r.daemon->log_tail(10)});
    }

    // The probe schedules (runner/probe_plan.hpp) as the timeline stands now.
    void plan_probes()
    {
        m_probe_plan = ProbePlan(m_sc, m_world);
        m_probe_times = m_probe_plan.instants();
    }

    // Asks the resolvers whose schedule holds t (`every_resolver`: all of them, as rollsim play's
    // probe and an advance that ends probing do).
    std::vector<Observation> probe_all(Seconds t, bool every_resolver)
    {
        // Repairs are events too; note them when their instant comes.
        for (auto it = m_repairs.begin(); it != m_repairs.end();) {
            if (it->first <= t) {
                note(it->first, it->second);
                it = m_repairs.erase(it);
            } else {
                ++it;
            }
        }
        set_resolver_clocks(t);
        // A fresh validator ships the anchor the root's operator publishes now.
        for (auto& r : m_resolvers)
            if (r.cold) r.cold->set_trust_anchor(m_world.trust_anchor(t));
        auto at_once = answers_at_once(t, every_resolver);
        std::vector<Observation> made;
        const auto& queries = m_sc.probes.queries;
        for (std::size_t qi = 0; qi < queries.size(); ++qi) {
            const auto& q = queries[qi];
            for (std::size_t ri = 0; ri < m_resolvers.size(); ++ri) {
                auto& r = m_resolvers[ri];
                // A daemon that is not running is not asked: no observation, no failure.
                if (scenario::is_daemon(r.spec->kind) && !r.daemon) continue;
                if (!every_resolver && !m_probe_plan.asks(*r.spec, q, t)) continue;
                std::optional<dns::ResolverAnswer> asked;
                if (auto it = at_once.find({qi, ri}); it != at_once.end()) asked = std::move(it->second);
                Observation o = ask(r, q, t, std::move(asked));
                if (o.failed()) ++m_failures;
                made.push_back(o);
                m_record.observations.push_back(std::move(o));
            }
        }
        for (auto& r : m_resolvers) note_anchor_state(r, t);
        return made;
    }

    // A large run's questions to each warm daemon at t, asked at once (probe::ask_daemon_at_once),
    // keyed by (query, resolver) index; a small run's (at most kOneByOneNames probe names) are
    // asked one by one, as its reports and goldens were made. A portfolio's daily probe of every
    // zone misses the daemon's cache for each, and the daemon works on many at once. Not for
    // cold daemons (a cache emptied before each question), named (its reason is read from its log
    // line by line) or a daemon that died.
    std::map<std::pair<std::size_t, std::size_t>, dns::ResolverAnswer> answers_at_once(Seconds t, bool every_resolver)
    {
        constexpr std::size_t kOneByOneNames = 20;
        constexpr unsigned kInFlight = 16;
        std::map<std::pair<std::size_t, std::size_t>, dns::ResolverAnswer> out;
        const auto& queries = m_sc.probes.queries;
        if (queries.size() <= kOneByOneNames) return out;
        for (std::size_t ri = 0; ri < m_resolvers.size(); ++ri) {
            auto& r = m_resolvers[ri];
            if (!r.daemon || r.died || r.spec->cache == scenario::ResolverCache::Cold ||
                r.spec->kind == scenario::ResolverKind::Bind)
                continue;
            std::vector<std::size_t> asked;
            std::vector<std::pair<std::string, std::string>> questions;
            for (std::size_t qi = 0; qi < queries.size(); ++qi)
                if (every_resolver || m_probe_plan.asks(*r.spec, queries[qi], t)) {
                    asked.push_back(qi);
                    questions.emplace_back(queries[qi].qname, queries[qi].qtype);
                }
            auto answers = probe::ask_daemon_at_once(r.daemon->address(), questions, kInFlight);
            for (std::size_t i = 0; i < asked.size(); ++i) out.emplace(std::pair{asked[i], ri}, std::move(answers[i]));
        }
        return out;
    }

    Progress progress(Seconds t) const
    {
        int events = 0;
        for (const auto& e : m_record.events) events += e.source == EventRecord::Source::Timeline ? 1 : 0;
        return {t, m_sc.duration, events, m_failures};
    }

    scenario::Scenario m_sc;  // the session's own copy: injected faults join its timeline
    const lab::Tools& m_tools;
    RunOptions m_options;
    world::World m_world;  // references m_sc
    ServerPools m_pools;   // before the publishers, which refer to it
    std::vector<ZonePublisher> m_publishers;
    std::vector<OperatorSignedZone> m_operator_zones;
    struct PendingDs {
        std::string zone;
        Seconds at{0};
        std::vector<std::string> ds;  // the DS set (RDATA) the parent publishes from `at`
    };
    std::vector<PendingDs> m_pending_ds;
    std::vector<Resolver> m_resolvers;
    std::vector<world::KeyState> m_key_states;
    struct Quiet {
        Seconds until{0};
        std::size_t revision = 0;
    };
    std::vector<Quiet> m_key_quiet_until;  // per zone: record_key_changes skips it before `until`
    std::vector<std::pair<Seconds, FaultRepaired>> m_repairs;
    RunRecord m_record;
    int m_failures = 0;
    ProbePlan m_probe_plan;
    std::set<Seconds> m_probe_times;  // m_probe_plan.instants()
    std::unique_ptr<monitor::Monitors> m_monitors;  // made by start()
    std::set<Seconds> m_wake_times;  // RFC 5011 daemons' wake-ups (rfc5011_wake_instants)
    Seconds m_now{0};
    struct AgentState {
        std::string last;  // the last recorded verdict and reason ("" after an unchanged scan)
        std::optional<std::vector<std::string>> pending;  // the DS set an accepted decision scheduled
        Seconds pending_at{0};
    };
    std::map<std::string, AgentState> m_agents;  // by child zone
    std::chrono::steady_clock::time_point m_wall_start = std::chrono::steady_clock::now();
};

Session::Session(const scenario::Scenario& scenario, const lab::Tools& tools, const RunOptions& options)
    : m_impl(std::make_unique<Impl>(scenario, tools, options))
{
}
Session::~Session() = default;
void Session::start() { m_impl->start(); }
std::vector<Observation> Session::advance_to(Seconds t, bool probe_at_end) { return m_impl->advance_to(t, probe_at_end); }
Seconds Session::next_stop() const { return m_impl->next_stop(); }
std::vector<Observation> Session::probe() { return m_impl->probe(); }
std::vector<Observation> Session::query(const std::string& qname, const std::string& qtype, const std::string& resolver)
{
    return m_impl->query(qname, qtype, resolver);
}
void Session::inject(scenario::Event fault) { m_impl->inject(std::move(fault)); }
int Session::repair(scenario::FaultKind kind, const std::string& zone) { return m_impl->repair(kind, zone); }
Seconds Session::now() const { return m_impl->now(); }
const scenario::Scenario& Session::scenario() const { return m_impl->scenario(); }
const world::World& Session::world() const { return m_impl->world(); }
const RunRecord& Session::record() const { return m_impl->record(); }
RunRecord Session::take_record() { return m_impl->take_record(); }

RunRecord run_scenario(const scenario::Scenario& scenario, const lab::Tools& tools, const RunOptions& options)
{
    Session session(scenario, tools, options);
    try {
        session.start();
        session.advance_to(scenario.duration);
    } catch (const SignerDiedError&) {
        // Recorded (an event and RunRecord::stopped); the lab stops with the session.
    }
    return session.take_record();
}

}  // namespace rollsim::runner
