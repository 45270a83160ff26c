#include "probe/cold_validator.hpp"

#include "core/error.hpp"
#include "core/files.hpp"

#include <ldns/ldns.h>
#include <unbound.h>

#include <memory>
#include <stdexcept>
#include <system_error>

namespace rollsim::probe {

namespace {

namespace fs = std::filesystem;

constexpr int kClassIn = 1;  // RFC 1035 3.2.4

struct ContextDeleter {
    void operator()(ub_ctx* ctx) const { ub_ctx_delete(ctx); }
};
struct ResultDeleter {
    void operator()(ub_result* result) const { ub_resolve_free(result); }
};
using Context = std::unique_ptr<ub_ctx, ContextDeleter>;
using Result = std::unique_ptr<ub_result, ResultDeleter>;

void check(int status, const std::string& what)
{
    if (status != 0) throw LabError("libunbound: " + what + ": " + ub_strerror(status));
}

int rr_type_number(const std::string& qtype)
{
    // ldns knows every mnemonic and the RFC 3597 "TYPEnnn" form; 0 means it knows none.
    const ldns_rr_type type = ldns_get_rr_type_by_name(qtype.c_str());
    if (type == 0) throw std::invalid_argument("unknown query type '" + qtype + "'");
    return static_cast<int>(type);
}

}  // namespace

ColdValidator::ColdValidator(const lab::ResolverSetup& setup, std::filesystem::path dir,
                             const scenario::ResolverSpec& profile)
    : m_clock_offset(profile.clock_offset)
{
    std::error_code ec;
    dir = fs::absolute(dir, ec);
    if (!ec) fs::create_directories(dir, ec);
    if (ec) throw LabError("cannot create the cold validator directory " + dir.string() + ": " + ec.message());
    m_config = dir / "libunbound.conf";
    m_anchor = dir / "root.anchor";  // written by lab::common_server_options
    m_anchor_text = setup.trust_anchor;
    // libunbound's own defaults already suit a library (no chroot, no user change, no syslog);
    // only what the lab needs is added, then the profile. ub_ctx_config reads the file with
    // the daemon's config parser, so the options take the same form as in unbound.conf.
    const std::string text = "server:\n" + lab::common_server_options(setup, dir) +
                             lab::profile_server_options(profile, lab::ProfileTarget::ColdValidator);
    if (auto error = rollsim::write_file_atomically(m_config, text)) throw LabError(*error);
}

void ColdValidator::set_trust_anchor(const std::string& text)
{
    if (text == m_anchor_text) return;
    std::string body = text;
    if (!body.empty() && body.back() != '\n') body += '\n';
    if (auto error = rollsim::write_file_atomically(m_anchor, body)) throw LabError(*error);
    m_anchor_text = text;
}

ColdResult ColdValidator::resolve(const std::string& qname, const std::string& qtype, TimePoint virtual_now) const
{
    const int type = rr_type_number(qtype);
    // A fresh context per probe: nothing cached from an earlier instant can colour the answer.
    Context ctx(ub_ctx_create());
    if (!ctx) throw LabError("libunbound: cannot create a resolver context");
    check(ub_ctx_config(ctx.get(), m_config.c_str()), "reading " + m_config.string());
    // Validate as of the virtual instant: RRSIG inception/expiration (and Unbound's skew
    // allowance around them, RFC 4035 5.3.1) are checked against this date, not the real clock.
    // A profile's clock error moves the date the validator believes it is.
    const std::string date = format_rrsig_time(virtual_now + m_clock_offset);
    check(ub_ctx_set_option(ctx.get(), "val-override-date:", date.c_str()), "val-override-date " + date);

    ub_result* raw = nullptr;
    const int status = ub_resolve(ctx.get(), qname.c_str(), type, kClassIn, &raw);
    Result result(raw);
    check(status, "resolving " + qname + " " + qtype);
    if (!result) throw LabError("libunbound: resolving " + qname + " " + qtype + " returned no result");

    ColdResult out;
    out.rcode = dns::rcode_from_number(result->rcode);
    // A bogus answer comes back with rcode 0 and its data; `secure` and `bogus` are exclusive.
    // Anything else is an unsigned zone, unless no server answered: a SERVFAIL that is not a
    // validation verdict is not "insecure", nothing was validated.
    using dns::Validation;
    out.validation = result->secure                     ? Validation::Secure
                     : result->bogus                    ? Validation::Bogus
                     : out.rcode == dns::Rcode::ServFail ? Validation::Indeterminate
                                                        : Validation::Insecure;
    out.ad = out.validation == Validation::Secure;
    out.havedata = result->havedata != 0;
    out.nxdomain = result->nxdomain != 0;
    if (result->bogus && result->why_bogus) out.reason = result->why_bogus;
    return out;
}

}  // namespace rollsim::probe
