// The opt-out list: everyone the host recorded as not wanting direct marketing, by customer id,
// by e-mail (compared lower-cased) or by phone (compared in E.164, +852 when no country code is
// written). Read once from the source's `opt_outs` table; used by the `opted_out` feature and by
// every direct-marketing output (member lists), so that both agree on who opted out.
#pragma once

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
    // The values listed, indexed: a lookup of a value not listed (nearly every customer's)
    // touches one slot of the index and no string.
    struct Listed {
        std::vector<std::string> values;
        adapters::CustomerIndex index;
        bool contains(std::string_view value) const { return index.find(value).has_value(); }
    };

    bool have_table_ = false;
    Listed ids_, emails_, phones_;
};

}  // namespace custclass::plugin
