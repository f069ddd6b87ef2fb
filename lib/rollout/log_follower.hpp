#pragma once
// Following a growing log like `tail -F`: every complete line once, across rotation by
// rename (logrotate's default) and by copytruncate, and across a restart of fwplan, by the
// position stored with each line. Internal (lib/rollout is not installed).
#include "detail/posix.hpp"

#include <fwplan/error.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace fwplan::rollout {

/// Where a follower stands: the byte after the last line it delivered, in which file.
struct LogPosition {
    std::uint64_t device = 0; ///< st_dev of the file (0 on a stream)
    std::uint64_t inode = 0;  ///< st_ino of the file (0 on a stream)
    std::uint64_t offset = 0; ///< bytes before the next line (on a stream: bytes read)
    /// FNV-1a of the file's first min(offset, 256) bytes, so that a new file reusing the
    /// inode is not taken for the old one. Over min(offset, …) rather than the file's size:
    /// those bytes were read already and do not change while the file grows, so the
    /// fingerprint of a position stays valid however much is appended after it.
    std::uint64_t fingerprint = 0;

    friend bool operator==(const LogPosition&, const LogPosition&) = default;
};

/// Reads a log as it grows. A regular file, or `-` for standard input (or a FIFO path):
/// a stream has no rotation and no resume, and its positions count bytes.
///
/// Rotation by rename: when the path names another inode, the old file is read on until
/// the new one holds data (the daemon has reopened after its HUP, so nothing more goes
/// to the old one) and once more after that, then the new one from 0; no line written to
/// the old file after the rename is lost. Copytruncate: the same inode grown smaller than
/// the read offset, or with its first bytes changed, is read again from 0 (what was written
/// between the copy and the truncation is lost: copytruncate's own hole).
class LogFollower {
public:
    /// Longer lines are skipped to their newline and counted once (`overlong_lines`).
    static constexpr std::size_t max_line_bytes = 64 * 1024;
    /// Bytes covered by `LogPosition::fingerprint`.
    static constexpr std::size_t fingerprint_bytes = 256;
    /// `read_available` returns after reading this much, so one call is bounded in time
    /// however fast the log grows; `caught_up` tells whether more is there now.
    static constexpr std::size_t max_bytes_per_call = 8 * 1024 * 1024;

    /// How `open` began.
    enum class Start {
        Beginning,        ///< no position given: from the start of the file
        Resumed,          ///< at the given position, in the same file
        ResumedInRotated, ///< the file had been rotated away: its rest first, then the new one
        Restarted,        ///< the position did not fit (truncated, another file): from 0
    };
    /// What `open` did with the position it was given; `note` says why in words.
    struct StartReport {
        Start start = Start::Beginning;
        std::string note;
    };

    /// Called per complete line (without its newline) with the position after it; returns
    /// false to stop early (the rest is delivered by the next call).
    using LineHandler = std::function<bool(std::string_view line, const LogPosition& after)>;

    /// Opens `path` (`-`: standard input), at `resume` where it still fits: the same device,
    /// inode and fingerprint and a size ≥ its offset; if the inode is now another, the old
    /// inode is looked for among the files of the same folder (logrotate's `syslog.1`) and
    /// read from the offset first (rotated twice while stopped: the file in between is not
    /// read). Otherwise from 0, and `start_report` says so. Errors:
    /// `fwplan.rollout.log-open` (missing, unreadable, a folder).
    [[nodiscard]] static Result<LogFollower> open(const std::filesystem::path& path,
                                                  std::optional<LogPosition> resume = {});

    /// Delivers every complete line available now (at most `max_bytes_per_call` read), a
    /// partial last line kept for later; the number delivered. `fwplan.rollout.log-read`
    /// when reading fails.
    [[nodiscard]] Result<std::size_t> read_available(const LineHandler& on_line);

    /// Waits until there may be more: a change in the log's folder (inotify; a stream:
    /// readable), at most `timeout` and at most a second (so a file system whose changes
    /// inotify does not see, such as NFS, is still followed); every 200 ms without inotify.
    /// Returns early when `stop` becomes true (checked every 100 ms; a signal also ends the
    /// wait), or at once when undelivered lines or the end of a stream are there.
    void wait(std::chrono::milliseconds timeout, const std::atomic<bool>& stop);

    /// After the last line delivered (or skipped as over-long).
    [[nodiscard]] LogPosition position() const;
    /// Where the log ends now: the file's size (fstat), or on a stream the bytes read so far.
    /// A line that starts before it was logged before this call.
    [[nodiscard]] LogPosition end_now() const;
    /// The last `read_available` reached the end of what is there (and no rotation waits).
    [[nodiscard]] bool caught_up() const noexcept { return caught_up_; }
    /// A stream whose writer has closed it: nothing more will come.
    [[nodiscard]] bool ended() const noexcept { return ended_; }
    [[nodiscard]] std::uint64_t overlong_lines() const noexcept { return overlong_lines_; }
    /// Times the file was found truncated or replaced in place and read again from 0.
    [[nodiscard]] std::uint64_t truncations() const noexcept { return truncations_; }
    /// Times the follower moved on to a new file at the path.
    [[nodiscard]] std::uint64_t rotations() const noexcept { return rotations_; }
    [[nodiscard]] const StartReport& start_report() const noexcept { return start_report_; }
    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

private:
    LogFollower() = default;

    [[nodiscard]] Result<void> start_at(std::uint64_t offset);
    void deliver_lines(const LineHandler& on_line, std::size_t& delivered, bool& stopped);
    [[nodiscard]] Result<std::size_t> read_chunk();
    [[nodiscard]] Result<bool> check_truncated();
    [[nodiscard]] Result<bool> check_renamed();
    void restart_from_zero();
    [[nodiscard]] std::uint64_t fingerprint_at(std::uint64_t offset) const noexcept;
    void watch_folder();

    std::filesystem::path path_;
    detail::UniqueFd owned_; // the file (not stdin, which stays open)
    int fd_ = -1;
    bool stream_ = false;
    std::uint64_t device_ = 0;
    std::uint64_t inode_ = 0;
    std::uint64_t read_offset_ = 0;      // file offset of the next byte read()
    std::uint64_t delivered_offset_ = 0; // after the last complete line consumed
    std::string buffer_;                 // bytes read, not yet consumed
    std::size_t consumed_ = 0;           // index in buffer_ of the first unconsumed byte
    std::uint64_t buffer_offset_ = 0;    // file offset of buffer_[0]
    std::string head_;                   // the file's first min(read_offset_, 256) bytes
    static constexpr std::size_t no_hash = static_cast<std::size_t>(-1);
    mutable std::size_t hashed_count_ = no_hash; // fingerprint_at's cache: bytes hashed
    mutable std::uint64_t hashed_ = 0;
    bool skipping_ = false; // inside an over-long line
    bool caught_up_ = false;
    bool ended_ = false;
    std::uint64_t overlong_lines_ = 0;
    std::uint64_t truncations_ = 0;
    std::uint64_t rotations_ = 0;
    StartReport start_report_;
    detail::UniqueFd inotify_;
};

} // namespace fwplan::rollout
