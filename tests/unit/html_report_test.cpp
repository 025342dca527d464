#include "html_report.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

using custclass::plugin::html_report;
using custclass::plugin::ReportDocuments;
using nlohmann::ordered_json;

namespace {

// A small run: a first-match classification "value" with a segment under k (rare, 3 customers)
// and an all-matches classification "tags"; k = 5.
const char* kSummary = R"json({
  "run_id": "run-2", "status": "succeeded", "as_of": "2026-11-30", "dry_run": false,
  "ruleset": {"name": "shop-rules", "version": "2026.11-1", "hash": "sha256:00"},
  "customers": 200,
  "classifications": {
    "value": {"label": "Customer value", "mode": "first_match",
              "segments": {"vip": 60, "rare": 3, "rest": 120}, "unclassified": 17},
    "tags": {"label": "Region", "mode": "all_matches",
             "segments": {"north": 90, "south": 110}, "unclassified": 0}
  },
  "scores": {}, "excluded": {"opted_out": 4}, "data_quality": {}, "duration_ms": 10
})json";

const char* kWeekdays = R"json([
  {"day": "Mon", "purchases": 30, "buyers": 20}, {"day": "Tue", "purchases": null, "buyers": null, "suppressed": true},
  {"day": "Wed", "purchases": 12, "buyers": 9}, {"day": "Thu", "purchases": 0, "buyers": 0},
  {"day": "Fri", "purchases": 41, "buyers": 25}, {"day": "Sat", "purchases": 55, "buyers": 30},
  {"day": "Sun", "purchases": 50, "buyers": 28}])json";

ordered_json full_segment(const char* id, const char* label, int customers, double revenue) {
    ordered_json s = {{"id", id},
                      {"label", label},
                      {"suppressed", false},
                      {"customers", customers},
                      {"share_of_customers", customers / 200.0},
                      {"revenue", revenue},
                      {"share_of_revenue", 0.5}};
    s["numeric"] = ordered_json::parse(R"json({
      "recency_days": {"customers": 60, "mean": 11.28, "median": 9.0, "p10": 2.0, "p90": 25.0},
      "monetary": {"customers": 60, "mean": 24985.021, "median": 16336.56, "p10": 1.0, "p90": 2.0},
      "avg_order_value": {"customers": null}})json");
    s["text"] = ordered_json::parse(R"json({
      "district": {"values": [{"value": "Sha Tin", "customers": 12, "share": 0.2}], "other": 48, "missing": 0},
      "interests": {"values": [], "other": 13, "missing": null, "customers_with_values": null}})json");
    s["top_categories"] = ordered_json::parse(R"json([{"category": "electronics", "amount": 100.0,
      "buyers": 20, "share": 0.277483, "population_share": 0.2, "lift": 1.387415},
      {"category": "toys", "amount": 10.0, "buyers": 6, "share": 0.1, "population_share": 0.0, "lift": null}])json");
    s["top_products"] = ordered_json::parse(
        R"json([{"product_id": "ELC-0036", "amount": 674306.5, "lines": 9, "buyers": 7}])json");
    s["channels"] = ordered_json::parse(
        R"json([{"channel": "store", "purchases": 150, "buyers": 50, "share": 0.62}])json");
    s["preferred_channel"] = "store";
    s["purchases_by_weekday"] = ordered_json::parse(kWeekdays);
    return s;
}

