#include "customer_background.h"

#include <algorithm>

#include <date/date.h>

#include "personal_identifiers.h"
#include "text.h"

namespace custclass::plugin {

namespace {

// Full years from `birth` to `on`; none when `birth` is after `on`.
std::optional<int> full_years(Day birth, Day on) {
    if (birth > on) return std::nullopt;
    const date::year_month_day b{date::sys_days{date::days{birth}}};
    const date::year_month_day o{date::sys_days{date::days{on}}};
    int years = static_cast<int>(o.year()) - static_cast<int>(b.year());
    if (std::pair(static_cast<unsigned>(o.month()), static_cast<unsigned>(o.day())) <
        std::pair(static_cast<unsigned>(b.month()), static_cast<unsigned>(b.day())))
        --years;
    return years;
}

}  // namespace

CustomerBackground customer_background(CustomerColumns& customers, Day as_of, bool ages, bool interests,
                                       bool mask_identifiers) {
    CustomerBackground out;
    const std::size_t n = customers.size();
    if (ages) {
        out.age.assign(n, CustomerBackground::kNoAge);
        for (std::size_t i = 0; i < n; ++i)
            if (customers.birth[i] != kNullDay)
                if (const auto years = full_years(customers.birth[i], as_of)) out.age[i] = *years;
    }
    if (interests && customers.interests.size() == n) {
        Column& col = out.interests;
        col.type = ValueType::TextList;
        col.offsets.assign(n + 1, 0);
        col.list_null.assign(n, 1);
        std::string lowered, masked;
        std::vector<std::int32_t> seen;
        for (std::size_t i = 0; i < n; ++i) {
            col.offsets[i + 1] = col.offsets[i];
            const auto& raw = customers.interests[i];
            if (!raw) continue;
            col.list_null[i] = 0;
            // Lower-cased, then masked as a whole (check 9), then split: an identifier is found
            // in its context (what precedes and follows it) as the host wrote it, whatever the
            // commas around it; lower-casing first changes nothing the scanner finds (it matches
            // letters in any case, and lower-casing only touches ASCII letters) and leaves the
            // mask tokens ("[PHONE]") as they are written everywhere else.
            config::ascii_lower_into(*raw, lowered);
            std::string_view v = lowered;
            if (mask_identifiers) v = masked = mask_personal_identifiers(lowered);
            seen.clear();
            std::size_t start = 0;
            while (start <= v.size()) {
                std::size_t end = v.find(',', start);
                if (end == std::string_view::npos) end = v.size();
                const std::string_view word = config::trim(v.substr(start, end - start));
                if (!word.empty()) {
                    const std::int32_t code = col.intern(word);
                    if (std::find(seen.begin(), seen.end(), code) == seen.end()) {
                        seen.push_back(code);
                        col.codes.push_back(code);
                        ++col.offsets[i + 1];
                    }
                }
                start = end + 1;
            }
        }
        // The raw texts are not needed any more: their memory goes now, not at the end of the
        // run's features.
        std::vector<std::optional<std::string>>().swap(customers.interests);
    }
    return out;
}

}  // namespace custclass::plugin
