// The words of a run's events (report/event_text.hpp), as every report prints them.
#include "report/event_text.hpp"

#include <gtest/gtest.h>

namespace rollsim::report {
namespace {

using namespace runner;

std::string words(EventContent what) { return event_text(EventRecord(Seconds(60), std::move(what))); }

TEST(EventText, TimelineActionsAndFaults)
{
    scenario::Event retire;
    retire.zone = "example.com.";
    retire.action = scenario::ActionKind::Retire;
    retire.key = "zsk-a";
    retire.say = "The old ZSK stops signing.";
    const EventRecord record(Seconds(60), TimelineEvent{retire});
    EXPECT_EQ(event_text(record), "retire zsk-a (example.com.)");
    EXPECT_EQ(record.say, "The old ZSK stops signing.");
    EXPECT_EQ(record.source, EventRecord::Source::Timeline);

    scenario::Event fault;
    fault.zone = "example.com.";
    fault.fault = scenario::FaultKind::DsDigestMismatch;
    fault.until = Seconds(2 * 86400);
    EXPECT_EQ(words(TimelineEvent{fault}), "fault ds-digest-mismatch at example.com. until +2d");
    EXPECT_EQ(words(FaultRepaired{scenario::FaultKind::DsDigestMismatch, "example.com."}),
              "repaired: ds-digest-mismatch at example.com.");

    scenario::Event scoped;
    scoped.zone = "example.com.";
    scoped.fault = scenario::FaultKind::RrsigMissing;
    scoped.type = "A";
    scoped.key_algorithm = scenario::Algorithm::ECDSAP256SHA256;
    EXPECT_EQ(words(TimelineEvent{scoped}), "fault rrsig-missing at example.com. type A key-algorithm ECDSAP256SHA256");
}

TEST(EventText, KeysResolversServersAndTheSigner)
{
    EXPECT_EQ(words(KeyStateChanged{"example.com.", "zsk-a", 222, KeyTransition::DnskeyRemoved}),
              "example.com. zsk-a (tag 222) DNSKEY removed");
    EXPECT_EQ(words(KeyStateChanged{"example.com.", "ksk", 111, KeyTransition::DsAdded}),
              "example.com. ksk (tag 111) DS added at the parent");
    EXPECT_EQ(words(KeyStateChanged{".", "ksk", 20326, KeyTransition::DsRemoved}),
              ". ksk (tag 20326) withdrawn as the trust anchor");
    EXPECT_EQ(words(KeyStateChanged{".", "ksk", 20326, KeyTransition::Revoked}),
              ". ksk (tag 20326) revoked (REVOKE bit, self-signed)");
    EXPECT_EQ(words(AnchorStateChanged{"warm", "20326 VALID, 38696 ADDPEND"}),
              "resolver warm RFC 5011 root anchor: 20326 VALID, 38696 ADDPEND");
    EXPECT_EQ(words(ResolverRunChanged{"late", ResolverRun::Started}), "resolver late started");
    EXPECT_EQ(words(ResolverRunChanged{"late", ResolverRun::StartedAgain}), "resolver late started again (back online)");
    EXPECT_EQ(words(ResolverRunChanged{"late", ResolverRun::Stopped}), "resolver late stopped (offline)");
    EXPECT_EQ(words(ServerAnswering{"ns2.example.com.", false}), "ns2.example.com. stopped answering");
    EXPECT_EQ(words(ServerAnswering{"ns2.example.com.", true}), "ns2.example.com. answering again");
    EXPECT_EQ(words(ZoneSigned{"example.com.", 4, true}), "example.com. re-signed on schedule, serial 4");
    EXPECT_EQ(words(ZoneSigned{"example.com.", 1, false}), "example.com. signed, serial 1");
    EXPECT_EQ(EventRecord(Seconds(0), ZoneSigned{}).source, EventRecord::Source::Signer);
    EXPECT_EQ(EventRecord(Seconds(0), ServerAnswering{}).source, EventRecord::Source::Server);
    EXPECT_EQ(EventRecord(Seconds(0), AnchorStateChanged{}).source, EventRecord::Source::Key);
}

}  // namespace
}  // namespace rollsim::report
