// manifest.hpp: .loads bodies of every family (docs/phone-files.md §2) on synthetic files, the
// identity from the signed name, term files and what is refused.
#include "fixtures.hpp"
#include "test_support.hpp"

#include <fwplan/manifest.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using fwplan::Diagnostic;
using fwplan::Manifest;
using fwplan::ManifestKind;
using fwplan::parse_manifest;

namespace {

Manifest manifest(const std::string& name, const std::string& bytes) {
    auto parsed = parse_manifest(name, bytes);
    INFO("parsing ", name, ": ", (parsed ? std::string() : parsed.error().describe()));
    REQUIRE(parsed.ok());
    return *parsed;
}

std::vector<std::string> names(const Manifest& m) {
    std::vector<std::string> out;
    for (const auto& c : m.components)
        out.push_back(c.name);
    return out;
}

void check_error(const fwplan::Result<Manifest>& result, const std::string& code,
                 std::optional<std::uint64_t> offset, const std::string& words,
                 const std::string& file) {
    REQUIRE_FALSE(result.ok());
    const fwplan::Error& error = result.error();
    INFO(error.describe());
    CHECK(error.code == code);
    CHECK(error.file == file);
    CHECK(error.offset == offset);
    CHECK(error.message.find(words) != std::string::npos);
}

bool has_warning(const Manifest& m, const std::string& words) {
    for (const Diagnostic& w : m.warnings)
        if (w.message.find(words) != std::string::npos)
            return true;
    return false;
}

std::string lookup(const Manifest& m, const std::string& key) {
    for (const auto& [k, v] : m.metadata)
        if (k == key)
            return v;
    return "<absent>";
}

const std::vector<std::string> kSip41_854 = {"jar41sip.8-5-4TH1-6.sbn", "cnu41.8-5-4TH1-6.sbn",
                                             "apps41.8-5-4TH1-6.sbn", "dsp41.8-5-4TH1-6.sbn",
                                             "cvm41sip.8-5-4TH1-6.sbn"};

} // namespace

TEST_CASE("TNP: SIP41.8-5-4S.loads, CRLF body with trailing spaces") {
    const std::string body = fixtures::tnp_body("41", "sip", "8-5-4TH1-6");
    const Manifest m =
        manifest("SIP41.8-5-4S.loads", fixtures::signed_as("SIP41.8-5-4S.loads", body));
    CHECK(m.kind == ManifestKind::TnpList);
    CHECK(m.file_name == "SIP41.8-5-4S.loads");
    CHECK(m.envelope.kind == fwplan::EnvelopeKind::Tlv);
    CHECK(m.envelope.header_length == 404);
    REQUIRE(m.load.has_value());
    CHECK(m.load->str() == "SIP41.8-5-4S");
    CHECK(m.load->protocol() == fwplan::Protocol::Sip);
    CHECK_FALSE(m.is_term_file);
    CHECK(m.term_model == nullptr);
    CHECK(m.build_id == "8-5-4TH1-6");
    CHECK_FALSE(m.hardware_comp.has_value());
    CHECK(names(m) == kSip41_854);
    CHECK(m.components[3].name == "dsp41.8-5-4TH1-6.sbn"); // the trailing space is gone
    CHECK_FALSE(m.components[0].size.has_value());
    CHECK(m.metadata.empty());
    CHECK(m.warnings.empty());
}

TEST_CASE("TNP: LF line ends read the same as CRLF") {
    const std::string crlf = fixtures::tnp_body("41", "sip", "8-5-4TH1-6");
    const std::string lf = fixtures::tnp_body("41", "sip", "8-5-4TH1-6", {}, "\n");
    const Manifest a =
        manifest("SIP41.8-5-4S.loads", fixtures::signed_as("SIP41.8-5-4S.loads", crlf));
    const Manifest b =
        manifest("SIP41.8-5-4S.loads", fixtures::signed_as("SIP41.8-5-4S.loads", lf));
    CHECK(names(a) == names(b));
    CHECK(a.build_id == b.build_id);
}

