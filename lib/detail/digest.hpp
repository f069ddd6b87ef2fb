#pragma once
// Digests through OpenSSL's libcrypto, kept out of the public headers (architecture.md: no
// OpenSSL type is public): one-shot SHA-256 of bytes in memory; streamed, with the CRC-32
// beside it, for files of any size (the identity of a staged file: CRC-32 to tell files
// apart cheaply, SHA-256 to decide that two are the same); and a streaming digest of a whole
// file (packages of hundreds of MB, compared with public lists of genuine ones).

#include <fwplan/error.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace fwplan::detail {

using Sha256Digest = std::array<unsigned char, 32>;

/// The SHA-256 of `data`; nullopt only if libcrypto itself fails (an environment error).
[[nodiscard]] std::optional<Sha256Digest> sha256(std::string_view data);

/// Lower-case hex of any bytes.
[[nodiscard]] std::string to_hex(std::string_view bytes);

/// CRC-32 and SHA-256 of bytes fed in chunks. Throws std::bad_alloc when libcrypto cannot
/// set up a digest (it fails only when memory does).
class ContentHasher {
public:
    ContentHasher();
    ~ContentHasher();
    ContentHasher(const ContentHasher&) = delete;
    ContentHasher& operator=(const ContentHasher&) = delete;

    void update(std::string_view chunk);
    /// The CRC-32 of everything fed so far.
    [[nodiscard]] std::uint32_t crc32() const noexcept;
    /// The SHA-256 of everything fed, as 64 lower-case hex digits; call once, at the end.
    [[nodiscard]] std::string sha256_hex();

private:
    struct State;
    std::unique_ptr<State> state_;
};

/// The digests public package lists give.
enum class DigestAlgorithm { Sha1, Sha256, Md5 };

/// "sha1", "sha256", "md5".
[[nodiscard]] std::string_view to_string(DigestAlgorithm algorithm) noexcept;

/// The lower-case hex digest of a whole file, read in 64 KiB chunks (memory stays flat).
/// Errors: the file cannot be opened or read (`fwplan.digest.unreadable`), libcrypto fails.
[[nodiscard]] Result<std::string> file_digest_hex(const std::filesystem::path& path,
                                                  DigestAlgorithm algorithm);

} // namespace fwplan::detail
