// Carrying out a stage plan (execute.hpp).

#include "stage/execute.hpp"

#include "detail/digest.hpp"
#include "detail/posix.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <mutex>
#include <optional>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace fwplan::detail {

namespace fs = std::filesystem;

namespace {

// Up to this many files a stage fsyncs each one as it extracts it; above it one syncfs of
// the stage folder's file system flushes them all (as WriteBatch does, file_writer.cpp).
constexpr std::size_t kSyncEachLimit = 16;

// One file to extract: its group, and what the extraction found.
struct Job {
    StageGroup* group = nullptr;
    std::uint64_t new_inode = 0;
    std::uint32_t crc = 0;
    std::string sha256;
};

class Executor {
public:
    Executor(int root_fd, fs::path root, StagePlan& plan, std::vector<StageSource>& sources,
             StateIndex& state, const StageOptions& options)
        : root_fd_(root_fd), root_(std::move(root)), plan_(plan), sources_(sources), state_(state),
          options_(options) {}

    Result<void> run() {
        for (StageGroup& g : plan_.groups)
            if (g.action == StageAction::Create || g.action == StageAction::Replace)
                jobs_.push_back(Job{&g, 0, 0, {}});
        sync_each_ = jobs_.size() <= kSyncEachLimit;
        const bool skipped_changed = remember_skipped();
        if (jobs_.empty()) {
            if (skipped_changed)
                return write_state(root_fd_, state_, root_);
            return {};
        }

        const std::string id = new_stage_id();
        const std::string stage_name = stage_dir_name(id);
        const fs::path stage_path = root_ / stage_name;
        if (auto ok = make_private_dir_at(root_fd_, stage_name, root_); !ok)
            return ok;
        auto stage_fd = open_dir_at(root_fd_, stage_name, root_);
        if (!stage_fd)
            return stage_fd.error();
        // The files go into their own folder beside the journal: a staged file named
        // "journal" is a file like any other (journal version 2).
        Journal journal;
        journal.id = id;
        auto files_fd = open_files_dir(stage_fd->get(), journal, true, stage_path);
        if (!files_fd) {
            (void)remove_tree_at(root_fd_, stage_name, root_);
            return files_fd.error();
        }
        if (auto extracted = extract_all(files_fd->get()); !extracted) {
            (void)remove_tree_at(root_fd_, stage_name, root_);
            return extracted.error();
        }
        // Every extracted byte is on disk before the journal names it: one file at a time for
        // a few files, one syncfs for many (thousands of configs would cost a journal commit
        // each; the guarantee is the same).
        if (!sync_each_ && ::syncfs(stage_fd->get()) != 0)
            return root_write_error(stage_name, "cannot flush", errno);
        for (const Job& job : jobs_)
            step("extracted", job.group->name);
        if (auto ok = sync_dir(files_fd->get(), files_path(stage_path, journal)); !ok)
            return ok;
        if (auto ok = sync_dir(stage_fd->get(), stage_path); !ok)
            return ok;

        journal.entries = journal_entries();
        if (auto ok = write_prepared_journal(stage_fd->get(), journal, stage_path); !ok) {
            // Nothing of it reached the root: the prepared files go, the error stays.
            (void)remove_tree_at(root_fd_, stage_name, root_);
            (void)sync_dir(root_fd_, root_);
            return ok;
        }
        step("prepared", {});

        std::vector<bool> done;
        const auto on_step = [this](std::string_view w, std::string_view n) { step(w, n); };
        if (auto ok = commit(root_fd_, root_, journal, done, state_, on_step); !ok) {
            // Half a stage is worse than none: take back what this commit put in place.
            auto undone = roll_back(root_fd_, root_, journal, state_, on_step);
            if (undone)
                return Error(ok.error())
                    .with_hint("nothing was changed: the files this stage had put in place were "
                               "taken back; fix the cause, then run the same command again");
            return Error(ok.error())
                .with_hint("the root is part old, part new (every file whole): run the same "
                           "command again to finish the stage, or --undo to take it back");
        }
        record_outcome(done, id);
        if (auto ok = write_state(root_fd_, state_, root_); !ok)
            return ok;
        step("state", {});
        stage_fd->reset();
        if (auto ok = remove_tree_at(root_fd_, stage_name, root_); !ok)
            return ok;
        if (auto ok = sync_dir(root_fd_, root_); !ok)
            return ok;
        step("cleaned", {});
        return {};
    }

private:
    void step(std::string_view what, std::string_view name) const {
        if (options_.on_step)
            options_.on_step(StageStep{what, name});
    }

