// Micro-benchmarks of the in-process work a run repeats at every instant: signing a zone,
// deriving DS records. Figures only; no test asserts on them.
#include "dnssec/key.hpp"
#include "dnssec/signer.hpp"

#include <benchmark/benchmark.h>

#include <fmt/format.h>

namespace {

using namespace rollsim;

dnssec::SignRequest request(const dnssec::Key& ksk, const dnssec::Key& zsk, int names, scenario::Denial denial)
{
    dnssec::SignRequest req;
    req.origin = "example.com.";
    req.records = {"example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 1 3600 900 1209600 300",
                   "example.com. 3600 IN NS ns1.example.com.", "ns1.example.com. 300 IN A 127.53.2.1",
                   ksk.dnskey_rr(3600), zsk.dnskey_rr(3600)};
    for (int i = 0; i < names; ++i) {
        req.records.push_back(fmt::format("host{}.example.com. 300 IN A 192.0.2.{}", i, i % 250 + 1));
        req.records.push_back(fmt::format("host{}.example.com. 300 IN TXT \"v=spf1 -all\"", i));
    }
    req.dnskey_signers = {&ksk};
    req.zone_signers = {&zsk};
    req.inception = *parse_time("2027-03-01T00:00:00Z");
    req.expiration = req.inception + Seconds(14 * 86400);
    req.denial = denial;
    return req;
}

void sign_zone(benchmark::State& state, scenario::Algorithm alg, scenario::Denial denial)
{
    auto ksk = dnssec::Key::generate("example.com.", alg, dnssec::kFlagZone | dnssec::kFlagSep);
    auto zsk = dnssec::Key::generate("example.com.", alg, dnssec::kFlagZone);
    auto req = request(ksk, zsk, static_cast<int>(state.range(0)), denial);
    for (auto _ : state) benchmark::DoNotOptimize(dnssec::sign_zone(req));
    state.counters["rrsets"] = static_cast<double>(2 * state.range(0) + 4);
}

void BM_SignEcdsaNsec(benchmark::State& s) { sign_zone(s, scenario::Algorithm::ECDSAP256SHA256, scenario::Denial::Nsec); }
void BM_SignEcdsaNsec3(benchmark::State& s) { sign_zone(s, scenario::Algorithm::ECDSAP256SHA256, scenario::Denial::Nsec3); }
void BM_SignRsaNsec(benchmark::State& s) { sign_zone(s, scenario::Algorithm::RSASHA256, scenario::Denial::Nsec); }
void BM_SignEd25519Nsec(benchmark::State& s) { sign_zone(s, scenario::Algorithm::ED25519, scenario::Denial::Nsec); }

void BM_KeyGenerate(benchmark::State& state)
{
    const auto alg = static_cast<scenario::Algorithm>(state.range(0));
    for (auto _ : state) benchmark::DoNotOptimize(dnssec::Key::generate("example.com.", alg, dnssec::kFlagZone));
}

}  // namespace

BENCHMARK(BM_SignEcdsaNsec)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SignEcdsaNsec3)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SignRsaNsec)->Arg(10)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SignEd25519Nsec)->Arg(10)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_KeyGenerate)->Arg(8)->Arg(13)->Arg(15)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
