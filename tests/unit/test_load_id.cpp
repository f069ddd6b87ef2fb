// load_id.hpp: every load ID of docs/phone-files.md §5.1 parses, round-trips and orders as §5.2 says.
#include <fwplan/load_id.hpp>
#include <fwplan/models.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using fwplan::LoadId;
using fwplan::Protocol;
using fwplan::Version;

namespace {
LoadId id(const std::string& text) {
    auto parsed = LoadId::parse(text);
    INFO("parsing ", text, ": ", parsed ? std::string() : parsed.error().describe());
    REQUIRE(parsed.ok());
    return *parsed;
}
Version ver(const std::string& text) {
    auto parsed = Version::parse(text);
    INFO("parsing ", text, ": ", parsed ? std::string() : parsed.error().describe());
    REQUIRE(parsed.ok());
    return *parsed;
}
} // namespace

TEST_CASE("every observed load ID parses and keeps its raw text") {
    struct Case {
        const char* raw;
        const char* family;
        Protocol protocol;
        const char* version;
    };
    const std::vector<Case> cases = {
        // TNP (docs/phone-files.md §5.1)
        {"SIP41.8-3-1S", "41", Protocol::Sip, "8.3(1)"},
        {"SIP41.8-5-2S", "41", Protocol::Sip, "8.5(2)"},
        {"SIP41.8-5-2SR1S", "41", Protocol::Sip, "8.5(2)SR1"},
        {"SIP41.8-5-4S", "41", Protocol::Sip, "8.5(4)"},
        {"SIP41.9-2-1S", "41", Protocol::Sip, "9.2(1)"},
        {"SIP41.9-4-2-1S", "41", Protocol::Sip, "9.4(2)-1"},
        {"SIP41.9-4-2SR3-1S", "41", Protocol::Sip, "9.4(2)SR3-1"},
        {"SCCP41.9-3-1SR4-1S", "41", Protocol::Sccp, "9.3(1)SR4-1"},
        {"SCCP45.9-4-2SR4-3S", "45", Protocol::Sccp, "9.4(2)SR4-3"},
        {"SCCP70.8-2-2SR2S", "70", Protocol::Sccp, "8.2(2)SR2"},
        {"SIP70.8-0-1-11S", "70", Protocol::Sip, "8.0(1)-11"},
        {"SCCP41.8-0-1-0DEV", "41", Protocol::Sccp, "8.0(1)-0DEV"},
        {"TERM41.7-0-3-0S", "41", Protocol::Sccp, "7.0(3)-0"},
        {"SIP75.9-3-1-1S", "75", Protocol::Sip, "9.3(1)-1"},
        {"SCCP11.9-4-2SR1-1S", "11", Protocol::Sccp, "9.4(2)SR1-1"},
        {"SCCP31.9-2-1S", "31", Protocol::Sccp, "9.2(1)"},
        {"SIP42.9-4-2SR3-1S", "42", Protocol::Sip, "9.4(2)SR3-1"},
        {"SCCP70.8-5-3", "70", Protocol::Sccp, "8.5(3)"},
        // 7940/7960
        {"P00308010200", "7940_7960", Protocol::Sccp, "8.1(2)"},
        {"P00303020214", "7940_7960", Protocol::Sccp, "3.2(2)-14"},
        {"P0030801SR02", "7940_7960", Protocol::Sccp, "8.1(2)SR2"},
        {"P0030702T023", "7940_7960", Protocol::Sccp, "7.2(0)T023"},
        {"P0030301", "7940_7960", Protocol::Sccp, "3.1(0)"},
        {"P0S3-07-0-00", "7940_7960", Protocol::Sip, "7.0(0)"},
        {"P0S3-08-11-00", "7940_7960", Protocol::Sip, "8.11(0)"},
        {"P0S3-8-12-00", "7940_7960", Protocol::Sip, "8.12(0)"},
        {"P0S30203", "7940_7960", Protocol::Sip, "2.3(0)"},
        {"P0M3-07-7-00", "7940_7960", Protocol::Mgcp, "7.7(0)"},
        // 69xx, 6901, 6945, 894x
        {"SIP69xx.9-4-1-3SR3", "69xx", Protocol::Sip, "9.4(1)SR3-3"},
        {"SCCP69xx.9-4-1-3SR2", "69xx", Protocol::Sccp, "9.4(1)SR2-3"},
        {"SCCP6901.9-3-1-SR1-3", "6901", Protocol::Sccp, "9.3(1)SR1-3"},
        {"SCCP6945.9-3-1-3", "6945", Protocol::Sccp, "9.3(1)-3"},
        {"SIP894x.9-4-2SR3-1", "894x", Protocol::Sip, "9.4(2)SR3-1"},
        {"SCCP894x.9-4-2SR1-2", "894x", Protocol::Sccp, "9.4(2)SR1-2"},
        {"SCCP894x.9-2-2-0", "894x", Protocol::Sccp, "9.2(2)-0"},
        {"SCCP8941_8945.9-4-1-9", "894x", Protocol::Sccp, "9.4(1)-9"},
        // 99xx / 8961
        {"sip9971.9-4-2SR4-1", "9971", Protocol::Sip, "9.4(2)SR4-1"},
        {"sip9971.9-4-2SR2-2", "9971", Protocol::Sip, "9.4(2)SR2-2"},
        {"sip9951.9-4-2SR4-1", "9951", Protocol::Sip, "9.4(2)SR4-1"},
        {"sip9951.9-4-2-13", "9951", Protocol::Sip, "9.4(2)-13"},
        {"sip8961.9-4-1-9", "8961", Protocol::Sip, "9.4(1)-9"},
        // 78xx / 88xx
        {"sip78xx.10-1-1SR1-4", "78xx", Protocol::Sip, "10.1(1)SR1-4"},
        {"sip78xx.11-0-1-11", "78xx", Protocol::Sip, "11.0(1)-11"},
        {"sip78xx.12-1-1-12", "78xx", Protocol::Sip, "12.1(1)-12"},
        {"sip78xx.12-7-1-0001-393", "78xx", Protocol::Sip, "12.7(1)-1-393"},
        {"sip78xx.14-1-1-0001-136", "78xx", Protocol::Sip, "14.1(1)-1-136"},
        {"sip78xx.14-2-1-0101-26", "78xx", Protocol::Sip, "14.2(1)-101-26"},
        {"sip88xx.12-0-1MN-113", "88xx", Protocol::Sip, "12.0(1)MN-113"},
        {"sip88xx.14-2-1-0101-26", "88xx", Protocol::Sip, "14.2(1)-101-26"},
        {"sip88xx.14-2-1-0001-14", "88xx", Protocol::Sip, "14.2(1)-1-14"},
        {"sip8845_65.14-1-1-0001-125", "8845_65", Protocol::Sip, "14.1(1)-1-125"},
        {"sip8832.14-2-1-0101-26", "8832", Protocol::Sip, "14.2(1)-101-26"},
        {"sip8831.9-3-3-5", "8831", Protocol::Sip, "9.3(3)-5"},
        {"sip8821.11-0-6SR2-4", "8821", Protocol::Sip, "11.0(6)SR2-4"},
        {"sip78xx.11-2-3MPP-398", "78xx", Protocol::Sip, "11.2(3)MPP-398"},
        {"sip78xx.12-0-7MPP0501-123", "78xx", Protocol::Sip, "12.0(7)MPP0501-123"},
        // wireless
        {"CP7921G-1.4.6.3", "7921", Protocol::Sccp, "1.4(6)-3"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.raw);
        const LoadId load = id(c.raw);
        CHECK(load.str() == c.raw);
        CHECK(load.family() == c.family);
        CHECK(load.protocol() == c.protocol);
        CHECK(load.version().to_string() == c.version);
        // Round trip: the raw text parses again to an equal ID.
        CHECK(id(load.str()) == load);
    }
}

