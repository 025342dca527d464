// The diagnostics document (abi/schemas/diagnostics.schema.json): what validation returns.
#pragma once

#include <nlohmann/json.hpp>

#include "diagnostic.h"

namespace custclass::plugin {

nlohmann::ordered_json diagnostics_document(const config::Diagnostics& diagnostics);

}  // namespace custclass::plugin
