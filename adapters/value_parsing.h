// The one place that turns host values, read as text from any backend, into typed values:
// exact money, booleans, identifiers. Each returns nullopt for a value it cannot parse; the
// caller names the table, key and column in the error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace custclass::adapters {

// A decimal amount ("1234.5", "-0.10", "12", "1.5e3") in minor units with `decimals` places,
// rounded half away from zero beyond them. Exact: no binary floating point is involved.
std::optional<std::int64_t> parse_money(std::string_view text, int decimals);

// 1/0, t/f, true/false, yes/no, y/n (any case), as databases write booleans.
std::optional<bool> parse_flag(std::string_view text);

// An identifier as text: trimmed, and a whole number written as a decimal ("17850.0", as
// spreadsheets and some exports write integer keys) without its zero fraction.
std::string normalise_id(std::string_view text);

// Whether `text` is well-formed UTF-8.
bool valid_utf8(std::string_view text);

}  // namespace custclass::adapters
