// custclass.hpp -- a header-only C++17 wrapper over the C ABI of libcustclass (custclass.h).
//
// The "hourglass": C++ inside the plugin, plain C at the waist (custclass.h), and this header on
// the host's side to make the C calls safe and pleasant again: handles that close themselves,
// documents that free themselves, failures that arrive as exceptions carrying the status and the
// plugin's message. Nothing here is compiled into the plugin, so nothing here can break the ABI.
//
// Function table.  A host normally loads the plugin at run time (dlopen, Boost.DLL,
// LoadLibrary), so this header never calls a custclass_* function by its symbol: every call goes
// through a custclass::Api, one function pointer per C function, with the exact types of
// custclass.h. A loader fills it (see Api::for_each_function and host/plugin_loader.cpp); a
// program that links libcustclass directly (a test) defines CUSTCLASS_HPP_LINKED before including
// this header and uses Api::linked().
//
//     custclass::Api api = ...;                        // filled by the loader
//     custclass::negotiate(api);                       // settles the ABI minor version
//     custclass::Engine engine = custclass::Engine::open(api, "custclass.yaml");
//     custclass::Document summary = engine.run(custclass::RunOptions().as_of("2026-11-30"));
//     std::cout << summary.view() << '\n';
//
// Ownership.  The plugin's library must stay loaded as long as anything made from its Api is
// alive: the Api's pointers, every Engine, Feed and Document point into it. Engine and Document
// are move-only owners: an Engine closes its handle, a Document releases its text with
// custclass_free, both in their destructors. Plugin strings that are only borrowed (error
// messages) are copied into std::string before the next call can invalidate them.
//
// Threads.  The plugin is thread-safe (see custclass.h): an Api may be shared freely once filled,
// and one Engine may be used from several threads at once (its member functions are const for
// that reason; full runs on one engine are serialised by the plugin). Error messages are kept per
// thread by the plugin, and this wrapper reads them on the thread that made the failing call.
// A Document has one owner and does not change: several threads may read it. Callbacks given in
// RunOptions run on the thread that called run(), classify_customer() or a hook; the member
// callback of segment_members() runs on the thread that called it.
#ifndef CUSTCLASS_HPP
#define CUSTCLASS_HPP

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "custclass.h"

namespace custclass {

// ---------------------------------------------------------------------------------------------
// The function table.
// ---------------------------------------------------------------------------------------------

// One pointer per function of custclass.h. decltype makes each member's type the header's own,
// so a changed signature in custclass.h cannot silently disagree with the table. A pointer is
// null when the loader did not fill it (a function newer than the agreed ABI minor version).
struct Api {
    // Discovery.
    decltype(&::custclass_plugin_info) plugin_info = nullptr;
    decltype(&::custclass_abi_negotiate) abi_negotiate = nullptr;
    decltype(&::custclass_status_name) status_name = nullptr;
    // Errors and memory.
    decltype(&::custclass_last_error) last_error = nullptr;
    decltype(&::custclass_last_error_global) last_error_global = nullptr;
    decltype(&::custclass_free) free = nullptr;
    // Validation.
    decltype(&::custclass_validate_file) validate_file = nullptr;
    decltype(&::custclass_validate_yaml) validate_yaml = nullptr;
    // Engines.
    decltype(&::custclass_open_options_init) open_options_init = nullptr;
    decltype(&::custclass_engine_open) engine_open = nullptr;
    decltype(&::custclass_engine_open_yaml) engine_open_yaml = nullptr;
    decltype(&::custclass_engine_close) engine_close = nullptr;
    // Runs.
    decltype(&::custclass_run_options_init) run_options_init = nullptr;
    decltype(&::custclass_run) run = nullptr;
    decltype(&::custclass_classify_customer) classify_customer = nullptr;
    // Host-push source.
    decltype(&::custclass_customer_record_init) customer_record_init = nullptr;
    decltype(&::custclass_order_record_init) order_record_init = nullptr;
    decltype(&::custclass_order_line_record_init) order_line_record_init = nullptr;
    decltype(&::custclass_feed_begin) feed_begin = nullptr;
    decltype(&::custclass_feed_add_customers) feed_add_customers = nullptr;
    decltype(&::custclass_feed_add_orders) feed_add_orders = nullptr;
    decltype(&::custclass_feed_add_order_lines) feed_add_order_lines = nullptr;
    decltype(&::custclass_feed_end) feed_end = nullptr;
    decltype(&::custclass_feed_abort) feed_abort = nullptr;
    // Analyses of runs (ABI 1.1).
    decltype(&::custclass_profiles) profiles = nullptr;
    decltype(&::custclass_compare_runs) compare_runs = nullptr;
    decltype(&::custclass_whatif) whatif = nullptr;
    decltype(&::custclass_review) review = nullptr;
    decltype(&::custclass_report_html) report_html = nullptr;
    // Hooks (ABI 1.2).
    decltype(&::custclass_customer_changed) customer_changed = nullptr;
    decltype(&::custclass_order_posted) order_posted = nullptr;
    decltype(&::custclass_members_options_init) members_options_init = nullptr;
    decltype(&::custclass_segment_members) segment_members = nullptr;
    // Privacy (ABI 1.2).
    decltype(&::custclass_privacy_check) privacy_check = nullptr;
    decltype(&::custclass_privacy_export) privacy_export = nullptr;
    decltype(&::custclass_privacy_erase) privacy_erase = nullptr;
    // Potential customers (ABI 1.3).
    decltype(&::custclass_potential_options_init) potential_options_init = nullptr;
    decltype(&::custclass_potential) potential = nullptr;

