#include "civil_time.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

using namespace custclass::config;

TEST(ParseDay, AcceptsValidCalendarDates) {
    EXPECT_EQ(parse_day("1970-01-01"), 0);
    EXPECT_EQ(parse_day("2024-02-29"), 19782);
    EXPECT_EQ(format_day(*parse_day("2026-11-30")), "2026-11-30");
}

TEST(ParseDay, RejectsImpossibleDatesAndOtherShapes) {
    EXPECT_FALSE(parse_day("2023-02-29"));
    EXPECT_FALSE(parse_day("2026-13-01"));
    EXPECT_FALSE(parse_day("2026-1-01"));
    EXPECT_FALSE(parse_day("20260101"));
    EXPECT_FALSE(parse_day(""));
}

TEST(ParseTimestamp, WithoutZoneIsCivilTime) {
    const auto t = parse_timestamp("2026-01-02 23:30:00");
    ASSERT_TRUE(t);
    EXPECT_FALSE(t->has_zone);
    EXPECT_EQ(TimeZone("Asia/Hong_Kong").day_of(*t), *parse_day("2026-01-02"));
}

TEST(ParseTimestamp, WithZoneBecomesTheLocalDayOfTheRuleSetZone) {
    // 16:30 UTC is 00:30 the next day in Hong Kong (UTC+8).
    const auto t = parse_timestamp("2026-01-02T16:30:00Z");
    ASSERT_TRUE(t);
    EXPECT_TRUE(t->has_zone);
    EXPECT_EQ(TimeZone("Asia/Hong_Kong").day_of(*t), *parse_day("2026-01-03"));
    EXPECT_EQ(TimeZone("UTC").day_of(*t), *parse_day("2026-01-02"));
    // PostgreSQL's timestamptz text: "+08".
    const auto pg = parse_timestamp("2026-01-03 00:30:00+08");
    ASSERT_TRUE(pg);
    EXPECT_EQ(pg->seconds, t->seconds);
    EXPECT_EQ(parse_timestamp("2026-01-03 00:30:00.123456+08:00")->seconds, t->seconds);
}

TEST(ParseTimestamp, RejectsGarbage) {
    EXPECT_FALSE(parse_timestamp("yesterday"));
    EXPECT_FALSE(parse_timestamp("2026-01-02 25:00"));
    EXPECT_FALSE(parse_timestamp("2026-01-02 10:00 +8"));
    EXPECT_FALSE(parse_timestamp("2026-01-02X10:00"));
}

// TimestampParser keeps the last date's day: over a column of timestamps where dates repeat,
// change, come back and are followed by impossible dates and other shapes sharing their first
// characters, it gives exactly what parse_timestamp gives, value by value.
TEST(TimestampParser, GivesWhatParseTimestampGives) {
    const std::vector<std::string> pool = {
        "2024-02-28 23:59:59", "2024-02-29 00:00:00", "2024-02-29 10:00", "2024-02-29",
        "2024-02-29T10:00:00Z", "2024-02-29 10:00:00+08:00", "2024-02-29x", "2024-02-29 25:00",
        "2023-02-29 10:00:00", "2023-02-28 10:00:00", "2024-02-2", "2024-02-30 00:00:00",
        "2026-11-30 12:34:56.789", "2026-11-30 ", "", "not a date", "2026-11-3010:00",
        "2026-12-01 00:00:01", "1970-01-01 00:00:00", "1969-12-31 23:59:59"};
    TimestampParser parse;
    std::uint32_t state = 7;
    for (int i = 0; i < 20000; ++i) {
        state = state * 1103515245u + 12345u;
        // Runs of the same value, as orders of one day come.
        const std::string& text = pool[(state >> 16) % pool.size()];
        for (int k = 0; k < static_cast<int>((state >> 8) % 3) + 1; ++k) {
            const auto expected = parse_timestamp(text);
            const auto got = parse(text);
            ASSERT_EQ(got.has_value(), expected.has_value()) << text;
            if (expected) {
                EXPECT_EQ(got->seconds, expected->seconds) << text;
                EXPECT_EQ(got->has_zone, expected->has_zone) << text;
            }
        }
    }
}

TEST(TimeZone, UnknownNameThrows) {
    EXPECT_THROW(TimeZone("Asia/Hong_Kongg"), std::runtime_error);
    EXPECT_FALSE(TimeZone::exists("Mars/Olympus"));
    EXPECT_TRUE(TimeZone::exists("Asia/Hong_Kong"));
}
