// The C boundary: every function of abi/custclass.h. A thin layer that checks arguments,
// finds handles in the registry (never dereferencing a pointer it did not hand out), runs the
// engine, catches every exception and turns it into a status code and a message.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <dlfcn.h>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <new>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include "custclass.h"
#include "diagnostic.h"
#include "diagnostics_document.h"
#include "engine.h"
#include "result_store.h"
#include "errors.h"
#include "push_source.h"
#include "source.h"
#include "validation.h"
#include "value_parsing.h"

#ifndef CUSTCLASS_VERSION
#error "CUSTCLASS_VERSION must be defined by the build"
#endif

// The handle a host holds. Its per-thread last error messages live here.
struct custclass_engine {
    std::shared_ptr<custclass::plugin::Engine> engine;
    std::mutex errors_mutex;
    std::unordered_map<std::thread::id, std::string> errors;

    void set_error(const std::string& message) {
        std::lock_guard<std::mutex> lock(errors_mutex);
        errors[std::this_thread::get_id()] = message;
    }
    const char* error() {
        std::lock_guard<std::mutex> lock(errors_mutex);
        return errors[std::this_thread::get_id()].c_str();
    }
};

// A feed of pushed rows, bound to the engine handle it was begun on.
struct custclass_feed {
    std::shared_ptr<custclass_engine> handle;
    std::unique_ptr<custclass::adapters::PushSource> rows;
};

