// `custclass explain -c CONFIG CUSTOMER_ID`: one customer's segments and why
// (custclass_classify_customer): per classification the segment, the rule that held with the
// feature values it read, and for every segment tried before it the condition that failed.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "progress_reporter.h"

namespace custclass::host {

namespace {

using Json = nlohmann::ordered_json;

std::string text_of(const Json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A feature value as the rule language writes it: 12, 0.25, 'beauty', ['a', 'b'], true, null.
std::string value_text(const Json& value) {
    if (value.is_string()) return "'" + value.get<std::string>() + "'";
    if (value.is_number_float()) {
        const double x = value.get<double>();
        char text[32];
        if (std::isfinite(x) && x == std::floor(x) && std::fabs(x) < 1e15) {
            std::snprintf(text, sizeof text, "%.0f", x);
        } else {
            std::snprintf(text, sizeof text, "%.10g", x);
        }
        return text;
    }
    if (value.is_array()) {
        std::string text = "[";
        for (const Json& item : value) {
            if (text.size() > 1) text += ", ";
            text += value_text(item);
        }
        return text + "]";
    }
    return value.dump();  // integers, booleans, null
}

std::string features_text(const Json& features) {
    if (!features.is_object() || features.empty()) return "(none)";
    std::string text;
    for (const auto& [name, value] : features.items()) {
        if (!text.empty()) text += ", ";
        text += name + " = " + value_text(value);
    }
    return text;
}

std::string segment_title(const Json& match) {
    std::string title = text_of(match, "segment");
    const std::string label = text_of(match, "label");
    if (!label.empty() && label != title) title += " (" + label + ")";
    return title;
}

// A segment whose rule held: the rule and the values it read. indent: where the lines start.
void print_held(std::ostream& out, const Json& match, const std::string& indent) {
    out << indent << "rule      " << text_of(match, "rule") << '\n';
    out << indent << "features  " << features_text(match.value("features", Json::object())) << '\n';
}

// Segments whose rule did not hold, each with the sub-condition that failed.
void print_not_held(std::ostream& out, const char* heading, const Json& not_matched) {
    if (!not_matched.is_array() || not_matched.empty()) return;
    out << "  " << heading << '\n';
    for (const Json& miss : not_matched) {
        out << "    " << text_of(miss, "segment") << '\n';
        out << "      failed    " << text_of(miss, "failed_condition") << '\n';
        out << "      features  " << features_text(miss.value("features", Json::object())) << '\n';
    }
}

void print_explanation(std::ostream& out, const Json& result) {
    const Json ruleset = result.value("ruleset", Json::object());
    out << "customer " << text_of(result, "customer_id") << ", as of " << text_of(result, "as_of")
        << ", rule set " << text_of(ruleset, "name") << ' ' << text_of(ruleset, "version") << '\n';

    const Json classifications = result.value("classifications", Json::object());
    for (const auto& [id, classification] : classifications.items()) {
        const std::string label = text_of(classification, "label");
        const Json matched = classification.value("matched", Json::array());
        const Json not_matched = classification.value("not_matched", Json::array());
        out << '\n' << id << (label.empty() ? "" : ": " + label);

        if (text_of(classification, "mode") == "all_matches") {
            out << "  (all matches)\n";
            if (matched.empty()) out << "  segments  none\n";
            for (const Json& match : matched) {
                out << "  " << segment_title(match) << '\n';
                print_held(out, match, "    ");
            }
            print_not_held(out, "did not hold:", not_matched);
            continue;
        }

        out << '\n';
        if (matched.empty()) {
            const std::string segment = text_of(classification, "segment");
            out << "  segment   " << (segment.empty() ? "none (unclassified)" : segment) << '\n';
            print_not_held(out, "no segment held:", not_matched);
        } else {
            out << "  segment   " << segment_title(matched.front()) << '\n';
            print_held(out, matched.front(), "  ");
            print_not_held(out, "tried before:", not_matched);
        }
    }

    const Json scores = result.value("scores", Json::object());
    if (scores.is_object() && !scores.empty()) {
        out << "\nscores\n";
        for (const auto& [id, score] : scores.items()) {
            out << "  " << id << "  " << value_text(score.value("value", Json()));
            const Json tier = score.value("tier", Json());
            if (tier.is_string()) out << " (" << tier.get<std::string>() << ')';
            out << '\n';
        }
    }
}

}  // namespace

ExplainCommand::ExplainCommand(CLI::App& parent)
    : Command(parent.add_subcommand(
          "explain", "Show a customer's segments with the rules and feature values behind them")) {
    app_->add_option("-c,--config", config_, "The engine config (custclass.yaml)")
        ->required()
        ->type_name("CONFIG");
    app_->add_option("--as-of", as_of_,
                     "The date to classify as of, YYYY-MM-DD (default: today in the rule set's "
                     "time zone); the last run's features are used when it has the same date")
        ->type_name("DATE");
    app_->add_flag("--json", json_,
                   "Print the customer result document (customer_result.schema.json)");
    app_->add_option("CUSTOMER_ID", customer_id_, "The customer's id in the host's data")
        ->required();
}

ExitCode ExplainCommand::execute(const Session& session) const {
    const custclass::Engine engine = custclass::Engine::open(session.api, config_);

    custclass::RunOptions options;
    if (!as_of_.empty()) options.as_of(as_of_);
    ProgressReporter reporter(session.verbose);  // the features may have to be computed first
    reporter.attach(options);
    const custclass::Document result = engine.classify_customer(customer_id_, options);
    reporter.finish();

    const auto document = Json::parse(result.c_str());
    if (json_) {
        std::cout << document.dump(2) << '\n';
    } else {
        print_explanation(std::cout, document);
    }
    return ExitCode::ok;
}

}  // namespace custclass::host
