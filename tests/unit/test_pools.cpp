// Server pools and the lab's addresses: `server-pools:` as parsed, the errors of a pool that does
// not fit, the addresses the world gives pool servers, zones beyond 250 and hidden primaries,
// what a server fault on a pool zone means, and when a zone can next change.
#include "core/error.hpp"
#include "prepare/prepared.hpp"
#include "world/world.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace rollsim {
namespace {

using scenario::Scenario;

Scenario parse(const std::string& text)
{
    return prepare::prepare_scenario_text(text, "t.yaml", std::filesystem::temp_directory_path()).scenario;
}

std::string error_of(const std::string& text)
{
    try {
        parse(text);
    } catch (const ScenarioError& e) {
        return e.what();
    }
    return "";
}

const char* kPortfolio = R"(name: pool
start: 2027-03-01T00:00:00Z
server-pools:
  provider: 2
  other: { servers: 3 }
zones:
  shop1.example.: { servers: provider }
  shop2.example.: { servers: provider }
  shop3.example.: { servers: other }
  own.example.: { servers: 2 }
probes: { names: [www.shop1.example. A] }
timeline:
  - { at: +1d, until: +2d, fault: server-down, zone: shop1.example., server: ns1 }
  - { at: +3d, until: +4d, fault: server-unsigned, zone: shop2.example., server: ns2 }
)";

TEST(Pools, ParsedWithTheirZones)
{
    const Scenario sc = parse(kPortfolio);
    ASSERT_EQ(sc.pools.size(), 2u);
    EXPECT_EQ(sc.pools[0].name, "provider");
    EXPECT_EQ(sc.pools[0].servers, 2);
    EXPECT_EQ(sc.pools[0].loc.line, 4);
    EXPECT_EQ(sc.pools[1].name, "other");
    EXPECT_EQ(sc.pools[1].servers, 3);
    const auto* shop1 = sc.find_zone("shop1.example.");
    ASSERT_NE(shop1, nullptr);
    EXPECT_EQ(shop1->pool, "provider");
    EXPECT_EQ(shop1->servers, 2);
    EXPECT_EQ(sc.find_zone("shop3.example.")->servers, 3);
    EXPECT_EQ(sc.find_zone("own.example.")->pool, "");
    EXPECT_EQ(sc.find_zone("own.example.")->servers, 2);
    EXPECT_EQ(sc.find_zone("example.")->pool, "");  // an implicit ancestor has its own server
}

TEST(Pools, ErrorsNameTheFileLineAndColumn)
{
    const std::string head = "name: p\nstart: 2027-03-01T00:00:00Z\nserver-pools: { provider: 2 }\nzones:\n";
    const std::string probes = "probes: { names: [www.a.example. A] }\n";
    EXPECT_EQ(error_of(head + "  a.example.: { servers: provdr }\n" + probes),
              "t.yaml:5:26: server pool 'provdr' is not defined under server-pools: (did you mean 'provider'?)");
    EXPECT_EQ(error_of(head + "  a.example.: { servers: 2 }\n" + probes),
              "t.yaml:3:17: server pool 'provider' serves no zone; give a zone 'servers: provider' or remove the "
              "pool");
    EXPECT_EQ(error_of("name: p\nstart: 2027-03-01T00:00:00Z\nserver-pools: { provider: 0 }\nzones:\n"
                       "  a.example.: { servers: provider }\n" + probes),
              "t.yaml:3:27: servers must be a whole number from 1 to 8, not '0'");
    // A server fault names one of the pool's servers, as it would one of the zone's own.
    EXPECT_NE(error_of(head + "  a.example.: { servers: provider }\n" + probes +
                       "timeline:\n  - { at: +1d, fault: server-down, zone: a.example., server: ns3 }\n")
                  .find("t.yaml:8:62: zone a.example. has no server ns3 (it has 2: ns1 and ns2)"),
              std::string::npos);
}

