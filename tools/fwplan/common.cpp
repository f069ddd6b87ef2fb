#include "common.hpp"

namespace fwplan::cli {

Result<Catalog> load_catalog(const Globals& globals) {
    Catalog catalog = Catalog::builtin();
    for (const std::string& path : globals.catalogs)
        if (auto merged = catalog.merge_file(path); !merged)
            return merged.error();
    return catalog;
}

Result<std::vector<AvailableLoad>> find_available_loads(const std::vector<std::string>& paths) {
    if (paths.empty())
        return std::vector<AvailableLoad>{};
    Error error = io_error("cli.not-built", "--firmware is not available in this build of fwplan");
    return error;
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
