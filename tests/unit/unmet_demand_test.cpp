// Unmet demand (unmet_demand.h): which categories serve a keyword (keyword in the category name,
// category name in the keyword, the explicit map), the unmet interests of a segment with their
// order and shares, and the falling categories with small later cells suppressed; hand-computed.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "keyword_targeting.h"
#include "unmet_demand.h"

using custclass::plugin::CategoryServes;
using custclass::plugin::falling_categories;
using custclass::plugin::FallingCategory;
using custclass::plugin::keyword_matches;
using custclass::plugin::normalise_keyword;
using custclass::plugin::unmet_interests;
using custclass::plugin::UnmetInterest;

using ExplicitMap = std::map<std::string, std::vector<std::string>>;

// ---------------------------------------------------------------------------------------------
// CategoryServes

TEST(CategoryServes, KeywordInCategoryName) {
    const CategoryServes serves({});
    EXPECT_TRUE(serves.serves("Skin Care", "skin"));
    EXPECT_TRUE(serves.serves("Skin Care", "CARE"));
    EXPECT_TRUE(serves.serves("Skin-Care", "skin care"));
    EXPECT_FALSE(serves.serves("Skin Care", "ski"));
    EXPECT_FALSE(serves.serves("Skin Care", "care skin"));
}

TEST(CategoryServes, CategoryNameInKeyword) {
    const CategoryServes serves({});
    EXPECT_TRUE(serves.serves("Serum", "Vitamin-C Serum"));
    EXPECT_TRUE(serves.serves("Skin Care", "skin care routine"));
    EXPECT_FALSE(serves.serves("Serum", "serums"));  // whole words only
    EXPECT_FALSE(serves.serves("Skin Care", "skincare"));
    EXPECT_FALSE(serves.serves("Yoga", "hiking boots"));
}

TEST(CategoryServes, ExplicitMapNormalisedAndExactKeyword) {
    const CategoryServes serves(ExplicitMap{
        {"Skincare", {"Skin-Care", "Beauty"}},
        {"SKINCARE!", {"Wellness"}},  // same key after normalising: merged
        {"护肤", {"Skin Care"}},
        {"!!!", {"Everything"}},  // empty key: ignored
        {"serums", {"", "??"}},   // empty categories: ignored
    });
    EXPECT_TRUE(serves.serves("skin care", "SKINCARE"));
    EXPECT_TRUE(serves.serves("beauty", "skincare"));
    EXPECT_TRUE(serves.serves("Wellness", "skincare"));
    EXPECT_TRUE(serves.serves("Skin Care", "护肤"));
    EXPECT_FALSE(serves.serves("Everything", "!!!"));
    EXPECT_FALSE(serves.serves("Everything", ""));
    EXPECT_FALSE(serves.serves("Serum", "serums"));
    // The map is for the exact (normalised) keyword, not for its words.
    EXPECT_FALSE(serves.serves("Skin Care", "skincare tips"));
    EXPECT_FALSE(serves.serves("Beauty", "护肤品"));
}

TEST(CategoryServes, EmptyNamesServeNothing) {
    const CategoryServes serves({});
    EXPECT_FALSE(serves.serves("", "serum"));
    EXPECT_FALSE(serves.serves("serum", ""));
    EXPECT_FALSE(serves.serves("--", "--"));
}

TEST(CategoryServes, NameRulesAreKeywordMatchesBothWays) {
    const std::vector<std::string> words = {"a", "b", "skin", "care", "护肤", "Skin"};
    const std::vector<std::string> separators = {" ", "-", "", "!"};
    std::mt19937_64 random(77);
    const auto phrase = [&] {
        std::string out;
        const std::size_t n = random() % 4;
        for (std::size_t i = 0; i < n; ++i)
            out += separators[random() % separators.size()] + words[random() % words.size()];
        return out;
    };
    const CategoryServes serves({});
    for (int trial = 0; trial < 3000; ++trial) {
        const std::string category = phrase();
        const std::string keyword = phrase();
        const bool expected =
            keyword_matches(keyword, category) || keyword_matches(category, keyword);
        ASSERT_EQ(serves.serves(category, keyword), expected)
            << "category=\"" << category << "\" keyword=\"" << keyword << "\"";
        ASSERT_EQ(serves.serves_normalised(normalise_keyword(category), normalise_keyword(keyword)),
                  expected);
    }
}

