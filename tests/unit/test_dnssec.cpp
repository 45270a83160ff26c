// Keys, DS records and the in-process zone signer (dnssec/key.hpp, dnssec/signer.hpp), parallel
// and incremental (dnssec/incremental.hpp).
#include "core/time.hpp"
#include "dns/ldns_ptr.hpp"
#include "dnssec/incremental.hpp"
#include "dnssec/key.hpp"
#include "core/parallel.hpp"
#include "dnssec/signer.hpp"

#include <gtest/gtest.h>
#include <ldns/ldns.h>

#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace rollsim::dnssec {
namespace {

using scenario::Algorithm;

using dns::CharPtr;
using dns::RrListPtr;  // shallow
using dns::RrPtr;

RrPtr parse_rr(const std::string& text)
{
    ldns_rr* rr = nullptr;
    const ldns_status status = ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr);
    RrPtr out(rr);
    if (status != LDNS_STATUS_OK || !out)
        throw std::runtime_error("test could not parse '" + text + "': " + ldns_get_errorstr_by_id(status));
    return out;
}

std::string name_of(const ldns_rdf* rdf)
{
    CharPtr text(ldns_rdf2str(rdf));
    return text ? text.get() : "";
}

TimePoint at(const char* text)
{
    const auto t = parse_time(text);
    if (!t) throw std::runtime_error(std::string("bad time ") + text);
    return *t;
}

time_t epoch(TimePoint t)
{
    return static_cast<time_t>(t.time_since_epoch().count());
}

// ------------------------------------------------------------------------------------------
// Keys

struct KeyCase {
    Algorithm algorithm;
    int bits;
    std::uint16_t flags;
};

// Named output for test listings (and no printing of the struct's padding bytes).
void PrintTo(const KeyCase& c, std::ostream* os)
{
    *os << "algorithm " << static_cast<int>(c.algorithm) << ", " << c.bits << " bits, flags " << c.flags;
}

class KeyGeneration : public ::testing::TestWithParam<KeyCase> {};

TEST_P(KeyGeneration, DnskeyRecordMatchesFlagsAndKeyTag)
{
    const KeyCase& c = GetParam();
    const Key key = Key::generate("example.com.", c.algorithm, c.flags, c.bits);
    EXPECT_EQ(key.owner(), "example.com.");
    EXPECT_EQ(key.algorithm(), c.algorithm);
    EXPECT_EQ(key.flags(), c.flags);
    ASSERT_NE(key.ldns(), nullptr);

    const std::string text = key.dnskey_rr(3600);
    EXPECT_EQ(text.find(';'), std::string::npos) << "no ldns comments in the record: " << text;
    EXPECT_EQ(text.find('\n'), std::string::npos);
    const RrPtr rr = parse_rr(text);
    EXPECT_EQ(ldns_rr_get_type(rr.get()), LDNS_RR_TYPE_DNSKEY);
    EXPECT_EQ(ldns_rr_ttl(rr.get()), 3600u);
    EXPECT_EQ(ldns_rr_get_class(rr.get()), LDNS_RR_CLASS_IN);
    EXPECT_EQ(name_of(ldns_rr_owner(rr.get())), "example.com.");
    EXPECT_EQ(ldns_rdf2native_int16(ldns_rr_dnskey_flags(rr.get())), c.flags);
    EXPECT_EQ(ldns_rdf2native_int8(ldns_rr_dnskey_algorithm(rr.get())), static_cast<int>(c.algorithm));
    // RFC 4034 appendix B: the key tag is computed over the DNSKEY RDATA.
    EXPECT_EQ(key.keytag(), ldns_calc_keytag(rr.get()));
    if (c.algorithm == Algorithm::RSASHA256) {
        EXPECT_EQ(ldns_rr_dnskey_key_size(rr.get()), static_cast<std::size_t>(c.bits == 0 ? 2048 : c.bits));
    }
}

INSTANTIATE_TEST_SUITE_P(
    Algorithms, KeyGeneration,
    ::testing::Values(KeyCase{Algorithm::ECDSAP256SHA256, 0, kFlagZone | kFlagSep},
                      KeyCase{Algorithm::ECDSAP256SHA256, 0, kFlagZone},
                      KeyCase{Algorithm::RSASHA256, 2048, kFlagZone | kFlagSep},
                      KeyCase{Algorithm::ED25519, 0, kFlagZone},
                      KeyCase{Algorithm::ECDSAP384SHA384, 0, kFlagZone | kFlagSep}),
    [](const ::testing::TestParamInfo<KeyCase>& info) {
        return "alg" + std::to_string(static_cast<int>(info.param.algorithm)) + "_flags" +
               std::to_string(info.param.flags);
    });

TEST(Key, GeneratesDistinctKeys)
{
    const Key a = Key::generate("example.com.", Algorithm::ECDSAP256SHA256, kFlagZone);
    const Key b = Key::generate("example.com.", Algorithm::ECDSAP256SHA256, kFlagZone);
    EXPECT_NE(a.dnskey_rr(300), b.dnskey_rr(300));
}

TEST(Key, RevokeFlagChangesKeyTag)
{
    Key key = Key::generate("example.com.", Algorithm::ECDSAP256SHA256, kFlagZone | kFlagSep);
    const std::uint16_t before = key.keytag();
    key.set_flags(kFlagZone | kFlagSep | kFlagRevoke);
    EXPECT_EQ(key.flags(), kFlagZone | kFlagSep | kFlagRevoke);
    EXPECT_NE(key.keytag(), before);  // RFC 5011 2.1
    const RrPtr rr = parse_rr(key.dnskey_rr(3600));
    EXPECT_EQ(ldns_rdf2native_int16(ldns_rr_dnskey_flags(rr.get())), 385);
    EXPECT_EQ(key.keytag(), ldns_calc_keytag(rr.get()));
    // The DS for the revoked key carries the new tag too.
    EXPECT_EQ(key.ds().keytag, key.keytag());
}

TEST(Key, MoveKeepsTheKey)
{
    Key a = Key::generate("example.com.", Algorithm::ED25519, kFlagZone);
    const std::string text = a.dnskey_rr(60);
    Key b = std::move(a);
    EXPECT_EQ(b.dnskey_rr(60), text);
    Key c = Key::generate("example.org.", Algorithm::ED25519, kFlagZone);
    c = std::move(b);
    EXPECT_EQ(c.dnskey_rr(60), text);
}

TEST(Key, RejectsBadInput)
{
    EXPECT_THROW(Key::generate("example.com", Algorithm::ED25519, kFlagZone), std::invalid_argument);
    EXPECT_THROW(Key::generate("example.com.", Algorithm::RSASHA256, kFlagZone, 100), std::invalid_argument);
    EXPECT_THROW(Key::generate("example.com.", static_cast<Algorithm>(5), kFlagZone), std::invalid_argument);
}

TEST(Ds, DigestMatchesTheDnskey)
{
    const Key key = Key::generate("example.com.", Algorithm::ECDSAP256SHA256, kFlagZone | kFlagSep);
    const RrPtr dnskey = parse_rr(key.dnskey_rr(3600));
    for (const auto& [type, size] : std::vector<std::pair<std::uint8_t, std::size_t>>{{1, 20}, {2, 32}, {4, 48}}) {
        SCOPED_TRACE("digest type " + std::to_string(type));
        const DsData ds = key.ds(type);
        EXPECT_EQ(ds.keytag, key.keytag());
        EXPECT_EQ(ds.algorithm, 13);
        EXPECT_EQ(ds.digest_type, type);
        EXPECT_EQ(ds.digest.size(), size);
        const RrPtr ds_rr = parse_rr(ds.to_rr("example.com.", 3600));
        EXPECT_TRUE(ldns_rr_compare_ds(ds_rr.get(), dnskey.get()));

        // A fault edits the digest: the DS no longer matches.
        DsData broken = ds;
        broken.digest[0] ^= 0xff;
        const RrPtr broken_rr = parse_rr(broken.to_rr("example.com.", 3600));
        EXPECT_FALSE(ldns_rr_compare_ds(broken_rr.get(), dnskey.get()));
    }
    EXPECT_EQ(key.ds().digest_type, 2);
    EXPECT_THROW((void)key.ds(3), std::invalid_argument);
}

TEST(Ds, PresentationFormat)
{
    DsData ds;
    ds.keytag = 12345;
    ds.algorithm = 13;
    ds.digest_type = 2;
    ds.digest = {0xab, 0xcd, 0x01, 0xef};
    EXPECT_EQ(ds.to_rr("example.com.", 3600), "example.com. 3600 IN DS 12345 13 2 ABCD01EF");
}

// ------------------------------------------------------------------------------------------
// The signer

// The signed zone parsed back: RRsets by (owner, type), RRSIGs by (owner, covered type).
struct ParsedZone {
    std::vector<RrPtr> arena;
    std::vector<ldns_rr*> in_order;
    std::map<std::pair<std::string, int>, std::vector<ldns_rr*>> rrsets;
    std::map<std::pair<std::string, int>, std::vector<ldns_rr*>> sigs;
    std::vector<ldns_rr*> dnskeys;

    explicit ParsedZone(const SignedZone& zone)
    {
        for (const std::string& line : zone.records()) {
            RrPtr rr = parse_rr(line);
            ldns_rr* p = rr.get();
            arena.push_back(std::move(rr));
            in_order.push_back(p);
            const std::string owner = name_of(ldns_rr_owner(p));
            const int type = ldns_rr_get_type(p);
            if (type == LDNS_RR_TYPE_RRSIG)
                sigs[{owner, ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(p))}].push_back(p);
            else
                rrsets[{owner, type}].push_back(p);
            if (type == LDNS_RR_TYPE_DNSKEY) dnskeys.push_back(p);
        }
    }

    bool has(const std::string& owner, int type) const { return rrsets.count({owner, type}) != 0; }

    std::multiset<std::uint16_t> signer_tags(const std::string& owner, int type) const
    {
        std::multiset<std::uint16_t> tags;
        auto it = sigs.find({owner, type});
        if (it == sigs.end()) return tags;
        for (const ldns_rr* sig : it->second) tags.insert(ldns_rdf2native_int16(ldns_rr_rrsig_keytag(sig)));
        return tags;
    }

    // Verifies every RRSIG against its RRset with the zone's DNSKEYs at `when`; returns the
    // statuses that were not OK, as "owner/type: error".
    std::vector<std::string> verify_all(time_t when) const
    {
        std::vector<std::string> failures;
        RrListPtr keys(ldns_rr_list_new());
        for (ldns_rr* k : dnskeys) ldns_rr_list_push_rr(keys.get(), k);
        for (const auto& [id, signatures] : sigs) {
            auto set = rrsets.find(id);
            if (set == rrsets.end()) {
                failures.push_back(id.first + "/" + std::to_string(id.second) + ": RRSIG without RRset");
                continue;
            }
            RrListPtr rrset(ldns_rr_list_new());
            for (ldns_rr* rr : set->second) ldns_rr_list_push_rr(rrset.get(), rr);
            for (const ldns_rr* sig : signatures) {
                RrListPtr good(ldns_rr_list_new());
                const ldns_status status =
                    ldns_verify_rrsig_keylist_time(rrset.get(), sig, keys.get(), when, good.get());
                if (status != LDNS_STATUS_OK)
                    failures.push_back(id.first + "/" + std::to_string(id.second) + ": " +
                                       ldns_get_errorstr_by_id(status));
            }
        }
        return failures;
    }
};

constexpr const char* kOrigin = "example.com.";

