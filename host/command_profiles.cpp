// `custclass profiles -c CONFIG [--run ID]`: the customer file of every segment of a run
// (custclass_profiles): size and shares, the numeric features' statistics, the commonest values
// of the text features, top categories with their lift, top products, channels, and when the
// segment's customers buy. Groups of fewer than k customers print as `<k`.
#include <cstdio>
#include <iostream>

#include "commands.h"
#include "comparison_table.h"

namespace custclass::host {

namespace {

using Json = nlohmann::ordered_json;

std::string number(const Json& v) {
    if (!v.is_number()) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v.get<double>());
    return buf;
}

std::string busiest(const Json& cells, const char* key) {
    std::string best = "-";
    std::uint64_t most = 0;
    for (const Json& c : cells)
        if (c["purchases"].is_number() && c["purchases"].get<std::uint64_t>() > most) {
            most = c["purchases"].get<std::uint64_t>();
            best = c[key].is_string() ? c[key].get<std::string>() : c[key].dump() + ":00";
        }
    return best;
}

void print_segment(std::ostream& out, const Json& s, std::int64_t k) {
    out << "\n  " << s["id"].get<std::string>();
    if (s.value("label", "") != s["id"]) out << " (" << s["label"].get<std::string>() << ")";
    if (s["suppressed"].get<bool>()) {
        out << ": fewer than " << k << " customers, suppressed\n";
        return;
    }
    out << ": " << s["customers"].dump() << " customers (" << percent_text(s["share_of_customers"])
        << "), " << percent_text(s["share_of_revenue"]) << " of revenue\n";
    for (const auto& [name, st] : s["numeric"].items()) {
        if (!st.contains("mean")) continue;
        char line[200];
        std::snprintf(line, sizeof line, "    %-18s mean %-10s median %-10s p10 %-10s p90 %s\n", name.c_str(),
                      number(st["mean"]).c_str(), number(st["median"]).c_str(), number(st["p10"]).c_str(),
                      number(st["p90"]).c_str());
        out << line;
    }
    for (const auto& [name, dist] : s["text"].items()) {
        if (dist["values"].empty()) continue;
        std::string values;
        for (const Json& v : dist["values"]) {
            if (values.size() > 70) break;
            values += (values.empty() ? "" : ", ") + v["value"].get<std::string>() + " " + percent_text(v["share"]);
        }
        char line[240];
        std::snprintf(line, sizeof line, "    %-18s %s\n", name.c_str(), values.c_str());
        out << line;
    }
    if (!s["top_categories"].empty()) {
        std::string cats;
        for (const Json& c : s["top_categories"])
            cats += (cats.empty() ? "" : ", ") + c["category"].get<std::string>() + " (lift " + number(c["lift"]) + ")";
        out << "    top categories     " << cats << '\n';
    }
    if (!s["top_products"].empty()) {
        std::string products;
        for (const Json& p : s["top_products"]) {
            if (products.size() > 70) break;
            products += (products.empty() ? "" : ", ") + p["product_id"].get<std::string>();
        }
        out << "    top products       " << products << '\n';
    }
    if (s["preferred_channel"].is_string()) out << "    preferred channel  " << s["preferred_channel"].get<std::string>() << '\n';
    out << "    busiest weekday    " << busiest(s["purchases_by_weekday"], "day") << ", busiest hour "
        << busiest(s["purchases_by_hour"], "hour") << '\n';
}

}  // namespace

ProfilesCommand::ProfilesCommand(CLI::App& parent)
    : Command(parent.add_subcommand("profiles", "Show the customer file of every segment of a run")) {
    app_->add_option("-c,--config", config_, "The engine config (custclass.yaml)")->required()->type_name("CONFIG");
    app_->add_option("--run", run_, "The run (default: the latest succeeded run)")->type_name("ID");
    app_->add_flag("--json", json_, "Print the profiles document (profiles.schema.json)");
}

ExitCode ProfilesCommand::execute(const Session& session) const {
    const custclass::Engine engine = custclass::Engine::open(session.api, config_);
    const custclass::Document result = engine.profiles(run_);
    const auto doc = Json::parse(result.c_str());
    if (json_) {
        std::cout << doc.dump(2) << '\n';
        return ExitCode::ok;
    }
    const std::int64_t k = doc.value("k", 5);
    std::cout << "customer files of run " << doc["run_id"].get<std::string>() << " (as of "
              << doc["as_of"].get<std::string>() << "), " << doc["population"]["customers"].dump()
              << " customers; groups under " << k << " customers are suppressed\n";
    for (const Json& cls : doc["classifications"]) {
        std::cout << '\n' << cls["id"].get<std::string>();
        if (cls.value("label", "") != cls["id"]) std::cout << ": " << cls["label"].get<std::string>();
        std::cout << '\n';
        for (const Json& s : cls["segments"]) print_segment(std::cout, s, k);
    }
    return ExitCode::ok;
}

}  // namespace custclass::host