TEST_CASE("TNP and 7940/7960: a body cut short is refused, wherever the cut falls") {
    // Every line of these bodies ends with a line break (phone-files.md §2.1, §2.2): a file that
    // stops inside its last line was cut, and its last name may be cut too.
    const std::string whole =
        fixtures::signed_as("SIP41.8-5-4S.loads", fixtures::tnp_body("41", "sip", "8-5-4TH1-6"));
    REQUIRE(fwplan::parse_manifest("SIP41.8-5-4S.loads", whole).ok());
    const std::size_t header = whole.size() - fixtures::tnp_body("41", "sip", "8-5-4TH1-6").size();
    std::size_t refused = 0;
    for (std::size_t cut = header + 1; cut < whole.size(); ++cut) {
        const std::string part = whole.substr(0, cut);
        auto parsed = fwplan::parse_manifest("SIP41.8-5-4S.loads", part);
        if (part.back() == '\n')
            continue; // cut at a line end: a shorter list, told apart only by its signature
        CAPTURE(cut);
        REQUIRE_FALSE(parsed.ok());
        if (parsed.error().code == "fwplan.loads.truncated") {
            ++refused;
            CHECK(parsed.error().offset == cut);
            CHECK(parsed.error().message.find("cut short") != std::string::npos);
        }
    }
    CHECK(refused > 100);
    // The 69xx lists end without a line break (phone-files.md §2.3): not judged by it.
    CHECK(fwplan::parse_manifest("SIP69xx.9-4-1-3SR2.loads",
                                 fwplan::test::read_file(std::string(FWPLAN_TESTDATA_DIR) +
                                                         "/loose/SIP69xx.9-4-1-3SR2.loads"))
              .ok());
}

TEST_CASE("TNP: #HARDWARE_COMP_1 is kept, the build ID is text, not a version") {
    const std::string body = fixtures::tnp_body("42", "sip", "9-4-2ES26", 5U);
    const Manifest m =
        manifest("SIP42.9-4-2SR3-1S.loads", fixtures::signed_as("SIP42.9-4-2SR3-1S.loads", body));
    REQUIRE(m.hardware_comp.has_value());
    CHECK(*m.hardware_comp == 5);
    CHECK(lookup(m, "HARDWARE_COMP_1") == "5");
    CHECK(m.build_id == "9-4-2ES26");
    CHECK(m.load->version().release() == "9.4(2)SR3");
    CHECK(m.components.front().name == "jar42sip.9-4-2ES26.sbn");

    const std::string odd = "# RELEASE load version whatever-build\r\njar41sip.x.sbn\r\n";
    CHECK(manifest("SIP41.9-2-1S.loads", fixtures::signed_as("SIP41.9-2-1S.loads", odd)).build_id ==
          "whatever-build");
}

TEST_CASE("TNP: the case of component names is kept (Jar41sip)") {
    const std::string body = "#\r\n# RELEASE load version 8-3-0-50\r\n#\r\n\r\n"
                             "Jar41sip.8-3-0-50.sbn\r\ncnu41.8-3-0-50.sbn\r\n";
    const Manifest m =
        manifest("SIP41.8-3-1S.loads", fixtures::signed_as("SIP41.8-3-1S.loads", body));
    CHECK(names(m) == std::vector<std::string>{"Jar41sip.8-3-0-50.sbn", "cnu41.8-3-0-50.sbn"});
}

TEST_CASE("TNP: a malformed hardware line is refused with its offset") {
    const std::string body = "#HARDWARE_COMP_1 five\r\njar41sip.x.sbn\r\n";
    const std::string file = fixtures::signed_as("SIP41.9-2-1S.loads", body);
    check_error(parse_manifest("SIP41.9-2-1S.loads", file), "fwplan.loads.bad-directive",
                file.size() - body.size(), "line 1", "SIP41.9-2-1S.loads");
    const std::string twice = "#HARDWARE_COMP_1 5\r\n#HARDWARE_COMP_1 6\r\njar41sip.x.sbn\r\n";
    auto result =
        parse_manifest("SIP41.9-2-1S.loads", fixtures::signed_as("SIP41.9-2-1S.loads", twice));
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message.find("appears twice") != std::string::npos);
}

