#include "segment_codes.h"

#include <cstdint>

namespace custclass::adapters {

std::uint32_t SegmentCodes::code_of(std::string_view classification,
                                    std::optional<std::string_view> segment) {
    const char* segment_at = segment ? segment->data() : nullptr;
    const auto address = [](const char* p) {
        return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(p));
    };
    constexpr std::uint64_t kMix = 0x9E3779B97F4A7C15ULL;
    const std::uint64_t mixed = (address(classification.data()) ^ address(segment_at) * kMix) * kMix;
    const std::size_t first = static_cast<std::size_t>(mixed >> 56) % kGuesses;
    // The guesses at the first slot and the next few: the one for these addresses, if any.
    for (std::size_t k = 0; k < kProbes; ++k) {
        const Guess& guess = guesses_[(first + k) % kGuesses];
        if (guess.code == 0) break;
        if (guess.classification != classification.data() || guess.segment != segment_at) continue;
        const SegmentCode& pair = pairs_[guess.code - 1];
        if (pair.classification == classification && pair.segment.has_value() == segment.has_value() &&
            (!segment || *pair.segment == *segment))
            return guess.code;
        break;  // other texts at these addresses now
    }
    const std::uint32_t code = code_from_key(classification, segment);
    // Kept in the first free slot of those, or the first slot, or where these addresses were.
    std::size_t at = first;
    for (std::size_t k = 0; k < kProbes; ++k) {
        const Guess& guess = guesses_[(first + k) % kGuesses];
        if (guess.code == 0 || (guess.classification == classification.data() && guess.segment == segment_at)) {
            at = (first + k) % kGuesses;
            break;
        }
    }
    guesses_[at] = {classification.data(), segment_at, code};
    return code;
}

std::uint32_t SegmentCodes::code_from_key(std::string_view classification,
                                          std::optional<std::string_view> segment) {
    // The key: the classification, a separator no name contains, then 'n' for no segment or
    // 's' and the segment (so that an empty segment and none differ).
    key_.assign(classification);
    key_.push_back('\0');
    if (segment) {
        key_.push_back('s');
        key_.append(*segment);
    } else {
        key_.push_back('n');
    }
    if (const auto found = codes_.find(key_); found != codes_.end()) return found->second;
    pairs_.push_back({std::string(classification),
                      segment ? std::optional<std::string>(std::string(*segment)) : std::nullopt});
    const auto code = static_cast<std::uint32_t>(pairs_.size());
    codes_.emplace(key_, code);
    return code;
}

void set_segment_flag(std::string& flags, std::uint32_t code) {
    if (flags.size() < code) flags.resize(code, '0');
    flags[code - 1] = '1';
}

}  // namespace custclass::adapters
