// The HTML report: ONE self-contained file (inline CSS, JavaScript and SVG; no fonts,
// scripts or images from anywhere else), legible on a projector: large type, high contrast,
// the Okabe–Ito colour-blind-safe palette, and a text label next to every colour.
//
// It shows the scenario's result, an SVG timeline over the virtual span — one lane per key
// (published / signing / retired / removed) and per DS at the parent, from the run's
// key_changes; the timeline's actions and faults as numbered vertical markers; one lane per
// resolver × query with its probe results (runs of identical results drawn as one mark, so
// thousands of observations stay small); failure windows shaded; the rollover lint's predicted
// windows as a hatched lane and a dotted outline across the resolvers — details on hover (SVG
// <title>) and on click (a details panel), then tables of failure windows, predicted vs
// observed (report/predicted.hpp), expectations and events. Every text from the scenario or the resolvers is escaped.
#pragma once

#include "report/evaluate.hpp"
#include "runner/observation.hpp"
#include "scenario/model.hpp"

#include <string>
#include <vector>

namespace rollsim::report {

std::string html_report(const scenario::Scenario& scenario, const runner::RunRecord& record,
                        const std::vector<Verdict>& verdicts, const std::vector<FailureWindow>& windows,
                        const std::vector<rollover::PredictedWindow>& predicted);

// Text for HTML content and attribute values: & < > " ' as character references.
std::string html_escape(const std::string& text);

}  // namespace rollsim::report
