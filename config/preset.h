// A host preset (config/presets/<host>.yaml, format in config/presets/README.md): the canonical
// tables as SQL over one host's real schema, the settings an administrator may change, and the
// host tables and columns each query needs. Loading checks the file strictly; choosing the
// query for a backend and the administrator's settings is `select_queries`. Turning `{{name}}`
// into SQL and checking the objects in a real database belong to adapters/ (no database here).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "diagnostic.h"
#include "feature_catalog.h"

namespace YAML {
class Node;
}  // namespace YAML

namespace custclass::config {

// The SOCI backends a source or a preset may name: sqlite3, postgresql, mysql.
const std::vector<std::string>& supported_backends();

// Loaders read a parsed document (yaml_document.h); the model itself knows no YAML.
class YamlDocument;

enum class SettingType { Text, TextList, Integer, IntegerList, Identifier };

const char* setting_type_name(SettingType type);

// The value of one setting: `texts` for text, text_list and identifier (one element but for
// lists), `integers` for integer and integer_list.
struct SettingValue {
    SettingType type = SettingType::Text;
    std::vector<std::string> texts;
    std::vector<std::int64_t> integers;

    // A scalar value as text (for `when:`); lists have none.
    std::optional<std::string> scalar_text() const;
    bool operator==(const SettingValue&) const = default;
};

struct PresetSetting {
    SettingType type = SettingType::Text;
    SettingValue default_value;
    std::string description;
    // The values allowed (as text), when the preset lists them; empty: any value of the type.
    std::vector<std::string> choices;
};

// A host table and the columns of it that a query reads. The table name may hold {{name}} of
// identifier settings (a table prefix).
struct RequiredTable {
    std::string table;
    std::vector<std::string> columns;
};

// One alternative of a canonical table's query.
struct PresetQuery {
    std::string backend;                      // "" for every backend
    std::map<std::string, std::string> when;  // setting -> value, all must hold
    std::vector<RequiredTable> required;      // read by this alternative only
    std::string sql;                          // with {{name}} placeholders
    std::string origin;                       // "file:line" of the SQL text
};

struct Preset {
    std::string name;  // the file's stem, as `preset:` names it
    std::string file;
    std::string host;
    std::string versions;
    std::string description;
    std::vector<std::string> backends;
    std::map<std::string, PresetSetting> settings;
    // What every alternative of a table's query reads (an alternative may add its own).
    std::map<CanonicalTable, std::vector<RequiredTable>> required;
    std::map<CanonicalTable, std::vector<PresetQuery>> queries;
};

// Loads and checks a preset file: every problem goes to `diagnostics`; empty when there is any
// error. Placeholders must name declared settings (identifier settings only in table names).
std::optional<Preset> load_preset(const YamlDocument& doc, const std::string& name,
                                  Diagnostics& diagnostics);

// Reads a value of `type` at `node`, reporting a wrong value there (and a value outside
// `choices`, when there are any).
std::optional<SettingValue> read_setting_value(const YamlDocument& doc, const YAML::Node& node,
                                               SettingType type, const std::string& what,
                                               Diagnostics& diagnostics,
                                               const std::vector<std::string>& choices = {});

// The names in the {{name}} placeholders of `text`, with their offsets, in order.
struct Placeholder {
    std::string name;
    std::size_t offset = 0;  // of the opening braces
    std::size_t length = 0;  // of the whole placeholder
};
std::vector<Placeholder> placeholders(const std::string& text);

// The alternative that applies on `backend` with these setting values, or none.
const PresetQuery* select_query(const std::vector<PresetQuery>& alternatives,
                                const std::string& backend,
                                const std::map<std::string, SettingValue>& settings);

}  // namespace custclass::config
