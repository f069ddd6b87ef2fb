// firmware.hpp: what a package holds as a phone sees it, on the generated testdata.
#include <fwplan/firmware.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

using namespace fwplan;
namespace fs = std::filesystem;

namespace {

const fs::path kTestdata = FWPLAN_TESTDATA_DIR;

FirmwarePackage inspect_ok(const fs::path& path) {
    auto package = inspect_package(path);
    const std::string why = package ? std::string() : package.error().describe();
    INFO(why);
    REQUIRE(package.ok());
    return std::move(*package);
}

// A scratch folder for one test case, removed afterwards.
struct Scratch {
    fs::path dir;
    Scratch() {
        dir = fs::path(FWPLAN_TEST_TMPDIR) /
              ("firmware-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    ~Scratch() { fs::remove_all(dir); }
    static int& counter() {
        static int n = 0;
        return n;
    }
};

} // namespace

TEST_CASE("a complete cmterm zip: one load, its components, two term files standing for it") {
    const FirmwarePackage p =
        inspect_ok(kTestdata / "packages/cmterm-7941_7961-sip.9-4-2SR3-1.zip");
    CHECK(p.kind == ArchiveKind::Zip);
    CHECK(p.errors.empty());
    REQUIRE(p.loads.size() == 1);
    const PackageLoad& load = p.loads[0];
    CHECK(load.manifest.load->str() == "SIP41.9-4-2SR3-1S");
    CHECK(load.complete());
    CHECK(load.present.size() == 5);
    REQUIRE(p.term_files.size() == 2);
    CHECK(p.term_files[0].entry == "term41.default.loads");
    CHECK(p.term_files[0].manifest.term_model->number == "7941");
    REQUIRE(p.term_files[0].stands_for);
    CHECK(p.term_files[0].stands_for->str() == "SIP41.9-4-2SR3-1S");
    CHECK(p.unreferenced.empty());
    const auto components =
        std::count_if(p.files.begin(), p.files.end(), [](const InspectedFile& f) {
            return f.kind == FileKind::Component && f.listed_by &&
                   f.listed_by->str() == "SIP41.9-4-2SR3-1S";
        });
    CHECK(components == 5);

    const auto available = p.available_loads();
    REQUIRE(available.size() == 1);
    CHECK(available[0].files.front() == "SIP41.9-4-2SR3-1S.loads");
    CHECK(available[0].files.size() == 6);
    CHECK(available[0].build == "9-4-2ES26");
    CHECK(available[0].missing.empty());
}

TEST_CASE("a .loads asking for a name the package has only in another case") {
    const FirmwarePackage p = inspect_ok(kTestdata / "packages/cmterm-7941_7961-sip.8-3-1.zip");
    REQUIRE(p.loads.size() == 1);
    const PackageLoad& load = p.loads[0];
    CHECK_FALSE(load.complete());
    CHECK(load.missing.empty());
    REQUIRE(load.case_mismatches.size() == 1);
    CHECK(load.case_mismatches[0].listed == "Jar41sip.8-3-0-50.sbn");
    CHECK(load.case_mismatches[0].present == "jar41sip.8-3-0-50.sbn");
    const auto available = p.available_loads();
    REQUIRE(available[0].missing.size() == 1);
    CHECK(available[0].missing[0].find("case-sensitive") != std::string::npos);
}

TEST_CASE("a folder missing a component, with a stray file and a broken .loads") {
    Scratch scratch;
    const fs::path root = scratch.dir / "tftp";
    fs::create_directories(root);
    for (const char* name : {"SIP41.8-5-4S.loads", "term41.default.loads", "apps41.8-5-4TH1-6.sbn",
                             "cvm41sip.8-5-4TH1-6.sbn"})
        fs::copy_file(kTestdata / "loose" / name, root / name);
    fs::copy_file(kTestdata / "broken/header-length-exceeds-file.loads",
                  root / "SIP42.8-5-4S.loads");
    std::ofstream(root / "readme.txt") << "not firmware\n";

    const FirmwarePackage p = inspect_ok(root);
    CHECK(p.kind == ArchiveKind::Folder);
    REQUIRE(p.loads.size() == 1);
    CHECK(p.loads[0].missing == std::vector<std::string>{"jar41sip.8-5-4TH1-6.sbn",
                                                         "cnu41.8-5-4TH1-6.sbn",
                                                         "dsp41.8-5-4TH1-6.sbn"});
    REQUIRE(p.errors.size() == 1); // the broken .loads is reported, the rest still classified
    CHECK(p.errors[0].entry == "SIP42.8-5-4S.loads");
    CHECK(p.errors[0].file == root.string());
    CHECK(p.errors[0].describe().find("larger than the file") != std::string::npos);
    REQUIRE(p.term_files.size() == 1);
    CHECK(p.term_files[0].stands_for->str() == "SIP41.8-5-4S");
    const auto other = std::find_if(p.files.begin(), p.files.end(),
                                    [](const InspectedFile& f) { return f.entry == "readme.txt"; });
    REQUIRE(other != p.files.end());
    CHECK(other->kind == FileKind::Other);
}

TEST_CASE("7940/7960 packages: loader, image, OS79XX.TXT with its trailing space") {
    const FirmwarePackage p = inspect_ok(kTestdata / "packages/P0S3-8-12-00.zip");
    REQUIRE(p.loads.size() == 1);
    CHECK(p.loads[0].manifest.load->str() == "P0S3-8-12-00");
    CHECK(p.loads[0].complete());
    const auto boot = std::find_if(p.files.begin(), p.files.end(), [](const InspectedFile& f) {
        return f.kind == FileKind::BootPointer;
    });
    REQUIRE(boot != p.files.end());
    CHECK(boot->image_name == "P003-8-12-00");
    CHECK_FALSE(boot->problems.empty());
    const auto image = std::find_if(p.files.begin(), p.files.end(), [](const InspectedFile& f) {
        return f.kind == FileKind::Image;
    });
    REQUIRE(image != p.files.end());
    CHECK(image->image_name == "P003-8-12-00");
}

TEST_CASE("a renamed component is reported: its signed name differs from its file name") {
    Scratch scratch;
    fs::copy_file(kTestdata / "loose/apps41.8-5-4TH1-6.sbn", scratch.dir / "apps41.9-4-2ES26.sbn");
    const FirmwarePackage p = inspect_ok(scratch.dir / "apps41.9-4-2ES26.sbn");
    REQUIRE(p.files.size() == 1);
    REQUIRE(p.files[0].problems.size() == 1);
    CHECK(p.files[0].problems[0].message.find("signed as 'apps41.8-5-4TH1-6.sbn'") !=
          std::string::npos);
    CHECK(p.files[0].problems[0].code == "fwplan.inspect.renamed");
}

TEST_CASE("inspect_path: a downloads folder is a set of packages, hostile ones stop it") {
    auto found = inspect_path(kTestdata / "packages");
    REQUIRE(found.ok());
    CHECK(found->size() == 37);
    CHECK(std::all_of(found->begin(), found->end(),
                      [](const FirmwarePackage& p) { return p.kind != ArchiveKind::Folder; }));
    const auto loads = available_loads(*found);
    CHECK(std::any_of(loads.begin(), loads.end(),
                      [](const AvailableLoad& l) { return l.id.str() == "P0S3-06-3-00"; }));

    auto hostile = inspect_path(kTestdata / "hostile");
    REQUIRE_FALSE(hostile.ok());
    CHECK(hostile.error().file.find("hostile/") != std::string::npos);
}

TEST_CASE("term files resolve across packages") {
    std::vector<FirmwarePackage> packages;
    packages.push_back(inspect_ok(kTestdata / "loose/term41.default.loads"));
    packages.push_back(inspect_ok(kTestdata / "loose/SIP41.8-5-4S.loads"));
    CHECK_FALSE(packages[0].term_files.at(0).stands_for);
    resolve_term_files(packages);
    REQUIRE(packages[0].term_files.at(0).stands_for);
    CHECK(packages[0].term_files[0].stands_for->str() == "SIP41.8-5-4S");
}
