#include "segment_profiles.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

namespace custclass::plugin {

namespace {

using json = nlohmann::ordered_json;

constexpr const char* kWeekdays[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

double ratio(double part, double whole) { return whole == 0 ? 0.0 : part / whole; }

// Rounded for reading; the shares and statistics are not money.
double rounded(double v, int places = 6) {
    const double f = std::pow(10.0, places);
    return std::round(v * f) / f;
}

class Profiler {
public:
    Profiler(const RunAssignments& run, const FeatureTable& table, const PurchasePatterns& patterns,
             const ProfileRequest& request)
        : run_(run), table_(table), patterns_(patterns), request_(request) {
        table_row_.resize(run.customer_ids.size());
        for (std::size_t r = 0; r < run.customer_ids.size(); ++r) {
            const auto t = table.row_of(run.customer_ids[r]);
            table_row_[r] = t ? static_cast<std::int64_t>(*t) : -1;
        }
        monetary_ = table.find("monetary");
        for (std::size_t r = 0; r < table_row_.size(); ++r) total_revenue_ += revenue_of(r);
    }

    json document() const {
        json classifications = json::array();
        for (std::size_t c = 0; c < run_.classifications.size(); ++c) {
            const auto& cls = run_.classifications[c];
            json segments = json::array();
            for (std::size_t s = 0; s < cls.segments.size(); ++s) {
                std::vector<std::size_t> members;
                for (std::size_t r = 0; r < run_.customer_ids.size(); ++r)
                    if (cls.member(r, s)) members.push_back(r);
                segments.push_back(segment(cls.segments[s], members, patterns_.segments[c][s]));
            }
            json unclassified = {{"customers", suppressible(cls.result.unclassified)}};
            classifications.push_back({{"id", cls.id},
                                       {"label", cls.label},
                                       {"mode", cls.all_matches ? "all_matches" : "first_match"},
                                       {"segments", std::move(segments)},
                                       {"unclassified", std::move(unclassified)}});
        }
        std::uint64_t missing = 0;
        for (const auto t : table_row_) missing += t < 0;
        return {{"k", request_.k},
                {"population",
                 {{"customers", run_.customer_ids.size()},
                  {"revenue", rounded(total_revenue_, 2)},
                  {"not_in_current_data", missing},
                  {"revenue_concentration", concentration()}}},
                {"features",
                 {{"numeric", request_.numeric_features}, {"text", request_.text_features}}},
                {"classifications", std::move(classifications)}};
    }

private:
    // The revenue concentration (Pareto) curve over the customers with monetary > 0, ranked by
    // monetary descending: the share of revenue the top x% bring, every 5%, and the share of
    // those customers that brings 80% of it.
    json concentration() const {
        std::vector<double> values;
        for (std::size_t r = 0; r < table_row_.size(); ++r)
            if (const double v = revenue_of(r); v > 0) values.push_back(v);
        std::sort(values.begin(), values.end(), std::greater<>());
        double total = 0;
        for (const double v : values) total += v;
        json points = json::array({{{"customers_share", 0.0}, {"revenue_share", 0.0}}});
        json for_80 = nullptr;
        double cumulative = 0;
        std::size_t next_point = 1;
        for (std::size_t i = 0; i < values.size(); ++i) {
            cumulative += values[i];
            const double customers_share = static_cast<double>(i + 1) / static_cast<double>(values.size());
            if (for_80.is_null() && cumulative >= 0.8 * total) for_80 = rounded(customers_share);
            while (next_point <= 20 && customers_share >= 0.05 * static_cast<double>(next_point) - 1e-12) {
                points.push_back({{"customers_share", rounded(0.05 * static_cast<double>(next_point))},
                                  {"revenue_share", rounded(cumulative / total)}});
                ++next_point;
            }
        }
        return {{"customers", values.size()},
                {"share_of_customers_for_80_percent", for_80},
                {"points", values.empty() ? json::array() : std::move(points)}};
    }

    bool small(std::uint64_t customers) const {
        return customers > 0 && customers < static_cast<std::uint64_t>(request_.k);
    }
    json suppressible(std::uint64_t customers) const {
        return small(customers) ? json(nullptr) : json(customers);
    }
    double money(std::int64_t minor) const {
        return static_cast<double>(minor) / std::pow(10.0, request_.currency_decimals);
    }
    double revenue_of(std::size_t r) const {
        if (!monetary_ || table_row_[r] < 0) return 0;
        const double v = monetary_->numbers[static_cast<std::size_t>(table_row_[r])];
        return is_null(v) ? 0 : v;
    }

    json segment(const SegmentName& name, const std::vector<std::size_t>& members,
                 const SegmentPurchases& purchases) const {
        json out = {{"id", name.id}, {"label", name.label}};
        if (!name.description.empty()) out["description"] = name.description;
        if (small(members.size())) {
            out["suppressed"] = true;
            out["customers"] = nullptr;
            out["reason"] = "fewer than " + std::to_string(request_.k) +
                            " customers (the privacy policy's small-cell threshold)";
            return out;
        }
        out["suppressed"] = false;
        double revenue = 0;
        for (const std::size_t r : members) revenue += revenue_of(r);
        out["customers"] = members.size();
        out["share_of_customers"] = rounded(ratio(static_cast<double>(members.size()),
                                                  static_cast<double>(run_.customer_ids.size())));
        out["revenue"] = rounded(revenue, 2);
        out["share_of_revenue"] = rounded(ratio(revenue, total_revenue_));
        out["numeric"] = numeric(members);
        out["text"] = text(members);
        out["top_categories"] = categories(purchases);
        out["top_products"] = products(purchases);
        add_channels(out, purchases);
        json weekday = json::array(), hour = json::array();
        for (std::size_t d = 0; d < 7; ++d) weekday.push_back(cell("day", kWeekdays[d], purchases.by_weekday[d]));
        for (std::size_t h = 0; h < 24; ++h) hour.push_back(cell("hour", h, purchases.by_hour[h]));
        out["purchases_by_weekday"] = std::move(weekday);
        out["purchases_by_hour"] = std::move(hour);
        return out;
    }

    template <typename Key>
    json cell(const char* key_name, Key key, const PurchaseTally& t) const {
        json c = {{key_name, key}};
        if (small(t.buyers)) {
            c["purchases"] = nullptr;
            c["buyers"] = nullptr;
            c["suppressed"] = true;
        } else {
            c["purchases"] = t.purchases;
            c["buyers"] = t.buyers;
        }
        return c;
    }

    json numeric(const std::vector<std::size_t>& members) const {
        json out = json::object();
        for (const auto& name : request_.numeric_features) {
            const Column* col = table_.find(name);
            if (!col || col->type != ValueType::Number) continue;
            std::vector<double> values;
            for (const std::size_t r : members) {
                if (table_row_[r] < 0) continue;
                const double v = col->numbers[static_cast<std::size_t>(table_row_[r])];
                if (!is_null(v)) values.push_back(v);
            }
            if (values.empty() || small(values.size())) {
                out[name] = {{"customers", suppressible(values.size())}};
                continue;
            }
            std::sort(values.begin(), values.end());
            double sum = 0;
            for (const double v : values) sum += v;
            out[name] = {{"customers", values.size()},
                         {"mean", rounded(sum / static_cast<double>(values.size()))},
                         {"median", rounded(percentile(values, 0.5))},
                         {"p10", rounded(percentile(values, 0.1))},
                         {"p90", rounded(percentile(values, 0.9))}};
        }
        return out;
    }

    json text(const std::vector<std::size_t>& members) const {
        json out = json::object();
        for (const auto& name : request_.text_features) {
            const Column* col = table_.find(name);
            if (!col || (col->type != ValueType::Text && col->type != ValueType::TextList)) continue;
            std::vector<std::uint64_t> counts(col->dictionary.size(), 0);
            std::uint64_t missing = 0, with_value = 0;
            for (const std::size_t r : members) {
                if (table_row_[r] < 0) continue;
                const auto t = static_cast<std::size_t>(table_row_[r]);
                if (col->type == ValueType::Text) {
                    const std::int32_t code = col->codes[t];
                    if (code == kNullCode) {
                        ++missing;
                    } else {
                        ++counts[static_cast<std::size_t>(code)];
                        ++with_value;
                    }
                    continue;
                }
                if (col->list_null[t] || col->offsets[t] == col->offsets[t + 1]) {
                    ++missing;
                    continue;
                }
                ++with_value;
                for (std::uint32_t i = col->offsets[t]; i < col->offsets[t + 1]; ++i)
                    ++counts[static_cast<std::size_t>(col->codes[i])];
            }
            std::vector<std::size_t> order;
            for (std::size_t v = 0; v < counts.size(); ++v)
                if (counts[v] > 0) order.push_back(v);
            std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
                return counts[a] != counts[b] ? counts[a] > counts[b]
                                              : col->dictionary[a] < col->dictionary[b];
            });
            json values = json::array();
            std::uint64_t other = 0;
            for (const std::size_t v : order) {
                if (values.size() < request_.top && !small(counts[v]))
                    values.push_back({{"value", col->dictionary[v]},
                                      {"customers", counts[v]},
                                      {"share", rounded(ratio(static_cast<double>(counts[v]),
                                                              static_cast<double>(members.size())))}});
                else
                    other += counts[v];
            }
            // A list feature counts a customer once per value: its "other" is a count of values.
            out[name] = {{"values", std::move(values)},
                         {"other", suppressible(other)},
                         {"missing", suppressible(missing)}};
            if (col->type == ValueType::TextList) out[name]["customers_with_values"] = suppressible(with_value);
        }
        return out;
    }

