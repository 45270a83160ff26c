#include "dns/outcome.hpp"

#include <array>
#include <string_view>

namespace rollsim::dns {

namespace {

// The enumerators are listed without their numbers: these hold them to the registries.
static_assert(rcode_number(Rcode::DsoTypeNi) == 11 && rcode_number(Rcode::BadCookie) == 23);
static_assert(ede_code(Ede::DnssecBogus) == 6 && ede_code(Ede::NsecMissing) == 12 && ede_code(Ede::InvalidData) == 24);

// Names by number; an empty entry has no name.
constexpr std::array<std::string_view, 24> kRcodeNames = {
    "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET",
    "NXRRSET", "NOTAUTH", "NOTZONE", "DSOTYPENI", "",       "",         "",       "",
    "BADVERS", "BADKEY",  "BADTIME",  "BADMODE",  "BADNAME", "BADALG", "BADTRUNC", "BADCOOKIE",
};

// RFC 8914 4.1-4.25, by INFO-CODE.
constexpr std::array<std::string_view, 25> kEdeNames = {
    "Other Error",
    "Unsupported DNSKEY Algorithm",
    "Unsupported DS Digest Type",
    "Stale Answer",
    "Forged Answer",
    "DNSSEC Indeterminate",
    "DNSSEC Bogus",
    "Signature Expired",
    "Signature Not Yet Valid",
    "DNSKEY Missing",
    "RRSIGs Missing",
    "No Zone Key Bit Set",
    "NSEC Missing",
    "Cached Error",
    "Not Ready",
    "Blocked",
    "Censored",
    "Filtered",
    "Prohibited",
    "Stale NXDomain Answer",
    "Not Authoritative",
    "Not Supported",
    "No Reachable Authority",
    "Network Error",
    "Invalid Data",
};

constexpr std::array<std::string_view, 4> kValidationNames = {"secure", "insecure", "bogus", "indeterminate"};

}  // namespace

std::string to_string(Rcode rcode)
{
    const auto n = static_cast<std::size_t>(rcode);
    if (n < kRcodeNames.size() && !kRcodeNames[n].empty()) return std::string(kRcodeNames[n]);
    return "RCODE" + std::to_string(n);
}

std::optional<std::string> rcode_name(const std::optional<Rcode>& rcode)
{
    if (!rcode) return std::nullopt;
    return to_string(*rcode);
}

std::optional<int> ede_code(const std::optional<Ede>& ede)
{
    if (!ede) return std::nullopt;
    return ede_code(*ede);
}

std::string ede_name(Ede ede)
{
    const auto n = static_cast<std::size_t>(ede);
    if (n < kEdeNames.size()) return std::string(kEdeNames[n]);
    return "EDE " + std::to_string(n);
}

std::string to_string(Validation validation)
{
    const auto n = static_cast<std::size_t>(validation);
    return std::string(n < kValidationNames.size() ? kValidationNames[n] : kValidationNames.back());
}

bool ResolverAnswer::failed() const
{
    return validation == Validation::Bogus || !rcode || *rcode == Rcode::ServFail;
}

}  // namespace rollsim::dns
