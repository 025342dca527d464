// The demo host schema in SQLite: its DDL, the sink that loads the generator's rows into it
// (prepared statements, one transaction, no journal: a fresh file either loads or is deleted) and
// the engine's mapping of it onto the canonical tables.
#include "demo_data.h"

#include <sqlite3.h>

#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace custclass::datagen {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE district (
  id     INTEGER PRIMARY KEY,
  name   TEXT NOT NULL,
  region TEXT NOT NULL
);
CREATE TABLE customer (
  id                INTEGER PRIMARY KEY,
  code              TEXT NOT NULL UNIQUE,
  full_name         TEXT NOT NULL,
  gender            TEXT,
  birth_date        TEXT,
  district_id       INTEGER REFERENCES district(id),
  income_band       TEXT,
  email             TEXT,
  phone             TEXT,
  created_at        TEXT NOT NULL,
  lead_source       TEXT,
  is_lead           INTEGER NOT NULL DEFAULT 0,
  marketing_consent INTEGER NOT NULL DEFAULT 0,
  interests         TEXT
);
CREATE TABLE product_category (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL
);
CREATE TABLE product (
  id          INTEGER PRIMARY KEY,
  sku         TEXT NOT NULL,
  name        TEXT NOT NULL,
  category_id INTEGER REFERENCES product_category(id),
  price       TEXT NOT NULL
);
CREATE TABLE sales_order (
  id          INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customer(id),
  ordered_at  TEXT NOT NULL,
  channel     TEXT NOT NULL,
  store_code  TEXT,
  total       NUMERIC NOT NULL,
  kind        TEXT NOT NULL
);
CREATE TABLE sales_order_line (
  id         INTEGER PRIMARY KEY,
  order_id   INTEGER NOT NULL REFERENCES sales_order(id),
  product_id INTEGER NOT NULL REFERENCES product(id),
  quantity   INTEGER NOT NULL,
  amount     NUMERIC NOT NULL
);
CREATE TABLE referral (
  referrer_id INTEGER NOT NULL REFERENCES customer(id),
  referee_id  INTEGER NOT NULL REFERENCES customer(id),
  referred_at TEXT
);
CREATE TABLE opt_out (
  customer_id  INTEGER REFERENCES customer(id),
  email        TEXT,
  phone        TEXT,
  opted_out_at TEXT
);
CREATE TABLE interaction (
  id          INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customer(id),
  kind        TEXT NOT NULL,
  keyword     TEXT,
  at          TEXT NOT NULL
);
)sql";

// Built after the load: cheaper than keeping them up to date row by row.
constexpr const char* kIndexes = R"sql(
CREATE INDEX sales_order_customer ON sales_order(customer_id);
CREATE INDEX sales_order_line_order ON sales_order_line(order_id);
CREATE INDEX interaction_customer ON interaction(customer_id);
)sql";

constexpr const char* kQueries = R"yaml(  queries:
    customers: |
      SELECT c.code AS customer_id, c.id AS customer_key, c.created_at, c.birth_date,
             c.gender, d.name AS district, c.income_band, c.email, c.phone, c.lead_source,
             c.is_lead AS is_prospect, c.interests, c.marketing_consent
      FROM customer c
      LEFT JOIN district d ON d.id = c.district_id
    orders: |
      SELECT id AS order_id, customer_id AS customer_key, ordered_at, total AS amount, channel
      FROM sales_order
    order_lines: |
      SELECT l.order_id, p.sku AS product_id, p.name AS product_name,
             pc.name AS category, l.quantity, l.amount
      FROM sales_order_line l
      JOIN product p ON p.id = l.product_id
      LEFT JOIN product_category pc ON pc.id = p.category_id
    referrals: |
      SELECT referrer.code AS referrer_id, referee.code AS referee_id, r.referred_at
      FROM referral r
      JOIN customer referrer ON referrer.id = r.referrer_id
      JOIN customer referee ON referee.id = r.referee_id
    opt_outs: |
      SELECT c.code AS customer_id, o.email, o.phone, o.opted_out_at
      FROM opt_out o
      LEFT JOIN customer c ON c.id = o.customer_id
    interactions: |
      SELECT c.code AS customer_id, i.kind, i.keyword, i.at
      FROM interaction i
      JOIN customer c ON c.id = i.customer_id
)yaml";

