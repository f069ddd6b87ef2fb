// stage.hpp: staging (plan, conflicts, transaction, undo, crash at every step), on roots built
// in temporary folders from testdata.
#include "hostile_fixtures.hpp"
#include "tftp_fixtures.hpp"

#include <fwplan/firmware.hpp>
#include <fwplan/stage.hpp>

#include <archive.h>
#include <archive_entry.h>
#include <doctest/doctest.h>
#include <zip.h>

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

using namespace fwplan;
using namespace fwplan::test;

TEST_CASE("staging into an empty root: every file, whole, mode 0644, nothing left behind") {
    Scratch s;
    ::umask(077); // the umask must not decide what the TFTP server can read
    const StageReport r = stage_ok(s.dir, {kSip942});
    ::umask(022);
    CHECK(r.conflicts.empty());
    CHECK(r.committed);
    CHECK_FALSE(r.stage_id.empty());
    CHECK(r.count(StageAction::Create) == 8);
    CHECK(visible(s.dir) == package_files(kSip942));
    for (const auto& file : visible(s.dir)) {
        const std::string name = file.first;
        struct stat st {};
        REQUIRE(::stat((s.dir / name).c_str(), &st) == 0);
        CHECK_MESSAGE((st.st_mode & 07777) == 0644, name);
    }
    for (const std::string& name : everything(s.dir))
        CHECK_MESSAGE(name.rfind(".fwplan-stage-", 0) != 0, name);
    CHECK(file_named(r, "term41.default.loads").term_for->str() == "SIP41.9-4-2SR3-1S");
}

TEST_CASE("components are written in the case the .loads asks for") {
    Scratch s;
    const StageReport r = stage_ok(s.dir, {kSip831});
    CHECK(fs::exists(s.dir / "Jar41sip.8-3-0-50.sbn"));
    CHECK_FALSE(fs::exists(s.dir / "jar41sip.8-3-0-50.sbn"));
    const StagedFile& jar = file_named(r, "Jar41sip.8-3-0-50.sbn");
    CHECK(jar.renamed_from == "jar41sip.8-3-0-50.sbn");
    CHECK(read_file(s.dir / "Jar41sip.8-3-0-50.sbn") ==
          package_files(kSip831).at("jar41sip.8-3-0-50.sbn"));
}

TEST_CASE("re-staging rewrites nothing: same inodes, same times") {
    Scratch s;
    stage_ok(s.dir, {kSip942});
    std::map<std::string, std::pair<ino_t, std::int64_t>> before;
    for (const auto& [name, bytes] : visible(s.dir)) {
        struct stat st {};
        REQUIRE(::stat((s.dir / name).c_str(), &st) == 0);
        before[name] = {st.st_ino, st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec};
    }
    const StageReport again = stage_ok(s.dir, {kSip942});
    CHECK_FALSE(again.committed);
    CHECK(again.count(StageAction::Skip) == 8);
    for (const auto& [name, id] : before) {
        struct stat st {};
        REQUIRE(::stat((s.dir / name).c_str(), &st) == 0);
        CHECK(st.st_ino == id.first);
        CHECK(st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec == id.second);
    }
    // A file changed behind fwplan's back (same size, new time) is read again, not trusted.
    std::string jar = read_file(s.dir / "jar41sip.9-4-2ES26.sbn");
    jar.back() = static_cast<char>(jar.back() ^ 1);
    write_file(s.dir / "jar41sip.9-4-2ES26.sbn", jar);
    const StageReport changed = stage_ok(s.dir, {kSip942});
    CHECK(file_named(changed, "jar41sip.9-4-2ES26.sbn").action == StageAction::Conflict);
}

TEST_CASE("identical term files from two packages are fine") {
    Scratch s;
    // The bundle holds the same cmterm zip: every file, term files included, is identical.
    const StageReport r =
        stage_ok(s.dir, {kSip942, kPackages / "bundle-7941_7961-sip.9-4-2SR3-1.zip"});
    CHECK(r.conflicts.empty());
    CHECK(r.count(StageAction::Create) == 8);
}

TEST_CASE("SCCP and SIP of one family: without --factory-default nothing is written") {
    Scratch s;
    const StageReport r = stage_ok(s.dir, {kSccp852, kSip942});
    REQUIRE(r.conflicts.size() == 2);
    CHECK(r.conflicts[0].name == "term41.default.loads");
    CHECK(r.conflicts[0].term_file);
    CHECK(r.conflicts[0].message.find("SCCP41.8-5-2S") != std::string::npos);
    CHECK(r.conflicts[0].message.find("SIP41.9-4-2SR3-1S") != std::string::npos);
    CHECK(r.conflicts[0].message.find("a reset 7941 installs the one you choose") !=
          std::string::npos);
    CHECK_FALSE(r.committed);
    CHECK(everything(s.dir).empty()); // not even a hidden folder
    const Error error = r.conflict_error();
    CHECK(error.kind == ErrorKind::Conflict);
    CHECK(error.hint.find("--factory-default") != std::string::npos);
}

