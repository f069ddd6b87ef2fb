#include "tftp/root_fs.hpp"

#include "detail/digest.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fwplan::detail {

namespace fs = std::filesystem;

namespace {

FileStat from_stat(const struct stat& st) {
    FileStat out;
    out.exists = true;
    out.regular = S_ISREG(st.st_mode);
    out.directory = S_ISDIR(st.st_mode);
    out.symlink = S_ISLNK(st.st_mode);
    out.size = static_cast<std::uint64_t>(st.st_size);
    out.mtime_ns =
        static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    out.ctime_ns =
        static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec;
    out.inode = static_cast<std::uint64_t>(st.st_ino);
    out.mode = static_cast<std::uint32_t>(st.st_mode);
    return out;
}

Result<UniqueFd> open_file_at(int dir_fd, const std::string& name, const fs::path& where) {
    UniqueFd fd(::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!fd.valid())
        return system_error("stage.read", where / name, "cannot open the file", errno);
    return fd;
}

// Parses one unsigned decimal field; false on anything else.
template <typename T>
bool parse_number(std::string_view text, T& out) {
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return ec == std::errc() && ptr == end;
}

std::vector<std::string_view> split(std::string_view line, char separator) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (;;) {
        const std::size_t at = line.find(separator, start);
        out.push_back(line.substr(start, at == std::string_view::npos ? at : at - start));
        if (at == std::string_view::npos)
            return out;
        start = at + 1;
    }
}

// Fields are names and IDs that never hold tabs or line breaks (entry names are checked
// for control characters before they get here); refuse to write one that does.
bool plain_field(std::string_view text) {
    return std::none_of(text.begin(), text.end(),
                        [](char c) { return c == '\t' || c == '\n' || c == '\r'; });
}

// A SHA-256 as the index and the journal keep it: 64 lower-case hex digits, or empty
// (not known).
bool is_sha256_hex(std::string_view text) {
    return text.empty() || (text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
                                return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                            }));
}

} // namespace

Result<FileStat> stat_at(int dir_fd, const std::string& name, const fs::path& where) {
    struct stat st {};
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT)
            return FileStat{};
        return system_error("stage.stat", where / name, "cannot look at the file", errno);
    }
    return from_stat(st);
}

Result<FileStat> stat_fd(int fd, const fs::path& where) {
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        return system_error("stage.stat", where, "cannot look at the file", errno);
    return from_stat(st);
}

Result<UniqueFd> open_dir_at(int dir_fd, const std::string& name, const fs::path& where) {
    UniqueFd fd(::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid())
        return system_error("stage.open-dir", where / name, "cannot open the folder", errno);
    return fd;
}

Result<UniqueFd> open_dir(const fs::path& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid())
        return system_error("stage.no-root", path, "cannot open the folder", errno);
    return fd;
}

Result<Checksum> checksum_at(int dir_fd, const std::string& name, const fs::path& where) {
    auto fd = open_file_at(dir_fd, name, where);
    if (!fd)
        return fd.error();
    std::vector<char> buffer(64 * 1024);
    ContentHasher hash;
    Checksum out;
    auto read = read_to_end(
        fd->get(), buffer,
        [&](std::string_view chunk) -> Result<void> {
            hash.update(chunk);
            out.size += chunk.size();
            return {};
        },
        where / name, "stage.read");
    if (!read)
        return read.error();
    out.crc32 = hash.crc32();
    out.sha256 = hash.sha256_hex();
    return out;
}

Result<std::string> read_small_at(int dir_fd, const std::string& name, std::size_t max_bytes,
                                  const fs::path& where) {
    auto text = read_small_file(dir_fd, name, max_bytes, "stage.read", false);
    if (!text) {
        Error error = text.error();
        error.file = (where / name).string();
        return error;
    }
    return text;
}

Result<void> sync_dir(int dir_fd, const fs::path& where) {
    return detail::sync_dir(dir_fd, where, "stage.sync");
}

