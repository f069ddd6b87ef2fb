// file_writer.hpp: files appear whole or not at all, identical files are left alone,
// different ones are refused unless forced (and then kept as a backup), and no name can
// lead outside the folder.
#include "test_support.hpp"

#include <fwplan/file_writer.hpp>

#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <set>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>

using namespace fwplan;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& name) {
    const fs::path dir = fs::path(FWPLAN_TEST_TMPDIR) / "file_writer" / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

void put(const fs::path& path, const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
}

std::set<std::string> listing(const fs::path& dir) {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir))
        names.insert(entry.path().filename().string());
    return names;
}

unsigned mode_of(const fs::path& path) {
    struct stat info {};
    REQUIRE(::lstat(path.c_str(), &info) == 0);
    return info.st_mode & 07777U;
}

WriteResult written(const Result<WriteResult>& result) {
    INFO((result ? std::string() : result.error().describe()));
    REQUIRE(result.ok());
    return *result;
}

// Makes every write beyond `bytes` fail with EFBIG (SIGXFSZ ignored) while alive: a disk
// that fills up in the middle of a write.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes) {
        previous_handler_ = std::signal(SIGXFSZ, SIG_IGN);
        REQUIRE(::getrlimit(RLIMIT_FSIZE, &previous_) == 0);
        struct rlimit limit = previous_;
        limit.rlim_cur = bytes;
        REQUIRE(::setrlimit(RLIMIT_FSIZE, &limit) == 0);
    }
    FileSizeLimit(const FileSizeLimit&) = delete;
    FileSizeLimit& operator=(const FileSizeLimit&) = delete;
    ~FileSizeLimit() {
        ::setrlimit(RLIMIT_FSIZE, &previous_);
        std::signal(SIGXFSZ, previous_handler_);
    }

private:
    struct rlimit previous_ {};
    void (*previous_handler_)(int) = nullptr;
};

} // namespace

TEST_CASE("a new file is created whole with mode 0644 whatever the umask") {
    const fs::path dir = fresh_dir("created");
    const mode_t old_umask = ::umask(077);
    const WriteResult result =
        written(write_file_atomically(dir, "SEP008041AEFD7E.cnf.xml", "<device/>\n"));
    ::umask(old_umask);
    CHECK(result.outcome == WriteOutcome::Created);
    CHECK(result.path == dir / "SEP008041AEFD7E.cnf.xml");
    CHECK(result.backup.empty());
    CHECK(fwplan::test::read_file(result.path) == "<device/>\n");
    CHECK(mode_of(result.path) == 0644U);
    CHECK(listing(dir) == std::set<std::string>{"SEP008041AEFD7E.cnf.xml"}); // no temp left
    CHECK(to_string(WriteOutcome::Created) == "created");
}

TEST_CASE("an empty file can be written") {
    const fs::path dir = fresh_dir("empty");
    CHECK(written(write_file_atomically(dir, "CTLSEP008041AEFD7E.tlv", "")).outcome ==
          WriteOutcome::Created);
    CHECK(fs::file_size(dir / "CTLSEP008041AEFD7E.tlv") == 0);
    CHECK(written(write_file_atomically(dir, "CTLSEP008041AEFD7E.tlv", "")).outcome ==
          WriteOutcome::Unchanged);
}

TEST_CASE("an identical file is reported unchanged and not touched") {
    const fs::path dir = fresh_dir("unchanged");
    const fs::path path = dir / "OS79XX.TXT";
    put(path, "P003-8-12-00\r\n");
    const auto past = fs::file_time_type::clock::now() - std::chrono::hours(48);
    fs::last_write_time(path, past);
    struct stat before {};
    REQUIRE(::stat(path.c_str(), &before) == 0);

    const WriteResult result =
        written(write_file_atomically(dir, "OS79XX.TXT", "P003-8-12-00\r\n"));
    CHECK(result.outcome == WriteOutcome::Unchanged);
    struct stat after {};
    REQUIRE(::stat(path.c_str(), &after) == 0);
    CHECK(after.st_ino == before.st_ino);
    CHECK(fs::last_write_time(path) == past);
    CHECK(listing(dir) == std::set<std::string>{"OS79XX.TXT"});
}

