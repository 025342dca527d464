#include "opt_out_list.h"

#include "value_parsing.h"

namespace custclass::plugin {

OptOutList OptOutList::read(adapters::Source& source) {
    OptOutList list;
    list.have_table_ = source.has_table(config::CanonicalTable::OptOuts);
    if (!list.have_table_) return list;
    source.read_opt_outs([&](adapters::OptOutBatch batch) {
        for (const adapters::OptOutRow& o : batch) {
            if (o.customer_id) list.ids_.values.push_back(*o.customer_id);
            if (o.email)
                if (auto e = adapters::normalise_email(*o.email))
                    list.emails_.values.push_back(std::move(*e));
            if (o.phone)
                if (auto p = adapters::normalise_phone(*o.phone))
                    list.phones_.values.push_back(std::move(*p));
        }
    });
    // A value listed twice is found either way.
    for (Listed* listed : {&list.ids_, &list.emails_, &list.phones_}) listed->build();
    return list;
}

void OptOutList::Listed::build() {
    index.build(values);
    int bits = 6;  // at least one word
    while ((std::size_t{1} << bits) < values.size() * 32) ++bits;
    sieve.assign(std::size_t{1} << (bits - 6), 0);
    sieve_shift = 64 - bits;
    for (const std::string& v : values) {
        const std::uint64_t bit = digest(v) >> sieve_shift;
        sieve[bit >> 6] |= std::uint64_t{1} << (bit & 63);
    }
}

std::optional<bool> OptOutList::opted_out(const adapters::CustomerRow& c) const {
    if (c.opted_out.value_or(false) || ids_.contains(c.customer_id)) return true;
    // Normalised into memory kept from one customer to the next (a million customers a run).
    thread_local std::string normalised;
    if (c.email && !emails_.values.empty() && adapters::normalise_email_into(*c.email, normalised) &&
        emails_.contains(normalised))
        return true;
    if (c.phone && !phones_.values.empty() && adapters::normalise_phone_into(*c.phone, normalised) &&
        phones_.contains(normalised))
        return true;
    if (c.opted_out || have_table_) return false;
    return std::nullopt;
}

}  // namespace custclass::plugin