TEST_CASE("term files: the model that asks for them, and the load they stand for") {
    const std::string sip_body = fixtures::tnp_body("41", "sip", "8-5-4TH1-6");
    const std::string sccp_body = fixtures::tnp_body("41", "sccp", "9-4-2ES9");
    const Manifest sip =
        manifest("SIP41.8-5-4S.loads", fixtures::signed_as("SIP41.8-5-4S.loads", sip_body));
    const Manifest sccp = manifest("SCCP41.9-4-2SR1-1S.loads",
                                   fixtures::signed_as("SCCP41.9-4-2SR1-1S.loads", sccp_body));
    const Manifest other_family =
        manifest("SCCP42.9-4-2SR1-1S.loads",
                 fixtures::signed_as("SCCP42.9-4-2SR1-1S.loads",
                                     fixtures::tnp_body("42", "sccp", "9-4-2ES9")));

    const Manifest term41 =
        manifest("term41.default.loads", fixtures::signed_as("term41.default.loads", sip_body));
    CHECK(term41.is_term_file);
    REQUIRE(term41.term_model != nullptr);
    CHECK(term41.term_model->number == "7941");
    CHECK_FALSE(term41.load.has_value());
    CHECK(term41.kind == ManifestKind::TnpList);
    CHECK(term41.envelope.header_length == 408);
    CHECK(term41.warnings.empty());

    const Manifest term61 =
        manifest("term61.default.loads", fixtures::signed_as("term61.default.loads", sccp_body));
    REQUIRE(term61.term_model != nullptr);
    CHECK(term61.term_model->number == "7961");

    const std::vector<Manifest> all = {other_family, term61, sccp, sip, term41};
    const Manifest* sip_target = fwplan::term_file_target(term41, all);
    REQUIRE(sip_target != nullptr);
    CHECK(sip_target->load->str() == "SIP41.8-5-4S");
    const Manifest* sccp_target = fwplan::term_file_target(term61, all);
    REQUIRE(sccp_target != nullptr);
    CHECK(sccp_target->load->str() == "SCCP41.9-4-2SR1-1S");

    // No load with the same list; a load is not a term file; order of names matters.
    CHECK(fwplan::term_file_target(term41, std::vector<Manifest>{sccp, other_family}) == nullptr);
    CHECK(fwplan::term_file_target(sip, all) == nullptr);
    Manifest reordered = sip;
    std::swap(reordered.components[0], reordered.components[1]);
    CHECK(fwplan::term_file_target(term41, std::vector<Manifest>{reordered}) == nullptr);
    // Two loads with the same list: the first given wins.
    Manifest twin = sip;
    twin.load = fwplan::LoadId::parse("SIP41.8-5-4SR1S").value();
    const std::vector<Manifest> twins = {twin, sip};
    CHECK(fwplan::term_file_target(term41, twins) == &twins[0]);
}

TEST_CASE("7940/7960: the three-line LF body") {
    const std::string body = "P003-8-12-00.sbn\nP0S3-8-12-00.sb2\nLA_VERSION=PAS30830\n";
    const Manifest m =
        manifest("P0S3-8-12-00.loads", fixtures::signed_as("P0S3-8-12-00.loads", body));
    CHECK(m.kind == ManifestKind::P0ThreeLine);
    CHECK(m.load->str() == "P0S3-8-12-00");
    CHECK(m.load->family() == "7940_7960");
    CHECK(names(m) == std::vector<std::string>{"P003-8-12-00.sbn", "P0S3-8-12-00.sb2"});
    CHECK(m.build_id == "PAS30830");
    CHECK(lookup(m, "LA_VERSION") == "PAS30830");

    const std::string sccp = "P0030801SR02.sbn\nP0030801SR02.sb2\nLA_VERSION=PAS30831\n";
    const Manifest s =
        manifest("P0030801SR02.loads", fixtures::signed_as("P0030801SR02.loads", sccp));
    CHECK(s.load->protocol() == fwplan::Protocol::Sccp);
    CHECK(s.build_id == "PAS30831");
    CHECK(s.components.size() == 2);
}