TEST_CASE("a different file is refused without force and stays as it was") {
    const fs::path dir = fresh_dir("conflict");
    put(dir / "SIPDefault.cnf", "image_version: P0S3-8-11-00\n");
    for (const std::string other : {"image_version: P0S3-8-12-00\n", "image_version: P0S3-8-11-0\n",
                                    "image_version: P0S3-8-11-00\n\n"}) {
        auto result = write_file_atomically(dir, "SIPDefault.cnf", other);
        REQUIRE_FALSE(result.ok());
        const Error& error = result.error();
        CHECK(error.kind == ErrorKind::Conflict);
        CHECK(exit_code_for(error.kind) == 1);
        CHECK(error.code == "fwplan.file.exists");
        CHECK(error.file == (dir / "SIPDefault.cnf").string());
        CHECK(error.message.find("different content") != std::string::npos);
        CHECK(error.hint.find("--force") != std::string::npos);
        CHECK(error.hint.find("SIPDefault.cnf.bak") != std::string::npos);
    }
    CHECK(fwplan::test::read_file(dir / "SIPDefault.cnf") == "image_version: P0S3-8-11-00\n");
    CHECK(listing(dir) == std::set<std::string>{"SIPDefault.cnf"});
}

TEST_CASE("force keeps the old file as a backup, numbered when a backup exists") {
    const fs::path dir = fresh_dir("force");
    put(dir / "SIP008041AEFD7E.cnf", "one\n");
    const WritePolicy force{.force = true};

    const WriteResult first =
        written(write_file_atomically(dir, "SIP008041AEFD7E.cnf", "two\n", force));
    CHECK(first.outcome == WriteOutcome::Replaced);
    CHECK(first.backup == dir / "SIP008041AEFD7E.cnf.bak");
    CHECK(fwplan::test::read_file(dir / "SIP008041AEFD7E.cnf") == "two\n");
    CHECK(fwplan::test::read_file(dir / "SIP008041AEFD7E.cnf.bak") == "one\n");
    CHECK(mode_of(dir / "SIP008041AEFD7E.cnf") == 0644U);

    const WriteResult second =
        written(write_file_atomically(dir, "SIP008041AEFD7E.cnf", "three\n", force));
    CHECK(second.backup == dir / "SIP008041AEFD7E.cnf.bak.1");
    CHECK(fwplan::test::read_file(dir / "SIP008041AEFD7E.cnf.bak") ==
          "one\n"); // an old backup is never replaced
    CHECK(fwplan::test::read_file(dir / "SIP008041AEFD7E.cnf.bak.1") == "two\n");
    CHECK(fwplan::test::read_file(dir / "SIP008041AEFD7E.cnf") == "three\n");

    // Force does not make an identical file "replaced".
    CHECK(written(write_file_atomically(dir, "SIP008041AEFD7E.cnf", "three\n", force)).outcome ==
          WriteOutcome::Unchanged);
    CHECK(listing(dir) == std::set<std::string>{"SIP008041AEFD7E.cnf", "SIP008041AEFD7E.cnf.bak",
                                                "SIP008041AEFD7E.cnf.bak.1"});
}

TEST_CASE("a link in the way is refused, and with force replaced without touching its target") {
    const fs::path dir = fresh_dir("symlink");
    const fs::path outside = fresh_dir("symlink-target") / "precious.txt";
    put(outside, "do not touch\n");
    fs::create_symlink(outside, dir / "SIPDefault.cnf");

    auto refused = write_file_atomically(dir, "SIPDefault.cnf", "do not touch\n");
    REQUIRE_FALSE(refused.ok()); // even identical content: fwplan does not write through links
    CHECK(refused.error().kind == ErrorKind::Conflict);
    CHECK(refused.error().message.find("link") != std::string::npos);

    const WriteResult replaced =
        written(write_file_atomically(dir, "SIPDefault.cnf", "new\n", {.force = true}));
    CHECK(replaced.outcome == WriteOutcome::Replaced);
    CHECK(fs::is_symlink(dir / "SIPDefault.cnf.bak"));
    CHECK_FALSE(fs::is_symlink(dir / "SIPDefault.cnf"));
    CHECK(fwplan::test::read_file(dir / "SIPDefault.cnf") == "new\n");
    CHECK(fwplan::test::read_file(outside) == "do not touch\n");
}

