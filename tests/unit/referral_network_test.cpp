// Referrals and key persons (POTENTIAL.md items 4 and 5), as specified in referral_network.h.
// The expectations are worked out by hand from the rules; the random graphs are checked against
// a plain re-statement of the rules (string maps and sets, no indices) written in this file.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "referral_network.h"

using namespace custclass::plugin;

namespace {

using Customers = std::unordered_map<std::string, ReferralCustomer>;

ReferralCustomer buyer(std::int32_t first_purchase, std::int64_t revenue) {
    return {first_purchase, revenue};
}

ReferralCustomer never_bought(std::int64_t revenue = 0) {
    return {std::nullopt, revenue};
}

Referral referral(const std::string& referrer, const std::string& referee,
                  std::optional<std::int32_t> on = std::nullopt) {
    return {referrer, referee, on};
}

const KeyPerson* key_person(const ReferralAnalysis& analysis, const std::string& id) {
    for (const KeyPerson& key : analysis.key_persons) {
        if (key.customer_id == id) return &key;
    }
    return nullptr;
}

std::vector<std::string> ranking(const ReferralAnalysis& analysis) {
    std::vector<std::string> ids;
    for (const KeyPerson& key : analysis.key_persons) ids.push_back(key.customer_id);
    return ids;
}

std::vector<std::string> referees(const std::vector<SuccessfulReferral>& successful) {
    std::vector<std::string> ids;
    for (const SuccessfulReferral& s : successful) ids.push_back(s.referee_id);
    return ids;
}

std::map<std::string, std::uint64_t> ignored(std::uint64_t self, std::uint64_t unknown,
                                             std::uint64_t already, std::uint64_t not_first) {
    return {{"self_referral", self},
            {"unknown_customer", unknown},
            {"already_customer", already},
            {"not_first_referral", not_first}};
}

// A → B → C → D, each buying after being referred; A's own revenue plays no part.
Customers chain_customers() {
    return {{"A", buyer(0, 50)},
            {"B", buyer(10, 100)},
            {"C", buyer(20, 200)},
            {"D", buyer(30, 400)}};
}

std::vector<Referral> chain_referrals() {
    return {referral("A", "B", 5), referral("B", "C", 15), referral("C", "D", 25)};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Key persons: levels, decay, depth

TEST(ReferralNetwork, ChainThreeLevelsDeepDecaysHalfPerLevel) {
    const ReferralAnalysis analysis = analyse_referrals(chain_referrals(), chain_customers(), {});

    // A: 100 + 0.5 × 200 + 0.25 × 400 = 300, reaching B, C, D.
    const KeyPerson* a = key_person(analysis, "A");
    ASSERT_NE(a, nullptr);
    EXPECT_DOUBLE_EQ(a->influence, 300.0);
    EXPECT_EQ(a->reach, 3u);
    EXPECT_EQ(a->levels, (std::vector<ReferralLevel>{{1, 1, 100}, {1, 1, 200}, {1, 1, 400}}));

    // B: 200 + 0.5 × 400 = 400, reaching C, D; the third level is there, empty.
    const KeyPerson* b = key_person(analysis, "B");
    ASSERT_NE(b, nullptr);
    EXPECT_DOUBLE_EQ(b->influence, 400.0);
    EXPECT_EQ(b->reach, 2u);
    EXPECT_EQ(b->levels, (std::vector<ReferralLevel>{{1, 1, 200}, {1, 1, 400}, {0, 0, 0}}));

    // C: 400, reaching D. D referred nobody and is not listed.
    const KeyPerson* c = key_person(analysis, "C");
    ASSERT_NE(c, nullptr);
    EXPECT_DOUBLE_EQ(c->influence, 400.0);
    EXPECT_EQ(c->reach, 1u);
    EXPECT_EQ(key_person(analysis, "D"), nullptr);

    // B and C tie on 400: B reaches more. A comes last with 300.
    EXPECT_EQ(ranking(analysis), (std::vector<std::string>{"B", "C", "A"}));

    // Every referee bought after being referred: three rewards, by first purchase.
    EXPECT_EQ(analysis.successful,
              (std::vector<SuccessfulReferral>{{"A", "B", 5, 10}, {"B", "C", 15, 20},
                                               {"C", "D", 25, 30}}));
    EXPECT_EQ(analysis.ignored, ignored(0, 0, 0, 0));
    EXPECT_EQ(analysis.pending, 0u);
}

TEST(ReferralNetwork, DepthTwoCutsTheThirdLevel) {
    const ReferralAnalysis analysis =
        analyse_referrals(chain_referrals(), chain_customers(), {0.5, 2});
    const KeyPerson* a = key_person(analysis, "A");
    ASSERT_NE(a, nullptr);
    EXPECT_DOUBLE_EQ(a->influence, 200.0);  // 100 + 0.5 × 200; D is out of reach
    EXPECT_EQ(a->reach, 2u);
    EXPECT_EQ(a->levels, (std::vector<ReferralLevel>{{1, 1, 100}, {1, 1, 200}}));
    // The rewards do not depend on the depth.
    EXPECT_EQ(analysis.successful.size(), 3u);
}

TEST(ReferralNetwork, DepthOneCountsOnlyDirectReferees) {
    const ReferralAnalysis analysis =
        analyse_referrals(chain_referrals(), chain_customers(), {0.5, 1});
    const KeyPerson* a = key_person(analysis, "A");
    ASSERT_NE(a, nullptr);
    EXPECT_DOUBLE_EQ(a->influence, 100.0);
    EXPECT_EQ(a->reach, 1u);
    EXPECT_EQ(a->levels, (std::vector<ReferralLevel>{{1, 1, 100}}));
    // C (400) > B (200) > A (100).
    EXPECT_EQ(ranking(analysis), (std::vector<std::string>{"C", "B", "A"}));
}

TEST(ReferralNetwork, DecayOneCountsEveryLevelInFull) {
    const ReferralAnalysis analysis =
        analyse_referrals(chain_referrals(), chain_customers(), {1.0, 3});
    const KeyPerson* a = key_person(analysis, "A");
    ASSERT_NE(a, nullptr);
    EXPECT_DOUBLE_EQ(a->influence, 700.0);  // 100 + 200 + 400
    EXPECT_EQ(ranking(analysis), (std::vector<std::string>{"A", "B", "C"}));  // 700, 600, 400
}

TEST(ReferralNetwork, OtherDecayWeighsLevelByPowers) {
    const ReferralAnalysis analysis =
        analyse_referrals(chain_referrals(), chain_customers(), {0.25, 3});
    const KeyPerson* a = key_person(analysis, "A");
    ASSERT_NE(a, nullptr);
    EXPECT_DOUBLE_EQ(a->influence, 100.0 + 0.25 * 200.0 + 0.0625 * 400.0);  // 175
}

TEST(ReferralNetwork, TwoPersonCycleTerminatesWithoutCountingTheStart) {
    // A referred B, who later "referred" A back, but A had bought long before.
    const Customers customers{{"A", buyer(0, 10)}, {"B", buyer(3, 20)}};
    const ReferralAnalysis analysis =
        analyse_referrals({referral("A", "B", 1), referral("B", "A", 2)}, customers, {});

    const KeyPerson* a = key_person(analysis, "A");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->reach, 1u);
    EXPECT_EQ(a->levels, (std::vector<ReferralLevel>{{1, 1, 20}, {0, 0, 0}, {0, 0, 0}}));
    EXPECT_DOUBLE_EQ(a->influence, 20.0);

    // B -> A is kept as an edge (B reaches A) though it earns no reward.
    const KeyPerson* b = key_person(analysis, "B");
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->reach, 1u);
    EXPECT_EQ(b->levels, (std::vector<ReferralLevel>{{1, 1, 10}, {0, 0, 0}, {0, 0, 0}}));

