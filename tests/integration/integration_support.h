// Support for the integration tests: scratch databases on SQLite and on the throwaway PostgreSQL
// and MariaDB servers that `scripts/test-servers.sh` starts (ctest fixture `db_servers`), engine
// config files over them, and the engine's feature table as JSON for comparisons.
//
// The servers are found through the environment that tests/integration/CMakeLists.txt sets:
//   CUSTCLASS_TEST_PG_HOST, CUSTCLASS_TEST_PG_PORT   PostgreSQL, user postgres, trust
//   CUSTCLASS_TEST_MARIADB_SOCKET                    MariaDB, user root without a password
//   CUSTCLASS_TEST_PSQL                              the psql client
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace soci {
class session;
}

namespace custclass::integration {

enum class Backend { SQLite, PostgreSQL, MariaDB };

const char* backend_name(Backend backend);
// For GoogleTest's messages and test names.
inline void PrintTo(Backend backend, std::ostream* os) { *os << backend_name(backend); }
inline const std::vector<Backend> kAllBackends = {Backend::SQLite, Backend::PostgreSQL,
                                                  Backend::MariaDB};

// A value of the environment, or a thrown error naming the variable (the tests run under ctest,
// which sets them; run by hand, start the servers and set them yourself).
std::string required_env(const char* name);

// A fresh temporary directory, removed with everything in it on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

// One empty database of its own on one backend (a file for SQLite, a database on the server for
// PostgreSQL and MariaDB), dropped on destruction. `tag` (lower-case letters, digits, `_`) makes
// the name unique together with the process id, so tests may run in parallel.
class ScratchDatabase {
public:
    ScratchDatabase(Backend backend, const std::string& tag);
    ~ScratchDatabase();
    ScratchDatabase(const ScratchDatabase&) = delete;
    ScratchDatabase& operator=(const ScratchDatabase&) = delete;

    Backend backend() const { return backend_; }
    const std::string& name() const { return name_; }
    // The SOCI connection string the engine config names ("backend://parameters").
    std::string connection() const;
    // A session for setting up data.
    soci::session& session();

    // Runs statements separated by `;` at the ends of lines (no `;` inside literals).
    void exec_script(const std::string& sql);
    void exec(const std::string& sql);
    // INSERTs `rows` (each a list of SQL literals, see literal()) in multi-row statements inside
    // one transaction.
    void insert(const std::string& table, const std::vector<std::string>& columns,
                const std::vector<std::vector<std::string>>& rows, std::size_t rows_per_statement = 500);
    // A text value as a SQL string literal of this backend, or NULL.
    std::string literal(const std::optional<std::string>& text) const;
    std::string boolean(std::optional<bool> value) const;
    // One value of a single-row, single-column query, as text ("" for NULL).
    std::string scalar(const std::string& sql);

private:
    Backend backend_;
    std::string name_;
    std::unique_ptr<TempDir> dir_;  // SQLite only
    std::unique_ptr<soci::session> session_;
};

// Writes the engine config (generic preset, `connection`, one query per canonical table, e.g.
// {"customers", "SELECT …"}) and the rule set into `dir`; returns the path of the engine config.
std::string write_engine_config(const std::filesystem::path& dir, const std::string& connection,
                                const std::vector<std::pair<std::string, std::string>>& queries,
                                const std::string& rules_yaml);
// The same with the two required tables only.
std::string write_engine_config(const std::filesystem::path& dir, const std::string& connection,
                                const std::string& customers_query, const std::string& orders_query,
                                const std::string& rules_yaml);

// Every catalog feature (config/feature_catalog.cpp) computed from the named canonical tables
// (the ones a test maps), plus channel_share(ch) and share(category) for the given channels and
// categories, as the feature builder names them.
std::vector<std::string> all_features(const std::vector<std::string>& channels,
                                      const std::vector<std::string>& categories = {},
                                      const std::vector<std::string>& tables = {"customers",
                                                                                "orders"});

// The feature table the engine builds from the engine config at `config_path` as of `as_of`
// (YYYY-MM-DD), with the rule set's window and time zone: customer id -> {feature: value}.
// `data_dir` is where the shipped presets and privacy policy are (none when empty).
struct FeatureDump {
    std::map<std::string, nlohmann::ordered_json> customers;
    std::map<std::string, std::uint64_t> excluded;
    std::map<std::string, std::uint64_t> data_quality;
    std::uint64_t customers_read = 0;
};
FeatureDump dump_features(const std::string& config_path, const std::string& as_of,
                          const std::vector<std::string>& features,
                          const std::string& data_dir = {});

// Writes `text` to `path`.
void write_text(const std::filesystem::path& path, const std::string& text);
std::string read_text(const std::filesystem::path& path);

}  // namespace custclass::integration
