// Personal identifiers in free text (PRIVACY.md checks 3 and 9): the HKID check digit, the
// finder's documented forms and boundaries, and masking.
#include "personal_identifiers.h"

#include <gtest/gtest.h>

#include <cctype>
#include <random>
#include <string>
#include <vector>

#include "utf8.h"

using namespace custclass::plugin;

namespace {

// --- An independent reference for the check character, written from PRIVACY.md's text -------

// The value of one character of the padded eight: a space 36, a letter A=10 .. Z=35, a digit its
// value.
int reference_value(char c) {
    if (c == ' ') return 36;
    if (c >= 'A' && c <= 'Z') return 10 + (c - 'A');
    return c - '0';
}

// The check character of `body` (one or two upper-case letters and six digits).
char reference_check(const std::string& body) {
    const std::string eight = body.size() == 7 ? " " + body : body;
    const int weights[8] = {9, 8, 7, 6, 5, 4, 3, 2};
    int sum = 0;
    for (int i = 0; i < 8; ++i)
        sum += reference_value(eight[static_cast<std::size_t>(i)]) * weights[i];
    const int check = (11 - sum % 11) % 11;
    return check == 10 ? 'A' : static_cast<char>('0' + check);
}

// A valid HKID number without brackets ("CA1823611"), one or two letters.
std::string random_valid_hkid(std::mt19937_64& rng) {
    std::uniform_int_distribution<int> letter(0, 25), digit(0, 9), two(0, 1);
    std::string body;
    const int letters = two(rng) == 0 ? 1 : 2;
    for (int i = 0; i < letters; ++i) body += static_cast<char>('A' + letter(rng));
    for (int i = 0; i < 6; ++i) body += static_cast<char>('0' + digit(rng));
    return body + reference_check(body);
}

std::vector<std::string> masked_kinds(std::string_view text) {
    std::vector<std::string> kinds;
    for (const FoundIdentifier& f : find_personal_identifiers(text))
        kinds.emplace_back(identifier_kind_name(f.kind));
    return kinds;
}

}  // namespace

// --- The check digit ---------------------------------------------------------------------------

TEST(Hkid, AcceptsTheExamplesOfThePolicy) {
    EXPECT_TRUE(is_valid_hkid("A123456(3)"));
    EXPECT_TRUE(is_valid_hkid("CA182361(1)"));
    EXPECT_TRUE(is_valid_hkid("G123456(A)"));
}

TEST(Hkid, RejectsTheInvalidExampleOfThePolicy) {
    EXPECT_FALSE(is_valid_hkid("C876300(0)"));
}

TEST(Hkid, TheReferenceImplementationOfTheTestAgreesWithThePolicyExamples) {
    EXPECT_EQ(reference_check("A123456"), '3');
    EXPECT_EQ(reference_check("CA182361"), '1');
    EXPECT_EQ(reference_check("G123456"), 'A');
    EXPECT_NE(reference_check("C876300"), '0');
}

TEST(Hkid, IgnoresCaseSpacesAndBrackets) {
    for (const char* id : {"a123456(3)", "A1234563", "A123456 (3)", " A 123456 ( 3 ) ",
                           "ca182361(1)", "Ca1823611", "g123456(a)", "G123456A", "(A123456)3"})
        EXPECT_TRUE(is_valid_hkid(id)) << id;
}

TEST(Hkid, RejectsWhatIsNotOneOrTwoLettersSixDigitsAndACheckCharacter) {
    for (const char* id :
         {"", "A", "()", "A12345(3)", "A1234567(3)", "1234563", "A123456", "A123456(B)",
          "A123456-3", "A123456[3]", "A\t123456(3)", "A123456(3)(3)", "ABCA123456(3)",
          "\xEF\xBC\xA1"
          "123456(3)"})
        EXPECT_FALSE(is_valid_hkid(id)) << id;
}

