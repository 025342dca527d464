// The `tryton` preset against a real Tryton 6.0 database: created by Tryton's own trytond-admin
// and filled through Tryton's API (fill.py, run by the `tryton_database` fixture), which writes
// down what it created. Every feature expected here is worked out from that record with the
// definitions of RULES.md section 4, never read back from the database by the test (the record
// holds each phone as Tryton stored it, read back by fill.py through Tryton's API). The fixture
// fills two copies of the database: one with Tryton's phone validation as this machine has it
// (with python3-phonenumbers Tryton stores `+852 9123 4567` for `9123 4567`), one without it
// (Tryton stores what was typed), so the phones are read in both forms on any machine.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <cstdlib>
#include <string>
#include <vector>

#include "civil_time.h"
#include "engine.h"
#include "errors.h"
#include "host_preset_support.h"
#include "integration_support.h"

using namespace custclass::integration;
using nlohmann::ordered_json;

namespace {

const std::vector<std::string> kCategories = {"seafood", "gifts", "tea"};
const std::set<std::string> kPurchaseStates = {"confirmed", "processing", "done"};
const std::set<std::string> kLeadStates = {"lead", "opportunity"};
const char* kReferral = "Referred by";
const char* kReferralReverse = "Referrer of";
constexpr int kWindowDays = 365;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

long day_number(const std::string& iso) {
    const auto day = custclass::config::parse_day(iso);
    if (!day) throw std::invalid_argument("bad date " + iso);
    return static_cast<long>(*day);
}

// What fill.py wrote, and the connection to the database it filled.
struct TrytonRecord {
    std::string name;
    ordered_json json;
    std::string connection;
};

TrytonRecord load_record(const char* name, const char* record_env, const char* database_env) {
    TrytonRecord r;
    r.name = name;
    r.json = ordered_json::parse(read_text(required_env(record_env)));
    r.connection = "postgresql://dbname=" + required_env(database_env) +
                   " host=" + required_env("CUSTCLASS_TEST_PG_HOST") +
                   " port=" + required_env("CUSTCLASS_TEST_PG_PORT") + " user=postgres";
    return r;
}

// The database as Tryton fills it on this machine (phones in international format when
// python3-phonenumbers is installed).
const TrytonRecord& tryton() {
    static const TrytonRecord record =
        load_record("database", "CUSTCLASS_TRYTON_RECORD", "CUSTCLASS_TRYTON_DB");
    return record;
}

// Its copy filled with Tryton's phone validation off: phones stored as typed.
const TrytonRecord& tryton_as_typed() {
    static const TrytonRecord record =
        load_record("database with phones as typed", "CUSTCLASS_TRYTON_AS_TYPED_RECORD",
                    "CUSTCLASS_TRYTON_AS_TYPED_DB");
    return record;
}

std::vector<const TrytonRecord*> both_databases() {
    return {&tryton(), &tryton_as_typed()};
}

std::vector<std::string> features() {
    std::vector<std::string> names = {"recency_days",      "frequency",    "monetary",
                                      "avg_order_value",   "tenure_days",  "orders_total",
                                      "returns_rate",      "r_score",      "f_score",
                                      "m_score",           "rfm",          "pareto_class",
                                      "district",          "interests",    "is_prospect",
                                      "marketing_consent", "opted_out",    "referrals",
                                      "referral_revenue",  "top_category", "signup_days"};
    for (const auto& c : kCategories) names.push_back("share:" + c);
    return names;
}

// An engine config naming the tryton preset over `connection`, with `source_extra` (YAML lines
// indented under `source:`, e.g. settings) and the rule set `rules`; returns its path.
std::string config(const TempDir& dir, const std::string& connection,
                   const std::string& source_extra = {},
                   const std::string& rules = host_rules("tryton")) {
    write_text(dir.path() / "rules.yaml", rules);
    write_text(dir.path() / "custclass.yaml",
               "custclass: 1\nsource:\n  preset: tryton\n  connection: \"" + connection + "\"\n" +
                   source_extra + "rules: rules.yaml\n");
    return (dir.path() / "custclass.yaml").string();
}

// A phone number as the engine matches opt-outs (E.164, +852 when it has no country code), for
// the forms fill.py types and Tryton stores: digits with spaces, dashes or brackets, the country
// code after a "+" ("+852 2345 6789", "(+852) 9876-5432") or none ("9123 4567").
std::string e164(const std::string& phone) {
    std::string digits;
    bool plus = false;
    for (char c : phone) {
        if (std::isdigit(static_cast<unsigned char>(c)))
            digits += c;
        else if (c == '+' && digits.empty())
            plus = true;
    }
    return (plus ? "+" : "+852") + digits;
}

// The party's first phone as Tryton orders contact mechanisms (sequence, unset first, then
// creation), as Tryton stored it; "" without one.
std::string first_phone_stored(const ordered_json& party) {
    const ordered_json* first = nullptr;
    for (const auto& p : party["phones"]) {
        if (first == nullptr) {
            first = &p;
            continue;
        }
        const auto &a = p["sequence"], &b = (*first)["sequence"];
        if (!b.is_null() && (a.is_null() || a.get<int>() < b.get<int>())) first = &p;
    }
    return first ? (*first)["value"].get<std::string>() : std::string();
}

// The same, E.164.
std::string first_phone(const ordered_json& party) {
    const std::string stored = first_phone_stored(party);
    return stored.empty() ? stored : e164(stored);
}

// Whether a stored phone has its country code, as Tryton writes it with python3-phonenumbers.
bool international(const std::string& phone) {
    return phone.find('+') != std::string::npos;
}

// A Hong Kong number (8 digits) written the other way: "+852 9123 4567" for "9123 4567", and
// "9123 4567" for "+852 9123 4567" or "(+852) 9123-4567"; with `country` instead of 852 (and
// so another number) when given.
std::string other_form(const std::string& phone, const std::string& country = "852") {
    std::string national = e164(phone).substr(4);
    if (e164(phone).substr(0, 4) != "+852" || national.size() != 8)
        throw std::invalid_argument("not a Hong Kong number: " + phone);
    national.insert(4, " ");
    return international(phone) && country == "852" ? national : "+" + country + " " + national;
}

// The expected features of every customer, from the record.
std::map<std::string, ordered_json> expected_features(const ordered_json& rec) {
    const long as_of = day_number(rec["as_of"].get<std::string>());
    auto in_window = [&](long day) { return day > as_of - kWindowDays && day <= as_of; };
    std::set<std::string> companies;
    for (const auto& c : rec["company_parties"]) companies.insert(c.get<std::string>());

    // Customers: active parties other than the companies.
    std::map<std::string, const ordered_json*> customers;
    for (const auto& p : rec["parties"])
        if (p["active"].get<bool>() && !companies.count(p["code"].get<std::string>()))
            customers[p["code"].get<std::string>()] = &p;

    struct Orders {
        std::vector<std::pair<long, double>> purchases_ever;  // day, amount > 0
        int window_orders = 0, window_returns = 0, window_purchases = 0;
        double monetary = 0, purchase_sum = 0;
        std::map<std::string, double> category_amount;
        double line_amount = 0;
        bool lines = false;
    };
    std::map<std::string, Orders> orders;
    for (const auto& s : rec["sales"]) {
        const std::string party = s["party"].get<std::string>();
        if (!customers.count(party) || !kPurchaseStates.count(s["state"].get<std::string>()))
            continue;
        const long day = day_number(s["sale_date"].get<std::string>());
        if (day > as_of) continue;
        const double total = std::stod(s["total"].get<std::string>());
        Orders& o = orders[party];
        if (total > 0) o.purchases_ever.push_back({day, total});
        if (!in_window(day)) continue;
        ++o.window_orders;
        o.monetary += total;
        if (total < 0) ++o.window_returns;
        if (total <= 0) continue;
        ++o.window_purchases;
        o.purchase_sum += total;
        for (const auto& l : s["lines"]) {
            const double amount = std::stod(l["amount"].get<std::string>());
            o.lines = true;
            o.line_amount += amount;
            // The first of the product's categories by name (fill.py lists them).
            std::vector<std::string> cats;
            for (const auto& c : l["categories"]) cats.push_back(lower(c.get<std::string>()));
            std::sort(cats.begin(), cats.end());
            if (!cats.empty()) o.category_amount[cats.front()] += amount;
        }
    }

    std::map<std::string, ordered_json> out;
    for (const auto& [code, party] : customers) {
        const Orders& o = orders[code];
        ordered_json f;
        if (o.purchases_ever.empty()) {
            f["recency_days"] = nullptr;
            f["tenure_days"] = nullptr;
        } else {
            long first = o.purchases_ever.front().first, last = first;
            for (const auto& [day, _] : o.purchases_ever) {
                first = std::min(first, day);
                last = std::max(last, day);
            }
            f["recency_days"] = as_of - last;
            f["tenure_days"] = as_of - first;
        }
        f["frequency"] = o.window_purchases;
        f["monetary"] = o.monetary;
        f["avg_order_value"] =
            o.window_purchases ? ordered_json(o.purchase_sum / o.window_purchases) : ordered_json();
        f["orders_total"] = o.purchases_ever.size();
        f["returns_rate"] = o.window_orders
                                ? ordered_json(double(o.window_returns) / o.window_orders)
                                : ordered_json();
        for (const auto& c : kCategories)
            f["share:" + c] = o.lines ? ordered_json(o.category_amount.count(c)
                                                         ? o.category_amount.at(c) / o.line_amount
                                                         : 0.0)
                                      : ordered_json();
        std::string top;
        double best = 0;
        for (const auto& [c, amount] : o.category_amount)  // alphabetical: ties keep the first
            if (top.empty() || amount > best) top = c, best = amount;
        f["top_category"] = top.empty() ? ordered_json() : ordered_json(top);

        // The first address by sequence (unset first), then by creation.
        const auto& addresses = (*party)["addresses"];
        std::vector<std::size_t> order(addresses.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            const auto& sa = addresses[a]["sequence"];
            const auto& sb = addresses[b]["sequence"];
            if (sa.is_null() != sb.is_null()) return sa.is_null();
            return !sa.is_null() && sa.get<int>() < sb.get<int>();
        });
        f["district"] = order.empty() ? ordered_json() : addresses[order.front()]["city"];

        std::vector<std::string> tags;
        for (const auto& t : (*party)["tags"]) tags.push_back(lower(t.get<std::string>()));
        std::sort(tags.begin(), tags.end());
        f["interests"] = tags.empty() ? ordered_json() : ordered_json(tags);

        bool lead = false;
        for (const auto& op : rec["opportunities"])
            lead =
                lead || (op["party"] == code && kLeadStates.count(op["state"].get<std::string>()));
        f["is_prospect"] = lead || o.purchases_ever.empty();

        std::set<std::string> emails;
        for (const auto& e : (*party)["emails"]) emails.insert(lower(e.get<std::string>()));
        bool consent = false, opted_out = false;
        for (const auto& s : rec["subscriptions"]) {
            const bool mine = emails.count(lower(s["email"].get<std::string>())) > 0;
            consent = consent || (mine && s["active"].get<bool>());
            // The engine matches opt-outs with the customer's e-mail (the first one).
            opted_out = opted_out || (!s["active"].get<bool>() && !(*party)["emails"].empty() &&
                                      lower(s["email"].get<std::string>()) ==
                                          lower((*party)["emails"][0].get<std::string>()));
        }
        f["marketing_consent"] = consent;
        f["opted_out"] = opted_out;
        f["signup_days"] = 0;  // created by fill.py on the day it chose as as_of
        out[code] = f;
    }

