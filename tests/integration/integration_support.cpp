#include "integration_support.h"

#include <soci/mysql/soci-mysql.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "engine_config.h"
#include "feature_builder.h"
#include "feature_catalog.h"
#include "soci_source.h"

namespace custclass::integration {

namespace {

std::string pg_params(const std::string& dbname) {
    return "dbname=" + dbname + " host=" + required_env("CUSTCLASS_TEST_PG_HOST") +
           " port=" + required_env("CUSTCLASS_TEST_PG_PORT") + " user=postgres";
}

std::string mariadb_params(const std::string& db) {
    return "db=" + db + " unix_socket=" + required_env("CUSTCLASS_TEST_MARIADB_SOCKET") +
           " user=root";
}

}  // namespace

const char* backend_name(Backend backend) {
    switch (backend) {
        case Backend::SQLite: return "sqlite";
        case Backend::PostgreSQL: return "postgresql";
        case Backend::MariaDB: return "mariadb";
    }
    return "?";
}

std::string required_env(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v)
        throw std::runtime_error(std::string("the environment variable ") + name +
                                 " is not set: run these tests through ctest (fixture "
                                 "db_servers starts the servers) or start them with "
                                 "scripts/test-servers.sh and set it");
    return v;
}

void write_text(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

TempDir::TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("custclass-integration-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

ScratchDatabase::ScratchDatabase(Backend backend, const std::string& tag)
    : backend_(backend), name_("cc_" + tag + "_" + std::to_string(::getpid())) {
    switch (backend_) {
        case Backend::SQLite:
            dir_ = std::make_unique<TempDir>();
            session_ = std::make_unique<soci::session>(
                soci::sqlite3, "db=" + (dir_->path() / (name_ + ".sqlite")).string());
            break;
        case Backend::PostgreSQL: {
            soci::session admin(soci::postgresql, pg_params("postgres"));
            admin << "SET client_min_messages TO warning";  // no NOTICE for a missing database
            admin << "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)";
            admin << "CREATE DATABASE " + name_ + " ENCODING 'UTF8' TEMPLATE template0";
            session_ = std::make_unique<soci::session>(soci::postgresql, pg_params(name_));
            break;
        }
        case Backend::MariaDB: {
            soci::session admin(soci::mysql, mariadb_params("mysql"));
            admin << "DROP DATABASE IF EXISTS " + name_;
            admin << "CREATE DATABASE " + name_ + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
            session_ = std::make_unique<soci::session>(soci::mysql,
                                                       mariadb_params(name_) + " charset=utf8mb4");
            break;
        }
    }
}

ScratchDatabase::~ScratchDatabase() {
    session_.reset();
    try {
        switch (backend_) {
            case Backend::SQLite: break;  // the directory goes with dir_
            case Backend::PostgreSQL: {
                soci::session admin(soci::postgresql, pg_params("postgres"));
                admin << "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)";
                break;
            }
            case Backend::MariaDB: {
                soci::session admin(soci::mysql, mariadb_params("mysql"));
                admin << "DROP DATABASE IF EXISTS " + name_;
                break;
            }
        }
    } catch (const std::exception&) {
        // The servers go away with the fixture anyway.
    }
}

std::string ScratchDatabase::connection() const {
    switch (backend_) {
        case Backend::SQLite: return "sqlite3://db=" + (dir_->path() / (name_ + ".sqlite")).string();
        case Backend::PostgreSQL: return "postgresql://" + pg_params(name_);
        case Backend::MariaDB: return "mysql://" + mariadb_params(name_);
    }
    return {};
}

soci::session& ScratchDatabase::session() { return *session_; }

void ScratchDatabase::exec(const std::string& sql) { *session_ << sql; }

void ScratchDatabase::exec_script(const std::string& sql) {
    std::size_t start = 0;
    while (start < sql.size()) {
        std::size_t end = sql.find(";\n", start);
        if (end == std::string::npos) end = sql.size();
        const std::string statement = sql.substr(start, end - start);
        if (statement.find_first_not_of(" \t\r\n;") != std::string::npos) exec(statement);
        start = end + 2;
    }
}

void ScratchDatabase::insert(const std::string& table, const std::vector<std::string>& columns,
                             const std::vector<std::vector<std::string>>& rows,
                             std::size_t rows_per_statement) {
    std::string head = "INSERT INTO " + table + " (";
    for (std::size_t i = 0; i < columns.size(); ++i) head += (i ? ", " : "") + columns[i];
    head += ") VALUES ";
    soci::transaction tr(*session_);
    for (std::size_t first = 0; first < rows.size(); first += rows_per_statement) {
        std::string sql = head;
        const std::size_t last = std::min(rows.size(), first + rows_per_statement);
        for (std::size_t r = first; r < last; ++r) {
            if (rows[r].size() != columns.size())
                throw std::logic_error("insert into " + table + ": row of the wrong width");
            sql += r == first ? "(" : ", (";
            for (std::size_t c = 0; c < rows[r].size(); ++c) sql += (c ? ", " : "") + rows[r][c];
            sql += ")";
        }
        exec(sql);
    }
    tr.commit();
}

std::string ScratchDatabase::literal(const std::optional<std::string>& text) const {
    if (!text) return "NULL";
    std::string out = "'";
    for (char c : *text) {
        if (c == '\'') out += '\'';
        if (c == '\\' && backend_ == Backend::MariaDB) out += '\\';
        out += c;
    }
    return out + "'";
}

std::string ScratchDatabase::boolean(std::optional<bool> value) const {
    if (!value) return "NULL";
    if (backend_ == Backend::PostgreSQL) return *value ? "true" : "false";
    return *value ? "1" : "0";
}

std::string ScratchDatabase::scalar(const std::string& sql) {
    std::string value;
    soci::indicator ind = soci::i_ok;
    *session_ << sql, soci::into(value, ind);
    return ind == soci::i_null ? std::string() : value;
}

std::string write_engine_config(const std::filesystem::path& dir, const std::string& connection,
                                const std::vector<std::pair<std::string, std::string>>& queries,
                                const std::string& rules_yaml) {
    std::string text =
        "custclass: 1\n"
        "source:\n"
        "  preset: generic\n"
        "  connection: \"" + connection + "\"\n"
        "  queries:\n";
    for (const auto& [table, sql] : queries) {
        // A YAML literal block scalar, indented under its key.
        text += "    " + table + ": |-\n";
        std::istringstream in(sql);
        for (std::string line; std::getline(in, line);) text += "      " + line + "\n";
    }
    text += "rules: rules.yaml\n";
    write_text(dir / "rules.yaml", rules_yaml);
    write_text(dir / "custclass.yaml", text);
    return (dir / "custclass.yaml").string();
}

std::string write_engine_config(const std::filesystem::path& dir, const std::string& connection,
                                const std::string& customers_query, const std::string& orders_query,
                                const std::string& rules_yaml) {
    return write_engine_config(dir, connection,
                               {{"customers", customers_query}, {"orders", orders_query}},
                               rules_yaml);
}

std::vector<std::string> all_features(const std::vector<std::string>& channels,
                                      const std::vector<std::string>& categories,
                                      const std::vector<std::string>& tables) {
    std::vector<std::string> names;
    for (const auto& f : config::feature_catalog())
        if (std::find(tables.begin(), tables.end(), config::table_name(f.table)) != tables.end())
            names.push_back(f.name);
    for (const auto& ch : channels) names.push_back("channel_share:" + ch);
    for (const auto& c : categories) names.push_back("share:" + c);
    return names;
}

FeatureDump dump_features(const std::string& config_path, const std::string& as_of,
                          const std::vector<std::string>& features, const std::string& data_dir) {
    const config::EngineConfig cfg = config::load_engine_config_file(config_path, {data_dir});
    auto source = adapters::make_soci_source(cfg.source);
    plugin::FeatureBuildOptions options;
    const auto day = config::parse_day(as_of);
    if (!day) throw std::invalid_argument("bad as_of " + as_of);
    options.as_of = *day;
    options.window_days = cfg.rules.window_days;
    options.time_zone = cfg.rules.time_zone;
    options.currency_decimals = cfg.source.currency_decimals;
    options.features = features;
    options.attributes = cfg.rules.attributes;
    plugin::FeatureBuildReport report;
    const plugin::FeatureTable table = plugin::build_features(*source, options, report);
    FeatureDump dump;
    dump.excluded = report.excluded;
    dump.data_quality = report.data_quality;
    dump.customers_read = report.customers_read;
    for (std::size_t r = 0; r < table.rows(); ++r) {
        nlohmann::ordered_json values = nlohmann::ordered_json::object();
        for (const auto& f : features) {
            const plugin::Column* col = table.find(f);
            if (!col) throw std::runtime_error("the feature table has no column " + f);
            values[f] = col->json_value(r);
        }
        dump.customers[table.customer_ids()[r]] = std::move(values);
    }
    return dump;
}

}  // namespace custclass::integration
