// The customers a run reads, kept as columns: what the feature families need of each customer
// and nothing more. A customer row as a source delivers it (adapters::CustomerRow) is about 400
// bytes with its strings; kept as columns (a dictionary code per text field, a day per date, a
// byte per flag) a customer costs well under a quarter of that, so that the customers of a
// large run are never all held as rows (PERFORMANCE.md P5).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "canonical_rows.h"
#include "civil_time.h"
#include "feature_table.h"

namespace custclass::plugin {

class OptOutList;

// A text field of the customers, dictionary-encoded as read: the value of customer i is
// values[codes[i]], or null when codes[i] is kNullCode.
class TextCodes {
public:
    void push(const std::optional<std::string>& value);
    const std::string* at(std::size_t customer) const {
        const std::int32_t c = codes_[customer];
        return c == kNullCode ? nullptr : &values_[static_cast<std::size_t>(c)];
    }
    std::int32_t code(std::size_t customer) const { return codes_[customer]; }
    const std::vector<std::string>& values() const { return values_; }

private:
    std::vector<std::int32_t> codes_;
    std::vector<std::string> values_;
    std::unordered_map<std::string, std::int32_t> index_;
};

struct CustomerColumns {
    // What to keep beyond the fields every run uses.
    struct Keep {
        bool interests = false;
        // The opt-out list to match each customer's id, e-mail and phone against as it is read
        // (the `opted_out` column then holds the answer); nullptr: the host's flag only.
        const OptOutList* opt_outs = nullptr;
    };

    std::vector<std::string> ids;
    std::vector<Day> created;  // the creation day in the run's time zone; kNullDay: none
    std::vector<Day> birth;    // kNullDay: none
    TextCodes gender, district, income_band, lead_source;
    std::vector<std::uint8_t> is_prospect, marketing_consent, opted_out;  // kNullBool: null
    std::vector<std::optional<std::string>> interests;  // only with Keep::interests
    std::vector<std::vector<std::optional<std::string>>> attributes;  // [attribute][customer]

    // The customers appended (`ids` may have been moved on to the feature table since).
    std::size_t size() const { return created.size(); }
    void append(const adapters::CustomerRow& row, const config::TimeZone& zone, const Keep& keep);
};

}  // namespace custclass::plugin
