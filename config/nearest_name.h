// Suggestions for misspelt names: "unknown feature `frequncy`; did you mean `frequency`?"
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace custclass::config {

// The candidate closest to `name` by edit distance, or "" when none is close enough to be a
// plausible misspelling (distance at most a third of the length, and at most 3).
std::string nearest_name(std::string_view name, const std::vector<std::string>& candidates);

// " did you mean `x`?" or "" when there is no close candidate: for appending to a message.
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace custclass::config
