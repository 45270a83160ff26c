// Reads a scenario file (YAML, see docs/scenario-format.md) into the validated model, each
// rollover as written, not yet planned: prepare/prepared.hpp plans the rollovers and completes
// the model (what each stage fills: scenario/model.hpp). Every problem is reported as a
// rollsim::ScenarioError "FILE:LINE:COL: what is wrong (hint)"; nothing downstream has to
// re-check what the prepared model promises.
#pragma once

#include "scenario/model.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rollsim::scenario {

// Reads and validates `file`. Relative template paths are resolved from the file's directory,
// then from each parent directory upward, up to the template root and never above it.
// Templates are read only below the template root (symbolic links resolved, nothing under a
// .git directory) and must be text: a scenario from an untrusted source cannot read other
// files, nor have an error quote them. The root is `template_root` when given, else the
// nearest directory above the scenario that holds .git (its repository), else the working
// directory when the scenario lies below it, else the scenario's own directory. Errors name `file` as given.
Scenario parse_scenario(const std::filesystem::path& file, const std::filesystem::path& template_root = {});

// The same for text already in memory: `file_label` is used in errors and as Scenario::file,
// `base_dir` is where the search for template files starts (and the root is found from).
Scenario parse_scenario_text(const std::string& text, const std::string& file_label,
                             const std::filesystem::path& base_dir, const std::filesystem::path& template_root = {});

// The words the parser accepts, straight from its tables, for tools and for the test that keeps
// schema/scenario.schema.json in step with the parser.
struct Vocabulary {
    // Section -> the field names it accepts, in the parser's order. Sections: "scenario" (top
    // level), "zone", "ttl" (which also takes record type names), "signing", "nsec3", "key",
    // "event" (timeline), "probes", "resolver", "expect", "rollover", "rollover-parent",
    // "rollover-override".
    std::map<std::string, std::vector<std::string>> fields;
    std::vector<std::string> faults;  // kebab-case, in catalog order
    // Fault -> the event parameters it takes / requires, among key, server, type, name, offset,
    // validity, iterations and algorithm (every fault also takes zone, until and say; server is
    // also required when the zone has more than one server).
    std::map<std::string, std::vector<std::string>> fault_parameters;
    std::map<std::string, std::vector<std::string>> fault_required;
    std::vector<std::string> actions;         // do: verbs
    std::vector<std::string> outcomes;
    std::vector<std::string> algorithms;      // canonical names (also accepted: any case)
    std::vector<int> algorithm_numbers;       // in the same order
    std::vector<std::string> key_roles;
    std::vector<std::string> resolver_kinds;
    std::vector<std::string> denials;
    std::vector<std::string> record_types;    // upper-case mnemonics names, queries and ttl accept
    std::vector<std::string> rollover_methods;  // rollover: method values
};

const Vocabulary& vocabulary();

// One timeline event given as its fields, in order (`{"at", "+1d"}, {"fault", "ds-missing"},
// {"zone", "example.com."}, ...`, values as a file would write them), read against `scenario`
// as prepare/ completed it: the same checks, defaults and did-you-mean hints as an
// event in the file, times within the duration. Errors are ScenarioErrors naming `label`,
// without a position. For tools that add events to a scenario being played (rollsim play).
Event parse_event_fields(const Scenario& scenario, const std::vector<std::pair<std::string, std::string>>& fields,
                         const std::string& label);

// Checks the key a timeline event names (ev.unresolved_key) against `scenario`'s keys: the
// zone's, or when the event gives no zone, those of the one zone in `listed` (the zones the
// file lists, in the order an ambiguity names them) that has it; and that the action or fault
// suits the key's role. Sets ev.zone and clears ev.unresolved_key; errors as the parser's. The
// parser calls it at once when no rollover can add keys; prepare/ once the rollovers are planned.
void resolve_key_reference(const Scenario& scenario, const std::vector<std::string>& listed, Event& ev);

// Whether the RRsets of `type` are signed by a zone's DNSKEY signers (ksk, csk): the apex key
// sets DNSKEY, CDS and CDNSKEY (RFC 4035 2.1, RFC 7344 4.1). Every other type is signed by its
// zsk and csk.
bool signed_by_key_signers(const std::string& type);

// An expectation in words, as reports show it: "www.example.com. A on warm from +1d: servfail
// (EDE 9)" (Expectation::text, which the parser sets).
std::string expectation_text(const Expectation& e);

// The parser's hint for a word not among `candidates`: " (did you mean 'x'?)", or
// " (expected one of: a, b, c)" when none is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace rollsim::scenario
