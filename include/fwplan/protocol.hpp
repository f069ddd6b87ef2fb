#pragma once
/// @file protocol.hpp
/// The call-control protocol a load speaks. A leaf of its own, so that the model registry
/// (models.hpp) and the load-ID grammar (load_id.hpp), which both need it, need not need
/// each other.
///
/// **Example**
///
///     auto protocol = fwplan::parse_protocol("sip");        // Result<Protocol>
///     if (protocol)
///         std::cout << fwplan::to_string(*protocol) << '\n'; // "SIP"

#include <fwplan/error.hpp>

#include <string_view>

namespace fwplan {

/// The call-control protocol a load speaks.
enum class Protocol { Sccp, Sip, Mgcp };

/// "SCCP", "SIP" or "MGCP".
[[nodiscard]] std::string_view to_string(Protocol protocol) noexcept;
/// Parses "SCCP", "SIP", "MGCP" in any case.
[[nodiscard]] Result<Protocol> parse_protocol(std::string_view text);

} // namespace fwplan