class SqliteError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// One open database; closed on destruction.
class Connection {
  public:
    explicit Connection(const std::string& path) : path_(path) {
        const int rc = sqlite3_open_v2(path.c_str(), &db_,
                                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
        if (rc != SQLITE_OK) {
            const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
            sqlite3_close_v2(db_);
            db_ = nullptr;
            throw SqliteError("cannot create the demo database '" + path + "': " + message);
        }
    }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection() { sqlite3_close_v2(db_); }

    sqlite3* get() const { return db_; }

    void execute(const char* sql, const char* what) {
        char* message = nullptr;
        if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
            const std::string text = message ? message : sqlite3_errmsg(db_);
            sqlite3_free(message);
            fail(what, text);
        }
    }

    [[noreturn]] void fail(const char* what, const std::string& message) const {
        throw SqliteError("cannot write the demo database '" + path_ + "' (" + what +
                          "): " + message);
    }

  private:
    std::string path_;
    sqlite3* db_ = nullptr;
};

// A prepared INSERT, bound and stepped once per row. Text is bound without copying: every
// value lives until step() returns.
class Insert {
  public:
    Insert(Connection& connection, const char* sql, const char* table)
        : connection_(connection), table_(table) {
        if (sqlite3_prepare_v3(connection.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_,
                               nullptr) != SQLITE_OK) {
            connection.fail(table, sqlite3_errmsg(connection.get()));
        }
    }
    Insert(const Insert&) = delete;
    Insert& operator=(const Insert&) = delete;
    ~Insert() { sqlite3_finalize(stmt_); }

    Insert& integer(std::int64_t value) {
        check(sqlite3_bind_int64(stmt_, ++column_, value));
        return *this;
    }
    Insert& money(std::int64_t cents) {
        // A number such as 1234.5, as a POS stores it. cents / 100.0 is the double nearest the
        // decimal value, so reading it back and rounding cents is exact.
        check(sqlite3_bind_double(stmt_, ++column_, static_cast<double>(cents) / 100.0));
        return *this;
    }
    Insert& text(std::string_view value) {
        check(sqlite3_bind_text(stmt_, ++column_, value.data(), static_cast<int>(value.size()),
                                SQLITE_STATIC));
        return *this;
    }
    Insert& text(const std::optional<std::string_view>& value) {
        return value ? text(*value) : null();
    }
    Insert& null() {
        check(sqlite3_bind_null(stmt_, ++column_));
        return *this;
    }

    void step() {
        if (sqlite3_step(stmt_) != SQLITE_DONE) {
            connection_.fail(table_, sqlite3_errmsg(connection_.get()));
        }
        sqlite3_reset(stmt_);
        column_ = 0;
    }

  private:
    void check(int rc) {
        if (rc != SQLITE_OK) connection_.fail(table_, sqlite3_errmsg(connection_.get()));
    }

    Connection& connection_;
    const char* table_;
    sqlite3_stmt* stmt_ = nullptr;
    int column_ = 0;
};

class SqliteDemoSink final : public DemoSink {
  public:
    explicit SqliteDemoSink(Connection& c)
        : district_(c, "INSERT INTO district VALUES (?,?,?)", "district"),
          category_(c, "INSERT INTO product_category VALUES (?,?)", "product_category"),
          product_(c, "INSERT INTO product VALUES (?,?,?,?,?)", "product"),
          customer_(c, "INSERT INTO customer VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", "customer"),
          referral_(c, "INSERT INTO referral VALUES (?,?,?)", "referral"),
          opt_out_(c, "INSERT INTO opt_out VALUES (?,?,?,?)", "opt_out"),
          order_(c, "INSERT INTO sales_order VALUES (?,?,?,?,?,?,?)", "sales_order"),
          line_(c, "INSERT INTO sales_order_line VALUES (?,?,?,?,?)", "sales_order_line"),
          interaction_(c, "INSERT INTO interaction VALUES (?,?,?,?,?)", "interaction") {}

