// rollout/log_follower.hpp: a growing log is read like `tail -F`: every complete line once,
// in order, across rotation by rename (with the daemon still writing to the old file until
// it reopens), copytruncate, a restart at any line boundary, a rotation while stopped;
// standard input as a pipe; over-long lines skipped; waits that end when they should.
#include "rollout/log_follower.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace fwplan::rollout;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& name) {
    const fs::path dir = fs::path(FWPLAN_TEST_TMPDIR) / "rollout_follow" / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

// A daemon's log file: opened once, appended to, kept open across a rename.
class Writer {
public:
    explicit Writer(const fs::path& path)
        : fd_(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) {
        REQUIRE(fd_ >= 0);
    }
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;
    ~Writer() { close(); }
    void write(std::string_view text) {
        REQUIRE(::write(fd_, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    }
    void close() {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_;
};

struct Line {
    std::string text;
    LogPosition after;
};

LogFollower open_follower(const fs::path& path, std::optional<LogPosition> resume = {}) {
    auto follower = LogFollower::open(path, resume);
    INFO((follower ? std::string() : follower.error().describe()));
    REQUIRE(follower.ok());
    return std::move(follower).value();
}

// Everything available now, reading until caught up (bounded).
std::vector<Line> read_all(LogFollower& follower) {
    std::vector<Line> lines;
    for (int i = 0; i < 100; ++i) {
        auto count = follower.read_available([&](std::string_view text, const LogPosition& at) {
            lines.push_back({std::string(text), at});
            return true;
        });
        REQUIRE(count.ok());
        if (follower.caught_up())
            return lines;
    }
    FAIL("the follower never caught up");
    return lines;
}

// At most `limit` lines, as a follower that is killed right after storing the last one.
std::vector<Line> read_some(LogFollower& follower, std::size_t limit) {
    std::vector<Line> lines;
    auto count = follower.read_available([&](std::string_view text, const LogPosition& at) {
        lines.push_back({std::string(text), at});
        return lines.size() < limit;
    });
    REQUIRE(count.ok());
    return lines;
}

std::vector<std::string> texts(const std::vector<Line>& lines) {
    std::vector<std::string> out;
    for (const Line& line : lines)
        out.push_back(line.text);
    return out;
}

std::uint64_t inode_of(const fs::path& path) {
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    return static_cast<std::uint64_t>(info.st_ino);
}

using Texts = std::vector<std::string>;

} // namespace

TEST_CASE("rollout follow: a log growing in several writes, partial lines kept for later") {
    const fs::path log = fresh_dir("growth") / "syslog";
    Writer daemon(log);
    daemon.write("line one\nline t");
    LogFollower follower = open_follower(log);
    CHECK(follower.start_report().start == LogFollower::Start::Beginning);
    std::vector<Line> got = read_all(follower);
    REQUIRE(texts(got) == Texts{"line one"});
    CHECK(got[0].after.offset == 9);
    CHECK(got[0].after.inode == inode_of(log));
    CHECK(follower.position().offset == 9); // not into the partial line

    daemon.write("wo\nline three");
    got = read_all(follower);
    REQUIRE(texts(got) == Texts{"line two"});
    CHECK(got[0].after.offset == 18);
    CHECK(read_all(follower).empty());
    daemon.write("\n\nlast\n");
    got = read_all(follower);
    CHECK(texts(got) == Texts{"line three", "", "last"});
    CHECK(follower.position().offset == 18 + 11 + 1 + 5);
    // The fingerprint of a position never changes as the file grows.
    const LogPosition before = follower.position();
    daemon.write(std::string(600, 'z') + "\n");
    (void)read_all(follower);
    auto again = LogFollower::open(log, before);
    REQUIRE(again.ok());
    CHECK(again->start_report().start == LogFollower::Start::Resumed);
}

TEST_CASE("rollout follow: rotation by rename, the daemon writing to the old file until HUP") {
    const fs::path dir = fresh_dir("rename");
    const fs::path log = dir / "syslog";
    Writer daemon(log);
    daemon.write("a1\na2\n");
    LogFollower follower = open_follower(log);
    CHECK(texts(read_all(follower)) == Texts{"a1", "a2"});

    // logrotate: rename, create the new empty file; the daemon has not reopened yet.
    fs::rename(log, dir / "syslog.1");
    Writer{log}.close();
    daemon.write("a3\n");
    CHECK(texts(read_all(follower)) == Texts{"a3"});
    // The reopen: one more line to the old file, then the new one gets lines; read after
    // both, in order.
    daemon.write("a4\n");
    daemon.close();
    Writer reopened(log);
    reopened.write("b1\nb2\n");
    const std::vector<Line> got = read_all(follower);
    CHECK(texts(got) == Texts{"a4", "b1", "b2"});
    CHECK(follower.rotations() == 1);
    CHECK(got.back().after.inode == inode_of(log));
    CHECK(got.back().after.offset == 6);
    reopened.write("b3\n");
    CHECK(texts(read_all(follower)) == Texts{"b3"});

    // The path missing for a moment (rename, nothing created yet): stay on the old file.
    fs::rename(log, dir / "syslog.2");
    reopened.write("b4\n");
    CHECK(texts(read_all(follower)) == Texts{"b4"});
    Writer third(log);
    third.write("c1\n");
    CHECK(texts(read_all(follower)) == Texts{"c1"});
    CHECK(follower.rotations() == 2);
}

TEST_CASE("rollout follow: copytruncate starts again from 0") {
    const fs::path log = fresh_dir("copytruncate") / "daemon.log";
    Writer daemon(log);
    daemon.write("x1\nx2\n");
    LogFollower follower = open_follower(log);
    CHECK(texts(read_all(follower)) == Texts{"x1", "x2"});
    fs::copy_file(log, log.string() + ".1");
    fs::resize_file(log, 0);
    daemon.write("y1\n");
    CHECK(texts(read_all(follower)) == Texts{"y1"});
    CHECK(follower.truncations() == 1);
    CHECK(follower.position().offset == 3);

    // Truncated and grown past the old offset before the follower looked: the first bytes
    // give it away.
    fs::resize_file(log, 0);
    daemon.write("z1 a longer line\nz2\n");
    CHECK(texts(read_all(follower)) == Texts{"z1 a longer line", "z2"});
    CHECK(follower.truncations() == 2);
}

TEST_CASE("rollout follow: a restart at every line boundary reads each line exactly once") {
    const fs::path log = fresh_dir("resume") / "syslog";
    const Texts all = {"first", "second line", "", "fourth", "fifth and last"};
    {
        Writer daemon(log);
        for (const std::string& line : all)
            daemon.write(line + "\n");
        daemon.write("partial");
    }
    for (std::size_t stop_after = 0; stop_after <= all.size(); ++stop_after) {
        CAPTURE(stop_after);
        std::optional<LogPosition> stored;
        Texts seen;
        if (stop_after > 0) {
            LogFollower first = open_follower(log);
            for (const Line& line : read_some(first, stop_after)) {
                seen.push_back(line.text);
                stored = line.after; // what the caller stores with each transition
            }
        }
        LogFollower second = open_follower(log, stored);
        CHECK(second.start_report().start ==
              (stored ? LogFollower::Start::Resumed : LogFollower::Start::Beginning));
        for (const Line& line : read_all(second))
            seen.push_back(line.text);
        CHECK(seen == all);
    }
    // The partial line comes once it is whole, to a follower resumed before it.
    LogFollower first = open_follower(log);
    const LogPosition end = read_all(first).back().after;
    Writer(log).write(" at last\n");
    LogFollower resumed = open_follower(log, end);
    CHECK(texts(read_all(resumed)) == Texts{"partial at last"});
}

TEST_CASE("rollout follow: rotated while fwplan was stopped: the old file's rest, then the new") {
    const fs::path dir = fresh_dir("rotated_stopped");
    const fs::path log = dir / "syslog";
    Writer daemon(log);
    daemon.write("l1\nl2\nl3\n");
    LogFollower first = open_follower(log);
    const LogPosition stored = read_some(first, 2).back().after;

    fs::rename(log, dir / "syslog.1");
    daemon.write("l4\n"); // still to the old file
    daemon.close();
    Writer(dir / "unrelated.log").write("noise\n");
    Writer(log).write("n1\nn2\n");

    LogFollower second = open_follower(log, stored);
    CHECK(second.start_report().start == LogFollower::Start::ResumedInRotated);
    CHECK_FALSE(second.start_report().note.empty());
    const std::vector<Line> got = read_all(second);
    CHECK(texts(got) == Texts{"l3", "l4", "n1", "n2"});
    CHECK(got.front().after.inode == stored.inode);
    CHECK(got.back().after.inode == inode_of(log));

    // The old file gone (compressed, deleted): from the start of the new one, and said so.
    fs::remove(dir / "syslog.1");
    LogFollower third = open_follower(log, stored);
    CHECK(third.start_report().start == LogFollower::Start::Restarted);
    CHECK(third.start_report().note.find("lost") != std::string::npos);
    CHECK(texts(read_all(third)) == Texts{"n1", "n2"});
}

TEST_CASE("rollout follow: a position that no longer fits starts again from 0, and says so") {
    const fs::path log = fresh_dir("misfit") / "syslog";
    {
        Writer daemon(log);
        daemon.write("old 1\nold 2\nold 3\n");
    }
    LogFollower first = open_follower(log);
    const LogPosition stored = read_all(first).back().after;

    // Shorter than the offset (copytruncate while stopped).
    fs::resize_file(log, 0);
    Writer(log).write("new 1\n");
    LogFollower shorter = open_follower(log, stored);
    CHECK(shorter.start_report().start == LogFollower::Start::Restarted);
    CHECK(shorter.start_report().note.find("shorter") != std::string::npos);
    CHECK(texts(read_all(shorter)) == Texts{"new 1"});

    // Same inode, long enough, other first bytes: another file in its place.
    fs::resize_file(log, 0);
    Writer(log).write("NEW 1\nnew 2 is longer\nnew 3\n");
    LogFollower replaced = open_follower(log, stored);
    CHECK(replaced.start_report().start == LogFollower::Start::Restarted);
    CHECK(replaced.start_report().note.find("first bytes") != std::string::npos);
    CHECK(texts(read_all(replaced)) == Texts{"NEW 1", "new 2 is longer", "new 3"});
}

TEST_CASE("rollout follow: standard input as a pipe") {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const int saved_stdin = ::dup(STDIN_FILENO);
    REQUIRE(saved_stdin >= 0);
    REQUIRE(::dup2(fds[0], STDIN_FILENO) == STDIN_FILENO);
    ::close(fds[0]);
    {
        LogFollower follower = open_follower("-");
        CHECK(read_all(follower).empty()); // nothing yet: returns, does not block
        REQUIRE(::write(fds[1], "p1\np2\npar", 9) == 9);
        std::vector<Line> got = read_all(follower);
        CHECK(texts(got) == Texts{"p1", "p2"});
        CHECK(got.back().after.offset == 6);
        CHECK(got.back().after.inode == 0);
        CHECK_FALSE(follower.ended());
        REQUIRE(::write(fds[1], "tial\n", 5) == 5);
        ::close(fds[1]);
        CHECK(texts(read_all(follower)) == Texts{"partial"});
        CHECK(follower.ended());
        const auto before = std::chrono::steady_clock::now();
        std::atomic<bool> stop{false};
        follower.wait(std::chrono::milliseconds(2000), stop);
        CHECK(std::chrono::steady_clock::now() - before < std::chrono::milliseconds(100));
    }
    REQUIRE(::dup2(saved_stdin, STDIN_FILENO) == STDIN_FILENO);
    ::close(saved_stdin);
}

TEST_CASE("rollout follow: over-long lines are skipped to their newline and counted once") {
    const fs::path log = fresh_dir("overlong") / "syslog";
    Writer daemon(log);
    daemon.write("short\n" + std::string(LogFollower::max_line_bytes + 10, 'x') + "\nafter\n");
    LogFollower follower = open_follower(log);
    CHECK(texts(read_all(follower)) == Texts{"short", "after"});
    CHECK(follower.overlong_lines() == 1);

    // Arriving in pieces: counted once, the position stays before it until its end.
    const std::uint64_t before = follower.position().offset;
    daemon.write(std::string(40000, 'y'));
    CHECK(read_all(follower).empty());
    daemon.write(std::string(40000, 'y'));
    CHECK(read_all(follower).empty());
    CHECK(follower.position().offset == before);
    daemon.write(std::string(40000, 'y'));
    CHECK(read_all(follower).empty());
    CHECK(follower.overlong_lines() == 2);
    daemon.write("\nafter two\n");
    const std::vector<Line> got = read_all(follower);
    CHECK(texts(got) == Texts{"after two"});
    CHECK(got[0].after.offset == before + 120001 + 10);
    CHECK(follower.overlong_lines() == 2);
    // At the limit: still a line.
    daemon.write(std::string(LogFollower::max_line_bytes, 'w') + "\n");
    CHECK(read_all(follower).size() == 1);
}

TEST_CASE("rollout follow: wait ends on growth, on stop, and at its timeout") {
    const fs::path log = fresh_dir("wait") / "syslog";
    Writer daemon(log);
    daemon.write("one\n");
    LogFollower follower = open_follower(log);
    CHECK(read_all(follower).size() == 1);
    std::atomic<bool> stop{false};
    using clock = std::chrono::steady_clock;

    auto start = clock::now();
    std::thread writer([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        daemon.write("two\n");
    });
    follower.wait(std::chrono::milliseconds(3000), stop);
    writer.join();
    CHECK(clock::now() - start < std::chrono::milliseconds(900));
    CHECK(texts(read_all(follower)) == Texts{"two"});

    start = clock::now();
    std::thread stopper([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        stop = true;
    });
    follower.wait(std::chrono::milliseconds(3000), stop);
    stopper.join();
    CHECK(clock::now() - start < std::chrono::milliseconds(500));

    stop = false;
    start = clock::now();
    follower.wait(std::chrono::milliseconds(40), stop);
    const auto waited = clock::now() - start;
    CHECK(waited >= std::chrono::milliseconds(35));
    CHECK(waited < std::chrono::milliseconds(500));
}

TEST_CASE("rollout follow: logs that cannot be followed are clear errors") {
    const fs::path dir = fresh_dir("errors");
    auto missing = LogFollower::open(dir / "no-such.log");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == "fwplan.rollout.log-open");
    CHECK(missing.error().file == (dir / "no-such.log").string());
    CHECK(missing.error().hint.find("syslog") != std::string::npos);
    auto folder = LogFollower::open(dir);
    REQUIRE_FALSE(folder.ok());
    CHECK(folder.error().code == "fwplan.rollout.log-open");
    CHECK(folder.error().message.find("folder") != std::string::npos);
}
