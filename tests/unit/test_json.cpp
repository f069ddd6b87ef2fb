// json.hpp: the SIP settings reader the C API takes (every key, defaults kept, typos and
// wrong types refused with the key named), the step-files document (files, warnings, and
// content JSON cannot carry refused rather than altered), and descriptive documents that
// survive file names that are not UTF-8.
#include <fwplan/json.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

using namespace fwplan;

namespace {
SipSettings settings(const std::string& text) {
    auto parsed = json::parse_sip_settings(text);
    INFO(text, ": ", parsed ? std::string() : parsed.error().describe());
    REQUIRE(parsed.ok());
    return *parsed;
}

Error settings_error(const std::string& text) {
    auto parsed = json::parse_sip_settings(text, "site.json");
    INFO(text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().kind == ErrorKind::BadInput);
    CHECK(parsed.error().file == "site.json");
    return parsed.error();
}
} // namespace

TEST_CASE("SIP settings: every key is read") {
    const SipSettings s = settings(R"({
        "server": "192.168.178.1", "port": 5070,
        "outbound_proxy": "proxy.example", "outbound_proxy_port": 5080,
        "ntp_server": "ntp.example", "time_zone": "W. Europe Standard/Daylight Time",
        "date_template": "D.M.Y", "legacy_time_zone": "CET", "phone_label": "Office",
        "lines": [{"name": "620", "auth_name": "620a", "auth_password": "pw",
                   "display_name": "Desk", "messages_number": "**600"},
                  {"name": "621"}],
        "speed_dials": [{"label": "Home", "number": "0301234"}]})");
    CHECK(s.server == "192.168.178.1");
    CHECK(s.port == 5070);
    CHECK(s.outbound_proxy == "proxy.example");
    CHECK(s.outbound_proxy_port == 5080);
    CHECK(s.ntp_server == "ntp.example");
    CHECK(s.time_zone == "W. Europe Standard/Daylight Time");
    CHECK(s.date_template == "D.M.Y");
    CHECK(s.legacy_time_zone == "CET");
    CHECK(s.phone_label == "Office");
    REQUIRE(s.lines.size() == 2);
    CHECK(s.lines[0].name == "620");
    CHECK(s.lines[0].auth_name == "620a");
    CHECK(s.lines[0].auth_password == "pw");
    CHECK(s.lines[0].display_name == "Desk");
    CHECK(s.lines[0].messages_number == "**600");
    CHECK(s.lines[1].name == "621");
    CHECK(s.lines[1].auth_password.empty());
    REQUIRE(s.speed_dials.size() == 1);
    CHECK(s.speed_dials[0].label == "Home");
    CHECK(s.speed_dials[0].number == "0301234");
}

TEST_CASE("SIP settings: missing keys keep the defaults") {
    const SipSettings defaults;
    const SipSettings s = settings("{}");
    CHECK(s.server.empty());
    CHECK(s.port == defaults.port);
    CHECK(s.time_zone == defaults.time_zone);
    CHECK(s.date_template == defaults.date_template);
    CHECK(s.lines.empty());
    CHECK(settings(R"({"port": 0})").port == 0); // range is validate()'s business
    CHECK(settings(R"({"port": 65535})").port == 65535);
}

