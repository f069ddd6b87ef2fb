// stage.hpp: staging (plan, conflicts, transaction, undo, crash at every step), on roots built
// in temporary folders from testdata.
#include "tftp_fixtures.hpp"

#include <fwplan/stage.hpp>

#include <doctest/doctest.h>

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
