// The fwplan command line: the argument grammar for every subcommand (CLI11), then a
// dispatch to the run_* function of the chosen one. Exit codes (the README's): 0 success,
// 1 negative answer, 2 usage, 3 bad input, 4 I/O or environment.

#include "cli_args.hpp"
#include "cli_docs.hpp"
#include "commands.hpp"
#include "console.hpp"

#include <fwplan/version.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <functional>
#include <iostream>
#include <string_view>

namespace {

using namespace fwplan::cli;

constexpr const char* kDescription =
    "fwplan gets old Cisco IP phones from the firmware they run to the firmware you want\n"
    "(usually SCCP to SIP), one safe step at a time: it reads the firmware you downloaded,\n"
    "plans the chain of loads, writes the configs for every step, stages the files into a\n"
    "TFTP root and audits it.";

constexpr const char* kFooter =
    "Exit codes: 0 success, 1 negative answer (no plan, audit errors), 2 usage,\n"
    "3 bad input (malformed file or ID), 4 I/O or environment failure (a missing file).\n"
    "Run 'fwplan help COMMAND' (or 'fwplan COMMAND --help') for the options of a command.";

void add_plan_request(CLI::App* cmd, PlanOptions& plan, bool model_required) {
    auto* model = cmd->add_option("--model,-m", plan.model, "Phone model: 7941, CP-7941G, 7960...");
    if (model_required)
        model->required();
    cmd->add_option("--from", plan.from, "The load the phone runs now, e.g. SCCP41.8-3-1S");
    auto* to = cmd->add_option("--to", plan.to,
                               "The load to end on (default: the family's final "
                               "load in the target protocol)");
    cmd->add_option("--to-protocol", plan.to_protocol,
                    "SIP (default) or SCCP, when --to is not given")
        ->excludes(to)
        ->check(CLI::IsMember({"SIP", "SCCP", "sip", "sccp"}));
    cmd->add_option("--firmware", plan.firmware,
                    "Firmware you have: cmterm zips, .loads files, folders (repeatable)");
    cmd->add_option("--hw-rev", plan.hw_rev, "Hardware revision from the phone's label, e.g. V15");
    cmd->add_flag("--allow-community", plan.allow_community,
                  "Let COMMUNITY reports of steps that work lift the rules that forbid them");
}

// What `fwplan` without a command, `--man` and `--completion` do.
int run_without_command(const CLI::App& app, const std::string& completion, bool man,
                        Console& console) {
    if (man) {
        std::cout << man_page(app, fwplan::library_version());
        return 0;
    }
    if (!completion.empty()) {
        std::cout << (completion == "bash"  ? bash_completion(app)
                      : completion == "zsh" ? zsh_completion(app)
                                            : fish_completion(app));
        return 0;
    }
    return console.fail_also_as_json(
        usage_error("no-command", "give a command, e.g. 'fwplan plan --model 7941'", {}));
}

// What the configs of every step are made of: emit's options, and rollout start's.
void add_config_options(CLI::App* cmd, EmitOptions& o) {
    cmd->add_option("--template", o.template_file,
                    "Your SEP<MAC>.cnf.xml to start from (used as it is: the SIP options below "
                    "then reach only XMLDefault.cnf.xml and the 7940/7960 files)")
        ->type_name("FILE");
    cmd->add_flag("--force", o.force, "Replace files that differ (a backup is kept)");
    auto* dialplan = cmd->add_option("--dialplan", o.dialplan_file,
                                     "Your dialplan.xml, written wherever a config names one "
                                     "(default: an empty one: the phone dials when you press Dial)")
                         ->type_name("FILE");
    cmd->add_flag("--no-dialplan", o.no_dialplan, "Write no dial plan")->excludes(dialplan);
    cmd->add_option("--sip-server", o.sip_server, "SIP registrar (processNodeName)");
    cmd->add_option("--sip-port", o.sip_port, "SIP port")->check(CLI::Range(1, 65535));
    cmd->add_option("--outbound-proxy", o.outbound_proxy, "Outbound proxy host");
    cmd->add_option("--ntp-server", o.ntp_server, "NTP server");
    cmd->add_option("--time-zone", o.time_zone,
                    "Time zone: IANA (Europe/Berlin) or Cisco ('W. Europe Standard/Daylight "
                    "Time'); 'fwplan catalog --time-zones' lists them");
    cmd->add_option("--line-name", o.line_name, "Line 1 user name (a FritzBox's Benutzername)");
    cmd->add_option("--auth-name", o.auth_name,
                    "Line 1 authentication name (a FritzBox: the same user name)");
    cmd->add_option("--display-name", o.display_name, "Line 1 display name");
    cmd->add_option("--messages-number", o.messages_number, "Voicemail number");
    cmd->add_option("--password-file", o.password_file, "File holding the line password")
        ->type_name("FILE");
    cmd->add_option("--password-env", o.password_env,
                    "Environment variable holding the line password");
    cmd->add_option("--speed-dial", o.speed_dials, "Speed dial 'label=number' (repeatable)");
}

} // namespace

