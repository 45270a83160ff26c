// The external programs a lab needs, found on PATH (and the usual sbin directories), and the
// virtual clock library this build makes.
#pragma once

#include <string>

namespace rollsim::lab {

struct Tools {
    std::string nsd;
    std::string nsd_control;
    std::string unbound;
    std::string vclock_library;  // librollsim_vclock.so: the daemons' virtual clock

    // Throws LabError naming the missing program and the Debian package that provides it.
    // ROLLSIM_NSD / ROLLSIM_NSD_CONTROL / ROLLSIM_UNBOUND / ROLLSIM_VCLOCK_LIBRARY override.
    static Tools locate();
};

// A program found as Tools::locate() finds NSD: `variable` (an absolute path) overrides the
// search. Throws LabError naming the program and the Debian `package` that provides it.
std::string locate_program(const std::string& name, const char* variable, const std::string& package);

// librollsim_vclock.so (vclock/vclock_preload.cpp): ROLLSIM_VCLOCK_LIBRARY when set, else
// where an installed rollsim keeps it (<prefix>/bin/rollsim -> <libdir>/rollsim/), else lib/
// beside the directory of the running program (build/bin/rollsim -> build/lib/), else where
// this build put it. Throws LabError (exit status 3) naming the fix when none exists.
std::string locate_vclock_library();

}  // namespace rollsim::lab
