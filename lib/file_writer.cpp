#include "detail/posix.hpp"
#include "detail/text.hpp"

#include <fwplan/file_writer.hpp>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <utility>

namespace fwplan {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxNameBytes = 255;
constexpr std::size_t kMaxBackups = 1000;
constexpr mode_t kFileMode = 0644;
constexpr mode_t kDirectoryMode = 0755;

using detail::UniqueFd;

Error file_error(std::string code, const fs::path& path, const std::string& what, int errno_value) {
    return detail::system_error(std::move(code), path, what, errno_value);
}

Error conflict(std::string code, const fs::path& path, std::string message, std::string hint) {
    Error error = bad_input(std::move(code), std::move(message));
    error.kind = ErrorKind::Conflict;
    error.file = path.string();
    error.hint = std::move(hint);
    return error;
}

enum class EntryKind { Missing, Regular, Directory, Other };

struct Entry {
    EntryKind kind = EntryKind::Missing;
    off_t size = 0;
};

Result<Entry> inspect(int dir_fd, const std::string& name, const fs::path& path) {
    struct stat info {};
    if (::fstatat(dir_fd, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT)
            return Entry{};
        return file_error("file.stat", path, "cannot look at the existing file", errno);
    }
    if (S_ISREG(info.st_mode))
        return Entry{EntryKind::Regular, info.st_size};
    if (S_ISDIR(info.st_mode))
        return Entry{EntryKind::Directory, 0};
    return Entry{EntryKind::Other, 0}; // a link, fifo, socket or device: never read
}

// True when the regular file `name` holds exactly `content`. Reads in small chunks, so
// comparing a large file needs no more memory than a small one.
Result<bool> same_content(int dir_fd, const std::string& name, const fs::path& path,
                          std::string_view content) {
    UniqueFd fd(::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!fd)
        return file_error("file.read", path, "cannot read the existing file", errno);
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode) ||
        static_cast<std::uint64_t>(info.st_size) != content.size())
        return false;
    char buffer[65536];
    std::size_t compared = 0;
    while (true) {
        const ssize_t got = detail::read_some(fd.get(), buffer, sizeof buffer);
        if (got < 0)
            return file_error("file.read", path, "cannot read the existing file", errno);
        if (got == 0)
            return compared == content.size();
        const auto count = static_cast<std::size_t>(got);
        if (count > content.size() - compared ||
            std::memcmp(buffer, content.data() + compared, count) != 0)
            return false;
        compared += count;
    }
}

std::string temp_name(const std::string& name, unsigned attempt, pid_t pid) {
    static std::atomic<unsigned> counter{0};
    // Keep the temporary name within the 255-byte limit even for a long target name.
    return "." + name.substr(0, 200) + ".fwplan-" + std::to_string(pid) + "-" +
           std::to_string(counter.fetch_add(1)) + "-" + std::to_string(attempt) + ".tmp";
}

// True when the process umask lets open(..., 0644) create a file with mode 0644, so no
// fchmod is needed. Read from /proc (umask() itself would change it, which a library must
// not do while other threads may create files); when it cannot be read, fchmod is used.
bool umask_keeps_0644() {
    std::FILE* status = std::fopen("/proc/self/status", "re");
    if (status == nullptr)
        return false;
    char line[256];
    bool keeps = false;
    while (std::fgets(line, sizeof line, status) != nullptr) {
        if (std::strncmp(line, "Umask:", 6) != 0)
            continue;
        char* end = nullptr;
        const unsigned long mask = std::strtoul(line + 6, &end, 8);
        keeps = end != line + 6 && (mask & kFileMode) == 0;
        break;
    }
    std::fclose(status);
    return keeps;
}

// How temporary files are made; decided once per batch.
struct TempOptions {
    bool sync = false;      // fsync the file before closing it
    bool chmod = true;      // set mode 0644 explicitly (the umask would change it)
    pid_t pid = ::getpid(); // part of the name
};