    // Referrals: referees (customers) who bought at least once, each pair once.
    std::map<std::string, std::set<std::string>> referred;
    for (const auto& r : rec["relations"]) {
        const std::string type = r["type"].get<std::string>();
        if (type == kReferral)
            referred[r["to"].get<std::string>()].insert(r["from"].get<std::string>());
        if (type == kReferralReverse)
            referred[r["from"].get<std::string>()].insert(r["to"].get<std::string>());
    }
    for (auto& [code, f] : out) {
        int count = 0;
        double revenue = 0;
        for (const auto& referee : referred[code])
            if (out.count(referee) && out[referee]["orders_total"].get<std::size_t>() > 0) {
                ++count;
                revenue += out[referee]["monetary"].get<double>();
            }
        f["referrals"] = count;
        f["referral_revenue"] = revenue;
    }

    // R, F and M scores among the active customers.
    std::vector<std::string> active;
    for (const auto& [code, f] : out)
        if (f["frequency"].get<int>() >= 1) active.push_back(code);
    const double n = static_cast<double>(active.size());
    for (auto& [code, f] : out) {
        if (f["frequency"].get<int>() < 1) {
            f["r_score"] = f["f_score"] = f["m_score"] = nullptr;
            continue;
        }
        int wr = 0, wf = 0, wm = 0;
        for (const auto& other : active) {
            const auto& g = out[other];
            wr += g["recency_days"].get<long>() > f["recency_days"].get<long>();
            wf += g["frequency"].get<int>() < f["frequency"].get<int>();
            wm += g["monetary"].get<double>() < f["monetary"].get<double>();
        }
        f["r_score"] = 1 + static_cast<int>(std::floor(5 * wr / n));
        f["f_score"] = 1 + static_cast<int>(std::floor(5 * wf / n));
        f["m_score"] = 1 + static_cast<int>(std::floor(5 * wm / n));
        f["rfm"] = std::to_string(f["r_score"].get<int>()) +
                   std::to_string(f["f_score"].get<int>()) +
                   std::to_string(f["m_score"].get<int>());
    }

    // Pareto classes among the customers with a positive monetary: by monetary descending, then
    // id; the class from the share of the customers ranked ahead.
    std::vector<std::string> spenders;
    double all_monetary = 0;
    for (auto& [code, f] : out) {
        f["pareto_class"] = nullptr;
        if (f["monetary"].get<double>() > 0) {
            spenders.push_back(code);
            all_monetary += f["monetary"].get<double>();
        }
    }
    std::stable_sort(spenders.begin(), spenders.end(),
                     [&](const std::string& a, const std::string& b) {
                         return out[a]["monetary"].get<double>() > out[b]["monetary"].get<double>();
                     });
    double ahead = 0;
    for (const auto& code : spenders) {
        const double s = ahead / all_monetary;
        out[code]["pareto_class"] = s < 0.80 ? "A" : s < 0.95 ? "B" : "C";
        ahead += out[code]["monetary"].get<double>();
    }
    return out;
}

std::vector<std::string> codes_of(const std::map<std::string, ordered_json>& customers) {
    std::vector<std::string> codes;
    for (const auto& [code, _] : customers) codes.push_back(code);
    return codes;
}

// The rule set of the classification test, and the segments it gives a customer with the
// features `f`, worked out here: lifecycle and value (first match), and tags (all matches).
const std::vector<std::string> kNewTerritories = {"Sha Tin",   "Tai Po",  "Yuen Long",
                                                  "Sai Kung",  "Islands", "Tuen Mun",
                                                  "Tsuen Wan", "North",   "Kwai Tsing"};

std::string classification_rules() {
    std::string districts;
    for (const auto& d : kNewTerritories) districts += (districts.empty() ? "'" : ", '") + d + "'";
    return "custclass: 1\nname: tryton-segments\nversion: \"1\"\nwindow_days: 365\n"
           "time_zone: Asia/Hong_Kong\nclassifications:\n"
           "  - id: lifecycle\n    segments:\n"
           "      - {id: active, when: frequency >= 1}\n"
           "      - {id: lapsed, when: orders_total >= 1}\n"
           "      - {id: lead, when: is_prospect}\n"
           "  - id: value\n    segments:\n"
           "      - {id: top, when: \"pareto_class == 'A'\"}\n"
           "      - {id: tail, when: monetary > 0}\n"
           "  - id: tags\n    mode: all_matches\n    segments:\n"
           "      - {id: reachable, when: marketing_consent and not opted_out}\n"
           "      - {id: opted_out, when: opted_out}\n"
           "      - {id: gifts, when: \"top_category == 'gifts'\"}\n"
           "      - {id: tea_club, when: \"'tea club' in interests\"}\n"
           "      - {id: referrer, when: referrals >= 1}\n"
           "      - {id: returner, when: returns_rate > 0}\n"
           "      - {id: new_territories, when: \"district in [" +
           districts + "]\"}\n";
}

struct Segments {
    ordered_json lifecycle, value;
    std::vector<std::string> tags;
};

Segments expected_segments(const ordered_json& f) {
    auto is = [&](const char* name) { return f[name].is_boolean() && f[name].get<bool>(); };
    auto number = [&](const char* name) {
        return f[name].is_null() ? std::nan("") : f[name].get<double>();
    };
    Segments s;
    s.lifecycle = number("frequency") >= 1      ? ordered_json("active")
                  : number("orders_total") >= 1 ? ordered_json("lapsed")
                  : is("is_prospect")           ? ordered_json("lead")
                                                : ordered_json();
    s.value = f["pareto_class"] == "A" ? ordered_json("top")
              : number("monetary") > 0 ? ordered_json("tail")
                                       : ordered_json();
    const auto& interests = f["interests"];
    const auto& district = f["district"];
    const std::vector<std::pair<const char*, bool>> tags = {
        {"reachable", is("marketing_consent") && !is("opted_out")},
        {"opted_out", is("opted_out")},
        {"gifts", f["top_category"] == "gifts"},
        {"tea_club", interests.is_array() && std::find(interests.begin(), interests.end(),
                                                       "tea club") != interests.end()},
        {"referrer", number("referrals") >= 1},
        {"returner", number("returns_rate") > 0},
        {"new_territories",
         district.is_string() && std::count(kNewTerritories.begin(), kNewTerritories.end(),
                                            district.get<std::string>()) > 0}};
    for (const auto& [tag, holds] : tags)
        if (holds) s.tags.push_back(tag);
    return s;
}

TEST(TrytonPreset, EveryFeatureOfEveryPartyAsFillPyCreatedIt) {
    for (const TrytonRecord* db : both_databases()) {
        SCOPED_TRACE(db->name);
        const auto& rec = db->json;
        TempDir dir;
        const FeatureDump dump =
            dump_features(config(dir, db->connection), rec["as_of"].get<std::string>(), features(),
                          CUSTCLASS_DATA_DIR);
        const auto expected = expected_features(rec);
        // Not the company's party, not the inactive party.
        EXPECT_EQ(ids_of(dump), codes_of(expected));
        for (const auto& [id, f] : expected) expect_features(dump, id, f);
        // Nothing read was left unused: the company's and the inactive party's sales are not
        // read, and every phone, in the form Tryton stored it, was read as a number.
        EXPECT_TRUE(dump.data_quality.empty() ||
                    std::all_of(dump.data_quality.begin(), dump.data_quality.end(),
                                [](const auto& q) { return q.second == 0; }))
            << ordered_json(dump.data_quality).dump();
    }
}

// The record has what the test relies on: every sale state, a return, a lead, referrals from
// both sides, subscriptions in both states.
TEST(TrytonPreset, TheRecordCoversEveryStateAndFlag) {
    const auto& rec = tryton().json;
    std::set<std::string> states;
    bool returned = false;
    for (const auto& s : rec["sales"]) {
        states.insert(s["state"].get<std::string>());
        returned = returned || std::stod(s["total"].get<std::string>()) < 0;
    }
    EXPECT_EQ(states, (std::set<std::string>{"draft", "quotation", "confirmed", "processing",
                                             "done", "cancelled"}));
    EXPECT_TRUE(returned);
    std::set<std::string> relation_types, opportunity_states;
    for (const auto& r : rec["relations"]) relation_types.insert(r["type"].get<std::string>());
    for (const auto& o : rec["opportunities"])
        opportunity_states.insert(o["state"].get<std::string>());
    EXPECT_TRUE(relation_types.count(kReferral) && relation_types.count(kReferralReverse));
    EXPECT_TRUE(opportunity_states.count("lead") && opportunity_states.count("lost"));
    EXPECT_TRUE(std::any_of(rec["opportunities"].begin(), rec["opportunities"].end(),
                            [](const auto& o) { return o["party"].is_null(); }));
    // A party whose first phone by sequence is not the one entered first.
    EXPECT_TRUE(std::any_of(rec["parties"].begin(), rec["parties"].end(), [](const auto& p) {
        return p["phones"].size() > 1 &&
               first_phone(p) != e164(p["phones"][0]["value"].template get<std::string>());
    }));
}