    EXPECT_EQ(analysis.successful, (std::vector<SuccessfulReferral>{{"A", "B", 1, 3}}));
    EXPECT_EQ(analysis.ignored, ignored(0, 0, 1, 0));
}

TEST(ReferralNetwork, ThreePersonCycleReachesEachOtherOnce) {
    const Customers customers{{"A", buyer(1, 1)}, {"B", buyer(2, 2)}, {"C", buyer(3, 4)}};
    const std::vector<Referral> cycle{referral("A", "B"), referral("B", "C"),
                                      referral("C", "A")};
    for (const int depth : {3, 5}) {
        const ReferralAnalysis analysis = analyse_referrals(cycle, customers, {0.5, depth});
        ASSERT_EQ(analysis.key_persons.size(), 3u);
        const KeyPerson* a = key_person(analysis, "A");
        ASSERT_NE(a, nullptr);
        // B at 1, C at 2; the walk comes back to A at 3 and stops there.
        EXPECT_EQ(a->reach, 2u);
        std::vector<ReferralLevel> expected(static_cast<std::size_t>(depth));
        expected[0] = {1, 1, 2};
        expected[1] = {1, 1, 4};
        EXPECT_EQ(a->levels, expected);
        EXPECT_DOUBLE_EQ(a->influence, 2 + 0.5 * 4);
    }
}

