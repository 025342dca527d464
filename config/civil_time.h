// Days, timestamps and time zones: the one place that parses dates and turns an order's
// timestamp into the day it belongs to (RULES.md section 4: "an order's day is its timestamp's
// date in the rule set's time zone; a timestamp without a zone is local time in that zone").
#pragma once

#include <cstdint>
#include <optional>
#include <ctime>
#include <string>
#include <string_view>

namespace date {
class time_zone;
}

namespace custclass::config {

// A calendar day as a count of days since 1970-01-01.
using Day = std::int32_t;

// A timestamp as read from a host database: either a civil (wall-clock) time without a zone, or
// an instant (seconds since the epoch, UTC) when the value carried a zone or offset.
struct Timestamp {
    std::int64_t seconds = 0;  // civil seconds since 1970-01-01 00:00, or UTC seconds
    bool has_zone = false;
};

// "YYYY-MM-DD" (a valid calendar date) or nullopt.
std::optional<Day> parse_day(std::string_view text);
std::string format_day(Day day);
// A moment in UTC as ISO 8601, "YYYY-MM-DDTHH:MM:SSZ" (the result store's timestamps).
std::string format_utc(std::time_t at);
// Now, as format_utc writes it.
std::string utc_now();

// "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS[.fff]]", with "T" instead of the space, optionally
// followed by "Z" or an offset "+HH", "+HH:MM", "+HHMM" (PostgreSQL's timestamptz text) — or
// nullopt when the text is none of these.
std::optional<Timestamp> parse_timestamp(std::string_view text);

// parse_timestamp for a column read row after row: the last date's day is kept, so that a run
// of timestamps on the same date (orders in the order they were taken) reads that date once.
class TimestampParser {
public:
    std::optional<Timestamp> operator()(std::string_view text);

private:
    char date_[10] = {};  // the last valid "YYYY-MM-DD" read
    Day day_ = 0;         // its day
    bool known_ = false;
};

// A time zone of the IANA database (the system's zoneinfo).
class TimeZone {
public:
    // Throws std::runtime_error for an unknown zone name.
    explicit TimeZone(const std::string& name);
    static bool exists(const std::string& name);

    const std::string& name() const { return name_; }
    // The wall-clock seconds since 1970-01-01 00:00 of a timestamp in this zone.
    std::int64_t local_seconds(const Timestamp& t) const;
    // The day a timestamp belongs to in this zone.
    Day day_of(const Timestamp& t) const;
    // Today's date in this zone.
    Day today() const;

private:
    std::string name_;
    const date::time_zone* zone_ = nullptr;
};

}  // namespace custclass::config
