// The model behind the demo data (demo_data.h): who the customers are, when and what they buy.
//
// Customers. Ids follow creation time, as an auto-increment key does: customer i of n signs up
// at the quantile (i - 1 + r) / n of a sign-up curve that covers the three years before the order
// window (the existing base, 35% of customers) and the window itself, grows over time and is busy
// when shopping is. About 10% are leads who never buy; 4% were referred by an earlier customer
// (a few "connectors" refer many). Demographics follow Hong Kong: district populations, age
// bands, incomes tilted by district and age, romanised Cantonese and English names.
//
// Purchases. Each customer who buys follows a Pareto/NBD-like process: purchases arrive as a
// Poisson process at a personal rate until the customer's lifetime ends (exponential; a third of
// customers are churn-prone, so many stop partway and part of the existing base is dormant). The
// rate is log-normal across customers, so a minority buys far more often (and premium products
// more often). Time runs in "shopping time", in which busy days (weekends, the weeks before the
// Lunar New Year, the summer sale, Christmas, 11.11) last longer, so they get more orders. New
// customers buy when they sign up in a store, or within days when they sign up online. The base
// rate is calibrated (on a fixed sample, before any row is written) so that customers who buy
// average `orders_per_customer` orders. Each order has a channel (stores for older customers,
// online and app for younger ones, online at night, stores in the day and evening), lines drawn
// from the customer's favourite categories and from those of their gender and age band, popular
// products more often, discounts on promotion days. About 3% of sales are returned later, fully
// or in part, in the same channel.
//
// Interactions. Customers who signed up on the website or through social media filled in the
// sign-up form: a `signup` at their creation (these go back before the order window, as the
// customers do; everything else happens inside it). Web-shop sessions (a `visit` and up to three
// `search`es) arrive as a Poisson process in shopping time while a customer is active (a lead for a
// few months after signing up, a buyer during its purchase lifetime) and at a fraction of that rate
// after; leads come often, buyers who shop online or in the app now and then. A search looks for
// one of the customer's interests, for a product of a category it likes (hk::Category's search
// terms), or for something the shop does not sell (hk::unserved_interests); a few terms trend up
// or fade over the last months (hk::search_trends). Subscribers (consent and an e-mail address)
// get the fortnightly newsletter until they opt out: each opens it (`email_open`) at a personal
// rate, higher while active, and now and then clicks a link (`click`). Some online and app sales
// follow a click in a newsletter or a search for one of their products minutes before. Nothing
// happens before the customer's creation or after the window.
//
// Streaming. Customers are written first, then orders in order of time with ids that follow it
// (a real POS's ids do; customer-clustered ids would flatter every scan and index lookup in a
// benchmark). Orders come from a priority queue holding the next purchase of every customer who
// buys, so memory is about 100 bytes per customer and does not grow with the number of orders.
// Interactions wait in memory (16 bytes each, about 55 bytes per customer) and are written last,
// also in order of time with ids that follow it.
//
// Determinism. Every customer draws from its own random streams (random.h), keyed by its id: its
// person, its purchases, its interactions; a sale's interactions draw from a stream keyed by the
// order id. So the interactions change nothing in the other tables. Money is in integer cents.
#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>
#include <queue>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "calendar.h"
#include "demo_data.h"
#include "hk_retail.h"
#include "random.h"

namespace custclass::datagen {

namespace {

using hk::Channel;
using hk::Gender;

// ---- Parameters of the model --------------------------------------------------------------------

constexpr double kExistingBaseShare = 0.35;  // customers created before the order window
constexpr int kExistingBaseDays = 3 * 365;   // ... over this many days before it
constexpr LocalSeconds kHour = 3600;
constexpr LocalSeconds kSignUpOpening = 10 * kHour;  // sign-ups between 10:00 and 22:00
constexpr LocalSeconds kSignUpHours = 12 * kHour;

constexpr double kLeadShare = 0.10;
constexpr double kReferredShare = 0.04;
constexpr double kConnectorShare = 0.03;  // of buyers: people who refer many others
constexpr double kReferralsFromConnectors = 0.5;

constexpr double kValueSigma = 1.0;  // of the log-normal purchase-rate multiplier
constexpr double kMaxValue = 25.0;
constexpr double kChurnProneShare = 0.35;
constexpr double kChurnProneLifetimeDays = 300.0;
constexpr double kLoyalLifetimeDays = 3000.0;

constexpr double kReturnRate[hk::kChannelCount] = {0.02, 0.05, 0.04};  // of sales, by channel
constexpr double kMeanReturnRate = 0.031;  // over the channel mix: returns per sale
constexpr double kFullRefundShare = 0.45;

constexpr double kOptOutShare = 0.02;
constexpr double kStrangerOptOutShare = 0.002;  // per customer: opt-outs of non-customers

constexpr int kCalibrationSamples = 8192;

enum class LeadSource : std::uint8_t { store, website, referral, social, event };
constexpr std::string_view kLeadSourceNames[] = {"store", "website", "referral", "social", "event"};
constexpr std::uint32_t kLeadSourcesOfLeads[] = {5, 45, 0, 30, 20};
constexpr std::uint32_t kLeadSourcesOfBuyers[] = {60, 18, 0, 10, 12};
constexpr double kConsentByLeadSource[] = {0.45, 0.75, 0.60, 0.65, 0.70};
constexpr double kNoEmailByLeadSource[] = {0.12, 0.0, 0.0, 0.0, 0.05};
constexpr double kNoPhoneByLeadSource[] = {0.03, 0.20, 0.10, 0.20, 0.03};

// Store, online, app, per age band (hk::age_bands()).
constexpr std::uint32_t kChannelMixByAgeBand[6][hk::kChannelCount] = {
    {35, 35, 30}, {45, 32, 23}, {55, 28, 17}, {65, 25, 10}, {75, 20, 5}, {88, 10, 2},
};

// Weights by index: number of lines 1..7; quantity 1..6 per basket kind.
constexpr std::uint32_t kLinesPerOrder[] = {0, 45, 26, 14, 8, 4, 2, 1};
constexpr std::uint32_t kQuantities[3][7] = {
    {0, 92, 8, 0, 0, 0, 0},    // single
    {0, 75, 20, 5, 0, 0, 0},   // few
    {0, 45, 30, 12, 7, 3, 3},  // bulk
};
constexpr std::int64_t kDiscountPercents[] = {0, 10, 20, 30, 50};
constexpr std::uint32_t kDiscountsOrdinaryDay[] = {88, 7, 4, 1, 0};
constexpr std::uint32_t kDiscountsPromotionDay[] = {55, 20, 15, 8, 2};
// How prone to returning a customer is, in percent of the channel's rate (mean 100).
constexpr std::uint16_t kReturnProneness[] = {50, 160, 500};
constexpr std::uint32_t kReturnPronenessWeights[] = {70, 25, 5};

constexpr std::uint32_t kInterestCounts[] = {0, 40, 35, 18, 7};  // 1..4 keywords

// ---- Time ---------------------------------------------------------------------------------------

struct Window {
    Day first = 0;
    Day last = 0;
    LocalSeconds end() const { return start_of(last + 1) - 1; }
};

// The order window measured in "shopping time": the cumulative shopping weight of its days. A
// Poisson process of rate r on this axis puts r * shopping_weight(day) orders on a day on average.
class ShoppingTime {
  public:
    explicit ShoppingTime(Window window) : first_(window.first) {
        cumulative_.reserve(static_cast<std::size_t>(window.last - window.first) + 2);
        cumulative_.push_back(0.0);
        for (Day d = window.first; d <= window.last; ++d) {
            cumulative_.push_back(cumulative_.back() + hk::shopping_weight(d));
        }
    }

    double total() const { return cumulative_.back(); }

