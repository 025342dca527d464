#include "seasonal_bestsellers.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <functional>
#include <limits>
#include <queue>
#include <stdexcept>

namespace custclass::plugin {

namespace {

// The days of the year in the order of a leap year: 01-01 is 0, 02-29 is 59, 12-31 is 365.
constexpr int kDaysOfYear = 366;
constexpr std::array<int, 12> kMonthStart = {0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335};
constexpr std::array<int, 12> kMonthLength = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

// Kinds of cell of a (group, season).
constexpr std::uint32_t kProduct = 0;
constexpr std::uint32_t kCategory = 1;
constexpr std::uint32_t kTotal = 2;
constexpr std::uint32_t kKinds = 3;

constexpr std::uint64_t kEmptyKey = ~std::uint64_t{0};

// KeyRuns: keys gathered before sorting them into a run (8 MiB), and keys per chunk of the
// merged runs (512 KiB).
constexpr std::size_t kBuffer = std::size_t{1} << 20;
constexpr std::size_t kChunk = std::size_t{1} << 16;

bool valid_month_day(int month, int day) {
    return month >= 1 && month <= 12 && day >= 1 && day <= kMonthLength[month - 1];
}

// The position of a month-day in the leap-year order, or -1 when it is no day of the year.
int ordinal(int month, int day) {
    if (!valid_month_day(month, day)) return -1;
    return kMonthStart[month - 1] + day - 1;
}

// The position of a day's month-day in the leap-year order.
int ordinal_of_day(config::Day day) {
    // The Gregorian calendar repeats every 400 years (146,097 days): taking the day modulo that
    // keeps any 32-bit day within std::chrono's years without changing its month and day.
    constexpr std::int64_t kCycle = 146097;
    std::int64_t d = day % kCycle;
    if (d < 0) d += kCycle;
    const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{d}}};
    return ordinal(static_cast<int>(static_cast<unsigned>(ymd.month())),
                   static_cast<int>(static_cast<unsigned>(ymd.day())));
}

bool holds(const Season& s, int day_ordinal) {
    const int from = ordinal(s.from_month, s.from_day);
    const int to = ordinal(s.to_month, s.to_day);
    if (from < 0 || to < 0 || day_ordinal < 0) return false;
    if (from <= to) return day_ordinal >= from && day_ordinal <= to;
    return day_ordinal >= from || day_ordinal <= to;  // wraps the year end
}

std::string name_of(const std::vector<Season>& seasons, std::size_t i) {
    if (seasons[i].id.empty()) return "season " + std::to_string(i);
    return "season `" + seasons[i].id + "`";
}

std::string two_digits(int v) {
    std::string s = std::to_string(v);
    return s.size() < 2 ? "0" + s : s;
}

// "MM-DD" of a position in the leap-year order.
std::string month_day_text(int day_ordinal) {
    int month = 0;
    while (month + 1 < 12 && kMonthStart[month + 1] <= day_ordinal) ++month;
    return two_digits(month + 1) + "-" + two_digits(day_ordinal - kMonthStart[month] + 1);
}

void check_month_day(const std::vector<Season>& seasons, std::size_t i, const char* which,
                     int month, int day) {
    if (month < 1 || month > 12)
        throw std::invalid_argument(name_of(seasons, i) + ": " + which + " month " +
                                    std::to_string(month) + " is not a month (1..12)");
    if (!valid_month_day(month, day))
        throw std::invalid_argument(name_of(seasons, i) + ": " + which + " day " +
                                    std::to_string(day) + " is not a day of month " +
                                    std::to_string(month) + " (1.." +
                                    std::to_string(kMonthLength[month - 1]) + ")");
}

// The season of each position in the leap-year order (-1: none); throws for overlaps.
std::vector<int> season_table(const std::vector<Season>& seasons) {
    std::vector<int> table(kDaysOfYear, -1);
    for (std::size_t i = 0; i < seasons.size(); ++i) {
        for (int d = 0; d < kDaysOfYear; ++d) {
            if (!holds(seasons[i], d)) continue;
            if (table[d] >= 0)
                throw std::invalid_argument(name_of(seasons, static_cast<std::size_t>(table[d])) +
                                            " and " + name_of(seasons, i) + " overlap: both hold " +
                                            month_day_text(d));
            table[d] = static_cast<int>(i);
        }
    }
    return table;
}

std::uint64_t mix(std::uint64_t x) {
    // The finaliser of SplitMix64: spreads the structured keys over the slots.
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

// Sorts the first min(top, size) elements of `items` by `less` and drops the others.
template <typename T, typename Less>
void keep_top(std::vector<T>& items, std::size_t top, Less less) {
    if (items.size() > top) {
        std::partial_sort(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(top),
                          items.end(), less);
        items.resize(top);
    } else {
        std::sort(items.begin(), items.end(), less);
    }
}

}  // namespace

