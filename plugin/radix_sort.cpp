#include "radix_sort.h"

#include <array>
#include <cstddef>

namespace custclass::plugin {

namespace {

// The value as an unsigned key of the same order: the sign bit flipped.
std::uint64_t key_of(std::int64_t v) { return static_cast<std::uint64_t>(v) ^ (std::uint64_t{1} << 63); }

}  // namespace

void radix_sort_by_value(std::vector<ValueRow>& pairs, std::vector<ValueRow>& scratch) {
    if (pairs.size() < 2) return;
    // The bytes in which some value differs from the first: the only ones to sort on.
    const std::uint64_t first = key_of(pairs.front().first);
    std::uint64_t differ = 0;
    for (const ValueRow& p : pairs) differ |= key_of(p.first) ^ first;
    if (differ == 0) return;
    // Every byte's counts in one pass.
    std::array<std::array<std::size_t, 256>, 8> counts{};
    for (const ValueRow& p : pairs) {
        const std::uint64_t k = key_of(p.first);
        for (unsigned b = 0; b < 8; ++b)
            if ((differ >> (8 * b)) & 0xff) ++counts[b][(k >> (8 * b)) & 0xff];
    }
    scratch.resize(pairs.size());
    for (unsigned b = 0; b < 8; ++b) {
        if (((differ >> (8 * b)) & 0xff) == 0) continue;
        std::array<std::size_t, 256>& at = counts[b];  // counts, then where each digit starts
        std::size_t start = 0;
        for (std::size_t& c : at) start += std::exchange(c, start);
        for (const ValueRow& p : pairs) scratch[at[(key_of(p.first) >> (8 * b)) & 0xff]++] = p;
        pairs.swap(scratch);
    }
}

}  // namespace custclass::plugin