std::vector<std::string> small_zone_records(const Key& ksk, const Key& zsk, const Key& child_ksk)
{
    return {
        "example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 2027030100 3600 900 1209600 300",
        "example.com. 3600 IN NS ns1.example.com.",
        "ns1.example.com. 300 IN A 192.0.2.1",
        "www.example.com. 300 IN A 192.0.2.80",
        "www.example.com. 300 IN A 192.0.2.81",
        "sub.example.com. 3600 IN NS ns1.sub.example.com.",
        "ns1.sub.example.com. 3600 IN A 192.0.2.53",
        child_ksk.ds().to_rr("sub.example.com.", 3600),
        zsk.dnskey_rr(3600),
        ksk.dnskey_rr(3600),
    };
}

// Writes the zone to a temp file and runs ldns-verify-zone at `when`; returns its exit
// status, or -1 when the tool is missing.
int ldns_verify_zone(const SignedZone& zone, TimePoint when)
{
    if (std::system("command -v ldns-verify-zone >/dev/null 2>&1") != 0) return -1;
    std::string path = ::testing::TempDir() + "rollsim-signed-XXXXXX";
    const int fd = mkstemp(path.data());
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    close(fd);
    {
        std::ofstream out(path);
        out << zone.text();
    }
    const std::string command =
        "ldns-verify-zone -V 0 -t " + format_rrsig_time(when) + " '" + path + "' >/dev/null 2>&1";
    const int status = std::system(command.c_str());
    std::filesystem::remove(path);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

class SignZone : public ::testing::Test {
protected:
    SignZone()
        : m_ksk(Key::generate(kOrigin, Algorithm::ECDSAP256SHA256, kFlagZone | kFlagSep)),
          m_zsk(Key::generate(kOrigin, Algorithm::ECDSAP256SHA256, kFlagZone)),
          m_child_ksk(Key::generate("sub.example.com.", Algorithm::ECDSAP256SHA256, kFlagZone | kFlagSep))
    {
        m_request.origin = kOrigin;
        m_request.records = small_zone_records(m_ksk, m_zsk, m_child_ksk);
        m_request.dnskey_signers = {&m_ksk};
        m_request.zone_signers = {&m_zsk};
        m_request.inception = m_now - std::chrono::hours(1);
        m_request.expiration = m_now + std::chrono::days(14);
        m_request.nsec_ttl = 300;
    }

    const TimePoint m_now = at("2027-03-01T00:00:00Z");
    Key m_ksk;
    Key m_zsk;
    Key m_child_ksk;
    SignRequest m_request;
};

TEST_F(SignZone, SignsEveryAuthoritativeRrsetWithTheRightKeys)
{
    const SignedZone zone = sign_zone(m_request);
    const ParsedZone parsed(zone);
    const std::multiset<std::uint16_t> ksk{m_ksk.keytag()};
    const std::multiset<std::uint16_t> zsk{m_zsk.keytag()};

    // RFC 4035 2.1/2.2: the DNSKEY RRset by the KSK only, the rest by the ZSK.
    EXPECT_EQ(parsed.signer_tags("example.com.", LDNS_RR_TYPE_DNSKEY), ksk);
    for (const auto& [owner, type] : std::vector<std::pair<std::string, int>>{
             {"example.com.", LDNS_RR_TYPE_SOA},
             {"example.com.", LDNS_RR_TYPE_NS},
             {"example.com.", LDNS_RR_TYPE_NSEC},
             {"ns1.example.com.", LDNS_RR_TYPE_A},
             {"ns1.example.com.", LDNS_RR_TYPE_NSEC},
             {"www.example.com.", LDNS_RR_TYPE_A},
             {"www.example.com.", LDNS_RR_TYPE_NSEC},
             {"sub.example.com.", LDNS_RR_TYPE_DS},
             {"sub.example.com.", LDNS_RR_TYPE_NSEC},
         }) {
        EXPECT_TRUE(parsed.has(owner, type)) << owner << " " << type;
        EXPECT_EQ(parsed.signer_tags(owner, type), zsk) << owner << " " << type;
    }

    // The delegation NS and the glue are in the zone but unsigned and outside the chain.
    EXPECT_TRUE(parsed.has("sub.example.com.", LDNS_RR_TYPE_NS));
    EXPECT_TRUE(parsed.signer_tags("sub.example.com.", LDNS_RR_TYPE_NS).empty());
    EXPECT_TRUE(parsed.has("ns1.sub.example.com.", LDNS_RR_TYPE_A));
    EXPECT_TRUE(parsed.signer_tags("ns1.sub.example.com.", LDNS_RR_TYPE_A).empty());
    EXPECT_FALSE(parsed.has("ns1.sub.example.com.", LDNS_RR_TYPE_NSEC));

    // Every RRSIG carries the request's times, the signer name and the owner's label count.
    for (const auto& [id, signatures] : parsed.sigs) {
        for (const ldns_rr* sig : signatures) {
            EXPECT_EQ(ldns_rdf2native_time_t(ldns_rr_rrsig_inception(sig)), epoch(m_request.inception));
            EXPECT_EQ(ldns_rdf2native_time_t(ldns_rr_rrsig_expiration(sig)), epoch(m_request.expiration));
            EXPECT_EQ(name_of(ldns_rr_rrsig_signame(sig)), "example.com.");
            // RFC 4034 3: the RRSIG TTL equals the TTL of the RRset it covers.
            EXPECT_EQ(ldns_rr_ttl(sig), ldns_rr_ttl(parsed.rrsets.at(id).front()));
        }
    }

    // The caller's keys keep no signing times.
    EXPECT_EQ(ldns_key_inception(m_ksk.ldns()), 0u);
    EXPECT_EQ(ldns_key_expiration(m_zsk.ldns()), 0u);
}

TEST_F(SignZone, NsecChainIsClosedAndCorrect)
{
    const ParsedZone parsed(sign_zone(m_request));
    // Canonical order (RFC 4034 6.1) of the authoritative names; ns1.sub is glue.
    const std::vector<std::string> chain = {"example.com.", "ns1.example.com.", "sub.example.com.",
                                            "www.example.com."};
    std::size_t nsec_count = 0;
    for (const auto& [id, rrs] : parsed.rrsets)
        if (id.second == LDNS_RR_TYPE_NSEC) nsec_count += rrs.size();
    EXPECT_EQ(nsec_count, chain.size());

    for (std::size_t i = 0; i < chain.size(); ++i) {
        SCOPED_TRACE(chain[i]);
        const auto it = parsed.rrsets.find({chain[i], LDNS_RR_TYPE_NSEC});
        ASSERT_NE(it, parsed.rrsets.end());
        ASSERT_EQ(it->second.size(), 1u);
        const ldns_rr* nsec = it->second.front();
        EXPECT_EQ(ldns_rr_ttl(nsec), 300u);
        EXPECT_EQ(name_of(ldns_rr_rdf(nsec, 0)), chain[(i + 1) % chain.size()]);
    }

    const auto bitmap_types = [&](const std::string& owner) {
        const ldns_rdf* bitmap = ldns_rr_rdf(parsed.rrsets.at({owner, LDNS_RR_TYPE_NSEC}).front(), 1);
        std::set<int> types;
        for (int t : {LDNS_RR_TYPE_A, LDNS_RR_TYPE_NS, LDNS_RR_TYPE_SOA, LDNS_RR_TYPE_DS, LDNS_RR_TYPE_RRSIG,
                      LDNS_RR_TYPE_NSEC, LDNS_RR_TYPE_DNSKEY, LDNS_RR_TYPE_AAAA, LDNS_RR_TYPE_TXT})
            if (ldns_nsec_bitmap_covers_type(bitmap, static_cast<ldns_rr_type>(t))) types.insert(t);
        return types;
    };
    EXPECT_EQ(bitmap_types("example.com."),
              (std::set<int>{LDNS_RR_TYPE_NS, LDNS_RR_TYPE_SOA, LDNS_RR_TYPE_RRSIG, LDNS_RR_TYPE_NSEC,
                             LDNS_RR_TYPE_DNSKEY}));
    EXPECT_EQ(bitmap_types("ns1.example.com."),
              (std::set<int>{LDNS_RR_TYPE_A, LDNS_RR_TYPE_RRSIG, LDNS_RR_TYPE_NSEC}));
    EXPECT_EQ(bitmap_types("www.example.com."),
              (std::set<int>{LDNS_RR_TYPE_A, LDNS_RR_TYPE_RRSIG, LDNS_RR_TYPE_NSEC}));
    // RFC 4034 4.1.2: at a delegation point NS, DS and the parent's own NSEC/RRSIG only.
    EXPECT_EQ(bitmap_types("sub.example.com."),
              (std::set<int>{LDNS_RR_TYPE_NS, LDNS_RR_TYPE_DS, LDNS_RR_TYPE_RRSIG, LDNS_RR_TYPE_NSEC}));
}

TEST_F(SignZone, OutputIsCanonicalAndGroupedByOwner)
{
    // Shuffled, with a duplicate and upper-case owner: the output does not depend on input order.
    std::vector<std::string> records(m_request.records.rbegin(), m_request.records.rend());
    records.push_back("WWW.Example.COM. 300 IN A 192.0.2.80");
    m_request.records = records;
    const SignedZone zone = sign_zone(m_request);
    const ParsedZone parsed(zone);

    std::set<std::string> finished;
    const ldns_rdf* previous = nullptr;
    for (const ldns_rr* rr : parsed.in_order) {
        const ldns_rdf* owner = ldns_rr_owner(rr);
        if (previous && ldns_dname_compare(previous, owner) != 0) {
            EXPECT_LT(ldns_dname_compare(previous, owner), 0)
                << name_of(previous) << " before " << name_of(owner);
            finished.insert(name_of(previous));
        }
        EXPECT_EQ(finished.count(name_of(owner)), 0u) << name_of(owner) << " is not grouped";
        previous = owner;
    }
    EXPECT_EQ(parsed.rrsets.at({"www.example.com.", LDNS_RR_TYPE_A}).size(), 2u);  // duplicate dropped
    EXPECT_EQ(zone.records().front().rfind("example.com.\t300\tIN\tSOA", 0), 0u) << zone.records().front();

    const std::string text = zone.text();
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n');
    EXPECT_EQ(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')), zone.records().size());
    for (const std::string& line : zone.records()) {
        EXPECT_EQ(line.find('\n'), std::string::npos);
        EXPECT_NE(line.back(), ' ') << line;
    }
}

TEST_F(SignZone, SignaturesVerifyInsideTheWindowOnly)
{
    const ParsedZone parsed(sign_zone(m_request));
    EXPECT_EQ(parsed.sigs.size(), 10u);  // 9 ZSK-signed RRsets and the DNSKEY RRset
    const std::vector<std::string> inside = parsed.verify_all(epoch(m_now));
    EXPECT_TRUE(inside.empty()) << inside.front();
    EXPECT_TRUE(parsed.verify_all(epoch(m_request.expiration) - 60).empty());

    const std::vector<std::string> expired = parsed.verify_all(epoch(m_request.expiration) + 3600);
    EXPECT_EQ(expired.size(), 10u);
    for (const std::string& failure : expired) EXPECT_NE(failure.find("expired"), std::string::npos) << failure;

    const std::vector<std::string> early = parsed.verify_all(epoch(m_request.inception) - 3600);
    EXPECT_EQ(early.size(), 10u);
}

TEST_F(SignZone, LdnsVerifyZoneAgrees)
{
    const SignedZone zone = sign_zone(m_request);
    const int inside = ldns_verify_zone(zone, m_now);
    if (inside < 0) GTEST_SKIP() << "ldns-verify-zone is not installed";
    EXPECT_EQ(inside, 0) << zone.text();
    EXPECT_NE(ldns_verify_zone(zone, m_request.expiration + std::chrono::days(1)), 0);
}

TEST_F(SignZone, CskWithRsaAndRevokedKey)
{
    // One RSA CSK signs everything; a revoked key (RFC 5011) still signs the DNSKEY RRset.
    Key csk = Key::generate(kOrigin, Algorithm::RSASHA256, kFlagZone | kFlagSep, 2048);
    Key old = Key::generate(kOrigin, Algorithm::RSASHA256, kFlagZone | kFlagSep, 2048);
    old.set_flags(kFlagZone | kFlagSep | kFlagRevoke);
    m_request.records = {
        "example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 1 3600 900 1209600 300",
        "example.com. 3600 IN NS ns1.example.com.",
        "ns1.example.com. 300 IN A 192.0.2.1",
        csk.dnskey_rr(3600),
        old.dnskey_rr(3600),
    };
    std::string cds = csk.ds().to_rr(kOrigin, 3600);
    cds.replace(cds.find(" IN DS "), 7, " IN CDS ");
    m_request.records.push_back(cds);
    m_request.dnskey_signers = {&csk, &old};
    m_request.zone_signers = {&csk};
    const SignedZone zone = sign_zone(m_request);
    const ParsedZone parsed(zone);
    EXPECT_EQ(parsed.signer_tags("example.com.", LDNS_RR_TYPE_DNSKEY),
              (std::multiset<std::uint16_t>{csk.keytag(), old.keytag()}));
    // RFC 7344 4.1: CDS is signed like the DNSKEY RRset.
    EXPECT_EQ(parsed.signer_tags("example.com.", LDNS_RR_TYPE_CDS),
              (std::multiset<std::uint16_t>{csk.keytag(), old.keytag()}));
    EXPECT_EQ(parsed.signer_tags("example.com.", LDNS_RR_TYPE_SOA), (std::multiset<std::uint16_t>{csk.keytag()}));
    EXPECT_EQ(parsed.signer_tags("ns1.example.com.", LDNS_RR_TYPE_A), (std::multiset<std::uint16_t>{csk.keytag()}));
    const std::vector<std::string> failures = parsed.verify_all(epoch(m_now));
    EXPECT_TRUE(failures.empty()) << failures.front();
}

TEST_F(SignZone, SameKeysCanSignRepeatedly)
{
    const SignedZone a = sign_zone(m_request);
    m_request.inception += std::chrono::days(7);
    m_request.expiration += std::chrono::days(7);
    const SignedZone b = sign_zone(m_request);
    ASSERT_EQ(a.records().size(), b.records().size());
    const ParsedZone parsed(b);
    EXPECT_TRUE(parsed.verify_all(epoch(m_now + std::chrono::days(7))).empty());
    EXPECT_FALSE(parsed.verify_all(epoch(m_now)).empty());  // not yet incepted
}

TEST_F(SignZone, RejectsRecordsThatDoNotParse)
{
    m_request.records.push_back("www.example.com. 300 IN A not-an-address");
    try {
        sign_zone(m_request);
        FAIL() << "no exception";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("www.example.com. 300 IN A not-an-address"), std::string::npos)
            << e.what();
    }
    m_request.records.back() = "www.example.com. 300 IN BOGUSTYPE 1";
    EXPECT_THROW(sign_zone(m_request), std::invalid_argument);
    m_request.records.back() = "www 300 IN A 192.0.2.1";  // relative owner
    EXPECT_THROW(sign_zone(m_request), std::invalid_argument);
    m_request.records.back() = "";
    EXPECT_THROW(sign_zone(m_request), std::invalid_argument);
}

TEST_F(SignZone, RejectsRecordsOutsideTheZone)
{
    m_request.records.push_back("www.example.org. 300 IN A 192.0.2.1");
    try {
        sign_zone(m_request);
        FAIL() << "no exception";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("www.example.org."), std::string::npos) << e.what();
    }
    m_request.records.back() = "com. 300 IN A 192.0.2.1";  // the parent
    EXPECT_THROW(sign_zone(m_request), std::invalid_argument);
    m_request.records.back() = "notexample.com. 300 IN A 192.0.2.1";  // shares a suffix only
    EXPECT_THROW(sign_zone(m_request), std::invalid_argument);
}

