#include "keyed_order_totals.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "value_parsing.h"

namespace custclass::adapters {

std::uint32_t KeyedOrderTotals::open(Key key) {
    if (keys_.size() >= std::numeric_limits<std::uint32_t>::max() - 1)
        throw std::length_error("more than 4 billion customer keys in one read of the orders");
    keys_.push_back(key);
    return static_cast<std::uint32_t>(keys_.size() - 1);
}

void KeyedOrderTotals::grow(std::uint32_t slot) {
    // Twice as many, so that growing costs a constant per accumulator.
    const std::size_t size = std::max<std::size_t>({std::size_t{slot} + 1, 2 * totals_.size(), 4096});
    totals_.resize(size);
    channel_counts_.resize(size * folding_.channels().size(), 0);
}

std::uint32_t KeyedOrderTotals::of_number(std::int64_t key) {
    if (key >= 0 && static_cast<std::uint64_t>(key) < dense_.size()) {
        std::uint32_t& slot = dense_[static_cast<std::size_t>(key)];
        if (slot != kNone) return slot;
        // Not in the array: perhaps seen before the array reached it.
        if (!sparse_.empty())
            if (const auto it = sparse_.find(key); it != sparse_.end()) return it->second;
        return slot = open({key, kNoText});
    }
    if (const auto it = sparse_.find(key); it != sparse_.end()) return it->second;
    const std::uint64_t bound = 16 * (std::uint64_t{keys_.size()} + 65536);
    if (key >= 0 && static_cast<std::uint64_t>(key) < bound) {
        // The array grows to take the key: to twice its size at least, within the bound.
        const std::uint64_t size =
            std::min(bound, std::max({static_cast<std::uint64_t>(key) + 1, 2 * std::uint64_t{dense_.size()},
                                      std::uint64_t{65536}}));
        dense_.resize(static_cast<std::size_t>(size), kNone);
        return dense_[static_cast<std::size_t>(key)] = open({key, kNoText});
    }
    const std::uint32_t slot = open({key, kNoText});
    sparse_.emplace(key, slot);
    return slot;
}

std::uint32_t KeyedOrderTotals::of_text(std::string_view raw) {
    // As CustomerKeys::match_raw takes a key: canonical decimal is a number as it is; otherwise
    // the normalised text, which may be one ("17850.0", " 42 ").
    if (const auto n = canonical_integer(raw)) return of_number(*n);
    const std::string_view normalised = normalised_id(raw);
    if (const auto n = canonical_integer(normalised)) return of_number(*n);
    if (const auto it = by_text_.find(std::string(normalised)); it != by_text_.end()) return it->second;
    const auto text = static_cast<std::uint32_t>(texts_.size());
    texts_.emplace_back(normalised);
    const std::uint32_t slot = open({0, text});
    by_text_.emplace(texts_.back(), slot);
    return slot;
}

void KeyedOrderTotals::deliver(const CustomerKeys& keys, const std::function<void(OrderTotalsBatch)>& sink,
                               std::uint64_t& unknown) const {
    constexpr std::size_t kBatch = 4096;
    const std::size_t width = folding_.channels().size();
    std::vector<CustomerOrderTotals> batch;
    batch.reserve(std::min(kBatch, keys_.size()));
    std::size_t filled = 0;
    for (std::size_t slot = 0; slot < keys_.size(); ++slot) {
        const Key& key = keys_[slot];
        // An accumulator opened for an order that was then not folded (a guest sale's) holds no
        // order: nothing to deliver or count.
        if (slot >= totals_.size() || totals_[slot].orders == 0) continue;
        const Totals& a = totals_[slot];
        const CustomerKeys::Match match =
            key.text == kNoText ? keys.match_number(key.number) : keys.match_raw(texts_[key.text]);
        if (match.entry == CustomerKeys::kNone) {
            unknown += a.orders;
            continue;
        }
        // The batch's rows are written over, keeping their memory.
        if (filled == batch.size()) batch.emplace_back();
        CustomerOrderTotals& t = batch[filled++];
        t.customer_row = match.position;
        if (match.position == CustomerKeys::kNoPosition) {
            t.customer_row = OrderRow::kNoRow;
            t.customer_id = keys.id(match.entry);
        } else {
            t.customer_id.clear();
        }
        t.orders_all = a.orders;
        t.orders_after_as_of = a.after_as_of;
        t.totals = a.totals;
        const auto counts = channel_counts_.begin() + static_cast<std::ptrdiff_t>(slot * width);
        t.channel_purchases.assign(counts, counts + static_cast<std::ptrdiff_t>(width));
        if (filled == kBatch) {
            sink(batch);
            filled = 0;
        }
    }
    if (filled) sink(OrderTotalsBatch(batch.data(), filled));
}

}  // namespace custclass::adapters
