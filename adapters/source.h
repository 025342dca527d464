// A source of canonical rows: the SOCI source over the host's database, or (later) rows pushed
// by the host. The engine asks for each table once per run and receives it in batches.
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "canonical_rows.h"

namespace custclass::adapters {

// The database could not be reached or a statement failed.
class DatabaseError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The host's data cannot be used as it is; the message names the table, the key and the value.
class DataError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Source {
public:
    virtual ~Source() = default;
    // Calls `sink` with consecutive batches of rows until the table is read. An exception thrown
    // by the sink (a cancellation) stops the read and propagates.
    virtual void read_customers(const std::function<void(CustomerBatch)>& sink) = 0;
    virtual void read_orders(const std::function<void(OrderBatch)>& sink) = 0;
    virtual ReadCounts counts() const = 0;
};

}  // namespace custclass::adapters
