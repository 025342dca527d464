// The opt-out list: everyone the host recorded as not wanting direct marketing, by customer id,
// by e-mail (compared lower-cased) or by phone (compared in E.164, +852 when no country code is
// written). Read once from the source's `opt_outs` table; used by the `opted_out` feature and by
// every direct-marketing output (member lists), so that both agree on who opted out.
#pragma once

#include <optional>
#include <string>
#include <unordered_set>

#include "source.h"

namespace custclass::plugin {

class OptOutList {
public:
    // The opt-outs of the source's `opt_outs` table; an empty list when it maps none.
    static OptOutList read(adapters::Source& source);

    // Whether the customer opted out: listed by id, e-mail or phone, or flagged by the host's
    // own `opted_out` column. nullopt when nothing says either way (no flag and no table).
    std::optional<bool> opted_out(const adapters::CustomerRow& customer) const;

private:
    bool have_table_ = false;
    std::unordered_set<std::string> ids_, emails_, phones_;
};

}  // namespace custclass::plugin
