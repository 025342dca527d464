// The customers' keys: every key found at its entry, with its id and position, whether the keys
// are dense whole numbers (an array), sparse or negative ones (a table) or text; a key matches
// exactly when its normalised text equals the customer's; the first key two customers share is
// named.
#include "customer_keys.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "source.h"

namespace custclass::adapters {
namespace {

TEST(CanonicalInteger, TakesOnlyTheNumbersCanonicalDecimalWrites) {
    EXPECT_EQ(canonical_integer("0"), 0);
    EXPECT_EQ(canonical_integer("17850"), 17850);
    EXPECT_EQ(canonical_integer("-3"), -3);
    EXPECT_EQ(canonical_integer("9223372036854775807"), std::numeric_limits<std::int64_t>::max());
    EXPECT_EQ(canonical_integer("-9223372036854775808"), std::numeric_limits<std::int64_t>::min());
    for (const char* not_canonical : {"", "-", "-0", "00", "007", "+7", " 7", "7 ", "7.0", "1e3",
                                      "9223372036854775808", "-9223372036854775809", "0x10", "12a"})
        EXPECT_FALSE(canonical_integer(not_canonical)) << not_canonical;
}

// Each key of `keys` (normalised text) added with id "id<i>" at position 3 * i.
void add_all(CustomerKeys& index, const std::vector<std::string>& keys) {
    for (std::size_t i = 0; i < keys.size(); ++i)
        index.add(keys[i], "id" + std::to_string(i), static_cast<std::uint32_t>(3 * i));
    index.index("customers.yaml:3");
}

void expect_every_key_found(const CustomerKeys& index, const std::vector<std::string>& keys) {
    ASSERT_TRUE(index.positions_known());
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const auto entry = index.find(keys[i]);
        ASSERT_TRUE(entry) << keys[i];
        EXPECT_EQ(index.id(*entry), "id" + std::to_string(i)) << keys[i];
        EXPECT_EQ(index.position(*entry), 3 * i) << keys[i];
        // The key as a database may write it: the same customer.
        std::vector<std::string> written_forms = {keys[i], " " + keys[i] + "\t"};
        const std::string_view digits = std::string_view(keys[i]).substr(keys[i][0] == '-' ? 1 : 0);
        if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos)
            written_forms.push_back(keys[i] + ".0");  // a whole number written as a decimal
        for (const std::string& written : written_forms) {
            const CustomerKeys::Match m = index.match_raw(written);
            EXPECT_EQ(m.entry, *entry) << written;
            EXPECT_EQ(m.position, 3 * i) << written;
        }
    }
}

TEST(CustomerKeys, FindsDenseWholeNumbers) {
    std::vector<std::string> keys;
    for (int i = 0; i < 5000; ++i) keys.push_back(std::to_string(100000 + (i * 7919) % 5000));
    CustomerKeys index;
    add_all(index, keys);
    expect_every_key_found(index, keys);
    for (const char* absent : {"99999", "105000", "-100000", "0", "0100000", "100000.0", "1e5", ""}) {
        EXPECT_FALSE(index.find(absent)) << absent;  // find takes normalised keys
        if (std::string_view(absent) != "100000.0") {
            EXPECT_EQ(index.match_raw(absent).entry, CustomerKeys::kNone) << absent;
        }
    }
}

// Keys lo, lo + 1, … each at `position(i)`: every key gives its own entry and position, and
// the numbers next to the range give none.
void expect_consecutive_keys(std::int64_t lo, std::size_t n, const std::vector<std::size_t>& order,
                             std::uint32_t (*position)(std::size_t)) {
    CustomerKeys index;
    for (const std::size_t i : order)
        index.add(std::to_string(lo + static_cast<std::int64_t>(i)), "id" + std::to_string(i), position(i));
    index.index("customers.yaml:3");
    ASSERT_TRUE(index.positions_known());
    for (std::size_t added = 0; added < order.size(); ++added) {
        const std::size_t i = order[added];
        const std::string key = std::to_string(lo + static_cast<std::int64_t>(i));
        const CustomerKeys::Match m = index.match_raw(key);
        ASSERT_NE(m.entry, CustomerKeys::kNone) << key;
        EXPECT_EQ(index.id(m.entry), "id" + std::to_string(i)) << key;
        EXPECT_EQ(m.position, position(i)) << key;
        EXPECT_EQ(index.match_raw(" " + key + ".0").entry, m.entry) << key;
    }
    for (const std::int64_t absent : {lo - 1, lo + static_cast<std::int64_t>(n), lo - 1000000, lo + 1000000})
        EXPECT_EQ(index.match_raw(std::to_string(absent)).entry, CustomerKeys::kNone) << absent;
}

