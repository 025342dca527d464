// The text operations every layer needs, in one place: ASCII lower-casing (names, keywords,
// categories and channels are matched this way; bytes of other scripts are left as they are)
// and trimming ASCII white space; and a hash that lets a map of strings be searched by a view.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace custclass::config {

// ASCII letters lower-cased; every other byte as it is.
std::string ascii_lower(std::string_view text);
// The same into `out` (its memory reused).
void ascii_lower_into(std::string_view text, std::string& out);
// Whether ascii_lower(text) == lower, without making the lower-cased copy.
bool equals_ascii_lower(std::string_view text, std::string_view lower);
// Without the leading and trailing ASCII white space (space, tab, CR, LF, VT, FF).
std::string_view trim(std::string_view text);

// A hash of strings and views alike: a map keyed by std::string with it (and std::equal_to<>)
// finds a std::string_view without making a string of it.
struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
template <typename Value>
using StringMap = std::unordered_map<std::string, Value, StringHash, std::equal_to<>>;

}  // namespace custclass::config
