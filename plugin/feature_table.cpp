#include "feature_table.h"

#include <future>

namespace custclass::plugin {

std::int32_t Column::code_of(std::string_view value) const {
    const auto it = index_.find(value);
    return it == index_.end() ? kNullCode : it->second;
}

std::int32_t Column::intern(std::string_view value) {
    if (const auto it = index_.find(value); it != index_.end()) return it->second;
    const auto code = static_cast<std::int32_t>(dictionary.size());
    index_.emplace(std::string(value), code);
    dictionary.emplace_back(value);
    return code;
}

nlohmann::ordered_json Column::json_value(std::size_t row) const {
    switch (type) {
        case ValueType::Number:
            return is_null(numbers[row]) ? nlohmann::ordered_json() : nlohmann::ordered_json(numbers[row]);
        case ValueType::Boolean:
            return booleans[row] == kNullBool ? nlohmann::ordered_json() : nlohmann::ordered_json(booleans[row] == 1);
        case ValueType::Date:
            return days[row] == kNullDay ? nlohmann::ordered_json() : nlohmann::ordered_json(config::format_day(days[row]));
        case ValueType::Text:
            return codes[row] == kNullCode ? nlohmann::ordered_json()
                                           : nlohmann::ordered_json(dictionary[static_cast<std::size_t>(codes[row])]);
        case ValueType::TextList: {
            if (list_null[row]) return nlohmann::ordered_json();
            nlohmann::ordered_json list = nlohmann::ordered_json::array();
            for (std::uint32_t i = offsets[row]; i < offsets[row + 1]; ++i)
                list.push_back(dictionary[static_cast<std::size_t>(codes[i])]);
            return list;
        }
        case ValueType::Null:
            break;
    }
    return nlohmann::ordered_json();
}

FeatureTable::FeatureTable(std::vector<std::string> customer_ids) : ids_(std::move(customer_ids)) {
    rows_.build(ids_);
}

FeatureTable::FeatureTable(std::vector<std::string> customer_ids, const adapters::CustomerIndex& index)
    : ids_(std::move(customer_ids)), rows_(index.over_copy(ids_)) {}

FeatureTable::FeatureTable(const std::vector<std::string>& ids, const adapters::CustomerIndex& index,
                           const std::vector<std::uint32_t>& kept, unsigned threads)
    : ids_(kept.size()) {
    // The ids' buffer is allocated above and stays where it is: the narrowed index points into
    // it (it reads the ids' number and address, not the ids) while they are copied in.
    const auto narrow = [&] { return index.over_subset(ids_, kept, ids.size()); };
    std::future<adapters::CustomerIndex> narrowed;
    if (threads >= 2) narrowed = std::async(std::launch::async, narrow);
    for (std::size_t r = 0; r < kept.size(); ++r) ids_[r] = ids[kept[r]];
    rows_ = narrowed.valid() ? narrowed.get() : narrow();
}

std::optional<std::size_t> FeatureTable::row_of(std::string_view customer_id) const {
    const auto row = rows_.find(customer_id);
    if (!row) return std::nullopt;
    return *row;
}

Column& FeatureTable::add(const std::string& name, ValueType type) {
    auto column = std::make_unique<Column>();
    column->type = type;
    const std::size_t n = rows();
    switch (type) {
        case ValueType::Number: column->numbers.assign(n, kNullNumber); break;
        case ValueType::Boolean: column->booleans.assign(n, kNullBool); break;
        case ValueType::Date: column->days.assign(n, kNullDay); break;
        case ValueType::Text: column->codes.assign(n, kNullCode); break;
        case ValueType::TextList:
            column->offsets.assign(n + 1, 0);
            column->list_null.assign(n, 1);
            break;
        case ValueType::Null: break;
    }
    Column& ref = *column;
    columns_[name] = std::move(column);
    return ref;
}

const Column* FeatureTable::find(std::string_view name) const {
    const auto it = columns_.find(name);
    return it == columns_.end() ? nullptr : it->second.get();
}

}  // namespace custclass::plugin
