#pragma once
// What several subcommands share: the knowledge they plan with and the firmware the user
// pointed at. Thin wrappers over library calls, with the CLI's error reporting.

#include "console.hpp"

#include <fwplan/catalog.hpp>
#include <fwplan/planner.hpp>

#include <optional>
#include <string>
#include <vector>

namespace fwplan::cli {

/// The built-in knowledge base plus every --catalog file; -v says how much it holds, -vv
/// which files were merged.
Result<Catalog> load_catalog(Console& console);

/// The loads found in --firmware paths (zips, folders, .loads files); -v names each load
/// found, -vv each path read.
Result<std::vector<AvailableLoad>> find_available_loads(const std::vector<std::string>& paths,
                                                        Console& console);

/// Parses an optional load-ID option ("" = not given).
Result<std::optional<LoadId>> optional_load_id(const std::string& text, std::string_view option);

} // namespace fwplan::cli