    // Calls visit(symbol, slot, since_minor) for every member above: symbol is the exported name
    // ("custclass_run"), slot a reference to the member, since_minor the ABI 1.x minor version
    // that introduced the function. A loader resolves each symbol into its slot; functions with
    // since_minor above the agreed minor version may be missing from an older plugin.
    // When a function is added to custclass.h, add it to the members above, here, and in linked().
    template <class Visitor>
    void for_each_function(Visitor&& visit) {
        visit_all(*this, visit);
    }
    template <class Visitor>
    void for_each_function(Visitor&& visit) const {
        visit_all(*this, visit);
    }

#ifdef CUSTCLASS_HPP_LINKED
    // The table of the library this program is linked with (tests, static hosts).
    static Api linked() noexcept;
#endif

private:
    template <class Self, class Visitor>
    static void visit_all(Self& api, Visitor& visit) {
        visit("custclass_plugin_info", api.plugin_info, 0u);
        visit("custclass_abi_negotiate", api.abi_negotiate, 0u);
        visit("custclass_status_name", api.status_name, 0u);
        visit("custclass_last_error", api.last_error, 0u);
        visit("custclass_last_error_global", api.last_error_global, 0u);
        visit("custclass_free", api.free, 0u);
        visit("custclass_validate_file", api.validate_file, 0u);
        visit("custclass_validate_yaml", api.validate_yaml, 0u);
        visit("custclass_open_options_init", api.open_options_init, 0u);
        visit("custclass_engine_open", api.engine_open, 0u);
        visit("custclass_engine_open_yaml", api.engine_open_yaml, 0u);
        visit("custclass_engine_close", api.engine_close, 0u);
        visit("custclass_run_options_init", api.run_options_init, 0u);
        visit("custclass_run", api.run, 0u);
        visit("custclass_classify_customer", api.classify_customer, 0u);
        // The host-push source. custclass.h still says ABI 1.0 for it; if the header gives these
        // functions a later minor version, the numbers here must follow.
        visit("custclass_customer_record_init", api.customer_record_init, 0u);
        visit("custclass_order_record_init", api.order_record_init, 0u);
        visit("custclass_order_line_record_init", api.order_line_record_init, 0u);
        visit("custclass_feed_begin", api.feed_begin, 0u);
        visit("custclass_feed_add_customers", api.feed_add_customers, 0u);
        visit("custclass_feed_add_orders", api.feed_add_orders, 0u);
        visit("custclass_feed_add_order_lines", api.feed_add_order_lines, 0u);
        visit("custclass_feed_end", api.feed_end, 0u);
        visit("custclass_feed_abort", api.feed_abort, 0u);
        visit("custclass_profiles", api.profiles, 1u);
        visit("custclass_compare_runs", api.compare_runs, 1u);
        visit("custclass_whatif", api.whatif, 1u);
        visit("custclass_review", api.review, 1u);
        visit("custclass_report_html", api.report_html, 1u);
        visit("custclass_customer_changed", api.customer_changed, 2u);
        visit("custclass_order_posted", api.order_posted, 2u);
        visit("custclass_members_options_init", api.members_options_init, 2u);
        visit("custclass_segment_members", api.segment_members, 2u);
        visit("custclass_privacy_check", api.privacy_check, 2u);
        visit("custclass_privacy_export", api.privacy_export, 2u);
        visit("custclass_privacy_erase", api.privacy_erase, 2u);
        visit("custclass_potential_options_init", api.potential_options_init, 3u);
        visit("custclass_potential", api.potential, 3u);
    }
};

#ifdef CUSTCLASS_HPP_LINKED
inline Api Api::linked() noexcept {
    Api api;
    api.plugin_info = &::custclass_plugin_info;
    api.abi_negotiate = &::custclass_abi_negotiate;
    api.status_name = &::custclass_status_name;
    api.last_error = &::custclass_last_error;
    api.last_error_global = &::custclass_last_error_global;
    api.free = &::custclass_free;
    api.validate_file = &::custclass_validate_file;
    api.validate_yaml = &::custclass_validate_yaml;
    api.open_options_init = &::custclass_open_options_init;
    api.engine_open = &::custclass_engine_open;
    api.engine_open_yaml = &::custclass_engine_open_yaml;
    api.engine_close = &::custclass_engine_close;
    api.run_options_init = &::custclass_run_options_init;
    api.run = &::custclass_run;
    api.classify_customer = &::custclass_classify_customer;
    api.customer_record_init = &::custclass_customer_record_init;
    api.order_record_init = &::custclass_order_record_init;
    api.order_line_record_init = &::custclass_order_line_record_init;
    api.feed_begin = &::custclass_feed_begin;
    api.feed_add_customers = &::custclass_feed_add_customers;
    api.feed_add_orders = &::custclass_feed_add_orders;
    api.feed_add_order_lines = &::custclass_feed_add_order_lines;
    api.feed_end = &::custclass_feed_end;
    api.feed_abort = &::custclass_feed_abort;
    api.profiles = &::custclass_profiles;
    api.compare_runs = &::custclass_compare_runs;
    api.whatif = &::custclass_whatif;
    api.review = &::custclass_review;
    api.report_html = &::custclass_report_html;
    api.customer_changed = &::custclass_customer_changed;
    api.order_posted = &::custclass_order_posted;
    api.members_options_init = &::custclass_members_options_init;
    api.segment_members = &::custclass_segment_members;
    api.privacy_check = &::custclass_privacy_check;
    api.privacy_export = &::custclass_privacy_export;
    api.privacy_erase = &::custclass_privacy_erase;
    api.potential_options_init = &::custclass_potential_options_init;
    api.potential = &::custclass_potential;
    return api;
}
#endif

// ---------------------------------------------------------------------------------------------
// Errors.
// ---------------------------------------------------------------------------------------------

// A failed call: the status code (CUSTCLASS_E_*), its name and the plugin's message (what
// failed, where, what to do). what() is the message, or the status name when the plugin gave none.
class Error : public std::runtime_error {
public:
    Error(std::int32_t status, std::string status_name, const std::string& message)
        : std::runtime_error(message.empty() ? status_name : message),
          status_(status),
          status_name_(std::move(status_name)) {}