int main(int argc, char** argv) {
    Console console = Console::standard();
    Globals& globals = console.globals;

    CLI::App app{kDescription, "fwplan"};
    app.set_version_flag("--version", std::string("fwplan ") + fwplan::library_version());
    app.footer(kFooter);
    app.require_subcommand(0, 1);
    app.fallthrough();
    app.add_flag("--json", globals.json, "Machine-readable JSON on stdout");
    app.add_option("--catalog", globals.catalogs,
                   "Extra knowledge base file (XML, same format as the built-in one); repeatable")
        ->type_name("FILE");
    app.add_flag("--quiet,-q", globals.quiet, "Print only errors and what you asked for (--json)");
    app.add_flag("-v,--verbose", globals.verbose, "Say more on stderr (-vv: more still)");
    bool man = false;
    std::string completion;
    app.add_flag("--man", man, "Print the man page (roff) and exit");
    app.add_option("--completion", completion,
                   "Print the completion script for SHELL (bash, zsh or fish) and exit")
        ->type_name("SHELL")
        ->check(CLI::IsMember({"bash", "zsh", "fish"}));

    std::function<int()> run;

    InspectOptions inspect;
    auto* cmd_inspect =
        app.add_subcommand("inspect", "Say what each firmware file, zip or folder is");
    cmd_inspect->add_option("paths", inspect.paths, "Files or folders to inspect")->required();
    cmd_inspect->callback([&] { run = [&] { return run_inspect(inspect, console); }; });

    PlanOptions plan;
    auto* cmd_plan = app.add_subcommand("plan", "Plan the chain of loads from --from to --to");
    add_plan_request(cmd_plan, plan, true);
    cmd_plan->callback([&] { run = [&] { return run_plan(plan, console); }; });

    EmitOptions emit;
    auto* cmd_emit = app.add_subcommand("emit", "Write the configs for every step of the plan");
    add_plan_request(cmd_emit, emit.plan, false);
    auto* mac =
        cmd_emit->add_option("--mac", emit.mac, "The phone's MAC address (any common notation)");
    auto* fleet =
        cmd_emit
            ->add_option("--fleet", emit.fleet,
                         "CSV inventory: mac,model,load[,target,hw_rev,line_name,...]; --to and "
                         "--to-protocol are the target of rows without one")
            ->type_name("FILE");
    mac->excludes(fleet);
    cmd_emit->add_option("--out,-o", emit.out_dir, "Output folder")->required();
    add_config_options(cmd_emit, emit);
    cmd_emit->callback([&] {
        if (emit.mac.empty() == emit.fleet.empty())
            throw CLI::ValidationError("emit",
                                       "give either --mac (with --model and --from) or --fleet");
        if (!emit.mac.empty() && emit.plan.model.empty())
            throw CLI::ValidationError("emit", "--mac needs --model");
        if (!emit.fleet.empty() &&
            (!emit.plan.model.empty() || !emit.plan.from.empty() || !emit.plan.hw_rev.empty()))
            throw CLI::ValidationError("emit", "with --fleet, the model, current load and "
                                               "hardware revision come from the CSV columns");
        run = [&] { return run_emit(emit, console); };
    });

    StageOptions stage;
    auto* cmd_stage = app.add_subcommand("stage", "Put firmware packages into a TFTP root, safely");
    cmd_stage->add_option("--tftp-root", stage.tftp_root, "The TFTP server's root folder")
        ->required();
    cmd_stage
        ->add_option("--factory-default", stage.factory_defaults,
                     "The load a factory-reset phone gets when term files compete "
                     "(one per family; repeatable)")
        ->allow_extra_args(false);
    cmd_stage->add_flag("--dry-run,-n", stage.dry_run, "Say what would happen; change nothing");
    cmd_stage->add_flag("--force", stage.force,
                        "Replace differing files other than term files (kept for --undo)");
    cmd_stage->add_flag("--allow-incomplete", stage.allow_incomplete,
                        "Stage a package that lacks files its .loads names");
    auto* undo =
        cmd_stage->add_flag("--undo", stage.undo, "Take back the last stage into this root");
    auto* stage_packages =
        cmd_stage->add_option("packages", stage.packages, "Firmware zips or folders");
    undo->excludes(stage_packages);
    cmd_stage->callback([&] {
        if (!stage.undo && stage.packages.empty())
            throw CLI::ValidationError("stage", "give the packages to stage (or --undo)");
        if (stage.undo && (stage.dry_run || stage.force || stage.allow_incomplete ||
                           !stage.factory_defaults.empty()))
            throw CLI::ValidationError("stage", "--undo takes no --dry-run, --force, "
                                                "--allow-incomplete or --factory-default");
        run = [&] { return run_stage(stage, console); };
    });

    CheckOptions check;
    auto* cmd_check = app.add_subcommand("check", "Audit a TFTP root for what breaks phones");
    cmd_check->add_option("root", check.root, "The TFTP root folder")->required();
    cmd_check->add_option("--firmware", check.firmware, "Packages meant for this root (repeatable)")
        ->allow_extra_args(false);
    auto* check_fleet =
        cmd_check
            ->add_option(
                "--fleet", check.fleet,
                "Inventory CSV (mac,model,load): flag configs a phone cannot reach in one step")
            ->type_name("FILE");
    cmd_check
        ->add_option("--state", check.state,
                     "A rollout's state: the phones it walks are checked at the load it says "
                     "each runs now (default: the root's rollout, when one was started)")
        ->type_name("FILE")
        ->needs(check_fleet);
    cmd_check->callback([&] { run = [&] { return run_check(check, console); }; });

    GraphOptions graph;
    auto* cmd_graph = app.add_subcommand("graph", "Write the version graph as Graphviz DOT");
    cmd_graph->add_option("--model,-m", graph.model, "Only this model's family");
    cmd_graph->add_flag("--all", graph.all, "Also draw forbidden steps (dashed)");
    cmd_graph->callback([&] { run = [&] { return run_graph(graph, console); }; });

    CatalogOptions catalog;
    auto* cmd_catalog =
        app.add_subcommand("catalog", "List known models, loads and rules with sources");
    cmd_catalog->add_option("--model,-m", catalog.model, "Only this model's family");
    cmd_catalog->add_flag("--time-zones", catalog.time_zones,
                          "List the time zone names Cisco phones know and the IANA zones of each");
    cmd_catalog->callback([&] { run = [&] { return run_catalog(catalog, console); }; });

    RolloutOptions rollout;
    auto* cmd_rollout = app.add_subcommand(
        "rollout", "Walk phones through their chains unattended, following the TFTP log");
    cmd_rollout->require_subcommand(1);
    const auto rollout_sub = [&](const char* name, const char* what) {
        CLI::App* sub = cmd_rollout->add_subcommand(name, what);
        sub->add_option("--tftp-root", rollout.tftp_root, "The TFTP server's root folder")
            ->required();
        sub->add_option("--state", rollout.state,
                        "The rollout's state (SQLite; default /var/lib/fwplan/<root>.rollout."
                        "sqlite, never inside the root)");
        sub->callback([&rollout, &run, &console, name] {
            rollout.action = name;
            run = [&] { return run_rollout(rollout, console); };
        });
        return sub;
    };
    CLI::App* rollout_start =
        rollout_sub("start", "Plan the phones, put their step-1 configs in place, record them");
    add_plan_request(rollout_start, rollout.start.plan, false);
    rollout_start->add_option("--mac", rollout.start.mac, "The phone's MAC address");
    rollout_start
        ->add_option("--fleet", rollout.start.fleet,
                     "CSV inventory: mac,model,load[,target,hw_rev,line_name,...]")
        ->check(CLI::ExistingFile);
    add_config_options(rollout_start, rollout.start);
    rollout_start->add_option("--wave", rollout.wave,
                              "At most N phones with a step's config in place at a time");
    CLI::App* rollout_follow =
        rollout_sub("follow", "Follow the TFTP server's log and walk every phone");
    rollout_follow->add_option("--log", rollout.log, "The TFTP server's log file, or - for stdin")
        ->required();
    rollout_follow->add_option("--format", rollout.format,
                               "auto, tftpd-hpa, dnsmasq, atftpd or journal-json");
    rollout_follow->add_flag("--once", rollout.once, "Read what is there, then stop");
    rollout_follow->add_option("--kick", rollout.kick,
                               "Command that resets a phone: %m MAC, %i IP, %l next load, %s step, "
                               "%n SEP file name");
    rollout_follow->add_option("--kick-timeout", rollout.kick_timeout,
                               "Seconds a kick may run (default 30)");
    rollout_follow->add_option("--settle-after", rollout.settle_after,
                               "Seconds of log time a phone that read its config, and asked "
                               "for no .loads, stays quiet before it counts as settled "
                               "(default 30)");
    rollout_follow->add_option("--refuse-after", rollout.refuse_after,
                               ".loads requests with no component before a phone counts as "
                               "refused (default 3)");
    rollout_follow->add_option("--stuck-after", rollout.stuck_after,
                               "Seconds of log time without a request before a phone counts as "
                               "stuck (default 1800)");
    rollout_follow
        ->add_option("--confirm", rollout.confirm,
                     "http: ask each phone what it runs before advancing it")
        ->check(CLI::IsMember({"http"}));
    rollout_follow
        ->add_option("--advance", rollout.advance,
                     "on-settle (default) or on-download: the next config goes in once "
                     "the phone asks for its last component")
        ->check(CLI::IsMember({"on-settle", "on-download"}));
    rollout_follow->add_option("--server-root", rollout.server_roots,
                               "The TFTP server's own root, as its log names files (dnsmasq); "
                               "repeatable");
    rollout_follow->add_option("--year", rollout.year,
                               "The year of classic syslog timestamps (default: this year)");
    CLI::App* rollout_status = rollout_sub("status", "Where every phone stands");
    rollout_status->add_option("--mac", rollout.mac, "One phone, with its timeline");
    for (const char* name : {"advance", "hold", "retry"}) {
        CLI::App* sub = rollout_sub(
            name, name == std::string("advance") ? "Put a phone's next step in place now"
                  : name == std::string("hold")  ? "Stop acting on a phone until retry"
                                                 : "Try a phone's current step again");
        sub->add_option("--mac", rollout.mac, "The phone")->required();
    }
    rollout_sub("abort", "End the rollout (the root keeps its configs)");

    for (CLI::App* sub : app.get_subcommands({}))
        sub->fallthrough();
    std::vector<std::string> help_path;
    auto* cmd_help = app.add_subcommand("help", "Show the help of fwplan or of a command");
    cmd_help->add_option("command", help_path, "The command (and subcommand) to explain");
    cmd_help->callback([&] {
        run = [&] {
            auto command = find_command(app, help_path);
            if (!command)
                return console.fail_also_as_json(command.error());
            std::cout << help_text(**command);
            return 0;
        };
    });

    // Every command understands the global options and lists them in its help. The man page
    // and completions are generated from these definitions (fwplan --man, --completion).
    share_global_options(app);

    // The arguments checked against the grammar first: unknown commands and options are
    // named with the nearest known ones, values trimmed, empty values refused.
    auto checked = check_arguments(app, argc, argv);
    if (!checked) {
        console.globals.json = std::any_of(
            argv + 1, argv + argc, [](const char* a) { return std::string_view(a) == "--json"; });
        return console.fail_also_as_json(checked.error());
    }
    try {
        app.parse(checked->reversed);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        console.globals.json = checked->json;
        if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr)
            if (auto missing = missing_argument(app, checked->command))
                return console.fail_also_as_json(*missing);
        return console.fail_also_as_json(usage_error("usage", e.what(), checked->command));
    }
    if (!run)
        return run_without_command(app, completion, man, console);
    try {
        return run();
    } catch (const std::bad_alloc&) {
        console.err() << "fwplan: error: out of memory\n";
        return 4;
    } catch (const std::exception& e) {
        // A bug, not bad input: say so plainly rather than dying with an abort.
        console.err() << "fwplan: error: internal error: " << e.what()
                      << "\nfwplan: hint: this is a bug in fwplan; please report it with the "
                         "command you ran\n";
        return 4;
    }
}
