// The look-alike model on a training set of six customers (district, gender, interests), every
// probability and weight worked out by hand from the formulas of lookalike_model.h and written
// below with literal numbers: a district never seen in training, a null attribute, a keyword
// outside the vocabulary, vocabulary keywords absent, repeated keywords, the orders of the
// contributions and of the evidence, and the refusals.
#include "lookalike_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

using namespace custclass::plugin;

namespace {

using Keywords = std::optional<std::vector<std::string>>;
constexpr auto kNull = std::nullopt;

LookalikeOptions options(double alpha = 1.0) {
    LookalikeOptions o;
    o.attributes = {"district", "gender"};
    o.alpha = alpha;
    return o;
}

LookalikeExample example(std::optional<std::string> district, std::optional<std::string> gender,
                         Keywords keywords, bool target = false) {
    return {{std::move(district), std::move(gender)}, std::move(keywords), target};
}

// Two targets (n1 = 2) and four others (n0 = 4):
//
//   #  district  gender  interests            target
//   0  north     f       golf, wine           yes
//   1  north     null    golf                 yes
//   2  south     f       wine                 no
//   3  south     m       null                 no
//   4  null      m       golf, golf, cars     no   (golf counted once)
//   5  east      f       (empty list)         no
//
// With alpha = 1:
// district: V = {north, south, east}, K = 4; n_{1,d} = 2 (#0, #1), n_{0,d} = 3 (#2, #3, #5);
//   denominators 2 + 4 = 6 and 3 + 4 = 7.
//   north  T2 N0: P1 = 3/6, P0 = 1/7  -> weight log(21/6)  = log(7/2)
//   south  T0 N2: P1 = 1/6, P0 = 3/7  -> weight log(7/18)
//   east   T0 N1: P1 = 1/6, P0 = 2/7  -> weight log(7/12)
//   unseen       P1 = 1/6, P0 = 1/7  -> weight log(7/6)
// gender: V = {f, m}, K = 3; n_{1,g} = 1 (#0), n_{0,g} = 4 (#2..#5); denominators 4 and 7.
//   f      T1 N2: P1 = 2/4, P0 = 3/7  -> weight log(14/12) = log(7/6)
//   m      T0 N2: P1 = 1/4, P0 = 3/7  -> weight log(7/12)
// interests: W = {cars, golf, wine}; m_1 = 2 (#0, #1), m_0 = 3 (#2, #4, #5); denominators
//   2 + 2 = 4 and 3 + 2 = 5.
//   golf   T2 N1: present 3/4 vs 2/5 -> log(15/8); absent 1/4 vs 3/5 -> log(5/12)
//   wine   T1 N1: present 2/4 vs 2/5 -> log(5/4);  absent 2/4 vs 3/5 -> log(5/6)
//   cars   T0 N1: present 1/4 vs 2/5 -> log(5/8);  absent 3/4 vs 3/5 -> log(5/4)
// Prior log-odds log(2/4).
std::vector<LookalikeExample> training() {
    return {
        example("north", "f", Keywords{{"golf", "wine"}}, true),
        example("north", kNull, Keywords{{"golf"}}, true),
        example("south", "f", Keywords{{"wine"}}),
        example("south", "m", kNull),
        example(kNull, "m", Keywords{{"golf", "golf", "cars"}}),
        example("east", "f", Keywords{std::vector<std::string>{}}),
    };
}

void expect_contribution(const Contribution& c, const std::string& attribute,
                         const std::optional<std::string>& value, double weight) {
    EXPECT_EQ(c.attribute, attribute);
    EXPECT_EQ(c.value, value);
    EXPECT_NEAR(c.weight, weight, 1e-12) << c.attribute << " " << c.value.value_or("(null)");
}

void expect_evidence(const AttributeEvidence& e, const std::string& attribute,
                     const std::string& value, std::uint64_t support, std::uint64_t targets,
                     double weight) {
    EXPECT_EQ(e.attribute, attribute);
    EXPECT_EQ(e.value, value);
    EXPECT_EQ(e.support, support) << e.attribute << " " << e.value;
    EXPECT_EQ(e.targets, targets) << e.attribute << " " << e.value;
    EXPECT_NEAR(e.weight, weight, 1e-12) << e.attribute << " " << e.value;
}

template <typename F>
void expect_invalid_argument(F&& f, const std::string& fragment) {
    try {
        f();
        ADD_FAILURE() << "no exception; expected one mentioning \"" << fragment << "\"";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos)
            << "message: " << e.what() << "; expected to contain: " << fragment;
    }
}

}  // namespace

