#include "monitor/status.hpp"

namespace rollsim::monitor {

std::string_view to_string(Status s)
{
    switch (s) {
    case Status::Ok: return "OK";
    case Status::Warning: return "WARNING";
    case Status::Critical: return "CRITICAL";
    case Status::Unknown: return "UNKNOWN";
    }
    return "UNKNOWN";
}

Status status_of_exit(int exit_status)
{
    if (exit_status >= 0 && exit_status <= 3) return static_cast<Status>(exit_status);
    return Status::Unknown;
}

}  // namespace rollsim::monitor
