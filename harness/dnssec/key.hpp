// A DNSSEC key pair, generated in process with ldns/OpenSSL, and what the zone and its parent
// publish for it: the DNSKEY record and DS records (RFC 4034, RFC 4509).
#pragma once

#include "scenario/model.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

struct ldns_struct_key;

namespace rollsim::dnssec {

inline constexpr std::uint16_t kFlagZone = 0x0100;    // RFC 4034 2.1.1
inline constexpr std::uint16_t kFlagSep = 0x0001;     // KSK / CSK
inline constexpr std::uint16_t kFlagRevoke = 0x0080;  // RFC 5011

// The parent's view of a key (RFC 4034 section 5). Faults edit these fields.
struct DsData {
    std::uint16_t keytag = 0;
    std::uint8_t algorithm = 0;
    std::uint8_t digest_type = 2;  // 1 SHA-1, 2 SHA-256, 4 SHA-384
    std::vector<std::uint8_t> digest;
    // "example.com. 3600 IN DS 12345 13 2 ABCD..."
    std::string to_rr(const std::string& owner, std::uint32_t ttl) const;
};

// DS data for any DNSKEY record in presentation format (e.g. one whose algorithm field was
// rewritten); throws std::invalid_argument if it is not a DNSKEY record.
DsData ds_of_dnskey(const std::string& dnskey_rr, std::uint8_t digest_type = 2);

class Key {
public:
    // Generates a fresh key pair for `owner` (absolute name). flags: kFlagZone, plus kFlagSep
    // for KSK/CSK. bits: RSA modulus (0 = 2048); ignored by other algorithms.
    static Key generate(const std::string& owner, scenario::Algorithm algorithm, std::uint16_t flags,
                        int bits = 0);

    Key(Key&&) noexcept;
    Key& operator=(Key&&) noexcept;
    ~Key();

    const std::string& owner() const { return m_owner; }
    scenario::Algorithm algorithm() const { return m_algorithm; }
    std::uint16_t flags() const { return m_flags; }
    std::uint16_t keytag() const { return m_keytag; }

    // Sets the flags (e.g. adds kFlagRevoke); the key tag changes with them (RFC 5011 2.1).
    void set_flags(std::uint16_t flags);

    // "example.com. 3600 IN DNSKEY 257 3 13 <base64>"
    std::string dnskey_rr(std::uint32_t ttl) const;
    // DS data for this key with the given digest type (2 = SHA-256 by default).
    DsData ds(std::uint8_t digest_type = 2) const;

    // A key with the same key material and other flags (e.g. kFlagRevoke added): the revoked
    // twin of a key, or a relabelled copy. Shares nothing mutable with this one.
    Key with_flags(std::uint16_t flags) const;

    ldns_struct_key* ldns() const { return m_key.get(); }

private:
    struct Deleter {
        void operator()(ldns_struct_key* k) const;
    };
    Key(std::string owner, scenario::Algorithm algorithm, std::uint16_t flags, ldns_struct_key* key);
    void refresh_keytag();

    std::string m_owner;
    scenario::Algorithm m_algorithm;
    std::uint16_t m_flags;
    std::uint16_t m_keytag = 0;
    std::unique_ptr<ldns_struct_key, Deleter> m_key;
};

}  // namespace rollsim::dnssec