TEST(LookalikeModel, CountsAndPrior) {
    const LookalikeModel model = LookalikeModel::train(training(), options());
    EXPECT_EQ(model.examples(), 6u);
    EXPECT_EQ(model.targets(), 2u);
    EXPECT_DOUBLE_EQ(model.prior(), 2.0 / 6.0);
    EXPECT_NEAR(model.prior_log_odds(), std::log(2.0 / 4.0), 1e-15);
}

// The prospect {district west (never seen), gender null, interests wine, surfing, wine}:
//   prior                      log(2/4)
//   district west (unseen)     log((1/6) / (1/7))                   = log(7/6)
//   gender null                skipped
//   wine present               log((2/4) / (2/5))                   = log(5/4)
//   surfing (not in W)         nothing; the repeated wine counts once
//   cars, golf absent          log((3/4) / (3/5)) + log((1/4) / (3/5)) = log(5/4) + log(5/12)
//                                                                   = log(25/48)
//   odds = (1/2)(7/6)(5/4)(25/48) = (1·7·5·25) / (2·6·4·48) = 875/2304
//   P(target) = 875 / (875 + 2304) = 875/3179 ≈ 0.27524
TEST(LookalikeModel, ProspectWithUnseenValueNullAttributeAndKeywordsOutsideVocabulary) {
    const LookalikeModel model = LookalikeModel::train(training(), options());
    const LookalikeScore s =
        model.score(example("west", kNull, Keywords{{"wine", "surfing", "wine"}}));
    EXPECT_NEAR(s.probability, 875.0 / 3179.0, 1e-12);
    EXPECT_NEAR(s.log_odds, std::log(875.0 / 2304.0), 1e-12);

    // By |weight|: |log(25/48)| = 0.652 > log(5/4) = 0.223 > log(7/6) = 0.154.
    ASSERT_EQ(s.contributions.size(), 3u);
    expect_contribution(s.contributions[0], "interests", kNull, std::log(25.0 / 48.0));
    expect_contribution(s.contributions[1], "interests", "wine", std::log(5.0 / 4.0));
    expect_contribution(s.contributions[2], "district", "west", std::log(7.0 / 6.0));

    double sum = model.prior_log_odds();
    for (const Contribution& c : s.contributions) sum += c.weight;
    EXPECT_NEAR(sum, s.log_odds, 1e-12);
}

// {west, f}, interests unknown: both weights are log(7/6) (west: 7/6; f: (2·7)/(3·4) = 14/12),
// equal to the bit, so the tie goes to the attribute name: district before gender.
//   odds = (1/2)(7/6)(7/6) = 49/72, P = 49/121.
TEST(LookalikeModel, EqualWeightsAreOrderedByAttribute) {
    const LookalikeModel model = LookalikeModel::train(training(), options());
    const LookalikeScore s = model.score(example("west", "f", kNull));
    EXPECT_NEAR(s.probability, 49.0 / 121.0, 1e-12);
    ASSERT_EQ(s.contributions.size(), 2u);
    EXPECT_EQ(s.contributions[0].weight, s.contributions[1].weight);
    expect_contribution(s.contributions[0], "district", "west", std::log(7.0 / 6.0));
    expect_contribution(s.contributions[1], "gender", "f", std::log(7.0 / 6.0));
}