TEST_CASE("TNP details: trailing S, TERM loads, prefix, file names") {
    CHECK(id("SIP41.9-4-2SR3-1S").has_signed_suffix());
    CHECK_FALSE(id("SCCP41.8-0-1-0DEV").has_signed_suffix());
    CHECK(id("SCCP41.8-0-1-0DEV").version().tag() == "DEV");
    CHECK(id("TERM41.7-0-3-0S").is_term_load());
    CHECK(id("SIP41.9-4-2SR3-1S").prefix() == "SIP41");
    CHECK(id("SIP41.9-4-2SR3-1S").loads_file_name() == "SIP41.9-4-2SR3-1S.loads");
    CHECK(id("CP7921G-1.4.6.3").loads_file_name() == "CP7921G-1.4.6.3.LOADS");
    CHECK(id("SCCP8941_8945.9-4-1-9").family_code() == "8941_8945");

    auto from_file = LoadId::from_file_name("tftp/SIP41.9-4-2SR3-1S.loads");
    REQUIRE(from_file.ok());
    CHECK(from_file->str() == "SIP41.9-4-2SR3-1S");
    CHECK(LoadId::from_file_name("CP7921G-1.4.6.3.LOADS").ok());
    CHECK_FALSE(LoadId::from_file_name("jar41sip.9-4-2ES26.sbn").ok());
}

