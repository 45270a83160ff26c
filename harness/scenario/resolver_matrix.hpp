// A scenario run across resolver kinds without editing it (`rollsim run FILE --resolvers all`,
// docs/resolvers.md): every daemon resolver of the file is asked as each of the kinds named,
// with the same profile, and the expectations that name it hold for each.
#pragma once

#include "scenario/model.hpp"

#include <string>
#include <vector>

namespace rollsim::scenario {

// The kinds `--resolvers` names: "all" (every daemon kind, in table order) or a comma-separated
// list of daemon kind names ("unbound,bind"). Throws ScenarioError naming `option` for an empty
// list, an unknown name, a kind named twice or libunbound (not a daemon: the cold validator
// stays as the file has it).
std::vector<ResolverKind> resolver_kinds_from(const std::string& text, const std::string& option);

// The same list, which may also name `cold` ("all,cold"): then each cold libunbound validator is
// asked as a cold daemon of each kind too. Throws ScenarioError as above, and for `cold` alone.
ResolverMatrix resolver_matrix_from(const std::string& text, const std::string& option);

// `sc` with each daemon resolver R replaced by one resolver per kind of `kinds`: named R for
// R's own kind, R-KIND for the others (R-bind, R-knot-resolver, ...), with R's profile. The cold
// validator stays. Every expectation that names R is repeated for each of them, its text saying
// which; the others hold for every resolver as before. Throws ScenarioError at R's line when a
// kind does not take an option R sets (naming the option and the kind), as the parser would
// for a file that said so.
Scenario across_resolver_kinds(Scenario sc, const std::vector<ResolverKind>& kinds);

// The same, and with `matrix.cold` each libunbound resolver R also asked as a cold daemon
// (cache: cold) of each kind, named R-KIND; R stays, and the expectations naming R are repeated
// for each of them.
Scenario across_resolver_kinds(Scenario sc, const ResolverMatrix& matrix);

// The expectations that name kinds (`kind:`) applied to the resolvers the run asks, once they
// are settled (after across_resolver_kinds, if at all): one naming a resolver stays if that
// resolver is of one of its kinds, one naming none stays as it is if every resolver is of its
// kinds and becomes one per resolver of its kinds otherwise, and any other goes. So a file pins
// what each kind answered and still runs as it is: run as the file has it (Unbound), only the
// expectations for Unbound and those naming no kind are judged.
void apply_expectation_kinds(Scenario& sc);

}  // namespace rollsim::scenario
