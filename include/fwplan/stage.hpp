#pragma once
/// @file stage.hpp
/// Putting firmware into a TFTP root without breaking anything (`stage`) and taking the
/// last staging back (`undo_last_stage`). What is wrong with a root people already have is
/// the audit's job (audit.hpp).
///
/// Phones fetch everything from one flat folder. Files of different packages meet there,
/// and `termNN.default.loads` (what a factory-reset phone installs, docs/phone-files.md §4.3, §7.2)
/// has the same name in the SCCP and the SIP package of a family and in every version:
/// unzipping one package over another silently decides what every reset phone gets.
///
/// **Staging** works out every action and every conflict before it writes anything. Files
/// of a package go to the root under their base name (folders in zips are flattened), in
/// the exact case the `.loads` asks for (docs/phone-files.md §2.1); hidden files and folders and
/// macOS metadata never do (`Archive::left_out`). Identical files are left alone;
/// the same name with different content (from two packages, or already in the root) is a
/// conflict: a term file is chosen only by `factory_defaults`, any other file is replaced
/// only with `force`. Then it extracts into a hidden folder inside the root
/// (`.fwplan-stage-<id>/files/`), streaming every entry (size, CRC-32 and SHA-256 checked,
/// flushed to disk), writes a journal beside it and renames each file into place. Replaced
/// files are kept as hard links in `.fwplan-backup/<id>/files/` with the journal, so the
/// stage can be undone. A commit that fails half-way is taken back at once. A run killed at
/// any moment leaves every file of the root complete, old or new; the next run finishes the
/// interrupted one from its journal, and an undo takes it back. The layout is described in
/// docs/staging.md; roots staged by older versions are read as they are.
///
/// The hidden entries fwplan keeps in the root (`.fwplan-stage-*`, `.fwplan-backup/`,
/// `.fwplan-state`) are never requested by phones: a TFTP server serves
/// only what a client asks for by name, and phones ask for names from configs and `.loads`
/// files, none of which starts with a dot. fwplan also creates its folders with mode 0700,
/// so a server running as its own user cannot read them at all.
///
/// `.fwplan-state` records what fwplan staged (name, size, mtime, ctime, inode, CRC-32,
/// SHA-256), so re-staging recognises unchanged files without reading them; a file whose
/// metadata no longer matches is read again. "Identical" means same size, same CRC-32 and
/// same SHA-256, each compared only when the one before agrees: a root file of another size
/// is never read, and a CRC-32 (easily forged) never decides alone that a file is the same.
///
/// **Example**
///
///     fwplan::StageOptions options;
///     options.factory_defaults.push_back(fwplan::LoadId::parse("SIP41.9-4-2SR3-1S").value());
///     auto report = fwplan::stage("/srv/tftp", {"cmterm-7941_7961-sccp.8-5-2.zip",
///                                              "cmterm-7941_7961-sip.9-4-2SR3-1.zip"}, options);
///     if (!report)                                   // bad package (3) or I/O (4)
///         return fwplan::exit_code_for(report.error().kind);
///     if (!report->conflicts.empty()) {              // nothing was written
///         std::cerr << report->conflict_error().describe() << '\n';
///         return 1;
///     }
///     std::cout << report->count(fwplan::StageAction::Create) << " files created\n";

#include <fwplan/archive.hpp>
#include <fwplan/device_config.hpp>
#include <fwplan/diagnostic.hpp>
#include <fwplan/error.hpp>
#include <fwplan/load_id.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fwplan {

class Planner;

/// What staging does (or would do) with one file of the root.
enum class StageAction {
    Create,   ///< the name is new to the root
    Replace,  ///< a different file of that name is replaced; the old one is kept for undo
    Skip,     ///< an identical file is already there; nothing is touched
    Conflict, ///< two different files want the name and nobody chose: nothing is written
};

/// "create", "replace", "skip", "conflict".
[[nodiscard]] std::string_view to_string(StageAction action) noexcept;

/// One step of a stage, reported to `StageOptions::on_step` as it happens.
struct StageStep {
    std::string_view what; ///< `extracted`, `prepared`, `backup`, `renamed`, `committed`,
                           ///< `state`, `cleaned`; `rolled-back` per file taken back
                           ///< after a commit failed
    std::string_view name; ///< the file concerned, or empty
};