TEST(ReferralNetwork, PersonReachedByTwoPathsCountsOnceAtTheShorterDistance) {
    // A → B → D and A → C → D, and A → D directly: D is a direct referee of A.
    const Customers customers{
        {"A", buyer(0, 0)}, {"B", buyer(5, 10)}, {"C", buyer(5, 20)}, {"D", buyer(5, 40)}};
    const ReferralAnalysis analysis = analyse_referrals(
        {referral("A", "B"), referral("B", "D"), referral("A", "C"), referral("C", "D"),
         referral("A", "D")},
        customers, {});
    const KeyPerson* a = key_person(analysis, "A");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->reach, 3u);
    EXPECT_EQ(a->levels, (std::vector<ReferralLevel>{{3, 3, 70}, {0, 0, 0}, {0, 0, 0}}));
    // D is credited to one referral only: all undated, so the smallest referrer id, A.
    EXPECT_EQ(analysis.successful,
              (std::vector<SuccessfulReferral>{
                  {"A", "B", std::nullopt, 5}, {"A", "C", std::nullopt, 5},
                  {"A", "D", std::nullopt, 5}}));
    EXPECT_EQ(analysis.ignored, ignored(0, 0, 0, 2));
}

// ---------------------------------------------------------------------------------------------
// Rule 1: clean-up

TEST(ReferralNetwork, SelfReferralIsIgnored) {
    const Customers customers{{"A", buyer(0, 10)}, {"B", buyer(4, 30)}};
    const ReferralAnalysis analysis = analyse_referrals(
        {referral("A", "A", 1), referral("A", "B", 2), referral("B", "B")}, customers, {});
    EXPECT_EQ(analysis.ignored, ignored(2, 0, 0, 0));
    EXPECT_EQ(ranking(analysis), (std::vector<std::string>{"A"}));  // B referred only itself
    EXPECT_EQ(key_person(analysis, "A")->reach, 1u);                 // not itself
    EXPECT_EQ(analysis.successful, (std::vector<SuccessfulReferral>{{"A", "B", 2, 4}}));
}

TEST(ReferralNetwork, UnknownCustomerIsIgnored) {
    const Customers customers{{"A", buyer(0, 10)}, {"B", buyer(4, 30)}};
    const ReferralAnalysis analysis = analyse_referrals(
        {referral("X", "A"), referral("A", "Y"), referral("X", "Y"), referral("X", "X"),
         referral("A", "B")},
        customers, {});
    // X -> X names nobody known: unknown before self.
    EXPECT_EQ(analysis.ignored, ignored(0, 4, 0, 0));
    ASSERT_EQ(analysis.key_persons.size(), 1u);
    EXPECT_EQ(analysis.key_persons[0].customer_id, "A");
    EXPECT_EQ(analysis.key_persons[0].reach, 1u);  // B only
    EXPECT_EQ(referees(analysis.successful), (std::vector<std::string>{"B"}));
}