TEST_CASE("SIP settings: what is refused, naming the key") {
    Error e = settings_error("{\"server\": ");
    CHECK(e.code == "fwplan.settings.not-json");
    CHECK(e.message.rfind("not JSON: parse error at line 1", 0) == 0);
    CHECK(e.message.find("[json.exception") == std::string::npos);
    CHECK(e.offset.has_value());

    e = settings_error("[1, 2]");
    CHECK(e.code == "fwplan.settings.wrong-type");
    CHECK(e.message == "the document must be an object ({...})");

    e = settings_error(R"({"sever": "pbx"})");
    CHECK(e.code == "fwplan.settings.unknown-key");
    CHECK(e.message == "unknown key 'sever'");
    CHECK(e.hint.find("server, port, outbound_proxy") != std::string::npos);

    e = settings_error(R"({"lines": [{"name": "620", "password": "x"}]})");
    CHECK(e.code == "fwplan.settings.unknown-key");
    CHECK(e.message == "unknown key 'lines[0].password'");
    CHECK(e.hint.find("auth_password") != std::string::npos);

    e = settings_error(R"({"speed_dials": [{"label": "a", "dial": "1"}]})");
    CHECK(e.message == "unknown key 'speed_dials[0].dial'");

    e = settings_error(R"({"server": 192})");
    CHECK(e.code == "fwplan.settings.wrong-type");
    CHECK(e.message == "server must be a string");
    for (const char* port : {"-1", "65536", "5060.5", "\"5060\"", "true"}) {
        CAPTURE(port);
        e = settings_error(std::string(R"({"port": )") + port + "}");
        CHECK(e.message == "port must be a whole number from 0 to 65535");
    }
    CHECK(settings_error(R"({"lines": {"name": "620"}})").message ==
          "lines must be an array ([...])");
    CHECK(settings_error(R"({"lines": ["620"]})").message.rfind("lines[0] must be an object", 0) ==
          0);
    CHECK(settings_error(R"({"lines": [{"name": null}]})").message ==
          "lines[0].name must be a string");
    // JSON strings are Unicode: bytes that are not UTF-8 do not parse.
    CHECK(settings_error("{\"server\": \"b\xfcro\"}").code == "fwplan.settings.not-json");
}

TEST_CASE("step files as JSON") {
    StepFiles step;
    step.files.push_back({"SEP008041AEFD7E.cnf.xml", "<device>\"B\xc3\xbcro\"</device>\n", false});
    step.files.push_back({"SIPDefault.cnf", "image_version: P0S3-8-12-00\n", true});
    step.warnings.push_back(
        warning("fwplan.config.no-line", "no line", "SEP008041AEFD7E.cnf.xml: device"));
    auto text = json::step_files(step);
    REQUIRE(text.ok());
    const auto doc = nlohmann::json::parse(*text);
    REQUIRE(doc["files"].size() == 2);
    CHECK(doc["files"][0]["name"] == "SEP008041AEFD7E.cnf.xml");
    CHECK(doc["files"][0]["shared"] == false);
    CHECK(doc["files"][0]["content"] == "<device>\"B\xc3\xbcro\"</device>\n");
    CHECK(doc["files"][1]["shared"] == true);
    REQUIRE(doc["warnings"].size() == 1);
    CHECK(doc["warnings"][0]["code"] == "fwplan.config.no-line");
    CHECK(doc["warnings"][0]["where"] == "SEP008041AEFD7E.cnf.xml: device");

    step.files[1].content = "phone_label: \"B\xfcro\"\n"; // Latin-1
    auto refused = json::step_files(step);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == "fwplan.config.not-utf8");
    CHECK(refused.error().file == "SIPDefault.cnf");
    CHECK(refused.error().offset == 15);
}

TEST_CASE("a file name that is not UTF-8 does not fail a descriptive document") {
    FirmwarePackage package;
    package.path = "/srv/tftp/B\xfcro";
    package.kind = ArchiveKind::Folder;
    Error error = bad_input("archive.not-found", "does not exist");
    error.file = "/srv/tftp/B\xfcro/x.zip";
    const auto inspected = nlohmann::json::parse(json::inspect({package}, {error}));
    CHECK(inspected["packages"][0]["path"] == "/srv/tftp/B\xef\xbf\xbdro");
    CHECK(inspected["errors"][0]["file"] == "/srv/tftp/B\xef\xbf\xbdro/x.zip");
    const auto failed = nlohmann::json::parse(json::error(error));
    CHECK(failed["error"]["file"] == "/srv/tftp/B\xef\xbf\xbdro/x.zip");
}
