#include "dnssec/incremental.hpp"

#include <algorithm>
#include <array>
#include <cstring>

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

// The offsets of a wire-form name's labels, left to right (at most 127 labels, RFC 1035 3.1).
std::size_t label_offsets(const std::string& name, std::array<std::uint8_t, 128>& at)
{
    std::size_t count = 0;
    for (std::size_t i = 0; i < name.size() && name[i] != 0 && count < at.size();
         i += 1 + static_cast<unsigned char>(name[i]))
        at[count++] = static_cast<std::uint8_t>(i);
    return count;
}

}  // namespace

bool CanonicalWireLess::operator()(const std::string& a, const std::string& b) const
{
    std::array<std::uint8_t, 128> at_a{};
    std::array<std::uint8_t, 128> at_b{};
    const std::size_t count_a = label_offsets(a, at_a);
    const std::size_t count_b = label_offsets(b, at_b);
    for (std::size_t i = 1; i <= std::min(count_a, count_b); ++i) {
        const auto* la = reinterpret_cast<const unsigned char*>(a.data()) + at_a[count_a - i];
        const auto* lb = reinterpret_cast<const unsigned char*>(b.data()) + at_b[count_b - i];
        const int common = std::memcmp(la + 1, lb + 1, std::min(la[0], lb[0]));
        if (common != 0) return common < 0;
        if (la[0] != lb[0]) return la[0] < lb[0];
    }
    return count_a < count_b;
}

std::uint64_t line_hash(std::string_view line)
{
    return stable_hash(line);
}

std::string rrset_id(const std::string& owner_wire, std::uint16_t type)
{
    std::string id = owner_wire;
    id += static_cast<char>(type >> 8);
    id += static_cast<char>(type & 0xff);
    return id;
}

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

void SignatureMemory::forget()
{
    owners.clear();
    lines.clear();
    line_index.clear();
    shape.clear();
}

IncrementalSigner::IncrementalSigner(ResignPolicy policy)
{
    m_memory.policy = policy;
}

SignedZone IncrementalSigner::sign(const SignRequest& request, TimePoint now)
{
    m_memory.now = now;
    if (auto zone = sign_delta(request, m_memory)) return std::move(*zone);
    return sign_zone(request, m_memory);
}

}  // namespace rollsim::dnssec