// The phones are stored as Tryton stores them: in international format with python3-phonenumbers,
// which validated them against the parties' Hong Kong addresses (Tryton's own E.164 of each,
// `value_compact`, is the one this test expects), and as typed in the copy without it. Phones are
// typed in both forms, so each form is stored in the copy on any machine.
TEST(TrytonPreset, ThePhonesAreStoredAsTrytonStoresThem) {
    const auto& rec = tryton().json;
    const auto& typed = tryton_as_typed().json;
    EXPECT_FALSE(typed["phonenumbers"].get<bool>());
    ASSERT_EQ(rec["parties"].size(), typed["parties"].size());
    bool national = false, with_country_code = false, reformatted = false;
    for (std::size_t i = 0; i < rec["parties"].size(); ++i) {
        const auto& p = rec["parties"][i];
        const auto& q = typed["parties"][i];
        // The copy was filled the same way: the same parties under the same codes.
        EXPECT_EQ(p["code"], q["code"]);
        ASSERT_EQ(p["phones"].size(), q["phones"].size()) << p["code"];
        for (std::size_t j = 0; j < p["phones"].size(); ++j) {
            const auto& phone = p["phones"][j];
            const std::string value = phone["value"].get<std::string>();
            const std::string as_typed = q["phones"][j]["value"].get<std::string>();
            SCOPED_TRACE(p["code"].get<std::string>() + " " + value);
            EXPECT_EQ(as_typed, q["phones"][j]["typed"]);
            national = national || !international(as_typed);
            with_country_code = with_country_code || international(as_typed);
            EXPECT_EQ(e164(value), e164(as_typed));
            if (rec["phonenumbers"].get<bool>()) {
                EXPECT_TRUE(value.starts_with("+852 ")) << "as phonenumbers formats it";
                EXPECT_EQ(e164(value), phone["compact"]);
                reformatted = reformatted || value != phone["typed"];
            } else {
                EXPECT_EQ(value, phone["typed"]);
            }
        }
    }
    EXPECT_TRUE(national && with_country_code);
    if (rec["phonenumbers"].get<bool>()) {
        EXPECT_TRUE(reformatted);
    }
}

// A full run with a rule set of the test's own, its results stored in the Tryton database
// (`store: same`), and each customer's segments as the engine explains them.
TEST(TrytonPreset, ARunClassifiesEveryCustomerAsItsFeaturesSay) {
    const auto& rec = tryton().json;
    TempDir dir;
    const std::string path = config(dir, tryton().connection, {}, classification_rules());
    // A production run: the shipped policy with the rule set's version approved (PRIVACY.md
    // check 13; the rule set reads no sensitive field).
    std::ifstream shipped(std::string(CUSTCLASS_DATA_DIR) + "/privacy/pdpo.yaml");
    std::stringstream policy_text;
    policy_text << shipped.rdbuf();
    std::string policy = policy_text.str();
    policy.replace(policy.find("approvals: []"), 13,
                   "approvals:\n  - {scope: rule_set, subject: \"tryton-segments 1\", who: dpo, "
                   "when: \"2026-11-01\", why: the test's segments}");
    write_text(dir.path() / "policy.yaml", policy);
    std::ofstream(path, std::ios::app) << "privacy: policy.yaml\n";
    auto engine = custclass::plugin::Engine::open_file(path, CUSTCLASS_DATA_DIR);
    custclass::plugin::RunRequest request;
    request.as_of = *custclass::config::parse_day(rec["as_of"].get<std::string>());
    const ordered_json summary = engine->run(request);

    const auto expected = expected_features(rec);
    EXPECT_EQ(summary["customers"], expected.size());
    std::map<std::string, std::map<std::string, int>> counts;  // classification -> segment
    for (const auto& [code, f] : expected) {
        SCOPED_TRACE("customer " + code);
        const Segments want = expected_segments(f);
        const ordered_json got = engine->classify(code, request)["classifications"];
        EXPECT_EQ(got["lifecycle"]["segment"], want.lifecycle);
        EXPECT_EQ(got["value"]["segment"], want.value);
        std::vector<std::string> tags;
        for (const auto& m : got["tags"]["matched"])
            tags.push_back(m["segment"].get<std::string>());
        EXPECT_EQ(tags, want.tags);
        ++counts["lifecycle"][want.lifecycle.is_null() ? "" : want.lifecycle.get<std::string>()];
        ++counts["value"][want.value.is_null() ? "" : want.value.get<std::string>()];
        for (const auto& t : want.tags) ++counts["tags"][t];
    }
    for (const auto& [classification, segments] : summary["classifications"].items())
        for (const auto& [segment, count] : segments["segments"].items())
            EXPECT_EQ(count, counts[classification][segment]) << classification << "." << segment;
    EXPECT_EQ(summary["classifications"]["lifecycle"]["unclassified"], counts["lifecycle"][""]);
    EXPECT_EQ(summary["classifications"]["value"]["unclassified"], counts["value"][""]);
    // The record reaches every segment, and leaves some customers out of each classification.
    for (const char* segment : {"active", "lapsed", "lead"})
        EXPECT_GE(counts["lifecycle"][segment], 1) << segment;
    for (const char* segment : {"top", "tail", ""})
        EXPECT_GE(counts["value"][segment], 1) << segment;
    EXPECT_EQ(counts["tags"].size(), 7u);
}

// An administrator's own opt-out query (phones) replaces the preset's for that table only: the
// preset's customers query still gives each party its first phone, phone or mobile, by sequence.
TEST(TrytonPreset, AnOptOutQueryOfTheAdminMatchesThePartiesFirstPhones) {
    for (const TrytonRecord* db : both_databases()) {
        SCOPED_TRACE(db->name);
        const auto& rec = db->json;
        // Opted out: the phone each party was given first, written as E.164.
        std::set<std::string> listed;
        std::string query;
        for (const auto& p : rec["parties"]) {
            if (p["phones"].empty()) continue;
            const std::string phone = e164(p["phones"][0]["value"].get<std::string>());
            listed.insert(phone);
            query += (query.empty() ? "      SELECT '" : "      UNION ALL SELECT '") + phone +
                     "' AS phone\n";
        }
        ASSERT_FALSE(listed.empty());
        TempDir dir;
        const FeatureDump dump =
            dump_features(config(dir, db->connection, "  queries:\n    opt_outs: |\n" + query),
                          rec["as_of"].get<std::string>(), {"opted_out"}, CUSTCLASS_DATA_DIR);
        const auto expected = expected_features(rec);
        EXPECT_EQ(ids_of(dump), codes_of(expected));
        int opted_out = 0;
        for (const auto& p : rec["parties"]) {
            const std::string code = p["code"].get<std::string>();
            if (!expected.count(code)) continue;
            const bool want = listed.count(first_phone(p)) > 0;
            opted_out += want;
            expect_features(dump, code, {{"opted_out", want}});
        }
        EXPECT_GE(opted_out, 1);
    }
}

// A phone opt-out matches the party whose first phone is the same number written the other way:
// "9123 4567" opts out a party whose phone Tryton stored as "+852 9123 4567", and the reverse
// (a list kept before python3-phonenumbers was installed, or typed by hand). The same digits
// under another country code (Macau, 853) are another number and opt out no one.
TEST(TrytonPreset, APhoneOptOutMatchesTheNumberStoredInTheOtherForm) {
    int national_listed = 0, international_listed = 0;
    for (const TrytonRecord* db : both_databases()) {
        SCOPED_TRACE(db->name);
        const auto& rec = db->json;
        const auto expected = expected_features(rec);
        for (const bool same_country : {true, false}) {
            const std::string country = same_country ? "852" : "853";
            SCOPED_TRACE("opt-outs with country code " + country);
            std::string query;
            for (const auto& p : rec["parties"]) {
                const std::string stored = first_phone_stored(p);
                if (stored.empty()) continue;
                const std::string listed = other_form(stored, country);
                if (same_country && expected.count(p["code"].get<std::string>())) {
                    ASSERT_NE(international(listed), international(stored)) << listed;
                    ++(international(listed) ? international_listed : national_listed);
                }
                query += (query.empty() ? "      SELECT '" : "      UNION ALL SELECT '") + listed +
                         "' AS phone\n";
            }
            ASSERT_FALSE(query.empty());
            TempDir dir;
            const FeatureDump dump =
                dump_features(config(dir, db->connection, "  queries:\n    opt_outs: |\n" + query),
                              rec["as_of"].get<std::string>(), {"opted_out"}, CUSTCLASS_DATA_DIR);
            EXPECT_EQ(ids_of(dump), codes_of(expected));
            for (const auto& p : rec["parties"]) {
                const std::string code = p["code"].get<std::string>();
                if (!expected.count(code)) continue;
                const bool phone = !first_phone_stored(p).empty();
                expect_features(dump, code, {{"opted_out", phone && same_country}});
            }
        }
    }
    // Both ways: a national opt-out for a phone stored with +852, and the reverse.
    EXPECT_GE(national_listed, 1);
    EXPECT_GE(international_listed, 1);
}

// Settings change what counts: only `done` sales, or also quotations (which have no
// total_amount_cache: Tryton stores it when a sale is confirmed, so their amount is the sum of
// their lines), and leads only in state `lead`.
TEST(TrytonPreset, PurchaseAndLeadStatesAreSettings) {
    const auto& rec = tryton().json;
    const long as_of = day_number(rec["as_of"].get<std::string>());
    for (const std::set<std::string>& states :
         {std::set<std::string>{"done"},
          std::set<std::string>{"quotation", "confirmed", "processing", "done"}}) {
        std::string list;
        for (const auto& state : states) list += (list.empty() ? "" : ", ") + state;
        SCOPED_TRACE("purchase_states: [" + list + "]");
        TempDir dir;
        const std::string path =
            config(dir, tryton().connection,
                   "  settings:\n    purchase_states: [" + list + "]\n    lead_states: [lead]\n");
        const FeatureDump dump = dump_features(
            path, rec["as_of"].get<std::string>(),
            {"frequency", "orders_total", "monetary", "is_prospect"}, CUSTCLASS_DATA_DIR);
        EXPECT_EQ(ids_of(dump), codes_of(expected_features(rec)));
        for (const auto& [code, f] : dump.customers) {
            int frequency = 0, ever = 0;
            double monetary = 0;
            for (const auto& s : rec["sales"]) {
                if (s["party"] != code || !states.count(s["state"].get<std::string>())) continue;
                const long day = day_number(s["sale_date"].get<std::string>());
                const double total = std::stod(s["total"].get<std::string>());
                if (day > as_of) continue;
                const bool in_window = day > as_of - kWindowDays;
                if (in_window) monetary += total;
                if (total <= 0) continue;
                ++ever;
                frequency += in_window;
            }
            bool lead = false;
            for (const auto& o : rec["opportunities"])
                lead = lead || (o["party"] == code && o["state"] == "lead");
            EXPECT_EQ(f["frequency"], frequency) << code;
            EXPECT_EQ(f["orders_total"], ever) << code;
            EXPECT_DOUBLE_EQ(f["monetary"].get<double>(), monetary) << code;
            EXPECT_EQ(f["is_prospect"], lead || ever == 0) << code;
        }
    }
}

