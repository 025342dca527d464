#include "read_ahead.h"

#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

namespace custclass::adapters {

namespace {

// Thrown inside the query's thread to stop it when the calling thread gave up.
struct Stopped {};

// `to` becomes a copy of `from`, reusing the capacity of its strings.
void copy_batch(const TextBatch& from, TextBatch& to) {
    to.rows = from.rows;
    to.values.resize(from.values.size());
    to.null.resize(from.null.size());
    for (std::size_t c = 0; c < from.values.size(); ++c) {
        auto& column = to.values[c];
        if (column.size() < from.rows) column.resize(from.rows);
        for (std::size_t r = 0; r < from.rows; ++r) column[r].assign(from.values[c][r]);
        to.null[c].assign(from.null[c].begin(), from.null[c].begin() + static_cast<std::ptrdiff_t>(from.rows));
    }
}

}  // namespace

void stream_query_ahead(soci::session& sql, Dialect dialect, const std::string& query,
                        std::size_t columns, std::size_t batch_rows,
                        const std::function<void(const TextBatch&)>& fn) {
    struct Slot {
        TextBatch batch;
        bool full = false;
    };
    Slot slots[2];
    std::mutex mutex;
    std::condition_variable changed;
    bool finished = false, stop = false;
    std::exception_ptr failure;

    std::thread reader([&] {
        std::size_t at = 0;
        try {
            stream_query(sql, dialect, query, columns, batch_rows, [&](const TextBatch& batch) {
                std::unique_lock lock(mutex);
                changed.wait(lock, [&] { return !slots[at].full || stop; });
                if (stop) throw Stopped{};
                lock.unlock();
                copy_batch(batch, slots[at].batch);  // the slot is empty: the caller is not reading it
                lock.lock();
                slots[at].full = true;
                at ^= 1;
                changed.notify_all();
            });
        } catch (const Stopped&) {
        } catch (...) {
            failure = std::current_exception();
        }
        std::lock_guard lock(mutex);
        finished = true;
        changed.notify_all();
    });

    std::size_t at = 0;
    try {
        while (true) {
            std::unique_lock lock(mutex);
            changed.wait(lock, [&] { return slots[at].full || finished; });
            if (!slots[at].full) break;  // the query ended and every batch was handed over
            lock.unlock();
            fn(slots[at].batch);
            lock.lock();
            slots[at].full = false;
            at ^= 1;
            changed.notify_all();
        }
    } catch (...) {
        {
            std::lock_guard lock(mutex);
            stop = true;
        }
        changed.notify_all();
        reader.join();
        throw;
    }
    reader.join();
    if (failure) std::rethrow_exception(failure);
}

}  // namespace custclass::adapters
