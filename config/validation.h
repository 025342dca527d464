// Validation of any configuration file without opening a database: the file kind is recognised
// by its keys (an engine config has `source` and `rules`; a rule set has `classifications`;
// a privacy policy has `policy` and `fields`; a host preset has `custclass_preset`).
#pragma once

#include <string>

#include "diagnostic.h"
#include "engine_config.h"

namespace custclass::config {

// Every problem in the file (and, for an engine config, in the rule set it names). A file that
// cannot be read is an error diagnostic without a position.
Diagnostics validate_file(const std::string& path, const LoadContext& context);
Diagnostics validate_text(const std::string& text, const std::string& display_name,
                          const std::string& base_dir, const LoadContext& context);

}  // namespace custclass::config