// 20,000 generated numbers, one and two letters, the check character computed by the test's own
// reference implementation: each is valid in every written form.
TEST(HkidProperty, EveryGeneratedValidNumberIsAcceptedInEveryWrittenForm) {
    std::mt19937_64 rng(20261130);
    int one_letter = 0, two_letters = 0;
    for (int n = 0; n < 20000; ++n) {
        const std::string id = random_valid_hkid(rng);
        (id.size() == 8 ? one_letter : two_letters)++;
        const std::string body = id.substr(0, id.size() - 1);
        const std::string check(1, id.back());
        std::string lower = id;
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        ASSERT_TRUE(is_valid_hkid(id)) << id;
        ASSERT_TRUE(is_valid_hkid(body + "(" + check + ")")) << id;
        ASSERT_TRUE(is_valid_hkid(body + " (" + check + ")")) << id;
        ASSERT_TRUE(is_valid_hkid(lower)) << id;
    }
    // Both prefix lengths were exercised many times.
    EXPECT_GT(one_letter, 9000);
    EXPECT_GT(two_letters, 9000);
}

// Every single-character substitution (by any other digit or upper-case letter) of a valid number
// makes it invalid, with one exception that the algorithm itself implies: in a LETTER position,
// a letter whose value differs by 11 or 22 (A<->L<->W, B<->M<->X, ..., K<->V) changes S by a
// multiple of 11 (the weight is 2..9, so 11 divides weight x difference only when it divides the
// difference), keeps S mod 11 and so the check character: that number is valid too. So exactly:
// digit positions and the check character: every change fails; letter positions: a change fails
// unless it is to a letter whose value differs by a multiple of 11 (a digit there breaks the
// format).
TEST(HkidProperty, EverySingleCharacterChangeFailsExceptALetterMovedByAMultipleOfEleven) {
    std::mt19937_64 rng(852);
    const std::string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    long checked = 0, still_valid = 0;
    for (int n = 0; n < 20000; ++n) {
        const std::string id = random_valid_hkid(rng);
        const std::size_t letters = id.size() - 7;
        for (std::size_t pos = 0; pos < id.size(); ++pos) {
            for (const char c : alphabet) {
                if (c == id[pos]) continue;
                std::string changed = id;
                changed[pos] = c;
                const bool letter_position = pos < letters;
                const bool letter = c >= 'A' && c <= 'Z';
                const bool expected = letter_position && letter && (c - id[pos]) % 11 == 0;
                ASSERT_EQ(is_valid_hkid(changed), expected) << id << " -> " << changed;
                ++checked;
                still_valid += expected;
            }
        }
    }
    EXPECT_GT(checked, 20000L * 8 * 35);
    EXPECT_GT(still_valid, 0);  // the exception did occur, and was asserted as valid
}

TEST(HkidProperty, EveryGeneratedValidNumberIsFoundInTextAndAChangedDigitIsNot) {
    std::mt19937_64 rng(4);
    std::uniform_int_distribution<int> form(0, 4), digit_position(0, 5), step(1, 9);
    for (int n = 0; n < 20000; ++n) {
        const std::string id = random_valid_hkid(rng);
        const std::string body = id.substr(0, id.size() - 1);
        const std::string check(1, id.back());
        std::string written;
        switch (form(rng)) {
            case 0:
                written = id;
                break;
            case 1:
                written = body + "(" + check + ")";
                break;
            case 2:
                written = body + " (" + check + ")";
                break;
            case 3:
                written = body + "\xEF\xBC\x88" + check + "\xEF\xBC\x89";
                break;
            default:
                written = id;
                for (char& c : written)
                    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        const std::string text = "客戶 " + written + " 已核實";
        ASSERT_EQ(mask_personal_identifiers(text), "客戶 [HKID] 已核實") << written;

        std::string wrong = written;
        const std::size_t pos = body.size() - 6 + static_cast<std::size_t>(digit_position(rng));
        wrong[pos] = static_cast<char>('0' + (wrong[pos] - '0' + step(rng)) % 10);
        ASSERT_EQ(mask_personal_identifiers("客戶 " + wrong + " 已核實"),
                  "客戶 " + wrong + " 已核實")
            << wrong;
    }
}

// --- Finding HKID numbers ------------------------------------------------------------------------

TEST(FindHkid, FindsAnHkidInsideChineseTextAndKeepsEveryByteAroundIt) {
    const std::string text = "客戶身份證號碼A123456(3)，請核對。";
    const auto found = find_personal_identifiers(text);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].offset, std::string("客戶身份證號碼").size());
    EXPECT_EQ(found[0].length, std::string("A123456(3)").size());
    EXPECT_EQ(found[0].kind, IdentifierKind::hkid);
    EXPECT_EQ(found[0].normalised, "");  // no copy of a government identifier is handed on
    EXPECT_EQ(mask_personal_identifiers(text), "客戶身份證號碼[HKID]，請核對。");
}

