#include "commands.hpp"
#include "common.hpp"

#include <fwplan/firmware.hpp>
#include <fwplan/json.hpp>
#include <fwplan/models.hpp>

#include <ostream>

namespace fwplan::cli {

namespace {

std::string join(const std::vector<std::string>& items, std::string_view separator = ", ") {
    std::string out;
    for (const std::string& item : items)
        out += (out.empty() ? "" : std::string(separator)) + item;
    return out;
}

std::string family_text(const LoadId& id) {
    std::vector<std::string> models;
    for (const ModelInfo* m : models_in_family(id.family()))
        models.emplace_back(m->number);
    return std::string(find_family(id.family())->name) + " (" + join(models) + ")";
}

void print_manifest(const PackageLoad& load, bool loose, Console& c) {
    std::ostream& out = c.out();
    out << "            build " << terminal_safe(load.manifest.build_id);
    if (load.manifest.hardware_comp)
        out << ", #HARDWARE_COMP_1 " << *load.manifest.hardware_comp;
    out << ", " << load.manifest.components.size() << " components:\n";
    for (const ManifestComponent& component : load.manifest.components)
        out << "              " << terminal_safe(component.name) << '\n';
    if (!loose) {
        for (const std::string& missing : load.missing)
            out << "            " << c.red("missing: " + terminal_safe(missing)) << '\n';
        for (const CaseMismatch& m : load.case_mismatches)
            out << "            "
                << c.red("case mismatch: the .loads asks for " + terminal_safe(m.listed) +
                         ", the package has " + terminal_safe(m.present) +
                         " (TFTP is case-sensitive)")
                << '\n';
    }
    for (const Diagnostic& warning : load.manifest.warnings)
        out << "            "
            << (warning.severity == Severity::Info
                    ? c.dim(terminal_safe(warning.message))
                    : c.yellow("warning: " + terminal_safe(warning.message)))
            << '\n';
}

void print_authenticity(const AuthenticityCheck& check, Console& c) {
    std::ostream& out = c.out();
    switch (check.status) {
    case Authenticity::Genuine:
        out << "  " << c.green("genuine: " + terminal_safe(check.detail)) << "  "
            << c.dim(terminal_safe(check.evidence)) << '\n';
        break;
    case Authenticity::Altered:
        out << "  " << c.red("NOT the genuine package: " + terminal_safe(check.detail)) << '\n'
            << "            " << c.dim("genuine record: " + terminal_safe(check.evidence)) << '\n';
        break;
    case Authenticity::NameOnly:
        out << "  "
            << c.dim("a genuine package name (" + terminal_safe(check.evidence) + "); " +
                     terminal_safe(check.detail))
            << '\n';
        break;
    case Authenticity::Unknown:
        break;
    }
}

void print_package(const FirmwarePackage& package, Console& c) {
    std::ostream& out = c.out();
    const bool loose = package.kind == ArchiveKind::LooseFile;
    if (package.unreadable) {
        out << c.bold(terminal_safe(package.path.string())) << "  " << c.red("(cannot be read)")
            << '\n';
        for (const Error& error : package.errors)
            out << "  " << c.red(terminal_safe(error.message)) << '\n';
        return;
    }
    out << c.bold(terminal_safe(package.path.string())) << "  (" << to_string(package.kind);
    if (!loose)
        out << ", " << package.files.size() << " files";
    out << ")\n";
    if (package.authenticity)
        print_authenticity(*package.authenticity, c);
    if (!package.not_firmware.empty()) {
        out << "  " << c.yellow("not phone firmware: " + terminal_safe(package.not_firmware))
            << '\n';
        return;
    }
    for (const PackageLoad& load : package.loads) {
        const LoadId& id = *load.manifest.load;
        out << "  load      " << c.bold(id.str()) << "  " << to_string(id.protocol()) << ' '
            << id.version().release() << "  for " << family_text(id) << '\n';
        print_manifest(load, loose, c);
    }
    for (const PackageLoad& load : package.unnamed_loads) {
        out << "  .loads    " << c.bold(terminal_safe(load.entry)) << "  ("
            << to_string(load.manifest.kind) << ", no load fwplan can name)\n";
        print_manifest(load, loose, c);
    }
    for (const TermFile& term : package.term_files) {
        out << "  term file " << terminal_safe(term.entry);
        if (term.stands_for)
            out << " -> " << term.stands_for->str();
        else
            out << " -> " << c.yellow("no load here lists the same components");
        if (term.manifest.term_model != nullptr)
            out << "  (what a factory-reset " << term.manifest.term_model->number << " installs)";
        out << '\n';
    }
    for (const InspectedFile& file : package.files) {
        if (file.kind == FileKind::Loads || file.kind == FileKind::TermFile)
            continue;
        if (!loose && file.problems.empty() && file.kind != FileKind::BootPointer &&
            file.kind != FileKind::Image && file.kind != FileKind::NotFirmware)
            continue; // components of a package are listed under their load
        out << "  " << to_string(file.kind) << "  " << terminal_safe(file.entry);
        if (!file.envelope.signed_name.empty())
            out << "  signed as " << terminal_safe(file.envelope.signed_name);
        if (file.cnu_entries != 0)
            out << ", CNU archive of " << file.cnu_entries << " files";
        if (!file.image_name.empty())
            out << ", image " << terminal_safe(file.image_name);
        if (file.envelope.encrypted)
            out << ", encrypted";
        if (!file.what.empty())
            out << ": " << terminal_safe(file.what);
        if (file.listed_by)
            out << ", listed by " << file.listed_by->str();
        out << '\n';
        for (const Diagnostic& problem : file.problems)
            out << "            " << c.yellow(terminal_safe(problem.message)) << '\n';
    }
    if (!package.unreferenced.empty() && !loose)
        out << "  not listed by any .loads: " << terminal_safe(join(package.unreferenced)) << '\n';
}

} // namespace

int run_inspect(const InspectOptions& options, Console& console) {
    std::vector<FirmwarePackage> packages;
    std::vector<Error> failures;
    auto catalog = load_catalog(console);
    if (!catalog)
        return console.fail_also_as_json(catalog.error());
    fwplan::InspectOptions inspect;
    inspect.catalog = &*catalog;
    for (const std::string& path : options.paths) {
        console.info("reading " + path);
        auto found = inspect_path(path, inspect);
        if (found)
            packages.insert(packages.end(), std::make_move_iterator(found->begin()),
                            std::make_move_iterator(found->end()));
        else
            failures.push_back(found.error().in_file(path));
    }
    resolve_term_files(packages);
    for (const FirmwarePackage& package : packages) {
        console.info(package.path.string() + ": " + std::to_string(package.files.size()) +
                     " files, " + std::to_string(package.loads.size()) + " loads, " +
                     std::to_string(package.term_files.size()) + " term files");
        for (const InspectedFile& file : package.files)
            console.debug("  " + file.entry + ": " + std::string(to_string(file.kind)));
    }

    if (console.globals.json)
        console.out() << json::inspect(packages, failures);
    else
        for (const FirmwarePackage& package : packages) {
            print_package(package, console);
            console.out() << '\n';
        }

    int exit_code = 0;
    for (const FirmwarePackage& package : packages)
        for (const Error& error : package.errors)
            exit_code = std::max(exit_code, console.fail(error));
    for (const Error& error : failures)
        exit_code = std::max(exit_code, console.fail(error));
    return exit_code;
}

} // namespace fwplan::cli