TEST_CASE("a folder of that name is never replaced") {
    const fs::path dir = fresh_dir("folder");
    fs::create_directory(dir / "XMLDefault.cnf.xml");
    for (bool force : {false, true}) {
        auto result = write_file_atomically(dir, "XMLDefault.cnf.xml", "x", {.force = force});
        REQUIRE_FALSE(result.ok());
        CHECK(result.error().code == "fwplan.file.not-regular");
    }
    CHECK(fs::is_directory(dir / "XMLDefault.cnf.xml"));
    CHECK(listing(dir) == std::set<std::string>{"XMLDefault.cnf.xml"});
}

TEST_CASE("names that could leave the folder are refused before anything is written") {
    const fs::path root = fresh_dir("traversal");
    const fs::path dir = root / "out";
    fs::create_directory(dir);
    const std::string bad[] = {"",
                               ".",
                               "..",
                               "../escaped",
                               "sub/escaped",
                               "/tmp/escaped",
                               "..\\escaped",
                               std::string("SEP\0.cnf.xml", 12),
                               "line\nbreak",
                               ".hidden",
                               std::string(256, 'a')};
    for (const std::string& name : bad) {
        CAPTURE(name);
        auto result = write_file_atomically(dir, name, "x", {.force = true});
        REQUIRE_FALSE(result.ok());
        CHECK(result.error().code == "fwplan.file.bad-name");
        CHECK(result.error().kind == ErrorKind::BadInput);
        CHECK_FALSE(check_file_name(name).ok());
        auto folder = create_subdirectory(dir, name);
        REQUIRE_FALSE(folder.ok());
        CHECK(folder.error().code == "fwplan.file.bad-name");
    }
    CHECK(listing(dir).empty());
    CHECK(listing(root) == std::set<std::string>{"out"});
    CHECK(check_file_name("SEP008041AEFD7E.cnf.xml").ok());
    CHECK(check_file_name("a..b").ok()); // only the name ".." itself climbs
    CHECK(check_file_name(std::string(255, 'a')).ok());
}

TEST_CASE("a write that fails half-way leaves no file and no temporary file") {
    const fs::path dir = fresh_dir("failure-new");
    const std::string big(256 * 1024, 'x');
    {
        FileSizeLimit limit(4096);
        auto result = write_file_atomically(dir, "SEP008041AEFD7E.cnf.xml", big);
        REQUIRE_FALSE(result.ok());
        CHECK(result.error().kind == ErrorKind::Io);
        CHECK(result.error().code == "fwplan.file.write");
    }
    CHECK(listing(dir).empty()); // neither a partial target nor a temporary file
}

TEST_CASE("a forced write that fails half-way keeps the old file and makes no backup") {
    const fs::path dir = fresh_dir("failure-replace");
    put(dir / "SIPDefault.cnf", "old\n");
    const std::string big(256 * 1024, 'y');
    {
        FileSizeLimit limit(4096);
        auto result = write_file_atomically(dir, "SIPDefault.cnf", big, {.force = true});
        REQUIRE_FALSE(result.ok());
        CHECK(result.error().kind == ErrorKind::Io);
    }
    CHECK(fwplan::test::read_file(dir / "SIPDefault.cnf") == "old\n");
    CHECK(listing(dir) == std::set<std::string>{"SIPDefault.cnf"});
    // And once the disk has room again, the same call completes.
    CHECK(written(write_file_atomically(dir, "SIPDefault.cnf", big, {.force = true})).outcome ==
          WriteOutcome::Replaced);
    CHECK(fwplan::test::read_file(dir / "SIPDefault.cnf") == big);
}

TEST_CASE("a missing output folder is an I/O error naming it") {
    const fs::path dir = fresh_dir("missing") / "not-there";
    auto result = write_file_atomically(dir, "OS79XX.TXT", "x");
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().kind == ErrorKind::Io);
    CHECK(result.error().code == "fwplan.file.open-dir");
    CHECK(result.error().file == dir.string());
}

TEST_CASE("create_subdirectory makes a folder once and refuses a file in the way") {
    const fs::path dir = fresh_dir("mkdir");
    auto made = create_subdirectory(dir, "step-1");
    REQUIRE(made.ok());
    CHECK(*made == dir / "step-1");
    CHECK(fs::is_directory(dir / "step-1"));
    CHECK(create_subdirectory(dir, "step-1").ok()); // existing folder: fine
    put(dir / "step-2", "file");
    auto blocked = create_subdirectory(dir, "step-2");
    REQUIRE_FALSE(blocked.ok());
    CHECK(blocked.error().code == "fwplan.file.not-directory");
    fs::create_directory_symlink(dir / "step-1", dir / "step-3");
    CHECK_FALSE(create_subdirectory(dir, "step-3").ok()); // a link to a folder is not one
}

