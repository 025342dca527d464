// Days and wall-clock timestamps of the simulated shop. Everything the generator writes is Hong
// Kong local time without a zone, as a POS system stores it, so a timestamp here is a count of
// civil seconds, not an instant. (The engine's own date parsing lives in config/civil_time.h; the
// generator does not depend on the engine and needs only these few conversions.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace custclass::datagen {

// A calendar day as a count of days since 1970-01-01.
using Day = std::int32_t;
// A wall-clock time as a count of seconds since 1970-01-01 00:00:00 (local, no zone).
using LocalSeconds = std::int64_t;

inline constexpr LocalSeconds kSecondsPerDay = 86'400;

struct CivilDate {
    int year = 1970;
    int month = 1;  // 1..12
    int day = 1;    // 1..31
};

Day day_from_civil(CivilDate date);
CivilDate civil_from_day(Day day);

// 0 = Monday ... 6 = Sunday.
int weekday(Day day);

inline Day day_of(LocalSeconds t) {
    return static_cast<Day>(t >= 0 ? t / kSecondsPerDay
                                   : (t - kSecondsPerDay + 1) / kSecondsPerDay);
}
inline LocalSeconds start_of(Day day) {
    return LocalSeconds{day} * kSecondsPerDay;
}

// "YYYY-MM-DD" naming a valid date, or nullopt.
std::optional<Day> parse_day(std::string_view text);

// Writes "YYYY-MM-DD" (10 characters) or "YYYY-MM-DD HH:MM:SS" (19 characters) into out, which
// must have room for them plus a terminating NUL; returns the length written. Years 0..9999.
std::size_t format_day(Day day, char* out);
std::size_t format_timestamp(LocalSeconds t, char* out);

std::string format_day(Day day);
std::string format_timestamp(LocalSeconds t);

}  // namespace custclass::datagen
