// Errors that reach the command line: each kind carries the exit status it maps to.
// Checks that can legitimately fail return values; these exceptions are for what
// interrupts a run (bad scenario, a lab that cannot start) and travel to cli/main.cpp.
#pragma once

#include <stdexcept>
#include <string>

namespace rollsim {

enum class ExitCode : int {
    Ok = 0,
    ExpectationFailed = 1,  // the run completed and an expectation did not hold
    InvalidScenario = 2,    // the scenario file is malformed; nothing was started
    LabFailed = 3,          // the lab could not start or broke while running
    Internal = 4,           // a bug or an unexpected environment failure
    ShardsIncomplete = 5,   // rollsim merge: a listed scenario is missing from the shards, or ran twice
    Interrupted = 130,      // SIGINT / SIGTERM
};

class Fatal : public std::runtime_error {
public:
    Fatal(ExitCode code, const std::string& message) : std::runtime_error(message), m_code(code) {}
    ExitCode code() const { return m_code; }

private:
    ExitCode m_code;
};

// "FILE:LINE:COL: what is wrong (hint)". Line and column are 1-based; 0 means unknown.
class ScenarioError : public Fatal {
public:
    ScenarioError(const std::string& file, int line, int column, const std::string& message)
        : Fatal(ExitCode::InvalidScenario, format(printable(file), line, column, printable(message))),
          m_file(file), m_line(line), m_column(column), m_message(printable(message))
    {
    }
    const std::string& file() const { return m_file; }
    int line() const { return m_line; }
    int column() const { return m_column; }
    const std::string& message() const { return m_message; }

    // `text` with every control byte (and DEL) written as \xNN, so that a message quoting a
    // scenario's content cannot move the cursor, clear the screen or add a line on a terminal.
    static std::string printable(const std::string& text)
    {
        static constexpr char kHex[] = "0123456789abcdef";
        std::string out;
        out.reserve(text.size());
        for (const char c : text) {
            const auto b = static_cast<unsigned char>(c);
            if (b >= 0x20 && b != 0x7f) {
                out += c;
                continue;
            }
            out += "\\x";
            out += kHex[b >> 4];
            out += kHex[b & 0xf];
        }
        return out;
    }

private:
    static std::string format(const std::string& file, int line, int column, const std::string& message)
    {
        std::string out = file;
        if (line > 0) {
            out += ":" + std::to_string(line);
            if (column > 0) out += ":" + std::to_string(column);
        }
        return out + ": " + message;
    }
    std::string m_file;
    int m_line;
    int m_column;
    std::string m_message;
};

// The lab could not be built or a lab process misbehaved. The message names the fix.
class LabError : public Fatal {
public:
    explicit LabError(const std::string& message) : Fatal(ExitCode::LabFailed, message) {}
};

}  // namespace rollsim
