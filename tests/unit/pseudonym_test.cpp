// Pseudonymous keys for exports (PRIVACY.md check 10): HMAC-SHA256 of the customer id under a
// key from the environment.
#include "pseudonym.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <stdexcept>
#include <string>

using namespace custclass::plugin;

namespace {

const std::string kKey = "correct horse battery staple";  // 28 bytes
const char* const kVariable = "CUSTCLASS_TEST_PSEUDONYM_KEY";

// The message of the std::runtime_error `f` throws ("" when it throws nothing).
std::string runtime_error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Sets (or, given nullptr, unsets) the test's variable for one test, and unsets it afterwards.
class PseudonymKeyFromEnvironment : public ::testing::Test {
protected:
    static void set(const char* value) {
        if (value == nullptr)
            ::unsetenv(kVariable);
        else
            ::setenv(kVariable, value, 1);
    }
    void TearDown() override { ::unsetenv(kVariable); }
};

}  // namespace

TEST(HmacSha256, MatchesRfc4231TestCase2) {
    EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// Test case 1's key is 20 bytes, long enough for a Pseudonymiser: the pseudonym is the HMAC.
TEST(Pseudonym, IsTheLowerCaseHexOfHmacSha256OfTheCustomerId) {
    const Pseudonymiser p(std::string(20, '\x0b'));
    EXPECT_EQ(p.pseudonym("Hi There"),
              "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

// The expected value was computed outside the plugin:
//   printf 'C000001' | openssl dgst -sha256 -hmac 'correct horse battery staple'
TEST(Pseudonym, IsStableAcrossRunsForTheSameKeyAndId) {
    const std::string expected = "8924074f35358feb7b85895b8ac86c8fd6801806f737dcef2d6167b70a7b8b4a";
    EXPECT_EQ(Pseudonymiser(kKey).pseudonym("C000001"), expected);
    EXPECT_EQ(Pseudonymiser(kKey).pseudonym("C000001"), expected);
    const Pseudonymiser p(kKey);
    EXPECT_EQ(p.pseudonym("C000001"), p.pseudonym("C000001"));
}

TEST(Pseudonym, IsSixtyFourLowerCaseHexDigits) {
    for (const char* id : {"", "C000001", "17850", "陳大文"}) {
        const std::string pseudonym = Pseudonymiser(kKey).pseudonym(id);
        EXPECT_EQ(pseudonym.size(), 64u) << id;
        EXPECT_EQ(pseudonym.find_first_not_of("0123456789abcdef"), std::string::npos) << pseudonym;
    }
}

TEST(Pseudonym, DiffersForAnotherKeyOrAnotherId) {
    const Pseudonymiser a(kKey), b(kKey + "!"), c("another key of enough length");
    EXPECT_NE(a.pseudonym("C000001"), b.pseudonym("C000001"));
    EXPECT_NE(a.pseudonym("C000001"), c.pseudonym("C000001"));
    EXPECT_NE(a.pseudonym("C000001"), a.pseudonym("C000002"));
    EXPECT_NE(a.pseudonym("C000001"), a.pseudonym("c000001"));
}

TEST(Pseudonym, DoesNotContainTheCustomerId) {
    const std::string pseudonym = Pseudonymiser(kKey).pseudonym("12345");
    EXPECT_FALSE(contains(pseudonym, "12345"));
}

TEST(Pseudonym, RefusesAKeyShorterThanSixteenBytesAndSaysWhy) {
    EXPECT_NO_THROW(Pseudonymiser(std::string(16, 'k')));
    try {
        Pseudonymiser p(std::string(15, 'k'));
        FAIL() << "a 15-byte key was accepted";
    } catch (const std::invalid_argument& e) {
        const std::string message = e.what();
        EXPECT_TRUE(contains(message, "15 bytes")) << message;
        EXPECT_TRUE(contains(message, "at least 16 bytes")) << message;
        EXPECT_TRUE(contains(message, "brute force")) << message;
    }
    EXPECT_THROW(Pseudonymiser(""), std::invalid_argument);
}

TEST(Pseudonym, CountsTheKeyInBytesNotCharacters) {
    // Six Chinese characters are 18 bytes in UTF-8: long enough.
    EXPECT_NO_THROW(Pseudonymiser("個人資料私隱"));
    // Five are 15 bytes: too short.
    EXPECT_THROW(Pseudonymiser("個人資料私"), std::invalid_argument);
}

TEST_F(PseudonymKeyFromEnvironment, ReadsTheKeyFromTheNamedVariable) {
    set(kKey.c_str());
    EXPECT_EQ(Pseudonymiser::from_environment(kVariable).pseudonym("C000001"),
              Pseudonymiser(kKey).pseudonym("C000001"));
}

TEST_F(PseudonymKeyFromEnvironment, AnUnsetVariableIsAClearErrorNamingIt) {
    set(nullptr);
    const std::string message =
        runtime_error_of([] { Pseudonymiser::from_environment(kVariable); });
    EXPECT_TRUE(contains(message, kVariable)) << message;
    EXPECT_TRUE(contains(message, "not set")) << message;
    EXPECT_TRUE(contains(message, "refused")) << message;
}

TEST_F(PseudonymKeyFromEnvironment, AnEmptyVariableIsAClearErrorNamingIt) {
    set("");
    const std::string message =
        runtime_error_of([] { Pseudonymiser::from_environment(kVariable); });
    EXPECT_TRUE(contains(message, kVariable)) << message;
    EXPECT_TRUE(contains(message, "empty")) << message;
}

TEST_F(PseudonymKeyFromEnvironment, AShortKeyIsAClearErrorNamingTheVariableAndSayingWhy) {
    set("Jefe");
    const std::string message =
        runtime_error_of([] { Pseudonymiser::from_environment(kVariable); });
    EXPECT_TRUE(contains(message, kVariable)) << message;
    EXPECT_TRUE(contains(message, "4 bytes")) << message;
    EXPECT_TRUE(contains(message, "at least 16 bytes")) << message;
    EXPECT_TRUE(contains(message, "brute force")) << message;
    EXPECT_FALSE(contains(message, "Jefe")) << "the error must not show the key: " << message;
}