TEST(ReferralNetwork, DuplicateRowsCountOnceWithTheEarliestDate) {
    // B bought on day 6. Kept with date 9 (or null) the referral would be successful (null)
    // or already_customer (9); kept with the earliest, 4, it is successful dated 4.
    const Customers customers{{"A", buyer(0, 10)}, {"B", buyer(6, 30)}};
    const ReferralAnalysis analysis = analyse_referrals(
        {referral("A", "B"), referral("A", "B", 9), referral("A", "B", 4), referral("A", "B", 9)},
        customers, {});
    EXPECT_EQ(analysis.successful, (std::vector<SuccessfulReferral>{{"A", "B", 4, 6}}));
    EXPECT_EQ(analysis.ignored, ignored(0, 0, 0, 0));  // dropped silently
    EXPECT_EQ(key_person(analysis, "A")->levels[0], (ReferralLevel{1, 1, 30}));
}

TEST(ReferralNetwork, DuplicateRowsKeepADateOverNull) {
    // Null counts as the latest: the dated row wins, and B bought before it.
    const Customers customers{{"A", buyer(0, 10)}, {"B", buyer(6, 30)}};
    const ReferralAnalysis analysis =
        analyse_referrals({referral("A", "B"), referral("A", "B", 8)}, customers, {});
    EXPECT_TRUE(analysis.successful.empty());
    EXPECT_EQ(analysis.ignored, ignored(0, 0, 1, 0));
}

// ---------------------------------------------------------------------------------------------
// Rule 2: success and credit

TEST(ReferralNetwork, RefereeWithTwoReferrersIsCreditedToTheEarliest) {
    const Customers customers{{"A", buyer(0, 1)}, {"Z", buyer(0, 1)}, {"R", buyer(20, 50)}};
    const ReferralAnalysis analysis =
        analyse_referrals({referral("A", "R", 10), referral("Z", "R", 5)}, customers, {});
    EXPECT_EQ(analysis.successful, (std::vector<SuccessfulReferral>{{"Z", "R", 5, 20}}));
    EXPECT_EQ(analysis.ignored, ignored(0, 0, 0, 1));
    // Both referrers still reach R.
    EXPECT_EQ(key_person(analysis, "A")->reach, 1u);
    EXPECT_EQ(key_person(analysis, "Z")->reach, 1u);
}

TEST(ReferralNetwork, SameDateIsBrokenByTheSmallestReferrerId) {
    const Customers customers{{"M", buyer(0, 1)}, {"Z", buyer(0, 1)}, {"R", buyer(20, 50)}};
    const ReferralAnalysis analysis =
        analyse_referrals({referral("Z", "R", 5), referral("M", "R", 5)}, customers, {});
    EXPECT_EQ(analysis.successful, (std::vector<SuccessfulReferral>{{"M", "R", 5, 20}}));
    EXPECT_EQ(analysis.ignored, ignored(0, 0, 0, 1));
}

TEST(ReferralNetwork, UndatedReferralComesAfterDatedOnes) {
    const Customers customers{{"A", buyer(0, 1)}, {"Z", buyer(0, 1)}, {"R", buyer(20, 50)}};
    const ReferralAnalysis analysis =
        analyse_referrals({referral("A", "R"), referral("Z", "R", 7)}, customers, {});
    EXPECT_EQ(analysis.successful, (std::vector<SuccessfulReferral>{{"Z", "R", 7, 20}}));

    // All undated: the smallest referrer id.
    const ReferralAnalysis undated =
        analyse_referrals({referral("Z", "R"), referral("A", "R")}, customers, {});
    EXPECT_EQ(undated.successful,
              (std::vector<SuccessfulReferral>{{"A", "R", std::nullopt, 20}}));
    EXPECT_EQ(undated.ignored, ignored(0, 0, 0, 1));
}

