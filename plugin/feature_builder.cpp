#include "feature_builder.h"

#include <algorithm>
#include <future>
#include <optional>
#include <unordered_map>

#include "customer_index.h"
#include "errors.h"
#include "feature_family.h"
#include "id_order.h"
#include "opt_out_list.h"
#include "order_folding.h"
#include "personal_identifiers.h"
#include "text.h"
#include "value_parsing.h"

namespace custclass::plugin {

namespace {

using adapters::CustomerRow;
using adapters::OrderRow;
using adapters::OrderTotals;

bool wants(const FeatureBuildOptions& o, std::string_view name) {
    return std::find(o.features.begin(), o.features.end(), name) != o.features.end();
}

// PRIVACY.md check 3: whether a value (trimmed) is a Hong Kong identity card number: the
// policy's check digit (is_valid_hkid: brackets and spaces ignored), or one number the scanner
// finds covering the whole value (the same number written with the full-width brackets of
// Chinese text, "A123456（3）", which is_valid_hkid does not take). Never copied anywhere.
bool is_hkid_value(std::string_view trimmed) {
    if (is_valid_hkid(trimmed)) return true;
    // The longest written form: two letters, six digits, an optional space and a check
    // character in full-width brackets (3 bytes each): 2 + 6 + 1 + 3 + 1 + 3 = 16 bytes.
    if (trimmed.size() > 16) return false;
    const auto found = find_personal_identifiers(trimmed);
    return found.size() == 1 && found[0].kind == IdentifierKind::hkid && found[0].offset == 0 &&
           found[0].length == trimmed.size();
}

}  // namespace

FeatureTable build_features(adapters::Source& source, const FeatureBuildOptions& options,
                            FeatureBuildReport& report) {
    const config::TimeZone zone(options.time_zone);
    const Day as_of = options.as_of;
    const Day window_start = static_cast<Day>(as_of - options.window_days);  // exclusive

    // 1. Customers, with the attributes the rules read, kept as columns. The opt-out list is
    // read first when the rules ask for `opted_out`, so that each customer is matched against it
    // as it is read and no e-mail address or phone number is kept.
    const std::vector<std::string> attributes = attribute_names(options);
    // channel_share(ch) features wanted: per customer, purchases in the window per channel.
    std::vector<std::string> channels;
    for (const auto& f : options.features)
        if (const auto call = config::FeatureCall::of(f); call && call->function == "channel_share")
            channels.push_back(config::ascii_lower(call->argument));
    const adapters::OrderTotalsRequest totals{as_of, window_start, options.time_zone, channels};
    // A source that can read the orders while the customers are read starts on them now.
    std::unique_ptr<adapters::OrderTotalsAhead> ahead = source.total_orders_ahead(totals);
    std::optional<OptOutList> opt_outs;
    if (wants(options, "opted_out")) opt_outs = OptOutList::read(source);
    const CustomerColumns::Keep keep{wants(options, "interests"), opt_outs ? &*opt_outs : nullptr};
    CustomerColumns customers;
    customers.attributes.resize(attributes.size());
    source.read_customers(attributes, [&](adapters::CustomerBatch batch) {
        for (const CustomerRow& c : batch) customers.append(c, zone, keep);
        if (options.progress) options.progress("read customers", customers.size());
    });
    CustomerIndex index;
    if (const auto repeated = index.build(customers.ids))
        throw adapters::DataError("table `customers`: the customer id `" + customers.ids[*repeated] +
                                  "` appears more than once; customer ids must be unique");
    report.customers_read = customers.size();

    // PRIVACY.md check 3 at run time: an attribute a rule reads whose values are government
    // identifiers refuses the run before its orders are used (a read of them beside the customers
    // is stopped, its totals dropped). Only under a privacy policy
    // (mask_identifiers is set exactly when one applies): without one the builder keeps the
    // values as mapped. Every customer read is looked at, not only those the run keeps
    // (existence, retention): whether a column holds HKID numbers is a property of the column,
    // and a refusal must not come and go with the run date. The values are tested as mapped,
    // trimmed, before any masking (masking would hide exactly what is looked for); a value with
    // an HKID inside a longer text is not an identifier column and is masked (check 9).
    // Number attributes are looked at too: an HKID is never a number, so such a column would
    // otherwise stop the run with a DataError that quotes the value. The message names the
    // attribute and the customer key, never the value.
    if (options.mask_identifiers) {
        for (std::size_t k = 0; k < attributes.size(); ++k)
            for (std::size_t i = 0; i < customers.size(); ++i) {
                const auto& v = customers.attributes[k][i];
                if (!v || !is_hkid_value(config::trim(*v))) continue;
                throw PrivacyRefusal(
                    "attribute `attr." + attributes[k] + "` (table `customers`, column `attr_" +
                    attributes[k] + "`) holds Hong Kong identity card numbers (first at key `" +
                    customers.ids[i] +
                    "`), and the rule set reads it: PRIVACY.md check 3: government identifiers are "
                    "never a rule input, group key or output column. Stop mapping `attr_" +
                    attributes[k] + "` in the customers query, or remove the rules that read `attr." +
                    attributes[k] + "` (and its declaration); nothing was classified");
            }
    }

    // The customers' background (ages, interests), worked out now: on a source reading the
    // orders beside the customers, while they are still being read.
    CustomerBackground background =
        customer_background(customers, as_of, wants(options, "age") || wants(options, "age_band"),
                            wants(options, "interests"), options.mask_identifiers);

    // 2. Orders: totalled while the customers were read, totalled by the database, or folded
    // per customer as they stream in.
    std::vector<OrderTotals> agg(customers.size());
    std::vector<std::uint32_t> channel_counts(customers.size() * channels.size(), 0);
    std::uint64_t orders_read = 0, unknown_customer = 0, after_as_of = 0;
    std::uint64_t guest_orders = 0;
    // Totals per customer: merged by the customer's position in the read above, or its id.
    const auto merge_totals = [&](adapters::OrderTotalsBatch batch) {
        for (const adapters::CustomerOrderTotals& t : batch) {
            orders_read += t.orders_all;
            std::optional<std::uint32_t> i;
            if (t.customer_row != OrderRow::kNoRow) {
                if (t.customer_row >= customers.size())
                    throw std::logic_error("the source named a customer by a position past the customers read");
                i = t.customer_row;
            } else if (t.customer_id.empty()) {
                guest_orders += t.orders_all;
                continue;
            } else {
                i = index.find(t.customer_id);
            }
            if (!i) {
                unknown_customer += t.orders_all;
                continue;
            }
            after_as_of += t.orders_after_as_of;
            agg[*i].merge(t.totals);
            for (std::size_t k = 0; k < channels.size(); ++k)
                channel_counts[*i * channels.size() + k] += t.channel_purchases[k];
        }
        if (options.progress) options.progress("total orders", orders_read);
    };
    const adapters::OrderFolding folding(totals);
    if (ahead) {
        // The caller's reading, in the time this thread would wait for the orders' end.
        if (options.beside_orders) options.beside_orders();
        ahead->finish(merge_totals);
        ahead.reset();  // its memory, before the features'
    } else if (source.can_total_orders(totals))
        source.read_order_totals(totals, merge_totals);
    else source.read_orders_of_customers_read([&](adapters::OrderBatch batch) {
        for (const OrderRow& o : batch) {
            // The customer by its position in the read of the customers above, or by its id.
            std::optional<std::uint32_t> i;
            if (o.customer_row == OrderRow::kNoRow)
                i = index.find(o.customer_id);
            else if (o.customer_row < customers.size())
                i = o.customer_row;
            else
                throw std::logic_error("the source named an order's customer by a position past the customers read");
            if (!i) {
                ++unknown_customer;
                continue;
            }
            if (!folding.add(agg[*i], channel_counts.data() + std::size_t{*i} * channels.size(), o.ordered_at,
                             o.amount, o.channel))
                ++after_as_of;
        }
        orders_read += batch.size();
        if (options.progress) options.progress("read orders", orders_read);
    });
    // What the source counted and left out itself: guest sales, and orders whose customer key
    // no customer has (ADAPTERS.md `customer_key`).
    const adapters::ReadCounts counted = source.counts();
    const std::uint64_t without_customer = counted.orders_without_customer + guest_orders;
    unknown_customer += counted.orders_of_unknown_customer;
    if (without_customer) report.data_quality["orders_without_customer"] = without_customer;
    if (unknown_customer) report.data_quality["orders_of_unknown_customer"] = unknown_customer;
    if (after_as_of) report.data_quality["orders_after_as_of"] = after_as_of;

    // Retention (PRIVACY.md check 8). A customer's last activity is the later of its latest
    // order of any kind on or before as_of (a return, a credit note is activity too) and its
    // creation day (when on or before as_of: a record created after the run date did not exist
    // then). It is kept while as_of − last activity <= retention_days. retention_days <= 0:
    // nobody is left out.
    const bool retention = options.retention_days > 0;
    auto created_on_or_before_as_of = [&](std::uint32_t i) -> std::optional<Day> {
        const Day d = customers.created[i];
        if (d == kNullDay || d > as_of) return std::nullopt;
        return d;
    };
    auto last_activity = [&](std::uint32_t i) -> Day {
        Day last = agg[i].last_order;
        if (const auto d = created_on_or_before_as_of(i); d && (last == OrderTotals::kNone || *d > last)) last = *d;
        return last;
    };
    // A customer with neither an order nor a creation day on or before as_of shows no
    // inactivity and is kept (no such customer passes the existence rule, which runs first).
    auto past_retention = [&](std::uint32_t i) {
        const Day last = last_activity(i);
        return retention && last != OrderTotals::kNone &&
               std::int64_t{as_of} - std::int64_t{last} > options.retention_days;
    };
    // 3. The existence rule: created on or before as_of, or an order on or before as_of. Then
    // retention (check 8): a customer past it is not a row either, is counted in
    // excluded["retention"] and listed in retention_due for the host to erase. Retention
    // excludes from processing: everything below sees the kept customers only, so the
    // population features (r/f/m scores, rfm, pareto_class, and the cut points handed to the
    // hooks) rank the kept customers among themselves, and a customer past retention does not
    // count as a referee in its referrer's referral features. The hooks (options.population,
    // a source scoped to a few customers) apply the same test to the same rows of the customer
    // and so leave out the same customers (the engine then reports the customer not found).
    std::vector<std::uint32_t> rows;
    std::vector<std::uint8_t> retired(customers.size(), 0);  // left out by retention
    std::uint64_t not_yet = 0;
    for (std::uint32_t i = 0; i < customers.size(); ++i) {
        const bool exists = created_on_or_before_as_of(i) || agg[i].any_order();
        if (!exists) {
            ++not_yet;
        } else if (past_retention(i)) {
            retired[i] = 1;
            report.retention_due.push_back(customers.ids[i]);
        } else {
            rows.push_back(i);
        }
    }
    if (not_yet) report.excluded["not_yet_customer"] = not_yet;
    // The ids due for erasure sorted beside the table and the features (nothing else reads them
    // before this returns).
    std::future<void> retention_sorted;
    if (!report.retention_due.empty()) {
        report.excluded["retention"] = report.retention_due.size();
        const auto sort = [&due = report.retention_due] { std::sort(due.begin(), due.end()); };
        if (options.threads >= 2)
            retention_sorted = std::async(std::launch::async, sort);
        else
            sort();
    }

    // The index over the rows is the one above: as it is when every customer is kept, else
    // narrowed to those kept (no id hashed again). When every customer is kept, the table takes
    // the ids read themselves, not copies: a vector moved keeps its elements where they are, so
    // the index above (the families' `customer`) still finds them; `customers.ids` is empty from
    // here on (the table's ids are the kept customers' in row order).
    FeatureTable table = [&] {
        if (rows.size() == customers.size()) return FeatureTable(std::move(customers.ids), index);
        return FeatureTable(customers.ids, index, rows, options.threads);
    }();

    // The rows in the order of the store's key, beside the features (which add columns to the
    // table and never change its ids): on the core the families leave idle most of the time.
    std::future<std::vector<std::uint32_t>> id_order;
    if (options.id_order && options.threads >= 2)
        id_order = std::async(std::launch::async, [&ids = table.customer_ids()] { return rows_in_id_order(ids); });

    // 4. The features, family by family.
    std::vector<std::function<void()>> finish_later;
    const FeatureInputs in{source, options, zone, as_of, window_start, customers, index, agg,
                           channels, channel_counts, rows, retired, background, finish_later};
    std::vector<const FeatureFamily*> wanted;
    for (const auto& family : feature_families())
        if (family->wanted(in)) wanted.push_back(family.get());
    std::size_t reading = 0;  // the families up to the last that reads the source
    for (std::size_t k = 0; k < wanted.size(); ++k)
        if (wanted[k]->reads_source(in)) reading = k + 1;
    for (std::size_t k = 0; k <= wanted.size(); ++k) {
        if (k == reading && options.source_free) options.source_free();
        if (k < wanted.size()) wanted[k]->build(in, table, report);
    }
    for (const auto& finish : finish_later) finish();
    finish_later.clear();
    if (id_order.valid())
        report.id_order = id_order.get();
    else if (options.id_order)
        report.id_order = rows_in_id_order(table.customer_ids());

    if (retention_sorted.valid()) retention_sorted.get();
    if (options.progress) options.progress("features", rows.size());
    return table;
}

}  // namespace custclass::plugin
