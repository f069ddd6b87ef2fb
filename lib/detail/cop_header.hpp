#pragma once
// Where the payload of a CUCM `.cop.sgn` starts (formats.md §1): the file opens with the
// TLV signed header, `01 00 02 vv vv` (VERSION) then `02 00 02 hh ll` (HEADER_LENGTH, big
// endian), and the tar.gz follows header_length bytes from the start. That is all stripsgn
// does. Only this skip lives here; the full envelope parser is signed_file.hpp's job.
#include <fwplan/error.hpp>

#include <cstdint>
#include <string_view>

namespace fwplan::detail {

/// Bytes `cop_payload_offset` needs to see (fewer are fine: it then reports truncation).
inline constexpr std::size_t kCopHeadBytes = 10;

/// The offset of the tar.gz inside a `.cop`/`.cop.sgn` whose first bytes are `head` and
/// whose size is `file_size`: the tag-2 header length, or 0 for an unsigned `.cop` that is
/// a bare gzip stream. Fails with `fwplan.archive.bad-signed-header` otherwise.
[[nodiscard]] Result<std::uint64_t> cop_payload_offset(std::string_view head,
                                                       std::uint64_t file_size);

} // namespace fwplan::detail