TEST(ReferralNetwork, RefereeWhoAlreadyBoughtIsNotBroughtIn) {
    const Customers customers{{"A", buyer(0, 1)}, {"B", buyer(10, 30)}, {"C", buyer(11, 70)}};
    const ReferralAnalysis analysis =
        analyse_referrals({referral("A", "B", 11), referral("A", "C", 11)}, customers, {});
    // B bought on day 10, before the referral on 11; C bought on the day of it, which counts.
    EXPECT_EQ(analysis.successful, (std::vector<SuccessfulReferral>{{"A", "C", 11, 11}}));
    EXPECT_EQ(analysis.ignored, ignored(0, 0, 1, 0));
    // B is still reached, and a buyer.
    EXPECT_EQ(key_person(analysis, "A")->levels[0], (ReferralLevel{2, 2, 100}));
}

TEST(ReferralNetwork, AlreadyCustomerReferralDoesNotCompeteForTheCredit) {
    // A's dated referral came after R's purchase; Z's undated one is the only one that counts,
    // so it is successful and not "not_first_referral".
    const Customers customers{{"A", buyer(0, 1)}, {"Z", buyer(0, 1)}, {"R", buyer(20, 50)}};
    const ReferralAnalysis analysis =
        analyse_referrals({referral("A", "R", 30), referral("Z", "R")}, customers, {});
    EXPECT_EQ(analysis.successful,
              (std::vector<SuccessfulReferral>{{"Z", "R", std::nullopt, 20}}));
    EXPECT_EQ(analysis.ignored, ignored(0, 0, 1, 0));
}

TEST(ReferralNetwork, RefereeWhoNeverBoughtIsPendingButReached) {
    // B has a revenue (a refund, say) but no first purchase: not a buyer, its revenue not counted.
    const Customers customers{{"A", buyer(0, 10)}, {"B", never_bought(-75)}};
    const ReferralAnalysis analysis = analyse_referrals({referral("A", "B", 3)}, customers, {});
    EXPECT_TRUE(analysis.successful.empty());
    EXPECT_EQ(analysis.pending, 1u);
    EXPECT_EQ(analysis.ignored, ignored(0, 0, 0, 0));
    const KeyPerson* a = key_person(analysis, "A");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->reach, 1u);
    EXPECT_EQ(a->levels, (std::vector<ReferralLevel>{{1, 0, 0}, {0, 0, 0}, {0, 0, 0}}));
    EXPECT_DOUBLE_EQ(a->influence, 0.0);
}

TEST(ReferralNetwork, SuccessfulOrderedByFirstPurchaseThenRefereeId) {
    const Customers customers{{"A", buyer(0, 0)},  {"P", buyer(9, 1)}, {"Q", buyer(4, 1)},
                              {"S", buyer(9, 1)}, {"B", buyer(9, 1)}};
    const ReferralAnalysis analysis = analyse_referrals(
        {referral("A", "S"), referral("A", "P"), referral("A", "Q"), referral("A", "B")},
        customers, {});
    EXPECT_EQ(referees(analysis.successful), (std::vector<std::string>{"Q", "B", "P", "S"}));
}

TEST(ReferralNetwork, EveryKeptReferralIsAccountedForOnce) {
    // 7 rows: 1 unknown, 1 self, 1 duplicate; of the 4 referrals kept, one successful, one
    // pending, one already_customer, one not_first_referral.
    const Customers customers{{"A", buyer(0, 0)}, {"Z", buyer(0, 0)}, {"B", buyer(5, 0)},
                              {"C", never_bought()}, {"D", buyer(1, 0)}};
    const ReferralAnalysis analysis = analyse_referrals(
        {referral("A", "B", 2), referral("Z", "B", 3), referral("A", "C"), referral("A", "D", 2),
         referral("A", "X"), referral("A", "A"), referral("A", "B", 4)},
        customers, {});
    EXPECT_EQ(analysis.successful, (std::vector<SuccessfulReferral>{{"A", "B", 2, 5}}));
    EXPECT_EQ(analysis.pending, 1u);
    EXPECT_EQ(analysis.ignored, ignored(1, 1, 1, 1));
}

// ---------------------------------------------------------------------------------------------
// Rewards

