#include "common.hpp"

#include <fwplan/firmware.hpp>

namespace fwplan::cli {

Result<Catalog> load_catalog(const Globals& globals) {
    Catalog catalog = Catalog::builtin();
    for (const std::string& path : globals.catalogs)
        if (auto merged = catalog.merge_file(path); !merged)
            return merged.error();
    return catalog;
}

Result<std::vector<AvailableLoad>> find_available_loads(const std::vector<std::string>& paths) {
    std::vector<FirmwarePackage> packages;
    for (const std::string& path : paths) {
        auto found = inspect_path(path);
        if (!found)
            return found.error().in_file(path).with_hint(
                "--firmware takes firmware zips, .cop.sgn files, folders or .loads files; "
                "move the file named above out of the way or give the packages one by one");
        packages.insert(packages.end(), std::make_move_iterator(found->begin()),
                        std::make_move_iterator(found->end()));
    }
    return available_loads(packages);
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