TEST_CASE("with --factory-default the chosen load's term files win") {
    Scratch s;
    const StageReport r =
        stage_ok(s.dir, {kSccp852, kSip942}, factory_default("SIP41.9-4-2SR3-1S"));
    CHECK(r.conflicts.empty());
    const auto sip = package_files(kSip942);
    CHECK(read_file(s.dir / "term41.default.loads") == sip.at("term41.default.loads"));
    CHECK(read_file(s.dir / "term61.default.loads") == sip.at("term61.default.loads"));
    CHECK(fs::exists(s.dir / "SCCP41.8-5-2S.loads"));
    REQUIRE(r.term_files.size() == 2);
    CHECK(r.term_files[0].chosen->str() == "SIP41.9-4-2SR3-1S");
    CHECK(r.term_files[0].by_factory_default);
    CHECK(r.term_files[0].candidates.size() == 2);
}

TEST_CASE("an old factory default: the report says a reset phone needs a bridge (AUTH FAIL)") {
    Scratch s;
    const StageReport r = stage_ok(s.dir, {kSccp831, kSip942}, factory_default("SCCP41.8-3-1S"));
    const bool warned = std::any_of(r.notes.begin(), r.notes.end(), [](const Diagnostic& n) {
        return n.message.find("AUTH FAIL") != std::string::npos &&
               n.message.find("J-01") != std::string::npos &&
               n.message.find("SCCP41.8-5-2S") != std::string::npos;
    });
    CHECK(warned);
}

TEST_CASE("a factory default no competing term file stands for is refused") {
    Scratch s;
    auto r = stage(s.dir, {kSccp852, kSip942}, factory_default("SIP41.8-5-4S"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "fwplan.stage.factory-default");
    CHECK(r.error().kind == ErrorKind::Usage);
    CHECK(everything(s.dir).empty());
}

TEST_CASE("a differing file in the root: a conflict unless --force, undo restores it") {
    Scratch s;
    write_file(s.dir / "apps41.9-4-2ES26.sbn", "someone else's file");
    const StageReport refused = stage_ok(s.dir, {kSip942});
    REQUIRE(refused.conflicts.size() == 1);
    CHECK(refused.conflicts[0].hint.find("--force") != std::string::npos);
    CHECK(visible(s.dir).size() == 1);

    StageOptions force;
    force.force = true;
    const StageReport r = stage_ok(s.dir, {kSip942}, force);
    CHECK(file_named(r, "apps41.9-4-2ES26.sbn").action == StageAction::Replace);
    CHECK(visible(s.dir) == package_files(kSip942));

    auto undone = undo_last_stage(s.dir);
    REQUIRE(undone.ok());
    CHECK(undone->stage_id == r.stage_id);
    const auto after = visible(s.dir);
    REQUIRE(after.size() == 1);
    CHECK(after.at("apps41.9-4-2ES26.sbn") == "someone else's file");
    auto nothing = undo_last_stage(s.dir);
    REQUIRE_FALSE(nothing.ok());
    CHECK(nothing.error().code == "fwplan.stage.nothing-to-undo");
}

TEST_CASE("undo goes back one stage at a time and leaves files changed since alone") {
    Scratch s;
    stage_ok(s.dir, {kSip942});
    const auto first = visible(s.dir);
    stage_ok(s.dir, {kSccp852}, factory_default("SCCP41.8-5-2S"));
    CHECK(read_file(s.dir / "term41.default.loads") ==
          package_files(kSccp852).at("term41.default.loads"));
    write_file(s.dir / "SCCP41.8-5-2S.loads", "edited by hand");
    auto undone = undo_last_stage(s.dir);
    REQUIRE(undone.ok());
    auto kept = std::find_if(undone->files.begin(), undone->files.end(),
                             [](const UndoneFile& f) { return f.name == "SCCP41.8-5-2S.loads"; });
    REQUIRE(kept != undone->files.end());
    CHECK(kept->action == "kept");
    auto now = visible(s.dir);
    now.erase("SCCP41.8-5-2S.loads");
    CHECK(now == first); // the SIP term files are back
    REQUIRE(undo_last_stage(s.dir).ok());
    CHECK(visible(s.dir).size() == 1);
}

TEST_CASE("a dry run writes nothing at all") {
    Scratch s;
    write_file(s.dir / "readme.txt", "x");
    StageOptions dry = factory_default("SIP41.9-4-2SR3-1S");
    dry.dry_run = true;
    const auto before = everything(s.dir);
    const StageReport r = stage_ok(s.dir, {kSccp852, kSip942}, dry);
    CHECK(r.dry_run);
    CHECK_FALSE(r.committed);
    CHECK(r.count(StageAction::Create) == 14);
    CHECK(everything(s.dir) == before);
}

TEST_CASE("a hostile package is refused and nothing is written") {
    Scratch s;
    for (const char* hostile : {"zip-slip.zip", "symlink-entry.zip", "crc-mismatch.zip"}) {
        auto r = stage(s.dir, {kSip942, kTestdata / "hostile" / hostile});
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().kind == ErrorKind::BadInput);
        CHECK(everything(s.dir).empty());
    }
}

