#include "customer_columns.h"

#include "opt_out_list.h"

namespace custclass::plugin {

namespace {

std::uint8_t flag(const std::optional<bool>& v) { return v ? static_cast<std::uint8_t>(*v) : kNullBool; }

}  // namespace

void TextCodes::push(const std::optional<std::string>& value) {
    if (!value) {
        codes_.push_back(kNullCode);
        return;
    }
    const auto [it, fresh] = index_.try_emplace(*value, static_cast<std::int32_t>(values_.size()));
    if (fresh) values_.push_back(*value);
    codes_.push_back(it->second);
}

void CustomerColumns::append(const adapters::CustomerRow& row, const config::TimeZone& zone,
                             const Keep& keep) {
    ids.push_back(row.customer_id);
    created.push_back(row.created_at ? zone.day_of(*row.created_at) : kNullDay);
    birth.push_back(row.birth_date ? *row.birth_date : kNullDay);
    gender.push(row.gender);
    district.push(row.district);
    income_band.push(row.income_band);
    lead_source.push(row.lead_source);
    is_prospect.push_back(flag(row.is_prospect));
    marketing_consent.push_back(flag(row.marketing_consent));
    opted_out.push_back(flag(keep.opt_outs ? keep.opt_outs->opted_out(row) : row.opted_out));
    if (keep.interests) interests.push_back(row.interests);
    if (attributes.size() < row.attributes.size()) attributes.resize(row.attributes.size());
    for (std::size_t k = 0; k < row.attributes.size(); ++k) attributes[k].push_back(row.attributes[k]);
}

}  // namespace custclass::plugin
