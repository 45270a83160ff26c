// Server pools against real NSD and Unbound through the rollsim binary: zones sharing a
// provider's name servers (one NSD per pool server for all its zones), a ZSK roll in one of
// them, and a server-down of a pool server, which takes that server away from every zone.
#include "rollsim_cli.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <set>

namespace rollsim::test {
namespace {

constexpr long kHour = 3600, kDay = 86400;

TEST(Portfolios, PoolServerDownTakesEveryZoneOfThePoolAndTheOtherServerAnswers)
{
    auto report = run_and_report("scenarios/portfolios/pool-server-down.yaml");
    expect_every_expectation_passed(report);
    for (int i = 1; i <= 6; ++i) {
        const std::string zone = fmt::format("shop{}.example.", i);
        SCOPED_TRACE(zone);
        // The pool's first server stopped and came back for every zone, named by its own NS name.
        bool stopped = false, again = false;
        for (const auto& e : report["events"]) {
            if (e["text"] == "ns1." + zone + " stopped answering") stopped = e["offset_s"] == kDay;
            if (e["text"] == "ns1." + zone + " answering again") again = e["offset_s"] == kDay + 2 * kHour;
        }
        EXPECT_TRUE(stopped);
        EXPECT_TRUE(again);
        // What both resolvers answered for the zone's name, the probe inside the outage included.
        for (const std::string resolver : {"warm", "cold"}) {
            const auto seen = observations_of(report, resolver, "www." + zone, "A");
            ASSERT_FALSE(seen.empty()) << resolver;
            bool during_outage = false;
            for (const auto& o : seen) {
                EXPECT_EQ(o["validation"], "secure") << o.dump();
                during_outage = during_outage || o["offset_s"] == kDay + kHour;
            }
            EXPECT_TRUE(during_outage) << resolver;
        }
    }
    // shop1's ZSK roll: a second ZSK published, the first removed, each step a new version of
    // shop1 on the pool's servers while the resolvers stayed secure (above); its DNSKEY set too.
    std::set<long> zsk_tags;
    for (const auto& k : report["key_changes"])
        if (k["zone"] == "shop1.example." && k["role"] == "zsk" && k["published"] == true)
            zsk_tags.insert(k["keytag"].get<long>());
    EXPECT_EQ(zsk_tags.size(), 2u);
    int shop1_versions = 0, shop2_versions = 0;
    for (const auto& e : report["events"]) {
        shop1_versions += contains(e["text"], "shop1.example. signed, serial");
        shop2_versions += contains(e["text"], "shop2.example. signed, serial");
    }
    EXPECT_GE(shop1_versions, 3);  // publish, switch, remove
    EXPECT_EQ(shop2_versions, 0);  // nothing changed in shop2 (re-signed on schedule only)
    for (const auto& o : observations_of(report, "cold", "shop1.example.", "DNSKEY"))
        EXPECT_EQ(o["validation"], "secure") << o.dump();
    // NSD instances: the root and example. have their own, the six zones share the pool's two.
    EXPECT_EQ(report["run"]["servers"], 4);
}

}  // namespace
}  // namespace rollsim::test
