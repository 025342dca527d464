// Reading one batch ahead: the database's side of a streamed query (the database stepping
// through its rows, the client library handing them over, the values copied into a batch) on a
// thread of its own, while the calling thread parses and aggregates the batch before. With two
// cores a full scan costs the larger of the two instead of their sum (PERFORMANCE.md P1b).
#pragma once

#include <functional>
#include <string>

#include "row_stream.h"

namespace custclass::adapters {

// stream_query (row_stream.h) with the query run on a thread of its own, at most two batches
// ahead of `fn`; `fn` runs on the calling thread, in the order of the rows. The session must not
// be used by anything else until it returns. An exception from `fn` stops the query (the thread
// ends at its next batch) and is rethrown; a failure of the query is rethrown after the batches
// before it were handed to `fn`.
void stream_query_ahead(soci::session& sql, Dialect dialect, const std::string& query,
                        std::size_t columns, std::size_t batch_rows,
                        const std::function<void(const TextBatch&)>& fn);

}  // namespace custclass::adapters
