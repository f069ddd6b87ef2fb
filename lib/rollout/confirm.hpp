#pragma once
// The phone's own word on what it runs (`--confirm http`): Java 79xx and 7940/7960 phones with
// their web server on answer `http://<phone>/DeviceInformationX` with an XML page
// (<DeviceInformation><MACAddress>…<appLoadID>…<versionID>…</DeviceInformation>; the
// fusioninventory POIP spec, inventory tools such as jsteinberg1/CUCM-Phone-Info). The running
// load's name is in `versionID` on Java 79xx (`SIP41.9-4-2SR3-1S`) and in `appLoadID` on a
// 7940/7960 (`P0S3-08-12-00`) [inference from the inventory tools' parsers]. The web server is
// on when the config says `<webAccess>0</webAccess>` (0 means enabled: usecallmanager.nz).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace fwplan::rollout {

/// What the phone said.
struct PhoneWord {
    std::optional<std::string> load; ///< the load it runs; none when it did not say
    std::string detail;              ///< why there is no answer (timeout, HTTP status, no XML)
};

/// The running load a DeviceInformationX page names: `versionID` when it is a load ID, else
/// `appLoadID` when that is one; none otherwise. Any bytes (the page is untrusted).
[[nodiscard]] std::optional<std::string> running_load(std::string_view page);

/// GETs `http://<ip>/DeviceInformationX` (`ip`: a dotted IPv4 address; anything else is refused
/// without a request), within `timeout`, reading at most 64 KiB, following no redirect.
[[nodiscard]] PhoneWord ask_phone(const std::string& ip, std::chrono::milliseconds timeout);

} // namespace fwplan::rollout
