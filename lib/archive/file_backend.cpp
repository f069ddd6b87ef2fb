#include "archive/file_backend.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace fwplan::detail {

namespace {

// Deeper than any real TFTP root; bounds the descriptors a walk holds at once.
constexpr int kMaxDepth = 64;

// The package is named by the caller (Where::at), so no path here.
Error system_failure(const char* what, int err) {
    return system_error("archive.unreadable", {}, what, err);
}

Error changed() {
    return bad_input("archive.changed",
                     "the file changed (or was replaced by a link) since the folder was opened")
        .with_hint("open the folder again");
}

// Names in one folder, sorted; errors worded for a package folder.
Result<std::vector<std::string>> package_folder_names(int dir_fd) {
    auto names = folder_names(dir_fd);
    if (const int* err = std::get_if<int>(&names))
        return system_failure("cannot read the folder", *err);
    return std::get<std::vector<std::string>>(std::move(names));
}

// Streams what `fd` holds from offset 0 (pread, so the shared position does not matter).
Result<void> stream_file(int fd, const ArchiveSink& sink) {
    std::vector<char> buffer(kChunkSize);
    std::uint64_t offset = 0;
    for (;;) {
        const ssize_t n = pread_some(fd, buffer.data(), buffer.size(), offset);
        if (n < 0)
            return system_failure("cannot read the file", errno);
        if (n == 0)
            return {};
        offset += static_cast<std::uint64_t>(n);
        if (auto ok = sink(std::string_view(buffer.data(), static_cast<std::size_t>(n))); !ok)
            return ok;
    }
}

class FolderBackend final : public Backend {
public:
    FolderBackend(UniqueFd dir, Where where) : dir_(std::move(dir)), where_(std::move(where)) {}

    Result<void> list(const RawVisitor& visit) override { return walk(dir_.get(), "", 0, visit); }

    Result<void> read(const RawEntry& entry, const ArchiveSink& sink) const override {
        auto file = open_below(entry.name);
        if (!file)
            return file.error();
        struct stat st {};
        if (::fstat(file->get(), &st) != 0)
            return system_failure("cannot read the file", errno);
        if (!S_ISREG(st.st_mode) || static_cast<std::uint64_t>(st.st_size) != entry.size)
            return changed();
        return stream_file(file->get(), sink);
    }

private:
    Result<void> walk(int dir_fd, const std::string& prefix, int depth,
                      const RawVisitor& visit) const {
        if (depth > kMaxDepth)
            return where_.at(bad_input("archive.too-deep", "has folders nested more than " +
                                                               std::to_string(kMaxDepth) +
                                                               " levels deep"),
                             prefix);
        auto names = package_folder_names(dir_fd);
        if (!names)
            return where_.at(names.error(), prefix);
        for (const std::string& name : *names) {
            RawEntry raw;
            raw.name = prefix.empty() ? name : prefix + "/" + name;
            struct stat st {};
            if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
                return where_.at(system_failure("cannot look at the file", errno), raw.name);
            if (S_ISREG(st.st_mode)) {
                raw.size = static_cast<std::uint64_t>(st.st_size);
                raw.compressed_size = raw.size;
            } else if (S_ISDIR(st.st_mode)) {
                raw.type = RawType::Directory;
            } else if (S_ISLNK(st.st_mode)) {
                raw.type = RawType::Symlink;
            } else {
                raw.type = RawType::Special;
            }
            // A hidden folder (`.git/`, fwplan's own `.fwplan-backup/`) is named, not walked:
            // nothing below it is ever firmware, and it may hold more than a package may.
            const bool descend = raw.type == RawType::Directory && name.front() != '.';
            const std::string path = raw.name;
            if (auto ok = visit(std::move(raw)); !ok)
                return ok;
            if (!descend)
                continue;
            UniqueFd child(
                ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!child.valid())
                return where_.at(system_failure("cannot open the folder", errno), path);
            if (auto ok = walk(child.get(), path, depth + 1, visit); !ok)
                return ok;
        }
        return {};
    }

    // Opens `name` below the folder one component at a time with O_NOFOLLOW, so a link
    // swapped in after open() is refused instead of followed.
    Result<UniqueFd> open_below(const std::string& name) const {
        UniqueFd current;
        int at = dir_.get();
        std::size_t start = 0;
        for (;;) {
            const std::size_t slash = name.find('/', start);
            const bool last = slash == std::string::npos;
            const std::string part = name.substr(start, last ? std::string::npos : slash - start);
            const int flags = last ? O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC
                                   : O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
            UniqueFd next(::openat(at, part.c_str(), flags));
            if (!next.valid())
                return errno == ELOOP || errno == ENOTDIR || errno == ENOENT
                           ? changed()
                           : system_failure("cannot open the file", errno);
            current = std::move(next);
            at = current.get();
            if (last)
                return current;
            start = slash + 1;
        }
    }

    UniqueFd dir_;
    Where where_;
};

class LooseFileBackend final : public Backend {
public:
    LooseFileBackend(UniqueFd file, std::string name, Where where)
        : file_(std::move(file)), name_(std::move(name)), where_(std::move(where)) {}

    Result<void> list(const RawVisitor& visit) override {
        struct stat st {};
        if (::fstat(file_.get(), &st) != 0)
            return where_.at(system_failure("cannot read the file", errno));
        RawEntry raw;
        raw.name = name_;
        raw.size = static_cast<std::uint64_t>(st.st_size);
        raw.compressed_size = raw.size;
        return visit(std::move(raw));
    }

    Result<void> read(const RawEntry&, const ArchiveSink& sink) const override {
        return stream_file(file_.get(), sink);
    }

private:
    UniqueFd file_;
    std::string name_;
    Where where_;
};

} // namespace

Result<std::unique_ptr<Backend>> open_folder(UniqueFd dir, Where where) {
    return std::unique_ptr<Backend>(
        std::make_unique<FolderBackend>(std::move(dir), std::move(where)));
}

Result<std::unique_ptr<Backend>> open_loose_file(UniqueFd file, std::string name, Where where) {
    return std::unique_ptr<Backend>(
        std::make_unique<LooseFileBackend>(std::move(file), std::move(name), std::move(where)));
}

} // namespace fwplan::detail