ordered_json profiles_document() {
    ordered_json p = ordered_json::parse(R"json({
      "run_id": "run-2", "as_of": "2026-11-30",
      "ruleset": {"name": "shop-rules", "version": "2026.11-1", "hash": "sha256:00"},
      "ruleset_of_run": "sha256:00", "k": 5,
      "population": {"customers": 200, "revenue": 21486118.48, "not_in_current_data": 0,
        "revenue_concentration": {"customers": 150, "share_of_customers_for_80_percent": 0.335338,
          "points": [{"customers_share": 0.0, "revenue_share": 0.0},
                     {"customers_share": 0.5, "revenue_share": 0.9},
                     {"customers_share": 1.0, "revenue_share": 1.0}]}},
      "features": {"numeric": ["recency_days", "monetary", "avg_order_value"], "text": ["district", "interests"]},
      "classifications": []})json");
    ordered_json value = {{"id", "value"}, {"label", "Customer value"}, {"mode", "first_match"}};
    value["segments"] = ordered_json::array(
        {full_segment("vip", "VIP", 60, 10743559.24),
         ordered_json::parse(
             R"json({"id": "rare", "label": "Rare birds", "description": "Seldom seen.",
           "suppressed": true, "customers": null,
           "reason": "fewer than 5 customers (the privacy policy's small-cell threshold)"})json"),
         full_segment("rest", "Everyone else", 120, 10742559.24)});
    value["unclassified"] = {{"customers", 17}};
    ordered_json tags = {{"id", "tags"}, {"label", "Region"}, {"mode", "all_matches"}};
    tags["segments"] = ordered_json::array(
        {full_segment("north", "North", 90, 1.0), full_segment("south", "South", 110, 2.0)});
    tags["unclassified"] = {{"customers", 0}};
    p["classifications"] = ordered_json::array({value, tags});
    return p;
}

const char* kComparison = R"json({
  "kind": "runs", "ruleset": {"name": "shop-rules", "version": "2026.11-1", "hash": "sha256:00"}, "k": 5,
  "from": {"run_id": "run-1", "as_of": "2026-06-30", "customers": 190},
  "to": {"run_id": "run-2", "as_of": "2026-11-30", "customers": 200},
  "customers": {"in_both": 188, "new": 12, "gone": 2},
  "max_psi": 0.04, "max_psi_classification": "value",
  "classifications": [
    {"id": "value", "label": "Customer value", "mode": "first_match",
     "sizes": [{"segment": "vip", "label": "VIP", "before": 50, "after": 60, "change": 10},
               {"segment": "rare", "label": "Rare birds", "before": null, "after": null, "change": null},
               {"segment": "rest", "label": "Everyone else", "before": 125, "after": 120, "change": -5},
               {"segment": null, "label": "(unclassified)", "before": 15, "after": 17, "change": 2}],
     "psi": 0.04, "drift": "stable",
     "migration": {"rows": ["vip", "rare", "rest", "(unclassified)", "(new)"],
                   "columns": ["vip", "rare", "rest", "(unclassified)", "(gone)"],
                   "counts": [[44, null, 6, 0, 0], [0, null, 0, 0, 0], [11, 0, 106, 8, null],
                              [0, 0, 5, 10, 0], [5, 0, 7, 0, 0]]},
     "new_versus_existing": {"new_customers": 12, "existing_customers": 188,
       "segments": [{"segment": "vip", "new": 5, "new_share": 0.416667, "existing": 55, "existing_share": 0.292553}]},
     "feature_shifts": [{"segment": "vip", "means": {"recency_days": {"before": 12.0, "after": 11.28, "change": -0.72},
                                                      "monetary": null}}]},
    {"id": "tags", "label": "Region", "mode": "all_matches",
     "sizes": [{"segment": "north", "label": "North", "before": 85, "after": 90, "change": 5},
               {"segment": "south", "label": "South", "before": 105, "after": 110, "change": 5},
               {"segment": null, "label": "(unclassified)", "before": 0, "after": 0, "change": 0}],
     "psi": 0.001, "drift": "stable",
     "membership_changes": [{"segment": "north", "stayed": 77, "joined": 13, "left": 8},
                            {"segment": "south", "stayed": 101, "joined": 9, "left": null}],
     "new_versus_existing": {"new_customers": 12, "existing_customers": 188, "segments": []}}
  ]
})json";