TEST(FindHkid, FindsEveryDocumentedForm) {
    for (const char* id : {"A123456(3)", "A1234563", "a123456(3)", "a1234563", "A123456 (3)",
                           "CA182361(1)", "ca1823611", "G123456(A)", "G123456A", "g123456a",
                           "A123456\xEF\xBC\x88"
                           "3\xEF\xBC\x89",
                           "A123456 \xEF\xBC\x88"
                           "3\xEF\xBC\x89"}) {
        EXPECT_EQ(mask_personal_identifiers(std::string("HKID: ") + id + "."), "HKID: [HKID].")
            << id;
        EXPECT_EQ(mask_personal_identifiers(id), "[HKID]") << id;
    }
}

TEST(FindHkid, FindsTheFullWidthBracketsOfChineseTextAsWholeCharacters) {
    const std::string text = "身份證：A123456（3）。";
    const auto found = find_personal_identifiers(text);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(text.substr(found[0].offset, found[0].length), "A123456（3）");
    EXPECT_EQ(mask_personal_identifiers(text), "身份證：[HKID]。");
}

TEST(FindHkid, LeavesAnHkidWithAWrongCheckDigitAlone) {
    for (const char* text : {"C876300(0)", "ID C876300(0) on file", "A123456(4)", "A1234564",
                             "CA182361(2)", "G123456(0)"})
        EXPECT_EQ(mask_personal_identifiers(text), text) << text;
}

TEST(FindHkid, IgnoresANumberGluedToAWordOrALongerNumberAndUndocumentedForms) {
    ASSERT_FALSE(is_valid_hkid("DA1234563"));  // so that "DA..." below is not itself an HKID
    for (const char* text : {"ZDA1234563", "DA1234563", "A12345634", "A1234563B", "9A1234563",
                             "A 123456(3)", "A123456(3", "A123456  (3)", "A123456[3]"})
        EXPECT_EQ(mask_personal_identifiers(text), text) << text;
}

TEST(FindHkid, TheBracketedFormNeedsNothingAfterTheClosingBracket) {
    EXPECT_EQ(mask_personal_identifiers("A123456(3)abc"), "[HKID]abc");
    EXPECT_EQ(mask_personal_identifiers("(A123456(3))"), "([HKID])");
}

// --- Finding phone numbers -----------------------------------------------------------------------

TEST(FindPhone, FindsEveryDocumentedFormAndGivesItInE164) {
    for (const char* phone :
         {"91234567", "9123 4567", "9123-4567", "+85291234567", "+852 9123 4567", "+852-9123-4567",
          "+852 91234567", "(+852) 9123 4567", "(+852)9123-4567", "(+852)-91234567",
          "852 9123 4567", "85291234567", "852-9123-4567", "(852) 9123 4567", "00852 9123 4567",
          "0085291234567"}) {
        const std::string text = std::string("請致電 ") + phone + " 聯絡";
        const auto found = find_personal_identifiers(text);
        ASSERT_EQ(found.size(), 1u) << phone;
        EXPECT_EQ(found[0].kind, IdentifierKind::phone) << phone;
        EXPECT_EQ(text.substr(found[0].offset, found[0].length), phone);
        EXPECT_EQ(found[0].normalised, "+85291234567") << phone;
        EXPECT_EQ(mask_personal_identifiers(text), "請致電 [PHONE] 聯絡") << phone;
    }
}

TEST(FindPhone, FindsNumbersStartingWithEveryDigitFromTwoToNine) {
    for (char first = '2'; first <= '9'; ++first) {
        const std::string phone = std::string(1, first) + "1234567";
        EXPECT_EQ(mask_personal_identifiers("Tel " + phone), "Tel [PHONE]") << phone;
    }
    for (const char* phone : {"01234567", "11234567", "+852 1234 5678", "0123 4567"})
        EXPECT_EQ(mask_personal_identifiers(phone), phone) << phone;
}

