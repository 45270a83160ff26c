// A portfolio written with name patterns (docs/scenario-format.md, "Portfolios") against real
// NSD and Unbound, through the rollsim binary: scenarios/portfolios/shops-staggered-ds-outage.yaml.
// Each zone a pattern stands for is a zone of its own: its ZSK roll starts at its staggered
// instant, and the resolvers fail for exactly the zones the fault's pattern names.
#include "rollsim_cli.hpp"

#include <gtest/gtest.h>

#include <string>

namespace rollsim::test {
namespace {

constexpr long kMinute = 60, kHour = 3600;

std::vector<nlohmann::json> windows_for(const nlohmann::json& report, const std::string& resolver,
                                        const std::string& qname)
{
    std::vector<nlohmann::json> out;
    for (const auto& w : windows_of(report, resolver))
        if (w.at("qname") == qname) out.push_back(w);
    return out;
}

TEST(Portfolio, StaggeredRollsAndADsOutageOnTwoOfFourShops)
{
    const auto report = run_and_report("scenarios/portfolios/shops-staggered-ds-outage.yaml");
    expect_every_expectation_passed(report);
    for (int k = 0; k < 4; ++k) {
        const std::string zone = "shop" + std::to_string(k + 1) + ".com.";
        const std::string www = "www." + zone;
        // The roll of zone k starts at +6h + 3h·k (stagger 12h over 4 zones): its new ZSK is
        // published then.
        long published = -1;
        for (const auto& c : report.at("key_changes"))
            if (c.at("zone") == zone && c.at("key") == "zsk-next" && c.at("published") && published < 0)
                published = c.at("offset_s").get<long>();
        EXPECT_EQ(published, 6 * kHour + 3 * kHour * k) << zone;
        const auto warm = windows_for(report, "warm", www);
        const auto cold = windows_for(report, "cold", www);
        if (k >= 2) {
            EXPECT_TRUE(warm.empty()) << zone << " " << report["failure_windows"].dump();
            EXPECT_TRUE(cold.empty()) << zone << " " << report["failure_windows"].dump();
            continue;
        }
        // What Unbound answered: SERVFAIL once its cached DS (1h) expired, until the first probe
        // after the repair at +2d; the cold validator: bogus from the fault's first probe.
        ASSERT_EQ(warm.size(), 1u) << zone << " " << report["failure_windows"].dump();
        EXPECT_GT(warm[0]["start_s"].get<long>(), 36 * kHour) << zone;
        EXPECT_LE(warm[0]["start_s"].get<long>(), 37 * kHour + 30 * kMinute) << zone;
        EXPECT_EQ(warm[0]["rcode"], "SERVFAIL") << zone;
        ASSERT_EQ(cold.size(), 1u) << zone << " " << report["failure_windows"].dump();
        EXPECT_EQ(cold[0]["start_s"].get<long>(), 36 * kHour) << zone;
    }
}

}  // namespace
}  // namespace rollsim::test
