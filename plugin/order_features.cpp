// The order family: recency, frequency, monetary value and the other per-customer order
// features, channel shares, and the r/f/m scores with their rfm code (RULES.md section 4),
// all from the folded order totals.
#include <algorithm>
#include <iterator>
#include <utility>

#include "feature_family.h"
#include "parallel_rows.h"
#include "radix_sort.h"
#include "text.h"

namespace custclass::plugin {

namespace {

// r/f/m score: 1 + floor(5 × w / n), w = active customers with a strictly worse value.
// `better_is_larger` says which direction is better; `active` selects the ranked rows. The
// cut points of the ranking go to `cuts`.
void rank_scores(const std::vector<std::int64_t>& values, const std::vector<bool>& active,
                 bool better_is_larger, std::vector<double>& out, std::optional<ScoreCuts>& cuts) {
    // The active rows sorted by value: a run of equal values at positions [first, last) has
    // `first` values strictly smaller and n − last strictly larger, so every row's count comes
    // from one pass over the runs (not a binary search per row, a cache miss at each step).
    std::vector<ValueRow> order;  // (value, row), rows in increasing order
    for (std::size_t i = 0; i < values.size(); ++i)
        if (active[i]) order.emplace_back(values[i], static_cast<std::uint32_t>(i));
    {
        std::vector<ValueRow> scratch;
        radix_sort_by_value(order, scratch);  // as std::sort of the pairs
    }
    std::vector<std::int64_t> sorted(order.size());
    for (std::size_t k = 0; k < order.size(); ++k) sorted[k] = order[k].first;
    cuts = ScoreCuts::of_ascending(sorted, better_is_larger);
    const auto n = static_cast<std::int64_t>(order.size());
    for (std::size_t first = 0, last = 0; first < order.size(); first = last) {
        while (last < order.size() && order[last].first == order[first].first) ++last;
        const std::int64_t worse = better_is_larger ? static_cast<std::int64_t>(first)  // strictly smaller
                                                    : n - static_cast<std::int64_t>(last);  // strictly larger
        const auto score = static_cast<double>(1 + (5 * worse) / n);
        for (std::size_t k = first; k < last; ++k) out[order[k].second] = score;
    }
}

// The same scores against the cut points of an earlier run (the hooks).
void cut_scores(const std::vector<std::int64_t>& values, const std::vector<bool>& active,
                const std::optional<ScoreCuts>& cuts, std::vector<double>& out) {
    for (std::size_t i = 0; i < values.size(); ++i)
        if (active[i]) out[i] = cuts ? static_cast<double>(cuts->score(values[i])) : 1.0;
}

class OrderFeatures final : public FeatureFamily {
public:
    std::string_view name() const override { return "orders"; }
    std::vector<std::string_view> features() const override {
        return {"recency_days", "frequency", "monetary", "avg_order_value", "tenure_days", "orders_total",
                "returns_rate", "r_score", "f_score", "m_score", "rfm"};
    }
    std::vector<std::string_view> functions() const override { return {"channel_share"}; }