TEST(ReferralNetwork, RewardsDueLeaveOutRefereesAlreadyRewarded) {
    const ReferralAnalysis analysis = analyse_referrals(chain_referrals(), chain_customers(), {});
    EXPECT_EQ(rewards_due(analysis, {}), analysis.successful);
    EXPECT_EQ(rewards_due(analysis, {"C"}),
              (std::vector<SuccessfulReferral>{{"A", "B", 5, 10}, {"C", "D", 25, 30}}));
    // Being rewarded as a referrer (B was, for C) does not stop a reward as a referee, and an
    // unknown id in the record changes nothing.
    EXPECT_EQ(rewards_due(analysis, {"D", "nobody"}),
              (std::vector<SuccessfulReferral>{{"A", "B", 5, 10}, {"B", "C", 15, 20}}));
    EXPECT_TRUE(rewards_due(analysis, {"B", "C", "D"}).empty());
}

// ---------------------------------------------------------------------------------------------
// Ordering and options

TEST(ReferralNetwork, KeyPersonsByInfluenceThenReachThenId) {
    const Customers customers{
        {"P", buyer(0, 0)},    {"Q", buyer(0, 0)},    {"R", buyer(0, 0)},   {"S", buyer(0, 0)},
        {"T", buyer(0, 0)},    {"x1", buyer(1, 100)}, {"x2", buyer(1, 100)}, {"x3", buyer(1, 50)},
        {"x4", buyer(1, 50)},  {"x5", buyer(1, 0)},   {"x6", buyer(1, -30)}};
    const ReferralAnalysis analysis = analyse_referrals(
        {referral("T", "x6"), referral("Q", "x2"), referral("S", "x5"), referral("R", "x4"),
         referral("P", "x1"), referral("R", "x3")},
        customers, {});
    // P, Q, R all 100; R reaches two; P before Q by id; then S at 0 and T at -30.
    EXPECT_EQ(ranking(analysis), (std::vector<std::string>{"R", "P", "Q", "S", "T"}));
    EXPECT_DOUBLE_EQ(key_person(analysis, "T")->influence, -30.0);
}

TEST(ReferralNetwork, InvalidOptionsThrow) {
    const Customers customers = chain_customers();
    const std::vector<Referral> referrals = chain_referrals();
    for (const double decay : {0.0, -0.5, 1.5, std::numeric_limits<double>::quiet_NaN(),
                               std::numeric_limits<double>::infinity()}) {
        EXPECT_THROW(analyse_referrals(referrals, customers, {decay, 3}), std::invalid_argument)
            << decay;
    }
    for (const int depth : {0, -1}) {
        EXPECT_THROW(analyse_referrals(referrals, customers, {0.5, depth}), std::invalid_argument)
            << depth;
    }
    // Checked even with nothing to analyse.
    EXPECT_THROW(analyse_referrals({}, {}, {0.5, 0}), std::invalid_argument);
    EXPECT_NO_THROW(analyse_referrals(referrals, customers, {1.0, 1}));
    EXPECT_NO_THROW(analyse_referrals(referrals, customers, {1e-9, 1}));
}

TEST(ReferralNetwork, NoReferralsGiveAnEmptyAnalysis) {
    const ReferralAnalysis analysis = analyse_referrals({}, chain_customers(), {});
    EXPECT_TRUE(analysis.successful.empty());
    EXPECT_TRUE(analysis.key_persons.empty());
    EXPECT_EQ(analysis.ignored, ignored(0, 0, 0, 0));
    EXPECT_EQ(analysis.pending, 0u);
}

// ---------------------------------------------------------------------------------------------
// Random graphs: the rules restated plainly, and order independence

