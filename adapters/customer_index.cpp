#include "customer_index.h"

#include <functional>
#include <limits>
#include <stdexcept>

namespace custclass::adapters {

std::uint64_t CustomerIndex::hash(std::string_view id) {
    // std::hash of a string view (a Murmur-style hash of the bytes), mixed so that the low bits
    // (the slot) and the high bits (the fingerprint) both depend on every byte.
    std::uint64_t h = std::hash<std::string_view>{}(id);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

std::optional<std::size_t> CustomerIndex::build(const std::vector<std::string>& ids) {
    if (ids.size() >= std::numeric_limits<std::uint32_t>::max())
        throw std::length_error("more than 4 billion customers in one run");
    ids_ = ids.data();
    std::optional<std::size_t> repeated;
    std::size_t capacity = 16;
    while (capacity < ids.size() * 2) capacity *= 2;  // at most half full
    slots_.assign(capacity, 0);
    mask_ = capacity - 1;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const std::uint64_t h = hash(ids[i]);
        const auto print = static_cast<std::uint32_t>(h >> 32);
        for (std::size_t at = h & mask_;; at = (at + 1) & mask_) {
            std::uint64_t& slot = slots_[at];
            if (slot == 0) {
                slot = (std::uint64_t{print} << 32) | (i + 1);
                break;
            }
            const auto index = static_cast<std::uint32_t>(slot) - 1;
            if (static_cast<std::uint32_t>(slot >> 32) == print && ids[index] == ids[i]) {
                if (!repeated) repeated = i;
                break;
            }
        }
    }
    distinct_ = !repeated;
    return repeated;
}

CustomerIndex CustomerIndex::over_subset(const std::vector<std::string>& ids, const std::vector<std::uint32_t>& kept,
                                         std::size_t indexed) const {
    if (!distinct_ && !slots_.empty()) throw std::logic_error("an index over repeated ids cannot be narrowed");
    if (ids.size() != kept.size()) throw std::logic_error("an index narrowed to ids not one per position kept");
    // The new position of each indexed id (UINT32_MAX: left out).
    std::vector<std::uint32_t> position(indexed, UINT32_MAX);
    for (std::size_t r = 0; r < kept.size(); ++r) {
        if (kept[r] >= indexed) throw std::logic_error("an index narrowed to a position it does not have");
        position[kept[r]] = static_cast<std::uint32_t>(r);
    }
    CustomerIndex out;
    out.ids_ = ids.data();
    out.mask_ = mask_;
    out.distinct_ = true;
    out.slots_.resize(slots_.size());
    for (std::size_t at = 0; at < slots_.size(); ++at) {
        const std::uint64_t slot = slots_[at];
        if (slot == 0 || slot == kLeftOut) {
            out.slots_[at] = slot;
            continue;
        }
        const std::uint32_t r = position[static_cast<std::uint32_t>(slot) - 1];
        out.slots_[at] = r == UINT32_MAX ? kLeftOut : (slot & 0xFFFFFFFF00000000ULL) | (std::uint64_t{r} + 1);
    }
    return out;
}

}  // namespace custclass::adapters