TEST(Pools, AddressesOfPoolsZonesAndHiddenPrimaries)
{
    // The first 250 zones keep 127.53.i.S and 127.55.i.1; later ones go on in ranges of their own.
    EXPECT_EQ(world::zone_server_address(0, 0), "127.53.0.1");
    EXPECT_EQ(world::zone_server_address(249, 7), "127.53.249.8");
    EXPECT_EQ(world::zone_server_address(250, 0), "127.61.0.1");
    EXPECT_EQ(world::zone_server_address(9999, 1), "127.99.249.2");
    EXPECT_EQ(world::hidden_primary_address(3), "127.55.3.1");
    EXPECT_EQ(world::hidden_primary_address(251), "127.101.1.1");
    EXPECT_EQ(world::pool_server_address(0, 0), "127.56.0.1");
    EXPECT_EQ(world::pool_server_address(2, 1), "127.56.2.2");

    const Scenario sc = parse(kPortfolio);
    const world::World w(sc);
    const auto& shop2 = *w.zone_of("shop2.example.");
    EXPECT_EQ(shop2.pool, 0);
    ASSERT_EQ(shop2.servers.size(), 2u);
    EXPECT_EQ(shop2.servers[1].name, "ns2.shop2.example.");  // its own NS name, the pool's address
    EXPECT_EQ(shop2.servers[1].address, "127.56.0.2");
    EXPECT_EQ(w.zone_of("shop3.example.")->servers[2].address, "127.56.1.3");
    const auto& own = *w.zone_of("own.example.");
    EXPECT_EQ(own.servers[1].address, world::zone_server_address(own.index, 1));
    // The parent's delegation: each zone's NS names with glue to the pool's addresses.
    const auto req = w.sign_request(*w.zone_of("example."), 0, Seconds(0), 1);
    int glue = 0;
    for (const auto& r : req.records) glue += r.rfind("ns1.shop1.example. ", 0) == 0 && r.find("127.56.0.1") != std::string::npos;
    EXPECT_EQ(glue, 1);
}

TEST(Pools, ServerDownTakesThePoolServerForAllItsZonesOtherFaultsStayWithTheirZone)
{
    const Scenario sc = parse(kPortfolio);
    const world::World w(sc);
    const auto& shop1 = *w.zone_of("shop1.example.");
    const auto& shop2 = *w.zone_of("shop2.example.");
    const auto& shop3 = *w.zone_of("shop3.example.");
    const Seconds day1{86400 + 60};
    EXPECT_EQ(w.server_mode(shop1, 0, day1), world::ServerMode::Down);
    EXPECT_EQ(w.server_mode(shop2, 0, day1), world::ServerMode::Down);     // same pool server
    EXPECT_EQ(w.server_mode(shop2, 1, day1), world::ServerMode::Current);  // the other server answers
    EXPECT_EQ(w.server_mode(shop3, 0, day1), world::ServerMode::Current);  // another pool
    EXPECT_EQ(w.server_mode(shop2, 0, Seconds(2 * 86400)), world::ServerMode::Current);  // repaired
    const Seconds day3{3 * 86400 + 60};
    EXPECT_EQ(w.server_mode(shop2, 1, day3), world::ServerMode::Unsigned);
    EXPECT_EQ(w.server_mode(shop1, 1, day3), world::ServerMode::Current);  // a data fault stays per zone
}

TEST(Pools, NextChangeSeesKeysEventsChildrenAndThePool)
{
    const Scenario sc = parse(kPortfolio);
    const world::World w(sc);
    // shop2's next change: the pool's server-down at +1d (named by shop1), then its repair.
    const auto& shop2 = *w.zone_of("shop2.example.");
    EXPECT_EQ(w.next_change(shop2, Seconds(0)), Seconds(86400));
    EXPECT_EQ(w.next_change(shop2, Seconds(86400)), Seconds(2 * 86400));
    EXPECT_EQ(w.next_change(shop2, Seconds(2 * 86400)), Seconds(3 * 86400));  // its own fault
    // The parent sees its children's events (their delegations are its data).
    EXPECT_EQ(w.next_change(*w.zone_of("example."), Seconds(0)), Seconds(86400));
    // shop3 (another pool, no event, keys from +0): nothing ahead.
    EXPECT_EQ(w.next_change(*w.zone_of("shop3.example."), Seconds(0)), std::nullopt);
}

}  // namespace
}  // namespace rollsim
