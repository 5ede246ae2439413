#pragma once
// "Did you mean ...?" for misspelt keys and names.
#include <string>
#include <string_view>
#include <vector>

namespace rs {

std::size_t edit_distance(std::string_view a, std::string_view b);

// The closest candidate if it is close enough to be a plausible typo, else "".
std::string closest(std::string_view word, const std::vector<std::string>& candidates);

// "; did you mean 'x'?" or "" (ready to append to a message).
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// "a, b, c" for error messages listing the known names.
std::string join(const std::vector<std::string>& items, std::string_view sep = ", ");

}  // namespace rs
