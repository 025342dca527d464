// UTF-8 well-formedness: every text the plugin takes in (YAML files, host values, ABI strings)
// must be UTF-8, and the JSON documents it writes can only carry UTF-8.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

namespace custclass::config {

// The offset of the first byte that does not belong to a well-formed UTF-8 sequence (overlong
// forms and surrogates included), or nullopt when the whole text is well-formed.
std::optional<std::size_t> first_invalid_utf8(std::string_view text);

// ASCII text (ids, codes, timestamps: nearly every value a run reads) is valid without the
// call: its bytes are tested eight at a time for a high bit.
inline bool valid_utf8(std::string_view text) {
    std::size_t i = 0;
    for (; i + 8 <= text.size(); i += 8) {
        std::uint64_t word;
        std::memcpy(&word, text.data() + i, 8);
        if (word & 0x8080808080808080ULL) return !first_invalid_utf8(text);
    }
    for (; i < text.size(); ++i)
        if (static_cast<unsigned char>(text[i]) >= 0x80) return !first_invalid_utf8(text);
    return true;
}

}  // namespace custclass::config
