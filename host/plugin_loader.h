// Finding and loading the plugin (libcustclass.so.1) with Boost.DLL, and the handshake every host
// does before its first real call: resolve the functions of custclass.h into a custclass::Api,
// check the plugin's ABI major version and pointer size, negotiate the minor version.
// Nothing else in the command knows how the plugin was found or loaded.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include <boost/dll/shared_library.hpp>

#include "custclass.hpp"

namespace custclass::host {

// The file name of the plugin: its SONAME, so that a 1.x plugin of any minor version matches.
inline constexpr const char* kPluginFileName = "libcustclass.so.1";

// The plugin file to load, the first of:
//   1. plugin_option (--plugin PATH), when not empty;
//   2. the CUSTCLASS_PLUGIN environment variable, when set and not empty;
//   3. the build tree: ../plugin/libcustclass.so.1 next to this executable (build/host/custclass);
//   4. the installed location, CUSTCLASS_INSTALL_PLUGIN_DIR/libcustclass.so.1.
// A PATH naming a directory means the libcustclass.so.1 inside it. An explicit choice (1, 2) is
// never replaced by a guess. Throws CommandFailure (bad_usage) saying where it looked.
std::filesystem::path locate_plugin(const std::string& plugin_option);

// A loaded, checked plugin. The library stays loaded as long as this object lives, and every
// pointer in api() (and every Engine and Document made with it) dies with it: keep it alive
// longer than all of them. Neither copyable nor movable, so no pointer into it can dangle.
class PluginLibrary {
public:
    // Loads the file, resolves every function of custclass.h the negotiated ABI minor version
    // provides, and negotiates. Throws CommandFailure (bad_usage) for a file that cannot be
    // loaded, a missing function, another ABI major version or pointer size; custclass::Error if
    // negotiation fails.
    explicit PluginLibrary(const std::filesystem::path& file);

    PluginLibrary(const PluginLibrary&) = delete;
    PluginLibrary& operator=(const PluginLibrary&) = delete;

    const custclass::Api& api() const noexcept { return api_; }
    const custclass::PluginInfo& info() const noexcept { return info_; }
    std::uint32_t agreed_minor() const noexcept { return agreed_minor_; }
    const std::filesystem::path& path() const noexcept { return path_; }

private:
    // Declared first, so destroyed last: nothing below may outlive the loaded library.
    boost::dll::shared_library library_;
    std::filesystem::path path_;
    custclass::Api api_;
    custclass::PluginInfo info_;
    std::uint32_t agreed_minor_ = 0;
};

}  // namespace custclass::host