TEST_F(SignZone, RejectsSignerMadeRecordsAndBadTimes)
{
    SignRequest request = m_request;
    request.records.push_back("www.example.com. 300 IN NSEC example.com. A RRSIG NSEC");
    EXPECT_THROW(sign_zone(request), std::invalid_argument);
    request = m_request;
    request.expiration = request.inception;
    EXPECT_THROW(sign_zone(request), std::invalid_argument);
}

TEST(SignRootZone, SignsTheRoot)
{
    const Key ksk = Key::generate(".", Algorithm::ECDSAP256SHA256, kFlagZone | kFlagSep);
    const Key zsk = Key::generate(".", Algorithm::ED25519, kFlagZone);
    const Key com_ksk = Key::generate("com.", Algorithm::ECDSAP256SHA256, kFlagZone | kFlagSep);
    const TimePoint now = at("2027-03-01T00:00:00Z");
    SignRequest request;
    request.origin = ".";
    request.records = {
        ". 86400 IN SOA ns1.root-servers.rollsim. hostmaster.root-servers.rollsim. 1 1800 900 604800 86400",
        ". 3600 IN NS ns1.root-servers.rollsim.",
        "ns1.root-servers.rollsim. 3600 IN A 10.53.0.1",
        "com. 3600 IN NS ns1.com.",
        "ns1.com. 3600 IN A 10.53.0.2",
        com_ksk.ds().to_rr("com.", 3600),
        "test. 3600 IN NS ns1.test.",
        "ns1.test. 3600 IN A 10.53.0.3",
        ksk.dnskey_rr(3600),
        zsk.dnskey_rr(3600),
    };
    request.dnskey_signers = {&ksk};
    request.zone_signers = {&zsk};
    request.inception = now - std::chrono::hours(1);
    request.expiration = now + std::chrono::days(14);
    request.nsec_ttl = 86400;

    const SignedZone zone = sign_zone(request);
    const ParsedZone parsed(zone);
    const std::multiset<std::uint16_t> z{zsk.keytag()};
    EXPECT_EQ(parsed.signer_tags(".", LDNS_RR_TYPE_DNSKEY), (std::multiset<std::uint16_t>{ksk.keytag()}));
    EXPECT_EQ(parsed.signer_tags(".", LDNS_RR_TYPE_SOA), z);
    EXPECT_EQ(parsed.signer_tags("ns1.root-servers.rollsim.", LDNS_RR_TYPE_A), z);
    EXPECT_EQ(parsed.signer_tags("com.", LDNS_RR_TYPE_DS), z);
    EXPECT_TRUE(parsed.signer_tags("com.", LDNS_RR_TYPE_NS).empty());
    EXPECT_TRUE(parsed.signer_tags("test.", LDNS_RR_TYPE_NS).empty());
    EXPECT_TRUE(parsed.signer_tags("ns1.com.", LDNS_RR_TYPE_A).empty());
    EXPECT_TRUE(parsed.signer_tags("ns1.test.", LDNS_RR_TYPE_A).empty());
    EXPECT_FALSE(parsed.has("ns1.com.", LDNS_RR_TYPE_NSEC));
    EXPECT_FALSE(parsed.has("ns1.test.", LDNS_RR_TYPE_NSEC));

    // ". -> com. -> ns1.root-servers.rollsim. -> test. -> ."
    const std::vector<std::string> chain = {".", "com.", "ns1.root-servers.rollsim.", "test."};
    for (std::size_t i = 0; i < chain.size(); ++i) {
        const auto& nsec = parsed.rrsets.at({chain[i], LDNS_RR_TYPE_NSEC});
        ASSERT_EQ(nsec.size(), 1u);
        EXPECT_EQ(name_of(ldns_rr_rdf(nsec.front(), 0)), chain[(i + 1) % chain.size()]);
        EXPECT_EQ(ldns_rr_ttl(nsec.front()), 86400u);
    }
    const ldns_rdf* test_bitmap = ldns_rr_rdf(parsed.rrsets.at({"test.", LDNS_RR_TYPE_NSEC}).front(), 1);
    EXPECT_FALSE(ldns_nsec_bitmap_covers_type(test_bitmap, LDNS_RR_TYPE_DS));  // insecure delegation
    EXPECT_TRUE(ldns_nsec_bitmap_covers_type(test_bitmap, LDNS_RR_TYPE_NS));

    const std::vector<std::string> failures = parsed.verify_all(epoch(now));
    EXPECT_TRUE(failures.empty()) << failures.front();
    const int verified = ldns_verify_zone(zone, now);
    if (verified >= 0) {
        EXPECT_EQ(verified, 0) << zone.text();
    }
}

// ------------------------------------------------------------------------------------------
// Twins of keys and DS data for any DNSKEY

TEST(Key, WithFlagsMakesTheRevokedTwin)
{
    for (const Algorithm algorithm : {Algorithm::ECDSAP256SHA256, Algorithm::RSASHA256, Algorithm::ED25519}) {
        SCOPED_TRACE("algorithm " + std::to_string(static_cast<int>(algorithm)));
        std::optional<Key> original = Key::generate(kOrigin, algorithm, kFlagZone | kFlagSep, 1024);
        const std::string original_text = original->dnskey_rr(3600);
        const std::uint16_t original_tag = original->keytag();
        const Key twin = original->with_flags(kFlagZone | kFlagSep | kFlagRevoke);

        EXPECT_EQ(twin.flags(), kFlagZone | kFlagSep | kFlagRevoke);
        EXPECT_EQ(twin.owner(), original->owner());
        EXPECT_EQ(twin.algorithm(), algorithm);
        EXPECT_NE(twin.keytag(), original_tag);  // RFC 5011 2.1
        // The original is untouched.
        EXPECT_EQ(original->flags(), kFlagZone | kFlagSep);
        EXPECT_EQ(original->keytag(), original_tag);
        EXPECT_EQ(original->dnskey_rr(3600), original_text);

        const RrPtr twin_rr = parse_rr(twin.dnskey_rr(3600));
        const RrPtr original_rr = parse_rr(original_text);
        EXPECT_EQ(ldns_rdf2native_int16(ldns_rr_dnskey_flags(twin_rr.get())), kFlagZone | kFlagSep | kFlagRevoke);
        EXPECT_EQ(twin.keytag(), ldns_calc_keytag(twin_rr.get()));
        // Same key material: the public key fields are identical.
        EXPECT_EQ(ldns_rdf_compare(ldns_rr_dnskey_key(twin_rr.get()), ldns_rr_dnskey_key(original_rr.get())), 0);
        EXPECT_EQ(twin.ds().keytag, twin.keytag());

        // Each owns its share of the key: the twin outlives the original and still signs.
        original.reset();
        const TimePoint now = at("2027-03-01T00:00:00Z");
        SignRequest request;
        request.origin = kOrigin;
        request.records = {
            "example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 1 3600 900 1209600 300",
            "example.com. 3600 IN NS ns1.example.com.",
            "ns1.example.com. 300 IN A 192.0.2.1",
            original_text,
            twin.dnskey_rr(3600),
        };
        request.dnskey_signers = {&twin};
        request.zone_signers = {&twin};
        request.inception = now - std::chrono::hours(1);
        request.expiration = now + std::chrono::days(14);
        const ParsedZone parsed(sign_zone(request));
        EXPECT_EQ(parsed.signer_tags(kOrigin, LDNS_RR_TYPE_DNSKEY), (std::multiset<std::uint16_t>{twin.keytag()}));
        EXPECT_EQ(parsed.signer_tags("ns1.example.com.", LDNS_RR_TYPE_A),
                  (std::multiset<std::uint16_t>{twin.keytag()}));
        const std::vector<std::string> failures = parsed.verify_all(epoch(now));
        EXPECT_TRUE(failures.empty()) << failures.front();
    }
}