namespace {

using namespace custclass;

thread_local std::string g_last_error;

// Every live handle. Calls take a shared_ptr copy, so a concurrent close cannot free a handle
// under a running call.
std::shared_mutex g_registry_mutex;
std::map<const custclass_engine*, std::shared_ptr<custclass_engine>>& registry() {
    static std::map<const custclass_engine*, std::shared_ptr<custclass_engine>> handles;
    return handles;
}

std::map<const custclass_feed*, std::shared_ptr<custclass_feed>>& feeds() {
    static std::map<const custclass_feed*, std::shared_ptr<custclass_feed>> all;
    return all;
}

std::shared_ptr<custclass_feed> find_feed(const custclass_feed* feed) {
    std::shared_lock<std::shared_mutex> lock(g_registry_mutex);
    const auto it = feeds().find(feed);
    return it == feeds().end() ? nullptr : it->second;
}

std::shared_ptr<custclass_engine> find_handle(const custclass_engine* engine) {
    std::shared_lock<std::shared_mutex> lock(g_registry_mutex);
    const auto it = registry().find(engine);
    return it == registry().end() ? nullptr : it->second;
}

struct Failure {
    std::int32_t status;
    std::string message;
};

Failure failure_of_current_exception() {
    try {
        throw;
    } catch (const config::ConfigError& e) {
        return {CUSTCLASS_E_CONFIG, e.diagnostics().to_string()};
    } catch (const config::FileError& e) {
        return {CUSTCLASS_E_IO, e.what()};
    } catch (const adapters::RuleSetConflict& e) {
        return {CUSTCLASS_E_CONFIG, e.what()};
    } catch (const adapters::DatabaseError& e) {
        return {CUSTCLASS_E_DATABASE, e.what()};
    } catch (const adapters::DataError& e) {
        return {CUSTCLASS_E_DATA, e.what()};
    } catch (const plugin::InvalidArgument& e) {
        return {CUSTCLASS_E_INVALID_ARGUMENT, e.what()};
    } catch (const plugin::NotFound& e) {
        return {CUSTCLASS_E_NOT_FOUND, e.what()};
    } catch (const plugin::Cancelled& e) {
        return {CUSTCLASS_E_CANCELLED, e.what()};
    } catch (const plugin::PrivacyRefusal& e) {
        return {CUSTCLASS_E_PRIVACY, e.what()};
    } catch (const std::bad_alloc&) {
        return {CUSTCLASS_E_NO_MEMORY, "out of memory"};
    } catch (const std::exception& e) {
        return {CUSTCLASS_E_INTERNAL, std::string("internal error: ") + e.what()};
    } catch (...) {
        return {CUSTCLASS_E_INTERNAL, "internal error: unknown exception"};
    }
}

// Runs `fn` for a call without an engine: the outcome is recorded as the thread's global error.
template <typename Fn>
std::int32_t global_call(Fn&& fn) noexcept {
    try {
        g_last_error.clear();
        const std::int32_t status = fn();
        return status;
    } catch (...) {
        try {
            Failure f = failure_of_current_exception();
            g_last_error = std::move(f.message);
            return f.status;
        } catch (...) {
            return CUSTCLASS_E_NO_MEMORY;
        }
    }
}

// Runs `fn(engine)` for a call on an engine handle.
template <typename Fn>
std::int32_t engine_call(custclass_engine* handle, Fn&& fn) noexcept {
    std::shared_ptr<custclass_engine> h;
    try {
        h = find_handle(handle);
        if (!h) {
            g_last_error = handle ? "the engine handle is closed or was never opened"
                                  : "the engine handle is NULL";
            return handle ? CUSTCLASS_E_INVALID_HANDLE : CUSTCLASS_E_INVALID_ARGUMENT;
        }
        h->set_error("");
        return fn(*h->engine);
    } catch (...) {
        try {
            Failure f = failure_of_current_exception();
            if (h)
                h->set_error(f.message);
            else
                g_last_error = f.message;
            return f.status;
        } catch (...) {
            return CUSTCLASS_E_NO_MEMORY;
        }
    }
}

// Runs `fn(feed)` for a call on a feed; failures are recorded on the feed's engine handle.
template <typename Fn>
std::int32_t feed_call(custclass_feed* feed, Fn&& fn) noexcept {
    std::shared_ptr<custclass_feed> f;
    try {
        f = find_feed(feed);
        if (!f) {
            g_last_error = feed ? "the feed is ended already or was never begun" : "the feed is NULL";
            return feed ? CUSTCLASS_E_INVALID_HANDLE : CUSTCLASS_E_INVALID_ARGUMENT;
        }
        f->handle->set_error("");
        return fn(*f);
    } catch (...) {
        try {
            Failure failure = failure_of_current_exception();
            if (f)
                f->handle->set_error(failure.message);
            else
                g_last_error = failure.message;
            return failure.status;
        } catch (...) {
            return CUSTCLASS_E_NO_MEMORY;
        }
    }
}

void require(bool ok, const char* message) {
    if (!ok) throw plugin::InvalidArgument(message);
}

std::string checked_text(const char* text, const char* what) {
    if (!text) throw plugin::InvalidArgument(std::string(what) + " is NULL");
    std::string s(text);
    if (!config::valid_utf8(s)) throw plugin::InvalidArgument(std::string(what) + " is not valid UTF-8");
    return s;
}

// A copy of `text` in memory the host releases with custclass_free.
char* to_host(const std::string& text) {
    char* out = static_cast<char*>(std::malloc(text.size() + 1));
    if (!out) throw std::bad_alloc();
    std::memcpy(out, text.c_str(), text.size() + 1);
    return out;
}

// The size a struct of the caller covers, checked: at least struct_size itself.
template <typename T>
bool covers(const T* options, std::size_t end_of_field) {
    return options->struct_size >= end_of_field;
}
#define CUSTCLASS_COVERS(ptr, field) \
    covers(ptr, offsetof(std::remove_pointer_t<decltype(ptr)>, field) + sizeof((ptr)->field))

// Where the shipped YAML files are: CUSTCLASS_DATA_DIR; else beside the installed library
// (<prefix>/<libdir>/../share/custclass, wherever the prefix was moved); else the directory the
// build was configured to install to; else, for a build tree, the source tree's config/.
std::string default_data_dir() {
    if (const char* env = std::getenv("CUSTCLASS_DATA_DIR"); env && *env) return env;
    std::error_code ec;
    Dl_info info{};
    if (dladdr(reinterpret_cast<const void*>(&default_data_dir), &info) && info.dli_fname) {
        const auto lib = std::filesystem::weakly_canonical(info.dli_fname, ec).parent_path();
        for (const auto& candidate : {lib / CUSTCLASS_LIB_TO_DATA_DIR, lib / ".." / "share" / "custclass"})
            if (std::filesystem::is_directory(candidate / "rulesets", ec))
                return candidate.lexically_normal().string();
    }
    if (std::filesystem::is_directory(CUSTCLASS_INSTALL_DATA_DIR, ec))
        return CUSTCLASS_INSTALL_DATA_DIR;
    return CUSTCLASS_SOURCE_DATA_DIR;
}

struct OpenArgs {
    std::string base_dir;
    std::string data_dir;
};

OpenArgs open_args(const custclass_open_options* options) {
    OpenArgs args;
    args.data_dir = default_data_dir();
    if (!options) return args;
    require(options->struct_size >= sizeof(std::uint32_t),
            "custclass_open_options.struct_size is too small; call custclass_open_options_init");
    if (CUSTCLASS_COVERS(options, base_dir) && options->base_dir)
        args.base_dir = checked_text(options->base_dir, "base_dir");
    if (CUSTCLASS_COVERS(options, data_dir) && options->data_dir)
        args.data_dir = checked_text(options->data_dir, "data_dir");
    return args;
}

plugin::RunRequest run_request(const custclass_run_options* options) {
    plugin::RunRequest request;
    if (!options) return request;
    require(options->struct_size >= sizeof(std::uint32_t),
            "custclass_run_options.struct_size is too small; call custclass_run_options_init");
    if (CUSTCLASS_COVERS(options, as_of) && options->as_of) {
        const std::string text = checked_text(options->as_of, "as_of");
        request.as_of = config::parse_day(text);
        if (!request.as_of)
            throw plugin::InvalidArgument("as_of `" + text +
                                          "` is not a valid date; write it as YYYY-MM-DD");
    }
    if (CUSTCLASS_COVERS(options, dry_run)) request.dry_run = options->dry_run != 0;
    if (CUSTCLASS_COVERS(options, threads)) {
        if (options->threads > 1024)
            throw plugin::InvalidArgument("threads " + std::to_string(options->threads) +
                                          " is out of range; give 1 to 1024, or 0 for the cores there are");
        request.threads = options->threads;
    }
    if (CUSTCLASS_COVERS(options, actor) && options->actor)
        request.actor = checked_text(options->actor, "actor");
    void* user = CUSTCLASS_COVERS(options, user) ? options->user : nullptr;
    if (CUSTCLASS_COVERS(options, progress) && options->progress) {
        const custclass_progress_fn fn = options->progress;
        request.progress = [fn, user](const char* phase, std::uint64_t done, std::uint64_t total) {
            return fn(user, phase, done, total) == 0;
        };
    }
    if (CUSTCLASS_COVERS(options, log) && options->log) {
        const custclass_log_fn fn = options->log;
        request.log = [fn, user](int level, const std::string& message) {
            fn(user, level, message.c_str());
        };
    }
    return request;
}

// A call about one customer of an engine that returns a document: the output set to NULL first,
// then the output pointer, the id (UTF-8) and the options checked, then `fn` run and its document
// handed to the host.
template <typename Fn>
std::int32_t customer_document_call(char** out, custclass_engine* engine, const char* customer_id,
                                    const custclass_run_options* options, const char* null_output,
                                    Fn&& fn) noexcept {
    if (out) *out = nullptr;
    return engine_call(engine, [&](plugin::Engine& e) -> std::int32_t {
        require(out != nullptr, null_output);
        const std::string id = checked_text(customer_id, "customer_id");
        const plugin::RunRequest request = run_request(options);
        *out = to_host(fn(e, id, request).dump());
        return CUSTCLASS_OK;
    });
}

// Fills a record struct with its defaults, as far as the caller's size covers it.
template <typename T>
std::int32_t init_record(T* record, std::uint32_t size, const T& defaults) {
    return global_call([&]() -> std::int32_t {
        require(record != nullptr, "record is NULL");
        require(size >= sizeof(std::uint32_t), "size is smaller than the struct_size field");
        std::memcpy(record, &defaults, std::min<std::size_t>(size, sizeof defaults));
        record->struct_size = std::min<std::uint32_t>(size, sizeof defaults);
        return CUSTCLASS_OK;
    });
}

// The values of one pushed record, in the column order of the canonical table.
std::optional<std::string> pushed_text(const char* text, const char* field) {
    if (!text) return std::nullopt;
    return checked_text(text, field);
}
std::optional<std::string> pushed_flag(std::int32_t flag) {
    if (flag < 0) return std::nullopt;
    return flag ? "1" : "0";
}

#define CUSTCLASS_FIELD(rec, field, dflt) (CUSTCLASS_COVERS(rec, field) ? (rec)->field : (dflt))

adapters::PushedValues values_of(const custclass_customer_record* r) {
    return {pushed_text(CUSTCLASS_FIELD(r, customer_id, nullptr), "customer_id"),
            pushed_text(CUSTCLASS_FIELD(r, created_at, nullptr), "created_at"),
            pushed_text(CUSTCLASS_FIELD(r, birth_date, nullptr), "birth_date"),
            pushed_text(CUSTCLASS_FIELD(r, gender, nullptr), "gender"),
            pushed_text(CUSTCLASS_FIELD(r, district, nullptr), "district"),
            pushed_text(CUSTCLASS_FIELD(r, income_band, nullptr), "income_band"),
            pushed_text(CUSTCLASS_FIELD(r, email, nullptr), "email"),
            pushed_text(CUSTCLASS_FIELD(r, phone, nullptr), "phone"),
            pushed_text(CUSTCLASS_FIELD(r, lead_source, nullptr), "lead_source"),
            pushed_flag(CUSTCLASS_FIELD(r, is_prospect, -1)),
            pushed_text(CUSTCLASS_FIELD(r, interests, nullptr), "interests"),
            pushed_flag(CUSTCLASS_FIELD(r, marketing_consent, -1)),
            pushed_flag(CUSTCLASS_FIELD(r, opted_out, -1))};
}
adapters::PushedValues values_of(const custclass_order_record* r) {
    return {pushed_text(CUSTCLASS_FIELD(r, order_id, nullptr), "order_id"),
            pushed_text(CUSTCLASS_FIELD(r, customer_id, nullptr), "customer_id"),
            pushed_text(CUSTCLASS_FIELD(r, ordered_at, nullptr), "ordered_at"),
            pushed_text(CUSTCLASS_FIELD(r, amount, nullptr), "amount"),
            pushed_text(CUSTCLASS_FIELD(r, channel, nullptr), "channel")};
}
adapters::PushedValues values_of(const custclass_order_line_record* r) {
    return {pushed_text(CUSTCLASS_FIELD(r, order_id, nullptr), "order_id"),
            pushed_text(CUSTCLASS_FIELD(r, product_id, nullptr), "product_id"),
            pushed_text(CUSTCLASS_FIELD(r, category, nullptr), "category"),
            pushed_text(CUSTCLASS_FIELD(r, amount, nullptr), "amount")};
}

// Adds `count` records of the caller's struct size; all or none.
template <typename T, typename Add>
std::int32_t add_records(custclass_feed* feed, const T* records, std::uint32_t count, Add&& add) {
    return feed_call(feed, [&](custclass_feed& f) -> std::int32_t {
        if (count == 0) return CUSTCLASS_OK;
        require(records != nullptr, "records is NULL");
        const std::uint32_t stride = records->struct_size;
        require(stride >= sizeof(std::uint32_t) + sizeof(void*) && stride <= 65536,
                "records[0].struct_size is not a record size; call the record's *_init");
        const auto* bytes = reinterpret_cast<const unsigned char*>(records);
        const auto mark = f.rows->mark();
        for (std::uint32_t i = 0; i < count; ++i) {
            const T* r = reinterpret_cast<const T*>(bytes + std::size_t(i) * stride);
            try {
                if (r->struct_size != stride)
                    throw plugin::InvalidArgument("every record of one call must have the same struct_size");
                add(*f.rows, values_of(r));
            } catch (const std::exception& e) {
                f.rows->rollback(mark);
                const std::string where = "record " + std::to_string(i) + " of " + std::to_string(count) +
                                          " (none of them was kept): ";
                if (dynamic_cast<const adapters::DataError*>(&e)) throw adapters::DataError(where + e.what());
                if (dynamic_cast<const plugin::InvalidArgument*>(&e))
                    throw plugin::InvalidArgument(where + e.what());
                throw;
            }
        }
        return CUSTCLASS_OK;
    });
}

const custclass_plugin_info_t kInfo = {
    sizeof(custclass_plugin_info_t), CUSTCLASS_ABI_MAJOR, CUSTCLASS_ABI_MINOR,
    static_cast<std::uint32_t>(sizeof(void*)), "custclass", CUSTCLASS_VERSION, CUSTCLASS_BUILD_ID};

std::int32_t validate(char** out, const config::Diagnostics& d, bool unreadable) {
    *out = to_host(plugin::diagnostics_document(d).dump());
    if (unreadable) return CUSTCLASS_E_IO;
    return d.has_errors() ? CUSTCLASS_E_CONFIG : CUSTCLASS_OK;
}

}  // namespace

