#pragma once
// The 7940/7960 SIP files (docs/phone-files.md §6.3): SIPDefault.cnf, SIP<MAC>.cnf, OS79XX.TXT.
// Flat text, one `key: value` per line, `#` comments.

#include <fwplan/device_config.hpp>

#include <optional>
#include <string>
#include <vector>

namespace fwplan::detail {

/// Refuses values these files cannot carry (a `"`: the format has no escape for it).
Result<void> check_cnf_values(const SipSettings& settings);

std::string sip_default_cnf(const LoadId& load, const SipSettings& settings);
std::string sip_mac_cnf(const MacAddress& mac, const LoadId& load, const SipSettings& settings,
                        std::size_t line_buttons);

/// `OS79XX.TXT` for a SIP load `P0S3-x-y-z`: the universal application loader
/// `P003-x-y-z` and CRLF (no trailing space, see device_config.hpp). Nothing for other IDs.
std::optional<std::string> os79xx_txt(const LoadId& load);

/// The line buttons a 7940 (2) or 7960 (6) has.
std::size_t line_buttons(const ModelInfo& model) noexcept;

/// Warnings about the SIP settings these files carry.
std::vector<Diagnostic> lint_cnf(const ModelInfo& model, const SipSettings& settings,
                                 Protocol protocol);

} // namespace fwplan::detail
