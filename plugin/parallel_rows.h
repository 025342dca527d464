// Rows of a table split into contiguous ranges over threads (PERFORMANCE.md: both cores). Each
// range is worked on by one thread and written only by it, so that a result computed on any
// number of threads is identical, row for row, to the result on one.
#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace custclass::plugin {

// The cores there are (at least 1): the default thread count of a run.
inline unsigned available_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

// How many ranges parallel_rows makes of `rows` rows.
inline std::size_t row_parts(std::size_t rows, unsigned threads, std::size_t grain) {
    const std::size_t blocks = (rows + grain - 1) / grain;
    return std::max<std::size_t>(1, std::min<std::size_t>(std::max(1u, threads), blocks));
}

// Runs fn(part, begin, end) over [0, rows) split into row_parts() contiguous ranges whose
// bounds are multiples of `grain` (the last range takes the rest); part 0 on the calling
// thread, the others each on a thread of its own. Waits for all, then rethrows the first
// exception a part threw (by part order).
template <class Fn>
void parallel_rows(std::size_t rows, unsigned threads, std::size_t grain, Fn&& fn) {
    const std::size_t parts = row_parts(rows, threads, grain);
    const std::size_t blocks = (rows + grain - 1) / grain;
    auto bounds = [&](std::size_t part) {
        const std::size_t first = blocks * part / parts, last = blocks * (part + 1) / parts;
        return std::pair(std::min(rows, first * grain), std::min(rows, last * grain));
    };
    if (parts == 1) {
        fn(std::size_t{0}, std::size_t{0}, rows);
        return;
    }
    std::vector<std::exception_ptr> failed(parts);
    std::vector<std::thread> workers;
    workers.reserve(parts - 1);
    for (std::size_t part = 1; part < parts; ++part)
        workers.emplace_back([&, part] {
            try {
                const auto [begin, end] = bounds(part);
                fn(part, begin, end);
            } catch (...) {
                failed[part] = std::current_exception();
            }
        });
    try {
        const auto [begin, end] = bounds(0);
        fn(std::size_t{0}, begin, end);
    } catch (...) {
        failed[0] = std::current_exception();
    }
    for (auto& w : workers) w.join();
    for (const auto& e : failed)
        if (e) std::rethrow_exception(e);
}

}  // namespace custclass::plugin
