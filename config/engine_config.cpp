#include "engine_config.h"
#include "yaml_document.h"

#include <filesystem>
#include <regex>

#include "nearest_name.h"

namespace custclass::config {

namespace fs = std::filesystem;

namespace {


std::vector<std::string> available_presets(const LoadContext& context) {
    std::vector<std::string> names = {"generic", "push"};
    std::error_code ec;
    const fs::path dir = fs::path(context.data_dir) / "presets";
    if (!context.data_dir.empty() && fs::is_directory(dir, ec))
        for (const auto& entry : fs::directory_iterator(dir, ec))
            if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
    std::sort(names.begin() + 2, names.end());
    return names;
}

// Makes a relative SQLite `db=` path absolute against the config's directory, and quotes it
// when it holds a space (SOCI reads `db="a b/c.sqlite"`).
std::string resolve_sqlite_path(const std::string& params, const std::string& base_dir) {
    auto absolute = [&](const std::string& p) {
        std::string out = p;
        if (!p.empty() && p != ":memory:" && !fs::path(p).is_absolute())
            out = (fs::path(base_dir) / p).lexically_normal().string();
        return out.find(' ') == std::string::npos ? out : "\"" + out + "\"";
    };
    if (params.find('=') == std::string::npos) return "db=" + absolute(params);
    const std::size_t at = params.find("db=");
    if (at == std::string::npos || (at > 0 && params[at - 1] != ' ')) return params;
    const std::size_t start = at + 3;
    std::size_t end;
    std::string path;
    if (start < params.size() && params[start] == '"') {
        end = params.find('"', start + 1);
        end = end == std::string::npos ? params.size() : end + 1;
        path = params.substr(start + 1, end - start - 2);
    } else {
        // Unquoted: the path runs to the next ` name=` parameter, spaces included.
        static const std::regex next_parameter(" [A-Za-z_]+=");
        std::smatch m;
        const std::string rest = params.substr(start);
        end = std::regex_search(rest, m, next_parameter)
                  ? start + static_cast<std::size_t>(m.position(0))
                  : params.size();
        path = params.substr(start, end - start);
    }
    return params.substr(0, start) + absolute(path) + params.substr(end);
}

// The `connection` of a mapping, checked and resolved: "backend://params" with a known backend,
// a relative SQLite path made absolute.
std::optional<std::string> read_connection(MapReader& map, const std::string& base_dir) {
    const YamlDocument& doc = map.document();
    Diagnostics& d = map.diagnostics();
    const auto connection = map.text("connection", true);
    if (!connection) return std::nullopt;
    const std::size_t sep = connection->find("://");
    const std::string backend =
        sep == std::string::npos ? std::string() : connection->substr(0, sep);
    const auto& backends = supported_backends();
    if (std::find(backends.begin(), backends.end(), backend) == backends.end()) {
        std::string hint = backend.empty() ? std::string() : did_you_mean(backend, backends);
        if (hint.empty())
            hint =
                "write `backend://parameters` with backend sqlite3, postgresql or mysql, "
                "e.g. `sqlite3://db=shop.sqlite`";
        doc.error(d, map.node("connection"),
                  backend.empty() ? "the connection has no `backend://` prefix"
                                  : "unknown database backend `" + backend + "`",
                  hint);
        return std::nullopt;
    }
    if (connection->find("password=") != std::string::npos)
        doc.warning(d, map.node("connection"), "the connection string holds a password",
                    "put it in an environment variable and name it in `password_env`");
    std::string params = connection->substr(sep + 3);
    if (backend == "sqlite3") params = resolve_sqlite_path(params, base_dir);
    return backend + "://" + params;
}

std::optional<Preset> load_host_preset(const LoadContext& context, const std::string& name,
                                       Diagnostics& d) {
    const std::string path = (fs::path(context.data_dir) / "presets" / (name + ".yaml")).string();
    try {
        auto doc = YamlDocument::load(path, d);
        if (!doc) return std::nullopt;
        return load_preset(*doc, name, d);
    } catch (const FileError& e) {
        d.error(path, 0, 0, e.what());
        return std::nullopt;
    }
}

// The preset's settings with the administrator's values (`source.settings`) over its defaults;
// and the backend of the connection checked against the preset's.
void read_preset_settings(MapReader& s, const Preset& preset, SourceConfig& src) {
    const YamlDocument& doc = s.document();
    Diagnostics& d = s.diagnostics();
    src.preset_host = preset.host;
    src.preset_versions = preset.versions;
    src.preset_file = preset.file;
    if (!src.backend.empty() && std::find(preset.backends.begin(), preset.backends.end(),
                                          src.backend) == preset.backends.end()) {
        std::string supported;
        for (const auto& b : preset.backends) supported += (supported.empty() ? "" : ", ") + b;
        doc.error(d, s.node("connection"),
                  "the `" + preset.name + "` preset (" + preset.host + " " + preset.versions +
                      ") does not read " + src.backend + " databases",
                  "it reads " + supported);
    }
    for (const auto& [name, setting] : preset.settings) src.settings[name] = setting.default_value;
    const YAML::Node settings = s.mapping("settings");
    if (!settings.IsDefined()) return;
    std::vector<std::string> names;
    for (const auto& [name, _] : preset.settings) names.push_back(name);
    for (auto it = settings.begin(); it != settings.end(); ++it) {
        const std::string name = it->first.Scalar();
        const auto declared = preset.settings.find(name);
        if (declared == preset.settings.end()) {
            std::string hint = did_you_mean(name, names);
            if (hint.empty()) {
                hint = names.empty() ? "the preset has no settings" : "its settings:";
                for (const auto& n : names) hint += " " + n;
            }
            doc.error(d, it->first,
                      "the `" + preset.name + "` preset has no setting `" + name + "`", hint);
            continue;
        }
        if (auto value = read_setting_value(doc, it->second, declared->second.type,
                                            "setting `" + name + "`", d, declared->second.choices))
            src.settings[name] = std::move(*value);
    }
}

// The preset's query of each canonical table for this backend and these settings.
void use_preset_queries(const Preset& preset, SourceConfig& src) {
    for (const auto& [table, alternatives] : preset.queries) {
        const PresetQuery* q = select_query(alternatives, src.backend, src.settings);
        if (!q) continue;
        std::vector<RequiredTable> required = q->required;
        if (const auto common = preset.required.find(table); common != preset.required.end())
            required.insert(required.begin(), common->second.begin(), common->second.end());
        src.queries[table] = {q->sql, q->origin, true, std::move(required)};
    }
}

}  // namespace

std::optional<EngineConfig> load_engine_config(const YamlDocument& doc, const std::string& base_dir,
                                               const LoadContext& context, Diagnostics& d) {
    const std::size_t errors_before = d.error_count();
    MapReader top(doc, doc.root(), "the engine config",
                  {"custclass", "source", "store", "rules", "privacy"}, d);
    if (!top.valid()) return std::nullopt;
    EngineConfig cfg;
    cfg.file = doc.file();
    cfg.base_dir = base_dir;
    if (const auto format = top.integer("custclass", true); format && *format != 1)
        doc.error(d, top.node("custclass"),
                  "unsupported file format version " + std::to_string(*format),
                  "this version of custclass reads `custclass: 1`");

    const YAML::Node source = top.mapping("source", true);
    bool queries_known = true;  // false when a host preset could not be loaded
    if (source.IsDefined()) {
        MapReader s(doc, source, "`source`",
                    {"preset", "connection", "password_env", "settings", "queries",
                     "currency_decimals", "read"},
                    d);
        SourceConfig& src = cfg.source;
        bool known_preset = true;
        if (auto preset = s.text("preset")) {
            const auto presets = available_presets(context);
            if (std::find(presets.begin(), presets.end(), *preset) == presets.end()) {
                std::string hint = did_you_mean(*preset, presets);
                if (hint.empty()) {
                    hint = "available presets:";
                    for (const auto& p : presets) hint += " " + p;
                }
                doc.error(d, s.node("preset"), "unknown preset `" + *preset + "`", hint);
                known_preset = false;
            }
            src.preset = *preset;
            src.kind = *preset == "push"      ? SourceKind::Push
                       : *preset == "generic" ? SourceKind::Generic
                                              : SourceKind::HostPreset;
        }
        if (src.pushed()) {
            // The host pushes its rows through the ABI: there is no database to read.
            for (const char* key : {"connection", "password_env", "queries"})
                if (s.has(key))
                    doc.error(d, s.key_node(key),
                              std::string("`") + key + "` has no meaning with `preset: push`",
                              "the host pushes its data through custclass_feed_*; remove it");
        } else if (auto connection = read_connection(s, base_dir)) {
            src.backend = connection->substr(0, connection->find("://"));
            src.connection = *connection;
        }
        const bool host_preset = src.kind == SourceKind::HostPreset;
        std::optional<Preset> preset;
        if (host_preset && known_preset) {
            preset = load_host_preset(context, src.preset, d);
            if (preset) read_preset_settings(s, *preset, src);
            queries_known = preset.has_value();
        } else if (host_preset) {
            queries_known = false;
        } else if (s.has("settings")) {
            doc.error(d, s.key_node("settings"), "`settings` belong to a host preset",
                      "with `preset: " + src.preset + "` there is nothing to set; remove it");
        }
        if (auto env = s.text("password_env")) src.password_env = *env;
        if (auto read = s.text("read")) {
            if (*read == "auto")
                src.read = ReadMode::Auto;
            else if (*read == "scan")
                src.read = ReadMode::Scan;
            else if (*read == "pushdown")
                src.read = ReadMode::Pushdown;
            else
                doc.error(d, s.node("read"), "unknown read mode `" + *read + "`",
                          "use `auto` (the default), `scan` or `pushdown`");
            if (src.read == ReadMode::Pushdown && src.backend == "sqlite3")
                doc.error(d, s.node("read"), "pushdown aggregation is for PostgreSQL and MariaDB",
                          "SQLite reads fastest with `scan` (what `auto` chooses)");
        }
        if (auto decimals = s.integer("currency_decimals", false, 0, 4))
            src.currency_decimals = static_cast<int>(*decimals);
        if (preset) use_preset_queries(*preset, src);
        const YAML::Node queries = s.mapping("queries");
        if (queries.IsDefined()) {
            MapReader q(doc, queries, "`queries`", canonical_table_names(), d);
            for (auto it = queries.begin(); it != queries.end(); ++it) {
                const auto table = canonical_table(it->first.Scalar());
                if (!table) continue;  // reported by the reader
                if (doc.is_explicit_null(it->second)) {
                    // `table: null`: do not read this table (a preset's query included).
                    src.queries.erase(*table);
                    continue;
                }
                if (!it->second.IsScalar() || it->second.Scalar().empty()) {
                    doc.error(
                        d, q.anchor(it->first.Scalar(), it->second),
                        "the query for `" + it->first.Scalar() + "` must be a SELECT statement",
                        "write `null` to stop reading the table");
                    continue;
                }
                const Position pos = doc.position(it->second);
                src.queries[*table] = {
                    it->second.Scalar(), doc.file() + ":" + std::to_string(pos.line), false, {}};
            }
        }
        if (!src.pushed() && s.valid() && (!host_preset || preset)) {
            for (const auto table : {CanonicalTable::Customers, CanonicalTable::Orders})
                if (!src.queries.count(table))
                    doc.error(d, queries.IsDefined() ? queries : source,
                              (host_preset ? "the source" : std::string("the generic source")) +
                                  " needs a query for the `" + std::string(table_name(table)) +
                                  "` table",
                              "add `queries: {" + std::string(table_name(table)) +
                                  ": SELECT …}`, see ADAPTERS.md for the columns");
        }
    }

    cfg.store.connection = cfg.source.connection;
    cfg.store.password_env = cfg.source.password_env;
    const YAML::Node store = top.mapping("store");
    if (cfg.source.pushed() && source.IsDefined() &&
        (!store.IsDefined() ||
         (store["connection"].IsScalar() && store["connection"].Scalar() == "same")))
        doc.error(d, store.IsDefined() ? store : source,
                  "with `preset: push` the results need a database of their own",
                  "add `store: {connection: \"sqlite3://db=results.sqlite\"}` (or postgresql://, "
                  "mysql://)");
    if (store.IsDefined()) {
        MapReader s(doc, store, "`store`", {"connection", "password_env"}, d);
        const YAML::Node connection = s.node("connection");
        if (connection.IsScalar() && connection.Scalar() == "same") {
            if (s.has("password_env"))
                doc.error(d, s.node("password_env"),
                          "`password_env` belongs to the source when the store is `same`");
        } else if (auto resolved = read_connection(s, base_dir)) {
            cfg.store.same_as_source = false;
            cfg.store.connection = *resolved;
            cfg.store.password_env = s.text("password_env").value_or("");
        }
    }

    if (auto rules = top.text("rules", true)) {
        fs::path path(*rules);
        if (path.is_relative()) path = fs::path(base_dir) / path;
        cfg.rules_path = path.lexically_normal().string();
        try {
            auto rdoc = YamlDocument::load(cfg.rules_path, d);
            if (rdoc) {
                if (auto rs = load_rule_set(*rdoc, d)) cfg.rules = std::move(*rs);
            }
        } catch (const FileError& e) {
            doc.error(d, top.node("rules"), e.what(),
                      "relative paths are relative to the directory of " + doc.file());
        }
    }
    // A feature whose table the source does not map is switched off: a rule reading it is an
    // error that names the table.
    if (!cfg.rules.name.empty() && source.IsDefined() && queries_known) {
        const bool push = cfg.source.pushed();
        for (const auto& feature : cfg.rules.features_read()) {
            const auto table = cfg.rules.table_of(feature);
            if (!table) continue;
            // As the rule set writes it: share('x'), or the interaction point.
            std::string shown = feature;
            if (const auto point = InteractionPoint::of_feature(feature))
                shown = "interaction: " + point->kind;
            else if (const auto colon = shown.find(':'); colon != std::string::npos)
                shown = shown.substr(0, colon) + "('" + shown.substr(colon + 1) + "')";
            if (push) {
                if (*table == CanonicalTable::Customers || *table == CanonicalTable::Orders ||
                    *table == CanonicalTable::OrderLines)
                    continue;
                doc.error(d, source,
                          "the rule set " + cfg.rules_path + " reads `" + shown +
                              "`, which needs the `" + std::string(table_name(*table)) +
                              "` table; the host-push source carries only "
                              "customers, orders and order lines",
                          "change the rule, or read the host's database with a `generic` source");
                continue;
            }
            if (cfg.source.queries.count(*table)) continue;
            doc.error(d, source,
                      "the rule set " + cfg.rules_path + " reads `" + shown +
                          "`, which needs the `" + std::string(table_name(*table)) +
                          "` table, and the source does not map it",
                      "add `" + std::string(table_name(*table)) +
                          ": SELECT …` under `source.queries`, or change the rule");
        }
    }

    if (auto privacy = top.text("privacy")) {
        fs::path path(*privacy);
        if (path.is_relative()) path = fs::path(base_dir) / path;
        cfg.privacy_path = path.lexically_normal().string();
    } else if (!context.data_dir.empty()) {
        cfg.privacy_path = (fs::path(context.data_dir) / "privacy" / "pdpo.yaml").string();
    }
    if (!cfg.privacy_path.empty()) {
        try {
            auto pdoc = YamlDocument::load(cfg.privacy_path, d);
            if (pdoc) cfg.privacy = load_privacy_policy(*pdoc, d);
        } catch (const FileError& e) {
            if (top.has("privacy"))
                doc.error(d, top.node("privacy"), e.what(),
                          "relative paths are relative to the directory of " + doc.file());
            else
                d.error(doc.file(), 0, 0, std::string("the default privacy policy: ") + e.what(),
                        "name a policy with `privacy:`, or reinstall the shipped files");
        }
    }
    if (d.error_count() > errors_before) return std::nullopt;
    return cfg;
}

EngineConfig load_engine_config_file(const std::string& path, const LoadContext& context) {
    Diagnostics d;
    auto doc = YamlDocument::load(path, d);
    if (!doc) throw ConfigError(std::move(d));
    const std::string base = fs::absolute(fs::path(path)).parent_path().string();
    auto cfg = load_engine_config(*doc, base, context, d);
    if (!cfg) throw ConfigError(std::move(d));
    return std::move(*cfg);
}

EngineConfig load_engine_config_text(const std::string& text, const std::string& base_dir,
                                     const LoadContext& context) {
    Diagnostics d;
    auto doc = YamlDocument::parse(text, "<yaml>", d);
    if (!doc) throw ConfigError(std::move(d));
    auto cfg = load_engine_config(*doc, fs::absolute(base_dir.empty() ? "." : base_dir).string(),
                                  context, d);
    if (!cfg) throw ConfigError(std::move(d));
    return std::move(*cfg);
}

}  // namespace custclass::config