Result<void> write_atomically_at(int dir_fd, const std::string& name, std::string_view content,
                                 unsigned mode, const fs::path& where) {
    static std::atomic<unsigned> counter{0};
    const std::string temp =
        name + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1));
    UniqueFd fd(::openat(dir_fd, temp.c_str(),
                         O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
                         static_cast<mode_t>(mode)));
    if (!fd.valid())
        return system_error("stage.write", where / temp, "cannot create the file", errno);
    auto fail = [&](int err, std::string_view what) -> Result<void> {
        ::unlinkat(dir_fd, temp.c_str(), 0);
        return system_error("stage.write", where / name, what, err);
    };
    if (auto ok = write_all(fd.get(), content, where / name, "stage.write"); !ok) {
        ::unlinkat(dir_fd, temp.c_str(), 0);
        return ok;
    }
    if (::fchmod(fd.get(), static_cast<mode_t>(mode)) != 0)
        return fail(errno, "cannot set the file's mode");
    if (::fsync(fd.get()) != 0)
        return fail(errno, "cannot flush the file");
    if (fd.close_checked() != 0)
        return fail(errno, "cannot write the file");
    if (::renameat(dir_fd, temp.c_str(), dir_fd, name.c_str()) != 0)
        return fail(errno, "cannot move the file into place");
    return sync_dir(dir_fd, where);
}

Result<void> make_private_dir_at(int dir_fd, const std::string& name, const fs::path& where) {
    if (::mkdirat(dir_fd, name.c_str(), 0700) == 0 || errno == EEXIST) {
        auto st = stat_at(dir_fd, name, where);
        if (!st)
            return st.error();
        if (!st->directory)
            return system_error("stage.mkdir", where / name, "is in the way of a folder", ENOTDIR);
        return {};
    }
    return system_error("stage.mkdir", where / name, "cannot create the folder", errno);
}

Result<std::vector<std::string>> list_dir(int dir_fd, const fs::path& where) {
    auto names = folder_names(dir_fd);
    if (const int* err = std::get_if<int>(&names))
        return system_error("stage.list", where, "cannot read the folder", *err);
    return std::get<std::vector<std::string>>(std::move(names));
}

Result<void> remove_tree_at(int dir_fd, const std::string& name, const fs::path& where) {
    auto st = stat_at(dir_fd, name, where);
    if (!st)
        return st.error();
    if (!st->exists)
        return {};
    if (st->directory) {
        auto sub = open_dir_at(dir_fd, name, where);
        if (!sub)
            return sub.error();
        auto names = list_dir(sub->get(), where / name);
        if (!names)
            return names.error();
        for (const std::string& child : *names)
            if (auto ok = remove_tree_at(sub->get(), child, where / name); !ok)
                return ok;
        if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT)
            return system_error("stage.remove", where / name, "cannot remove the folder", errno);
        return {};
    }
    if (::unlinkat(dir_fd, name.c_str(), 0) != 0 && errno != ENOENT)
        return system_error("stage.remove", where / name, "cannot remove the file", errno);
    return {};
}

Result<RootLock> RootLock::acquire(int root_fd, const fs::path& root) {
    // The lock is on the root folder itself: nothing is created for it, so a run that ends
    // up writing nothing leaves no trace.
    UniqueFd fd(::dup(root_fd));
    if (!fd.valid())
        return system_error("stage.lock", root, "cannot lock the root", errno);
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK) {
            Error error = io_error("stage.busy", "another fwplan is staging into this root");
            error.file = root.string();
            return error.with_hint("wait for it to finish, then run the command again");
        }
        return system_error("stage.lock", root, "cannot lock the root", errno);
    }
    return RootLock(std::move(fd));
}

// ---------------------------------------------------------------------------------------
// .fwplan-state: "fwplan-state 2", then name TAB size TAB mtime TAB ctime TAB inode TAB
// crc32 TAB sha256 TAB term_for per line. Version 1 (still read) had no sha256 field.

