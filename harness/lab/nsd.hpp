// One NSD authoritative server serving one zone on one loopback address, port 53.
#pragma once

#include "lab/process.hpp"
#include "lab/tools.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace rollsim::lab {

class NsdServer {
public:
    // Writes nsd.conf and the zone file under `dir` (created), starts `nsd -d`, and returns
    // once the server answers SOA for `zone` with `serial` (deadline, then LabError with the
    // log's tail).
    NsdServer(const Tools& tools, std::filesystem::path dir, std::string address, std::string zone,
              const std::string& zone_text, std::uint32_t serial);

    // Atomically replaces the zone file, asks nsd-control to reload the zone, and returns
    // once the server answers with `serial`.
    void publish(const std::string& zone_text, std::uint32_t serial);

    // The serial the server answers now (nullopt if it does not answer).
    std::optional<std::uint32_t> served_serial() const;

    const std::string& address() const { return m_address; }
    const std::string& zone() const { return m_zone; }

private:
    // Non-const: it watches the process (Process::running reaps).
    void wait_for_serial(std::uint32_t serial);

    Tools m_tools;
    std::filesystem::path m_dir;
    std::string m_address;
    std::string m_zone;
    std::filesystem::path m_conf;
    std::filesystem::path m_zonefile;
    // A short directory under /tmp for the control socket, when `dir` is too long for a unix
    // socket path; removed when the last copy goes. Declared before m_process: outlives it.
    std::shared_ptr<const std::filesystem::path> m_control_dir;
    std::optional<Process> m_process;
};

}  // namespace rollsim::lab