TEST(Key, WithFlagsChainsAndMoves)
{
    const Key key = Key::generate(kOrigin, Algorithm::ECDSAP256SHA256, kFlagZone);
    Key a = key.with_flags(kFlagZone | kFlagSep);
    Key b = a.with_flags(kFlagZone);  // back to the original flags: the original tag
    EXPECT_EQ(b.keytag(), key.keytag());
    EXPECT_EQ(b.dnskey_rr(60), key.dnskey_rr(60));
    Key c = std::move(a);
    EXPECT_EQ(c.flags(), kFlagZone | kFlagSep);
    b = std::move(c);  // frees b's share, keeps a's
    EXPECT_EQ(b.flags(), kFlagZone | kFlagSep);
    b.set_flags(kFlagZone | kFlagRevoke);  // a twin's flags change alone
    EXPECT_EQ(key.flags(), kFlagZone);
    EXPECT_NE(b.keytag(), key.keytag());
}

// `text` with the DNSKEY algorithm field (the third RDATA field) replaced.
std::string with_dnskey_algorithm(const std::string& text, int algorithm)
{
    RrPtr rr = parse_rr(text);
    ldns_rdf* old = ldns_rr_set_rdf(rr.get(), ldns_native2rdf_int8(LDNS_RDF_TYPE_ALG, static_cast<std::uint8_t>(algorithm)), 2);
    ldns_rdf_deep_free(old);
    return dns::rr_to_string(rr.get());
}

TEST(Ds, OfDnskeyText)
{
    const Key key = Key::generate(kOrigin, Algorithm::ECDSAP256SHA256, kFlagZone | kFlagSep);
    for (const std::uint8_t type : {1, 2, 4}) {
        SCOPED_TRACE("digest type " + std::to_string(type));
        const DsData expected = key.ds(type);
        const DsData got = ds_of_dnskey(key.dnskey_rr(3600), type);
        EXPECT_EQ(got.keytag, expected.keytag);
        EXPECT_EQ(got.algorithm, expected.algorithm);
        EXPECT_EQ(got.digest_type, expected.digest_type);
        EXPECT_EQ(got.digest, expected.digest);
    }
    EXPECT_EQ(ds_of_dnskey(key.dnskey_rr(3600)).digest, key.ds().digest);  // SHA-256 by default
    // The owner name is digested in canonical form (RFC 4034 5.1.4).
    std::string upper = key.dnskey_rr(3600);
    upper.replace(0, std::string("example.com.").size(), "EXAMPLE.com.");
    EXPECT_EQ(ds_of_dnskey(upper).digest, key.ds().digest);

    // A relabelled DNSKEY: its own algorithm, tag and digest.
    const std::string relabelled = with_dnskey_algorithm(key.dnskey_rr(3600), 253);
    const DsData ds = ds_of_dnskey(relabelled);
    EXPECT_EQ(ds.algorithm, 253);
    const RrPtr relabelled_rr = parse_rr(relabelled);
    EXPECT_EQ(ds.keytag, ldns_calc_keytag(relabelled_rr.get()));
    EXPECT_NE(ds.keytag, key.keytag());
    EXPECT_NE(ds.digest, key.ds().digest);
    const RrPtr ds_rr = parse_rr(ds.to_rr(kOrigin, 3600));
    EXPECT_TRUE(ldns_rr_compare_ds(ds_rr.get(), relabelled_rr.get()));

    EXPECT_THROW((void)ds_of_dnskey("example.com. 300 IN A 192.0.2.1"), std::invalid_argument);
    EXPECT_THROW((void)ds_of_dnskey("not a record"), std::invalid_argument);
    EXPECT_THROW((void)ds_of_dnskey(key.dnskey_rr(3600), 3), std::invalid_argument);
}

// ------------------------------------------------------------------------------------------
// NSEC3

// "<base32hex of the NSEC3 hash>.example.com." (RFC 5155 5), computed here independently.
std::string nsec3_owner(const std::string& name, std::uint16_t iterations, const std::vector<std::uint8_t>& salt)
{
    ldns_rdf* raw = ldns_dname_new_frm_str(name.c_str());
    dns::RdfPtr dname(raw);
    dns::RdfPtr hash(ldns_nsec3_hash_name(dname.get(), 1, iterations, static_cast<std::uint8_t>(salt.size()),
                                          salt.data()));
    std::string label = name_of(hash.get());
    label.pop_back();  // the trailing dot of a one-label name
    return label + "." + kOrigin;
}

// The salt of an NSEC3 record. ldns_nsec3_salt_data() hands out a malloc'd copy each call.
std::vector<std::uint8_t> salt_of(const ldns_rr* nsec3)
{
    const dns::MallocPtr<std::uint8_t> data(ldns_nsec3_salt_data(nsec3));
    if (!data) return {};
    return std::vector<std::uint8_t>(data.get(), data.get() + ldns_nsec3_salt_length(nsec3));
}

std::string first_label(const std::string& name)
{
    return name.substr(0, name.find('.'));
}

std::set<int> covered_types(const ldns_rdf* bitmap)
{
    std::set<int> types;
    if (!bitmap) return types;
    for (int t = 1; t < 300; ++t)
        if (ldns_nsec_bitmap_covers_type(bitmap, static_cast<ldns_rr_type>(t))) types.insert(t);
    return types;
}

// The NSEC3 records of a zone in hash order.
std::vector<const ldns_rr*> nsec3_chain(const ParsedZone& parsed)
{
    std::vector<const ldns_rr*> chain;
    for (const auto& [id, rrs] : parsed.rrsets)
        if (id.second == LDNS_RR_TYPE_NSEC3) chain.insert(chain.end(), rrs.begin(), rrs.end());
    std::sort(chain.begin(), chain.end(), [](const ldns_rr* a, const ldns_rr* b) {
        return ldns_dname_compare(ldns_rr_owner(a), ldns_rr_owner(b)) < 0;
    });
    return chain;
}

