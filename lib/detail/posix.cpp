#include "detail/posix.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <string>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace fwplan::detail {

namespace fs = std::filesystem;

void UniqueFd::reset(int fd) noexcept {
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = fd;
}

int UniqueFd::close_checked() noexcept {
    return ::close(std::exchange(fd_, -1));
}

Error system_error(std::string code, const fs::path& path, std::string_view what, int err) {
    Error error = io_error(std::move(code), std::string(what) + ": " + std::strerror(err));
    error.file = path.string();
    switch (err) {
    case ENOSPC:
    case EDQUOT:
        error.hint = "the file system that holds " + path.string() +
                     " is full: free space there (or raise the quota), then run the same "
                     "command again";
        break;
    case EACCES:
    case EPERM:
        error.hint = "fwplan may not write or read there: run it as the folder's owner, or give "
                     "your user the right (e.g. the folder's group), or use sudo";
        break;
    case EROFS:
        error.hint = "the file system is mounted read-only";
        break;
    default:
        break;
    }
    return error;
}

ssize_t read_some(int fd, void* buffer, std::size_t size) noexcept {
    for (;;) {
        const ssize_t n = ::read(fd, buffer, size);
        if (n >= 0 || errno != EINTR)
            return n;
    }
}

ssize_t pread_some(int fd, void* buffer, std::size_t size, std::uint64_t offset) noexcept {
    for (;;) {
        const ssize_t n = ::pread(fd, buffer, size, static_cast<off_t>(offset));
        if (n >= 0 || errno != EINTR)
            return n;
    }
}

Result<void> read_to_end(int fd, std::span<char> buffer,
                         const std::function<Result<void>(std::string_view)>& sink,
                         const fs::path& path, std::string_view code) {
    for (;;) {
        const ssize_t n = read_some(fd, buffer.data(), buffer.size());
        if (n < 0)
            return system_error(std::string(code), path, "cannot read the file", errno);
        if (n == 0)
            return {};
        if (auto ok = sink(std::string_view(buffer.data(), static_cast<std::size_t>(n))); !ok)
            return ok;
    }
}

int write_fully(int fd, std::string_view data) noexcept {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return 0;
}

Result<void> write_all(int fd, std::string_view data, const fs::path& path, std::string_view code) {
    if (const int err = write_fully(fd, data); err != 0)
        return system_error(std::string(code), path, "cannot write the file", err);
    return {};
}

Result<void> sync_file(int fd, const fs::path& path, std::string_view code) {
    if (::fsync(fd) != 0)
        return system_error(std::string(code), path, "cannot flush the file", errno);
    return {};
}

Result<void> sync_dir(int dir_fd, const fs::path& path, std::string_view code) {
    if (::fsync(dir_fd) != 0 && errno != EINVAL)
        return system_error(std::string(code), path, "cannot flush the folder", errno);
    return {};
}

namespace {

std::string_view kind_of(mode_t mode) {
    if (S_ISDIR(mode))
        return "a folder";
    if (S_ISFIFO(mode))
        return "a FIFO (named pipe)";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "a device";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISLNK(mode))
        return "a symbolic link";
    return "not a regular file";
}

} // namespace

Result<UniqueFd> open_regular_file(int dir_fd, const fs::path& path, std::string_view code,
                                   bool follow_links) {
    // O_NONBLOCK: opening a FIFO for reading must not wait for a writer. It changes
    // nothing for a regular file.
    const int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | (follow_links ? 0 : O_NOFOLLOW);
    UniqueFd fd(::openat(dir_fd, path.c_str(), flags));
    if (!fd) {
        const int err = errno;
        if (err == ELOOP && !follow_links) {
            Error error = bad_input(std::string(code), "is a symbolic link, not a file");
            error.file = path.string();
            return error;
        }
        return system_error(std::string(code), path, "cannot open the file", err);
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0)
        return system_error(std::string(code), path, "cannot look at the file", errno);
    if (!S_ISREG(info.st_mode)) {
        Error error = bad_input(std::string(code), "is " + std::string(kind_of(info.st_mode)) +
                                                       ", not a file fwplan can read");
        error.file = path.string();
        return error.with_hint("give the path of a regular file");
    }
    return fd;
}

