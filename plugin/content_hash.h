// Content hashes and random identifiers (OpenSSL): the rule set's hash stored with every run,
// and run ids.
#pragma once

#include <string>
#include <string_view>

namespace custclass::plugin {

// "sha256:" followed by the 64 hex digits of SHA-256 over `content`.
std::string content_hash(std::string_view content);

// Lower-case hexadecimal of `n` bytes.
std::string hex_digits(const unsigned char* bytes, std::size_t n);

// A random version-4 UUID, e.g. "0b7e6f2c-3d1a-4c55-9a3e-5f1d2c3b4a59".
std::string random_uuid();

}  // namespace custclass::plugin
