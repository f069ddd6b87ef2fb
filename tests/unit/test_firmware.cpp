// firmware.hpp: what a package holds as a phone sees it, on the generated testdata.
#include <fwplan/firmware.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
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

TEST_CASE("inspect_path: a downloads folder is a set of packages, read package by package") {
    auto found = inspect_path(kTestdata / "packages");
    REQUIRE(found.ok());
    CHECK(found->size() == 37);
    CHECK(std::all_of(found->begin(), found->end(),
                      [](const FirmwarePackage& p) { return p.kind != ArchiveKind::Folder; }));
    const auto loads = available_loads(*found);
    CHECK(std::any_of(loads.begin(), loads.end(),
                      [](const AvailableLoad& l) { return l.id.str() == "P0S3-06-3-00"; }));

    // Every hostile zip is refused, each on its own: none hides another (issue 12).
    auto hostile = inspect_path(kTestdata / "hostile");
    REQUIRE(hostile.ok());
    CHECK(hostile->size() == 13);
    std::size_t unreadable = 0;
    for (const FirmwarePackage& p : *hostile) {
        CAPTURE(p.path.string());
        // Refused when opened, or (CRC, a lying size) when read: either way an error.
        REQUIRE_FALSE(p.errors.empty());
        if (p.unreadable) {
            ++unreadable;
            CHECK(p.errors.size() == 1);
            CHECK(p.errors[0].file == p.path.string());
            CHECK(p.files.empty());
        }
    }
    CHECK(unreadable >= 10);
    // A single package that cannot be opened still fails the call.
    CHECK_FALSE(inspect_path(kTestdata / "hostile/truncated.zip").ok());
}

TEST_CASE("a truncated download no longer hides the good zips beside it") {
    auto found = inspect_path(kTestdata / "downloads");
    REQUIRE(found.ok());
    REQUIRE(found->size() == 4);
    std::map<std::string, const FirmwarePackage*> by_name;
    for (const FirmwarePackage& p : *found)
        by_name[p.path.filename().string()] = &p;
    const FirmwarePackage& cut = *by_name.at("cmterm-7975-sccp.9-4-2SR4-3.zip");
    CHECK(cut.unreadable);
    REQUIRE(cut.errors.size() == 1);
    CHECK(cut.errors[0].code == "fwplan.archive.not-a-zip");
    const FirmwarePackage& good = *by_name.at("cmterm-7941_7961-sip.9-4-2SR3-1.zip");
    CHECK_FALSE(good.unreadable);
    REQUIRE(good.loads.size() == 1);
    CHECK(good.loads[0].manifest.load->str() == "SIP41.9-4-2SR3-1S");
    const FirmwarePackage& cipc = *by_name.at("cipc-locale-de_DE.zip");
    CHECK(cipc.not_firmware.find("IP Communicator") != std::string::npos);
    CHECK(cipc.errors.empty());
    CHECK(cipc.loads.empty());
    const auto loads = available_loads(*found);
    CHECK(loads.size() == 2); // SIP41.9-4-2SR3-1S and P0S3-8-12-00
}

TEST_CASE("8961 .sebn images with their encryption block are read (issue 12)") {
    const FirmwarePackage p = inspect_ok(kTestdata / "real-shapes/cmterm-8961.9-4-1-9_REL.zip");
    CHECK(p.errors.empty());
    REQUIRE(p.loads.size() == 1);
    CHECK(p.loads[0].manifest.load->str() == "sip8961.9-4-1-9");
    CHECK(p.loads[0].complete());
    std::size_t encrypted = 0;
    for (const InspectedFile& f : p.files)
        if (f.entry.ends_with(".sebn")) {
            CAPTURE(f.entry);
            CHECK(f.kind == FileKind::Component);
            CHECK(f.envelope.kind == EnvelopeKind::Tlv);
            CHECK(f.envelope.signed_name == f.entry);
            CHECK(f.envelope.timestamp.has_value());
            CHECK(f.problems.empty());
            encrypted += f.envelope.encrypted ? 1 : 0;
        }
    CHECK(encrypted == 5);
}