// Creates, fills and chmods a temporary file next to `name` and returns its name; with
// `options.sync` also fsyncs it. On any failure the temporary file is removed again.
Result<std::string> fill_temp(int dir_fd, const std::string& name, std::string_view content,
                              const fs::path& dir, const TempOptions& options) {
    UniqueFd fd;
    std::string temp;
    for (unsigned attempt = 0; attempt < 100 && !fd; ++attempt) {
        temp = temp_name(name, attempt, options.pid);
        fd = UniqueFd(::openat(dir_fd, temp.c_str(),
                               O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, kFileMode));
        if (!fd && errno != EEXIST)
            return file_error("file.create", dir / temp, "cannot create a temporary file", errno);
    }
    if (!fd)
        return file_error("file.create", dir, "cannot find a free temporary file name", EEXIST);
    const fs::path temp_path = dir / temp;
    auto fail = [&](Error error) -> Result<std::string> {
        fd.reset();
        ::unlinkat(dir_fd, temp.c_str(), 0);
        return error;
    };
    if (auto ok = detail::write_all(fd.get(), content, temp_path, "file.write"); !ok)
        return fail(ok.error());
    // The umask must not decide whether the TFTP server may read the file.
    if (options.chmod && ::fchmod(fd.get(), kFileMode) != 0)
        return fail(file_error("file.chmod", temp_path, "cannot set mode 0644", errno));
    if (options.sync && ::fsync(fd.get()) != 0)
        return fail(file_error("file.sync", temp_path, "cannot flush the temporary file", errno));
    if (fd.close_checked() != 0)
        return fail(file_error("file.close", temp_path, "cannot close the temporary file", errno));
    return temp;
}

// Moves the temporary file to `name`, failing if `name` appeared meanwhile.
Result<void> place_new(int dir_fd, const std::string& temp, const std::string& name,
                       const fs::path& path) {
    if (::renameat2(dir_fd, temp.c_str(), dir_fd, name.c_str(), RENAME_NOREPLACE) == 0)
        return {};
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) {
        if (errno == EEXIST)
            return conflict("file.exists", path,
                            "'" + path.string() + "' appeared while fwplan was writing it",
                            "run fwplan again to compare it with what fwplan writes");
        return file_error("file.rename", path, "cannot move the new file into place", errno);
    }
    // Filesystems without RENAME_NOREPLACE: link() also refuses to replace.
    if (::linkat(dir_fd, temp.c_str(), dir_fd, name.c_str(), 0) != 0) {
        if (errno == EEXIST)
            return conflict("file.exists", path,
                            "'" + path.string() + "' appeared while fwplan was writing it",
                            "run fwplan again to compare it with what fwplan writes");
        return file_error("file.rename", path, "cannot move the new file into place", errno);
    }
    ::unlinkat(dir_fd, temp.c_str(), 0);
    return {};
}

// Keeps the existing `name` as `name.bak` (or `.bak.N`). A hard link keeps `name` in
// place until the rename replaces it, so there is no moment without the file; where the
// filesystem has no hard links the file is renamed instead.
Result<std::string> keep_backup(int dir_fd, const std::string& name, const fs::path& dir,
                                bool& moved) {
    moved = false;
    for (std::size_t n = 0; n < kMaxBackups; ++n) {
        std::string backup = name + ".bak" + (n == 0 ? std::string() : "." + std::to_string(n));
        if (::linkat(dir_fd, name.c_str(), dir_fd, backup.c_str(), 0) == 0)
            return backup;
        if (errno == EEXIST)
            continue;
        if (errno != EPERM && errno != EXDEV && errno != ENOTSUP && errno != EMLINK)
            return file_error("file.backup", dir / backup, "cannot keep a backup", errno);
        // No hard links here: rename, but never over an existing backup.
        if (::renameat2(dir_fd, name.c_str(), dir_fd, backup.c_str(), RENAME_NOREPLACE) == 0) {
            moved = true;
            return backup;
        }
        if (errno == EEXIST)
            continue;
        return file_error("file.backup", dir / backup, "cannot keep a backup", errno);
    }
    return file_error("file.backup", dir / name, "too many backups exist already", EEXIST);
}