const char* kReview = R"json({
  "run_id": "run-2", "as_of": "2026-11-30",
  "ruleset": {"name": "shop-rules", "version": "2026.11-1", "hash": "sha256:00"},
  "customers": 200, "k": 5,
  "classifications": [
    {"id": "value", "label": "Customer value", "mode": "first_match",
     "segments": [{"id": "vip", "label": "VIP", "matched": 60, "first_matched": 60, "shadowed": 0, "share": 0.3},
                  {"id": "rare", "label": "Rare birds", "matched": 9, "first_matched": 3, "shadowed": 6, "share": 0.015},
                  {"id": "rest", "label": "Everyone else", "matched": 183, "first_matched": 120, "shadowed": 63, "share": 0.6}],
     "unclassified": 17, "unclassified_share": 0.085, "stability": {"psi": 0.04, "drift": "stable"}},
    {"id": "tags", "label": "Region", "mode": "all_matches",
     "segments": [{"id": "north", "label": "North", "matched": 90, "first_matched": 90, "shadowed": 0, "share": 0.45},
                  {"id": "south", "label": "South", "matched": 110, "first_matched": 110, "shadowed": 0, "share": 0.55}],
     "unclassified": 0, "unclassified_share": 0.0}],
  "findings": [
    {"severity": "info", "kind": "under_k", "classification": "value", "segment": "rare",
     "message": "`value.rare`: 3 customers, fewer than k = 5; its customer file is suppressed",
     "suggestion": "merge it with a neighbouring segment or widen its rule"},
    {"severity": "warning", "kind": "unclassified", "classification": "value", "segment": null,
     "message": "`value`: 8.5% of the customers match no segment",
     "suggestion": "add a last segment with `when: true` to catch the rest, or widen the rules"}],
  "previous_run": {"run_id": "run-1", "as_of": "2026-06-30", "customers": 190}
})json";

// The documents of one run, each editable by a test before rendering.
struct RunDocuments {
    ordered_json summary = ordered_json::parse(kSummary);
    ordered_json profiles = profiles_document();
    ordered_json comparison = ordered_json::parse(kComparison);
    ordered_json review = ordered_json::parse(kReview);
    ordered_json privacy = {{"purpose", "customer_analytics"},
                            {"policy", "pdpo.yaml"},
                            {"k", 5},
                            {"excluded", {{"opted_out", 4}, {"retention", 12}}},
                            {"sensitive_features", {"age_band", "gender"}}};
    bool with_comparison = true;

    std::string render() const {
        ReportDocuments d;
        d.summary = &summary;
        d.profiles = &profiles;
        d.review = &review;
        d.comparison = with_comparison ? &comparison : nullptr;
        d.privacy = privacy;
        return html_report(d);
    }
};

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

std::size_t occurrences(const std::string& haystack, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = haystack.find(needle); at != std::string::npos;
         at = haystack.find(needle, at + 1))
        ++n;
    return n;
}

// The markup of the element that starts at the first `opening` and ends at the next `closing`.
std::string element(const std::string& html, const std::string& opening,
                    const std::string& closing) {
    const auto begin = html.find(opening);
    if (begin == std::string::npos) return "";
    const auto end = html.find(closing, begin);
    return html.substr(begin,
                       end == std::string::npos ? std::string::npos : end + closing.size() - begin);
}

std::string section(const std::string& html, const std::string& id) {
    return element(html, "<section id=\"" + id + "\">", "</section>");
}

// The profile card whose heading is `label`.
std::string card(const std::string& html, const std::string& label) {
    const auto heading = html.find("<h4>" + label + "</h4>");
    if (heading == std::string::npos) return "";
    const auto begin = html.rfind("<article", heading);
    const auto end = html.find("</article>", heading);
    return html.substr(begin, end + 10 - begin);
}

}  // namespace

TEST(HtmlReport, HasTheSevenSectionsInOrderEachWithAHeading) {
    const std::string html = RunDocuments().render();
    ASSERT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
    std::size_t previous = 0;
    for (const char* id : {"overview", "segment-sizes", "migration", "profiles", "concentration",
                           "review", "privacy"}) {
        const std::string opening = std::string("<section id=\"") + id + "\">";
        const auto at = html.find(opening);
        ASSERT_NE(at, std::string::npos) << id;
        EXPECT_GT(at, previous) << id << " is out of order";
        previous = at;
        EXPECT_TRUE(contains(section(html, id), "<h")) << id << " has no heading";
    }
    EXPECT_EQ(occurrences(html, "<section"), 7u);
    EXPECT_EQ(occurrences(html, "</section>"), 7u);
    const std::string overview = section(html, "overview");
    EXPECT_TRUE(contains(overview, "<h1>Customer classification report</h1>"));
    EXPECT_TRUE(contains(overview, "run-2"));
    EXPECT_TRUE(contains(overview, "2026-11-30"));
    EXPECT_TRUE(contains(overview, "shop-rules, version 2026.11-1"));
    EXPECT_TRUE(contains(overview, "200"));
    EXPECT_EQ(occurrences(overview, "<li>"), 2u) << "one line per classification";
}

