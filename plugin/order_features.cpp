// The order family: recency, frequency, monetary value and the other per-customer order
// features, channel shares, and the r/f/m scores with their rfm code (RULES.md section 4),
// all from the folded order totals.
#include <algorithm>
#include <array>
#include <cmath>
#include <future>
#include <iterator>
#include <memory>
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
void rank_scores(const std::vector<std::int64_t>& values, const std::vector<std::uint8_t>& active,
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
void cut_scores(const std::vector<std::int64_t>& values, const std::vector<std::uint8_t>& active,
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
        // The r/f/m rankings first: on threads of their own, while the columns below and the
        // families after this one are built; their columns are added once every family has.
        auto scores = std::make_shared<Scores>(in, table, report);
        columns(in, table);
        in.finish_later.push_back([scores] { scores->finish(); });
    }

private:
    // The number columns and the channel shares, every wanted one, in one pass over the
    // customers' totals over the run's threads: each 64-byte record is read once, not once per
    // column. Amounts in the currency's units as FeatureInputs::money gives them (the same
    // divisor, computed once).
    static void columns(const FeatureInputs& in, FeatureTable& table) {
        enum { Recency, Frequency, Monetary, AverageOrder, Tenure, OrdersTotal, ReturnsRate, kCount };
        static constexpr const char* kNames[kCount] = {"recency_days", "frequency",    "monetary",    "avg_order_value",
                                                       "tenure_days",  "orders_total", "returns_rate"};
        double* out[kCount] = {};
        for (int k = 0; k < kCount; ++k)
            if (in.wants(kNames[k])) out[k] = table.add(kNames[k], ValueType::Number).numbers.data();
        // channel_share(ch): the customer's purchases in the window through ch over all of them.
        // The feature keeps the name the rule wrote; the channel is matched case-insensitively.
        struct Share {
            std::size_t channel;
            double* out;
        };
        std::vector<Share> shares;
        std::vector<std::string> named;
        for (const config::FeatureCall& call : in.calls("channel_share")) {
            const auto at = std::find(in.channels.begin(), in.channels.end(), config::ascii_lower(call.argument));
            if (at == in.channels.end()) continue;
            if (std::find(named.begin(), named.end(), call.name()) != named.end()) continue;  // one column a name
            named.push_back(call.name());
            shares.push_back({static_cast<std::size_t>(at - in.channels.begin()),
                              table.add(call.name(), ValueType::Number).numbers.data()});
        }
        const std::size_t width = in.channels.size();
        const double unit = std::pow(10.0, in.options.currency_decimals);  // FeatureInputs::money's divisor
        const auto money = [unit](std::int64_t minor) { return static_cast<double>(minor) / unit; };
        const Day as_of = in.as_of;
        constexpr Day none = adapters::OrderTotals::kNone;
        parallel_rows(in.rows.size(), in.options.threads, FeatureInputs::kGrain,
                      [&](std::size_t, std::size_t first, std::size_t last) {
            for (std::size_t r = first; r < last; ++r) {
                const std::uint32_t i = in.rows[r];
                const adapters::OrderTotals& a = in.orders[i];
                if (out[Recency])
                    out[Recency][r] = a.last_purchase == none ? kNullNumber : double(as_of - a.last_purchase);
                if (out[Frequency]) out[Frequency][r] = double(a.purchases_window);
                if (out[Monetary]) out[Monetary][r] = money(a.net_amount_window);
                if (out[AverageOrder])
                    out[AverageOrder][r] = a.purchases_window == 0 ? kNullNumber
                                                                   : money(a.purchase_amount_window) / a.purchases_window;
                if (out[Tenure])
                    out[Tenure][r] = a.first_purchase == none ? kNullNumber : double(as_of - a.first_purchase);
                if (out[OrdersTotal]) out[OrdersTotal][r] = double(a.purchases_total);
                if (out[ReturnsRate])
                    out[ReturnsRate][r] = a.orders_window == 0 ? kNullNumber : double(a.returns_window) / a.orders_window;
                // Every channel asked for is counted (the builder lists them from the same calls).
                for (const Share& share : shares)
                    share.out[r] = a.purchases_window == 0
                                       ? kNullNumber
                                       : double(in.channel_purchases[i * width + share.channel]) / a.purchases_window;
            }
        });
    }

    // RFM scores among active customers (frequency >= 1): the three rankings started when made
    // (on up to three of the run's threads, each written by one, beside the caller's work until
    // finish(); on the calling thread alone with one thread), the columns added by finish().
    class Scores {
    public:
        Scores(const FeatureInputs& in, FeatureTable& table, FeatureBuildReport& report) : table_(table) {
            want_rfm_ = in.wants("rfm");
            if (!want_rfm_ && !in.wants("r_score") && !in.wants("f_score") && !in.wants("m_score")) return;
            wanted_ = true;
            const std::size_t n = in.rows.size();
            active_.resize(n);
            recency_.resize(n);
            frequency_.resize(n);
            monetary_.resize(n);
            parallel_rows(n, in.options.threads, FeatureInputs::kGrain, [&](std::size_t, std::size_t first, std::size_t last) {
                for (std::size_t r = first; r < last; ++r) {
                    const auto& a = in.orders[in.rows[r]];
                    active_[r] = a.purchases_window >= 1;
                    recency_[r] = active_[r] ? in.as_of - a.last_purchase : 0;
                    frequency_[r] = a.purchases_window;
                    monetary_[r] = a.net_amount_window;
                }
            });
            // Each score into its column (added now, filled by one ranking) or, when only rfm
            // is wanted, into a vector of its own.
            auto out = [&](const char* name, std::vector<double>& own) -> std::vector<double>& {
                if (!in.wants(name)) {
                    own.assign(n, kNullNumber);
                    return own;
                }
                return table.add(name, ValueType::Number).numbers;
            };
            std::vector<double>& rs = out("r_score", own_[0]);
            std::vector<double>& fs = out("f_score", own_[1]);
            std::vector<double>& ms = out("m_score", own_[2]);
            scores_ = {&rs, &fs, &ms};
            if (const PopulationCuts* cuts = in.options.population) {
                cut_scores(recency_, active_, cuts->recency, rs);
                cut_scores(frequency_, active_, cuts->frequency, fs);
                cut_scores(monetary_, active_, cuts->monetary, ms);
                return;
            }
            struct Ranking {
                const std::vector<std::int64_t>& values;
                bool better_is_larger;
                std::vector<double>& out;
                std::optional<ScoreCuts>& cuts;
            };
            // What the rankings use outlives them: this object's inputs, the table's columns
            // (or own_), the caller's report; not `in`, which a failure may end first.
            const auto rank = [this, &rs, &fs, &ms, &report, threads = in.options.threads] {
                const Ranking rankings[] = {{recency_, false, rs, report.population.recency},
                                            {frequency_, true, fs, report.population.frequency},
                                            {monetary_, true, ms, report.population.monetary}};
                parallel_rows(std::size(rankings), threads, 1,
                              [&](std::size_t, std::size_t first, std::size_t last) {
                                  for (std::size_t k = first; k < last; ++k)
                                      rank_scores(rankings[k].values, active_, rankings[k].better_is_larger,
                                                  rankings[k].out, rankings[k].cuts);
                              });
            };
            if (in.options.threads >= 2)
                ranking_ = std::async(std::launch::async, rank);
            else
                rank();
        }
        // Waits for the rankings (a failure of theirs is thrown here) and codes rfm.
        void finish() {
            if (!wanted_) return;
            if (ranking_.valid()) ranking_.get();
            if (!want_rfm_) return;
            const std::vector<double>& rs = *scores_[0];
            const std::vector<double>& fs = *scores_[1];
            const std::vector<double>& ms = *scores_[2];
            Column& col = table_.add("rfm", ValueType::Text);
            for (std::size_t r = 0; r < active_.size(); ++r)
                if (active_[r]) {
                    const char code[4] = {char('0' + int(rs[r])), char('0' + int(fs[r])), char('0' + int(ms[r])), 0};
                    col.codes[r] = col.intern(code);
                }
        }
        // Not finished (the caller's work failed): the rankings are waited for, their failure
        // dropped, before what they write goes.
        ~Scores() {
            if (!ranking_.valid()) return;
            try {
                ranking_.get();
            } catch (...) {
            }
        }
        Scores(const Scores&) = delete;
        Scores& operator=(const Scores&) = delete;

    private:
        FeatureTable& table_;
        bool wanted_ = false, want_rfm_ = false;
        std::vector<std::uint8_t> active_;  // bytes, not bits: written by ranges over threads
        std::vector<std::int64_t> recency_, frequency_, monetary_;
        std::vector<double> own_[3];
        std::array<std::vector<double>*, 3> scores_{};
        std::future<void> ranking_;  // declared last: waited for first
    };
};

}  // namespace

std::unique_ptr<const FeatureFamily> order_features() { return std::make_unique<OrderFeatures>(); }

}  // namespace custclass::plugin