Result<void> sync_directory(int dir_fd, const fs::path& dir) {
    return detail::sync_dir(dir_fd, dir, "file.sync");
}

} // namespace

std::string_view to_string(WriteOutcome outcome) noexcept {
    switch (outcome) {
    case WriteOutcome::Created:
        return "created";
    case WriteOutcome::Unchanged:
        return "unchanged";
    case WriteOutcome::Replaced:
        return "replaced";
    }
    return "created";
}

Result<void> check_file_name(std::string_view name) {
    auto refuse = [&](const std::string& why) -> Result<void> {
        Error error = bad_input(
            "file.bad-name", detail::quote(name) + " cannot be a file name fwplan writes: " + why);
        return error.with_hint("fwplan only writes plain file names inside the output folder");
    };
    if (name.empty())
        return refuse("it is empty");
    if (name == "." || name == "..")
        return refuse("it names a folder, not a file");
    if (name.size() > kMaxNameBytes)
        return refuse("it is longer than 255 bytes");
    if (name.find('/') != std::string_view::npos || name.find('\\') != std::string_view::npos)
        return refuse("it contains a path separator");
    if (name.find('\0') != std::string_view::npos)
        return refuse("it contains a NUL byte");
    if (detail::find_control_char(name) != std::string_view::npos)
        return refuse("it contains a control character");
    if (name.front() == '.')
        return refuse("it starts with '.' (hidden and temporary files)");
    return {};
}

// ---------------------------------------------------------------------------------------
// WriteBatch

namespace {

// Up to this many staged files a batch fsyncs each one as it is written (cheap for a few,
// and it flushes nothing but fwplan's own files); above it, one syncfs at commit flushes
// them all at once instead of one journal commit per file.
constexpr std::size_t kSyncEachLimit = 16;

struct Folder {
    fs::path path;
    UniqueFd fd;
    dev_t device = 0;
    bool default_acl = false; // new files get their mode from the ACL, not the umask
    bool renamed = false;     // a file was moved into it: flush it at the end
};

bool has_default_acl(int dir_fd) {
    return ::fgetxattr(dir_fd, "system.posix_acl_default", nullptr, 0) > 0;
}

struct Staged {
    std::size_t folder = 0;
    std::string name;
    std::string temp;
    bool exists = false;    // replace (with a backup) rather than create
    std::size_t result = 0; // index into the results
    bool placed = false;    // renamed into place
};

} // namespace

struct WriteBatch::Impl {
    WritePolicy policy;
    TempOptions temp_options;
    std::vector<Folder> folders;
    std::map<std::string, std::size_t, std::less<>> folder_index;
    std::vector<Staged> staged;
    std::set<std::pair<std::size_t, std::string>, std::less<>> names;
    std::vector<WriteResult> results;
    bool committed = false;

