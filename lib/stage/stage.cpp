// The public face of staging (stage.hpp): open the root, lock it, finish what an interrupted
// run left, plan (plan.hpp), and carry the plan out (execute.hpp) unless it is a dry run or
// has conflicts. Undo walks the newest committed journal back (commit.hpp).

#include "stage/commit.hpp"
#include "stage/execute.hpp"
#include "stage/plan.hpp"
#include "stage/source.hpp"
#include "tftp/root_fs.hpp"

#include <fwplan/stage.hpp>

#include <algorithm>
#include <optional>
#include <set>
#include <stdexcept>
#include <system_error>

namespace fwplan {

namespace fs = std::filesystem;

std::string_view to_string(StageAction action) noexcept {
    switch (action) {
    case StageAction::Create:
        return "create";
    case StageAction::Replace:
        return "replace";
    case StageAction::Skip:
        return "skip";
    case StageAction::Conflict:
        return "conflict";
    }
    return "conflict";
}

std::size_t StageReport::count(StageAction action) const noexcept {
    return static_cast<std::size_t>(std::count_if(
        files.begin(), files.end(), [&](const StagedFile& f) { return f.action == action; }));
}

Error StageReport::conflict_error() const {
    if (conflicts.empty())
        throw std::logic_error("fwplan: conflict_error() on a stage without conflicts");
    Error error;
    error.kind = ErrorKind::Conflict;
    error.code = "fwplan.stage.conflict";
    error.file = root.string();
    error.message = "staging would break the TFTP root, so nothing was written: ";
    std::set<std::string> hints;
    for (std::size_t i = 0; i < conflicts.size(); ++i) {
        error.message += (i == 0 ? "" : "; ") + conflicts[i].message;
        if (!conflicts[i].hint.empty())
            hints.insert(conflicts[i].hint);
    }
    for (const std::string& hint : hints)
        error.hint += (error.hint.empty() ? "" : "; ") + hint;
    return error;
}

namespace {

Result<detail::UniqueFd> open_root(const fs::path& root) {
    std::error_code ec;
    if (!fs::is_directory(root, ec)) {
        Error error = io_error("stage.no-root", "is not a folder");
        error.file = root.string();
        return error.with_hint("give the TFTP server's root folder with --tftp-root");
    }
    return detail::open_dir(root);
}

// What finishing an interrupted stage changed, for the report.
void report_resumed(const detail::Recovered& recovered, StageReport& report) {
    report.resumed_stage = recovered.journal.id;
    for (std::size_t i = 0; i < recovered.journal.entries.size(); ++i) {
        const detail::JournalEntry& e = recovered.journal.entries[i];
        StagedFile file;
        file.name = e.name;
        file.action = e.replace ? StageAction::Replace : StageAction::Create;
        file.package = e.package;
        file.entry = e.entry;
        file.size = e.size;
        file.crc32 = e.crc32;
        if (!e.term_for.empty())
            if (auto id = LoadId::parse(e.term_for))
                file.term_for = *id;
        file.reason = recovered.done[i] ? "finished from the interrupted stage"
                                        : "left alone: it changed after the interrupted "
                                          "stage had planned it";
        report.resumed_files.push_back(std::move(file));
    }
}

} // namespace

Result<StageReport> stage(const fs::path& root, const std::vector<fs::path>& packages,
                          const StageOptions& options) {
    if (options.threads == 0) {
        Error error = bad_input("stage.threads", "threads must be at least 1");
        error.kind = ErrorKind::Usage;
        return error;
    }
    auto root_fd = open_root(root);
    if (!root_fd)
        return root_fd.error();
    const int fd = root_fd->get();

    // Before planning: a real run takes the lock and finishes an interrupted stage, so the
    // plan sees the root as that stage left it; a dry run only says one is there.
    StageReport before;
    std::optional<detail::RootLock> lock;
    detail::StateIndex state = detail::read_state(fd);
    if (!options.dry_run) {
        auto acquired = detail::RootLock::acquire(fd, root);
        if (!acquired)
            return acquired.error();
        lock.emplace(std::move(*acquired));
        const auto on_step = [&](std::string_view what, std::string_view name) {
            if (options.on_step)
                options.on_step(StageStep{what, name});
        };
        auto recovered = detail::recover(fd, root, state, on_step);
        if (!recovered)
            return recovered.error();
        if (!recovered->journal.id.empty()) {
            report_resumed(*recovered, before);
            if (auto ok = detail::write_state(fd, state, root); !ok)
                return ok.error();
        }
    } else {
        for (const std::string& left : detail::leftover_stages(fd, root))
            before.notes.push_back(warning("fwplan.stage.interrupted",
                                           "an interrupted stage (" + left +
                                               ") is in the root; a real run finishes it first",
                                           left));
    }

    std::vector<detail::StageSource> sources;
    sources.reserve(packages.size());
    for (const fs::path& path : packages) {
        auto source = detail::StageSource::open(path, options.limits);
        if (!source)
            return source.error();
        sources.push_back(std::move(*source));
    }
    auto plan = detail::plan_stage(fd, root, state, sources, options);
    if (!plan)
        return plan.error();

    StageReport& report = plan->report;
    report.root = root;
    report.dry_run = options.dry_run;
    report.resumed_stage = std::move(before.resumed_stage);
    report.resumed_files = std::move(before.resumed_files);
    report.notes.insert(report.notes.begin(), before.notes.begin(), before.notes.end());
    if (!report.conflicts.empty() || options.dry_run) {
        if (auto ok = detail::complete_crcs(*plan, sources); !ok)
            return ok.error();
        return std::move(report);
    }
    if (auto ok = detail::execute_stage(fd, root, *plan, sources, state, options); !ok)
        return ok.error();
    return std::move(report);
}

Result<UndoReport> undo_last_stage(const fs::path& root) {
    std::error_code ec;
    if (!fs::is_directory(root, ec)) {
        Error error = io_error("stage.no-root", "is not a folder");
        error.file = root.string();
        return error;
    }
    auto root_fd = detail::open_dir(root);
    if (!root_fd)
        return root_fd.error();
    auto lock = detail::RootLock::acquire(root_fd->get(), root);
    if (!lock)
        return lock.error();
    detail::StateIndex state = detail::read_state(root_fd->get());
    // An interrupted stage is the newest: it is taken back from its journal, not finished
    // first (a commit that failed half-way would only fail again).
    auto interrupted = detail::roll_back_interrupted(root_fd->get(), root, state);
    if (!interrupted)
        return interrupted.error();
    if (*interrupted) {
        if (auto ok = detail::write_state(root_fd->get(), state, root); !ok)
            return ok.error();
        return std::move(**interrupted);
    }
    auto report = detail::undo_newest(root_fd->get(), root, state);
    if (!report)
        return report.error();
    if (auto ok = detail::write_state(root_fd->get(), state, root); !ok)
        return ok.error();
    return report;
}

} // namespace fwplan
