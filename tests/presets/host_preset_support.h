// What the tests of the shipped host presets (<host>_test.cpp) share: the
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

// The shares of `categories` in the line amounts of the purchases in the window (`amounts` by
// category; "" for lines without one), and the top category.
inline nlohmann::ordered_json category_mix(
    const std::vector<std::string>& categories,
    const std::vector<std::pair<std::string, double>>& amounts, const char* top) {
    double all = 0;
    for (const auto& [_, a] : amounts) all += a;
    nlohmann::ordered_json f = {{"top_category", top}};
    for (const auto& c : categories) {
        double in = 0;
        for (const auto& [category, a] : amounts)
            if (category == c) in += a;
        f["share:" + c] = in / all;
    }
    return f;
}

// A customer without a purchase in the window (`f`: its other order features): frequency 0,
// monetary 0 unless `f` gives it (returns in the window), and no average, scores, Pareto class,
// top category, shares of `categories` or shares of `channels`.
inline nlohmann::ordered_json without_purchases(nlohmann::ordered_json f,
                                                const std::vector<std::string>& categories,
                                                const std::vector<std::string>& channels = {}) {
    for (const char* name : {"avg_order_value", "r_score", "f_score", "m_score", "rfm",
                             "pareto_class", "top_category"})
        f[name] = nullptr;
    for (const auto& c : categories) f["share:" + c] = nullptr;
    for (const auto& ch : channels) f["channel_share:" + ch] = nullptr;
    f["frequency"] = 0;
    if (!f.contains("monetary")) f["monetary"] = 0.0;
    return f;
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
