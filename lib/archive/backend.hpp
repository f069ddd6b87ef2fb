#pragma once
// The seam between fwplan::Archive and the formats: each backend (libzip, libarchive,
// folders and loose files) lists raw entries and streams one entry's bytes. Everything a
// backend hands over is unchecked; archive.cpp vets names, types and sizes for all kinds
// alike, and counts the bytes of every read.
#include <fwplan/archive.hpp>
#include <fwplan/error.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace fwplan::detail {

/// Chunk size of every streaming read (and of the buffers behind it).
inline constexpr std::size_t kChunkSize = 64 * 1024;

enum class RawType { File, Directory, Symlink, Hardlink, Special };

/// One entry as the format stores it, before any check.
struct RawEntry {
    std::string name; ///< zip: UTF-8 (libzip's guess); tar and folders: the raw bytes
    RawType type = RawType::File;
    std::uint64_t size = 0;
    std::uint64_t compressed_size = 0;
    std::optional<std::uint32_t> crc32;
    std::uint64_t locator = 0;    ///< the backend's handle: zip index, tar ordinal
    std::optional<Error> problem; ///< a per-entry refusal the backend knows of (encryption...)
};

/// Receives each entry while a backend lists; an error stops the listing (limits).
using RawVisitor = std::function<Result<void>(RawEntry&& entry)>;

/// Which package, and which nested zip in it, errors concern.
struct Where {
    std::string package;   ///< the path given to Archive::open
    std::string container; ///< the nested zip's name, or empty

    /// `error` with `file` set to the package and, when `entry` is given, `entry` set to the
    /// printable qualified name (both only if not set already).
    [[nodiscard]] Error at(Error error, std::string_view entry = {}) const;
};

class Backend {
public:
    Backend() = default;
    Backend(const Backend&) = delete;
    Backend& operator=(const Backend&) = delete;
    virtual ~Backend() = default;

    /// Lists every entry once, in storage order.
    [[nodiscard]] virtual Result<void> list(const RawVisitor& visit) = 0;
    /// Streams `entry` (as listed) to `sink`; the caller counts and checks the bytes, and
    /// fills in package and entry on the errors (which name the entry as `ArchiveEntry`
    /// does, without a tar's `./`).
    [[nodiscard]] virtual Result<void> read(const RawEntry& entry,
                                            const ArchiveSink& sink) const = 0;
};

} // namespace fwplan::detail
