#pragma once
// A file descriptor that closes itself, and the anonymous temporary file nested zips are
// expanded into. Internal: lib/detail is not installed.
#include <fwplan/error.hpp>

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace fwplan::detail {

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
    int release() noexcept { return std::exchange(fd_, -1); }
    void reset(int fd = -1) noexcept;

private:
    int fd_ = -1;
};

/// A read-write file with no name, in `std::filesystem::temp_directory_path()` (so `$TMPDIR`
/// decides): `O_TMPFILE` where the file system has it, else `mkstemp` and an immediate
/// `unlink`. Either way nothing remains on disk once the descriptor is closed.
[[nodiscard]] Result<UniqueFd> open_anonymous_temp_file();

/// The names in the folder `dir_fd` refers to, `.` and `..` left out, sorted (so whatever
/// is reported first does not depend on the file system's order). Does not move `dir_fd`.
/// On failure, the errno value: callers word the error for their own context.
[[nodiscard]] std::variant<std::vector<std::string>, int> folder_names(int dir_fd);

/// Writes all of `data` at the current position, retrying short writes.
[[nodiscard]] Result<void> write_all(int fd, std::string_view data);

} // namespace fwplan::detail
