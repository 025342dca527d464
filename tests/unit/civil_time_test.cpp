#include "civil_time.h"

#include <gtest/gtest.h>

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

TEST(TimeZone, UnknownNameThrows) {
    EXPECT_THROW(TimeZone("Asia/Hong_Kongg"), std::runtime_error);
    EXPECT_FALSE(TimeZone::exists("Mars/Olympus"));
    EXPECT_TRUE(TimeZone::exists("Asia/Hong_Kong"));
}
