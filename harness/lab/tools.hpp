// The external programs a lab needs, found on PATH (and the usual sbin directories).
#pragma once

#include <string>

namespace rollsim::lab {

struct Tools {
    std::string nsd;
    std::string nsd_control;
    std::string unbound;
    std::string libfaketime;  // the preload library

    // Throws LabError naming the missing program and the Debian package that provides it.
    // ROLLSIM_NSD / ROLLSIM_NSD_CONTROL / ROLLSIM_UNBOUND / ROLLSIM_LIBFAKETIME override.
    static Tools locate();
};

}  // namespace rollsim::lab
