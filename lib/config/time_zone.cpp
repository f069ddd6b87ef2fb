// The Cisco time zone names and the IANA zones each serves (time_zone.hpp).
//
// Names: the `timeZone` list of usecallmanager.nz (https://usecallmanager.nz/sepmac-cnf-xml.html),
// which is what the Java-era firmware knows. Offsets: Windows' standard offsets for those
// names (the names are Windows time zone names with "Standard/Daylight"; usecallmanager's
// table gives +60 for GTB and E. Europe and +120 for Romance and Central Europe, which is
// the Windows zones swapped: Paris is UTC+1 and Athens UTC+2).
// IANA zones: Unicode CLDR windowsZones.xml
// (https://github.com/unicode-org/cldr/blob/main/common/supplemental/windowsZones.xml),
// with the changes the tz database (https://www.iana.org/time-zones) records since: a zone
// whose country dropped summer time goes to the Cisco name with its offset and none.
// tests/cli/test_time_zones.py checks every IANA zone here against the system's tz data:
// its offsets in January and July and the months its clock changes.
//
// 7940/7960 (`legacy`): only the abbreviations Cisco's sample SIPDefault.cnf and public
// working files use (`time_zone: "EST"`, `time_zone: CET`); other zones get none and a
// warning (lint_cnf).

#include "detail/text.hpp"

#include <fwplan/diagnostic.hpp>
#include <fwplan/time_zone.hpp>

#include <array>
#include <string>
#include <vector>