    std::int32_t status() const noexcept { return status_; }
    const std::string& status_name() const noexcept { return status_name_; }

private:
    std::int32_t status_;
    std::string status_name_;
};

// Throws the Error of a failed call. engine: the engine the call was made on, or nullptr for
// calls that have none (opening, validating, negotiating), whose message is the thread's global
// one.
[[noreturn]] inline void throw_error(const Api& api, std::int32_t status,
                                     const custclass_engine* engine) {
    const char* name = api.status_name != nullptr ? api.status_name(status) : nullptr;
    const char* message = nullptr;
    if (engine != nullptr && api.last_error != nullptr) {
        message = api.last_error(engine);
    } else if (api.last_error_global != nullptr) {
        message = api.last_error_global();
    }
    // Copied here: the plugin's message is valid only until this thread's next call.
    throw Error(status, name != nullptr ? name : "CUSTCLASS_E_UNKNOWN",
                message != nullptr ? message : "");
}

inline void check(const Api& api, std::int32_t status, const custclass_engine* engine) {
    if (status != CUSTCLASS_OK) throw_error(api, status, engine);
}

// ---------------------------------------------------------------------------------------------
// Discovery.
// ---------------------------------------------------------------------------------------------

// The plugin's self-description, copied out of custclass_plugin_info_t. Only the fields the
// plugin's struct_size covers are read; the others keep the defaults below.
struct PluginInfo {
    std::uint32_t abi_major = 0;
    std::uint32_t abi_minor = 0;
    std::uint32_t pointer_size = 0;
    std::string name;
    std::string version;
    std::string build_id;
};

[[nodiscard]] inline PluginInfo read_plugin_info(const Api& api) {
    const custclass_plugin_info_t* raw = api.plugin_info();
    PluginInfo info;
    if (raw == nullptr) return info;
    const auto covers = [raw](std::size_t offset, std::size_t size) {
        return offset + size <= raw->struct_size;
    };
    const auto text = [](const char* s) { return std::string(s != nullptr ? s : ""); };
    using Raw = custclass_plugin_info_t;
    if (covers(offsetof(Raw, abi_major), sizeof raw->abi_major)) info.abi_major = raw->abi_major;
    if (covers(offsetof(Raw, abi_minor), sizeof raw->abi_minor)) info.abi_minor = raw->abi_minor;
    if (covers(offsetof(Raw, pointer_size), sizeof raw->pointer_size))
        info.pointer_size = raw->pointer_size;
    if (covers(offsetof(Raw, name), sizeof raw->name)) info.name = text(raw->name);
    if (covers(offsetof(Raw, version), sizeof raw->version)) info.version = text(raw->version);
    if (covers(offsetof(Raw, build_id), sizeof raw->build_id)) info.build_id = text(raw->build_id);
    return info;
}

// Settles the ABI minor version: the lower of host_max_minor and the plugin's. Call it once,
// before anything else but read_plugin_info; then call no function newer than the result.
inline std::uint32_t negotiate(const Api& api, std::uint32_t host_max_minor = CUSTCLASS_ABI_MINOR) {
    std::uint32_t agreed = 0;
    check(api, api.abi_negotiate(host_max_minor, &agreed), nullptr);
    return agreed;
}

// ---------------------------------------------------------------------------------------------
// Documents: JSON text the plugin allocated for the host.
// ---------------------------------------------------------------------------------------------

// Owns a char* the plugin handed out and releases it with custclass_free (never free()).
// Move-only. An empty Document (no text) views as "".
class Document {
public:
    Document() noexcept = default;
    // Takes ownership of text (may be null), to be released with release_fn (custclass_free).
    Document(char* text, decltype(Api::free) release_fn) noexcept
        : text_(text), free_(release_fn) {}

    Document(Document&& other) noexcept
        : text_(std::exchange(other.text_, nullptr)), free_(other.free_) {}
    Document& operator=(Document&& other) noexcept {
        if (this != &other) {
            reset();
            text_ = std::exchange(other.text_, nullptr);
            free_ = other.free_;
        }
        return *this;
    }
    Document(const Document&) = delete;
    Document& operator=(const Document&) = delete;
    ~Document() { reset(); }

    explicit operator bool() const noexcept { return text_ != nullptr; }
    const char* c_str() const noexcept { return text_ != nullptr ? text_ : ""; }
    std::string_view view() const noexcept { return c_str(); }
    std::string str() const { return std::string(view()); }

    // Gives up ownership: the caller must release the text with the plugin's custclass_free.
    char* release() noexcept { return std::exchange(text_, nullptr); }

private:
    void reset() noexcept {
        if (text_ != nullptr && free_ != nullptr) free_(text_);
        text_ = nullptr;
    }

    char* text_ = nullptr;
    decltype(Api::free) free_ = nullptr;
};

// ---------------------------------------------------------------------------------------------
// Validation.
// ---------------------------------------------------------------------------------------------

// The outcome of validating a file or a text. Problems in the file are not exceptions: they are
// the result, reported in diagnostics (schema diagnostics.schema.json).
struct Validation {
    // CUSTCLASS_OK (no error; warnings may be present), CUSTCLASS_E_CONFIG (at least one error)
    // or CUSTCLASS_E_IO (the file could not be read; also said in the diagnostics).
    std::int32_t status = CUSTCLASS_OK;
    Document diagnostics;

