#include "signup_growth.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace custclass::plugin {

namespace {

using namespace std::chrono;

// The first and last days "YYYY-MM" can write: 0000-01-01 and 9999-12-31.
constexpr config::Day kFirstDay =
    static_cast<config::Day>(sys_days{year{0} / January / 1}.time_since_epoch().count());
constexpr config::Day kLastDay =
    static_cast<config::Day>(sys_days{year{9999} / December / 31}.time_since_epoch().count());

// Months since 0000-01 of a day within kFirstDay..kLastDay.
int month_index(config::Day day) {
    const year_month_day ymd{sys_days{days{day}}};
    return static_cast<int>(ymd.year()) * 12 +
           static_cast<int>(static_cast<unsigned>(ymd.month())) - 1;
}

std::string period_text(int month_index) {
    const int y = month_index / 12;
    const int m = month_index % 12 + 1;
    std::string text = std::to_string(y);
    text.insert(0, 4 - text.size(), '0');
    text += m < 10 ? "-0" : "-";
    text += std::to_string(m);
    return text;
}

// A small cell: 1 .. min_count - 1.
bool small(std::uint64_t count, std::uint64_t min_count) {
    return count > 0 && count < min_count;
}

// Splits counts into the shown ones and the names of the suppressed ones.
void split(const std::map<std::string, std::uint64_t>& counts, std::uint64_t min_count,
           std::map<std::string, std::uint64_t>& shown, std::vector<std::string>& suppressed) {
    for (const auto& [source, count] : counts) {
        if (small(count, min_count))
            suppressed.push_back(source);
        else
            shown.emplace_hint(shown.end(), source, count);
    }
}

}  // namespace

SignupGrowth count_signups(const std::vector<SignupCapture>& captures, std::uint64_t min_count) {
    SignupGrowth out;
    out.min_count = min_count;
    if (captures.empty()) return out;

    int first = 0, last = 0;
    for (std::size_t i = 0; i < captures.size(); ++i) {
        const SignupCapture& c = captures[i];
        if (c.source.empty())
            throw std::invalid_argument("sign-up capture " + std::to_string(i) + " has no source");
        if (c.day < kFirstDay || c.day > kLastDay)
            throw std::invalid_argument("sign-up capture " + std::to_string(i) + ": day " +
                                        std::to_string(c.day) + " is outside the years 0000..9999");
        const int m = month_index(c.day);
        if (i == 0 || m < first) first = m;
        if (i == 0 || m > last) last = m;
    }

    std::vector<std::map<std::string, std::uint64_t>> by_month(
        static_cast<std::size_t>(last - first + 1));
    std::map<std::string, std::uint64_t> by_source;
    for (const SignupCapture& c : captures) {
        ++by_month[static_cast<std::size_t>(month_index(c.day) - first)][c.source];
        ++by_source[c.source];
    }

    out.periods.resize(by_month.size());
    for (std::size_t i = 0; i < by_month.size(); ++i) {
        SignupPeriod& p = out.periods[i];
        p.period = period_text(first + static_cast<int>(i));
        for (const auto& [source, count] : by_month[i]) p.total += count;
        split(by_month[i], min_count, p.by_source, p.suppressed_sources);
        if (small(p.total, min_count)) {
            p.total = 0;
            p.total_suppressed = true;
        }
    }
    out.total = captures.size();
    split(by_source, min_count, out.total_by_source, out.suppressed_sources);
    if (small(out.total, min_count)) {
        out.total = 0;
        out.total_suppressed = true;
    }
    return out;
}

}  // namespace custclass::plugin
