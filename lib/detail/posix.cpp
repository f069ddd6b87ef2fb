#include "detail/posix.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace fwplan::detail {

void UniqueFd::reset(int fd) noexcept {
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = fd;
}

namespace {
Error temp_failure(const std::string& where, int err) {
    return io_error("archive.temp-file",
                    "cannot create a temporary file in " + where + ": " + std::strerror(err))
        .with_hint("set TMPDIR to a writable folder with enough space");
}
} // namespace

Result<UniqueFd> open_anonymous_temp_file() {
    std::error_code ec;
    const std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
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

Result<void> write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return io_error("archive.temp-file",
                            std::string("cannot write a temporary file: ") + std::strerror(errno))
                .with_hint("set TMPDIR to a writable folder with enough space");
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
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
