#include "pareto_focus.h"

#include <gtest/gtest.h>

using custclass::plugin::pareto_focus;
using custclass::plugin::ParetoCustomer;

namespace {

// Ten customers, revenue 1000 in all, computed by hand:
//   a 400, b 200, c 150 (ahead 600: A), d 100 (ahead 750: A), e 50 (ahead 850: B),
//   f 40 (ahead 900: B), g 30 (ahead 940: B), h 20 (ahead 970: C), i 10 (C); z 0 and y -5 out.
std::vector<ParetoCustomer> shop() {
    return {{"d", 10000}, {"z", 0},    {"a", 40000}, {"i", 1000}, {"c", 15000}, {"y", -500},
            {"e", 5000},  {"b", 20000}, {"g", 3000}, {"f", 4000}, {"h", 2000}};
}

}  // namespace

TEST(ParetoFocus, OrdersByMonetaryAndClassesAsParetoClassDefines) {
    const auto f = pareto_focus(shop());
    const auto in = shop();
    ASSERT_EQ(f.customers, 9u);
    EXPECT_EQ(f.revenue, 100000);
    std::string order, classes;
    for (std::size_t k = 0; k < f.order.size(); ++k) {
        order += in[f.order[k]].customer_id;
        classes += "ABC"[f.classes[k]];
    }
    EXPECT_EQ(order, "abcdefghi");
    EXPECT_EQ(classes, "AAAABBBCC");
    EXPECT_EQ(f.class_customers[0], 4u);
    EXPECT_EQ(f.class_revenue[0], 85000);  // 400 + 200 + 150 + 100
    EXPECT_EQ(f.class_revenue[1], 12000);
    EXPECT_EQ(f.class_revenue[2], 3000);
}

TEST(ParetoFocus, ShareOfCustomersBringingEightyPercent) {
    // a..d bring 850 >= 800 and a..c only 750: 4 of 9.
    EXPECT_DOUBLE_EQ(pareto_focus(shop()).customer_share_for_80, 4.0 / 9.0);
    // Exactly 80% with the first of five customers.
    EXPECT_DOUBLE_EQ(pareto_focus({{"a", 80}, {"b", 5}, {"c", 5}, {"d", 5}, {"e", 5}}).customer_share_for_80, 0.2);
}

TEST(ParetoFocus, CurveAtFivePercentSteps) {
    const auto f = pareto_focus(shop());
    ASSERT_EQ(f.curve.size(), 21u);
    EXPECT_DOUBLE_EQ(f.curve[0].customer_share, 0.0);
    EXPECT_DOUBLE_EQ(f.curve[0].revenue_share, 0.0);
    // 10%: ceil(0.9) = 1 customer (a: 40%); 50%: ceil(4.5) = 5 (a..e: 900 of 1000); 100%: all.
    EXPECT_DOUBLE_EQ(f.curve[2].customer_share, 1.0 / 9.0);
    EXPECT_DOUBLE_EQ(f.curve[2].revenue_share, 0.40);
    EXPECT_DOUBLE_EQ(f.curve[10].customer_share, 5.0 / 9.0);
    EXPECT_DOUBLE_EQ(f.curve[10].revenue_share, 0.90);
    EXPECT_DOUBLE_EQ(f.curve[20].revenue_share, 1.0);
}

TEST(ParetoFocus, TiesGoByCustomerId) {
    const auto f = pareto_focus({{"b", 50}, {"a", 50}, {"c", 50}});
    std::vector<std::size_t> expected = {1, 0, 2};
    EXPECT_EQ(f.order, expected);
}

TEST(ParetoFocus, NobodyWithRevenue) {
    const auto f = pareto_focus({{"a", 0}, {"b", -10}});
    EXPECT_EQ(f.customers, 0u);
    EXPECT_EQ(f.customer_share_for_80, 0.0);
    EXPECT_EQ(f.curve.size(), 21u);
    EXPECT_EQ(f.curve[20].revenue_share, 0.0);
}