TEST_CASE("a batch shows nothing until commit, then every file whole") {
    const fs::path dir = fresh_dir("batch");
    fs::create_directory(dir / "step-1");
    put(dir / "same.txt", "same\n");
    WriteBatch batch;
    // More files than a batch flushes one by one, so commit takes the syncfs path too.
    for (int i = 0; i < 40; ++i) {
        auto staged = batch.add(dir / "step-1", "SEP" + std::to_string(i) + ".cnf.xml",
                                "<device>" + std::to_string(i) + "</device>\n");
        REQUIRE(staged.ok());
        CHECK(*staged == WriteOutcome::Created);
    }
    auto same = batch.add(dir, "same.txt", "same\n");
    REQUIRE(same.ok());
    CHECK(*same == WriteOutcome::Unchanged);
    CHECK(batch.staged() == 40);
    // Staged files are hidden temporaries: no final name exists yet.
    for (const auto& entry : fs::directory_iterator(dir / "step-1"))
        CHECK(entry.path().filename().string().front() == '.');

    auto results = batch.commit();
    REQUIRE(results.ok());
    REQUIRE(results->size() == 41);
    CHECK((*results)[0].path == dir / "step-1" / "SEP0.cnf.xml");
    CHECK((*results)[0].outcome == WriteOutcome::Created);
    CHECK((*results)[40].outcome == WriteOutcome::Unchanged);
    CHECK(listing(dir / "step-1").size() == 40);
    CHECK(fwplan::test::read_file(dir / "step-1" / "SEP39.cnf.xml") == "<device>39</device>\n");
    CHECK(mode_of(dir / "step-1" / "SEP39.cnf.xml") == 0644U);
    for (const std::string& name : listing(dir / "step-1"))
        CHECK(name.front() != '.'); // no temporary file left
}

TEST_CASE("a conflict in a batch stages nothing for that file, abandon removes the rest") {
    const fs::path dir = fresh_dir("batch-conflict");
    put(dir / "SIPDefault.cnf", "old\n");
    {
        WriteBatch batch;
        REQUIRE(batch.add(dir, "SEP008041AEFD7E.cnf.xml", "<device/>\n").ok());
        auto clash = batch.add(dir, "SIPDefault.cnf", "new\n");
        REQUIRE_FALSE(clash.ok());
        CHECK(clash.error().kind == ErrorKind::Conflict);
        CHECK(clash.error().code == "fwplan.file.exists");
        CHECK(batch.staged() == 1);
        auto twice = batch.add(dir, "SEP008041AEFD7E.cnf.xml", "<device/>\n");
        REQUIRE_FALSE(twice.ok());
        CHECK(twice.error().code == "fwplan.file.staged-twice");
        CHECK(twice.error().kind == ErrorKind::Usage);
        batch.abandon();
        CHECK(listing(dir) == std::set<std::string>{"SIPDefault.cnf"});
    }
    {
        // Destroying a batch that was not committed abandons it as well.
        WriteBatch batch;
        REQUIRE(batch.add(dir, "OS79XX.TXT", "P003-8-12-00\r\n").ok());
    }
    CHECK(listing(dir) == std::set<std::string>{"SIPDefault.cnf"});
    CHECK(fwplan::test::read_file(dir / "SIPDefault.cnf") == "old\n");
}

TEST_CASE("a forced batch keeps backups of what it replaces") {
    const fs::path dir = fresh_dir("batch-force");
    put(dir / "SIPDefault.cnf", "old\n");
    WriteBatch batch({.force = true});
    auto staged = batch.add(dir, "SIPDefault.cnf", "new\n");
    REQUIRE(staged.ok());
    CHECK(*staged == WriteOutcome::Replaced);
    CHECK(fwplan::test::read_file(dir / "SIPDefault.cnf") == "old\n"); // not before commit
    auto results = batch.commit();
    REQUIRE(results.ok());
    CHECK(results->front().backup == dir / "SIPDefault.cnf.bak");
    CHECK(fwplan::test::read_file(dir / "SIPDefault.cnf") == "new\n");
    CHECK(fwplan::test::read_file(dir / "SIPDefault.cnf.bak") == "old\n");
}