std::vector<Season> calendar_quarters() {
    return {
        {"q1", "Q1 (Jan-Mar)", 1, 1, 3, 31},
        {"q2", "Q2 (Apr-Jun)", 4, 1, 6, 30},
        {"q3", "Q3 (Jul-Sep)", 7, 1, 9, 30},
        {"q4", "Q4 (Oct-Dec)", 10, 1, 12, 31},
    };
}

void validate_seasons(const std::vector<Season>& seasons) {
    for (std::size_t i = 0; i < seasons.size(); ++i) {
        const Season& s = seasons[i];
        if (s.id.empty()) throw std::invalid_argument(name_of(seasons, i) + " has no id");
        for (std::size_t j = 0; j < i; ++j)
            if (seasons[j].id == s.id)
                throw std::invalid_argument("seasons " + std::to_string(j) + " and " +
                                            std::to_string(i) + " have the same id `" + s.id + "`");
        check_month_day(seasons, i, "from", s.from_month, s.from_day);
        check_month_day(seasons, i, "to", s.to_month, s.to_day);
    }
    season_table(seasons);
}

int season_of(const std::vector<Season>& seasons, config::Day day) {
    const int d = ordinal_of_day(day);
    for (std::size_t i = 0; i < seasons.size(); ++i)
        if (holds(seasons[i], d)) return static_cast<int>(i);
    return -1;
}

// ---------------------------------------------------------------------------------------------

std::pair<std::uint32_t, bool> BestsellerTally::KeyTable::insert(std::uint64_t key,
                                                                 std::uint32_t value_if_new) {
    if (4 * (size_ + 1) > 3 * keys_.size()) grow();
    const std::size_t mask = keys_.size() - 1;
    for (std::size_t i = static_cast<std::size_t>(mix(key)) & mask;; i = (i + 1) & mask) {
        if (keys_[i] == key) return {values_[i], false};
        if (keys_[i] == kEmptyKey) {
            keys_[i] = key;
            values_[i] = value_if_new;
            ++size_;
            return {value_if_new, true};
        }
    }
}

void BestsellerTally::KeyTable::grow() {
    const std::size_t capacity = keys_.empty() ? 1024 : 2 * keys_.size();
    std::vector<std::uint64_t> keys(capacity, kEmptyKey);
    std::vector<std::uint32_t> values(capacity);
    const std::size_t mask = capacity - 1;
    for (std::size_t j = 0; j < keys_.size(); ++j) {
        if (keys_[j] == kEmptyKey) continue;
        std::size_t i = static_cast<std::size_t>(mix(keys_[j])) & mask;
        while (keys[i] != kEmptyKey) i = (i + 1) & mask;
        keys[i] = keys_[j];
        values[i] = values_[j];
    }
    keys_.swap(keys);
    values_.swap(values);
}

// ---------------------------------------------------------------------------------------------

void BestsellerTally::KeyRuns::add(std::uint64_t key) {
    buffer_.push_back(key);  // grows by doubling, to exactly kBuffer
    if (buffer_.size() == kBuffer) flush();
}

void BestsellerTally::KeyRuns::flush() {
    std::sort(buffer_.begin(), buffer_.end());
    buffer_.erase(std::unique(buffer_.begin(), buffer_.end()), buffer_.end());
    Run run;
    run.size = buffer_.size();
    run.chunks.push_back(std::move(buffer_));
    buffer_ = Chunk();
    runs_.push_back(std::move(run));
    while (runs_.size() >= 2 && 2 * runs_.back().size >= runs_[runs_.size() - 2].size)
        merge_last_two();
}

void BestsellerTally::KeyRuns::merge_last_two() {
    Run newer = std::move(runs_.back());
    runs_.pop_back();
    Run older = std::move(runs_.back());
    runs_.pop_back();

    // Reads a run from the front, releasing each chunk once read.
    struct Reader {
        Run& run;
        std::size_t chunk = 0, at = 0;
        bool done() const { return chunk == run.chunks.size(); }
        std::uint64_t key() const { return run.chunks[chunk][at]; }
        void next() {
            if (++at < run.chunks[chunk].size()) return;
            Chunk().swap(run.chunks[chunk]);
            ++chunk;
            at = 0;
        }
    };
    Reader a{older}, b{newer};
    Run merged;
    Chunk out;
    out.reserve(kChunk);
    auto emit = [&](std::uint64_t key) {
        if (!out.empty() ? out.back() == key
                         : !merged.chunks.empty() && merged.chunks.back().back() == key)
            return;
        out.push_back(key);
        ++merged.size;
        if (out.size() == kChunk) {
            merged.chunks.push_back(std::move(out));
            out = Chunk();
            out.reserve(kChunk);
        }
    };
    while (!a.done() && !b.done()) {
        if (a.key() <= b.key()) {
            emit(a.key());
            a.next();
        } else {
            emit(b.key());
            b.next();
        }
    }
    for (; !a.done(); a.next()) emit(a.key());
    for (; !b.done(); b.next()) emit(b.key());
    if (!out.empty()) merged.chunks.push_back(std::move(out));
    runs_.push_back(std::move(merged));
}

