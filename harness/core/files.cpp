#include "core/files.hpp"

#include <fstream>
#include <system_error>

namespace rollsim {

std::optional<std::string> write_file_atomically(const std::filesystem::path& path, const std::string& text)
{
    std::filesystem::path temporary = path;
    temporary += ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << text;
        out.flush();
        if (!out) return "cannot write " + temporary.string();
    }
    std::error_code ec;
    std::filesystem::rename(temporary, path, ec);
    if (ec) return "cannot rename " + temporary.string() + " to " + path.string() + ": " + ec.message();
    return std::nullopt;
}

}  // namespace rollsim
