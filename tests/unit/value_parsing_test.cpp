#include "value_parsing.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

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

// Plain decimals, the amounts nearly every database writes, over every length up to 18 digits,
// with 0 to 6 decimals against 0, 2 and 4 minor digits: the exact value, rounded half away from
// zero, whether the text takes the one-pass way (at most the minor digits) or the general one.
TEST(ParseMoney, PlainDecimalsOfEveryLengthAreExact) {
    std::uint64_t seed = 0x9e3779b97f4a7c15ULL;
    auto next = [&] {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        return seed;
    };
    for (int i = 0; i < 200000; ++i) {
        const int digits = 1 + static_cast<int>(next() % 18);
        std::string text;
        for (int d = 0; d < digits; ++d) text += static_cast<char>('0' + next() % 10);
        const int fraction = static_cast<int>(next() % 7) % (digits + 1);
        const bool negative = next() % 2;
        std::string written = text;
        if (fraction > 0) written.insert(written.size() - static_cast<std::size_t>(fraction), ".");
        if (negative) written.insert(0, "-");
        if (next() % 5 == 0) written = " " + written + "\t";
        for (const int decimals : {0, 2, 4}) {
            // The expected value: the digits × 10^(decimals − fraction), rounded half away from zero.
            constexpr std::int64_t kLimit = 1000000000000000000LL;  // 18 digits
            std::int64_t magnitude = 0;
            for (const char c : text) magnitude = magnitude * 10 + (c - '0');
            int shift = decimals - fraction;
            int round_digit = 0;
            bool beyond = false;
            for (; shift > 0; --shift) {
                beyond = beyond || magnitude >= kLimit / 10;
                if (!beyond) magnitude *= 10;
            }
            for (; shift < 0; ++shift) {
                round_digit = static_cast<int>(magnitude % 10);
                magnitude /= 10;
            }
            if (round_digit >= 5) ++magnitude;
            if (beyond || magnitude >= kLimit) continue;  // beyond 18 digits
            const std::int64_t expected = negative ? -magnitude : magnitude;
            ASSERT_EQ(parse_money(written, decimals), expected) << written << " with " << decimals << " decimals";
        }
    }
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

// The eight-bytes-at-a-time test of ASCII text: a byte that breaks UTF-8, or a character that
// does not, anywhere in a text of any length (in a word of eight or in the bytes after).
TEST(ValidUtf8, FindsABrokenByteAnywhereInAsciiText) {
    for (std::size_t length = 0; length <= 25; ++length) {
        const std::string ascii(length, 'a');
        EXPECT_TRUE(valid_utf8(ascii)) << length;
        for (std::size_t at = 0; at < length; ++at) {
            std::string broken = ascii;
            broken[at] = '\xff';
            EXPECT_FALSE(valid_utf8(broken)) << length << " " << at;
            std::string chinese = ascii;
            chinese.replace(at, 1, "\xe7\x94\xb0");  // 田
            EXPECT_TRUE(valid_utf8(chinese)) << length << " " << at;
            EXPECT_FALSE(valid_utf8(chinese.substr(0, at + 2))) << length << " " << at;  // cut short
        }
    }
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

// E-mail addresses: trimmed, ASCII letters lower-cased, every other byte (UTF-8) as it is. The
// `_into` forms give the same into a buffer that held a longer value before.
TEST(NormaliseEmail, LowersAsciiLettersOnlyAndWritesIntoAReusedBuffer) {
    EXPECT_EQ(normalise_email("  Chan.Tai-Man@Example.COM\t"), "chan.tai-man@example.com");
    EXPECT_EQ(normalise_email("\xc3\x89LODIE@Caf\xc3\xa9.HK"), "\xc3\x89lodie@caf\xc3\xa9.hk");
    EXPECT_FALSE(normalise_email(" \t "));
    std::string out = "a previous value, longer than any below, in the buffer";
    EXPECT_TRUE(normalise_email_into(" A@B.C ", out));
    EXPECT_EQ(out, "a@b.c");
    EXPECT_FALSE(normalise_email_into("", out));
    out = "a previous value, longer than any below, in the buffer";
    for (const char* phone : {"00852 9123 4567", "(+852) 9123-4567", "9123 4567"}) {
        EXPECT_TRUE(normalise_phone_into(phone, out)) << phone;
        EXPECT_EQ(out, "+85291234567") << phone;
    }
    EXPECT_TRUE(normalise_phone_into("2888 1234", out, "853"));
    EXPECT_EQ(out, "+85328881234");
    EXPECT_FALSE(normalise_phone_into("tel:91234567", out));
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
