// The orders' totals by the customer key each order names (ADAPTERS.md `customer_key`), folded
// while the customers are still being read, before any order can be matched to a customer, and
// matched to them once they are (CustomerKeys). A key is taken in the form CustomerKeys matches
// it in: a whole number when the database holds one or its text is one in canonical decimal,
// raw or normalised (normalise_id); its normalised text otherwise. So each customer's orders
// fold into one accumulator, and an accumulator matches exactly the customer the orders' read
// after the customers would have matched each of its orders to.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "canonical_rows.h"
#include "customer_keys.h"
#include "order_folding.h"

namespace custclass::adapters {

// The keys' part (of_number, of_text) and the totals' part (add) touch memory of their own, so
// that a read can find the accumulators of a batch's orders on one thread while it folds the
// batch before into them on another; deliver() reads both, once both threads are done.
class KeyedOrderTotals {
public:
    // At most OrderFolding::kMaskChannels channels (std::invalid_argument otherwise).
    explicit KeyedOrderTotals(const OrderTotalsRequest& request);

    // The rule each order is folded by: its day and channel mask are found with it.
    const OrderFolding& folding() const { return folding_; }

    // The keys: the accumulator of a key the database holds as a whole number; of one as it
    // wrote it. A key not seen before opens the next accumulator.
    std::uint32_t of_number(std::int64_t key);
    // Asks for the memory of_number(key) reads first, ahead of the call (as prefetch below).
    [[gnu::always_inline]] void prefetch_key(std::int64_t key) const {
        if (key >= 0 && static_cast<std::uint64_t>(key) < dense_.size())
            __builtin_prefetch(dense_.data() + static_cast<std::size_t>(key));
    }
    std::uint32_t of_text(std::string_view raw);

    // The totals: one order of the key of accumulator `slot` (one of_number or of_text gave),
    // on `day` (folding().day_of), of channels `channel_mask` (folding().channel_mask).
    void add(std::uint32_t slot, Day day, std::int64_t amount, std::uint64_t channel_mask) {
        if (slot >= totals_.size()) grow(slot);
        Totals& t = totals_[slot];
        ++t.orders;
        if (!folding_.add_day(t.totals, channel_counts_.data() + std::size_t{slot} * folding_.channels().size(),
                              day, amount, channel_mask))
            ++t.after_as_of;
    }

    // Asks for the memory add(slot, …) touches ahead of the call: a fold of orders in no order of
    // their customers misses the cache at every order, and a loop that asks a few orders ahead
    // waits for those misses together instead of one after another.
    // Inlined always: GCC 12 finds a function that only prefetches free of side effects and
    // drops the calls to it before it would inline them.
    [[gnu::always_inline]] void prefetch(std::uint32_t slot) const {
        if (slot < totals_.size()) {
            __builtin_prefetch(&totals_[slot], 1);
            __builtin_prefetch(channel_counts_.data() + std::size_t{slot} * folding_.channels().size(), 1);
        }
    }

    // The totals of each key a customer has, named by the customer's position in the read of
    // the customers when `keys` knows it, else by its id, in batches to `sink`; the orders of a
    // key no customer has are counted in `unknown`.
    void deliver(const CustomerKeys& keys, const std::function<void(OrderTotalsBatch)>& sink,
                 std::uint64_t& unknown) const;

private:
    static constexpr std::uint32_t kNone = UINT32_MAX;
    // A cache line each (64 bytes): an order's fold touches one.
    struct alignas(64) Totals {
        OrderTotals totals;
        std::uint64_t orders = 0;       // every order of the key
        std::uint64_t after_as_of = 0;  // of which after as_of
    };
    static_assert(sizeof(Totals) == 64);

    std::uint32_t open();
    void grow(std::uint32_t slot);

    const OrderFolding folding_;
    // The keys' part: the accumulator of each key. Numbers from 0 up to a bound that grows with
    // the keys seen (at most 16 slots a key plus 64 Ki: a host's integer primary key, the usual
    // case) by number, in an array (kNone: none); other numbers, and a number first seen before
    // the array reached it, in `sparse_`; text in `by_text_`.
    std::uint32_t opened_ = 0;
    std::vector<std::uint32_t> dense_;
    std::unordered_map<std::int64_t, std::uint32_t> sparse_;
    std::unordered_map<std::string, std::uint32_t> by_text_;
    // The totals' part.
    std::vector<Totals> totals_;                 // by accumulator
    std::vector<std::uint32_t> channel_counts_;  // [accumulator × channels + k]
};

}  // namespace custclass::adapters
