#include "dnssec/incremental.hpp"

#include <algorithm>

namespace rollsim::dnssec {

namespace {

// FNV-1a, 64 bits: a hash that is the same on every platform and every run, so the jitter
// of a name does not change between runs.
std::uint64_t stable_hash(std::string_view bytes)
{
    std::uint64_t h = 14695981039346656037ull;
    for (const char c : bytes) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    return h;
}

}  // namespace

std::uint32_t SignatureMemory::signer_set(const std::string& identity)
{
    const auto it = std::find(signer_sets.begin(), signer_sets.end(), identity);
    if (it != signer_sets.end()) return static_cast<std::uint32_t>(it - signer_sets.begin());
    signer_sets.push_back(identity);
    return static_cast<std::uint32_t>(signer_sets.size() - 1);
}

TimePoint SignatureMemory::due(std::string_view id, TimePoint signed_at) const
{
    const auto hours = static_cast<std::uint64_t>(policy.jitter.count() / 3600);
    const auto offset = hours == 0 ? 0 : stable_hash(id) % (hours + 1);
    return signed_at + policy.refresh - Seconds(static_cast<std::int64_t>(offset) * 3600);
}

IncrementalSigner::IncrementalSigner(ResignPolicy policy)
{
    m_memory.policy = policy;
}

SignedZone IncrementalSigner::sign(const SignRequest& request, TimePoint now)
{
    m_memory.now = now;
    return sign_zone(request, m_memory);
}

}  // namespace rollsim::dnssec
