// The orders folded by the key they name, before the customers are known (KeyedOrderTotals),
// give each customer exactly the totals that matching every order to its customer first
// (CustomerKeys, as the read of the orders after the customers does) and folding it there
// gives; the orders of keys no customer has are counted, whatever form the keys take.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <tuple>

#include "customer_keys.h"
#include "keyed_order_totals.h"
#include "order_folding.h"
#include "value_parsing.h"

namespace custclass::adapters {
namespace {

// An order's key as the database hands it: a whole number, or text as written.
struct RawKey {
    RawKey(std::int64_t n) : is_number(true), number(n) {}
    RawKey(std::string t) : text(std::move(t)) {}
    RawKey(const char* t) : text(t) {}
    bool is_number = false;
    std::int64_t number = 0;
    std::string text;
};

CustomerKeys::Match match(const CustomerKeys& keys, const RawKey& key) {
    return key.is_number ? keys.match_number(key.number) : keys.match_raw(key.text);
}
std::uint32_t slot_of(KeyedOrderTotals& totals, const RawKey& key) {
    return key.is_number ? totals.of_number(key.number) : totals.of_text(key.text);
}

// One order into the totals by key, its day and channels found by the totals' own rule.
void fold(KeyedOrderTotals& totals, std::uint32_t slot, const Timestamp& at, std::int64_t amount,
          const std::optional<std::string>& channel) {
    const OrderFolding& folding = totals.folding();
    totals.add(slot, folding.day_of(at), amount, channel ? folding.channel_mask(*channel) : 0);
}

struct TestOrder {
    RawKey key;
    Timestamp at;
    std::int64_t amount;
    std::optional<std::string> channel;
};

struct Folded {
    OrderTotals totals;
    std::uint64_t orders = 0, after_as_of = 0;
    std::vector<std::uint32_t> channels;
};

auto fields(const Folded& f) {
    const OrderTotals& t = f.totals;
    return std::tuple(t.first_order, t.last_order, t.first_purchase, t.last_purchase, t.purchases_total,
                      t.purchases_window, t.orders_window, t.returns_window, t.purchase_amount_window,
                      t.net_amount_window, f.orders, f.after_as_of, f.channels);
}

const OrderTotalsRequest kRequest{20400, 20400 - 90, "Asia/Hong_Kong", {"online", "app"}};

// The customers' keys as a read of the customers gives them (customer i at position i).
std::unique_ptr<CustomerKeys> customer_keys(const std::vector<std::string>& keys) {
    auto out = std::make_unique<CustomerKeys>();
    for (std::size_t i = 0; i < keys.size(); ++i)
        out->add(normalise_id(keys[i]), "c" + std::to_string(i), static_cast<std::uint32_t>(i));
    out->index("test");
    return out;
}

// Folds `orders` both ways and compares every customer's totals and the unknown orders' count.
void expect_same_totals(const std::vector<std::string>& keys, const std::vector<TestOrder>& orders,
                        const std::string& what) {
    const auto known = customer_keys(keys);
    const OrderFolding folding(kRequest);
    // Each order matched to its customer first, then folded there.
    std::map<std::uint32_t, Folded> expected;
    std::uint64_t expected_unknown = 0;
    for (const TestOrder& o : orders) {
        const CustomerKeys::Match m = match(*known, o.key);
        if (m.entry == CustomerKeys::kNone) {
            ++expected_unknown;
            continue;
        }
        Folded& f = expected[m.position];
        f.channels.resize(kRequest.channels.size());
        ++f.orders;
        if (!folding.add(f.totals, f.channels.data(), o.at, o.amount, o.channel)) ++f.after_as_of;
    }
    // Folded by key, then matched.
    KeyedOrderTotals by_key(kRequest);
    for (const TestOrder& o : orders) {
        fold(by_key, slot_of(by_key, o.key), o.at, o.amount, o.channel);
    }
    std::map<std::uint32_t, Folded> got;
    std::uint64_t unknown = 0;
    by_key.deliver(*known, [&](OrderTotalsBatch batch) {
        for (const CustomerOrderTotals& t : batch) {
            ASSERT_NE(t.customer_row, OrderRow::kNoRow) << what;
            EXPECT_TRUE(t.customer_id.empty()) << what;
            EXPECT_FALSE(got.count(t.customer_row)) << what << ": customer " << t.customer_row << " twice";
            got[t.customer_row] = {t.totals, t.orders_all, t.orders_after_as_of, t.channel_purchases};
        }
    }, unknown);
    EXPECT_EQ(unknown, expected_unknown) << what;
    ASSERT_EQ(got.size(), expected.size()) << what;
    for (const auto& [position, f] : expected) {
        ASSERT_TRUE(got.count(position)) << what << ": customer " << position;
        EXPECT_EQ(fields(got[position]), fields(f)) << what << ": customer " << position;
    }
}

// Orders over a year around as_of (some after it), of every kind of amount and channel.
std::vector<TestOrder> random_orders(std::mt19937_64& random, const std::vector<RawKey>& keys, std::size_t n) {
    static const std::vector<std::optional<std::string>> channels = {std::nullopt, "Online", "app", "store", "APP"};
    std::vector<TestOrder> out;
    for (std::size_t i = 0; i < n; ++i) {
        const std::int64_t day = 20400 - 300 + static_cast<std::int64_t>(random() % 320);
        out.push_back({keys[random() % keys.size()],
                       {day * 86400 + static_cast<std::int64_t>(random() % 86400), random() % 4 == 0},
                       static_cast<std::int64_t>(random() % 3001) - 1000, channels[random() % channels.size()]});
    }
    return out;
}

TEST(KeyedOrderTotals, IntegerKeysInEveryFormGiveTheTotalsOfOrdersMatchedFirst) {
    std::mt19937_64 random(20261207);
    std::vector<std::string> customers;
    for (int i = 1; i <= 500; ++i) customers.push_back(std::to_string(i * 3));  // not every number a customer
    // As numbers, as text in canonical decimal, trimmed, with a zero fraction, unknown ones,
    // negative and far ones (outside the array), and text that is no number.
    std::vector<RawKey> keys;
    for (int i = 1; i <= 500; ++i) {
        keys.emplace_back(std::int64_t{i * 3});
        keys.emplace_back(std::to_string(i * 3));
    }
    for (const char* text : {" 3", "6 ", "9.0", "12.00", "0", "-3", "007", "x15", ""}) keys.emplace_back(text);
    for (const std::int64_t n : {std::int64_t{1}, std::int64_t{-3}, std::int64_t{4'000'000'000'000},
                                 std::int64_t{INT64_MIN}, std::int64_t{INT64_MAX}})
        keys.emplace_back(n);
    expect_same_totals(customers, random_orders(random, keys, 20000), "integer keys");
    // The same customers with far and negative keys too.
    customers.push_back("-3");
    customers.push_back("4000000000000");
    expect_same_totals(customers, random_orders(random, keys, 20000), "integer keys, some far");
}

TEST(KeyedOrderTotals, TextKeysGiveTheTotalsOfOrdersMatchedFirst) {
    std::mt19937_64 random(7);
    // Text keys with a number among them (the keys are then matched as text: "44" and 44 alike).
    std::vector<std::string> customers = {"K-1", "K-2", "k-2", "44", "007", "Ä-9", "17850"};
    std::vector<RawKey> keys = {"K-1", " K-1 ", "K-2", "k-2", "K-3", std::int64_t{44}, "44", "44.0",
                                "007", std::int64_t{7}, "Ä-9", std::int64_t{17850}, "17850.0"};
    expect_same_totals(customers, random_orders(random, keys, 5000), "text keys");
}

// A number first seen beyond the array's bound, then inside it once the array has grown to take
// more keys, is still one key: its orders are in one accumulator.
TEST(KeyedOrderTotals, AKeySeenBeforeTheArrayReachedItStaysOneKey) {
    const std::int64_t far = 3'000'000;  // beyond the first bound (16 × 64 Ki)
    std::vector<std::string> customers = {std::to_string(far)};
    for (int i = 0; i < 200'000; ++i) customers.push_back(std::to_string(i));
    std::vector<TestOrder> orders;
    const Timestamp at{20390LL * 86400, false};
    orders.push_back({far, at, 100, "online"});
    for (std::int64_t i = 0; i < 200'000; ++i) orders.push_back({i, at, 5, std::nullopt});
    // A key just beyond it, no customer's, which the array (bound 16 × (200 Ki + 64 Ki)) grows to take.
    orders.push_back({far + 1, at, 7, std::nullopt});
    orders.push_back({far, at, 200, "app"});  // inside the array's range now
    orders.push_back({RawKey(std::to_string(far)), at, -50, std::nullopt});
    expect_same_totals(customers, orders, "a far key");
    // The far key's three orders, in one customer's totals.
    const auto known = customer_keys(customers);
    KeyedOrderTotals by_key(kRequest);
    for (const TestOrder& o : orders)
        fold(by_key, slot_of(by_key, o.key), o.at, o.amount, o.channel);
    std::uint64_t unknown = 0;
    std::size_t delivered = 0;
    by_key.deliver(*known, [&](OrderTotalsBatch batch) {
        for (const CustomerOrderTotals& t : batch) {
            ++delivered;
            if (t.customer_row == 0) {
                EXPECT_EQ(t.orders_all, 3u);
                EXPECT_EQ(t.totals.purchase_amount_window, 300);
                EXPECT_EQ(t.channel_purchases, (std::vector<std::uint32_t>{1, 1}));
            }
        }
    }, unknown);
    EXPECT_EQ(delivered, customers.size());
    EXPECT_EQ(unknown, 1u);
}

// Keys without a position (read alone, not with the customers): the totals name the customer
// by its id.
TEST(KeyedOrderTotals, NamesTheCustomerByIdWhenThePositionIsNotKnown) {
    CustomerKeys keys;
    keys.add("10", "alice");
    keys.add("20", "bob");
    keys.index("test");
    KeyedOrderTotals by_key(kRequest);
    fold(by_key, by_key.of_number(20), {20390LL * 86400, false}, 100, std::nullopt);
    fold(by_key, by_key.of_text("30"), {20390LL * 86400, false}, 100, std::nullopt);
    std::vector<std::string> ids;
    std::uint64_t unknown = 0;
    by_key.deliver(keys, [&](OrderTotalsBatch batch) {
        for (const CustomerOrderTotals& t : batch) {
            EXPECT_EQ(t.customer_row, OrderRow::kNoRow);
            ids.push_back(t.customer_id);
        }
    }, unknown);
    EXPECT_EQ(ids, std::vector<std::string>{"bob"});
    EXPECT_EQ(unknown, 1u);
}

}  // namespace

// Folded by its day and channel mask, an order counts as OrderFolding::add counts it: in each
// channel it is (case aside, a channel asked for twice counted twice), only as a purchase in
// the window. With more channels asked for than a mask holds, add counts them one by one, and
// the totals by key refuse them (the read beside the customers is then not used).
TEST(OrderFolding, TheDayAndChannelMaskFoldAnOrderAsItsTimestampAndChannelDo) {
    const OrderTotalsRequest request{20400, 20400 - 90, "Asia/Hong_Kong", {"online", "app", "online", ""}};
    const OrderFolding folding(request);
    EXPECT_EQ(folding.channel_mask("ONLINE"), 0b0101u);
    EXPECT_EQ(folding.channel_mask("App"), 0b0010u);
    EXPECT_EQ(folding.channel_mask(""), 0b1000u);
    EXPECT_EQ(folding.channel_mask("store"), 0u);
    const std::vector<Timestamp> ats = {{20399LL * 86400 + 3600, false}, {20399LL * 86400 + 20 * 3600, true},
                                        {20401LL * 86400, false}, {20300LL * 86400, false}};
    const std::vector<std::optional<std::string>> channels = {"Online", "app", "", std::nullopt, "store"};
    for (const auto& at : ats)
        for (const std::int64_t amount : {250, 0, -40})
            for (const auto& channel : channels) {
                OrderTotals a, b;
                std::vector<std::uint32_t> ca(4), cb(4);
                const bool added = folding.add(a, ca.data(), at, amount, channel);
                EXPECT_EQ(folding.add_day(b, cb.data(), folding.day_of(at), amount,
                                          channel ? folding.channel_mask(*channel) : 0),
                          added);
                EXPECT_EQ(ca, cb);
                EXPECT_EQ(fields({a, 0, 0, {}}), fields({b, 0, 0, {}}));
            }
    // 20:00 UTC is the next day in Hong Kong.
    EXPECT_EQ(folding.day_of(ats[1]), 20400);

    OrderTotalsRequest many = request;
    many.channels.clear();
    for (int k = 0; k < 70; ++k) many.channels.push_back("c" + std::to_string(k % 66));
    const OrderFolding wide(many);
    OrderTotals t;
    std::vector<std::uint32_t> counts(70);
    ASSERT_TRUE(wide.add(t, counts.data(), ats[0], 100, std::string("C65")));
    for (int k = 0; k < 70; ++k) EXPECT_EQ(counts[k], k % 66 == 65 ? 1u : 0u) << k;
    EXPECT_THROW(KeyedOrderTotals{many}, std::invalid_argument);
}

}  // namespace custclass::adapters