namespace {

// Rules 1-3 over strings, straight from the header, for comparison.
ReferralAnalysis plain_analysis(const std::vector<Referral>& rows, const Customers& customers,
                                const ReferralOptions& options) {
    ReferralAnalysis out;
    out.ignored = ignored(0, 0, 0, 0);
    auto before = [](const std::optional<std::int32_t>& a, const std::optional<std::int32_t>& b) {
        return a && (!b || *a < *b);
    };
    std::map<std::pair<std::string, std::string>, std::optional<std::int32_t>> kept;
    for (const Referral& r : rows) {
        if (!customers.contains(r.referrer_id) || !customers.contains(r.referee_id)) {
            ++out.ignored["unknown_customer"];
        } else if (r.referrer_id == r.referee_id) {
            ++out.ignored["self_referral"];
        } else {
            const auto key = std::make_pair(r.referrer_id, r.referee_id);
            const auto it = kept.find(key);
            if (it == kept.end()) {
                kept.emplace(key, r.referred_on);
            } else if (before(r.referred_on, it->second)) {
                it->second = r.referred_on;
            }
        }
    }
    std::map<std::string, std::vector<std::pair<std::optional<std::int32_t>, std::string>>> offers;
    std::map<std::string, std::set<std::string>> graph;
    for (const auto& [pair, on] : kept) {
        graph[pair.first].insert(pair.second);
        const auto& bought = customers.at(pair.second).first_purchase;
        if (!bought) {
            ++out.pending;
        } else if (on && *bought < *on) {
            ++out.ignored["already_customer"];
        } else {
            offers[pair.second].emplace_back(on, pair.first);
        }
    }
    for (auto& [referee, list] : offers) {
        std::sort(list.begin(), list.end(), [&](const auto& a, const auto& b) {
            if (before(a.first, b.first)) return true;
            if (before(b.first, a.first)) return false;
            return a.second < b.second;
        });
        out.ignored["not_first_referral"] += list.size() - 1;
        out.successful.push_back({list[0].second, referee, list[0].first,
                                  *customers.at(referee).first_purchase});
    }
    std::stable_sort(out.successful.begin(), out.successful.end(),
                     [](const auto& a, const auto& b) { return a.first_purchase < b.first_purchase; });
    for (const auto& [source, direct] : graph) {
        KeyPerson key{source, 0, 0, {}};
        std::set<std::string> seen{source};
        std::set<std::string> frontier{source};
        double weight = 1;
        for (int level = 0; level < options.depth; ++level) {
            std::set<std::string> next;
            for (const std::string& from : frontier) {
                const auto it = graph.find(from);
                if (it == graph.end()) continue;
                for (const std::string& to : it->second) {
                    if (seen.insert(to).second) next.insert(to);
                }
            }
            ReferralLevel tally;
            for (const std::string& p : next) {
                ++tally.people;
                if (customers.at(p).first_purchase) {
                    ++tally.buyers;
                    tally.revenue += customers.at(p).revenue;
                }
            }
            key.levels.push_back(tally);
            key.reach += tally.people;
            key.influence += weight * static_cast<double>(tally.revenue);
            weight *= options.decay;
            frontier = std::move(next);
        }
        out.key_persons.push_back(key);
    }
    std::sort(out.key_persons.begin(), out.key_persons.end(), [](const auto& a, const auto& b) {
        if (a.influence != b.influence) return a.influence > b.influence;
        if (a.reach != b.reach) return a.reach > b.reach;
        return a.customer_id < b.customer_id;
    });
    return out;
}

struct RandomCase {
    Customers customers;
    std::vector<Referral> referrals;
};

// A small dense graph (so cycles, duplicates, competing referrers all occur), with a few
// unknown ids, self-referrals, undated rows and customers who never bought.
RandomCase random_case(std::uint32_t seed) {
    std::mt19937 random(seed);
    auto below = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(random); };
    RandomCase c;
    const int people = 60;
    for (int i = 0; i < people; ++i) {
        const std::string id = "c" + std::to_string(i);
        if (below(5) == 0) {
            c.customers[id] = never_bought(below(3) == 0 ? -below(100) : 0);
        } else {
            c.customers[id] = buyer(below(40), below(1000) - 100);
        }
    }
    for (int i = 0; i < 250; ++i) {
        auto id = [&] {
            return below(30) == 0 ? "u" + std::to_string(below(5)) : "c" + std::to_string(below(people));
        };
        const std::string referrer = id();
        const std::string referee = below(25) == 0 ? referrer : id();
        std::optional<std::int32_t> on;
        if (below(4) != 0) on = below(40);
        c.referrals.push_back({referrer, referee, on});
    }
    return c;
}

}  // namespace

