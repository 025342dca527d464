#include "pareto_focus.h"

#include <algorithm>
#include <numeric>

namespace custclass::plugin {

ParetoFocus pareto_focus(const std::vector<ParetoCustomer>& customers) {
    ParetoFocus out;
    for (std::size_t i = 0; i < customers.size(); ++i)
        if (customers[i].monetary > 0) {
            out.order.push_back(i);
            out.revenue += customers[i].monetary;
        }
    std::sort(out.order.begin(), out.order.end(), [&](std::size_t a, std::size_t b) {
        if (customers[a].monetary != customers[b].monetary) return customers[a].monetary > customers[b].monetary;
        return customers[a].customer_id < customers[b].customer_id;
    });
    const std::uint64_t n = out.order.size();
    out.customers = n;
    // Cumulative revenue of the first k customers, k = 0..n.
    std::vector<std::int64_t> ahead(n + 1, 0);
    for (std::size_t k = 0; k < n; ++k) ahead[k + 1] = ahead[k] + customers[out.order[k]].monetary;
    // pareto_class: with s the share of revenue ranked ahead, A if s < 0.80, B if s < 0.95, else
    // C; in integers, 100 × ahead < 80 × total.
    out.classes.resize(n);
    for (std::size_t k = 0; k < n; ++k) {
        const std::int64_t a = ahead[k];
        const std::uint8_t cls = 100 * a < 80 * out.revenue ? 0 : 100 * a < 95 * out.revenue ? 1 : 2;
        out.classes[k] = cls;
        ++out.class_customers[cls];
        out.class_revenue[cls] += customers[out.order[k]].monetary;
    }
    for (int step = 0; step <= 20; ++step) {
        // ceil(step × n / 20) customers.
        const std::uint64_t k = (static_cast<std::uint64_t>(step) * n + 19) / 20;
        out.curve.push_back({n == 0 ? step / 20.0 : static_cast<double>(k) / static_cast<double>(n),
                             out.revenue == 0 ? 0.0 : static_cast<double>(ahead[k]) / static_cast<double>(out.revenue)});
    }
    if (n > 0) {
        std::size_t k = 0;
        while (k < n && 100 * ahead[k] < 80 * out.revenue) ++k;  // the first k with ≥ 80%
        out.customer_share_for_80 = static_cast<double>(k) / static_cast<double>(n);
    }
    return out;
}

}  // namespace custclass::plugin