    bool valid() const noexcept { return status == CUSTCLASS_OK; }
};

namespace detail {
inline Validation validation_result(const Api& api, std::int32_t status, char* text) {
    Validation result{status, Document(text, api.free)};
    // Without a document the call itself failed (invalid arguments): that is an Error.
    if (!result.diagnostics && status != CUSTCLASS_OK) throw_error(api, status, nullptr);
    return result;
}
inline const char* nullable(const std::string& s) {
    return s.empty() ? nullptr : s.c_str();
}
}  // namespace detail

// Validates an engine config, rule set or privacy policy file without opening any database.
// Throws Error only when no diagnostics could be produced at all.
[[nodiscard]] inline Validation validate_file(const Api& api, const std::string& path) {
    char* text = nullptr;
    const std::int32_t status = api.validate_file(&text, path.c_str());
    return detail::validation_result(api, status, text);
}

// Validates YAML text held by the host. display_name names it in diagnostics (empty: "<yaml>");
// relative paths in it are resolved against base_dir (empty: the current directory).
[[nodiscard]] inline Validation validate_yaml(const Api& api, const std::string& yaml_text,
                                              const std::string& display_name = {},
                                              const std::string& base_dir = {}) {
    char* text = nullptr;
    const std::int32_t status = api.validate_yaml(
        &text, yaml_text.c_str(), detail::nullable(display_name), detail::nullable(base_dir));
    return detail::validation_result(api, status, text);
}

// ---------------------------------------------------------------------------------------------
// Options.
// ---------------------------------------------------------------------------------------------

// Options for opening an engine. Unset options keep the plugin's defaults: the C struct is
// always filled by the plugin's custclass_open_options_init first, so fields added in later
// ABI versions get their defaults without this host knowing them.
class OpenOptions {
public:
    // Directory against which relative paths in YAML text are resolved (Engine::open_yaml).
    OpenOptions& base_dir(std::string dir) {
        base_dir_ = std::move(dir);
        return *this;
    }
    // Directory of the shipped YAML files (rulesets/, presets/, privacy/).
    OpenOptions& data_dir(std::string dir) {
        data_dir_ = std::move(dir);
        return *this;
    }

    // The C struct. Its strings point into *this: keep *this alive and unchanged while it is used.
    custclass_open_options to_c(const Api& api) const {
        custclass_open_options raw{};
        check(api, api.open_options_init(&raw, sizeof raw), nullptr);
        if (base_dir_) raw.base_dir = base_dir_->c_str();
        if (data_dir_) raw.data_dir = data_dir_->c_str();
        return raw;
    }

private:
    std::optional<std::string> base_dir_;
    std::optional<std::string> data_dir_;
};

// What a progress callback answers.
enum class ProgressAction { proceed, cancel };

// phase names the step ("read", "features", "rules", ...); done and total count its units
// (total 0: unknown).
using ProgressFn =
    std::function<ProgressAction(std::string_view phase, std::uint64_t done, std::uint64_t total)>;
// level is a CUSTCLASS_LOG_* value (later plugins may send levels this host does not know);
// message is one line, valid only during the call.
using LogFn = std::function<void(std::int32_t level, std::string_view message)>;

namespace detail {
class RunCall;
}

// Options for Engine::run, Engine::classify_customer, the hooks and Feed::end. A plain value:
// copy it, reuse it.
class RunOptions {
public:
    // The date of the run, "YYYY-MM-DD". Unset: today in the rule set's time zone.
    RunOptions& as_of(std::string date) {
        as_of_ = std::move(date);
        return *this;
    }
    // Compute everything, write nothing. Ignored by classify_customer and the hooks.
    RunOptions& dry_run(bool on = true) {
        dry_run_ = on;
        return *this;
    }
    // Who asked for the work (a user or job name), for the audit log. Unset: "custclass".
    RunOptions& actor(std::string name) {
        actor_ = std::move(name);
        return *this;
    }
    // Called during long work; answering ProgressAction::cancel stops it (status
    // CUSTCLASS_E_CANCELLED, previous results untouched).
    RunOptions& on_progress(ProgressFn fn) {
        progress_ = std::move(fn);
        return *this;
    }
    RunOptions& on_log(LogFn fn) {
        log_ = std::move(fn);
        return *this;
    }
    // Threads computing the features and evaluating the rules of run() (ABI 1.4); 0 (default):
    // the cores there are. Ignored by a plugin older than 1.4.
    RunOptions& threads(std::uint32_t count) {
        threads_ = count;
        return *this;
    }

private:
    friend class detail::RunCall;
    std::optional<std::string> as_of_;
    bool dry_run_ = false;
    std::uint32_t threads_ = 0;
    std::optional<std::string> actor_;
    ProgressFn progress_;
    LogFn log_;
};

// What a member list is for (custclass_purpose). direct_marketing keeps only customers with
// recorded marketing consent and no opt-out (PDPO s.35C-35G).
enum class Purpose : std::int32_t {
    analytics = CUSTCLASS_PURPOSE_ANALYTICS,
    direct_marketing = CUSTCLASS_PURPOSE_DIRECT_MARKETING
};

// What a member callback answers: go on, or stop the stream (CUSTCLASS_E_CANCELLED).
enum class StreamAction { proceed, stop };

// Receives one member of a segment; customer_id is valid only during the call.
using MemberFn = std::function<StreamAction(std::string_view customer_id)>;

// Options for Engine::segment_members. A plain value: copy it, reuse it. Unset options keep the
// plugin's defaults (the C struct is filled by custclass_members_options_init first).
class MembersOptions {
public:
    // The classification the segment belongs to. Unset: the one classification of the rule set
    // that has a segment of that id (CUSTCLASS_E_INVALID_ARGUMENT when several do).
    MembersOptions& classification(std::string id) {
        classification_ = std::move(id);
        return *this;
    }
    // Default Purpose::analytics.
    MembersOptions& purpose(Purpose p) {
        purpose_ = p;
        return *this;
    }
    // Who asked for the list, for the log. Unset: "custclass".
    MembersOptions& actor(std::string name) {
        actor_ = std::move(name);
        return *this;
    }

