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
    for (Listed* listed : {&list.ids_, &list.emails_, &list.phones_}) listed->index.build(listed->values);
    return list;
}

std::optional<bool> OptOutList::opted_out(const adapters::CustomerRow& c) const {
    if (c.opted_out.value_or(false) || ids_.contains(c.customer_id)) return true;
    if (c.email)
        if (auto e = adapters::normalise_email(*c.email); e && emails_.contains(*e)) return true;
    if (c.phone)
        if (auto p = adapters::normalise_phone(*c.phone); p && phones_.contains(*p)) return true;
    if (c.opted_out || have_table_) return false;
    return std::nullopt;
}

}  // namespace custclass::plugin
