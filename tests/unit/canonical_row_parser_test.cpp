#include "canonical_row_parser.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "row_stream.h"

using namespace custclass::adapters;

namespace {

// What a call gives: its value, or the error's message.
template <typename F>
std::string outcome(F&& f) {
    try {
        const auto v = f();
        if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::optional<bool>>)
            return v ? (*v ? "true" : "false") : "nullopt";
        else
            return std::to_string(v);
    } catch (const DataError& e) {
        return std::string("error: ") + e.what();
    }
}

// A row of one column holding the number, and one holding the text a read with Cells::Text
// would have handed for it.
struct Pair {
    RowView number{"orders", "test"};
    RowView text{"orders", "test"};
    std::string written;

    Pair(bool real, std::int64_t bits) {
        number.reset(1);
        number.set_number(0, real, bits);
        char buf[kNumberText];
        written.assign(buf, number_text(real ? TextBatch::Cell::Real : TextBatch::Cell::Integer, bits, buf));
        text.reset(1);
        text.set_text(0, written);
    }
};

}  // namespace

// A value read as a number is parsed as its text would be: the amount (money's shortcut from the
// number), the flag, the identifier; the text itself is the reader's (number_text, which the test
// in row_stream_test.cpp holds to SQLite's CAST(… AS TEXT)). Whole numbers and REALs of every
// kind: amounts with 0 to 6 decimals, at the edges of 10^15 and 10^18, any double's bits, ±0.
TEST(RowView, ANumberParsesAsItsText) {
    std::mt19937_64 random(20261207);
    std::vector<std::pair<bool, std::int64_t>> values = {
        {false, 0}, {false, 1}, {false, -1}, {false, 2},
        {false, std::numeric_limits<std::int64_t>::max()}, {false, std::numeric_limits<std::int64_t>::min()},
        {true, std::bit_cast<std::int64_t>(0.0)}, {true, std::bit_cast<std::int64_t>(-0.0)},
        {true, std::bit_cast<std::int64_t>(1e15)}, {true, std::bit_cast<std::int64_t>(999999999999999.0)},
        {true, std::bit_cast<std::int64_t>(0.0001)}, {true, std::bit_cast<std::int64_t>(0.00001)},
        {true, std::bit_cast<std::int64_t>(12.345)}, {true, std::bit_cast<std::int64_t>(0.125)},
        {true, std::bit_cast<std::int64_t>(std::numeric_limits<double>::infinity())},
        {true, std::bit_cast<std::int64_t>(std::nan(""))}};
    for (std::int64_t power = 1, k = 0; k <= 18; ++k, power *= k <= 18 ? 10 : 1)
        for (const std::int64_t v : {power - 1, power, power + 1})
            for (const std::int64_t sign : {1, -1}) {
                values.push_back({false, sign * v});
                values.push_back({true, std::bit_cast<std::int64_t>(static_cast<double>(sign * v) / 100.0)});
            }
    for (int i = 0; i < 300000; ++i) {
        const int kind = static_cast<int>(random() % 4);
        if (kind == 0) {  // a whole number of 1 to 19 digits
            const auto digits = static_cast<int>(random() % 19);
            std::int64_t limit = 1;
            for (int k = 0; k < digits; ++k) limit *= 10;
            values.push_back({false, static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(limit)) *
                                         (random() % 2 ? 1 : -1)});
        } else if (kind == 1) {  // an amount: up to 17 digits, 0 to 6 decimals
            const auto digits = 1 + static_cast<int>(random() % 17);
            std::int64_t limit = 1;
            for (int k = 0; k < digits; ++k) limit *= 10;
            const auto m = static_cast<double>(random() % static_cast<std::uint64_t>(limit));
            const double v = m / std::pow(10.0, static_cast<double>(random() % 7));
            values.push_back({true, std::bit_cast<std::int64_t>(random() % 2 ? v : -v)});
        } else if (kind == 2) {  // any finite double
            double v;
            do v = std::bit_cast<double>(random()); while (!std::isfinite(v));
            values.push_back({true, std::bit_cast<std::int64_t>(v)});
        } else {  // near an amount, a unit or two of its last bit away
            const double v = static_cast<double>(random() % 100000000) / 100.0;
            const auto bits = std::bit_cast<std::int64_t>(v) + static_cast<std::int64_t>(random() % 5) - 2;
            values.push_back({true, bits});
        }
    }
    std::size_t parsed = 0;
    for (const auto& [real, bits] : values) {
        Pair p(real, bits);
        ASSERT_EQ(p.number.value(0), std::optional<std::string_view>(p.written));
        for (int decimals = 0; decimals <= 6; ++decimals) {
            const std::string by_number = outcome([&] { return p.number.money(0, "amount", decimals); });
            const std::string by_text = outcome([&] { return p.text.money(0, "amount", decimals); });
            ASSERT_EQ(by_number, by_text) << p.written << " with " << decimals << " decimals";
            parsed += by_number.rfind("error", 0) != 0;
        }
        ASSERT_EQ(outcome([&] { return p.number.flag(0, "is_prospect"); }),
                  outcome([&] { return p.text.flag(0, "is_prospect"); }))
            << p.written;
        ASSERT_EQ(outcome([&] { return p.number.id(0, "order_id").size(); }),
                  outcome([&] { return p.text.id(0, "order_id").size(); }))
            << p.written;
        ASSERT_EQ(p.number.id(0, "order_id"), p.text.id(0, "order_id"));
        EXPECT_NO_THROW(p.number.check_id(0, "order_id"));
    }
    EXPECT_GT(parsed, values.size());  // most values are amounts
}