std::string next_hash(const ldns_rr* nsec3)
{
    std::string text = name_of(ldns_nsec3_next_owner(nsec3));
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

class SignZoneNsec3 : public SignZone {
protected:
    SignZoneNsec3()
    {
        m_request.denial = scenario::Denial::Nsec3;
        m_request.nsec3_iterations = 5;
        m_request.nsec3_salt = "AABBCCDD";
        // Empty non-terminals: b. (one level), ent. and deep.ent. (two), ent2. (above an
        // insecure delegation, RFC 5155 7.1).
        m_request.records.push_back("a.b.example.com. 300 IN A 192.0.2.9");
        m_request.records.push_back("host.deep.ent.example.com. 300 IN TXT \"deep\"");
        m_request.records.push_back("insec.ent2.example.com. 3600 IN NS ns.insec.ent2.example.com.");
        m_request.records.push_back("ns.insec.ent2.example.com. 3600 IN A 192.0.2.54");
    }

    std::string hashed(const std::string& name) const { return nsec3_owner(name, 5, m_salt); }

    const std::vector<std::uint8_t> m_salt{0xaa, 0xbb, 0xcc, 0xdd};
    // Every name that must have an NSEC3, and whether it is an empty non-terminal.
    const std::map<std::string, bool> m_names = {
        {"example.com.", false},        {"ns1.example.com.", false},       {"www.example.com.", false},
        {"sub.example.com.", false},    {"a.b.example.com.", false},       {"b.example.com.", true},
        {"host.deep.ent.example.com.", false}, {"deep.ent.example.com.", true}, {"ent.example.com.", true},
        {"insec.ent2.example.com.", false},    {"ent2.example.com.", true},
    };
};

TEST_F(SignZoneNsec3, ChainIsClosedAndCoversEmptyNonTerminals)
{
    const SignedZone zone = sign_zone(m_request);
    const ParsedZone parsed(zone);
    const std::vector<const ldns_rr*> chain = nsec3_chain(parsed);

    // Exactly the hashes of the authoritative names and ENTs (no glue, nothing below a cut).
    std::set<std::string> expected;
    for (const auto& [name, ent] : m_names) expected.insert(hashed(name));
    std::set<std::string> owners;
    for (const ldns_rr* rr : chain) owners.insert(name_of(ldns_rr_owner(rr)));
    EXPECT_EQ(owners, expected);
    ASSERT_EQ(chain.size(), m_names.size());

    // No NSEC in an NSEC3 zone.
    for (const auto& [id, rrs] : parsed.rrsets) EXPECT_NE(id.second, LDNS_RR_TYPE_NSEC) << id.first;

    // Closed: each record points to the next hash, the last one back to the first.
    for (std::size_t i = 0; i < chain.size(); ++i) {
        const ldns_rr* rr = chain[i];
        SCOPED_TRACE(name_of(ldns_rr_owner(rr)));
        EXPECT_EQ(next_hash(rr), first_label(name_of(ldns_rr_owner(chain[(i + 1) % chain.size()]))));
        EXPECT_EQ(ldns_nsec3_algorithm(rr), 1);
        EXPECT_EQ(ldns_nsec3_flags(rr), 0);  // no opt-out
        EXPECT_EQ(ldns_nsec3_iterations(rr), 5);
        EXPECT_EQ(salt_of(rr),
                  m_salt);
        EXPECT_EQ(ldns_rr_ttl(rr), 300u);
        EXPECT_EQ(parsed.signer_tags(name_of(ldns_rr_owner(rr)), LDNS_RR_TYPE_NSEC3),
                  (std::multiset<std::uint16_t>{m_zsk.keytag()}));
    }

    // Bitmaps (RFC 5155 3.2.1): the types at the original owner, RRSIG where signed, never NSEC3.
    const auto types_of = [&](const std::string& name) {
        const auto& rrs = parsed.rrsets.at({hashed(name), LDNS_RR_TYPE_NSEC3});
        return covered_types(ldns_nsec3_bitmap(rrs.front()));
    };
    EXPECT_EQ(types_of("example.com."),
              (std::set<int>{LDNS_RR_TYPE_NS, LDNS_RR_TYPE_SOA, LDNS_RR_TYPE_RRSIG, LDNS_RR_TYPE_DNSKEY,
                             LDNS_RR_TYPE_NSEC3PARAM}));
    EXPECT_EQ(types_of("www.example.com."), (std::set<int>{LDNS_RR_TYPE_A, LDNS_RR_TYPE_RRSIG}));
    EXPECT_EQ(types_of("host.deep.ent.example.com."), (std::set<int>{LDNS_RR_TYPE_TXT, LDNS_RR_TYPE_RRSIG}));
    EXPECT_EQ(types_of("sub.example.com."), (std::set<int>{LDNS_RR_TYPE_NS, LDNS_RR_TYPE_DS, LDNS_RR_TYPE_RRSIG}));
    EXPECT_EQ(types_of("insec.ent2.example.com."), (std::set<int>{LDNS_RR_TYPE_NS}));  // nothing signed there
    for (const auto& [name, ent] : m_names) {
        if (ent) {
            EXPECT_TRUE(types_of(name).empty()) << name;
        }
    }

    // NSEC3PARAM at the apex with the chain's parameters, TTL 0, signed by the ZSK.
    const auto& param = parsed.rrsets.at({kOrigin, LDNS_RR_TYPE_NSEC3PARAM});
    ASSERT_EQ(param.size(), 1u);
    EXPECT_EQ(ldns_rr_ttl(param.front()), 0u);
    EXPECT_EQ(dns::rr_to_string(param.front()), "example.com.\t0\tIN\tNSEC3PARAM\t1 0 5 aabbccdd");
    EXPECT_EQ(parsed.signer_tags(kOrigin, LDNS_RR_TYPE_NSEC3PARAM), (std::multiset<std::uint16_t>{m_zsk.keytag()}));

    const std::vector<std::string> failures = parsed.verify_all(epoch(m_now));
    EXPECT_TRUE(failures.empty()) << failures.front();
}

TEST_F(SignZoneNsec3, LdnsVerifyZoneAgrees)
{
    for (const auto& [iterations, salt] : std::vector<std::pair<int, std::string>>{{5, "AABBCCDD"}, {0, ""}, {0, "-"}}) {
        SCOPED_TRACE("iterations " + std::to_string(iterations) + " salt '" + salt + "'");
        m_request.nsec3_iterations = iterations;
        m_request.nsec3_salt = salt;
        const SignedZone zone = sign_zone(m_request);
        const int inside = ldns_verify_zone(zone, m_now);
        if (inside < 0) GTEST_SKIP() << "ldns-verify-zone is not installed";
        EXPECT_EQ(inside, 0) << zone.text();
        EXPECT_NE(ldns_verify_zone(zone, m_request.expiration + std::chrono::days(1)), 0);
    }
}

TEST_F(SignZoneNsec3, RejectsBadParameters)
{
    SignRequest request = m_request;
    request.nsec3_salt = "ABC";  // odd
    EXPECT_THROW(sign_zone(request), std::invalid_argument);
    request.nsec3_salt = "XYZW";
    EXPECT_THROW(sign_zone(request), std::invalid_argument);
    request = m_request;
    request.nsec3_iterations = -1;
    EXPECT_THROW(sign_zone(request), std::invalid_argument);
    request.nsec3_iterations = 70000;
    EXPECT_THROW(sign_zone(request), std::invalid_argument);
    request = m_request;
    request.records.push_back("example.com. 0 IN NSEC3PARAM 1 0 0 -");  // the signer makes it
    EXPECT_THROW(sign_zone(request), std::invalid_argument);
}

TEST(SignRootZone, Nsec3AtTheRoot)
{
    const Key ksk = Key::generate(".", Algorithm::ECDSAP256SHA256, kFlagZone | kFlagSep);
    const TimePoint now = at("2027-03-01T00:00:00Z");
    SignRequest request;
    request.origin = ".";
    request.records = {
        ". 86400 IN SOA ns1.root-servers.rollsim. hostmaster.root-servers.rollsim. 1 1800 900 604800 86400",
        ". 3600 IN NS ns1.root-servers.rollsim.",
        "ns1.root-servers.rollsim. 3600 IN A 10.53.0.1",
        "com. 3600 IN NS ns1.com.",
        "ns1.com. 3600 IN A 10.53.0.2",
        ksk.dnskey_rr(3600),
    };
    request.dnskey_signers = {&ksk};
    request.zone_signers = {&ksk};
    request.inception = now - std::chrono::hours(1);
    request.expiration = now + std::chrono::days(14);
    request.denial = scenario::Denial::Nsec3;
    const SignedZone zone = sign_zone(request);
    const ParsedZone parsed(zone);
    std::size_t count = 0;
    for (const auto& [id, rrs] : parsed.rrsets)
        if (id.second == LDNS_RR_TYPE_NSEC3) {
            count += rrs.size();
            EXPECT_EQ(ldns_dname_label_count(ldns_rr_owner(rrs.front())), 1u) << id.first;  // <hash>.
        }
    EXPECT_EQ(count, 5u);  // ., com., rollsim. (ENT), root-servers.rollsim. (ENT), ns1.root-servers.rollsim.
    const std::vector<std::string> failures = parsed.verify_all(epoch(now));
    EXPECT_TRUE(failures.empty()) << failures.front();
    const int verified = ldns_verify_zone(zone, now);
    if (verified >= 0) {
        EXPECT_EQ(verified, 0) << zone.text();
    }
}

// ------------------------------------------------------------------------------------------
// Faults

// Every RRSIG of the zone as (owner, covered type).
std::set<std::pair<std::string, int>> signed_rrsets(const ParsedZone& parsed)
{
    std::set<std::pair<std::string, int>> out;
    for (const auto& [id, sigs] : parsed.sigs) out.insert(id);
    return out;
}

TEST_F(SignZone, FaultOmitRrsigTypes)
{
    const ParsedZone clean(sign_zone(m_request));
    m_request.faults.omit_rrsig_types = {"A"};
    const ParsedZone parsed(sign_zone(m_request));
    std::set<std::pair<std::string, int>> expected = signed_rrsets(clean);
    expected.erase({"ns1.example.com.", LDNS_RR_TYPE_A});
    expected.erase({"www.example.com.", LDNS_RR_TYPE_A});
    EXPECT_EQ(signed_rrsets(parsed), expected);
    EXPECT_TRUE(parsed.has("www.example.com.", LDNS_RR_TYPE_A));
    EXPECT_TRUE(parsed.verify_all(epoch(m_now)).empty());
    // The NSEC is still signed there, so its bitmap still lists RRSIG.
    EXPECT_TRUE(ldns_nsec_bitmap_covers_type(
        ldns_rr_rdf(parsed.rrsets.at({"www.example.com.", LDNS_RR_TYPE_NSEC}).front(), 1), LDNS_RR_TYPE_RRSIG));

    m_request.faults.omit_rrsig_types = {"DNSKEY", "NSEC"};
    const ParsedZone no_keys(sign_zone(m_request));
    for (const auto& [owner, type] : signed_rrsets(no_keys)) {
        EXPECT_NE(type, LDNS_RR_TYPE_DNSKEY);
        EXPECT_NE(type, LDNS_RR_TYPE_NSEC);
    }
    EXPECT_FALSE(no_keys.signer_tags("www.example.com.", LDNS_RR_TYPE_A).empty());

    m_request.faults.omit_rrsig_types = {"NOSUCHTYPE"};
    EXPECT_THROW(sign_zone(m_request), std::invalid_argument);
}

TEST_F(SignZoneNsec3, FaultOmitRrsigTypesKeepsBitmapsTrue)
{
    m_request.faults.omit_rrsig_types = {"A", "NSEC3PARAM"};
    const ParsedZone parsed(sign_zone(m_request));
    EXPECT_TRUE(parsed.signer_tags("www.example.com.", LDNS_RR_TYPE_A).empty());
    EXPECT_TRUE(parsed.signer_tags(kOrigin, LDNS_RR_TYPE_NSEC3PARAM).empty());
    EXPECT_FALSE(parsed.signer_tags(kOrigin, LDNS_RR_TYPE_SOA).empty());
    // www has no RRSIG left, and its NSEC3 says so (the fault is the missing RRSIG, nothing else).
    const ldns_rr* www = parsed.rrsets.at({hashed("www.example.com."), LDNS_RR_TYPE_NSEC3}).front();
    EXPECT_EQ(covered_types(ldns_nsec3_bitmap(www)), (std::set<int>{LDNS_RR_TYPE_A}));
    EXPECT_TRUE(parsed.verify_all(epoch(m_now)).empty());
}

TEST_F(SignZone, FaultCorruptRrsigTypes)
{
    m_request.faults.corrupt_rrsig_types = {"A"};
    const ParsedZone parsed(sign_zone(m_request));
    EXPECT_EQ(parsed.sigs.size(), 10u);  // nothing removed
    const std::vector<std::string> failures = parsed.verify_all(epoch(m_now));
    EXPECT_EQ(failures, (std::vector<std::string>{"ns1.example.com./1: Bogus DNSSEC signature",
                                                  "www.example.com./1: Bogus DNSSEC signature"}));

    // ldns_verify_rrsig on its own: the A signature fails with the ZSK, the SOA one verifies.
    const RrPtr zsk = parse_rr(m_zsk.dnskey_rr(3600));
    const auto verify = [&](const std::string& owner, int type) {
        RrListPtr rrset(ldns_rr_list_new());
        for (ldns_rr* rr : parsed.rrsets.at({owner, type})) ldns_rr_list_push_rr(rrset.get(), rr);
        RrListPtr sigs(ldns_rr_list_new());
        for (ldns_rr* rr : parsed.sigs.at({owner, type})) ldns_rr_list_push_rr(sigs.get(), rr);
        RrListPtr keys(ldns_rr_list_new());
        ldns_rr_list_push_rr(keys.get(), zsk.get());
        RrListPtr good(ldns_rr_list_new());
        return ldns_verify_time(rrset.get(), sigs.get(), keys.get(), epoch(m_now), good.get());
    };
    EXPECT_EQ(verify("www.example.com.", LDNS_RR_TYPE_A), LDNS_STATUS_CRYPTO_BOGUS);
    EXPECT_EQ(verify(kOrigin, LDNS_RR_TYPE_SOA), LDNS_STATUS_OK);
}

TEST_F(SignZone, FaultCorruptRrsigTypesAcrossAlgorithms)
{
    for (const Algorithm algorithm : {Algorithm::RSASHA256, Algorithm::ED25519, Algorithm::ECDSAP384SHA384}) {
        SCOPED_TRACE("algorithm " + std::to_string(static_cast<int>(algorithm)));
        const Key csk = Key::generate(kOrigin, algorithm, kFlagZone | kFlagSep, 1024);
        SignRequest request = m_request;
        request.records = {
            "example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 1 3600 900 1209600 300",
            "example.com. 3600 IN NS ns1.example.com.",
            "ns1.example.com. 300 IN A 192.0.2.1",
            csk.dnskey_rr(3600),
        };
        request.dnskey_signers = {&csk};
        request.zone_signers = {&csk};
        request.faults.corrupt_rrsig_types = {"DNSKEY", "NSEC"};
        const ParsedZone parsed(sign_zone(request));
        std::set<std::string> failed;
        for (const std::string& failure : parsed.verify_all(epoch(m_now))) failed.insert(failure);
        EXPECT_EQ(failed, (std::set<std::string>{"example.com./48: Bogus DNSSEC signature",
                                                 "example.com./47: Bogus DNSSEC signature",
                                                 "ns1.example.com./47: Bogus DNSSEC signature"}));
    }
}

// A zone in the middle of an algorithm rollover (RFC 6781 4.1.4): an RSASHA256 and an
// ECDSAP256SHA256 key pair, each signing what its role signs.
class SignZoneTwoAlgorithms : public SignZone {
protected:
    SignZoneTwoAlgorithms()
        : m_rsa_ksk(Key::generate(kOrigin, Algorithm::RSASHA256, kFlagZone | kFlagSep, 1024)),
          m_rsa_zsk(Key::generate(kOrigin, Algorithm::RSASHA256, kFlagZone, 1024))
    {
        m_request.records.push_back(m_rsa_ksk.dnskey_rr(3600));
        m_request.records.push_back(m_rsa_zsk.dnskey_rr(3600));
        m_request.dnskey_signers = {&m_rsa_ksk, &m_ksk};
        m_request.zone_signers = {&m_rsa_zsk, &m_zsk};
    }

    // The key tag of each RRSIG over (owner, type) and whether it verifies.
    std::map<std::uint16_t, bool> verdicts(const ParsedZone& parsed, const std::string& owner, int type) const
    {
        RrListPtr keys(ldns_rr_list_new());
        for (ldns_rr* k : parsed.dnskeys) ldns_rr_list_push_rr(keys.get(), k);
        RrListPtr rrset(ldns_rr_list_new());
        for (ldns_rr* rr : parsed.rrsets.at({owner, type})) ldns_rr_list_push_rr(rrset.get(), rr);
        std::map<std::uint16_t, bool> out;
        for (const ldns_rr* sig : parsed.sigs.at({owner, type})) {
            RrListPtr good(ldns_rr_list_new());
            out[ldns_rdf2native_int16(ldns_rr_rrsig_keytag(sig))] =
                ldns_verify_rrsig_keylist_time(rrset.get(), sig, keys.get(), epoch(m_now), good.get()) == LDNS_STATUS_OK;
        }
        return out;
    }

    Key m_rsa_ksk;
    Key m_rsa_zsk;
};

TEST_F(SignZoneTwoAlgorithms, OmitsOneAlgorithmsRrsigsOverOneType)
{
    using Scope = SignFaults::KeyScope;
    m_request.faults.omit_rrsigs_by = {Scope{"A", nullptr, Algorithm::ECDSAP256SHA256}};
    const ParsedZone parsed(sign_zone(m_request));
    const std::multiset<std::uint16_t> rsa{m_rsa_zsk.keytag()}, both{m_rsa_zsk.keytag(), m_zsk.keytag()};
    EXPECT_EQ(parsed.signer_tags("www.example.com.", LDNS_RR_TYPE_A), rsa);
    EXPECT_EQ(parsed.signer_tags("ns1.example.com.", LDNS_RR_TYPE_A), rsa);
    EXPECT_EQ(parsed.signer_tags(kOrigin, LDNS_RR_TYPE_SOA), both);
    EXPECT_EQ(parsed.signer_tags("www.example.com.", LDNS_RR_TYPE_NSEC), both);
    EXPECT_EQ(parsed.signer_tags(kOrigin, LDNS_RR_TYPE_DNSKEY),
              (std::multiset<std::uint16_t>{m_rsa_ksk.keytag(), m_ksk.keytag()}));
    EXPECT_TRUE(parsed.verify_all(epoch(m_now)).empty());

    // Both algorithms' signatures over A omitted: as rrsig-missing without a scope.
    m_request.faults.omit_rrsigs_by.push_back(Scope{"A", nullptr, Algorithm::RSASHA256});
    EXPECT_TRUE(ParsedZone(sign_zone(m_request)).signer_tags("www.example.com.", LDNS_RR_TYPE_A).empty());
}

TEST_F(SignZoneTwoAlgorithms, OmitsOneKeysRrsigsOverTheDnskeySet)
{
    m_request.faults.omit_rrsigs_by = {SignFaults::KeyScope{"DNSKEY", &m_ksk, std::nullopt}};
    const ParsedZone parsed(sign_zone(m_request));
    EXPECT_EQ(parsed.signer_tags(kOrigin, LDNS_RR_TYPE_DNSKEY), (std::multiset<std::uint16_t>{m_rsa_ksk.keytag()}));
    EXPECT_EQ(parsed.signer_tags("www.example.com.", LDNS_RR_TYPE_A),
              (std::multiset<std::uint16_t>{m_rsa_zsk.keytag(), m_zsk.keytag()}));
    // The key of another role is in no signer set of the type: nothing is omitted.
    m_request.faults.omit_rrsigs_by = {SignFaults::KeyScope{"A", &m_ksk, std::nullopt}};
    EXPECT_EQ(ParsedZone(sign_zone(m_request)).signer_tags("www.example.com.", LDNS_RR_TYPE_A).size(), 2u);
}

TEST_F(SignZoneTwoAlgorithms, CorruptsOneAlgorithmsRrsigsOverOneType)
{
    m_request.faults.corrupt_rrsigs_by = {SignFaults::KeyScope{"A", nullptr, Algorithm::ECDSAP256SHA256}};
    const ParsedZone parsed(sign_zone(m_request));
    for (const char* owner : {"www.example.com.", "ns1.example.com."})
        EXPECT_EQ(verdicts(parsed, owner, LDNS_RR_TYPE_A),
                  (std::map<std::uint16_t, bool>{{m_rsa_zsk.keytag(), true}, {m_zsk.keytag(), false}}))
            << owner;
    EXPECT_EQ(verdicts(parsed, kOrigin, LDNS_RR_TYPE_SOA),
              (std::map<std::uint16_t, bool>{{m_rsa_zsk.keytag(), true}, {m_zsk.keytag(), true}}));

    m_request.faults.corrupt_rrsigs_by = {SignFaults::KeyScope{"A", &m_rsa_zsk, std::nullopt}};
    EXPECT_EQ(verdicts(ParsedZone(sign_zone(m_request)), "www.example.com.", LDNS_RR_TYPE_A),
              (std::map<std::uint16_t, bool>{{m_rsa_zsk.keytag(), false}, {m_zsk.keytag(), true}}));
}

TEST_F(SignZone, FaultForeignSigner)
{
    const Key foreign = Key::generate(kOrigin, Algorithm::ECDSAP256SHA256, kFlagZone);
    m_request.faults.foreign_signers = {{"A", &foreign}};
    const SignedZone zone = sign_zone(m_request);
    const ParsedZone parsed(zone);
    const std::multiset<std::uint16_t> foreign_tag{foreign.keytag()};
    EXPECT_EQ(parsed.signer_tags("www.example.com.", LDNS_RR_TYPE_A), foreign_tag);
    EXPECT_EQ(parsed.signer_tags("ns1.example.com.", LDNS_RR_TYPE_A), foreign_tag);
    EXPECT_EQ(parsed.signer_tags("www.example.com.", LDNS_RR_TYPE_NSEC), (std::multiset<std::uint16_t>{m_zsk.keytag()}));
    EXPECT_EQ(parsed.signer_tags(kOrigin, LDNS_RR_TYPE_DNSKEY), (std::multiset<std::uint16_t>{m_ksk.keytag()}));
    // The foreign key is not published: its signatures find no key; everything else verifies.
    EXPECT_EQ(zone.text().find(foreign.dnskey_rr(3600).substr(std::string(kOrigin).size())), std::string::npos);
    const std::vector<std::string> failures = parsed.verify_all(epoch(m_now));
    ASSERT_EQ(failures.size(), 2u);
    for (const std::string& failure : failures) EXPECT_NE(failure.find("/1: "), std::string::npos) << failure;
    // With the foreign DNSKEY they verify: a proper signature by the wrong key.
    const RrPtr foreign_rr = parse_rr(foreign.dnskey_rr(3600));
    RrListPtr keys(ldns_rr_list_new());
    ldns_rr_list_push_rr(keys.get(), foreign_rr.get());
    RrListPtr rrset(ldns_rr_list_new());
    for (ldns_rr* rr : parsed.rrsets.at({"www.example.com.", LDNS_RR_TYPE_A})) ldns_rr_list_push_rr(rrset.get(), rr);
    RrListPtr good(ldns_rr_list_new());
    EXPECT_EQ(ldns_verify_rrsig_keylist_time(rrset.get(), parsed.sigs.at({"www.example.com.", LDNS_RR_TYPE_A}).front(),
                                             keys.get(), epoch(m_now), good.get()),
              LDNS_STATUS_OK);

    // The DNSKEY RRset too, instead of the KSK.
    m_request.faults.foreign_signers = {{"DNSKEY", &foreign}};
    EXPECT_EQ(ParsedZone(sign_zone(m_request)).signer_tags(kOrigin, LDNS_RR_TYPE_DNSKEY), foreign_tag);
    m_request.faults.foreign_signers = {{"A", nullptr}};
    EXPECT_THROW(sign_zone(m_request), std::invalid_argument);
}

TEST_F(SignZone, FaultDropDenialAtAnOwner)
{
    const ParsedZone clean(sign_zone(m_request));
    m_request.faults.drop_denial_for = "www.example.com.";
    const ParsedZone parsed(sign_zone(m_request));
    EXPECT_FALSE(parsed.has("www.example.com.", LDNS_RR_TYPE_NSEC));
    EXPECT_TRUE(parsed.signer_tags("www.example.com.", LDNS_RR_TYPE_NSEC).empty());
    EXPECT_EQ(parsed.in_order.size(), clean.in_order.size() - 2);  // the NSEC and its RRSIG
    EXPECT_TRUE(parsed.has("sub.example.com.", LDNS_RR_TYPE_NSEC));
    // The rest of the chain is as it was.
    EXPECT_EQ(name_of(ldns_rr_rdf(parsed.rrsets.at({"sub.example.com.", LDNS_RR_TYPE_NSEC}).front(), 0)),
              "www.example.com.");
    EXPECT_TRUE(parsed.verify_all(epoch(m_now)).empty());

    // A name that does not exist: the NSEC covering it goes (ns1 < nx < sub).
    m_request.faults.drop_denial_for = "nx.example.com.";
    const ParsedZone covered(sign_zone(m_request));
    EXPECT_FALSE(covered.has("ns1.example.com.", LDNS_RR_TYPE_NSEC));
    EXPECT_TRUE(covered.has("www.example.com.", LDNS_RR_TYPE_NSEC));
    EXPECT_EQ(covered.in_order.size(), clean.in_order.size() - 2);

    m_request.faults.drop_denial_for = "www.example.org.";
    EXPECT_THROW(sign_zone(m_request), std::invalid_argument);
}

TEST_F(SignZoneNsec3, FaultDropDenial)
{
    const ParsedZone clean(sign_zone(m_request));
    m_request.faults.drop_denial_for = "www.example.com.";
    const ParsedZone parsed(sign_zone(m_request));
    EXPECT_FALSE(parsed.has(hashed("www.example.com."), LDNS_RR_TYPE_NSEC3));
    EXPECT_TRUE(parsed.signer_tags(hashed("www.example.com."), LDNS_RR_TYPE_NSEC3).empty());
    EXPECT_EQ(nsec3_chain(parsed).size(), m_names.size() - 1);
    EXPECT_EQ(parsed.in_order.size(), clean.in_order.size() - 2);
    EXPECT_TRUE(parsed.verify_all(epoch(m_now)).empty());

    // An empty non-terminal has its NSEC3 too.
    m_request.faults.drop_denial_for = "deep.ent.example.com.";
    EXPECT_FALSE(ParsedZone(sign_zone(m_request)).has(hashed("deep.ent.example.com."), LDNS_RR_TYPE_NSEC3));

    // A name that does not exist: the NSEC3 covering its hash goes.
    m_request.faults.drop_denial_for = "nx.example.com.";
    const std::string target = hashed("nx.example.com.");
    const std::vector<const ldns_rr*> chain = nsec3_chain(clean);
    std::string covering = name_of(ldns_rr_owner(chain.back()));  // wraps around
    dns::RdfPtr target_rdf(ldns_dname_new_frm_str(target.c_str()));
    for (const ldns_rr* rr : chain)
        if (ldns_dname_compare(ldns_rr_owner(rr), target_rdf.get()) < 0) covering = name_of(ldns_rr_owner(rr));
    const ParsedZone nx(sign_zone(m_request));
    EXPECT_FALSE(nx.has(covering, LDNS_RR_TYPE_NSEC3)) << covering;
    EXPECT_EQ(nsec3_chain(nx).size(), m_names.size() - 1);
}

TEST_F(SignZone, FaultBreakDenialChain)
{
    m_request.faults.break_denial_chain = true;
    const SignedZone zone = sign_zone(m_request);
    const ParsedZone parsed(zone);
    // example.com. -> ns1 -> sub -> www -> example.com.; the NSEC after the apex's skips sub.
    const auto next_of = [&](const std::string& owner) {
        return name_of(ldns_rr_rdf(parsed.rrsets.at({owner, LDNS_RR_TYPE_NSEC}).front(), 0));
    };
    EXPECT_EQ(next_of("example.com."), "ns1.example.com.");
    EXPECT_EQ(next_of("ns1.example.com."), "www.example.com.");
    EXPECT_EQ(next_of("sub.example.com."), "www.example.com.");
    EXPECT_EQ(next_of("www.example.com."), "example.com.");
    // Re-signed: the defect is in the data, every signature holds.
    EXPECT_TRUE(parsed.verify_all(epoch(m_now)).empty());
    const int verified = ldns_verify_zone(zone, m_now);
    if (verified >= 0) {
        EXPECT_NE(verified, 0) << "ldns-verify-zone accepted a broken NSEC chain";
    }

    // Too short a chain to skip anything.
    m_request.records = {
        "example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 1 3600 900 1209600 300",
        "example.com. 3600 IN NS ns1.example.com.",
        "ns1.example.com. 300 IN A 192.0.2.1",
    };
    EXPECT_THROW(sign_zone(m_request), std::invalid_argument);
}

TEST_F(SignZoneNsec3, FaultBreakDenialChain)
{
    const ParsedZone clean(sign_zone(m_request));
    m_request.faults.break_denial_chain = true;
    const SignedZone zone = sign_zone(m_request);
    const ParsedZone parsed(zone);
    const std::vector<const ldns_rr*> good = nsec3_chain(clean);
    const std::vector<const ldns_rr*> bad = nsec3_chain(parsed);
    ASSERT_EQ(good.size(), bad.size());
    const std::size_t n = good.size();
    std::size_t apex = 0;
    for (std::size_t i = 0; i < n; ++i)
        if (name_of(ldns_rr_owner(good[i])) == hashed(kOrigin)) apex = i;
    const std::size_t link = (apex + 1) % n;
    for (std::size_t i = 0; i < n; ++i) {
        SCOPED_TRACE(i);
        const std::size_t expected_next = i == link ? (i + 2) % n : (i + 1) % n;
        EXPECT_EQ(next_hash(bad[i]), first_label(name_of(ldns_rr_owner(good[expected_next]))));
    }
    EXPECT_TRUE(parsed.verify_all(epoch(m_now)).empty());
    const int verified = ldns_verify_zone(zone, m_now);
    if (verified >= 0) {
        EXPECT_NE(verified, 0) << "ldns-verify-zone accepted a broken NSEC3 chain";
    }
}

TEST_F(SignZoneNsec3, FaultNsec3paramSalt)
{
    m_request.faults.nsec3param_salt = "0123";
    const ParsedZone parsed(sign_zone(m_request));
    const ldns_rr* param = parsed.rrsets.at({kOrigin, LDNS_RR_TYPE_NSEC3PARAM}).front();
    EXPECT_EQ(dns::rr_to_string(param), "example.com.\t0\tIN\tNSEC3PARAM\t1 0 5 0123");
    // The chain keeps the real salt.
    for (const ldns_rr* rr : nsec3_chain(parsed))
        EXPECT_EQ(salt_of(rr),
                  m_salt);
    EXPECT_TRUE(parsed.has(hashed("www.example.com."), LDNS_RR_TYPE_NSEC3));
    EXPECT_TRUE(parsed.verify_all(epoch(m_now)).empty());  // signed properly

    m_request.faults.nsec3param_salt = "-";  // announces no salt
    EXPECT_EQ(dns::rr_to_string(ParsedZone(sign_zone(m_request)).rrsets.at({kOrigin, LDNS_RR_TYPE_NSEC3PARAM}).front()),
              "example.com.\t0\tIN\tNSEC3PARAM\t1 0 5 -");
}

TEST_F(SignZone, FaultNsec3paramSaltNeedsNsec3)
{
    m_request.faults.nsec3param_salt = "0123";
    EXPECT_THROW(sign_zone(m_request), std::invalid_argument);
}

TEST_F(SignZone, FaultRelabelAlgorithm)
{
    m_request.faults.relabel_algorithm = 253;
    const SignedZone zone = sign_zone(m_request);
    const ParsedZone parsed(zone);
    std::set<std::uint16_t> dnskey_tags;
    ASSERT_EQ(parsed.dnskeys.size(), 2u);
    for (const ldns_rr* dnskey : parsed.dnskeys) {
        EXPECT_EQ(ldns_rdf2native_int8(ldns_rr_dnskey_algorithm(dnskey)), 253);
        dnskey_tags.insert(ldns_calc_keytag(dnskey));
    }
    EXPECT_EQ(dnskey_tags.count(m_ksk.keytag()), 0u);  // the algorithm is part of the tag
    std::size_t sigs = 0;
    for (const auto& [id, signatures] : parsed.sigs)
        for (const ldns_rr* sig : signatures) {
            ++sigs;
            EXPECT_EQ(ldns_rdf2native_int8(ldns_rr_rrsig_algorithm(sig)), 253) << id.first;
            // The RRSIGs name the relabelled keys.
            EXPECT_EQ(dnskey_tags.count(ldns_rdf2native_int16(ldns_rr_rrsig_keytag(sig))), 1u) << id.first;
        }
    EXPECT_EQ(sigs, 10u);

    // The parent's DS for the relabelled KSK, from its DNSKEY record as published.
    const std::string ksk_text = with_dnskey_algorithm(m_ksk.dnskey_rr(3600), 253);
    const DsData ds = ds_of_dnskey(ksk_text);
    EXPECT_EQ(ds.algorithm, 253);
    EXPECT_EQ(parsed.signer_tags(kOrigin, LDNS_RR_TYPE_DNSKEY), (std::multiset<std::uint16_t>{ds.keytag}));
    EXPECT_NE(zone.text().find(dns::rr_to_string(parse_rr(ksk_text).get())), std::string::npos);

    // Signatures left as made: with the ZSK's real algorithm and tag back, the ZSK-signed
    // RRsets verify against the unmodified ZSK.
    const RrPtr zsk = parse_rr(m_zsk.dnskey_rr(3600));
    RrListPtr keys(ldns_rr_list_new());
    ldns_rr_list_push_rr(keys.get(), zsk.get());
    std::size_t restored = 0;
    for (const auto& [id, signatures] : parsed.sigs) {
        if (id.second == LDNS_RR_TYPE_DNSKEY) continue;
        RrListPtr rrset(ldns_rr_list_new());
        for (ldns_rr* rr : parsed.rrsets.at(id)) ldns_rr_list_push_rr(rrset.get(), rr);
        for (ldns_rr* sig : signatures) {
            ldns_rdf* alg = ldns_rr_rrsig_algorithm(sig);
            ldns_rdf_data(alg)[0] = 13;
            ldns_rdf_deep_free(ldns_rr_set_rdf(sig, ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, m_zsk.keytag()), 6));
            RrListPtr good(ldns_rr_list_new());
            EXPECT_EQ(ldns_verify_rrsig_keylist_time(rrset.get(), sig, keys.get(), epoch(m_now), good.get()),
                      LDNS_STATUS_OK)
                << id.first << " " << id.second;
            ++restored;
        }
    }
    EXPECT_EQ(restored, 9u);

    m_request.faults.relabel_algorithm = 256;
    EXPECT_THROW(sign_zone(m_request), std::invalid_argument);
}