/// How to stage.
struct StageOptions {
    /// The load a factory-reset phone of a family should install, when term files compete
    /// (one per family; a load of a family without a competition is only checked). The term
    /// files standing for it win, and a term file of the root standing for another load is
    /// replaced (kept for undo).
    std::vector<LoadId> factory_defaults;
    bool dry_run = false; ///< work out and report the plan; change nothing at all
    bool force = false;   ///< replace differing files other than term files (kept for undo)
    /// Stage a package although it lacks components its `.loads` names. Without it such a
    /// package is refused (`fwplan.stage.incomplete`, nothing written): the phones told to
    /// load it would ask for the missing files again and again (`fwplan check` reports them
    /// as errors on the root).
    bool allow_incomplete = false;
    ArchiveLimits limits{}; ///< bounds on what the packages may expand to
    unsigned threads = 2;   ///< extraction workers (each with its own `Archive`); at least 1
    /// The knowledge the conflict messages plan with (a reset phone's way to the other
    /// candidates); null: the built-in catalog.
    const Planner* planner = nullptr;
    /// Called after every durable step (and before each rename), on the calling thread. For
    /// progress output, and for tests that stop a stage at every point to prove it can be
    /// finished.
    std::function<void(const StageStep&)> on_step;
    /// Called as files are extracted, with the bytes written so far and the total to write
    /// (from one thread at a time, possibly not the caller's): drives a progress bar.
    std::function<void(std::uint64_t done, std::uint64_t total)> on_progress;
};

/// One file of the plan.
struct StagedFile {
    std::string name; ///< the name in the root (the case the `.loads` asks for)
    StageAction action = StageAction::Create; ///< what staging does (or would do) with the file
    std::string package;            ///< the package it comes from (empty for a root-only file)
    std::string entry;              ///< the entry in that package (qualified for nested zips)
    std::uint64_t size = 0;         ///< bytes
    std::uint32_t crc32 = 0;        ///< CRC-32 of the content written (or kept)
    std::string renamed_from;       ///< the package's spelling, when the `.loads` asks otherwise
    std::optional<LoadId> term_for; ///< for term files: the load it stands for
    std::string reason;             ///< why this action, in words
};

/// A name two different files want.
struct StageConflict {
    std::string name;       ///< the file in the root
    bool term_file = false; ///< the clash is over a termNN.default.loads
    /// What competes: "SCCP41.8-5-2S (cmterm-7941_7961-sccp.8-5-2.zip)", "the root's file".
    std::vector<std::string> candidates;
    std::string message; ///< the whole story, including what each choice means
    std::string hint;    ///< what to do: `--factory-default LOAD`, `--force`, remove a package
};

/// What a term file was decided to be.
struct TermChoice {
    std::string name;                ///< `term41.default.loads`
    std::optional<LoadId> chosen;    ///< the load it stands for after staging
    std::vector<LoadId> candidates;  ///< every load that wanted it (root included)
    bool by_factory_default = false; ///< decided by `factory_defaults`
};

/// The outcome of `stage` (or its plan, for a dry run or when there are conflicts).
struct StageReport {
    std::filesystem::path root;    ///< the TFTP root
    std::string stage_id;          ///< the backup folder's name; empty when nothing was changed
    bool dry_run = false;          ///< true for --dry-run: nothing was written
    bool committed = false;        ///< files were changed (false: nothing was written)
    std::vector<StagedFile> files; ///< every file of every package, sorted by name
    std::vector<StageConflict> conflicts; ///< not empty: nothing was written
    std::vector<TermChoice> term_files;   ///< the term files the packages bring
    std::vector<Diagnostic> notes;        ///< things to know (skipped Mac metadata, AUTH FAIL)
    /// An interrupted stage that was finished first (its id), and its files.
    std::string resumed_stage;
    std::vector<StagedFile> resumed_files; ///< what finishing it changed

