// RRSIG records (RFC 4034 3) over one RRset, one per signing key. ECDSA keys (RFC 6605) sign
// through an OpenSSL context kept per key, so that a signature costs the signing itself and not
// OpenSSL's set-up of a new operation each time; other algorithms sign through ldns. A maker
// is not shared between threads: the signer gives each thread its own.
#pragma once

#include "dns/ldns_ptr.hpp"

#include <ldns/ldns.h>

#include <map>
#include <memory>
#include <vector>

struct evp_pkey_st;
struct evp_pkey_ctx_st;

namespace rollsim::dnssec {

class RrsigMaker {
public:
    RrsigMaker() = default;
    RrsigMaker(RrsigMaker&&) noexcept = default;
    RrsigMaker& operator=(RrsigMaker&&) noexcept = default;
    ~RrsigMaker() = default;

    // RRSIGs over `rrs`, one RRset, by every key of `keys` in order. The signed data is the
    // RRSIG RDATA before its signature field, then the RRset in canonical form and order
    // (RFC 4034 3.1.8.1, 6.2, 6.3). Throws std::runtime_error when a key cannot sign.
    std::vector<dns::RrPtr> sign(const std::vector<ldns_rr*>& rrs, const ldns_key_list* keys);

private:
    struct ContextFree {
        void operator()(evp_pkey_ctx_st* ctx) const;
    };
    using ContextPtr = std::unique_ptr<evp_pkey_ctx_st, ContextFree>;

    // The signature field of an ECDSA RRSIG: r and s, each as long as the curve's order
    // (RFC 6605 4).
    dns::RdfPtr ecdsa_signature(const ldns_buffer* data, const ldns_key* key);

    std::map<const evp_pkey_st*, ContextPtr> m_contexts;  // by key, set up for signing
};

}  // namespace rollsim::dnssec
