// The demographic family's work that needs the customers only (RULES.md section 4: age and
// interests), done for every customer read as soon as the customers are read: on a source that
// reads the orders beside the customers, while the orders are still being read, on the core
// their reading leaves idle. The family then takes the kept customers' values from here.
#pragma once

#include <cstdint>
#include <vector>

#include "civil_time.h"
#include "customer_columns.h"
#include "feature_table.h"

namespace custclass::plugin {

struct CustomerBackground {
    static constexpr std::int32_t kNoAge = -1;
    // Per customer read: full years from the birth date to the run date; kNoAge when there is
    // no birth date or it is after the run date.
    std::vector<std::int32_t> age;
    // Per customer read, when asked for: the interests lower-cased, masked as a whole when the run
    // masks identifiers (PRIVACY.md check 9), split at commas, trimmed, each word once, coded in
    // the order first met (a TextList column over the customers read, not yet the table's rows).
    Column interests;
};

// `ages`: compute the ages; `interests`: the interests (customers.interests is then released).
CustomerBackground customer_background(CustomerColumns& customers, Day as_of, bool ages, bool interests,
                                       bool mask_identifiers);

}  // namespace custclass::plugin
