#include "pseudonym.h"

#include "content_hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <climits>
#include <cstdlib>
#include <stdexcept>

namespace custclass::plugin {

namespace {

std::string too_short(std::size_t bytes) {
    return "a key of " + std::to_string(bytes) + " bytes is too short: at least " +
           std::to_string(Pseudonymiser::minimum_key_bytes) +
           " bytes are needed, or pseudonyms of known customer ids could be matched by trying "
           "every key (brute force)";
}

std::string_view checked(std::string_view key) {
    if (key.size() < Pseudonymiser::minimum_key_bytes)
        throw std::invalid_argument("pseudonymisation key: " + too_short(key.size()));
    return key;
}

}  // namespace

// OpenSSL 3's one-shot HMAC() is not deprecated (HMAC_CTX is); it keeps no state between calls,
// so concurrent calls are safe.
std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
    if (key.size() > static_cast<std::size_t>(INT_MAX))
        throw std::invalid_argument("an HMAC key longer than INT_MAX bytes");
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int length = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(),
             &length) == nullptr)
        throw std::runtime_error("HMAC-SHA256 failed (OpenSSL)");
    return hex_digits(mac.data(), length);
}

Pseudonymiser::Pseudonymiser(std::string_view key) : key_(checked(key)) {}

Pseudonymiser Pseudonymiser::from_environment(const std::string& env_var) {
    const char* value = std::getenv(env_var.c_str());
    if (value == nullptr)
        throw std::runtime_error("the pseudonymisation key's environment variable " + env_var +
                                 " is not set; exports that need pseudonyms are refused");
    const std::string_view key(value);
    if (key.empty())
        throw std::runtime_error("the pseudonymisation key's environment variable " + env_var +
                                 " is empty; exports that need pseudonyms are refused");
    if (key.size() < minimum_key_bytes)
        throw std::runtime_error("the pseudonymisation key in the environment variable " + env_var +
                                 " is unusable: " + too_short(key.size()) +
                                 "; exports that need pseudonyms are refused");
    return Pseudonymiser(key);
}

Pseudonymiser::~Pseudonymiser() {
    OPENSSL_cleanse(key_.data(), key_.size());
}

std::string Pseudonymiser::pseudonym(std::string_view customer_id) const {
    return hmac_sha256_hex(key_, customer_id);
}

}  // namespace custclass::plugin
