#include "keyed_order_totals.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "value_parsing.h"

namespace custclass::adapters {

std::uint32_t KeyedOrderTotals::open() {
    if (opened_ >= std::numeric_limits<std::uint32_t>::max() - 1)
        throw std::length_error("more than 4 billion customer keys in one read of the orders");
    return opened_++;
}

void KeyedOrderTotals::grow(std::uint32_t slot) {
    // Up to the slot (the vectors' capacity grows by doubling, so that growing costs a constant
    // per accumulator; the capacity not yet used is not written, and takes no memory).
    totals_.resize(std::size_t{slot} + 1);
    channel_counts_.resize((std::size_t{slot} + 1) * folding_.channels().size(), 0);
}

KeyedOrderTotals::KeyedOrderTotals(const OrderTotalsRequest& request) : folding_(request) {
    if (request.channels.size() > OrderFolding::kMaskChannels)
        throw std::invalid_argument("the orders' totals by key count at most " +
                                    std::to_string(OrderFolding::kMaskChannels) + " channels");
}

std::uint32_t KeyedOrderTotals::of_number(std::int64_t key) {
    if (key >= 0 && static_cast<std::uint64_t>(key) < dense_.size()) {
        std::uint32_t& slot = dense_[static_cast<std::size_t>(key)];
        if (slot != kNone) return slot;
        // Not in the array: perhaps seen before the array reached it.
        if (!sparse_.empty())
            if (const auto it = sparse_.find(key); it != sparse_.end()) return it->second;
        return slot = open();
    }
    if (const auto it = sparse_.find(key); it != sparse_.end()) return it->second;
    const std::uint64_t bound = 16 * (std::uint64_t{opened_} + 65536);
    if (key >= 0 && static_cast<std::uint64_t>(key) < bound) {
        // The array grows to take the key: to twice its size at least, within the bound.
        const std::uint64_t size =
            std::min(bound, std::max({static_cast<std::uint64_t>(key) + 1, 2 * std::uint64_t{dense_.size()},
                                      std::uint64_t{65536}}));
        dense_.resize(static_cast<std::size_t>(size), kNone);
        return dense_[static_cast<std::size_t>(key)] = open();
    }
    const std::uint32_t slot = open();
    sparse_.emplace(key, slot);
    return slot;
}

std::uint32_t KeyedOrderTotals::of_text(std::string_view raw) {
    // As CustomerKeys::match_raw takes a key: a number when its normalised text writes one
    // ("17850.0", " 42 "), else that text.
    const KeyForm form = key_form(raw);
    if (form.number) return of_number(*form.number);
    const auto [it, added] = by_text_.try_emplace(std::string(form.text), kNone);
    if (added) it->second = open();
    return it->second;
}

void KeyedOrderTotals::deliver(const CustomerKeys& keys, const std::function<void(OrderTotalsBatch)>& sink,
                               std::uint64_t& unknown) const {
    constexpr std::size_t kBatch = 4096;
    const std::size_t width = folding_.channels().size();
    std::vector<CustomerOrderTotals> batch;
    batch.reserve(std::min<std::size_t>(kBatch, opened_));
    std::size_t filled = 0;
    // The totals of accumulator `slot`, matched by `match`, into the batch.
    const auto take = [&](std::uint32_t slot, const CustomerKeys::Match& match) {
        // An accumulator opened for an order that was then not folded holds no order: nothing to
        // deliver or count.
        if (slot >= totals_.size() || totals_[slot].orders == 0) return;
        const Totals& a = totals_[slot];
        if (match.entry == CustomerKeys::kNone) {
            unknown += a.orders;
            return;
        }
        // The batch's rows are written over, keeping their memory.
        if (filled == batch.size()) batch.emplace_back();
        CustomerOrderTotals& t = batch[filled++];
        if (match.position == CustomerKeys::kNoPosition) {
            t.customer_row = OrderRow::kNoRow;
            t.customer_id = keys.id(match.entry);
        } else {
            t.customer_row = match.position;
            t.customer_id.clear();
        }
        t.orders_all = a.orders;
        t.orders_after_as_of = a.after_as_of;
        t.totals = a.totals;
        const auto counts = channel_counts_.begin() + static_cast<std::ptrdiff_t>(std::size_t{slot} * width);
        t.channel_purchases.assign(counts, counts + static_cast<std::ptrdiff_t>(width));
        if (filled == kBatch) {
            sink(batch);
            filled = 0;
        }
    };
    // By key: the numbers of the array in their order (a host's keys in the order of its
    // customers, the usual case, so that their totals are merged in order too), then the others.
    // The accumulators are in the order the orders first named their keys, not the keys': each
    // is asked for a few keys ahead, so that their cache misses overlap.
    constexpr std::size_t kAhead = 16;
    for (std::size_t number = 0; number < dense_.size(); ++number) {
        if (number + kAhead < dense_.size()) prefetch(dense_[number + kAhead]);
        if (dense_[number] != kNone)
            take(dense_[number], keys.match_number(static_cast<std::int64_t>(number)));
    }
    for (const auto& [number, slot] : sparse_) take(slot, keys.match_number(number));
    for (const auto& [text, slot] : by_text_) take(slot, keys.match_raw(text));
    if (filled) sink(OrderTotalsBatch(batch.data(), filled));
}

}  // namespace custclass::adapters
