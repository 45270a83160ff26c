#include "probe/daemon_probe.hpp"

#include "core/kept_threads.hpp"
#include "dns/query.hpp"

#include <atomic>
#include <exception>
#include <mutex>

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
    std::atomic<std::size_t> next{0};
    std::exception_ptr error;
    std::mutex error_mutex;
    const auto work = [&](unsigned) {
        for (std::size_t i = next++; i < questions.size(); i = next++) {
            try {
                answers[i] = ask_daemon(address, questions[i].first, questions[i].second);
            } catch (...) {
                const std::lock_guard lock(error_mutex);
                if (!error) error = std::current_exception();
            }
        }
    };
    if (!run_on_kept_threads(in_flight, work)) work(0);
    if (error) std::rethrow_exception(error);
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