    Result<std::size_t> folder(const fs::path& dir) {
        const std::string key = dir.string();
        if (auto it = folder_index.find(key); it != folder_index.end())
            return it->second;
        UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!fd)
            return file_error("file.open-dir", dir, "cannot open the output folder", errno);
        struct stat info {};
        if (::fstat(fd.get(), &info) != 0)
            return file_error("file.open-dir", dir, "cannot look at the output folder", errno);
        const bool acl = has_default_acl(fd.get());
        folders.push_back(Folder{dir, std::move(fd), info.st_dev, acl, false});
        folder_index.emplace(key, folders.size() - 1);
        return folders.size() - 1;
    }

    void remove_temporaries() noexcept {
        for (Staged& s : staged)
            if (!s.placed && !s.temp.empty()) {
                ::unlinkat(folders[s.folder].fd.get(), s.temp.c_str(), 0);
                s.temp.clear();
            }
    }

    Result<void> flush_data() {
        if (staged.size() <= kSyncEachLimit)
            return {}; // each file was flushed when it was staged
        std::set<dev_t> done;
        for (const Staged& s : staged) {
            const Folder& folder = folders[s.folder];
            if (!done.insert(folder.device).second)
                continue;
            if (::syncfs(folder.fd.get()) != 0)
                return file_error("file.sync", folder.path, "cannot flush the new files", errno);
        }
        return {};
    }

    Result<void> place(Staged& s) {
        Folder& folder = folders[s.folder];
        const int dir_fd = folder.fd.get();
        WriteResult& result = results[s.result];
        if (!s.exists) {
            if (auto ok = place_new(dir_fd, s.temp, s.name, result.path); !ok)
                return ok.error();
        } else if (!policy.keep_backup) {
            if (::renameat(dir_fd, s.temp.c_str(), dir_fd, s.name.c_str()) != 0)
                return file_error("file.rename", result.path, "cannot move the new file into place",
                                  errno);
        } else {
            bool moved = false;
            auto backup = keep_backup(dir_fd, s.name, folder.path, moved);
            if (!backup)
                return backup.error();
            result.backup = folder.path / *backup;
            if (::renameat(dir_fd, s.temp.c_str(), dir_fd, s.name.c_str()) != 0) {
                const int saved = errno;
                if (moved) // put the old file back where it was
                    ::renameat(dir_fd, backup->c_str(), dir_fd, s.name.c_str());
                else // the old file never moved: drop the extra link to it
                    ::unlinkat(dir_fd, backup->c_str(), 0);
                result.backup.clear();
                return file_error("file.rename", result.path, "cannot move the new file into place",
                                  saved);
            }
        }
        s.placed = true;
        folder.renamed = true;
        return {};
    }
};

WriteBatch::WriteBatch(WritePolicy policy) : impl_(std::make_unique<Impl>()) {
    impl_->policy = policy;
    impl_->temp_options.chmod = !umask_keeps_0644();
}

WriteBatch::~WriteBatch() {
    abandon();
}

WriteBatch::WriteBatch(WriteBatch&&) noexcept = default;

WriteBatch& WriteBatch::operator=(WriteBatch&& other) noexcept {
    if (this != &other) {
        abandon();
        impl_ = std::move(other.impl_);
    }
    return *this;
}

void WriteBatch::abandon() noexcept {
    if (impl_ && !impl_->committed)
        impl_->remove_temporaries();
}

std::size_t WriteBatch::staged() const noexcept {
    std::size_t count = 0;
    for (const Staged& s : impl_->staged)
        count += s.placed ? 0U : 1U;
    return count;
}