extern "C" {

const custclass_plugin_info_t* custclass_plugin_info(void) { return &kInfo; }

int32_t custclass_abi_negotiate(uint32_t host_max_minor, uint32_t* agreed_minor) {
    return global_call([&]() -> std::int32_t {
        require(agreed_minor != nullptr, "agreed_minor is NULL");
        *agreed_minor = std::min<std::uint32_t>(host_max_minor, CUSTCLASS_ABI_MINOR);
        return CUSTCLASS_OK;
    });
}

const char* custclass_status_name(int32_t status) {
    switch (status) {
        case CUSTCLASS_OK: return "CUSTCLASS_OK";
        case CUSTCLASS_E_INVALID_ARGUMENT: return "CUSTCLASS_E_INVALID_ARGUMENT";
        case CUSTCLASS_E_INVALID_HANDLE: return "CUSTCLASS_E_INVALID_HANDLE";
        case CUSTCLASS_E_ABI_VERSION: return "CUSTCLASS_E_ABI_VERSION";
        case CUSTCLASS_E_CONFIG: return "CUSTCLASS_E_CONFIG";
        case CUSTCLASS_E_DATABASE: return "CUSTCLASS_E_DATABASE";
        case CUSTCLASS_E_DATA: return "CUSTCLASS_E_DATA";
        case CUSTCLASS_E_IO: return "CUSTCLASS_E_IO";
        case CUSTCLASS_E_NOT_FOUND: return "CUSTCLASS_E_NOT_FOUND";
        case CUSTCLASS_E_CANCELLED: return "CUSTCLASS_E_CANCELLED";
        case CUSTCLASS_E_PRIVACY: return "CUSTCLASS_E_PRIVACY";
        case CUSTCLASS_E_NO_MEMORY: return "CUSTCLASS_E_NO_MEMORY";
        case CUSTCLASS_E_INTERNAL: return "CUSTCLASS_E_INTERNAL";
        default: return "CUSTCLASS_E_UNKNOWN";
    }
}

const char* custclass_last_error(const custclass_engine* engine) {
    try {
        if (auto h = find_handle(engine)) return h->error();
    } catch (...) {
    }
    return g_last_error.c_str();
}

const char* custclass_last_error_global(void) { return g_last_error.c_str(); }

void custclass_free(void* memory) { std::free(memory); }

int32_t custclass_validate_file(char** diagnostics_json, const char* path) {
    if (diagnostics_json) *diagnostics_json = nullptr;
    return global_call([&]() -> std::int32_t {
        require(diagnostics_json != nullptr, "diagnostics_json is NULL");
        const std::string file = checked_text(path, "path");
        const config::Diagnostics d = config::validate_file(file, {default_data_dir()});
        const bool unreadable = !d.items().empty() && d.items().front().line == 0 &&
                                d.items().front().file == file && d.error_count() == 1 &&
                                d.items().front().message.starts_with("cannot read");
        if (d.has_errors()) g_last_error = d.to_string();
        return validate(diagnostics_json, d, unreadable);
    });
}

int32_t custclass_validate_yaml(char** diagnostics_json, const char* yaml_text,
                                const char* display_name, const char* base_dir) {
    if (diagnostics_json) *diagnostics_json = nullptr;
    return global_call([&]() -> std::int32_t {
        require(diagnostics_json != nullptr, "diagnostics_json is NULL");
        const std::string text = checked_text(yaml_text, "yaml_text");
        const std::string name = display_name ? checked_text(display_name, "display_name") : "<yaml>";
        const std::string base = base_dir ? checked_text(base_dir, "base_dir") : std::string();
        const config::Diagnostics d = config::validate_text(text, name, base, {default_data_dir()});
        if (d.has_errors()) g_last_error = d.to_string();
        return validate(diagnostics_json, d, false);
    });
}

int32_t custclass_open_options_init(custclass_open_options* options, uint32_t size) {
    return global_call([&]() -> std::int32_t {
        require(options != nullptr, "options is NULL");
        require(size >= sizeof(std::uint32_t), "size is smaller than the struct_size field");
        const custclass_open_options defaults = {sizeof(custclass_open_options), nullptr, nullptr};
        std::memcpy(options, &defaults, std::min<std::size_t>(size, sizeof defaults));
        options->struct_size = std::min<std::uint32_t>(size, sizeof defaults);
        return CUSTCLASS_OK;
    });
}

int32_t custclass_run_options_init(custclass_run_options* options, uint32_t size) {
    return global_call([&]() -> std::int32_t {
        require(options != nullptr, "options is NULL");
        require(size >= sizeof(std::uint32_t), "size is smaller than the struct_size field");
        const custclass_run_options defaults = {sizeof(custclass_run_options), nullptr, 0,
                                                nullptr, nullptr, nullptr, nullptr, 0};
        std::memcpy(options, &defaults, std::min<std::size_t>(size, sizeof defaults));
        options->struct_size = std::min<std::uint32_t>(size, sizeof defaults);
        return CUSTCLASS_OK;
    });
}

static int32_t register_engine(custclass_engine** out, std::unique_ptr<plugin::Engine> engine) {
    auto handle = std::make_shared<custclass_engine>();
    handle->engine = std::move(engine);
    std::unique_lock<std::shared_mutex> lock(g_registry_mutex);
    registry()[handle.get()] = handle;
    *out = handle.get();
    return CUSTCLASS_OK;
}

int32_t custclass_engine_open(custclass_engine** engine, const char* config_path,
                              const custclass_open_options* options) {
    if (engine) *engine = nullptr;
    return global_call([&]() -> std::int32_t {
        require(engine != nullptr, "engine (the output handle) is NULL");
        const std::string path = checked_text(config_path, "config_path");
        const OpenArgs args = open_args(options);
        return register_engine(engine, plugin::Engine::open_file(path, args.data_dir));
    });
}

int32_t custclass_engine_open_yaml(custclass_engine** engine, const char* yaml_text,
                                   const custclass_open_options* options) {
    if (engine) *engine = nullptr;
    return global_call([&]() -> std::int32_t {
        require(engine != nullptr, "engine (the output handle) is NULL");
        const std::string text = checked_text(yaml_text, "yaml_text");
        const OpenArgs args = open_args(options);
        return register_engine(engine, plugin::Engine::open_text(text, args.base_dir, args.data_dir));
    });
}

int32_t custclass_engine_close(custclass_engine* engine) {
    if (!engine) return CUSTCLASS_OK;
    return global_call([&]() -> std::int32_t {
        std::shared_ptr<custclass_engine> handle;
        std::vector<std::shared_ptr<custclass_feed>> open_feeds;  // released after the lock
        {
            std::unique_lock<std::shared_mutex> lock(g_registry_mutex);
            const auto it = registry().find(engine);
            if (it == registry().end()) {
                g_last_error = "the engine handle is closed already or was never opened";
                return CUSTCLASS_E_INVALID_HANDLE;
            }
            handle = std::move(it->second);
            registry().erase(it);
            // Feeds still open on the engine are aborted: each holds the handle, so waiting for
            // them would wait forever when the host closes the engine before ending its feed.
            for (auto f = feeds().begin(); f != feeds().end();) {
                if (f->second->handle == handle) {
                    open_feeds.push_back(std::move(f->second));
                    f = feeds().erase(f);
                } else {
                    ++f;
                }
            }
        }
        open_feeds.clear();
        // Wait for calls still running on the engine (or on one of its feeds) in other threads.
        while (handle.use_count() > 1) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return CUSTCLASS_OK;
    });
}

int32_t custclass_run(char** summary_json, custclass_engine* engine,
                      const custclass_run_options* options) {
    if (summary_json) *summary_json = nullptr;
    return engine_call(engine, [&](plugin::Engine& e) -> std::int32_t {
        require(summary_json != nullptr, "summary_json is NULL");
        const plugin::RunRequest request = run_request(options);
        *summary_json = to_host(e.run(request).dump());
        return CUSTCLASS_OK;
    });
}

int32_t custclass_classify_customer(char** result_json, custclass_engine* engine,
                                    const char* customer_id, const custclass_run_options* options) {
    return customer_document_call(
        result_json, engine, customer_id, options, "result_json is NULL",
        [](plugin::Engine& e, const std::string& id, const plugin::RunRequest& request) {
            return e.classify(id, request);
        });
}

namespace {

// An optional run id: NULL and "" both mean the latest run.
// A custclass_purpose value as the engine's Purpose.
plugin::Purpose purpose_of(std::int32_t purpose) {
    if (purpose == CUSTCLASS_PURPOSE_DIRECT_MARKETING) return plugin::Purpose::DirectMarketing;
    if (purpose != CUSTCLASS_PURPOSE_ANALYTICS)
        throw plugin::InvalidArgument("purpose " + std::to_string(purpose) + " is not a custclass_purpose value");
    return plugin::Purpose::Analytics;
}

std::string optional_run_id(const char* run_id, const char* what) {
    return run_id == nullptr ? std::string() : checked_text(run_id, what);
}

}  // namespace

int32_t custclass_profiles(char** profiles_json, custclass_engine* engine, const char* run_id) {
    if (profiles_json) *profiles_json = nullptr;
    return engine_call(engine, [&](plugin::Engine& e) -> std::int32_t {
        require(profiles_json != nullptr, "profiles_json is NULL");
        *profiles_json = to_host(e.profiles(optional_run_id(run_id, "run_id")).dump());
        return CUSTCLASS_OK;
    });
}

int32_t custclass_compare_runs(char** comparison_json, custclass_engine* engine,
                               const char* from_run_id, const char* to_run_id) {
    if (comparison_json) *comparison_json = nullptr;
    return engine_call(engine, [&](plugin::Engine& e) -> std::int32_t {
        require(comparison_json != nullptr, "comparison_json is NULL");
        *comparison_json = to_host(e.compare(optional_run_id(from_run_id, "from_run_id"),
                                             optional_run_id(to_run_id, "to_run_id"))
                                       .dump());
        return CUSTCLASS_OK;
    });
}

int32_t custclass_whatif(char** comparison_json, custclass_engine* engine,
                         const char* candidate_rules_path, const custclass_run_options* options) {
    if (comparison_json) *comparison_json = nullptr;
    return engine_call(engine, [&](plugin::Engine& e) -> std::int32_t {
        require(comparison_json != nullptr, "comparison_json is NULL");
        const std::string path = checked_text(candidate_rules_path, "candidate_rules_path");
        const plugin::RunRequest request = run_request(options);
        *comparison_json = to_host(e.whatif(path, request).dump());
        return CUSTCLASS_OK;
    });
}

int32_t custclass_review(char** review_json, custclass_engine* engine, const char* run_id) {
    if (review_json) *review_json = nullptr;
    return engine_call(engine, [&](plugin::Engine& e) -> std::int32_t {
        require(review_json != nullptr, "review_json is NULL");
        *review_json = to_host(e.review(optional_run_id(run_id, "run_id")).dump());
        return CUSTCLASS_OK;
    });
}

int32_t custclass_report_html(char** html, custclass_engine* engine, const char* run_id) {
    if (html) *html = nullptr;
    return engine_call(engine, [&](plugin::Engine& e) -> std::int32_t {
        require(html != nullptr, "html is NULL");
        *html = to_host(e.report_html(optional_run_id(run_id, "run_id")));
        return CUSTCLASS_OK;
    });
}

int32_t custclass_customer_record_init(custclass_customer_record* record, uint32_t size) {
    return init_record(record, size,
                       custclass_customer_record{sizeof(custclass_customer_record), nullptr, nullptr,
                                                 nullptr, nullptr, nullptr, nullptr, nullptr,
                                                 nullptr, nullptr, -1, nullptr, -1, -1});
}

int32_t custclass_order_record_init(custclass_order_record* record, uint32_t size) {
    return init_record(record, size,
                       custclass_order_record{sizeof(custclass_order_record), nullptr, nullptr,
                                              nullptr, nullptr, nullptr});
}

int32_t custclass_order_line_record_init(custclass_order_line_record* record, uint32_t size) {
    return init_record(record, size,
                       custclass_order_line_record{sizeof(custclass_order_line_record), nullptr,
                                                   nullptr, nullptr, nullptr});
}

int32_t custclass_feed_begin(custclass_feed** feed, custclass_engine* engine) {
    if (feed) *feed = nullptr;
    return engine_call(engine, [&](plugin::Engine& e) -> std::int32_t {
        require(feed != nullptr, "feed (the output handle) is NULL");
        auto f = std::make_shared<custclass_feed>();
        f->handle = find_handle(engine);
        f->rows = e.begin_feed();
        std::unique_lock<std::shared_mutex> lock(g_registry_mutex);
        feeds()[f.get()] = f;
        *feed = f.get();
        return CUSTCLASS_OK;
    });
}

int32_t custclass_feed_add_customers(custclass_feed* feed, const custclass_customer_record* records,
                                     uint32_t count) {
    return add_records(feed, records, count, [](adapters::PushSource& p, const adapters::PushedValues& v) {
        p.add_customer(v);
    });
}

int32_t custclass_feed_add_orders(custclass_feed* feed, const custclass_order_record* records,
                                  uint32_t count) {
    return add_records(feed, records, count, [](adapters::PushSource& p, const adapters::PushedValues& v) {
        p.add_order(v);
    });
}

int32_t custclass_feed_add_order_lines(custclass_feed* feed,
                                       const custclass_order_line_record* records, uint32_t count) {
    return add_records(feed, records, count, [](adapters::PushSource& p, const adapters::PushedValues& v) {
        p.add_order_line(v);
    });
}

static std::shared_ptr<custclass_feed> take_feed(custclass_feed* feed) {
    std::unique_lock<std::shared_mutex> lock(g_registry_mutex);
    const auto it = feeds().find(feed);
    if (it == feeds().end()) return nullptr;
    auto f = std::move(it->second);
    feeds().erase(it);
    return f;
}

int32_t custclass_feed_end(char** summary_json, custclass_feed* feed,
                           const custclass_run_options* options) {
    if (summary_json) *summary_json = nullptr;
    return feed_call(feed, [&](custclass_feed& f) -> std::int32_t {
        const auto owned = take_feed(feed);  // released whatever the outcome
        require(summary_json != nullptr, "summary_json is NULL");
        const plugin::RunRequest request = run_request(options);
        *summary_json = to_host(f.handle->engine->end_feed(request, *f.rows).dump());
        return CUSTCLASS_OK;
    });
}

int32_t custclass_feed_abort(custclass_feed* feed) {
    if (!feed) return CUSTCLASS_OK;
    return global_call([&]() -> std::int32_t {
        if (!take_feed(feed)) {
            g_last_error = "the feed is ended already or was never begun";
            return CUSTCLASS_E_INVALID_HANDLE;
        }
        return CUSTCLASS_OK;
    });
}

// --- Hooks (ABI 1.2) -----------------------------------------------------------------------

int32_t custclass_customer_changed(char** result_json, custclass_engine* engine,
                                   const char* customer_id, const custclass_run_options* options) {
    return customer_document_call(
        result_json, engine, customer_id, options, "result_json is NULL",
        [](plugin::Engine& e, const std::string& id, const plugin::RunRequest& request) {
            return e.reclassify(id, std::nullopt, request);
        });
}

int32_t custclass_order_posted(char** result_json, custclass_engine* engine,
                               const char* customer_id, const char* order_id,
                               const custclass_run_options* options) {
    if (result_json) *result_json = nullptr;
    return engine_call(engine, [&](plugin::Engine& e) -> std::int32_t {
        require(result_json != nullptr, "result_json is NULL");
        const std::string id = checked_text(customer_id, "customer_id");
        std::optional<std::string> order;
        if (order_id) {
            order = checked_text(order_id, "order_id");
            require(!order->empty(), "order_id is empty; pass NULL when the order is not known");
        }
        const plugin::RunRequest request = run_request(options);
        *result_json = to_host(e.reclassify(id, order, request).dump());
        return CUSTCLASS_OK;
    });
}

int32_t custclass_members_options_init(custclass_members_options* options, uint32_t size) {
    const custclass_members_options defaults = {sizeof(custclass_members_options), nullptr,
                                                CUSTCLASS_PURPOSE_ANALYTICS, nullptr};
    return init_record(options, size, defaults);
}

int32_t custclass_segment_members(char** summary_json, custclass_engine* engine,
                                  const char* segment, const custclass_members_options* options,
                                  custclass_member_fn row, void* user) {
    if (summary_json) *summary_json = nullptr;
    return engine_call(engine, [&](plugin::Engine& e) -> std::int32_t {
        require(summary_json != nullptr, "summary_json is NULL");
        require(row != nullptr, "the row callback is NULL");
        plugin::MembersRequest request;
        request.segment = checked_text(segment, "segment");
        if (options) {
            require(options->struct_size >= sizeof(std::uint32_t),
                    "custclass_members_options.struct_size is too small; call "
                    "custclass_members_options_init");
            if (CUSTCLASS_COVERS(options, classification) && options->classification)
                request.classification = checked_text(options->classification, "classification");
            if (CUSTCLASS_COVERS(options, purpose)) request.purpose = purpose_of(options->purpose);
            if (CUSTCLASS_COVERS(options, actor) && options->actor)
                request.actor = checked_text(options->actor, "actor");
        }
        request.row = [row, user](const std::string& id) { return row(user, id.c_str()) == 0; };
        *summary_json = to_host(e.members(request).dump());
        return CUSTCLASS_OK;
    });
}

// --- Potential customers (ABI 1.3) ---------------------------------------------------------

int32_t custclass_potential_options_init(custclass_potential_options* options, uint32_t size) {
    const custclass_potential_options defaults = {sizeof(custclass_potential_options), nullptr, nullptr, nullptr,
                                                  nullptr, 100, CUSTCLASS_PURPOSE_ANALYTICS, nullptr};
    return init_record(options, size, defaults);
}

int32_t custclass_potential(char** potential_json, custclass_engine* engine,
                            const custclass_potential_options* options) {
    if (potential_json) *potential_json = nullptr;
    return engine_call(engine, [&](plugin::Engine& e) -> std::int32_t {
        require(potential_json != nullptr, "potential_json is NULL");
        plugin::PotentialRequest request;
        if (options) {
            require(options->struct_size >= sizeof(std::uint32_t),
                    "custclass_potential_options.struct_size is too small; call "
                    "custclass_potential_options_init");
            if (CUSTCLASS_COVERS(options, list) && options->list) {
                const std::string name = checked_text(options->list, "list");
                const auto list = plugin::potential_list(name);
                if (!list) {
                    std::string names;
                    for (const auto& n : plugin::potential_list_names()) names += " " + n;
                    throw plugin::InvalidArgument("no potential-customer list `" + name + "`; the lists are:" + names);
                }
                request.list = *list;
            }
            if (CUSTCLASS_COVERS(options, run_id)) request.run_id = optional_run_id(options->run_id, "run_id");
            if (CUSTCLASS_COVERS(options, from_run_id))
                request.from_run_id = optional_run_id(options->from_run_id, "from_run_id");
            if (CUSTCLASS_COVERS(options, score) && options->score) request.score = checked_text(options->score, "score");
            if (CUSTCLASS_COVERS(options, limit)) request.limit = options->limit;
            if (CUSTCLASS_COVERS(options, purpose)) request.purpose = purpose_of(options->purpose);
            if (CUSTCLASS_COVERS(options, actor) && options->actor) request.actor = checked_text(options->actor, "actor");
        }
        *potential_json = to_host(e.potential(request).dump());
        return CUSTCLASS_OK;
    });
}

// --- Privacy (ABI 1.2) ----------------------------------------------------------------------

int32_t custclass_privacy_check(char** report_json, custclass_engine* engine,
                                const custclass_run_options* options) {
    if (report_json) *report_json = nullptr;
    return engine_call(engine, [&](plugin::Engine& e) -> std::int32_t {
        require(report_json != nullptr, "report_json is NULL");
        const plugin::RunRequest request = run_request(options);
        *report_json = to_host(e.privacy_check(request).dump());
        return CUSTCLASS_OK;
    });
}

int32_t custclass_privacy_export(char** export_json, custclass_engine* engine,
                                 const char* customer_id, const custclass_run_options* options) {
    return customer_document_call(
        export_json, engine, customer_id, options, "export_json is NULL",
        [](plugin::Engine& e, const std::string& id, const plugin::RunRequest& request) {
            return e.data_access_export(id, request);
        });
}

int32_t custclass_privacy_erase(char** result_json, custclass_engine* engine,
                                const char* customer_id, const custclass_run_options* options) {
    return customer_document_call(
        result_json, engine, customer_id, options, "result_json is NULL",
        [](plugin::Engine& e, const std::string& id, const plugin::RunRequest& request) {
            return e.erase_customer(id, request);
        });
}

}  // extern "C"