// An error names the row by its key column's value when no key was set (the run does not copy
// the orders' ids), normalised as an identifier; a key set wins.
TEST(RowView, AnErrorNamesTheKeyColumn) {
    RowView row("orders", "query at custclass.yaml:3");
    row.reset(5);
    row.set_number(0, false, 17);
    row.set_number(1, false, 4);
    row.set_text(2, "2026-11-01 10:00:00");
    row.set_text(3, "12,50");
    OrderRow o;
    o.order_id = "left from the row before";
    try {
        parse_order_into(row, 2, "customer_key", o, false, false);
        FAIL() << "no error";
    } catch (const DataError& e) {
        EXPECT_STREQ(e.what(),
                     "table `orders`, key `17`, column `amount`: `12,50` is not an amount (query at custclass.yaml:3)");
    }
    EXPECT_EQ(o.order_id, "");
    row.clear_key();
    row.set_number(0, true, std::bit_cast<std::int64_t>(17850.0));  // a key written as 17850.0
    EXPECT_THROW(
        try { parse_order_into(row, 2, "customer_key", o, false, false); } catch (const DataError& e) {
            EXPECT_NE(std::string(e.what()).find("key `17850`, column `amount`"), std::string::npos) << e.what();
            throw;
        },
        DataError);
    row.set_text(3, "12.50");
    ASSERT_TRUE(parse_order_into(row, 2, "customer_key", o, false, true));
    EXPECT_EQ(o.order_id, "17850");
    EXPECT_EQ(o.amount, 1250);
    // A key set explicitly is the one named.
    row.clear_key();
    row.key_from(0);
    row.key = "o-9";
    try {
        row.fail("amount", "bad");
    } catch (const DataError& e) {
        EXPECT_NE(std::string(e.what()).find("key `o-9`"), std::string::npos) << e.what();
    }
    // An order id still has to be there when it is not kept.
    row.clear_key();
    row.set_text(0, "");
    EXPECT_THROW(parse_order_into(row, 2, "customer_key", o, false, false), DataError);
    row.set_text(0, "\xff");
    EXPECT_THROW(parse_order_into(row, 2, "customer_key", o, false, false), DataError);
}

namespace {

// A customer row as text, every field (timestamps by their seconds), for comparing two rows.
std::string described(const CustomerRow& c) {
    auto text = [](const std::optional<std::string>& v) { return v ? "'" + *v + "'" : std::string("NULL"); };
    auto flag = [](const std::optional<bool>& v) { return v ? (*v ? "1" : "0") : "NULL"; };
    std::string out = c.customer_id + "|" + (c.created_at ? std::to_string(c.created_at->seconds) : "NULL") + "|" +
                      (c.birth_date ? std::to_string(*c.birth_date) : "NULL") + "|" + text(c.gender) + "|" +
                      text(c.district) + "|" + text(c.income_band) + "|" + text(c.email) + "|" + text(c.phone) +
                      "|" + text(c.lead_source) + "|" + flag(c.is_prospect) + "|" + text(c.interests) + "|" +
                      flag(c.marketing_consent) + "|" + flag(c.opted_out) + "|" + text(c.transfer_consent);
    for (const auto& a : c.attributes) out += "|" + text(a);
    return out;
}

}  // namespace

// A customer parsed into a row that held another customer (the reader reuses the rows of an
// earlier batch) is the customer parsed afresh: every field is written, NULLs and attributes too.
TEST(RowView, ACustomerParsedIntoAReusedRowKeepsNothingOfTheRowBefore) {
    std::vector<ColumnSpec> spec = columns_of(custclass::config::CanonicalTable::Customers);
    const std::size_t first_attribute = spec.size();
    spec.push_back({"attr_tier", true});
    spec.push_back({"attr_club", true});
    RowView full("customers", "test"), empty("customers", "test");
    full.reset(spec.size());
    const std::vector<std::string> values = {
        "c1", "2026-01-02 03:04:05", "1990-05-06", "F", "Central", "high", "a.long.address@example.com",
        "+852 9123 4567", "referral", "1", "skincare,toys", "true", "0", "partners", "gold", "yes"};
    for (std::size_t i = 0; i < values.size(); ++i) full.set_text(i, values[i]);
    empty.reset(spec.size());
    empty.set_text(0, "c2");
    CustomerRow reused;
    parse_customer_into(full, spec, first_attribute, spec.size(), reused);
    EXPECT_EQ(described(reused), described(parse_customer(full, spec, first_attribute)));
    parse_customer_into(empty, spec, first_attribute, spec.size(), reused);
    EXPECT_EQ(described(reused), described(parse_customer(empty, spec, first_attribute)));
    EXPECT_EQ(described(reused), "c2|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL");
    // Fewer attributes than the row held.
    parse_customer_into(full, spec, first_attribute, spec.size(), reused);
    parse_customer_into(full, spec, first_attribute, first_attribute + 1, reused);
    EXPECT_EQ(reused.attributes.size(), 1u);
}
