#include "validation.h"
#include "yaml_document.h"

#include <filesystem>

namespace custclass::config {

namespace fs = std::filesystem;

namespace {

void validate_document(const YamlDocument& doc, const std::string& base_dir,
                       const LoadContext& context, Diagnostics& d) {
    const YAML::Node& root = doc.root();
    auto has = [&](const char* key) {
        if (!root.IsMap()) return false;
        for (auto it = root.begin(); it != root.end(); ++it)
            if (it->first.IsScalar() && it->first.Scalar() == key) return true;
        return false;
    };
    if (has("source") || has("rules")) {
        load_engine_config(doc, base_dir, context, d);
    } else if (has("classifications") || has("scores") || has("window_days")) {
        load_rule_set(doc, d);
    } else if (has("policy") || has("fields") || has("purposes")) {
        load_privacy_policy(doc, d);
    } else if (has("custclass_preset") || has("requires")) {
        load_preset(doc, fs::path(doc.file()).stem().string(), d);
    } else {
        doc.error(d, root, "cannot tell what kind of configuration file this is",
                  "an engine config has the keys `source` and `rules`; a rule set has "
                  "`classifications`; a privacy policy has `policy` and `fields`; a host preset has "
                  "`custclass_preset`");
    }
}

}  // namespace

Diagnostics validate_file(const std::string& path, const LoadContext& context) {
    Diagnostics d;
    try {
        auto doc = YamlDocument::load(path, d);
        if (doc)
            validate_document(*doc, fs::absolute(fs::path(path)).parent_path().string(), context,
                              d);
    } catch (const FileError& e) {
        d.error(path, 0, 0, e.what());
    }
    return d;
}

Diagnostics validate_text(const std::string& text, const std::string& display_name,
                          const std::string& base_dir, const LoadContext& context) {
    Diagnostics d;
    auto doc = YamlDocument::parse(text, display_name, d);
    if (doc) validate_document(*doc, fs::absolute(base_dir.empty() ? "." : base_dir).string(),
                               context, d);
    return d;
}

}  // namespace custclass::config