TEST(FindPhone, FindsNumbersInAListAndAtTheEndOfASentence) {
    EXPECT_EQ(mask_personal_identifiers("Tel: 2345 6789, 9123-4567; 61234567."),
              "Tel: [PHONE], [PHONE]; [PHONE].");
    EXPECT_EQ(mask_personal_identifiers("23456789/91234567"), "[PHONE]/[PHONE]");
    EXPECT_EQ(mask_personal_identifiers("手機91234567（晚上）"), "手機[PHONE]（晚上）");
    EXPECT_EQ(mask_personal_identifiers("Tel.91234567"), "Tel.[PHONE]");
}

TEST(FindPhone, DoesNotFindEightDigitsInsideALongerDigitRun) {
    for (const char* text :
         {"123456789012", "912345678", "Card 4111111111111111", "account 0091234567890",
          "X91234567", "91234567X", "852912345678", "991234567"})
        EXPECT_EQ(mask_personal_identifiers(text), text) << text;
}

TEST(FindPhone, DoesNotFindOrderIdsReferencesAmountsOrDecimals) {
    for (const char* text :
         {"Order ORD-91234567 shipped", "SO20261130", "INV_23456789", "order #91234567",
          "ref 2026-1130-0042", "item 91234567-01", "REF/91234567", "HK$23456789", "$23456789",
          "3.91234567", "23456789.50", "+91234567", "v1.2345.6789"})
        EXPECT_EQ(mask_personal_identifiers(text), text) << text;
}

TEST(FindPhone, DoesNotFindDatesAndTimes) {
    for (const char* text : {"2026-11-30", "30/11/2026", "2026-11-30T10:15:00+08:00", "2026.11.30",
                             "2026年11月30日", "30-11-2026 23:59"})
        EXPECT_EQ(mask_personal_identifiers(text), text) << text;
}

// Documented over-masking: an eight-digit date is the number 2026 1130, and a space does not
// join digit groups, so the tail of a foreign number is masked (it is a phone number all the same).
TEST(FindPhone, MasksWhatCannotBeToldFromAHongKongNumber) {
    EXPECT_EQ(mask_personal_identifiers("20261130"), "[PHONE]");
    EXPECT_EQ(mask_personal_identifiers("+44 20 7946 0958"), "+44 20 [PHONE]");
    EXPECT_EQ(mask_personal_identifiers("91234567 98765432"), "[PHONE] [PHONE]");
}

// --- Finding e-mail addresses --------------------------------------------------------------------

TEST(FindEmail, FindsAddressesAndGivesThemLowerCased) {
    const std::string text = "Email: Chan.Tai-Man+crm@Example.com.hk.";
    const auto found = find_personal_identifiers(text);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].kind, IdentifierKind::email);
    EXPECT_EQ(text.substr(found[0].offset, found[0].length), "Chan.Tai-Man+crm@Example.com.hk");
    EXPECT_EQ(found[0].normalised, "chan.tai-man+crm@example.com.hk");
    EXPECT_EQ(mask_personal_identifiers(text), "Email: [EMAIL].");
}

TEST(FindEmail, FindsAddressesBetweenChineseCharactersAndPunctuation) {
    EXPECT_EQ(mask_personal_identifiers("電郵chan@example.com謝謝"), "電郵[EMAIL]謝謝");
    EXPECT_EQ(mask_personal_identifiers("<a_b%c@mail.example.org>, x.y@sub-domain.example.hk"),
              "<[EMAIL]>, [EMAIL]");
    EXPECT_EQ(mask_personal_identifiers("mailto:chan@example.com"), "mailto:[EMAIL]");
    EXPECT_EQ(mask_personal_identifiers("...chan@example.com..."), "...[EMAIL]...");
}

TEST(FindEmail, IgnoresWhatIsNotAnAddress) {
    for (const char* text :
         {"user@localhost", "a@b.c", "@example.com", "chan@", "a@-b.com", "a@b-.com", "a@b..com",
          "foo@bar.c0m", "price @ 5.00", "a@.com", "@@", "電郵@example.com"})
        EXPECT_EQ(mask_personal_identifiers(text), text) << text;
}

