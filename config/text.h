// The text operations every layer needs, in one place: ASCII lower-casing (names, keywords,
// categories and channels are matched this way; bytes of other scripts are left as they are)
// and trimming ASCII white space.
#pragma once

#include <string>
#include <string_view>

namespace custclass::config {

// ASCII letters lower-cased; every other byte as it is.
std::string ascii_lower(std::string_view text);
// The same into `out` (its memory reused).
void ascii_lower_into(std::string_view text, std::string& out);
// Whether ascii_lower(text) == lower, without making the lower-cased copy.
bool equals_ascii_lower(std::string_view text, std::string_view lower);
// Without the leading and trailing ASCII white space (space, tab, CR, LF, VT, FF).
std::string_view trim(std::string_view text);

}  // namespace custclass::config
