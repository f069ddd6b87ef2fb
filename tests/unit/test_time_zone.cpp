// time_zone.hpp: the Cisco names a phone knows, found by their own name, Windows' name or an
// IANA zone; an unknown zone refused with the closest names; the 7940/7960 files get the
// zone too (issue 13, point 2).
#include <fwplan/device_config.hpp>
#include <fwplan/time_zone.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>

using namespace fwplan;

namespace {

std::string name_of(std::string_view text) {
    auto zone = find_time_zone(text);
    INFO(text);
    REQUIRE(zone.ok());
    return std::string((*zone)->name);
}

// `key: value` lines of a SIPDefault.cnf.
std::map<std::string, std::string> cnf(const std::string& text) {
    std::map<std::string, std::string> out;
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t end = text.find('\n', at);
        const std::string line = text.substr(at, end - at);
        at = end == std::string::npos ? text.size() : end + 1;
        const std::size_t colon = line.find(": ");
        if (!line.empty() && line[0] != '#' && colon != std::string::npos)
            out[line.substr(0, colon)] = line.substr(colon + 2);
    }
    return out;
}

} // namespace

TEST_CASE("time zones are found by Cisco name, Windows name and IANA zone") {
    CHECK(name_of("Europe/Berlin") == "W. Europe Standard/Daylight Time");
    CHECK(name_of("europe/berlin") == "W. Europe Standard/Daylight Time");
    CHECK(name_of("W. Europe Standard/Daylight Time") == "W. Europe Standard/Daylight Time");
    CHECK(name_of("  w. europe   standard/daylight time ") == "W. Europe Standard/Daylight Time");
    CHECK(name_of("W. Europe Standard Time") == "W. Europe Standard/Daylight Time"); // tzutil
    CHECK(name_of("Tokyo Standard Time") == "Tokyo Standard Time");
    CHECK(name_of("America/New_York") == "Eastern Standard/Daylight Time");
    CHECK(name_of("Europe/London") == "GMT Standard/Daylight Time");
    CHECK(name_of("UTC") == "Greenwich Standard Time");
    // Countries that dropped summer time get a name without it, so the clock is right.
    CHECK(name_of("America/Sao_Paulo") == "SA Eastern Standard Time");
    CHECK(name_of("Europe/Moscow") == "Saudi Arabia Standard Time");
    CHECK(name_of("America/Mexico_City") == "Canada Central Standard Time");
}

TEST_CASE("an unknown time zone is refused with the closest names") {
    auto typo = find_time_zone("Europe/Berln");
    REQUIRE_FALSE(typo.ok());
    CHECK(typo.error().code == "fwplan.config.unknown-time-zone");
    CHECK(typo.error().kind == ErrorKind::BadInput);
    CHECK(typo.error().hint.find("Europe/Berlin (W. Europe Standard/Daylight Time)") !=
          std::string::npos);
    CHECK(typo.error().hint.find("fwplan catalog --time-zones") != std::string::npos);

    auto cisco_typo = find_time_zone("Tokio Standard Time");
    REQUIRE_FALSE(cisco_typo.ok());
    CHECK(cisco_typo.error().hint.find("Tokyo Standard Time") != std::string::npos);

    // A zone no Cisco name shows the clock of (+03:30 without summer time).
    auto tehran = find_time_zone("Asia/Tehran");
    REQUIRE_FALSE(tehran.ok());
    CHECK(tehran.error().message.find("Asia/Tehran") != std::string::npos);
    CHECK_FALSE(find_time_zone("").ok());
}

TEST_CASE("the time zone table is ordered, unique, and consistent with its names") {
    std::set<std::string> names;
    std::set<std::string> iana;
    int previous = -24 * 60;
    for (const CiscoTimeZone& zone : cisco_time_zones()) {
        CAPTURE(zone.name);
        CHECK(names.insert(std::string(zone.name)).second);
        CHECK(zone.utc_offset_minutes >= previous);
        previous = zone.utc_offset_minutes;
        // "Standard/Daylight" names move the clock in summer; "Standard Time" ones do not.
        CHECK(zone.daylight == (zone.name.find("/Daylight") != std::string_view::npos));
        std::string_view list = zone.iana;
        while (!list.empty()) {
            const std::size_t space = list.find(' ');
            CHECK(iana.insert(std::string(list.substr(0, space))).second); // one zone, one name
            list = space == std::string_view::npos ? std::string_view() : list.substr(space + 1);
        }
        if (!zone.legacy.empty())
            CHECK((zone.legacy_daylight != LegacyDaylight::None) == zone.daylight);
    }
    CHECK(names.size() == cisco_time_zones().size());
}