TEST_F(SignZoneNsec3, FaultsCombine)
{
    // A 20-record zone with several faults at once: each is there, and only it.
    for (int i = 0; i < 10; ++i)
        m_request.records.push_back("h" + std::to_string(i) + ".example.com. 300 IN A 192.0.2." + std::to_string(100 + i));
    m_request.nsec3_iterations = 0;
    m_request.nsec3_salt = "";
    m_request.faults.corrupt_rrsig_types = {"TXT"};
    m_request.faults.drop_denial_for = "h3.example.com.";
    m_request.faults.break_denial_chain = true;
    const ParsedZone parsed(sign_zone(m_request));
    const std::vector<std::string> failures = parsed.verify_all(epoch(m_now));
    EXPECT_EQ(failures, (std::vector<std::string>{"host.deep.ent.example.com./16: Bogus DNSSEC signature"}));
    EXPECT_EQ(nsec3_chain(parsed).size(), m_names.size() + 10 - 1);
    EXPECT_FALSE(parsed.has(nsec3_owner("h3.example.com.", 0, {}), LDNS_RR_TYPE_NSEC3));
    EXPECT_TRUE(parsed.has(nsec3_owner("h4.example.com.", 0, {}), LDNS_RR_TYPE_NSEC3));
}

// ------------------------------------------------------------------------------------------
// Parallel and incremental signing (dnssec/incremental.hpp)