// Nothing known: the prior, 2/6, and no contribution.
TEST(LookalikeModel, NothingKnownGivesThePrior) {
    const LookalikeModel model = LookalikeModel::train(training(), options());
    const LookalikeScore s = model.score(example(kNull, kNull, kNull));
    EXPECT_NEAR(s.probability, 1.0 / 3.0, 1e-12);
    EXPECT_NEAR(s.log_odds, std::log(0.5), 1e-12);
    EXPECT_TRUE(s.contributions.empty());
}

// An empty list (known: no interests) makes every vocabulary keyword absent:
//   log(5/4) + log(5/12) + log(5/6) = log(125/288); odds = (1/2)(125/288) = 125/576,
//   P = 125/701.
// A list holding the whole vocabulary: cars log(5/8), golf log(15/8), wine log(5/4), and the
// absent contribution is still listed, with weight 0 (last: smallest |weight|):
//   odds = (1/2)(5/8)(15/8)(5/4) = (5·15·5) / (2·8·8·4) = 375/512, P = 375/887.
TEST(LookalikeModel, AllKeywordsAbsentOrAllPresent) {
    const LookalikeModel model = LookalikeModel::train(training(), options());

    const LookalikeScore none = model.score(example(kNull, kNull, Keywords{std::vector<std::string>{}}));
    EXPECT_NEAR(none.probability, 125.0 / 701.0, 1e-12);
    ASSERT_EQ(none.contributions.size(), 1u);
    expect_contribution(none.contributions[0], "interests", kNull, std::log(125.0 / 288.0));

    const LookalikeScore all =
        model.score(example(kNull, kNull, Keywords{{"wine", "cars", "golf"}}));
    EXPECT_NEAR(all.probability, 375.0 / 887.0, 1e-12);
    // |log(15/8)| = 0.629 > |log(5/8)| = 0.470 > log(5/4) = 0.223 > 0.
    ASSERT_EQ(all.contributions.size(), 4u);
    expect_contribution(all.contributions[0], "interests", "golf", std::log(15.0 / 8.0));
    expect_contribution(all.contributions[1], "interests", "cars", std::log(5.0 / 8.0));
    expect_contribution(all.contributions[2], "interests", "wine", std::log(5.0 / 4.0));
    expect_contribution(all.contributions[3], "interests", kNull, 0.0);
}

// alpha = 2 on the first prospect {west, null, wine surfing wine}:
// district: denominators 2 + 2·4 = 10 and 3 + 2·4 = 11; west: (2/10) / (2/11) = 11/10.
// interests: denominators 2 + 2·2 = 6 and 3 + 2·2 = 7;
//   wine present (1+2)/6 vs (1+2)/7      -> 7/6
//   golf absent  (2−2+2)/6 vs (3−1+2)/7  -> (2/6)/(4/7) = 7/12
//   cars absent  (2−0+2)/6 vs (3−1+2)/7  -> (4/6)/(4/7) = 7/6
//   odds = (1/2)(11/10)(7/6)(7/12)(7/6) = (11·7·7·7) / (2·10·6·12·6) = 3773/8640,
//   P = 3773/12413.
TEST(LookalikeModel, SmoothingAlphaEntersEveryBucket) {
    const LookalikeModel model = LookalikeModel::train(training(), options(2.0));
    const LookalikeScore s =
        model.score(example("west", kNull, Keywords{{"wine", "surfing", "wine"}}));
    EXPECT_NEAR(s.probability, 3773.0 / 12413.0, 1e-12);
    EXPECT_NEAR(s.log_odds, std::log(3773.0 / 8640.0), 1e-12);
}

// Without keywords the prospect keeps only the district: odds = (1/2)(7/6) = 7/12, P = 7/19;
// the evidence has no interests.
TEST(LookalikeModel, KeywordsCanBeLeftOut) {
    LookalikeOptions o = options();
    o.use_keywords = false;
    const LookalikeModel model = LookalikeModel::train(training(), o);
    const LookalikeScore s =
        model.score(example("west", kNull, Keywords{{"wine", "surfing", "wine"}}));
    EXPECT_NEAR(s.probability, 7.0 / 19.0, 1e-12);
    ASSERT_EQ(s.contributions.size(), 1u);
    expect_contribution(s.contributions[0], "district", "west", std::log(7.0 / 6.0));
    for (const AttributeEvidence& e : model.evidence()) EXPECT_NE(e.attribute, "interests");
    EXPECT_EQ(model.evidence().size(), 5u);
}