    void add(const DistrictRow& r) override {
        district_.integer(r.id).text(r.name).text(r.region).step();
    }
    void add(const ProductCategoryRow& r) override { category_.integer(r.id).text(r.name).step(); }
    void add(const ProductRow& r) override {
        char price[32];
        const int n = std::snprintf(price, sizeof price, "%" PRId64 ".%02" PRId64,
                                    r.price_cents / 100, r.price_cents % 100);
        product_.integer(r.id).text(r.sku).text(r.name).integer(r.category_id);
        product_.text(std::string_view(price, static_cast<std::size_t>(n))).step();
    }
    void add(const CustomerRow& r) override {
        char birth[16];
        char created[24];
        customer_.integer(r.id).text(r.code).text(r.full_name).text(r.gender);
        if (r.birth_date) {
            customer_.text(std::string_view(birth, format_day(*r.birth_date, birth)));
        } else {
            customer_.null();
        }
        customer_.integer(r.district_id).text(r.income_band).text(r.email).text(r.phone);
        customer_.text(std::string_view(created, format_timestamp(r.created_at, created)));
        customer_.text(r.lead_source).integer(r.is_lead ? 1 : 0);
        customer_.integer(r.marketing_consent ? 1 : 0).text(r.interests).step();
    }
    void add(const ReferralRow& r) override {
        char at[24];
        referral_.integer(r.referrer_id).integer(r.referee_id);
        referral_.text(std::string_view(at, format_timestamp(r.referred_at, at))).step();
    }
    void add(const OptOutRow& r) override {
        char at[24];
        if (r.customer_id) {
            opt_out_.integer(*r.customer_id);
        } else {
            opt_out_.null();
        }
        opt_out_.text(r.email).text(r.phone);
        opt_out_.text(std::string_view(at, format_timestamp(r.opted_out_at, at))).step();
    }
    void add(const OrderRow& r) override {
        char at[24];
        order_.integer(r.id).integer(r.customer_id);
        order_.text(std::string_view(at, format_timestamp(r.ordered_at, at)));
        order_.text(r.channel).text(r.store_code).money(r.total_cents).text(r.kind).step();
    }
    void add(const OrderLineRow& r) override {
        line_.integer(r.id).integer(r.order_id).integer(r.product_id).integer(r.quantity);
        line_.money(r.amount_cents).step();
    }
    void add(const InteractionRow& r) override {
        char at[24];
        interaction_.integer(r.id).integer(r.customer_id).text(r.kind).text(r.keyword);
        interaction_.text(std::string_view(at, format_timestamp(r.at, at))).step();
    }

  private:
    Insert district_, category_, product_, customer_, referral_, opt_out_, order_, line_,
        interaction_;
};

// The database file and the journals SQLite may keep beside it.
constexpr const char* kFileSuffixes[] = {"", "-journal", "-wal", "-shm"};

void remove_database_files(const std::string& path) {
    for (const char* suffix : kFileSuffixes) {
        std::error_code error;
        std::filesystem::remove(path + suffix, error);
        if (error) {
            throw std::runtime_error("cannot replace the demo database '" + path +
                                     "': cannot remove '" + path + suffix +
                                     "': " + error.message());
        }
    }
}

}  // namespace

DemoCounts write_sqlite_demo(const std::string& db_path, const DemoOptions& opts) {
    check_demo_options(opts);  // before the old file goes
    remove_database_files(db_path);
    try {
        DemoCounts counts;
        {
            Connection db(db_path);
            // A fresh file that is deleted if anything fails: no journal, no fsync, nobody else
            // reading it while it loads.
            db.execute(
                "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE;"
                "PRAGMA cache_size=-65536;",
                "settings");
            db.execute("BEGIN", "begin");
            db.execute(kSchema, "schema");
            {
                SqliteDemoSink sink(db);
                counts = generate_demo(opts, sink);
            }
            db.execute(kIndexes, "indexes");
            db.execute("COMMIT", "commit");
        }
        return counts;
    } catch (...) {
        std::error_code ignored;
        for (const char* suffix : kFileSuffixes) {
            std::filesystem::remove(db_path + suffix, ignored);
        }
        throw;
    }
}

std::string demo_generic_queries_yaml() {
    return kQueries;
}

}  // namespace custclass::datagen