namespace scale {

constexpr int kNames = 300;

std::vector<std::string> many_names(const Key& ksk, const Key& zsk)
{
    std::vector<std::string> records = small_zone_records(ksk, zsk, ksk);
    for (int i = 0; i < kNames; ++i)
        records.push_back("host" + std::to_string(i) + ".example.com. 300 IN A 10.0." + std::to_string(i / 250) + "." +
                          std::to_string(i % 250));
    return records;
}

// A signed zone's lines with every RRSIG's signature field (the last one, RFC 4034 3.2) left
// out: what must come out the same whenever the same zone is signed with the same keys.
std::vector<std::string> without_signature_bytes(const SignedZone& zone)
{
    std::vector<std::string> out;
    for (const std::string& line : zone.records()) {
        if (line.find("\tRRSIG\t") == std::string::npos && line.find(" RRSIG ") == std::string::npos) {
            out.push_back(line);
            continue;
        }
        out.push_back(line.substr(0, line.find_last_of(" \t")));
    }
    return out;
}

// Per RRset (owner, type covered): the inception and expiration of its RRSIGs.
std::map<std::pair<std::string, int>, std::set<std::pair<std::uint32_t, std::uint32_t>>> windows(const ParsedZone& zone)
{
    std::map<std::pair<std::string, int>, std::set<std::pair<std::uint32_t, std::uint32_t>>> out;
    for (const auto& [id, sigs] : zone.sigs)
        for (const ldns_rr* sig : sigs)
            out[id].insert({ldns_rdf2native_time_t(ldns_rr_rrsig_inception(sig)),
                            ldns_rdf2native_time_t(ldns_rr_rrsig_expiration(sig))});
    return out;
}

}  // namespace scale

class SignAtScale : public SignZone {
protected:
    SignAtScale()
    {
        m_request.records = scale::many_names(m_ksk, m_zsk);
    }

    SignRequest at_time(TimePoint now) const
    {
        SignRequest req = m_request;
        req.inception = now - std::chrono::hours(1);
        req.expiration = now + std::chrono::days(14);
        return req;
    }

    // Signs with `signer` at `now` and checks the result against a full sign of the same
    // request: the same records, the same RRsets signed by the same keys, every signature
    // valid at `now`. Returns the incremental result.
    ParsedZone sign_and_compare(IncrementalSigner& signer, const SignRequest& req, TimePoint now) const
    {
        const SignedZone incremental = signer.sign(req, now);
        const ParsedZone parsed(incremental);
        const ParsedZone full(sign_zone(req));
        EXPECT_EQ(parsed.rrsets.size(), full.rrsets.size());
        for (const auto& [id, rrs] : full.rrsets) {
            const auto it = parsed.rrsets.find(id);
            if (it == parsed.rrsets.end()) {
                ADD_FAILURE() << "missing " << id.first << "/" << id.second;
                continue;
            }
            EXPECT_EQ(rrs.size(), it->second.size());
            EXPECT_EQ(full.signer_tags(id.first, id.second), parsed.signer_tags(id.first, id.second))
                << id.first << "/" << id.second;
        }
        const std::vector<std::string> failures = parsed.verify_all(epoch(now));
        EXPECT_TRUE(failures.empty()) << failures.front();
        return ParsedZone(incremental);
    }

    const TimePoint m_later = m_now + std::chrono::hours(1);
};

TEST_F(SignAtScale, ThreadCountDoesNotChangeTheZone)
{
    // Ed25519 signatures are deterministic (RFC 8032 5.1.6), so the zones must be byte for
    // byte the same; ECDSA ones differ at every signing, so everything but the signature must.
    Key ksk = Key::generate(kOrigin, Algorithm::ED25519, kFlagZone | kFlagSep);
    Key zsk = Key::generate(kOrigin, Algorithm::ED25519, kFlagZone);
    SignRequest ed = m_request;
    ed.records = scale::many_names(ksk, zsk);
    ed.dnskey_signers = {&ksk};
    ed.zone_signers = {&zsk};
    ed.threads = 1;
    const std::string one = sign_zone(ed).text();
    for (unsigned threads : {2u, 3u, 8u}) {
        ed.threads = threads;
        EXPECT_EQ(sign_zone(ed).text(), one) << threads << " threads";
    }

    m_request.threads = 1;
    const SignedZone ecdsa_one = sign_zone(m_request);
    m_request.threads = 4;
    const SignedZone ecdsa_four = sign_zone(m_request);
    EXPECT_EQ(scale::without_signature_bytes(ecdsa_four), scale::without_signature_bytes(ecdsa_one));
    EXPECT_NE(ecdsa_four.text(), ecdsa_one.text());  // the random ECDSA nonce (RFC 6605 6)
    const std::vector<std::string> failures = ParsedZone(ecdsa_four).verify_all(epoch(m_now));
    EXPECT_TRUE(failures.empty()) << failures.front();
    EXPECT_LE(ldns_verify_zone(ecdsa_four, m_now), 0);
}

