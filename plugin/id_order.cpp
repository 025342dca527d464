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

// Ids that come in a few ascending runs (in order but for some ids added later, or numbers as
// text: "1"…"9", "10"…"99", …) are merged run by run, in two arrays of rows; past this many
// runs they are sorted by radix, in more than four times the memory.
constexpr std::size_t kMostRunsMerged = 64;

// The rows of `ids` by merging its ascending runs, which begin at `starts` (0 first).
std::vector<std::uint32_t> merged_runs(const std::vector<std::string>& ids, std::vector<std::size_t> starts) {
    std::vector<std::uint32_t> rows(ids.size()), merged(ids.size());
    for (std::size_t r = 0; r < rows.size(); ++r) rows[r] = static_cast<std::uint32_t>(r);
    const auto by_id = [&](std::uint32_t a, std::uint32_t b) { return ids[a] < ids[b]; };
    starts.push_back(ids.size());
    while (starts.size() > 2) {  // more than one run: each pair of runs merged into one
        std::vector<std::size_t> next;
        for (std::size_t k = 0; k + 1 < starts.size(); k += 2) {
            const std::size_t begin = starts[k], middle = starts[k + 1];
            const std::size_t end = k + 2 < starts.size() ? starts[k + 2] : middle;
            std::merge(rows.begin() + static_cast<std::ptrdiff_t>(begin), rows.begin() + static_cast<std::ptrdiff_t>(middle),
                       rows.begin() + static_cast<std::ptrdiff_t>(middle), rows.begin() + static_cast<std::ptrdiff_t>(end),
                       merged.begin() + static_cast<std::ptrdiff_t>(begin), by_id);
            next.push_back(begin);
        }
        next.push_back(ids.size());
        rows.swap(merged);
        starts.swap(next);
    }
    return rows;
}

}  // namespace

std::vector<std::uint32_t> rows_in_id_order(const std::vector<std::string>& ids) {
    // std::string compares as unsigned bytes (char_traits<char>::compare is memcmp's order).
    std::vector<std::size_t> starts = {0};
    for (std::size_t r = 1; r < ids.size() && starts.size() <= kMostRunsMerged; ++r)
        if (ids[r] < ids[r - 1]) starts.push_back(r);
    if (starts.size() == 1) return {};
    if (starts.size() <= kMostRunsMerged) return merged_runs(ids, std::move(starts));
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