const StateRecord* StateIndex::match(const std::string& name, const FileStat& st) const {
    auto it = files.find(name);
    if (it == files.end() || !st.regular)
        return nullptr;
    const StateRecord& r = it->second;
    if (r.size != st.size || r.mtime_ns != st.mtime_ns || r.ctime_ns != st.ctime_ns ||
        r.inode != st.inode)
        return nullptr;
    return &r;
}

void StateIndex::remember(const std::string& name, const FileStat& st, std::uint32_t crc32,
                          std::string sha256, std::string term_for) {
    if (!plain_field(name) || !plain_field(term_for) || !is_sha256_hex(sha256))
        return;
    files[name] = StateRecord{st.size, st.mtime_ns,       st.ctime_ns,        st.inode,
                              crc32,   std::move(sha256), std::move(term_for)};
}

std::string format_state(const StateIndex& state) {
    std::string out = "fwplan-state 2\n";
    for (const auto& [name, r] : state.files)
        out += name + '\t' + std::to_string(r.size) + '\t' + std::to_string(r.mtime_ns) + '\t' +
               std::to_string(r.ctime_ns) + '\t' + std::to_string(r.inode) + '\t' +
               std::to_string(r.crc32) + '\t' + r.sha256 + '\t' + r.term_for + '\n';
    return out;
}

StateIndex read_state(int root_fd) {
    auto text = read_small_at(root_fd, std::string(kStateFile), 64u << 20, {});
    if (!text)
        return {};
    return parse_state(*text);
}

StateIndex parse_state(std::string_view rest) {
    StateIndex state;
    bool first = true;
    std::size_t fields = 0;
    while (!rest.empty()) {
        const std::size_t eol = rest.find('\n');
        const std::string_view line = rest.substr(0, eol);
        rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
        if (first) {
            first = false;
            if (line == "fwplan-state 1")
                fields = 7;
            else if (line == "fwplan-state 2")
                fields = 8;
            else
                return {};
            continue;
        }
        const auto f = split(line, '\t');
        StateRecord r;
        if (f.size() != fields || f[0].empty() || !parse_number(f[1], r.size) ||
            !parse_number(f[2], r.mtime_ns) || !parse_number(f[3], r.ctime_ns) ||
            !parse_number(f[4], r.inode) || !parse_number(f[5], r.crc32))
            continue; // a damaged line only costs a re-read of that file
        if (fields == 8) {
            if (!is_sha256_hex(f[6]))
                continue;
            r.sha256 = std::string(f[6]);
        }
        r.term_for = std::string(f[fields - 1]);
        state.files[std::string(f[0])] = std::move(r);
    }
    return state;
}

Result<void> write_state(int root_fd, const StateIndex& state, const fs::path& root) {
    return write_atomically_at(root_fd, std::string(kStateFile), format_state(state), 0600, root);
}

// ---------------------------------------------------------------------------------------
// Journal: "fwplan-journal 2", "id ID", then one line per entry:
// create|replace TAB name TAB size TAB crc32 TAB sha256 TAB new_inode TAB old_inode TAB
// term_for TAB package TAB entry; and a final "end" line, so a torn journal is recognised.
// Version 1 (still read: roots staged before) had no sha256 field, and kept the files in
// the journal's own folder.

std::string format_journal(const Journal& journal) {
    std::string out =
        "fwplan-journal " + std::to_string(journal.version) + "\nid " + journal.id + '\n';
    for (const JournalEntry& e : journal.entries) {
        out += std::string(e.replace ? "replace" : "create") + '\t' + e.name + '\t' +
               std::to_string(e.size) + '\t' + std::to_string(e.crc32) + '\t' +
               (journal.version >= 2 ? e.sha256 + '\t' : std::string()) +
               std::to_string(e.new_inode) + '\t' + std::to_string(e.old_inode) + '\t' +
               e.term_for + '\t' + (plain_field(e.package) ? e.package : std::string()) + '\t' +
               (plain_field(e.entry) ? e.entry : std::string()) + '\n';
    }
    return out + "end\n";
}

