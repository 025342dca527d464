// E-mail list growth: captures counted per month and source, every month of the span listed,
// small cells suppressed — against counts made by hand.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "signup_growth.h"

using namespace custclass::plugin;
using custclass::config::Day;

namespace {

Day day(int y, unsigned m, unsigned d) {
    using namespace std::chrono;
    return static_cast<Day>(
        sys_days{year{y} / month{m} / std::chrono::day{d}}.time_since_epoch().count());
}

void add(std::vector<SignupCapture>& captures, int n, Day d, const std::string& source) {
    for (int i = 0; i < n; ++i) captures.push_back({d, source});
}

using Counts = std::map<std::string, std::uint64_t>;
using Names = std::vector<std::string>;

}  // namespace

// By hand, k = 3:
//   2024-01: web 3, popup 1                  -> web 3; popup <3; total 4
//   2024-02: nothing                         -> total 0, shown
//   2024-03: web 2, popup 5, checkout 1      -> popup 5; checkout, web <3; total 8
//   2024-04: web 1                           -> web <3; total <3
//   all: web 6, popup 6, checkout 1, total 13 -> web 6, popup 6; checkout <3; total 13
TEST(SignupGrowth, MonthsSourcesAndSuppression) {
    std::vector<SignupCapture> c;
    // Not in day order.
    add(c, 2, day(2024, 3, 2), "web");
    add(c, 1, day(2024, 4, 1), "web");
    add(c, 3, day(2024, 1, 5), "web");
    add(c, 5, day(2024, 3, 31), "popup");
    add(c, 1, day(2024, 1, 31), "popup");
    add(c, 1, day(2024, 3, 15), "checkout");

    const SignupGrowth g = count_signups(c, 3);
    EXPECT_EQ(g.min_count, 3u);
    ASSERT_EQ(g.periods.size(), 4u);

    EXPECT_EQ(g.periods[0].period, "2024-01");
    EXPECT_EQ(g.periods[0].by_source, (Counts{{"web", 3}}));
    EXPECT_EQ(g.periods[0].suppressed_sources, (Names{"popup"}));
    EXPECT_EQ(g.periods[0].total, 4u);
    EXPECT_FALSE(g.periods[0].total_suppressed);

    EXPECT_EQ(g.periods[1].period, "2024-02");
    EXPECT_TRUE(g.periods[1].by_source.empty());
    EXPECT_TRUE(g.periods[1].suppressed_sources.empty());
    EXPECT_EQ(g.periods[1].total, 0u);
    EXPECT_FALSE(g.periods[1].total_suppressed);

    EXPECT_EQ(g.periods[2].period, "2024-03");
    EXPECT_EQ(g.periods[2].by_source, (Counts{{"popup", 5}}));
    EXPECT_EQ(g.periods[2].suppressed_sources, (Names{"checkout", "web"}));
    EXPECT_EQ(g.periods[2].total, 8u);
    EXPECT_FALSE(g.periods[2].total_suppressed);

    EXPECT_EQ(g.periods[3].period, "2024-04");
    EXPECT_TRUE(g.periods[3].by_source.empty());
    EXPECT_EQ(g.periods[3].suppressed_sources, (Names{"web"}));
    EXPECT_EQ(g.periods[3].total, 0u);
    EXPECT_TRUE(g.periods[3].total_suppressed);

    EXPECT_EQ(g.total_by_source, (Counts{{"popup", 6}, {"web", 6}}));
    EXPECT_EQ(g.suppressed_sources, (Names{"checkout"}));
    EXPECT_EQ(g.total, 13u);
    EXPECT_FALSE(g.total_suppressed);
}

