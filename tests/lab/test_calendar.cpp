// The twelve-month key calendar (scenarios/calendars/twelve-months.yaml) against real NSD and
// Unbound: every generation of every repeating rollover really happens in the one run (the
// root's KSK by RFC 5011, followed by the warm resolver), no resolver fails at any probe, and the
// run reports its wall-clock time.
#include "rollsim_cli.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace rollsim::test {
namespace {

// zone -> the keys that signed at some point of the run (key_changes with active = true).
std::map<std::string, std::set<std::string>> signing_keys(const nlohmann::json& report)
{
    std::map<std::string, std::set<std::string>> out;
    for (const auto& c : report["key_changes"])
        if (c["active"].get<bool>()) out[c["zone"].get<std::string>()].insert(c["key"].get<std::string>());
    return out;
}

TEST(Calendar, TwelveMonthsOfRolloversFailNoResolver)
{
    auto report = run_and_report("scenarios/calendars/twelve-months.yaml");
    expect_every_expectation_passed(report);
    EXPECT_TRUE(report["failure_windows"].empty()) << report["failure_windows"].dump();
    EXPECT_EQ(report["scenario"]["duration_s"], 365 * 86400);

    auto keys = signing_keys(report);
    for (const std::string zone : {".", "com.", "example.com."}) {
        // ZSK every 30 days: generations zsk, zsk-2 .. zsk-13; KSK every 182 days: ksk, ksk-2, ksk-3.
        for (const std::string key : {"zsk", "zsk-7", "zsk-13", "ksk", "ksk-2", "ksk-3"})
            EXPECT_TRUE(keys[zone].count(key)) << zone << " " << key << " never signed";
    }
    EXPECT_GT(report["run"]["wall_clock_s"].get<double>(), 0.0);

    // The warm resolver followed both root KSK rolls by RFC 5011: its anchor file ends with the
    // third generation's key VALID.
    long ksk3 = -1;
    for (const auto& c : report["key_changes"])
        if (c["zone"] == "." && c["key"] == "ksk-3") ksk3 = c["keytag"].get<long>();
    ASSERT_GE(ksk3, 0);
    std::string last_anchor;
    for (const auto& e : report["events"])
        if (e["text"].get<std::string>().find("resolver warm RFC 5011 root anchor") != std::string::npos)
            last_anchor = e["text"].get<std::string>();
    EXPECT_NE(last_anchor.find(std::to_string(ksk3) + " VALID"), std::string::npos) << last_anchor;
    // It saw each old root KSK revoked (RFC 5011 2.1) before it was removed.
    int revoked = 0;
    for (const auto& e : report["events"]) {
        const auto text = e["text"].get<std::string>();
        revoked += text.find("resolver warm RFC 5011 root anchor") != std::string::npos &&
                   text.find("REVOKED") != std::string::npos;
    }
    EXPECT_EQ(revoked, 2);
}

}  // namespace
}  // namespace rollsim::test
