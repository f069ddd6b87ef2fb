// The public face of staging (stage.hpp): open the root, lock it, finish what an interrupted
// run left, plan (plan.hpp), and carry the plan out (execute.hpp) unless it is a dry run or
// has conflicts. Undo walks the newest committed journal back (commit.hpp).

#include "detail/text.hpp"
#include "stage/commit.hpp"
#include "stage/execute.hpp"
#include "stage/plan.hpp"
#include "stage/source.hpp"
#include "tftp/root_fs.hpp"

#include <fwplan/stage.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <functional>
#include <grp.h>
#include <optional>
#include <pwd.h>
#include <set>
#include <stdexcept>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

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

// The root as a folder; what is wrong when it is not one: missing, something else, or out of
// reach (a folder on the way the user may not enter).
Result<void> check_root_folder(const fs::path& root) {
    struct stat st {};
    if (::stat(root.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        return {};
    const int err = errno;
    Error error = io_error("stage.no-root", "is not a folder");
    error.file = root.string();
    if (err == EACCES) {
        error.message = "cannot be reached: you may not enter it or a folder above it";
        return error.with_hint("run the same command with sudo, or as a user who may read the "
                               "folders on the way (ls -ld each of them)");
    }
    if (err == ENOENT)
        error.message = "does not exist";
    return error.with_hint("give the TFTP server's root folder with --tftp-root");
}

Result<detail::UniqueFd> open_root(const fs::path& root) {
    if (auto ok = check_root_folder(root); !ok)
        return ok.error();
    return detail::open_dir(root);
}

// Staging writes into the root itself (its hidden stage and backup folders, then the
// files): a root this process may not write is refused up front, naming the root rather
// than the first hidden folder that fails, and saying how to get the right.
Result<void> check_writable(int root_fd, const fs::path& root) {
    if (::faccessat(root_fd, ".", W_OK | X_OK, AT_EACCESS) == 0)
        return {};
    const int err = errno;
    if (err != EACCES && err != EPERM && err != EROFS)
        return {}; // let the writes themselves report it
    struct stat st {};
    std::string owner = "someone else";
    std::string group_name;
    if (::fstat(root_fd, &st) == 0) {
        if (const struct passwd* pw = ::getpwuid(st.st_uid))
            owner = pw->pw_name;
        if (const struct group* gr = ::getgrgid(st.st_gid))
            group_name = gr->gr_name;
    }
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    Error error = io_error("stage.root-not-writable",
                           err == EROFS ? "is on a read-only file system"
                                        : "is not writable for you: it belongs to " + owner +
                                              (group_name.empty() ? "" : ":" + group_name) +
                                              ", mode " + mode);
    error.file = root.string();
    if (err == EROFS)
        return error.with_hint("mount it read-write, or stage into another folder");
    std::string hint = "run the same command with sudo; or make the folder yours (sudo chown "
                       "$USER " +
                       root.string() + ")";
    // A group to share the root with: its own, unless that is root's (then the tftp group
    // Debian's tftpd-hpa runs as).
    const std::string share = group_name.empty() || st.st_gid == 0 ? "tftp" : group_name;
    hint += "; or let a group write it (" +
            (share == group_name ? std::string()
                                 : "sudo chgrp " + share + " " + root.string() + " && ") +
            "sudo chmod g+w " + root.string() + ") and join the group (sudo adduser $USER " +
            share + ", then log in again)";
    return error.with_hint(hint);
}

// A package whose .loads names components it does not hold: staged, it would leave phones
// asking for the missing files forever.
Result<void> refuse_incomplete(const std::vector<detail::StageSource>& sources) {
    std::vector<std::string> parts;
    for (const detail::StageSource& source : sources)
        for (const PackageLoad& load : source.info().loads)
            if (!load.missing.empty())
                parts.push_back(source.path().filename().string() + ": " +
                                load.manifest.load->loads_file_name() + " names " +
                                detail::join(load.missing) + ", which " +
                                (load.missing.size() == 1 ? "is" : "are") + " not in it");
    if (parts.empty())
        return {};
    Error error = not_possible("stage.incomplete",
                               detail::join(parts, "; ") +
                                   ". Nothing was written: a phone told to load it would ask "
                                   "for the missing files again and again");
    return error.with_hint("fetch the package again (it was cut off, or only part of it was "
                           "unpacked), or give --allow-incomplete to stage it as it is ('fwplan "
                           "check' then reports the missing files)");
}

// After an undo: what the earlier stages recorded about the files the undo put back (so a
// term file chosen with --factory-default stays chosen), and no empty hidden entries.
Result<void> settle_after_undo(int root_fd, const fs::path& root, detail::StateIndex& state,
                               const UndoReport& report) {
    auto backups = detail::open_dir_at(root_fd, std::string(detail::kBackupDir), root);
    std::vector<detail::Journal> journals; // newest first
    if (backups) {
        auto ids = detail::list_dir(backups->get(), root / detail::kBackupDir);
        if (ids) {
            std::sort(ids->rbegin(), ids->rend());
            for (const std::string& id : *ids) {
                auto folder = detail::open_dir_at(backups->get(), id, root / detail::kBackupDir);
                if (!folder)
                    continue;
                auto text = detail::read_small_at(folder->get(), std::string(detail::kJournal),
                                                  64u << 20, root / detail::kBackupDir / id);
                if (!text)
                    continue;
                if (auto journal = detail::parse_journal(*text))
                    journals.push_back(std::move(*journal));
            }
        }
    }
    for (const UndoneFile& file : report.files) {
        if (file.action != "restored")
            continue;
        auto st = detail::stat_at(root_fd, file.name, root);
        if (!st || !st->regular)
            continue;
        for (const detail::Journal& journal : journals) {
            const auto entry = std::find_if(
                journal.entries.begin(), journal.entries.end(), [&](const detail::JournalEntry& e) {
                    return e.name == file.name && e.new_inode == st->inode;
                });
            if (entry == journal.entries.end())
                continue;
            state.remember(file.name, *st, entry->crc32, entry->sha256, entry->term_for);
            break;
        }
    }
    if (state.files.empty()) {
        if (::unlinkat(root_fd, std::string(detail::kStateFile).c_str(), 0) != 0 && errno != ENOENT)
            return detail::system_error("stage.undo", root / detail::kStateFile,
                                        "cannot remove the index", errno);
    } else if (auto ok = detail::write_state(root_fd, state, root); !ok) {
        return ok.error();
    }
    // Fails, harmlessly, while an older stage's backups are in it.
    ::unlinkat(root_fd, std::string(detail::kBackupDir).c_str(), AT_REMOVEDIR);
    return detail::sync_dir(root_fd, root);
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

namespace {

// A stage of any sources: the packages of `stage`, or the files of `stage_files`, opened by
// `open_sources` once the root is locked.
Result<StageReport>
run_stage(const fs::path& root, const StageOptions& options,
          const std::function<Result<std::vector<detail::StageSource>>()>& open_sources) {
    if (options.threads == 0) {
        Error error = bad_input("stage.threads", "threads must be at least 1");
        error.kind = ErrorKind::Usage;
        return error;
    }
    auto root_fd = open_root(root);
    if (!root_fd)
        return root_fd.error();
    const int fd = root_fd->get();
    if (!options.dry_run)
        if (auto ok = check_writable(fd, root); !ok)
            return ok.error();

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

    auto opened = open_sources();
    if (!opened)
        return opened.error();
    std::vector<detail::StageSource>& sources = *opened;
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

} // namespace

Result<StageReport> stage(const fs::path& root, const std::vector<fs::path>& packages,
                          const StageOptions& options) {
    return run_stage(root, options, [&]() -> Result<std::vector<detail::StageSource>> {
        std::vector<detail::StageSource> sources;
        sources.reserve(packages.size());
        for (const fs::path& path : packages) {
            auto source = detail::StageSource::open(path, options.limits);
            if (!source)
                return source.error();
            sources.push_back(std::move(*source));
        }
        if (!options.allow_incomplete)
            if (auto ok = refuse_incomplete(sources); !ok)
                return ok.error();
        return sources;
    });
}

Result<StageReport> stage_files(const fs::path& root, std::vector<GeneratedFile> files,
                                std::string label, const StageOptions& options) {
    return run_stage(root, options, [&]() -> Result<std::vector<detail::StageSource>> {
        auto source = detail::StageSource::generated(std::move(label), std::move(files));
        if (!source)
            return source.error();
        std::vector<detail::StageSource> sources;
        sources.push_back(std::move(*source));
        return sources;
    });
}

Result<UndoReport> undo_last_stage(const fs::path& root) {
    if (auto ok = check_root_folder(root); !ok)
        return ok.error();
    auto root_fd = detail::open_dir(root);
    if (!root_fd)
        return root_fd.error();
    if (auto ok = check_writable(root_fd->get(), root); !ok)
        return ok.error();
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
    if (auto ok = settle_after_undo(root_fd->get(), root, state, *report); !ok)
        return ok.error();
    return report;
}

} // namespace fwplan
