// The parental agent's decision (parent/agent.hpp) on CDS/CDNSKEY signed in process: each rule
// of RFC 7344 4.1 / RFC 8078 with one answer that keeps it and one that breaks it.
#include "core/time.hpp"
#include "dnssec/key.hpp"
#include "dnssec/signer.hpp"
#include "parent/agent.hpp"

#include <gtest/gtest.h>

#include <sstream>

using namespace rollsim;
using dnssec::Key;
using dnssec::kFlagSep;
using dnssec::kFlagZone;
using parent::AgentInput;
using parent::ServerAnswer;
using parent::Verdict;
using scenario::Algorithm;

namespace {

constexpr const char* kZone = "example.com.";

TimePoint at(const char* text) { return *parse_time(text); }

// The record with its type field replaced (blank- or tab-separated presentation format).
std::string retyped(const std::string& rr, const std::string& from, const std::string& to)
{
    std::istringstream in(rr);
    std::string owner, ttl, cls, type, rest;
    in >> owner >> ttl >> cls >> type;
    std::getline(in, rest);
    EXPECT_EQ(type, from);
    return owner + " " + ttl + " " + cls + " " + to + rest;
}

std::string cds_of(const Key& k) { return retyped(k.ds().to_rr(kZone, 3600), "DS", "CDS"); }
std::string cdnskey_of(const Key& k) { return retyped(k.dnskey_rr(3600), "DNSKEY", "CDNSKEY"); }

// The records of `type` and the RRSIGs over them, as an answer section holds them.
std::vector<std::string> answer(const std::vector<std::string>& zone, const std::string& type)
{
    std::vector<std::string> out;
    for (const auto& rr : zone) {
        std::istringstream in(rr);
        std::string owner, ttl, cls, t, covered;
        in >> owner >> ttl >> cls >> t >> covered;
        if (owner != kZone) continue;
        if (t == type || (t == "RRSIG" && covered == type)) out.push_back(rr);
    }
    return out;
}

class ParentAgent : public ::testing::Test {
protected:
    const Key ksk = Key::generate(kZone, Algorithm::ECDSAP256SHA256, kFlagZone | kFlagSep);
    const Key ksk2 = Key::generate(kZone, Algorithm::ECDSAP256SHA256, kFlagZone | kFlagSep);
    const Key zsk = Key::generate(kZone, Algorithm::ECDSAP256SHA256, kFlagZone);
    const TimePoint now = at("2027-03-01T12:00:00Z");

    // The child signed at `now` with both KSKs published and signing the key sets, `cds`
    // the CDS/CDNSKEY records; `cds_signer` signs CDS and CDNSKEY instead of the KSKs.
    ServerAnswer server(const std::string& label, const std::vector<std::string>& cds,
                        const Key* cds_signer = nullptr, bool publish_ksk2 = true) const
    {
        dnssec::SignRequest req;
        req.origin = kZone;
        req.records = {"example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 1 3600 900 1209600 300",
                       "example.com. 3600 IN NS ns1.example.com.", "ns1.example.com. 300 IN A 127.0.0.1",
                       ksk.dnskey_rr(3600), zsk.dnskey_rr(3600)};
        if (publish_ksk2) req.records.push_back(ksk2.dnskey_rr(3600));
        req.records.insert(req.records.end(), cds.begin(), cds.end());
        req.dnskey_signers = {&ksk};
        if (publish_ksk2) req.dnskey_signers.push_back(&ksk2);
        req.zone_signers = {&zsk};
        if (cds_signer)
            for (const char* type : {"CDS", "CDNSKEY"}) req.faults.foreign_signers.push_back({type, cds_signer});
        req.inception = now - Seconds(3600);
        req.expiration = now + Seconds(86400);
        const auto zone = dnssec::sign_zone(req).records();
        return {label, true, answer(zone, "CDS"), answer(zone, "CDNSKEY"), answer(zone, "DNSKEY")};
    }

    AgentInput input(std::vector<ServerAnswer> servers, std::vector<const Key*> ds = {}) const
    {
        if (ds.empty()) ds = {&ksk};
        AgentInput in;
        in.zone = kZone;
        in.servers = std::move(servers);
        for (const Key* k : ds) in.ds.push_back(k->ds().to_rr(kZone, 3600));
        in.now = now;
        return in;
    }

    std::vector<std::string> both() const { return {cds_of(ksk), cdnskey_of(ksk), cds_of(ksk2), cdnskey_of(ksk2)}; }
    std::string rdata(const Key& k) const { return parent::ds_rdata(k.ds().to_rr(kZone, 3600)); }
};

}  // namespace

TEST_F(ParentAgent, NoCdsLeavesTheDsAlone)
{
    const auto d = parent::decide(input({server("ns1", {}), server("ns2", {})}));
    EXPECT_EQ(d.verdict, Verdict::Unchanged);
    EXPECT_EQ(d.reason, "no CDS or CDNSKEY published");
    EXPECT_EQ(d.ds, std::vector<std::string>{rdata(ksk)});
}

TEST_F(ParentAgent, AcceptsANewKeyListedOnEveryServerAndSignedByTheDsKey)
{
    const auto d = parent::decide(input({server("ns1", both()), server("ns2", both())}));
    ASSERT_EQ(d.verdict, Verdict::Accepted) << d.reason;
    std::vector<std::string> want{rdata(ksk), rdata(ksk2)};
    std::sort(want.begin(), want.end());
    EXPECT_EQ(d.ds, want);
    EXPECT_NE(d.reason.find("identical on ns1, ns2"), std::string::npos) << d.reason;
    EXPECT_NE(d.reason.find("adds " + std::to_string(ksk2.keytag())), std::string::npos) << d.reason;
}

