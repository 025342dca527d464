// custclass_config_validate: a test helper that validates configuration files exactly as the
// plugin does (config::validate_file), so that check_schemas.py can compare the JSON Schemas of
// config/schemas/ with the loaders.
//
//   custclass_config_validate DATA_DIR FILE...   every diagnostic, one per line; exit status 0
//                                                when no file has an error, 1 when one has
//   custclass_config_validate --features         the feature catalog, one per line, fields
//                                                separated by tabs: `feature NAME TYPE TABLE`
//                                                or `function NAME TABLE`
//
// Exit status 2 on a usage error.
#include <iostream>
#include <string>
#include <string_view>

#include "feature_catalog.h"
#include "validation.h"

namespace config = custclass::config;

int main(int argc, char** argv) {
    if (argc == 2 && std::string_view(argv[1]) == "--features") {
        for (const auto& f : config::feature_catalog())
            std::cout << "feature\t" << f.name << '\t' << config::type_name(f.type) << '\t'
                      << config::table_name(f.table) << '\n';
        for (const auto& p : config::parametrised_features())
            std::cout << "function\t" << p.function << '\t' << config::table_name(p.table) << '\n';
        return 0;
    }
    if (argc < 3) {
        std::cerr << "usage: custclass_config_validate DATA_DIR FILE...\n"
                     "       custclass_config_validate --features\n";
        return 2;
    }
    const config::LoadContext context{argv[1]};
    bool errors = false;
    for (int i = 2; i < argc; ++i) {
        const config::Diagnostics d = config::validate_file(argv[i], context);
        if (!d.items().empty()) std::cout << d.to_string() << '\n';
        errors = errors || d.has_errors();
    }
    return errors ? 1 : 0;
}