TEST_CASE("78xx: the INI body inside the LE envelope") {
    const std::string name = "sip78xx.11-0-1-11.loads";
    const Manifest m =
        manifest(name, fixtures::le_file(name, fixtures::ini_78xx_body("11-0-1-11")));
    CHECK(m.kind == ManifestKind::Ini78xx);
    CHECK(m.envelope.kind == fwplan::EnvelopeKind::LittleEndian78xx);
    CHECK(m.envelope.body_hash_checked);
    CHECK(m.load->str() == "sip78xx.11-0-1-11");
    CHECK(m.build_id == "11-0-1-11");
    REQUIRE(m.components.size() == 4);
    CHECK(m.components[0].name == "sboot78xx.11-0-1-11.sbn");
    CHECK(m.components[0].role == "sboot");
    CHECK(m.components[0].section == "PLATFORM_1");
    CHECK(m.components[0].size == std::optional<std::uint64_t>(370348));
    CHECK(m.components[2].name == "rootfs78xx.11-0-1-11.sbn");
    CHECK(m.components[2].size == std::optional<std::uint64_t>(40239440));
    CHECK(m.components[3].name == "sboot2.78xx.11-0-1-11.sbn");
    CHECK(m.components[3].section == "PLATFORM_2");
    CHECK(lookup(m, "hwcompat") == "0x00000003");
    CHECK(lookup(m, "loadversion") == "0x00000001");
    CHECK(lookup(m, "RELEASE Model") == "78xx");
    CHECK(lookup(m, "RELEASE Version") == "11-0-1-11");
    CHECK(lookup(m, "LOADS") == "sip78xx.11-0-1-11.loads");
    CHECK(lookup(m, "PLATFORM_1.ebr_diskver") == "1");
    CHECK(lookup(m, "PLATFORM_1.ebr_sboot") == "(-1,2,0,2,0x280000,-1)(-1,2,0,2,0x5980000,-1)");
    CHECK(lookup(m, "version") == "<absent>"); // it is the build ID
    CHECK(m.warnings.empty());
}

TEST_CASE("78xx: INI lines that fit nothing are refused") {
    const std::string name = "sip78xx.11-0-1-11.loads";
    const std::string before_section = "sboot=sboot78xx.sbn size=1\n[PLATFORM_1]\n";
    check_error(parse_manifest(name, fixtures::le_file(name, before_section)),
                "fwplan.loads.bad-line", 0x150, "comes before any [SECTION]", name);
    const std::string bad_size = "[PLATFORM_1]\nkern=kern78xx.sbn size=12x\n";
    check_error(parse_manifest(name, fixtures::le_file(name, bad_size)), "fwplan.loads.bad-line",
                0x150 + 13, "'size=12x' is not 'size=<bytes>'", name);
    const std::string bad_section = "[PLATFORM 1]\nkern=kern78xx.sbn size=12\n";
    check_error(parse_manifest(name, fixtures::le_file(name, bad_section)), "fwplan.loads.bad-line",
                0x150, "not a [SECTION] line", name);
    const std::string no_equals = "[PLATFORM_1]\njust words\n";
    check_error(parse_manifest(name, fixtures::le_file(name, no_equals)), "fwplan.loads.bad-line",
                0x150 + 13, "is not key = value", name);
    const std::string bad_hash =
        fixtures::le_file(name, fixtures::ini_78xx_body("11-0-1-11"), false);
    check_error(parse_manifest(name, bad_hash), "fwplan.signed.hash-mismatch", 0x14, "SHA-256",
                name);
}