    // Identical files already in the root that the index does not know as they are: from
    // now on it does, so the next stage need not read them.
    bool remember_skipped() {
        bool changed = false;
        for (const StageGroup& g : plan_.groups)
            if (g.action == StageAction::Skip && g.root.regular && g.root_digest.crc &&
                !g.keep_root && !known_with_sha(g)) {
                const StageContent& c = g.chosen_content();
                state_.remember(g.name, g.root, *g.root_digest.crc, g.root_digest.sha.value_or(""),
                                c.term_for ? c.term_for->str() : std::string());
                changed = true;
            }
        return changed;
    }

    // The index knows the file as it is, SHA-256 included (an index of version 1 has none).
    bool known_with_sha(const StageGroup& g) const {
        const StateRecord* r = state_.match(g.name, g.root);
        return r != nullptr && (!r->sha256.empty() || !g.root_digest.sha);
    }

    std::vector<JournalEntry> journal_entries() const {
        std::vector<JournalEntry> entries;
        for (const Job& job : jobs_) {
            const StageGroup& g = *job.group;
            const StageContent& c = g.chosen_content();
            const StageWant& want = g.chosen_want();
            JournalEntry e;
            e.name = g.name;
            e.replace = g.action == StageAction::Replace;
            e.size = c.size;
            e.crc32 = job.crc;
            e.sha256 = job.sha256;
            e.new_inode = job.new_inode;
            e.old_inode = g.root.inode;
            e.term_for = c.term_for ? c.term_for->str() : std::string();
            e.package = sources_[want.source].path().string();
            e.entry = sources_[want.source].entries()[want.entry].qualified_name();
            entries.push_back(std::move(e));
        }
        return entries;
    }

    void record_outcome(const std::vector<bool>& done, const std::string& id) {
        StageReport& report = plan_.report;
        // report.files is parallel to the groups, and the journal to the jobs.
        for (std::size_t j = 0; j < jobs_.size(); ++j) {
            StagedFile& file =
                report.files[static_cast<std::size_t>(jobs_[j].group - plan_.groups.data())];
            file.crc32 = jobs_[j].crc;
            if (!done[j]) {
                file.action = StageAction::Skip;
                file.reason = "left alone: the root's file changed while fwplan was staging";
            }
        }
        report.stage_id = id;
        report.committed = true;
    }

    // Streams every job's entry into the stage folder. Each package is read by one worker,
    // through the archive the plan opened, in its storage order (a tar is walked once);
    // up to `threads` packages are read at a time.
    Result<void> extract_all(int stage_fd) {
        std::vector<std::vector<Job*>> by_source(sources_.size());
        for (Job& job : jobs_)
            by_source[job.group->chosen_want().source].push_back(&job);
        std::vector<std::size_t> order; // largest package first: the slowest starts first
        std::vector<std::uint64_t> bytes(sources_.size(), 0);
        for (std::size_t s = 0; s < sources_.size(); ++s) {
            const auto& entries = sources_[s].entries();
            std::sort(by_source[s].begin(), by_source[s].end(), [&](const Job* a, const Job* b) {
                return entries[a->group->chosen_want().entry].ordinal <
                       entries[b->group->chosen_want().entry].ordinal;
            });
            for (const Job* job : by_source[s])
                bytes[s] += job->group->chosen_content().size;
            if (!by_source[s].empty())
                order.push_back(s);
        }
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return bytes[a] > bytes[b]; });