// ---------------------------------------------------------------------------------------------
// unmet_interests

namespace {

const std::map<std::string, std::uint64_t> kExpressed = {
    {"vitamin c serum", 30},  // served by Serum (category in keyword)
    {"yoga mat", 50},         // served by Yoga
    {"skincare", 40},         // served by Skin Care through the explicit map
    {"hiking boots", 30},     // unmet
    {"Apparel", 30},          // unmet; "A" < "h" in byte order
    {"camping", 12},          // unmet
    {"tent", 3},              // unmet but below min_count
    {"!!!", 60},              // names no interest
};
const std::set<std::string> kBought = {"Serum", "Yoga", "Skin Care", "Accessories"};

std::vector<std::string> keywords(const std::vector<UnmetInterest>& rows) {
    std::vector<std::string> out;
    for (const auto& row : rows) out.push_back(row.keyword);
    return out;
}

std::vector<std::string> categories(const std::vector<FallingCategory>& rows) {
    std::vector<std::string> out;
    for (const auto& row : rows) out.push_back(row.category);
    return out;
}

}  // namespace

TEST(UnmetInterests, OrderPeopleThenKeywordWithShares) {
    const CategoryServes serves(ExplicitMap{{"skincare", {"skin care"}}});
    const auto rows = unmet_interests(kExpressed, kBought, serves, 200, 5);
    ASSERT_EQ(keywords(rows), (std::vector<std::string>{"Apparel", "hiking boots", "camping"}));
    EXPECT_EQ(rows[0].people, 30u);
    EXPECT_DOUBLE_EQ(rows[0].share, 0.15);  // 30 / 200
    EXPECT_EQ(rows[1].people, 30u);
    EXPECT_DOUBLE_EQ(rows[1].share, 0.15);
    EXPECT_EQ(rows[2].people, 12u);
    EXPECT_DOUBLE_EQ(rows[2].share, 0.06);  // 12 / 200
}

TEST(UnmetInterests, WithoutTheExplicitMapSkincareIsUnmet) {
    const auto rows = unmet_interests(kExpressed, kBought, CategoryServes({}), 200, 5);
    EXPECT_EQ(keywords(rows),
              (std::vector<std::string>{"skincare", "Apparel", "hiking boots", "camping"}));
    EXPECT_DOUBLE_EQ(rows[0].share, 0.2);  // 40 / 200
}

TEST(UnmetInterests, MinCountAndNothingBought) {
    const CategoryServes serves({});
    // Nothing bought: every keyword that names something is unmet; min_count 0 keeps tent.
    EXPECT_EQ(keywords(unmet_interests(kExpressed, {}, serves, 200, 0)),
              (std::vector<std::string>{"yoga mat", "skincare", "Apparel", "hiking boots",
                                        "vitamin c serum", "camping", "tent"}));
    EXPECT_EQ(keywords(unmet_interests(kExpressed, kBought, serves, 200, 31)),
              (std::vector<std::string>{"skincare"}));
    EXPECT_TRUE(unmet_interests({}, kBought, serves, 200, 0).empty());
}

TEST(UnmetInterests, UnknownSegmentSizeGivesShareZero) {
    const auto rows = unmet_interests(kExpressed, kBought, CategoryServes({}), 0, 5);
    ASSERT_FALSE(rows.empty());
    for (const auto& row : rows) EXPECT_EQ(row.share, 0.0) << row.keyword;
}

TEST(UnmetInterests, MorePeopleThanTheSegmentThrows) {
    // yoga mat (50) and !!! (60) exceed 45, even though yoga mat is served and !!! skipped.
    EXPECT_THROW(unmet_interests(kExpressed, kBought, CategoryServes({}), 45, 5),
                 std::invalid_argument);
    EXPECT_NO_THROW(unmet_interests(kExpressed, kBought, CategoryServes({}), 60, 5));
}

// ---------------------------------------------------------------------------------------------
// falling_categories