TEST_CASE("894x, 6945 and 69xx: lists of .sgn names") {
    std::string list894x;
    for (int i = 1; i <= 9; ++i)
        list894x += "SCCP894x.9-4-2SR1-2.bin" + std::to_string(i) + ".sgn\n";
    const Manifest a = manifest("SCCP894x.9-4-2SR1-2.loads",
                                fixtures::signed_as("SCCP894x.9-4-2SR1-2.loads", list894x));
    CHECK(a.kind == ManifestKind::SgnList);
    CHECK(a.components.size() == 9);
    CHECK(a.components[8].name == "SCCP894x.9-4-2SR1-2.bin9.sgn");
    CHECK(a.build_id.empty());

    const std::string list69xx = "BOOT69xx.0-0-0-14.zz.sgn\r\nDSP69xx.12-4-122-99.131025.zz."
                                 "sgn\r\nSIP69xx.9-4-1-3SR2.zz.sgn";
    const Manifest b = manifest("SIP69xx.9-4-1-3SR2.loads",
                                fixtures::signed_as("SIP69xx.9-4-1-3SR2.loads", list69xx));
    CHECK(b.kind == ManifestKind::SgnList);
    CHECK(names(b) == std::vector<std::string>{"BOOT69xx.0-0-0-14.zz.sgn",
                                               "DSP69xx.12-4-122-99.131025.zz.sgn",
                                               "SIP69xx.9-4-1-3SR2.zz.sgn"});

    const std::string list6945 = "SCCP6945.9-3-1-3.bin1.sgn\nSCCP6945.9-3-1-3.bin2.sgn\n";
    CHECK(
        manifest("SCCP6945.9-3-1-3.loads", fixtures::signed_as("SCCP6945.9-3-1-3.loads", list6945))
            .components.size() == 2);

    // 8961/99xx bodies were never seen: without sections they are read as a list.
    const std::string sebn = "kern8961.9-4-1-9.sebn\nrootfs8961.9-4-1-9.sebn\n";
    const Manifest c =
        manifest("sip8961.9-4-1-9.loads", fixtures::signed_as("sip8961.9-4-1-9.loads", sebn));
    CHECK(c.kind == ManifestKind::SgnList);
    CHECK(c.components.size() == 2);
}

TEST_CASE("7921/7925: #? directives and NAME SIZE MD5 lines") {
    const std::string body = "#? HW_REV 0-4.*\n#? SW_CAP EAP-TLS,PEAP,VSFIX\n\n"
                             "TNUX-1.4.6.3.SBN                      897037 "
                             "E247E40D9CF20472C6C397E6E427A517\n"
                             "TNUXR-1.4.6.3.SBN 1024 0123456789abcdef0123456789ABCDEF\n";
    const std::string name = "CP7921G-1.4.6.3.LOADS";
    const Manifest m = manifest(name, fixtures::signed_as(name, body));
    CHECK(m.kind == ManifestKind::Wireless);
    CHECK(m.load->str() == "CP7921G-1.4.6.3");
    CHECK(lookup(m, "HW_REV") == "0-4.*");
    CHECK(lookup(m, "SW_CAP") == "EAP-TLS,PEAP,VSFIX");
    REQUIRE(m.components.size() == 2);
    CHECK(m.components[0].name == "TNUX-1.4.6.3.SBN");
    CHECK(m.components[0].size == std::optional<std::uint64_t>(897037));
    CHECK(m.components[0].md5 == "E247E40D9CF20472C6C397E6E427A517");
    CHECK(m.components[1].md5 == "0123456789abcdef0123456789ABCDEF");

    const std::string bad = "TNUX-1.4.6.3.SBN 897037 E247E40D\n";
    const std::string file = fixtures::signed_as(name, bad);
    check_error(parse_manifest(name, file), "fwplan.loads.bad-line", file.size() - bad.size(),
                "is not 'NAME SIZE MD5'", name);
    const std::string overflow = "A.SBN 99999999999999999999 E247E40D9CF20472C6C397E6E427A517\n";
    CHECK_FALSE(parse_manifest(name, fixtures::signed_as(name, overflow)).ok());
}

