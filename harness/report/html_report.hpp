// The HTML report: ONE self-contained file (inline CSS, JavaScript and SVG; no fonts,
// scripts or images from anywhere else), legible on a projector: large type, high contrast,
// the Okabe–Ito colour-blind-safe palette, a text label next to every colour, and marks drawn
// in SVG rather than taken from fonts. Its first screen at 1280x720 shows the result, the causes
// of failures (report/failure_groups.hpp), the scenario's own zones and the failure windows.
//
// It shows the scenario's result, an SVG timeline over the virtual span (report/html_timeline.hpp)
// — one lane per key (published / signing / retired / removed) and per DS at the parent, the
// implicit ancestors nothing happened to sharing one; the timeline's actions and faults as
// numbered markers; one lane per resolver × query with its probe results (runs of identical
// results drawn as one mark, so thousands of observations stay small); failure windows tinted
// under the lanes and outlined on their own; the rollover lint's predicted windows as a hatched
// lane and a dotted outline across the resolvers — details on hover (SVG <title>) and on click
// (a details panel), then tables of failure windows (one row per cause, every window folded
// away), predicted vs observed (report/predicted.hpp), expectations and events. Every text from
// the scenario or the resolvers is escaped. Opened with "#layout-check", the page measures its
// own layout (overlapping texts, how far down the zones' lanes and the failures reach).
#pragma once

#include "report/summary.hpp"
#include "runner/observation.hpp"
#include "scenario/model.hpp"

#include <string>
#include <vector>

namespace rollsim::report {

std::string html_report(const scenario::Scenario& scenario, const runner::RunRecord& record,
                        const RunSummary& summary);

// Text for HTML content and attribute values: & < > " ' as character references.
std::string html_escape(const std::string& text);

}  // namespace rollsim::report
