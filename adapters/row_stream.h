// Reads the result of a query as text values in batches, never holding the whole result in
// memory, in the way each backend allows: SQLite through SOCI's bulk fetch; PostgreSQL through a
// server-side cursor (SOCI's PostgreSQL backend would otherwise hold the whole result set, and
// its single-row mode is broken); MySQL/MariaDB through the client library's streaming mode
// (mysql_use_result) on SOCI's connection.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sql_dialect.h"

namespace soci {
class session;
}

namespace custclass::adapters {

struct TextBatch {
    std::size_t rows = 0;
    std::vector<std::vector<std::string>> values;  // [column][row]
    std::vector<std::vector<std::uint8_t>> null;   // [column][row]: 1 when SQL NULL
};

// Runs `query` (returning `columns` columns) and calls `fn` with consecutive batches of at most
// `batch_rows` rows. Throws DatabaseError with the database's message on failure.
void stream_query(soci::session& sql, Dialect dialect, const std::string& query,
                  std::size_t columns, std::size_t batch_rows,
                  const std::function<void(const TextBatch&)>& fn);

// Runs `query` with `params` bound to its placeholders :p0, :p1, … (as text) and calls `fn`
// with consecutive batches, on every backend through SOCI's prepared statements and bulk
// fetch. For the small, parameterised reads of the hooks; throws DatabaseError on failure.
void query_bound(soci::session& sql, const std::string& query,
                 const std::vector<std::string>& params, std::size_t columns,
                 std::size_t batch_rows, const std::function<void(const TextBatch&)>& fn);

}  // namespace custclass::adapters
