// The feature table: one row per customer that exists for the run, one column per feature
// (RULES.md section 4), stored column by column so that rules evaluate a column at a time.
// Built once per run by feature_builder; read by the rule program, explanations and (later)
// profiles. Nothing here knows where the data came from.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "civil_time.h"
#include "customer_index.h"
#include "feature_catalog.h"
#include "text.h"

namespace custclass::plugin {

using config::Day;
using config::ValueType;

inline constexpr double kNullNumber = std::numeric_limits<double>::quiet_NaN();
inline constexpr std::int32_t kNullDay = std::numeric_limits<std::int32_t>::min();
inline constexpr std::uint8_t kNullBool = 2;
inline constexpr std::int32_t kNullCode = -1;

inline bool is_null(double v) { return std::isnan(v); }

// One feature over all rows. Which vectors are used depends on the type:
//   number   numbers (NaN is null)
//   boolean  booleans (0 false, 1 true, 2 null)
//   date     days (kNullDay is null)
//   text     codes into dictionary (kNullCode is null)
//   list     codes[offsets[r] .. offsets[r+1]) into dictionary; list_null[r] when null
struct Column {
    ValueType type = ValueType::Number;
    std::vector<double> numbers;
    std::vector<std::uint8_t> booleans;
    std::vector<std::int32_t> days;
    std::vector<std::int32_t> codes;
    std::vector<std::uint32_t> offsets;
    std::vector<std::uint8_t> list_null;
    std::vector<std::string> dictionary;

    // The code of a text value, kNullCode when no row holds it.
    std::int32_t code_of(std::string_view value) const;
    // Adds a text value to the dictionary if new, returning its code.
    std::int32_t intern(std::string_view value);
    // The value of row r as JSON (null for a null value).
    nlohmann::ordered_json json_value(std::size_t row) const;

private:
    config::StringMap<std::int32_t> index_;
};

class FeatureTable {
public:
    explicit FeatureTable(std::vector<std::string> customer_ids);
    // The same, `index` being an index over ids equal to `customer_ids`, in their order.
    FeatureTable(std::vector<std::string> customer_ids, const adapters::CustomerIndex& index);
    // The customers at the positions `kept` (increasing) of `ids`, `index` being an index over
    // `ids` (distinct): narrowed to them without hashing an id again (CustomerIndex::over_subset),
    // on another thread while the ids are copied when `threads` >= 2.
    FeatureTable(const std::vector<std::string>& ids, const adapters::CustomerIndex& index,
                 const std::vector<std::uint32_t>& kept, unsigned threads);

    std::size_t rows() const { return ids_.size(); }
    const std::vector<std::string>& customer_ids() const { return ids_; }
    std::optional<std::size_t> row_of(std::string_view customer_id) const;

    // Adds an empty column of `type` sized to the rows (replacing one of the same name).
    Column& add(const std::string& name, ValueType type);
    const Column* find(std::string_view name) const;

private:
    std::vector<std::string> ids_;
    adapters::CustomerIndex rows_;  // id → row (a repeated id: its first row)
    std::map<std::string, std::unique_ptr<Column>, std::less<>> columns_;
};

}  // namespace custclass::plugin
