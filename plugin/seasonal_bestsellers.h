// Seasonal best-sellers for the newsletters: per segment and season (calendar quarter, or seasons
// defined in the rule set), the top products and categories by revenue and by buyers, for a
// newsletter's navigation links. A season is a range of days of the year (month-day to
// month-day, possibly wrapping the year end), the same every year: order lines of different years
// that fall in one season are counted together, so the caller chooses the window of lines it
// feeds (for example the last twelve months). The caller feeds the purchased order lines one at a
// time into a BestsellerTally, once for each group (segment) of the buyer; the tally keeps, per
// group, season and product or category, the revenue, the lines and the distinct buyers, and
// ranks them at the end, leaving out cells of fewer than k buyers (the privacy policy's small-cell
// threshold, `min_buyers`).
//
// Days are config::Day (days since 1970-01-01, the order's day in the rule set's time zone; see
// civil_time.h). Ids (products, categories) are compared as given, byte for byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "civil_time.h"
#include "text.h"

namespace custclass::plugin {

// ---------------------------------------------------------------------------------------------
// Seasons

// A season: the days of the year from from_month-from_day to to_month-to_day, both inclusive, in
// every year. The days are ordered as in a leap year (..., 02-28, 02-29, 03-01, ...): when from
// comes after to, the season wraps the year end (12-01..02-28 holds December, January and
// February 1-28). 02-29 belongs to the season that holds it in that order: to 02-15..03-15 and
// to 12-01..02-29, but not to 12-01..02-28, which ends the day before (write 02-29 as the end to
// keep leap days in a season ending with February; in other years 02-29 does not occur).
// `id` names the season in the output and in errors; `label` is for display.
struct Season {
    std::string id;
    std::string label;
    int from_month = 1, from_day = 1, to_month = 3, to_day = 31;
};

// The four calendar quarters, in order: q1 "Q1 (Jan-Mar)" 01-01..03-31, q2 "Q2 (Apr-Jun)"
// 04-01..06-30, q3 "Q3 (Jul-Sep)" 07-01..09-30, q4 "Q4 (Oct-Dec)" 10-01..12-31. Every day of
// every year is in exactly one of them. Never fails.
std::vector<Season> calendar_quarters();

// Checks seasons (a rule set's, or calendar_quarters()): every id non-empty and unique
// (compared byte for byte); months in 1..12; days in 1..the length of the month (02-29
// allowed); no two seasons sharing a day (in the leap-year order of Season). Days in no season
// are allowed: order lines on them are not counted. An empty list is valid (nothing is counted).
// Throws std::invalid_argument for the first problem found — each season's id and days in order,
// then overlaps — naming the season by id (or by its index, from 0, when the id is empty) and,
// for an overlap, both seasons and the first shared day of the year ("MM-DD").
void validate_seasons(const std::vector<Season>& seasons);

// The index (in `seasons`) of the season holding `day`, or -1 when no season holds it (see
// Season for wrapping seasons and 02-29). Any day is accepted (the calendar repeats every 400
// years, so far-off days are taken modulo 400 years). Meant for seasons validate_seasons accepts;
// otherwise a season with an invalid month or day holds no day and, of overlapping seasons, the
// first one holding the day is returned. Never fails.
int season_of(const std::vector<Season>& seasons, config::Day day);

// ---------------------------------------------------------------------------------------------
// Best-sellers

// One product or category of a group and season.
struct BestsellerEntry {
    std::string id;            // the product or category id, as given to add()
    std::int64_t revenue = 0;  // the sum of its lines' amounts (minor units)
    std::uint64_t buyers = 0;  // distinct customers with a line of it
    std::uint64_t lines = 0;   // its order lines (add() calls)
};

// The best-sellers of one group in one season. Each list holds at most `top` entries with at
// least min_buyers buyers (see BestsellerTally::result for the order).
struct SeasonBestsellers {
    std::vector<BestsellerEntry> products_by_revenue, products_by_buyers;
    std::vector<BestsellerEntry> categories_by_revenue, categories_by_buyers;
    // All the group's lines in the season (categorised or not): their amounts, and the distinct
    // customers who bought anything. Exact when buyers is 0 or >= min_buyers; a smaller group is
    // a small cell: suppressed is set and revenue and buyers are 0 (the lists are then empty
    // too, since no entry has more buyers than the whole).
    std::int64_t revenue = 0;
    std::uint64_t buyers = 0;
    bool suppressed = false;
};

// Tallies order lines by group, season and product / category, counting distinct buyers.
//
// Memory: the tally keeps one cell (revenue, lines, the last customer seen: 32 bytes, plus 12 to
// 24 bytes of hash table) per (group, season, product), (group, season, category) and
// (group, season) seen, and each id once (the string in a hash map, some 70 bytes). Distinct
// buyers are counted by sorting rather than with a set per cell: each line appends an 8-byte key
// (cell, customer) for its product, its category and its season's total — none for a cell whose
// previous line was the same customer's, so the lines of one order cost one key for the total.
// Keys are gathered 1Mi at a time (8 MiB), sorted and deduplicated into a run; whenever the
// newest run is at least half the size of the one before it, the two are merged, deduplicating,
// in chunks of 64Ki keys that are freed as they are read, so merging needs no second copy. That
// leaves O(log n) runs and merges each key O(log n) times; result() merges the runs once more,
// streaming, counting each distinct key once. So the keys take 8 bytes per distinct
// (cell, customer) pair plus those of repeat purchases not yet merged away — never more than 24
// bytes per line — and gathering and merging them needs no more than 8 to 16 MiB of buffers
// besides (the cells' hash table, as it doubles, holds its old and new slots for a moment;
// result() adds 12 bytes per cell and a copy of the unsorted buffer). Measured with 10M lines (peak
// resident memory, g++ -O2): 8 groups × 4 quarters, 1M customers buying uniformly among 50k
// products in 500 categories (almost every line a new pair): 335 MB, 190 MB of it keys; 1M products
// in 1M categories, every pair different: 480 MB, 170 MB keys and 150 MB ids; 20k customers buying
// again and again from 10 products each: under 50 MB. 7 to 15 s on one core for those 10M lines.
// Thread safety: as for a standard container (result() calls may run together; add() alone).
class BestsellerTally {
public:
    // `groups`: the number of groups (segments) lines can be added to, 0..groups-1. `seasons` as
    // validate_seasons accepts them (copied). Throws std::invalid_argument for invalid seasons
    // (validate_seasons' message) or when groups × seasons exceeds about 1.4 billion (the cells'
    // keys would not fit).
    BestsellerTally(std::size_t groups, std::vector<Season> seasons);
    // Not copyable (it may be large); movable.
    BestsellerTally(const BestsellerTally&) = delete;
    BestsellerTally& operator=(const BestsellerTally&) = delete;
    BestsellerTally(BestsellerTally&&) = default;
    BestsellerTally& operator=(BestsellerTally&&) = default;