    // The position at the start of a day, clamped to the window.
    double at(Day day) const {
        const auto last = static_cast<std::int64_t>(cumulative_.size()) - 1;
        return cumulative_[static_cast<std::size_t>(
            std::clamp<std::int64_t>(day - first_, 0, last))];
    }

    // The day a position in [0, total()) falls in.
    Day day_at(double x) const {
        const auto it = std::upper_bound(cumulative_.begin() + 1, cumulative_.end(), x);
        const auto index = std::min<std::ptrdiff_t>(
            it - (cumulative_.begin() + 1), static_cast<std::ptrdiff_t>(cumulative_.size()) - 2);
        return first_ + static_cast<Day>(index);
    }

  private:
    Day first_;
    std::vector<double> cumulative_;
};

// When customers sign up: a curve from kExistingBaseDays before the window to its end, busier on
// busy shopping days and growing over time, with kExistingBaseShare of its mass before the window.
class SignUpCurve {
  public:
    explicit SignUpCurve(Window window) : first_(window.first - kExistingBaseDays) {
        std::vector<double> weights;
        double before = 0.0;
        double during = 0.0;
        const double window_days = std::max(1, window.last - window.first);
        for (Day d = first_; d <= window.last; ++d) {
            const double growth = d < window.first ? 0.6 + 0.4 * (d - first_) / kExistingBaseDays
                                                   : 1.0 + 0.3 * (d - window.first) / window_days;
            weights.push_back(growth * hk::shopping_weight(d));
            (d < window.first ? before : during) += weights.back();
        }
        cumulative_.reserve(weights.size() + 1);
        cumulative_.push_back(0.0);
        for (std::size_t i = 0; i < weights.size(); ++i) {
            const bool is_before = first_ + static_cast<Day>(i) < window.first;
            const double share =
                is_before ? kExistingBaseShare / before : (1.0 - kExistingBaseShare) / during;
            cumulative_.push_back(cumulative_.back() + weights[i] * share);
        }
    }

    // The sign-up time at quantile u in [0, 1): non-decreasing in u.
    LocalSeconds at(double u) const {
        const double x = u * cumulative_.back();
        const auto it = std::upper_bound(cumulative_.begin() + 1, cumulative_.end(), x);
        const auto index = static_cast<std::size_t>(std::min<std::ptrdiff_t>(
            it - (cumulative_.begin() + 1), static_cast<std::ptrdiff_t>(cumulative_.size()) - 2));
        const double width = cumulative_[index + 1] - cumulative_[index];
        const double fraction = std::clamp((x - cumulative_[index]) / width, 0.0, 0.999999);
        return start_of(first_ + static_cast<Day>(index)) + kSignUpOpening +
               static_cast<LocalSeconds>(fraction * kSignUpHours);
    }