TEST(HtmlReport, EscapesEveryTextThatComesFromTheDocuments) {
    RunDocuments run;
    const std::string nasty = "<script>&\"";
    run.profiles["classifications"][0]["segments"][0]["label"] = nasty;
    run.profiles["classifications"][0]["segments"][0]["description"] = "it's <b>bold</b>";
    run.review["classifications"][0]["segments"][0]["label"] = nasty;
    run.comparison["classifications"][0]["sizes"][0]["label"] = nasty;
    run.summary["classifications"]["value"]["label"] = nasty;
    run.review["findings"][1]["message"] = "`value`: " + nasty;
    const std::string html = run.render();
    EXPECT_FALSE(contains(html, "<script"));
    EXPECT_FALSE(contains(html, nasty));
    EXPECT_FALSE(contains(html, "<b>bold"));
    EXPECT_TRUE(contains(html, "&lt;script&gt;&amp;&quot;"));
    EXPECT_TRUE(contains(html, "it&#39;s &lt;b&gt;bold&lt;/b&gt;"));
    EXPECT_TRUE(contains(card(html, "&lt;script&gt;&amp;&quot;"), "profile-card"));
    // In the SVG charts too (labels and tooltips), not only in the HTML text.
    EXPECT_TRUE(contains(element(html, "<svg class=\"chart bar-chart\"", "</svg>"),
                         "&lt;script&gt;&amp;&quot;"));
    EXPECT_TRUE(contains(element(html, "<svg class=\"chart heatmap\"", "</svg>"),
                         "&lt;script&gt;&amp;&quot;"));
}

TEST(HtmlReport, SuppressedSegmentShowsAsSuppressedAndNullNeverAppears) {
    const std::string html = RunDocuments().render();
    const std::string rare = card(html, "Rare birds");
    ASSERT_FALSE(rare.empty());
    EXPECT_TRUE(contains(rare, "profile-card suppressed"));
    EXPECT_TRUE(contains(rare, "Fewer than 5 customers"));
    EXPECT_TRUE(contains(rare, "suppressed"));
    EXPECT_FALSE(contains(rare, "<table")) << "a suppressed card shows no statistics";
    EXPECT_FALSE(contains(html, "null"));
    // The run summary and the review count it unsuppressed (3); the report holds them to k.
    const std::string sizes = section(html, "segment-sizes");
    EXPECT_TRUE(contains(sizes, "Rare birds: fewer than 5 customers, suppressed"));
    EXPECT_TRUE(contains(sizes, "&lt;5 · suppressed"));
    EXPECT_FALSE(contains(sizes, ">3 · "));
    const std::string review = section(html, "review");
    EXPECT_FALSE(contains(review, "3 customers"));
    EXPECT_TRUE(contains(review, "fewer than k = 5 customers"));
    EXPECT_TRUE(contains(review, "&lt;5</span>"));
    // Suppressed weekday, statistic and distribution cells of a visible segment.
    const std::string vip = card(html, "VIP");
    EXPECT_TRUE(contains(vip, "<svg class=\"chart weekday-chart\""));
    EXPECT_TRUE(contains(vip, "Tue: fewer than 5 buyers, suppressed"));
    EXPECT_TRUE(contains(vip, "too few customers per value to show"));
}

TEST(HtmlReport, WithoutAnEarlierRunSaysSoAndDrawsNoHeatmap) {
    RunDocuments run;
    run.with_comparison = false;
    run.review["previous_run"] = nullptr;
    const std::string html = run.render();
    const std::string migration = section(html, "migration");
    EXPECT_TRUE(contains(migration, "There is no earlier run to compare with"));
    EXPECT_FALSE(contains(html, "<svg class=\"chart heatmap\""));
    EXPECT_FALSE(contains(html, "null"));
}

