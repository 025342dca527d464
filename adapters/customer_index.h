// The customers of a run by id (or, in a source, by the host's key: ADAPTERS.md
// `customer_key`): the lookup every order, order line, referral and interaction makes (10
// million times in a run over 10 million orders). An open-addressing table of 8-byte
// slots (a 32-bit fingerprint of the id's hash and the customer's index) over the ids the run
// keeps anyway: one probe touches one slot and, when the fingerprint matches, the id itself;
// about 16 bytes per customer instead of the ~60 of a node-based map.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace custclass::adapters {

class CustomerIndex {
public:
    // Indexes `ids`, whose elements must outlive the index and not change (the vector may be
    // moved: its elements stay where they are). An id that repeats an earlier one is found at
    // its first position. Returns the position of the first repeat, nullopt when all are
    // distinct.
    std::optional<std::size_t> build(const std::vector<std::string>& ids);
    // The same index over `ids`, a copy of the indexed ids (equal, in the same order): what a
    // build over them gives, without hashing them again.
    CustomerIndex over_copy(const std::vector<std::string>& ids) const {
        CustomerIndex copy = *this;
        copy.ids_ = ids.data();
        return copy;
    }

    // The same index over `ids`, copies of the indexed ids at the positions `kept` (increasing):
    // ids[r] equal to the indexed id at kept[r]. The others are left out (their slots marked, so
    // that every id kept is found where it was), and no id is hashed again. The index must have
    // been built over distinct ids.
    CustomerIndex over_subset(const std::vector<std::string>& ids, const std::vector<std::uint32_t>& kept,
                              std::size_t indexed) const;

    std::optional<std::uint32_t> find(std::string_view id) const {
        if (slots_.empty()) return std::nullopt;
        const std::uint64_t h = hash(id);
        const auto print = static_cast<std::uint32_t>(h >> 32);
        for (std::size_t at = h & mask_;; at = (at + 1) & mask_) {
            const std::uint64_t slot = slots_[at];
            if (slot == 0) return std::nullopt;
            if (slot == kLeftOut) continue;
            const auto index = static_cast<std::uint32_t>(slot) - 1;
            if (static_cast<std::uint32_t>(slot >> 32) == print && ids_[index] == id) return index;
        }
    }

private:
    // The slot of an id an index over a subset left out: not empty, so that a search goes on
    // past it, and no index (an id's slot holds its index + 1, never 0, below).
    static constexpr std::uint64_t kLeftOut = std::uint64_t{1} << 32;
    static std::uint64_t hash(std::string_view id);
    const std::string* ids_ = nullptr;  // the first of the indexed ids
    std::vector<std::uint64_t> slots_;  // 0: empty; kLeftOut; else fingerprint << 32 | (index + 1)
    std::size_t mask_ = 0;
    bool distinct_ = false;  // the ids built over were distinct
};

}  // namespace custclass::adapters
