// What the orders of one customer add up to as of a run date: the one aggregate of the order
// features (RULES.md section 4), folded order by order by the engine's scan, summed by the
// database in the pushdown (adapters/soci_source), and combined with merge() wherever partial
// totals meet (pushdown rows of one customer, ranges of a split scan).
#pragma once

#include <climits>
#include <cstdint>

#include "civil_time.h"

namespace custclass::adapters {

using config::Day;

struct OrderTotals {
    static constexpr Day kNone = INT32_MIN;  // no such order

    Day first_order = kNone;  // any order on or before as_of (for the existence rule)
    // The latest order of any kind (a return, a zero amount included) on or before as_of, for
    // retention (PRIVACY.md check 8).
    Day last_order = kNone;
    Day first_purchase = kNone;  // ever, up to as_of
    Day last_purchase = kNone;
    std::uint32_t purchases_total = 0;  // purchases (amount > 0) up to as_of
    std::uint32_t purchases_window = 0;
    std::uint32_t orders_window = 0;
    std::uint32_t returns_window = 0;
    std::int64_t purchase_amount_window = 0;  // minor units
    std::int64_t net_amount_window = 0;       // minor units, returns subtracted

    // One order on `day` (on or before as_of) of `amount` minor units (negative: a return);
    // `in_window`: the day is after the window's (exclusive) start.
    void add(Day day, std::int64_t amount, bool in_window) {
        earliest(first_order, day);
        latest(last_order, day);
        const bool purchase = amount > 0;
        if (purchase) {
            ++purchases_total;
            earliest(first_purchase, day);
            latest(last_purchase, day);
        }
        if (!in_window) return;
        ++orders_window;
        net_amount_window += amount;
        if (purchase) {
            ++purchases_window;
            purchase_amount_window += amount;
        } else if (amount < 0) {
            ++returns_window;
        }
    }

    // The totals of two disjoint sets of orders of the same customer, as one.
    void merge(const OrderTotals& o) {
        earliest(first_order, o.first_order);
        latest(last_order, o.last_order);
        earliest(first_purchase, o.first_purchase);
        latest(last_purchase, o.last_purchase);
        purchases_total += o.purchases_total;
        purchases_window += o.purchases_window;
        orders_window += o.orders_window;
        returns_window += o.returns_window;
        purchase_amount_window += o.purchase_amount_window;
        net_amount_window += o.net_amount_window;
    }

    bool any_order() const { return first_order != kNone; }

private:
    static void earliest(Day& a, Day b) {
        if (b != kNone && (a == kNone || b < a)) a = b;
    }
    static void latest(Day& a, Day b) {
        if (b != kNone && (a == kNone || b > a)) a = b;
    }
};

}  // namespace custclass::adapters
