// Whole-file writes that readers never see half done, and where a path lies.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace rollsim {

struct WriteOptions {
    // Give the new file an mtime later than the one it replaces. NSD reloads a zone only when
    // the file's mtime differs from the one it last read, and two writes within one tick of
    // the kernel's clock can share an mtime: the new one is set 1 ms past the old one (1 s on
    // file systems with coarse timestamps) when the clock has not moved it on by itself.
    bool newer_mtime = false;
};

// Writes `text` to `path` through a temporary file in the same directory and rename(), so a
// concurrent reader (a daemon reading its configuration, NSD loading a zone, a CI job
// reading a report) sees the old file or the new one. Returns the error text on failure,
// nullopt on success; the caller decides what the failure means (a lab error, a report that
// could not be written).
std::optional<std::string> write_file_atomically(const std::filesystem::path& path, const std::string& text,
                                                 const WriteOptions& options = {});

// True when `path` is `root` or lies below it, compared name by name (both absolute and
// normal, e.g. lexically_normal() or weakly_canonical()): "/a/bc" is not below "/a/b".
bool is_within(const std::filesystem::path& path, const std::filesystem::path& root);

}  // namespace rollsim
