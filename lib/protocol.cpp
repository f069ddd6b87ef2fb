#include "detail/text.hpp"

#include <fwplan/protocol.hpp>

#include <string>

namespace fwplan {

std::string_view to_string(Protocol protocol) noexcept {
    switch (protocol) {
    case Protocol::Sccp:
        return "SCCP";
    case Protocol::Sip:
        return "SIP";
    case Protocol::Mgcp:
        return "MGCP";
    }
    return "?";
}

Result<Protocol> parse_protocol(std::string_view text) {
    const std::string u = detail::ascii_upper(text);
    if (u == "SCCP" || u == "SKINNY")
        return Protocol::Sccp;
    if (u == "SIP")
        return Protocol::Sip;
    if (u == "MGCP")
        return Protocol::Mgcp;
    return bad_input("protocol.unknown",
                     "unknown protocol " + detail::quote(text) + " (expected SCCP, SIP or MGCP)");
}

} // namespace fwplan