namespace {

// k = 5. Hand-computed change = (after - before) / before:
//   hats 10 -> 0: -1;  caps 6 -> (absent) 0: -1;  bags 50 -> 25: -0.5;  ties 50 -> 25: -0.5;
//   socks 20 -> 10: -0.5;  scarves 8 -> 3: suppressed (3 < 5), reported bound (4 - 8) / 8 = -0.5;
//   shoes 8 -> 2: suppressed, bound (4 - 8) / 8 = -0.5 as well (the true -0.75 is not shown);
//   coats 40 -> 30: -0.25;  belts 4 -> 0: before below k, not listed;  gloves 30 -> 40: rose;
//   jeans 12 -> 12: flat;  new only after.
const std::map<std::string, std::uint64_t> kBuyersBefore = {
    {"hats", 10}, {"caps", 6},   {"bags", 50}, {"ties", 50},   {"socks", 20}, {"scarves", 8},
    {"shoes", 8}, {"coats", 40}, {"belts", 4}, {"gloves", 30}, {"jeans", 12},
};
const std::map<std::string, std::uint64_t> kBuyersAfter = {
    {"hats", 0},   {"bags", 25}, {"ties", 25},   {"socks", 10}, {"scarves", 3}, {"shoes", 2},
    {"coats", 30}, {"belts", 0}, {"gloves", 40}, {"jeans", 12}, {"new", 7},
};

}  // namespace

TEST(FallingCategories, OrderChangeThenBeforeThenCategoryWithSuppression) {
    const auto rows = falling_categories(kBuyersBefore, kBuyersAfter, 5);
    ASSERT_EQ(categories(rows), (std::vector<std::string>{"hats", "caps", "bags", "ties", "socks",
                                                          "scarves", "shoes", "coats"}));
    EXPECT_EQ(rows[0].buyers_before, 10u);
    EXPECT_EQ(rows[0].buyers_after, 0u);
    EXPECT_FALSE(rows[0].after_suppressed);  // 0 is reported as is
    EXPECT_DOUBLE_EQ(rows[0].change, -1.0);
    EXPECT_EQ(rows[1].buyers_after, 0u);  // caps: absent after
    EXPECT_FALSE(rows[1].after_suppressed);
    EXPECT_DOUBLE_EQ(rows[1].change, -1.0);
    EXPECT_EQ(rows[2].buyers_after, 25u);
    EXPECT_DOUBLE_EQ(rows[2].change, -0.5);
    EXPECT_EQ(rows[4].buyers_after, 10u);   // socks
    for (const std::size_t i : {5u, 6u}) {  // scarves, shoes
        EXPECT_TRUE(rows[i].after_suppressed) << rows[i].category;
        EXPECT_EQ(rows[i].buyers_before, 8u);
        EXPECT_EQ(rows[i].buyers_after, 0u);
        EXPECT_DOUBLE_EQ(rows[i].change, -0.5);
    }
    EXPECT_FALSE(rows[7].after_suppressed);
    EXPECT_EQ(rows[7].buyers_after, 30u);
    EXPECT_DOUBLE_EQ(rows[7].change, -0.25);
}

TEST(FallingCategories, MinCountZeroShowsEverythingExactly) {
    const auto rows = falling_categories(kBuyersBefore, kBuyersAfter, 0);
    // belts (4 -> 0) now listed; scarves -0.625 and shoes -0.75 exact.
    ASSERT_EQ(categories(rows),
              (std::vector<std::string>{"hats", "caps", "belts", "shoes", "scarves", "bags", "ties",
                                        "socks", "coats"}));
    for (const auto& row : rows) EXPECT_FALSE(row.after_suppressed) << row.category;
    EXPECT_EQ(rows[3].buyers_after, 2u);
    EXPECT_DOUBLE_EQ(rows[3].change, -0.75);
    EXPECT_EQ(rows[4].buyers_after, 3u);
    EXPECT_DOUBLE_EQ(rows[4].change, -0.625);
}

TEST(FallingCategories, AfterAtTheThresholdIsExact) {
    const auto rows = falling_categories({{"a", 10}, {"b", 10}}, {{"a", 5}, {"b", 4}}, 5);
    ASSERT_EQ(rows.size(), 2u);
    // b: 4 suppressed, bound (4 - 10) / 10 = -0.6; a: 5 exact, -0.5.
    EXPECT_EQ(rows[0].category, "b");
    EXPECT_TRUE(rows[0].after_suppressed);
    EXPECT_DOUBLE_EQ(rows[0].change, -0.6);
    EXPECT_EQ(rows[1].category, "a");
    EXPECT_FALSE(rows[1].after_suppressed);
    EXPECT_EQ(rows[1].buyers_after, 5u);
    EXPECT_DOUBLE_EQ(rows[1].change, -0.5);
    EXPECT_TRUE(falling_categories({}, {{"a", 3}}, 0).empty());
}
