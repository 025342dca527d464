#include "calendar.h"

namespace custclass::datagen {

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian calendar).
Day day_from_civil(CivilDate date) {
    const int y = date.year - (date.month <= 2 ? 1 : 0);
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int mp = date.month > 2 ? date.month - 3 : date.month + 9;
    const int doy = (153 * mp + 2) / 5 + date.day - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

CivilDate civil_from_day(Day day) {
    const int z = day + 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const int doe = z - era * 146097;
    const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int mp = (5 * doy + 2) / 153;
    const int d = doy - (153 * mp + 2) / 5 + 1;
    const int m = mp < 10 ? mp + 3 : mp - 9;
    return {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

int weekday(Day day) {
    // 1970-01-01 was a Thursday (3 when Monday is 0).
    const int w = (day + 3) % 7;
    return w < 0 ? w + 7 : w;
}

std::optional<Day> parse_day(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    int fields[3] = {0, 0, 0};
    const std::size_t starts[3] = {0, 5, 8};
    const std::size_t lengths[3] = {4, 2, 2};
    for (int f = 0; f < 3; ++f) {
        for (std::size_t i = starts[f]; i < starts[f] + lengths[f]; ++i) {
            if (text[i] < '0' || text[i] > '9') return std::nullopt;
            fields[f] = fields[f] * 10 + (text[i] - '0');
        }
    }
    const CivilDate date{fields[0], fields[1], fields[2]};
    if (date.month < 1 || date.month > 12 || date.day < 1) return std::nullopt;
    const Day day = day_from_civil(date);
    const CivilDate back = civil_from_day(day);  // rejects 2025-02-30 and the like
    if (back.month != date.month || back.day != date.day) return std::nullopt;
    return day;
}

namespace {

char* put_digits(char* out, int value, int width) {
    for (int i = width - 1; i >= 0; --i) {
        out[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    return out + width;
}

}  // namespace

std::size_t format_day(Day day, char* out) {
    const CivilDate date = civil_from_day(day);
    char* p = put_digits(out, date.year, 4);
    *p++ = '-';
    p = put_digits(p, date.month, 2);
    *p++ = '-';
    p = put_digits(p, date.day, 2);
    *p = '\0';
    return static_cast<std::size_t>(p - out);
}

std::size_t format_timestamp(LocalSeconds t, char* out) {
    const Day day = day_of(t);
    const int seconds = static_cast<int>(t - start_of(day));
    char* p = out + format_day(day, out);
    *p++ = ' ';
    p = put_digits(p, seconds / 3600, 2);
    *p++ = ':';
    p = put_digits(p, seconds / 60 % 60, 2);
    *p++ = ':';
    p = put_digits(p, seconds % 60, 2);
    *p = '\0';
    return static_cast<std::size_t>(p - out);
}

std::string format_day(Day day) {
    char buffer[16];
    return std::string(buffer, format_day(day, buffer));
}

std::string format_timestamp(LocalSeconds t) {
    char buffer[24];
    return std::string(buffer, format_timestamp(t, buffer));
}

}  // namespace custclass::datagen
