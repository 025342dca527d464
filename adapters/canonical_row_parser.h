// Turning the text values of one canonical row into a parsed row, the same way for every source
// (the SOCI source reads text from the database; the host-push source receives text through the
// ABI): identifiers normalised, timestamps, exact money, flags, UTF-8 checked, and every problem
// an error naming the table, the key, the column and the value.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "canonical_rows.h"
#include "feature_catalog.h"
#include "source.h"
#include "value_parsing.h"

namespace custclass::adapters {

struct ColumnSpec {
    std::string name;
    bool required;
};

inline std::vector<ColumnSpec> columns_of(config::CanonicalTable table) {
    using config::CanonicalTable;
    switch (table) {
        case CanonicalTable::Customers:
            return {{"customer_id", true},  {"created_at", false}, {"birth_date", false},
                    {"gender", false},      {"district", false},   {"income_band", false},
                    {"email", false},       {"phone", false},      {"lead_source", false},
                    {"is_prospect", false}, {"interests", false},  {"marketing_consent", false},
                    {"opted_out", false},   {"transfer_consent", false}};
        case CanonicalTable::Orders:
            return {{"order_id", true}, {"customer_id", true}, {"ordered_at", true},
                    {"amount", true},   {"channel", false}};
        case CanonicalTable::OrderLines:
            return {{"order_id", true}, {"product_id", true}, {"category", false},
                    {"amount", true}};
        case CanonicalTable::Referrals:
            return {{"referrer_id", true}, {"referee_id", true}, {"referred_at", false}};
        case CanonicalTable::OptOuts:
            return {{"customer_id", false}, {"email", false}, {"phone", false}};
        case CanonicalTable::Interactions:
            return {{"customer_id", true}, {"kind", true}, {"keyword", false}, {"at", true}};
    }
    return {};
}

// One row of a mapped table while it is parsed: the values of the wanted columns (absent
// columns and SQL NULLs alike are nullopt) and what to call it in an error.
class RowView {
public:
    // `origin` says where the rows come from ("query at custclass.yaml:12", "pushed by the host").
    RowView(std::string_view table, std::string origin) : table_(table), origin_(std::move(origin)) {}

    std::vector<std::optional<std::string_view>> values;  // by the table's column spec order; nullopt = NULL
    std::string key;                          // the row's key, once known
    std::size_t index = 0;                    // the row's position in its batch

    const std::optional<std::string_view>& raw(std::size_t column) const { return values[column]; }

    [[noreturn]] void fail(std::string_view column, const std::string& problem) const {
        throw DataError("table `" + std::string(table_) + "`" +
                        (key.empty() ? std::string() : ", key `" + key + "`") + ", column `" +
                        std::string(column) + "`: " + problem + " (" + origin_ + ")");
    }

    std::optional<std::string> text(std::size_t column, std::string_view name) const {
        std::optional<std::string> out;
        text_into(column, name, out);
        return out;
    }

    std::optional<config::Timestamp> timestamp(std::size_t column, std::string_view name) const {
        const auto& v = values[column];
        if (!v || v->empty()) return std::nullopt;
        const auto t = config::parse_timestamp(*v);
        if (!t) fail(name, "`" + std::string(*v) + "` is not a date or timestamp (expected YYYY-MM-DD[ HH:MM[:SS]])");
        return t;
    }

    std::optional<config::Day> day(std::size_t column, std::string_view name) const {
        const auto t = timestamp(column, name);
        if (!t) return std::nullopt;
        std::int64_t d = t->seconds / 86400;
        if (t->seconds % 86400 < 0) --d;
        return static_cast<config::Day>(d);
    }

    // A required identifier, normalised.
    std::string id(std::size_t column, std::string_view name) const {
        return std::string(checked_id(column, name));
    }
    // The same into `out` (its memory reused).
    void id_into(std::size_t column, std::string_view name, std::string& out) const {
        out.assign(checked_id(column, name));
    }
    // Checks what id() checks, keeping nothing.
    void check_id(std::size_t column, std::string_view name) const { checked_id(column, name); }

    // text() into `out` (its memory reused).
    void text_into(std::size_t column, std::string_view name, std::optional<std::string>& out) const {
        const auto& v = values[column];
        if (!v) {
            out.reset();
            return;
        }
        if (!valid_utf8(*v)) fail(name, "the value is not valid UTF-8");
        if (out)
            out->assign(*v);
        else
            out.emplace(*v);
    }

    std::int64_t money(std::size_t column, std::string_view name, int decimals) const {
        const auto& v = values[column];
        if (!v) fail(name, "the amount is NULL");
        const auto minor = parse_money(*v, decimals);
        if (!minor) fail(name, "`" + std::string(*v) + "` is not an amount");
        return *minor;
    }

    std::optional<bool> flag(std::size_t column, std::string_view name) const {
        const auto& v = values[column];
        if (!v || v->empty()) return std::nullopt;
        const auto b = parse_flag(*v);
        if (!b) fail(name, "`" + std::string(*v) + "` is not a true/false value (expected 1/0, true/false)");
        return b;
    }

private:
    // A required identifier, normalised: a part of the value.
    std::string_view checked_id(std::size_t column, std::string_view name) const {
        const auto& v = values[column];
        if (!v || v->empty()) fail(name, "the identifier is NULL or empty");
        if (!valid_utf8(*v)) fail(name, "the value is not valid UTF-8");
        return normalised_id(*v);
    }

    std::string table_;
    std::string origin_;
};

// A customer row from a RowView with the columns of columns_of(Customers) followed, from
// `first_attribute` up to `attributes_end` (default: the last column), by `attr_<name>` columns.
CustomerRow parse_customer(RowView& row, const std::vector<ColumnSpec>& spec,
                           std::size_t first_attribute, std::size_t attributes_end = SIZE_MAX);
// An order row from the columns of columns_of(Orders); nullopt for an order without a customer
// (a guest sale), which the caller counts. `customer_column`: what the second column is called in
// errors (a source reading the customers' keys puts `customer_key` there, ADAPTERS.md).
std::optional<OrderRow> parse_order(RowView& row, int currency_decimals,
                                    std::string_view customer_column = "customer_id");
// The same into `o`, every field written (a row of an earlier batch is reused); false for an
// order without a customer. `customer_id` false: the customer column is checked but not kept
// (o.customer_id left empty, for the caller to name the customer otherwise).
bool parse_order_into(RowView& row, int currency_decimals, std::string_view customer_column, OrderRow& o,
                      bool customer_id = true);

}  // namespace custclass::adapters