TEST_CASE("LE envelopes of 88xx MPP and 78xx 12.8 files (issue 12)") {
    const FirmwarePackage mpp =
        inspect_ok(kTestdata / "real-shapes/sip88xx.12-0-7MPP0201-66.loads");
    CHECK(mpp.errors.empty());
    REQUIRE(mpp.loads.size() == 1);
    CHECK(mpp.loads[0].manifest.envelope.le_word_08 == 4);
    CHECK(mpp.loads[0].manifest.kind == ManifestKind::Ini78xx);
    const FirmwarePackage kern = inspect_ok(kTestdata / "real-shapes/kern78xx.12-8-1-0001-455.sbn");
    CHECK(kern.errors.empty());
    REQUIRE(kern.files.size() == 1);
    CHECK(kern.files[0].envelope.signed_name == "kern78xx.12-8-1-0001-455.sbn");
    CHECK(kern.files[0].problems.empty());
}

TEST_CASE("a .loads of a family fwplan does not know is read, its name a warning") {
    const FirmwarePackage p = inspect_ok(kTestdata / "real-shapes/sip68xx.11-3-1MSR3-3.loads");
    CHECK(p.errors.empty());
    CHECK(p.loads.empty());
    REQUIRE(p.unnamed_loads.size() == 1);
    const Manifest& m = p.unnamed_loads[0].manifest;
    CHECK(m.kind == ManifestKind::Ini78xx);
    CHECK(m.build_id == "11-3-1MSR3-3");
    CHECK(m.components.size() == 2);
    REQUIRE(p.files.size() == 1);
    CHECK(p.files[0].kind == FileKind::Loads);
    REQUIRE_FALSE(p.files[0].problems.empty());
    CHECK(p.files[0].problems.back().code == "fwplan.loads.unknown-name");
    CHECK(p.available_loads().empty());
}

TEST_CASE("not phone firmware: IP Communicator locales are named for what they are") {
    const FirmwarePackage zip = inspect_ok(kTestdata / "real-shapes/cipc-locale-de_DE.zip");
    CHECK(zip.errors.empty());
    CHECK_FALSE(zip.not_firmware.empty());
    for (const InspectedFile& f : zip.files) {
        CAPTURE(f.entry);
        CHECK(f.kind == FileKind::NotFirmware);
        CHECK_FALSE(f.what.empty());
        CHECK(f.problems.empty());
    }
    const FirmwarePackage loose = inspect_ok(kTestdata / "real-shapes/CIPC_Locale.loads");
    CHECK(loose.errors.empty());
    REQUIRE(loose.files.size() == 1);
    CHECK(loose.files[0].kind == FileKind::NotFirmware);
    CHECK(loose.files[0].what.find("IP Communicator") != std::string::npos);
    CHECK(to_string(FileKind::NotFirmware) == "not-firmware");
}

TEST_CASE("the 3905's zip: a plain-text .loads and its U-Boot image") {
    const FirmwarePackage p = inspect_ok(kTestdata / "real-shapes/cmterm-3905.9-4-1SR4-2.zip");
    CHECK(p.errors.empty());
    REQUIRE(p.loads.size() == 1);
    CHECK(p.loads[0].manifest.load->str() == "CP3905.9-4-1SR4-2");
    CHECK(p.loads[0].complete());
    for (const InspectedFile& f : p.files) {
        CAPTURE(f.entry);
        for (const Diagnostic& d : f.problems)
            CHECK(d.severity == Severity::Info);
    }
}

TEST_CASE("a .bin carrying a signed TLV header (a renamed .sb2) is read as signed") {
    const FirmwarePackage p = inspect_ok(kTestdata / "real-shapes/P0S3-8-12-00.bin");
    REQUIRE(p.files.size() == 1);
    const InspectedFile& f = p.files[0];
    CHECK(f.kind == FileKind::Image);
    CHECK(f.envelope.kind == EnvelopeKind::Tlv);
    CHECK(f.envelope.signed_name == "P0S3-8-12-00.sb2");
    CHECK(f.image_name == "P0S3-8-12-00");
    REQUIRE(f.problems.size() == 1);
    CHECK(f.problems[0].code == "fwplan.inspect.renamed");
    // The unsigned loader image stays an unsigned image.
    const FirmwarePackage bin = inspect_ok(kTestdata / "loose/P003-8-12-00.bin");
    CHECK(bin.files.at(0).envelope.kind == EnvelopeKind::None);
    CHECK(bin.files.at(0).image_name == "P003-8-12-00");
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