void BestsellerTally::KeyRuns::count_distinct(std::vector<std::uint64_t>& counts) const {
    Chunk newest = buffer_;
    std::sort(newest.begin(), newest.end());
    // The runs and the newest keys, merged through a heap of (key, source).
    struct Source {
        const std::vector<Chunk>* chunks;
        std::size_t chunk = 0, at = 0;
    };
    std::vector<Source> sources;
    std::vector<Chunk> newest_chunks;
    if (!newest.empty()) newest_chunks.push_back(std::move(newest));
    sources.push_back({&newest_chunks});
    for (const Run& run : runs_) sources.push_back({&run.chunks});
    using Head = std::pair<std::uint64_t, std::size_t>;
    std::priority_queue<Head, std::vector<Head>, std::greater<>> heads;
    for (std::size_t i = 0; i < sources.size(); ++i)
        if (!sources[i].chunks->empty()) heads.push({(*sources[i].chunks)[0][0], i});
    bool any = false;
    std::uint64_t last = 0;
    while (!heads.empty()) {
        const auto [key, i] = heads.top();
        heads.pop();
        if (!any || key != last) {
            ++counts[static_cast<std::size_t>(key >> 32)];
            last = key;
            any = true;
        }
        Source& s = sources[i];
        if (++s.at == (*s.chunks)[s.chunk].size()) {
            ++s.chunk;
            s.at = 0;
        }
        if (s.chunk < s.chunks->size()) heads.push({(*s.chunks)[s.chunk][s.at], i});
    }
}

// ---------------------------------------------------------------------------------------------

BestsellerTally::BestsellerTally(std::size_t groups, std::vector<Season> seasons)
    : groups_(groups), seasons_(std::move(seasons)) {
    validate_seasons(seasons_);
    season_by_ordinal_ = season_table(seasons_);
    // Slots (group × seasons + season) × kinds must fit in 32 bits, below ~0.
    constexpr std::uint64_t kMaxSlots = std::numeric_limits<std::uint32_t>::max() - 1;
    if (!seasons_.empty() && groups_ > kMaxSlots / (kKinds * seasons_.size()))
        throw std::invalid_argument(
            "too many groups × seasons for the best-seller tally: " + std::to_string(groups_) +
            " × " + std::to_string(seasons_.size()));
}

std::uint32_t BestsellerTally::intern(std::string_view id) {
    if (const auto it = ids_.find(id); it != ids_.end()) return it->second;
    if (names_.size() >= std::numeric_limits<std::uint32_t>::max())
        throw std::length_error("too many distinct product and category ids");
    const auto code = static_cast<std::uint32_t>(names_.size());
    if (names_.size() == names_.capacity())  // so that the push_back below cannot fail
        names_.reserve(std::max<std::size_t>(64, 2 * names_.capacity()));
    const auto it = ids_.emplace(std::string(id), code).first;
    names_.push_back(&it->first);  // map nodes do not move
    return code;
}

std::uint32_t BestsellerTally::cell_index(std::uint32_t slot, std::uint32_t item) {
    // Cell indices stay below ~0 so that (cell, customer) keys never equal the empty key.
    if (cells_.size() >= std::numeric_limits<std::uint32_t>::max() - 1)
        throw std::length_error("too many best-seller cells");
    const auto next = static_cast<std::uint32_t>(cells_.size());
    cells_.push_back(Cell{0, 0, slot, item, 0});  // taken back unless the cell is new
    try {
        const auto [index, inserted] =
            cell_keys_.insert((static_cast<std::uint64_t>(slot) << 32) | item, next);
        if (!inserted) cells_.pop_back();
        return index;
    } catch (...) {
        cells_.pop_back();
        throw;
    }
}

