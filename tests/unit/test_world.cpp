// The world model without a lab: key states through the timeline, DS sets at parents, and
// what each fault does to the data a server will serve.
#include "dns/names.hpp"
#include "scenario/names.hpp"
#include "world/world.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

namespace rollsim::world {
namespace {

using scenario::ActionKind;
using scenario::Event;
using scenario::FaultKind;
using scenario::KeyRole;
using scenario::KeySpec;
using scenario::ZoneSpec;

constexpr Seconds kDay{86400};

ZoneSpec zone(const std::string& name, int servers = 1)
{
    ZoneSpec z;
    z.name = name;
    z.servers = servers;
    KeySpec ksk;
    ksk.name = "ksk";
    ksk.role = KeyRole::Ksk;
    ksk.publish = ksk.activate = ksk.ds_add = Seconds(0);
    KeySpec zsk;
    zsk.name = "zsk";
    zsk.role = KeyRole::Zsk;
    zsk.publish = zsk.activate = Seconds(0);
    z.keys = {ksk, zsk};
    if (name != ".") z.records = {"www." + name + " 300 IN A 192.0.2.1"};
    return z;
}

scenario::Scenario chain()
{
    scenario::Scenario sc;
    sc.start = *parse_time("2027-03-01T00:00:00Z");
    sc.duration = 10 * kDay;
    sc.zones = {zone("."), zone("com."), zone("example.com.", 2)};
    return sc;
}

Event fault(FaultKind kind, const std::string& zone, Seconds at, std::optional<Seconds> until = std::nullopt)
{
    Event ev;
    ev.at = at;
    ev.zone = zone;
    ev.fault = kind;
    ev.until = until;
    return ev;
}

std::vector<std::string> of_type(const std::vector<std::string>& records, const std::string& type)
{
    std::vector<std::string> out;
    for (auto r : records) {
        std::replace(r.begin(), r.end(), '\t', ' ');  // ldns separates fields with tabs
        if (r.find(" IN " + type + " ") != std::string::npos) out.push_back(r);
    }
    return out;
}

std::vector<std::string> ds_of(const World& w, const std::string& child, Seconds t)
{
    const auto& parent = *w.zone_of(dns::parent_name(child));
    auto req = w.sign_request(parent, 0, t, 1);
    std::vector<std::string> out;
    for (const auto& r : of_type(req.records, "DS"))
        if (r.rfind(child + " ", 0) == 0) out.push_back(r);
    return out;
}

TEST(Names, ParentAndBelow)
{
    EXPECT_EQ(dns::parent_name("www.example.com."), "example.com.");
    EXPECT_EQ(dns::parent_name("com."), ".");
    EXPECT_TRUE(dns::is_at_or_below("www.example.com.", "example.com."));
    EXPECT_FALSE(dns::is_at_or_below("wwwexample.com.", "example.com."));
    EXPECT_EQ(server_index("ns2"), 1);
    EXPECT_EQ(server_index("x2"), -1);
}

TEST(World, AddressesDelegationsAndAnchor)
{
    auto sc = chain();
    World w(sc);
    const auto& ex = *w.zone_of("www.example.com.");
    EXPECT_EQ(ex.spec->name, "example.com.");
    ASSERT_EQ(ex.servers.size(), 2u);
    EXPECT_EQ(ex.servers[1].address, "127.53.2.2");
    EXPECT_EQ(ex.servers[1].name, "ns2.example.com.");
    auto com = w.sign_request(*w.zone_of("com."), 0, Seconds(0), 1);
    EXPECT_EQ(of_type(com.records, "NS").size(), 3u);  // its own + two for example.com.
    EXPECT_EQ(ds_of(w, "example.com.", Seconds(0)).size(), 1u);
    EXPECT_NE(w.root_hints().find("ns1.root-servers.rollsim. 3600000 IN A 127.53.0.1"), std::string::npos);
    EXPECT_NE(w.trust_anchor().find(". 3600 IN DS "), std::string::npos);
}

TEST(World, TimelineMovesKeysThroughTheirStates)
{
    auto sc = chain();
    Event retire;
    retire.at = kDay;
    retire.zone = "example.com.";
    retire.action = ActionKind::Remove;
    retire.key = "zsk";
    sc.timeline = {retire};
    World w(sc);
    const auto& ex = *w.zone_of("example.com.");
    EXPECT_EQ(w.sign_request(ex, 0, Seconds(0), 1).zone_signers.size(), 1u);
    w.advance_to(kDay);
    auto req = w.sign_request(ex, 0, kDay, 2);
    EXPECT_TRUE(req.zone_signers.empty());
    EXPECT_EQ(of_type(req.records, "DNSKEY").size(), 1u);
}

TEST(Faults, DsDataFaultsChangeOnlyTheParentsDs)
{
    const Seconds at = kDay;
    for (auto kind : {FaultKind::DsDigestMismatch, FaultKind::DsUnknownKeytag, FaultKind::DsWrongAlgorithm,
                      FaultKind::DsUnsupportedDigest}) {
        auto sc = chain();
        sc.timeline = {fault(kind, "example.com.", at, 2 * kDay)};
        World w(sc);
        auto before = ds_of(w, "example.com.", Seconds(0));
        auto during = ds_of(w, "example.com.", at);
        auto after = ds_of(w, "example.com.", 2 * kDay);
        ASSERT_EQ(during.size(), 1u) << scenario::to_string(kind);
        EXPECT_NE(before, during) << scenario::to_string(kind);
        EXPECT_EQ(before, after) << scenario::to_string(kind) << ": repaired at `until`";
    }
}

// The digest type of DS RDATA "example.com. 3600 IN DS keytag algorithm digest-type digest".
int digest_type(const std::string& ds)
{
    std::istringstream in(ds);
    std::string owner, ttl, cls, type;
    int keytag = 0, algorithm = 0, digest = 0;
    in >> owner >> ttl >> cls >> type >> keytag >> algorithm >> digest;
    return digest;
}

TEST(World, DsDigestsGiveOneDsPerDigestTypeAndFaultsBreakEach)
{
    auto sc = chain();
    sc.zones[2].ds_digests = {scenario::DsDigest::Sha256, scenario::DsDigest::Sha384};
    sc.timeline = {fault(FaultKind::DsDigestMismatch, "example.com.", kDay, 2 * kDay)};
    World w(sc);
    const auto both = ds_of(w, "example.com.", Seconds(0));
    ASSERT_EQ(both.size(), 2u);
    EXPECT_EQ(digest_type(both[0]), 2);
    EXPECT_EQ(digest_type(both[1]), 4);
    // SHA-384: 48 bytes, 96 hexadecimal digits (RFC 6605 2).
    EXPECT_EQ(both[1].size() - both[1].rfind(' ') - 1, 96u) << both[1];
    const auto broken = ds_of(w, "example.com.", kDay);
    ASSERT_EQ(broken.size(), 2u);
    EXPECT_NE(broken[0], both[0]);
    EXPECT_NE(broken[1], both[1]);

    auto only = chain();
    only.zones[2].ds_digests = {scenario::DsDigest::Sha384};
    const auto sha384 = ds_of(World(only), "example.com.", Seconds(0));
    ASSERT_EQ(sha384.size(), 1u);
    EXPECT_EQ(digest_type(sha384[0]), 4);
}

Event record_action(ActionKind kind, Seconds at, const std::string& record)
{
    Event ev;
    ev.at = at;
    ev.zone = "example.com.";
    ev.action = kind;
    ev.record = record;
    return ev;
}

// The A records example.com. serves at `t`.
std::vector<std::string> a_records(const World& w, Seconds t)
{
    auto req = w.sign_request(*w.zone_of("example.com."), 0, t, 1);
    std::vector<std::string> out;
    for (const auto& r : of_type(req.records, "A"))
        if (r.rfind("ns", 0) != 0) out.push_back(r);
    return out;
}

TEST(World, RecordActionsChangeTheZonesDataAtTheirInstants)
{
    auto sc = chain();
    sc.timeline = {record_action(ActionKind::RecordAdd, kDay, "new.example.com. 300 IN A 192.0.2.50"),
                   record_action(ActionKind::RecordChange, 2 * kDay, "www.example.com. 60 IN A 192.0.2.2"),
                   record_action(ActionKind::RecordRemove, 3 * kDay, "new.example.com. 300 IN A 192.0.2.50")};
    World w(sc);
    const std::vector<std::string> start{"www.example.com. 300 IN A 192.0.2.1"};
    EXPECT_EQ(a_records(w, Seconds(0)), start);
    EXPECT_EQ(a_records(w, kDay), (std::vector<std::string>{"www.example.com. 300 IN A 192.0.2.1",
                                                            "new.example.com. 300 IN A 192.0.2.50"}));
    EXPECT_EQ(a_records(w, 2 * kDay), (std::vector<std::string>{"new.example.com. 300 IN A 192.0.2.50",
                                                                "www.example.com. 60 IN A 192.0.2.2"}));
    EXPECT_EQ(a_records(w, 3 * kDay), (std::vector<std::string>{"www.example.com. 60 IN A 192.0.2.2"}));
}

TEST(Faults, DsMissingAndStaleDs)
{
    auto sc = chain();
    sc.timeline = {fault(FaultKind::DsMissing, "example.com.", kDay)};
    World w(sc);
    EXPECT_TRUE(ds_of(w, "example.com.", kDay).empty());

    auto sc2 = chain();
    Event add_ds;
    add_ds.at = 2 * kDay;
    add_ds.zone = "example.com.";
    add_ds.action = ActionKind::DsRemove;
    add_ds.key = "ksk";
    sc2.timeline = {fault(FaultKind::StaleDs, "example.com.", kDay), add_ds};
    World w2(sc2);
    w2.advance_to(3 * kDay);
    // The parent never saw the removal: its DS set froze at +1d.
    EXPECT_EQ(ds_of(w2, "example.com.", 3 * kDay).size(), 1u);
}

TEST(Faults, ServerFaultsSelectTheServer)
{
    auto sc = chain();
    auto lag = fault(FaultKind::LaggingSecondary, "example.com.", kDay);
    lag.server = "ns2";
    auto down = fault(FaultKind::ServerDown, "example.com.", 2 * kDay, 3 * kDay);
    down.server = "ns1";
    sc.timeline = {lag, down};
    World w(sc);
    const auto& ex = *w.zone_of("example.com.");
    EXPECT_EQ(w.server_mode(ex, 0, kDay), ServerMode::Current);
    EXPECT_EQ(w.server_mode(ex, 1, kDay), ServerMode::Lagging);
    EXPECT_EQ(w.server_mode(ex, 0, 2 * kDay), ServerMode::Down);
    EXPECT_EQ(w.server_mode(ex, 0, 3 * kDay), ServerMode::Current);
}

TEST(Faults, SignatureTimeFaults)
{
    auto sc = chain();
    auto expired = fault(FaultKind::ExpiredRrsig, "example.com.", kDay, 2 * kDay);
    auto early = fault(FaultKind::NotYetValidRrsig, "example.com.", 3 * kDay, 4 * kDay);
    early.offset = Seconds(3600);
    sc.timeline = {expired, early};
    World w(sc);
    const auto& ex = *w.zone_of("example.com.");
    const TimePoint now1 = sc.start + kDay;
    auto r1 = w.sign_request(ex, 0, kDay, 2);
    EXPECT_EQ(r1.expiration, now1 - 2 * kDay);
    auto r3 = w.sign_request(ex, 0, 3 * kDay, 3);
    EXPECT_EQ(r3.inception, sc.start + 3 * kDay + Seconds(3600));
    auto r5 = w.sign_request(ex, 0, 5 * kDay, 4);
    EXPECT_EQ(r5.expiration, sc.start + 5 * kDay + ex.spec->signing.validity);
}

TEST(World, RevokedKeySignsTheDnskeySetOnly)
{
    // RFC 5011 2.1: a revoked ZSK (and a revoked KSK alike) is published with the REVOKE bit and
    // signs the DNSKEY RRset, nothing else.
    auto sc = chain();
    Event revoke;
    revoke.at = kDay;
    revoke.zone = "example.com.";
    revoke.action = ActionKind::Revoke;
    revoke.key = "zsk";
    sc.timeline = {revoke};
    World w(sc);
    const auto& ex = *w.zone_of("example.com.");
    EXPECT_EQ(w.sign_request(ex, 0, Seconds(0), 1).dnskey_signers.size(), 1u);
    w.advance_to(kDay);
    const auto& zsk = ex.keys[1];
    const auto state = w.key_state(ex, zsk, kDay);
    EXPECT_TRUE(state.published);
    EXPECT_TRUE(state.revoked);
    EXPECT_FALSE(state.active);
    auto req = w.sign_request(ex, 0, kDay, 2);
    EXPECT_TRUE(req.zone_signers.empty());
    ASSERT_EQ(req.dnskey_signers.size(), 2u);
    EXPECT_TRUE(req.dnskey_signers[1]->flags() & dnssec::kFlagRevoke);
    bool revoked_dnskey = false;
    for (const auto& r : of_type(req.records, "DNSKEY")) revoked_dnskey = revoked_dnskey || r.find(" 384 3 ") != std::string::npos;
    EXPECT_TRUE(revoked_dnskey);
}

TEST(World, RootTrustAnchorFollowsTheRootsDsSchedule)
{
    auto sc = chain();
    sc.zones[0].keys[0].ds_remove = kDay;  // the root's operator withdraws ksk's anchor
    World w(sc);
    EXPECT_NE(w.trust_anchor(Seconds(0)).find(" IN DS "), std::string::npos);
    EXPECT_EQ(w.trust_anchor(kDay), "");
}

TEST(Faults, KeyFaults)
{
    auto sc = chain();
    auto revoked = fault(FaultKind::RevokedKey, "example.com.", kDay);
    revoked.key = "ksk";
    auto removed = fault(FaultKind::DnskeyRemoved, "com.", kDay);
    removed.key = "zsk";
    sc.timeline = {revoked, removed};
    World w(sc);
    const auto& ex = *w.zone_of("example.com.");
    auto before = w.sign_request(ex, 0, Seconds(0), 1);
    auto after = w.sign_request(ex, 0, kDay, 2);
    ASSERT_EQ(after.dnskey_signers.size(), 1u);
    EXPECT_NE(after.dnskey_signers[0]->keytag(), before.dnskey_signers[0]->keytag());
    EXPECT_TRUE(after.dnskey_signers[0]->flags() & dnssec::kFlagRevoke);
    const auto& com = *w.zone_of("com.");
    EXPECT_TRUE(w.sign_request(com, 0, kDay, 2).zone_signers.empty());
    EXPECT_EQ(of_type(w.sign_request(com, 0, kDay, 2).records, "DNSKEY").size(), 1u);
}

TEST(Faults, MultiSignerServersSignTheirOwnCopy)
{
    auto sc = chain();
    auto& ex_spec = sc.zones[2];
    KeySpec zsk2 = ex_spec.keys[1];
    zsk2.name = "zsk-b";
    zsk2.servers = {"ns2"};
    ex_spec.keys[1].servers = {"ns1"};
    ex_spec.keys.push_back(zsk2);
    auto missing = fault(FaultKind::MultiSignerMissingZsk, "example.com.", kDay);
    missing.key = "zsk-b";
    missing.server = "ns1";
    sc.timeline = {missing};
    World w(sc);
    const auto& ex = *w.zone_of("example.com.");
    auto ns1 = w.sign_request(ex, 0, Seconds(0), 1);
    auto ns2 = w.sign_request(ex, 1, Seconds(0), 1);
    ASSERT_EQ(ns1.zone_signers.size(), 1u);
    ASSERT_EQ(ns2.zone_signers.size(), 1u);
    EXPECT_NE(ns1.zone_signers[0]->keytag(), ns2.zone_signers[0]->keytag());
    EXPECT_EQ(of_type(ns1.records, "DNSKEY").size(), 3u);
    EXPECT_EQ(of_type(w.sign_request(ex, 0, kDay, 2).records, "DNSKEY").size(), 2u);
    EXPECT_EQ(of_type(w.sign_request(ex, 1, kDay, 2).records, "DNSKEY").size(), 3u);
}

TEST(Faults, SignerDefectsReachTheSignRequest)
{
    auto sc = chain();
    auto missing = fault(FaultKind::RrsigMissing, "example.com.", kDay);
    missing.type = "A";
    auto foreign = fault(FaultKind::RrsigUnknownKey, "example.com.", kDay);
    foreign.type = "TXT";
    auto relabel = fault(FaultKind::UnsupportedAlgorithm, "com.", kDay);
    sc.timeline = {missing, foreign, relabel};
    World w(sc);
    auto req = w.sign_request(*w.zone_of("example.com."), 0, kDay, 2);
    EXPECT_EQ(req.faults.omit_rrsig_types, std::vector<std::string>{"A"});
    ASSERT_EQ(req.faults.foreign_signers.size(), 1u);
    EXPECT_EQ(req.faults.foreign_signers[0].type, "TXT");
    EXPECT_EQ(w.sign_request(*w.zone_of("com."), 0, kDay, 2).faults.relabel_algorithm, 253);
    // The root's DS for com. names the relabelled algorithm too.
    auto ds = ds_of(w, "com.", kDay);
    ASSERT_EQ(ds.size(), 1u);
    EXPECT_NE(ds[0].find(" DS "), std::string::npos);
    EXPECT_NE(ds[0].find(" 253 2 "), std::string::npos) << ds[0];
}

// rrsig-missing and corrupted-signature narrowed to one algorithm or one key reach the signer as
// scopes, the key as the one that signs at that instant; unscoped ones stay whole types.
TEST(Faults, ScopedSignatureFaultsReachTheSignRequest)
{
    auto sc = chain();
    auto by_algorithm = fault(FaultKind::RrsigMissing, "example.com.", kDay);
    by_algorithm.type = "A";
    by_algorithm.key_algorithm = scenario::Algorithm::RSASHA256;
    auto by_key = fault(FaultKind::CorruptedSignature, "example.com.", kDay);
    by_key.type = "MX";
    by_key.key = sc.zones[2].keys[1].name;  // the zsk
    sc.timeline = {by_algorithm, by_key};
    World w(sc);
    const auto& ex = *w.zone_of("example.com.");
    const auto req = w.sign_request(ex, 0, kDay, 2);
    EXPECT_TRUE(req.faults.omit_rrsig_types.empty());
    EXPECT_TRUE(req.faults.corrupt_rrsig_types.empty());
    ASSERT_EQ(req.faults.omit_rrsigs_by.size(), 1u);
    EXPECT_EQ(req.faults.omit_rrsigs_by[0].type, "A");
    EXPECT_EQ(req.faults.omit_rrsigs_by[0].key, nullptr);
    EXPECT_EQ(req.faults.omit_rrsigs_by[0].algorithm, scenario::Algorithm::RSASHA256);
    ASSERT_EQ(req.faults.corrupt_rrsigs_by.size(), 1u);
    EXPECT_EQ(req.faults.corrupt_rrsigs_by[0].type, "MX");
    ASSERT_EQ(req.zone_signers.size(), 1u);
    EXPECT_EQ(req.faults.corrupt_rrsigs_by[0].key, req.zone_signers[0]);
    EXPECT_TRUE(w.sign_request(ex, 0, kDay - Seconds(1), 1).faults.omit_rrsigs_by.empty());
}

Event action(ActionKind kind, const std::string& zone, const std::string& key, Seconds at)
{
    Event ev;
    ev.at = at;
    ev.zone = zone;
    ev.action = kind;
    ev.key = key;
    return ev;
}

// CDS/CDNSKEY (RFC 7344) follow cds-publish / cds-remove / cds-delete, signed by the KSKs, and
// the CDS faults change what one server or the signer does.
TEST(Cds, PublishedByActionsAndBrokenByFaults)
{
    auto sc = chain();
    auto inconsistent = fault(FaultKind::CdsInconsistent, "example.com.", Seconds(3600), 3 * Seconds(3600));
    inconsistent.server = "ns2";
    sc.timeline = {inconsistent, action(ActionKind::CdsPublish, "example.com.", "ksk", 2 * Seconds(3600)),
                   fault(FaultKind::CdsNotSignedByDsKey, "example.com.", 4 * Seconds(3600), 5 * Seconds(3600)),
                   action(ActionKind::CdsRemove, "example.com.", "ksk", 6 * Seconds(3600)),
                   fault(FaultKind::CdsPrematureDelete, "example.com.", 7 * Seconds(3600))};
    World w(sc);
    const auto& ex = *w.zone_of("example.com.");
    EXPECT_TRUE(w.cds_records(ex, 0, Seconds(0)).empty());
    w.advance_to(2 * Seconds(3600));
    auto cds = w.cds_records(ex, 0, 2 * Seconds(3600));
    ASSERT_EQ(cds.size(), 2u);
    EXPECT_EQ(of_type(cds, "CDS").size(), 1u);
    EXPECT_EQ(of_type(cds, "CDNSKEY").size(), 1u);
    // The CDS carries the DS's RDATA, the CDNSKEY the DNSKEY's.
    const std::string ds = ex.keys[0].key.ds().to_rr("example.com.", 3600);
    EXPECT_EQ(of_type(cds, "CDS")[0].substr(of_type(cds, "CDS")[0].find(" CDS ") + 5), ds.substr(ds.find(" DS ") + 4));
    // cds-inconsistent: ns2 keeps the (empty) set it had at +1h; the request holds the CDS.
    EXPECT_TRUE(w.cds_records(ex, 1, 2 * Seconds(3600)).empty());
    EXPECT_EQ(of_type(w.sign_request(ex, 0, 2 * Seconds(3600), 2).records, "CDS").size(), 1u);
    EXPECT_EQ(w.cds_records(ex, 1, 3 * Seconds(3600)).size(), 2u);  // repaired
    // cds-not-signed-by-ds-key: CDS and CDNSKEY go to the ZSK as foreign signers.
    w.advance_to(4 * Seconds(3600));
    auto req = w.sign_request(ex, 0, 4 * Seconds(3600), 3);
    ASSERT_EQ(req.faults.foreign_signers.size(), 2u);
    EXPECT_EQ(req.faults.foreign_signers[0].type, "CDS");
    EXPECT_EQ(req.faults.foreign_signers[0].key->keytag(), ex.keys[1].key.keytag());
    w.advance_to(6 * Seconds(3600));
    EXPECT_TRUE(w.cds_records(ex, 0, 6 * Seconds(3600)).empty());
    // cds-premature-delete: the delete signal, and no zone signers left.
    w.advance_to(7 * Seconds(3600));
    auto del = w.cds_records(ex, 0, 7 * Seconds(3600));
    ASSERT_EQ(del.size(), 2u);
    EXPECT_NE(del[0].find(" CDS 0 0 0 00"), std::string::npos) << del[0];
    EXPECT_NE(del[1].find(" CDNSKEY 0 3 0 AA=="), std::string::npos) << del[1];
    auto unsigned_req = w.sign_request(ex, 0, 7 * Seconds(3600), 4);
    EXPECT_TRUE(unsigned_req.zone_signers.empty());
    EXPECT_EQ(unsigned_req.dnskey_signers.size(), 1u);
}

}  // namespace
}  // namespace rollsim::world
