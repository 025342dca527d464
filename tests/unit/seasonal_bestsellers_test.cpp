// Seasonal best-sellers: seasons (calendar quarters, a season wrapping the year end, 02-29,
// validation), and the tally's rankings, ties, top-N cut and small-cell suppression against
// expectations computed by hand, then against a plain reference implementation (maps and sets) on
// random lines.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "seasonal_bestsellers.h"

using namespace custclass::plugin;
using custclass::config::Day;

namespace {

Day day(int y, unsigned m, unsigned d) {
    using namespace std::chrono;
    return static_cast<Day>(
        sys_days{year{y} / month{m} / std::chrono::day{d}}.time_since_epoch().count());
}

// The message of the std::invalid_argument validate_seasons throws, or "" when it does not.
std::string rejection(const std::vector<Season>& seasons) {
    try {
        validate_seasons(seasons);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

struct Expected {
    std::string id;
    std::int64_t revenue;
    std::uint64_t buyers;
    std::uint64_t lines;
};

void expect_entries(const std::vector<BestsellerEntry>& actual,
                    const std::vector<Expected>& expected, const char* what) {
    ASSERT_EQ(actual.size(), expected.size()) << what;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(actual[i].id, expected[i].id) << what << " #" << i;
        EXPECT_EQ(actual[i].revenue, expected[i].revenue) << what << " #" << i;
        EXPECT_EQ(actual[i].buyers, expected[i].buyers) << what << " #" << i;
        EXPECT_EQ(actual[i].lines, expected[i].lines) << what << " #" << i;
    }
}

Season season(const char* id, int fm, int fd, int tm, int td) {
    return Season{id, std::string("label ") + id, fm, fd, tm, td};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Seasons

TEST(Seasons, CalendarQuarters) {
    const std::vector<Season> q = calendar_quarters();
    ASSERT_EQ(q.size(), 4u);
    EXPECT_EQ(q[0].id, "q1");
    EXPECT_EQ(q[0].label, "Q1 (Jan-Mar)");
    EXPECT_EQ(q[1].id, "q2");
    EXPECT_EQ(q[1].label, "Q2 (Apr-Jun)");
    EXPECT_EQ(q[2].id, "q3");
    EXPECT_EQ(q[2].label, "Q3 (Jul-Sep)");
    EXPECT_EQ(q[3].id, "q4");
    EXPECT_EQ(q[3].label, "Q4 (Oct-Dec)");
    EXPECT_NO_THROW(validate_seasons(q));

    // The boundaries, in a leap year and in a common year.
    for (int y : {2023, 2024}) {
        EXPECT_EQ(season_of(q, day(y, 1, 1)), 0) << y;
        EXPECT_EQ(season_of(q, day(y, 3, 31)), 0) << y;
        EXPECT_EQ(season_of(q, day(y, 4, 1)), 1) << y;
        EXPECT_EQ(season_of(q, day(y, 6, 30)), 1) << y;
        EXPECT_EQ(season_of(q, day(y, 7, 1)), 2) << y;
        EXPECT_EQ(season_of(q, day(y, 9, 30)), 2) << y;
        EXPECT_EQ(season_of(q, day(y, 10, 1)), 3) << y;
        EXPECT_EQ(season_of(q, day(y, 12, 31)), 3) << y;
    }
    EXPECT_EQ(season_of(q, day(2024, 2, 29)), 0);
    EXPECT_EQ(season_of(q, 0), 0);   // 1970-01-01
    EXPECT_EQ(season_of(q, -1), 3);  // 1969-12-31
    // Every day of a leap year is in exactly one quarter.
    for (Day d = day(2024, 1, 1); d <= day(2024, 12, 31); ++d) EXPECT_GE(season_of(q, d), 0);
}

TEST(Seasons, FarOffDays) {
    // Dates computed independently (Python, the proleptic Gregorian calendar with big integers):
    // day 2147483647 is 5881580-07-11, day -2147483648 is -5877641-06-24.
    const std::vector<Season> q = calendar_quarters();
    EXPECT_EQ(season_of(q, std::numeric_limits<Day>::max()), 2);
    EXPECT_EQ(season_of(q, std::numeric_limits<Day>::min()), 1);
}

TEST(Seasons, WrapsTheYearEnd) {
    // Winter ends on 02-28: it does not hold 02-29 (which comes after 02-28 in the leap-year
    // order); no season starts on 02-29, so a leap day is in no season.
    const std::vector<Season> s = {season("winter", 12, 1, 2, 28), season("summer", 6, 1, 8, 31)};
    EXPECT_NO_THROW(validate_seasons(s));
    EXPECT_EQ(season_of(s, day(2023, 11, 30)), -1);
    EXPECT_EQ(season_of(s, day(2023, 12, 1)), 0);
    EXPECT_EQ(season_of(s, day(2023, 12, 31)), 0);
    EXPECT_EQ(season_of(s, day(2024, 1, 1)), 0);
    EXPECT_EQ(season_of(s, day(2024, 2, 28)), 0);
    EXPECT_EQ(season_of(s, day(2024, 2, 29)), -1);
    EXPECT_EQ(season_of(s, day(2024, 3, 1)), -1);
    EXPECT_EQ(season_of(s, day(2023, 2, 28)), 0);
    EXPECT_EQ(season_of(s, day(2023, 3, 1)), -1);
    EXPECT_EQ(season_of(s, day(2024, 5, 31)), -1);
    EXPECT_EQ(season_of(s, day(2024, 6, 1)), 1);
    EXPECT_EQ(season_of(s, day(2024, 8, 31)), 1);
    EXPECT_EQ(season_of(s, day(2024, 9, 1)), -1);

    // Ending on 02-29 keeps the leap day; in a common year the season ends on 02-28.
    const std::vector<Season> leap = {season("winter", 12, 1, 2, 29)};
    EXPECT_NO_THROW(validate_seasons(leap));
    EXPECT_EQ(season_of(leap, day(2024, 2, 29)), 0);
    EXPECT_EQ(season_of(leap, day(2024, 3, 1)), -1);
    EXPECT_EQ(season_of(leap, day(2023, 2, 28)), 0);
    EXPECT_EQ(season_of(leap, day(2023, 3, 1)), -1);

    // A season holding 02-28..03-01 holds 02-29; one starting on 02-29 too.
    const std::vector<Season> around = {season("late", 2, 15, 3, 15)};
    EXPECT_EQ(season_of(around, day(2024, 2, 29)), 0);
    const std::vector<Season> split = {season("a", 1, 1, 2, 28), season("b", 2, 29, 12, 31)};
    EXPECT_NO_THROW(validate_seasons(split));
    EXPECT_EQ(season_of(split, day(2024, 2, 28)), 0);
    EXPECT_EQ(season_of(split, day(2024, 2, 29)), 1);
    EXPECT_EQ(season_of(split, day(2023, 3, 1)), 1);

    // A one-day season, and a season of the whole year but 02-29 (wrapping).
    EXPECT_EQ(season_of({season("d", 7, 4, 7, 4)}, day(2024, 7, 4)), 0);
    EXPECT_EQ(season_of({season("d", 7, 4, 7, 4)}, day(2024, 7, 5)), -1);
    const std::vector<Season> most = {season("most", 3, 1, 2, 28)};
    EXPECT_NO_THROW(validate_seasons(most));
    EXPECT_EQ(season_of(most, day(2024, 2, 29)), -1);
    EXPECT_EQ(season_of(most, day(2024, 1, 10)), 0);
    EXPECT_EQ(season_of(most, day(2024, 3, 1)), 0);
}

TEST(Seasons, ValidationRejects) {
    EXPECT_EQ(rejection({}), "");  // no seasons: nothing counted

    // Overlaps, naming both seasons and the first shared day.
    std::string e = rejection({season("winter", 12, 1, 2, 28), season("spring", 2, 28, 5, 31)});
    EXPECT_TRUE(contains(e, "`winter`") && contains(e, "`spring`") && contains(e, "02-28")) << e;
    e = rejection({season("winter", 12, 1, 2, 28), season("january", 1, 1, 1, 31)});
    EXPECT_TRUE(contains(e, "`winter`") && contains(e, "`january`") && contains(e, "01-01")) << e;
    e = rejection({season("a", 11, 1, 1, 31), season("b", 12, 31, 1, 1)});  // both wrap
    EXPECT_TRUE(contains(e, "`a`") && contains(e, "`b`") && contains(e, "01-01")) << e;
    e = rejection({season("leap", 2, 29, 2, 29), season("feb", 2, 1, 3, 31)});
    EXPECT_TRUE(contains(e, "`leap`") && contains(e, "`feb`") && contains(e, "02-29")) << e;
    e = rejection({season("q1", 1, 1, 3, 31), season("q2", 3, 31, 6, 30)});
    EXPECT_TRUE(contains(e, "03-31")) << e;
    // Adjacent seasons do not overlap.
    EXPECT_EQ(
        rejection({season("a", 1, 1, 2, 28), season("b", 2, 29, 2, 29), season("c", 3, 1, 12, 31)}),
        "");

    // Months and days.
    e = rejection({season("x", 13, 1, 12, 31)});
    EXPECT_TRUE(contains(e, "`x`") && contains(e, "month 13")) << e;
    e = rejection({season("x", 1, 1, 0, 31)});
    EXPECT_TRUE(contains(e, "`x`") && contains(e, "month 0")) << e;
    e = rejection({season("x", 4, 31, 5, 1)});
    EXPECT_TRUE(contains(e, "`x`") && contains(e, "day 31")) << e;
    e = rejection({season("x", 1, 1, 2, 30)});
    EXPECT_TRUE(contains(e, "`x`") && contains(e, "day 30")) << e;
    e = rejection({season("x", 1, 0, 2, 1)});
    EXPECT_TRUE(contains(e, "`x`") && contains(e, "day 0")) << e;
    EXPECT_EQ(rejection({season("x", 2, 29, 2, 29)}), "");

    // Ids.
    e = rejection({season("a", 1, 1, 1, 31), season("", 2, 1, 2, 28)});
    EXPECT_TRUE(contains(e, "season 1")) << e;
    e = rejection({season("a", 1, 1, 1, 31), season("a", 2, 1, 2, 28)});
    EXPECT_TRUE(contains(e, "`a`")) << e;

    // The tally checks them too.
    EXPECT_THROW(BestsellerTally(1, {season("a", 1, 1, 6, 30), season("b", 6, 30, 12, 31)}),
                 std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// The tally, by hand

namespace {

// Group 0, Q1 2024 (hand-computed expectations in the tests below):
//   apple    fruit  c0 300, c0 200      revenue 500, buyers 1 (c0 twice), lines 2
//   banana   fruit  c1 500              revenue 500, buyers 1, lines 1
//   carrot   veg    c2 100, c3 100      revenue 200, buyers 2, lines 2
//   date     (none) c4 200, c5 100      revenue 300, buyers 2, lines 2
//   eggplant veg    c6 150, c7 150      revenue 300, buyers 2, lines 2
//   fig      fruit  c0 250, c8 250      revenue 500, buyers 2, lines 2
//   fruit: 300+200+500+250+250 = 1500, buyers {c0, c1, c8} = 3, lines 5
//   veg:   100+100+150+150     =  500, buyers {c2, c3, c6, c7} = 4, lines 4
//   all: 2300, buyers c0..c8 = 9
// Group 0, Q2: c0 apple fruit 1000 on 2024-04-01 (the day after Q1's last).
// Group 1, Q4: c0 apple fruit 70 on 2023-12-31 and c9 apple fruit 30 on 2025-10-01 (seasons pool
// the years).
BestsellerTally fixture() {
    BestsellerTally t(2, calendar_quarters());
    // Scrambled: lines of a product or customer do not come together.
    t.add(0, 0, day(2024, 1, 5), "apple", "fruit", 300);
    t.add(0, 6, day(2024, 2, 29), "eggplant", "veg", 150);
    t.add(0, 4, day(2024, 1, 1), "date", "", 200);
    t.add(0, 8, day(2024, 3, 31), "fig", "fruit", 250);
    t.add(1, 0, day(2023, 12, 31), "apple", "fruit", 70);
    t.add(0, 2, day(2024, 2, 1), "carrot", "veg", 100);
    t.add(0, 1, day(2024, 3, 1), "banana", "fruit", 500);
    t.add(0, 0, day(2024, 4, 1), "apple", "fruit", 1000);
    t.add(0, 3, day(2024, 2, 2), "carrot", "veg", 100);
    t.add(0, 0, day(2024, 3, 31), "fig", "fruit", 250);
    t.add(0, 7, day(2024, 1, 20), "eggplant", "veg", 150);
    t.add(1, 9, day(2025, 10, 1), "apple", "fruit", 30);
    t.add(0, 5, day(2024, 1, 2), "date", "", 100);
    t.add(0, 0, day(2024, 2, 10), "apple", "fruit", 200);
    return t;
}

}  // namespace

TEST(BestsellerTally, RankingsAndTies) {
    const auto r = fixture().result(10, 0);
    ASSERT_EQ(r.size(), 2u);
    ASSERT_EQ(r[0].size(), 4u);
    ASSERT_EQ(r[1].size(), 4u);
    const SeasonBestsellers& q1 = r[0][0];
    // Same revenue: buyers decide (fig), then the id (apple before banana; date before
    // eggplant).
    expect_entries(q1.products_by_revenue,
                   {{"fig", 500, 2, 2},
                    {"apple", 500, 1, 2},
                    {"banana", 500, 1, 1},
                    {"date", 300, 2, 2},
                    {"eggplant", 300, 2, 2},
                    {"carrot", 200, 2, 2}},
                   "products by revenue");
    // Same buyers: revenue decides, then the id.
    expect_entries(q1.products_by_buyers,
                   {{"fig", 500, 2, 2},
                    {"date", 300, 2, 2},
                    {"eggplant", 300, 2, 2},
                    {"carrot", 200, 2, 2},
                    {"apple", 500, 1, 2},
                    {"banana", 500, 1, 1}},
                   "products by buyers");
    // "date" is uncategorised: not a category.
    expect_entries(q1.categories_by_revenue, {{"fruit", 1500, 3, 5}, {"veg", 500, 4, 4}},
                   "categories by revenue");
    expect_entries(q1.categories_by_buyers, {{"veg", 500, 4, 4}, {"fruit", 1500, 3, 5}},
                   "categories by buyers");
    EXPECT_EQ(q1.revenue, 2300);
    EXPECT_EQ(q1.buyers, 9u);
    EXPECT_FALSE(q1.suppressed);

    // 2024-04-01 is in Q2.
    const SeasonBestsellers& q2 = r[0][1];
    expect_entries(q2.products_by_revenue, {{"apple", 1000, 1, 1}}, "q2 products");
    expect_entries(q2.categories_by_buyers, {{"fruit", 1000, 1, 1}}, "q2 categories");
    EXPECT_EQ(q2.revenue, 1000);
    EXPECT_EQ(q2.buyers, 1u);
    for (int s : {2, 3}) {
        EXPECT_TRUE(r[0][s].products_by_revenue.empty());
        EXPECT_TRUE(r[0][s].categories_by_buyers.empty());
        EXPECT_EQ(r[0][s].revenue, 0);
        EXPECT_EQ(r[0][s].buyers, 0u);
        EXPECT_FALSE(r[0][s].suppressed);
    }

    // Group 1: Q4 of 2023 and of 2025 together; c0's lines in group 0 do not count here.
    expect_entries(r[1][3].products_by_buyers, {{"apple", 100, 2, 2}}, "group 1 q4");
    expect_entries(r[1][3].categories_by_revenue, {{"fruit", 100, 2, 2}}, "group 1 q4 cat");
    EXPECT_EQ(r[1][3].revenue, 100);
    EXPECT_EQ(r[1][3].buyers, 2u);
    EXPECT_EQ(r[1][0].buyers, 0u);
    EXPECT_TRUE(r[1][0].products_by_revenue.empty());
}

TEST(BestsellerTally, TopCut) {
    const BestsellerTally t = fixture();
    const SeasonBestsellers q1 = t.result(2, 0)[0][0];
    expect_entries(q1.products_by_revenue, {{"fig", 500, 2, 2}, {"apple", 500, 1, 2}},
                   "top 2 by revenue");
    expect_entries(q1.products_by_buyers, {{"fig", 500, 2, 2}, {"date", 300, 2, 2}},
                   "top 2 by buyers");
    expect_entries(q1.categories_by_revenue, {{"fruit", 1500, 3, 5}, {"veg", 500, 4, 4}},
                   "top 2 categories");
    EXPECT_EQ(q1.revenue, 2300);  // the totals are not cut

    const SeasonBestsellers one = t.result(1, 0)[0][0];
    expect_entries(one.products_by_revenue, {{"fig", 500, 2, 2}}, "top 1 by revenue");
    expect_entries(one.categories_by_buyers, {{"veg", 500, 4, 4}}, "top 1 categories by buyers");

    const SeasonBestsellers none = t.result(0, 0)[0][0];
    EXPECT_TRUE(none.products_by_revenue.empty());
    EXPECT_TRUE(none.products_by_buyers.empty());
    EXPECT_TRUE(none.categories_by_revenue.empty());
    EXPECT_TRUE(none.categories_by_buyers.empty());
    EXPECT_EQ(none.buyers, 9u);
}

TEST(BestsellerTally, SmallCellSuppression) {
    const BestsellerTally t = fixture();
    // min_buyers 2: apple and banana (1 buyer each) are left out, before the top cut.
    SeasonBestsellers q1 = t.result(10, 2)[0][0];
    expect_entries(
        q1.products_by_revenue,
        {{"fig", 500, 2, 2}, {"date", 300, 2, 2}, {"eggplant", 300, 2, 2}, {"carrot", 200, 2, 2}},
        "min 2 by revenue");
    q1 = t.result(2, 2)[0][0];
    expect_entries(q1.products_by_revenue, {{"fig", 500, 2, 2}, {"date", 300, 2, 2}},
                   "min 2, top 2 by revenue");
    expect_entries(q1.products_by_buyers, {{"fig", 500, 2, 2}, {"date", 300, 2, 2}},
                   "min 2, top 2 by buyers");
    // Q2 of group 0 and Q4 of group 1 are small cells as a whole: 1 and 2 buyers.
    const auto r = t.result(10, 3);
    EXPECT_TRUE(r[0][1].suppressed);
    EXPECT_EQ(r[0][1].revenue, 0);
    EXPECT_EQ(r[0][1].buyers, 0u);
    EXPECT_TRUE(r[0][1].products_by_revenue.empty());
    EXPECT_TRUE(r[1][3].suppressed);
    EXPECT_TRUE(r[1][3].categories_by_revenue.empty());
    EXPECT_FALSE(r[1][0].suppressed);  // no buyer at all: 0 is shown

    // min_buyers 4: no product; veg (4 buyers) but not fruit (3).
    q1 = t.result(10, 4)[0][0];
    EXPECT_TRUE(q1.products_by_revenue.empty());
    EXPECT_TRUE(q1.products_by_buyers.empty());
    expect_entries(q1.categories_by_revenue, {{"veg", 500, 4, 4}}, "min 4 categories");
    expect_entries(q1.categories_by_buyers, {{"veg", 500, 4, 4}}, "min 4 categories");
    EXPECT_EQ(q1.revenue, 2300);
    EXPECT_EQ(q1.buyers, 9u);
    EXPECT_FALSE(q1.suppressed);

    // min_buyers 9: the season's whole (9 buyers) is shown; 10: suppressed.
    EXPECT_FALSE(t.result(10, 9)[0][0].suppressed);
    q1 = t.result(10, 10)[0][0];
    EXPECT_TRUE(q1.suppressed);
    EXPECT_EQ(q1.revenue, 0);
    EXPECT_EQ(q1.buyers, 0u);
    EXPECT_TRUE(q1.categories_by_buyers.empty());

    // min_buyers 1 is the same as 0.
    expect_entries(t.result(10, 1)[0][0].products_by_buyers,
                   {{"fig", 500, 2, 2},
                    {"date", 300, 2, 2},
                    {"eggplant", 300, 2, 2},
                    {"carrot", 200, 2, 2},
                    {"apple", 500, 1, 2},
                    {"banana", 500, 1, 1}},
                   "min 1");
}

TEST(BestsellerTally, SameProductTwiceIsOneBuyerTwoLines) {
    BestsellerTally t(1, calendar_quarters());
    t.add(0, 7, day(2024, 5, 1), "tea", "drinks", 400);
    t.add(0, 7, day(2024, 6, 30), "tea", "drinks", 100);
    t.add(0, 7, day(2024, 4, 1), "mug", "drinks", 900);
    const SeasonBestsellers q2 = t.result(5, 0)[0][1];
    expect_entries(q2.products_by_revenue, {{"mug", 900, 1, 1}, {"tea", 500, 1, 2}}, "products");
    expect_entries(q2.categories_by_revenue, {{"drinks", 1400, 1, 3}}, "categories");
    EXPECT_EQ(q2.buyers, 1u);
    EXPECT_EQ(q2.revenue, 1400);
}

TEST(BestsellerTally, WrappingSeason) {
    // Winter 12-01..02-29 (keeps the leap day), summer 06-01..08-31; spring and autumn in no
    // season.
    BestsellerTally t(1, {season("winter", 12, 1, 2, 29), season("summer", 6, 1, 8, 31)});
    t.add(0, 0, day(2023, 12, 15), "sled", "toys", 100);  // winter, before the year end
    t.add(0, 0, day(2024, 1, 10), "sled", "toys", 100);   // winter, after it
    t.add(0, 1, day(2024, 2, 29), "sled", "toys", 50);    // the leap day
    t.add(0, 2, day(2024, 3, 1), "sled", "toys", 999);    // no season: not counted
    t.add(0, 3, day(2023, 11, 30), "sled", "toys", 999);  // no season
    t.add(0, 4, day(2024, 8, 31), "kite", "toys", 20);    // summer
    const auto r = t.result(10, 0);
    ASSERT_EQ(r.size(), 1u);
    ASSERT_EQ(r[0].size(), 2u);
    expect_entries(r[0][0].products_by_revenue, {{"sled", 250, 2, 3}}, "winter");
    expect_entries(r[0][0].categories_by_buyers, {{"toys", 250, 2, 3}}, "winter categories");
    EXPECT_EQ(r[0][0].revenue, 250);
    EXPECT_EQ(r[0][0].buyers, 2u);
    expect_entries(r[0][1].products_by_buyers, {{"kite", 20, 1, 1}}, "summer");
    EXPECT_EQ(r[0][1].buyers, 1u);

    // Winter ending 02-28 leaves the leap day out.
    BestsellerTally short_winter(1, {season("winter", 12, 1, 2, 28)});
    short_winter.add(0, 1, day(2024, 2, 29), "sled", "toys", 50);
    short_winter.add(0, 1, day(2023, 2, 28), "sled", "toys", 60);
    expect_entries(short_winter.result(10, 0)[0][0].products_by_revenue, {{"sled", 60, 1, 1}},
                   "winter to 02-28");
}

TEST(BestsellerTally, CustomerInSeveralGroups) {
    // One customer in groups 0 and 2 (the caller adds the line once per group).
    BestsellerTally t(3, calendar_quarters());
    for (std::size_t g : {0u, 2u}) t.add(g, 5, day(2024, 7, 1), "hat", "", 300);
    t.add(2, 6, day(2024, 9, 30), "hat", "", 100);
    const auto r = t.result(10, 0);
    expect_entries(r[0][2].products_by_revenue, {{"hat", 300, 1, 1}}, "group 0");
    EXPECT_TRUE(r[1][2].products_by_revenue.empty());
    expect_entries(r[2][2].products_by_revenue, {{"hat", 400, 2, 2}}, "group 2");
    EXPECT_TRUE(r[2][2].categories_by_revenue.empty());  // uncategorised
    EXPECT_EQ(r[2][2].revenue, 400);
    EXPECT_EQ(r[2][2].buyers, 2u);
}

TEST(BestsellerTally, SameIdAsProductAndCategory) {
    BestsellerTally t(1, calendar_quarters());
    t.add(0, 1, day(2024, 1, 1), "gift", "gift", 10);
    t.add(0, 2, day(2024, 1, 1), "card", "gift", 5);
    const SeasonBestsellers q1 = t.result(10, 0)[0][0];
    expect_entries(q1.products_by_revenue, {{"gift", 10, 1, 1}, {"card", 5, 1, 1}}, "products");
    expect_entries(q1.categories_by_revenue, {{"gift", 15, 2, 2}}, "categories");
}

TEST(BestsellerTally, CustomerIndicesUseAll32Bits) {
    BestsellerTally t(1, calendar_quarters());
    for (std::uint32_t customer : {0u, 1u, 65536u, 65537u, 0x7fffffffu, 0x80000000u, 0xffffffffu})
        t.add(0, customer, day(2024, 1, 1), "x", "c", 1);
    t.add(0, 0xffffffffu, day(2024, 1, 2), "x", "c", 1);
    const SeasonBestsellers q1 = t.result(10, 0)[0][0];
    expect_entries(q1.products_by_revenue, {{"x", 8, 7, 8}}, "products");
    expect_entries(q1.categories_by_revenue, {{"c", 8, 7, 8}}, "categories");
    EXPECT_EQ(q1.buyers, 7u);
}

TEST(BestsellerTally, Failures) {
    BestsellerTally t(2, calendar_quarters());
    EXPECT_THROW(t.add(2, 0, day(2024, 1, 1), "p", "c", 1), std::out_of_range);
    EXPECT_THROW(t.add(0, 0, day(2024, 1, 1), "", "c", 1), std::invalid_argument);
    t.add(0, 0, day(2024, 1, 1), "p", "c", std::numeric_limits<std::int64_t>::max());
    EXPECT_THROW(t.add(0, 1, day(2024, 1, 2), "q", "c", 1), std::overflow_error);
    // The failed line is not counted: no "q", c still one buyer.
    const SeasonBestsellers q1 = t.result(10, 0)[0][0];
    expect_entries(q1.products_by_revenue, {{"p", std::numeric_limits<std::int64_t>::max(), 1, 1}},
                   "after overflow");
    expect_entries(q1.categories_by_revenue,
                   {{"c", std::numeric_limits<std::int64_t>::max(), 1, 1}}, "after overflow");
    EXPECT_EQ(q1.buyers, 1u);

    // No groups, no seasons.
    BestsellerTally empty(0, calendar_quarters());
    EXPECT_THROW(empty.add(0, 0, 0, "p", "", 1), std::out_of_range);
    EXPECT_TRUE(empty.result(10, 0).empty());
    BestsellerTally no_seasons(2, {});
    no_seasons.add(1, 0, 0, "p", "", 1);  // in no season
    const auto r = no_seasons.result(10, 0);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_TRUE(r[0].empty());
    EXPECT_TRUE(r[1].empty());
}

TEST(BestsellerTally, ManyLinesCountedAcrossSortedRuns) {
    // 3M lines, 9M buyer keys: enough for the tally to sort and merge runs of keys, with the same
    // (customer, product) pairs coming back in every run. Line i: customer 7919 i mod 500000,
    // product p(i mod 1000), category c(i mod 10), amount 1, all on one day of Q1. By hand:
    //   product p: i = p + 1000k (k < 3000), customers 7919000 k = 419000 k mod 500000, and
    //     gcd(419000, 500000) = 1000, so 500 distinct buyers; 3000 lines and revenue;
    //   category c: i = c + 10k (k < 300000), customers 79190 k mod 500000, gcd 10: 50000
    //     buyers; 300000 lines and revenue;
    //   the season: 7919 is prime to 500000, so all 500000 customers; revenue 3000000.
    BestsellerTally t(1, calendar_quarters());
    std::string product, category;
    for (std::uint32_t i = 0; i < 3000000; ++i) {
        product = "p" + std::to_string(i % 1000);
        category = "c" + std::to_string(i % 10);
        t.add(0, static_cast<std::uint32_t>((7919ull * i) % 500000), day(2024, 2, 1), product,
              category, 1);
    }
    const auto r = t.result(3, 0);
    const SeasonBestsellers& q1 = r[0][0];
    expect_entries(q1.products_by_revenue,
                   {{"p0", 3000, 500, 3000}, {"p1", 3000, 500, 3000}, {"p10", 3000, 500, 3000}},
                   "products");
    expect_entries(q1.categories_by_buyers,
                   {{"c0", 300000, 50000, 300000},
                    {"c1", 300000, 50000, 300000},
                    {"c2", 300000, 50000, 300000}},
                   "categories");
    EXPECT_EQ(q1.revenue, 3000000);
    EXPECT_EQ(q1.buyers, 500000u);
    // Every product and category alike.
    const auto all = t.result(2000, 500);
    ASSERT_EQ(all[0][0].products_by_buyers.size(), 1000u);
    for (const BestsellerEntry& e : all[0][0].products_by_buyers) EXPECT_EQ(e.buyers, 500u) << e.id;
    EXPECT_TRUE(t.result(2000, 501)[0][0].products_by_buyers.empty());
    ASSERT_EQ(all[0][0].categories_by_revenue.size(), 10u);
    for (const BestsellerEntry& e : all[0][0].categories_by_revenue)
        EXPECT_EQ(e.buyers, 50000u) << e.id;
}

// ---------------------------------------------------------------------------------------------
// The tally against a reference on random lines

TEST(BestsellerTally, MatchesReferenceOnRandomLines) {
    const std::vector<Season> seasons = {
        season("winter", 12, 1, 2, 29), season("spring", 3, 1, 5, 31),
        season("summer", 6, 15, 8, 31)};  // 06-01..06-14 and autumn: none
    constexpr std::size_t kGroups = 3;
    BestsellerTally tally(kGroups, seasons);

    struct Ref {
        std::int64_t revenue = 0;
        std::uint64_t lines = 0;
        std::set<std::uint32_t> buyers;
    };
    // (group, season, kind 0 product / 1 category / 2 all, id)
    std::map<std::tuple<std::size_t, int, int, std::string>, Ref> ref;

    std::mt19937 random(20240229);
    std::uniform_int_distribution<int> customers(0, 2999), products(0, 399), amounts(1, 5000),
        days(day(2022, 1, 1), day(2024, 12, 31));
    auto check = [&](const char* when) {
        for (const auto& [top, min_buyers] : std::vector<std::pair<std::size_t, std::uint64_t>>{
                 {1000, 0}, {5, 0}, {7, 150}, {3, 400}, {2, 5000}}) {
            const auto result = tally.result(top, min_buyers);
            ASSERT_EQ(result.size(), kGroups);
            for (std::size_t g = 0; g < kGroups; ++g) {
                ASSERT_EQ(result[g].size(), seasons.size());
                for (int s = 0; s < 3; ++s) {
                    std::vector<BestsellerEntry> lists[2];
                    std::int64_t revenue = 0;
                    std::uint64_t buyers = 0;
                    for (const auto& [key, cell] : ref) {
                        const auto& [kg, ks, kind, id] = key;
                        if (kg != g || ks != s) continue;
                        if (kind == 2) {
                            revenue = cell.revenue;
                            buyers = cell.buyers.size();
                        } else if (cell.buyers.size() >= min_buyers) {
                            lists[kind].push_back(
                                {id, cell.revenue, cell.buyers.size(), cell.lines});
                        }
                    }
                    const SeasonBestsellers& b = result[g][static_cast<std::size_t>(s)];
                    const bool small = buyers > 0 && buyers < min_buyers;
                    EXPECT_EQ(b.suppressed, small);
                    EXPECT_EQ(b.revenue, small ? 0 : revenue);
                    EXPECT_EQ(b.buyers, small ? 0 : buyers);
                    const std::vector<BestsellerEntry>* actual[2][2] = {
                        {&b.products_by_revenue, &b.products_by_buyers},
                        {&b.categories_by_revenue, &b.categories_by_buyers}};
                    for (int kind = 0; kind < 2; ++kind) {
                        for (int by = 0; by < 2; ++by) {
                            std::vector<BestsellerEntry> expected = lists[kind];
                            // The documented orders, written out again.
                            std::sort(expected.begin(), expected.end(),
                                      [by](const BestsellerEntry& a, const BestsellerEntry& c) {
                                          if (by == 0 && a.revenue != c.revenue)
                                              return a.revenue > c.revenue;
                                          if (a.buyers != c.buyers) return a.buyers > c.buyers;
                                          if (a.revenue != c.revenue) return a.revenue > c.revenue;
                                          return a.id < c.id;
                                      });
                            if (expected.size() > top) expected.resize(top);
                            const std::vector<BestsellerEntry>& got = *actual[kind][by];
                            ASSERT_EQ(got.size(), expected.size())
                                << "group " << g << " season " << s << " kind " << kind << " by "
                                << by << " top " << top << " min " << min_buyers << " " << when;
                            for (std::size_t i = 0; i < got.size(); ++i) {
                                EXPECT_EQ(got[i].id, expected[i].id);
                                EXPECT_EQ(got[i].revenue, expected[i].revenue);
                                EXPECT_EQ(got[i].buyers, expected[i].buyers);
                                EXPECT_EQ(got[i].lines, expected[i].lines);
                            }
                        }
                    }
                }
            }
        }
    };
    for (int i = 0; i < 200000; ++i) {
        if (i == 100000) check("halfway");  // result() and then more lines
        const auto customer = static_cast<std::uint32_t>(customers(random));
        const int p = products(random);
        const std::string product = "p" + std::to_string(p);
        const std::string category = p % 7 == 0 ? "" : "c" + std::to_string(p % 23);
        const Day d = days(random);
        const std::int64_t amount = amounts(random);
        // The customer's groups: 0 always, 1 for even customers, 2 for every third.
        std::vector<std::size_t> groups = {0};
        if (customer % 2 == 0) groups.push_back(1);
        if (customer % 3 == 0) groups.push_back(2);
        for (std::size_t g : groups) {
            tally.add(g, customer, d, product, category, amount);
            const int s = season_of(seasons, d);
            if (s < 0) continue;
            for (int kind = 0; kind < 3; ++kind) {
                if (kind == 1 && category.empty()) continue;
                Ref& cell = ref[{g, s, kind, kind == 0 ? product : kind == 1 ? category : ""}];
                cell.revenue += amount;
                ++cell.lines;
                cell.buyers.insert(customer);
            }
        }
    }

    check("at the end");
}
