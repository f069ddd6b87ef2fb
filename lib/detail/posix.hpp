#pragma once
// The one POSIX layer under everything in fwplan that touches a file descriptor: the
// stager, the state index and the journal, the file writer, the archive backends and the
// readers of small input files. EINTR is retried here and only here; a failure becomes an
// `Error` here and only here, naming the path and keeping the system's own reason (a full
// disk reads "No space left on device", never "Input/output error"). Internal: lib/detail
// is not installed.

#include <fwplan/error.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <utility>
#include <variant>
#include <vector>

namespace fwplan::detail {

/// Owns a file descriptor and closes it once.
class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) noexcept : fd_(fd) {}
    UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        if (this != &other)
            reset(std::exchange(other.fd_, -1));
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd() { reset(); }

    [[nodiscard]] int get() const noexcept { return fd_; }
    [[nodiscard]] bool valid() const noexcept { return fd_ >= 0; }
    explicit operator bool() const noexcept { return valid(); }
    int release() noexcept { return std::exchange(fd_, -1); }
    void reset(int fd = -1) noexcept;
    /// Closes now and returns what close() said (0, or -1 with errno): a delayed write
    /// error of some file systems shows up only here.
    int close_checked() noexcept;

private:
    int fd_ = -1;
};

/// `err` (an errno value) as an Io error with `code` (`fwplan.` is prepended): the message
/// is `what: <the system's reason>`, `file` is `path`. The hint says what the reason means
/// for the user: a full file system (ENOSPC, EDQUOT) names the folder to free space in; a
/// refused write (EACCES, EPERM, EROFS) says the folder is not writable.
[[nodiscard]] Error system_error(std::string code, const std::filesystem::path& path,
                                 std::string_view what, int err);

/// `::read`, retried on EINTR: bytes read (0 at the end) or -1 with errno set.
[[nodiscard]] ssize_t read_some(int fd, void* buffer, std::size_t size) noexcept;

/// `::pread`, retried on EINTR: bytes read at `offset` (0 at the end) or -1 with errno set.
[[nodiscard]] ssize_t pread_some(int fd, void* buffer, std::size_t size,
                                 std::uint64_t offset) noexcept;

/// Reads `fd` from its position to the end, chunk by chunk into `buffer`, giving each chunk
/// to `sink`; a read error is `system_error(code, path, "cannot read the file", errno)`, an
/// error of `sink` stops the read and is returned.
[[nodiscard]] Result<void> read_to_end(int fd, std::span<char> buffer,
                                       const std::function<Result<void>(std::string_view)>& sink,
                                       const std::filesystem::path& path, std::string_view code);

/// Writes all of `data` at the current position, retrying short writes and EINTR: 0, or the
/// errno of the write that failed (for callers that word the error themselves).
[[nodiscard]] int write_fully(int fd, std::string_view data) noexcept;

/// Writes all of `data` at the current position, retrying short writes and EINTR. On a
/// failure: `system_error(code, path, "cannot write the file", errno)` with the real errno.
[[nodiscard]] Result<void> write_all(int fd, std::string_view data,
                                     const std::filesystem::path& path, std::string_view code);

/// `fsync` of a file: `system_error(code, path, "cannot flush the file", errno)`.
[[nodiscard]] Result<void> sync_file(int fd, const std::filesystem::path& path,
                                     std::string_view code);
/// `fsync` of a folder, so that renames and new names in it survive a power loss. EINVAL
/// (file systems that cannot) is not an error.
[[nodiscard]] Result<void> sync_dir(int dir_fd, const std::filesystem::path& path,
                                    std::string_view code);

/// The first bytes of a small input file (a template, a password, an inventory, a catalog).
struct FileHead {
    std::string bytes;     ///< at most the limit asked for
    bool complete = false; ///< the file holds no more than `bytes`
};

/// Reads at most `limit` bytes of `path` (`dir_fd`-relative when `dir_fd` is not AT_FDCWD).
/// Only a regular file is read: it is opened with O_NONBLOCK and checked with fstat before
/// the first read, so a FIFO, a device such as /dev/zero or a folder never blocks or grows
/// memory; such a path is a BadInput error (`fwplan.<code>`, "is a FIFO, not a file"). A file
/// that cannot be opened or read is an Io error with the same code. Links are followed only
/// when `follow_links`.
[[nodiscard]] Result<FileHead> read_file_head(int dir_fd, const std::filesystem::path& path,
                                              std::size_t limit, std::string_view code,
                                              bool follow_links = true);

/// Opens `path` for reading only if it is a regular file, as `read_file_head` does (the same
/// errors), for a caller that streams it.
[[nodiscard]] Result<UniqueFd> open_regular_file(int dir_fd, const std::filesystem::path& path,
                                                 std::string_view code, bool follow_links = true);

/// The whole of a small regular file, or `fwplan.<code>` (BadInput) when it is larger than
/// `max_bytes`; otherwise as `read_file_head`.
[[nodiscard]] Result<std::string> read_small_file(int dir_fd, const std::filesystem::path& path,
                                                  std::size_t max_bytes, std::string_view code,
                                                  bool follow_links = true);

/// A read-write file with no name, in `std::filesystem::temp_directory_path()` (so `$TMPDIR`
/// decides): `O_TMPFILE` where the file system has it, else `mkstemp` and an immediate
/// `unlink`. Either way nothing remains on disk once the descriptor is closed.
[[nodiscard]] Result<UniqueFd> open_anonymous_temp_file();

/// The names in the folder `dir_fd` refers to, `.` and `..` left out, sorted (so whatever
/// is reported first does not depend on the file system's order). Does not move `dir_fd`.
/// On failure, the errno value: callers word the error for their own context.
[[nodiscard]] std::variant<std::vector<std::string>, int> folder_names(int dir_fd);

} // namespace fwplan::detail
