// A host preset's SQL made concrete for one database: the {{setting}} placeholders of its queries
// written as literals of the dialect, and the host tables and columns its queries need checked
// in the connected database before anything is read (config/presets/README.md).
#pragma once

#include <map>
#include <string>

#include "engine_config.h"
#include "sql_dialect.h"

namespace soci {
class session;
}

namespace custclass::adapters {

// `text` with every {{name}} replaced: text as a string literal, lists as literals separated by
// ", ", integers as digits, identifiers as they are. The names were checked when the preset
// loaded; an unknown one here throws std::invalid_argument.
std::string render_preset_sql(Dialect dialect, const std::string& text,
                              const std::map<std::string, config::SettingValue>& settings);

// The source config with the SQL and required table names of every preset query rendered.
config::SourceConfig render_preset_queries(const config::SourceConfig& source);

// Checks that every table and column the (rendered) preset queries require exists; throws
// DataError naming the preset, the canonical table, each missing object and the host versions.
void check_preset_objects(soci::session& session, Dialect dialect,
                          const config::SourceConfig& source);

}  // namespace custclass::adapters