TEST_CASE("a stage killed at any step leaves whole files, the next run finishes it") {
    // The root starts as a naive unzip of the SCCP package; staging the SIP package with
    // --factory-default creates 6 files and replaces both term files.
    Scratch s;
    const fs::path initial = s.dir / "initial";
    fs::create_directories(initial);
    unpack_flat(kSccp852, initial);
    const auto old_files = visible(initial);
    auto new_files = old_files;
    for (const auto& [name, bytes] : package_files(kSip942))
        new_files[name] = bytes;
    const StageOptions options = factory_default("SIP41.9-4-2SR3-1S");

    // How many steps a whole stage reports.
    std::size_t steps = 0;
    {
        const fs::path root = s.dir / "count";
        fs::copy(initial, root);
        StageOptions counting = options;
        counting.on_step = [&](const StageStep&) { ++steps; };
        stage_ok(root, {kSip942}, counting);
        CHECK(visible(root) == new_files);
    }
    REQUIRE(steps >= 8 + 1 + 2 + 8 + 1 + 1 + 1);

    for (std::size_t kill_at = 0; kill_at < steps; ++kill_at) {
        CAPTURE(kill_at);
        const fs::path root = s.dir / ("k" + std::to_string(kill_at));
        fs::copy(initial, root);
        const pid_t child = ::fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            StageOptions dying = options;
            std::size_t seen = 0;
            dying.on_step = [&](const StageStep&) {
                if (seen++ == kill_at)
                    ::_exit(0); // killed: no destructor, no cleanup
            };
            (void)stage(root, {kSip942}, dying);
            ::_exit(1);
        }
        int status = 0;
        REQUIRE(::waitpid(child, &status, 0) == child);
        REQUIRE(WIFEXITED(status));
        REQUIRE(WEXITSTATUS(status) == 0);

        // Every name holds a whole file: the old one or the new one.
        const auto now = visible(root);
        for (const auto& file : old_files) {
            const std::string name = file.first;
            CHECK_MESSAGE(now.count(name) == 1, name);
        }
        for (const auto& file : now) {
            const std::string name = file.first;
            const std::string& bytes = file.second;
            const bool is_old = old_files.count(name) != 0 && old_files.at(name) == bytes;
            const bool is_new = new_files.count(name) != 0 && new_files.at(name) == bytes;
            CHECK_MESSAGE((is_old || is_new), name);
        }

        // Running it again completes the stage; undo then gives back the first root.
        const StageReport rerun = stage_ok(root, {kSip942}, options);
        CHECK(rerun.conflicts.empty());
        CHECK(visible(root) == new_files);
        for (const std::string& name : everything(root))
            CHECK_MESSAGE(name.rfind(".fwplan-stage-", 0) != 0, name);
        REQUIRE(undo_last_stage(root).ok());
        CHECK(visible(root) == old_files);
    }
}

// ---------------------------------------------------------------------------------------
// Hostile packages and faults (issue 14).

namespace {

// A zip of `files` (name -> bytes), deflated, in the given order.
void write_zip(const fs::path& path,
               const std::vector<std::pair<std::string, std::string>>& files) {
    int error = 0;
    zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    REQUIRE(zip != nullptr);
    for (const auto& [name, bytes] : files) {
        zip_source_t* source = zip_source_buffer(zip, bytes.data(), bytes.size(), 0);
        REQUIRE(source != nullptr);
        REQUIRE(zip_file_add(zip, name.c_str(), source, ZIP_FL_ENC_UTF_8) >= 0);
    }
    REQUIRE(zip_close(zip) == 0);
}

// The files of a package as (name, bytes), names as stored.
std::vector<std::pair<std::string, std::string>> zip_files(const fs::path& package) {
    std::vector<std::pair<std::string, std::string>> out;
    auto archive = Archive::open(package);
    REQUIRE(archive.ok());
    for (const ArchiveEntry& entry : archive->entries())
        out.emplace_back(entry.name, archive->read_all(entry).value());
    return out;
}

// A copy of the SIP package as a folder, to add hostile files to.
fs::path sip_folder(const fs::path& where) {
    fs::create_directories(where);
    unpack_flat(kSip942, where);
    return where;
}

bool has_note(const StageReport& r, std::string_view code, std::string_view text) {
    return std::any_of(r.notes.begin(), r.notes.end(), [&](const Diagnostic& n) {
        return n.code == code && n.message.find(text) != std::string::npos;
    });
}

// Every name fwplan keeps for itself, so a test can say nothing of it is left.
std::set<std::string> bookkeeping(const fs::path& root) {
    std::set<std::string> out;
    for (const auto& entry : fs::directory_iterator(root))
        if (entry.path().filename().string().rfind(".fwplan", 0) == 0)
            out.insert(entry.path().filename().string());
    return out;
}

} // namespace

// ---------------------------------------------------------------------------------------
// Issue 13, points 9-11: an incomplete package, the root's own term file, undo's records,
// a root the user may not write.

namespace {

// A package folder holding the SCCP 8.5(2) load without one of its components.
fs::path incomplete_package(const fs::path& where) {
    const fs::path dir = where / "cmterm-7941_7961-sccp.8-5-2-cut";
    fs::create_directories(dir);
    for (const auto& [name, bytes] : package_files(kSccp852))
        if (name != "dsp41.8-5-2TH1-9.sbn")
            write_file(dir / name, bytes);
    return dir;
}

} // namespace

