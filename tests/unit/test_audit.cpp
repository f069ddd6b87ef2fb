// audit.hpp: every finding code, on roots built in temporary folders from testdata.
#include "hostile_fixtures.hpp"
#include "tftp_fixtures.hpp"

#include <fwplan/audit.hpp>

#include <doctest/doctest.h>

#include <sys/stat.h>

using namespace fwplan;
using namespace fwplan::test;

namespace {

CheckReport check_ok(const fs::path& root, const CheckOptions& options = {}) {
    auto report = check_root(root, options);
    const std::string why = report ? std::string() : report.error().describe();
    INFO(why);
    REQUIRE(report.ok());
    return std::move(*report);
}

const Diagnostic* find(const CheckReport& r, std::string_view code, std::string_view path = {}) {
    for (const Diagnostic& f : r.findings)
        if (f.code == "fwplan.check." + std::string(code) &&
            (path.empty() || f.where.rfind(path, 0) == 0))
            return &f;
    return nullptr;
}

std::string codes(const CheckReport& r) {
    std::string out;
    for (const Diagnostic& f : r.findings)
        out += std::string(to_string(f.severity)) + " " + f.code + " " + f.where + ": " +
               f.message + "\n";
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
    const Diagnostic* several = find(r, "term-several-loads", "term41.default.loads");
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
    const Diagnostic* several = find(r, "term-several-loads", "term41.default.loads");
    REQUIRE(several != nullptr);
    CHECK(several->severity == Severity::Warning);
    CHECK(several->message.find("a factory-reset 7941 installs it") != std::string::npos);
    CHECK(several->message.find("SIP41.9-4-2SR3-1S") != std::string::npos);
    CHECK(several->message.find("SCCP41.8-5-2S") != std::string::npos);

    CheckOptions with_firmware;
    with_firmware.firmware = {kSccp852, kSip942};
    const CheckReport clash = check_ok(s.dir, with_firmware);
    const Diagnostic* f = find(clash, "term-clash", "term41.default.loads");
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
    const Diagnostic* mismatch = find(r, "loads-case-mismatch", "SIP41.8-3-1S.loads");
    REQUIRE(mismatch != nullptr);
    CHECK(mismatch->message.find("Jar41sip.8-3-0-50.sbn") != std::string::npos);
    CHECK(find(r, "loads-renamed", "SIP42.9-4-2SR1-1S.loads") != nullptr);
    CHECK(find(r, "loads-unparsable", "SIP45.9-4-2SR4-3S.loads") != nullptr);
    CHECK(find(r, "term-unknown-load", "term41.default.loads") != nullptr);
    CHECK(find(r, "term-incomplete", "term41.default.loads") != nullptr);
    CHECK(find(r, "orphan-component", "stray41.9-4-2ES26.sbn") != nullptr);
    CHECK(find(r, "orphan-component", "jar41sip.8-3-0-50.sbn") == nullptr); // named, other case
    const Diagnostic* twins = find(r, "case-twins");
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
    PhoneFields on_831;
    on_831.mac = "00:11:22:33:44:55";
    on_831.model = "7941";
    on_831.load = "SCCP41.8-3-1S";
    options.inventory.push_back(parse_phone(on_831).value());
    PhoneFields load_unknown;
    load_unknown.mac = "00:11:22:33:44:aa";
    load_unknown.model = "7942";
    load_unknown.load_required = false;
    options.inventory.push_back(parse_phone(load_unknown).value());
    const CheckReport r = check_ok(s.dir, options);
    INFO(codes(r));
    const Diagnostic* unreachable = find(r, "config-unreachable", "SEP001122334455.cnf.xml");
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
    const Diagnostic* term = find(r, "term-config-mismatch", "term41.default.loads");
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
    const Diagnostic* missing = find(r, "firmware-not-staged");
    REQUIRE(missing != nullptr);
    CHECK(missing->message.find("cvm41sip.9-4-2ES26.sbn") != std::string::npos);
    CHECK(find(r, "firmware-differs", "apps41.9-4-2ES26.sbn") != nullptr);
    CHECK(find(r, "term-clash") == nullptr);

    CheckOptions bad;
    bad.firmware = {kTestdata / "hostile/zip-slip.zip"};
    CHECK_FALSE(check_root(s.dir, bad).ok());
}

TEST_CASE("--firmware: a root file forged to the package's size and CRC-32 differs "
          "(issue 14.11), and one of another size is not read (issue 14.12)") {
    Scratch s;
    unpack_flat(kSip942, s.dir);
    const std::string real = read_file(s.dir / "jar41sip.9-4-2ES26.sbn");
    std::string trojan = real;
    trojan.replace(trojan.size() / 2, 6, "TROJAN");
    trojan = forge_crc32(trojan, crc32_of(real));
    REQUIRE(crc32_of(trojan) == crc32_of(real));
    write_file(s.dir / "jar41sip.9-4-2ES26.sbn", trojan);
    CheckOptions options;
    options.firmware = {kSip942};
    const CheckReport forged = check_ok(s.dir, options);
    INFO(codes(forged));
    CHECK(find(forged, "firmware-differs", "jar41sip.9-4-2ES26.sbn") != nullptr);
    CHECK(find(forged, "firmware-differs", "apps41.9-4-2ES26.sbn") == nullptr);

    fs::resize_file(s.dir / "jar41sip.9-4-2ES26.sbn", 64ull << 30); // sparse: costs no disk
    const std::uint64_t before = bytes_read_so_far();
    const CheckReport big = check_ok(s.dir, options);
    CHECK(bytes_read_so_far() - before < (64u << 20));
    CHECK(find(big, "firmware-differs", "jar41sip.9-4-2ES26.sbn") != nullptr);
}

TEST_CASE("names that are one name in NFC and NFD are reported as twins (issue 14.14)") {
    Scratch s;
    write_file(s.dir / "caf\xC3\xA9.txt", "one");
    write_file(s.dir / "cafe\xCC\x81.txt", "two");
    const CheckReport r = check_ok(s.dir);
    const Diagnostic* twins = find(r, "case-twins");
    REQUIRE(twins != nullptr);
    CHECK(twins->message.find("Unicode form") != std::string::npos);
}

// Issue 13, point 5: XMLDefault is what new and reset phones read; a load their factory
// loads cannot take in one step is a warning.
TEST_CASE("audit: an XMLDefault load factory-fresh phones cannot reach in one step") {
    Scratch s;
    unpack_flat(kSccp852, s.dir);
    unpack_flat(kSip942, s.dir);
    write_file(s.dir / "XMLDefault.cnf.xml",
               "<Default><loadInformation115 model=\"Cisco 7941\">SIP41.9-4-2SR3-1S"
               "</loadInformation115></Default>");
    const CheckReport far = check_ok(s.dir);
    const Diagnostic* warned = find(far, "xml-default-unreachable");
    REQUIRE(warned != nullptr);
    CHECK(warned->severity == Severity::Warning);
    CHECK(warned->where == "XMLDefault.cnf.xml: <loadInformation115>");
    CHECK(warned->message.find("J-01") != std::string::npos);
    CHECK(warned->message.find("SCCP41.8-5-2S") != std::string::npos); // what goes first

    write_file(s.dir / "XMLDefault.cnf.xml",
               "<Default><loadInformation115 model=\"Cisco 7941\">SCCP41.8-5-2S"
               "</loadInformation115></Default>");
    CHECK(find(check_ok(s.dir), "xml-default-unreachable") == nullptr);
}

TEST_CASE("audit: OS79XX.TXT names an image the root must have, of the 7940/7960") {
    const fs::path roots = kTestdata / "roots";
    const CheckReport missing = check_ok(roots / "os79xx-image-missing");
    INFO(codes(missing));
    const Diagnostic* unknown = find(missing, "config-unknown-load", "OS79XX.TXT");
    REQUIRE(unknown != nullptr);
    CHECK(unknown->severity == Severity::Error);
    CHECK(unknown->message.find("P003-8-12-00") != std::string::npos);
    CHECK(missing.configs == 1);

    const CheckReport wrong = check_ok(roots / "os79xx-wrong-family");
    INFO(codes(wrong));
    const Diagnostic* family = find(wrong, "config-wrong-model", "OS79XX.TXT");
    REQUIRE(family != nullptr);
    CHECK(family->message.find("7941/7961") != std::string::npos);

    const CheckReport good = check_ok(roots / "os79xx-good");
    INFO(codes(good));
    CHECK_FALSE(good.has_errors());
    CHECK(find(good, "orphan-component", "P003-8-12-00.sbn") == nullptr); // OS79XX.TXT asks for it

    // In another case only: TFTP is case-sensitive.
    Scratch s;
    write_file(s.dir / "OS79XX.TXT", "P003-8-12-00 \r\n");
    write_file(s.dir / "p003-8-12-00.sbn", "x");
    const CheckReport other_case = check_ok(s.dir);
    const Diagnostic* cased = find(other_case, "config-unknown-load", "OS79XX.TXT");
    REQUIRE(cased != nullptr);
    CHECK(cased->message.find("in another case") != std::string::npos);
}

TEST_CASE("audit: a 3905 root and IP Communicator files raise no errors") {
    const CheckReport r3905 = check_ok(kTestdata / "roots/3905");
    INFO(codes(r3905));
    CHECK(r3905.findings.empty());
    CHECK(r3905.loads == 1);
    const CheckReport cipc = check_ok(kTestdata / "roots/cipc");
    INFO(codes(cipc));
    CHECK_FALSE(cipc.has_errors());
    const Diagnostic* note = find(cipc, "not-firmware", "CIPC_Locale.loads");
    REQUIRE(note != nullptr);
    CHECK(note->severity == Severity::Info);
}

TEST_CASE("audit: a --firmware folder is read package by package") {
    Scratch s;
    unpack_flat(kSip942, s.dir);
    CheckOptions options;
    options.firmware = {kTestdata / "downloads"};
    const CheckReport r = check_ok(s.dir, options);
    INFO(codes(r));
    const Diagnostic* bad = find(r, "firmware-unreadable");
    REQUIRE(bad != nullptr);
    CHECK(bad->severity == Severity::Error);
    CHECK(bad->where.find("cmterm-7975-sccp.9-4-2SR4-3.zip") != std::string::npos);
    // The good package beside it was still compared with the root.
    CHECK(find(r, "firmware-not-staged", "P0S3-8-12-00.zip") != nullptr);
}