// A PostgreSQL database with part of Tryton's schema (no marketing module, an older sale table):
// the error names the preset, the canonical tables, what is missing and the version expected.
TEST(TrytonPreset, AMissingModuleIsNamed) {
    ScratchDatabase db(Backend::PostgreSQL, "tryton_missing");
    db.exec_script(
        "CREATE TABLE party_party (id INTEGER PRIMARY KEY, code VARCHAR, active BOOLEAN,\n"
        "  create_date TIMESTAMP, name VARCHAR);\n"
        "CREATE TABLE company_company (id INTEGER PRIMARY KEY, party INTEGER);\n"
        "CREATE TABLE sale_sale (id INTEGER PRIMARY KEY, party INTEGER, state VARCHAR,\n"
        "  sale_date DATE);\n");
    TempDir dir;
    try {
        dump_features(config(dir, db.connection()), "2026-11-30", {"frequency"},
                      CUSTCLASS_DATA_DIR);
        FAIL() << "read a database without Tryton's tables";
    } catch (const std::exception& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("preset `tryton` (Tryton 6.0)"), std::string::npos) << m;
        EXPECT_NE(m.find("the `customers` table"), std::string::npos) << m;
        EXPECT_NE(m.find("the table `marketing_email`"), std::string::npos) << m;
        EXPECT_NE(m.find("the `orders` table"), std::string::npos) << m;
        EXPECT_NE(m.find("the column `sale_sale.total_amount_cache`"), std::string::npos) << m;
        EXPECT_NE(m.find("the table `sale_line`"), std::string::npos) << m;
        EXPECT_NE(m.find("Is this a Tryton 6.0 database"), std::string::npos) << m;
    }
}

// ---------------------------------------------------------------------------------------------
// Potential customers (custclass_potential, ABI 1.3) with the shipped rule set hk-retail, whose
// `potential:` section names what each list needs, through the tryton preset. The preset maps
// customers, orders, order lines, referrals and opt-outs, and no `interactions`: no list reads a
// search, a newsletter opening or a sign-up, and keywords, sign-ups and unmet demand work from the
// parties' categories (interests) alone. Every expectation is worked out from fill.py's record
// with hk-retail's definitions (its segments, score and `potential:` settings, restated below),
// never read back from the engine. Each test makes its own full run as of the record's as_of,
// with its results in an SQLite store of its own (a fresh store: the referral rewards a run grants
// depend on the runs before it), under a copy of the shipped privacy policy that approves the
// rule set and the sensitive field it reads (birth_date, which the preset does not map), gives
// analytics lists customer ids instead of pseudonyms (so that they can be compared with fill.py's
// party codes) and sets k (small cells) to 1, so that lists of the few parties are not
// suppressed; the shipped k and pseudonyms are checked on their own.

using custclass::plugin::Purpose;

// hk-retail's `potential:` settings the expectations use.
constexpr double kReferralDecay = 0.5;
constexpr int kReferralDepth = 3;
const std::set<std::string> kLookalikeTargets = {"champions", "loyal"};  // of `value`
const std::vector<std::string> kCampaignKeywords = {"skincare", "sunscreen", "collagen",
                                                    "air purifier", "yoga", "pets"};
constexpr std::size_t kBestsellersTop = 10;
const std::vector<std::string> kValueSegments = {
    "champions", "cannot_lose",    "at_risk",        "loyal",       "potential_loyalists", "new",
    "promising", "need_attention", "about_to_sleep", "hibernating", "lost"};

// The text of a shipped file under config/.
std::string shipped(const std::string& path) {
    return read_text(std::filesystem::path(CUSTCLASS_DATA_DIR) / path);
}

void replace_once(std::string& text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    if (at == std::string::npos || text.find(from, at + 1) != std::string::npos)
        throw std::invalid_argument("expected `" + from + "` once in a shipped file");
    text.replace(at, from.size(), to);
}

struct PotentialSetup {
    int k = 1;                         // the policy's small_cell_k (shipped: 5)
    bool analytics_identity = true;    // analytics lists carry ids (shipped: pseudonyms)
    std::string rules_from, rules_to;  // one change to the shipped rule set, if any
};

// An engine on hk-retail over one of the Tryton databases, with a full run made.
struct PotentialRun {
    TempDir dir;  // first: the store in it outlives the engine
    std::unique_ptr<custclass::plugin::Engine> engine;
    custclass::plugin::RunRequest request;
    ordered_json summary;

    // One list of the latest run (or of run_id); limit 0: everybody.
    ordered_json list(const std::string& name, Purpose purpose = Purpose::Analytics,
                      std::uint64_t limit = 0, const std::string& run_id = {}) {
        custclass::plugin::PotentialRequest r;
        const auto which = custclass::plugin::potential_list(name);
        if (!which) throw std::invalid_argument("no list " + name);
        r.list = *which;
        r.purpose = purpose;
        r.limit = limit;
        r.run_id = run_id;
        r.actor = "tryton_test";
        return engine->potential(r);
    }
};

std::unique_ptr<PotentialRun> potential_run(const TrytonRecord& db,
                                            const PotentialSetup& setup = {}) {
    auto run = std::make_unique<PotentialRun>();
    std::string rules = shipped("rulesets/hk-retail.yaml");
    if (!setup.rules_from.empty()) replace_once(rules, setup.rules_from, setup.rules_to);
    std::smatch version;
    if (!std::regex_search(rules, version, std::regex("\nversion: \"([^\"]+)\"")))
        throw std::invalid_argument("hk-retail.yaml has no version");
    write_text(run->dir.path() / "hk-retail.yaml", rules);
    std::string policy = shipped("privacy/pdpo.yaml");
    replace_once(policy, "approvals: []",
                 "approvals:\n"
                 "  - {scope: rule_set, subject: \"hk-retail " + version[1].str() +
                     "\", who: dpo, when: \"2026-11-01\", why: the tryton preset's tests}\n"
                     "  - {scope: sensitive_attribute, subject: birth_date, who: dpo, "
                     "when: \"2026-11-01\", why: hk-retail's age bands}");
    replace_once(policy, "small_cell_k: 5 ", "small_cell_k: " + std::to_string(setup.k) + " ");
    if (setup.analytics_identity)
        replace_once(policy, "identity_purposes: [direct_marketing]",
                     "identity_purposes: [customer_analytics, direct_marketing]");
    write_text(run->dir.path() / "policy.yaml", policy);
    write_text(run->dir.path() / "custclass.yaml",
               "custclass: 1\nsource:\n  preset: tryton\n  connection: \"" + db.connection +
                   "\"\nstore: {connection: \"sqlite3://db=results.sqlite\"}\n"
                   "rules: hk-retail.yaml\nprivacy: policy.yaml\n");
    run->engine = custclass::plugin::Engine::open_file(
        (run->dir.path() / "custclass.yaml").string(), CUSTCLASS_DATA_DIR);
    run->request.as_of = *custclass::config::parse_day(db.json["as_of"].get<std::string>());
    run->request.actor = "tryton_test";
    run->summary = run->engine->run(run->request);
    return run;
}

double number_or_nan(const ordered_json& f, const char* name) {
    return f[name].is_null() ? std::nan("") : f[name].get<double>();
}

// hk-retail's segment of `value` (first match) for the features f. A comparison with null is
// false, as NaN's is.
ordered_json hk_value(const ordered_json& f) {
    const double r = number_or_nan(f, "r_score"), fr = number_or_nan(f, "f_score"),
                 m = number_or_nan(f, "m_score"), tenure = number_or_nan(f, "tenure_days");
    if (r >= 4 && fr >= 4 && m >= 4) return "champions";
    if (r <= 2 && fr >= 4 && m >= 4) return "cannot_lose";
    if (r <= 2 && fr >= 3) return "at_risk";
    if (r >= 3 && fr >= 4) return "loyal";
    if (r >= 4 && fr >= 2 && fr <= 3) return "potential_loyalists";
    if (r >= 4 && fr == 1 && tenure <= 90) return "new";
    if (r >= 4 && fr == 1) return "promising";
    if (r == 3 && fr >= 2) return "need_attention";
    if (r == 3) return "about_to_sleep";
    if (r == 2) return "hibernating";
    if (number_or_nan(f, "orders_total") >= 1 && (number_or_nan(f, "frequency") == 0 || r == 1))
        return "lost";
    return nullptr;
}

// hk-retail's segment of `lifecycle`.
ordered_json hk_lifecycle(const ordered_json& f) {
    const double recency = number_or_nan(f, "recency_days");
    if (number_or_nan(f, "orders_total") == 0) return "prospect";
    if (number_or_nan(f, "tenure_days") <= 90) return "new";
    if (recency <= 180) return "active";
    if (recency <= 365) return "lapsed";
    return "churned";
}

// hk-retail's tags of `demographic` (all matches): the region of the district (the preset maps
// no birth date, so no age band).
ordered_json hk_demographic(const ordered_json& f) {
    const std::map<std::string, std::set<std::string>> regions = {
        {"hong_kong_island", {"Central and Western", "Wan Chai", "Eastern", "Southern"}},
        {"kowloon", {"Yau Tsim Mong", "Sham Shui Po", "Kowloon City", "Wong Tai Sin", "Kwun Tong"}},
        {"new_territories",
         {"Kwai Tsing", "Tsuen Wan", "Tuen Mun", "Yuen Long", "North", "Tai Po", "Sha Tin",
          "Sai Kung", "Islands"}}};
    ordered_json tags = ordered_json::array();
    for (const char* tag : {"hong_kong_island", "kowloon", "new_territories"})
        if (f["district"].is_string() && regions.at(tag).count(f["district"].get<std::string>()))
            tags.push_back(tag);
    return tags;
}

// hk-retail's score `engagement`: which of its points hold, and the score. The preset maps no
// sales channel, so the channel point never holds.
struct Engagement {
    std::vector<bool> held;
    double score = 0;
    std::string tier;
};

Engagement hk_engagement(const ordered_json& f) {
    const double frequency = f["frequency"].get<double>();
    const double recency = number_or_nan(f, "recency_days");
    Engagement e;
    e.held = {frequency >= 3,
              frequency >= 6,
              recency <= 30,
              recency > 30 && recency <= 90,
              f["marketing_consent"].get<bool>(),
              !f["interests"].is_null(),
              false};
    const double add[] = {20, 15, 20, 10, 10, 5, 10};
    for (std::size_t i = 0; i < e.held.size(); ++i) e.score += e.held[i] ? add[i] : 0;
    e.tier = e.score >= 50 ? "hot" : e.score >= 25 ? "warm" : "cold";
    return e;
}

std::map<std::string, ordered_json> hk_value_segments(const std::map<std::string, ordered_json>& f) {
    std::map<std::string, ordered_json> out;
    for (const auto& [code, features] : f) out[code] = hk_value(features);
    return out;
}

// The run's `value` segments are those worked out here (so that the lists' expectations, which
// use them, start from the same segments as the engine).
void expect_value_counts(const ordered_json& summary,
                         const std::map<std::string, ordered_json>& segments) {
    std::map<std::string, int> counts;
    int unclassified = 0;
    for (const auto& [code, s] : segments) s.is_null() ? ++unclassified : ++counts[s.get<std::string>()];
    const auto& value = summary["classifications"]["value"];
    for (const auto& segment : kValueSegments)
        EXPECT_EQ(value["segments"][segment], counts[segment]) << "value." << segment;
    EXPECT_EQ(value["unclassified"], unclassified);
}

