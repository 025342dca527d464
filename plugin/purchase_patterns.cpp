#include "purchase_patterns.h"

#include <algorithm>
#include <unordered_map>

#include "value_parsing.h"

namespace custclass::plugin {

namespace {

// Codes for the values of one dimension (channel, category, product) and the distinct
// (customer, value) pairs seen, from which buyers are counted once the reading is done.
struct Dimension {
    std::vector<std::string> names;
    std::unordered_map<std::string, std::uint32_t> codes;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;  // (customer row, code)

    std::uint32_t code(const std::string& name) {
        const auto [it, inserted] = codes.try_emplace(name, static_cast<std::uint32_t>(names.size()));
        if (inserted) names.push_back(name);
        return it->second;
    }
};

template <typename Fn>
void for_each_segment(const RunAssignments& run, std::size_t row, Fn&& fn) {
    for (std::size_t c = 0; c < run.classifications.size(); ++c) {
        const auto& cls = run.classifications[c];
        if (!cls.all_matches) {
            const std::int32_t s = cls.result.segment[row];
            if (s >= 0) fn(c, static_cast<std::size_t>(s));
            continue;
        }
        for (std::size_t s = 0; s < cls.segments.size(); ++s)
            if (cls.result.matches[s][row]) fn(c, s);
    }
}

// Adds the buyers of each value: every distinct (customer, value) pair counts once in the
// population and in each segment of the customer.
void count_buyers(Dimension& d, const RunAssignments& run, PurchasePatterns& out,
                  std::map<std::string, PurchaseTally> SegmentPurchases::*member) {
    std::sort(d.pairs.begin(), d.pairs.end());
    d.pairs.erase(std::unique(d.pairs.begin(), d.pairs.end()), d.pairs.end());
    for (const auto& [row, code] : d.pairs) {
        const std::string& name = d.names[code];
        ++(out.population.*member)[name].buyers;
        for_each_segment(run, row, [&](std::size_t c, std::size_t s) {
            ++(out.segments[c][s].*member)[name].buyers;
        });
    }
}

}  // namespace

PurchasePatterns read_purchase_patterns(adapters::Source& source, const RunAssignments& run,
                                        const PurchaseWindow& window) {
    PurchasePatterns out;
    out.segments.resize(run.classifications.size());
    for (std::size_t c = 0; c < run.classifications.size(); ++c)
        out.segments[c].resize(run.classifications[c].segments.size());

    const config::TimeZone zone(window.time_zone);
    const config::Day first_day = static_cast<config::Day>(window.as_of - window.window_days + 1);
    auto in_window = [&](const config::Timestamp& at, std::int64_t amount,
                         std::int64_t& local) -> bool {
        if (amount <= 0) return false;
        local = zone.local_seconds(at);
        // The day as TimeZone::day_of gives it, from the local time already at hand.
        const auto day = static_cast<config::Day>(local / 86400 - (local % 86400 < 0 ? 1 : 0));
        return day >= first_day && day <= window.as_of;
    };

    const std::size_t n = run.customer_ids.size();
    std::vector<std::uint8_t> weekdays(n, 0);   // bit d: bought on weekday d
    std::vector<std::uint32_t> hours(n, 0);     // bit h: bought in hour h
    Dimension channels;
    source.read_orders([&](adapters::OrderBatch batch) {
        for (const adapters::OrderRow& o : batch) {
            std::int64_t local = 0;
            if (!in_window(o.ordered_at, o.amount, local)) continue;
            const auto row = run.row_of(o.customer_id);
            if (!row) continue;  // not a customer of the run
            std::int64_t day = local / 86400, second = local % 86400;
            if (second < 0) {
                second += 86400;
                --day;
            }
            // 1970-01-01 was a Thursday: Monday is 0.
            const auto weekday = static_cast<std::size_t>(((day + 3) % 7 + 7) % 7);
            const auto hour = static_cast<std::size_t>(second / 3600);
            weekdays[*row] |= static_cast<std::uint8_t>(1u << weekday);
            hours[*row] |= 1u << hour;
            const std::string channel = o.channel ? adapters::lower(*o.channel) : std::string();
            if (!channel.empty()) channels.pairs.emplace_back(static_cast<std::uint32_t>(*row), channels.code(channel));
            auto add = [&](SegmentPurchases& p) {
                p.by_weekday[weekday].amount += o.amount;
                ++p.by_weekday[weekday].purchases;
                p.by_hour[hour].amount += o.amount;
                ++p.by_hour[hour].purchases;
                if (!channel.empty()) {
                    p.channels[channel].amount += o.amount;
                    ++p.channels[channel].purchases;
                }
            };
            add(out.population);
            for_each_segment(run, *row, [&](std::size_t c, std::size_t s) { add(out.segments[c][s]); });
        }
    });
    for (std::size_t r = 0; r < n; ++r) {
        auto add = [&](SegmentPurchases& p) {
            for (std::size_t d = 0; d < 7; ++d) p.by_weekday[d].buyers += (weekdays[r] >> d) & 1u;
            for (std::size_t h = 0; h < 24; ++h) p.by_hour[h].buyers += (hours[r] >> h) & 1u;
        };
        add(out.population);
        for_each_segment(run, r, [&](std::size_t c, std::size_t s) { add(out.segments[c][s]); });
    }
    count_buyers(channels, run, out, &SegmentPurchases::channels);

    out.has_lines = source.has_table(config::CanonicalTable::OrderLines);
    if (!out.has_lines) return out;
    Dimension categories, products;
    source.read_order_lines([&](adapters::OrderLineBatch batch) {
        for (const adapters::OrderLineRow& l : batch) {
            std::int64_t local = 0;
            if (!in_window(l.ordered_at, l.order_amount, local)) continue;
            const auto row = run.row_of(l.customer_id);
            if (!row) continue;
            const auto r = static_cast<std::uint32_t>(*row);
            const std::string category = l.category ? adapters::lower(*l.category) : std::string();
            if (!category.empty()) categories.pairs.emplace_back(r, categories.code(category));
            products.pairs.emplace_back(r, products.code(l.product_id));
            auto add = [&](SegmentPurchases& p) {
                p.line_amount += l.amount;
                if (!category.empty()) {
                    p.categories[category].amount += l.amount;
                    ++p.categories[category].purchases;
                }
                p.products[l.product_id].amount += l.amount;
                ++p.products[l.product_id].purchases;
            };
            add(out.population);
            for_each_segment(run, *row, [&](std::size_t c, std::size_t s) { add(out.segments[c][s]); });
        }
    });
    count_buyers(categories, run, out, &SegmentPurchases::categories);
    count_buyers(products, run, out, &SegmentPurchases::products);
    return out;
}

}  // namespace custclass::plugin