  private:
    Day first_;
    std::vector<double> cumulative_;
};

// ---- The catalogue ------------------------------------------------------------------------------

// Shelf prices: HK$48.90 under a hundred, HK$129 under a thousand, HK$1,299 above.
std::int64_t shelf_price_cents(std::int64_t cents) {
    if (cents < 10'000) return std::max<std::int64_t>(90, (cents + 50) / 100 * 100 - 10);
    if (cents < 100'000) return (cents + 500) / 1000 * 1000 - 100;
    return (cents + 5000) / 10'000 * 10'000 - 100;
}

struct Product {
    std::int64_t id = 0;
    std::size_t category = 0;
    std::int64_t price_cents = 0;
    std::string sku;
    std::string name;
};

// Every brand x noun pair of every category; popularity is Zipf-like (weight 1 / rank) over a
// random ranking, so a few products sell most.
class Catalogue {
  public:
    explicit Catalogue(std::uint64_t seed) {
        Rng rng(seed, Stream::catalogue, 0);
        for (std::size_t c = 0; c < hk::kCategoryCount; ++c) {
            const hk::Category& category = hk::categories()[c];
            std::vector<std::size_t> members;
            std::vector<bool> premium;
            for (const hk::ProductNoun& noun : category.nouns) {
                for (const hk::Brand& brand : category.brands) {
                    Product p;
                    p.id = static_cast<std::int64_t>(products_.size()) + 1;
                    p.category = c;
                    const std::int64_t jitter = rng.between(90, 110);
                    p.price_cents = shelf_price_cents(std::int64_t{noun.base_price_hkd} *
                                                      brand.price_percent * jitter / 100);
                    char sku[16];
                    std::snprintf(sku, sizeof sku, "%.*s-%04zu",
                                  static_cast<int>(category.sku_prefix.size()),
                                  category.sku_prefix.data(), members.size() + 1);
                    p.sku = sku;
                    p.name.append(brand.name).append(" ").append(noun.name);
                    members.push_back(products_.size());
                    premium.push_back(brand.price_percent >= 150);
                    products_.push_back(std::move(p));
                }
            }
            // A random ranking (Fisher-Yates), weight 1 / rank.
            std::vector<std::uint32_t> rank(members.size());
            for (std::size_t i = 0; i < rank.size(); ++i) rank[i] = static_cast<std::uint32_t>(i);
            for (std::size_t i = rank.size(); i > 1; --i) {
                std::swap(rank[i - 1], rank[rng.below(static_cast<std::uint32_t>(i))]);
            }
            std::vector<std::uint32_t> weights, premium_weights;
            for (std::size_t i = 0; i < members.size(); ++i) {
                const std::uint32_t w = 1'000'000 / (rank[i] + 1);
                weights.push_back(w);
                if (premium[i]) {
                    premium_members_[c].push_back(members[i]);
                    premium_weights.push_back(w);
                }
            }
            members_[c] = std::move(members);
            popular_[c] = WeightedChoice(weights);
            popular_premium_[c] = WeightedChoice(premium_weights);
        }
    }

    const std::vector<Product>& products() const { return products_; }

    const Product& draw(std::size_t category, bool premium, Rng& rng) const {
        if (premium && !premium_members_[category].empty()) {
            return products_[premium_members_[category][popular_premium_[category].draw(rng)]];
        }
        return products_[members_[category][popular_[category].draw(rng)]];
    }

  private:
    std::vector<Product> products_;
    std::array<std::vector<std::size_t>, hk::kCategoryCount> members_, premium_members_;
    std::array<WeightedChoice, hk::kCategoryCount> popular_, popular_premium_;
};

// ---- People -------------------------------------------------------------------------------------

// The weighted choices over hk_retail's tables, built once.
struct MarketTables {
    WeightedChoice district, age_band, surname, lead_source_of_lead, lead_source_of_buyer;
    std::array<WeightedChoice, 3> income;  // by Affluence
    WeightedChoice income_student_or_retired;
    // Category preferences by demographic group (gender * 6 + age band).
    std::array<WeightedChoice, 12> category_by_group;
    std::array<WeightedChoice, 6> channel_by_age_band;
    WeightedChoice lines_per_order, discount_ordinary, discount_promotion, return_proneness;
    WeightedChoice interest_count;
    std::array<WeightedChoice, 3> quantity;  // by Basket

    MarketTables() {
        std::vector<std::uint32_t> w;
        for (const auto& d : hk::districts()) w.push_back(d.population_thousands);
        district = WeightedChoice(w);
        w.clear();
        for (const auto& a : hk::age_bands()) w.push_back(a.weight);
        age_band = WeightedChoice(w);
        w.clear();
        for (const auto& s : hk::surnames()) w.push_back(s.weight);
        surname = WeightedChoice(w);
        lead_source_of_lead = WeightedChoice(kLeadSourcesOfLeads);
        lead_source_of_buyer = WeightedChoice(kLeadSourcesOfBuyers);
        for (std::size_t a = 0; a < 3; ++a) {
            income[a] =
                WeightedChoice(hk::income_band_weights(static_cast<hk::Affluence>(a), false));
        }
        income_student_or_retired =
            WeightedChoice(hk::income_band_weights(hk::Affluence::lower, true));
        for (std::size_t group = 0; group < 12; ++group) {
            w.clear();
            for (std::size_t c = 0; c < hk::kCategoryCount; ++c) {
                w.push_back(
                    hk::categories()[c].base_weight *
                    hk::category_affinity_percent(c, static_cast<Gender>(group / 6), group % 6));
            }
            category_by_group[group] = WeightedChoice(w);
        }
        for (std::size_t a = 0; a < 6; ++a)
            channel_by_age_band[a] = WeightedChoice(kChannelMixByAgeBand[a]);
        lines_per_order = WeightedChoice(kLinesPerOrder);
        discount_ordinary = WeightedChoice(kDiscountsOrdinaryDay);
        discount_promotion = WeightedChoice(kDiscountsPromotionDay);
        return_proneness = WeightedChoice(kReturnPronenessWeights);
        interest_count = WeightedChoice(kInterestCounts);
        for (std::size_t b = 0; b < 3; ++b) quantity[b] = WeightedChoice(kQuantities[b]);
    }
};

// Who a customer is: everything that decides how it buys.
struct Person {
    LocalSeconds created_at = 0;
    bool referred = false;  // signed up through a referral (when someone could refer)
    bool is_lead = false;
    Gender gender = Gender::female;
    bool gender_recorded = true;
    std::size_t age_band = 0;
    std::optional<Day> birth_date;
    std::size_t district = 0;
    std::optional<std::size_t> income_band;
    LeadSource lead_source = LeadSource::store;
    bool marketing_consent = false;
    double value = 1.0;  // purchase-rate multiplier, mean 1
    double lifetime_days = 0.0;
    std::array<std::uint8_t, 2> favourite{};  // favourite categories (may be the same twice)
    Channel primary_channel = Channel::store;

    std::size_t group() const { return static_cast<std::size_t>(gender) * 6 + age_band; }
};

Person draw_person(const MarketTables& t, const SignUpCurve& sign_ups, Window window,
                   std::size_t index, std::size_t count, bool someone_could_refer, Rng& rng) {
    Person p;
    p.created_at =
        sign_ups.at((static_cast<double>(index) + rng.uniform()) / static_cast<double>(count));
    p.referred = rng.chance(kReferredShare) && someone_could_refer;
    p.is_lead = rng.chance(kLeadShare);

    const std::uint32_t g = rng.below(100);
    p.gender = g < 54            ? Gender::female
               : g < 96          ? Gender::male
               : rng.chance(0.5) ? Gender::female
                                 : Gender::male;
    p.gender_recorded = g < 96;

    p.age_band = t.age_band.draw(rng);
    const hk::AgeBand& band = hk::age_bands()[p.age_band];
    const int age = static_cast<int>(rng.between(band.min_age, band.max_age));
    if (!rng.chance(0.08)) {
        // Full years `age` on the window's last day.
        const CivilDate last = civil_from_day(window.last);
        const Day latest = day_from_civil({last.year - age, last.month, last.day});
        const Day earliest = day_from_civil({last.year - age - 1, last.month, last.day}) + 1;
        p.birth_date = static_cast<Day>(rng.between(earliest, latest));
    }

    p.district = t.district.draw(rng);
    if (!rng.chance(0.15)) {
        const bool student_or_retired = (p.age_band == 0 || p.age_band == 5) && rng.chance(0.6);
        const auto affluence = static_cast<std::size_t>(hk::districts()[p.district].affluence);
        p.income_band = student_or_retired ? t.income_student_or_retired.draw(rng)
                                           : t.income[affluence].draw(rng);
    }

    p.lead_source = p.referred  ? LeadSource::referral
                    : p.is_lead ? static_cast<LeadSource>(t.lead_source_of_lead.draw(rng))
                                : static_cast<LeadSource>(t.lead_source_of_buyer.draw(rng));
    p.marketing_consent = rng.chance(kConsentByLeadSource[static_cast<std::size_t>(p.lead_source)]);

    p.value = std::min(kMaxValue, rng.lognormal_mean_one(kValueSigma));
    p.lifetime_days = rng.exponential(rng.chance(kChurnProneShare) ? kChurnProneLifetimeDays
                                                                   : kLoyalLifetimeDays);
    const WeightedChoice& categories = t.category_by_group[p.group()];
    p.favourite[0] = static_cast<std::uint8_t>(categories.draw(rng));
    p.favourite[1] =
        rng.chance(0.6) ? static_cast<std::uint8_t>(categories.draw(rng)) : p.favourite[0];
    p.primary_channel = static_cast<Channel>(t.channel_by_age_band[p.age_band].draw(rng));
    return p;
}

// How a customer is written down: name, contact details, interests.
struct Contact {
    std::string code;
    std::string full_name;
    std::string email;      // empty: none
    std::string phone;      // empty: none
    std::string interests;  // empty: none
};

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

Contact draw_contact(const MarketTables& t, const Person& p, std::int64_t id,
                     std::uint64_t phone_offset, Rng& rng) {
    Contact c;
    char code[24];
    std::snprintf(code, sizeof code, "C%06lld", static_cast<long long>(id));
    c.code = code;

    // "Mandy Chan", "Chan Ka Yan" or "Mandy Chan Ka Yan".
    const std::string_view surname = hk::surnames()[t.surname.draw(rng)].name;
    const std::string_view english = rng.pick(hk::english_given_names(p.gender));
    const auto syllables = hk::given_name_syllables(p.gender);
    const auto n = static_cast<std::uint32_t>(syllables.size());
    const std::uint32_t i = rng.below(n);
    const std::uint32_t j = (i + 1 + rng.below(n - 1)) % n;  // another syllable
    const std::string_view first = syllables[i];
    const std::string_view second = syllables[j];
    const std::uint32_t style = rng.below(100);
    std::string local;  // of the e-mail address
    if (style < 55) {
        c.full_name.append(english).append(" ").append(surname);
        local = lower(english) + "." + lower(surname);
    } else if (style < 90) {
        c.full_name.append(surname).append(" ").append(first).append(" ").append(second);
        local = lower(first) + lower(second) + "." + lower(surname);
    } else {
        c.full_name.append(english)
            .append(" ")
            .append(surname)
            .append(" ")
            .append(first)
            .append(" ")
            .append(second);
        local = lower(english) + "." + lower(surname);
    }

    const auto source = static_cast<std::size_t>(p.lead_source);
    if (!rng.chance(kNoEmailByLeadSource[source])) {
        // The id keeps addresses unique; the domains are reserved for examples.
        c.email = local + std::to_string(id) + "@" + std::string(rng.pick(hk::email_domains()));
    }
    if (!rng.chance(kNoPhoneByLeadSource[source])) {
        // Mobile numbers start with 5, 6 or 9; the last seven digits are a bijection of the id
        // (7654321 is coprime with 10^7), so no two customers share a number.
        const std::uint32_t lead_digit = rng.below(100);
        const char first_digit = lead_digit < 55 ? '9' : lead_digit < 90 ? '6' : '5';
        const auto rest = static_cast<unsigned>(
            (static_cast<std::uint64_t>(id) * 7'654'321u + phone_offset) % 10'000'000u);
        char phone[24];
        std::snprintf(phone, sizeof phone, "+852 %c%03u %04u", first_digit, rest / 10'000,
                      rest % 10'000);
        c.phone = phone;
    }

    // Interests: keywords of favourite categories, now and then one that no category serves.
    if (rng.chance(p.is_lead ? 0.75 : 0.55)) {
        const std::size_t count = t.interest_count.draw(rng);
        std::vector<std::string_view> chosen;
        for (std::size_t i = 0; i < count; ++i) {
            std::string_view keyword;
            if (rng.chance(0.2)) {
                keyword = rng.pick(hk::unserved_interests());
            } else {
                const std::size_t category = rng.chance(0.7)
                                                 ? p.favourite[rng.below(2)]
                                                 : t.category_by_group[p.group()].draw(rng);
                keyword = rng.pick(hk::categories()[category].keywords);
            }
            if (std::find(chosen.begin(), chosen.end(), keyword) == chosen.end())
                chosen.push_back(keyword);
        }
        for (std::string_view keyword : chosen) {
            if (!c.interests.empty()) c.interests += ',';
            c.interests.append(keyword);
        }
    }
    return c;
}

// ---- Purchases ----------------------------------------------------------------------------------

// When a customer buys, before the rate is known: the first purchase of a customer who signs up
// during the window, and the stretch of shopping time over which regular purchases run.
struct PurchasePlan {
    std::optional<LocalSeconds> first_purchase;
    Channel first_channel = Channel::store;
    double start = 0.0;  // shopping time
    double end = 0.0;
};

LocalSeconds time_in_day(Day day, Channel channel, Rng& rng) {
    static const std::array<WeightedChoice, hk::kChannelCount> hours = {
        WeightedChoice(hk::hour_weights(Channel::store)),
        WeightedChoice(hk::hour_weights(Channel::online)),
        WeightedChoice(hk::hour_weights(Channel::app)),
    };
    const auto hour = static_cast<LocalSeconds>(hours[static_cast<std::size_t>(channel)].draw(rng));
    return start_of(day) + hour * kHour + rng.between(0, kHour - 1);
}

PurchasePlan plan_purchases(const Person& p, Window window, const ShoppingTime& time, Rng& rng) {
    PurchasePlan plan;
    if (p.is_lead) return plan;
    const Day created = day_of(p.created_at);
    const Day last_active = created + static_cast<Day>(std::min(p.lifetime_days, 1e6));
    if (created >= window.first) {
        LocalSeconds first;
        if (p.lead_source == LeadSource::store || p.lead_source == LeadSource::event) {
            first = p.created_at + rng.between(60, 1800);  // registered at the till
            plan.first_channel = Channel::store;
        } else {
            plan.first_channel = rng.chance(0.6) ? Channel::online : Channel::app;
            if (rng.chance(0.35)) {
                first = p.created_at + rng.between(120, 3600);  // bought right after signing up
            } else {
                const Day day = created + 1 + static_cast<Day>(rng.exponential(12.0));
                first = std::max(time_in_day(day, plan.first_channel, rng), p.created_at + 600);
            }
        }
        if (first <= window.end()) plan.first_purchase = first;
        plan.start = time.at(day_of(first) + 1);
    }
    plan.end = last_active < window.first ? 0.0 : time.at(std::min(last_active, window.last) + 1);
    return plan;
}

// The base purchase rate (per unit of shopping time, per unit of value) at which customers who
// buy average `orders_per_customer` orders, returns included. Found by bisection on a fixed
// sample of customers drawn exactly as the real ones are: the expected orders of customer i are
// f_i + rate * v_i, where f_i is its first purchase (0 or 1) and v_i its value times its active
// shopping time; it buys at all with probability 1 if f_i, else 1 - exp(-rate * v_i).
double calibrate_rate(const DemoOptions& opts, const MarketTables& t, const SignUpCurve& sign_ups,
                      Window window, const ShoppingTime& time) {
    std::vector<double> firsts, volumes;
    for (int j = 0; j < kCalibrationSamples; ++j) {
        Rng rng(opts.seed, Stream::calibration, static_cast<std::uint64_t>(j));
        const Person p = draw_person(t, sign_ups, window, static_cast<std::size_t>(j),
                                     kCalibrationSamples, true, rng);
        if (p.is_lead) continue;
        const PurchasePlan plan = plan_purchases(p, window, time, rng);
        firsts.push_back(plan.first_purchase ? 1.0 : 0.0);
        volumes.push_back(p.value * std::max(0.0, plan.end - plan.start));
    }
    const double target = opts.orders_per_customer / (1.0 + kMeanReturnRate);
    auto orders_per_buyer = [&](double rate) {
        double orders = 0.0;
        double buyers = 0.0;
        for (std::size_t i = 0; i < firsts.size(); ++i) {
            orders += firsts[i] + rate * volumes[i];
            buyers += firsts[i] > 0 ? 1.0 : 1.0 - portable_exp(-rate * volumes[i]);
        }
        return buyers > 0 ? orders / buyers : 0.0;
    };
    double low = 0.0;
    double high = 1.0 / 64;
    for (int i = 0; i < 64 && orders_per_buyer(high) < target; ++i) high *= 2;
    for (int i = 0; i < 60; ++i) {
        const double mid = 0.5 * (low + high);
        (orders_per_buyer(mid) < target ? low : high) = mid;
    }
    return 0.5 * (low + high);
}

// ---- The generator ------------------------------------------------------------------------------

// A customer who buys, between purchases: under 100 bytes.
struct Shopper {
    Rng rng;            // the customer's purchase stream
    double next = 0.0;  // shopping time of the latest scheduled regular purchase
    double end = 0.0;
    double rate = 0.0;
    LocalSeconds last_at = 0;  // time of the latest scheduled purchase
    std::uint32_t customer_id = 0;
    std::uint8_t group = 0;
    std::array<std::uint8_t, 2> favourite{};
    std::uint8_t home_store = 0;
    std::array<std::uint8_t, hk::kChannelCount> channel_percent{};
    std::uint8_t premium_percent = 0;
    std::uint16_t return_proneness = 100;  // percent of the channel's return rate
    std::uint8_t extra_line_percent = 0;
    Channel next_channel = Channel::store;  // of the scheduled purchase
    std::uint8_t next_store = 0;
    bool has_bought = false;
    bool subscriber = false;  // gets the newsletter: consent, an e-mail address, no opt-out
};

struct Line {
    std::int64_t product_id = 0;
    std::int64_t quantity = 0;
    std::int64_t amount_cents = 0;
};

// A return decided when the sale was made, waiting for its time.
struct PendingReturn {
    std::int64_t customer_id = 0;
    Channel channel = Channel::store;
    std::uint8_t store = 0;
    std::vector<Line> lines;
};

struct Event {
    LocalSeconds at = 0;
    std::uint32_t shopper = 0;
    std::uint32_t pending_return = kSale;  // index into the pending returns, or kSale
    static constexpr std::uint32_t kSale = std::numeric_limits<std::uint32_t>::max();

    // The priority queue's order: earliest first, then by customer, then returns before sales
    // (kSale is the largest index); every event is distinct, so the order is total.
    bool operator>(const Event& o) const {
        if (at != o.at) return at > o.at;
        if (shopper != o.shopper) return shopper > o.shopper;
        return pending_return > o.pending_return;
    }
};

// ---- Interactions -------------------------------------------------------------------------------

enum class InteractionKind : std::uint8_t { visit, search, signup, email_open, click };
constexpr std::string_view kInteractionKindNames[] = {"visit", "search", "signup", "email_open",
                                                      "click"};

// Web-shop sessions per 30 days while active, and the share of that rate after. A lead stays
// active for an exponential time after signing up; a buyer during its purchase lifetime, and comes
// to the web shop more when it mostly buys online or in the app (by primary channel).
constexpr double kLeadSessionsPerMonth = 0.7;
constexpr double kLeadActiveDays = 120.0;
constexpr double kBuyerSessionsPerMonth[hk::kChannelCount] = {0.015, 0.05, 0.05};
constexpr double kLapsedActivity = 0.15;
constexpr std::uint32_t kSearchesPerSession[] = {30, 42, 20, 8};  // 0..3
// What a search looks for, in percent (the rest: a product of a category the customer likes).
constexpr std::uint32_t kSearchForUnserved = 6;   // something the shop does not sell
constexpr std::uint32_t kSearchForInterest = 45;  // one of the customer's interests, as worded
// The newsletter goes out every other Thursday at 11:00. A subscriber opens it with a personal
// propensity (percent of the base rate; a quarter never do) times the rate of its state.
constexpr int kNewsletterIntervalDays = 14;
constexpr LocalSeconds kNewsletterTime = 11 * kHour;
constexpr double kMeanOpenDelay = 5.0 * kHour;
constexpr double kOpenRateActive = 0.07;
constexpr double kOpenRateLapsed = 0.015;
constexpr std::uint32_t kOpenPropensityPercent[] = {0, 50, 100, 200};
constexpr std::uint32_t kOpenPropensityWeights[] = {25, 30, 30, 15};
constexpr double kClickShare = 0.25;  // of opens
// Of the online and app sales after a customer's first: bought through a newsletter's link
// (subscribers only), or found with the web shop's search.
constexpr double kSaleFromNewsletterShare = 0.08;
constexpr double kSaleFromSearchShare = 0.05;

// The search terms and interests, numbered from 1 (0: no keyword).
class SearchVocabulary {
  public:
    explicit SearchVocabulary(const Catalogue& catalogue) {
        for (std::size_t c = 0; c < hk::kCategoryCount; ++c) {
            const hk::Category& category = hk::categories()[c];
            for (std::string_view keyword : category.keywords) add(keyword);
            for (std::string_view term : category.search_terms) terms_[c].push_back(add(term));
        }
        for (std::string_view interest : hk::unserved_interests())
            unserved_.push_back(add(interest));
        for (const hk::SearchTrend& trend : hk::search_trends())
            trends_.push_back(add(trend.keyword));
        // The term that finds each product: one that is part of its name.
        for (const Product& p : catalogue.products()) {
            const std::string name = lower(p.name);
            const auto& terms = terms_[p.category];
            const auto found = std::find_if(terms.begin(), terms.end(), [&](std::uint16_t t) {
                return name.find(word(t)) != std::string::npos;
            });
            product_terms_.push_back(found != terms.end() ? *found : terms.front());
        }
    }

    std::string_view word(std::uint16_t id) const { return words_[id - 1u]; }
    // 0 for a word that is not in the vocabulary.
    std::uint16_t find(std::string_view text) const {
        const auto it = ids_.find(text);
        return it == ids_.end() ? 0 : it->second;
    }
    const std::vector<std::uint16_t>& terms(std::size_t category) const { return terms_[category]; }
    const std::vector<std::uint16_t>& unserved() const { return unserved_; }
    std::uint16_t trend(std::size_t index) const { return trends_[index]; }
    std::uint16_t product_term(std::int64_t product_id) const {
        return product_terms_[static_cast<std::size_t>(product_id - 1)];
    }

  private:
    std::uint16_t add(std::string_view text) {
        const auto [it, added] = ids_.emplace(text, static_cast<std::uint16_t>(words_.size() + 1));
        if (added) words_.push_back(text);
        return it->second;
    }

    std::vector<std::string_view> words_;
    std::unordered_map<std::string_view, std::uint16_t> ids_;
    std::array<std::vector<std::uint16_t>, hk::kCategoryCount> terms_;
    std::vector<std::uint16_t> unserved_, trends_, product_terms_;
};

// An interaction waiting to be written: 16 bytes.
struct PendingInteraction {
    LocalSeconds at = 0;
    std::uint32_t customer_id = 0;
    std::uint16_t keyword = 0;
    InteractionKind kind = InteractionKind::visit;

    // The order of writing: time, then customer, kind and keyword (a total order on the content,
    // so that equal interactions are interchangeable and the output does not depend on the sort).
    bool operator<(const PendingInteraction& o) const {
        if (at != o.at) return at < o.at;
        if (customer_id != o.customer_id) return customer_id < o.customer_id;
        if (kind != o.kind) return kind < o.kind;
        return keyword < o.keyword;
    }
};

// Draws every customer's interactions as the customers and sales are generated, and writes them
// in order of time at the end.
class InteractionLog {
  public:
    InteractionLog(std::uint64_t seed, Window window, const ShoppingTime& time,
                   const MarketTables& tables, const Catalogue& catalogue)
        : seed_(seed),
          window_(window),
          time_(time),
          tables_(tables),
          vocabulary_(catalogue),
          searches_per_session_(kSearchesPerSession),
          open_propensity_(kOpenPropensityWeights) {
        const Day first_thursday = window.first + (3 - weekday(window.first) + 7) % 7;
        for (Day d = first_thursday; d <= window.last; d += kNewsletterIntervalDays) {
            newsletters_.push_back(start_of(d) + kNewsletterTime);
        }
    }

    // A customer's own interactions: the sign-up form, web-shop sessions, searches of trending
    // terms, the newsletters it opens.
    void add_customer(std::uint32_t id, const Person& p, const Contact& c,
                      std::optional<LocalSeconds> opted_out_at) {
        Rng rng(seed_, Stream::interactions, id);
        if (p.lead_source == LeadSource::website || p.lead_source == LeadSource::social) {
            push(p.created_at, id, InteractionKind::signup);
        }
        const double active_days =
            p.is_lead ? rng.exponential(kLeadActiveDays) : std::min(p.lifetime_days, 1e5);
        const LocalSeconds active_until =
            p.created_at + static_cast<LocalSeconds>(active_days * kSecondsPerDay);

        interests_.clear();
        for (std::size_t start = 0; start < c.interests.size();) {
            const std::size_t comma = std::min(c.interests.find(',', start), c.interests.size());
            const std::uint16_t keyword =
                vocabulary_.find(std::string_view(c.interests).substr(start, comma - start));
            if (keyword != 0) interests_.push_back(keyword);
            start = comma + 1;
        }

        const double per_day =
            (p.is_lead ? kLeadSessionsPerMonth
                       : kBuyerSessionsPerMonth[static_cast<std::size_t>(p.primary_channel)]) /
            30.0;
        const LocalSeconds from = std::max(p.created_at, start_of(window_.first));
        add_sessions(id, p, from, std::min(active_until, window_.end()), per_day, rng);
        add_sessions(id, p, std::max(from, active_until), window_.end(), per_day * kLapsedActivity,
                     rng);
        add_trending_searches(id, p, rng);
        if (p.marketing_consent && !c.email.empty()) {
            const LocalSeconds until =
                opted_out_at ? std::min(*opted_out_at, window_.end()) : window_.end();
            add_newsletters(id, p.created_at, active_until, until, rng);
        }
    }

    // What led to an online or app sale, sometimes: a click in the newsletter, or a search for
    // one of its products, minutes before.
    void add_sale(std::uint32_t customer_id, std::int64_t order_id, LocalSeconds sold_at,
                  bool subscriber, const std::vector<Line>& lines) {
        Rng rng(seed_, Stream::sale_interactions, static_cast<std::uint64_t>(order_id));
        const LocalSeconds first = start_of(window_.first);
        if (subscriber && rng.chance(kSaleFromNewsletterShare)) {
            const LocalSeconds opened = sold_at - rng.between(10 * 60, 90 * 60);
            const LocalSeconds clicked = opened + rng.between(20, 600);
            if (opened >= first) {
                push(opened, customer_id, InteractionKind::email_open);
                push(clicked, customer_id, InteractionKind::click);
            }
        }
        if (rng.chance(kSaleFromSearchShare)) {
            const Line& line = lines[rng.below(static_cast<std::uint32_t>(lines.size()))];
            const LocalSeconds visited = sold_at - rng.between(3 * 60, 40 * 60);
            if (visited >= first) {
                push(visited, customer_id, InteractionKind::visit);
                push(visited + rng.between(15, 120), customer_id, InteractionKind::search,
                     vocabulary_.product_term(line.product_id));
            }
        }
    }

    // Hands every interaction to the sink in order of time, ids following it.
    void write(DemoSink& sink, DemoCounts& counts) {
        std::sort(pending_.begin(), pending_.end());
        std::int64_t id = 0;
        for (const PendingInteraction& i : pending_) {
            InteractionRow row;
            row.id = ++id;
            row.customer_id = i.customer_id;
            row.kind = kInteractionKindNames[static_cast<std::size_t>(i.kind)];
            if (i.keyword != 0) row.keyword = vocabulary_.word(i.keyword);
            row.at = i.at;
            sink.add(row);
            switch (i.kind) {
                case InteractionKind::visit:
                    ++counts.visits;
                    break;
                case InteractionKind::search:
                    ++counts.searches;
                    break;
                case InteractionKind::signup:
                    ++counts.signups;
                    break;
                case InteractionKind::email_open:
                    ++counts.email_opens;
                    break;
                case InteractionKind::click:
                    ++counts.clicks;
                    break;
            }
        }
        counts.interactions += pending_.size();
        std::vector<PendingInteraction>().swap(pending_);
    }

  private:
    void push(LocalSeconds at, std::uint32_t customer_id, InteractionKind kind,
              std::uint16_t keyword = 0) {
        pending_.push_back(PendingInteraction{at, customer_id, keyword, kind});
    }

    // Sessions in [from, to] at `per_day` per day of ordinary shopping (more on busy days), at
    // the hours people shop online.
    void add_sessions(std::uint32_t id, const Person& p, LocalSeconds from, LocalSeconds to,
                      double per_day, Rng& rng) {
        if (to <= from) return;
        const double end = time_.at(day_of(to) + 1);
        for (double x = time_.at(day_of(from));;) {
            x += rng.exponential(1.0 / per_day);
            if (x >= end) return;
            const LocalSeconds at = time_in_day(time_.day_at(x), Channel::online, rng);
            if (at < from || at > to) continue;
            push(at, id, InteractionKind::visit);
            LocalSeconds t = at;
            const std::size_t searches = searches_per_session_.draw(rng);
            for (std::size_t i = 0; i < searches; ++i) {
                t += rng.between(15, 240);
                if (t > window_.end()) break;
                push(t, id, InteractionKind::search, search_term(p, rng));
            }
        }
    }

    std::uint16_t search_term(const Person& p, Rng& rng) const {
        const std::uint32_t r = rng.below(100);
        if (r < kSearchForUnserved) return pick(vocabulary_.unserved(), rng);
        if (r < kSearchForUnserved + kSearchForInterest && !interests_.empty()) {
            return pick(interests_, rng);
        }
        const std::size_t category = rng.chance(0.7)
                                         ? p.favourite[rng.below(2)]
                                         : tables_.category_by_group[p.group()].draw(rng);
        return pick(vocabulary_.terms(category), rng);
    }

    static std::uint16_t pick(const std::vector<std::uint16_t>& ids, Rng& rng) {
        return ids[rng.below(static_cast<std::uint32_t>(ids.size()))];
    }

    // One search of each trend with a small chance: on a day of the trend's last days, drawn as
    // the largest of three uniforms when rising (density growing as the square of time), the
    // smallest when fading.
    void add_trending_searches(std::uint32_t id, const Person& p, Rng& rng) {
        const auto trends = hk::search_trends();
        for (std::size_t k = 0; k < trends.size(); ++k) {
            const hk::SearchTrend& trend = trends[k];
            if (!rng.chance(trend.searches_per_10k / 10'000.0)) continue;
            const double a = rng.uniform(), b = rng.uniform(), c = rng.uniform();
            const double x = trend.rising ? std::max({a, b, c}) : std::min({a, b, c});
            const Day first =
                std::max(window_.first, window_.last - static_cast<Day>(trend.days) + 1);
            const Day days = window_.last - first + 1;
            const Day day = first + std::min(days - 1, static_cast<Day>(x * days));
            const LocalSeconds at = time_in_day(day, Channel::online, rng);
            const LocalSeconds searched = at + rng.between(15, 120);
            if (at < p.created_at || searched > window_.end()) continue;
            push(at, id, InteractionKind::visit);
            push(searched, id, InteractionKind::search, vocabulary_.trend(k));
        }
    }

    // The newsletters sent in [created, until] that the subscriber opens, and the clicks.
    void add_newsletters(std::uint32_t id, LocalSeconds created, LocalSeconds active_until,
                         LocalSeconds until, Rng& rng) {
        const double propensity = kOpenPropensityPercent[open_propensity_.draw(rng)] / 100.0;
        if (propensity == 0.0) return;
        for (auto it = std::lower_bound(newsletters_.begin(), newsletters_.end(), created);
             it != newsletters_.end() && *it <= until; ++it) {
            const double rate = *it < active_until ? kOpenRateActive : kOpenRateLapsed;
            if (!rng.chance(rate * propensity)) continue;
            const LocalSeconds opened =
                *it + static_cast<LocalSeconds>(rng.exponential(kMeanOpenDelay));
            if (opened > until) continue;
            push(opened, id, InteractionKind::email_open);
            if (rng.chance(kClickShare)) {
                const LocalSeconds clicked = opened + rng.between(5, 300);
                if (clicked <= until) push(clicked, id, InteractionKind::click);
            }
        }
    }

    std::uint64_t seed_;
    Window window_;
    const ShoppingTime& time_;
    const MarketTables& tables_;
    SearchVocabulary vocabulary_;
    WeightedChoice searches_per_session_, open_propensity_;
    std::vector<LocalSeconds> newsletters_;  // send times, in order
    std::vector<std::uint16_t> interests_;   // of the customer being drawn
    std::vector<PendingInteraction> pending_;
};

class DemoGenerator {
  public:
    DemoGenerator(const DemoOptions& opts, Window window, DemoSink& sink)
        : opts_(opts),
          window_(window),
          sink_(sink),
          sign_ups_(window),
          time_(window),
          catalogue_(opts.seed),
          phone_offset_(mix64(opts.seed) % 10'000'000u),
          interactions_(opts.seed, window, time_, tables_, catalogue_) {
        std::vector<std::uint32_t> weights;
        for (const hk::Store& store : hk::stores()) weights.push_back(store.destination_weight);
        destinations_ = WeightedChoice(weights);
    }

    DemoCounts run() {
        write_reference_tables();
        rate_ = calibrate_rate(opts_, tables_, sign_ups_, window_, time_);
        write_customers();
        write_orders();
        interactions_.write(sink_, counts_);
        return counts_;
    }

  private:
    void write_reference_tables() {
        const auto districts = hk::districts();
        for (std::size_t i = 0; i < districts.size(); ++i) {
            sink_.add(DistrictRow{static_cast<std::int64_t>(i) + 1, districts[i].name,
                                  districts[i].region});
        }
        const auto categories = hk::categories();
        for (std::size_t i = 0; i < categories.size(); ++i) {
            sink_.add(ProductCategoryRow{static_cast<std::int64_t>(i) + 1, categories[i].name});
        }
        for (const Product& p : catalogue_.products()) {
            sink_.add(ProductRow{p.id, p.sku, p.name, static_cast<std::int64_t>(p.category) + 1,
                                 p.price_cents});
        }
        counts_.products = catalogue_.products().size();
    }

    void write_customers() {
        LocalSeconds previous_created = std::numeric_limits<LocalSeconds>::min();
        for (std::size_t index = 0; index < opts_.customers; ++index) {
            const auto id = static_cast<std::uint32_t>(index + 1);
            Rng rng(opts_.seed, Stream::person, id);
            const bool someone_could_refer = !ordinary_referrers_.empty();
            Person p = draw_person(tables_, sign_ups_, window_, index, opts_.customers,
                                   someone_could_refer, rng);
            // Strictly increasing, so that a referrer (an earlier id) was created before.
            p.created_at = std::max(p.created_at, previous_created + 1);
            previous_created = p.created_at;

            std::optional<std::uint32_t> referrer;
            if (p.referred) {
                const bool by_connector =
                    !connectors_.empty() && rng.chance(kReferralsFromConnectors);
                const auto& pool = by_connector ? connectors_ : ordinary_referrers_;
                referrer = pool[rng.below(static_cast<std::uint32_t>(pool.size()))];
            }
            const Contact c = draw_contact(tables_, p, id, phone_offset_, rng);

            CustomerRow row;
            row.id = id;
            row.code = c.code;
            row.full_name = c.full_name;
            if (p.gender_recorded) row.gender = p.gender == Gender::female ? "F" : "M";
            row.birth_date = p.birth_date;
            row.district_id = static_cast<std::int64_t>(p.district) + 1;
            if (p.income_band) row.income_band = hk::income_bands()[*p.income_band];
            if (!c.email.empty()) row.email = c.email;
            if (!c.phone.empty()) row.phone = c.phone;
            row.created_at = p.created_at;
            row.lead_source = kLeadSourceNames[static_cast<std::size_t>(p.lead_source)];
            row.is_lead = p.is_lead;
            row.marketing_consent = p.marketing_consent;
            if (!c.interests.empty()) row.interests = c.interests;
            sink_.add(row);
            ++counts_.customers;

            if (referrer) {
                sink_.add(ReferralRow{*referrer, id, p.created_at});
                ++counts_.referrals;
            }
            std::optional<LocalSeconds> opted_out_at;
            if (rng.chance(kOptOutShare)) opted_out_at = write_opt_out(id, p, c, rng);
            write_stranger_opt_out(id);
            interactions_.add_customer(id, p, c, opted_out_at);
            if (!p.is_lead) {
                ordinary_referrers_.push_back(id);
                if (rng.chance(kConnectorShare)) connectors_.push_back(id);
                add_shopper(id, p, p.marketing_consent && !c.email.empty() && !opted_out_at);
            }
        }
    }

    // An opt-out recorded by customer id, by e-mail as typed (any case) or by phone as typed;
    // returns its time.
    LocalSeconds write_opt_out(std::int64_t id, const Person& p, const Contact& c, Rng& rng) {
        const LocalSeconds latest = std::max(p.created_at + 3600, window_.end());
        OptOutRow row;
        row.opted_out_at = std::min(
            window_.end(), static_cast<LocalSeconds>(rng.between(p.created_at + 3600, latest)));
        std::string email;
        std::string phone;
        const std::uint32_t recorded_by = rng.below(100);  // id 55%, e-mail 30%, phone 15%
        if (recorded_by >= 55 && recorded_by < 85 && !c.email.empty()) {
            email = c.email;
            const std::uint32_t variant = rng.below(100);
            for (std::size_t i = 0; i < email.size(); ++i) {
                const bool word_start = i == 0 || email[i - 1] == '.' || email[i - 1] == '@';
                if ((variant < 20 || (variant < 60 && word_start)) && email[i] >= 'a' &&
                    email[i] <= 'z') {
                    email[i] = static_cast<char>(email[i] - 'a' + 'A');
                }
            }
            row.email = email;
        } else if (recorded_by >= 85 && !c.phone.empty()) {
            // "+852 9123 4567" as stored, "91234567", "9123 4567" or "+85291234567".
            const std::string digits = c.phone.substr(5, 4) + c.phone.substr(10, 4);
            const std::uint32_t variant = rng.below(100);
            phone = variant < 30   ? c.phone
                    : variant < 60 ? digits
                    : variant < 80 ? c.phone.substr(5)
                                   : "+852" + digits;
            row.phone = phone;
        } else {
            row.customer_id = id;
        }
        sink_.add(row);
        ++counts_.opt_outs;
        return row.opted_out_at;
    }

    // Newsletter subscribers who never became customers also opt out.
    void write_stranger_opt_out(std::int64_t id) {
        Rng rng(opts_.seed, Stream::opt_outs, static_cast<std::uint64_t>(id));
        if (!rng.chance(kStrangerOptOutShare)) return;
        const std::string email = "subscriber" + std::to_string(id) + "@example.org";
        OptOutRow row;
        row.email = email;
        row.opted_out_at = rng.between(start_of(window_.first), window_.end());
        sink_.add(row);
        ++counts_.opt_outs;
    }

    void add_shopper(std::uint32_t id, const Person& p, bool subscriber) {
        Rng rng(opts_.seed, Stream::purchases, id);
        const PurchasePlan plan = plan_purchases(p, window_, time_, rng);
        if (!plan.first_purchase && plan.end <= plan.start)
            return;  // dormant: never buys in the window

        Shopper s{rng};
        s.next = plan.start;
        s.end = plan.end;
        s.rate = rate_ * p.value;
        s.last_at = p.created_at;
        s.customer_id = id;
        s.group = static_cast<std::uint8_t>(p.group());
        s.favourite = p.favourite;
        s.home_store = static_cast<std::uint8_t>(hk::districts()[p.district].home_store);
        // Half of the purchases in the customer's own channel, half as its age band does.
        for (std::size_t ch = 0; ch < hk::kChannelCount; ++ch) {
            s.channel_percent[ch] = static_cast<std::uint8_t>(
                kChannelMixByAgeBand[p.age_band][ch] / 2 +
                (static_cast<std::size_t>(p.primary_channel) == ch ? 50 : 0));
        }
        const std::size_t income = p.income_band.value_or(2);
        s.premium_percent = static_cast<std::uint8_t>((income >= 3   ? 45
                                                       : income == 2 ? 20
                                                                     : 10) +
                                                      (p.value > 2.0 ? 15 : 0));
        s.return_proneness = kReturnProneness[tables_.return_proneness.draw(s.rng)];
        s.extra_line_percent = p.value > 3.0 ? 30 : 0;
        s.subscriber = subscriber;

        const auto index = static_cast<std::uint32_t>(shoppers_.size());
        shoppers_.push_back(s);
        Shopper& shopper = shoppers_.back();
        if (plan.first_purchase) {
            shopper.next_channel = plan.first_channel;
            shopper.next_store = shopper.home_store;
            shopper.last_at = *plan.first_purchase;
            events_.push(Event{*plan.first_purchase, index, Event::kSale});
        } else {
            schedule_next_sale(index);
        }
    }

    // Draws the shopper's next regular purchase and queues it; nothing when its lifetime or the
    // window is over.
    void schedule_next_sale(std::uint32_t index) {
        Shopper& s = shoppers_[index];
        if (s.rate <= 0.0) return;
        s.next += s.rng.exponential(1.0 / s.rate);
        if (s.next >= s.end) return;
        const Day day = time_.day_at(s.next);

        std::array<std::uint32_t, hk::kChannelCount> weights;
        for (std::size_t ch = 0; ch < hk::kChannelCount; ++ch) weights[ch] = s.channel_percent[ch];
        if (hk::is_online_festival(day)) {
            weights[static_cast<std::size_t>(Channel::online)] *= 3;
            weights[static_cast<std::size_t>(Channel::app)] *= 3;
        }
        const std::uint32_t total = weights[0] + weights[1] + weights[2];
        std::uint32_t r = s.rng.below(total);
        std::size_t channel = 0;
        while (r >= weights[channel]) r -= weights[channel++];
        s.next_channel = static_cast<Channel>(channel);
        s.next_store = s.rng.chance(0.75) ? s.home_store
                                          : static_cast<std::uint8_t>(destinations_.draw(s.rng));

        LocalSeconds at = time_in_day(day, s.next_channel, s.rng);
        // Two purchases drawn for one day in the wrong order: the second moves to the next day.
        if (at <= s.last_at) at = time_in_day(day_of(s.last_at) + 1, s.next_channel, s.rng);
        if (at > window_.end()) return;
        s.last_at = at;
        events_.push(Event{at, index, Event::kSale});
    }

    void write_orders() {
        while (!events_.empty()) {
            const Event e = events_.top();
            events_.pop();
            if (e.pending_return == Event::kSale) {
                write_sale(e);
                schedule_next_sale(e.shopper);
            } else {
                write_return(e);
            }
        }
    }

    void write_sale(const Event& e) {
        Shopper& s = shoppers_[e.shopper];
        const Day day = day_of(e.at);
        const bool promotion = hk::is_promotion_day(day);
        std::size_t line_count = tables_.lines_per_order.draw(s.rng);
        if (s.rng.chance(s.extra_line_percent / 100.0)) ++line_count;

        lines_.clear();
        for (std::size_t i = 0; i < line_count; ++i) {
            const std::size_t category = s.rng.chance(0.55)
                                             ? s.favourite[s.rng.below(2)]
                                             : tables_.category_by_group[s.group].draw(s.rng);
            const Product& product =
                catalogue_.draw(category, s.rng.chance(s.premium_percent / 100.0), s.rng);
            const auto basket = static_cast<std::size_t>(hk::categories()[category].basket);
            const auto quantity = static_cast<std::int64_t>(tables_.quantity[basket].draw(s.rng));
            const std::int64_t discount = kDiscountPercents
                [(promotion ? tables_.discount_promotion : tables_.discount_ordinary).draw(s.rng)];
            const std::int64_t amount =
                (product.price_cents * quantity * (100 - discount) + 50) / 100;
            auto same = std::find_if(lines_.begin(), lines_.end(),
                                     [&](const Line& l) { return l.product_id == product.id; });
            if (same != lines_.end()) {
                same->quantity += quantity;
                same->amount_cents += amount;
            } else {
                lines_.push_back(Line{product.id, quantity, amount});
            }
        }

        write_order(s.customer_id, e.at, s.next_channel, s.next_store, lines_, false);
        // After the first purchase, which comes straight after signing up for many.
        if (s.has_bought && s.next_channel != Channel::store) {
            interactions_.add_sale(s.customer_id, last_order_id_, e.at, s.subscriber, lines_);
        }
        if (!s.has_bought) {
            s.has_bought = true;
            ++counts_.buyers;
        }

        const double return_rate =
            kReturnRate[static_cast<std::size_t>(s.next_channel)] * s.return_proneness / 100.0;
        if (s.rng.chance(return_rate)) plan_return(e.shopper, e.at);
    }

    // Decides what of a sale comes back and when: everything, or part of one line; a store
    // return within two weeks, an online one within a month.
    void plan_return(std::uint32_t shopper, LocalSeconds sold_at) {
        Shopper& s = shoppers_[shopper];
        const bool online = s.next_channel != Channel::store;
        const Day day = day_of(sold_at) +
                        static_cast<Day>(online ? s.rng.between(3, 30) : s.rng.between(1, 14));
        const LocalSeconds at = online ? start_of(day) + s.rng.between(10 * kHour, 19 * kHour)
                                       : time_in_day(day, Channel::store, s.rng);
        PendingReturn pending;
        pending.customer_id = s.customer_id;
        pending.channel = s.next_channel;
        pending.store = s.next_store;
        if (s.rng.chance(kFullRefundShare)) {
            for (const Line& l : lines_)
                pending.lines.push_back(Line{l.product_id, -l.quantity, -l.amount_cents});
        } else {
            const Line& l = lines_[s.rng.below(static_cast<std::uint32_t>(lines_.size()))];
            const std::int64_t quantity = s.rng.between(1, l.quantity);
            pending.lines.push_back(
                Line{l.product_id, -quantity, -(l.amount_cents * quantity / l.quantity)});
        }
        if (at > window_.end()) return;  // would be returned after the window

        std::uint32_t slot;
        if (!free_returns_.empty()) {
            slot = free_returns_.back();
            free_returns_.pop_back();
            returns_[slot] = std::move(pending);
        } else {
            slot = static_cast<std::uint32_t>(returns_.size());
            returns_.push_back(std::move(pending));
        }
        events_.push(Event{at, shopper, slot});
    }

    void write_return(const Event& e) {
        PendingReturn& r = returns_[e.pending_return];
        write_order(r.customer_id, e.at, r.channel, r.store, r.lines, true);
        ++counts_.returns;
        r.lines.clear();
        free_returns_.push_back(e.pending_return);
    }

    void write_order(std::int64_t customer_id, LocalSeconds at, Channel channel, std::uint8_t store,
                     const std::vector<Line>& lines, bool is_return) {
        OrderRow order;
        order.id = ++last_order_id_;
        order.customer_id = customer_id;
        order.ordered_at = at;
        order.channel = hk::channel_name(channel);
        if (channel == Channel::store) order.store_code = hk::stores()[store].code;
        for (const Line& l : lines) order.total_cents += l.amount_cents;
        order.kind = is_return ? "return" : "sale";
        sink_.add(order);
        ++counts_.orders;
        for (const Line& l : lines) {
            sink_.add(
                OrderLineRow{++last_line_id_, order.id, l.product_id, l.quantity, l.amount_cents});
            ++counts_.lines;
        }
    }

    const DemoOptions& opts_;
    Window window_;
    DemoSink& sink_;
    MarketTables tables_;
    SignUpCurve sign_ups_;
    ShoppingTime time_;
    Catalogue catalogue_;
    std::uint64_t phone_offset_;
    WeightedChoice destinations_;  // stores people visit away from home
    double rate_ = 0.0;

    std::vector<std::uint32_t> ordinary_referrers_, connectors_;
    std::vector<Shopper> shoppers_;
    std::priority_queue<Event, std::vector<Event>, std::greater<Event>> events_;
    std::vector<PendingReturn> returns_;
    std::vector<std::uint32_t> free_returns_;
    std::vector<Line> lines_;  // of the sale being written
    std::int64_t last_order_id_ = 0;
    std::int64_t last_line_id_ = 0;
    DemoCounts counts_;
    InteractionLog interactions_;  // after everything it refers to
};

Window parse_window(const DemoOptions& opts) {
    const auto first = parse_day(opts.first_day);
    const auto last = parse_day(opts.last_day);
    if (!first) {
        throw std::runtime_error("demo data: first_day '" + opts.first_day +
                                 "' is not a valid YYYY-MM-DD date");
    }
    if (!last) {
        throw std::runtime_error("demo data: last_day '" + opts.last_day +
                                 "' is not a valid YYYY-MM-DD date");
    }
    if (*last < *first) {
        throw std::runtime_error("demo data: last_day " + opts.last_day + " is before first_day " +
                                 opts.first_day);
    }
    // Birth dates and the existing base reach a century before the window; timestamps have
    // four-digit years.
    if (civil_from_day(*first).year < 1900 || civil_from_day(*last).year > 9998) {
        throw std::runtime_error("demo data: the order window " + opts.first_day + " to " +
                                 opts.last_day + " must lie within the years 1900 to 9998");
    }
    return Window{*first, *last};
}

}  // namespace

void check_demo_options(const DemoOptions& opts) {
    parse_window(opts);
    if (!(opts.orders_per_customer >= 1.0 && opts.orders_per_customer <= 1000.0)) {
        throw std::runtime_error("demo data: orders_per_customer must be between 1 and 1000, not " +
                                 std::to_string(opts.orders_per_customer));
    }
    if (opts.customers > 100'000'000) {
        throw std::runtime_error("demo data: at most 100,000,000 customers, not " +
                                 std::to_string(opts.customers));
    }
}

DemoCounts generate_demo(const DemoOptions& opts, DemoSink& sink) {
    check_demo_options(opts);
    return DemoGenerator(opts, parse_window(opts), sink).run();
}

}  // namespace custclass::datagen
