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
    // Most amounts: digits, a point and at most `decimals` digits, 18 digits in all once
    // scaled: the value in minor units without rounding, in one pass. Any other text (more
    // decimals, an exponent, more digits, something else) takes the general way below.
    if (decimals >= 0 && decimals <= 18 && !s.empty() && s.size() <= 20) {
        std::int64_t value = 0;
        int digit_count = 0, fraction_digits = 0;
        bool seen_point = false, plain = true;
        for (const char c : s) {
            if (c >= '0' && c <= '9') {
                value = value * 10 + (c - '0');
                ++digit_count;
                fraction_digits += seen_point;
            } else if (c == '.' && !seen_point) {
                seen_point = true;
            } else {
                plain = false;
                break;
            }
        }
        if (plain && digit_count > 0 && fraction_digits <= decimals &&
            digit_count + (decimals - fraction_digits) <= 18) {
            for (int k = fraction_digits; k < decimals; ++k) value *= 10;
            return negative ? -value : value;
        }
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

bool normalise_email_into(std::string_view text, std::string& out) {
    config::ascii_lower_into(trim(text), out);
    return !out.empty();
}

std::optional<std::string> normalise_email(std::string_view text) {
    std::string s;
    if (!normalise_email_into(text, s)) return std::nullopt;
    return s;
}

bool normalise_phone_into(std::string_view text, std::string& out, std::string_view default_country) {
    const std::string_view s = trim(text);
    // "+", the country code when none is written, then the digits: written after the code's
    // place is known (a leading "00" or a "+" may come before any digit).
    out.assign(1, '+');
    bool plus = false;
    std::size_t digits = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c >= '0' && c <= '9') {
            out += c;
            ++digits;
        } else if (c == '+' && s.find_first_not_of('(') == i) {
            plus = true;  // leading, or after an opening bracket: "(+852) 9123-4567"
        } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
            return false;
        }
    }
    if (digits == 0) return false;
    if (!plus && out.compare(1, 2, "00") == 0)
        out.erase(1, 2);  // "00" for "+"
    else if (!plus)
        out.insert(1, default_country);
    return true;
}

std::optional<std::string> normalise_phone(std::string_view text, std::string_view default_country) {
    std::string e164;
    if (!normalise_phone_into(text, e164, default_country)) return std::nullopt;
    return e164;
}

std::string lower(std::string_view text) { return config::ascii_lower(text); }

}  // namespace custclass::adapters
