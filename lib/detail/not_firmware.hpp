#pragma once
// Files and packages that look like phone firmware but are not: IP Communicator locale
// packages (their `CIPC_Locale.loads` is no phone's manifest) and the CUCM and MPP locale
// installers provisioning lists carry beside the firmware. They are named for what they are
// rather than read as damaged firmware (issue 12). firmware.cpp and the audit share this.

#include "detail/text.hpp"

#include <string_view>

namespace fwplan::detail {

/// What a file of this name is when it is not phone firmware, or empty.
[[nodiscard]] inline std::string_view not_firmware_file(std::string_view base_name) noexcept {
    // IP Communicator (the softphone) reads its locale from CIPC_Locale.loads: the name is
    // neither a load ID nor a term file, and no phone asks for it.
    if (equals_ignoring_case(base_name, "CIPC_Locale.loads"))
        return "an IP Communicator locale file (for the softphone, not a phone)";
    return {};
}

/// What a package of this name is when it is not phone firmware, or empty: CUCM locale
/// installers (`po-locale-de_DE-...cop.sgn`) and the MPP locale zips
/// (`cmterm-68xx_78xx_88xx...-Locale-1.zip`), as wazo-provd-plugins' pkgs.db lists them.
[[nodiscard]] inline std::string_view not_firmware_package(std::string_view base_name) noexcept {
    if (starts_with_ignoring_case(base_name, "po-locale-"))
        return "a CUCM locale installer (phone languages and tones, not firmware)";
    if (ascii_lower(base_name).find("-locale-") != std::string::npos)
        return "a phone locale package (languages, not firmware)";
    return {};
}

} // namespace fwplan::detail
