#pragma once
// Digests through OpenSSL's libcrypto, kept out of the public headers (architecture.md: no
// OpenSSL type is public): one-shot SHA-256 of bytes in memory, and a streaming digest of a
// whole file (packages of hundreds of MB, compared with public lists of genuine ones).

#include <fwplan/error.hpp>

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace fwplan::detail {

using Sha256Digest = std::array<unsigned char, 32>;

/// The SHA-256 of `data`; nullopt only if libcrypto itself fails (an environment error).
[[nodiscard]] std::optional<Sha256Digest> sha256(std::string_view data);

/// Lower-case hex of any bytes.
[[nodiscard]] std::string to_hex(std::string_view bytes);

/// The digests public package lists give.
enum class DigestAlgorithm { Sha1, Sha256, Md5 };

/// "sha1", "sha256", "md5".
[[nodiscard]] std::string_view to_string(DigestAlgorithm algorithm) noexcept;

/// The lower-case hex digest of a whole file, read in 64 KiB chunks (memory stays flat).
/// Errors: the file cannot be opened or read (`fwplan.digest.unreadable`), libcrypto fails.
[[nodiscard]] Result<std::string> file_digest_hex(const std::filesystem::path& path,
                                                  DigestAlgorithm algorithm);

} // namespace fwplan::detail
