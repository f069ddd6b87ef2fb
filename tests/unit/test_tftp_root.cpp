// tftp_root.hpp: staging (plan, conflicts, transaction, undo, crash at every step) and the
// audit (every finding code), on roots built in temporary folders from testdata.
#include <fwplan/archive.hpp>
#include <fwplan/tftp_root.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace fwplan;
namespace fs = std::filesystem;

namespace {

const fs::path kTestdata = FWPLAN_TESTDATA_DIR;
const fs::path kPackages = kTestdata / "packages";
const fs::path kSccp852 = kPackages / "cmterm-7941_7961-sccp.8-5-2.zip";
const fs::path kSip942 = kPackages / "cmterm-7941_7961-sip.9-4-2SR3-1.zip";
const fs::path kSip831 = kPackages / "cmterm-7941_7961-sip.8-3-1.zip";
const fs::path kSccp831 = kPackages / "cmterm-7941_7961-sccp.8-3-1.zip";

struct Scratch {
    fs::path dir;
    Scratch() {
        static int counter = 0;
        dir = fs::path(FWPLAN_TEST_TMPDIR) /
              ("tftp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_file(const fs::path& path, std::string_view content) {
    std::ofstream(path, std::ios::binary) << content;
}

// Every file of the root a phone could ask for (hidden names left out), with its bytes.
std::map<std::string, std::string> visible(const fs::path& root) {
    std::map<std::string, std::string> out;
    for (const auto& entry : fs::directory_iterator(root)) {
        const std::string name = entry.path().filename().string();
        if (name.front() != '.')
            out[name] = read_file(entry.path());
    }
    return out;
}

std::set<std::string> everything(const fs::path& root) {
    std::set<std::string> out;
    for (const auto& entry : fs::recursive_directory_iterator(root))
        out.insert(fs::relative(entry.path(), root).string());
    return out;
}

// What a naive `unzip -j` does: every file of the package, flat, later ones overwriting.
void unpack_flat(const fs::path& package, const fs::path& dir) {
    auto archive = Archive::open(package);
    REQUIRE(archive.ok());
    for (const ArchiveEntry& entry : archive->entries())
        write_file(dir / entry.base_name, archive->read_all(entry).value());
}

std::map<std::string, std::string> package_files(const fs::path& package) {
    std::map<std::string, std::string> out;
    auto archive = Archive::open(package);
    REQUIRE(archive.ok());
    for (const ArchiveEntry& entry : archive->entries())
        out[entry.base_name] = archive->read_all(entry).value();
    return out;
}

StageReport stage_ok(const fs::path& root, const std::vector<fs::path>& packages,
                     const StageOptions& options = {}) {
    auto report = stage(root, packages, options);
    const std::string why = report ? std::string() : report.error().describe();
    INFO(why);
    REQUIRE(report.ok());
    return std::move(*report);
}

StageOptions factory_default(std::string_view load) {
    StageOptions options;
    options.factory_defaults.push_back(LoadId::parse(load).value());
    return options;
}

const StagedFile& file_named(const StageReport& report, std::string_view name) {
    auto it = std::find_if(report.files.begin(), report.files.end(),
                           [&](const StagedFile& f) { return f.name == name; });
    REQUIRE(it != report.files.end());
    return *it;
}

} // namespace

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
    const bool warned = std::any_of(r.notes.begin(), r.notes.end(), [](const std::string& n) {
        return n.find("AUTH FAIL") != std::string::npos && n.find("J-01") != std::string::npos &&
               n.find("SCCP41.8-5-2S") != std::string::npos;
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

TEST_CASE("a differing file in the root: a conflict unless --force; undo restores it") {
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

TEST_CASE("a stage killed at any step leaves whole files; the next run finishes it") {
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
// The audit

namespace {

CheckReport check_ok(const fs::path& root, const CheckOptions& options = {}) {
    auto report = check_root(root, options);
    const std::string why = report ? std::string() : report.error().describe();
    INFO(why);
    REQUIRE(report.ok());
    return std::move(*report);
}

const Finding* find(const CheckReport& r, std::string_view code, std::string_view path = {}) {
    for (const Finding& f : r.findings)
        if (f.code == "fwplan.check." + std::string(code) &&
            (path.empty() || f.path.rfind(path, 0) == 0))
            return &f;
    return nullptr;
}

std::string codes(const CheckReport& r) {
    std::string out;
    for (const Finding& f : r.findings)
        out += std::string(to_string(f.severity)) + " " + f.code + " " + f.path + ": " + f.message +
               "\n";
    return out;
}

} // namespace

TEST_CASE("audit: a root staged by fwplan has no errors") {
    Scratch s;
    stage_ok(s.dir, {kSccp852, kSip942}, factory_default("SIP41.9-4-2SR3-1S"));
    const CheckReport r = check_ok(s.dir);
    INFO(codes(r));
    CHECK_FALSE(r.has_errors());
    CHECK(r.count(Severity::Warning) == 0);
    const Finding* several = find(r, "term-several-loads", "term41.default.loads");
    REQUIRE(several != nullptr);
    CHECK(several->severity == Severity::Info);
    CHECK(r.loads == 4);
}

TEST_CASE("audit: a naive unzip of two packages: the term clash and what a reset phone gets") {
    Scratch s;
    unpack_flat(kSccp852, s.dir);
    unpack_flat(kSip942, s.dir);
    const CheckReport r = check_ok(s.dir);
    INFO(codes(r));
    const Finding* several = find(r, "term-several-loads", "term41.default.loads");
    REQUIRE(several != nullptr);
    CHECK(several->severity == Severity::Warning);
    CHECK(several->message.find("a factory-reset 7941 installs it") != std::string::npos);
    CHECK(several->message.find("SIP41.9-4-2SR3-1S") != std::string::npos);
    CHECK(several->message.find("SCCP41.8-5-2S") != std::string::npos);

    CheckOptions with_firmware;
    with_firmware.firmware = {kSccp852, kSip942};
    const CheckReport clash = check_ok(s.dir, with_firmware);
    const Finding* f = find(clash, "term-clash", "term41.default.loads");
    REQUIRE(f != nullptr);
    CHECK(f->severity == Severity::Error);
    CHECK(f->message.find("installs SIP41.9-4-2SR3-1S") != std::string::npos);
}

TEST_CASE("audit: manifests and term files") {
    Scratch s;
    unpack_flat(kSip942, s.dir);
    fs::remove(s.dir / "dsp41.9-4-2ES26.sbn"); // term + load incomplete
    unpack_flat(kSip831, s.dir);               // case mismatch
    fs::remove(s.dir / "term41.default.loads");
    fs::copy_file(kTestdata / "loose/term41.default.loads", // term for SIP41.8-5-4S
                  s.dir / "term41.default.loads");
    fs::copy_file(kTestdata / "loose/SIP42.9-4-2SR3-1S.loads", s.dir / "SIP42.9-4-2SR1-1S.loads");
    fs::copy_file(kTestdata / "broken/garbage.loads", s.dir / "SIP45.9-4-2SR4-3S.loads");
    write_file(s.dir / "stray41.9-4-2ES26.sbn", "x");
    write_file(s.dir / "Readme.txt", "a");
    write_file(s.dir / "README.txt", "b");
    const CheckReport r = check_ok(s.dir);
    INFO(codes(r));
    CHECK(find(r, "loads-missing-component", "SIP41.9-4-2SR3-1S.loads") != nullptr);
    CHECK(find(r, "loads-case-mismatch", "term61.default.loads") != nullptr);
    const Finding* mismatch = find(r, "loads-case-mismatch", "SIP41.8-3-1S.loads");
    REQUIRE(mismatch != nullptr);
    CHECK(mismatch->message.find("Jar41sip.8-3-0-50.sbn") != std::string::npos);
    CHECK(find(r, "loads-renamed", "SIP42.9-4-2SR1-1S.loads") != nullptr);
    CHECK(find(r, "loads-unparsable", "SIP45.9-4-2SR4-3S.loads") != nullptr);
    CHECK(find(r, "term-unknown-load", "term41.default.loads") != nullptr);
    CHECK(find(r, "term-incomplete", "term41.default.loads") != nullptr);
    CHECK(find(r, "orphan-component", "stray41.9-4-2ES26.sbn") != nullptr);
    CHECK(find(r, "orphan-component", "jar41sip.8-3-0-50.sbn") == nullptr); // named, other case
    const Finding* twins = find(r, "case-twins");
    REQUIRE(twins != nullptr);
    CHECK(twins->severity == Severity::Warning);
    CHECK(r.has_errors());
}

TEST_CASE("audit: configurations") {
    Scratch s;
    unpack_flat(kSccp831, s.dir);
    unpack_flat(kSip942, s.dir);
    write_file(s.dir / "SEP001122334455.cnf.xml",
               "<device><loadInformation>SIP41.9-4-2SR3-1S</loadInformation></device>");
    write_file(s.dir / "SEP0011223344AA.cnf.xml",
               "<device><loadInformation>SIP41.9-4-2SR3-1S</loadInformation></device>");
    write_file(s.dir / "SEP001122334466.cnf.xml", "<device><loadInformation>");
    write_file(s.dir / "SEP001122334477.cnf.xml",
               "<device><loadInformation>SIP41.9-4-2SR4-3S</loadInformation></device>");
    write_file(s.dir / "SEP001122334488.cnf.xml", "<phone/>");
    write_file(s.dir / "XMLDefault.cnf.xml",
               "<Default><loadInformation115 model=\"Cisco 7941\">SCCP41.8-3-1S"
               "</loadInformation115><loadInformation434>SIP41.9-4-2SR3-1S</loadInformation434>"
               "<loadInformation99999>SIP41.9-4-2SR3-1S</loadInformation99999>"
               "<loadInformation30006>term70.default</loadInformation30006></Default>");
    write_file(s.dir / "SIPDefault.cnf", "image_version: P0S3-8-12-00 ; comment\n");
    write_file(s.dir / "SIP001122334499.cnf", "# x\nimage_version: \"SIP41.9-4-2SR3-1S\"\n");

    CheckOptions options;
    options.inventory.push_back({MacAddress::parse("00:11:22:33:44:55").value(), "7941",
                                 LoadId::parse("SCCP41.8-3-1S").value()});
    options.inventory.push_back(
        {MacAddress::parse("00:11:22:33:44:aa").value(), "7942", std::nullopt});
    const CheckReport r = check_ok(s.dir, options);
    INFO(codes(r));
    const Finding* unreachable = find(r, "config-unreachable", "SEP001122334455.cnf.xml");
    REQUIRE(unreachable != nullptr);
    CHECK(unreachable->message.find("J-01") != std::string::npos);
    CHECK(unreachable->message.find("SCCP41.8-5-2S") != std::string::npos);
    CHECK(find(r, "config-wrong-model", "SEP0011223344AA.cnf.xml") != nullptr);
    CHECK(find(r, "config-unparsable", "SEP001122334466.cnf.xml") != nullptr);
    CHECK(find(r, "config-unparsable", "SEP001122334488.cnf.xml") != nullptr);
    CHECK(find(r, "config-unknown-load", "SEP001122334477.cnf.xml") != nullptr);
    CHECK(find(r, "config-wrong-model", "XMLDefault.cnf.xml: <loadInformation434>") != nullptr);
    CHECK(find(r, "config-unknown-model", "XMLDefault.cnf.xml: <loadInformation99999>") != nullptr);
    CHECK(find(r, "config-unknown-load", "XMLDefault.cnf.xml: <loadInformation30006>") != nullptr);
    CHECK(find(r, "config-unknown-load", "SIPDefault.cnf") != nullptr);
    CHECK(find(r, "config-wrong-model", "SIP001122334499.cnf") != nullptr);
    const Finding* term = find(r, "term-config-mismatch", "term41.default.loads");
    REQUIRE(term != nullptr);
    CHECK(term->message.find("SCCP41.8-3-1S") != std::string::npos);
    CHECK(term->message.find("installs SIP41.9-4-2SR3-1S") != std::string::npos);
    CHECK(r.configs == 8);
}

TEST_CASE("audit: files a TFTP server cannot serve, and leftovers of fwplan") {
    Scratch s;
    unpack_flat(kSip942, s.dir);
    fs::permissions(s.dir / "cnu41.9-4-2ES26.sbn", fs::perms::owner_read | fs::perms::owner_write);
    REQUIRE(::mkfifo((s.dir / "pipe.sbn").c_str(), 0644) == 0);
    fs::create_symlink("/etc/passwd", s.dir / "passwd.sbn");
    fs::create_symlink("nothing-here.sbn", s.dir / "dangling.sbn");
    fs::create_symlink("SIP41.9-4-2SR3-1S.loads", s.dir / "alias.loads");
    write_file(s.dir / "CON", "x");
    fs::create_directories(s.dir / ".fwplan-stage-20200101T000000.000000000Z-1-0");
    const CheckReport r = check_ok(s.dir);
    INFO(codes(r));
    CHECK(find(r, "file-unreadable", "cnu41.9-4-2ES26.sbn") != nullptr);
    CHECK(find(r, "file-not-regular", "pipe.sbn") != nullptr);
    CHECK(find(r, "link-outside", "passwd.sbn") != nullptr);
    CHECK(find(r, "link-broken", "dangling.sbn") != nullptr);
    CHECK(find(r, "loads-renamed", "alias.loads") != nullptr); // read through the link
    CHECK(find(r, "bad-name", "CON") != nullptr);
    CHECK(find(r, "stage-interrupted", ".fwplan-stage-") != nullptr);
}

TEST_CASE("audit: --firmware packages missing from the root or differing") {
    Scratch s;
    unpack_flat(kSip942, s.dir);
    fs::remove(s.dir / "cvm41sip.9-4-2ES26.sbn");
    write_file(s.dir / "apps41.9-4-2ES26.sbn", "another build");
    CheckOptions options;
    options.firmware = {kSip942};
    const CheckReport r = check_ok(s.dir, options);
    INFO(codes(r));
    const Finding* missing = find(r, "firmware-not-staged");
    REQUIRE(missing != nullptr);
    CHECK(missing->message.find("cvm41sip.9-4-2ES26.sbn") != std::string::npos);
    CHECK(find(r, "firmware-differs", "apps41.9-4-2ES26.sbn") != nullptr);
    CHECK(find(r, "term-clash") == nullptr);

    CheckOptions bad;
    bad.firmware = {kTestdata / "hostile/zip-slip.zip"};
    CHECK_FALSE(check_root(s.dir, bad).ok());
}
