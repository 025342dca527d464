// Finds libcustclass.so.1, loads it with Boost.DLL and performs the host's side of the handshake
// of custclass.h (discovery, ABI checks, negotiation). The pattern a host in any language follows:
// load, resolve custclass_plugin_info and custclass_abi_negotiate, check major version and pointer
// size, negotiate the minor version, then resolve (and use) only what that minor version provides.
#include "plugin_loader.h"

#include <dlfcn.h>

#include <cstdlib>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/dll/runtime_symbol_info.hpp>

#include "exit_code.h"

namespace custclass::host {

namespace fs = std::filesystem;

namespace {

// A path the user named: a file, or a directory holding libcustclass.so.1.
fs::path chosen_plugin(const std::string& value, const std::string& origin) {
    fs::path file = value;
    std::error_code ec;
    if (fs::is_directory(file, ec)) file /= kPluginFileName;
    if (!fs::exists(file, ec)) {
        throw CommandFailure(ExitCode::bad_usage,
                             origin + " names " + file.string() + ", which does not exist");
    }
    return file;
}

std::string join(const std::vector<fs::path>& paths) {
    std::string text;
    for (const fs::path& path : paths) {
        if (!text.empty()) text += ", ";
        text += path.string();
    }
    return text;
}

}  // namespace

fs::path locate_plugin(const std::string& plugin_option) {
    if (!plugin_option.empty()) return chosen_plugin(plugin_option, "--plugin");
    if (const char* env = std::getenv("CUSTCLASS_PLUGIN"); env != nullptr && *env != '\0') {
        return chosen_plugin(env, "CUSTCLASS_PLUGIN");
    }

    // The build tree comes first: it can only exist beside an executable that was not installed,
    // and a developer's freshly built command must not pick up an older installed plugin.
    // (.native() converts whether Boost.DLL uses std::filesystem or boost::filesystem paths.)
    std::vector<fs::path> candidates;
    boost::dll::fs::error_code location_error;
    const fs::path executable = boost::dll::program_location(location_error).native();
    if (!location_error) {
        candidates.push_back(
            (executable.parent_path() / ".." / "plugin" / kPluginFileName).lexically_normal());
#ifdef CUSTCLASS_BIN_TO_PLUGIN_DIR
        // An installed tree, wherever its prefix was moved: <prefix>/bin → <prefix>/<libdir>.
        candidates.push_back(
            (executable.parent_path() / CUSTCLASS_BIN_TO_PLUGIN_DIR / kPluginFileName).lexically_normal());
#endif
    }
#ifdef CUSTCLASS_INSTALL_PLUGIN_DIR
    candidates.push_back(fs::path(CUSTCLASS_INSTALL_PLUGIN_DIR) / kPluginFileName);
#endif
    for (const fs::path& candidate : candidates) {
        std::error_code ec;
        if (fs::exists(candidate, ec)) return candidate;
    }
    throw CommandFailure(ExitCode::bad_usage,
                         std::string("cannot find the plugin ") + kPluginFileName +
                             " (looked for " + join(candidates) +
                             "); name it with --plugin PATH or the CUSTCLASS_PLUGIN environment "
                             "variable, or install it");
}

PluginLibrary::PluginLibrary(const fs::path& file) : path_(file) {
    const std::string plugin = "the plugin " + file.string();

    // rtld_now: resolve the plugin's own dependencies now, so that a broken installation fails
    // here and not in the middle of a run. rtld_local: its symbols stay its own.
    boost::dll::fs::error_code load_error;
    library_.load(boost::dll::fs::path(file.native()),
                  boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, load_error);
    if (load_error) {
        // Boost.DLL reports every failure as "bad file descriptor"; the dynamic loader knows why
        // (a missing dependency, an undefined symbol, a wrong architecture).
        const char* dl_reason = ::dlerror();
        std::string reason = dl_reason != nullptr ? dl_reason : load_error.message();
        const std::string prefix = file.string() + ": ";  // dlerror() repeats the path
        if (reason.compare(0, prefix.size(), prefix) == 0) reason.erase(0, prefix.size());
        throw CommandFailure(ExitCode::bad_usage, "cannot load " + plugin + ": " + reason);
    }

    // Resolve every function the library exports; which of the missing ones matter is known
    // only after negotiation.
    std::vector<std::pair<std::string, std::uint32_t>> missing;  // symbol, ABI minor introduced
    api_.for_each_function([&](const char* symbol, auto& slot, std::uint32_t since_minor) {
        using Function = std::remove_pointer_t<std::remove_reference_t<decltype(slot)>>;
        if (library_.has(symbol)) {
            slot = &library_.get<Function>(symbol);
        } else {
            missing.emplace_back(symbol, since_minor);
        }
    });

    if (api_.plugin_info == nullptr || api_.abi_negotiate == nullptr) {
        throw CommandFailure(ExitCode::bad_usage,
                             file.string() +
                                 " is not a custclass plugin: it does not export "
                                 "custclass_plugin_info and custclass_abi_negotiate");
    }
    info_ = custclass::read_plugin_info(api_);
    if (info_.abi_major != CUSTCLASS_ABI_MAJOR) {
        throw CommandFailure(ExitCode::bad_usage,
                             plugin + " provides ABI " + std::to_string(info_.abi_major) + "." +
                                 std::to_string(info_.abi_minor) + ", and this command needs ABI " +
                                 std::to_string(CUSTCLASS_ABI_MAJOR) +
                                 ".x: install a plugin and a command of the same major version");
    }
    if (info_.pointer_size != sizeof(void*)) {
        throw CommandFailure(ExitCode::bad_usage,
                             plugin + " was built for " + std::to_string(info_.pointer_size * 8) +
                                 "-bit pointers, and this command for " +
                                 std::to_string(sizeof(void*) * 8) + "-bit ones");
    }

    agreed_minor_ = custclass::negotiate(api_, CUSTCLASS_ABI_MINOR);

    for (const auto& [symbol, since_minor] : missing) {
        if (since_minor <= agreed_minor_) {
            throw CommandFailure(ExitCode::bad_usage, plugin + " does not export " + symbol +
                                                          ", which ABI " +
                                                          std::to_string(CUSTCLASS_ABI_MAJOR) +
                                                          "." + std::to_string(agreed_minor_) +
                                                          " requires: the installation is broken");
        }
    }
    // Functions newer than the agreed version must not be called, even where the plugin has them.
    api_.for_each_function([&](const char*, auto& slot, std::uint32_t since_minor) {
        if (since_minor > agreed_minor_) slot = nullptr;
    });
}

}  // namespace custclass::host
