#include "detail/cop_header.hpp"

#include <string>

namespace fwplan::detail {

namespace {
unsigned byte_at(std::string_view s, std::size_t i) {
    return static_cast<unsigned char>(s[i]);
}
Error bad_header(std::string what) {
    return bad_input("archive.bad-signed-header", "is not a CUCM installer: " + std::move(what))
        .with_hint("a .cop.sgn starts with a signed TLV header followed by a tar.gz; "
                   "download the installer again");
}
} // namespace

Result<std::uint64_t> cop_payload_offset(std::string_view head, std::uint64_t file_size) {
    // An unsigned .cop is the bare tar.gz.
    if (head.size() >= 2 && byte_at(head, 0) == 0x1F && byte_at(head, 1) == 0x8B)
        return std::uint64_t{0};
    if (head.size() < kCopHeadBytes)
        return bad_header("it is shorter than a signed header (" + std::to_string(head.size()) +
                          " bytes)");
    // Tag 1 (VERSION), length 2; then tag 2 (HEADER_LENGTH), length 2.
    if (byte_at(head, 0) != 0x01 || byte_at(head, 1) != 0x00 || byte_at(head, 2) != 0x02)
        return bad_header("it does not start with the TLV version field (01 00 02)");
    if (byte_at(head, 5) != 0x02 || byte_at(head, 6) != 0x00 || byte_at(head, 7) != 0x02)
        return bad_header("the header-length field (02 00 02) is missing at byte 5");
    const std::uint64_t length = (byte_at(head, 8) << 8) | byte_at(head, 9);
    if (length < kCopHeadBytes)
        return bad_header("the header length " + std::to_string(length) +
                          " is shorter than the fields that give it");
    if (length > file_size)
        return bad_header("the header length " + std::to_string(length) +
                          " runs past the end of the file (" + std::to_string(file_size) +
                          " bytes)");
    return length;
}

} // namespace fwplan::detail
