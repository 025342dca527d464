// The engine config (RULES.md section 1): the file a CRM administrator writes once, naming the
// host database, the adapter preset or the admin's own queries, and the rule set.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "diagnostic.h"
#include "feature_catalog.h"
#include "preset.h"
#include "privacy_policy.h"
#include "rule_set.h"

namespace custclass::config {

// Loaders read a parsed document (yaml_document.h); the model itself knows no YAML.
class YamlDocument;

// One canonical table as a SELECT over the host's schema, and where that text stands.
struct TableQuery {
    std::string sql;
    std::string origin;  // "file:line" of the query, for error messages
    // From a preset: `sql` holds {{setting}} placeholders, and these host tables and columns
    // must exist (checked in the database before anything is read).
    bool from_preset = false;
    std::vector<RequiredTable> required;
};

// Where a source's rows come from: the host's database through a `generic` mapping or a host
// preset's, or rows the host pushes through the ABI (`preset: push`).
enum class SourceKind { Generic, HostPreset, Push };

// How a database source reads the orders (`source.read`).
enum class ReadMode { Auto, Scan, Pushdown };

struct SourceConfig {
    std::string preset = "generic";
    SourceKind kind = SourceKind::Generic;  // what `preset` names
    bool pushed() const { return kind == SourceKind::Push; }
    // A host preset's name for messages ("Tryton"), the host versions it expects, its file, and
    // the value of each of its settings (the admin's `settings`, else the preset's defaults).
    std::string preset_host;
    std::string preset_versions;
    std::string preset_file;
    std::map<std::string, SettingValue> settings;
    // SOCI "backend://parameters"; for SQLite a relative `db=` path is made absolute against the
    // config file's directory.
    std::string connection;
    std::string backend;       // sqlite3 | postgresql | mysql
    std::string password_env;  // the environment variable holding the password, if any
    std::map<CanonicalTable, TableQuery> queries;
    // How orders are read: `auto` (pushdown aggregation on PostgreSQL and MariaDB when the
    // order timestamp column is a date/time type, else a streamed scan), `scan` or `pushdown`.
    ReadMode read = ReadMode::Auto;
    // Decimal places of the currency's minor unit (HKD: 2); amounts are summed in minor units.
    int currency_decimals = 2;
};

// Where the plugin keeps its own tables (runs, assignments, audit log).
struct StoreConfig {
    bool same_as_source = true;  // `connection: same` (the default)
    std::string connection;      // resolved: the source's when same_as_source
    std::string password_env;
};

struct EngineConfig {
    std::string file;
    std::string base_dir;  // directory of the file; relative paths are resolved against it
    SourceConfig source;
    StoreConfig store;
    std::string rules_path;
    RuleSet rules;
    // `privacy:`, or the shipped privacy/pdpo.yaml of the data directory when left out.
    std::string privacy_path;
    std::optional<PrivacyPolicy> privacy;
};

// Where the shipped YAML files are (presets/, rulesets/, privacy/).
struct LoadContext {
    std::string data_dir;
};

// Loads an engine config and the rule set it names; every problem of both files goes to
// `diagnostics`; empty when there is any error. Never opens a database.
std::optional<EngineConfig> load_engine_config(const YamlDocument& doc, const std::string& base_dir,
                                               const LoadContext& context,
                                               Diagnostics& diagnostics);
// Throwing forms: ConfigError with every diagnostic, or FileError.
EngineConfig load_engine_config_file(const std::string& path, const LoadContext& context);
EngineConfig load_engine_config_text(const std::string& text, const std::string& base_dir,
                                     const LoadContext& context);

}  // namespace custclass::config