TEST(SignupGrowth, NoSuppressionBelowTwo) {
    std::vector<SignupCapture> c;
    add(c, 1, day(2024, 1, 5), "web");
    add(c, 2, day(2024, 3, 1), "popup");
    for (std::uint64_t k : {0u, 1u}) {
        const SignupGrowth g = count_signups(c, k);
        ASSERT_EQ(g.periods.size(), 3u);
        EXPECT_EQ(g.periods[0].by_source, (Counts{{"web", 1}}));
        EXPECT_EQ(g.periods[0].total, 1u);
        EXPECT_FALSE(g.periods[0].total_suppressed);
        EXPECT_TRUE(g.periods[0].suppressed_sources.empty());
        EXPECT_EQ(g.periods[1].total, 0u);
        EXPECT_EQ(g.periods[2].by_source, (Counts{{"popup", 2}}));
        EXPECT_EQ(g.total_by_source, (Counts{{"popup", 2}, {"web", 1}}));
        EXPECT_EQ(g.total, 3u);
        EXPECT_TRUE(g.suppressed_sources.empty());
    }
}

TEST(SignupGrowth, AcrossTheYearEnd) {
    std::vector<SignupCapture> c;
    add(c, 1, day(2024, 2, 1), "web");
    add(c, 1, day(2023, 11, 30), "web");
    add(c, 1, day(2023, 12, 31), "web");
    const SignupGrowth g = count_signups(c, 0);
    ASSERT_EQ(g.periods.size(), 4u);
    EXPECT_EQ(g.periods[0].period, "2023-11");
    EXPECT_EQ(g.periods[1].period, "2023-12");
    EXPECT_EQ(g.periods[2].period, "2024-01");
    EXPECT_EQ(g.periods[3].period, "2024-02");
    EXPECT_EQ(g.periods[0].total, 1u);
    EXPECT_EQ(g.periods[1].total, 1u);
    EXPECT_EQ(g.periods[2].total, 0u);
    EXPECT_EQ(g.periods[3].total, 1u);
}

TEST(SignupGrowth, OneMonthAndWholeTotalSuppressed) {
    std::vector<SignupCapture> c;
    add(c, 2, day(1999, 7, 20), "store");
    const SignupGrowth g = count_signups(c, 5);
    ASSERT_EQ(g.periods.size(), 1u);
    EXPECT_EQ(g.periods[0].period, "1999-07");
    EXPECT_TRUE(g.periods[0].by_source.empty());
    EXPECT_EQ(g.periods[0].suppressed_sources, (Names{"store"}));
    EXPECT_TRUE(g.periods[0].total_suppressed);
    EXPECT_EQ(g.periods[0].total, 0u);
    EXPECT_TRUE(g.total_by_source.empty());
    EXPECT_EQ(g.suppressed_sources, (Names{"store"}));
    EXPECT_TRUE(g.total_suppressed);
    EXPECT_EQ(g.total, 0u);
}

TEST(SignupGrowth, EmptyAndEdges) {
    const SignupGrowth none = count_signups({}, 3);
    EXPECT_TRUE(none.periods.empty());
    EXPECT_TRUE(none.total_by_source.empty());
    EXPECT_EQ(none.total, 0u);
    EXPECT_FALSE(none.total_suppressed);

    // The first and last days "YYYY-MM" can write.
    const SignupGrowth edges =
        count_signups({{day(0, 1, 1), "a"}, {day(0, 2, 29), "a"}, {day(9999, 12, 31), "b"}}, 0);
    ASSERT_EQ(edges.periods.size(), 120000u);
    EXPECT_EQ(edges.periods.front().period, "0000-01");
    EXPECT_EQ(edges.periods[1].period, "0000-02");
    EXPECT_EQ(edges.periods[1].total, 1u);
    EXPECT_EQ(edges.periods[12].period, "0001-01");
    EXPECT_EQ(edges.periods.back().period, "9999-12");
    EXPECT_EQ(edges.periods.back().by_source, (Counts{{"b", 1}}));
}

TEST(SignupGrowth, Failures) {
    try {
        count_signups({{day(2024, 1, 1), "web"}, {day(2024, 1, 2), ""}}, 0);
        ADD_FAILURE() << "no exception";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("capture 1"), std::string::npos) << e.what();
    }
    EXPECT_THROW(count_signups({{day(0, 1, 1) - 1, "web"}}, 0), std::invalid_argument);
    EXPECT_THROW(count_signups({{day(10000, 1, 1), "web"}}, 0), std::invalid_argument);
}
