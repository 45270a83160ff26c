#include "dnssec/rrsig.hpp"

#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <stdexcept>
#include <string>

namespace rollsim::dnssec {

namespace {

// A deep copy of an RRset, freed with its records.
struct DeepListFree {
    void operator()(ldns_rr_list* list) const { ldns_rr_list_deep_free(list); }
};
using DeepListPtr = std::unique_ptr<ldns_rr_list, DeepListFree>;

struct BufferFree {
    void operator()(ldns_buffer* buffer) const { ldns_buffer_free(buffer); }
};
using BufferPtr = std::unique_ptr<ldns_buffer, BufferFree>;

struct EcdsaSigFree {
    void operator()(ECDSA_SIG* sig) const { ECDSA_SIG_free(sig); }
};

// The RRset as it is signed: canonical form (RFC 4034 6.2), the RRset's one TTL, canonical
// order (RFC 4034 6.3).
DeepListPtr canonical_rrset(const std::vector<ldns_rr*>& rrs)
{
    DeepListPtr list(ldns_rr_list_new());
    if (!list) throw std::bad_alloc();
    for (const ldns_rr* rr : rrs) {
        ldns_rr* copy = ldns_rr_clone(rr);
        if (!copy || !ldns_rr_list_push_rr(list.get(), copy)) {
            ldns_rr_free(copy);
            throw std::bad_alloc();
        }
        ldns_rr_set_ttl(copy, ldns_rr_ttl(rrs.front()));
        ldns_rr2canonical(copy);
    }
    ldns_rr_list_sort(list.get());
    return list;
}

}  // namespace

void RrsigMaker::ContextFree::operator()(evp_pkey_ctx_st* ctx) const
{
    EVP_PKEY_CTX_free(ctx);
}

dns::RdfPtr RrsigMaker::ecdsa_signature(const ldns_buffer* data, const ldns_key* key)
{
    const bool p384 = ldns_key_algorithm(key) == LDNS_SIGN_ECDSAP384SHA384;
    EVP_PKEY* pkey = ldns_key_evp_key(key);
    auto& ctx = m_contexts[pkey];
    if (!ctx) {
        ctx.reset(EVP_PKEY_CTX_new(pkey, nullptr));
        if (!ctx || EVP_PKEY_sign_init(ctx.get()) <= 0) throw std::runtime_error("OpenSSL cannot sign with an ECDSA key");
    }
    // RFC 6605 4: SHA-256 with P-256, SHA-384 with P-384; r and s of 32 or 48 octets.
    unsigned char digest[SHA384_DIGEST_LENGTH];
    const std::size_t digest_size = p384 ? SHA384_DIGEST_LENGTH : SHA256_DIGEST_LENGTH;
    const auto* bytes = static_cast<const unsigned char*>(ldns_buffer_begin(data));
    if (p384)
        SHA384(bytes, ldns_buffer_position(data), digest);
    else
        SHA256(bytes, ldns_buffer_position(data), digest);
    unsigned char der[160];
    std::size_t der_size = sizeof der;
    if (EVP_PKEY_sign(ctx.get(), der, &der_size, digest, digest_size) <= 0)
        throw std::runtime_error("OpenSSL could not make an ECDSA signature");
    const unsigned char* in = der;
    std::unique_ptr<ECDSA_SIG, EcdsaSigFree> sig(d2i_ECDSA_SIG(nullptr, &in, static_cast<long>(der_size)));
    if (!sig) throw std::runtime_error("OpenSSL made an ECDSA signature it cannot read back");
    const int half = p384 ? 48 : 32;
    unsigned char raw[96];
    if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), raw, half) != half ||
        BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), raw + half, half) != half)
        throw std::runtime_error("an ECDSA signature value is longer than the curve's order");
    dns::RdfPtr rdf(ldns_rdf_new_frm_data(LDNS_RDF_TYPE_B64, static_cast<std::size_t>(2 * half), raw));
    if (!rdf) throw std::bad_alloc();
    return rdf;
}

std::vector<dns::RrPtr> RrsigMaker::sign(const std::vector<ldns_rr*>& rrs, const ldns_key_list* keys)
{
    std::vector<dns::RrPtr> out;
    if (rrs.empty()) return out;
    const DeepListPtr rrset = canonical_rrset(rrs);
    const std::size_t count = ldns_key_list_key_count(keys);
    out.reserve(count);
    BufferPtr data(ldns_buffer_new(1024));
    if (!data) throw std::bad_alloc();
    for (std::size_t k = 0; k < count; ++k) {
        ldns_key* key = ldns_key_list_key(keys, k);
        dns::RrPtr rrsig(ldns_create_empty_rrsig(rrset.get(), key));
        if (!rrsig) throw std::runtime_error("ldns could not start an RRSIG");
        ldns_buffer_clear(data.get());
        if (ldns_rrsig2buffer_wire(data.get(), rrsig.get()) != LDNS_STATUS_OK ||
            ldns_rr_list2buffer_wire(data.get(), rrset.get()) != LDNS_STATUS_OK)
            throw std::runtime_error("ldns could not encode the data to sign");
        const ldns_signing_algorithm algorithm = ldns_key_algorithm(key);
        dns::RdfPtr signature;
        if (algorithm == LDNS_SIGN_ECDSAP256SHA256 || algorithm == LDNS_SIGN_ECDSAP384SHA384)
            signature = ecdsa_signature(data.get(), key);
        else
            signature.reset(ldns_sign_public_buffer(data.get(), key));
        if (!signature || !ldns_rr_rrsig_set_sig(rrsig.get(), signature.get()))
            throw std::runtime_error("could not sign an RRset with algorithm " + std::to_string(algorithm));
        signature.release();  // the RRSIG owns it
        out.push_back(std::move(rrsig));
    }
    return out;
}

}  // namespace rollsim::dnssec