    // One purchased order line for one group: for a customer in several groups (segments of
    // several classifications, or several matching segments), call once per group. `customer`:
    // a dense index of the customer (the same customer always the same index); `day`: the
    // order's day; `product`: its product id (non-empty); `category`: its category id, or empty
    // for an uncategorised product (counted under products and in the season's totals only);
    // `amount`: the line's amount in minor units, added as given (the caller leaves out returns
    // and cancelled lines). A line on a day in no season is ignored (after the checks). Throws
    // std::out_of_range when group >= groups, std::invalid_argument for an empty product id,
    // std::overflow_error when a revenue would leave the 64-bit range (the line is then not
    // counted), std::length_error past 4 billion cells or distinct ids, std::bad_alloc when
    // memory runs out (the tally is then not to be used further).
    void add(std::size_t group, std::uint32_t customer, config::Day day, std::string_view product,
             std::string_view category, std::int64_t amount);

    // The best-sellers, [group][season] (indices as in the constructor; every group and season
    // present, with empty lists when no line was added). Each list holds the entries with
    // buyers >= min_buyers (small-cell suppression; min_buyers 0 or 1: every entry), at most
    // `top` of them (top 0: none), chosen after the suppression in this order:
    //   by revenue lists: revenue descending, then buyers descending, then id ascending;
    //   by buyers lists:  buyers descending, then revenue descending, then id ascending
    // (ids in byte order). buyers = distinct customers (a customer buying a product twice is one
    // buyer and two lines). The season's totals as at SeasonBestsellers. Never fails (but for
    // std::bad_alloc); the tally can take more lines afterwards.
    std::vector<std::vector<SeasonBestsellers>> result(std::size_t top,
                                                       std::uint64_t min_buyers) const;

private:
    // A hash table from 64-bit keys (none of them ~0) to 32-bit values, open addressing with
    // linear probing.
    class KeyTable {
    public:
        // Inserts key with value_if_new when absent. Returns the key's value and whether it was
        // inserted.
        std::pair<std::uint32_t, bool> insert(std::uint64_t key, std::uint32_t value_if_new);

    private:
        void grow();
        std::vector<std::uint64_t> keys_;
        std::vector<std::uint32_t> values_;
        std::size_t size_ = 0;
    };

    // A multiset of 64-bit keys kept as sorted, deduplicated runs of chunks (see the class
    // comment), for counting the distinct ones.
    class KeyRuns {
    public:
        void add(std::uint64_t key);
        // Adds 1 to counts[key >> 32] for each distinct key.
        void count_distinct(std::vector<std::uint64_t>& counts) const;

    private:
        using Chunk = std::vector<std::uint64_t>;
        struct Run {
            std::vector<Chunk> chunks;  // non-empty chunks, in order
            std::size_t size = 0;       // keys in all chunks
        };
        void flush();
        void merge_last_two();
        Chunk buffer_;           // the newest keys, unsorted
        std::vector<Run> runs_;  // each sorted and without duplicates; sizes decreasing
    };

    struct Cell {
        std::int64_t revenue = 0;
        std::uint64_t lines = 0;
        std::uint32_t slot = 0;           // (group × seasons + season) × 3 + kind
        std::uint32_t item = 0;           // index in names_ (0 for a season's total)
        std::uint32_t last_customer = 0;  // the customer of the cell's last line (lines > 0)
    };

    std::uint32_t intern(std::string_view id);
    std::uint32_t cell_index(std::uint32_t slot, std::uint32_t item);

    std::size_t groups_ = 0;
    std::vector<Season> seasons_;
    std::vector<int> season_by_ordinal_;  // 366 days of a leap year -> season index or -1
    config::StringMap<std::uint32_t> ids_;
    std::vector<const std::string*> names_;  // the keys of ids_, by code
    std::deque<Cell> cells_;                 // a deque: growing it copies nothing
    KeyTable cell_keys_;                     // (slot, item) -> index in cells_
    KeyRuns pairs_;                          // (cell index, customer)
};

}  // namespace custclass::plugin
