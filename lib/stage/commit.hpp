#pragma once
// The second half of a stage: once every file is extracted into the stage folder and the
// journal is written, put the files into the root (backups first, then one rename per
// file), mark the journal committed, and clean up. Every step can be repeated: what is
// done is recognised by inode, so a killed run is finished by calling `commit` again with
// the same journal. A commit that fails half-way is rolled back from the same journal.
// Undo walks a committed journal backwards.

#include "tftp/root_fs.hpp"

#include <fwplan/stage.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace fwplan::detail {

using StepFn = std::function<void(std::string_view what, std::string_view name)>;

/// The stage folder of an id: `.fwplan-stage-<id>`.
std::string stage_dir_name(const std::string& id);

/// Writes the journal into the stage folder (atomically) and flushes the folder: from here
/// on the stage will be finished by whoever comes next.
Result<void> write_prepared_journal(int stage_fd, const Journal& journal,
                                    const std::filesystem::path& stage_path);

/// Puts a prepared stage into the root. `done[i]` tells afterwards whether entry i is in
/// place (false: the root's file changed meanwhile, the entry was dropped). Updates
/// `state` for the entries in place; the caller writes it. A failure leaves the root
/// mixed (some files new, the rest old): the caller rolls back (`roll_back`).
Result<void> commit(int root_fd, const std::filesystem::path& root, const Journal& journal,
                    std::vector<bool>& done, StateIndex& state, const StepFn& on_step);

/// Takes back what a commit of the prepared (not committed) `journal` put in place: each
/// created file is moved back into the stage folder, each replaced file is restored from
/// the backup folder by one rename (the name holds the new file or the old one, never
/// neither), then the backup folder and the stage folder are removed. Files the stage did
/// not put there are left alone. Repeatable: a run killed half-way is finished by the next
/// `stage` (forward, from the journal) or `--undo` (backward). Reports each file taken back.
Result<std::vector<UndoneFile>> roll_back(int root_fd, const std::filesystem::path& root,
                                          const Journal& journal, StateIndex& state,
                                          const StepFn& on_step);

/// Finishes or removes what interrupted runs left: a stage folder with a journal is
/// committed (and rolled back, with the error, when it cannot be), one without is
/// removed. Returns the finished journal (id empty if none) and which of its entries are
/// in place.
struct Recovered {
    Journal journal;
    std::vector<bool> done;
};
Result<Recovered> recover(int root_fd, const std::filesystem::path& root, StateIndex& state,
                          const StepFn& on_step);

/// For undo: rolls back every interrupted stage instead of finishing it (one that failed
/// half-way would only fail again), removes stage folders without a journal. Returns the
/// newest stage rolled back, or nullopt when there was none.
Result<std::optional<UndoReport>>
roll_back_interrupted(int root_fd, const std::filesystem::path& root, StateIndex& state);

/// Undoes the newest committed stage (see `undo_last_stage`).
Result<UndoReport> undo_newest(int root_fd, const std::filesystem::path& root, StateIndex& state);

} // namespace fwplan::detail
