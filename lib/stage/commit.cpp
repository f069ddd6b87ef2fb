#include "stage/commit.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fwplan::detail {

namespace fs = std::filesystem;

namespace {

const std::string kBackup(kBackupDir);
const std::string kJournalName(kJournal);

bool no_hard_links(int err) {
    return err == EPERM || err == EXDEV || err == ENOTSUP || err == EMLINK || err == ENOSYS;
}

// Where hard links are not possible: copy the old file, then rename the copy into the
// backup folder, so a half-written backup never carries the final name.
Result<void> copy_backup(int root_fd, int backup_fd, const std::string& name,
                         const fs::path& backup_path) {
    UniqueFd in(::openat(root_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!in.valid())
        return system_error("stage.backup", backup_path / name, "cannot read the old file", errno);
    const std::string temp = "." + name + ".tmp";
    UniqueFd out(::openat(backup_fd, temp.c_str(),
                          O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!out.valid())
        return system_error("stage.backup", backup_path / temp, "cannot keep a backup", errno);
    std::vector<char> buffer(64 * 1024);
    auto copied = read_to_end(
        in.get(), buffer,
        [&](std::string_view chunk) {
            return write_all(out.get(), chunk, backup_path / temp, "stage.backup");
        },
        backup_path / name, "stage.backup");
    if (!copied)
        return copied;
    if (auto ok = sync_file(out.get(), backup_path / temp, "stage.backup"); !ok)
        return ok;
    out.reset();
    if (::renameat(backup_fd, temp.c_str(), backup_fd, name.c_str()) != 0)
        return system_error("stage.backup", backup_path / name, "cannot keep a backup", errno);
    return {};
}

// Moves `from_dir/name` to `root/name` only if nothing has that name (a file that appeared
// meanwhile is never clobbered).
Result<bool> rename_no_replace(int from_fd, int root_fd, const std::string& name,
                               const fs::path& root) {
    if (::renameat2(from_fd, name.c_str(), root_fd, name.c_str(), RENAME_NOREPLACE) == 0)
        return true;
    if (errno == EEXIST)
        return false;
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
        return system_error("stage.rename", root / name, "cannot move the new file into place",
                            errno);
    // No RENAME_NOREPLACE here: link() refuses to replace as well.
    if (::linkat(from_fd, name.c_str(), root_fd, name.c_str(), 0) != 0) {
        if (errno == EEXIST)
            return false;
        return system_error("stage.rename", root / name, "cannot move the new file into place",
                            errno);
    }
    ::unlinkat(from_fd, name.c_str(), 0);
    return true;
}

Result<UniqueFd> open_backup_dir(int root_fd, const fs::path& root, const std::string& id,
                                 bool create) {
    if (create) {
        if (auto ok = make_private_dir_at(root_fd, kBackup, root); !ok)
            return ok.error();
    }
    auto top = open_dir_at(root_fd, kBackup, root);
    if (!top)
        return top.error();
    if (create) {
        if (auto ok = make_private_dir_at(top->get(), id, root / kBackup); !ok)
            return ok.error();
        if (auto ok = sync_dir(top->get(), root / kBackup); !ok)
            return ok.error();
    }
    return open_dir_at(top->get(), id, root / kBackup);
}

// Whether the backup folder of `id` holds its journal: the stage was committed.
bool is_committed(int root_fd, const fs::path& root, const std::string& id) {
    auto backup_fd = open_backup_dir(root_fd, root, id, false);
    if (!backup_fd)
        return false;
    auto st = stat_at(backup_fd->get(), kJournalName, root / kBackup / id);
    return st && st->exists;
}

// The journal a stage folder holds, if it holds a whole one for its own id.
std::optional<Journal> prepared_journal(int root_fd, const fs::path& root,
                                        const std::string& stage_name) {
    auto stage_fd = open_dir_at(root_fd, stage_name, root);
    if (!stage_fd)
        return std::nullopt;
    auto text = read_small_at(stage_fd->get(), kJournalName, 64u << 20, root / stage_name);
    if (!text)
        return std::nullopt;
    auto journal = parse_journal(*text);
    if (!journal || stage_dir_name(journal->id) != stage_name)
        return std::nullopt;
    return journal;
}

Result<void> remove_stage_dir(int root_fd, const fs::path& root, const std::string& name) {
    if (auto ok = remove_tree_at(root_fd, name, root); !ok)
        return ok;
    return sync_dir(root_fd, root);
}

// Still the file the stage put there: the same inode, and either the metadata the index
// recorded after the stage or (when times changed) the same size and SHA-256 (CRC-32 for a
// journal of version 1, which has no SHA-256). An edit in place keeps the inode, so the
// inode alone does not tell.
bool still_ours(int root_fd, const fs::path& root, const JournalEntry& e, const FileStat& now,
                const StateIndex& state) {
    if (!now.exists || !now.regular || now.inode != e.new_inode || now.size != e.size)
        return false;
    if (const StateRecord* r = state.match(e.name, now))
        if (r->crc32 == e.crc32 && !r->sha256.empty() && r->sha256 == e.sha256)
            return true;
    auto sum = checksum_at(root_fd, e.name, root);
    if (!sum || sum->size != e.size || sum->crc32 != e.crc32)
        return false;
    return e.sha256.empty() || sum->sha256 == e.sha256;
}

} // namespace

std::string stage_dir_name(const std::string& id) {
    return std::string(kStagePrefix) + id;
}

Result<void> write_prepared_journal(int stage_fd, const Journal& journal,
                                    const fs::path& stage_path) {
    return write_atomically_at(stage_fd, kJournalName, format_journal(journal), 0600, stage_path);
}

Result<void> commit(int root_fd, const fs::path& root, const Journal& journal,
                    std::vector<bool>& done, StateIndex& state, const StepFn& on_step) {
    const std::string stage_name = stage_dir_name(journal.id);
    const fs::path stage_path = files_path(root / stage_name, journal);
    const fs::path backup_path = files_path(root / kBackup / journal.id, journal);
    done.assign(journal.entries.size(), false);
    auto stage_dir = open_dir_at(root_fd, stage_name, root);
    if (!stage_dir)
        return stage_dir.error();
    auto stage_fd = open_files_dir(stage_dir->get(), journal, false, root / stage_name);
    if (!stage_fd)
        return stage_fd.error();
    auto backup_dir = open_backup_dir(root_fd, root, journal.id, true);
    if (!backup_dir)
        return backup_dir.error();
    auto backup_fd = open_files_dir(backup_dir->get(), journal, true, root / kBackup / journal.id);
    if (!backup_fd)
        return backup_fd.error();
    if (auto ok = sync_dir(backup_dir->get(), root / kBackup / journal.id); !ok)
        return ok;

    // 1. Every file to be replaced gets a second name in the backup folder first, so no
    //    moment exists in which the old file is gone and not kept.
    for (const JournalEntry& e : journal.entries) {
        if (!e.replace)
            continue;
        auto kept = stat_at(backup_fd->get(), e.name, backup_path);
        if (!kept)
            return kept.error();
        if (kept->exists)
            continue;
        auto old = stat_at(root_fd, e.name, root);
        if (!old)
            return old.error();
        if (!old->exists || old->inode != e.old_inode)
            continue; // already replaced, or changed by someone else: decided below
        if (::linkat(root_fd, e.name.c_str(), backup_fd->get(), e.name.c_str(), 0) != 0) {
            const int err = errno;
            if (!no_hard_links(err))
                return system_error("stage.backup", backup_path / e.name, "cannot keep a backup",
                                    err);
            if (auto ok = copy_backup(root_fd, backup_fd->get(), e.name, backup_path); !ok)
                return ok;
        }
        if (on_step)
            on_step("backup", e.name);
    }
    if (auto ok = sync_dir(backup_fd->get(), backup_path); !ok)
        return ok;

    // 2. One rename per file: each name holds the old file or the new one, never a part.
    for (std::size_t i = 0; i < journal.entries.size(); ++i) {
        const JournalEntry& e = journal.entries[i];
        auto now = stat_at(root_fd, e.name, root);
        if (!now)
            return now.error();
        if (now->exists && now->inode == e.new_inode) {
            done[i] = true; // renamed by the run that was interrupted
            state.remember(e.name, *now, e.crc32, e.sha256, e.term_for);
            continue;
        }
        auto temp = stat_at(stage_fd->get(), e.name, stage_path);
        if (!temp)
            return temp.error();
        if (!temp->exists || temp->inode != e.new_inode)
            continue;
        if (!e.replace || !now->exists) {
            auto placed = rename_no_replace(stage_fd->get(), root_fd, e.name, root);
            if (!placed)
                return placed.error();
            if (!*placed)
                continue; // a file of that name appeared meanwhile: left alone
        } else {
            if (now->inode != e.old_inode)
                continue; // changed since the plan: left alone
            auto kept = stat_at(backup_fd->get(), e.name, backup_path);
            if (!kept)
                return kept.error();
            if (!kept->exists)
                return system_error("stage.backup", backup_path / e.name,
                                    "the backup of the old file is missing", ENOENT);
            if (::renameat(stage_fd->get(), e.name.c_str(), root_fd, e.name.c_str()) != 0)
                return system_error("stage.rename", root / e.name,
                                    "cannot move the new file into place", errno);
        }
        done[i] = true;
        auto placed = stat_at(root_fd, e.name, root);
        if (!placed)
            return placed.error();
        state.remember(e.name, *placed, e.crc32, e.sha256, e.term_for);
        if (on_step)
            on_step("renamed", e.name);
    }
    if (auto ok = sync_dir(root_fd, root); !ok)
        return ok;

    // 3. The journal of what is in place moves to the backup folder: the stage is
    //    committed, and can be undone from there.
    Journal committed{journal.version, journal.id, {}};
    for (std::size_t i = 0; i < journal.entries.size(); ++i)
        if (done[i])
            committed.entries.push_back(journal.entries[i]);
    if (auto ok = write_atomically_at(backup_dir->get(), kJournalName, format_journal(committed),
                                      0600, root / kBackup / journal.id);
        !ok)
        return ok;
    if (on_step)
        on_step("committed", {});
    return {};
}

Result<std::vector<UndoneFile>> roll_back(int root_fd, const fs::path& root, const Journal& journal,
                                          StateIndex& state, const StepFn& on_step) {
    const std::string stage_name = stage_dir_name(journal.id);
    const fs::path stage_path = files_path(root / stage_name, journal);
    const fs::path backup_path = files_path(root / kBackup / journal.id, journal);
    std::vector<UndoneFile> undone;
    // The new files go back into the stage folder (a forward run could still finish the
    // stage), the old ones come back from the backup folder, one rename each.
    std::optional<UniqueFd> stage_fd;
    if (auto dir = open_dir_at(root_fd, stage_name, root))
        if (auto files = open_files_dir(dir->get(), journal, false, root / stage_name))
            stage_fd = std::move(*files);
    std::optional<UniqueFd> backup_fd;
    if (auto dir = open_backup_dir(root_fd, root, journal.id, false))
        if (auto files = open_files_dir(dir->get(), journal, false, root / kBackup / journal.id))
            backup_fd = std::move(*files);

    for (auto it = journal.entries.rbegin(); it != journal.entries.rend(); ++it) {
        const JournalEntry& e = *it;
        auto now = stat_at(root_fd, e.name, root);
        if (!now)
            return now.error();
        if (!now->exists || now->inode != e.new_inode)
            continue; // this commit never put it there (or someone replaced it since)
        const bool parked = [&] {
            if (!stage_fd)
                return false;
            auto st = stat_at(stage_fd->get(), e.name, stage_path);
            return st && st->exists;
        }();
        if (e.replace) {
            FileStat kept;
            if (backup_fd)
                if (auto st = stat_at(backup_fd->get(), e.name, backup_path); st)
                    kept = *st;
            if (!kept.exists) {
                undone.push_back({e.name, "kept", "its backup is missing"});
                continue;
            }
            // A second name for the new file first, where links work: the name in the root
            // then goes from the new file to the old one in one rename.
            if (stage_fd && !parked)
                (void)::linkat(root_fd, e.name.c_str(), stage_fd->get(), e.name.c_str(), 0);
            if (::renameat(backup_fd->get(), e.name.c_str(), root_fd, e.name.c_str()) != 0)
                return system_error("stage.undo", root / e.name, "cannot restore the old file",
                                    errno);
            undone.push_back({e.name, "restored", {}});
        } else {
            const bool moved =
                stage_fd && !parked &&
                ::renameat(root_fd, e.name.c_str(), stage_fd->get(), e.name.c_str()) == 0;
            if (!moved && ::unlinkat(root_fd, e.name.c_str(), 0) != 0 && errno != ENOENT)
                return system_error("stage.undo", root / e.name, "cannot remove the file", errno);
            undone.push_back({e.name, "removed", {}});
        }
        state.files.erase(e.name);
        if (on_step)
            on_step("rolled-back", e.name);
    }
    if (auto ok = sync_dir(root_fd, root); !ok)
        return ok.error();
    // The backup folder goes first: a stage folder with its journal and no committed journal
    // is a stage the next run finishes (or, for --undo, rolls back), never a half-undone one.
    // What cannot be removed (a backup that is a hard link to a file made immutable since)
    // stays: without a journal no undo reads it, and the root is whole either way.
    if (auto top = open_dir_at(root_fd, kBackup, root)) {
        (void)remove_tree_at(top->get(), journal.id, root / kBackup);
        if (auto ok = sync_dir(top->get(), root / kBackup); !ok)
            return ok.error();
    }
    if (auto ok = remove_stage_dir(root_fd, root, stage_name); !ok)
        return ok.error();
    std::reverse(undone.begin(), undone.end());
    return undone;
}

Result<Recovered> recover(int root_fd, const fs::path& root, StateIndex& state,
                          const StepFn& on_step) {
    Recovered last;
    for (const std::string& name : leftover_stages(root_fd, root)) {
        std::optional<Journal> journal = prepared_journal(root_fd, root, name);
        if (journal && !is_committed(root_fd, root, journal->id)) {
            Recovered finished;
            if (auto ok = commit(root_fd, root, *journal, finished.done, state, on_step); !ok) {
                // It cannot be finished (an immutable file, a full disk): take back what it
                // put in place, so the root is whole as it was before that stage.
                auto undone = roll_back(root_fd, root, *journal, state, on_step);
                return Error(ok.error())
                    .with_hint(undone ? "the interrupted stage " + journal->id +
                                            " could not be finished and was taken back; fix "
                                            "the cause, then stage again"
                                      : "run fwplan stage --undo to take the interrupted "
                                        "stage back");
            }
            finished.journal = std::move(*journal);
            last = std::move(finished);
        }
        // No journal: the run was killed while extracting; nothing of it reached the root.
        // A committed one: only the cleaning was left.
        if (auto ok = remove_stage_dir(root_fd, root, name); !ok)
            return ok.error();
    }
    return last;
}

Result<std::optional<UndoReport>> roll_back_interrupted(int root_fd, const fs::path& root,
                                                        StateIndex& state) {
    std::optional<UndoReport> newest;
    for (const std::string& name : leftover_stages(root_fd, root)) {
        std::optional<Journal> journal = prepared_journal(root_fd, root, name);
        if (journal && !is_committed(root_fd, root, journal->id)) {
            auto undone = roll_back(root_fd, root, *journal, state, {});
            if (!undone)
                return undone.error();
            UndoReport report;
            report.root = root;
            report.stage_id = journal->id;
            report.files = std::move(*undone);
            newest = std::move(report); // stage folders sort by time: the last is the newest
            continue;
        }
        if (auto ok = remove_stage_dir(root_fd, root, name); !ok)
            return ok.error();
    }
    return newest;
}

Result<UndoReport> undo_newest(int root_fd, const fs::path& root, StateIndex& state) {
    auto top = open_dir_at(root_fd, kBackup, root);
    auto nothing = [&] {
        Error error = not_possible("stage.nothing-to-undo", "no stage of fwplan to undo here");
        error.file = root.string();
        return error;
    };
    if (!top)
        return nothing();
    auto ids = list_dir(top->get(), root / kBackup);
    if (!ids)
        return ids.error();
    std::sort(ids->rbegin(), ids->rend());
    for (const std::string& id : *ids) {
        const fs::path backup_dir_path = root / kBackup / id;
        auto backup_dir = open_dir_at(top->get(), id, root / kBackup);
        if (!backup_dir)
            continue;
        auto text = read_small_at(backup_dir->get(), kJournalName, 64u << 20, backup_dir_path);
        if (!text)
            continue;
        auto journal = parse_journal(*text);
        if (!journal || journal->id != id)
            continue;
        auto backup_fd = open_files_dir(backup_dir->get(), *journal, false, backup_dir_path);
        const fs::path backup_path = files_path(backup_dir_path, *journal);

        UndoReport report;
        report.root = root;
        report.stage_id = id;
        bool backups_left = false;
        for (auto it = journal->entries.rbegin(); it != journal->entries.rend(); ++it) {
            const JournalEntry& e = *it;
            auto now = stat_at(root_fd, e.name, root);
            if (!now)
                return now.error();
            const bool ours = still_ours(root_fd, root, e, *now, state);
            state.files.erase(e.name);
            if (!e.replace) {
                if (ours) {
                    if (::unlinkat(root_fd, e.name.c_str(), 0) != 0)
                        return system_error("stage.undo", root / e.name, "cannot remove the file",
                                            errno);
                    report.files.push_back({e.name, "removed", {}});
                } else if (!now->exists) {
                    report.files.push_back({e.name, "removed", {}});
                } else {
                    report.files.push_back(
                        {e.name, "kept", "changed since the stage; fwplan leaves it alone"});
                }
                continue;
            }
            FileStat kept;
            if (backup_fd) {
                auto st = stat_at(backup_fd->get(), e.name, backup_path);
                if (!st)
                    return st.error();
                kept = *st;
            }
            if (kept.exists && (!now->exists || ours)) {
                if (::renameat(backup_fd->get(), e.name.c_str(), root_fd, e.name.c_str()) != 0)
                    return system_error("stage.undo", root / e.name, "cannot restore the old file",
                                        errno);
                report.files.push_back({e.name, "restored", {}});
            } else if (!kept.exists && now->exists && now->inode == e.old_inode) {
                report.files.push_back({e.name, "restored", {}});
            } else if (kept.exists) {
                backups_left = true;
                report.files.push_back(
                    {e.name, "kept",
                     "changed since the stage; the old file is still in " +
                         (files_path(fs::path(kBackup) / id, *journal) / e.name).string()});
            } else {
                report.files.push_back({e.name, "kept", "its backup is missing"});
            }
        }
        if (auto ok = sync_dir(root_fd, root); !ok)
            return ok.error();
        if (backups_left) {
            // Keep the old files for the user, but this stage is no longer the last one.
            if (::renameat(backup_dir->get(), kJournalName.c_str(), backup_dir->get(),
                           "journal.undone") != 0)
                return system_error("stage.undo", backup_dir_path / kJournalName,
                                    "cannot mark the stage undone", errno);
        } else if (auto ok = remove_tree_at(top->get(), id, root / kBackup); !ok) {
            return ok.error();
        }
        if (auto ok = sync_dir(top->get(), root / kBackup); !ok)
            return ok.error();
        std::reverse(report.files.begin(), report.files.end());
        return report;
    }
    return nothing();
}

} // namespace fwplan::detail