TEST(ReferralNetwork, RandomGraphsFollowThePlainRules) {
    for (std::uint32_t seed = 1; seed <= 20; ++seed) {
        const RandomCase c = random_case(seed);
        for (const ReferralOptions options : {ReferralOptions{}, ReferralOptions{1.0, 1},
                                              ReferralOptions{0.3, 6}}) {
            const ReferralAnalysis got = analyse_referrals(c.referrals, c.customers, options);
            const ReferralAnalysis want = plain_analysis(c.referrals, c.customers, options);
            EXPECT_EQ(got.successful, want.successful) << "seed " << seed;
            EXPECT_EQ(got.ignored, want.ignored) << "seed " << seed;
            EXPECT_EQ(got.pending, want.pending) << "seed " << seed;
            EXPECT_EQ(got.key_persons, want.key_persons) << "seed " << seed;
        }
    }
}

TEST(ReferralNetwork, ResultsDoNotDependOnInputOrder) {
    for (std::uint32_t seed = 1; seed <= 5; ++seed) {
        RandomCase c = random_case(seed);
        const ReferralAnalysis reference = analyse_referrals(c.referrals, c.customers, {});
        std::mt19937 random(seed + 1000);
        for (int shuffle = 0; shuffle < 5; ++shuffle) {
            std::shuffle(c.referrals.begin(), c.referrals.end(), random);
            // A map rebuilt in another insertion order.
            Customers rebuilt;
            rebuilt.reserve(c.customers.size() * 3);
            std::vector<std::pair<std::string, ReferralCustomer>> entries(c.customers.begin(),
                                                                         c.customers.end());
            std::shuffle(entries.begin(), entries.end(), random);
            for (const auto& [id, customer] : entries) rebuilt.emplace(id, customer);
            EXPECT_EQ(analyse_referrals(c.referrals, rebuilt, {}), reference) << "seed " << seed;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Scale

TEST(ReferralNetwork, AMillionCustomersAndTwoHundredThousandReferrals) {
    std::mt19937 random(42);
    const int people = 1'000'000;
    Customers customers;
    customers.reserve(people);
    for (int i = 0; i < people; ++i) {
        customers.emplace("customer-" + std::to_string(i),
                          i % 3 == 0 ? never_bought() : buyer(i % 365, i % 997));
    }
    // Mostly trees (each referee referred once or twice), plus some hubs referred by many.
    std::vector<Referral> referrals;
    referrals.reserve(200'000);
    std::uniform_int_distribution<int> anyone(0, people - 1);
    std::uniform_int_distribution<int> day(0, 400);
    for (int i = 0; i < 200'000; ++i) {
        const int referrer = i % 50 == 0 ? anyone(random) % 100 : anyone(random) % 150'000;
        referrals.push_back({"customer-" + std::to_string(referrer),
                             "customer-" + std::to_string(anyone(random) % 300'000), day(random)});
    }

    const auto start = std::chrono::steady_clock::now();
    const ReferralAnalysis analysis = analyse_referrals(referrals, customers, {});
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("analyse_referrals: %.3f s, %zu key persons, %zu successful\n", seconds,
                analysis.key_persons.size(), analysis.successful.size());
    // The budget is well under a second; the bound here only catches a blow-up (a walk that is
    // not bounded by depth, or quadratic work), with room for slow machines.
    EXPECT_LT(seconds, 5.0);

    ASSERT_FALSE(analysis.key_persons.empty());
    for (const KeyPerson& key : analysis.key_persons) {
        std::uint64_t reach = 0;
        for (const ReferralLevel& level : key.levels) reach += level.people;
        ASSERT_EQ(key.reach, reach);
        ASSERT_GE(key.reach, 1u);
        ASSERT_EQ(key.levels.size(), 3u);
    }
    EXPECT_TRUE(std::is_sorted(analysis.key_persons.begin(), analysis.key_persons.end(),
                               [](const KeyPerson& a, const KeyPerson& b) {
                                   return a.influence > b.influence;
                               }));
}
