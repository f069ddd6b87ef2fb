// fwplan stage: put packages into a TFTP root (or take the last stage back), and say what
// happened. Conflicts exit 1 with every competing load and what to do.

#include "commands.hpp"
#include "common.hpp"
#include "progress.hpp"

#include <fwplan/json.hpp>
#include <fwplan/stage.hpp>

#include <ostream>

namespace fwplan::cli {

namespace {

std::string size_text(std::uint64_t bytes) {
    if (bytes >= 10u << 20)
        return std::to_string(bytes >> 20) + " MiB";
    if (bytes >= 10u << 10)
        return std::to_string(bytes >> 10) + " KiB";
    return std::to_string(bytes) + " B";
}

std::string file_name(const std::string& path) {
    return std::filesystem::path(path).filename().string();
}

void print_file(const StagedFile& f, Console& c) {
    std::string action(to_string(f.action));
    action.resize(9, ' ');
    if (f.action == StageAction::Conflict)
        action = c.red(action);
    else if (f.action == StageAction::Replace)
        action = c.yellow(action);
    else if (f.action == StageAction::Create)
        action = c.green(action);
    c.out() << "  " << action << f.name;
    if (!f.package.empty() && f.action != StageAction::Conflict)
        c.out() << "  " << c.dim(size_text(f.size) + ", from " + file_name(f.package));
    c.out() << '\n';
    if (!f.reason.empty() && f.action != StageAction::Conflict)
        c.out() << "           " << c.dim(f.reason) << '\n';
}

void print_report(const StageReport& r, Console& c) {
    std::ostream& out = c.out();
    if (!r.resumed_stage.empty()) {
        out << c.bold("Finished the interrupted stage " + r.resumed_stage) << " ("
            << r.resumed_files.size() << " files)\n";
        if (c.globals.verbose > 0)
            for (const StagedFile& f : r.resumed_files)
                print_file(f, c);
    }
    const bool plan = r.dry_run || !r.conflicts.empty();
    if (plan) {
        out << c.bold(r.dry_run ? "Plan (dry run, nothing changed)" : "Plan (not carried out)")
            << ": " << r.count(StageAction::Create) << " to create, "
            << r.count(StageAction::Replace) << " to replace, " << r.count(StageAction::Skip)
            << " unchanged";
        if (!r.conflicts.empty())
            out << ", " << c.red(std::to_string(r.conflicts.size()) + " in conflict");
        out << '\n';
    } else {
        out << c.bold("Staged into " + terminal_safe(r.root.string())) << ": created "
            << r.count(StageAction::Create) << ", replaced " << r.count(StageAction::Replace)
            << ", unchanged " << r.count(StageAction::Skip);
        if (r.committed)
            out << "  (stage " << r.stage_id << ")";
        else
            out << "  (nothing to write)";
        out << '\n';
    }
    if (plan || c.globals.verbose > 0) {
        for (const StagedFile& f : r.files)
            print_file(f, c);
    } else {
        for (const StagedFile& f : r.files)
            if (f.action == StageAction::Replace || !f.renamed_from.empty())
                print_file(f, c);
    }
    if (!r.term_files.empty()) {
        out << c.bold("Term files") << " (what a factory-reset phone installs)\n";
        for (const TermChoice& t : r.term_files) {
            out << "  " << t.name << " -> ";
            if (t.chosen)
                out << t.chosen->str() << (t.by_factory_default ? " (--factory-default)" : "");
            else if (t.candidates.size() > 1)
                out << c.red("undecided");
            else
                out << "an unknown load";
            out << '\n';
        }
    }
    for (const Diagnostic& note : r.notes)
        out << c.yellow("note: ") << terminal_safe(note.message) << '\n';
    if (r.committed)
        out << "Undo with: fwplan stage --tftp-root " << terminal_safe(r.root.string())
            << " --undo\n";
}

int run_undo(const StageOptions& options, Console& console) {
    auto undone = undo_last_stage(options.tftp_root);
    if (!undone)
        return console.fail_also_as_json(undone.error());
    if (console.globals.json) {
        console.out() << json::undo(*undone);
        return 0;
    }
    console.out() << console.bold("Undid stage " + undone->stage_id) << " in "
                  << undone->root.string() << '\n';
    for (const UndoneFile& f : undone->files) {
        console.out() << "  " << f.action << "  " << f.name;
        if (!f.message.empty())
            console.out() << "  " << console.yellow(f.message);
        console.out() << '\n';
    }
    return 0;
}

} // namespace

int run_stage(const StageOptions& options, Console& console) {
    if (options.undo)
        return run_undo(options, console);
    auto fail = [&](const Error& error) { return console.fail_also_as_json(error); };
    fwplan::StageOptions stage_options;
    for (const std::string& text : options.factory_defaults) {
        auto id = optional_load_id(text, "--factory-default");
        if (!id) {
            Error error = id.error();
            error.kind = ErrorKind::Usage;
            return fail(error);
        }
        stage_options.factory_defaults.push_back(**id);
    }
    stage_options.dry_run = options.dry_run;
    stage_options.force = options.force;
    stage_options.allow_incomplete = options.allow_incomplete;
    auto catalog = load_catalog(console);
    if (!catalog)
        return fail(catalog.error());
    const Planner planner(*catalog);
    stage_options.planner = &planner;
    if (console.globals.verbose > 1)
        stage_options.on_step = [&](const StageStep& step) {
            console.info(std::string(step.what) + " " + std::string(step.name));
        };
    ProgressBar progress(console, "staging", ProgressBar::Unit::Bytes);
    stage_options.on_progress = [&](std::uint64_t done, std::uint64_t total) {
        progress.update(done, total);
    };
    std::vector<std::filesystem::path> packages(options.packages.begin(), options.packages.end());
    auto report = stage(options.tftp_root, packages, stage_options);
    progress.finish();
    if (!report)
        return fail(report.error());
    if (console.globals.json)
        console.out() << json::stage(*report);
    else
        print_report(*report, console);
    if (!report->conflicts.empty()) {
        Error error = report->conflict_error();
        // The details are above (or in the JSON); stderr gets each conflict on its own line.
        console.err() << "fwplan: error: staging would break the TFTP root, so nothing was "
                         "written ["
                      << error.code << "]\n";
        for (const StageConflict& c : report->conflicts)
            console.err() << "  " << c.message << '\n';
        console.err() << "fwplan: hint: " << error.hint << '\n';
        return exit_code_for(error.kind);
    }
    return 0;
}

} // namespace fwplan::cli
