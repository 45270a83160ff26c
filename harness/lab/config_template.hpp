// The configuration templates of the lab's daemons: the files harness/lab/NAME.in, compiled into
// the program (CMakeLists.txt turns them into a table), each beside the file of the daemon kind
// that fills it in. A placeholder is @KEY@: upper-case letters, digits and '_' between '@'s.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace rollsim::lab {

// The text of harness/lab/`name` (e.g. "bind_resolver.conf.in"). Throws LabError for a name
// without a file.
std::string_view config_template(std::string_view name);

// The template `name` with every @KEY@ replaced by values.at(KEY). Throws LabError naming a
// placeholder without a value, or a value no placeholder takes: a template and its filler
// change together.
std::string fill_template(std::string_view name, const std::map<std::string, std::string>& values);

}  // namespace rollsim::lab