TEST_CASE("a time zone reaches SEP<MAC>.cnf.xml and the 7940/7960 SIPDefault.cnf") {
    const ModelInfo& m7960 = *find_model("7960").value();
    const ModelInfo& m7941 = *find_model("7941").value();
    const MacAddress mac = MacAddress::parse("00:19:e8:f4:12:34").value();
    const LoadId sip = LoadId::parse("P0S3-8-12-00").value();

    SipSettings berlin;
    set_time_zone(berlin, **find_time_zone("Europe/Berlin"));
    CHECK(berlin.time_zone == "W. Europe Standard/Daylight Time");
    auto step =
        make_step_files(m7960, mac, sip, Protocol::Sip, DeviceTemplate::firmware_only(), berlin);
    REQUIRE(step.ok());
    const auto defaults = cnf(step->files[1].content);
    REQUIRE(step->files[1].name == "SIPDefault.cnf");
    CHECK(defaults.at("time_zone") == "CET");
    // The EU's rule: last Sundays of March and October at 01:00 UTC, 02:00 and 03:00 in Berlin.
    CHECK(defaults.at("dst_auto_adjust") == "1");
    CHECK(defaults.at("dst_start_month") == "Mar");
    CHECK(defaults.at("dst_start_week_of_month") == "8");
    CHECK(defaults.at("dst_start_day_of_week") == "Sun");
    CHECK(defaults.at("dst_start_time") == "02/00");
    CHECK(defaults.at("dst_stop_month") == "Oct");
    CHECK(defaults.at("dst_stop_week_of_month") == "8");
    CHECK(defaults.at("dst_stop_time") == "03/00");
    CHECK(std::none_of(step->warnings.begin(), step->warnings.end(), [](const Diagnostic& d) {
        return d.code == "fwplan.config.time-zone-not-for-7960";
    }));

    SipSettings london;
    set_time_zone(london, **find_time_zone("Europe/London"));
    auto uk =
        make_step_files(m7960, mac, sip, Protocol::Sip, DeviceTemplate::firmware_only(), london);
    REQUIRE(uk.ok());
    CHECK(cnf(uk->files[1].content).at("time_zone") == "GMT");
    CHECK(cnf(uk->files[1].content).at("dst_start_time") == "01/00");

    SipSettings new_york;
    set_time_zone(new_york, **find_time_zone("America/New_York"));
    auto us =
        make_step_files(m7960, mac, sip, Protocol::Sip, DeviceTemplate::firmware_only(), new_york);
    REQUIRE(us.ok());
    const auto us_defaults = cnf(us->files[1].content);
    CHECK(us_defaults.at("time_zone") == "EST");
    CHECK(us_defaults.at("dst_start_week_of_month") == "2");
    CHECK(us_defaults.at("dst_stop_month") == "Nov");

    // No 7940/7960 equivalent known: the files get none, and a warning says so.
    SipSettings tokyo;
    set_time_zone(tokyo, **find_time_zone("Asia/Tokyo"));
    auto jp =
        make_step_files(m7960, mac, sip, Protocol::Sip, DeviceTemplate::firmware_only(), tokyo);
    REQUIRE(jp.ok());
    CHECK(cnf(jp->files[1].content).count("time_zone") == 0);
    CHECK(std::any_of(jp->warnings.begin(), jp->warnings.end(), [](const Diagnostic& d) {
        return d.code == "fwplan.config.time-zone-not-for-7960" && d.where == "SIPDefault.cnf";
    }));

    // The built-in SEP template carries the Cisco name.
    auto tmpl = DeviceTemplate::builtin_sip(berlin);
    REQUIRE(tmpl.ok());
    auto sep = make_step_files(m7941, mac, LoadId::parse("SIP41.9-4-2SR3-1S").value(),
                               Protocol::Sip, *tmpl, berlin);
    REQUIRE(sep.ok());
    CHECK(sep->files[0].content.find("<timeZone>W. Europe Standard/Daylight Time</timeZone>") !=
          std::string::npos);
}
