// A whole-process signing benchmark, so that rollsim's signer can be timed beside
// ldns-signzone and dnssec-signzone on the same zone file (scripts/bench):
//
//   bench_signzone generate NAMES FILE     writes an unsigned zone of NAMES A records
//   bench_signzone sign FILE OUT [THREADS] signs FILE (fresh ECDSA P-256 KSK and ZSK, NSEC)
//                                          and writes the signed zone to OUT
//   bench_signzone key-event FILE [THREADS] signs FILE in full, then incrementally, then
//                                          re-signs it after a ZSK is published and after a
//                                          new serial, and prints what each step cost
//   bench_signzone publish FILE            signs FILE, serves it from one NSD server (in an
//                                          isolated network namespace, as a lab does) and
//                                          times three publications of a new serial (write,
//                                          nsd-control reload, the new serial answered)
//
// Figures only; nothing asserts on them. Phase times go to stderr.
#include "dnssec/incremental.hpp"
#include "dnssec/key.hpp"
#include "dnssec/signer.hpp"
#include "lab/namespace.hpp"
#include "lab/nsd.hpp"
#include "lab/tools.hpp"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

namespace {

using namespace rollsim;
using Clock = std::chrono::steady_clock;

constexpr const char* kOrigin = "example.com.";

double seconds_since(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// User and system CPU seconds of the process so far, every thread.
double cpu_seconds()
{
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct Timing {
    double wall = 0;
    double cpu = 0;
};

int generate(long names, const std::string& path)
{
    std::ofstream out(path);
    out << kOrigin << " 300 IN SOA ns1." << kOrigin << " hostmaster." << kOrigin << " 1 3600 900 1209600 300\n";
    out << kOrigin << " 3600 IN NS ns1." << kOrigin << "\n";
    out << "ns1." << kOrigin << " 300 IN A 192.0.2.1\n";
    for (long i = 0; i < names; ++i)
        out << fmt::format("host{}.{} 300 IN A 10.{}.{}.{}\n", i, kOrigin, (i >> 16) & 255, (i >> 8) & 255, i & 255);
    return out ? 0 : 1;
}

std::vector<std::string> read_zone(const std::string& path)
{
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::vector<std::string> records;
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] != ';') records.push_back(std::move(line));
    return records;
}

struct Keys {
    dnssec::Key ksk = dnssec::Key::generate(kOrigin, scenario::Algorithm::ECDSAP256SHA256,
                                            dnssec::kFlagZone | dnssec::kFlagSep);
    dnssec::Key zsk = dnssec::Key::generate(kOrigin, scenario::Algorithm::ECDSAP256SHA256, dnssec::kFlagZone);
};

dnssec::SignRequest request(std::vector<std::string> records, const Keys& keys, TimePoint now, unsigned threads)
{
    dnssec::SignRequest req;
    req.origin = kOrigin;
    req.records = std::move(records);
    req.records.push_back(keys.ksk.dnskey_rr(3600));
    req.records.push_back(keys.zsk.dnskey_rr(3600));
    req.dnskey_signers = {&keys.ksk};
    req.zone_signers = {&keys.zsk};
    req.inception = now - Seconds(3600);
    req.expiration = now + Seconds(14 * 86400);
    req.threads = threads;
    return req;
}

int sign(const std::string& path, const std::string& out_path, unsigned threads)
{
    const Keys keys;
    auto start = Clock::now();
    auto req = request(read_zone(path), keys, *parse_time("2027-03-01T00:00:00Z"), threads);
    std::fprintf(stderr, "read %.3f s\n", seconds_since(start));
    start = Clock::now();
    const std::string text = dnssec::sign_zone(req).text();
    std::fprintf(stderr, "sign %.3f s\n", seconds_since(start));
    start = Clock::now();
    std::ofstream out(out_path);
    out << text;
    std::fprintf(stderr, "write %.3f s\n", seconds_since(start));
    return out ? 0 : 1;
}

// The zone with `serial` in its SOA (the generator writes serial 1, first).
std::vector<std::string> with_serial(std::vector<std::string> records, std::uint32_t serial)
{
    const std::string one = " 1 3600 900 ";
    const auto at = records.front().find(one);
    if (at == std::string::npos) throw std::runtime_error("the first record is not the generated SOA");
    records.front().replace(at, one.size(), fmt::format(" {} 3600 900 ", serial));
    return records;
}

// A full sign, then the step that publishes a new ZSK an hour later (the DNSKEY RRset changes,
// every other RRset is unchanged and not due), then the next step with a new SOA serial as a
// publication makes it. The step is compared with a plain full sign of the same request
// (sign_zone, no memory kept). CPU seconds of the process (every thread) beside wall seconds.
int key_event(const std::string& path, unsigned threads)
{
    const Keys keys;
    const auto next_zsk = dnssec::Key::generate(kOrigin, scenario::Algorithm::ECDSAP256SHA256, dnssec::kFlagZone);
    const auto records = read_zone(path);
    const TimePoint t0 = *parse_time("2027-03-01T00:00:00Z");
    dnssec::IncrementalSigner signer(dnssec::ResignPolicy{Seconds(7 * 86400), Seconds(0)});
    const auto timed = [&](const char* label, auto&& sign) {
        const auto start = Clock::now();
        const double cpu_start = cpu_seconds();
        const std::size_t size = sign().text().size();
        const Timing t{seconds_since(start), cpu_seconds() - cpu_start};
        std::printf("%-16s %8.3f s  %8.3f cpu s  %zu bytes", label, t.wall, t.cpu, size);
        if (std::string_view(label) != "full sign") {
            const auto& stats = signer.last_stats();
            std::printf(", %zu RRsets signed, %zu kept, %zu lines parsed", stats.signed_rrsets, stats.kept_rrsets,
                        stats.parsed_lines);
        }
        std::printf("\n");
        return t;
    };
    const Timing full = timed("full sign", [&] { return dnssec::sign_zone(request(records, keys, t0, threads)); });
    timed("first version", [&] { return signer.sign(request(records, keys, t0, threads), t0); });
    const TimePoint t1 = t0 + Seconds(3600);
    auto req = request(records, keys, t1, threads);
    req.records.push_back(next_zsk.dnskey_rr(3600));
    const Timing step = timed("key-event step", [&] { return signer.sign(req, t1); });
    req.records = with_serial(std::move(req.records), 2);
    const Timing serial = timed("new serial", [&] { return signer.sign(req, t1); });
    std::printf("key-event step / full sign  %6.1f %% wall  %6.1f %% cpu\n", 100.0 * step.wall / full.wall,
                100.0 * step.cpu / full.cpu);
    std::printf("new serial / full sign      %6.1f %% wall  %6.1f %% cpu\n", 100.0 * serial.wall / full.wall,
                100.0 * serial.cpu / full.cpu);
    return 0;
}

int publish(const std::string& path)
{
    // Signed first, on every core: inside the lab's PID namespace no thread can be started.
    const Keys keys;
    const auto records = read_zone(path);
    const TimePoint now = *parse_time("2027-03-01T00:00:00Z");
    std::vector<std::string> texts;
    for (std::uint32_t serial = 1; serial <= 4; ++serial)
        texts.push_back(dnssec::sign_zone(request(with_serial(records, serial), keys, now, 0)).text());
    lab::enter_isolated_namespaces();
    const auto dir = std::filesystem::temp_directory_path() / fmt::format("rollsim-bench-nsd-{}", ::getpid());
    auto start = Clock::now();
    lab::NsdServer nsd(lab::Tools::locate(), dir, "127.53.0.1", kOrigin, texts[0], 1);
    std::printf("nsd start and first load  %8.3f s  (%zu bytes)\n", seconds_since(start), texts[0].size());
    for (std::uint32_t serial = 2; serial <= 4; ++serial) {
        start = Clock::now();
        nsd.publish(texts[serial - 1], serial);
        std::printf("publish serial %u          %8.3f s\n", serial, seconds_since(start));
    }
    nsd.stop();
    std::filesystem::remove_all(dir);
    return 0;
}

unsigned threads_arg(int argc, char** argv, int index)
{
    return argc > index ? static_cast<unsigned>(std::stoul(argv[index])) : 0;
}

}  // namespace

int main(int argc, char** argv)
{
    try {
        const std::string mode = argc > 1 ? argv[1] : "";
        if (mode == "generate" && argc == 4) return generate(std::stol(argv[2]), argv[3]);
        if (mode == "sign" && argc >= 4) return sign(argv[2], argv[3], threads_arg(argc, argv, 4));
        if (mode == "key-event" && argc >= 3) return key_event(argv[2], threads_arg(argc, argv, 3));
        if (mode == "publish" && argc == 3) return publish(argv[2]);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_signzone: %s\n", e.what());
        return 1;
    }
    std::fprintf(stderr,
                 "usage: bench_signzone generate NAMES FILE | sign FILE OUT [THREADS] | key-event FILE [THREADS] | "
                 "publish FILE\n");
    return 2;
}
