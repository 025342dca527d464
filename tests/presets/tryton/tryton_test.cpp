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
#include <cctype>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "civil_time.h"
#include "engine.h"
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

}  // namespace
