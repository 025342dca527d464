// P3 of PERFORMANCE.md: rule evaluation alone, in memory — 1M customers × 3 classifications ×
// 20 segment rules, target ≥ 200 million rule evaluations per second per core.
//
// The feature table is filled directly (no database, no feature building) with a deterministic
// synthetic population shaped like the demo data: RFM scores 1–5 with nulls for inactive
// customers, recency and tenure in days, skewed spend, age bands, the 18 districts, interests.
// The rules are the kind the shipped hk-retail rule set holds: RFM segments, lifecycle and
// behaviour thresholds, demographic tags with `in` lists and text comparisons. They are loaded
// from YAML text like any rule set, compiled by RuleProgram and run over the whole table; the
// timed part is RuleProgram::run (which compiles the 60 rules — microseconds — then evaluates).
//
//   BM_P3_EveryRule       every classification all_matches: each of the 60 rules is evaluated
//                         for each customer, so items = customers × 60 exactly. The P3 figure.
//   BM_P3_FirstMatch      the same rules as first_match classifications (how the shipped rule
//                         set runs); items = customers × 60 nominal — the evaluator skips a
//                         segment for a block of 1024 rows only once every row of it is assigned.
//   BM_P3_Classification  one all_matches classification at a time (0 RFM, 1 behaviour,
//                         2 demographic): where the time goes by kind of rule.
//   BM_P3_EveryRule_TextAsCodes
//                         what-if, not P3: the same 60 rules with every text feature given as a
//                         number column of dictionary codes (and `'x' in interests` as a 0/1
//                         column per interest), so text tests run as the evaluator's number
//                         tests. Built with the expression parser and checker directly (the
//                         code columns are not catalog features). It estimates what comparing
//                         dictionary codes instead of strings would give.
//
// The evaluator is single-threaded, so items_per_second is the per-core figure.
// CUSTCLASS_P3_CUSTOMERS=<n> changes the size (e.g. 100000 to profile under callgrind).
// Run: `cmake --build <build dir> --target run_p3`, or the binary itself; see bench/RESULTS.md.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "civil_time.h"
#include "feature_table.h"
#include "rule_program.h"
#include "rule_set.h"
#include "yaml_document.h"

using namespace custclass;
using config::ValueType;

