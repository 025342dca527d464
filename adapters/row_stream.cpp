#include "row_stream.h"

#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>

#include "source.h"

namespace custclass::adapters {

namespace {

// SOCI bulk fetch into vectors of strings: SQLite, and each FETCH of a PostgreSQL cursor.
class BulkFetch {
public:
    BulkFetch(std::size_t columns, std::size_t batch_rows)
        : batch_rows_(batch_rows),
          values_(columns, std::vector<std::string>(batch_rows)),
          indicators_(columns, std::vector<soci::indicator>(batch_rows)) {
        batch_.values.resize(columns);
        batch_.null.resize(columns);
    }

    soci::statement prepare(soci::session& sql, const std::string& query,
                            const std::vector<std::string>* params = nullptr) {
        soci::statement st(sql);
        st.alloc();
        st.prepare(query);
        if (params)
            for (const std::string& p : *params) st.exchange(soci::use(p));
        for (std::size_t c = 0; c < values_.size(); ++c)
            st.exchange(soci::into(values_[c], indicators_[c]));
        st.define_and_bind();
        return st;
    }

    // Hands the fetched rows to `fn`; returns how many there were.
    std::size_t deliver(const std::function<void(const TextBatch&)>& fn) {
        const std::size_t n = values_.empty() ? 0 : values_[0].size();
        if (n > 0) {
            batch_.rows = n;
            for (std::size_t c = 0; c < values_.size(); ++c) {
                batch_.values[c].swap(values_[c]);
                batch_.null[c].resize(n);
                for (std::size_t r = 0; r < n; ++r)
                    batch_.null[c][r] = indicators_[c][r] == soci::i_null;
            }
            fn(batch_);
            for (std::size_t c = 0; c < values_.size(); ++c) batch_.values[c].swap(values_[c]);
        }
        for (std::size_t c = 0; c < values_.size(); ++c) {
            values_[c].resize(batch_rows_);
            indicators_[c].resize(batch_rows_);
        }
        return n;
    }

private:
    std::size_t batch_rows_;
    std::vector<std::vector<std::string>> values_;
    std::vector<std::vector<soci::indicator>> indicators_;
    TextBatch batch_;
};

void stream_sqlite(soci::session& sql, const std::string& query, std::size_t columns,
                   std::size_t batch_rows, const std::function<void(const TextBatch&)>& fn) {
    BulkFetch fetch(columns, batch_rows);
    soci::statement st = fetch.prepare(sql, query);
    st.execute(false);
    while (st.fetch()) fetch.deliver(fn);
}

void stream_postgresql(soci::session& sql, const std::string& query, std::size_t columns,
                       std::size_t batch_rows, const std::function<void(const TextBatch&)>& fn) {
    // A cursor lives in a transaction; it only reads, so it is rolled back at the end.
    soci::transaction tx(sql);
    sql << "DECLARE custclass_cursor NO SCROLL CURSOR FOR " + query;
    BulkFetch fetch(columns, batch_rows);
    soci::statement st =
        fetch.prepare(sql, "FETCH FORWARD " + std::to_string(batch_rows) + " FROM custclass_cursor");
    while (true) {
        st.execute(true);
        if (fetch.deliver(fn) < batch_rows) break;
    }
    sql << "CLOSE custclass_cursor";
    tx.rollback();
}

void stream_mysql(soci::session& sql, const std::string& query, std::size_t columns,
                  std::size_t batch_rows, const std::function<void(const TextBatch&)>& fn) {
    MYSQL* conn = static_cast<soci::mysql_session_backend*>(sql.get_backend())->conn_;
    if (mysql_real_query(conn, query.data(), query.size()) != 0)
        throw DatabaseError(mysql_error(conn));
    MYSQL_RES* result = mysql_use_result(conn);
    if (!result) throw DatabaseError(mysql_error(conn));
    struct Free {
        MYSQL_RES* r;
        ~Free() { mysql_free_result(r); }
    } release{result};
    if (mysql_num_fields(result) != columns)
        throw DatabaseError("the query returned " + std::to_string(mysql_num_fields(result)) +
                            " columns, expected " + std::to_string(columns));
    TextBatch batch;
    batch.values.assign(columns, std::vector<std::string>(batch_rows));
    batch.null.assign(columns, std::vector<std::uint8_t>(batch_rows));
    std::size_t n = 0;
    while (MYSQL_ROW row = mysql_fetch_row(result)) {
        const unsigned long* lengths = mysql_fetch_lengths(result);
        for (std::size_t c = 0; c < columns; ++c) {
            batch.null[c][n] = row[c] == nullptr;
            if (row[c]) batch.values[c][n].assign(row[c], lengths[c]);
        }
        if (++n == batch_rows) {
            batch.rows = n;
            fn(batch);
            n = 0;
        }
    }
    if (mysql_errno(conn) != 0) throw DatabaseError(mysql_error(conn));
    if (n > 0) {
        batch.rows = n;
        fn(batch);
    }
}

}  // namespace

void query_bound(soci::session& sql, const std::string& query,
                 const std::vector<std::string>& params, std::size_t columns,
                 std::size_t batch_rows, const std::function<void(const TextBatch&)>& fn) {
    try {
        BulkFetch fetch(columns, batch_rows);
        soci::statement st = fetch.prepare(sql, query, &params);
        st.execute(false);
        while (st.fetch()) fetch.deliver(fn);
    } catch (const soci::soci_error& e) {
        throw DatabaseError(e.what());
    }
}

void stream_query(soci::session& sql, Dialect dialect, const std::string& query,
                  std::size_t columns, std::size_t batch_rows,
                  const std::function<void(const TextBatch&)>& fn) {
    try {
        switch (dialect) {
            case Dialect::SQLite: return stream_sqlite(sql, query, columns, batch_rows, fn);
            case Dialect::PostgreSQL: return stream_postgresql(sql, query, columns, batch_rows, fn);
            case Dialect::MySQL: return stream_mysql(sql, query, columns, batch_rows, fn);
        }
    } catch (const soci::soci_error& e) {
        throw DatabaseError(e.what());
    }
}

}  // namespace custclass::adapters