TEST_F(SignAtScale, FirstIncrementalSignIsAFullSign)
{
    IncrementalSigner signer(ResignPolicy{std::chrono::days(7), Seconds(0)});
    const SignedZone zone = signer.sign(m_request, m_now);
    EXPECT_EQ(scale::without_signature_bytes(zone), scale::without_signature_bytes(sign_zone(m_request)));
    EXPECT_EQ(signer.last_stats().signed_rrsets, signer.last_stats().rrsets);
    EXPECT_EQ(signer.last_stats().kept_rrsets, 0u);
    EXPECT_EQ(signer.next_due(), m_now + std::chrono::days(7));
}

TEST_F(SignAtScale, KeyEventResignsTheDnskeySetOnly)
{
    IncrementalSigner signer(ResignPolicy{std::chrono::days(7), Seconds(0)});
    const ParsedZone before(signer.sign(m_request, m_now));
    const Key next = Key::generate(kOrigin, Algorithm::ECDSAP256SHA256, kFlagZone);
    SignRequest req = at_time(m_later);
    req.records.push_back(next.dnskey_rr(3600));  // pre-published, not signing yet

    const ParsedZone after = sign_and_compare(signer, req, m_later);
    EXPECT_EQ(signer.last_stats().signed_rrsets, 1u);
    EXPECT_EQ(signer.last_stats().kept_rrsets, signer.last_stats().rrsets - 1);
    // Kept RRsets carry their first window, the DNSKEY RRset a window from the key event.
    const auto first = scale::windows(before);
    const auto now = scale::windows(after);
    for (const auto& [id, window] : now) {
        if (id.second == LDNS_RR_TYPE_DNSKEY)
            EXPECT_EQ(window.begin()->first, epoch(m_later - std::chrono::hours(1)));
        else
            EXPECT_EQ(window, first.at(id)) << id.first << "/" << id.second;
    }
    EXPECT_LE(ldns_verify_zone(signer.sign(req, m_later), m_later), 0);
}

TEST_F(SignAtScale, NewSigningKeyOrDataResignsWhatChanged)
{
    IncrementalSigner signer(ResignPolicy{std::chrono::days(7), Seconds(0)});
    signer.sign(m_request, m_now);

    // A new name: its A RRset, its NSEC and the NSEC of the name before it (RFC 4034 4.1.1).
    SignRequest req = at_time(m_later);
    req.records.push_back("host10a.example.com. 300 IN A 192.0.2.99");
    sign_and_compare(signer, req, m_later);
    EXPECT_EQ(signer.last_stats().signed_rrsets, 3u);

    // The ZSK changes: every RRset it signs is signed anew, the DNSKEY RRset keeps its RRSIG.
    const Key next = Key::generate(kOrigin, Algorithm::ECDSAP256SHA256, kFlagZone);
    req.records.push_back(next.dnskey_rr(3600));
    sign_and_compare(signer, req, m_later);
    EXPECT_EQ(signer.last_stats().signed_rrsets, 1u);  // the DNSKEY RRset, for the new DNSKEY
    req.zone_signers = {&next};
    sign_and_compare(signer, req, m_later);
    EXPECT_EQ(signer.last_stats().kept_rrsets, 1u);  // the DNSKEY RRset
}

TEST_F(SignAtScale, RefreshWithJitterSpreadsTheResigning)
{
    IncrementalSigner plain(ResignPolicy{std::chrono::days(7), Seconds(0)});
    plain.sign(m_request, m_now);
    const TimePoint early = m_now + std::chrono::days(6);
    sign_and_compare(plain, at_time(early), early);
    EXPECT_EQ(plain.last_stats().signed_rrsets, 0u);
    const TimePoint refresh = m_now + std::chrono::days(7);
    sign_and_compare(plain, at_time(refresh), refresh);
    EXPECT_EQ(plain.last_stats().kept_rrsets, 0u);  // without jitter, a cliff

    IncrementalSigner jittered(ResignPolicy{std::chrono::days(7), std::chrono::days(2)});
    jittered.sign(m_request, m_now);
    EXPECT_EQ(jittered.next_due(), m_now + std::chrono::days(5));  // the earliest, with ~600 RRsets
    const TimePoint mid = m_now + std::chrono::days(6);
    sign_and_compare(jittered, at_time(mid), mid);
    const ResignStats stats = jittered.last_stats();
    EXPECT_GT(stats.signed_rrsets, stats.rrsets / 4);
    EXPECT_LT(stats.signed_rrsets, stats.rrsets * 3 / 4);
    sign_and_compare(jittered, at_time(refresh), refresh);
    EXPECT_EQ(jittered.last_stats().signed_rrsets, stats.rrsets - stats.signed_rrsets);

    // The same names fall due at the same times in another signer: the jitter is a hash.
    IncrementalSigner again(ResignPolicy{std::chrono::days(7), std::chrono::days(2)});
    again.sign(m_request, m_now);
    again.sign(at_time(mid), mid);
    EXPECT_EQ(again.last_stats().signed_rrsets, stats.signed_rrsets);
}

TEST_F(SignAtScale, TimeRuleChangeOrSignatureFaultsSignEverything)
{
    IncrementalSigner signer(ResignPolicy{std::chrono::days(7), Seconds(0)});
    signer.sign(m_request, m_now);
    SignRequest req = at_time(m_later);
    req.expiration = m_later + std::chrono::days(3);  // a short-validity fault
    sign_and_compare(signer, req, m_later);
    EXPECT_EQ(signer.last_stats().kept_rrsets, 0u);

    req = at_time(m_later);
    req.faults.corrupt_rrsig_types = {"A"};
    const ParsedZone corrupted(signer.sign(req, m_later));
    EXPECT_FALSE(corrupted.verify_all(epoch(m_later)).empty());
    EXPECT_FALSE(signer.next_due());
    req.faults = {};
    sign_and_compare(signer, req, m_later);
    EXPECT_EQ(signer.last_stats().kept_rrsets, 0u);
}

// A signed zone's lines without its RRSIGs: the records and the NSEC chain, which a version
// made from differences must write exactly as a full sign of the same request does.
std::vector<std::string> without_rrsigs(const SignedZone& zone)
{
    std::vector<std::string> out;
    for (const std::string& line : zone.records())
        if (line.find("\tRRSIG\t") == std::string::npos) out.push_back(line);
    return out;
}

// Signs with `signer` and checks, beyond sign_and_compare, that the records and NSEC chain are
// those of a full sign byte for byte and how many request lines were parsed.
class SignByDifferences : public SignAtScale {
protected:
    void step(const SignRequest& req, TimePoint now, std::size_t parsed, std::size_t signed_rrsets)
    {
        const SignedZone zone = m_signer.sign(req, now);
        EXPECT_EQ(without_rrsigs(zone), without_rrsigs(sign_zone(req)));
        sign_and_compare(m_again, req, now);  // the same request, signed by a second signer
        const ParsedZone parsed_zone(zone);
        const std::vector<std::string> failures = parsed_zone.verify_all(epoch(now));
        EXPECT_TRUE(failures.empty()) << failures.front();
        EXPECT_EQ(m_signer.last_stats().parsed_lines, parsed);
        EXPECT_EQ(m_signer.last_stats().signed_rrsets, signed_rrsets);
        EXPECT_EQ(m_signer.last_stats().kept_rrsets, m_signer.last_stats().rrsets - signed_rrsets);
        EXPECT_LE(ldns_verify_zone(zone, now), 0);
    }

    IncrementalSigner m_signer{ResignPolicy{std::chrono::days(7), Seconds(0)}};
    IncrementalSigner m_again{ResignPolicy{std::chrono::days(7), Seconds(0)}};
};

TEST_F(SignByDifferences, KeyEventsRecordsAndRefreshMatchAFullSign)
{
    m_signer.sign(m_request, m_now);
    m_again.sign(m_request, m_now);
    const std::size_t lines = m_request.records.size();

    // A ZSK published: only its line is parsed, only the DNSKEY RRset signed.
    const Key next = Key::generate(kOrigin, Algorithm::ECDSAP256SHA256, kFlagZone);
    SignRequest req = at_time(m_later);
    req.records.push_back(next.dnskey_rr(3600));
    step(req, m_later, 1, 1);

    // The new ZSK signs: other keys, so the whole request is parsed and all but the DNSKEY
    // RRset signed anew.
    req.zone_signers = {&next};
    step(req, m_later, lines + 1, m_signer.last_stats().rrsets - 1);

    // A new name (its A RRset, its NSEC, the NSEC before it), a name removed (the NSEC before
    // it), a type added at a name (the RRset and the name's NSEC), a new SOA serial.
    req.records.push_back("host10a.example.com. 300 IN A 192.0.2.99");
    step(req, m_later, 1, 3);
    std::erase(req.records, std::string("host5.example.com. 300 IN A 10.0.0.5"));
    step(req, m_later, 1, 1);
    req.records.push_back("host7.example.com. 300 IN TXT \"seven\"");
    step(req, m_later, 1, 2);
    req.records.front() = "example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 2027030101 3600 900 1209600 300";
    step(req, m_later, 2, 1);

    // Glue below the delegation: written, not signed, no NSEC of its own.
    req.records.push_back("ns2.sub.example.com. 3600 IN A 192.0.2.54");
    step(req, m_later, 1, 0);

    // A record's second line at another TTL: the RRset takes the lower TTL and is signed again.
    req.records.push_back("host7.example.com. 60 IN A 10.0.0.8");
    step(req, m_later, 1, 1);

    // The refresh: every RRset reached its age; nothing parsed.
    const TimePoint refresh = m_later + std::chrono::days(7);
    SignRequest later = req;
    later.inception = refresh - std::chrono::hours(1);
    later.expiration = refresh + std::chrono::days(14);
    step(later, refresh, 0, m_signer.last_stats().rrsets);
}

TEST_F(SignByDifferences, DelegationChangesAndBadLinesParseTheWholeRequest)
{
    m_signer.sign(m_request, m_now);
    m_again.sign(m_request, m_now);
    SignRequest req = at_time(m_later);
    const std::size_t lines = req.records.size();

    // A new delegation moves the zone's cuts: host3 and what is below it leave the chain.
    req.records.push_back("host3.example.com. 3600 IN NS ns1.example.com.");
    step(req, m_later, lines + 1, 1);

    // A line that does not parse: the same error as a full sign, and the signer goes on.
    SignRequest bad = req;
    bad.records.push_back("host9.example.com. 300 IN A not-an-address");
    EXPECT_THROW(m_signer.sign(bad, m_later), std::invalid_argument);
    bad.records.back() = "host9.example.org. 300 IN A 192.0.2.1";
    EXPECT_THROW(m_signer.sign(bad, m_later), std::invalid_argument);
    req.records.push_back("host9.example.com. 300 IN AAAA 2001:db8::9");
    step(req, m_later, 1, 2);
}


// A lab's runner signs inside the PID namespace it made, where Linux starts no thread
// (clone(2): CLONE_THREAD after unshare(CLONE_NEWPID) is EINVAL): the loop must still run whole.
TEST(ParallelFor, RunsWhereNoThreadCanStart)
{
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        if (unshare(CLONE_NEWPID) != 0) _exit(77);
        std::atomic<int> done{0};
        try {
            parallel_for(1000, 4, 10, [&](std::size_t, unsigned) { ++done; });
        } catch (...) {
            _exit(1);
        }
        _exit(done == 1000 ? 0 : 2);
    }
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77) GTEST_SKIP() << "unshare(CLONE_NEWPID) is not permitted here";
    EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace rollsim::dnssec
