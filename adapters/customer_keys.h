// The customers' keys (ADAPTERS.md `customer_key`): the host's own key of each customer, which
// an orders or order-lines query returns instead of the customer id, mapped to the customer's id
// and, when the keys come with a read of the customers, to the customer's position in that read.
// Every order makes one lookup (10 million in a run over 10 million orders). Keys that are all
// whole numbers (a host's integer primary key, the usual case) are looked up as numbers: in an
// array by key when they are dense enough, in an open-addressing table otherwise; any other
// keys by their text (CustomerIndex). Either way, a key matches exactly when its text, normalised
// (normalise_id), equals the customer's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "customer_index.h"

namespace custclass::adapters {

class CustomerKeys {
public:
    static constexpr std::uint32_t kNoPosition = UINT32_MAX;
    static constexpr std::uint32_t kNone = UINT32_MAX;  // no entry (Match)

    CustomerKeys() = default;
    CustomerKeys(const CustomerKeys&) = delete;
    CustomerKeys& operator=(const CustomerKeys&) = delete;

    // The normalised key of the customer `id`, at `position` in the read of the customers that
    // gives the keys (kNoPosition: a read of the keys alone).
    void add(std::string key, std::string id, std::uint32_t position = kNoPosition);
    // Indexes the keys added; a key of two customers is an error (`origin`: the customers
    // query, for the message).
    void index(const std::string& origin);

    // The entry of a normalised key; nullopt when no customer has it.
    std::optional<std::uint32_t> find(std::string_view key) const;
    const std::string& id(std::uint32_t entry) const { return ids_[entry]; }
    // The customer's position in the read of the customers (kNoPosition when not known).
    std::uint32_t position(std::uint32_t entry) const {
        return positions_.empty() ? kNoPosition : positions_[entry];
    }
    const std::string* id_of(std::string_view key) const {
        const auto entry = find(key);
        return entry ? &ids_[*entry] : nullptr;
    }
    // A key's entry and its customer's position (kNoPosition when not known); entry kNone when
    // no customer has the key.
    struct Match {
        std::uint32_t entry = kNone;
        std::uint32_t position = kNoPosition;
    };
    // The match of a key as the database wrote it (find(normalise_id(key))). Whole-number keys
    // give their entry and position from one slot: the lookup of every order of a run.
    Match match_raw(std::string_view key) const;
    // The match of a key the database holds as a whole number (match_raw of its decimal).
    Match match_number(std::int64_t key) const;
    // Whether every entry knows its customer's position in the read of the customers.
    bool positions_known() const { return !ids_.empty() && positions_.size() == ids_.size(); }
    // The keys, normalised, as added (the values a read restricted to a few customers binds).
    const std::vector<std::string>& keys() const { return keys_; }
    bool empty() const { return keys_.empty(); }

    // Replaces each row's customer key by the customer's id; drops (and counts) the rows whose
    // key no customer has.
    template <typename Row>
    void to_ids(std::vector<Row>& rows, std::uint64_t& unknown) const {
        std::size_t kept = 0;
        for (Row& row : rows) {
            const std::string* id = id_of(row.customer_id);
            if (!id) {
                ++unknown;
                continue;
            }
            row.customer_id = *id;
            if (&rows[kept] != &row) rows[kept] = std::move(row);
            ++kept;
        }
        rows.resize(kept);
    }

private:
    // The keys as whole numbers, when every key is one, each with its entry and position.
    class Numbers {
    public:
        // Indexes `numbers` (and the positions of their entries, when given); the position of
        // the first repeat, or nullopt.
        std::optional<std::size_t> build(const std::vector<std::int64_t>& numbers,
                                         const std::vector<std::uint32_t>& positions);
        Match find(std::int64_t number) const;

    private:
        // Dense keys: the match by number − min_ (entry kNone: none).
        std::vector<Match> dense_;
        std::int64_t min_ = 0;
        // Keys min_, min_ + 1, … in the order they were added, each at its own entry's position
        // (an integer primary key read in its order, the usual case): the match of number − min_
        // is that number itself, found without reading memory (dense_ left empty).
        std::size_t consecutive_ = 0;
        bool positioned_ = false;  // consecutive_: each entry's position is its own index
        // Otherwise: open addressing.
        struct Slot {
            std::int64_t number = 0;
            Match match;
        };
        std::vector<Slot> slots_;
        std::size_t mask_ = 0;
    };

    std::vector<std::string> keys_, ids_;
    std::vector<std::uint32_t> positions_;
    bool numeric_ = false;
    Numbers numbers_;
    CustomerIndex text_;
};

// The whole number a normalised identifier writes in canonical decimal ("0", "17850",
// "-3": no sign but a leading minus, no leading zeros), or nullopt.
std::optional<std::int64_t> canonical_integer(std::string_view text);

// A key as the database wrote it, in the form keys are matched in: its normalised text
// (normalised_id: trimmed, "17850.0" as "17850"; a part of `raw`), and the whole number that
// text writes in canonical decimal, when it writes one. CustomerKeys::match_raw and the orders'
// totals by key (keyed_order_totals.h) both take a key this way.
struct KeyForm {
    std::string_view text;
    std::optional<std::int64_t> number;
};
KeyForm key_form(std::string_view raw);

}  // namespace custclass::adapters