TEST_CASE("human release form") {
    CHECK(id("SIP41.9-4-2SR3-1S").version().release() == "9.4(2)SR3");
    CHECK(id("SCCP45.9-4-2SR4-3S").version().release() == "9.4(2)SR4");
    CHECK(id("SIP41.8-5-2S").version().release() == "8.5(2)");
    CHECK(id("P0S3-8-12-00").version().release() == "8.12(0)");
    CHECK(id("SIP41.9-4-2-1S").version().to_string() == "9.4(2)-1");
}

TEST_CASE("the total order of docs/phone-files.md §5.2") {
    const std::vector<std::string> ascending = {
        "SCCP41.8-3-1S",      "SCCP41.8-3-3S",      "SCCP41.8-5-2S",   "SCCP41.8-5-2SR1S",
        "SCCP41.8-5-3S",      "SCCP41.9-4-2S",      "SCCP41.9-4-2-1S", "SCCP41.9-4-2SR1-1S",
        "SCCP41.9-4-2SR3-1S", "SCCP41.9-4-2SR4-3S",
    };
    for (std::size_t i = 0; i + 1 < ascending.size(); ++i) {
        CAPTURE(ascending[i]);
        CHECK(id(ascending[i]).version() < id(ascending[i + 1]).version());
        CHECK(id(ascending[i]) < id(ascending[i + 1]));
    }
    CHECK(id("P0S3-08-11-00").version() < id("P0S3-8-12-00").version());
    CHECK(id("P00308010200").version() < id("P0030801SR02").version());
    CHECK(id("P0S3-04-4-00").version() < id("P0S3-05-3-00").version());
    CHECK(id("sip78xx.12-7-1-0001-393").version() < id("sip78xx.14-2-1-0101-26").version());
    CHECK(id("sip78xx.14-1-1-0001-136").version() < id("sip78xx.14-2-1-0101-26").version());

    // Same version, different protocol: equal versions, different (but ordered) IDs.
    CHECK(id("SIP41.8-5-2S").version() == id("SCCP41.8-5-2S").version());
    CHECK(id("SIP41.8-5-2S") != id("SCCP41.8-5-2S"));
    CHECK((id("SIP41.8-5-2S") <=> id("SCCP41.8-5-2S")) != 0);

    // Sorting a shuffled list gives the ascending order back (a strict weak order).
    std::vector<LoadId> loads;
    for (auto it = ascending.rbegin(); it != ascending.rend(); ++it)
        loads.push_back(id(*it));
    std::sort(loads.begin(), loads.end());
    for (std::size_t i = 0; i < loads.size(); ++i)
        CHECK(loads[i].str() == ascending[i]);
}

TEST_CASE("human versions parse and compare with load versions") {
    CHECK(ver("8.5(2)SR1") == id("SIP41.8-5-2SR1S").version());
    CHECK(ver("9.4(2)SR4-3") == id("SCCP45.9-4-2SR4-3S").version());
    CHECK(ver("9.4(2)-1") == id("SIP41.9-4-2-1S").version());
    CHECK(ver("8.12(0)") == id("P0S3-8-12-00").version());
    CHECK(ver("4.4") == Version(4, 4, 0));
    CHECK(ver("12.6") < ver("12.6(1)"));
    CHECK(ver("14.0(1)SR3").service_release() == 3);
    CHECK(ver("12.0(1)MN-113").to_string() == "12.0(1)MN-113");
    CHECK(ver("8.3(3)") < ver("8.5(2)"));
    CHECK_FALSE(Version::parse("nine").ok());
    CHECK_FALSE(Version::parse("9.4(2").ok());
    CHECK_FALSE(Version::parse("9.4(2)SR").ok());
}