// A purchase in the run's window, as best-sellers and unmet demand read it: a sale of a customer
// in a purchase state with a positive total, dated in the window.
struct WindowPurchase {
    std::string party;
    long day = 0;
    std::string quarter;  // "q1" … "q4", hk-retail's seasons (none: calendar quarters)
    const ordered_json* lines = nullptr;
};

std::vector<WindowPurchase> window_purchases(const ordered_json& rec,
                                             const std::map<std::string, ordered_json>& customers) {
    const long as_of = day_number(rec["as_of"].get<std::string>());
    std::vector<WindowPurchase> out;
    for (const auto& s : rec["sales"]) {
        const std::string party = s["party"].get<std::string>();
        const long day = day_number(s["sale_date"].get<std::string>());
        if (!customers.count(party) || !kPurchaseStates.count(s["state"].get<std::string>()) ||
            std::stod(s["total"].get<std::string>()) <= 0 || day > as_of ||
            day <= as_of - kWindowDays)
            continue;
        const int month = std::stoi(s["sale_date"].get<std::string>().substr(5, 2));
        out.push_back({party, day, "q" + std::to_string((month - 1) / 3 + 1), &s["lines"]});
    }
    return out;
}

// The category the preset gives a line: the first, by name, of its product's categories,
// lower-cased as the lists show it; "" without one.
std::string line_category(const ordered_json& line) {
    std::vector<std::string> cats;
    for (const auto& c : line["categories"]) cats.push_back(c.get<std::string>());
    std::sort(cats.begin(), cats.end());
    return cats.empty() ? std::string() : lower(cats.front());
}

// Whether the words of `part` (lower case, single spaces) are a run of whole words of `whole`.
bool word_run(const std::string& part, const std::string& whole) {
    if (part.empty()) return false;
    const std::string padded = " " + whole + " ";
    return padded.find(" " + part + " ") != std::string::npos;
}

std::vector<std::string> interests_of(const ordered_json& f) {
    std::vector<std::string> out;
    if (f["interests"].is_array())
        for (const auto& i : f["interests"]) out.push_back(i.get<std::string>());
    return out;
}

// The referrals as the preset reads them (the referee's "Referred by" relation to the referrer,
// or the referrer's "Referrer of" relation to the referee) between customers, each pair once.
std::set<std::pair<std::string, std::string>> referral_pairs(
    const ordered_json& rec, const std::map<std::string, ordered_json>& customers) {
    std::set<std::pair<std::string, std::string>> pairs;  // (referrer, referee)
    for (const auto& r : rec["relations"]) {
        const std::string type = r["type"].get<std::string>();
        const std::string from = r["from"].get<std::string>(), to = r["to"].get<std::string>();
        std::pair<std::string, std::string> pair;
        if (type == kReferral)
            pair = {to, from};
        else if (type == kReferralReverse)
            pair = {from, to};
        else
            continue;
        if (customers.count(pair.first) && customers.count(pair.second) && pair.first != pair.second)
            pairs.insert(pair);
    }
    return pairs;
}

// The first purchase of a party (a sale in a purchase state with a positive total, on or before
// as_of), "YYYY-MM-DD", or "" when it has none.
std::string first_purchase(const ordered_json& rec, const std::string& party) {
    std::string first;
    for (const auto& s : rec["sales"]) {
        const std::string date = s["sale_date"].get<std::string>();
        if (s["party"] == party && kPurchaseStates.count(s["state"].get<std::string>()) &&
            std::stod(s["total"].get<std::string>()) > 0 && date <= rec["as_of"].get<std::string>() &&
            (first.empty() || date < first))
            first = date;
    }
    return first;
}

// The shipped rule set's `potential:` section is what the expectations above restate.
TEST(TrytonPotential, TheShippedRuleSetHasThePotentialSettingsTheTestsRestate) {
    const std::string rules = shipped("rulesets/hk-retail.yaml");
    for (const char* line :
         {"  classification: value ", "    targets: [value.champions, value.loyal]\n",
          "  referrals: {decay: 0.5, depth: 3}\n", "  bestsellers: {top: 10} ",
          "  keywords: [skincare, sunscreen, collagen, air purifier, yoga, pets]\n",
          "  signup_sources: [website, social]\n", "    tiers: {hot: 50, warm: 25}\n"})
        EXPECT_NE(rules.find(line), std::string::npos) << line;
    EXPECT_EQ(rules.find("\n  seasons:"), std::string::npos) << "best-sellers by calendar quarter";
}

// The 80/20 focus: the A list is the parties with the largest net sales in the window, in that
// order, until 80% of the revenue; direct marketing keeps those of them with consent.
TEST(TrytonPotential, TheFocusListIsThePartiesWithTheLargestSalesInOrder) {
    const auto& rec = tryton().json;
    auto run = potential_run(tryton());
    const auto expected = expected_features(rec);
    expect_value_counts(run->summary, hk_value_segments(expected));

    // The customers with revenue, by monetary descending then code; the revenue in cents.
    std::vector<std::pair<std::string, long>> spenders;
    for (const auto& [code, f] : expected)
        if (f["monetary"].get<double>() > 0)
            spenders.push_back({code, std::lround(f["monetary"].get<double>() * 100)});
    std::stable_sort(spenders.begin(), spenders.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    long total = 0;
    for (const auto& [_, cents] : spenders) total += cents;
    const std::size_t n = spenders.size();
    ASSERT_GE(n, 3u) << "fill.py's record has too few customers with revenue";

    const ordered_json doc = run->list("focus");
    EXPECT_EQ(doc["list"], "focus");
    EXPECT_EQ(doc["run_id"], run->summary["run_id"]);
    EXPECT_EQ(doc["as_of"], rec["as_of"]);
    EXPECT_EQ(doc["ruleset"]["name"], "hk-retail");
    EXPECT_EQ(doc["purpose"], "customer_analytics");
    EXPECT_EQ(doc["identifiers"], "customer_ids");
    EXPECT_EQ(doc["customers_with_revenue"], n);
    EXPECT_NEAR(doc["revenue"].get<double>(), total / 100.0, 1e-9);
    std::vector<long> ahead = {0};
    for (const auto& [_, cents] : spenders) ahead.push_back(ahead.back() + cents);
    std::size_t k80 = 0;
    while (k80 < n && 100 * ahead[k80] < 80 * total) ++k80;
    EXPECT_NEAR(doc["customer_share_for_80_percent"].get<double>(), double(k80) / n, 1e-6);
    ASSERT_EQ(doc["curve"].size(), 21u);
    for (std::size_t step = 0; step <= 20; ++step) {
        const std::size_t k = (step * n + 19) / 20;
        EXPECT_NEAR(doc["curve"][step]["customer_share"].get<double>(), double(k) / n, 1e-6) << step;
        EXPECT_NEAR(doc["curve"][step]["revenue_share"].get<double>(), double(ahead[k]) / total, 1e-6)
            << step;
    }

    // The A list, and the classes as the run's pareto_class gives them.
    std::map<std::string, std::pair<int, long>> classes;  // class -> customers, cents
    std::vector<std::pair<std::string, long>> a_list;
    for (const auto& [code, cents] : spenders) {
        const std::string cls = expected.at(code)["pareto_class"].get<std::string>();
        ++classes[cls].first;
        classes[cls].second += cents;
        if (cls == "A") a_list.push_back({code, cents});
    }
    for (const char* cls : {"A", "B", "C"}) {
        EXPECT_EQ(doc["classes"][cls]["customers"], classes[cls].first) << cls;
        EXPECT_NEAR(doc["classes"][cls]["revenue"].get<double>(), classes[cls].second / 100.0, 1e-9)
            << cls;
    }
    ASSERT_GE(a_list.size(), 2u);
    EXPECT_LT(a_list.size(), n) << "some customers with revenue are not in the A list";
    EXPECT_EQ(doc["total"], a_list.size());
    ASSERT_EQ(doc["customers"].size(), a_list.size());
    for (std::size_t i = 0; i < a_list.size(); ++i) {
        const auto& row = doc["customers"][i];
        const auto& f = expected.at(a_list[i].first);
        SCOPED_TRACE("A list row " + std::to_string(i));
        EXPECT_EQ(row["customer_id"], a_list[i].first);
        EXPECT_NEAR(row["monetary"].get<double>(), a_list[i].second / 100.0, 1e-9);
        EXPECT_NEAR(row["revenue_share"].get<double>(), double(a_list[i].second) / total, 1e-6);
        EXPECT_EQ(row["segments"]["value"], hk_value(f));
        EXPECT_EQ(row["segments"]["lifecycle"], hk_lifecycle(f));
        EXPECT_EQ(row["segments"]["demographic"], hk_demographic(f));
    }

    // A limit shortens the list, not the count.
    const ordered_json two = run->list("focus", Purpose::Analytics, 2);
    EXPECT_EQ(two["total"], a_list.size());
    EXPECT_EQ(two["limit"], 2);
    ASSERT_EQ(two["customers"].size(), 2u);
    EXPECT_EQ(two["customers"][0], doc["customers"][0]);
    EXPECT_EQ(two["customers"][1], doc["customers"][1]);

    // For direct marketing: the A customers with consent and no opt-out, the others counted.
    const ordered_json marketing = run->list("focus", Purpose::DirectMarketing);
    EXPECT_EQ(marketing["purpose"], "direct_marketing");
    std::vector<std::string> reachable;
    int no_consent = 0, opted_out = 0;
    for (const auto& [code, _] : a_list) {
        const auto& f = expected.at(code);
        if (f["opted_out"].get<bool>())
            ++opted_out;
        else if (!f["marketing_consent"].get<bool>())
            ++no_consent;
        else
            reachable.push_back(code);
    }
    EXPECT_GE(no_consent, 1) << "the record has an A customer without consent";
    EXPECT_GE(reachable.size(), 1u);
    EXPECT_EQ(marketing["excluded"]["no_consent"], no_consent);
    EXPECT_EQ(marketing["excluded"]["opted_out"], opted_out);
    EXPECT_EQ(marketing["total"], reachable.size());
    std::vector<std::string> listed;
    for (const auto& row : marketing["customers"]) listed.push_back(row["customer_id"]);
    EXPECT_EQ(listed, reachable);
}

// Leads: every customer (prospects too) by hk-retail's engagement score, point by point.
TEST(TrytonPotential, LeadsAreEveryPartyByItsEngagementPointByPoint) {
    const auto& rec = tryton().json;
    auto run = potential_run(tryton());
    const auto expected = expected_features(rec);
    std::vector<std::pair<std::string, Engagement>> ranked;
    std::map<std::string, int> tiers;
    for (const auto& [code, f] : expected) {
        ranked.push_back({code, hk_engagement(f)});
        ++tiers[ranked.back().second.tier];
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
        return a.second.score > b.second.score;  // then code: the map's order
    });
    EXPECT_GE(tiers.size(), 3u) << "the record reaches every tier";

    const ordered_json doc = run->list("leads");
    EXPECT_EQ(doc["score"]["id"], "engagement");
    EXPECT_EQ(doc["tiers"], ordered_json(tiers));
    EXPECT_EQ(doc["total"], expected.size());
    ASSERT_EQ(doc["customers"].size(), ranked.size());
    for (std::size_t i = 0; i < ranked.size(); ++i) {
        const auto& row = doc["customers"][i];
        const auto& [code, e] = ranked[i];
        SCOPED_TRACE("row " + std::to_string(i) + ", party " + code);
        EXPECT_EQ(row["customer_id"], code);
        EXPECT_EQ(row["score"].get<double>(), e.score);
        EXPECT_EQ(row["tier"], e.tier);
        EXPECT_EQ(row["is_prospect"], expected.at(code)["is_prospect"]);
        ASSERT_EQ(row["points"].size(), e.held.size());
        double sum = 0;
        for (std::size_t p = 0; p < e.held.size(); ++p) {
            EXPECT_EQ(row["points"][p]["held"], e.held[p]) << row["points"][p]["when"];
            sum += row["points"][p]["points"].get<double>();
        }
        EXPECT_EQ(sum, e.score);
    }
}

