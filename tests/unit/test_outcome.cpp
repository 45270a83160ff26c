// Typed outcomes (dns/outcome.hpp): the names reports print, codes without a name kept as
// numbers, and what counts as a failure.
#include "dns/outcome.hpp"

#include <gtest/gtest.h>

namespace rollsim::dns {
namespace {

TEST(Rcode, NamesFromTheRegistryAndNumbersForTheRest)
{
    EXPECT_EQ(to_string(Rcode::NoError), "NOERROR");
    EXPECT_EQ(to_string(Rcode::ServFail), "SERVFAIL");
    EXPECT_EQ(to_string(Rcode::NxDomain), "NXDOMAIN");
    EXPECT_EQ(to_string(rcode_from_number(5)), "REFUSED");
    EXPECT_EQ(to_string(rcode_from_number(11)), "DSOTYPENI");
    EXPECT_EQ(to_string(rcode_from_number(12)), "RCODE12");
    EXPECT_EQ(to_string(rcode_from_number(23)), "BADCOOKIE");
    EXPECT_EQ(rcode_number(rcode_from_number(4000)), 4000);
    EXPECT_EQ(rcode_name(std::nullopt), std::nullopt);
    EXPECT_EQ(rcode_name(Rcode::ServFail), "SERVFAIL");
}

TEST(Ede, KeepsItsCodeAndNamesTheRfc8914Ones)
{
    EXPECT_EQ(ede_code(Ede::DnssecBogus), 6);
    EXPECT_EQ(ede_code(Ede::InvalidData), 24);
    EXPECT_EQ(ede_name(Ede::Other), "Other Error");
    EXPECT_EQ(ede_name(Ede::SignatureExpired), "Signature Expired");
    EXPECT_EQ(ede_name(Ede::NotAuthoritative), "Not Authoritative");
    // A code registered later, or not at all, survives as its number.
    EXPECT_EQ(ede_code(ede_from_code(49)), 49);
    EXPECT_EQ(ede_name(ede_from_code(49)), "EDE 49");
    EXPECT_EQ(ede_code(std::optional<Ede>()), std::nullopt);
    EXPECT_EQ(ede_code(std::optional<Ede>(Ede::DnskeyMissing)), 9);
    EXPECT_FALSE(is_dnssec_failure(Ede::UnsupportedDsDigestType));
    EXPECT_TRUE(is_dnssec_failure(Ede::DnssecBogus));
    EXPECT_TRUE(is_dnssec_failure(Ede::NsecMissing));
    EXPECT_FALSE(is_dnssec_failure(Ede::CachedError));
}

TEST(ResolverAnswer, FailedIsServfailBogusOrNoAnswer)
{
    ResolverAnswer a;
    EXPECT_TRUE(a.failed());  // no answer
    a.rcode = Rcode::NoError;
    a.validation = Validation::Secure;
    EXPECT_FALSE(a.failed());
    a.validation = Validation::Bogus;
    EXPECT_TRUE(a.failed());
    a.validation = Validation::Indeterminate;
    a.rcode = Rcode::ServFail;
    EXPECT_TRUE(a.failed());
    a.rcode = Rcode::NxDomain;
    a.validation = Validation::Insecure;
    EXPECT_FALSE(a.failed());
    EXPECT_EQ(to_string(Validation::Indeterminate), "indeterminate");
}

}  // namespace
}  // namespace rollsim::dns
