// Domain names as text: absolute, lower-case names with the trailing dot ("www.example.com.",
// "." for the root), the form the scenario model and the world use. Plain functions on strings,
// no ldns: normalising what a user wrote (with the reason when it is not a name), the parent of
// a name, whether a name lies at or below a zone, and how many labels it has.
#pragma once

#include <string>
#include <string_view>

namespace rollsim::dns {

struct NormalisedName {
    std::string name;   // absolute, lower-case; empty on error
    std::string error;  // why the text is not a name, e.g. "it has an empty label (...)"; empty on success
};

// `text` as an absolute lower-case name. A relative name is completed with `origin` ("@" is the
// origin itself); an empty origin makes every name absolute and refuses "@". Labels hold letters,
// digits, '-' and '_' (RFC 1035 2.3.4 lengths: 63 per label, 253 in all); `allow_wildcard` admits
// '*' as the leftmost label (owner names, RFC 4592).
NormalisedName normalise_name(std::string_view text, std::string_view origin, bool allow_wildcard);

// The parent of an absolute name: "www.example.com." -> "example.com.", "com." -> ".", "." -> ".".
std::string parent_name(const std::string& name);

// True when `name` equals `zone` or lies below it (label-wise: "wwwexample.com." is not below
// "example.com."). Every name is at or below the root.
bool is_at_or_below(std::string_view name, std::string_view zone);

// The number of labels of an absolute name: "." -> 0, "example.com." -> 2.
int label_count(const std::string& name);

}  // namespace rollsim::dns