TEST_CASE("malformed and unknown IDs are errors that say what is wrong") {
    struct Bad {
        const char* raw;
        const char* says;
    };
    const std::vector<Bad> bad = {
        {"", "empty"},
        {"SIP41.9-4-2SR3-1S.loads", "file name"},
        {"SIP99.9-4-2S", "unknown phone family code '99'"},
        {"SIP41.9-4", "major-minor-maintenance"},
        {"SIP41.9-4-2SRx", "'SR' must be followed by its number"},
        {"SIP41.9-4-2ES26", "component build IDs"},
        {"SIP41.9-4-2SR1SR2S", "a second 'SR'"},
        {"SIP41.9-4-2 S", "space"},
        {"Sip41.9-4-2S", "wrong case"},
        {"SIP9971.9-4-2SR4-1", "lower case"},
        {"sip41.9-4-2S", "upper case"},
        {"XYZ41.9-4-2S", "must start with SIP, SCCP, TERM or sip"},
        {"P0X3-8-12-00", "third character"},
        {"P003-8-12-00", "universal application loader"},
        {"P0S3-8-12", "P0S3-<major>-<minor>-<sub>"},
        {"P003080102", "P003xxyy"},
        {"TERM894x.9-4-2", "TERM loads exist only"},
        {"SCCP9971.9-4-2SR4-1", "lower case"},
        {"SIP41", "expected <protocol><family>.<version>"},
        {"SIP41.9-4-2SR3-1S.", "unexpected text"},
        {"SIP41.99999999999-4-2S", "too long"},
        {"CP7921G-1.4", "dotted numbers"},
    };
    for (const Bad& b : bad) {
        CAPTURE(b.raw);
        auto parsed = LoadId::parse(b.raw);
        REQUIRE_FALSE(parsed.ok());
        const std::string said = parsed.error().describe() + " " + parsed.error().hint;
        CAPTURE(said);
        CHECK(said.find(b.says) != std::string::npos);
        CHECK(parsed.error().kind == fwplan::ErrorKind::BadInput);
        CHECK(parsed.error().code.rfind("fwplan.load-id.", 0) == 0);
    }
}

TEST_CASE("wrong-case hints name the right spelling") {
    auto parsed = LoadId::parse("SIP9971.9-4-2SR4-1");
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().hint.find("sip9971.9-4-2SR4-1") != std::string::npos);
}

TEST_CASE("protocols") {
    CHECK(fwplan::parse_protocol("sip").value() == Protocol::Sip);
    CHECK(fwplan::parse_protocol("Skinny").value() == Protocol::Sccp);
    CHECK(fwplan::to_string(Protocol::Mgcp) == "MGCP");
    CHECK_FALSE(fwplan::parse_protocol("h323").ok());
}

