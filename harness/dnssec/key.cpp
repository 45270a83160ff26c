#include "dnssec/key.hpp"

#include "dns/ldns_ptr.hpp"

#include <ldns/ldns.h>
#include <openssl/evp.h>

#include <cstdio>
#include <stdexcept>
#include <utility>

namespace rollsim::dnssec {

namespace {

using dns::RdfPtr;
using dns::rr_to_string;
using dns::RrPtr;

// The DNSSEC algorithm numbers (RFC 8624) and ldns' signing algorithms share their values,
// but an explicit mapping keeps unsupported values out.
ldns_signing_algorithm to_ldns(scenario::Algorithm algorithm)
{
    switch (algorithm) {
    case scenario::Algorithm::RSASHA256: return LDNS_SIGN_RSASHA256;
    case scenario::Algorithm::RSASHA512: return LDNS_SIGN_RSASHA512;
    case scenario::Algorithm::ECDSAP256SHA256: return LDNS_SIGN_ECDSAP256SHA256;
    case scenario::Algorithm::ECDSAP384SHA384: return LDNS_SIGN_ECDSAP384SHA384;
    case scenario::Algorithm::ED25519: return LDNS_SIGN_ED25519;
    }
    throw std::invalid_argument("unsupported DNSSEC algorithm " +
                                std::to_string(static_cast<int>(algorithm)));
}

bool is_rsa(scenario::Algorithm algorithm)
{
    return algorithm == scenario::Algorithm::RSASHA256 || algorithm == scenario::Algorithm::RSASHA512;
}

// The DNSKEY RR of a key (RFC 4034 2), as a fresh ldns_rr.
RrPtr key_to_rr(ldns_key* key)
{
    RrPtr rr(ldns_key2rr(key));
    if (!rr) throw std::runtime_error("ldns could not convert a key to its DNSKEY record");
    return rr;
}

// RFC 4034 5.1.4 (SHA-1), RFC 4509 (SHA-256), RFC 6605 (SHA-384).
ldns_hash to_ldns_hash(std::uint8_t digest_type)
{
    switch (digest_type) {
    case 1: return LDNS_SHA1;
    case 2: return LDNS_SHA256;
    case 4: return LDNS_SHA384;
    default: break;
    }
    throw std::invalid_argument("unsupported DS digest type " + std::to_string(digest_type));
}

// The DS data (RFC 4034 5.1: key tag, algorithm, digest type, digest) of a DNSKEY record.
DsData ds_of(const ldns_rr* dnskey, std::uint8_t digest_type)
{
    const ldns_hash hash = to_ldns_hash(digest_type);
    RrPtr ds(ldns_key_rr2ds(dnskey, hash));
    if (!ds || ldns_rr_rd_count(ds.get()) != 4)
        throw std::runtime_error("ldns could not compute a DS record with digest type " +
                                 std::to_string(digest_type));
    DsData out;
    out.keytag = ldns_rdf2native_int16(ldns_rr_rdf(ds.get(), 0));
    out.algorithm = ldns_rdf2native_int8(ldns_rr_rdf(ds.get(), 1));
    out.digest_type = ldns_rdf2native_int8(ldns_rr_rdf(ds.get(), 2));
    const ldns_rdf* digest = ldns_rr_rdf(ds.get(), 3);
    const std::uint8_t* data = ldns_rdf_data(digest);
    out.digest.assign(data, data + ldns_rdf_size(digest));
    return out;
}

}  // namespace

DsData ds_of_dnskey(const std::string& dnskey_rr, std::uint8_t digest_type)
{
    (void)to_ldns_hash(digest_type);  // an unsupported digest type is the caller's error, not the record's
    ldns_rr* raw = nullptr;
    const ldns_status status = ldns_rr_new_frm_str(&raw, dnskey_rr.c_str(), 0, nullptr, nullptr);
    RrPtr rr(raw);
    if (status != LDNS_STATUS_OK || !rr)
        throw std::invalid_argument("invalid DNSKEY record '" + dnskey_rr + "': " + ldns_get_errorstr_by_id(status));
    // The digest covers the owner name in canonical (lower-case) form (RFC 4034 5.1.4).
    if (ldns_rr_get_type(rr.get()) != LDNS_RR_TYPE_DNSKEY || ldns_rr_rd_count(rr.get()) != 4)
        throw std::invalid_argument("'" + dnskey_rr + "' is not a DNSKEY record");
    ldns_dname2canonical(ldns_rr_owner(rr.get()));
    return ds_of(rr.get(), digest_type);
}

std::string DsData::to_rr(const std::string& owner, std::uint32_t ttl) const
{
    // RFC 4034 5.3: "tag algorithm digest-type digest", the digest in hexadecimal.
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string hex;
    hex.reserve(digest.size() * 2);
    for (std::uint8_t byte : digest) {
        hex.push_back(kHex[byte >> 4]);
        hex.push_back(kHex[byte & 0x0f]);
    }
    return owner + " " + std::to_string(ttl) + " IN DS " + std::to_string(keytag) + " " +
           std::to_string(algorithm) + " " + std::to_string(digest_type) + " " + hex;
}

void Key::Deleter::operator()(ldns_struct_key* k) const
{
    ldns_key_deep_free(k);
}

Key::Key(std::string owner, scenario::Algorithm algorithm, std::uint16_t flags, ldns_struct_key* key)
    : m_owner(std::move(owner)), m_algorithm(algorithm), m_flags(flags), m_key(key)
{
}

Key::Key(Key&&) noexcept = default;
Key& Key::operator=(Key&&) noexcept = default;
Key::~Key() = default;

Key Key::generate(const std::string& owner, scenario::Algorithm algorithm, std::uint16_t flags, int bits)
{
    const ldns_signing_algorithm ldns_alg = to_ldns(algorithm);
    int size = 0;
    if (is_rsa(algorithm)) {
        size = bits == 0 ? 2048 : bits;
        // RFC 5702 section 2 (RSASHA256: 512..4096 bits) and 3 (RSASHA512: 1024..4096 bits).
        const int min_bits = algorithm == scenario::Algorithm::RSASHA512 ? 1024 : 512;
        if (size < min_bits || size > 4096)
            throw std::invalid_argument("RSA key size " + std::to_string(size) + " is outside " +
                                        std::to_string(min_bits) + "..4096 bits (RFC 5702)");
    }

    // ldns silently makes every name absolute, so check the text itself.
    if (!ldns_dname_str_absolute(owner.c_str()))
        throw std::invalid_argument("key owner '" + owner + "' must be absolute (end with '.')");
    RdfPtr owner_rdf;
    {
        ldns_rdf* rdf = nullptr;
        if (ldns_str2rdf_dname(&rdf, owner.c_str()) != LDNS_STATUS_OK || !rdf)
            throw std::invalid_argument("invalid key owner name '" + owner + "'");
        owner_rdf.reset(rdf);
    }
    ldns_dname2canonical(owner_rdf.get());

    ldns_key* raw = ldns_key_new_frm_algorithm(ldns_alg, static_cast<std::uint16_t>(size));
    if (!raw)
        throw std::runtime_error("ldns could not generate a key for algorithm " +
                                 std::to_string(static_cast<int>(algorithm)));
    Key key(owner, algorithm, flags, raw);
    ldns_key_set_pubkey_owner(raw, owner_rdf.release());  // the key owns it from here
    ldns_key_set_flags(raw, flags);
    key.refresh_keytag();
    return key;
}

void Key::set_flags(std::uint16_t flags)
{
    m_flags = flags;
    ldns_key_set_flags(m_key.get(), flags);
    // The key tag covers the whole DNSKEY RDATA, flags included (RFC 4034 appendix B), so
    // setting the REVOKE bit gives the key a new tag (RFC 5011 2.1).
    refresh_keytag();
}

void Key::refresh_keytag()
{
    RrPtr rr = key_to_rr(m_key.get());
    m_keytag = ldns_calc_keytag(rr.get());
    // ldns copies this into the RRSIGs it creates (RFC 4034 3.1.6).
    ldns_key_set_keytag(m_key.get(), m_keytag);
}

std::string Key::dnskey_rr(std::uint32_t ttl) const
{
    RrPtr rr = key_to_rr(m_key.get());
    ldns_rr_set_ttl(rr.get(), ttl);
    ldns_rr_set_class(rr.get(), LDNS_RR_CLASS_IN);
    return rr_to_string(rr.get());
}

DsData Key::ds(std::uint8_t digest_type) const
{
    const RrPtr dnskey = key_to_rr(m_key.get());
    return ds_of(dnskey.get(), digest_type);
}

Key Key::with_flags(std::uint16_t flags) const
{
    const ldns_key* source = m_key.get();
    EVP_PKEY* evp = ldns_key_evp_key(source);
    if (!evp) throw std::runtime_error("key " + std::to_string(m_keytag) + " of " + m_owner + " has no key material");
    RdfPtr owner(ldns_rdf_clone(ldns_key_pubkey_owner(source)));
    if (!owner) throw std::bad_alloc();

    ldns_key* raw = ldns_key_new();
    if (!raw) throw std::bad_alloc();
    Key copy(m_owner, m_algorithm, flags, raw);  // owns raw from here on
    // Both keys free their EVP_PKEY (ldns_key_deep_free), so the copy takes a reference of its own.
    if (EVP_PKEY_up_ref(evp) != 1) throw std::runtime_error("OpenSSL could not share a key");
    ldns_key_set_evp_key(raw, evp);
    ldns_key_set_algorithm(raw, ldns_key_algorithm(source));
    ldns_key_set_pubkey_owner(raw, owner.release());
    ldns_key_set_use(raw, ldns_key_use(source));
    ldns_key_set_flags(raw, flags);
    copy.refresh_keytag();
    return copy;
}

}  // namespace rollsim::dnssec
