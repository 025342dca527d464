#include "civil_time.h"

#include <date/date.h>
#include <date/tz.h>

#include <cctype>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace custclass::config {

namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
        v = v * 10 + (s[i] - '0');
    }
    out = v;
    return true;
}

}  // namespace

std::optional<Day> parse_day(std::string_view text) {
    int y = 0, m = 0, d = 0;
    if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !digits(text, 0, 4, y) ||
        !digits(text, 5, 2, m) || !digits(text, 8, 2, d))
        return std::nullopt;
    const date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(m)},
                                   date::day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return std::nullopt;
    return static_cast<Day>(date::sys_days(ymd).time_since_epoch().count());
}

std::string format_day(Day day) {
    return date::format("%F", date::sys_days{date::days{day}});
}

namespace {

// parse_timestamp, the date's day from `day_of` (given the first ten characters).
template <typename DayOf>
std::optional<Timestamp> parse_timestamp_with(std::string_view text, DayOf&& day_of) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    const std::optional<Day> day = day_of(text.substr(0, 10));
    if (!day) return std::nullopt;
    std::int64_t seconds = static_cast<std::int64_t>(*day) * 86400;
    std::size_t pos = 10;
    if (pos < text.size()) {
        if (text[pos] != ' ' && text[pos] != 'T') return std::nullopt;
        int hh = 0, mm = 0, ss = 0;
        if (!digits(text, pos + 1, 2, hh) || text.size() < pos + 6 || text[pos + 3] != ':' ||
            !digits(text, pos + 4, 2, mm) || hh > 23 || mm > 59)
            return std::nullopt;
        pos += 6;
        if (pos < text.size() && text[pos] == ':') {
            if (!digits(text, pos + 1, 2, ss) || ss > 60) return std::nullopt;
            pos += 3;
            if (pos < text.size() && text[pos] == '.') {
                ++pos;
                const std::size_t start = pos;
                while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])))
                    ++pos;
                if (pos == start) return std::nullopt;
            }
        }
        seconds += hh * 3600 + mm * 60 + ss;
    }
    if (pos == text.size()) return Timestamp{seconds, false};
    // A zone designator.
    std::string_view zone = text.substr(pos);
    if (!zone.empty() && zone.front() == ' ') zone.remove_prefix(1);
    if (zone == "Z" || zone == "UTC") return Timestamp{seconds, true};
    if (zone.empty() || (zone[0] != '+' && zone[0] != '-')) return std::nullopt;
    const int sign = zone[0] == '-' ? -1 : 1;
    int oh = 0, om = 0;
    if (!digits(zone, 1, 2, oh)) return std::nullopt;
    if (zone.size() == 3) {
    } else if (zone.size() == 6 && zone[3] == ':' && digits(zone, 4, 2, om)) {
    } else if (zone.size() == 5 && digits(zone, 3, 2, om)) {
    } else {
        return std::nullopt;
    }
    if (oh > 18 || om > 59) return std::nullopt;
    return Timestamp{seconds - sign * (oh * 3600 + om * 60), true};
}

}  // namespace

std::optional<Timestamp> parse_timestamp(std::string_view text) {
    return parse_timestamp_with(text, [](std::string_view date) { return parse_day(date); });
}

std::optional<Timestamp> TimestampParser::operator()(std::string_view text) {
    return parse_timestamp_with(text, [this](std::string_view date) -> std::optional<Day> {
        if (known_ && date.size() == sizeof date_ && std::memcmp(date.data(), date_, sizeof date_) == 0)
            return day_;
        const auto day = parse_day(date);
        if (day) {
            std::memcpy(date_, date.data(), sizeof date_);
            day_ = *day;
            known_ = true;
        }
        return day;
    });
}

TimeZone::TimeZone(const std::string& name) : name_(name) {
    try {
        zone_ = date::locate_zone(name);
    } catch (const std::exception&) {
        throw std::runtime_error("unknown time zone `" + name + "`");
    }
}

bool TimeZone::exists(const std::string& name) {
    try {
        return date::locate_zone(name) != nullptr;
    } catch (const std::exception&) {
        return false;
    }
}

std::int64_t TimeZone::local_seconds(const Timestamp& t) const {
    if (!t.has_zone) return t.seconds;
    const date::sys_seconds instant{std::chrono::seconds{t.seconds}};
    return zone_->to_local(instant).time_since_epoch().count();
}

Day TimeZone::day_of(const Timestamp& t) const {
    const std::int64_t local = local_seconds(t);
    // Floor division: days before 1970 have negative second counts.
    std::int64_t day = local / 86400;
    if (local % 86400 < 0) --day;
    return static_cast<Day>(day);
}

Day TimeZone::today() const {
    const auto now = std::chrono::time_point_cast<std::chrono::seconds>(
        std::chrono::system_clock::now());
    return day_of(Timestamp{now.time_since_epoch().count(), true});
}

std::string format_utc(std::time_t at) {
    std::tm tm{};
    gmtime_r(&at, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string utc_now() { return format_utc(std::time(nullptr)); }

}  // namespace custclass::config