// Look-alike: the prospects ranked by the naive-Bayes fit (lookalike_model.h) to the customers of
// hk-retail's targets (value.champions, value.loyal) by district and interests; the preset maps
// no birth date (age band) and no lead source, so those attributes add nothing.
TEST(TrytonPotential, LookalikeRanksTheProspectsByTheirFitToTheTargets) {
    const auto& rec = tryton().json;
    auto run = potential_run(tryton());
    const auto expected = expected_features(rec);
    const auto segments = hk_value_segments(expected);
    const double alpha = 1;  // hk-retail's smoothing

    // Training: the customers who are not prospects.
    std::uint64_t n[2] = {0, 0}, with_district[2] = {0, 0}, with_interests[2] = {0, 0};
    std::map<std::string, std::array<std::uint64_t, 2>> district_count, keyword_count;
    std::vector<std::string> prospects;
    for (const auto& [code, f] : expected) {
        if (f["is_prospect"].get<bool>()) {
            prospects.push_back(code);
            continue;
        }
        const int c = segments.at(code).is_string() &&
                      kLookalikeTargets.count(segments.at(code).get<std::string>());
        ++n[c];
        if (f["district"].is_string()) {
            ++with_district[c];
            ++district_count[f["district"].get<std::string>()][c];
        }
        if (f["interests"].is_array()) {
            ++with_interests[c];
            for (const auto& i : interests_of(f)) ++keyword_count[i][c];
        }
    }
    ASSERT_GE(n[1], 1u) << "the record has a customer of a target segment";
    const double k_district = double(district_count.size() + 1);
    auto district_weight = [&](const std::string& d) {
        const auto it = district_count.find(d);
        const double t = it == district_count.end() ? 0 : double(it->second[1]);
        const double o = it == district_count.end() ? 0 : double(it->second[0]);
        return std::log((t + alpha) / (double(with_district[1]) + alpha * k_district)) -
               std::log((o + alpha) / (double(with_district[0]) + alpha * k_district));
    };
    auto keyword_weight = [&](const std::string& w, bool present) {
        const auto& cnt = keyword_count.at(w);
        const double m1 = double(with_interests[1]), m0 = double(with_interests[0]);
        const double p1 = present ? cnt[1] + alpha : m1 - cnt[1] + alpha;
        const double p0 = present ? cnt[0] + alpha : m0 - cnt[0] + alpha;
        return std::log(p1 / (m1 + 2 * alpha)) - std::log(p0 / (m0 + 2 * alpha));
    };
    struct Fit {
        std::string code;
        double probability;
        std::string top;  // the district when it speaks for the target most, else ""
    };
    std::vector<Fit> fits;
    for (const auto& code : prospects) {
        const auto& f = expected.at(code);
        double log_odds = std::log(double(n[1]) / double(n[0]));
        double district = 0;
        if (f["district"].is_string()) log_odds += district = district_weight(f["district"]);
        double best_keyword = 0;
        if (f["interests"].is_array()) {
            const auto mine = interests_of(f);
            double absent = 0;
            for (const auto& [w, _] : keyword_count) {
                const bool present = std::count(mine.begin(), mine.end(), w) > 0;
                const double weight = keyword_weight(w, present);
                log_odds += weight;
                if (present)
                    best_keyword = std::max(best_keyword, std::abs(weight));
                else
                    absent += weight;
            }
            best_keyword = std::max(best_keyword, std::abs(absent));
        }
        fits.push_back({code, 1 / (1 + std::exp(-log_odds)),
                        district > 0 && district >= best_keyword ? f["district"].get<std::string>()
                                                                 : std::string()});
    }
    std::stable_sort(fits.begin(), fits.end(), [](const Fit& a, const Fit& b) {
        return std::round(a.probability * 1e9) > std::round(b.probability * 1e9);
    });

    const ordered_json doc = run->list("lookalike");
    EXPECT_EQ(doc["model"]["targets"], ordered_json({"value.champions", "value.loyal"}));
    EXPECT_EQ(doc["model"]["examples"], n[0] + n[1]);
    EXPECT_EQ(doc["model"]["target_examples"], n[1]);
    EXPECT_NEAR(doc["model"]["prior"].get<double>(), double(n[1]) / double(n[0] + n[1]), 1e-6);
    EXPECT_EQ(doc["prospects"], prospects.size());
    EXPECT_EQ(doc["total"], prospects.size());
    ASSERT_EQ(doc["customers"].size(), fits.size());
    for (std::size_t i = 0; i < fits.size(); ++i) {
        const auto& row = doc["customers"][i];
        SCOPED_TRACE("row " + std::to_string(i) + ", party " + fits[i].code);
        EXPECT_EQ(row["customer_id"], fits[i].code);
        EXPECT_NEAR(row["probability"].get<double>(), fits[i].probability, 1e-6);
        if (!fits[i].top.empty()) {
            ASSERT_FALSE(row["top_attributes"].empty());
            EXPECT_EQ(row["top_attributes"][0]["attribute"], "district");
            EXPECT_EQ(row["top_attributes"][0]["value"], fits[i].top);
        }
        for (const auto& a : row["top_attributes"]) EXPECT_GT(a["weight"].get<double>(), 0);
    }
    // The first prospect shares the target's district (fill.py put one there).
    ASSERT_FALSE(fits.empty());
    EXPECT_FALSE(fits.front().top.empty());
    // The strongest evidence: a value of the target customers.
    ASSERT_FALSE(doc["model"]["top_evidence"].empty());
    EXPECT_GE(doc["model"]["top_evidence"][0]["targets"].get<int>(), 1);
}

// With no customer in the look-alike targets (here hk-retail with value.loyal alone, which no
// party of the record reaches), the list is refused with NotFound, saying why.
TEST(TrytonPotential, LookalikeWithoutATargetCustomerIsRefused) {
    const auto& rec = tryton().json;
    const auto expected = expected_features(rec);
    std::size_t training = 0;
    for (const auto& [code, f] : expected) {
        training += !f["is_prospect"].get<bool>();
        ASSERT_NE(hk_value(f), "loyal") << code;
    }
    PotentialSetup setup;
    setup.rules_from = "targets: [value.champions, value.loyal]";
    setup.rules_to = "targets: [value.loyal]";
    auto run = potential_run(tryton(), setup);
    try {
        run->list("lookalike");
        FAIL() << "a look-alike list without a target customer";
    } catch (const custclass::plugin::NotFound& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("the look-alike model cannot be trained on this run"), std::string::npos) << m;
        EXPECT_NE(m.find("none of the " + std::to_string(training) +
                         " training examples is a target"),
                  std::string::npos)
            << m;
    }
}

