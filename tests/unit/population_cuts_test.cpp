// The cut points a full run records (population_cuts.h) give every customer of that run exactly
// the r/f/m score and Pareto class the run's own ranking gave (RULES.md section 4), so that a hook
// that scores one customer against them agrees with the run for an unchanged customer.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "population_cuts.h"

using custclass::plugin::ParetoCuts;
using custclass::plugin::PopulationCuts;
using custclass::plugin::ScoreCuts;
using custclass::plugin::LifetimeValueModels;
using custclass::plugin::BgNbdParameters;
using custclass::plugin::GammaGammaParameters;

namespace {

// The cut points of `values` in any order.
ScoreCuts cuts_of(std::vector<std::int64_t> values, bool better_is_larger) {
    std::sort(values.begin(), values.end());
    return ScoreCuts::of_ascending(values, better_is_larger);
}

// RULES.md: 1 + floor(5 × w / n), w = values strictly worse.
int ranked_score(const std::vector<std::int64_t>& all, std::int64_t v, bool better_is_larger) {
    std::int64_t worse = 0;
    for (const auto x : all) worse += better_is_larger ? x < v : x > v;
    return static_cast<int>(1 + 5 * worse / static_cast<std::int64_t>(all.size()));
}

}  // namespace

TEST(ScoreCuts, GiveEveryRankedValueItsRankScore) {
    std::mt19937_64 random(20261206);
    for (int trial = 0; trial < 400; ++trial) {
        const std::size_t n = 1 + random() % 60;
        const std::int64_t spread =
            1 + static_cast<std::int64_t>(random() % 30);  // ties when small
        std::vector<std::int64_t> values(n);
        for (auto& v : values)
            v = static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(spread));
        for (const bool larger : {true, false}) {
            const ScoreCuts cuts = cuts_of(values, larger);
            for (const auto v : values)
                ASSERT_EQ(cuts.score(v), ranked_score(values, v, larger))
                    << "n=" << n << " value=" << v << " larger=" << larger;
        }
    }
}

TEST(ScoreCuts, PlaceANewValueAmongTheRankedOnes) {
    // Frequencies 1..10: a newcomer with 10 has 9 worse of 10 → 1 + floor(45/10) = 5; with 0,
    // nobody worse → 1; with 5, 4 worse → 1 + 2 = 3.
    std::vector<std::int64_t> f{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    const ScoreCuts cuts = cuts_of(f, true);
    EXPECT_EQ(cuts.score(10), 5);
    EXPECT_EQ(cuts.score(11), 5);
    EXPECT_EQ(cuts.score(0), 1);
    EXPECT_EQ(cuts.score(5), 3);
    // Recency (smaller is better): 0 days beats every one of 1..10.
    const ScoreCuts r = cuts_of(f, false);
    EXPECT_EQ(r.score(0), 5);
    EXPECT_EQ(r.score(100), 1);
    // Nobody ranked in the run: a population of one.
    EXPECT_EQ(cuts_of({}, true).score(42), 1);
}

TEST(ParetoCuts, GiveEveryCustomerOfTheRunItsClass) {
    std::mt19937_64 random(7);
    for (int trial = 0; trial < 300; ++trial) {
        const std::size_t n = 1 + random() % 40;
        std::vector<std::pair<std::int64_t, std::string>> rows;
        for (std::size_t i = 0; i < n; ++i)
            rows.emplace_back(1 + static_cast<std::int64_t>(random() % 12) * 100,
                              "c" + std::to_string(random() % 1000));
        std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
            return a.first != b.first ? a.first > b.first : a.second < b.second;
        });
        rows.erase(std::unique(rows.begin(), rows.end(),
                               [](const auto& a, const auto& b) { return a.second == b.second; }),
                   rows.end());
        std::int64_t total = 0;
        for (const auto& r : rows) total += r.first;
        // The run's own assignment (RULES.md) and its cut points.
        ParetoCuts cuts;
        std::vector<std::string> classes;
        std::int64_t ahead = 0;
        for (const auto& r : rows) {
            const char* cls = 100 * ahead < 80 * total ? "A" : 100 * ahead < 95 * total ? "B" : "C";
            classes.push_back(cls);
            if (cls[0] == 'A') cuts.last_a = ParetoCuts::Key{r.first, r.second};
            if (cls[0] == 'B') cuts.last_b = ParetoCuts::Key{r.first, r.second};
            ahead += r.first;
        }
        const PopulationCuts stored =
            PopulationCuts::from_json(PopulationCuts{{}, {}, {}, cuts, {}}.to_json());
        for (std::size_t i = 0; i < rows.size(); ++i)
            ASSERT_EQ(std::string(*stored.pareto->pareto_class(rows[i].first, rows[i].second)),
                      classes[i]);
    }
}

TEST(ParetoCuts, LeaveCustomersWithoutPositiveMonetaryUnclassed) {
    const ParetoCuts cuts{ParetoCuts::Key{500, "a"}, ParetoCuts::Key{100, "b"}};
    EXPECT_FALSE(cuts.pareto_class(0, "x").has_value());
    EXPECT_FALSE(cuts.pareto_class(-10, "x").has_value());
    EXPECT_STREQ(*cuts.pareto_class(600, "z"), "A");
    EXPECT_STREQ(*cuts.pareto_class(500, "a"), "A");
    EXPECT_STREQ(*cuts.pareto_class(500, "b"), "B");  // same amount, ranked after `a`
    EXPECT_STREQ(*cuts.pareto_class(100, "c"), "C");
    EXPECT_STREQ(*ParetoCuts{}.pareto_class(1, "x"), "A");  // nobody in the run ranks ahead
}

TEST(PopulationCuts, RoundTripThroughJsonAndRejectOtherDocuments) {
    PopulationCuts cuts;
    cuts.recency = cuts_of({3, 9, 27}, false);
    cuts.monetary = cuts_of({100, 200}, true);
    const PopulationCuts back = PopulationCuts::from_json(cuts.to_json());
    ASSERT_TRUE(back.recency && back.monetary);
    EXPECT_FALSE(back.frequency.has_value());
    EXPECT_EQ(back.recency->bounds, cuts.recency->bounds);
    EXPECT_EQ(back.monetary->active, 2u);
    EXPECT_THROW(
        PopulationCuts::from_json(nlohmann::json::parse(R"({"frequency": {"active": 1}})")),
        std::invalid_argument);
    EXPECT_THROW(PopulationCuts::from_json(nlohmann::json::array()), std::invalid_argument);
}

TEST(PopulationCuts, LifetimeValueModelsRoundTripExactly) {
    PopulationCuts cuts;
    cuts.lifetime_value = LifetimeValueModels{BgNbdParameters{0.2426, 4.414 / 7.0, 0.793, 2.426},
                                              GammaGammaParameters{6.25, 3.74, 15.44}};
    const PopulationCuts back = PopulationCuts::from_json(nlohmann::json::parse(cuts.to_json().dump()));
    ASSERT_TRUE(back.lifetime_value && back.lifetime_value->bg_nbd && back.lifetime_value->gamma_gamma);
    EXPECT_EQ(back.lifetime_value->bg_nbd->alpha, 4.414 / 7.0);  // bit for bit
    EXPECT_EQ(back.lifetime_value->bg_nbd->b, 2.426);
    EXPECT_EQ(back.lifetime_value->gamma_gamma->v, 15.44);
    EXPECT_FALSE(PopulationCuts::from_json(PopulationCuts{}.to_json()).lifetime_value);
}