TEST_CASE("load IDs of real files the first grammar refused (issue 12)") {
    struct Case {
        const char* raw;
        const char* family;
        Protocol protocol;
        const char* version;
        const char* release;
    };
    const std::vector<Case> cases = {
        // wireless service releases, and a four-part wireless version
        {"CP7925G-1.4.1SR1", "7925", Protocol::Sccp, "1.4(1)SR1", "1.4(1)SR1"},
        {"CP7926G-1.4.1SR1", "7926", Protocol::Sccp, "1.4(1)SR1", "1.4(1)SR1"},
        {"CP7921G-1.4.3.4", "7921", Protocol::Sccp, "1.4(3)-4", "1.4(3)"},
        // 69xx singles with a letter suffix
        {"SCCP6911.9-2-1-a", "6911", Protocol::Sccp, "9.2(1)-a", "9.2(1)"},
        {"SCCP6901.9-2-1-a", "6901", Protocol::Sccp, "9.2(1)-a", "9.2(1)"},
        // 69xx with and without a service release
        {"SIP69xx.9-4-1-3", "69xx", Protocol::Sip, "9.4(1)-3", "9.4(1)"},
        {"SIP69xx.9-4-1-3SR2", "69xx", Protocol::Sip, "9.4(1)SR2-3", "9.4(1)SR2"},
        // 8961, the 3905, MPP service releases
        {"sip8961.9-4-2SR4-1", "8961", Protocol::Sip, "9.4(2)SR4-1", "9.4(2)SR4"},
        {"CP3905.9-4-1SR4-2", "3905", Protocol::Sip, "9.4(1)SR4-2", "9.4(1)SR4"},
        {"CP3905.9-4-1SR3", "3905", Protocol::Sip, "9.4(1)SR3", "9.4(1)SR3"},
        {"sip88xx.11-3-1MSR3-3", "88xx", Protocol::Sip, "11.3(1)MSR3-3", "11.3(1)MSR3"},
        {"sip78xx.12-8-1-0001-455", "78xx", Protocol::Sip, "12.8(1)-1-455", "12.8(1)"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.raw);
        const LoadId load = id(c.raw);
        CHECK(load.str() == c.raw);
        CHECK(load.family() == c.family);
        CHECK(load.protocol() == c.protocol);
        CHECK(load.version().to_string() == c.version);
        CHECK(load.version().release() == c.release);
        CHECK(id(load.str()) == load);
        // The human form parses back to the same version.
        CHECK(ver(load.version().to_string()) == load.version());
        // The family and its models are known.
        const fwplan::FamilyInfo* family = fwplan::find_family(load.family());
        REQUIRE(family != nullptr);
        CHECK_FALSE(fwplan::models_in_family(family->id).empty());
    }
    CHECK(id("CP7925G-1.4.1SR1").loads_file_name() == "CP7925G-1.4.1SR1.LOADS");
    CHECK(id("CP7926G-1.4.1SR1").loads_file_name() == "CP7926G-1.4.1SR1.LOADS");
    CHECK(id("CP3905.9-4-1SR4-2").loads_file_name() == "CP3905.9-4-1SR4-2.loads");
    CHECK(id("sip88xx.11-3-1MSR3-3").version().service_release() == 3);
    // MSR0 keeps its tag when written out (found by fuzz_load_id: "11.3(1)MSR0-3").
    CHECK(ver("11.3(1)MSR0-3").to_string() == "11.3(1)MSR0-3");
    CHECK(ver(ver("11.3(1)MSR0-3").to_string()) == ver("11.3(1)MSR0-3"));
}

TEST_CASE("the new grammars order sensibly within their families") {
    const std::vector<std::vector<std::string>> ascending = {
        {"CP7925G-1.4.1", "CP7925G-1.4.1SR1", "CP7925G-1.4.3.4", "CP7925G-1.4.8SR1-5"},
        {"SCCP6911.9-2-1", "SCCP6911.9-2-1-a", "SCCP6911.9-2-1-1", "SCCP6911.9-3-1-SR2-3"},
        {"SIP69xx.9-4-1-3", "SIP69xx.9-4-1-3SR2", "SIP69xx.9-4-1-3SR3"},
        {"CP3905.9-4-1SR2-2", "CP3905.9-4-1SR3", "CP3905.9-4-1SR4-2"},
        {"sip8961.9-4-1-9", "sip8961.9-4-2SR4-1"},
        {"sip88xx.11-3-1MSR3-3", "sip88xx.12-0-1MPP0001-245", "sip88xx.12-0-7MPP0201-66"},
    };
    for (const auto& family : ascending)
        for (std::size_t i = 0; i + 1 < family.size(); ++i) {
            CAPTURE(family[i]);
            CHECK(id(family[i]) < id(family[i + 1]));
        }
}

TEST_CASE("the new grammars still refuse what is not a load") {
    for (const char* raw :
         {"CP3905.9-4", "CP9999.9-4-1", "CP7925G-1.4.1SRx", "CP7925G-1.4.1-SR", "SCCP6911.9-2-1-ab",
          "sip88xx.11-3-1MSR", "CP7925G-1.4.1SR1SR2", "CP7925G-1.4.6.3.1"}) {
        CAPTURE(raw);
        CHECK_FALSE(LoadId::parse(raw).ok());
    }
}