// Referral rewards: the run rewards the referrals whose referee made a first purchase on or after
// the day of the referral (fill.py made every relation on as_of); a referee is rewarded once, by
// the first run that sees it. Key persons: who reaches the most revenue through referrals.
TEST(TrytonPotential, ReferralRewardsAndKeyPersonsFollowThePartyRelations) {
    const auto& rec = tryton().json;
    const std::string as_of = rec["as_of"].get<std::string>();
    auto run = potential_run(tryton());
    const auto expected = expected_features(rec);
    const auto pairs = referral_pairs(rec, expected);

    // Rewards: per referee its successful referral with the smallest referrer code (all on as_of).
    std::map<std::string, std::string> credited;  // referee -> referrer
    int pending = 0, already = 0, successful_pairs = 0;
    for (const auto& [referrer, referee] : pairs) {
        const std::string first = first_purchase(rec, referee);
        if (first.empty()) {
            ++pending;
        } else if (first < as_of) {
            ++already;
        } else {
            ++successful_pairs;
            auto [it, fresh] = credited.try_emplace(referee, referrer);
            if (!fresh && referrer < it->second) it->second = referrer;
        }
    }
    ASSERT_GE(credited.size(), 1u) << "fill.py made a successful referral";
    EXPECT_GE(pending, 1);
    EXPECT_GE(already, 1);
    const auto& counts = run->summary["referrals"];
    EXPECT_EQ(counts["successful"], credited.size());
    EXPECT_EQ(counts["pending"], pending);
    EXPECT_EQ(counts["ignored"]["already_customer"], already);
    EXPECT_EQ(counts["ignored"]["not_first_referral"], successful_pairs - int(credited.size()));
    EXPECT_EQ(counts["rewards_granted"], credited.size());

    const ordered_json rewards = run->list("referral-rewards");
    EXPECT_EQ(rewards["granted_by_run"], credited.size());
    EXPECT_EQ(rewards["total"], credited.size());
    // By first purchase (all on as_of here), then referee.
    ASSERT_EQ(rewards["customers"].size(), credited.size());
    std::size_t i = 0;
    for (const auto& [referee, referrer] : credited) {
        const auto& row = rewards["customers"][i++];
        EXPECT_EQ(row["referee_id"], referee);
        EXPECT_EQ(row["referrer_id"], referrer);
        EXPECT_EQ(row["referred_on"], as_of);
        EXPECT_EQ(row["first_purchase"], first_purchase(rec, referee));
        EXPECT_TRUE(row["rewarded_at"].is_string() && !row["rewarded_at"].get<std::string>().empty());
    }

    // A second run rewards nobody again; the first run's list stays as it was.
    const ordered_json second = run->engine->run(run->request);
    EXPECT_EQ(second["referrals"]["successful"], credited.size());
    EXPECT_EQ(second["referrals"]["rewards_granted"], 0);
    const ordered_json none = run->list("referral-rewards");
    EXPECT_EQ(none["run_id"], second["run_id"]);
    EXPECT_EQ(none["granted_by_run"], 0);
    EXPECT_TRUE(none["customers"].empty());
    EXPECT_EQ(run->list("referral-rewards", Purpose::Analytics, 0,
                        run->summary["run_id"].get<std::string>())["customers"],
              rewards["customers"]);

    // Key persons: breadth-first over the referrals, hk-retail's decay and depth; a level's
    // revenue is the net sales in the window of the people in it who ever bought.
    std::map<std::string, std::set<std::string>> referred;
    for (const auto& [referrer, referee] : pairs) referred[referrer].insert(referee);
    struct Key {
        std::string code;
        double influence = 0;
        std::size_t reach = 0;
        std::vector<std::array<double, 3>> levels;  // people, buyers, revenue
    };
    std::vector<Key> keys;
    for (const auto& [source, _] : referred) {
        Key key{source, 0, 0, {}};
        std::set<std::string> seen = {source};
        std::vector<std::string> frontier = {source};
        double weight = 1;
        for (int level = 0; level < kReferralDepth; ++level) {
            std::vector<std::string> next;
            std::array<double, 3> tally = {0, 0, 0};
            for (const auto& from : frontier) {
                const auto edges = referred.find(from);
                if (edges == referred.end()) continue;
                for (const auto& to : edges->second) {
                    if (!seen.insert(to).second) continue;
                    next.push_back(to);
                    ++tally[0];
                    if (expected.at(to)["orders_total"].get<int>() > 0) {
                        ++tally[1];
                        tally[2] += expected.at(to)["monetary"].get<double>();
                    }
                }
            }
            key.levels.push_back(tally);
            key.reach += next.size();
            key.influence += weight * tally[2];
            weight *= kReferralDecay;
            frontier = next;
        }
        keys.push_back(key);
    }
    std::stable_sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
        if (a.influence != b.influence) return a.influence > b.influence;
        return a.reach > b.reach;
    });
    ASSERT_GE(keys.size(), 2u);
    EXPECT_GE(keys.front().levels[1][0], 1) << "fill.py made a referral of a referral";
    const ordered_json persons = run->list("key-persons");
    EXPECT_EQ(persons["decay"], kReferralDecay);
    EXPECT_EQ(persons["depth"], kReferralDepth);
    ASSERT_EQ(persons["customers"].size(), keys.size());
    for (std::size_t k = 0; k < keys.size(); ++k) {
        const auto& row = persons["customers"][k];
        SCOPED_TRACE("key person " + keys[k].code);
        EXPECT_EQ(row["customer_id"], keys[k].code);
        EXPECT_NEAR(row["influence"].get<double>(), keys[k].influence, 1e-4);
        EXPECT_EQ(row["reach"], keys[k].reach);
        ASSERT_EQ(row["levels"].size(), std::size_t(kReferralDepth));
        for (int l = 0; l < kReferralDepth; ++l) {
            EXPECT_EQ(row["levels"][l]["level"], l + 1);
            EXPECT_EQ(row["levels"][l]["people"].get<double>(), keys[k].levels[l][0]);
            EXPECT_EQ(row["levels"][l]["buyers"].get<double>(), keys[k].levels[l][1]);
            EXPECT_NEAR(row["levels"][l]["revenue"].get<double>(), keys[k].levels[l][2], 1e-9);
        }
    }
}

// Offers (always direct marketing): hk-retail's win-back voucher for value.cannot_lose and
// value.at_risk, and its wake-up offer for value.about_to_sleep with engagement >= 20; each lists
// the targeted customers with consent and no opt-out, in code order.
TEST(TrytonPotential, OffersListTheirSegmentsWithConsent) {
    const auto& rec = tryton().json;
    auto run = potential_run(tryton());
    const auto expected = expected_features(rec);
    struct Offer {
        const char* id;
        std::set<std::string> segments;
        double min_engagement;
    };
    const std::vector<Offer> offers = {{"win_back", {"cannot_lose", "at_risk"}, -1},
                                       {"wake_up", {"about_to_sleep"}, 20}};
    const ordered_json doc = run->list("offers", Purpose::Analytics);  // analytics is overridden
    EXPECT_EQ(doc["purpose"], "direct_marketing");
    EXPECT_EQ(doc["identifiers"], "customer_ids");
    ASSERT_EQ(doc["offers"].size(), offers.size());
    std::size_t listed_anywhere = 0;
    for (std::size_t o = 0; o < offers.size(); ++o) {
        const auto& got = doc["offers"][o];
        SCOPED_TRACE(offers[o].id);
        EXPECT_EQ(got["id"], offers[o].id);
        int targeted = 0, no_consent = 0, opted_out = 0;
        std::vector<std::string> members;
        for (const auto& [code, f] : expected) {
            const auto segment = hk_value(f);
            if (!segment.is_string() || !offers[o].segments.count(segment.get<std::string>()) ||
                hk_engagement(f).score < offers[o].min_engagement)
                continue;
            ++targeted;
            if (f["opted_out"].get<bool>())
                ++opted_out;
            else if (!f["marketing_consent"].get<bool>())
                ++no_consent;
            else
                members.push_back(code);
        }
        listed_anywhere += members.size();
        EXPECT_EQ(got["targeted"], targeted);
        EXPECT_EQ(got["excluded"]["no_consent"], no_consent);
        EXPECT_EQ(got["excluded"]["opted_out"], opted_out);
        EXPECT_EQ(got["members"], members.size());
        EXPECT_EQ(got["customers"], ordered_json(members));
    }
    EXPECT_GE(listed_anywhere, 1u) << "fill.py's record reaches an offer";
}

// Best-sellers: per segment of `value` and calendar quarter, the products and categories of the
// purchases in the window, by revenue and by buyers. A returned line (negative quantity) is not a
// purchase of its product: seasonal_bestsellers.h leaves returns to the caller to leave out, and
// a customer who returned a product did not buy it (fill.py's Lee returns an Oolong Tea within a
// sale of Dried Scallops).
TEST(TrytonPotential, BestsellersArePerSegmentAndQuarterFromTheSalesLines) {
    const auto& rec = tryton().json;
    auto run = potential_run(tryton());
    const auto expected = expected_features(rec);
    const auto segments = hk_value_segments(expected);
    struct Tally {
        long cents = 0;
        std::set<std::string> buyers;
        int lines = 0;
    };
    struct Cell {
        Tally total;
        std::map<std::string, Tally> products, categories;
    };
    std::map<std::pair<std::string, std::string>, Cell> cells;  // (segment, quarter)
    bool a_return_line = false;
    for (const auto& p : window_purchases(rec, expected)) {
        if (!segments.at(p.party).is_string()) continue;
        Cell& cell = cells[{segments.at(p.party).get<std::string>(), p.quarter}];
        for (const auto& line : *p.lines) {
            const long cents = std::lround(std::stod(line["amount"].get<std::string>()) * 100);
            if (cents < 0) {
                a_return_line = true;
                continue;
            }
            for (Tally* t : {&cell.total, &cell.products[std::to_string(line["product"].get<int>())]}) {
                t->cents += cents;
                t->buyers.insert(p.party);
                ++t->lines;
            }
            const std::string category = line_category(line);
            if (category.empty()) continue;
            Tally& t = cell.categories[category];
            t.cents += cents;
            t.buyers.insert(p.party);
            ++t.lines;
        }
    }
    EXPECT_TRUE(a_return_line) << "the record has a return line in a purchase";
    auto ranked = [](const std::map<std::string, Tally>& items, bool by_revenue) {
        std::vector<std::pair<std::string, const Tally*>> v;
        for (const auto& [id, t] : items) v.push_back({id, &t});
        std::stable_sort(v.begin(), v.end(), [&](const auto& a, const auto& b) {
            const long ra = a.second->cents, rb = b.second->cents;
            const std::size_t ba = a.second->buyers.size(), bb = b.second->buyers.size();
            if (by_revenue) return ra != rb ? ra > rb : ba > bb;
            return ba != bb ? ba > bb : ra > rb;
        });
        if (v.size() > kBestsellersTop) v.resize(kBestsellersTop);
        ordered_json out = ordered_json::array();
        for (const auto& [id, t] : v)
            out.push_back({{"id", id}, {"revenue", t->cents / 100.0}, {"buyers", t->buyers.size()},
                           {"lines", t->lines}});
        return out;
    };

    const ordered_json doc = run->list("bestsellers");
    EXPECT_EQ(doc["classification"], "value");
    EXPECT_EQ(doc["k"], 1);
    std::vector<std::string> seasons;
    for (const auto& s : doc["seasons"]) seasons.push_back(s["id"]);
    EXPECT_EQ(seasons, (std::vector<std::string>{"q1", "q2", "q3", "q4"}));
    ASSERT_EQ(doc["segments"].size(), kValueSegments.size());
    std::size_t cells_with_sales = 0;
    for (std::size_t s = 0; s < kValueSegments.size(); ++s) {
        const auto& segment = doc["segments"][s];
        EXPECT_EQ(segment["segment"], kValueSegments[s]);
        ASSERT_EQ(segment["seasons"].size(), 4u);
        for (std::size_t q = 0; q < 4; ++q) {
            const auto& got = segment["seasons"][q];
            SCOPED_TRACE(kValueSegments[s] + " " + seasons[q]);
            const auto it = cells.find({kValueSegments[s], seasons[q]});
            const Cell empty;
            const Cell& want = it == cells.end() ? empty : it->second;
            cells_with_sales += !want.total.buyers.empty();
            EXPECT_EQ(got["season"], seasons[q]);
            EXPECT_EQ(got["suppressed"], false);
            EXPECT_NEAR(got["revenue"].get<double>(), want.total.cents / 100.0, 1e-9);
            EXPECT_EQ(got["buyers"], want.total.buyers.size());
            EXPECT_EQ(got["products_by_revenue"], ranked(want.products, true));
            EXPECT_EQ(got["products_by_buyers"], ranked(want.products, false));
            EXPECT_EQ(got["categories_by_revenue"], ranked(want.categories, true));
            EXPECT_EQ(got["categories_by_buyers"], ranked(want.categories, false));
        }
    }
    EXPECT_GE(cells_with_sales, 3u);
}