Result<WriteOutcome> WriteBatch::add(const fs::path& dir, std::string_view name_view,
                                     std::string_view content) {
    if (impl_->committed)
        throw std::logic_error("fwplan: WriteBatch::add after commit");
    if (auto ok = check_file_name(name_view); !ok)
        return ok.error();
    auto folder_index = impl_->folder(dir);
    if (!folder_index)
        return folder_index.error();
    const std::string name(name_view);
    const fs::path path = dir / name;
    if (impl_->names.count(std::pair(*folder_index, name)) != 0) {
        Error error = bad_input("file.staged-twice",
                                "'" + path.string() + "' was given twice to one batch of files");
        error.kind = ErrorKind::Usage;
        error.file = path.string();
        return error;
    }
    const int dir_fd = impl_->folders[*folder_index].fd.get();

    auto entry = inspect(dir_fd, name, path);
    if (!entry)
        return entry.error();
    if (entry->kind == EntryKind::Directory)
        return conflict("file.not-regular", path, "'" + path.string() + "' is a folder",
                        "remove or rename the folder, fwplan never replaces one");
    if (entry->kind == EntryKind::Regular) {
        auto same = same_content(dir_fd, name, path, content);
        if (!same)
            return same.error();
        if (*same) {
            impl_->names.emplace(*folder_index, name);
            impl_->results.push_back(WriteResult{WriteOutcome::Unchanged, path, {}});
            return WriteOutcome::Unchanged;
        }
    }
    const bool exists = entry->kind != EntryKind::Missing;
    if (exists && !impl_->policy.force) {
        const std::string what = entry->kind == EntryKind::Regular
                                     ? "already exists with different content"
                                     : "exists and is a link or a special file";
        return conflict("file.exists", path,
                        "'" + path.string() + "' " + what + "; fwplan does not overwrite it",
                        "use --force to replace it (the old one is kept as " + name + ".bak)");
    }

    TempOptions temp_options = impl_->temp_options;
    temp_options.sync = impl_->staged.size() < kSyncEachLimit;
    temp_options.chmod = temp_options.chmod || impl_->folders[*folder_index].default_acl;
    auto temp = fill_temp(dir_fd, name, content, dir, temp_options);
    if (!temp)
        return temp.error();
    const WriteOutcome outcome = exists ? WriteOutcome::Replaced : WriteOutcome::Created;
    impl_->names.emplace(*folder_index, name);
    impl_->results.push_back(WriteResult{outcome, path, {}});
    impl_->staged.push_back(
        Staged{*folder_index, name, std::move(*temp), exists, impl_->results.size() - 1, false});
    return outcome;
}

Result<std::vector<WriteResult>> WriteBatch::commit() {
    if (impl_->committed)
        throw std::logic_error("fwplan: WriteBatch::commit called twice");
    auto fail = [&](const Error& error) -> Result<std::vector<WriteResult>> {
        impl_->remove_temporaries();
        impl_->committed = true;
        for (const Folder& folder : impl_->folders) // what was placed stays: make it durable
            if (folder.renamed)
                (void)sync_directory(folder.fd.get(), folder.path);
        return error;
    };
    if (auto ok = impl_->flush_data(); !ok)
        return fail(ok.error());
    for (Staged& s : impl_->staged)
        if (auto ok = impl_->place(s); !ok)
            return fail(ok.error());
    impl_->committed = true;
    for (const Folder& folder : impl_->folders)
        if (folder.renamed)
            if (auto ok = sync_directory(folder.fd.get(), folder.path); !ok)
                return ok.error();
    return std::move(impl_->results);
}

Result<WriteResult> write_file_atomically(const fs::path& dir, std::string_view name,
                                          std::string_view content, const WritePolicy& policy) {
    WriteBatch batch(policy);
    auto outcome = batch.add(dir, name, content);
    if (!outcome)
        return outcome.error();
    auto results = batch.commit();
    if (!results)
        return results.error();
    return std::move(results->front());
}

Result<fs::path> create_subdirectory(const fs::path& parent, std::string_view name_view) {
    if (auto ok = check_file_name(name_view); !ok)
        return ok.error();
    const std::string name(name_view);
    const fs::path path = parent / name;
    UniqueFd dir_fd(::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir_fd)
        return file_error("file.open-dir", parent, "cannot open the folder", errno);
    if (::mkdirat(dir_fd.get(), name.c_str(), kDirectoryMode) == 0)
        return path;
    const int saved = errno;
    if (saved != EEXIST)
        return file_error("file.mkdir", path, "cannot create the folder", saved);
    auto entry = inspect(dir_fd.get(), name, path);
    if (!entry)
        return entry.error();
    if (entry->kind != EntryKind::Directory)
        return conflict("file.not-directory", path,
                        "'" + path.string() + "' exists and is not a folder",
                        "remove or rename it, or choose another output folder");
    return path;
}

} // namespace fwplan
