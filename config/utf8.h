// UTF-8 well-formedness: every text the plugin takes in (YAML files, host values, ABI strings)
// must be UTF-8, and the JSON documents it writes can only carry UTF-8.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace custclass::config {

// The offset of the first byte that does not belong to a well-formed UTF-8 sequence (overlong
// forms and surrogates included), or nullopt when the whole text is well-formed.
std::optional<std::size_t> first_invalid_utf8(std::string_view text);

inline bool valid_utf8(std::string_view text) { return !first_invalid_utf8(text); }

}  // namespace custclass::config
