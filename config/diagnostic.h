// Diagnostics: what validation found wrong in a configuration file, and where.
// Every loader in config/ reports through a Diagnostics list so that one pass reports every
// problem, each with file, line and column (1-based), a message and a hint.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace custclass::config {

// Where something stands in a configuration file.
struct Position {
    int line = 0;  // 1-based
    int column = 0;
};

enum class Severity { Error, Warning };

struct Diagnostic {
    Severity severity = Severity::Error;
    std::string file;
    int line = 0;    // 1-based; 0 when the problem is not at a position (a missing file)
    int column = 0;  // 1-based
    std::string message;
    std::string hint;

    // "file:line:col: error: message" (and " (hint)" when there is one).
    std::string to_string() const;
};

// Collects the diagnostics of one validation pass.
class Diagnostics {
public:
    void error(std::string file, int line, int column, std::string message, std::string hint = {});
    void warning(std::string file, int line, int column, std::string message,
                 std::string hint = {});
    void add(Diagnostic d) { items_.push_back(std::move(d)); }
    void append(const Diagnostics& other);

    bool has_errors() const;
    std::size_t error_count() const;
    const std::vector<Diagnostic>& items() const { return items_; }

    // Every diagnostic, one per line.
    std::string to_string() const;

private:
    std::vector<Diagnostic> items_;
};

// Thrown by the loaders' throwing entry points when a file has errors; carries all of them.
class ConfigError : public std::runtime_error {
public:
    explicit ConfigError(Diagnostics diagnostics);
    const Diagnostics& diagnostics() const { return diagnostics_; }

private:
    Diagnostics diagnostics_;
};

// Thrown when a configuration file cannot be read at all.
class FileError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace custclass::config
