#pragma once
// The second half of a stage: carrying out a plan (plan.hpp) that has no conflicts. Every
// file to write is extracted into a hidden stage folder inside the root (each package read
// once, in its own entry order, packages in parallel), flushed, described in a journal, and
// then put into place by the commit protocol (commit.hpp), which keeps replaced files for
// undo. Updates the plan's report (stage id, committed, what was left alone) and the root's
// index.

#include "stage/commit.hpp"
#include "stage/plan.hpp"
#include "stage/source.hpp"

#include <fwplan/stage.hpp>

#include <filesystem>
#include <vector>

namespace fwplan::detail {

/// Carries out `plan` in the root open as `root_fd`, which the caller has locked. `state`
/// is updated and written. A failure before the journal is written removes what was
/// prepared; after it, the next run (or undo) finishes the stage from the journal.
[[nodiscard]] Result<void> execute_stage(int root_fd, const std::filesystem::path& root,
                                         StagePlan& plan, std::vector<StageSource>& sources,
                                         StateIndex& state, const StageOptions& options);

} // namespace fwplan::detail