namespace {

const config::Day kAsOf = *config::parse_day("2026-11-30");
constexpr std::size_t kRulesPerClassification = 20;
constexpr std::size_t kClassifications = 3;

std::size_t customers() {
    const char* v = std::getenv("CUSTCLASS_P3_CUSTOMERS");
    return v && *v ? std::strtoull(v, nullptr, 10) : 1'000'000;
}

// ------------------------------------------------------------------------------- the rules --

const char* const kValueRules[kRulesPerClassification] = {
    "r_score >= 4 and f_score >= 4 and m_score >= 4",
    "r_score <= 2 and f_score >= 4 and m_score >= 4",
    "r_score <= 2 and f_score >= 3",
    "r_score >= 3 and f_score >= 4",
    "r_score >= 4 and f_score between 2 and 3",
    "r_score >= 4 and f_score == 1 and tenure_days <= 90",
    "r_score >= 4 and f_score == 1",
    "r_score == 3 and f_score >= 2",
    "r_score == 3",
    "r_score == 2",
    "orders_total >= 1 and (frequency == 0 or r_score == 1)",
    "rfm == '555'",
    "rfm in ['554', '545', '455']",
    "m_score == 5 and monetary >= 20000",
    "m_score >= 4 and avg_order_value > 1500",
    "f_score == 5 and returns_rate < 0.05",
    "r_score == 1 and m_score >= 4",
    "pareto_class == 'A' and r_score <= 2",
    "pareto_class in ['B', 'C'] and f_score >= 3",
    "frequency == 0",
};

const char* const kBehaviourRules[kRulesPerClassification] = {
    "orders_total == 0",
    "tenure_days <= 90",
    "recency_days <= 30 and frequency >= 3",
    "recency_days <= 180",
    "recency_days <= 365",
    "recency_days > 365 or recency_days is null",
    "frequency >= 12",
    "frequency between 6 and 11",
    "monetary >= 50000",
    "monetary < 0",
    "avg_order_value >= 2000 and frequency >= 2",
    "returns_rate >= 0.3",
    "channel_share('online') >= 0.5",
    "channel_share('online') + channel_share('app') >= 0.8",
    "signup_days <= 30 and is_prospect",
    "is_prospect and marketing_consent",
    "tenure_days > 730 and recency_days <= 60",
    "monetary / frequency > 1000",
    "not marketing_consent",
    "true",
};

const char* const kDemographicRules[kRulesPerClassification] = {
    "age_band == '<25'",
    "age_band == '25-34'",
    "age_band == '35-44'",
    "age_band == '45-54'",
    "age_band in ['55-64', '65+']",
    "district in ['Central and Western', 'Wan Chai', 'Eastern', 'Southern']",
    "district in ['Yau Tsim Mong', 'Sham Shui Po', 'Kowloon City', 'Wong Tai Sin', 'Kwun Tong']",
    "district in ['Kwai Tsing', 'Tsuen Wan', 'Tuen Mun', 'Yuen Long', 'North', 'Tai Po', "
    "'Sha Tin', 'Sai Kung', 'Islands']",
    "gender == 'F' and age_band in ['25-34', '35-44']",
    "gender == 'M' and income_band == 'high'",
    "income_band in ['high', 'very high']",
    "lead_source == 'referral'",
    "lead_source in ['facebook', 'instagram', 'google']",
    "'skincare' in interests",
    "'travel' in interests and age >= 30",
    "'wine' in interests or 'fine dining' in interests",
    "age between 18 and 24 and gender == 'F'",
    "age >= 65 and marketing_consent",
    "interests is null",
    "district == 'Sha Tin' and age_band == '35-44'",
};

const char* const* const kRules[kClassifications] = {kValueRules, kBehaviourRules,
                                                     kDemographicRules};
const char* const kClassificationIds[kClassifications] = {"value", "behaviour", "demographic"};

std::string rule_set_yaml(const std::vector<std::size_t>& classifications, const char* mode) {
    std::string yaml = "custclass: 1\nname: p3\nversion: \"1\"\nclassifications:\n";
    for (const std::size_t c : classifications) {
        yaml += std::string("  - id: ") + kClassificationIds[c] + "\n    mode: " + mode +
                "\n    segments:\n";
        for (std::size_t s = 0; s < kRulesPerClassification; ++s)
            yaml += "      - id: s" + std::to_string(s) + "\n        when: \"" + kRules[c][s] + "\"\n";
    }
    return yaml;
}

std::unique_ptr<config::RuleSet> load_rules(const std::string& yaml) {
    config::Diagnostics d;
    auto doc = config::YamlDocument::parse(yaml, "p3.yaml", d);
    std::optional<config::RuleSet> rules;
    if (doc) rules = config::load_rule_set(*doc, d);
    if (!rules) throw std::runtime_error("the P3 rule set does not load:\n" + d.to_string());
    return std::make_unique<config::RuleSet>(std::move(*rules));
}

// ---------------------------------------------------------------------- the feature table --

// A synthetic population, deterministic for a size: about 70% active customers (RFM scores),
// 15% lapsed buyers, 15% prospects who never bought.
std::unique_ptr<plugin::FeatureTable> make_table(std::size_t n) {
    std::vector<std::string> ids(n);
    for (std::size_t i = 0; i < n; ++i) ids[i] = "C" + std::to_string(100000000 + i);
    auto table = std::make_unique<plugin::FeatureTable>(std::move(ids));
    std::mt19937_64 rng(20261130);
    std::uniform_real_distribution<double> unit(0, 1);
    auto pick = [&](std::size_t k) { return std::uniform_int_distribution<std::size_t>(0, k - 1)(rng); };
    auto number = [&](const char* name) -> std::vector<double>& {
        return table->add(name, ValueType::Number).numbers;
    };
    auto& recency = number("recency_days");
    auto& frequency = number("frequency");
    auto& monetary = number("monetary");
    auto& aov = number("avg_order_value");
    auto& tenure = number("tenure_days");
    auto& orders_total = number("orders_total");
    auto& returns_rate = number("returns_rate");
    auto& r = number("r_score");
    auto& f = number("f_score");
    auto& m = number("m_score");
    auto& age = number("age");
    auto& signup = number("signup_days");
    auto& online = number("channel_share:online");
    auto& app = number("channel_share:app");
    auto& rfm = table->add("rfm", ValueType::Text);
    auto& pareto = table->add("pareto_class", ValueType::Text);
    auto& age_band = table->add("age_band", ValueType::Text);
    auto& gender = table->add("gender", ValueType::Text);
    auto& district = table->add("district", ValueType::Text);
    auto& income = table->add("income_band", ValueType::Text);
    auto& lead = table->add("lead_source", ValueType::Text);
    auto& prospect = table->add("is_prospect", ValueType::Boolean).booleans;
    auto& consent = table->add("marketing_consent", ValueType::Boolean).booleans;
    auto& interests = table->add("interests", ValueType::TextList);

    static const char* const districts[] = {
        "Central and Western", "Wan Chai", "Eastern", "Southern", "Yau Tsim Mong",
        "Sham Shui Po", "Kowloon City", "Wong Tai Sin", "Kwun Tong", "Kwai Tsing", "Tsuen Wan",
        "Tuen Mun", "Yuen Long", "North", "Tai Po", "Sha Tin", "Sai Kung", "Islands"};
    static const char* const bands[] = {"<25", "25-34", "35-44", "45-54", "55-64", "65+"};
    static const char* const incomes[] = {"low", "middle", "high", "very high"};
    static const char* const leads[] = {"walk-in", "referral", "facebook", "instagram", "google", "event"};
    static const char* const topics[] = {"skincare", "travel", "wine", "fine dining", "fitness",
                                         "gadgets", "fashion", "books"};
    for (std::size_t i = 0; i < n; ++i) {
        const double kind = unit(rng);
        const bool active = kind < 0.70, lapsed = kind >= 0.70 && kind < 0.85;
        const double freq = active ? 1 + std::floor(-std::log(1 - unit(rng)) * 4) : 0;
        frequency[i] = freq;
        orders_total[i] = active ? freq + static_cast<double>(pick(10)) : lapsed ? 1 + static_cast<double>(pick(8)) : 0;
        recency[i] = active ? static_cast<double>(pick(365)) : lapsed ? 366 + static_cast<double>(pick(700)) : plugin::kNullNumber;
        tenure[i] = active || lapsed ? recency[i] + static_cast<double>(pick(1500)) : plugin::kNullNumber;
        monetary[i] = active ? std::round(freq * std::exp(5 + 2 * unit(rng)) * 100) / 100 : 0;
        if (active && pick(50) == 0) monetary[i] = -monetary[i] / 10;  // net of returns
        aov[i] = freq > 0 ? monetary[i] / freq : plugin::kNullNumber;
        returns_rate[i] = freq > 0 ? std::floor(unit(rng) * unit(rng) * 10) / 10 : plugin::kNullNumber;
        r[i] = active ? static_cast<double>(5 - static_cast<std::size_t>(recency[i]) / 73) : plugin::kNullNumber;
        f[i] = active ? std::min(5.0, 1 + std::floor(freq / 2)) : plugin::kNullNumber;
        m[i] = active ? static_cast<double>(1 + pick(5)) : plugin::kNullNumber;
        online[i] = freq > 0 ? std::floor(unit(rng) * 5) / 4 : plugin::kNullNumber;
        app[i] = freq > 0 ? std::floor(unit(rng) * (5 - online[i] * 4)) / 4 : plugin::kNullNumber;
        const bool has_birth = pick(10) != 0;
        age[i] = has_birth ? static_cast<double>(16 + pick(70)) : plugin::kNullNumber;
        signup[i] = static_cast<double>(pick(3000));
        rfm.codes[i] = active ? rfm.intern(std::to_string(static_cast<int>(r[i])) +
                                           std::to_string(static_cast<int>(f[i])) +
                                           std::to_string(static_cast<int>(m[i])))
                              : plugin::kNullCode;
        pareto.codes[i] = monetary[i] > 0 ? pareto.intern(monetary[i] > 5000 ? "A" : monetary[i] > 800 ? "B" : "C")
                                          : plugin::kNullCode;
        const double a = age[i];
        age_band.codes[i] = !has_birth ? plugin::kNullCode
                            : age_band.intern(a < 25 ? bands[0] : a < 35 ? bands[1] : a < 45 ? bands[2]
                                              : a < 55 ? bands[3] : a < 65 ? bands[4] : bands[5]);
        const std::size_t g = pick(20);
        gender.codes[i] = g < 11 ? gender.intern("F") : g < 19 ? gender.intern("M") : plugin::kNullCode;
        district.codes[i] = pick(25) == 0 ? plugin::kNullCode : district.intern(districts[pick(18)]);
        income.codes[i] = pick(3) == 0 ? plugin::kNullCode : income.intern(incomes[pick(4)]);
        lead.codes[i] = lead.intern(leads[pick(6)]);
        prospect[i] = !active && !lapsed;
        consent[i] = static_cast<std::uint8_t>(pick(10) < 6);
        const bool has_interests = pick(5) != 0;
        interests.list_null[i] = !has_interests;
        if (has_interests)
            for (std::size_t k = pick(4); k > 0; --k) interests.codes.push_back(interests.intern(topics[pick(8)]));
        interests.offsets[i + 1] = static_cast<std::uint32_t>(interests.codes.size());
    }
    return table;
}

plugin::FeatureTable& table() {
    static const std::unique_ptr<plugin::FeatureTable> t = make_table(customers());
    return *t;
}

// ------------------------------------------------------- what-if: text as dictionary codes --

const char* const kTextFeatures[] = {"rfm", "pareto_class", "age_band", "gender", "district",
                                     "income_band", "lead_source"};
const char* const kInterests[] = {"skincare", "travel", "wine", "fine dining"};

std::string code_column(const std::string& feature) { return feature + "_code"; }
std::string interest_column(std::string interest) {
    std::replace(interest.begin(), interest.end(), ' ', '_');
    return "interest_" + interest;
}

// Adds, once, a number column of codes for every text feature and a 0/1 column per interest
// (null where `interests` is null).
void add_code_columns(plugin::FeatureTable& t) {
    if (t.find(code_column(kTextFeatures[0]))) return;
    for (const char* f : kTextFeatures) {
        const plugin::Column& text = *t.find(f);
        auto& codes = t.add(code_column(f), ValueType::Number).numbers;
        for (std::size_t r = 0; r < t.rows(); ++r)
            codes[r] = text.codes[r] == plugin::kNullCode ? plugin::kNullNumber : text.codes[r];
    }
    const plugin::Column& interests = *t.find("interests");
    for (const char* i : kInterests) {
        const std::int32_t code = interests.code_of(i);
        auto& has = t.add(interest_column(i), ValueType::Number).numbers;
        for (std::size_t r = 0; r < t.rows(); ++r) {
            if (interests.list_null[r]) continue;  // stays null
            has[r] = std::count(interests.codes.begin() + interests.offsets[r],
                                interests.codes.begin() + interests.offsets[r + 1], code) > 0;
        }
    }
}

// The rules with text tests rewritten as tests of codes: `district in ['Wan Chai']` becomes
// `district_code in [7]`, `'wine' in interests` becomes `interest_wine == 1`. (The text tests
// of the rules above are all `feature == 'value'` or `feature in ['value', ...]`.)
std::string as_codes(std::string rule, const plugin::FeatureTable& t) {
    auto replace_all = [&](const std::string& from, const std::string& to) {
        for (std::size_t at = rule.find(from); at != std::string::npos; at = rule.find(from, at + to.size()))
            rule.replace(at, from.size(), to);
    };
    for (const char* i : kInterests)
        replace_all("'" + std::string(i) + "' in interests", interest_column(i) + " == 1");
    replace_all("interests is null", interest_column(kInterests[0]) + " is null");
    for (const char* f : kTextFeatures) {
        const plugin::Column& column = *t.find(f);
        auto code = [&](const std::string& value) {  // a value no row holds: a code none has
            const std::int32_t c = column.code_of(value);
            return std::to_string(c == plugin::kNullCode ? 999999 : c);
        };
        const std::regex test(std::string("\\b") + f + " (==|in) (\\[[^\\]]*\\]|'[^']*')");
        std::smatch m;
        while (std::regex_search(rule, m, test)) {
            std::string operand = m[2].str();
            const std::regex literal("'([^']*)'");
            std::string coded;
            auto begin = std::sregex_iterator(operand.begin(), operand.end(), literal);
            std::size_t last = 0;
            for (auto it = begin; it != std::sregex_iterator(); ++it) {
                coded += operand.substr(last, static_cast<std::size_t>(it->position()) - last) + code((*it)[1]);
                last = static_cast<std::size_t>(it->position() + it->length());
            }
            coded += operand.substr(last);
            rule = m.prefix().str() + code_column(f) + " " + m[1].str() + " " + coded + m.suffix().str();
        }
    }
    return rule;
}

std::unique_ptr<config::RuleSet> rules_as_codes(const plugin::FeatureTable& t) {
    config::ExprScope scope;
    scope.feature_type = [&t](std::string_view name) -> std::optional<ValueType> {
        if (const plugin::Column* c = t.find(name)) return c->type;
        return std::nullopt;
    };
    scope.feature_names = [] { return std::vector<std::string>{}; };
    scope.is_score = [](std::string_view) { return false; };
    auto rules = std::make_unique<config::RuleSet>();
    rules->name = "p3-codes";
    for (std::size_t c = 0; c < kClassifications; ++c) {
        config::Classification cls;
        cls.id = kClassificationIds[c];
        cls.mode = config::ClassificationMode::AllMatches;
        for (std::size_t s = 0; s < kRulesPerClassification; ++s) {
            config::Segment seg;
            seg.id = "s" + std::to_string(s);
            seg.when.text = as_codes(kRules[c][s], t);
            auto parsed = config::parse_expression(seg.when.text);
            if (!parsed.expr)
                throw std::runtime_error("what-if rule `" + seg.when.text + "`: " + parsed.error->message);
            const auto errors = config::check_expression(*parsed.expr, scope, ValueType::Boolean);
            if (!errors.empty())
                throw std::runtime_error("what-if rule `" + seg.when.text + "`: " + errors[0].message);
            for (const std::string& name : config::features_read(*parsed.expr))
                if (t.find(name)->type == ValueType::Text || t.find(name)->type == ValueType::TextList)
                    throw std::runtime_error("what-if rule `" + seg.when.text + "` still reads text");
            seg.when.reads = config::features_read(*parsed.expr);
            seg.when.expr = std::move(parsed.expr);
            cls.segments.push_back(std::move(seg));
        }
        rules->classifications.push_back(std::move(cls));
    }
    return rules;
}

void run(benchmark::State& state, const config::RuleSet& rules, std::size_t rule_count) {
    plugin::FeatureTable& t = table();
    std::uint64_t assigned = 0;
    for (auto _ : state) {
        plugin::RuleProgram program(rules, kAsOf);
        auto results = program.run(t);
        benchmark::DoNotOptimize(results.data());
        assigned = 0;
        for (const auto& r : results) assigned += t.rows() - r.unclassified;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * t.rows() * rule_count));
    state.counters["customers"] = static_cast<double>(t.rows());
    state.counters["rules"] = static_cast<double>(rule_count);
    state.counters["assigned"] = static_cast<double>(assigned);
}

