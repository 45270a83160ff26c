// Stable names for a scenario's expectations: what CI test views (GitLab, GitHub, Jenkins) follow
// from run to run, so they must not change when the file is edited elsewhere. The JUnit
// testcase names, the JSON report's expectations[].id and the Markdown and HTML tables use them.
//
// An expectation's id is its text as rollsim understood it (scenario::Expectation::text): moving
// it to another line, or editing any other part of the file, keeps it. Expectations with the
// same text are told apart by a short hash of the text and its occurrence: the first keeps the
// bare text, the second and later ones read "TEXT #1a2b3c".
//
// An `id:` the author gives in the scenario file takes precedence over the text (the parser
// keeps ids unique); a derived id never equals an author's.
#pragma once

#include "scenario/model.hpp"

#include <string>
#include <vector>

namespace rollsim::report {

// One id per expectation, in order; no two alike.
std::vector<std::string> expectation_ids(const std::vector<scenario::Expectation>& expectations);

}  // namespace rollsim::report
