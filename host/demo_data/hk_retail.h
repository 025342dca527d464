// The simulated market: facts and assumptions about Hong Kong retail that the generator draws
// from. Districts and their populations, the shop's stores, names, product categories and the
// catalogue they are built from, who buys what, when people shop (the retail year and the hours
// of each channel). Every table is a plain constant here so that a reader can check the figures
// and the generator (demo_generator.cpp) holds only the behaviour.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "calendar.h"

namespace custclass::datagen::hk {

// ---- Places -------------------------------------------------------------------------------------

enum class Affluence : std::uint8_t { lower, middle, upper };

struct District {
    std::string_view name;
    std::string_view region;             // Hong Kong Island, Kowloon or New Territories
    std::uint32_t population_thousands;  // roughly the 2021 census: the weight of the district
    Affluence affluence;                 // tilts the income bands of its residents
    std::size_t home_store;              // index into stores(): the nearest store
};
// The 18 districts, in the order of the Hong Kong government's list.
std::span<const District> districts();

struct Store {
    std::string_view code;  // sales_order.store_code
    std::string_view area;
    std::uint32_t destination_weight;  // how much it draws shoppers from other districts
};
std::span<const Store> stores();

// ---- People -------------------------------------------------------------------------------------

enum class Gender : std::uint8_t { female, male };

struct WeightedName {
    std::string_view name;
    std::uint32_t weight;
};
std::span<const WeightedName> surnames();
std::span<const std::string_view> english_given_names(Gender gender);
// Syllables of Cantonese given names in Hong Kong government romanisation ("Ka Yan", "Chi Ming").
std::span<const std::string_view> given_name_syllables(Gender gender);
// Domains reserved for documentation (RFC 2606), so that no generated address can be real.
std::span<const std::string_view> email_domains();

struct AgeBand {
    int min_age;
    int max_age;           // inclusive
    std::uint32_t weight;  // share of the customer base
};
// Indexes match the affinity tables below: 18-24, 25-34, 35-44, 45-54, 55-64, 65-84.
std::span<const AgeBand> age_bands();

// '<20k', '20-40k', '40-60k', '60-100k', '100k+' (monthly household income, HKD).
std::span<const std::string_view> income_bands();
// Weights over income_bands() for a resident of a district; the young and the retired earn less.
std::span<const std::uint32_t> income_band_weights(Affluence affluence, bool student_or_retired);

// ---- Products -----------------------------------------------------------------------------------

struct ProductNoun {
    std::string_view name;
    std::uint32_t base_price_hkd;
};

struct Brand {
    std::string_view name;
    std::uint32_t price_percent;  // 100 = the noun's base price; >= 150 counts as premium
};

enum class Basket : std::uint8_t {
    single,  // mostly one of a kind
    few,     // one to three
    bulk,    // groceries: up to six
};

inline constexpr std::size_t kCategoryCount = 10;

struct Category {
    std::string_view name;        // product_category.name, lower case
    std::string_view sku_prefix;  // product.sku is "<prefix>-<nnnn>"
    std::uint32_t base_weight;    // share of purchase lines before demographic tilts
    Basket basket;
    std::span<const ProductNoun> nouns;
    std::span<const Brand> brands;               // the catalogue holds every brand x noun pair
    std::span<const std::string_view> keywords;  // interests of people who like the category
    // What shoppers type in the web shop's search box for its products: lower case, each a part
    // of the name of one of its products ("eye cream" finds "Peak Lab Eye Cream 15ml").
    std::span<const std::string_view> search_terms;
};
std::span<const Category> categories();

// How much more (or less) than average a group buys from a category, in percent.
std::uint32_t category_affinity_percent(std::size_t category, Gender gender, std::size_t age_band);

// Interests that no category serves (the "unmet demand" of POTENTIAL.md).
std::span<const std::string_view> unserved_interests();

// A search term whose volume changes toward the end of the data: on top of the ordinary searches,
// `searches_per_10k` searches per 10,000 customers over the last `days` days of the window, more
// and more of them toward its end when rising (so that it trends up between two runs a month
// apart), fewer and fewer when fading.
struct SearchTrend {
    std::string_view keyword;
    std::uint32_t days;
    std::uint32_t searches_per_10k;
    bool rising;
};
std::span<const SearchTrend> search_trends();

// ---- Time ---------------------------------------------------------------------------------------

enum class Channel : std::uint8_t { store, online, app };
inline constexpr std::size_t kChannelCount = 3;
std::string_view channel_name(Channel channel);

// Relative weight of each hour of the day (0..23) for orders in a channel: stores open 10:00 to
// 22:00 with lunch and evening peaks; online late in the evening; the app also on the commute.
std::span<const std::uint32_t, 24> hour_weights(Channel channel);

// The first day of the Lunar New Year, for the years this table knows (2015 to 2035).
std::optional<Day> lunar_new_year(int year);

// How much shopping happens on a day relative to an ordinary day: the weekday pattern, the weeks
// before the Lunar New Year and its holidays, the summer sale, Golden Week, 11.11 and 12.12, the
// Christmas season. Also used for sign-ups.
double shopping_weight(Day day);
// Days with sales campaigns: discounts are more frequent.
bool is_promotion_day(Day day);
// 11.11 and 12.12: the online shopping festivals, when the online and app channels triple.
bool is_online_festival(Day day);

}  // namespace custclass::datagen::hk
