#include "value_parsing.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "text.h"

namespace custclass::adapters {

namespace {

using config::trim;

}  // namespace

std::optional<std::int64_t> parse_money(std::string_view text, int decimals) {
    std::string_view s = trim(text);
    bool negative = false;
    if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
        negative = s.front() == '-';
        s.remove_prefix(1);
    }
    std::string digits;  // all significant digits, integer part then fraction
    int fraction_digits = 0;
    bool seen_point = false, any_digit = false;
    std::size_t i = 0;
    for (; i < s.size(); ++i) {
        const char c = s[i];
        if (std::isdigit(static_cast<unsigned char>(c))) {
            any_digit = true;
            digits += c;
            if (seen_point) ++fraction_digits;
        } else if (c == '.' && !seen_point) {
            seen_point = true;
        } else {
            break;
        }
    }
    if (!any_digit) return std::nullopt;
    int exponent = 0;
    if (i < s.size()) {
        if (s[i] != 'e' && s[i] != 'E') return std::nullopt;
        ++i;
        bool exp_negative = false;
        if (i < s.size() && (s[i] == '-' || s[i] == '+')) exp_negative = s[i++] == '-';
        if (i == s.size()) return std::nullopt;
        for (; i < s.size(); ++i) {
            if (!std::isdigit(static_cast<unsigned char>(s[i])) || exponent > 1000)
                return std::nullopt;
            exponent = exponent * 10 + (s[i] - '0');
        }
        if (exp_negative) exponent = -exponent;
    }
    // value = digits × 10^(exponent − fraction_digits); we want value × 10^decimals.
    const int shift = exponent - fraction_digits + decimals;
    std::string whole = digits;
    int round_digit = 0;
    if (shift >= 0) {
        whole.append(static_cast<std::size_t>(shift), '0');
    } else {
        const std::size_t cut = static_cast<std::size_t>(-shift);
        // The first digit cut off decides the rounding; beyond the digits it is 0.
        if (cut <= whole.size()) {
            round_digit = whole[whole.size() - cut] - '0';
            whole.resize(whole.size() - cut);
        } else {
            whole.clear();
        }
    }
    // Strip leading zeros, then check the magnitude fits.
    const std::size_t nz = whole.find_first_not_of('0');
    whole = nz == std::string::npos ? std::string() : whole.substr(nz);
    if (whole.size() > 18) return std::nullopt;
    std::int64_t value = 0;
    for (char c : whole) value = value * 10 + (c - '0');
    if (round_digit >= 5) ++value;
    return negative ? -value : value;
}

std::optional<double> parse_number(std::string_view text) {
    text = trim(text);
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    double value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

std::optional<bool> parse_flag(std::string_view text) {
    const std::string s = config::ascii_lower(trim(text));
    if (s == "1" || s == "t" || s == "true" || s == "yes" || s == "y") return true;
    if (s == "0" || s == "f" || s == "false" || s == "no" || s == "n") return false;
    return std::nullopt;
}

std::string normalise_id(std::string_view text) { return std::string(normalised_id(text)); }

std::string_view normalised_id(std::string_view text) {
    std::string_view s = trim(text);
    const std::size_t point = s.find('.');
    if (point != std::string_view::npos && point > 0) {
        const std::string_view integer = s.substr(0, point);
        const std::string_view fraction = s.substr(point + 1);
        const bool integral =
            std::all_of(integer.begin() + (integer[0] == '-' ? 1 : 0), integer.end(),
                        [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) &&
            !fraction.empty() && std::all_of(fraction.begin(), fraction.end(), [](char c) {
                return c == '0';
            });
        if (integral) return integer;
    }
    return s;
}

std::optional<std::string> normalise_email(std::string_view text) {
    std::string s(trim(text));
    if (s.empty()) return std::nullopt;
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::optional<std::string> normalise_phone(std::string_view text, std::string_view default_country) {
    const std::string_view s = trim(text);
    std::string digits;
    bool plus = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (std::isdigit(static_cast<unsigned char>(c)))
            digits += c;
        else if (c == '+' && s.find_first_not_of('(') == i)
            plus = true;  // leading, or after an opening bracket: "(+852) 9123-4567"
        else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')')
            return std::nullopt;
    }
    if (digits.empty()) return std::nullopt;
    if (!plus && digits.starts_with("00")) {
        plus = true;
        digits.erase(0, 2);
    }
    // Appended rather than `"+" + digits`: g++ 12 at -O3 reports a false -Wrestrict on the
    // inlined basic_string::insert of that form (GCC bug 105329).
    std::string e164;
    e164.reserve(1 + default_country.size() + digits.size());
    e164 += '+';
    if (!plus) e164 += default_country;
    e164 += digits;
    return e164;
}

std::string lower(std::string_view text) { return config::ascii_lower(text); }

}  // namespace custclass::adapters