TEST(HtmlReport, WithAnEarlierRunDrawsTheMigrationHeatmapAndTheVerdict) {
    const std::string html = RunDocuments().render();
    const std::string migration = section(html, "migration");
    EXPECT_FALSE(contains(migration, "There is no earlier run"));
    EXPECT_EQ(occurrences(migration, "<svg class=\"chart heatmap\""), 1u) << "first_match only";
    const std::string heatmap = element(migration, "<svg class=\"chart heatmap\"", "</svg>");
    EXPECT_TRUE(contains(heatmap, ">106</text>")) << "each cell carries its count";
    EXPECT_TRUE(contains(heatmap, ">&lt;5</text>")) << "suppressed cells are marked";
    EXPECT_TRUE(contains(heatmap, "url(#hatch-")) << "suppressed cells are hatched";
    EXPECT_TRUE(contains(heatmap, ">VIP</text>"));
    EXPECT_TRUE(contains(heatmap, ">New customers</text>"));
    EXPECT_TRUE(contains(migration, "mix of customers is stable"));
    EXPECT_TRUE(contains(migration, "0.040"));
    // The size table, before and after, with signed changes.
    EXPECT_TRUE(contains(migration, "<th class=\"num\">Before</th><th class=\"num\">After</th>"));
    EXPECT_TRUE(contains(migration, "+10"));
    EXPECT_TRUE(contains(migration, "−5"));

    RunDocuments shifted;
    shifted.comparison["classifications"][0]["psi"] = 0.31;
    shifted.comparison["classifications"][0]["drift"] = "major";
    EXPECT_TRUE(
        contains(section(shifted.render(), "migration"), "mix of customers has changed a lot"));
}

TEST(HtmlReport, AllMatchesClassificationWithMembershipChangesRenders) {
    const std::string migration = section(RunDocuments().render(), "migration");
    const auto region = migration.find("<h3>Region</h3>");
    ASSERT_NE(region, std::string::npos);
    const std::string table = element(migration.substr(region), "<table", "</table>");
    EXPECT_TRUE(contains(table, "Stayed"));
    EXPECT_TRUE(contains(table, "Joined"));
    EXPECT_TRUE(contains(table, "Left"));
    EXPECT_TRUE(contains(table,
                         "<td>North</td><td class=\"num\">77</td><td class=\"num\">13</td><td "
                         "class=\"num\">8</td>"));
    EXPECT_TRUE(
        contains(table, "<td>South</td><td class=\"num\">101</td><td class=\"num\">9</td>"));
    EXPECT_TRUE(contains(table, "&lt;5")) << "a null count is shown as suppressed";
}

TEST(HtmlReport, LoadsNothingFromTheNetworkAndRunsNoScript) {
    const std::string html = RunDocuments().render();
    for (const char* forbidden :
         {"http://", "https://", "<script", "<link", "<img", "@import", "src="})
        EXPECT_FALSE(contains(html, forbidden)) << forbidden;
    EXPECT_TRUE(contains(html, "<style>"));
    EXPECT_TRUE(contains(html, "@media print"));
}

TEST(HtmlReport, ConcentrationSentenceShowsThePercentage) {
    RunDocuments run;
    const std::string html = run.render();
    const std::string concentration = section(html, "concentration");
    EXPECT_TRUE(contains(concentration, "33.5% of buying customers bring 80% of revenue"));
    EXPECT_TRUE(contains(concentration, "<svg class=\"chart concentration-curve\""));
    EXPECT_TRUE(contains(concentration, "<polyline"));

    run.profiles["population"]["revenue_concentration"]["share_of_customers_for_80_percent"] = 0.2;
    EXPECT_TRUE(contains(run.render(), "20.0% of buying customers bring 80% of revenue"));

    run.profiles["population"]["revenue_concentration"] = ordered_json::parse(
        R"json({"customers": 0, "share_of_customers_for_80_percent": null, "points": []})json");
    const std::string nobody = run.render();
    EXPECT_FALSE(contains(nobody, "of buying customers bring"));
    EXPECT_FALSE(contains(nobody, "null"));
}

TEST(HtmlReport, FormatsNumbersForPeople) {
    const std::string html = RunDocuments().render();
    const std::string vip = card(html, "VIP");
    EXPECT_TRUE(contains(vip, "10,743,559.24")) << "money: thousands separators, 2 decimals";
    EXPECT_TRUE(contains(vip, "30.0% of customers")) << "shares: percentages with one decimal";
    EXPECT_TRUE(contains(vip, "24,985.02"));
    EXPECT_TRUE(contains(vip, "electronics 27.7%"));
    EXPECT_TRUE(contains(vip, "lift 1.39"));
    EXPECT_TRUE(contains(vip, "store"));
    EXPECT_TRUE(contains(section(html, "segment-sizes"), "120 · 60.0%"));
}

