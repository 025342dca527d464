// Formats the run summary document as tables (see run_summary_table.h). Documents are read with
// ordered_json so that segments keep the order of the rule set, as the plugin wrote them.
#include "run_summary_table.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace custclass::host {

namespace {

using Json = nlohmann::ordered_json;

std::string text_of(const Json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::uint64_t count_of(const Json& value) {
    return value.is_number_unsigned() || value.is_number_integer() ? value.get<std::uint64_t>() : 0;
}

std::string share_of(std::uint64_t count, std::uint64_t total) {
    if (total == 0) return "-";
    char text[16];
    std::snprintf(text, sizeof text, "%.1f%%",
                  100.0 * static_cast<double>(count) / static_cast<double>(total));
    return text;
}

std::string duration_of(std::uint64_t ms) {
    if (ms < 1000) return std::to_string(ms) + " ms";
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(ms) / 1000.0);
    return text;
}

std::string padded(std::string text, std::size_t width, bool right_aligned = false) {
    if (text.size() >= width) return text;
    const std::string fill(width - text.size(), ' ');
    return right_aligned ? fill + text : text + fill;
}

// A table of (name, count) rows under the headings name_column and count_column, with each
// count's share of *total when total is given.
void print_counts(std::ostream& out, const std::string& name_column,
                  const std::string& count_column,
                  const std::vector<std::pair<std::string, std::uint64_t>>& rows,
                  const std::uint64_t* total) {
    std::size_t width = name_column.size();
    for (const auto& row : rows) width = std::max(width, row.first.size());
    out << "  " << padded(name_column, width) << "  " << padded(count_column, 9, true);
    if (total != nullptr) out << "  " << padded("share", 6, true);
    out << '\n';
    for (const auto& [name, count] : rows) {
        out << "  " << padded(name, width) << "  " << padded(std::to_string(count), 9, true);
        if (total != nullptr) out << "  " << padded(share_of(count, *total), 6, true);
        out << '\n';
    }
}

std::vector<std::pair<std::string, std::uint64_t>> counts_in(const Json& object) {
    std::vector<std::pair<std::string, std::uint64_t>> rows;
    if (!object.is_object()) return rows;
    for (const auto& [name, value] : object.items()) rows.emplace_back(name, count_of(value));
    return rows;
}

}  // namespace

void print_run_summary(std::ostream& out, const Json& summary) {
    const bool dry_run = summary.value("dry_run", false);
    const std::uint64_t customers = count_of(summary.value("customers", Json()));
    const Json ruleset = summary.value("ruleset", Json::object());

    out << "run        " << text_of(summary, "run_id");
    if (dry_run) out << "  (dry run: nothing was written)";
    out << '\n';
    out << "as of      " << text_of(summary, "as_of") << '\n';
    out << "rule set   " << text_of(ruleset, "name") << ' ' << text_of(ruleset, "version") << '\n';
    out << "customers  " << customers << '\n';

    const auto classifications = summary.find("classifications");
    if (classifications != summary.end() && classifications->is_object()) {
        for (const auto& [id, classification] : classifications->items()) {
            out << '\n' << id;
            const std::string label = text_of(classification, "label");
            if (!label.empty()) out << ": " << label;
            if (text_of(classification, "mode") == "all_matches") {
                out << "  (all matches: a customer counts in every segment it matched)";
            }
            out << '\n';
            auto rows = counts_in(classification.value("segments", Json::object()));
            rows.emplace_back("(unclassified)",
                              count_of(classification.value("unclassified", Json())));
            print_counts(out, "segment", "customers", rows, &customers);
        }
    }

    const auto scores = summary.find("scores");
    if (scores != summary.end() && scores->is_object() && !scores->empty()) {
        for (const auto& [id, score] : scores->items()) {
            out << "\nscore " << id << '\n';
            print_counts(out, "tier", "customers", counts_in(score.value("tiers", Json::object())),
                         &customers);
        }
    }

    const auto excluded = counts_in(summary.value("excluded", Json::object()));
    out << "\nexcluded (left out of processing or outputs)";
    if (excluded.empty()) {
        out << ": none\n";
    } else {
        out << '\n';
        print_counts(out, "reason", "customers", excluded, nullptr);
    }

    const auto data_quality = counts_in(summary.value("data_quality", Json::object()));
    out << "\ndata quality (rows read but not used)";
    if (data_quality.empty()) {
        out << ": none\n";
    } else {
        out << '\n';
        print_counts(out, "reason", "rows", data_quality, nullptr);
    }

    out << "\nduration   " << duration_of(count_of(summary.value("duration_ms", Json()))) << '\n';
}

void print_run_summary_text(std::ostream& out, const char* summary_json, bool json) {
    const auto document = nlohmann::ordered_json::parse(summary_json);
    if (json)
        out << document.dump(2) << '\n';
    else
        print_run_summary(out, document);
}

}  // namespace custclass::host