    /// How many files have this action.
    [[nodiscard]] std::size_t count(StageAction action) const noexcept;
    /// An error of kind `Conflict` (`fwplan.stage.conflict`) telling every conflict and the
    /// hints, for a caller that wants one; throws `std::logic_error` when there is none.
    [[nodiscard]] Error conflict_error() const;
};

/// Stages `packages` (zips, bundles, `.cop.sgn`, tars, folders, loose files) into `root`,
/// an existing folder. See the file comment for what happens.
///
/// Returns a report; when `conflicts` is not empty, nothing was written (not even the
/// hidden folders). Errors: a package that cannot be opened or is hostile, or holds a file
/// that does not parse (BadInput, the archive's or the parser's code, nothing written);
/// `fwplan.stage.no-firmware` (BadInput) for a package with no firmware in it;
/// `fwplan.stage.incomplete` (NotPossible) for a package that lacks components its `.loads`
/// names, unless `allow_incomplete`; `fwplan.stage.no-root` (Io) when `root` is not a
/// folder; `fwplan.stage.root-not-writable` (Io) when the caller may not write there (the
/// hint says how: sudo, the owner, the group); `fwplan.stage.busy` (Io)
/// when another fwplan stages into the root; `fwplan.stage.factory-default` (Usage) when a
/// factory default names a load none of the competing term files stands for;
/// `fwplan.stage.*` (Io) when the system refuses a write, with its reason: what was
/// prepared is removed, and a commit that fails half-way is taken back (when even that
/// fails, the journal stays, and the next run finishes the stage or `undo_last_stage` takes
/// it back).
///
/// **Example**
///
///     fwplan::StageOptions dry;
///     dry.dry_run = true;
///     auto plan = fwplan::stage(root, packages, dry);
///     for (const fwplan::StagedFile& f : plan->files)
///         std::cout << to_string(f.action) << ' ' << f.name << '\n';
[[nodiscard]] Result<StageReport> stage(const std::filesystem::path& root,
                                        const std::vector<std::filesystem::path>& packages,
                                        const StageOptions& options = {});

/// Stages files made in memory (the configs `fwplan rollout` puts into a root) exactly as
/// `stage` stages a package's: the same conflicts (a different file of the name is a conflict
/// unless `force`), the same journal, backups and undo. `label` stands for the package in the
/// report (`StagedFile::package`). Errors as `stage`, and `fwplan.file.bad-name` (BadInput)
/// for a name that is not a plain file name.
[[nodiscard]] Result<StageReport> stage_files(const std::filesystem::path& root,
                                              std::vector<GeneratedFile> files, std::string label,
                                              const StageOptions& options = {});

/// One file put back by `undo_last_stage`.
struct UndoneFile {
    std::string name;    ///< the file, as named in the root
    std::string action;  ///< `removed` (it was created), `restored` (it was replaced), `kept`
    std::string message; ///< for `kept`: why it was left alone (changed since the stage)
};

/// What `undo_last_stage` did.
struct UndoReport {
    std::filesystem::path root;    ///< the TFTP root
    std::string stage_id;          ///< the stage undone
    std::vector<UndoneFile> files; ///< what undo did with each file
};

/// Undoes the last stage that changed `root`: files it created are removed, files it
/// replaced are restored from `.fwplan-backup/<id>/files/`, and what `.fwplan-state` knew of
/// a restored file (its CRC, the load a chosen term file stands for) is what the earlier
/// stage recorded, so a deliberate `factory_defaults` choice stays on record. A file changed
/// since the stage is left alone (reported as `kept`). An interrupted stage is the last one:
/// it is taken back from its journal without being finished first. Undoing the last stage
/// left leaves no hidden entry of fwplan in the root. Calling it again undoes the stage
/// before. Errors: `fwplan.stage.nothing-to-undo` (NotPossible), `fwplan.stage.no-root`,
/// `fwplan.stage.root-not-writable`, `fwplan.stage.busy` and I/O errors (Io).
///
/// **Example**
///
///     auto undone = fwplan::undo_last_stage("/srv/tftp");
///     if (undone)
///         std::cout << "undid stage " << undone->stage_id << '\n';
[[nodiscard]] Result<UndoReport> undo_last_stage(const std::filesystem::path& root);

} // namespace fwplan
