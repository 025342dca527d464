// libFuzzer target: any bytes as a configuration file, through validate_text — the path of
// `custclass validate` — which recognises an engine config, a rule set or a privacy policy by its
// keys and loads it strictly. It must report problems as diagnostics, never crash, throw, hang,
// leak or hit undefined behaviour, and every diagnostic about the fuzzed file must have a message
// and a line inside the file.
//
// Relative paths in a fuzzed engine config resolve against the shipped config/ directory, so
// `rules: rulesets/hk-retail.yaml` and `privacy: privacy/pdpo.yaml` load the shipped files.
// Inputs naming device or kernel files (/dev/zero, /proc/…) are skipped: reading one as a rule
// set would never end, which says nothing about the loaders.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_scope.h"
#include "validation.h"

using namespace custclass::config;
using custclass::fuzz::broken;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    for (const char* special : {"/dev", "/proc", "/sys"})
        if (text.find(special) != std::string::npos) return -1;

    static const std::string dir = CUSTCLASS_SOURCE_DIR "/config";
    const LoadContext context{dir};
    const Diagnostics d = validate_text(text, "fuzz.yaml", dir, context);

    const auto lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
    for (const Diagnostic& item : d.items()) {
        if (item.message.empty()) broken("a diagnostic without a message", text);
        if (item.file == "fuzz.yaml" && (item.line < 0 || item.line > lines || item.column < 0))
            broken("a diagnostic positioned outside the file", text);
        (void)item.to_string();
    }
    return 0;
}
