// The engine's own failures, each mapped to one status code at the C boundary. Failures of
// configuration (config::ConfigError, config::FileError) and of data (adapters::DatabaseError,
// adapters::DataError) come from their own layers.
#pragma once

#include <stdexcept>
#include <string>

namespace custclass::plugin {

// A caller's argument is unusable (a bad date, invalid UTF-8, ...).
class InvalidArgument : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A customer, run or segment asked for does not exist.
class NotFound : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The privacy policy refuses the work (PRIVACY.md): the message names the check, the field,
// the rule and the purpose, and what to do. Nothing was read or written.
class PrivacyRefusal : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The host's progress callback asked to stop.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled by the host's progress callback; nothing was changed") {}
    explicit Cancelled(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace custclass::plugin