        std::atomic<std::size_t> next{0};
        std::atomic<bool> failed{false};
        std::mutex mutex;
        std::optional<Error> first_error;
        std::uint64_t total_bytes = 0;
        std::uint64_t done_bytes = 0; // under `mutex`
        for (std::uint64_t b : bytes)
            total_bytes += b;
        if (options_.on_progress)
            options_.on_progress(0, total_bytes);
        auto worker = [&] {
            for (;;) {
                const std::size_t k = next.fetch_add(1);
                if (k >= order.size() || failed.load())
                    return;
                for (Job* job : by_source[order[k]]) {
                    if (failed.load())
                        return;
                    if (auto ok = extract_one(*job, stage_fd); !ok) {
                        std::lock_guard<std::mutex> guard(mutex);
                        if (!first_error)
                            first_error = ok.error();
                        failed = true;
                        return;
                    }
                    if (options_.on_progress) {
                        std::lock_guard<std::mutex> guard(mutex);
                        done_bytes += job->group->chosen_content().size;
                        options_.on_progress(done_bytes, total_bytes);
                    }
                }
            }
        };
        const std::size_t count =
            std::min<std::size_t>(std::max(1u, options_.threads), order.size());
        std::vector<std::thread> threads;
        for (std::size_t t = 1; t < count; ++t)
            threads.emplace_back(worker);
        worker();
        for (std::thread& t : threads)
            t.join();
        if (first_error)
            return *first_error;
        return {};
    }

    // A write into the TFTP root that the system refuses names the root, not the package:
    // a full disk there is the root's problem.
    Error root_write_error(const std::string& name, std::string_view what, int err) const {
        return system_error("stage.write", root_,
                            std::string(what) + " " + name + " in the TFTP root", err);
    }

    Result<void> extract_one(Job& job, int stage_fd) {
        StageGroup& g = *job.group;
        const StageContent& content = g.chosen_content();
        const StageWant& want = g.chosen_want();
        StageSource& source = sources_[want.source];
        const ArchiveEntry& entry = source.entries()[want.entry];
        UniqueFd fd(::openat(stage_fd, g.name.c_str(),
                             O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
        if (!fd.valid())
            return root_write_error(g.name, "cannot create", errno);
        const int out = fd.get();
        int write_errno = 0;
        ContentHasher hasher;
        auto crc = source.read(want.entry, [&](std::string_view chunk) -> Result<void> {
            hasher.update(chunk);
            write_errno = write_fully(out, chunk);
            if (write_errno != 0)
                return root_write_error(g.name, "cannot write", write_errno);
            return {};
        });
        if (write_errno != 0)
            return root_write_error(g.name, "cannot write", write_errno);
        if (!crc)
            return crc.error();
        std::string sha = hasher.sha256_hex();
        if ((content.crc && *crc != *content.crc) || (content.sha && sha != *content.sha)) {
            Error error = bad_input("stage.changed", "changed while fwplan was staging it");
            error.file = source.path().string();
            error.entry = entry.qualified_name();
            return error;
        }
        source.remember(want.entry, *crc, sha);
        // Whatever the package said: TFTP servers serve only world-readable files.
        if (::fchmod(out, 0644) != 0)
            return root_write_error(g.name, "cannot set mode 0644 on", errno);
        if (sync_each_ && ::fsync(out) != 0)
            return root_write_error(g.name, "cannot flush", errno);
        auto st = stat_fd(out, root_ / g.name);
        if (!st)
            return st.error();
        if (fd.close_checked() != 0)
            return root_write_error(g.name, "cannot write", errno);
        job.new_inode = st->inode;
        job.crc = *crc;
        job.sha256 = std::move(sha);
        return {};
    }

    int root_fd_;
    fs::path root_;
    StagePlan& plan_;
    std::vector<StageSource>& sources_;
    StateIndex& state_;
    const StageOptions& options_;
    std::vector<Job> jobs_;
    bool sync_each_ = true; // few files: fsync each; many: one syncfs (set in run)
};

} // namespace

Result<void> execute_stage(int root_fd, const fs::path& root, StagePlan& plan,
                           std::vector<StageSource>& sources, StateIndex& state,
                           const StageOptions& options) {
    return Executor(root_fd, root, plan, sources, state, options).run();
}

} // namespace fwplan::detail