TEST(FindEmail, AnAddressMadeOfAPhoneNumberIsOneAddress) {
    EXPECT_EQ(masked_kinds("91234567@example.com"), std::vector<std::string>{"email"});
    EXPECT_EQ(mask_personal_identifiers("91234567@example.com"), "[EMAIL]");
}

// --- Masking -------------------------------------------------------------------------------------

TEST(Mask, ReplacesEachKindWithItsTokenAndKeepsEverythingElseByteForByte) {
    const std::string text =
        "陳大文 (HKID A123456(3)) 電話 +852 9123 4567，電郵 chan@example.com；訂單 SO-2026-000123，"
        "日期 2026-11-30。\n\tC876300(0)";
    EXPECT_EQ(mask_personal_identifiers(text),
              "陳大文 (HKID [HKID]) 電話 [PHONE]，電郵 [EMAIL]；訂單 SO-2026-000123，"
              "日期 2026-11-30。\n\t"
              "C876300(0)");
    EXPECT_EQ(masked_kinds(text), (std::vector<std::string>{"hkid", "phone", "email"}));
}

TEST(Mask, LeavesTextWithoutIdentifiersExactlyAsItIs) {
    std::string text = "no identifiers here: 沙田 Sha Tin, 12 items\r\n";
    text += '\0';
    text += "x \xff\xe6 91234";  // a NUL, bytes that are not UTF-8, too few digits
    EXPECT_EQ(mask_personal_identifiers(text), text);
    EXPECT_EQ(mask_personal_identifiers(""), "");
}

TEST(Mask, OverlappingMatchesAreMaskedAsOneSpanLeavingNoPartVisible) {
    // The phone number runs into the local part of the address "4567.chan@example.com".
    const std::string text = "+852 9123 4567.chan@example.com";
    const auto found = find_personal_identifiers(text);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].offset, 0u);
    EXPECT_EQ(found[0].length, text.size());
    EXPECT_EQ(mask_personal_identifiers(text), "[PHONE]");
}

TEST(Mask, TokensAreFixed) {
    EXPECT_EQ(mask_token(IdentifierKind::hkid), "[HKID]");
    EXPECT_EQ(mask_token(IdentifierKind::phone), "[PHONE]");
    EXPECT_EQ(mask_token(IdentifierKind::email), "[EMAIL]");
}

// Random text built from identifiers, near-misses, separators and multi-byte characters: spans
// are in order, do not overlap, begin and end on character boundaries, and the masked text is
// well-formed UTF-8 and equals the text with each span replaced.
TEST(MaskProperty, SpansAreOrderedAndDisjointAndMaskingKeepsUtf8WellFormed) {
    const std::vector<std::string> pieces = {
        "A123456(3)", "C876300(0)", "9123 4567",   "+852", "852",    "1",  "0", "@",
        ".",          "-",          " ",           "(",    ")",      "/",  "#", "x",
        "Z",          "chan",       "example.com", "客",   "（",     "）", "é", "😀",
        "\n",         "2026-11-30", "ca182361",    "A",    "G123456"};
    std::mt19937_64 rng(30);
    std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1), count(0, 40);
    const auto is_boundary = [](const std::string& s, std::size_t i) {
        return i == s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
    };
    for (int n = 0; n < 5000; ++n) {
        std::string text;
        for (std::size_t k = count(rng); k > 0; --k) text += pieces[pick(rng)];
        const auto found = find_personal_identifiers(text);
        std::string expected;
        std::size_t copied = 0;
        for (const FoundIdentifier& f : found) {
            ASSERT_GE(f.offset, copied) << text;
            ASSERT_GT(f.length, 0u) << text;
            ASSERT_LE(f.offset + f.length, text.size()) << text;
            ASSERT_TRUE(is_boundary(text, f.offset) && is_boundary(text, f.offset + f.length))
                << text;
            expected += text.substr(copied, f.offset - copied);
            expected += mask_token(f.kind);
            copied = f.offset + f.length;
        }
        expected += text.substr(copied);
        const std::string masked = mask_personal_identifiers(text);
        ASSERT_EQ(masked, expected) << text;
        ASSERT_TRUE(custclass::config::valid_utf8(masked)) << text;
    }
}
