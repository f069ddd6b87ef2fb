#include "common.hpp"

#include <fwplan/firmware.hpp>

#include <algorithm>

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

Result<FoundFirmware> find_firmware(const std::vector<std::string>& paths, Console& console) {
    std::vector<FirmwarePackage> packages;
    FoundFirmware out;
    for (const std::string& path : paths) {
        console.debug("reading " + path);
        auto found = inspect_path(path);
        if (!found)
            return found.error().in_file(path).with_hint(
                "--firmware takes firmware zips, .cop.sgn files, folders or .loads files; "
                "move the file named above out of the way or give the packages one by one");
        for (FirmwarePackage& package : *found) {
            if (package.unreadable) {
                for (const Error& error : package.errors)
                    out.unreadable.push_back(error.with_hint(
                        "the other packages were read; download this one again or move it "
                        "out of the folder"));
                continue;
            }
            packages.push_back(std::move(package));
        }
    }
    out.loads = available_loads(packages);
    for (const AvailableLoad& load : out.loads)
        console.info("found " + load.id.str() + " in " + load.package +
                     (load.missing.empty() ? "" : " (incomplete)"));
    return out;
}

int report_unreadable(const FoundFirmware& found, Console& console) {
    int exit_code = 0;
    for (const Error& error : found.unreadable)
        exit_code = std::max(exit_code, console.fail(error));
    return exit_code;
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
