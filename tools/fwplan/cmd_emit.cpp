// fwplan emit: the options become an Inventory (one phone, or the --fleet CSV) and
// EmitOptions; emit_configs (fleet.hpp) does the work; this file prints what it did.

#include "commands.hpp"
#include "common.hpp"

#include <fwplan/fleet.hpp>
#include <fwplan/json.hpp>
#include <fwplan/time_zone.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <ostream>

namespace fwplan::cli {

namespace {

Error usage(std::string message) {
    Error error = bad_input("cli.usage", std::move(message));
    error.kind = ErrorKind::Usage;
    return error;
}

// The SIP settings of the built-in template and the 7940/7960 files, from the options.
// Passwords come only from a file or an environment variable, never from the command line.
Result<SipSettings> sip_settings(const EmitOptions& o) {
    SipSettings sip;
    sip.server = o.sip_server;
    sip.port = static_cast<unsigned>(o.sip_port);
    sip.outbound_proxy = o.outbound_proxy;
    sip.ntp_server = o.ntp_server;
    if (!o.time_zone.empty()) {
        auto zone = find_time_zone(o.time_zone);
        if (!zone) {
            Error error = zone.error();
            error.message = "--time-zone: " + error.message;
            return error;
        }
        set_time_zone(sip, **zone);
    }
    if (!o.password_file.empty() && !o.password_env.empty())
        return usage("give the password with --password-file or --password-env, not both");
    SipLine line;
    line.name = o.line_name;
    line.auth_name = o.auth_name;
    line.display_name = o.display_name;
    line.messages_number = o.messages_number;
    if (!o.password_file.empty()) {
        auto password = read_password_file(o.password_file);
        if (!password)
            return password.error();
        line.auth_password = std::move(*password);
    } else if (!o.password_env.empty()) {
        auto password = read_password_env(o.password_env);
        if (!password)
            return password.error();
        line.auth_password = std::move(*password);
    }
    if (!line.name.empty() || !line.auth_name.empty() || !line.display_name.empty() ||
        !line.messages_number.empty() || !line.auth_password.empty())
        sip.lines.push_back(std::move(line));
    for (const std::string& dial : o.speed_dials) {
        const std::size_t equals = dial.find('=');
        if (equals == std::string::npos || equals == 0 || equals + 1 == dial.size())
            return usage("--speed-dial '" + dial + "' is not of the form label=number");
        sip.speed_dials.push_back({dial.substr(0, equals), dial.substr(equals + 1)});
    }
    if (auto ok = validate(sip); !ok)
        return ok.error();
    return sip;
}

} // namespace

// The one phone of `--mac`, through the same row parser as a CSV row; bad values here are
// errors of the command, not rows. Its line comes from the options (`sip_settings`).
Result<Inventory> single_phone(const EmitOptions& o) {
    PhoneFields fields;
    fields.mac = o.mac;
    fields.model = o.plan.model;
    fields.load = o.plan.from;
    fields.hw_rev = o.plan.hw_rev;
    fields.load_required = false;
    auto phone = parse_phone(fields);
    if (!phone) {
        Error error = phone.error();
        if (error.code.rfind("fwplan.load-id.", 0) == 0)
            error.message = "--from: " + error.message;
        return error;
    }
    Inventory inventory;
    inventory.source = "--mac";
    inventory.rows = 1;
    inventory.phones.push_back(std::move(*phone));
    return inventory;
}

Result<fwplan::EmitOptions> emit_options(const EmitOptions& o) {
    fwplan::EmitOptions options;
    options.out_dir = o.out_dir;
    options.policy.force = o.force;
    options.dial_plan = !o.no_dialplan;
    options.allow_community = o.plan.allow_community;
    if (!o.dialplan_file.empty()) {
        auto dial_plan = read_dial_plan(o.dialplan_file);
        if (!dial_plan)
            return dial_plan.error();
        options.dial_plan_xml = std::move(*dial_plan);
    }
    auto to = optional_load_id(o.plan.to, "--to");
    if (!to)
        return to.error();
    options.default_to = *to;
    if (!o.plan.to_protocol.empty())
        options.default_to_protocol = parse_protocol(o.plan.to_protocol).value();
    auto sip = sip_settings(o);
    if (!sip)
        return sip.error();
    options.sip = std::move(*sip);
    if (!o.template_file.empty()) {
        auto loaded = DeviceTemplate::from_file(o.template_file);
        if (!loaded)
            return loaded.error();
        options.device_template = std::move(*loaded);
    }
    return options;
}

namespace {

struct FolderCounts {
    std::map<WriteOutcome, std::size_t> outcomes;
    std::vector<const EmittedFile*> files;
};

std::string counts_text(const FolderCounts& counts) {
    std::string out;
    for (WriteOutcome outcome :
         {WriteOutcome::Created, WriteOutcome::Unchanged, WriteOutcome::Replaced}) {
        auto it = counts.outcomes.find(outcome);
        if (it == counts.outcomes.end())
            continue;
        out += (out.empty() ? "" : ", ") + std::to_string(it->second) + " " +
               std::string(to_string(outcome));
    }
    return out;
}

void print_written(const EmitReport& report, const std::string& out_dir, Console& c) {
    std::ostream& out = c.out();
    // Files grouped by their folder ("" for plan.txt and plan.json in the output folder).
    std::map<std::string, FolderCounts> by_folder;
    for (const EmittedFile& file : report.files) {
        const std::size_t slash = file.path.find('/');
        FolderCounts& counts =
            by_folder[slash == std::string::npos ? std::string() : file.path.substr(0, slash)];
        ++counts.outcomes[file.outcome];
        counts.files.push_back(&file);
    }
    // Every file is listed when there are few (one phone) or with -v.
    const bool list_files = report.files.size() <= 40 || c.globals.verbose > 0;
    out << c.bold("Wrote " + terminal_safe(out_dir)) << ": " << report.folders.size()
        << (report.folders.size() == 1 ? " step folder, " : " step folders, ")
        << report.files.size() << " files\n";
    for (const StepFolder& folder : report.folders) {
        const FolderCounts& counts = by_folder[folder.name];
        out << "  " << folder.name << "  "
            << std::to_string(folder.phones) + (folder.phones == 1 ? " phone" : " phones") << ": "
            << counts_text(counts) << '\n';
        for (const EmittedFile* file : counts.files)
            if (list_files || file->outcome == WriteOutcome::Replaced)
                out << "      " << to_string(file->outcome) << "  "
                    << file->path.substr(folder.name.size() + 1)
                    << (file->backup.empty() ? "" : "  (old file kept as " + file->backup + ")")
                    << '\n';
    }
    out << "  plan.txt, plan.json: " << counts_text(by_folder[""]) << '\n';
}

void print_report(const EmitReport& report, const std::string& out_dir, bool fleet, Console& c) {
    std::ostream& out = c.out();
    if (report.files.empty())
        out << c.bold("Nothing was written") << ": no phone could be planned.\n";
    else
        print_written(report, out_dir, c);
    // The rest is plan.txt's own text (the rounds are the folders above; the phones are in
    // plan.txt), so the terminal and the file never tell two stories.
    PlanTextParts parts;
    parts.summary = false;
    parts.rounds = false;
    parts.phones = false;
    parts.per_model = fleet;
    out << plan_text(report, parts);
    if (!report.files.empty())
        out << "\nThe plan is in "
            << terminal_safe((std::filesystem::path(out_dir) / "plan.txt").string())
            << " (and plan.json).\n";
}

} // namespace

int run_emit(const EmitOptions& options, Console& console) {
    const bool fleet = !options.fleet.empty();
    auto fail = [&](const Error& error) { return console.fail_also_as_json(error); };

    auto catalog = load_catalog(console);
    if (!catalog)
        return fail(catalog.error());
    auto available = find_firmware(options.plan.firmware, console);
    if (!available)
        return fail(available.error());
    const int firmware_exit = report_unreadable(*available, console);
    auto emit = emit_options(options);
    if (!emit)
        return fail(emit.error());
    auto inventory = fleet ? read_inventory(options.fleet) : single_phone(options);
    if (!inventory)
        return fail(inventory.error());
    for (const Diagnostic& warning : inventory->warnings)
        console.warn(warning.where + ": " + warning.message + " [" + warning.code + "]");

    Planner planner(*catalog, std::move(available->loads));
    auto report = emit_configs(planner, *inventory, *emit);
    if (!report)
        return fail(report.error());

    if (!report->conflicts.empty()) {
        if (console.globals.json)
            console.out() << report_json(*report);
        // One line per file (the first ones: a rerun with other settings can clash on
        // thousands), then the summary with the hint.
        constexpr std::size_t kShown = 20;
        for (std::size_t i = 0; i < report->conflicts.size() && i < kShown; ++i)
            console.err() << "fwplan: conflict: " << report->conflicts[i].message << " ["
                          << report->conflicts[i].code << "]\n";
        if (report->conflicts.size() > kShown)
            console.err() << "fwplan: conflict: ... and " << report->conflicts.size() - kShown
                          << " more\n";
        Error summary = bad_input("emit.conflict",
                                  std::to_string(report->conflicts.size()) +
                                      (report->conflicts.size() == 1 ? " file" : " files") +
                                      " in " + options.out_dir +
                                      " differ from what fwplan would write; nothing was written");
        summary.kind = ErrorKind::Conflict;
        return console.fail(summary.with_hint(
            "use --force to replace them (each old file is kept as NAME.bak), or choose an "
            "empty --out folder"));
    }
    if (!fleet && !report->failed.empty()) {
        // One phone: its failure is the command's failure, with the error's own exit code.
        if (console.globals.json)
            console.out() << report_json(*report);
        return console.fail(report->failed.front().error);
    }

    if (console.globals.json)
        console.out() << report_json(*report);
    else
        print_report(*report, options.out_dir, fleet, console);
    if (!report->failed.empty()) {
        Error summary = bad_input(
            "emit.rows-failed",
            std::to_string(report->failed_count()) + " of " + std::to_string(report->rows) +
                (report->rows == 1 ? " row" : " rows") + " of " + options.fleet +
                " failed; the files of the other phones were written");
        summary.kind = ErrorKind::NotPossible;
        return std::max(firmware_exit,
                        console.fail(summary.with_hint("fix the rows listed above and run the "
                                                       "same command again; files already "
                                                       "written stay")));
    }
    return firmware_exit;
}

} // namespace fwplan::cli