TEST(HtmlReport, EverySvgHasASize) {
    const std::string html = RunDocuments().render();
    std::size_t charts = 0;
    for (auto at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) {
        const std::string tag = html.substr(at, html.find('>', at) - at);
        EXPECT_TRUE(contains(tag, " width=\"") && contains(tag, " height=\"") &&
                    contains(tag, " viewBox=\"0 0 "))
            << tag;
        ++charts;
    }
    EXPECT_EQ(occurrences(html, "<svg"), occurrences(html, "</svg>"));
    EXPECT_GE(charts, 4u);
    EXPECT_EQ(occurrences(section(html, "segment-sizes"), "<svg class=\"chart bar-chart\""), 2u);
}

TEST(HtmlReport, ReviewListsFindingsAndTheMatchTables) {
    const std::string review = section(RunDocuments().render(), "review");
    EXPECT_TRUE(contains(review, "<li class=\"warning\"><span class=\"severity\">Warning</span>"));
    EXPECT_TRUE(contains(review, "<code>value</code>: 8.5% of the customers match no segment"));
    EXPECT_TRUE(contains(review, "Suggestion: add a last segment with <code>when: true</code>"));
    EXPECT_TRUE(contains(review,
                         "<th class=\"num\">Matched</th><th class=\"num\">First-matched</th><th "
                         "class=\"num\">Shadowed</th>"));
    EXPECT_TRUE(contains(review,
                         "<td>Everyone else</td><td class=\"num\">183</td><td "
                         "class=\"num\">120</td><td class=\"num\">63</td>"));
}

TEST(HtmlReport, PrivacySummaryNamesThePolicyAndTheSmallCellRule) {
    const std::string privacy = section(RunDocuments().render(), "privacy");
    EXPECT_TRUE(contains(privacy, "customer analytics"));
    EXPECT_TRUE(contains(privacy, "pdpo.yaml"));
    EXPECT_TRUE(contains(privacy, "k = 5"));
    EXPECT_TRUE(contains(privacy, "opted out: <span class=\"suppressed-value\""));
    EXPECT_TRUE(contains(privacy, "inactive for longer than the retention period: 12"));
    EXPECT_TRUE(contains(privacy, "<code>age_band</code>, <code>gender</code>"));
    EXPECT_TRUE(contains(
        privacy, "Groups of fewer than 5 customers are suppressed everywhere in this report"));
}

TEST(HtmlReport, CopesWithOptionalMembersMissing) {
    RunDocuments run;
    for (auto& c : run.comparison["classifications"]) {
        c.erase("feature_shifts");
        c.erase("new_versus_existing");
    }
    run.comparison["classifications"][0].erase("migration");
    run.profiles["classifications"][0]["segments"][0].erase("description");
    run.profiles["classifications"][0]["segments"][0].erase("top_categories");
    run.profiles["classifications"][0]["segments"][0]["preferred_channel"] = nullptr;
    run.privacy = ordered_json();
    std::string html;
    ASSERT_NO_THROW(html = run.render());
    EXPECT_EQ(occurrences(html, "<section id="), 7u);
    EXPECT_FALSE(contains(html, "<svg class=\"chart heatmap\""));
    EXPECT_FALSE(contains(html, "null"));
    EXPECT_TRUE(contains(card(html, "VIP"), "none recorded"));
    // Without a privacy document, k comes from the customer files.
    EXPECT_TRUE(contains(section(html, "privacy"), "Groups of fewer than 5 customers"));
}

TEST(HtmlReport, ThrowsWithoutTheRequiredDocuments) {
    const RunDocuments run;
    ReportDocuments d;
    d.summary = &run.summary;
    d.profiles = &run.profiles;
    d.review = &run.review;
    EXPECT_NO_THROW(html_report(d));
    ReportDocuments no_summary = d, no_profiles = d, no_review = d;
    no_summary.summary = nullptr;
    no_profiles.profiles = nullptr;
    no_review.review = nullptr;
    EXPECT_THROW(html_report(no_summary), std::invalid_argument);
    EXPECT_THROW(html_report(no_profiles), std::invalid_argument);
    EXPECT_THROW(html_report(no_review), std::invalid_argument);
}
