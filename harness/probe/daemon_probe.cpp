#include "probe/daemon_probe.hpp"

#include "core/parallel.hpp"
#include "dns/query.hpp"

namespace rollsim::probe {

dns::Validation classify_daemon_answer(const std::optional<dns::Rcode>& rcode, bool ad,
                                       const std::optional<dns::Ede>& ede)
{
    using dns::Rcode;
    using dns::Validation;
    if (!rcode) return Validation::Indeterminate;
    if (*rcode == Rcode::ServFail) return ede && dns::is_dnssec_failure(*ede) ? Validation::Bogus : Validation::Indeterminate;
    if (*rcode == Rcode::NoError || *rcode == Rcode::NxDomain) return ad ? Validation::Secure : Validation::Insecure;
    return Validation::Indeterminate;
}

dns::ResolverAnswer ask_daemon(const std::string& address, const std::string& qname, const std::string& qtype)
{
    const dns::Response response = dns::query(address, qname, qtype);
    dns::ResolverAnswer out;
    if (!response.timed_out) out.rcode = response.rcode;
    out.ad = response.ad;
    out.ede = response.ede;
    out.ede_text = response.ede_text;
    out.validation = classify_daemon_answer(out.rcode, out.ad, out.ede);
    out.reason = response.timed_out ? "no answer from the resolver" : response.ede_text;
    return out;
}

std::vector<dns::ResolverAnswer> ask_daemon_at_once(const std::string& address,
                                                    const std::vector<std::pair<std::string, std::string>>& questions,
                                                    unsigned in_flight)
{
    std::vector<dns::ResolverAnswer> answers(questions.size());
    parallel_for(questions.size(), in_flight, 1, [&](std::size_t i, unsigned) {
        answers[i] = ask_daemon(address, questions[i].first, questions[i].second);
    });
    return answers;
}

dns::ResolverAnswer dead_daemon_answer()
{
    dns::ResolverAnswer out;
    out.validation = dns::Validation::Indeterminate;
    out.reason = "no answer: the resolver died";
    return out;
}

dns::ResolverAnswer ask_resolver(lab::ResolverDaemon& daemon, const std::string& qname, const std::string& qtype)
{
    dns::ResolverAnswer answer = ask_daemon(daemon.address(), qname, qtype);
    daemon.explain(answer);
    return answer;
}

}  // namespace rollsim::probe
