#include "comparison_table.h"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace custclass::host {

namespace {

using Json = nlohmann::ordered_json;

std::string text(const Json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "-";
    return v.dump();
}

void print_row(std::ostream& out, const std::vector<std::string>& cells, const std::vector<std::size_t>& widths) {
    out << " ";
    for (std::size_t i = 0; i < cells.size(); ++i) {
        const std::string& c = cells[i];
        const std::size_t pad = widths[i] > c.size() ? widths[i] - c.size() : 0;
        out << ' ' << (i == 0 ? c + std::string(pad, ' ') : std::string(pad, ' ') + c);
    }
    out << '\n';
}

void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> widths;
    for (const auto& r : rows)
        for (std::size_t i = 0; i < r.size(); ++i) {
            if (widths.size() <= i) widths.push_back(0);
            widths[i] = std::max(widths[i], r[i].size());
        }
    for (const auto& r : rows) print_row(out, r, widths);
}

}  // namespace

std::string count_text(const Json& value, std::int64_t k) {
    if (value.is_null()) return "<" + std::to_string(k);
    return text(value);
}

std::string percent_text(const Json& value) {
    if (!value.is_number()) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", 100 * value.get<double>());
    return buf;
}

void print_comparison(std::ostream& out, const Json& c, const std::string& before_name,
                      const std::string& after_name) {
    const std::int64_t k = c.value("k", 5);
    const Json customers = c.value("customers", Json::object());
    out << before_name << ": " << text(c["from"].value("run_id", Json())) << " as of "
        << text(c["from"].value("as_of", Json())) << ", " << text(c["from"].value("customers", Json()))
        << " customers\n";
    out << after_name << ": " << text(c["to"].value("run_id", Json())) << " as of "
        << text(c["to"].value("as_of", Json())) << ", " << text(c["to"].value("customers", Json()))
        << " customers\n";
    out << "customers in both " << count_text(customers.value("in_both", Json()), k) << ", new "
        << count_text(customers.value("new", Json()), k) << ", gone "
        << count_text(customers.value("gone", Json()), k) << '\n';

    for (const Json& cls : c.value("classifications", Json::array())) {
        out << '\n' << text(cls["id"]);
        if (cls.value("label", "") != "" && cls["label"] != cls["id"]) out << ": " << text(cls["label"]);
        char psi[32];
        std::snprintf(psi, sizeof psi, "%.4f", cls.value("psi", 0.0));
        out << "  (PSI " << psi << ", " << text(cls.value("drift", Json())) << ")\n";
        std::vector<std::vector<std::string>> rows = {{"segment", before_name, after_name, "change"}};
        for (const Json& s : cls.value("sizes", Json::array()))
            rows.push_back({s["segment"].is_null() ? "(unclassified)" : text(s["segment"]),
                            count_text(s["before"], k), count_text(s["after"], k),
                            s["change"].is_null() ? "-" : text(s["change"])});
        print_table(out, rows);

        if (cls.contains("migration")) {
            const Json& m = cls["migration"];
            out << "  migration (rows: " << before_name << ", columns: " << after_name << ")\n";
            std::vector<std::vector<std::string>> grid;
            std::vector<std::string> header = {""};
            for (const Json& col : m["columns"]) header.push_back(text(col));
            grid.push_back(header);
            for (std::size_t r = 0; r < m["rows"].size(); ++r) {
                std::vector<std::string> line = {text(m["rows"][r])};
                for (const Json& cell : m["counts"][r]) line.push_back(count_text(cell, k));
                grid.push_back(line);
            }
            print_table(out, grid);
        }
        if (cls.contains("membership_changes")) {
            std::vector<std::vector<std::string>> grid = {{"segment", "stayed", "joined", "left"}};
            for (const Json& s : cls["membership_changes"])
                grid.push_back({text(s["segment"]), count_text(s["stayed"], k), count_text(s["joined"], k),
                                count_text(s["left"], k)});
            print_table(out, grid);
        }
        const Json nve = cls.value("new_versus_existing", Json::object());
        if (!nve.empty()) {
            out << "  new customers " << count_text(nve["new_customers"], k) << " next to existing "
                << count_text(nve["existing_customers"], k) << '\n';
            std::vector<std::vector<std::string>> grid = {{"segment", "new", "existing"}};
            for (const Json& s : nve["segments"])
                grid.push_back({text(s["segment"]), percent_text(s["new_share"]), percent_text(s["existing_share"])});
            print_table(out, grid);
        }
        if (cls.contains("feature_shifts")) {
            out << "  feature means (" << before_name << " -> " << after_name << ")\n";
            for (const Json& s : cls["feature_shifts"]) {
                std::string line;
                for (const auto& [name, v] : s["means"].items()) {
                    if (v.is_null()) continue;
                    char buf[96];
                    std::snprintf(buf, sizeof buf, "%s %.1f -> %.1f", name.c_str(), v["before"].get<double>(),
                                  v["after"].get<double>());
                    line += (line.empty() ? "" : ", ") + std::string(buf);
                }
                if (!line.empty()) out << "    " << text(s["segment"]) << ": " << line << '\n';
            }
        }
    }
}

}  // namespace custclass::host