void BestsellerTally::add(std::size_t group, std::uint32_t customer, config::Day day,
                          std::string_view product, std::string_view category,
                          std::int64_t amount) {
    if (group >= groups_)
        throw std::out_of_range("best-seller group " + std::to_string(group) + " out of range (" +
                                std::to_string(groups_) + " groups)");
    if (product.empty()) throw std::invalid_argument("an order line without a product id");
    const int season = season_by_ordinal_[static_cast<std::size_t>(ordinal_of_day(day))];
    if (season < 0) return;
    const auto base = static_cast<std::uint32_t>(
        (group * seasons_.size() + static_cast<std::size_t>(season)) * kKinds);

    std::array<std::uint32_t, 3> cells{};
    std::size_t n = 0;
    cells[n++] = cell_index(base + kProduct, intern(product));
    if (!category.empty()) cells[n++] = cell_index(base + kCategory, intern(category));
    cells[n++] = cell_index(base + kTotal, 0);

    std::array<std::int64_t, 3> revenue{};
    for (std::size_t i = 0; i < n; ++i)
        if (__builtin_add_overflow(cells_[cells[i]].revenue, amount, &revenue[i]))
            throw std::overflow_error("best-seller revenue out of the 64-bit range");
    for (std::size_t i = 0; i < n; ++i) {
        Cell& cell = cells_[cells[i]];
        // A key is kept for every (cell, customer) pair; the last one is already there.
        if (cell.lines == 0 || cell.last_customer != customer) {
            pairs_.add((static_cast<std::uint64_t>(cells[i]) << 32) | customer);
            cell.last_customer = customer;
        }
        cell.revenue = revenue[i];
        ++cell.lines;
    }
}

std::vector<std::vector<SeasonBestsellers>> BestsellerTally::result(
    std::size_t top, std::uint64_t min_buyers) const {
    const std::size_t seasons = seasons_.size();
    std::vector<std::vector<SeasonBestsellers>> out(groups_,
                                                    std::vector<SeasonBestsellers>(seasons));
    std::vector<std::uint64_t> buyers(cells_.size(), 0);
    pairs_.count_distinct(buyers);

    // The cells shown, [(group × seasons + season) × 2 + kind], as indices: only the top ones
    // become entries (strings).
    std::vector<std::vector<std::uint32_t>> shown(groups_ * seasons * 2);
    for (std::size_t c = 0; c < cells_.size(); ++c) {
        const Cell& cell = cells_[c];
        if (cell.lines == 0) continue;  // left by a line that overflowed
        const std::size_t gs = cell.slot / kKinds;
        const std::uint32_t kind = cell.slot % kKinds;
        if (kind == kTotal) {
            SeasonBestsellers& b = out[gs / seasons][gs % seasons];
            b.revenue = cell.revenue;
            b.buyers = buyers[c];
        } else if (buyers[c] >= min_buyers) {
            shown[gs * 2 + kind].push_back(static_cast<std::uint32_t>(c));
        }
    }

    auto by_revenue = [&](std::uint32_t a, std::uint32_t b) {
        const Cell& x = cells_[a];
        const Cell& y = cells_[b];
        if (x.revenue != y.revenue) return x.revenue > y.revenue;
        if (buyers[a] != buyers[b]) return buyers[a] > buyers[b];
        return *names_[x.item] < *names_[y.item];
    };
    auto by_buyers = [&](std::uint32_t a, std::uint32_t b) {
        const Cell& x = cells_[a];
        const Cell& y = cells_[b];
        if (buyers[a] != buyers[b]) return buyers[a] > buyers[b];
        if (x.revenue != y.revenue) return x.revenue > y.revenue;
        return *names_[x.item] < *names_[y.item];
    };
    auto entries = [&](std::vector<std::uint32_t> cells, auto less) {
        keep_top(cells, top, less);
        std::vector<BestsellerEntry> list;
        list.reserve(cells.size());
        for (std::uint32_t c : cells)
            list.push_back(
                {*names_[cells_[c].item], cells_[c].revenue, buyers[c], cells_[c].lines});
        return list;
    };
    for (std::size_t gs = 0; gs < groups_ * seasons; ++gs) {
        SeasonBestsellers& b = out[gs / seasons][gs % seasons];
        std::vector<std::uint32_t>& products = shown[gs * 2 + kProduct];
        std::vector<std::uint32_t>& categories = shown[gs * 2 + kCategory];
        b.products_by_revenue = entries(products, by_revenue);
        b.products_by_buyers = entries(std::move(products), by_buyers);
        b.categories_by_revenue = entries(categories, by_revenue);
        b.categories_by_buyers = entries(std::move(categories), by_buyers);
        if (b.buyers > 0 && b.buyers < min_buyers) {
            b.suppressed = true;
            b.revenue = 0;
            b.buyers = 0;
        }
    }
    return out;
}

}  // namespace custclass::plugin