TEST_CASE("the signed name decides the load, a different file name is a warning") {
    const std::string body = fixtures::tnp_body("41", "sip", "9-2-1TH1-13");
    // Renamed: the file name is a different load.
    const Manifest renamed =
        manifest("SIP41.8-5-4S.loads", fixtures::signed_as("SIP41.9-2-1S.loads", body));
    CHECK(renamed.load->str() == "SIP41.9-2-1S");
    CHECK(
        has_warning(renamed, "named 'SIP41.8-5-4S.loads' but was signed as 'SIP41.9-2-1S.loads'"));
    CHECK(has_warning(renamed,
                      "the file name says load SIP41.8-5-4S but the file is load SIP41.9-2-1S"));
    CHECK(has_warning(renamed, "renamed"));
    CHECK(has_warning(renamed, "will reject it"));

    // Only the case differs: same load, still worth a warning, but not "renamed".
    const Manifest cased =
        manifest("SIP41.9-2-1S.LOADS", fixtures::signed_as("SIP41.9-2-1S.loads", body));
    CHECK(cased.load->str() == "SIP41.9-2-1S");
    REQUIRE(cased.warnings.size() == 1);
    CHECK(cased.warnings[0].message.find("compares these names exactly") != std::string::npos);
    CHECK(cased.warnings[0].code == "fwplan.loads.renamed");

    // A load renamed to a term file name.
    const Manifest as_term =
        manifest("term41.default.loads", fixtures::signed_as("SIP41.9-2-1S.loads", body));
    CHECK_FALSE(as_term.is_term_file);
    CHECK(as_term.load->str() == "SIP41.9-2-1S");
    CHECK(has_warning(as_term, "the term file of the 7941 but the file is load SIP41.9-2-1S"));

    // A signed name that is no load: the file name is used, with a warning.
    const Manifest odd = manifest("SIP41.9-2-1S.loads", fixtures::signed_as("whatever.bin", body));
    CHECK(odd.load->str() == "SIP41.9-2-1S");
    CHECK(has_warning(odd, "'whatever.bin' is neither a load ID nor a term file"));
}

TEST_CASE("no envelope, or no signed name, is a warning") {
    const std::string body = fixtures::tnp_body("41", "sip", "8-5-4TH1-6");
    const Manifest plain = manifest("SIP41.8-5-4S.loads", body);
    CHECK(plain.envelope.kind == fwplan::EnvelopeKind::None);
    CHECK(names(plain) == kSip41_854);
    CHECK(has_warning(plain, "no signed envelope"));

    fixtures::TlvOptions o;
    o.with_name = false;
    const Manifest unnamed = manifest("SIP41.8-5-4S.loads", fixtures::tlv_file(o, body));
    CHECK(unnamed.load->str() == "SIP41.8-5-4S");
    CHECK(has_warning(unnamed, "no signed name"));
}

TEST_CASE("a directory in the file name is dropped") {
    const std::string body = fixtures::tnp_body("41", "sip", "8-5-4TH1-6");
    const Manifest m =
        manifest("/srv/tftp/SIP41.8-5-4S.loads", fixtures::signed_as("SIP41.8-5-4S.loads", body));
    CHECK(m.file_name == "SIP41.8-5-4S.loads");
    CHECK(m.warnings.empty());
}

TEST_CASE("a file listed twice is a warning") {
    const std::string body = "jar41sip.x.sbn\r\njar41sip.x.sbn\r\n";
    const Manifest m =
        manifest("SIP41.9-2-1S.loads", fixtures::signed_as("SIP41.9-2-1S.loads", body));
    CHECK(m.components.size() == 2);
    CHECK(has_warning(m, "'jar41sip.x.sbn' is listed more than once"));
}

TEST_CASE("names that are neither a load nor a term file are read anyway, with a warning") {
    // Issue 12: a .loads of a family fwplan does not know yet is read for what it lists;
    // the name is a warning on that file, not a failure.
    const std::string body = fixtures::tnp_body("41", "sip", "8-5-4TH1-6");
    const Manifest foo = manifest("foo.loads", fixtures::signed_as("foo.loads", body));
    CHECK_FALSE(foo.load.has_value());
    CHECK_FALSE(foo.is_term_file);
    CHECK(foo.kind == ManifestKind::TnpList); // from the body's shape
    CHECK(foo.build_id == "8-5-4TH1-6");
    CHECK(names(foo) == kSip41_854);
    REQUIRE_FALSE(foo.warnings.empty());
    const Diagnostic& w = foo.warnings.back();
    CHECK(w.code == "fwplan.loads.unknown-name");
    CHECK(w.severity == fwplan::Severity::Warning);
    CHECK(w.message.find("neither a load ID nor a termNN.default.loads") != std::string::npos);
    CHECK(w.where == "foo.loads");
    CHECK_FALSE(w.hint.empty());

    const Manifest term = manifest("TERM41.default.loads", body);
    CHECK_FALSE(term.load.has_value());
    CHECK(has_warning(term, "'TERM41.default.loads'"));
    CHECK(has_warning(term, "no signed envelope"));

    // Both names unknown: the message says so.
    const Manifest both = manifest("x.loads", fixtures::signed_as("y.loads", body));
    CHECK(has_warning(both, "and neither is its signed name 'y.loads'"));
}

