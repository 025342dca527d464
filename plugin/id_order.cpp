#include "id_order.h"

#include <algorithm>
#include <cstring>

#include "radix_sort.h"

namespace custclass::plugin {

namespace {

// The first 8 bytes of an id as a number of the same order: big-endian, zero-padded (a shorter
// id then comes first among those it begins), the sign bit flipped for the signed sort.
std::int64_t prefix_of(const std::string& id) {
    unsigned char bytes[8] = {};
    std::memcpy(bytes, id.data(), std::min<std::size_t>(id.size(), 8));
    std::uint64_t key = 0;
    for (unsigned char b : bytes) key = key << 8 | b;
    return static_cast<std::int64_t>(key ^ (std::uint64_t{1} << 63));
}

}  // namespace

std::vector<std::uint32_t> rows_in_id_order(const std::vector<std::string>& ids) {
    // std::string compares as unsigned bytes (char_traits<char>::compare is memcmp's order).
    if (std::is_sorted(ids.begin(), ids.end())) return {};
    // By the ids' first 8 bytes in a radix sort (most ids differ there: UUIDs, codes), then each
    // run of equal first bytes by the whole ids.
    std::vector<ValueRow> pairs(ids.size()), scratch;
    for (std::size_t r = 0; r < ids.size(); ++r) pairs[r] = {prefix_of(ids[r]), static_cast<std::uint32_t>(r)};
    radix_sort_by_value(pairs, scratch);
    std::vector<std::uint32_t> rows(pairs.size());
    for (std::size_t i = 0; i < pairs.size(); ++i) rows[i] = pairs[i].second;
    for (std::size_t begin = 0; begin < pairs.size();) {
        std::size_t end = begin + 1;
        while (end < pairs.size() && pairs[end].first == pairs[begin].first) ++end;
        if (end - begin > 1)
            std::sort(rows.begin() + static_cast<std::ptrdiff_t>(begin), rows.begin() + static_cast<std::ptrdiff_t>(end),
                      [&](std::uint32_t a, std::uint32_t b) { return ids[a] < ids[b] || (ids[a] == ids[b] && a < b); });
        begin = end;
    }
    return rows;
}

}  // namespace custclass::plugin
