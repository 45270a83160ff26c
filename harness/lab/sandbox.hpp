// Write confinement for a lab process that runs an operator's command (a monitor,
// docs/monitoring.md): in a mount namespace of its own, every mount is read-only except one
// directory, its work directory, and a private tmpfs on /dev/shm. Device nodes (/dev/null,
// /dev/urandom) keep working: a read-only mount does not stop writes to devices.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace rollsim::lab {

class WriteConfinement {
public:
    // `writable` must exist: it is bind-mounted onto itself to be the one writable place.
    explicit WriteConfinement(const std::filesystem::path& writable);

    // Confines the calling process. Runs in the forked child before exec, so it makes
    // async-signal-safe calls only. Returns nullptr on success, otherwise what failed, with
    // errno saying why; the caller must then not exec the command unconfined.
    const char* apply() const noexcept;

private:
    std::string m_writable;
};

// What the mounts need, for error messages (docs/monitoring.md says the same).
inline constexpr const char* kConfinementNeeds =
    "confining a monitor's writes needs CAP_SYS_ADMIN in the lab's namespaces (root, or the user "
    "namespace rollsim makes when run as another user) and Linux 5.12 or later (mount_setattr)";

}  // namespace rollsim::lab