// By weight: north log(7/2) = 1.253, golf log(15/8) = 0.629, wine log(5/4) = 0.223,
// f log(7/6) = 0.154, cars log(5/8) = −0.470, then m and east both log(7/12) = −0.539 (equal to
// the bit: 7/12 both ways), m first by support (2 > 1), and south log(7/18) = −0.944.
// golf's support is 3 (#4 lists it twice but counts once).
TEST(LookalikeModel, EvidenceOrderAndWeights) {
    const LookalikeModel model = LookalikeModel::train(training(), options());
    const std::vector<AttributeEvidence> e = model.evidence();
    ASSERT_EQ(e.size(), 8u);
    expect_evidence(e[0], "district", "north", 2, 2, std::log(7.0 / 2.0));
    expect_evidence(e[1], "interests", "golf", 3, 2, std::log(15.0 / 8.0));
    expect_evidence(e[2], "interests", "wine", 2, 1, std::log(5.0 / 4.0));
    expect_evidence(e[3], "gender", "f", 3, 1, std::log(7.0 / 6.0));
    expect_evidence(e[4], "interests", "cars", 1, 0, std::log(5.0 / 8.0));
    expect_evidence(e[5], "gender", "m", 2, 0, std::log(7.0 / 12.0));
    expect_evidence(e[6], "district", "east", 1, 0, std::log(7.0 / 12.0));
    expect_evidence(e[7], "district", "south", 2, 0, std::log(7.0 / 18.0));
    EXPECT_EQ(e[5].weight, e[6].weight);
}

// The order of the training rows and of a prospect's keywords changes nothing, to the bit.
TEST(LookalikeModel, DeterministicWhateverTheOrder) {
    const std::vector<LookalikeExample> rows = training();
    // Copied backwards rather than std::reverse, whose swaps of optional<vector> set off a false
    // -Wmaybe-uninitialized in GCC 12.
    const std::vector<LookalikeExample> reversed(rows.rbegin(), rows.rend());
    const LookalikeModel a = LookalikeModel::train(training(), options());
    const LookalikeModel b = LookalikeModel::train(reversed, options());
    const LookalikeScore sa = a.score(example("north", "m", Keywords{{"wine", "cars"}}));
    const LookalikeScore sb = b.score(example("north", "m", Keywords{{"cars", "wine"}}));
    EXPECT_EQ(sa.log_odds, sb.log_odds);
    EXPECT_EQ(sa.probability, sb.probability);
    ASSERT_EQ(sa.contributions.size(), sb.contributions.size());
    for (std::size_t i = 0; i < sa.contributions.size(); ++i) {
        EXPECT_EQ(sa.contributions[i].attribute, sb.contributions[i].attribute);
        EXPECT_EQ(sa.contributions[i].value, sb.contributions[i].value);
        EXPECT_EQ(sa.contributions[i].weight, sb.contributions[i].weight);
    }
    const std::vector<AttributeEvidence> ea = a.evidence();
    const std::vector<AttributeEvidence> eb = b.evidence();
    ASSERT_EQ(ea.size(), eb.size());
    for (std::size_t i = 0; i < ea.size(); ++i) {
        EXPECT_EQ(ea[i].value, eb[i].value);
        EXPECT_EQ(ea[i].weight, eb[i].weight);
    }
}

