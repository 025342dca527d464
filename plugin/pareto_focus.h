// The 80/20 focus (POTENTIAL.md item 1): how concentrated revenue is among the customers of a
// run. The customers with monetary > 0, ordered by monetary descending then customer id
// ascending (the order of `pareto_class`, RULES.md section 4), give the concentration curve
// (share of revenue against share of those customers), the smallest share of customers that
// brings 80% of the revenue, and the focus list: the class-A customers in that order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace custclass::plugin {

struct ParetoCustomer {
    std::string customer_id;
    std::int64_t monetary = 0;  // minor units; customers with monetary <= 0 are left out
};

struct ParetoPoint {
    double customer_share = 0;  // of the customers with monetary > 0
    double revenue_share = 0;   // of their total monetary
};

struct ParetoFocus {
    std::uint64_t customers = 0;  // with monetary > 0
    std::int64_t revenue = 0;     // their total, minor units
    // The curve at 0%, 5%, …, 100% of the customers: at share p, the revenue share of the first
    // ceil(p × customers) customers (exact integer arithmetic on the shares' numerators).
    std::vector<ParetoPoint> curve;
    // The smallest k / customers such that the first k customers bring at least 80% of the
    // revenue (0 with no customer).
    double customer_share_for_80 = 0;
    // Per class A, B, C (pareto_class): customers and revenue.
    std::uint64_t class_customers[3] = {0, 0, 0};
    std::int64_t class_revenue[3] = {0, 0, 0};
    // Indices into the input of the customers with monetary > 0, in the order above, each with
    // its class (0 A, 1 B, 2 C).
    std::vector<std::size_t> order;
    std::vector<std::uint8_t> classes;
};

// Any order of input; ids must be unique for the order to be total.
ParetoFocus pareto_focus(const std::vector<ParetoCustomer>& customers);

}  // namespace custclass::plugin
