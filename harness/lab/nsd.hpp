// One NSD authoritative server on one loopback address, port 53: one zone, or (a server of a
// server pool) every zone of the pool from one set of processes.
#pragma once

#include "core/temp_dir.hpp"
#include "lab/process.hpp"
#include "lab/tools.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rollsim::lab {

// A version of one zone for a server: its zone file's text and the SOA serial in it.
struct ZoneVersion {
    std::string zone;
    std::string text;
    std::uint32_t serial = 0;
};

class NsdServer {
public:
    // A server of many zones (a pool server): writes every zone file and nsd.conf under `dir`,
    // starts `nsd -d`, and returns once every zone answers with its serial (a deadline that
    // grows with the number of zones, then LabError with the log's tail).
    NsdServer(const Tools& tools, std::filesystem::path dir, std::string address, std::vector<ZoneVersion> zones);

    // Writes nsd.conf and the zone file under `dir` (created), starts `nsd -d`, and returns
    // once the server answers SOA for `zone` with `serial` (deadline, then LabError with the
    // log's tail).
    // With `primary` (an address), the server is a secondary of that hidden primary instead: it
    // gets the zone by NOTIFY and zone transfer (`zone_text` unused) and is ready once it
    // serves `serial`.
    // With `secondaries` (addresses), the server is a hidden primary: it NOTIFYs them of each
    // version it loads and lets them transfer the zone.
    NsdServer(const Tools& tools, std::filesystem::path dir, std::string address, std::string zone,
              const std::string& zone_text, std::uint32_t serial, std::string primary = "",
              std::vector<std::string> secondaries = {});

    // A secondary: returns once the server serves `serial` or a newer one, transferred from its
    // primary (asked again with nsd-control transfer when a NOTIFY did not bring it). Stopped:
    // remembers it.
    void wait_for_transfer(std::uint32_t serial);
    // Makes the server a secondary of `primary`, or with "" a primary of its own zone file (a
    // secondary's copy as it serves it now, written out first: a lagging secondary keeps it),
    // restarting it when it runs; it then serves `serial`.
    void follow(const std::string& primary, std::uint32_t serial);

    // Atomically replaces the zone file, asks nsd-control to reload the zone, and returns
    // once the server answers with `serial`. While the server is stopped it only replaces the
    // zone file and remembers `serial`: start() serves it.
    void publish(const std::string& zone_text, std::uint32_t serial);
    // Several zones at once: writes every file, asks for one reload (`nsd-control reload ZONE`
    // for one zone, `nsd-control reload` of every changed file for more), and returns once each
    // zone answers with its serial. Stopped: only replaces the files.
    void publish(const std::vector<ZoneVersion>& versions);

    // Stops the server (every NSD process of this server exits) and returns once nothing
    // answers on its address; LabError if something still does. Idempotent.
    void stop();
    // Starts the stopped server again on the zone file as last published and returns once it
    // answers with the last published serial (LabError with the log's tail otherwise). Does
    // nothing while the server runs.
    void start();
    // False between stop() and start(). Not a health check: a server that died on its own
    // still counts as running until stop().
    bool running() const { return m_process.has_value(); }

    // The serial the server answers now for its (first) zone, or `zone` (nullopt if it does
    // not answer).
    std::optional<std::uint32_t> served_serial() const;
    std::optional<std::uint32_t> served_serial(const std::string& zone) const;
    // The serial last published (or given to the constructor) of its first zone: what the server
    // answers while it runs.
    std::uint32_t published_serial() const { return m_zones.front().serial; }

    const std::string& address() const { return m_address; }
    const std::string& zone() const { return m_zones.front().name; }
    std::size_t zone_count() const { return m_zones.size(); }

private:
    // A zone the server serves from its zone file (a secondary's: from its transfers).
    struct Served {
        std::string name;
        std::filesystem::path file;
        std::uint32_t serial = 0;
    };

    void prepare_dir();
    Served& served(const std::string& zone);
    std::string conf_text() const;
    void control(const std::vector<std::string>& args);
    // Starts the NSD processes on the current zone file and waits for m_serial.
    void launch();
    // Non-const: it watches the process (Process::running reaps). Waits for every zone's serial;
    // load errors are looked for in the log from `log_offset` on.
    void wait_for_serials(std::uintmax_t log_offset);

    Tools m_tools;
    std::filesystem::path m_dir;
    std::string m_address;
    std::vector<Served> m_zones;  // one, or a pool's zones in nsd.conf order
    std::filesystem::path m_conf;
    std::string m_primary;  // the hidden primary this server is a secondary of; empty: none
    std::vector<std::string> m_secondaries;  // the servers this hidden primary feeds; empty: none
    std::filesystem::path m_control;  // nsd-control's socket
    // A short directory under /tmp for the control socket, when `dir` is too long for a unix
    // socket path; removed when the last copy goes. Declared before m_process: outlives it.
    std::shared_ptr<const OwnedTempDir> m_control_dir;
    std::optional<Process> m_process;
};

}  // namespace rollsim::lab