void BM_P3_EveryRule(benchmark::State& state) {
    static const auto rules = load_rules(rule_set_yaml({0, 1, 2}, "all_matches"));
    run(state, *rules, kClassifications * kRulesPerClassification);
}

void BM_P3_FirstMatch(benchmark::State& state) {
    static const auto rules = load_rules(rule_set_yaml({0, 1, 2}, "first_match"));
    run(state, *rules, kClassifications * kRulesPerClassification);
}

void BM_P3_Classification(benchmark::State& state) {
    static std::map<std::size_t, std::unique_ptr<config::RuleSet>> rules;
    const auto c = static_cast<std::size_t>(state.range(0));
    if (!rules.count(c)) rules[c] = load_rules(rule_set_yaml({c}, "all_matches"));
    state.SetLabel(kClassificationIds[c]);
    run(state, *rules[c], kRulesPerClassification);
}

void BM_P3_EveryRule_TextAsCodes(benchmark::State& state) {
    add_code_columns(table());
    static const auto rules = rules_as_codes(table());
    static bool printed = false;
    if (!printed && std::getenv("CUSTCLASS_P3_PRINT_RULES") && (printed = true))
        for (const auto& c : rules->classifications)
            for (const auto& seg : c.segments) std::printf("%s\n", seg.when.text.c_str());
    // The rewrite must not change what the rules select.
    static const bool same = [] {
        const auto text_rules = load_rules(rule_set_yaml({0, 1, 2}, "all_matches"));
        plugin::RuleProgram text_program(*text_rules, kAsOf), code_program(*rules, kAsOf);
        const auto a = text_program.run(table());
        const auto b = code_program.run(table());
        for (std::size_t c = 0; c < a.size(); ++c)
            if (a[c].matches != b[c].matches) return false;
        return true;
    }();
    if (!same) {
        state.SkipWithError("the rules as codes select other customers than the rules as text");
        return;
    }
    run(state, *rules, kClassifications * kRulesPerClassification);
}

}  // namespace

BENCHMARK(BM_P3_EveryRule)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3);
BENCHMARK(BM_P3_FirstMatch)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3);
BENCHMARK(BM_P3_Classification)->DenseRange(0, 2)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2);
BENCHMARK(BM_P3_EveryRule_TextAsCodes)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3);

BENCHMARK_MAIN();
