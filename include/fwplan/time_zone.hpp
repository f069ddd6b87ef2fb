#pragma once
/// @file time_zone.hpp
/// The time zone names Cisco phones know, and the IANA zones (`Europe/Berlin`) each one
/// serves.
///
/// A Java-era phone (79x1, 79x2, 79x5, 797x, 7906/7911) takes its time zone from
/// `<devicePool><dateTimeSetting><timeZone>` in its `SEP<MAC>.cnf.xml`, **by name**: one of
/// a fixed list of names CUCM took from Windows' time zones, such as
/// `W. Europe Standard/Daylight Time` ("Standard/Daylight" where the zone moves its clocks
/// in summer, "Standard Time" where it does not). The names the firmware knows are the ones
/// usecallmanager.nz lists for `timeZone` (https://usecallmanager.nz/sepmac-cnf-xml.html);
/// a name it does not know leaves the phone's clock on GMT, silently.
///
/// People know their zone by its IANA name, so `find_time_zone` takes both. Which IANA zones
/// a Cisco name serves follows Unicode CLDR's mapping of Windows zones to IANA ones
/// (https://github.com/unicode-org/cldr/blob/main/common/supplemental/windowsZones.xml),
/// corrected by today's clocks in the tz database (https://www.iana.org/time-zones): where a
/// country has given up summer time since (Brazil 2019, Mexico 2022, Russia 2014, Turkey
/// 2016, Iran 2022, ...), its zones map to the Cisco name with the same offset and no summer
/// time, so the phone shows the right time, whatever the name says. A zone no Cisco name
/// can show (Asia/Tehran: +03:30 without summer time; America/Santiago: Chile's rules) is
/// refused with the closest names as the hint.
///
/// The 7940/7960 SIP firmware does not read that element: its `SIPDefault.cnf` takes
/// `time_zone:` and, for summer time, `dst_*:` lines (Cisco SIP IP Phone 7960 Administrator
/// Guide, "Setting the Date, Time, and Daylight Savings Time"; its default rule is the US
/// one). `legacy` and `legacy_daylight` are what fwplan writes there; zones without a known
/// 7940/7960 equivalent have none, and `make_step_files` warns about it rather than drop the
/// zone without a word.
///
/// **Example**
///
///     auto zone = fwplan::find_time_zone("Europe/Berlin");   // W. Europe Standard/Daylight Time
///     if (!zone)
///         std::cerr << zone.error().describe() << "\n" << zone.error().hint << '\n';
///     fwplan::SipSettings sip;
///     fwplan::set_time_zone(sip, **zone);                    // device_config.hpp

#include <fwplan/error.hpp>

#include <span>
#include <string_view>

namespace fwplan {

/// The summer-time rule a 7940/7960 `SIPDefault.cnf` is given for a zone.
enum class LegacyDaylight {
    None,         ///< the zone keeps standard time all year (`dst_auto_adjust: 0`)
    Europe,       ///< the EU's: last Sunday of March to last Sunday of October, 01:00 UTC
    NorthAmerica, ///< the US and Canadian one since 2007: 2nd Sunday of March to 1st of November
};

/// One time zone name a Cisco phone knows.
struct CiscoTimeZone {
    std::string_view name;  ///< as `<timeZone>` takes it: `W. Europe Standard/Daylight Time`
    int utc_offset_minutes; ///< standard time, east of Greenwich positive: 60 for Berlin
    bool daylight;          ///< the phone moves its clock in summer ("Standard/Daylight")
    /// The IANA zones whose clocks it shows today, space-separated; empty when fwplan maps
    /// none to it (it can still be given by its Cisco name).
    std::string_view iana;
    std::string_view legacy;        ///< the 7940/7960 `time_zone:` value (`CET`); empty: none known
    LegacyDaylight legacy_daylight; ///< the `dst_*:` rule written with `legacy`
};

/// Every Cisco name fwplan knows, in the order of their offsets (west to east).
[[nodiscard]] std::span<const CiscoTimeZone> cisco_time_zones() noexcept;

/// The Cisco time zone for `name`: a Cisco name (any case, any run of spaces), the Windows
/// name of one, such as "W. Europe Standard Time", or an IANA zone of an `iana` list (any case, and
/// `UTC` and `GMT`). Errors: `fwplan.config.unknown-time-zone` (BadInput), with the closest
/// Cisco names in the hint and where the list of them all is.
[[nodiscard]] Result<const CiscoTimeZone*> find_time_zone(std::string_view name);

} // namespace fwplan
