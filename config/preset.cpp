#include "preset.h"
#include "yaml_document.h"

#include <algorithm>
#include <regex>

#include "nearest_name.h"

namespace custclass::config {

namespace {

const std::vector<std::string> kSettingTypes = {"text", "text_list", "integer", "integer_list",
                                                "identifier"};

bool is_list(SettingType type) {
    return type == SettingType::TextList || type == SettingType::IntegerList;
}

bool valid_identifier(const std::string& text) {
    return std::all_of(text.begin(), text.end(),
                       [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

// Checks the placeholders of a scalar (SQL text or a table name) against the declared settings.
void check_placeholders(const YamlDocument& doc, const YAML::Node& node,
                        const std::map<std::string, PresetSetting>& settings, bool identifiers_only,
                        Diagnostics& d) {
    std::vector<std::string> names;
    for (const auto& [name, _] : settings) names.push_back(name);
    for (const auto& p : placeholders(node.Scalar())) {
        const Position at = doc.position_in_scalar(node, p.offset);
        const auto it = settings.find(p.name);
        if (it == settings.end()) {
            std::string hint = did_you_mean(p.name, names);
            if (hint.empty()) hint = "declare it under `settings`";
            d.error(doc.file(), at.line, at.column, "unknown setting `" + p.name + "` in {{…}}",
                    hint);
        } else if (identifiers_only && it->second.type != SettingType::Identifier) {
            d.error(doc.file(), at.line, at.column,
                    "a table name may only hold identifier settings; `" + p.name + "` is " +
                        setting_type_name(it->second.type));
        }
    }
}

void read_settings(const YamlDocument& doc, MapReader& top, Preset& preset, Diagnostics& d) {
    const YAML::Node settings = top.mapping("settings");
    if (!settings.IsDefined()) return;
    for (auto it = settings.begin(); it != settings.end(); ++it) {
        const std::string name = it->first.Scalar();
        if (!std::regex_match(name, std::regex("[a-z][a-z0-9_]*"))) {
            doc.error(d, it->first, "a setting name is lower-case letters, digits and `_`");
            continue;
        }
        MapReader s(doc, it->second, "setting `" + name + "`",
                    {"type", "default", "description", "choices"}, d);
        if (!s.valid()) continue;
        const auto type = s.text("type", true);
        const auto description = s.text("description");
        if (!type) continue;
        const auto known = std::find(kSettingTypes.begin(), kSettingTypes.end(), *type);
        if (known == kSettingTypes.end()) {
            std::string hint = did_you_mean(*type, kSettingTypes);
            if (hint.empty()) hint = "use text, text_list, integer, integer_list or identifier";
            doc.error(d, s.node("type"), "unknown setting type `" + *type + "`", hint);
            continue;
        }
        PresetSetting setting;
        setting.type = static_cast<SettingType>(known - kSettingTypes.begin());
        setting.description = description.value_or("");
        if (!s.has("default")) {
            doc.error(d, s.key_node("type"), "setting `" + name + "` needs a `default`");
            continue;
        }
        if (const YAML::Node choices = s.sequence("choices"); choices.IsDefined()) {
            if (setting.type == SettingType::Identifier)
                doc.error(d, s.key_node("choices"), "an identifier setting has no `choices`");
            const SettingType one = setting.type == SettingType::IntegerList ? SettingType::Integer
                                    : setting.type == SettingType::TextList  ? SettingType::Text
                                                                             : setting.type;
            for (const auto& c : choices)
                if (auto v = read_setting_value(doc, c, one, "a choice of `" + name + "`", d))
                    setting.choices.push_back(*v->scalar_text());
            if (setting.choices.empty()) {
                doc.error(d, s.key_node("choices"), "`choices` lists at least one value");
                continue;
            }
        }
        auto value = read_setting_value(doc, s.node("default"), setting.type,
                                        "the default of `" + name + "`", d, setting.choices);
        if (!value) continue;
        setting.default_value = std::move(*value);
        preset.settings[name] = std::move(setting);
    }
}

// The host tables (with their columns) that one query reads: `{table: [column, …], …}`.
std::vector<RequiredTable> read_objects(const YamlDocument& doc, const YAML::Node& objects,
                                        const YAML::Node& anchor, const std::string& what,
                                        const Preset& preset, Diagnostics& d) {
    std::vector<RequiredTable> out;
    if (!objects.IsMap() || objects.size() == 0) {
        doc.error(d, anchor, what + " must map each host table the query reads to its columns",
                  "e.g. `party_party: [id, code, active]`");
        return out;
    }
    for (auto o = objects.begin(); o != objects.end(); ++o) {
        // Copies: `o->` is a proxy that ends with the expression, and the loop below outlives it.
        const YAML::Node table = o->first;
        const YAML::Node columns = o->second;
        check_placeholders(doc, table, preset.settings, true, d);
        RequiredTable required{table.Scalar(), {}};
        if (!columns.IsSequence() || columns.size() == 0) {
            doc.error(d, columns.IsDefined() && !columns.IsNull() ? columns : table,
                      "the columns of `" + required.table + "` must be a non-empty list");
            continue;
        }
        for (const auto& column : columns) {
            if (!column.IsScalar() || column.Scalar().empty())
                doc.error(d, column, "a column name must be text");
            else
                required.columns.push_back(column.Scalar());
        }
        out.push_back(std::move(required));
    }
    return out;
}

void read_requires(const YamlDocument& doc, MapReader& top, Preset& preset, Diagnostics& d) {
    const YAML::Node requires_node = top.mapping("requires");
    if (!requires_node.IsDefined()) return;
    MapReader tables(doc, requires_node, "`requires`", canonical_table_names(), d);
    for (auto it = requires_node.begin(); it != requires_node.end(); ++it) {
        const auto table = canonical_table(it->first.Scalar());
        if (!table) continue;  // reported by the reader
        preset.required[*table] =
            read_objects(doc, it->second, tables.anchor(it->first.Scalar(), it->second),
                         "`requires." + it->first.Scalar() + "`", preset, d);
    }
}

std::optional<PresetQuery> read_alternative(const YamlDocument& doc, const YAML::Node& node,
                                            const Preset& preset, Diagnostics& d) {
    MapReader a(doc, node, "a query alternative", {"backend", "when", "requires", "sql"}, d);
    if (!a.valid()) return std::nullopt;
    PresetQuery q;
    if (auto backend = a.text("backend")) {
        if (std::find(preset.backends.begin(), preset.backends.end(), *backend) ==
            preset.backends.end()) {
            doc.error(d, a.node("backend"),
                      "`" + *backend + "` is not one of the preset's `backends`",
                      did_you_mean(*backend, preset.backends));
            return std::nullopt;
        }
        q.backend = *backend;
    }
    const YAML::Node when = a.mapping("when");
    if (when.IsDefined()) {
        for (auto it = when.begin(); it != when.end(); ++it) {
            const std::string name = it->first.Scalar();
            const auto setting = preset.settings.find(name);
            if (setting == preset.settings.end()) {
                std::vector<std::string> names;
                for (const auto& [n, _] : preset.settings) names.push_back(n);
                doc.error(d, it->first, "unknown setting `" + name + "` in `when`",
                          did_you_mean(name, names));
                continue;
            }
            if (is_list(setting->second.type) || !it->second.IsScalar()) {
                doc.error(d, it->first,
                          "`when` compares a setting that holds one value with one value");
                continue;
            }
            const auto& choices = setting->second.choices;
            if (!choices.empty() &&
                std::find(choices.begin(), choices.end(), it->second.Scalar()) == choices.end()) {
                doc.error(
                    d, it->second,
                    "`" + it->second.Scalar() + "` is not one of the choices of `" + name + "`",
                    did_you_mean(it->second.Scalar(), choices));
                continue;
            }
            q.when[name] = it->second.Scalar();
        }
    }
    const YAML::Node sql = a.node("sql");
    if (!sql.IsScalar() || sql.Scalar().empty()) {
        doc.error(d, sql.IsDefined() ? a.anchor("sql", sql) : node,
                  "the alternative needs its `sql`");
        return std::nullopt;
    }
    if (a.has("requires"))
        q.required = read_objects(doc, a.node("requires"), a.anchor("requires", a.node("requires")),
                                  "the alternative's `requires`", preset, d);
    check_placeholders(doc, sql, preset.settings, false, d);
    q.sql = sql.Scalar();
    q.origin = doc.file() + ":" + std::to_string(doc.position(sql).line);
    return q;
}

void read_queries(const YamlDocument& doc, MapReader& top, Preset& preset, Diagnostics& d) {
    const YAML::Node queries = top.mapping("queries", true);
    if (!queries.IsDefined()) return;
    MapReader q(doc, queries, "`queries`", canonical_table_names(), d);
    for (auto it = queries.begin(); it != queries.end(); ++it) {
        const auto table = canonical_table(it->first.Scalar());
        if (!table) continue;
        const YAML::Node value = it->second;
        auto& out = preset.queries[*table];
        if (value.IsScalar() && !value.Scalar().empty()) {
            check_placeholders(doc, value, preset.settings, false, d);
            PresetQuery q;
            q.sql = value.Scalar();
            q.origin = doc.file() + ":" + std::to_string(doc.position(value).line);
            out.push_back(std::move(q));
        } else if (value.IsSequence() && value.size() > 0) {
            for (const auto& alternative : value)
                if (auto a = read_alternative(doc, alternative, preset, d))
                    out.push_back(std::move(*a));
        } else {
            doc.error(d, q.anchor(it->first.Scalar(), value),
                      "the query for `" + it->first.Scalar() +
                          "` must be a SELECT statement or a list of alternatives");
        }
        const bool each_alternative_requires =
            !out.empty() && std::all_of(out.begin(), out.end(),
                                        [](const PresetQuery& q) { return !q.required.empty(); });
        if (!preset.required.count(*table) && !each_alternative_requires)
            doc.error(d, it->first,
                      "the `" + it->first.Scalar() + "` query has no `requires." +
                          it->first.Scalar() + "` entry",
                      "list the host tables and columns it reads, so that a host without them "
                      "gets a clear error");
    }
    for (const auto& [table, _] : preset.required)
        if (!preset.queries.count(table))
            doc.error(
                d, top.node("requires"),
                "`requires." + std::string(table_name(table)) + "` names a table with no query");
    for (const auto table : {CanonicalTable::Customers, CanonicalTable::Orders})
        if (!preset.queries.count(table))
            doc.error(
                d, queries,
                "a preset needs a query for the `" + std::string(table_name(table)) + "` table");
}

}  // namespace

const std::vector<std::string>& supported_backends() {
    static const std::vector<std::string> backends = {"sqlite3", "postgresql", "mysql"};
    return backends;
}

const char* setting_type_name(SettingType type) {
    return kSettingTypes[static_cast<std::size_t>(type)].c_str();
}

std::optional<std::string> SettingValue::scalar_text() const {
    switch (type) {
        case SettingType::Text:
        case SettingType::Identifier:
            return texts.empty() ? std::nullopt : std::optional(texts[0]);
        case SettingType::Integer:
            return integers.empty() ? std::nullopt : std::optional(std::to_string(integers[0]));
        default:
            return std::nullopt;
    }
}

std::optional<SettingValue> read_setting_value(const YamlDocument& doc, const YAML::Node& node,
                                               SettingType type, const std::string& what,
                                               Diagnostics& d,
                                               const std::vector<std::string>& choices) {
    SettingValue value;
    value.type = type;
    auto allowed = [&](const YAML::Node& n) -> bool {
        if (choices.empty() ||
            std::find(choices.begin(), choices.end(), n.Scalar()) != choices.end())
            return true;
        std::string hint = did_you_mean(n.Scalar(), choices);
        if (hint.empty()) {
            hint = "the choices:";
            for (const auto& c : choices) hint += " " + c;
        }
        doc.error(d, n, "`" + n.Scalar() + "` is not one of the choices of " + what, hint);
        return false;
    };
    auto scalar = [&](const YAML::Node& n) -> bool {
        if (!n.IsScalar()) {
            doc.error(d, n,
                      what + " must be " +
                          (type == SettingType::Integer || type == SettingType::IntegerList
                               ? std::string("an integer")
                               : std::string("text")));
            return false;
        }
        if (type == SettingType::Integer || type == SettingType::IntegerList) {
            const auto i = parse_integer(n.Scalar());
            if (!i) {
                doc.error(d, n, what + " must be an integer, not `" + n.Scalar() + "`");
                return false;
            }
            if (!allowed(n)) return false;
            value.integers.push_back(*i);
        } else {
            if (type == SettingType::Identifier && !valid_identifier(n.Scalar())) {
                doc.error(d, n,
                          what + " must be letters, digits and `_` only, not `" + n.Scalar() + "`",
                          "it is written into SQL as part of a table name");
                return false;
            }
            if (!allowed(n)) return false;
            value.texts.push_back(n.Scalar());
        }
        return true;
    };
    if (!is_list(type)) {
        if (node.IsNull() && type == SettingType::Identifier) {
            value.texts.emplace_back();
            return value;
        }
        if (node.IsSequence()) {
            doc.error(d, node, what + " is " + setting_type_name(type) + ", not a list");
            return std::nullopt;
        }
        return scalar(node) ? std::optional(value) : std::nullopt;
    }
    if (!node.IsSequence() || node.size() == 0) {
        doc.error(d, node, what + " must be a non-empty list",
                  std::string("write it as [a, b]; it is ") + setting_type_name(type));
        return std::nullopt;
    }
    bool ok = true;
    for (const auto& item : node) ok = scalar(item) && ok;
    return ok ? std::optional(value) : std::nullopt;
}

std::vector<Placeholder> placeholders(const std::string& text) {
    static const std::regex pattern(R"(\{\{\s*([A-Za-z0-9_]*)\s*\}\})");
    std::vector<Placeholder> out;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), pattern);
         it != std::sregex_iterator(); ++it)
        out.push_back({(*it)[1].str(), static_cast<std::size_t>(it->position(0)),
                       static_cast<std::size_t>(it->length(0))});
    return out;
}

const PresetQuery* select_query(const std::vector<PresetQuery>& alternatives,
                                const std::string& backend,
                                const std::map<std::string, SettingValue>& settings) {
    for (const auto& q : alternatives) {
        if (!q.backend.empty() && q.backend != backend) continue;
        const bool holds = std::all_of(q.when.begin(), q.when.end(), [&](const auto& w) {
            const auto s = settings.find(w.first);
            return s != settings.end() && s->second.scalar_text() == w.second;
        });
        if (holds) return &q;
    }
    return nullptr;
}

std::optional<Preset> load_preset(const YamlDocument& doc, const std::string& name,
                                  Diagnostics& d) {
    const std::size_t errors_before = d.error_count();
    MapReader top(doc, doc.root(), "the preset",
                  {"custclass_preset", "host", "versions", "backends", "description", "settings",
                   "requires", "queries"},
                  d);
    if (!top.valid()) return std::nullopt;
    Preset preset;
    preset.name = name;
    preset.file = doc.file();
    if (const auto format = top.integer("custclass_preset", true); format && *format != 1)
        doc.error(d, top.node("custclass_preset"),
                  "unsupported preset format version " + std::to_string(*format),
                  "this version of custclass reads `custclass_preset: 1`");
    preset.host = top.text("host", true).value_or("");
    preset.versions = top.text("versions", true).value_or("");
    preset.description = top.text("description").value_or("");
    const YAML::Node backends = top.sequence("backends", true);
    for (const auto& b : backends) {
        if (!b.IsScalar() ||
            std::find(supported_backends().begin(), supported_backends().end(), b.Scalar()) ==
                supported_backends().end()) {
            doc.error(d, b, "unknown backend `" + (b.IsScalar() ? b.Scalar() : std::string()) + "`",
                      "use sqlite3, postgresql or mysql");
            continue;
        }
        preset.backends.push_back(b.Scalar());
    }
    if (backends.IsDefined() && backends.size() == 0)
        doc.error(d, backends, "a preset supports at least one backend");
    read_settings(doc, top, preset, d);
    read_requires(doc, top, preset, d);
    read_queries(doc, top, preset, d);
    if (d.error_count() > errors_before) return std::nullopt;
    return preset;
}

}  // namespace custclass::config
