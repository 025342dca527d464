#include "diagnostics_document.h"

namespace custclass::plugin {

nlohmann::ordered_json diagnostics_document(const config::Diagnostics& diagnostics) {
    nlohmann::ordered_json items = nlohmann::ordered_json::array();
    for (const auto& d : diagnostics.items())
        items.push_back({{"severity", d.severity == config::Severity::Error ? "error" : "warning"},
                         {"file", d.file},
                         {"line", d.line},
                         {"column", d.column},
                         {"message", d.message},
                         {"hint", d.hint}});
    const std::size_t errors = diagnostics.error_count();
    return {{"valid", errors == 0},
            {"errors", errors},
            {"warnings", diagnostics.items().size() - errors},
            {"diagnostics", std::move(items)}};
}

}  // namespace custclass::plugin