    // The C struct. Its strings point into *this: keep *this alive and unchanged while it is used.
    custclass_members_options to_c(const Api& api) const {
        custclass_members_options raw{};
        check(api, api.members_options_init(&raw, sizeof raw), nullptr);
        if (classification_) raw.classification = classification_->c_str();
        if (purpose_) raw.purpose = static_cast<std::int32_t>(*purpose_);
        if (actor_) raw.actor = actor_->c_str();
        return raw;
    }

private:
    std::optional<std::string> classification_;
    std::optional<Purpose> purpose_;
    std::optional<std::string> actor_;
};

// Options for Engine::potential. A plain value: copy it, reuse it. Unset options keep the
// plugin's defaults (the C struct is filled by custclass_potential_options_init first).
class PotentialOptions {
public:
    // Which result: "focus", "leads", "lookalike", "referral-rewards", "key-persons", "offers",
    // "bestsellers", "keywords", "signups", "unmet-demand", "lifetime-value". Unset: "focus".
    PotentialOptions& list(std::string name) {
        list_ = std::move(name);
        return *this;
    }
    // Unset: the latest succeeded run.
    PotentialOptions& run_id(std::string id) {
        run_id_ = std::move(id);
        return *this;
    }
    // keywords, unmet-demand: the earlier run. Unset: the run before.
    PotentialOptions& from_run_id(std::string id) {
        from_run_id_ = std::move(id);
        return *this;
    }
    // leads: the score. Unset: the rule set's first.
    PotentialOptions& score(std::string id) {
        score_ = std::move(id);
        return *this;
    }
    // The most people a list holds; 0: all. Unset: 100.
    PotentialOptions& limit(std::uint64_t n) {
        limit_ = n;
        return *this;
    }
    // Default Purpose::analytics (offers are always direct marketing).
    PotentialOptions& purpose(Purpose p) {
        purpose_ = p;
        return *this;
    }
    PotentialOptions& actor(std::string name) {
        actor_ = std::move(name);
        return *this;
    }

    // The C struct. Its strings point into *this: keep *this alive and unchanged while it is used.
    custclass_potential_options to_c(const Api& api) const {
        custclass_potential_options raw{};
        check(api, api.potential_options_init(&raw, sizeof raw), nullptr);
        if (list_) raw.list = list_->c_str();
        if (run_id_) raw.run_id = run_id_->c_str();
        if (from_run_id_) raw.from_run_id = from_run_id_->c_str();
        if (score_) raw.score = score_->c_str();
        if (limit_) raw.limit = *limit_;
        if (purpose_) raw.purpose = static_cast<std::int32_t>(*purpose_);
        if (actor_) raw.actor = actor_->c_str();
        return raw;
    }

private:
    std::optional<std::string> list_, run_id_, from_run_id_, score_, actor_;
    std::optional<std::uint64_t> limit_;
    std::optional<Purpose> purpose_;
};

namespace detail {

// What the C callbacks receive as their user pointer during one call. An exception thrown by a
// host callback must not unwind through the plugin's C frames: the trampolines catch it, ask the
// plugin to stop, and the wrapper rethrows it once the call has returned.
struct CallbackContext {
    const ProgressFn* progress = nullptr;
    const LogFn* log = nullptr;
    std::exception_ptr error;
};

inline std::int32_t progress_trampoline(void* user, const char* phase, std::uint64_t done,
                                        std::uint64_t total) noexcept {
    auto* context = static_cast<CallbackContext*>(user);
    if (context->error) return 1;
    try {
        const ProgressAction action =
            (*context->progress)(phase != nullptr ? phase : "", done, total);
        return action == ProgressAction::cancel ? 1 : 0;
    } catch (...) {
        context->error = std::current_exception();
        return 1;
    }
}

inline void log_trampoline(void* user, std::int32_t level, const char* message) noexcept {
    auto* context = static_cast<CallbackContext*>(user);
    if (context->error) return;
    try {
        (*context->log)(level, message != nullptr ? message : "");
    } catch (...) {
        // Cannot cancel from here; the progress callback (or the end of the call) will.
        context->error = std::current_exception();
    }
}

// One call taking custclass_run_options: the C struct made from a RunOptions, and the context
// its callbacks need. Lives for the duration of the call; neither copyable nor movable, since
// the struct points into it.
class RunCall {
public:
    RunCall(const Api& api, const RunOptions& options) : api_(api) {
        check(api, api.run_options_init(&raw_, sizeof raw_), nullptr);  // no engine: global error
        if (options.as_of_) raw_.as_of = options.as_of_->c_str();
        raw_.dry_run = options.dry_run_ ? 1 : 0;
        raw_.threads = options.threads_;
        if (options.actor_) raw_.actor = options.actor_->c_str();
        if (options.progress_) {
            context_.progress = &options.progress_;
            raw_.progress = &progress_trampoline;
        }
        if (options.log_) {
            context_.log = &options.log_;
            raw_.log = &log_trampoline;
        }
        raw_.user = &context_;
    }
    RunCall(const RunCall&) = delete;
    RunCall& operator=(const RunCall&) = delete;