    // The `top` entries of a tally map by amount (ties by name), leaving out small cells.
    std::vector<std::pair<std::string, PurchaseTally>> top_by_amount(
        const std::map<std::string, PurchaseTally>& tallies) const {
        std::vector<std::pair<std::string, PurchaseTally>> all;
        for (const auto& [k, t] : tallies)
            if (!small(t.buyers)) all.emplace_back(k, t);
        std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
            return a.second.amount != b.second.amount ? a.second.amount > b.second.amount : a.first < b.first;
        });
        if (all.size() > request_.top) all.resize(request_.top);
        return all;
    }

    json categories(const SegmentPurchases& p) const {
        json out = json::array();
        if (!patterns_.has_lines) return out;
        for (const auto& [name, t] : top_by_amount(p.categories)) {
            const double share = ratio(static_cast<double>(t.amount), static_cast<double>(p.line_amount));
            const auto pop = patterns_.population.categories.find(name);
            const double pop_share =
                pop == patterns_.population.categories.end()
                    ? 0
                    : ratio(static_cast<double>(pop->second.amount),
                            static_cast<double>(patterns_.population.line_amount));
            out.push_back({{"category", name},
                           {"amount", money(t.amount)},
                           {"buyers", t.buyers},
                           {"share", rounded(share)},
                           {"population_share", rounded(pop_share)},
                           {"lift", pop_share == 0 ? json(nullptr) : json(rounded(share / pop_share))}});
        }
        return out;
    }

    json products(const SegmentPurchases& p) const {
        json out = json::array();
        for (const auto& [id, t] : top_by_amount(p.products))
            out.push_back({{"product_id", id},
                           {"amount", money(t.amount)},
                           {"lines", t.purchases},
                           {"buyers", t.buyers}});
        return out;
    }

    void add_channels(json& out, const SegmentPurchases& p) const {
        std::uint64_t purchases = 0;
        for (const auto& [_, t] : p.channels) purchases += t.purchases;
        json channels = json::array();
        std::string preferred;
        std::uint64_t best = 0;
        for (const auto& [name, t] : p.channels) {  // name order: the first of equal counts wins
            if (small(t.buyers)) continue;
            channels.push_back({{"channel", name},
                                {"purchases", t.purchases},
                                {"buyers", t.buyers},
                                {"share", rounded(ratio(static_cast<double>(t.purchases),
                                                        static_cast<double>(purchases)))}});
            if (t.purchases > best) {
                best = t.purchases;
                preferred = name;
            }
        }
        out["channels"] = std::move(channels);
        out["preferred_channel"] = preferred.empty() ? json(nullptr) : json(preferred);
    }

    const RunAssignments& run_;
    const FeatureTable& table_;
    const PurchasePatterns& patterns_;
    const ProfileRequest& request_;
    std::vector<std::int64_t> table_row_;  // the table's row of each run customer, -1 if none
    const Column* monetary_ = nullptr;
    double total_revenue_ = 0;
};

}  // namespace

double percentile(const std::vector<double>& sorted, double p) {
    const double h = static_cast<double>(sorted.size() - 1) * p;
    const auto lo = static_cast<std::size_t>(std::floor(h));
    if (lo + 1 >= sorted.size()) return sorted.back();
    return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[lo + 1] - sorted[lo]);
}

nlohmann::ordered_json segment_profiles(const RunAssignments& run, const FeatureTable& table,
                                        const PurchasePatterns& patterns,
                                        const ProfileRequest& request) {
    return Profiler(run, table, patterns, request).document();
}

}  // namespace custclass::plugin
