// How one order counts in its customer's order totals as of a run date (RULES.md section 4):
// its day is the date of its timestamp in the run's time zone; an order after as_of is left out
// (its reader counts it); one after the window's start counts in the window's totals and, when
// it is a purchase, in the count of its channel when that channel is asked for. One rule for
// every reader that folds orders itself: the engine's scan, by customer (plugin/feature_builder),
// and the read of the orders beside the customers, by key (keyed_order_totals.h).
#pragma once

#include <bit>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "canonical_rows.h"
#include "civil_time.h"
#include "text.h"

namespace custclass::adapters {

class OrderFolding {
public:
    // At most this many channels are asked for when orders are folded by channel_mask.
    static constexpr std::size_t kMaskChannels = 64;

    explicit OrderFolding(const OrderTotalsRequest& request)
        : zone_(request.time_zone), as_of_(request.as_of), window_start_(request.window_start),
          channels_(request.channels) {}

    // The channels counted (lower-cased), in the order of `channel_counts` below.
    const std::vector<std::string>& channels() const { return channels_; }

    // An order's day: the date of its timestamp in the run's time zone.
    Day day_of(const Timestamp& at) const { return zone_.day_of(at); }
    // The channels an order's channel is (bit k: channels()[k]); for at most kMaskChannels.
    std::uint64_t channel_mask(std::string_view channel) const {
        std::uint64_t mask = 0;
        for (std::size_t k = 0; k < channels_.size() && k < kMaskChannels; ++k)
            if (config::equals_ascii_lower(channel, channels_[k])) mask |= std::uint64_t{1} << k;
        return mask;
    }

    // Folds one order into `totals` and `channel_counts` (one counter per channel); false, with
    // nothing added, for an order after as_of.
    bool add(OrderTotals& totals, std::uint32_t* channel_counts, const Timestamp& at, std::int64_t amount,
             const std::optional<std::string>& channel) const {
        const Day day = day_of(at);
        if (channels_.size() <= kMaskChannels)
            return add_day(totals, channel_counts, day, amount, channel ? channel_mask(*channel) : 0);
        if (!add_day(totals, channel_counts, day, amount, 0)) return false;
        if (day > window_start_ && amount > 0 && channel)
            for (std::size_t k = 0; k < channels_.size(); ++k)
                if (config::equals_ascii_lower(*channel, channels_[k])) ++channel_counts[k];
        return true;
    }
    // The same for an order whose day and channel_mask are known.
    bool add_day(OrderTotals& totals, std::uint32_t* channel_counts, Day day, std::int64_t amount,
                 std::uint64_t channel_mask) const {
        if (day > as_of_) return false;
        const bool in_window = day > window_start_;
        totals.add(day, amount, in_window);
        if (in_window && amount > 0)
            for (std::uint64_t m = channel_mask; m != 0; m &= m - 1) ++channel_counts[std::countr_zero(m)];
        return true;
    }

private:
    config::TimeZone zone_;
    Day as_of_;
    Day window_start_;  // exclusive
    std::vector<std::string> channels_;
};

}  // namespace custclass::adapters
