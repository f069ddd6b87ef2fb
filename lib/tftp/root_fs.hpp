#pragma once
// The file-system side of a TFTP root: stat by name, CRC-32 of a file, the hidden files
// fwplan keeps there (`.fwplan-state`, the stage journals, the lock) and the steps that
// must reach the disk in order (fsync of files and folders). Internal to the library.

#include "detail/posix.hpp"

#include <fwplan/error.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fwplan::detail {

inline constexpr std::string_view kStagePrefix = ".fwplan-stage-";
inline constexpr std::string_view kBackupDir = ".fwplan-backup";
inline constexpr std::string_view kStateFile = ".fwplan-state";
inline constexpr std::string_view kJournal = "journal";
/// Where a stage folder and a backup folder keep the files themselves (journal version 2),
/// so no staged name can meet fwplan's own `journal` (version 1 kept them side by side).
inline constexpr std::string_view kFilesDir = "files";

/// What `lstat` says about a name, in the units the index keeps.
struct FileStat {
    bool exists = false;
    bool regular = false;
    bool directory = false;
    bool symlink = false;
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    std::int64_t ctime_ns = 0;
    std::uint64_t inode = 0;
    std::uint32_t mode = 0;
};

/// `fstatat(dir_fd, name, AT_SYMLINK_NOFOLLOW)`; a missing name is `exists == false`.
Result<FileStat> stat_at(int dir_fd, const std::string& name, const std::filesystem::path& where);
/// The same for an open file.
Result<FileStat> stat_fd(int fd, const std::filesystem::path& where);

/// Opens a folder below `dir_fd` (no links followed).
Result<UniqueFd> open_dir_at(int dir_fd, const std::string& name,
                             const std::filesystem::path& where);
/// Opens a folder by path.
Result<UniqueFd> open_dir(const std::filesystem::path& path);

/// Size, CRC-32 and SHA-256 (hex) of the regular file `name`, streamed (64 KiB at a time).
struct Checksum {
    std::uint64_t size = 0;
    std::uint32_t crc32 = 0;
    std::string sha256;
};
Result<Checksum> checksum_at(int dir_fd, const std::string& name,
                             const std::filesystem::path& where);

/// Reads a small regular file whole (at most `max_bytes`).
Result<std::string> read_small_at(int dir_fd, const std::string& name, std::size_t max_bytes,
                                  const std::filesystem::path& where);

/// Writes `content` to `dir_fd/name` atomically (a temporary file, fsync, rename, fsync of
/// the folder), with `mode`.
Result<void> write_atomically_at(int dir_fd, const std::string& name, std::string_view content,
                                 unsigned mode, const std::filesystem::path& where);

/// `fsync` of a folder (EINVAL, for file systems that cannot, is not an error).
Result<void> sync_dir(int dir_fd, const std::filesystem::path& where);

/// Creates a folder with mode 0700; an existing folder is fine.
Result<void> make_private_dir_at(int dir_fd, const std::string& name,
                                 const std::filesystem::path& where);

/// Removes a folder below `dir_fd` and everything in it (no links followed).
Result<void> remove_tree_at(int dir_fd, const std::string& name,
                            const std::filesystem::path& where);

/// Names in a folder (without `.` and `..`), sorted.
Result<std::vector<std::string>> list_dir(int dir_fd, const std::filesystem::path& where);

/// An exclusive `flock` on the root folder, held while the object lives.
class RootLock {
public:
    static Result<RootLock> acquire(int root_fd, const std::filesystem::path& root);

private:
    explicit RootLock(UniqueFd fd) : fd_(std::move(fd)) {}
    UniqueFd fd_;
};

/// One file fwplan staged, as `.fwplan-state` remembers it.
struct StateRecord {
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    std::int64_t ctime_ns = 0;
    std::uint64_t inode = 0;
    std::uint32_t crc32 = 0;
    std::string sha256;   ///< hex; empty in an index written before version 2
    std::string term_for; ///< for term files chosen by staging: the load ID
};

/// The index: file name -> record. A missing or unreadable index is an empty one.
struct StateIndex {
    std::map<std::string, StateRecord> files;

    /// The record of `name` when `st` still matches it (same size, times and inode).
    [[nodiscard]] const StateRecord* match(const std::string& name, const FileStat& st) const;
    /// Remembers `name` as it is now.
    void remember(const std::string& name, const FileStat& st, std::uint32_t crc32,
                  std::string sha256, std::string term_for = {});
};

StateIndex read_state(int root_fd);
/// The index from its text (version 1 or 2); anything else is an empty index, and a damaged
/// line is dropped (it only costs a re-read of that file).
StateIndex parse_state(std::string_view text);
Result<void> write_state(int root_fd, const StateIndex& state, const std::filesystem::path& root);
std::string format_state(const StateIndex& state);

/// One planned change, as the journal records it before anything is renamed.
struct JournalEntry {
    std::string name;
    bool replace = false; ///< false: create
    std::uint64_t size = 0;
    std::uint32_t crc32 = 0;
    std::string sha256;          ///< hex; empty in a version-1 journal
    std::uint64_t new_inode = 0; ///< the extracted file (renaming keeps the inode)
    std::uint64_t old_inode = 0; ///< replace: the file it replaces
    std::string term_for;        ///< term files: the load they stand for
    std::string package;
    std::string entry;
};

struct Journal {
    /// 2: the files are in a `files/` folder beside the journal; 1 (fwplan before
    /// version 2 of the layout, still read): in the same folder as the journal.
    int version = 2;
    std::string id;
    std::vector<JournalEntry> entries;
};

/// The folder that holds the files of `journal` inside `dir_fd` (a stage folder or a
/// backup folder): `files/` for version 2, the folder itself for version 1. With `create`,
/// `files/` is made first (mode 0700).
Result<UniqueFd> open_files_dir(int dir_fd, const Journal& journal, bool create,
                                const std::filesystem::path& where);
/// The path of that folder, for messages.
std::filesystem::path files_path(const std::filesystem::path& dir, const Journal& journal);

std::string format_journal(const Journal& journal);
/// Parses a journal; nullopt when it is not one (a torn or foreign file).
std::optional<Journal> parse_journal(std::string_view text);

/// The stage folders (`.fwplan-stage-*`) interrupted runs left in the root, for dry runs and
/// the audit to mention; a real run finishes them (stage/commit.hpp).
std::vector<std::string> leftover_stages(int root_fd, const std::filesystem::path& root);

/// A fresh stage id: UTC time with nanoseconds and the process id; sorts by time.
std::string new_stage_id();

/// `errno` as an Io error with `code` (`fwplan.` is prepended) about `path`.
Error system_error(std::string code, const std::filesystem::path& path, std::string_view what,
                   int err);

} // namespace fwplan::detail
