// A small SQLite host database for tests, written with the sqlite3 C API in a fresh temporary
// directory, plus the engine config and rule set files that point at it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "engine.h"

namespace custclass::test {

struct TestCustomer {
    std::string id;
    std::string created_at;  // "" for NULL
    std::string birth_date = {};
    std::string gender = {};
    std::string district = {};
    std::string interests = {};
};

struct TestOrder {
    std::string id;
    std::string customer_id;  // "" for NULL
    std::string ordered_at;
    std::string amount;  // as SQL literal text, e.g. "12.50"
    std::string channel = "store";
};

class TestDatabase {
public:
    TestDatabase();
    ~TestDatabase();

    void add(const std::vector<TestCustomer>& customers, const std::vector<TestOrder>& orders);
    // Writes custclass.yaml (generic mapping onto the test schema) and rules.yaml; returns the
    // path of custclass.yaml.
    std::string write_config(const std::string& rules_yaml) const;
    std::filesystem::path dir() const { return dir_; }
    std::string db_path() const { return (dir_ / "shop.sqlite").string(); }

private:
    std::filesystem::path dir_;
};

// Runs `sql` (one or more statements) on the SQLite database at `db_path`; throws
// std::runtime_error with SQLite's message when it fails.
void execute_sql(const std::string& db_path, const std::string& sql);

// The rows `sql` gives on the SQLite database at `db_path`, each value as text ("(null)" for
// NULL); throws std::runtime_error with SQLite's message when it fails.
std::vector<std::vector<std::string>> query_rows(const std::string& db_path, const std::string& sql);

// Every assignment a result store holds (custclass_assignments) as (customer, classification,
// segment or "(none)"), ordered by the three.
std::vector<std::vector<std::string>> stored_assignments(const std::string& store_path);

// A new empty directory `name` (with the process id) under the system's temporary directory.
std::filesystem::path fresh_directory(const std::string& name);

// An engine config over the demo shop's SQLite file `db_file` (the generator's generic
// mapping) with its results in the SQLite file `store_file` and the shipped hk-retail rule set;
// relative paths are the config file's directory's.
std::string demo_engine_config(const std::string& db_file, const std::string& store_file);

// Writes `text` to `path`.
void write_file(const std::filesystem::path& path, const std::string& text);

// A small shop: 60 customers (c0 … c59; birth dates on two in three, both genders, two
// districts), 0 to 6 orders each in November 2026 through two channels, a guest sale and a return.
struct SampleShop {
    std::vector<TestCustomer> customers;
    std::vector<TestOrder> orders;
};
SampleShop sample_shop();

// A small rule set (RFM, channel share, district, age) for tests that compare two ways of reading
// the same shop.
extern const std::string kShopRules;

// A run request for `day` ("YYYY-MM-DD").
plugin::RunRequest run_request(const std::string& day, bool dry_run = true);

}  // namespace custclass::test
