// fwplan check: audit a TFTP root; findings grouped by severity, errors first. Exit 1 when
// any finding is an error.

#include "commands.hpp"
#include "common.hpp"

#include <fwplan/audit.hpp>
#include <fwplan/inventory.hpp>
#include <fwplan/json.hpp>
#include <fwplan/rollout.hpp>

#include <ostream>

namespace fwplan::cli {

int run_check(const CheckOptions& options, Console& console) {
    auto fail = [&](const Error& error) { return console.fail_also_as_json(error); };
    auto catalog = load_catalog(console);
    if (!catalog)
        return fail(catalog.error());
    const Planner planner(*catalog);
    fwplan::CheckOptions check_options;
    check_options.planner = &planner;
    check_options.firmware.assign(options.firmware.begin(), options.firmware.end());
    if (!options.fleet.empty()) {
        auto inventory = read_inventory(options.fleet);
        if (!inventory)
            return fail(inventory.error());
        for (const RowError& row : inventory->rejected)
            console.warn(options.fleet + ": line " + std::to_string(row.line) +
                         " is left out of the check: " + row.error.message);
        if (inventory->rejected_more > 0)
            console.warn(options.fleet + ": " + std::to_string(inventory->rejected_more) +
                         " more rows are left out of the check (only the first " +
                         std::to_string(inventory->rejected.size()) + " are listed)");
        check_options.inventory = std::move(inventory->phones);
    }
    // During a rollout the CSV names the loads phones started from; the root holds the config
    // of the step each one is on.
    if (!options.fleet.empty()) {
        auto taken =
            rollout::take_current_loads({options.root, options.state}, check_options.inventory);
        if (!taken) {
            if (!options.state.empty())
                return fail(taken.error());
            // The root's own state, found by name: not being able to read it is no reason to
            // stop.
            console.warn("the rollout state of this root cannot be read (" + taken.error().message +
                         "): phones are checked at the loads " + options.fleet + " names");
        } else if (*taken > 0) {
            check_options.notes.push_back(
                info("fwplan.check.rollout-loads",
                     std::to_string(*taken) + (*taken == 1 ? " phone is" : " phones are") +
                         " checked at the load the rollout says it runs now, not the load the CSV "
                         "names ('fwplan rollout status' shows where each stands)",
                     options.fleet));
        }
    }
    console.info("checking " + options.root + " with " +
                 std::to_string(check_options.firmware.size()) + " --firmware packages and " +
                 std::to_string(check_options.inventory.size()) + " phones of an inventory");
    auto report = check_root(options.root, check_options);
    if (!report)
        return fail(report.error());
    console.info("looked at " + std::to_string(report->files) + " files: " +
                 std::to_string(report->loads) + " .loads, " + std::to_string(report->configs) +
                 " configs; " + std::to_string(report->findings.size()) + " findings");
    for (const Diagnostic& finding : report->findings)
        console.debug(std::string(to_string(finding.severity)) + " " + finding.code + " " +
                      finding.where);

    if (console.globals.json) {
        console.out() << json::check(*report);
    } else {
        std::ostream& out = console.out();
        out << console.bold("Checked " + terminal_safe(report->root.string())) << ": "
            << report->files << " files, " << report->loads << " .loads, " << report->configs
            << " configs\n";
        for (Severity severity : {Severity::Error, Severity::Warning, Severity::Info}) {
            const std::size_t n = report->count(severity);
            if (n == 0)
                continue;
            std::string title =
                std::to_string(n) + " " + std::string(to_string(severity)) + (n == 1 ? "" : "s");
            out << '\n'
                << (severity == Severity::Error     ? console.red(title)
                    : severity == Severity::Warning ? console.yellow(title)
                                                    : console.bold(title))
                << '\n';
            for (const Diagnostic& f : report->findings)
                if (f.severity == severity)
                    out << "  " << terminal_safe(f.where) << ": " << terminal_safe(f.message)
                        << "  " << console.dim("[" + f.code + "]") << '\n';
        }
        if (report->findings.empty())
            out << console.green("No problems found.") << '\n';
    }
    return report->has_errors() ? 1 : 0;
}

} // namespace fwplan::cli