TEST(CustomerKeys, FindsConsecutiveKeysInTheOrderOfTheirRead) {
    // An integer primary key read in its order: key lo + i at position i (no table needed), and
    // the same keys when the order or the positions say otherwise (the array).
    constexpr std::size_t n = 3000;
    std::vector<std::size_t> in_order(n), shuffled(n);
    for (std::size_t i = 0; i < n; ++i) {
        in_order[i] = i;
        shuffled[i] = (i * 7919) % n;
    }
    for (const std::int64_t lo : {std::int64_t{1}, std::int64_t{0}, std::int64_t{-1500}, std::int64_t{1} << 40}) {
        expect_consecutive_keys(lo, n, in_order, [](std::size_t i) { return static_cast<std::uint32_t>(i); });
        expect_consecutive_keys(lo, n, in_order, [](std::size_t i) { return static_cast<std::uint32_t>(i + 1); });
        expect_consecutive_keys(lo, n, in_order,
                                [](std::size_t i) { return static_cast<std::uint32_t>(i == 7 ? 8 : i == 8 ? 7 : i); });
        expect_consecutive_keys(lo, n, shuffled, [](std::size_t i) { return static_cast<std::uint32_t>(i); });
    }
}

TEST(CustomerKeys, FindsSparseAndNegativeWholeNumbers) {
    std::vector<std::string> keys = {"9223372036854775807", "-9223372036854775808", "0", "-1"};
    for (int i = 0; i < 3000; ++i) keys.push_back(std::to_string(std::int64_t{i} * 1000003 - 1500000000));
    CustomerKeys index;
    add_all(index, keys);
    expect_every_key_found(index, keys);
    for (const char* absent : {"1", "-2", "9223372036854775806", "1000003", "-0", "00"}) {
        EXPECT_FALSE(index.find(absent)) << absent;
        EXPECT_EQ(index.match_raw(absent).entry, CustomerKeys::kNone) << absent;
    }
}

TEST(CustomerKeys, FindsTextKeysAndNumbersAmongThem) {
    // One key that is not a whole number makes every key text: "17" and "017" then differ.
    const std::vector<std::string> keys = {"17", "017", "K-17", "-5", "17.5", "客戶17"};
    CustomerKeys index;
    add_all(index, keys);
    expect_every_key_found(index, keys);
    for (const char* absent : {"0017", "k-17", "5", "17.50", "客戶"}) {
        EXPECT_FALSE(index.find(absent)) << absent;
        EXPECT_EQ(index.match_raw(absent).entry, CustomerKeys::kNone) << absent;
    }
}

TEST(CustomerKeys, NamesTheFirstKeyTwoCustomersShare) {
    for (const std::vector<std::string>& keys :
         {std::vector<std::string>{"5", "6", "7", "6", "7"},                        // dense
          std::vector<std::string>{"5", "600000000000", "7", "600000000000", "7"},  // sparse
          std::vector<std::string>{"a", "b6", "c", "b6", "c"}}) {                   // text
        CustomerKeys index;
        for (std::size_t i = 0; i < keys.size(); ++i) index.add(keys[i], "id" + std::to_string(i));
        try {
            index.index("customers.yaml:3");
            ADD_FAILURE() << "no error for " << keys[1];
        } catch (const DataError& e) {
            EXPECT_NE(std::string(e.what()).find("the key `" + keys[1] + "` belongs to more than one customer"),
                      std::string::npos)
                << e.what();
            EXPECT_NE(std::string(e.what()).find("customers.yaml:3"), std::string::npos) << e.what();
        }
    }
}

TEST(CustomerKeys, KeysReadAloneKnowNoPosition) {
    CustomerKeys index;
    index.add("5", "id0");
    index.add("6", "id1");
    index.index("customers.yaml:3");
    EXPECT_FALSE(index.positions_known());
    const auto entry = index.find("6");
    ASSERT_TRUE(entry);
    EXPECT_EQ(index.id(*entry), "id1");
    EXPECT_EQ(index.position(*entry), CustomerKeys::kNoPosition);
    EXPECT_EQ(index.match_raw("6").entry, *entry);
    EXPECT_EQ(index.match_raw("6").position, CustomerKeys::kNoPosition);
    EXPECT_FALSE(CustomerKeys().find("5"));
    EXPECT_EQ(CustomerKeys().match_raw("5").entry, CustomerKeys::kNone);
}

}  // namespace
}  // namespace custclass::adapters