    const custclass_run_options* raw() const noexcept { return &raw_; }

    // After the call: takes the document, rethrows what a callback threw, throws the Error of a
    // failed status (its message read from engine).
    Document finish(std::int32_t status, char* text, const custclass_engine* engine) {
        Document result(text, api_.free);
        if (context_.error) std::rethrow_exception(context_.error);
        check(api_, status, engine);
        return result;
    }

private:
    const Api& api_;
    custclass_run_options raw_{};
    CallbackContext context_;
};

// What the member trampoline receives as its user pointer during one segment_members call.
struct MemberContext {
    const MemberFn* member = nullptr;
    std::exception_ptr error;
};

inline std::int32_t member_trampoline(void* user, const char* customer_id) noexcept {
    auto* context = static_cast<MemberContext*>(user);
    if (context->error) return 1;
    try {
        return (*context->member)(customer_id != nullptr ? customer_id : "") == StreamAction::stop
                   ? 1
                   : 0;
    } catch (...) {
        context->error = std::current_exception();
        return 1;
    }
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Engines.
// ---------------------------------------------------------------------------------------------

// An open engine: owns a custclass_engine handle and closes it on destruction. Move-only.
// The Api it was opened with must outlive it.
class Engine {
public:
    // Opens an engine from an engine config file (custclass.yaml). Throws Error
    // (CUSTCLASS_E_CONFIG with file:line:column, CUSTCLASS_E_IO, ...).
    [[nodiscard]] static Engine open(const Api& api, const std::string& config_path,
                                     const OpenOptions& options = {}) {
        const custclass_open_options raw = options.to_c(api);
        custclass_engine* handle = nullptr;
        check(api, api.engine_open(&handle, config_path.c_str(), &raw), nullptr);
        return Engine(api, handle);
    }

    // Opens an engine from the text of an engine config held by the host.
    [[nodiscard]] static Engine open_yaml(const Api& api, const std::string& yaml_text,
                                          const OpenOptions& options = {}) {
        const custclass_open_options raw = options.to_c(api);
        custclass_engine* handle = nullptr;
        check(api, api.engine_open_yaml(&handle, yaml_text.c_str(), &raw), nullptr);
        return Engine(api, handle);
    }

    Engine(Engine&& other) noexcept
        : api_(other.api_), handle_(std::exchange(other.handle_, nullptr)) {}
    Engine& operator=(Engine&& other) noexcept {
        if (this != &other) {
            close_quietly();
            api_ = other.api_;
            handle_ = std::exchange(other.handle_, nullptr);
        }
        return *this;
    }
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;
    ~Engine() { close_quietly(); }

    // Closes now and reports a failure, which the destructor cannot.
    void close() {
        custclass_engine* handle = std::exchange(handle_, nullptr);
        if (handle != nullptr) check(*api_, api_->engine_close(handle), nullptr);
    }

    // A full run; returns the run summary (run_summary.schema.json). Throws Error
    // (CUSTCLASS_E_DATABASE, CUSTCLASS_E_DATA, CUSTCLASS_E_CANCELLED, ...) or, if a callback
    // threw, that exception.
    Document run(const RunOptions& options = {}) const {
        return call_with_options(options, [&](char** out, const custclass_run_options* raw) {
            return api_->run(out, handle_, raw);
        });
    }

    // One customer's segments and why (customer_result.schema.json). Throws Error
    // (CUSTCLASS_E_NOT_FOUND when there is no such customer as of that date, ...).
    [[nodiscard]] Document classify_customer(const std::string& customer_id,
                                             const RunOptions& options = {}) const {
        return call_with_options(options, [&](char** out, const custclass_run_options* raw) {
            return api_->classify_customer(out, handle_, customer_id.c_str(), raw);
        });
    }

    // The analyses of runs (ABI 1.1; empty run ids: the latest succeeded run). Each throws Error
    // (CUSTCLASS_E_NOT_FOUND when there is no such run, ...), or std::logic_error when the
    // plugin is older than ABI 1.1.
    // Customer files of every segment (profiles.schema.json).
    [[nodiscard]] Document profiles(const std::string& run_id = {}) const {
        return call(api_->profiles, "custclass_profiles", optional(run_id));
    }
    // Two runs compared (comparison.schema.json); empty from: the run before `to`.
    [[nodiscard]] Document compare_runs(const std::string& from_run_id,
                                        const std::string& to_run_id = {}) const {
        return call(api_->compare_runs, "custclass_compare_runs", optional(from_run_id),
                    optional(to_run_id));
    }
    // The current rules against a candidate rule set file, written nowhere.
    [[nodiscard]] Document whatif(const std::string& candidate_rules_path,
                                  const RunOptions& options = {}) const {
        require(api_->whatif, "custclass_whatif", 1);
        return call_with_options(options, [&](char** out, const custclass_run_options* raw) {
            return api_->whatif(out, handle_, candidate_rules_path.c_str(), raw);
        });
    }
    // The review of the current rules (review.schema.json).
    [[nodiscard]] Document review(const std::string& run_id = {}) const {
        return call(api_->review, "custclass_review", optional(run_id));
    }

    // The HTML report of a run (custclass_report_html).
    [[nodiscard]] Document report_html(const std::string& run_id = {}) const {
        return call(api_->report_html, "custclass_report_html", optional(run_id));
    }

    // The hooks (ABI 1.2). Each re-classifies one customer from the host's current data as of
    // options.as_of (unset: today), updates its live assignments and returns its segments with
    // the explanation and the member "incremental" (customer_result.schema.json); only as_of,
    // actor and the log callback of options are read. Each throws Error (CUSTCLASS_E_NOT_FOUND
    // when the host no longer has the customer, or before the first succeeded full run, ...),
    // or std::logic_error when the plugin is older than ABI 1.2.
    // The customer's record changed in the host (or was created).
    [[nodiscard]] Document customer_changed(const std::string& customer_id,
                                            const RunOptions& options = {}) const {
        require(api_->customer_changed, "custclass_customer_changed", 2);
        return call_with_options(options, [&](char** out, const custclass_run_options* raw) {
            return api_->customer_changed(out, handle_, customer_id.c_str(), raw);
        });
    }
    // An order of the customer was posted (created, paid, returned or cancelled) and committed.
    // order_id, when not empty, must be among the customer's orders in the host database
    // (CUSTCLASS_E_NOT_FOUND otherwise).
    [[nodiscard]] Document order_posted(const std::string& customer_id,
                                        const std::string& order_id = {},
                                        const RunOptions& options = {}) const {
        require(api_->order_posted, "custclass_order_posted", 2);
        return call_with_options(options, [&](char** out, const custclass_run_options* raw) {
            return api_->order_posted(out, handle_, customer_id.c_str(), optional(order_id), raw);
        });
    }

    // Streams the members of a segment as the live assignments hold them now, in customer id
    // order: `member` is called once per customer, on this thread; answering StreamAction::stop
    // ends the stream (Error CUSTCLASS_E_CANCELLED). For Purpose::direct_marketing the customers
    // without consent or with an opt-out are left out. Returns the summary
    // (members.schema.json). Throws Error (CUSTCLASS_E_NOT_FOUND: no such segment, or no
    // succeeded run yet; ...), what `member` threw, or std::logic_error when the plugin is older
    // than ABI 1.2.
    Document segment_members(const std::string& segment, const MemberFn& member,
                             const MembersOptions& options = {}) const {
        require(api_->segment_members, "custclass_segment_members", 2);
        require(api_->members_options_init, "custclass_members_options_init", 2);
        const custclass_members_options raw = options.to_c(*api_);
        detail::MemberContext context;
        context.member = &member;
        char* text = nullptr;
        const std::int32_t status = api_->segment_members(
            &text, handle_, segment.c_str(), &raw, &detail::member_trampoline, &context);
        Document summary(text, api_->free);
        if (context.error) std::rethrow_exception(context.error);
        check(*api_, status, handle_);
        return summary;
    }

    // Privacy (ABI 1.2; PRIVACY.md). Only as_of and actor of options are read, and the log
    // callback; actor is recorded in the audit log as who asked. Each throws Error, or
    // std::logic_error when the plugin is older than ABI 1.2.
    // The compliance report (compliance_report.schema.json); a check that refuses is in the
    // document, not an Error.
    [[nodiscard]] Document privacy_check(const RunOptions& options = {}) const {
        require(api_->privacy_check, "custclass_privacy_check", 2);
        return call_with_options(options, [&](char** out, const custclass_run_options* raw) {
            return api_->privacy_check(out, handle_, raw);
        });
    }
    // A data access request: everything the plugin holds on one customer
    // (data_access.schema.json). The request is logged with its 40-day deadline first; Error
    // CUSTCLASS_E_DATABASE (and no document) when the audit log cannot be written,
    // CUSTCLASS_E_NOT_FOUND when neither the plugin nor the host's data hold the customer.
    [[nodiscard]] Document privacy_export(const std::string& customer_id,
                                          const RunOptions& options = {}) const {
        require(api_->privacy_export, "custclass_privacy_export", 2);
        return call_with_options(options, [&](char** out, const custclass_run_options* raw) {
            return api_->privacy_export(out, handle_, customer_id.c_str(), raw);
        });
    }
    // Erasure of every row the plugin's tables hold on one customer, with a tombstone in the
    // audit log, in one transaction (erasure.schema.json: what was removed). Error
    // CUSTCLASS_E_DATABASE, and nothing erased, when the audit log cannot be written.
    Document privacy_erase(const std::string& customer_id, const RunOptions& options = {}) const {
        require(api_->privacy_erase, "custclass_privacy_erase", 2);
        return call_with_options(options, [&](char** out, const custclass_run_options* raw) {
            return api_->privacy_erase(out, handle_, customer_id.c_str(), raw);
        });
    }

    // A potential-customer result of a stored run (potential.schema.json). Throws Error, or
    // std::logic_error when the plugin is older than ABI 1.3.
    [[nodiscard]] Document potential(const PotentialOptions& options = {}) const {
        require(api_->potential, "custclass_potential", 3);
        require(api_->potential_options_init, "custclass_potential_options_init", 3);
        const custclass_potential_options raw = options.to_c(*api_);
        char* text = nullptr;
        const std::int32_t status = api_->potential(&text, handle_, &raw);
        Document document(text, api_->free);
        check(*api_, status, handle_);
        return document;
    }

    custclass_engine* handle() const noexcept { return handle_; }
    const Api& api() const noexcept { return *api_; }

private:
    Engine(const Api& api, custclass_engine* handle) noexcept : api_(&api), handle_(handle) {}

    void close_quietly() noexcept {
        if (handle_ != nullptr) api_->engine_close(std::exchange(handle_, nullptr));
    }

    static const char* optional(const std::string& text) noexcept {
        return text.empty() ? nullptr : text.c_str();
    }
    template <class Fn>
    static void require(Fn* fn, const char* name, unsigned since_minor) {
        if (fn == nullptr)
            throw std::logic_error(std::string(name) + " is not in this plugin (it needs ABI 1." +
                                   std::to_string(since_minor) + ")");
    }
    // The analyses of runs (ABI 1.1).
    template <class Fn, class... Args>
    Document call(Fn* fn, const char* name, Args... args) const {
        require(fn, name, 1);
        char* text = nullptr;
        const std::int32_t status = fn(&text, handle_, args...);
        Document document(text, api_->free);
        check(*api_, status, handle_);
        return document;
    }

    template <class Call>
    Document call_with_options(const RunOptions& options, Call&& call) const {
        detail::RunCall run_call(*api_, options);
        char* text = nullptr;
        const std::int32_t status = call(&text, run_call.raw());
        return run_call.finish(status, text, handle_);
    }

    const Api* api_;
    custclass_engine* handle_;
};

// ---------------------------------------------------------------------------------------------
// Host-push source.
// ---------------------------------------------------------------------------------------------

// A feed of customers, orders and order lines pushed by the host to an engine whose config says
// `source: {preset: push}`: owns a custclass_feed handle, and aborts it on destruction unless it
// was ended. Move-only. The Engine it was begun on must outlive it (its failures are recorded on
// that engine); used by one thread at a time.
//
//     custclass::Feed feed = custclass::Feed::begin(engine);
//     std::vector<custclass_customer_record> customers(n, feed.customer_record());
//     ... fill them (text NULL: unknown; flags 1, 0, or -1: unknown) ...
//     feed.add_customers(customers.data(), customers.size());   // all kept, or none (Error)
//     custclass::Document summary = feed.end(custclass::RunOptions().as_of("2026-11-30"));
class Feed {
public:
    // Starts a feed. Throws Error (CUSTCLASS_E_INVALID_ARGUMENT when the engine reads a database).
    [[nodiscard]] static Feed begin(const Engine& engine) {
        const Api& api = engine.api();
        custclass_feed* handle = nullptr;
        check(api, api.feed_begin(&handle, engine.handle()), engine.handle());
        return Feed(api, engine.handle(), handle);
    }

    Feed(Feed&& other) noexcept
        : api_(other.api_),
          engine_(other.engine_),
          handle_(std::exchange(other.handle_, nullptr)) {}
    Feed& operator=(Feed&& other) noexcept {
        if (this != &other) {
            abort();
            api_ = other.api_;
            engine_ = other.engine_;
            handle_ = std::exchange(other.handle_, nullptr);
        }
        return *this;
    }
    Feed(const Feed&) = delete;
    Feed& operator=(const Feed&) = delete;
    ~Feed() { abort(); }

    // Records filled with the plugin's defaults (NULL text, -1 flags) and this host's struct_size.
    custclass_customer_record customer_record() const {
        custclass_customer_record record{};
        check(*api_, api_->customer_record_init(&record, sizeof record), nullptr);
        return record;
    }
    custclass_order_record order_record() const {
        custclass_order_record record{};
        check(*api_, api_->order_record_init(&record, sizeof record), nullptr);
        return record;
    }
    custclass_order_line_record order_line_record() const {
        custclass_order_line_record record{};
        check(*api_, api_->order_line_record_init(&record, sizeof record), nullptr);
        return record;
    }

    // Adds `count` records, every one made by the matching *_record() above. All are kept, or,
    // when one is invalid, none: Error (CUSTCLASS_E_DATA) whose message names the record's index
    // in this call ("record 3 of 1000"), the table, the key, the field and the value. The feed
    // stays usable after such a failure.
    void add_customers(const custclass_customer_record* records, std::uint32_t count) {
        check(*api_, api_->feed_add_customers(live(), records, count), engine_);
    }
    void add_orders(const custclass_order_record* records, std::uint32_t count) {
        check(*api_, api_->feed_add_orders(live(), records, count), engine_);
    }
    void add_order_lines(const custclass_order_line_record* records, std::uint32_t count) {
        check(*api_, api_->feed_add_order_lines(live(), records, count), engine_);
    }

    // Ends the feed and classifies what was pushed, as Engine::run does on a database holding the
    // same rows, publishing the results unless options.dry_run; returns the run summary. The
    // feed is released whatever the outcome. Throws as Engine::run does.
    Document end(const RunOptions& options = {}) {
        custclass_feed* handle = live();
        detail::RunCall run_call(*api_, options);
        handle_ = nullptr;  // released by the plugin from here on, whatever the outcome
        char* text = nullptr;
        const std::int32_t status = api_->feed_end(&text, handle, run_call.raw());
        return run_call.finish(status, text, engine_);
    }

    // Releases the feed without running anything; nothing pushed is kept. No-op once ended.
    void abort() noexcept {
        if (handle_ != nullptr) api_->feed_abort(std::exchange(handle_, nullptr));
    }

    // Whether the feed is still open (neither ended nor aborted).
    explicit operator bool() const noexcept { return handle_ != nullptr; }
    custclass_feed* handle() const noexcept { return handle_; }

private:
    Feed(const Api& api, custclass_engine* engine, custclass_feed* handle) noexcept
        : api_(&api), engine_(engine), handle_(handle) {}

    custclass_feed* live() const {
        if (handle_ == nullptr) {
            throw Error(CUSTCLASS_E_INVALID_ARGUMENT, "CUSTCLASS_E_INVALID_ARGUMENT",
                        "the feed was ended or aborted already");
        }
        return handle_;
    }

    const Api* api_;
    custclass_engine* engine_;
    custclass_feed* handle_;
};

}  // namespace custclass

#endif  // CUSTCLASS_HPP