TEST_CASE("a package file named journal is staged like any other file (issue 14.1)") {
    Scratch s;
    const fs::path pkg = sip_folder(s.dir / "pkg");
    write_file(pkg / "journal", "my own journal\n");
    write_file(pkg / "journal.undone", "mine too\n");
    write_file(pkg / "files", "and this\n");
    const fs::path root = s.dir / "root";
    fs::create_directories(root);
    write_file(root / "journal", "the root's journal\n");
    StageOptions force;
    force.force = true;
    const StageReport r = stage_ok(root, {pkg}, force);
    CHECK(file_named(r, "journal").action == StageAction::Replace);
    CHECK(file_named(r, "journal.undone").action == StageAction::Create);
    CHECK(read_file(root / "journal") == "my own journal\n");
    CHECK(read_file(root / "journal.undone") == "mine too\n");
    CHECK(read_file(root / "files") == "and this\n");

    // A rerun finds everything in place and commits nothing, not an empty stage.
    const StageReport again = stage_ok(root, {pkg});
    CHECK_FALSE(again.committed);
    CHECK(again.count(StageAction::Skip) == r.files.size());
    // Undo takes back the real stage: the root's own journal file is back.
    auto undone = undo_last_stage(root);
    REQUIRE(undone.ok());
    CHECK(undone->stage_id == r.stage_id);
    const auto after = visible(root);
    REQUIRE(after.size() == 1);
    CHECK(after.at("journal") == "the root's journal\n");
    CHECK(undo_last_stage(root).error().code == "fwplan.stage.nothing-to-undo");
}

TEST_CASE("hidden files and folders of a package never reach the root (issue 14.2)") {
    Scratch s;
    const fs::path pkg = sip_folder(s.dir / "pkg");
    fs::create_directories(pkg / ".git");
    fs::create_directories(pkg / ".ssh");
    write_file(pkg / ".git" / "config", "[remote] url = secret\n");
    write_file(pkg / ".ssh" / "id_rsa", "-----BEGIN OPENSSH PRIVATE KEY-----\n");
    write_file(pkg / ".netrc", "machine x password y\n");
    const fs::path zip = s.dir / "hidden.zip";
    auto files = zip_files(kSip942);
    files.emplace_back("P/.git/config", "[remote] url = secret\n");
    files.emplace_back(".ssh/id_rsa", "-----BEGIN OPENSSH PRIVATE KEY-----\n");
    write_zip(zip, files);

    for (const fs::path& package : {pkg, zip}) {
        CAPTURE(package);
        const fs::path root = s.dir / ("root-" + package.filename().string());
        fs::create_directories(root);
        const StageReport r = stage_ok(root, {package});
        CHECK(visible(root) == package_files(kSip942));
        CHECK_FALSE(fs::exists(root / "config"));
        CHECK_FALSE(fs::exists(root / "id_rsa"));
        CHECK(has_note(r, "fwplan.stage.left-out", ".ssh/"));
        CHECK(has_note(r, "fwplan.stage.left-out", "never put into the root"));
    }
}

TEST_CASE("fwplan's own state and backups are never read as firmware (issue 14.3)") {
    Scratch s;
    const fs::path root = s.dir / "root";
    fs::create_directories(root);
    stage_ok(root, {kSccp852});
    StageOptions options = factory_default("SIP41.9-4-2SR3-1S");
    options.force = true;
    stage_ok(root, {kSip942}, options);
    REQUIRE(fs::exists(root / ".fwplan-backup"));
    REQUIRE(fs::exists(root / ".fwplan-state"));

    auto archive = Archive::open(root);
    INFO((archive ? std::string() : archive.error().describe()));
    REQUIRE(archive.ok());
    for (const ArchiveEntry& e : archive->entries())
        CHECK_MESSAGE(e.name.rfind(".fwplan", 0) != 0, e.name);
    auto inspected = inspect_path(root);
    INFO((inspected ? std::string() : inspected.error().describe()));
    REQUIRE(inspected.ok());
    // The root as a package for another root: the same files, none of fwplan's own.
    const fs::path copy = s.dir / "copy";
    fs::create_directories(copy);
    stage_ok(copy, {root}, options);
    CHECK(visible(copy) == visible(root));
    CHECK(bookkeeping(copy) == std::set<std::string>{".fwplan-backup", ".fwplan-state"});
}