TEST_CASE("an unknown family's body kind follows from its shape") {
    const std::string ini =
        fixtures::le_file("sip68xx.11-3-1MSR3-3.loads", fixtures::ini_78xx_body("11-3-1MSR3-3"));
    const Manifest m = manifest("sip68xx.11-3-1MSR3-3.loads", ini);
    CHECK(m.kind == ManifestKind::Ini78xx);
    CHECK(m.build_id == "11-3-1MSR3-3");
    CHECK(m.components.size() == 4);
    CHECK(m.envelope.signed_name == "sip68xx.11-3-1MSR3-3.loads");
    const std::string wireless =
        "#? HW_REV 0-4.*\n\nTNUX-9.SBN 10 E247E40D9CF20472C6C397E6E427A517\n";
    CHECK(manifest("CP9999G-1.loads", fixtures::signed_as("CP9999G-1.loads", wireless)).kind ==
          ManifestKind::Wireless);
    CHECK(manifest("x.loads", fixtures::signed_as("x.loads", "a.sbn\nb.sbn\n")).kind ==
          ManifestKind::SgnList);
    CHECK(
        manifest("y.loads", fixtures::signed_as("y.loads", "P.sbn\nP.sb2\nLA_VERSION=1\n")).kind ==
        ManifestKind::P0ThreeLine);
    // A body that is not text is still refused.
    const std::string binary = fixtures::signed_as("z.loads", std::string("\x01\x02", 2));
    check_error(parse_manifest("z.loads", binary), "fwplan.loads.not-text", binary.size() - 2,
                "binary data", "z.loads");
}

TEST_CASE("the 3905's plain-text .loads is what it is, not an unsigned warning") {
    const Manifest m = manifest("CP3905.9-4-1SR4-2.loads", "APP3905.9-4-1SR4-2.zz\r\n");
    REQUIRE(m.load);
    CHECK(m.load->family() == "3905");
    CHECK(m.kind == ManifestKind::SgnList);
    CHECK(names(m) == std::vector<std::string>{"APP3905.9-4-1SR4-2.zz"});
    REQUIRE(m.warnings.size() == 1);
    CHECK(m.warnings[0].code == "fwplan.loads.plain-text");
    CHECK(m.warnings[0].severity == fwplan::Severity::Info);
    // Other families' unsigned .loads are still a warning.
    const Manifest other = manifest("SIP69xx.9-4-1-3.loads", "SIP69xx.9-4-1-3.zz.sgn");
    REQUIRE_FALSE(other.warnings.empty());
    CHECK(other.warnings[0].code == "fwplan.loads.unsigned");
    CHECK(other.warnings[0].severity == fwplan::Severity::Warning);
}

TEST_CASE("wireless service releases and 6901 letter loads read as their families") {
    const std::string wireless =
        "#? HW_REV 0-4.*\n\nTNUX-1.4.1SR1.SBN 10 E247E40D9CF20472C6C397E6E427A517\n";
    const Manifest w =
        manifest("CP7926G-1.4.1SR1.LOADS", fixtures::signed_as("CP7926G-1.4.1SR1.LOADS", wireless));
    CHECK(w.kind == ManifestKind::Wireless);
    CHECK(w.load->family() == "7926");
    const Manifest l =
        manifest("SCCP6901.9-2-1-a.loads",
                 fixtures::signed_as("SCCP6901.9-2-1-a.loads",
                                     "APP6901SCCP.9-2-1-a.zz.sgn\r\nKNL6901SCCP.9-2-1-a.zz.sgn"));
    CHECK(l.kind == ManifestKind::SgnList);
    CHECK(l.load->family() == "6901");
    CHECK(l.components.size() == 2);
}

