// The order aggregate: folding orders one by one, and merging the totals of disjoint parts,
// give the same totals whatever the split (what the scan, a split scan and the pushdown rely on).
#include <gtest/gtest.h>

#include <random>
#include <tuple>

#include "order_totals.h"

namespace custclass::adapters {
namespace {

auto fields(const OrderTotals& t) {
    return std::tuple(t.first_order, t.last_order, t.first_purchase, t.last_purchase, t.purchases_total,
                      t.purchases_window, t.orders_window, t.returns_window, t.purchase_amount_window,
                      t.net_amount_window);
}

TEST(OrderTotals, FoldsOrdersByTheDefinitions) {
    // Window: days > 100. A purchase before the window, a return and a zero order inside it.
    OrderTotals t;
    t.add(90, 1500, false);
    t.add(120, -500, true);
    t.add(130, 0, true);
    t.add(110, 2000, true);
    EXPECT_EQ(t.first_order, 90);
    EXPECT_EQ(t.last_order, 130);
    EXPECT_EQ(t.first_purchase, 90);
    EXPECT_EQ(t.last_purchase, 110);
    EXPECT_EQ(t.purchases_total, 2u);
    EXPECT_EQ(t.purchases_window, 1u);
    EXPECT_EQ(t.orders_window, 3u);
    EXPECT_EQ(t.returns_window, 1u);
    EXPECT_EQ(t.purchase_amount_window, 2000);
    EXPECT_EQ(t.net_amount_window, 1500);
    EXPECT_TRUE(t.any_order());
    EXPECT_FALSE(OrderTotals{}.any_order());
}

TEST(OrderTotals, MergingPartsEqualsFoldingTheWhole) {
    std::mt19937 random(20261206);
    for (int trial = 0; trial < 200; ++trial) {
        const int n = static_cast<int>(random() % 12);
        std::vector<std::pair<Day, std::int64_t>> orders;
        for (int k = 0; k < n; ++k)
            orders.emplace_back(static_cast<Day>(random() % 200), static_cast<std::int64_t>(random() % 2001) - 500);
        OrderTotals whole, left, right;
        const auto cut = n == 0 ? 0 : random() % (n + 1);
        for (int k = 0; k < n; ++k) {
            const auto [day, amount] = orders[static_cast<std::size_t>(k)];
            whole.add(day, amount, day > 100);
            (static_cast<unsigned>(k) < cut ? left : right).add(day, amount, day > 100);
        }
        OrderTotals merged = left;
        merged.merge(right);
        EXPECT_EQ(fields(merged), fields(whole)) << "trial " << trial;
        OrderTotals other_way = right;
        other_way.merge(left);
        EXPECT_EQ(fields(other_way), fields(whole)) << "trial " << trial;
    }
}

}  // namespace
}  // namespace custclass::adapters
