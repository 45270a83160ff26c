// The fault catalog, DS and signature faults (docs/faults.md): each scenario of
// scenarios/faults/ against real NSD and Unbound through the rollsim binary, checking what the
// JSON report says the resolvers answered. The scenarios probe www.example.com. A every 45m
// (plus the runner's instants around each change); DNSKEY and DS TTLs are 1h, the A TTL 5m.
#include "rollsim_cli.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rollsim::test {
namespace {

constexpr long kMinute = 60, kHour = 3600, kDay = 86400;

std::string scenario(const std::string& fault) { return "scenarios/faults/" + fault + ".yaml"; }

// The one failure window of `resolver`, which must have exactly one.
nlohmann::json only_window(const nlohmann::json& report, const std::string& resolver)
{
    auto windows = windows_of(report, resolver);
    EXPECT_EQ(windows.size(), 1u) << resolver << ": " << report["failure_windows"].dump();
    return windows.empty() ? nlohmann::json::object() : windows[0];
}

std::vector<nlohmann::json> www(const nlohmann::json& report, const std::string& resolver)
{
    return observations_of(report, resolver, "www.example.com.", "A");
}

// Checks a fault that makes www.example.com. A bogus for a while: the cold validator's window
// [cold_start, cold_end) with `cold_reason`, the warm daemon's [warm_start, warm_end) opening
// with SERVFAIL, `ede` and `warm_text`.
void check_bogus(const nlohmann::json& report, long cold_start, long cold_end, const std::string& cold_reason,
                 long warm_start, long warm_end, int ede, const std::string& warm_text)
{
    expect_every_expectation_passed(report);
    auto cold = only_window(report, "cold");
    EXPECT_EQ(cold["start_s"], cold_start) << cold.dump();
    EXPECT_EQ(cold["end_s"], cold_end) << cold.dump();
    EXPECT_EQ(cold["outcome"], "bogus") << cold.dump();
    EXPECT_TRUE(contains(cold["reason"], cold_reason)) << cold.dump();
    EXPECT_TRUE(cold["ede"].is_null()) << "the cold validator reports no EDE: " << cold.dump();

    auto warm = only_window(report, "warm");
    EXPECT_EQ(warm["start_s"], warm_start) << warm.dump();
    EXPECT_EQ(warm["end_s"], warm_end) << warm.dump();
    EXPECT_EQ(warm["rcode"], "SERVFAIL") << warm.dump();
    EXPECT_EQ(warm["ede"], ede) << warm.dump();
    EXPECT_TRUE(contains(warm["ede_text"], warm_text)) << warm.dump();
}

// Every warm answer in [from, until) is SERVFAIL with `ede` and `text`. (Right after a failing
// probe Unbound answers from its bogus cache with EDE 6; the ranges checked hold none of those.)
void check_warm_ede(const nlohmann::json& report, long from, long until, int ede, const std::string& text)
{
    int seen = 0;
    for (const auto& o : www(report, "warm")) {
        const long t = o["offset_s"];
        if (t < from || t >= until) continue;
        ++seen;
        EXPECT_EQ(o["rcode"], "SERVFAIL") << o.dump();
        EXPECT_EQ(o["ede"], ede) << o.dump();
        EXPECT_TRUE(contains(o["ede_text"], text)) << o.dump();
    }
    EXPECT_GE(seen, 5) << "too few probes in the range";
}

// Every answer of `resolver` to www.example.com. A in [from, until) is `validation`, with
// NOERROR; outside it, secure.
void check_validation(const nlohmann::json& report, const std::string& resolver, long from, long until,
                      const std::string& validation)
{
    int inside = 0;
    for (const auto& o : www(report, resolver)) {
        const long t = o["offset_s"];
        const bool in = t >= from && t < until;
        inside += in ? 1 : 0;
        EXPECT_EQ(o["rcode"], "NOERROR") << o.dump();
        EXPECT_EQ(o["validation"], in ? validation : "secure") << o.dump();
        EXPECT_EQ(o["ad"].get<bool>(), !in || validation == "secure") << o.dump();
    }
    EXPECT_GE(inside, 10) << resolver;
}

// A probe of another type (example.com. MX) that the fault does not touch stays secure.
void check_mx_untouched(const nlohmann::json& report)
{
    for (const std::string resolver : {"warm", "cold"}) {
        auto mx = observations_of(report, resolver, "example.com.", "MX");
        ASSERT_FALSE(mx.empty()) << resolver;
        for (const auto& o : mx) EXPECT_EQ(o["validation"], "secure") << o.dump();
    }
}

// ---- DS at the parent ----------------------------------------------------------------------

// The fault lasts +1d..+1d12h. The cold validator sees it at once; the warm daemon once its
// DS and DNSKEY (TTL 1h) run out, and until the bad DS it cached after the repair does.
// docs/faults.md: a cached answer whose TTL ends exactly on a probe instant is still answered
// from the cache at that second. The A (TTL 5m) fetched at +0 is secure at +5m although every
// fresh copy has been bogus since +1m; the next probe fetches it again and fails.
TEST(FaultCatalog, AnEntryWhoseTtlEndsOnAProbeIsStillAnsweredFromTheCache)
{
    auto report = run_and_report("scenarios/basics/ttl-ends-on-a-probe.yaml");
    expect_every_expectation_passed(report);
    bool at_expiry = false;
    for (const auto& o : observations_of(report, "warm", "www.example.com.", "A")) {
        if (o["offset_s"] == 300) {
            at_expiry = true;
            EXPECT_EQ(o["validation"], "secure") << o.dump();
        }
        if (o["offset_s"] > 300) {
            EXPECT_EQ(o["validation"], "bogus") << o.dump();
        }
    }
    EXPECT_TRUE(at_expiry) << "no probe at +5m";
    auto cold = windows_of(report, "cold");
    ASSERT_EQ(cold.size(), 1u);
    EXPECT_EQ(cold[0]["start_s"], 60);
}

TEST(FaultCatalog, DsDigestMismatch)
{
    auto report = run_and_report(scenario("ds-digest-mismatch"));
    check_bogus(report, kDay, kDay + 12 * kHour, "DS hash mismatches key", kDay + kHour + 1,
                kDay + 12 * kHour + 45 * kMinute, 9, "DS hash mismatches key");
    check_warm_ede(report, kDay + 90 * kMinute, kDay + 12 * kHour, 9, "DS hash mismatches key");
}

// Two DS per key (ds-digests: [sha256, sha384]), both garbled: the same failure as one.
TEST(FaultCatalog, DsDigestMismatchOfBothDigests)
{
    auto report = run_and_report(scenario("ds-digest-mismatch-both-digests"));
    check_bogus(report, kDay, kDay + 12 * kHour, "DS hash mismatches key", kDay + kHour + 1,
                kDay + 12 * kHour + 45 * kMinute, 9, "DS hash mismatches key");
}

TEST(FaultCatalog, DsUnknownKeytag)
{
    auto report = run_and_report(scenario("ds-unknown-keytag"));
    const std::string text = "no keys have a DS with algorithm ECDSAP256SHA256";
    check_bogus(report, kDay, kDay + 12 * kHour, text, kDay + kHour + 1, kDay + 12 * kHour + 45 * kMinute, 9, text);
    check_warm_ede(report, kDay + 90 * kMinute, kDay + 12 * kHour, 9, text);
}

TEST(FaultCatalog, DsWrongAlgorithm)
{
    auto report = run_and_report(scenario("ds-wrong-algorithm"));
    // The DS claims RSASHA256 (8); the zone's KSK is ECDSAP256SHA256 (13).
    const std::string text = "no keys have a DS with algorithm RSASHA256";
    check_bogus(report, kDay, kDay + 12 * kHour, text, kDay + kHour + 1, kDay + 12 * kHour + 45 * kMinute, 9, text);
    check_warm_ede(report, kDay + 90 * kMinute, kDay + 12 * kHour, 9, text);
}

// Digest type 6 is unknown to Unbound: RFC 6840 5.2 makes that an insecure delegation, not a
// failure. Nothing fails; the AD bit goes.
TEST(FaultCatalog, DsUnsupportedDigestTurnsTheZoneInsecure)
{
    auto report = run_and_report(scenario("ds-unsupported-digest"));
    expect_every_expectation_passed(report);
    EXPECT_TRUE(report["failure_windows"].empty()) << report["failure_windows"].dump();
    check_validation(report, "cold", kDay, kDay + 12 * kHour, "insecure");
    check_validation(report, "warm", kDay + kHour + 1, kDay + 12 * kHour + 45 * kMinute, "insecure");
}

TEST(FaultCatalog, DsMissingTurnsTheZoneInsecure)
{
    auto report = run_and_report(scenario("ds-missing"));
    expect_every_expectation_passed(report);
    EXPECT_TRUE(report["failure_windows"].empty()) << report["failure_windows"].dump();
    check_validation(report, "cold", kDay, kDay + 12 * kHour, "insecure");
    // Secure again once the cached proof that there is no DS (negative TTL 5m) runs out.
    check_validation(report, "warm", kDay + kHour + 1, kDay + 12 * kHour + 5 * kMinute + 1, "insecure");
    // The report's key states show the DS gone from the parent while the fault lasts.
    bool removed = false, restored = false;
    for (const auto& k : report["key_changes"]) {
        if (k["zone"] != "example.com." || k["key"] != "ksk") continue;
        if (k["offset_s"] == kDay) removed = !k["ds_at_parent"].get<bool>();
        if (k["offset_s"] == kDay + 12 * kHour) restored = k["ds_at_parent"].get<bool>();
    }
    EXPECT_TRUE(removed) << report["key_changes"].dump();
    EXPECT_TRUE(restored) << report["key_changes"].dump();
}

// The zone is served unsigned under its DS. Unbound first fails the unsigned answer with the
// DNSKEY set it still has cached (EDE 12, no DNSSEC records), then the zone's missing DNSKEY
// set (EDE 9).
TEST(FaultCatalog, OrphanDs)
{
    auto report = run_and_report(scenario("orphan-ds"));
    check_bogus(report, kDay, kDay + 12 * kHour, "No DNSKEY record", kDay + 5 * kMinute + 1,
                kDay + 12 * kHour + 5 * kMinute + 1, 12, "no DNSSEC records");
    check_warm_ede(report, kDay + 90 * kMinute, kDay + 12 * kHour, 9, "No DNSKEY record");
}

// A KSK roll whose DS update never reaches the frozen parent; the old KSK is removed at
// +1d12h, the parent catches up at +2d.
TEST(FaultCatalog, StaleDsDuringKskRoll)
{
    auto report = run_and_report(scenario("stale-ds"));
    const std::string text = "no keys have a DS with algorithm ECDSAP256SHA256";
    check_bogus(report, kDay + 12 * kHour, 2 * kDay, text, kDay + 12 * kHour + 45 * kMinute, 2 * kDay + 45 * kMinute,
                9, text);
    // Secure from +1d6h (when the ignored DS changes were asked for) until ksk-a goes.
    for (const auto& o : www(report, "cold")) {
        const long t = o["offset_s"];
        if (t < kDay + 12 * kHour) {
            EXPECT_EQ(o["validation"], "secure") << o.dump();
        }
    }
    // The parent's DS set really stayed frozen: the report shows ksk-b's DS added, and ksk-a's
    // removed, only when the fault ends, not when the timeline asked (+1d6h).
    long ksk_b_ds = -1, ksk_a_ds_gone = -1;
    for (const auto& k : report["key_changes"]) {
        if (k["zone"] != "example.com.") continue;
        if (k["key"] == "ksk-b" && k["ds_at_parent"].get<bool>() && ksk_b_ds < 0) ksk_b_ds = k["offset_s"];
        if (k["key"] == "ksk-a" && !k["ds_at_parent"].get<bool>() && ksk_a_ds_gone < 0) ksk_a_ds_gone = k["offset_s"];
    }
    EXPECT_EQ(ksk_b_ds, 2 * kDay) << report["key_changes"].dump();
    EXPECT_EQ(ksk_a_ds_gone, 2 * kDay) << report["key_changes"].dump();
}

// ---- Signatures ----------------------------------------------------------------------------

// Signed at 0 with validity 1d (inception 1h back), the signer stopped from +6h to +2d.
// Unbound's skew: 10% of 1d1h = 2h30m past the expiration.
TEST(FaultCatalog, SignerOutageSignaturesExpire)
{
    auto report = run_and_report(scenario("signer-outage"));
    check_bogus(report, kDay + 3 * kHour, 2 * kDay, "signature expired", kDay + 3 * kHour, 2 * kDay + 5 * kMinute + 1,
                7, "signature expired");
    check_warm_ede(report, kDay + 3 * kHour + 45 * kMinute, 2 * kDay, 7, "signature expired");
    // Still secure at the last probe before expiration + skew (+1d2h15m).
    int checked = 0;
    for (const std::string resolver : {"warm", "cold"})
        for (const auto& o : www(report, resolver))
            if (o["offset_s"] == kDay + 2 * kHour + 15 * kMinute) {
                ++checked;
                EXPECT_EQ(o["validation"], "secure") << o.dump();
            }
    EXPECT_EQ(checked, 2);
    // No signing of example.com. during the outage; a new one the moment it ends.
    std::vector<long> signings;
    for (const auto& e : report["events"])
        if (e["source"] == "signer" && contains(e["text"], "example.com. ")) signings.push_back(e["offset_s"]);
    ASSERT_FALSE(signings.empty());
    EXPECT_EQ(signings.front(), 2 * kDay) << report["events"].dump();
}

// The whole zone re-signed at +1d with signatures expired 2 days ago, and at +1d12h correctly.
TEST(FaultCatalog, ExpiredRrsig)
{
    auto report = run_and_report(scenario("expired-rrsig"));
    check_bogus(report, kDay, kDay + 12 * kHour, "signature expired", kDay + 5 * kMinute + 1,
                kDay + 12 * kHour + 5 * kMinute + 1, 7, "signature expired");
    check_warm_ede(report, kDay + 90 * kMinute, kDay + 12 * kHour, 7, "signature expired");
}

TEST(FaultCatalog, NotYetValidRrsig)
{
    auto report = run_and_report(scenario("not-yet-valid-rrsig"));
    check_bogus(report, kDay, kDay + 12 * kHour, "signature before inception date", kDay + 5 * kMinute + 1,
                kDay + 12 * kHour + 5 * kMinute + 1, 8, "signature before inception date");
    check_warm_ede(report, kDay + 90 * kMinute, kDay + 12 * kHour, 8, "signature before inception date");
}

TEST(FaultCatalog, RrsigMissingOverA)
{
    auto report = run_and_report(scenario("rrsig-missing"));
    check_bogus(report, kDay, kDay + 12 * kHour, "no signatures", kDay + 5 * kMinute + 1,
                kDay + 12 * kHour + 5 * kMinute + 1, 10, "no signatures");
    check_warm_ede(report, kDay + 90 * kMinute, kDay + 12 * kHour, 10, "no signatures");
    check_mx_untouched(report);
}

TEST(FaultCatalog, RrsigByUnknownKeyOverA)
{
    auto report = run_and_report(scenario("rrsig-unknown-key"));
    check_bogus(report, kDay, kDay + 12 * kHour, "signatures from unknown keys", kDay + 5 * kMinute + 1,
                kDay + 12 * kHour + 5 * kMinute + 1, 9, "signatures from unknown keys");
    check_warm_ede(report, kDay + 90 * kMinute, kDay + 12 * kHour, 9, "signatures from unknown keys");
    check_mx_untouched(report);
}

// Unbound gives a signature that does not verify the generic EDE 6 (DNSSEC Bogus).
TEST(FaultCatalog, CorruptedSignatureOverA)
{
    auto report = run_and_report(scenario("corrupted-signature"));
    check_bogus(report, kDay, kDay + 12 * kHour, "ECDSA signature verification failed", kDay + 5 * kMinute + 1,
                kDay + 12 * kHour + 5 * kMinute + 1, 6, "signature crypto failed");
    check_warm_ede(report, kDay + 90 * kMinute, kDay + 12 * kHour, 6, "signature crypto failed");
    check_mx_untouched(report);
}

// From +6h: validity 6h, refresh 1d. Each signing (+6h, +1d6h, +2d6h) is valid until 6h
// later plus Unbound's minimum skew of 1h; the zone is bogus for the rest of each day.
TEST(FaultCatalog, ShortValidityExpiresBetweenResignings)
{
    auto report = run_and_report(scenario("short-validity"));
    expect_every_expectation_passed(report);
    for (const std::string resolver : {"warm", "cold"}) {
        auto windows = windows_of(report, resolver);
        ASSERT_EQ(windows.size(), 2u) << resolver << ": " << report["failure_windows"].dump();
        EXPECT_EQ(windows[0]["start_s"], 13 * kHour + 30 * kMinute) << resolver;
        EXPECT_EQ(windows[0]["end_s"], kDay + 6 * kHour) << resolver;
        EXPECT_EQ(windows[1]["start_s"], kDay + 13 * kHour + 30 * kMinute) << resolver;
        EXPECT_EQ(windows[1]["end_s"], 2 * kDay + 6 * kHour) << resolver;
        for (const auto& w : windows) EXPECT_TRUE(contains(w["reason"], "signature expired")) << w.dump();
    }
    for (const auto& w : windows_of(report, "warm")) {
        EXPECT_EQ(w["rcode"], "SERVFAIL") << w.dump();
        EXPECT_EQ(w["ede"], 7) << w.dump();
    }
    // The signer kept its 1-day schedule: signed when the fault began, then every refresh.
    std::vector<long> signings;
    for (const auto& e : report["events"])
        if (e["source"] == "signer" && contains(e["text"], "example.com. ")) signings.push_back(e["offset_s"]);
    EXPECT_EQ(signings, (std::vector<long>{6 * kHour, kDay + 6 * kHour, 2 * kDay + 6 * kHour}));
}

}  // namespace
}  // namespace rollsim::test