TEST_CASE("a root staged by an older fwplan (layout 1) is still read, finished and undone") {
    // Layout 1 kept a stage's files beside its journal, and no SHA-256; written here by hand
    // as that version wrote it.
    Scratch s;
    const fs::path root = s.dir;
    write_file(root / "old.txt", "the old file\n");
    write_file(root / "new.sbn", "created by the old stage\n");
    struct stat kept {};
    REQUIRE(::stat((root / "old.txt").c_str(), &kept) == 0);
    const std::string id = "20200101T000000.000000000Z-1-0";
    fs::create_directories(root / ".fwplan-backup" / id);
    REQUIRE(::link((root / "old.txt").c_str(),
                   (root / ".fwplan-backup" / id / "old.txt").c_str()) == 0);
    REQUIRE(::unlink((root / "old.txt").c_str()) == 0);
    write_file(root / "old.txt", "replaced by the old stage\n");
    struct stat created {};
    struct stat replaced {};
    REQUIRE(::stat((root / "new.sbn").c_str(), &created) == 0);
    REQUIRE(::stat((root / "old.txt").c_str(), &replaced) == 0);
    const std::string created_text = read_file(root / "new.sbn");
    const std::string replaced_text = read_file(root / "old.txt");
    auto line = [](const char* action, const std::string& name, const std::string& text,
                   const struct stat& now, ino_t old) {
        return std::string(action) + "\t" + name + "\t" + std::to_string(text.size()) + "\t" +
               std::to_string(crc32_of(text)) + "\t" + std::to_string(now.st_ino) + "\t" +
               std::to_string(old) + "\t\tpkg.zip\t" + name + "\n";
    };
    write_file(root / ".fwplan-backup" / id / "journal",
               "fwplan-journal 1\nid " + id + "\n" +
                   line("create", "new.sbn", created_text, created, 0) +
                   line("replace", "old.txt", replaced_text, replaced, kept.st_ino) + "end\n");
    write_file(
        root / ".fwplan-state",
        "fwplan-state 1\nnew.sbn\t" + std::to_string(created_text.size()) + "\t" +
            std::to_string(created.st_mtim.tv_sec * 1'000'000'000LL + created.st_mtim.tv_nsec) +
            "\t" +
            std::to_string(created.st_ctim.tv_sec * 1'000'000'000LL + created.st_ctim.tv_nsec) +
            "\t" + std::to_string(created.st_ino) + "\t" + std::to_string(crc32_of(created_text)) +
            "\t\n");

    // An interrupted stage of layout 1: its extracted file beside its journal.
    const std::string id2 = "20200102T000000.000000000Z-1-0";
    const fs::path stage_dir = root / (".fwplan-stage-" + id2);
    fs::create_directories(stage_dir);
    write_file(stage_dir / "late.sbn", "extracted, not yet renamed\n");
    struct stat late {};
    REQUIRE(::stat((stage_dir / "late.sbn").c_str(), &late) == 0);
    write_file(stage_dir / "journal",
               "fwplan-journal 1\nid " + id2 + "\n" +
                   line("create", "late.sbn", read_file(stage_dir / "late.sbn"), late, 0) +
                   "end\n");

    // A stage finishes the interrupted one, from its old journal.
    const StageReport r = stage_ok(root, {kSip942});
    CHECK(r.resumed_stage == id2);
    CHECK(read_file(root / "late.sbn") == "extracted, not yet renamed\n");
    CHECK(visible(root).count("SIP41.9-4-2SR3-1S.loads") == 1);
    // Undo goes back through all three: the new stage, the finished one, the old one.
    REQUIRE(undo_last_stage(root).ok());
    auto finished = undo_last_stage(root);
    REQUIRE(finished.ok());
    CHECK(finished->stage_id == id2);
    CHECK_FALSE(fs::exists(root / "late.sbn"));
    auto oldest = undo_last_stage(root);
    REQUIRE(oldest.ok());
    CHECK(oldest->stage_id == id);
    const auto now = visible(root);
    REQUIRE(now.size() == 1);
    CHECK(now.at("old.txt") == "the old file\n");
}

TEST_CASE("a commit that fails half-way is taken back, and undo takes back an interrupted stage "
          "without redoing it (issue 14.4)") {
    Scratch s;
    const fs::path initial = s.dir / "initial";
    fs::create_directories(initial);
    unpack_flat(kSccp852, initial);
    const auto old_files = visible(initial);
    const StageOptions options = factory_default("SIP41.9-4-2SR3-1S");
    const fs::path root = s.dir / "root";
    fs::copy(initial, root);
    // term61 is replaced after term41 (names in order): the commit fails on the second.
    if (!set_immutable(root / "term61.default.loads", true)) {
        MESSAGE("skipped: setting the immutable flag needs root on ext4");
        return;
    }
    auto failed = stage(root, {kSip942}, options);
    set_immutable(root / "term61.default.loads", false);
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.error().code == "fwplan.stage.rename");
    CHECK(failed.error().message.find("Operation not permitted") != std::string::npos);
    CHECK(failed.error().hint.find("nothing was changed") != std::string::npos);
    CHECK(visible(root) == old_files);
    // Nothing of the stage is left: no stage folder, no backup of it.
    CHECK(bookkeeping(root) == std::set<std::string>{".fwplan-backup"});
    CHECK(fs::is_empty(root / ".fwplan-backup"));

    // Killed once its journal is written; the file it would fail on is then made immutable.
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        StageOptions dying = options;
        dying.on_step = [](const StageStep& step) {
            if (step.what == "renamed")
                ::_exit(0); // one file is in place
        };
        (void)stage(root, {kSip942}, dying);
        ::_exit(1);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    REQUIRE(visible(root) != old_files);
    REQUIRE(set_immutable(root / "term61.default.loads", true));
    // A stage cannot finish it, so it takes it back and says why.
    auto again = stage(root, {kSip942}, options);
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().hint.find("taken back") != std::string::npos);
    CHECK(visible(root) == old_files);
    set_immutable(root / "term61.default.loads", false);

    // The same interruption again; this time undo, which takes it back without redoing it.
    const pid_t second = ::fork();
    REQUIRE(second >= 0);
    if (second == 0) {
        StageOptions dying = options;
        dying.on_step = [](const StageStep& step) {
            if (step.what == "renamed")
                ::_exit(0);
        };
        (void)stage(root, {kSip942}, dying);
        ::_exit(1);
    }
    REQUIRE(::waitpid(second, &status, 0) == second);
    REQUIRE(set_immutable(root / "term61.default.loads", true));
    auto undone = undo_last_stage(root);
    set_immutable(root / "term61.default.loads", false);
    INFO((undone ? std::string() : undone.error().describe()));
    REQUIRE(undone.ok());
    CHECK(visible(root) == old_files);
    for (const std::string& name : everything(root))
        CHECK_MESSAGE(name.rfind(".fwplan-stage-", 0) != 0, name);
    // And with nothing in the way the stage goes through.
    stage_ok(root, {kSip942}, options);
}

