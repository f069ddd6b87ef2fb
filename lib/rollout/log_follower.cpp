#include "rollout/log_follower.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <thread>

namespace fwplan::rollout {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t read_chunk_bytes = 64 * 1024;
constexpr std::size_t max_folder_entries = 10000; // looking for a rotated file: bounded
constexpr std::chrono::milliseconds stop_check{100};
constexpr std::chrono::milliseconds poll_interval{200};
constexpr std::chrono::milliseconds longest_wait{1000};

std::uint64_t fnv1a(std::string_view bytes) noexcept {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : bytes) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

Error log_error(const char* code, const std::string& what, const fs::path& path, int err) {
    Error error = io_error(code, what + ": " + std::strerror(err));
    error.file = path.string();
    return error;
}

// The first `count` bytes of `fd` (fewer when it is shorter), without moving its offset.
std::string read_head(int fd, std::size_t count) {
    std::string head(count, '\0');
    std::size_t got = 0;
    while (got < count) {
        const ssize_t n = ::pread(fd, head.data() + got, count - got, static_cast<off_t>(got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += static_cast<std::size_t>(n);
    }
    head.resize(got);
    return head;
}

bool same_file(const struct stat& info, std::uint64_t device, std::uint64_t inode) noexcept {
    return static_cast<std::uint64_t>(info.st_dev) == device &&
           static_cast<std::uint64_t>(info.st_ino) == inode;
}

// Whether a position's file is the one open on `fd`: long enough, and the same first bytes.
bool position_fits(int fd, const struct stat& info, const LogPosition& position) {
    if (static_cast<std::uint64_t>(info.st_size) < position.offset)
        return false;
    const std::size_t count = static_cast<std::size_t>(
        std::min<std::uint64_t>(position.offset, LogFollower::fingerprint_bytes));
    const std::string head = read_head(fd, count);
    return head.size() == count && fnv1a(head) == position.fingerprint;
}

// The regular file in `folder` that is (device, inode), opened; invalid when none is.
detail::UniqueFd find_rotated(const fs::path& folder, std::uint64_t device, std::uint64_t inode) {
    std::error_code ec;
    fs::directory_iterator it(folder.empty() ? fs::path(".") : folder, ec);
    std::size_t seen = 0;
    for (; !ec && it != fs::directory_iterator() && seen < max_folder_entries;
         it.increment(ec), ++seen) {
        struct stat info {};
        if (::stat(it->path().c_str(), &info) != 0 || !S_ISREG(info.st_mode) ||
            !same_file(info, device, inode))
            continue;
        detail::UniqueFd fd(::open(it->path().c_str(), O_RDONLY | O_CLOEXEC));
        struct stat opened {};
        if (fd.valid() && ::fstat(fd.get(), &opened) == 0 && same_file(opened, device, inode))
            return fd;
    }
    return detail::UniqueFd();
}

} // namespace

Result<LogFollower> LogFollower::open(const fs::path& path, std::optional<LogPosition> resume) {
    LogFollower follower;
    follower.path_ = path;
    if (path == "-") {
        // Standard input: a stream. Positions count bytes; there is nothing to resume.
        follower.fd_ = STDIN_FILENO;
        follower.stream_ = true;
        if (resume)
            follower.start_report_.note = "standard input is read from its start: a position "
                                          "cannot be resumed on a stream";
        return follower;
    }
    follower.owned_.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!follower.owned_.valid()) {
        const int err = errno;
        return log_error("rollout.log-open", "cannot open the log", path, err)
            .with_hint(err == ENOENT ? "check the path: tftpd-hpa and atftpd log through "
                                       "syslog (/var/log/syslog or /var/log/daemon.log), "
                                       "dnsmasq where --log-facility says"
                                     : "fwplan needs read access to the log (the adm group "
                                       "can read /var/log/syslog on Debian)");
    }
    follower.fd_ = follower.owned_.get();
    struct stat info {};
    if (::fstat(follower.fd_, &info) != 0)
        return log_error("rollout.log-open", "cannot stat the log", path, errno);
    if (S_ISDIR(info.st_mode)) {
        Error error = io_error("rollout.log-open", "the log is a folder, not a file");
        error.file = path.string();
        return error.with_hint("name the log file itself, e.g. /var/log/syslog");
    }
    // O_NONBLOCK only kept a FIFO's open() from waiting for a writer; reads are guarded by
    // poll() on streams and never wait on regular files.
    ::fcntl(follower.fd_, F_SETFL, ::fcntl(follower.fd_, F_GETFL) & ~O_NONBLOCK);
    if (!S_ISREG(info.st_mode)) {
        // A FIFO or a character device: a stream, like standard input.
        follower.stream_ = true;
        if (resume)
            follower.start_report_.note = "a stream is read from its start: a position "
                                          "cannot be resumed on it";
        return follower;
    }
    follower.device_ = static_cast<std::uint64_t>(info.st_dev);
    follower.inode_ = static_cast<std::uint64_t>(info.st_ino);
    follower.watch_folder();

    if (!resume) {
        follower.start_report_.start = Start::Beginning;
        return follower;
    }
    if (same_file(info, resume->device, resume->inode)) {
        if (position_fits(follower.fd_, info, *resume)) {
            if (auto started = follower.start_at(resume->offset); !started)
                return started.error();
            follower.start_report_.start = Start::Resumed;
            return follower;
        }
        follower.start_report_.start = Start::Restarted;
        follower.start_report_.note =
            static_cast<std::uint64_t>(info.st_size) < resume->offset
                ? "the log is shorter than where fwplan stopped (truncated, e.g. by "
                  "copytruncate): reading it from the start"
                : "the log's first bytes changed since fwplan stopped (a new file in the old "
                  "one's place): reading it from the start";
        return follower;
    }
    // Rotated while fwplan was down: finish the old file (syslog.1) first.
    detail::UniqueFd rotated = find_rotated(path.parent_path(), resume->device, resume->inode);
    struct stat rotated_info {};
    if (rotated.valid() && ::fstat(rotated.get(), &rotated_info) == 0 &&
        position_fits(rotated.get(), rotated_info, *resume)) {
        follower.owned_ = std::move(rotated);
        follower.fd_ = follower.owned_.get();
        follower.device_ = resume->device;
        follower.inode_ = resume->inode;
        if (auto started = follower.start_at(resume->offset); !started)
            return started.error();
        follower.start_report_.start = Start::ResumedInRotated;
        follower.start_report_.note = "the log was rotated while fwplan was stopped: reading "
                                      "the rest of the old file first";
        return follower;
    }
    follower.start_report_.start = Start::Restarted;
    follower.start_report_.note =
        "the file fwplan was reading is no longer in the log's folder (rotated away, "
        "compressed or deleted): reading the log from the start; lines in between are lost";
    return follower;
}

Result<void> LogFollower::start_at(std::uint64_t offset) {
    if (::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0)
        return log_error("rollout.log-read", "cannot seek in the log", path_, errno);
    head_ = read_head(fd_,
                      static_cast<std::size_t>(std::min<std::uint64_t>(offset, fingerprint_bytes)));
    hashed_count_ = no_hash;
    read_offset_ = offset;
    delivered_offset_ = offset;
    buffer_offset_ = offset;
    buffer_.clear();
    consumed_ = 0;
    return {};
}

void LogFollower::watch_folder() {
    // inotify on the folder, not the file: it also sees the rename and the new file of a
    // rotation (inotify(7)). Without it, wait() polls.
    detail::UniqueFd fd(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    if (!fd.valid())
        return;
    const fs::path folder = path_.parent_path().empty() ? fs::path(".") : path_.parent_path();
    constexpr std::uint32_t events = IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CREATE |
                                     IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO;
    if (::inotify_add_watch(fd.get(), folder.c_str(), events) < 0)
        return;
    inotify_ = std::move(fd);
}

std::uint64_t LogFollower::fingerprint_at(std::uint64_t offset) const noexcept {
    const std::size_t count = static_cast<std::size_t>(
        std::min<std::uint64_t>({offset, fingerprint_bytes, head_.size()}));
    // Past the first 256 bytes every line has the same fingerprint: hash once, not per line.
    if (count != hashed_count_) {
        hashed_ = fnv1a(std::string_view(head_).substr(0, count));
        hashed_count_ = count;
    }
    return hashed_;
}

LogPosition LogFollower::position() const {
    LogPosition position;
    position.device = device_;
    position.inode = inode_;
    position.offset = delivered_offset_;
    position.fingerprint = fingerprint_at(delivered_offset_);
    return position;
}

LogPosition LogFollower::end_now() const {
    LogPosition end;
    end.device = device_;
    end.inode = inode_;
    end.offset = read_offset_;
    struct stat st {};
    if (!stream_ && fd_ >= 0 && ::fstat(fd_, &st) == 0 &&
        static_cast<std::uint64_t>(st.st_size) > end.offset)
        end.offset = static_cast<std::uint64_t>(st.st_size);
    return end;
}

void LogFollower::deliver_lines(const LineHandler& on_line, std::size_t& delivered, bool& stopped) {
    while (consumed_ < buffer_.size()) {
        const char* start = buffer_.data() + consumed_;
        const std::size_t available = buffer_.size() - consumed_;
        const void* newline = std::memchr(start, '\n', available);
        if (newline == nullptr) {
            // A partial line: kept for later, unless it is already too long to be one.
            if (!skipping_ && available > max_line_bytes) {
                skipping_ = true;
                ++overlong_lines_;
            }
            if (skipping_)
                consumed_ = buffer_.size();
            return;
        }
        const auto length = static_cast<std::size_t>(static_cast<const char*>(newline) - start);
        consumed_ += length + 1;
        delivered_offset_ = buffer_offset_ + consumed_;
        if (skipping_) {
            skipping_ = false;
            continue;
        }
        if (length > max_line_bytes) {
            ++overlong_lines_;
            continue;
        }
        ++delivered;
        if (!on_line(std::string_view(start, length), position())) {
            stopped = true;
            return;
        }
    }
}

Result<std::size_t> LogFollower::read_chunk() {
    if (stream_) {
        // Read only what is there: a pipe's read() would block.
        pollfd ready{fd_, POLLIN, 0};
        int polled = 0;
        do
            polled = ::poll(&ready, 1, 0);
        while (polled < 0 && errno == EINTR);
        if (polled <= 0)
            return std::size_t{0};
    }
    if (consumed_ > 0) {
        buffer_.erase(0, consumed_);
        buffer_offset_ += consumed_;
        consumed_ = 0;
    }
    const std::size_t old_size = buffer_.size();
    buffer_.resize(old_size + read_chunk_bytes);
    ssize_t n = 0;
    do
        n = ::read(fd_, buffer_.data() + old_size, read_chunk_bytes);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        const int err = errno;
        buffer_.resize(old_size);
        if (err == EAGAIN) // EWOULDBLOCK on Linux too
            return std::size_t{0};
        return log_error("rollout.log-read", "cannot read the log", path_, err);
    }
    const auto got = static_cast<std::size_t>(n);
    buffer_.resize(old_size + got);
    if (got == 0 && stream_)
        ended_ = true;
    if (read_offset_ < fingerprint_bytes && head_.size() == read_offset_) {
        const std::size_t wanted =
            std::min<std::size_t>(got, fingerprint_bytes - static_cast<std::size_t>(read_offset_));
        head_.append(buffer_, old_size, wanted);
    }
    read_offset_ += got;
    return got;
}

void LogFollower::restart_from_zero() {
    ::lseek(fd_, 0, SEEK_SET);
    read_offset_ = 0;
    delivered_offset_ = 0;
    buffer_offset_ = 0;
    buffer_.clear();
    consumed_ = 0;
    head_.clear();
    hashed_count_ = no_hash;
    skipping_ = false;
}

Result<bool> LogFollower::check_truncated() {
    // Truncated in place (copytruncate): shorter than what was read, or other first bytes
    // (truncated and grown again before we looked). Checked before reading on, so no byte
    // of the new content is taken for the old file's continuation.
    struct stat info {};
    if (::fstat(fd_, &info) != 0)
        return log_error("rollout.log-read", "cannot stat the log", path_, errno);
    const std::size_t head_count =
        static_cast<std::size_t>(std::min<std::uint64_t>(read_offset_, fingerprint_bytes));
    if (static_cast<std::uint64_t>(info.st_size) >= read_offset_ &&
        read_head(fd_, head_count) == std::string_view(head_).substr(0, head_count))
        return false;
    restart_from_zero();
    ++truncations_;
    return true;
}

Result<bool> LogFollower::check_renamed() {
    // Renamed away: the path names another file. Until that one holds data the daemon may
    // still write to ours (it reopens on HUP); once it does, ours is read once more to its
    // end before moving on, so a line written just before the reopen is not lost.
    struct stat current {};
    if (::stat(path_.c_str(), &current) != 0 || same_file(current, device_, inode_) ||
        !S_ISREG(current.st_mode) || current.st_size == 0)
        return false;
    auto more = read_chunk();
    if (!more)
        return more.error();
    if (*more > 0)
        return true;
    detail::UniqueFd next(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
    struct stat next_info {};
    if (!next.valid() || ::fstat(next.get(), &next_info) != 0 || !S_ISREG(next_info.st_mode))
        return false; // gone again in between: try on the next call
    owned_ = std::move(next);
    fd_ = owned_.get();
    device_ = static_cast<std::uint64_t>(next_info.st_dev);
    inode_ = static_cast<std::uint64_t>(next_info.st_ino);
    // A last line of the old file with no newline is dropped with it.
    restart_from_zero();
    ++rotations_;
    return true;
}

Result<std::size_t> LogFollower::read_available(const LineHandler& on_line) {
    std::size_t delivered = 0;
    std::size_t bytes_read = 0;
    caught_up_ = false;
    if (!stream_) {
        if (auto truncated = check_truncated(); !truncated)
            return truncated.error();
    }
    for (;;) {
        bool stopped = false;
        deliver_lines(on_line, delivered, stopped);
        if (stopped || bytes_read >= max_bytes_per_call)
            return delivered;
        auto got = read_chunk();
        if (!got)
            return got.error();
        if (*got > 0) {
            bytes_read += *got;
            continue;
        }
        if (stream_) {
            caught_up_ = true;
            return delivered;
        }
        auto truncated = check_truncated();
        if (!truncated)
            return truncated.error();
        if (*truncated)
            continue;
        auto changed = check_renamed();
        if (!changed)
            return changed.error();
        if (!*changed) {
            caught_up_ = true;
            return delivered;
        }
    }
}

void LogFollower::wait(std::chrono::milliseconds timeout, const std::atomic<bool>& stop) {
    using clock = std::chrono::steady_clock;
    // Lines already read but not delivered (the handler stopped early), or a closed stream:
    // nothing to wait for.
    if (ended_ || std::memchr(buffer_.data() + consumed_, '\n', buffer_.size() - consumed_))
        return;
    const int fd = stream_ ? fd_ : inotify_.get();
    timeout = std::min(timeout, fd < 0 ? poll_interval : longest_wait); // no inotify: poll
    const clock::time_point end = clock::now() + timeout;
    while (!stop.load()) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - clock::now());
        if (left.count() <= 0)
            return;
        const auto slice = std::min(left, stop_check);
        if (fd < 0) {
            std::this_thread::sleep_for(slice);
            continue;
        }
        pollfd ready{fd, POLLIN, 0};
        const int polled = ::poll(&ready, 1, static_cast<int>(slice.count()));
        if (polled < 0 && errno == EINTR)
            return; // a signal: let the caller look at its flags
        if (polled > 0) {
            if (!stream_) {
                // Drain the events: which one it was does not matter, the next read looks.
                alignas(inotify_event) char events[4096];
                for (int i = 0; i < 64 && ::read(fd, events, sizeof events) > 0; ++i) {
                }
            }
            return;
        }
    }
}

} // namespace fwplan::rollout
