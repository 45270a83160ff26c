// What the file of each resolver kind uses (lab/resolver.hpp): its directory and files, the
// root's trust anchor as DS fields, a log read as it grows, and each kind's start function,
// which the table in lab/resolver.cpp lists.
#pragma once

#include "lab/resolver.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace rollsim::lab {

// The start function of each daemon kind, one per file.
std::unique_ptr<ResolverDaemon> start_unbound(const DaemonStart& start);         // lab/unbound.cpp
std::unique_ptr<ResolverDaemon> start_bind_resolver(const DaemonStart& start);   // lab/bind_resolver.cpp
std::unique_ptr<ResolverDaemon> start_knot_resolver(const DaemonStart& start);   // lab/knot_resolver.cpp
std::unique_ptr<ResolverDaemon> start_pdns_recursor(const DaemonStart& start);   // lab/pdns_recursor.cpp

// `dir` made absolute and created. Throws LabError.
std::filesystem::path prepare_directory(const std::filesystem::path& dir);

// Writes `file` whole or not at all: the daemon may read it at any moment. Throws LabError.
void write_lab_file(const std::filesystem::path& file, const std::string& text);

std::string with_final_newline(std::string text);

// One DS record of the trust anchor (RFC 4034 5.3 presentation format).
struct DsRecord {
    std::string owner;  // "."
    int key_tag = 0;
    int algorithm = 0;
    int digest_type = 0;
    std::string digest;  // hexadecimal
};

// The DS records of zone-file text (ResolverSetup::trust_anchor): "OWNER [TTL] [CLASS] DS TAG
// ALG TYPE DIGEST", one a line. Throws LabError for a line that is not one, or for no record.
std::vector<DsRecord> ds_records(const std::string& text);

// A daemon's own log file read as it grows: each call gives what was written since the last.
class LogFollower {
public:
    explicit LogFollower(std::filesystem::path file);
    std::vector<std::string> new_lines();

private:
    std::filesystem::path m_file;
    std::uintmax_t m_offset = 0;
};

}  // namespace rollsim::lab
