#include "common.hpp"

#include <fwplan/firmware.hpp>

namespace fwplan::cli {

Result<Catalog> load_catalog(Console& console) {
    Catalog catalog = Catalog::builtin();
    for (const std::string& path : console.globals.catalogs) {
        if (auto merged = catalog.merge_file(path); !merged)
            return merged.error();
        console.debug("merged the knowledge of " + path);
    }
    console.info("knowledge: " + std::to_string(catalog.loads().size()) + " loads and " +
                 std::to_string(catalog.rules().size()) + " rules (built-in" +
                 (console.globals.catalogs.empty() ? std::string(")") : " + --catalog files)"));
    return catalog;
}

Result<std::vector<AvailableLoad>> find_available_loads(const std::vector<std::string>& paths,
                                                        Console& console) {
    std::vector<FirmwarePackage> packages;
    for (const std::string& path : paths) {
        console.debug("reading " + path);
        auto found = inspect_path(path);
        if (!found)
            return found.error().in_file(path).with_hint(
                "--firmware takes firmware zips, .cop.sgn files, folders or .loads files; "
                "move the file named above out of the way or give the packages one by one");
        packages.insert(packages.end(), std::make_move_iterator(found->begin()),
                        std::make_move_iterator(found->end()));
    }
    std::vector<AvailableLoad> loads = available_loads(packages);
    for (const AvailableLoad& load : loads)
        console.info("found " + load.id.str() + " in " + load.package +
                     (load.missing.empty() ? "" : " (incomplete)"));
    return loads;
}

Result<std::optional<LoadId>> optional_load_id(const std::string& text, std::string_view option) {
    if (text.empty())
        return std::optional<LoadId>();
    auto id = LoadId::parse(text);
    if (!id) {
        Error error = id.error();
        error.message = std::string(option) + ": " + error.message;
        return error;
    }
    return std::optional<LoadId>(*id);
}

} // namespace fwplan::cli