std::optional<Journal> parse_journal(std::string_view text) {
    Journal journal;
    std::size_t line_number = 0;
    bool ended = false;
    while (!text.empty()) {
        const std::size_t eol = text.find('\n');
        if (eol == std::string_view::npos)
            return std::nullopt; // torn
        const std::string_view line = text.substr(0, eol);
        text.remove_prefix(eol + 1);
        ++line_number;
        if (ended)
            return std::nullopt;
        if (line_number == 1) {
            if (line == "fwplan-journal 1")
                journal.version = 1;
            else if (line == "fwplan-journal 2")
                journal.version = 2;
            else
                return std::nullopt;
            continue;
        }
        if (line_number == 2) {
            if (line.substr(0, 3) != "id " || line.size() < 4)
                return std::nullopt;
            journal.id = std::string(line.substr(3));
            continue;
        }
        if (line == "end") {
            ended = true;
            continue;
        }
        auto f = split(line, '\t');
        JournalEntry e;
        if (journal.version >= 2) {
            if (f.size() != 10 || !is_sha256_hex(f[4]))
                return std::nullopt;
            e.sha256 = std::string(f[4]);
            f.erase(f.begin() + 4); // the rest is laid out as in version 1
        }
        if (f.size() != 9 || (f[0] != "create" && f[0] != "replace") || f[1].empty() ||
            !parse_number(f[2], e.size) || !parse_number(f[3], e.crc32) ||
            !parse_number(f[4], e.new_inode) || !parse_number(f[5], e.old_inode))
            return std::nullopt;
        e.replace = f[0] == "replace";
        e.name = std::string(f[1]);
        e.term_for = std::string(f[6]);
        e.package = std::string(f[7]);
        e.entry = std::string(f[8]);
        if (e.name.find('/') != std::string::npos || e.name.front() == '.')
            return std::nullopt; // never act on a name outside the root's top level
        journal.entries.push_back(std::move(e));
    }
    if (!ended)
        return std::nullopt;
    return journal;
}

Result<UniqueFd> open_files_dir(int dir_fd, const Journal& journal, bool create,
                                const fs::path& where) {
    if (journal.version < 2) {
        UniqueFd fd(::dup(dir_fd));
        if (!fd.valid())
            return system_error("stage.open-dir", where, "cannot open the folder", errno);
        return fd;
    }
    const std::string files(kFilesDir);
    if (create) {
        if (auto ok = make_private_dir_at(dir_fd, files, where); !ok)
            return ok.error();
    }
    return open_dir_at(dir_fd, files, where);
}

fs::path files_path(const fs::path& dir, const Journal& journal) {
    return journal.version < 2 ? dir : dir / kFilesDir;
}

std::string new_stage_id() {
    static std::atomic<unsigned> counter{0};
    const auto now = std::chrono::system_clock::now();
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch());
    const std::time_t seconds = static_cast<std::time_t>(ns.count() / 1'000'000'000);
    std::tm utc{};
    ::gmtime_r(&seconds, &utc);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &utc);
    char fraction[16];
    std::snprintf(fraction, sizeof fraction, "%09lld",
                  static_cast<long long>(ns.count() % 1'000'000'000));
    return std::string(stamp) + "." + fraction + "Z-" + std::to_string(::getpid()) + "-" +
           std::to_string(counter.fetch_add(1));
}

std::vector<std::string> leftover_stages(int root_fd, const fs::path& root) {
    std::vector<std::string> out;
    auto names = list_dir(root_fd, root);
    if (!names)
        return out;
    for (const std::string& name : *names)
        if (name.rfind(kStagePrefix, 0) == 0)
            out.push_back(name);
    return out;
}

} // namespace fwplan::detail
