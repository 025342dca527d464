// A run's assignments as the result store keeps them (ADAPTERS.md, result store schema 6): each
// distinct (classification, segment) pair of the run gets a code, 1, 2, … in the order first
// seen, and each customer one string of flags, '1' at the position of every code it has ('0'
// elsewhere, as long as its highest code). One row per customer and run instead of one per
// assignment, no text repeated per row, and a membership test every database spells the same
// way: `substr(segment_flags, code, 1) = '1'`.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace custclass::adapters {

// One code's pair; no segment: unclassified in the classification.
struct SegmentCode {
    std::string classification;
    std::optional<std::string> segment;
};

// Numbers the pairs of one run as they come.
class SegmentCodes {
public:
    // The pair's code (from 1), given on first sight.
    std::uint32_t code_of(std::string_view classification, std::optional<std::string_view> segment);
    // The pairs in code order: code c is element c - 1.
    const std::vector<SegmentCode>& pairs() const { return pairs_; }

private:
    // The pair's code by its texts.
    std::uint32_t code_from_key(std::string_view classification, std::optional<std::string_view> segment);
    std::unordered_map<std::string, std::uint32_t> codes_;
    std::vector<SegmentCode> pairs_;
    std::string key_;  // reused, so that looking a known pair up allocates nothing
    // The code last given for names at these addresses, in one of a few slots their addresses
    // pick: a run names its pairs from its rule set, the same few strings a million times. Only
    // a guess, taken when the pair it names has the same texts, so that names at another
    // address, or other texts at the same address, are looked up in `codes_`.
    struct Guess {
        const char* classification = nullptr;
        const char* segment = nullptr;
        std::uint32_t code = 0;
    };
    static constexpr std::size_t kGuesses = 256;  // the top 8 bits of a mix of the addresses
    static constexpr std::size_t kProbes = 4;
    Guess guesses_[kGuesses];
};

// Sets code `code`'s flag in `flags`, growing it with '0's as needed.
void set_segment_flag(std::string& flags, std::uint32_t code);

// Calls fn(code) for every code whose flag is set in `flags`, in code order. Throws
// std::invalid_argument for a character other than '0' and '1' (a damaged row).
template <typename Fn>
void for_each_segment_code(std::string_view flags, Fn&& fn) {
    for (std::size_t i = 0; i < flags.size(); ++i) {
        if (flags[i] == '1')
            fn(static_cast<std::uint32_t>(i + 1));
        else if (flags[i] != '0')
            throw std::invalid_argument("segment flags hold a character other than 0 and 1: `" +
                                        std::string(flags) + "`");
    }
}

}  // namespace custclass::adapters
