// Keys, DS records and the in-process zone signer (dnssec/key.hpp, dnssec/signer.hpp).
#include "core/time.hpp"
#include "dns/ldns_ptr.hpp"
#include "dnssec/key.hpp"
#include "dnssec/signer.hpp"

#include <gtest/gtest.h>
#include <ldns/ldns.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
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
        for (const std::string& line : zone.records) {
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
    EXPECT_EQ(zone.records.front().rfind("example.com.\t300\tIN\tSOA", 0), 0u) << zone.records.front();

    const std::string text = zone.text();
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n');
    EXPECT_EQ(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')), zone.records.size());
    for (const std::string& line : zone.records) {
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
    ASSERT_EQ(a.records.size(), b.records.size());
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

}  // namespace
}  // namespace rollsim::dnssec
