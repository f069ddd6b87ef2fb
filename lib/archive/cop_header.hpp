#pragma once
// Where the payload of a CUCM `.cop.sgn` starts (docs/phone-files.md §1): the file opens with the
// TLV signed header and the tar.gz follows header_length bytes from the start (all that
// usecallmanager's stripsgn does). The header itself is read by signed_file.hpp.
#include <fwplan/error.hpp>
#include <fwplan/signed_file.hpp>

#include <cstdint>
#include <string_view>

namespace fwplan::detail {

/// Bytes `cop_payload_offset` wants to see: a whole TLV header fits in them.
inline constexpr std::size_t kCopHeadBytes = kSignedHeaderPrefix;

/// The offset of the tar.gz inside a `.cop`/`.cop.sgn` whose first bytes are `head` and
/// whose size is `file_size`: the signed header's length, or 0 for an unsigned `.cop` that
/// is a bare gzip stream. Fails with `fwplan.archive.bad-signed-header` otherwise.
[[nodiscard]] Result<std::uint64_t> cop_payload_offset(std::string_view head,
                                                       std::uint64_t file_size);

} // namespace fwplan::detail
