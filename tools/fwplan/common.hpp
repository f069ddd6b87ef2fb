#pragma once
// What several subcommands share: the knowledge they plan with and the firmware the user
// pointed at. Thin wrappers over library calls, with the CLI's error reporting.

#include "commands.hpp"
#include "console.hpp"

#include <fwplan/catalog.hpp>
#include <fwplan/fleet.hpp>
#include <fwplan/inventory.hpp>
#include <fwplan/planner.hpp>

#include <optional>
#include <string>
#include <vector>

namespace fwplan::cli {

/// The built-in knowledge base plus every --catalog file; -v says how much it holds, -vv
/// which files were merged.
Result<Catalog> load_catalog(Console& console);

/// What --firmware paths hold: the loads found, and the packages of a folder that could not
/// be opened (a truncated download), which do not stop the others from being read.
struct FoundFirmware {
    std::vector<AvailableLoad> loads;
    std::vector<Error> unreadable;
};

/// The loads found in --firmware paths (zips, folders, .loads files); -v names each load
/// found, -vv each path read. A path that cannot be read at all is an error; a package
/// inside a folder that cannot be is in `unreadable`.
Result<FoundFirmware> find_firmware(const std::vector<std::string>& paths, Console& console);

/// Prints each unreadable package as an error (stderr) and returns the exit code they call
/// for, 0 when there is none: the command goes on with the rest, and its exit code still
/// says that something was bad.
int report_unreadable(const FoundFirmware& found, Console& console);

/// The library's EmitOptions from emit's options (rollout start takes the same): the target,
/// the SIP settings and the password, the template (cmd_emit.cpp).
Result<fwplan::EmitOptions> emit_options(const EmitOptions& options);

/// The one phone of `--mac`, `--model`, `--from`, `--hw-rev` (cmd_emit.cpp).
Result<Inventory> single_phone(const EmitOptions& options);

/// Parses an optional load-ID option ("" = not given).
Result<std::optional<LoadId>> optional_load_id(const std::string& text, std::string_view option);

} // namespace fwplan::cli
