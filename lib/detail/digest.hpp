#pragma once
// SHA-256 through OpenSSL's libcrypto, kept out of the public headers (architecture.md: no
// OpenSSL type is public). One-shot only: the files fwplan hashes in memory are small.

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace fwplan::detail {

using Sha256 = std::array<unsigned char, 32>;

/// The SHA-256 of `data`; nullopt only if libcrypto itself fails (an environment error).
[[nodiscard]] std::optional<Sha256> sha256(std::string_view data);

/// Lower-case hex of any bytes.
[[nodiscard]] std::string to_hex(std::string_view bytes);

} // namespace fwplan::detail
