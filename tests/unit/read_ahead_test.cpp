// Reading ahead (read_ahead.h), with a streamed query as the producer: the same batches in the
// same order as stream_query alone, the caller's failure stopping the query, and the query's
// failure reaching the caller after the batches before it.
#include "read_ahead.h"
#include "row_stream.h"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "soci_connection.h"
#include "source.h"

namespace custclass::adapters {
namespace {

using Rows = std::vector<std::vector<std::optional<std::string>>>;

struct Read {
    std::vector<std::size_t> batch_sizes;
    Rows rows;
    std::vector<std::thread::id> threads;
};

std::function<void(TextBatch&)> collect_into(Read& out) {
    return [&out](const TextBatch& batch) {
        out.batch_sizes.push_back(batch.rows);
        out.threads.push_back(std::this_thread::get_id());
        for (std::size_t r = 0; r < batch.rows; ++r) {
            std::vector<std::optional<std::string>> row;
            for (std::size_t c = 0; c < batch.columns(); ++c)
                row.push_back(batch.is_null(c, r) ? std::nullopt : std::optional<std::string>(batch.value(c, r)));
            out.rows.push_back(std::move(row));
        }
    };
}

// 10,007 rows: a long text on some (beyond any small-string buffer), NULLs on others.
const std::string kRows =
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10007) "
    "SELECT i, CASE WHEN i % 7 = 0 THEN NULL WHEN i % 3 = 0 THEN printf('%.*c', 40 + i % 50, 'x') "
    "ELSE 'r' || i END FROM n";

// stream_query run ahead of `fn`: each batch handed over by swapping (the reader gets an empty
// batch first, then the ones `fn` is done with), as SociSource::scan does.
void stream_query_ahead(soci::session& sql, Dialect dialect, const std::string& query,
                        std::size_t columns, std::size_t batch_rows,
                        const std::function<void(TextBatch&)>& fn) {
    read_ahead<TextBatch>(
        [&](const std::function<void(TextBatch&)>& emit) {
            stream_query(sql, dialect, query, columns, batch_rows, emit);
        },
        [&](TextBatch& batch) { fn(batch); });
}

class ReadAhead : public ::testing::Test {
protected:
    std::unique_ptr<soci::session> sql_ = connect({"sqlite3://db=:memory:", ""});
};

TEST_F(ReadAhead, HandsOverTheSameBatchesInOrderOnTheCallingThread) {
    Read direct, ahead;
    stream_query(*sql_, Dialect::SQLite, kRows, 2, 1000, collect_into(direct));
    stream_query_ahead(*sql_, Dialect::SQLite, kRows, 2, 1000, collect_into(ahead));
    EXPECT_EQ(ahead.batch_sizes, direct.batch_sizes);
    ASSERT_EQ(ahead.rows.size(), 10007u);
    EXPECT_EQ(ahead.rows, direct.rows);
    for (const auto id : ahead.threads) EXPECT_EQ(id, std::this_thread::get_id());
    // Shorter texts after longer ones in a reused buffer come out whole, not padded.
    EXPECT_EQ(ahead.rows[9].at(1), std::optional<std::string>("r10"));
}

TEST_F(ReadAhead, AnEmptyResultHandsOverNothing) {
    Read ahead;
    stream_query_ahead(*sql_, Dialect::SQLite, "SELECT 1, 2 WHERE 0", 2, 100, collect_into(ahead));
    EXPECT_TRUE(ahead.batch_sizes.empty());
}

TEST_F(ReadAhead, TheCallersFailureStopsTheQueryAndIsRethrown) {
    int calls = 0;
    EXPECT_THROW(stream_query_ahead(*sql_, Dialect::SQLite, kRows, 2, 100,
                                    [&](const TextBatch&) {
                                        if (++calls == 3) throw std::runtime_error("cancelled");
                                    }),
                 std::runtime_error);
    EXPECT_EQ(calls, 3);
    // The session is free again.
    Read after;
    stream_query(*sql_, Dialect::SQLite, "SELECT 1, 2", 2, 100, collect_into(after));
    EXPECT_EQ(after.rows.size(), 1u);
}

TEST_F(ReadAhead, TheQuerysFailureComesAfterTheRowsBeforeIt) {
    *sql_ << "CREATE TABLE t (v TEXT)";
    EXPECT_THROW(stream_query_ahead(*sql_, Dialect::SQLite, "SELECT v, w FROM t", 2, 100, [](const TextBatch&) {}),
                 DatabaseError);
    // abs() of the smallest integer fails at the row that holds it, after 250 good rows.
    Read partial;
    EXPECT_THROW(stream_query_ahead(*sql_, Dialect::SQLite,
                                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) "
                                    "SELECT i, abs(CASE WHEN i = 251 THEN -9223372036854775807 - 1 ELSE i END) FROM n",
                                    2, 50, collect_into(partial)),
                 DatabaseError);
    EXPECT_EQ(partial.rows.size(), 250u);
}

}  // namespace
}  // namespace custclass::adapters