TEST_CASE("a zip re-packed on a Mac is staged, its __MACOSX metadata is left out (issue 14.5)") {
    Scratch s;
    const fs::path zip = s.dir / "mac.zip";
    auto files = zip_files(kSip942);
    std::vector<std::pair<std::string, std::string>> with_metadata;
    for (const auto& [name, bytes] : files) {
        with_metadata.emplace_back(name, bytes);
        // What Archive Utility adds: an AppleDouble file per file, and .DS_Store.
        with_metadata.emplace_back("__MACOSX/._" + name,
                                   std::string("\x00\x05\x16\x07", 4) + "\x00\x02Mac OS X        ");
    }
    with_metadata.emplace_back(".DS_Store", std::string("\x00\x00\x00\x01"
                                                        "Bud1",
                                                        8));
    write_zip(zip, with_metadata);
    const fs::path root = s.dir / "root";
    fs::create_directories(root);
    const StageReport r = stage_ok(root, {zip});
    CHECK(visible(root) == package_files(kSip942));
    CHECK(has_note(r, "fwplan.stage.left-out", "__MACOSX/._"));
    CHECK(has_note(r, "fwplan.stage.left-out", "more"));
}

TEST_CASE("a zip without firmware is not staged (issue 14.16)") {
    Scratch s;
    const fs::path zip = s.dir / "photos.zip";
    write_zip(zip, {{"holiday.jpg", "not firmware"}, {"notes.txt", "hello"}});
    const fs::path root = s.dir / "root";
    fs::create_directories(root);
    for (bool dry : {true, false}) {
        StageOptions options;
        options.dry_run = dry;
        auto r = stage(root, {zip}, options);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == "fwplan.stage.no-firmware");
        CHECK(r.error().kind == ErrorKind::BadInput);
        CHECK(r.error().message.find("'holiday.jpg'") != std::string::npos);
        CHECK(everything(root).empty());
    }
    // One firmware file is enough, loose or zipped.
    stage_ok(root, {kTestdata / "loose" / "apps41.8-5-4TH1-6.sbn"});
}

TEST_CASE("a full disk while writing the journal or the state is named as such (issue 14.7)") {
    Scratch s;
    const fs::path root = s.dir / "disk";
    SmallDisk disk(root, "1m");
    if (!disk.mounted()) {
        MESSAGE("skipped: mounting a tmpfs needs root");
        return;
    }
    for (std::string_view moment : {"prepared", "state"}) {
        CAPTURE(moment);
        // The disk fills up right before the journal (after the last extraction) or the state
        // (after the commit) is written.
        StageOptions options;
        std::size_t extracted = 0;
        options.on_step = [&](const StageStep& step) {
            if (moment == "prepared" && step.what == "extracted" && ++extracted == 8)
                disk.fill();
            if (moment == "state" && step.what == "committed")
                disk.fill();
        };
        auto r = stage(root, {kSip942}, options);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().kind == ErrorKind::Io);
        CHECK(r.error().message.find("No space left on device") != std::string::npos);
        CHECK(r.error().message.find("Input/output error") == std::string::npos);
        CHECK(r.error().hint.find("is full") != std::string::npos);
        CHECK(r.error().file.rfind(root.string(), 0) == 0);
        disk.unfill();
        if (moment == "prepared") {
            CHECK(visible(root).empty()); // nothing reached the root, nothing is left
            CHECK(bookkeeping(root).empty());
        } else {
            CHECK(visible(root) == package_files(kSip942)); // committed: the files are in place
            REQUIRE(undo_last_stage(root).ok());
            CHECK(visible(root).empty());
        }
    }
}

TEST_CASE("a root file forged to the package's size and CRC-32 is not 'unchanged' (issue 14.11)") {
    Scratch s;
    const std::string real = package_files(kSip942).at("jar41sip.9-4-2ES26.sbn");
    std::string trojan = real;
    trojan.replace(trojan.size() / 2, 6, "TROJAN");
    trojan = forge_crc32(trojan, crc32_of(real));
    REQUIRE(trojan.size() == real.size());
    REQUIRE(crc32_of(trojan) == crc32_of(real));
    REQUIRE(trojan != real);
    write_file(s.dir / "jar41sip.9-4-2ES26.sbn", trojan);

    const StageReport r = stage_ok(s.dir, {kSip942});
    const StagedFile& jar = file_named(r, "jar41sip.9-4-2ES26.sbn");
    CHECK(jar.action == StageAction::Conflict);
    CHECK(jar.reason.find("SHA-256") != std::string::npos);
    StageOptions force;
    force.force = true;
    stage_ok(s.dir, {kSip942}, force);
    CHECK(read_file(s.dir / "jar41sip.9-4-2ES26.sbn") == real);

    // The index keeps each file's SHA-256, so re-staging reads no root file: a record whose
    // SHA-256 no longer matches the package is believed (and the file reported as changed).
    const std::string state = read_file(s.dir / ".fwplan-state");
    REQUIRE(state.rfind("fwplan-state 2\n", 0) == 0);
    const std::size_t at = state.find("jar41sip.9-4-2ES26.sbn\t");
    REQUIRE(at != std::string::npos);
    std::string line = state.substr(at, state.find('\n', at) - at);
    std::vector<std::string> fields;
    for (std::size_t start = 0;;) {
        const std::size_t tab = line.find('\t', start);
        fields.push_back(line.substr(start, tab - start));
        if (tab == std::string::npos)
            break;
        start = tab + 1;
    }
    REQUIRE(fields.size() == 8);
    REQUIRE(fields[6].size() == 64);
    CHECK(stage_ok(s.dir, {kSip942}).count(StageAction::Skip) == 8);
    std::string forged_state = state;
    forged_state.replace(at + line.rfind(fields[6]), 64, std::string(64, 'a'));
    write_file(s.dir / ".fwplan-state", forged_state);
    CHECK(file_named(stage_ok(s.dir, {kSip942}), "jar41sip.9-4-2ES26.sbn").action ==
          StageAction::Conflict);
}