    void build(const FeatureInputs& in, FeatureTable& table, FeatureBuildReport& report) const override {
        const auto& agg = in.orders;
        const Day as_of = in.as_of;
        constexpr Day none = adapters::OrderTotals::kNone;
        in.number(table, "recency_days", [&](std::uint32_t i) {
            return agg[i].last_purchase == none ? kNullNumber : double(as_of - agg[i].last_purchase);
        });
        in.number(table, "frequency", [&](std::uint32_t i) { return double(agg[i].purchases_window); });
        in.number(table, "monetary", [&](std::uint32_t i) { return in.money(agg[i].net_amount_window); });
        in.number(table, "avg_order_value", [&](std::uint32_t i) {
            const auto& a = agg[i];
            return a.purchases_window == 0 ? kNullNumber : in.money(a.purchase_amount_window) / a.purchases_window;
        });
        in.number(table, "tenure_days", [&](std::uint32_t i) {
            return agg[i].first_purchase == none ? kNullNumber : double(as_of - agg[i].first_purchase);
        });
        in.number(table, "orders_total", [&](std::uint32_t i) { return double(agg[i].purchases_total); });
        in.number(table, "returns_rate", [&](std::uint32_t i) {
            const auto& a = agg[i];
            return a.orders_window == 0 ? kNullNumber : double(a.returns_window) / a.orders_window;
        });
        channel_shares(in, table);
        scores(in, table, report);
    }

private:
    // channel_share(ch): the customer's purchases in the window through ch over all of them.
    // The feature keeps the name the rule wrote; the channel is matched case-insensitively.
    static void channel_shares(const FeatureInputs& in, FeatureTable& table) {
        const std::size_t width = in.channels.size();
        for (const config::FeatureCall& call : in.calls("channel_share")) {
            const auto at = std::find(in.channels.begin(), in.channels.end(), config::ascii_lower(call.argument));
            if (at == in.channels.end()) continue;
            const auto k = static_cast<std::size_t>(at - in.channels.begin());
            Column& col = table.add(call.name(), ValueType::Number);
            for (std::size_t r = 0; r < in.rows.size(); ++r) {
                const std::uint32_t i = in.rows[r];
                const std::uint32_t purchases = in.orders[i].purchases_window;
                // Every channel asked for is counted (the builder lists them from the same calls).
                col.numbers[r] = purchases == 0 ? kNullNumber
                                                : double(in.channel_purchases[i * width + k]) / purchases;
            }
        }
    }

    // RFM scores among active customers (frequency >= 1).
    static void scores(const FeatureInputs& in, FeatureTable& table, FeatureBuildReport& report) {
        const bool want_rfm = in.wants("rfm");
        if (!want_rfm && !in.wants("r_score") && !in.wants("f_score") && !in.wants("m_score")) return;
        const std::size_t n = in.rows.size();
        std::vector<bool> active(n);
        std::vector<std::int64_t> recency(n), frequency(n), monetary(n);
        for (std::size_t r = 0; r < n; ++r) {
            const auto& a = in.orders[in.rows[r]];
            active[r] = a.purchases_window >= 1;
            recency[r] = active[r] ? in.as_of - a.last_purchase : 0;
            frequency[r] = a.purchases_window;
            monetary[r] = a.net_amount_window;
        }
        std::vector<double> rs(n, kNullNumber), fs(n, kNullNumber), ms(n, kNullNumber);
        if (const PopulationCuts* cuts = in.options.population) {
            cut_scores(recency, active, cuts->recency, rs);
            cut_scores(frequency, active, cuts->frequency, fs);
            cut_scores(monetary, active, cuts->monetary, ms);
        } else {
            // Three independent rankings (a sort of the active customers each): on up to three
            // of the run's threads, each written by one.
            struct Ranking {
                const std::vector<std::int64_t>& values;
                bool better_is_larger;
                std::vector<double>& out;
                std::optional<ScoreCuts>& cuts;
            };
            const Ranking rankings[] = {{recency, false, rs, report.population.recency},
                                        {frequency, true, fs, report.population.frequency},
                                        {monetary, true, ms, report.population.monetary}};
            parallel_rows(std::size(rankings), in.options.threads, 1,
                          [&](std::size_t, std::size_t first, std::size_t last) {
                              for (std::size_t k = first; k < last; ++k)
                                  rank_scores(rankings[k].values, active, rankings[k].better_is_larger,
                                              rankings[k].out, rankings[k].cuts);
                          });
        }
        if (in.wants("r_score")) table.add("r_score", ValueType::Number).numbers = rs;
        if (in.wants("f_score")) table.add("f_score", ValueType::Number).numbers = fs;
        if (in.wants("m_score")) table.add("m_score", ValueType::Number).numbers = ms;
        if (want_rfm) {
            Column& col = table.add("rfm", ValueType::Text);
            for (std::size_t r = 0; r < n; ++r)
                if (active[r]) {
                    const char code[4] = {char('0' + int(rs[r])), char('0' + int(fs[r])), char('0' + int(ms[r])), 0};
                    col.codes[r] = col.intern(code);
                }
        }
    }
};

}  // namespace

std::unique_ptr<const FeatureFamily> order_features() { return std::make_unique<OrderFeatures>(); }

}  // namespace custclass::plugin
