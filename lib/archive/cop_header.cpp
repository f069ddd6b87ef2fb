#include "archive/cop_header.hpp"

#include <string>

namespace fwplan::detail {

namespace {
Error bad_header(std::string what) {
    return bad_input("archive.bad-signed-header", "is not a CUCM installer: " + std::move(what))
        .with_hint("a .cop.sgn starts with a signed TLV header followed by a tar.gz; "
                   "download the installer again");
}
} // namespace

Result<std::uint64_t> cop_payload_offset(std::string_view head, std::uint64_t file_size) {
    // An unsigned .cop is the bare tar.gz.
    if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1F &&
        static_cast<unsigned char>(head[1]) == 0x8B)
        return std::uint64_t{0};
    auto header = parse_signed_header(head, file_size);
    if (!header)
        return bad_header(header.error().message);
    if (header->kind != EnvelopeKind::Tlv)
        return bad_header("it does not start with a TLV signed header (01 00 02 ...)");
    return std::uint64_t{header->header_length};
}

} // namespace fwplan::detail
