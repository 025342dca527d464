// Reading ahead: a table's read (the database stepping through its rows, the client library
// handing them over, the values parsed into canonical rows) on a thread of its own, while the
// calling thread aggregates the batch before. With two cores a full scan costs the larger of the
// two instead of their sum (PERFORMANCE.md P1b).
#pragma once

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

namespace custclass::adapters {

namespace read_ahead_detail {
// Thrown inside the producing thread to stop it when the calling thread gave up.
struct Stopped {};
}  // namespace read_ahead_detail

// Runs `produce` on a thread of its own and `consume` on the calling thread, for each batch
// `produce` hands to the `emit` it is given, in that order, at most two batches ahead. `emit`
// takes the batch by swapping it with an empty slot: the producer gets back a batch of
// earlier rows (which `consume` may have changed) to clear and refill. Whatever `produce` uses must not be used by anything else
// until read_ahead returns. An exception from `consume` stops the producer (at its next batch)
// and is rethrown; one from `produce` is rethrown after the batches before it were consumed.
template <typename Batch>
void read_ahead(const std::function<void(const std::function<void(Batch&)>& emit)>& produce,
                const std::function<void(Batch&)>& consume) {
    struct Slot {
        Batch batch;
        bool full = false;
    };
    Slot slots[2];
    std::mutex mutex;
    std::condition_variable changed;
    bool finished = false, stop = false;
    std::exception_ptr failure;

    std::thread producer([&] {
        std::size_t at = 0;
        try {
            produce([&](Batch& batch) {
                std::unique_lock lock(mutex);
                changed.wait(lock, [&] { return !slots[at].full || stop; });
                if (stop) throw read_ahead_detail::Stopped{};
                using std::swap;
                swap(batch, slots[at].batch);  // the slot is empty: the caller is not reading it
                slots[at].full = true;
                at ^= 1;
                changed.notify_all();
            });
        } catch (const read_ahead_detail::Stopped&) {
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
            if (!slots[at].full) break;  // the producer ended and every batch was handed over
            lock.unlock();
            consume(slots[at].batch);
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
        producer.join();
        throw;
    }
    producer.join();
    if (failure) std::rethrow_exception(failure);
}

}  // namespace custclass::adapters
