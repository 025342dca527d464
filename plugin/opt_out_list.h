// The opt-out list: everyone the host recorded as not wanting direct marketing, by customer id,
// by e-mail (compared lower-cased) or by phone (compared in E.164, +852 when no country code is
// written). Read once from the source's `opt_outs` table; used by the `opted_out` feature and by
// every direct-marketing output (member lists), so that both agree on who opted out.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "customer_index.h"
#include "source.h"

namespace custclass::plugin {

class OptOutList {
public:
    OptOutList() = default;
    // Moved, not copied: each index points into the values it indexes.
    OptOutList(OptOutList&&) = default;
    OptOutList& operator=(OptOutList&&) = default;
    OptOutList(const OptOutList&) = delete;
    OptOutList& operator=(const OptOutList&) = delete;

    // The opt-outs of the source's `opt_outs` table; an empty list when it maps none.
    static OptOutList read(adapters::Source& source);

    // Whether the customer opted out: listed by id, e-mail or phone, or flagged by the host's
    // own `opted_out` column. nullopt when nothing says either way (no flag and no table).
    std::optional<bool> opted_out(const adapters::CustomerRow& customer) const;

private:
    // The values listed, indexed, behind a sieve: one bit per value listed, set at a cheap
    // digest of it (its first and last 8 bytes and its length), in a bitmap 32 times as large
    // as the list. A value whose bit is clear is not listed: nearly every customer's, three
    // values each, a million customers a run, answered without hashing the value in full. A
    // value whose bit is set (all listed values, and about one in 32 others) is looked up.
    struct Listed {
        std::vector<std::string> values;
        adapters::CustomerIndex index;
        std::vector<std::uint64_t> sieve;
        int sieve_shift = 64;
        void build();
        bool contains(std::string_view value) const {
            if (values.empty()) return false;
            const std::uint64_t bit = digest(value) >> sieve_shift;
            if ((sieve[bit >> 6] >> (bit & 63) & 1) == 0) return false;
            return index.find(value).has_value();
        }
        static std::uint64_t digest(std::string_view value) {
            // Loads of a fixed size (a memcpy of a variable one is a call): the first and last 8
            // bytes, or 4, overlapping in a short value; a value under 4 bytes byte by byte.
            const char* p = value.data();
            const std::size_t n = value.size();
            std::uint64_t head = 0, tail = 0;
            if (n >= 8) {
                std::memcpy(&head, p, 8);
                std::memcpy(&tail, p + n - 8, 8);
            } else if (n >= 4) {
                std::uint32_t first = 0, last = 0;
                std::memcpy(&first, p, 4);
                std::memcpy(&last, p + n - 4, 4);
                head = first;
                tail = last;
            } else if (n > 0) {
                const auto byte = [&](std::size_t i) -> std::uint64_t { return static_cast<unsigned char>(p[i]); };
                head = byte(0) | byte(n / 2) << 8 | byte(n - 1) << 16;
            }
            // The high bits of the product (those taken) depend on every bit of the three.
            return (head ^ ((tail << 29) | (tail >> 35)) ^ n) * 0x9E3779B97F4A7C15ULL;
        }
    };

    bool have_table_ = false;
    Listed ids_, emails_, phones_;
};

}  // namespace custclass::plugin