TEST_CASE("a root file of another size is never read to compare it (issue 14.12)") {
    Scratch s;
    // 64 GiB of sparse file where the package has a 100 KB one: a stat tells them apart.
    const fs::path big = s.dir / "jar41sip.9-4-2ES26.sbn";
    write_file(big, "");
    fs::resize_file(big, 64ull << 30);
    StageOptions dry;
    dry.dry_run = true;
    dry.force = true;
    const std::uint64_t before = bytes_read_so_far();
    const StageReport r = stage_ok(s.dir, {kSip942}, dry);
    const std::uint64_t read = bytes_read_so_far() - before;
    CHECK(file_named(r, "jar41sip.9-4-2ES26.sbn").action == StageAction::Replace);
    CHECK(read < (64u << 20));
}

TEST_CASE("a tar is read in one pass, whatever the order of its names (issue 14.10)") {
    // Stored in reverse name order: reading in name order would walk it once per entry.
    Scratch s;
    const fs::path tar = s.dir / "many.tar";
    {
        archive* a = archive_write_new();
        REQUIRE(archive_write_set_format_pax_restricted(a) == ARCHIVE_OK);
        REQUIRE(archive_write_open_filename(a, tar.c_str()) == ARCHIVE_OK);
        auto add = [&](const std::string& name, const std::string& data) {
            archive_entry* entry = archive_entry_new();
            archive_entry_set_pathname(entry, name.c_str());
            archive_entry_set_filetype(entry, AE_IFREG);
            archive_entry_set_perm(entry, 0644);
            archive_entry_set_size(entry, static_cast<la_int64_t>(data.size()));
            REQUIRE(archive_write_header(a, entry) == ARCHIVE_OK);
            REQUIRE(archive_write_data(a, data.data(), data.size()) ==
                    static_cast<la_ssize_t>(data.size()));
            archive_entry_free(entry);
        };
        for (int i = 400; i-- > 0;)
            add("f" + std::to_string(1000 + i) + ".sbn", std::string(1000, static_cast<char>(i)));
        add("SIP41.8-5-4S.loads", read_file(kTestdata / "loose" / "SIP41.8-5-4S.loads"));
        REQUIRE(archive_write_close(a) == ARCHIVE_OK);
        archive_write_free(a);
    }
    const std::uint64_t size = fs::file_size(tar);
    fs::create_directories(s.dir / "root");
    // The .loads names components the tar lacks: what is tested here is reading, not that.
    StageOptions dry;
    dry.dry_run = true;
    dry.allow_incomplete = true;
    StageOptions real;
    real.allow_incomplete = true;
    std::uint64_t before = bytes_read_so_far();
    CHECK(stage_ok(s.dir / "root", {tar}, dry).count(StageAction::Create) == 401);
    CHECK(bytes_read_so_far() - before < 6 * size);
    before = bytes_read_so_far();
    stage_ok(s.dir / "root", {tar}, real);
    CHECK(bytes_read_so_far() - before < 6 * size);
    // Re-staging compares every file: the tar's side is read in one pass too.
    fs::remove(s.dir / "root" / ".fwplan-state");
    before = bytes_read_so_far();
    CHECK(stage_ok(s.dir / "root", {tar}, real).count(StageAction::Skip) == 401);
    CHECK(bytes_read_so_far() - before < 8 * size);
}

TEST_CASE("names that are one name in another Unicode form are twins, like case twins "
          "(issue 14.14)") {
    Scratch s;
    const fs::path nfc = s.dir / "nfc";
    const fs::path nfd = s.dir / "nfd";
    const fs::path root = s.dir / "root";
    fs::create_directories(root);
    // "café.sbn" precomposed (U+00E9) and decomposed (e, U+0301), with other content.
    sip_folder(nfc);
    write_file(nfc / "caf\xC3\xA9.sbn", "one");
    fs::create_directories(nfd);
    write_file(nfd / "cafe\xCC\x81.sbn", "two");
    write_file(nfd / "SIP41.8-5-4S.loads", read_file(kTestdata / "loose" / "SIP41.8-5-4S.loads"));
    StageOptions options; // nfd's .loads lacks its components: not what is tested here
    options.allow_incomplete = true;
    const StageReport r = stage_ok(root, {nfc, nfd}, options);
    REQUIRE_FALSE(r.conflicts.empty());
    CHECK(r.conflicts[0].message.find("Unicode form") != std::string::npos);
    CHECK(everything(root).empty());
    // The same against a twin already in the root.
    stage_ok(root, {nfc});
    const StageReport again = stage_ok(root, {nfd}, options);
    CHECK(file_named(again, "cafe\xCC\x81.sbn").action == StageAction::Conflict);
}

