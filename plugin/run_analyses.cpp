// The analyses of a run that the engine offers besides the run itself: customer files,
// comparisons of two runs, what-if against a candidate rule set, and the rule review
// (RULES.md section 5). Each takes its run from the result store, reads the host's data again as
// of the run's date for the features and purchases it shows, and computes with
// segment_profiles, run_comparison and rule_review; the HTML report puts them together (html_report).
// Serialised with full runs (they share the
// store's session).
#include <algorithm>
#include <filesystem>

#include "engine.h"
#include "errors.h"
#include "html_report.h"
#include "purchase_patterns.h"
#include "rule_review.h"
#include "run_assignments.h"
#include "run_comparison.h"
#include "segment_profiles.h"

namespace custclass::plugin {

namespace {

using json = nlohmann::ordered_json;

// What a customer file shows besides what the rules read: every behavioural and background
// feature the source can give, without the sensitive ones (age, gender, income) unless the rule
// set reads them already under its purpose; then the scores and their tiers.
void profile_features(const config::RuleSet& rules, const adapters::Source& source,
                      std::vector<std::string>& numeric, std::vector<std::string>& text) {
    const auto read = rules.features_read();
    for (const auto& f : config::feature_catalog()) {
        if (!source.has_table(f.table)) continue;
        if (f.sensitive && std::find(read.begin(), read.end(), f.name) == read.end()) continue;
        if (f.type == config::ValueType::Number) numeric.push_back(f.name);
        if (f.type == config::ValueType::Text || f.type == config::ValueType::TextList)
            text.push_back(f.name);
    }
    for (const auto& score : rules.scores) {
        numeric.push_back(score.id);
        text.push_back(score.id + "_tier");
    }
}

// Appends the members of `more` to `doc`, in their order.
void append(json& doc, json more) {
    for (auto& [key, value] : more.items()) doc[key] = std::move(value);
}

json ruleset_json(const config::RuleSet& rules, const std::string& hash) {
    return {{"name", rules.name}, {"version", rules.version}, {"hash", hash}};
}

}  // namespace

std::int64_t Engine::small_cell_k() const {
    return config_.privacy ? config_.privacy->small_cell_k : 5;
}

adapters::RunRecord Engine::succeeded_run(const std::string& run_id) {
    if (run_id.empty()) {
        if (auto latest = store().latest_succeeded_run()) return *latest;
        throw NotFound("the result store holds no succeeded run yet: classify first (custclass run)");
    }
    auto run = store().find_run(run_id);
    if (!run) throw NotFound("no run `" + run_id + "` in the result store");
    if (run->status != "succeeded")
        throw NotFound("run `" + run_id + "` did not succeed (" + run->status + "): it has no results");
    return *run;
}

nlohmann::ordered_json Engine::profiles(const std::string& run_id) {
    const SerialWork serial(*this);
    return profiles_of(succeeded_run(run_id));
}

nlohmann::ordered_json Engine::profiles_of(const adapters::RunRecord& record) {
    const RunAssignments run = RunAssignments::stored(store(), record, config_.rules);
    auto source = database_source();
    ProfileRequest request;
    request.k = small_cell_k();
    request.currency_decimals = config_.source.currency_decimals;
    profile_features(config_.rules, *source, request.numeric_features, request.text_features);
    std::vector<std::string> shown = request.numeric_features;
    shown.insert(shown.end(), request.text_features.begin(), request.text_features.end());
    FeatureTable table = build_table(*source, run.as_of, config_.rules, shown, nullptr, nullptr);
    RuleProgram(config_.rules, run.as_of).run(table);  // the score columns
    const PurchasePatterns patterns = read_purchase_patterns(
        *source, run, {run.as_of, config_.rules.window_days, config_.rules.time_zone});
    json doc = {{"run_id", record.run_id},
                {"as_of", record.as_of},
                {"ruleset", ruleset_json(config_.rules, ruleset_hash_)},
                {"ruleset_of_run", record.ruleset_hash}};
    append(doc, segment_profiles(run, table, patterns, request));
    return doc;
}

nlohmann::ordered_json Engine::compare(const std::string& from_run_id, const std::string& to_run_id) {
    const SerialWork serial(*this);
    const adapters::RunRecord to = succeeded_run(to_run_id);
    adapters::RunRecord from;
    if (from_run_id.empty()) {
        auto previous = store().previous_succeeded_run(to.run_id);
        if (!previous)
            throw NotFound("run `" + to.run_id + "` is the first succeeded run: there is nothing "
                           "to compare it with (name one with --from)");
        from = *previous;
    } else {
        from = succeeded_run(from_run_id);
    }
    return comparison_of(from, to);
}

nlohmann::ordered_json Engine::comparison_of(const adapters::RunRecord& from, const adapters::RunRecord& to) {
    const RunAssignments a = RunAssignments::stored(store(), from, config_.rules);
    const RunAssignments b = RunAssignments::stored(store(), to, config_.rules);
    ComparisonRequest request;
    request.k = small_cell_k();
    request.shift_features = {"recency_days", "frequency", "monetary", "avg_order_value"};
    auto source = database_source();
    const FeatureTable ta = build_table(*source, a.as_of, config_.rules, request.shift_features, nullptr, nullptr);
    const FeatureTable tb = build_table(*source, b.as_of, config_.rules, request.shift_features, nullptr, nullptr);
    json doc = {{"kind", "runs"}, {"ruleset", ruleset_json(config_.rules, ruleset_hash_)}};
    append(doc, compare_runs({&a, &ta}, {&b, &tb}, request));
    return doc;
}

nlohmann::ordered_json Engine::whatif(const std::string& candidate_rules_path, const RunRequest& run_request) {
    const config::RuleSet candidate = config::load_rule_set_file(candidate_rules_path);
    const Day as_of = resolve_as_of(run_request);
    auto source = database_source();
    for (const auto& feature : candidate.features_read()) {
        const auto table = candidate.table_of(feature);
        if (table && !source->has_table(*table))
            throw InvalidArgument("the candidate rule set " + candidate_rules_path + " reads `" + feature +
                                  "`, which needs the `" + std::string(config::table_name(*table)) +
                                  "` table, and the source does not map it");
    }
    if (candidate.window_days != config_.rules.window_days || candidate.time_zone != config_.rules.time_zone)
        throw InvalidArgument("the candidate rule set " + candidate_rules_path +
                              " has another window_days or time_zone than the current one; "
                              "what-if compares rules on the same features: change those in a run of its own");
    // One table for both rule sets: the union of what they read (the current rules' attributes
    // and enrichments, and the candidate's that the current rules do not declare).
    config::RuleSet both_reads;
    both_reads.window_days = config_.rules.window_days;
    both_reads.time_zone = config_.rules.time_zone;
    both_reads.attributes = config_.rules.attributes;
    for (const auto& a : candidate.attributes)
        if (!config_.rules.find_attribute(a.name)) both_reads.attributes.push_back(a);
    both_reads.enrichments = config_.rules.enrichments;
    for (const auto& e : candidate.enrichments)
        if (!config_.rules.find_enrichment(e.id)) both_reads.enrichments.push_back(e);
    std::vector<std::string> features = config_.rules.features_read();
    for (const auto& f : candidate.features_read())
        if (std::find(features.begin(), features.end(), f) == features.end()) features.push_back(f);
    FeatureTable table = build_table(*source, as_of, both_reads, features, &run_request, nullptr);

    auto current_results = RuleProgram(config_.rules, as_of).run(table, true);
    const RunAssignments current = RunAssignments::computed("current", as_of, table.customer_ids(),
                                                            config_.rules, current_results);
    auto candidate_results = RuleProgram(candidate, as_of).run(table, true);
    const RunAssignments proposed = RunAssignments::computed("candidate", as_of, table.customer_ids(),
                                                             candidate, candidate_results);
    ComparisonRequest request;
    request.k = small_cell_k();
    json doc = {{"kind", "whatif"},
                {"ruleset", ruleset_json(config_.rules, ruleset_hash_)},
                {"candidate", {{"file", candidate_rules_path}, {"name", candidate.name}, {"version", candidate.version}}}};
    append(doc, compare_runs({&current, nullptr}, {&proposed, nullptr}, request));
    ReviewRequest counts;
    counts.k = request.k;
    counts.customers = table.rows();
    doc["rule_counts"] = {{"current", review_rules(config_.rules, current_results, counts)["classifications"]},
                          {"candidate", review_rules(candidate, candidate_results, counts)["classifications"]}};
    return doc;
}

nlohmann::ordered_json Engine::review(const std::string& run_id) {
    const SerialWork serial(*this);
    return review_of(succeeded_run(run_id));
}

nlohmann::ordered_json Engine::review_of(const adapters::RunRecord& record) {
    const RunAssignments run = RunAssignments::stored(store(), record, config_.rules);
    auto source = database_source();
    FeatureTable table = build_table(*source, run.as_of, config_.rules, {}, nullptr, nullptr);
    const auto results = RuleProgram(config_.rules, run.as_of).run(table, true);

    ReviewRequest request;
    request.k = small_cell_k();
    request.customers = table.rows();
    json stability;
    if (auto previous = store().previous_succeeded_run(record.run_id)) {
        const RunAssignments before = RunAssignments::stored(store(), *previous, config_.rules);
        ComparisonRequest compare_request;
        compare_request.k = request.k;
        stability = compare_runs({&before, nullptr}, {&run, nullptr}, compare_request);
        request.stability = &stability;
    }
    json doc = {{"run_id", record.run_id},
                {"as_of", record.as_of},
                {"ruleset", ruleset_json(config_.rules, ruleset_hash_)}};
    append(doc, review_rules(config_.rules, results, request));
    return doc;
}

std::string Engine::report_html(const std::string& run_id) {
    const SerialWork serial(*this);
    const adapters::RunRecord record = succeeded_run(run_id);
    const json summary = json::parse(record.summary_json);
    const json profiles = profiles_of(record);
    const json review = review_of(record);
    json comparison;
    if (auto previous = store().previous_succeeded_run(record.run_id)) comparison = comparison_of(*previous, record);

    ReportDocuments documents;
    documents.summary = &summary;
    documents.profiles = &profiles;
    documents.review = &review;
    documents.comparison = comparison.is_null() ? nullptr : &comparison;
    json sensitive = json::array();
    for (const auto& feature : config_.rules.features_read())
        if (const auto* info = config::find_feature(feature); info && info->sensitive) sensitive.push_back(feature);
    documents.privacy = {{"purpose", config_.rules.purpose},
                         {"policy", std::filesystem::path(config_.privacy_path).filename().string()},
                         {"k", small_cell_k()},
                         {"excluded", summary.value("excluded", json::object())},
                         {"sensitive_features", std::move(sensitive)}};
    return html_report(documents);
}

}  // namespace custclass::plugin
