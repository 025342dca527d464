#include "hk_retail.h"

namespace custclass::datagen::hk {

namespace {

// Store indexes, for the districts' home stores.
enum StoreIndex : std::size_t {
    kCentral,
    kCausewayBay,
    kTaiKoo,
    kAberdeen,
    kTsimShaTsui,
    kMongKok,
    kKowloonTong,
    kKwunTong,
    kTsuenWan,
    kShaTin,
    kTuenMun,
    kYuenLong,
    kTseungKwanO,
    kTungChung,
};

constexpr Store kStores[] = {
    {"CEN01", "Central", 3},       {"CWB01", "Causeway Bay", 4},  {"TKS01", "Tai Koo", 1},
    {"ABD01", "Aberdeen", 0},      {"TST01", "Tsim Sha Tsui", 4}, {"MOK01", "Mong Kok", 4},
    {"KLT01", "Kowloon Tong", 2},  {"KTG01", "Kwun Tong", 1},     {"TWN01", "Tsuen Wan", 1},
    {"STN01", "Sha Tin", 2},       {"TMN01", "Tuen Mun", 0},      {"YLG01", "Yuen Long", 0},
    {"TKO01", "Tseung Kwan O", 0}, {"TCG01", "Tung Chung", 1},
};

constexpr std::string_view kIsland = "Hong Kong Island";
constexpr std::string_view kKowloon = "Kowloon";
constexpr std::string_view kNewTerritories = "New Territories";
using enum Affluence;

constexpr District kDistricts[] = {
    {"Central and Western", kIsland, 235, upper, kCentral},
    {"Wan Chai", kIsland, 167, upper, kCausewayBay},
    {"Eastern", kIsland, 529, middle, kTaiKoo},
    {"Southern", kIsland, 264, upper, kAberdeen},
    {"Yau Tsim Mong", kKowloon, 310, middle, kTsimShaTsui},
    {"Sham Shui Po", kKowloon, 431, lower, kMongKok},
    {"Kowloon City", kKowloon, 411, middle, kKowloonTong},
    {"Wong Tai Sin", kKowloon, 407, lower, kKowloonTong},
    {"Kwun Tong", kKowloon, 673, lower, kKwunTong},
    {"Kwai Tsing", kNewTerritories, 495, lower, kTsuenWan},
    {"Tsuen Wan", kNewTerritories, 320, middle, kTsuenWan},
    {"Tuen Mun", kNewTerritories, 506, lower, kTuenMun},
    {"Yuen Long", kNewTerritories, 668, lower, kYuenLong},
    {"North", kNewTerritories, 310, lower, kShaTin},
    {"Tai Po", kNewTerritories, 316, middle, kShaTin},
    {"Sha Tin", kNewTerritories, 692, middle, kShaTin},
    {"Sai Kung", kNewTerritories, 490, middle, kTseungKwanO},
    {"Islands", kNewTerritories, 186, middle, kTungChung},
};

constexpr WeightedName kSurnames[] = {
    {"Chan", 70}, {"Wong", 60},  {"Lee", 50},  {"Cheung", 35}, {"Lau", 30},   {"Ho", 25},
    {"Ng", 25},   {"Leung", 25}, {"Lam", 25},  {"Tang", 15},   {"Yeung", 15}, {"Cheng", 15},
    {"Tse", 12},  {"Kwok", 12},  {"Chow", 12}, {"Tsang", 12},  {"Lo", 12},    {"Tam", 12},
    {"Fung", 10}, {"Mak", 10},   {"Choi", 10}, {"Chu", 10},    {"Ma", 10},    {"Hui", 10},
    {"Li", 10},   {"Lai", 10},   {"Yip", 10},  {"Siu", 8},     {"Law", 8},    {"Kwan", 8},
    {"Poon", 8},  {"Wu", 8},     {"Yuen", 8},  {"Chiu", 8},    {"Chung", 8},  {"Au", 6},
    {"Ip", 6},    {"Tsui", 6},   {"Wan", 6},   {"Fong", 6},    {"Yau", 6},    {"Tong", 6},
    {"Kong", 6},  {"Pang", 6},   {"Ko", 6},    {"So", 6},      {"Lui", 6},    {"Hung", 6},
    {"Sze", 4},   {"Tsoi", 4},   {"Luk", 4},   {"Shek", 3},    {"Cheuk", 3},
};

constexpr std::string_view kFemaleEnglishNames[] = {
    "Mandy",   "Karen",   "Winnie", "Joyce",  "Cherry", "Ivy",     "Crystal",  "Vivian",
    "Queenie", "Fiona",   "Peggy",  "Carmen", "Connie", "Jessica", "Michelle", "Grace",
    "Tiffany", "Kitty",   "Yvonne", "Gloria", "Rachel", "Angela",  "Sharon",   "Cecilia",
    "Phoebe",  "Natalie", "Chloe",  "Zoe",    "Hilary", "Agnes",   "Bonnie",   "Candy",
};
constexpr std::string_view kMaleEnglishNames[] = {
    "Kelvin",  "Jason",   "Raymond", "Eric",    "Kenneth", "Alan",   "Ivan",  "Terence",
    "Wilson",  "Dickson", "Ronald",  "Patrick", "Vincent", "Samuel", "Gary",  "Jacky",
    "Michael", "Andy",    "Edmond",  "Alex",    "Marco",   "Ken",    "Tommy", "Steven",
    "Anthony", "Dennis",  "Calvin",  "Felix",   "Justin",  "Ryan",   "Hugo",  "Leo",
};
constexpr std::string_view kFemaleSyllables[] = {
    "Ka",    "Wing", "Mei", "Yan", "Hoi", "Sze", "Man", "Wai", "Suet", "Lai",
    "Ching", "Yee",  "Hiu", "Tsz", "Lok", "Pui", "Oi",  "Sum", "Kit",  "Fung",
};
constexpr std::string_view kMaleSyllables[] = {
    "Chi",  "Ka",  "Wai",  "Ming", "Kwok", "Chun", "Ho",  "Hin", "Kin", "Tak",
    "Wing", "Yiu", "Kwan", "Siu",  "Man",  "Lok",  "Tsz", "Hon", "Fai", "Keung",
};
constexpr std::string_view kEmailDomains[] = {
    "example.com", "example.net", "example.org", "mail.example.com", "hk.example.net",
};

constexpr AgeBand kAgeBands[] = {
    {18, 24, 11}, {25, 34, 19}, {35, 44, 20}, {45, 54, 19}, {55, 64, 17}, {65, 84, 14},
};

constexpr std::string_view kIncomeBands[] = {"<20k", "20-40k", "40-60k", "60-100k", "100k+"};
constexpr std::uint32_t kIncomeWeights[3][5] = {
    {30, 35, 20, 11, 4},   // lower
    {20, 33, 25, 15, 7},   // middle
    {10, 22, 25, 23, 20},  // upper
};
constexpr std::uint32_t kIncomeWeightsStudentOrRetired[5] = {45, 33, 13, 6, 3};

// ---- The catalogue ------------------------------------------------------------------------------

constexpr ProductNoun kSkincareNouns[] = {
    {"Hydrating Serum 30ml", 380},    {"Gentle Foam Cleanser 150ml", 120},
    {"Night Repair Cream 50ml", 460}, {"Sunscreen SPF50 50ml", 160},
    {"Essence Toner 200ml", 220},     {"Eye Cream 15ml", 350},
    {"Sheet Masks 10 pcs", 130},      {"Day Moisturiser 50ml", 290},
    {"Micellar Water 400ml", 110},    {"Lip Balm", 45},
};
constexpr Brand kSkincareBrands[] = {
    {"Lotus Dew", 70}, {"Harbour Skin", 100},     {"Jade Garden", 100},
    {"Peak Lab", 140}, {"Bauhinia Atelier", 220}, {"Orchid Bay", 80},
};
constexpr std::string_view kSkincareKeywords[] = {"skincare", "k-beauty", "anti-aging",
                                                  "sunscreen"};
constexpr std::string_view kSkincareSearchTerms[] = {
    "serum",       "cleanser",    "sunscreen",      "toner",    "eye cream",
    "sheet masks", "moisturiser", "micellar water", "lip balm", "night repair cream"};

constexpr ProductNoun kCosmeticsNouns[] = {
    {"Matte Lipstick", 180},   {"Cushion Foundation", 320}, {"Volume Mascara", 160},
    {"Eyeliner Pen", 120},     {"Eyeshadow Palette", 380},  {"Blush Duo", 220},
    {"Setting Powder", 260},   {"Brow Pencil", 95},         {"Nail Colour", 75},
    {"Makeup Brush Set", 280},
};
constexpr Brand kCosmeticsBrands[] = {
    {"Kowloon Colour", 70},   {"Neon Lane", 90},   {"Silk Road Beauty", 100},
    {"Maison Victoria", 200}, {"Pearl River", 80},
};
constexpr std::string_view kCosmeticsKeywords[] = {"makeup", "lipstick", "nail-art"};
constexpr std::string_view kCosmeticsSearchTerms[] = {
    "lipstick", "cushion foundation", "mascara",     "eyeliner",     "eyeshadow palette",
    "blush",    "brow pencil",        "nail colour", "makeup brush", "setting powder"};

constexpr ProductNoun kFashionNouns[] = {
    {"Cotton T-Shirt", 129}, {"Linen Shirt", 399}, {"Slim Jeans", 499},   {"Summer Dress", 599},
    {"Knit Cardigan", 459},  {"Down Jacket", 999}, {"Chino Shorts", 259}, {"Silk Scarf", 299},
    {"Leather Belt", 259},   {"Wool Coat", 1499},  {"Baseball Cap", 149},
};
constexpr Brand kFashionBrands[] = {
    {"Everyday Basics", 60}, {"Harbour Threads", 100}, {"Mid-Levels", 180},
    {"Temple Street", 70},   {"Repulse Bay", 250},
};
constexpr std::string_view kFashionKeywords[] = {"fashion", "streetwear", "vintage"};
constexpr std::string_view kFashionSearchTerms[] = {
    "t-shirt", "linen shirt", "jeans", "summer dress", "cardigan", "down jacket",
    "shorts",  "silk scarf",  "belt",  "wool coat",    "cap"};

constexpr ProductNoun kFootwearNouns[] = {
    {"Running Shoes", 699}, {"Canvas Sneakers", 399}, {"Leather Loafers", 899},
    {"Sandals", 299},       {"Hiking Boots", 1099},   {"Slippers", 99},
    {"Ankle Boots", 999},   {"Court Heels", 799},
};
constexpr Brand kFootwearBrands[] = {
    {"StrideLab", 100},
    {"Sai Kung Trail", 120},
    {"Comfort Step", 70},
    {"Atelier Central", 200},
};
constexpr std::string_view kFootwearKeywords[] = {"sneakers", "running-shoes"};
constexpr std::string_view kFootwearSearchTerms[] = {"running shoes", "sneakers",     "loafers",
                                                     "sandals",       "hiking boots", "slippers",
                                                     "ankle boots",   "heels"};

constexpr ProductNoun kElectronicsNouns[] = {
    {"Wireless Earbuds", 699},    {"Bluetooth Speaker", 499}, {"Power Bank 20000mAh", 299},
    {"USB-C Cable 2m", 89},       {"Smart Watch", 1899},      {"55-inch 4K TV", 5999},
    {"Tablet 11-inch", 3299},     {"Phone Case", 149},        {"Air Purifier", 2499},
    {"Mechanical Keyboard", 799}, {"Gaming Mouse", 399},
};
constexpr Brand kElectronicsBrands[] = {
    {"Volt", 70},
    {"Kai Tak", 100},
    {"Lumen", 130},
    {"Apex Pro", 180},
};
constexpr std::string_view kElectronicsKeywords[] = {"gadgets", "gaming", "smart-home"};
constexpr std::string_view kElectronicsSearchTerms[] = {"wireless earbuds", "bluetooth speaker",
                                                        "power bank",       "usb-c cable",
                                                        "smart watch",      "4k tv",
                                                        "tablet",           "phone case",
                                                        "air purifier",     "mechanical keyboard",
                                                        "gaming mouse"};

constexpr ProductNoun kHomeNouns[] = {
    {"Bath Towel Set", 199},   {"Bedsheet Set", 599}, {"Non-stick Pan 28cm", 349},
    {"Rice Cooker 1.8L", 899}, {"Storage Box", 59},   {"Scented Candle", 189},
    {"Dinnerware Set", 459},   {"Desk Lamp", 299},    {"Dehumidifier", 1999},
    {"Water Filter Jug", 249},
};
constexpr Brand kHomeBrands[] = {
    {"Home Basics", 60},
    {"Lantau Living", 100},
    {"Nordic Harbour", 150},
    {"Peak House", 220},
};
constexpr std::string_view kHomeKeywords[] = {"home-decor", "cooking", "organising"};
constexpr std::string_view kHomeSearchTerms[] = {
    "towel",          "bedsheet",   "non-stick pan", "rice cooker",  "storage box",
    "scented candle", "dinnerware", "desk lamp",     "dehumidifier", "water filter"};

constexpr ProductNoun kGroceryNouns[] = {
    {"Jasmine Rice 5kg", 89},   {"Oolong Tea 100g", 68},      {"Instant Noodles 5-pack", 26},
    {"Soy Sauce 500ml", 22},    {"Dried Scallops 150g", 398}, {"Bird's Nest Drink 6-pack", 268},
    {"Almond Biscuits", 48},    {"Olive Oil 1L", 109},        {"Organic Eggs 10 pcs", 52},
    {"Coffee Beans 250g", 128}, {"Red Wine 750ml", 198},      {"Egg Rolls Gift Tin", 158},
};
constexpr Brand kGroceryBrands[] = {
    {"Daily Market", 70},    {"Fresh Harvest", 100},        {"Heritage Foods", 140},
    {"Golden Harbour", 190}, {"Green Valley Organic", 130},
};
constexpr std::string_view kGroceryKeywords[] = {"organic", "snacks", "tea", "wine"};
constexpr std::string_view kGrocerySearchTerms[] = {
    "jasmine rice",   "oolong tea",   "instant noodles", "soy sauce",
    "dried scallops", "bird's nest",  "almond biscuits", "olive oil",
    "organic eggs",   "coffee beans", "red wine",        "egg rolls"};

constexpr ProductNoun kHealthNouns[] = {
    {"Vitamin C 1000mg 120 tabs", 168},
    {"Multivitamin 90 tabs", 238},
    {"Fish Oil 120 caps", 268},
    {"Probiotics 30 caps", 298},
    {"Collagen Drink 10 bottles", 388},
    {"Face Masks 50 pcs", 39},
    {"Hand Sanitiser 500ml", 45},
    {"Blood Pressure Monitor", 599},
    {"Herbal Balm", 58},
    {"Glucosamine 120 tabs", 328},
};
constexpr Brand kHealthBrands[] = {
    {"WellCare", 80},
    {"Herbal Hall", 100},
    {"Nutri Peak", 130},
    {"Vita Harbour", 160},
};
constexpr std::string_view kHealthKeywords[] = {"vitamins", "wellness", "tcm"};
constexpr std::string_view kHealthSearchTerms[] = {
    "vitamin c",   "multivitamin", "fish oil",       "probiotics",
    "collagen",    "face masks",   "hand sanitiser", "blood pressure monitor",
    "herbal balm", "glucosamine"};

constexpr ProductNoun kToyNouns[] = {
    {"Building Blocks Set", 399}, {"Plush Panda", 169},
    {"Remote Control Car", 459},  {"Jigsaw Puzzle 1000 pcs", 189},
    {"Board Game", 299},          {"Doll House", 799},
    {"Science Kit", 259},         {"Water Gun", 99},
    {"Toy Train Set", 599},       {"Art and Craft Kit", 159},
};
constexpr Brand kToyBrands[] = {{"Little Dragon", 80}, {"Playport", 100}, {"Wonder Box", 150}};
constexpr std::string_view kToyKeywords[] = {"lego", "kids", "board-games"};
constexpr std::string_view kToySearchTerms[] = {
    "building blocks", "plush panda", "remote control car", "jigsaw puzzle", "board game",
    "doll house",      "science kit", "water gun",          "toy train",     "art and craft"};

constexpr ProductNoun kSportsNouns[] = {
    {"Yoga Mat", 259},          {"Badminton Racket", 399}, {"Basketball", 229},
    {"Dumbbells 2 x 5kg", 349}, {"Swim Goggles", 129},     {"Hiking Backpack 30L", 699},
    {"Cycling Helmet", 599},    {"Resistance Bands", 149}, {"Sports Bottle", 129},
    {"Running Tights", 329},    {"Table Tennis Set", 259},
};
constexpr Brand kSportsBrands[] = {
    {"Lion Rock", 100},
    {"Dragon's Back", 130},
    {"Victoria Sports", 80},
    {"Apex Motion", 170},
};
constexpr std::string_view kSportsKeywords[] = {"running", "hiking", "yoga", "badminton"};
constexpr std::string_view kSportsSearchTerms[] = {
    "yoga mat",      "badminton racket", "basketball",     "dumbbells",
    "swim goggles",  "hiking backpack",  "cycling helmet", "resistance bands",
    "sports bottle", "running tights",   "table tennis"};

constexpr Category kCategories[kCategoryCount] = {
    {"skincare", "SKN", 14, Basket::few, kSkincareNouns, kSkincareBrands, kSkincareKeywords,
     kSkincareSearchTerms},
    {"cosmetics", "COS", 9, Basket::few, kCosmeticsNouns, kCosmeticsBrands, kCosmeticsKeywords,
     kCosmeticsSearchTerms},
    {"fashion", "FSH", 13, Basket::single, kFashionNouns, kFashionBrands, kFashionKeywords,
     kFashionSearchTerms},
    {"footwear", "FTW", 6, Basket::single, kFootwearNouns, kFootwearBrands, kFootwearKeywords,
     kFootwearSearchTerms},
    {"electronics", "ELC", 8, Basket::single, kElectronicsNouns, kElectronicsBrands,
     kElectronicsKeywords, kElectronicsSearchTerms},
    {"home", "HOM", 9, Basket::single, kHomeNouns, kHomeBrands, kHomeKeywords, kHomeSearchTerms},
    {"groceries", "GRC", 18, Basket::bulk, kGroceryNouns, kGroceryBrands, kGroceryKeywords,
     kGrocerySearchTerms},
    {"health", "HLT", 9, Basket::few, kHealthNouns, kHealthBrands, kHealthKeywords,
     kHealthSearchTerms},
    {"toys", "TOY", 5, Basket::few, kToyNouns, kToyBrands, kToyKeywords, kToySearchTerms},
    {"sports", "SPT", 9, Basket::single, kSportsNouns, kSportsBrands, kSportsKeywords,
     kSportsSearchTerms},
};

// Percent of the average, per category (rows in the order of kCategories).
constexpr std::uint32_t kGenderAffinity[kCategoryCount][2] = {
    // female, male
    {160, 45}, {220, 15}, {130, 80}, {100, 110}, {60, 180},
    {110, 85}, {105, 95}, {110, 85}, {110, 85},  {70, 150},
};
constexpr std::uint32_t kAgeAffinity[kCategoryCount][6] = {
    // 18-24, 25-34, 35-44, 45-54, 55-64, 65+
    {110, 120, 110, 100, 85, 60},  // skincare
    {150, 130, 100, 85, 65, 40},   // cosmetics
    {150, 130, 105, 90, 70, 50},   // fashion
    {130, 115, 100, 95, 85, 70},   // footwear
    {140, 130, 110, 95, 70, 50},   // electronics
    {50, 90, 125, 120, 110, 90},   // home
    {60, 80, 110, 115, 130, 150},  // groceries
    {45, 65, 90, 120, 160, 200},   // health
    {50, 75, 190, 90, 80, 110},    // toys: parents, then grandparents
    {130, 125, 110, 90, 75, 55},   // sports
};

constexpr std::string_view kUnservedInterests[] = {"pets", "travel", "photography", "baby",
                                                   "gardening"};

// Rising: air purifiers as the flu season and the dry months come, collagen drinks after a
// celebrity's advertisement, and pet supplies, which the shop does not sell (unmet demand that
// grows). Fading: face masks, years after the pandemic.
constexpr SearchTrend kSearchTrends[] = {
    {"air purifier", 120, 300, true},
    {"collagen", 90, 200, true},
    {"pets", 150, 250, true},
    {"face masks", 240, 200, false},
};

// ---- Hours and the retail year ------------------------------------------------------------------

constexpr std::uint32_t kStoreHours[24] = {0, 0, 0, 0, 0, 0, 0,  0,  0,  0, 4, 6,
                                           9, 9, 7, 7, 7, 8, 10, 11, 10, 7, 2, 0};
constexpr std::uint32_t kOnlineHours[24] = {7, 5, 3, 2, 1, 1, 1, 2, 3, 4,  4,  5,
                                            6, 6, 5, 5, 5, 5, 6, 7, 9, 11, 12, 10};
constexpr std::uint32_t kAppHours[24] = {5, 3, 1, 1, 1, 1, 2, 5, 7, 5,  4,  5,
                                         8, 7, 5, 5, 5, 6, 8, 7, 8, 10, 10, 8};

constexpr CivilDate kLunarNewYear[] = {
    {2015, 2, 19}, {2016, 2, 8},  {2017, 1, 28}, {2018, 2, 16}, {2019, 2, 5},  {2020, 1, 25},
    {2021, 2, 12}, {2022, 2, 1},  {2023, 1, 22}, {2024, 2, 10}, {2025, 1, 29}, {2026, 2, 17},
    {2027, 2, 6},  {2028, 1, 26}, {2029, 2, 13}, {2030, 2, 3},  {2031, 1, 23}, {2032, 2, 11},
    {2033, 1, 31}, {2034, 2, 19}, {2035, 2, 8},
};

// Monday .. Sunday.
constexpr double kWeekdayWeight[7] = {0.90, 0.88, 0.92, 0.95, 1.08, 1.32, 1.22};

bool between(const CivilDate& d, int month_from, int day_from, int month_to, int day_to) {
    const int value = d.month * 100 + d.day;
    return value >= month_from * 100 + day_from && value <= month_to * 100 + day_to;
}

}  // namespace

std::span<const District> districts() {
    return kDistricts;
}
std::span<const Store> stores() {
    return kStores;
}
std::span<const WeightedName> surnames() {
    return kSurnames;
}

std::span<const std::string_view> english_given_names(Gender gender) {
    if (gender == Gender::female) return kFemaleEnglishNames;
    return kMaleEnglishNames;
}

std::span<const std::string_view> given_name_syllables(Gender gender) {
    if (gender == Gender::female) return kFemaleSyllables;
    return kMaleSyllables;
}

std::span<const std::string_view> email_domains() {
    return kEmailDomains;
}
std::span<const AgeBand> age_bands() {
    return kAgeBands;
}
std::span<const std::string_view> income_bands() {
    return kIncomeBands;
}

std::span<const std::uint32_t> income_band_weights(Affluence affluence, bool student_or_retired) {
    if (student_or_retired) return kIncomeWeightsStudentOrRetired;
    return kIncomeWeights[static_cast<std::size_t>(affluence)];
}

std::span<const Category> categories() {
    return kCategories;
}

std::uint32_t category_affinity_percent(std::size_t category, Gender gender, std::size_t age_band) {
    return kGenderAffinity[category][static_cast<std::size_t>(gender)] *
           kAgeAffinity[category][age_band] / 100;
}

std::span<const std::string_view> unserved_interests() {
    return kUnservedInterests;
}

std::span<const SearchTrend> search_trends() {
    return kSearchTrends;
}

std::string_view channel_name(Channel channel) {
    switch (channel) {
        case Channel::store:
            return "store";
        case Channel::online:
            return "online";
        case Channel::app:
            return "app";
    }
    return "store";
}

std::span<const std::uint32_t, 24> hour_weights(Channel channel) {
    switch (channel) {
        case Channel::store:
            return kStoreHours;
        case Channel::online:
            return kOnlineHours;
        case Channel::app:
            return kAppHours;
    }
    return kStoreHours;
}

std::optional<Day> lunar_new_year(int year) {
    for (const CivilDate& d : kLunarNewYear) {
        if (d.year == year) return day_from_civil(d);
    }
    return std::nullopt;
}

double shopping_weight(Day day) {
    const CivilDate d = civil_from_day(day);
    double weight = kWeekdayWeight[weekday(day)];
    if (const auto lny = lunar_new_year(d.year)) {
        if (day >= *lny - 21 && day < *lny)
            weight *= 1.6;  // new clothes, gifts, food
        else if (day >= *lny && day <= *lny + 2)
            weight *= 0.55;  // the holidays
        else if (day > *lny + 2 && day <= *lny + 14)
            weight *= 0.85;  // the lull after
    }
    if (between(d, 7, 1, 8, 15)) weight *= 1.3;   // summer sale
    if (between(d, 9, 1, 9, 20)) weight *= 0.9;   // back to school
    if (between(d, 10, 1, 10, 7)) weight *= 1.1;  // Golden Week visitors
    if (between(d, 11, 11, 11, 11)) weight *= 1.5;
    if (between(d, 12, 1, 12, 24))
        weight *= 1.45;  // Christmas shopping
    else if (between(d, 12, 25, 12, 26))
        weight *= 1.25;  // Boxing Day sales
    else if (between(d, 12, 27, 12, 31))
        weight *= 1.1;
    if (between(d, 12, 12, 12, 12)) weight *= 1.3;
    return weight;
}

bool is_promotion_day(Day day) {
    const CivilDate d = civil_from_day(day);
    if (const auto lny = lunar_new_year(d.year); lny && day >= *lny - 14 && day < *lny) return true;
    return between(d, 7, 1, 8, 15) || between(d, 12, 20, 12, 31) || is_online_festival(day);
}

bool is_online_festival(Day day) {
    const CivilDate d = civil_from_day(day);
    return (d.month == 11 && d.day == 11) || (d.month == 12 && d.day == 12);
}

}  // namespace custclass::datagen::hk