// The lists that would also read interactions (searches, sign-ups), which the preset does not
// map, work from what it does map. Keywords: hk-retail's campaign keywords against the parties'
// categories, and no trend (no searches). Sign-ups: none are captured, since the preset maps
// neither a lead source nor sign-up interactions (prospects with consent and an e-mail exist).
// Unmet demand: the interests (categories) of each segment that no category its members bought
// in the window serves; no falling categories without an earlier run, none on the same data.
TEST(TrytonPotential, ListsThatWouldReadInteractionsUseWhatThePresetMaps) {
    const auto& rec = tryton().json;
    auto run = potential_run(tryton());
    const auto expected = expected_features(rec);
    const auto segments = hk_value_segments(expected);

    const ordered_json keywords = run->list("keywords");
    ASSERT_EQ(keywords["campaign_keywords"].size(), kCampaignKeywords.size());
    std::uint64_t matched_keywords = 0;
    std::set<std::string> listed_people;
    for (std::size_t k = 0; k < kCampaignKeywords.size(); ++k) {
        const auto& got = keywords["campaign_keywords"][k];
        SCOPED_TRACE(kCampaignKeywords[k]);
        EXPECT_EQ(got["keyword"], kCampaignKeywords[k]);
        int customers = 0, prospects = 0;
        std::vector<std::string> people;
        for (const auto& [code, f] : expected) {
            const auto mine = interests_of(f);
            if (std::none_of(mine.begin(), mine.end(), [&](const std::string& i) {
                    return word_run(kCampaignKeywords[k], i);
                }))
                continue;
            ++(f["is_prospect"].get<bool>() ? prospects : customers);
            people.push_back(code);
        }
        EXPECT_EQ(got["customers"], customers);
        EXPECT_EQ(got["prospects"], prospects);
        EXPECT_EQ(got["listed"], people.size());
        // In identifier order.
        std::vector<std::string> shown;
        for (const auto& p : got["people"]) shown.push_back(p);
        std::sort(people.begin(), people.end());
        EXPECT_EQ(shown, people);
        for (const auto& p : people) listed_people.insert(p);
        matched_keywords += !people.empty();
    }
    EXPECT_GE(matched_keywords, 1u) << "fill.py gave parties the interest of a campaign keyword";
    EXPECT_EQ(keywords["total"], listed_people.size());  // each person once
    EXPECT_TRUE(keywords["trending"].is_null());

    const ordered_json signups = run->list("signups");
    int eligible = 0;
    for (const auto& p : rec["parties"]) {
        const std::string code = p["code"].get<std::string>();
        eligible += expected.count(code) && expected.at(code)["is_prospect"].get<bool>() &&
                    expected.at(code)["marketing_consent"].get<bool>() && !p["emails"].empty();
    }
    EXPECT_GE(eligible, 1) << "prospects with consent and an e-mail, not captured";
    EXPECT_EQ(signups["signup_sources"], ordered_json({"website", "social"}));
    EXPECT_EQ(signups["periods"], ordered_json::array());
    EXPECT_EQ(signups["by_source"], ordered_json::object());
    EXPECT_EQ(signups["total"], 0);

    // Unmet demand.
    std::map<std::string, std::set<std::string>> bought;  // segment -> categories
    for (const auto& p : window_purchases(rec, expected)) {
        if (!segments.at(p.party).is_string()) continue;
        for (const auto& line : *p.lines)
            if (!line_category(line).empty() && std::stod(line["amount"].get<std::string>()) > 0)
                bought[segments.at(p.party).get<std::string>()].insert(line_category(line));
    }
    auto check_unmet = [&](const ordered_json& doc, bool earlier) {
        EXPECT_EQ(doc["classification"], "value");
        ASSERT_EQ(doc["segments"].size(), kValueSegments.size());
        std::size_t unmet_found = 0;
        for (std::size_t s = 0; s < kValueSegments.size(); ++s) {
            const std::string segment = kValueSegments[s];
            const auto& got = doc["segments"][s];
            SCOPED_TRACE(segment);
            EXPECT_EQ(got["segment"], segment);
            std::size_t size = 0;
            std::map<std::string, int> people;
            for (const auto& [code, f] : expected) {
                if (segments.at(code) != segment) continue;
                ++size;
                for (const auto& i : interests_of(f)) ++people[i];
            }
            EXPECT_EQ(got["customers"], size);
            std::vector<std::pair<std::string, int>> unmet;
            for (const auto& [keyword, count] : people) {
                bool served = false;
                for (const auto& c : bought[segment])
                    served = served || word_run(keyword, c) || word_run(c, keyword);
                if (!served) unmet.push_back({keyword, count});
            }
            std::stable_sort(unmet.begin(), unmet.end(),
                             [](const auto& a, const auto& b) { return a.second > b.second; });
            ordered_json want = ordered_json::array();
            for (const auto& [keyword, count] : unmet)
                want.push_back({{"keyword", keyword}, {"people", count},
                                {"share", std::round(double(count) / size * 1e4) / 1e4}});
            EXPECT_EQ(got["unmet_interests"], want);
            unmet_found += unmet.size();
            if (earlier) {
                EXPECT_EQ(got["falling_categories"], ordered_json::array());
            } else {
                EXPECT_TRUE(got["falling_categories"].is_null());
            }
        }
        EXPECT_GE(unmet_found, 1u);
    };
    const ordered_json unmet = run->list("unmet-demand");
    EXPECT_TRUE(unmet["from_run_id"].is_null());
    check_unmet(unmet, false);
    // Served interests: a party whose interest a bought category names is in no unmet list
    // (Lee's "tea club", served by the tea he bought).
    bool served_somewhere = false;
    for (const auto& [segment, categories] : bought)
        for (const auto& [code, f] : expected)
            if (segments.at(code) == segment)
                for (const auto& i : interests_of(f))
                    for (const auto& c : categories) served_somewhere = served_somewhere || word_run(c, i);
    EXPECT_TRUE(served_somewhere);

    const ordered_json second = run->engine->run(run->request);
    const ordered_json again = run->list("unmet-demand");
    EXPECT_EQ(again["run_id"], second["run_id"]);
    EXPECT_EQ(again["from_run_id"], run->summary["run_id"]);
    check_unmet(again, true);
}

// Lifetime value: BG/NBD is fitted on every party who ever bought, Gamma-Gamma on those with a
// purchase in the window. The record's few parties do not identify the models: a fit that does
// not converge values nobody, and says why; a fit that does values every party who bought.
TEST(TrytonPotential, LifetimeValueFitsTheModelsOnThePartiesWhoBought) {
    const auto& rec = tryton().json;
    auto run = potential_run(tryton());
    const auto expected = expected_features(rec);
    std::set<std::string> ever, in_window;
    for (const auto& [code, f] : expected) {
        if (f["orders_total"].get<int>() > 0) ever.insert(code);
        if (f["frequency"].get<int>() > 0) in_window.insert(code);
    }
    const ordered_json doc = run->list("lifetime-value");
    const auto& bg = doc["models"]["bg_nbd"];
    const auto& gg = doc["models"]["gamma_gamma"];
    EXPECT_EQ(bg["customers"], ever.size());
    EXPECT_EQ(gg["customers"], in_window.size());
    if (bg["converged"].get<bool>() && gg["converged"].get<bool>()) {
        EXPECT_EQ(doc["customers_valued"], ever.size());
        ASSERT_EQ(doc["customers"].size(), ever.size());
        double last = INFINITY;
        for (const auto& row : doc["customers"]) {
            EXPECT_TRUE(ever.count(row["customer_id"].get<std::string>())) << row.dump();
            EXPECT_GE(row["p_alive"].get<double>(), 0);
            EXPECT_LE(row["p_alive"].get<double>(), 1);
            EXPECT_LE(row["clv_90d"].get<double>(), last);
            last = row["clv_90d"].get<double>();
            EXPECT_EQ(row["frequency"], expected.at(row["customer_id"])["frequency"]);
        }
    } else {
        for (const auto* model : {&bg, &gg}) {
            if (!(*model)["converged"].get<bool>()) {
                EXPECT_NE((*model)["message"].get<std::string>().find("the data do not identify"),
                          std::string::npos)
                    << model->dump();
            }
        }
        EXPECT_EQ(doc["customers_valued"], 0);
        EXPECT_EQ(doc["total"], 0);
        EXPECT_TRUE(doc["customers"].empty());
    }
}

// With the shipped policy as it is (k 5, pseudonyms for analytics): best-sellers of the record's
// few buyers per segment are all small cells, suppressed; an analytics list of people needs the
// pseudonymisation key, and carries pseudonyms with it.
TEST(TrytonPotential, TheShippedPolicySuppressesSmallCellsAndPseudonymises) {
    const auto& rec = tryton().json;
    PotentialSetup setup;
    setup.k = 5;
    setup.analytics_identity = false;
    auto run = potential_run(tryton(), setup);
    const auto expected = expected_features(rec);
    const auto segments = hk_value_segments(expected);
    std::map<std::pair<std::string, std::string>, std::set<std::string>> buyers;
    for (const auto& p : window_purchases(rec, expected))
        if (segments.at(p.party).is_string())
            buyers[{segments.at(p.party).get<std::string>(), p.quarter}].insert(p.party);

    const ordered_json bestsellers = run->list("bestsellers");
    EXPECT_EQ(bestsellers["k"], 5);
    std::size_t suppressed = 0;
    for (const auto& segment : bestsellers["segments"])
        for (const auto& season : segment["seasons"]) {
            SCOPED_TRACE(segment["segment"].dump() + " " + season["season"].dump());
            const auto it = buyers.find({segment["segment"], season["season"]});
            const std::size_t n = it == buyers.end() ? 0 : it->second.size();
            ASSERT_LT(n, 5u);
            EXPECT_EQ(season["suppressed"], n > 0);
            if (n > 0) {
                ++suppressed;
                EXPECT_TRUE(season["revenue"].is_null());
                EXPECT_TRUE(season["buyers"].is_null());
            }
            EXPECT_TRUE(season["products_by_revenue"].empty());
            EXPECT_TRUE(season["categories_by_buyers"].empty());
        }
    EXPECT_GE(suppressed, 1u);

    const char* key_env = "CUSTCLASS_PSEUDONYM_KEY";
    const char* before = std::getenv(key_env);
    const std::optional<std::string> saved = before ? std::optional<std::string>(before) : std::nullopt;
    ::unsetenv(key_env);
    try {
        run->list("focus");
        ADD_FAILURE() << "an analytics list without the pseudonymisation key";
    } catch (const custclass::plugin::PrivacyRefusal& e) {
        EXPECT_NE(std::string(e.what()).find(key_env), std::string::npos) << e.what();
    }
    ::setenv(key_env, "tryton-preset-test-pseudonym-key", 1);
    const ordered_json focus = run->list("focus");
    if (saved)
        ::setenv(key_env, saved->c_str(), 1);
    else
        ::unsetenv(key_env);
    EXPECT_EQ(focus["identifiers"], "pseudonyms");
    ASSERT_FALSE(focus["customers"].empty());
    for (const auto& row : focus["customers"]) {
        const std::string id = row["customer_id"].get<std::string>();
        EXPECT_EQ(id.size(), 64u) << id;
        EXPECT_FALSE(expected.count(id)) << "a party code in an analytics list: " << id;
    }
}

}  // namespace