TEST_CASE("garbage bodies are refused with the offset of the problem") {
    const std::string name = "SIP41.9-2-1S.loads";
    auto check_body = [&](const std::string& body, const std::string& code, std::size_t at,
                          const std::string& words) {
        const std::string file = fixtures::signed_as(name, body);
        check_error(parse_manifest(name, file), code, file.size() - body.size() + at, words, name);
    };
    check_body(std::string("jar41sip.x.sbn\r\n\x7F"
                           "ELF\x01\x02",
                           22),
               "fwplan.loads.not-text", 16, "binary data");
    check_body(std::string("jar41sip.x.sbn\r\nab\0cd\r\n", 23), "fwplan.loads.not-text", 18,
               "\\x00");
    check_body("jar41sip.x.sbn\rcnu41.x.sbn\r\n", "fwplan.loads.not-text", 14,
               "carriage return in the middle of line 1");
    check_body("jar41sip.x.sbn\r\n../../etc/passwd\r\n", "fwplan.loads.bad-name", 16,
               "line 2: the file name '../../etc/passwd' contains a path separator");
    check_body("a..b.sbn\r\n", "fwplan.loads.bad-name", 0, "contains '..'");
    check_body("jar41sip.x.sbn\r\nC:\\x.sbn\r\n", "fwplan.loads.bad-name", 16, "path separator");
    check_body("x.sbn\r\n.hidden\r\n", "fwplan.loads.bad-name", 7, "starts with a dot");
    check_body("jar41 sip.sbn\r\n", "fwplan.loads.bad-name", 0, "contains the character ' '");
    check_body("jar\x1B[2J.sbn\r\n", "fwplan.loads.not-text", 3, "\\x1B");
    check_body("caf\xC3\xA9.sbn\r\n", "fwplan.loads.bad-name", 0, "'\\xC3'");
    check_body(std::string(300, 'a') + "\r\n", "fwplan.loads.bad-name", 0, "longer than 255");
    check_body("# only comments\r\n\r\n", "fwplan.loads.no-files", 0, "lists no files");
    check_body("", "fwplan.loads.no-files", 0, "lists no files");
    // An INI body under a TNP name fits no kind.
    check_body("[CISCO-ID]\nversion = 1\n", "fwplan.loads.bad-name", 0, "reading a tnp-list body");
    // A 7940-style KEY=value line in a TNP list.
    check_body("x.sbn\nLA_VERSION=PAS30830\n", "fwplan.loads.bad-name", 6, "'='");

    std::string many;
    for (int i = 0; i < 1001; ++i)
        many += "f" + std::to_string(i) + ".sbn\n";
    const std::size_t line_1001 = many.rfind("f1000");
    check_body(many, "fwplan.loads.too-many-lines", line_1001, "more than 1000 lines");
    std::string files;
    for (int i = 0; i < 257; ++i)
        files += "f" + std::to_string(i) + ".sbn\n";
    check_body(files, "fwplan.loads.too-many-files", files.rfind("f256"), "more than 256");
    check_body(std::string(70000, '#'), "fwplan.loads.too-large", 0, "70000 bytes");
}

TEST_CASE("envelope errors come back with the file name") {
    std::string file = fixtures::signed_as("SIP41.9-2-1S.loads", "x.sbn\r\n");
    file[8] = 0x00;
    file[9] = 0x10; // header length 16: tag 3 runs past it
    check_error(parse_manifest("dir/SIP41.9-2-1S.loads", file), "fwplan.signed.tlv-overrun", 10U,
                "past the header length 16", "SIP41.9-2-1S.loads");
}

TEST_CASE("to_string of manifest kinds") {
    CHECK(fwplan::to_string(ManifestKind::TnpList) == "tnp-list");
    CHECK(fwplan::to_string(ManifestKind::P0ThreeLine) == "p0-three-line");
    CHECK(fwplan::to_string(ManifestKind::Ini78xx) == "ini-78xx");
    CHECK(fwplan::to_string(ManifestKind::SgnList) == "sgn-list");
    CHECK(fwplan::to_string(ManifestKind::Wireless) == "wireless");
}
