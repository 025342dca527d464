#include "customer_keys.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <stdexcept>

#include "source.h"
#include "value_parsing.h"

namespace custclass::adapters {

std::optional<std::int64_t> canonical_integer(std::string_view text) {
    if (text.empty()) return std::nullopt;
    const bool negative = text[0] == '-';
    const std::string_view digits = text.substr(negative ? 1 : 0);
    if (digits.empty() || (digits[0] == '0' && (digits.size() > 1 || negative))) return std::nullopt;
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

void CustomerKeys::add(std::string key, std::string id, std::uint32_t position) {
    keys_.push_back(std::move(key));
    ids_.push_back(std::move(id));
    if (position != kNoPosition) positions_.push_back(position);
}

void CustomerKeys::index(const std::string& origin) {
    if (!positions_.empty() && positions_.size() != ids_.size()) positions_.clear();
    std::optional<std::size_t> repeated;
    std::vector<std::int64_t> numbers;
    numbers.reserve(keys_.size());
    numeric_ = true;
    for (const std::string& key : keys_) {
        const auto n = canonical_integer(key);
        if (!n) {
            numeric_ = false;
            break;
        }
        numbers.push_back(*n);
    }
    if (numeric_) {
        repeated = numbers_.build(numbers, positions_);
    } else {
        numbers = {};
        repeated = text_.build(keys_);
    }
    if (repeated)
        throw DataError("table `customers`, column `customer_key`: the key `" + keys_[*repeated] +
                        "` belongs to more than one customer (query at " + origin +
                        "); each customer's key must be unique");
}

std::optional<std::uint32_t> CustomerKeys::find(std::string_view key) const {
    if (!numeric_) return text_.find(key);
    // A key that is not a whole number in canonical form has a text no numeric key has.
    const auto n = canonical_integer(key);
    if (!n) return std::nullopt;
    const Match m = numbers_.find(*n);
    if (m.entry == kNone) return std::nullopt;
    return m.entry;
}

KeyForm key_form(std::string_view raw) {
    const std::string_view text = normalised_id(raw);
    return {text, canonical_integer(text)};
}

CustomerKeys::Match CustomerKeys::match_raw(std::string_view key) const {
    const KeyForm form = key_form(key);
    // Numeric keys: a key that writes no whole number is no customer's.
    if (numeric_) return form.number ? numbers_.find(*form.number) : Match{};
    const auto entry = text_.find(form.text);
    if (!entry) return {};
    return {*entry, position(*entry)};
}

CustomerKeys::Match CustomerKeys::match_number(std::int64_t key) const {
    if (numeric_) return numbers_.find(key);
    char text[24];
    const auto end = std::to_chars(text, text + sizeof text, key).ptr;
    return match_raw(std::string_view(text, static_cast<std::size_t>(end - text)));
}

namespace {

std::uint64_t mix(std::int64_t number) {  // splitmix64's finaliser
    auto z = static_cast<std::uint64_t>(number) + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

}  // namespace

std::optional<std::size_t> CustomerKeys::Numbers::build(const std::vector<std::int64_t>& numbers,
                                                        const std::vector<std::uint32_t>& positions) {
    if (numbers.size() >= std::numeric_limits<std::uint32_t>::max())
        throw std::length_error("more than 4 billion customers in one run");
    dense_.clear();
    slots_.clear();
    consecutive_ = 0;
    if (numbers.empty()) return std::nullopt;
    auto match = [&](std::size_t i) {
        return Match{static_cast<std::uint32_t>(i), positions.size() == numbers.size() ? positions[i] : kNoPosition};
    };
    std::int64_t lo = numbers[0], hi = numbers[0];
    for (const std::int64_t n : numbers) {
        lo = std::min(lo, n);
        hi = std::max(hi, n);
    }
    // Dense when an array over the range costs at most about what the table would (8 bytes a
    // number against 16 bytes a slot, at most half full).
    const auto span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
    std::optional<std::size_t> repeated;
    if (span < 4 * static_cast<std::uint64_t>(numbers.size()) + 1024) {
        min_ = lo;
        bool consecutive = span + 1 == numbers.size();
        for (std::size_t i = 0; consecutive && i < numbers.size(); ++i) {
            const Match m = match(i);
            consecutive = static_cast<std::uint64_t>(numbers[i]) - static_cast<std::uint64_t>(lo) == i &&
                          (m.position == i || m.position == kNoPosition);
        }
        if (consecutive) {
            consecutive_ = numbers.size();
            positioned_ = positions.size() == numbers.size();
            return std::nullopt;  // numbers[i] = lo + i: no repeats
        }
        dense_.assign(static_cast<std::size_t>(span) + 1, Match{});
        for (std::size_t i = 0; i < numbers.size(); ++i) {
            Match& slot = dense_[static_cast<std::size_t>(static_cast<std::uint64_t>(numbers[i]) -
                                                        static_cast<std::uint64_t>(lo))];
            if (slot.entry != kNone) {
                if (!repeated) repeated = i;
                continue;
            }
            slot = match(i);
        }
        return repeated;
    }
    std::size_t capacity = 16;
    while (capacity < numbers.size() * 2) capacity *= 2;  // at most half full
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    for (std::size_t i = 0; i < numbers.size(); ++i)
        for (std::size_t at = mix(numbers[i]) & mask_;; at = (at + 1) & mask_) {
            Slot& slot = slots_[at];
            if (slot.match.entry == kNone) {
                slot = {numbers[i], match(i)};
                break;
            }
            if (slot.number == numbers[i]) {
                if (!repeated) repeated = i;
                break;
            }
        }
    return repeated;
}

CustomerKeys::Match CustomerKeys::Numbers::find(std::int64_t number) const {
    if (consecutive_ != 0) {
        const std::uint64_t at = static_cast<std::uint64_t>(number) - static_cast<std::uint64_t>(min_);
        if (at >= consecutive_) return {};
        const auto entry = static_cast<std::uint32_t>(at);
        return {entry, positioned_ ? entry : kNoPosition};
    }
    if (!dense_.empty()) {
        const std::uint64_t at = static_cast<std::uint64_t>(number) - static_cast<std::uint64_t>(min_);
        if (at >= dense_.size()) return {};
        return dense_[static_cast<std::size_t>(at)];
    }
    if (slots_.empty()) return {};
    for (std::size_t at = mix(number) & mask_;; at = (at + 1) & mask_) {
        const Slot& slot = slots_[at];
        if (slot.match.entry == kNone) return {};
        if (slot.number == number) return slot.match;
    }
}

}  // namespace custclass::adapters
