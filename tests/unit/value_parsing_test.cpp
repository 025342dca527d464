#include "value_parsing.h"

#include <gtest/gtest.h>

using namespace custclass::adapters;

TEST(ParseMoney, IsExactInMinorUnits) {
    EXPECT_EQ(parse_money("1234.5", 2), 123450);
    EXPECT_EQ(parse_money("-0.10", 2), -10);
    EXPECT_EQ(parse_money("12", 2), 1200);
    EXPECT_EQ(parse_money(" 0.3 ", 2), 30);
    EXPECT_EQ(parse_money("1.5e3", 2), 150000);
    EXPECT_EQ(parse_money("2.5E-1", 2), 25);
    EXPECT_EQ(parse_money("100", 0), 100);
}

TEST(ParseMoney, RoundsHalfAwayFromZeroBeyondTheMinorUnit) {
    EXPECT_EQ(parse_money("0.125", 2), 13);
    EXPECT_EQ(parse_money("-0.125", 2), -13);
    EXPECT_EQ(parse_money("0.124", 2), 12);
    EXPECT_EQ(parse_money("0.005", 2), 1);
    EXPECT_EQ(parse_money("0.0049", 2), 0);
    EXPECT_EQ(parse_money("1e-9", 2), 0);
}

TEST(ParseMoney, RejectsWhatIsNotANumber) {
    EXPECT_FALSE(parse_money("", 2));
    EXPECT_FALSE(parse_money("abc", 2));
    EXPECT_FALSE(parse_money("1.2.3", 2));
    EXPECT_FALSE(parse_money("12 HKD", 2));
    EXPECT_FALSE(parse_money("1e", 2));
    EXPECT_FALSE(parse_money("99999999999999999999", 2));
}

TEST(NormaliseId, DropsTheZeroFractionOfIntegerKeys) {
    EXPECT_EQ(normalise_id("17850.0"), "17850");
    EXPECT_EQ(normalise_id(" 42 "), "42");
    EXPECT_EQ(normalise_id("17850.5"), "17850.5");
    EXPECT_EQ(normalise_id("C000001"), "C000001");
    EXPECT_EQ(normalise_id("a.0"), "a.0");
}

TEST(ParseFlag, ReadsTheWaysDatabasesWriteBooleans) {
    EXPECT_EQ(parse_flag("1"), true);
    EXPECT_EQ(parse_flag("t"), true);
    EXPECT_EQ(parse_flag("TRUE"), true);
    EXPECT_EQ(parse_flag("0"), false);
    EXPECT_EQ(parse_flag("f"), false);
    EXPECT_FALSE(parse_flag("maybe"));
}

TEST(ValidUtf8, AcceptsChineseAndRejectsBrokenSequences) {
    EXPECT_TRUE(valid_utf8("沙田 Sha Tin"));
    EXPECT_FALSE(valid_utf8("\xff"));
    EXPECT_FALSE(valid_utf8("\xe6\xb2"));         // cut short
    EXPECT_FALSE(valid_utf8("\xc0\xaf"));         // overlong
    EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));     // surrogate
}

// Tryton stores a Hong Kong phone as typed ("9123 4567", "(+852) 9123-4567") without
// python3-phonenumbers and in international format ("+852 9123 4567") with it: one number.
TEST(NormalisePhone, ReadsEveryFormOfOneNumberAsTheSameE164) {
    for (const char* phone : {"9123 4567", "+852 9123 4567", "+85291234567", "(+852) 9123-4567",
                              "(+852)91234567", "00852 9123 4567", "9123-4567", " 9123.4567 "})
        EXPECT_EQ(normalise_phone(phone), "+85291234567") << phone;
    EXPECT_EQ(normalise_phone("+853 9123 4567"), "+85391234567");  // Macau: another number
    EXPECT_EQ(normalise_phone("(+853) 2888-1234"), "+85328881234");
}

TEST(NormalisePhone, RejectsWhatIsNotAPhoneNumber) {
    for (const char* phone : {"", " ", "()", "9123+4567", "++852 9123 4567", "(1+852) 9123",
                              "+852 9123 4567 ext. 8", "tel:91234567"})
        EXPECT_FALSE(normalise_phone(phone)) << phone;
}

TEST(ValueParsing, NumbersOfHostColumns) {
    EXPECT_EQ(parse_number("12"), 12.0);
    EXPECT_EQ(parse_number(" -3.5 "), -3.5);
    EXPECT_EQ(parse_number("+1e3"), 1000.0);
    EXPECT_FALSE(parse_number(""));
    EXPECT_FALSE(parse_number("12,5"));
    EXPECT_FALSE(parse_number("inf"));
    EXPECT_FALSE(parse_number("nan"));
    EXPECT_FALSE(parse_number("1 2"));
}
