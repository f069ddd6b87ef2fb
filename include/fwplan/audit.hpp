#pragma once
/// @file audit.hpp
/// Telling people what is wrong with a TFTP root they already have (`check_root`): what a
/// phone asking this root for its files would stumble over — term files that clash, configs
/// that name loads the root lacks or a phone cannot reach in one step, components missing or
/// present only in another case, links, modes, names a TFTP server cannot serve.
///
/// The audit reads a root without refusing it (hostile names and links are findings,
/// not errors) and reports each problem as a `Diagnostic` with a stable code, listed in
/// docs/findings.md.
///
/// **Example**
///
///     fwplan::CheckOptions options;
///     options.firmware = {"cmterm-7941_7961-sip.9-4-2SR3-1.zip"};
///     auto audit = fwplan::check_root("/srv/tftp", options);
///     if (!audit)                                    // not a folder, or --firmware unreadable
///         return fwplan::exit_code_for(audit.error().kind);
///     for (const fwplan::Diagnostic& f : audit->findings)
///         std::cout << to_string(f.severity) << ' ' << f.code << ' ' << f.where << ": "
///                   << f.message << '\n';

#include <fwplan/archive.hpp>
#include <fwplan/diagnostic.hpp>
#include <fwplan/error.hpp>
#include <fwplan/inventory.hpp>

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace fwplan {

class Planner;

/// What the audit takes into account besides the root.
struct CheckOptions {
    /// Packages meant for this root (`--firmware`): their files are compared with the
    /// root's, and term files of one name that differ between them are reported.
    std::vector<std::filesystem::path> firmware;
    /// Phones served by the root (an inventory, inventory.hpp); a `SEP<MAC>.cnf.xml` or
    /// `SIP<MAC>.cnf` of one of them is checked against its model and, when its current load
    /// is known, against the planner.
    std::vector<Phone> inventory;
    /// The planner that says which steps a phone can take; null: the built-in catalog.
    const Planner* planner = nullptr;
    /// Findings of the caller's own (say, where the inventory's loads came from), reported
    /// with the audit's and in its order.
    std::vector<Diagnostic> notes;
    /// Bounds for reading the root (generous: a root holds many files).
    ArchiveLimits limits{.max_entry_size = 1ull << 40,
                         .max_total_size = ~0ull,
                         .max_ratio = 200,
                         .min_ratio_size = 1ull << 20,
                         .max_entries = 2'000'000,
                         .max_nested_zips = 64};
};

/// The audit's result.
struct CheckReport {
    std::filesystem::path root; ///< the TFTP root audited
    /// Every problem found, errors first, then warnings, then infos; by path (`where`: the
    /// file concerned, relative to the root). Codes are `fwplan.check.*`.
    std::vector<Diagnostic> findings;
    std::size_t files = 0;   ///< files looked at
    std::size_t configs = 0; ///< configuration files read
    std::size_t loads = 0;   ///< `.loads` files read (term files included)

    /// How many findings have this severity.
    [[nodiscard]] std::size_t count(Severity severity) const noexcept;
    /// True when any finding is an error (the CLI exits 1).
    [[nodiscard]] bool has_errors() const noexcept { return count(Severity::Error) != 0; }
};

/// Audits `root`. Fails only when the root cannot be read at all (not a folder, over the
/// limits) or a `firmware` package cannot be opened (checked first, before the root is
/// read); everything wrong inside the root is a finding.
///
/// **Example**
///
///     fwplan::CheckOptions options;
///     options.firmware = {"cmterm-7941_7961-sip.9-4-2SR3-1.zip"};
///     auto report = fwplan::check_root("/srv/tftp", options);
///     if (report && report->has_errors())
///         return 1;
[[nodiscard]] Result<CheckReport> check_root(const std::filesystem::path& root,
                                             const CheckOptions& options = {});

} // namespace fwplan