// A log-odds far beyond the range of exp still gives a probability, without overflow. 400
// targets each with a district and gender of its own, one non-target with district and gender b,
// alpha = 1e-300: K = 402 for both attributes, the denominators are 400 + 402e-300 = 400 and
// 1 + 402e-300 = 1 (in doubles), and b has P1 = 1e-300/400, P0 = (1 + 1e-300)/1 = 1. So
//   log_odds = log(400/1) + 2 log(1e-300/400) = 2 log(1e-300) − log(400) ≈ −1387.5.
TEST(LookalikeModel, ExtremeLogOddsStayFinite) {
    std::vector<LookalikeExample> rows;
    for (int i = 0; i < 400; ++i) {
        rows.push_back(example("a" + std::to_string(i), "g" + std::to_string(i), kNull, true));
    }
    rows.push_back(example("b", "b", kNull, false));
    const LookalikeModel model = LookalikeModel::train(rows, options(1e-300));
    const LookalikeScore s = model.score(example("b", "b", kNull));
    EXPECT_NEAR(s.log_odds, 2 * std::log(1e-300) - std::log(400.0), 1e-9);
    EXPECT_EQ(s.probability, 0.0);  // exp(−1387.5) is below the smallest double
    EXPECT_EQ(model.score(example("a0", "g0", kNull)).probability, 1.0);
}

// With alpha = 1e200 the products of counts and denominators overflow and the weights fall back
// to differences of logarithms: every P is 1/K (categorical) or 1/2 (keywords) to within
// 1e-200 relative, so every weight is 0 to the last bit that matters and the prospect gets the
// prior, 2/6.
TEST(LookalikeModel, HugeSmoothingFlattensEverything) {
    const LookalikeModel model = LookalikeModel::train(training(), options(1e200));
    const LookalikeScore s =
        model.score(example("north", "f", Keywords{{"wine", "surfing", "golf"}}));
    EXPECT_NEAR(s.probability, 1.0 / 3.0, 1e-12);
    for (const Contribution& c : s.contributions) EXPECT_NEAR(c.weight, 0.0, 1e-12);
}

TEST(LookalikeModel, TrainingWithoutTargetsOrWithoutNonTargetsThrows) {
    std::vector<LookalikeExample> rows = training();
    for (LookalikeExample& r : rows) r.target = false;
    expect_invalid_argument([&] { LookalikeModel::train(rows, options()); },
                            "no target example: none of the 6 training examples");
    for (LookalikeExample& r : rows) r.target = true;
    expect_invalid_argument([&] { LookalikeModel::train(rows, options()); },
                            "no non-target example: all 6 training examples");
    expect_invalid_argument([&] { LookalikeModel::train({}, options()); },
                            "none of the 0 training examples");
}

TEST(LookalikeModel, AlphaMustBePositiveAndFinite) {
    for (const double alpha : {0.0, -1.0, std::numeric_limits<double>::quiet_NaN(),
                               std::numeric_limits<double>::infinity()}) {
        expect_invalid_argument([&] { LookalikeModel::train(training(), options(alpha)); },
                                "alpha");
    }
}

TEST(LookalikeModel, ValuesSizeMismatchThrowsNamingTheExample) {
    std::vector<LookalikeExample> rows = training();
    rows[3].values.pop_back();
    expect_invalid_argument([&] { LookalikeModel::train(rows, options()); },
                            "training example 3 has 1 attribute values, not 2");

    const LookalikeModel model = LookalikeModel::train(training(), options());
    LookalikeExample prospect = example("north", "f", kNull);
    prospect.values.push_back("extra");
    expect_invalid_argument([&] { (void)model.score(prospect); },
                            "scored example has 3 attribute values, not 2");
}

TEST(LookalikeModel, BadAttributeNamesThrow) {
    LookalikeOptions repeated = options();
    repeated.attributes = {"district", "district"};
    expect_invalid_argument([&] { LookalikeModel::train(training(), repeated); },
                            "names \"district\" twice");

    LookalikeOptions empty = options();
    empty.attributes = {"district", ""};
    expect_invalid_argument([&] { LookalikeModel::train(training(), empty); },
                            "attributes[1] is empty");

    LookalikeOptions clash = options();
    clash.keywords_name = "gender";
    expect_invalid_argument([&] { LookalikeModel::train(training(), clash); },
                            "keywords_name \"gender\" is also the name of an attribute");
}
