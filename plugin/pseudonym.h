// Pseudonymous keys for exports (PRIVACY.md, check 10; DPP4): an export whose purpose does not
// need the customer's identity carries, instead of the customer id, the lower-case hex of
// HMAC-SHA256(key, customer id) under a secret key taken from the environment (the policy's
// `pseudonym_key_env`, CUSTCLASS_PSEUDONYM_KEY by default). The same key gives the same
// pseudonym for a customer in every run, so exports can be joined with each other; without the
// key a pseudonym cannot be traced back to the customer id, nor computed from one.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace custclass::plugin {

// The lower-case hex (64 digits) of HMAC-SHA256(key, message), by OpenSSL. Any key length;
// Pseudonymiser is what enforces a minimum.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

class Pseudonymiser {
public:
    // Customer ids are short and often guessable (sequential numbers, phone numbers): with a
    // short key, an attacker who holds an export could try every key and match the pseudonyms of
    // known customer ids. 16 bytes (128 bits) puts that search out of reach.
    static constexpr std::size_t minimum_key_bytes = 16;

    // `key` is used as bytes, as given. Throws std::invalid_argument when it is shorter than
    // minimum_key_bytes.
    explicit Pseudonymiser(std::string_view key);

    // The key is the environment variable `env_var`'s value, its bytes as they are (text
    // generated with e.g. `openssl rand -base64 32` is used as that text, not decoded). Throws
    // std::runtime_error naming the variable when it is unset, empty or shorter than
    // minimum_key_bytes: the caller then refuses the export.
    static Pseudonymiser from_environment(const std::string& env_var);

    Pseudonymiser(const Pseudonymiser&) = default;
    Pseudonymiser(Pseudonymiser&&) noexcept = default;
    Pseudonymiser& operator=(const Pseudonymiser&) = default;
    Pseudonymiser& operator=(Pseudonymiser&&) noexcept = default;
    ~Pseudonymiser();  // overwrites the key's bytes before they are freed (best effort)

    // hmac_sha256_hex(key, customer_id): 64 lower-case hex digits, the same for the same key and
    // id in every run. Safe to call from several threads at once.
    std::string pseudonym(std::string_view customer_id) const;

private:
    std::string key_;
};

}  // namespace custclass::plugin
