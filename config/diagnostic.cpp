#include "diagnostic.h"

#include <algorithm>

namespace custclass::config {

std::string Diagnostic::to_string() const {
    std::string out = file;
    if (line > 0) {
        // Appended piece by piece: GCC 12 at -O3 warns falsely (-Wrestrict) on "…" + to_string.
        out.append(":").append(std::to_string(line)).append(":").append(std::to_string(column));
    }
    out += severity == Severity::Error ? ": error: " : ": warning: ";
    out += message;
    if (!hint.empty()) out += " (" + hint + ")";
    return out;
}

void Diagnostics::error(std::string file, int line, int column, std::string message,
                        std::string hint) {
    items_.push_back({Severity::Error, std::move(file), line, column, std::move(message),
                      std::move(hint)});
}

void Diagnostics::warning(std::string file, int line, int column, std::string message,
                          std::string hint) {
    items_.push_back({Severity::Warning, std::move(file), line, column, std::move(message),
                      std::move(hint)});
}

void Diagnostics::append(const Diagnostics& other) {
    items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

std::size_t Diagnostics::error_count() const {
    return static_cast<std::size_t>(std::count_if(items_.begin(), items_.end(), [](const auto& d) {
        return d.severity == Severity::Error;
    }));
}

std::string Diagnostics::to_string() const {
    std::string out;
    for (const auto& d : items_) {
        if (!out.empty()) out += '\n';
        out += d.to_string();
    }
    return out;
}

static std::string first_error_text(const Diagnostics& d) {
    for (const auto& item : d.items())
        if (item.severity == Severity::Error) {
            std::string text = item.to_string();
            if (d.error_count() > 1)
                text += " (and " + std::to_string(d.error_count() - 1) + " more errors)";
            return text;
        }
    return "configuration error";
}

ConfigError::ConfigError(Diagnostics diagnostics)
    : std::runtime_error(first_error_text(diagnostics)), diagnostics_(std::move(diagnostics)) {}

}  // namespace custclass::config