Result<FileHead> read_file_head(int dir_fd, const fs::path& path, std::size_t limit,
                                std::string_view code, bool follow_links) {
    auto opened = open_regular_file(dir_fd, path, code, follow_links);
    if (!opened)
        return opened.error();
    UniqueFd fd = std::move(*opened);
    FileHead head;
    head.bytes.resize(std::min<std::size_t>(limit, 64 * 1024));
    std::size_t have = 0;
    for (;;) {
        if (have == head.bytes.size()) {
            if (have >= limit)
                break;
            head.bytes.resize(std::min<std::size_t>(limit, head.bytes.size() * 2));
        }
        const ssize_t n = read_some(fd.get(), head.bytes.data() + have, head.bytes.size() - have);
        if (n < 0)
            return system_error(std::string(code), path, "cannot read the file", errno);
        if (n == 0) {
            head.complete = true;
            break;
        }
        have += static_cast<std::size_t>(n);
    }
    head.bytes.resize(have);
    if (!head.complete) {
        // Exactly `limit` bytes read: complete only if nothing follows.
        char probe = 0;
        const ssize_t n = read_some(fd.get(), &probe, 1);
        if (n < 0)
            return system_error(std::string(code), path, "cannot read the file", errno);
        head.complete = n == 0;
    }
    return head;
}

Result<std::string> read_small_file(int dir_fd, const fs::path& path, std::size_t max_bytes,
                                    std::string_view code, bool follow_links) {
    auto head = read_file_head(dir_fd, path, max_bytes, code, follow_links);
    if (!head)
        return head.error();
    if (!head->complete) {
        Error error =
            bad_input(std::string(code),
                      "is larger than the " + std::to_string(max_bytes) + " bytes expected for it");
        error.file = path.string();
        return error;
    }
    return std::move(head->bytes);
}

namespace {
Error temp_failure(const std::string& where, int err) {
    Error error = system_error("archive.temp-file", where, "cannot create a temporary file", err);
    if (error.hint.empty())
        error.hint = "set TMPDIR to a writable folder with enough space";
    return error;
}
} // namespace

Result<UniqueFd> open_anonymous_temp_file() {
    std::error_code ec;
    const fs::path dir = fs::temp_directory_path(ec);
    if (ec)
        return temp_failure("the temporary folder", ec.value());
#ifdef O_TMPFILE
    {
        UniqueFd fd(::open(dir.c_str(), O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600));
        if (fd.valid())
            return fd;
        // EOPNOTSUPP/EISDIR/EINVAL: the file system cannot do it; fall back below.
        if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
            return temp_failure(dir.string(), errno);
    }
#endif
    std::string pattern = (dir / "fwplan-XXXXXX").string();
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    UniqueFd fd(::mkostemp(name.data(), O_CLOEXEC));
    if (!fd.valid())
        return temp_failure(dir.string(), errno);
    // Unlinked at once: from here on the file only lives as long as the descriptor.
    if (::unlink(name.data()) != 0)
        return temp_failure(dir.string(), errno);
    return fd;
}

std::variant<std::vector<std::string>, int> folder_names(int dir_fd) {
    struct DirClose {
        void operator()(DIR* dir) const noexcept { ::closedir(dir); }
    };
    // fdopendir takes the descriptor over: give it a copy so `dir_fd` stays the caller's.
    const int copy = ::dup(dir_fd);
    if (copy < 0)
        return errno;
    std::unique_ptr<DIR, DirClose> dir(::fdopendir(copy));
    if (!dir) {
        const int err = errno;
        ::close(copy);
        return err;
    }
    ::rewinddir(dir.get());
    std::vector<std::string> names;
    for (;;) {
        errno = 0;
        const dirent* item = ::readdir(dir.get());
        if (item == nullptr) {
            if (errno != 0)
                return errno;
            std::sort(names.begin(), names.end());
            return names;
        }
        const std::string_view name = item->d_name;
        if (name != "." && name != "..")
            names.emplace_back(name);
    }
}

} // namespace fwplan::detail