TEST_CASE("a package that lacks a component is refused unless --allow-incomplete") {
    Scratch s;
    Scratch packages;
    const fs::path cut = incomplete_package(packages.dir);
    for (bool dry_run : {false, true}) {
        StageOptions options;
        options.dry_run = dry_run;
        auto refused = stage(s.dir, {cut}, options);
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().code == "fwplan.stage.incomplete");
        CHECK(exit_code_for(refused.error().kind) == 1);
        CHECK(refused.error().message.find("dsp41.8-5-2TH1-9.sbn") != std::string::npos);
        CHECK(refused.error().hint.find("--allow-incomplete") != std::string::npos);
        CHECK(everything(s.dir).empty()); // nothing written, not even hidden folders
    }
    StageOptions anyway;
    anyway.allow_incomplete = true;
    const StageReport r = stage_ok(s.dir, {cut}, anyway);
    CHECK(r.committed);
    CHECK(fs::exists(s.dir / "SCCP41.8-5-2S.loads"));
    CHECK_FALSE(fs::exists(s.dir / "dsp41.8-5-2TH1-9.sbn"));
}

TEST_CASE("restaging names the load the root's term file stood for, as the audit does") {
    Scratch s;
    stage_ok(s.dir, {kSccp852, kSip942}, factory_default("SIP41.9-4-2SR3-1S"));
    const StageReport r = stage_ok(s.dir, {kSccp852, kSip942}, factory_default("SCCP41.8-5-2S"));
    const StagedFile& term = file_named(r, "term41.default.loads");
    CHECK(term.action == StageAction::Replace);
    CHECK(term.reason.find("stood for SIP41.9-4-2SR3-1S") != std::string::npos);
    CHECK(term.reason.find("unknown load") == std::string::npos);
}

TEST_CASE("undo keeps the record of a deliberate factory default, and leaves nothing behind") {
    Scratch s;
    stage_ok(s.dir, {kSccp852, kSip942}, factory_default("SIP41.9-4-2SR3-1S"));
    const std::string state_after_first = read_file(s.dir / ".fwplan-state");
    CHECK(state_after_first.find("SIP41.9-4-2SR3-1S") != std::string::npos);
    stage_ok(s.dir, {kSccp852, kSip942}, factory_default("SCCP41.8-5-2S"));
    REQUIRE(undo_last_stage(s.dir).ok());
    // The restored term files are again the ones --factory-default SIP41... chose.
    const std::string state = read_file(s.dir / ".fwplan-state");
    for (const char* term : {"term41.default.loads", "term61.default.loads"}) {
        CAPTURE(term);
        const std::size_t at = state.find(term);
        REQUIRE(at != std::string::npos);
        const std::string line = state.substr(at, state.find('\n', at) - at);
        CHECK(line.find("SIP41.9-4-2SR3-1S") != std::string::npos);
    }
    // Undoing the first stage too: the root is as empty as it was.
    REQUIRE(undo_last_stage(s.dir).ok());
    CHECK(everything(s.dir).empty());
    auto nothing = undo_last_stage(s.dir);
    REQUIRE_FALSE(nothing.ok());
    CHECK(nothing.error().code == "fwplan.stage.nothing-to-undo");
}

TEST_CASE("a root the user may not write is named, with how to get the right") {
    Scratch s;
    ::chmod(s.dir.c_str(), 0755);
    // Run as someone who may not write there: as root, drop to nobody in a child process.
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0))
            ::_exit(10);
        if (::geteuid() != 0)
            ::chmod(s.dir.c_str(), 0555); // our own root, made read-only for ourselves
        auto r = stage(s.dir, {kSip942});
        if (r.ok())
            ::_exit(11);
        const Error& e = r.error();
        const bool named = e.code == "fwplan.stage.root-not-writable" && e.file == s.dir.string() &&
                           e.message.find("not writable") != std::string::npos &&
                           e.hint.find("sudo") != std::string::npos &&
                           e.message.find(".fwplan") == std::string::npos;
        auto undo = undo_last_stage(s.dir);
        const bool undo_named = !undo.ok() && undo.error().code == "fwplan.stage.root-not-writable";
        ::_exit(named && undo_named ? 0 : 12);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    ::chmod(s.dir.c_str(), 0755);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(everything(s.dir).empty());
}

TEST_CASE("a term-file conflict advises the load a phone on its factory load can take") {
    // Issue 13, point 4: the bridge, whatever order the packages come in.
    Scratch s;
    for (const std::vector<fs::path>& order :
         {std::vector<fs::path>{kSccp852, kSip942}, std::vector<fs::path>{kSip942, kSccp852}}) {
        const StageReport r = stage_ok(s.dir, order);
        REQUIRE_FALSE(r.conflicts.empty());
        const StageConflict& term = r.conflicts.front();
        CHECK(term.hint.find("--factory-default SCCP41.8-5-2S") != std::string::npos);
        CHECK(term.message.find("A phone on its factory load can take SCCP41.8-5-2S in one "
                                "step, not SIP41.9-4-2SR3-1S") != std::string::npos);
        CHECK(everything(s.dir).empty());
    }
}