TEST_F(ParentAgent, CdsEqualToTheDsSetChangesNothing)
{
    const auto d = parent::decide(input({server("ns1", {cds_of(ksk), cdnskey_of(ksk)})}));
    EXPECT_EQ(d.verdict, Verdict::Unchanged) << d.reason;
}

TEST_F(ParentAgent, AcceptsTheSwapToTheNewKey)
{
    const auto d = parent::decide(input({server("ns1", {cds_of(ksk2), cdnskey_of(ksk2)})}));
    ASSERT_EQ(d.verdict, Verdict::Accepted) << d.reason;
    EXPECT_EQ(d.ds, std::vector<std::string>{rdata(ksk2)});
    EXPECT_NE(d.reason.find("removes " + std::to_string(ksk.keytag())), std::string::npos) << d.reason;
}

TEST_F(ParentAgent, RefusesCdsThatDiffersBetweenServers)
{
    const auto d = parent::decide(input({server("ns1", both()), server("ns2", {})}));
    EXPECT_EQ(d.verdict, Verdict::Refused);
    EXPECT_EQ(d.reason.rfind("CDS differs between ns1 (CDS ", 0), 0u) << d.reason;
    EXPECT_NE(d.reason.find("and ns2 (none)"), std::string::npos) << d.reason;
    EXPECT_EQ(d.ds, std::vector<std::string>{rdata(ksk)});
}

TEST_F(ParentAgent, RefusesAServerThatDoesNotAnswer)
{
    ServerAnswer down{"ns2", false, {}, {}, {}};
    const auto d = parent::decide(input({server("ns1", both()), down}));
    EXPECT_EQ(d.verdict, Verdict::Refused);
    EXPECT_EQ(d.reason.rfind("ns2 did not answer", 0), 0u) << d.reason;
}

TEST_F(ParentAgent, RefusesCdsSignedByTheZskOnly)
{
    const auto d = parent::decide(input({server("ns1", both(), &zsk)}));
    EXPECT_EQ(d.verdict, Verdict::Refused);
    EXPECT_EQ(d.reason.rfind("the CDS RRset on ns1 is not signed by a key in the DS set (signed by tag " +
                                 std::to_string(zsk.keytag()),
                             0),
              0u)
        << d.reason;
}

TEST_F(ParentAgent, RefusesCdsWhoseSignaturesHaveExpired)
{
    auto in = input({server("ns1", both())});
    in.now = now + Seconds(2 * 86400);
    const auto d = parent::decide(in);
    EXPECT_EQ(d.verdict, Verdict::Refused);
    EXPECT_NE(d.reason.find("not signed by a key in the DS set"), std::string::npos) << d.reason;
}

TEST_F(ParentAgent, RefusesCdsAndCdnskeyThatDisagree)
{
    const auto d = parent::decide(input({server("ns1", {cds_of(ksk), cdnskey_of(ksk), cds_of(ksk2)})}));
    EXPECT_EQ(d.verdict, Verdict::Refused);
    EXPECT_EQ(d.reason, "CDS and CDNSKEY disagree: CDS " + std::to_string(ksk2.keytag()) +
                            " has no CDNSKEY (RFC 7344 4.1)");
}

TEST_F(ParentAgent, RefusesADsSetThatWouldBreakTheChain)
{
    // ksk2 is listed in CDS but is not in the DNSKEY set.
    const auto d = parent::decide(input({server("ns1", {cds_of(ksk2), cdnskey_of(ksk2)}, nullptr, false)}));
    EXPECT_EQ(d.verdict, Verdict::Refused);
    EXPECT_NE(d.reason.find("would break the chain"), std::string::npos) << d.reason;
}

TEST_F(ParentAgent, DeleteSignalFollowsThePolicy)
{
    const std::vector<std::string> del{"example.com. 3600 IN CDS 0 0 0 00", "example.com. 3600 IN CDNSKEY 0 3 0 AA=="};
    auto in = input({server("ns1", del), server("ns2", del)});
    auto d = parent::decide(in);
    ASSERT_EQ(d.verdict, Verdict::Accepted) << d.reason;
    EXPECT_TRUE(d.delete_signal);
    EXPECT_TRUE(d.ds.empty());
    in.on_delete = scenario::DeletePolicy::Refuse;
    d = parent::decide(in);
    EXPECT_EQ(d.verdict, Verdict::Refused);
    EXPECT_EQ(d.reason, "delete signal (RFC 8078 4): refused by the parent's policy (delete: refuse)");
    EXPECT_EQ(d.ds, std::vector<std::string>{rdata(ksk)});
    // Once the DS has gone, the signal asks for nothing more.
    in.on_delete = scenario::DeletePolicy::Accept;
    in.ds.clear();
    d = parent::decide(in);
    EXPECT_EQ(d.verdict, Verdict::Unchanged) << d.reason;
}

TEST_F(ParentAgent, WithoutADsNothingCanBeAuthenticated)
{
    auto in = input({server("ns1", both())});
    in.ds.clear();
    const auto d = parent::decide(in);
    EXPECT_EQ(d.verdict, Verdict::Refused);
    EXPECT_NE(d.reason.find("bootstrapping is not modelled"), std::string::npos) << d.reason;
}