namespace fwplan {

namespace {

using LD = LegacyDaylight;

// clang-format off
constexpr std::array<CiscoTimeZone, 55> kZones{{
    {"Dateline Standard Time", -720, false, "Etc/GMT+12", "", LD::None},
    {"Samoa Standard Time", -660, false, "Pacific/Pago_Pago Pacific/Midway Pacific/Niue Etc/GMT+11", "", LD::None},
    {"Hawaiian Standard Time", -600, false, "Pacific/Honolulu Pacific/Rarotonga Pacific/Tahiti Etc/GMT+10", "", LD::None},
    {"Alaskan Standard/Daylight Time", -540, true, "America/Anchorage America/Juneau America/Metlakatla America/Nome America/Sitka America/Yakutat", "", LD::None},
    {"Pacific Standard/Daylight Time", -480, true, "America/Los_Angeles America/Vancouver America/Tijuana", "PST", LD::NorthAmerica},
    {"Mountain Standard/Daylight Time", -420, true, "America/Denver America/Edmonton America/Boise America/Cambridge_Bay America/Inuvik America/Ciudad_Juarez", "MST", LD::NorthAmerica},
    // Arizona; Yukon since 2020; Sonora and Sinaloa (Mexico without summer time since 2022).
    {"US Mountain Standard Time", -420, false, "America/Phoenix America/Creston America/Dawson_Creek America/Fort_Nelson America/Whitehorse America/Dawson America/Hermosillo America/Mazatlan Etc/GMT+7", "MST", LD::None},
    {"Central Standard/Daylight Time", -360, true, "America/Chicago America/Winnipeg America/Indiana/Knox America/Indiana/Tell_City America/Menominee America/North_Dakota/Center America/North_Dakota/New_Salem America/North_Dakota/Beulah America/Rankin_Inlet America/Resolute America/Matamoros America/Ojinaga", "CST", LD::NorthAmerica},
    // Mexico dropped summer time in 2022: its zones are under Canada Central below.
    {"Mexico Standard/Daylight Time", -360, true, "", "", LD::None},
    {"Canada Central Standard Time", -360, false, "America/Regina America/Swift_Current America/Mexico_City America/Monterrey America/Merida America/Bahia_Banderas America/Chihuahua America/Guatemala America/Belize America/Costa_Rica America/El_Salvador America/Tegucigalpa America/Managua Pacific/Galapagos Etc/GMT+6", "CST", LD::None},
    {"SA Pacific Standard Time", -300, false, "America/Bogota America/Lima America/Guayaquil America/Panama America/Jamaica America/Cayman America/Rio_Branco America/Eirunepe America/Atikokan America/Cancun Etc/GMT+5", "", LD::None},
    {"Eastern Standard/Daylight Time", -300, true, "America/New_York America/Toronto America/Detroit America/Nassau America/Iqaluit America/Indiana/Indianapolis America/Indiana/Marengo America/Indiana/Petersburg America/Indiana/Vevay America/Indiana/Vincennes America/Indiana/Winamac America/Kentucky/Louisville America/Kentucky/Monticello America/Port-au-Prince", "EST", LD::NorthAmerica},
    // Indiana has kept summer time since 2006: no zone is on US Eastern Standard Time now.
    {"US Eastern Standard Time", -300, false, "", "", LD::None},
    {"Atlantic Standard/Daylight Time", -240, true, "America/Halifax America/Glace_Bay America/Goose_Bay America/Moncton America/Thule Atlantic/Bermuda", "", LD::None},
    {"SA Western Standard Time", -240, false, "America/La_Paz America/Caracas America/Manaus America/Boa_Vista America/Porto_Velho America/Cuiaba America/Campo_Grande America/Guyana America/Puerto_Rico America/Santo_Domingo America/Barbados America/Martinique America/Port_of_Spain Etc/GMT+4", "", LD::None},
    // Chile's rules (America/Santiago) are neither of these two names.
    {"Pacific SA Standard Time", -240, false, "", "", LD::None},
    {"Newfoundland Standard/Daylight Time", -210, true, "America/St_Johns", "", LD::None},
    // Brazil dropped summer time in 2019: Sao Paulo is under SA Eastern below.
    {"E. South America Standard/Daylight Time", -180, true, "", "", LD::None},
    {"SA Eastern Standard Time", -180, false, "America/Sao_Paulo America/Argentina/Buenos_Aires America/Argentina/Cordoba America/Montevideo America/Cayenne America/Paramaribo America/Fortaleza America/Recife America/Belem America/Bahia America/Maceio America/Araguaina America/Santarem America/Punta_Arenas Atlantic/Stanley Etc/GMT+3", "", LD::None},
    {"Pacific SA Daylight Time", -180, false, "", "", LD::None},
    {"Mid-Atlantic Standard/Daylight Time", -120, true, "", "", LD::None},
    {"Azores Standard/Daylight Time", -60, true, "Atlantic/Azores", "", LD::None},
    {"GMT Standard/Daylight Time", 0, true, "Europe/London Europe/Dublin Europe/Lisbon Europe/Guernsey Europe/Isle_of_Man Europe/Jersey Atlantic/Canary Atlantic/Faroe Atlantic/Madeira", "GMT", LD::Europe},
    {"Greenwich Standard Time", 0, false, "UTC GMT Etc/UTC Etc/GMT Atlantic/Reykjavik Africa/Abidjan Africa/Accra Africa/Bamako Africa/Banjul Africa/Bissau Africa/Conakry Africa/Dakar Africa/Freetown Africa/Lome Africa/Monrovia Africa/Nouakchott Africa/Ouagadougou Atlantic/St_Helena", "GMT", LD::None},
    {"W. Europe Standard/Daylight Time", 60, true, "Europe/Berlin Europe/Amsterdam Europe/Andorra Europe/Vienna Europe/Zurich Europe/Rome Europe/Stockholm Europe/Oslo Europe/Luxembourg Europe/Monaco Europe/Malta Europe/San_Marino Europe/Vatican Europe/Gibraltar Europe/Vaduz Europe/Busingen Arctic/Longyearbyen", "CET", LD::Europe},
    {"Romance Standard/Daylight Time", 60, true, "Europe/Paris Europe/Brussels Europe/Copenhagen Europe/Madrid Africa/Ceuta", "CET", LD::Europe},
    {"Central Europe Standard/Daylight Time", 60, true, "Europe/Budapest Europe/Prague Europe/Belgrade Europe/Bratislava Europe/Ljubljana Europe/Podgorica Europe/Tirane Europe/Warsaw Europe/Sarajevo Europe/Skopje Europe/Zagreb", "CET", LD::Europe},
    // GTB serves Windows' FLE zones (Helsinki, Kyiv, Riga, Sofia, Tallinn, Vilnius) too:
    // the same offset and the EU's rule.
    {"GTB Standard/Daylight Time", 120, true, "Europe/Athens Europe/Bucharest Asia/Nicosia Asia/Famagusta Europe/Helsinki Europe/Kiev Europe/Riga Europe/Sofia Europe/Tallinn Europe/Vilnius Europe/Mariehamn", "", LD::None},
    {"Egypt Standard/Daylight Time", 120, true, "Africa/Cairo", "", LD::None},
    {"E. Europe Standard/Daylight Time", 120, true, "Europe/Chisinau", "", LD::None},
    {"South Africa Standard Time", 120, false, "Africa/Johannesburg Africa/Maputo Africa/Harare Africa/Lusaka Africa/Gaborone Africa/Blantyre Africa/Kigali Africa/Bujumbura Africa/Lubumbashi Africa/Maseru Africa/Mbabane Africa/Windhoek Africa/Tripoli Africa/Juba Africa/Khartoum Europe/Kaliningrad Etc/GMT-2", "", LD::None},
    {"Jerusalem Standard/Daylight Time", 120, true, "Asia/Jerusalem", "", LD::None},
    // Turkey (2016), Belarus, Russia (2014), Jordan and Syria (2022) keep UTC+3 all year.
    {"Saudi Arabia Standard Time", 180, false, "Asia/Riyadh Asia/Kuwait Asia/Aden Asia/Qatar Asia/Bahrain Asia/Baghdad Africa/Nairobi Africa/Addis_Ababa Africa/Dar_es_Salaam Africa/Kampala Africa/Mogadishu Africa/Djibouti Africa/Asmara Indian/Antananarivo Indian/Comoro Indian/Mayotte Europe/Istanbul Europe/Minsk Europe/Moscow Europe/Simferopol Europe/Kirov Europe/Volgograd Asia/Amman Asia/Damascus Etc/GMT-3", "", LD::None},
    {"Russian Standard/Daylight Time", 180, true, "", "", LD::None},
    // Iran dropped summer time in 2022; no Cisco name shows +03:30 without it.
    {"Iran Standard/Daylight Time", 210, true, "", "", LD::None},
    // Armenia, Azerbaijan and Georgia keep UTC+4 all year: under Arabian below.
    {"Caucasus Standard/Daylight Time", 240, true, "", "", LD::None},
    {"Arabian Standard Time", 240, false, "Asia/Dubai Asia/Muscat Asia/Tbilisi Asia/Yerevan Asia/Baku Indian/Mauritius Indian/Reunion Indian/Mahe Europe/Samara Europe/Astrakhan Europe/Saratov Europe/Ulyanovsk Etc/GMT-4", "", LD::None},
    {"Afghanistan Standard Time", 270, false, "Asia/Kabul", "", LD::None},
    {"West Asia Standard Time", 300, false, "Asia/Tashkent Asia/Samarkand Asia/Karachi Asia/Dushanbe Asia/Ashgabat Indian/Maldives Indian/Kerguelen Asia/Aqtobe Asia/Aqtau Asia/Atyrau Asia/Oral Etc/GMT-5", "", LD::None},
    {"Ekaterinburg Standard Time", 300, false, "Asia/Yekaterinburg", "", LD::None},
    {"India Standard Time", 330, false, "Asia/Kolkata Asia/Calcutta Asia/Colombo", "", LD::None},
    {"Central Asia Standard Time", 360, false, "Asia/Dhaka Asia/Bishkek Asia/Omsk Asia/Urumqi Asia/Thimphu Indian/Chagos Etc/GMT-6", "", LD::None},
    {"SE Asia Standard Time", 420, false, "Asia/Bangkok Asia/Jakarta Asia/Ho_Chi_Minh Asia/Phnom_Penh Asia/Vientiane Asia/Pontianak Asia/Novosibirsk Asia/Krasnoyarsk Asia/Barnaul Asia/Tomsk Asia/Novokuznetsk Asia/Hovd Indian/Christmas Etc/GMT-7", "", LD::None},
    // Whether the firmware moves this one's clock in summer is not documented (China has
    // no summer time): China's zones are under Taipei below, which surely does not.
    {"China Standard/Daylight Time", 480, true, "", "", LD::None},
    {"Taipei Standard Time", 480, false, "Asia/Taipei Asia/Shanghai Asia/Hong_Kong Asia/Macau Asia/Singapore Asia/Kuala_Lumpur Asia/Manila Asia/Makassar Asia/Brunei Asia/Irkutsk Asia/Ulaanbaatar Australia/Perth Etc/GMT-8", "", LD::None},
    {"Tokyo Standard Time", 540, false, "Asia/Tokyo Asia/Seoul Asia/Pyongyang Asia/Jayapura Asia/Yakutsk Asia/Chita Asia/Dili Pacific/Palau Etc/GMT-9", "", LD::None},
    {"Cen. Australia Standard/Daylight Time", 570, true, "Australia/Adelaide Australia/Broken_Hill", "", LD::None},
    {"AUS Central Standard Time", 570, false, "Australia/Darwin", "", LD::None},
    {"E. Australia Standard Time", 600, false, "Australia/Brisbane Australia/Lindeman", "", LD::None},
    {"AUS Eastern Standard/Daylight Time", 600, true, "Australia/Sydney Australia/Melbourne", "", LD::None},
    {"West Pacific Standard Time", 600, false, "Pacific/Port_Moresby Pacific/Guam Pacific/Saipan Pacific/Chuuk Asia/Vladivostok Etc/GMT-10", "", LD::None},
    {"Tasmania Standard/Daylight Time", 600, true, "Australia/Hobart", "", LD::None},
    {"Central Pacific Standard Time", 660, false, "Pacific/Guadalcanal Pacific/Noumea Pacific/Pohnpei Pacific/Efate Pacific/Kosrae Pacific/Bougainville Asia/Magadan Asia/Sakhalin Asia/Srednekolymsk Etc/GMT-11", "", LD::None},
    // Fiji has suspended summer time since 2022.
    {"Fiji Standard Time", 720, false, "Pacific/Fiji Pacific/Tarawa Pacific/Majuro Pacific/Kwajalein Pacific/Funafuti Pacific/Wake Pacific/Wallis Pacific/Nauru Asia/Kamchatka Asia/Anadyr Etc/GMT-12", "", LD::None},
    {"New Zealand Standard/Daylight Time", 720, true, "Pacific/Auckland Antarctica/McMurdo", "", LD::None},
}};
// clang-format on

// Collapses runs of spaces and trims, so "W. Europe  Standard/Daylight Time " matches.
std::string normalized(std::string_view text) {
    std::string out;
    bool space = false;
    for (char c : detail::trim(text)) {
        if (c == ' ' || c == '\t') {
            space = true;
            continue;
        }
        if (space && !out.empty())
            out += ' ';
        space = false;
        out += c;
    }
    return out;
}

// Calls `visit` with each IANA zone of a space-separated list.
template <typename Visit>
void each_iana(std::string_view list, Visit visit) {
    while (!list.empty()) {
        const std::size_t space = list.find(' ');
        visit(list.substr(0, space));
        list = space == std::string_view::npos ? std::string_view() : list.substr(space + 1);
    }
}

} // namespace

std::span<const CiscoTimeZone> cisco_time_zones() noexcept {
    return kZones;
}

Result<const CiscoTimeZone*> find_time_zone(std::string_view name) {
    const std::string wanted = normalized(name);
    for (const CiscoTimeZone& zone : kZones)
        if (detail::equals_ignoring_case(zone.name, wanted))
            return &zone;
    // Windows' own name ("W. Europe Standard Time", what tzutil prints) for a zone Cisco
    // names "W. Europe Standard/Daylight Time".
    constexpr std::string_view kWindows = " Standard Time";
    if (wanted.size() > kWindows.size() &&
        detail::equals_ignoring_case(wanted.substr(wanted.size() - kWindows.size()), kWindows)) {
        const std::string cisco =
            wanted.substr(0, wanted.size() - kWindows.size()) + " Standard/Daylight Time";
        for (const CiscoTimeZone& zone : kZones)
            if (detail::equals_ignoring_case(zone.name, cisco))
                return &zone;
    }
    const CiscoTimeZone* by_iana = nullptr;
    for (const CiscoTimeZone& zone : kZones)
        each_iana(zone.iana, [&](std::string_view iana) {
            if (by_iana == nullptr && detail::equals_ignoring_case(iana, wanted))
                by_iana = &zone;
        });
    if (by_iana != nullptr)
        return by_iana;

    // The hint: the Cisco names closest to what was typed, or to the IANA zone that is.
    std::vector<std::string> cisco;
    std::vector<std::string> iana;
    std::vector<const CiscoTimeZone*> owner;
    for (const CiscoTimeZone& zone : kZones) {
        cisco.emplace_back(zone.name);
        each_iana(zone.iana, [&](std::string_view z) {
            iana.emplace_back(z);
            owner.push_back(&zone);
        });
    }
    std::vector<std::string> suggestions = closest_matches(wanted, cisco);
    for (const std::string& near : closest_matches(wanted, iana)) {
        for (std::size_t i = 0; i < iana.size(); ++i)
            if (iana[i] == near)
                suggestions.push_back(near + " (" + std::string(owner[i]->name) + ")");
    }
    Error error = bad_input("config.unknown-time-zone",
                            detail::quote(name) +
                                " is neither a time zone name Cisco phones know nor an IANA "
                                "zone fwplan maps to one (Europe/Berlin, America/New_York, ...)");
    std::string hint;
    if (!suggestions.empty())
        hint = "did you mean " + detail::join(suggestions, " or ") + "? ";
    hint += "'fwplan catalog --time-zones' lists every Cisco name and the IANA zones it serves";
    return error.with_hint(hint);
}

} // namespace fwplan
