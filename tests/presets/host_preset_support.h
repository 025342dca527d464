// What the tests of the shipped host presets (dolibarr_test.cpp, suitecrm_test.cpp) share: the
// host's DDL from a file of this folder, an engine config that names the preset, and the
// comparison of the engine's features with the ones worked out by hand.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "integration_support.h"

namespace custclass::integration {

using OptionalText = std::optional<std::string>;

// Both presets' tests run as of 2026-06-30 with a 365-day window in Hong Kong time: purchases
// dated 2025-07-01 .. 2026-06-30 count.
inline constexpr const char* kHostAsOf = "2026-06-30";

// A rule set with that window and zone and one segment for everyone.
inline std::string host_rules(const std::string& name) {
    return "custclass: 1\nname: " + name +
           "\nversion: \"1\"\nwindow_days: 365\ntime_zone: Asia/Hong_Kong\n"
           "classifications:\n  - id: value\n    segments:\n      - id: all\n"
           "        when: \"true\"\n";
}

// The score features of an active customer, for nlohmann::ordered_json::update.
inline nlohmann::ordered_json scores(int r, int f, int m, const std::string& pareto_class) {
    return {{"r_score", r},
            {"f_score", f},
            {"m_score", m},
            {"rfm", std::to_string(r) + std::to_string(f) + std::to_string(m)},
            {"pareto_class", pareto_class}};
}

// The statements of `file` (under tests/presets/) without its `--` comment lines.
inline std::string host_ddl(const std::string& file) {
    const std::string sql = read_text(std::filesystem::path(CUSTCLASS_PRESETS_TEST_DIR) / file);
    return std::regex_replace(sql, std::regex(R"(--[^\n]*\n)"), "");
}

// Writes an engine config naming `preset` over `db`, with `settings` (YAML lines indented under
// `settings:`) and host_rules(preset), into `dir`; returns its path.
inline std::string host_preset_config(const TempDir& dir, const std::string& preset,
                                      const ScratchDatabase& db, const std::string& settings = {}) {
    write_text(dir.path() / "rules.yaml", host_rules(preset));
    std::string text = "custclass: 1\nsource:\n  preset: " + preset + "\n  connection: \"" +
                       db.connection() + "\"\n";
    if (!settings.empty()) text += "  settings:\n" + settings;
    write_text(dir.path() / "custclass.yaml", text + "rules: rules.yaml\n");
    return (dir.path() / "custclass.yaml").string();
}

// Each expected feature of one customer; numbers to a few units in the last place of a double.
inline void expect_features(const FeatureDump& dump, const std::string& id,
                            const nlohmann::ordered_json& expected) {
    const auto it = dump.customers.find(id);
    ASSERT_NE(it, dump.customers.end()) << "customer " << id;
    for (const auto& [name, value] : expected.items()) {
        if (!it->second.contains(name)) {
            ADD_FAILURE() << "customer " << id << ": no feature " << name;
            continue;
        }
        const nlohmann::ordered_json& got = it->second.at(name);
        if (value.is_number_float() && got.is_number())
            EXPECT_DOUBLE_EQ(got.get<double>(), value.get<double>())
                << "customer " << id << ", " << name;
        else
            EXPECT_EQ(got, value) << "customer " << id << ", " << name << ": got " << got.dump();
    }
}

inline std::vector<std::string> ids_of(const FeatureDump& dump) {
    std::vector<std::string> ids;
    for (const auto& [id, _] : dump.customers) ids.push_back(id);
    return ids;
}

// The message of the error that reading with `config_path` throws ("" if it reads).
inline std::string read_error(const std::string& config_path, const std::string& as_of,
                              const std::vector<std::string>& features) {
    try {
        dump_features(config_path, as_of, features, CUSTCLASS_DATA_DIR);
    } catch (const std::exception& e) {
        return e.what();
    }
    return {};
}

}  // namespace custclass::integration
