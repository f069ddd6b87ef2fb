#pragma once
/// @file archive.hpp
/// Firmware packages as read-only lists of entries. A package is what people feed fwplan:
/// a `cmterm-*.zip`, a bundle zip holding cmterm zips, a CUCM installer (`.cop.sgn`: a signed
/// TLV header followed by a tar.gz), a tar, a folder (a TFTP root) or one loose file. Later
/// modules (classification, staging, the audit) see every package the same way: a sorted
/// list of `ArchiveEntry` and a streaming `read()`.
///
/// Everything a package says is treated as hostile until checked, because what fwplan reads
/// ends up in a flat TFTP root that phones (and Windows TFTP servers) read back:
/// - `open()` refuses `..`, absolute and drive paths, backslashes, control characters,
///   bidi and invisible characters, names over 255 bytes, Windows device names (`CON`,
///   `AUX.loads`, `com1`...), links and special files, duplicate names and names that would
///   collide in a flat folder (same base name, any case, NFC or NFD), zip entries whose
///   data overlap, more entries than the limit, and declared sizes or compression ratios
///   over the limits (zip bombs). Every refusal names the package (`Error::file`) and the
///   entry (`Error::entry`). Hidden files and folders and macOS metadata are checked, then
///   left out (`left_out()`): they are never firmware.
/// - `read()` counts the bytes really produced and stops as soon as they exceed what the
///   entry declared (a lying header); zips are CRC-checked at the end.
/// - Memory stays flat: entries are streamed in 64 KiB chunks. The only thing written is an
///   anonymous temporary file per nested zip (in `$TMPDIR`, unlinked from the start, so
///   nothing is left behind on any path).
///
/// **Example**
///
///     auto pkg = fwplan::Archive::open("cmterm-7941_7961-sip.9-4-2SR3-1.zip");
///     if (!pkg) {
///         std::cerr << pkg.error().describe() << '\n';   // file: entry: what [code]
///         return fwplan::exit_code_for(pkg.error().kind);
///     }
///     for (const fwplan::ArchiveEntry& e : pkg->entries())
///         std::cout << e.name << ' ' << e.size << '\n';
///     if (const fwplan::ArchiveEntry* loads = pkg->find("SIP41.9-4-2SR3-1S.loads")) {
///         auto text = pkg->read_all(*loads);              // small entries only
///         auto crc = pkg->read(*loads, [&](std::string_view chunk) -> fwplan::Result<void> {
///             out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
///             return {};
///         });
///     }

#include <fwplan/error.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fwplan {

/// What a package is. Decided by the file name (case-insensitive), never by sniffing, so
/// that a loose `.loads` (which starts with the same TLV header as a `.cop.sgn`) stays a
/// loose file: `.zip` is a zip; `.cop`, `.cop.sgn`, `.cop.sha512` a CUCM installer;
/// `.tar`, `.tar.gz`, `.tgz` a tar; a folder is a folder; anything else one loose file.
enum class ArchiveKind {
    Zip,       ///< a zip (libzip); `.zip` entries inside are expanded one level
    Folder,    ///< every regular file below a folder, recursively (e.g. a TFTP root)
    CopSgn,    ///< a CUCM `.cop.sgn`: signed TLV header, then a tar.gz (or an unsigned tar.gz)
    Tar,       ///< a plain or gzip-compressed tar (7940/7960 and some 9.2(1) packages)
    LooseFile, ///< a single file, e.g. a `.loads` or `.sbn` downloaded on its own
};

/// `zip`, `folder`, `cop`, `tar`, `file`: for messages and JSON.
[[nodiscard]] std::string_view to_string(ArchiveKind kind) noexcept;

/// Bounds on what opening and reading a package may cost. Exceeding one is always an error
/// (`fwplan.archive.too-many-entries`, `.entry-too-large`, `.too-large`, `.ratio`,
/// `.too-many-nested`), whatever the `UnsafeEntryPolicy`.
struct ArchiveLimits {
    std::uint64_t max_entry_size = 512ull << 20; ///< per entry, expanded
    std::uint64_t max_total_size = 4ull << 30;   ///< all entries (nested zips included), expanded
    std::uint32_t max_ratio = 200;               ///< expanded / compressed, per entry
    std::uint64_t min_ratio_size = 1ull << 20;   ///< the ratio is only checked from this size up
    std::size_t max_entries = 10000;             ///< entries as stored, folders included
    std::size_t max_nested_zips = 64;            ///< zips inside a zip that get expanded
};

/// What `open()` does with an entry that is unsafe to put into a TFTP root (a hostile name,
/// a link, a special file, a collision, an encrypted entry).
enum class UnsafeEntryPolicy {
    Refuse, ///< fail `open()` with the first problem (for packages)
    Report, ///< keep going: leave unsafe entries out of `entries()` (colliding ones stay
            ///< in) and describe each problem in `Archive::findings()` (for auditing a
            ///< TFTP root, which must be described rather than refused)
};

/// One file inside a package. Folders are not entries; only files are.
struct ArchiveEntry {
    /// Path inside its container, '/'-separated, as stored (a leading "./" is dropped; zip
    /// names in UTF-8, CP437 ones converted): `P0S3-8-12-00/P0S3-8-12-00.loads`.
    std::string name;
    std::string base_name;  ///< last component: the name it gets in a flat TFTP root
    std::string container;  ///< for an entry of a nested zip: that zip's `name`; else empty
    std::uint64_t size = 0; ///< expanded size, as declared (checked while reading)
    std::uint64_t compressed_size = 0;  ///< as stored; equals `size` outside zips
    std::optional<std::uint32_t> crc32; ///< as recorded in a zip; absent elsewhere
    /// Where the entry comes in the order the package stores its entries (not the sorted
    /// order of `entries()`). A tar can only be read front to back: reading its entries by
    /// increasing `ordinal` is one pass over it, any other order walks it again.
    std::uint64_t ordinal = 0;

    /// `container + "/" + name` for a nested entry, else `name`: how messages name it.
    /// (Identity is the pair (container, name); this string is for people.)
    [[nodiscard]] std::string qualified_name() const;
};

/// Receives an entry's bytes, chunk by chunk (each at most 64 KiB). Returning an error
/// stops the read; `Archive::read` then returns that error.
using ArchiveSink = std::function<Result<void>(std::string_view chunk)>;

/// An opened package. Movable, not copyable. Reading is `const` but not thread-safe: use one
/// `Archive` per thread (opening the same package twice is cheap and fine).
class Archive {
public:
    /// Opens and checks a package; nothing is written except anonymous temporary files for
    /// nested zips. Errors (`fwplan.archive.*`): `not-found`, `unreadable`, `temp-file`
    /// (I/O); `not-a-package` (neither file nor folder), `not-a-zip`, `damaged`,
    /// `bad-signed-header`; the hostile-entry codes (`path-traversal`, `absolute-path`,
    /// `bad-name`, `device-name`, `link`, `special-file`, `duplicate`, `name-collision`,
    /// `case-collision`, `form-collision` (one name in NFC and NFD), `name-too-long`,
    /// `encrypted`, `unsupported-compression`); the limit codes of
    /// `ArchiveLimits`, and `too-deep` for folders nested over 64 levels. The path itself may
    /// be a symbolic link; links inside a package or folder are never followed.
    ///
    /// **Example**
    ///
    ///     fwplan::ArchiveLimits small;
    ///     small.max_total_size = 64ull << 20;
    ///     auto root = fwplan::Archive::open("/srv/tftp", small,
    ///                                       fwplan::UnsafeEntryPolicy::Report);
    ///     if (root)
    ///         for (const fwplan::Error& problem : root->findings())
    ///             std::cerr << problem.describe() << '\n';
    [[nodiscard]] static Result<Archive> open(const std::filesystem::path& path,
                                              const ArchiveLimits& limits = {},
                                              UnsafeEntryPolicy policy = UnsafeEntryPolicy::Refuse);

    /// Moves an opened package; `other` is left empty.
    Archive(Archive&& other) noexcept;
    /// Moves an opened package; `other` is left empty.
    Archive& operator=(Archive&& other) noexcept;
    Archive(const Archive&) = delete;
    Archive& operator=(const Archive&) = delete;
    ~Archive();

    /// The path given to `open()`.
    [[nodiscard]] const std::filesystem::path& path() const;
    /// What the package is.
    [[nodiscard]] ArchiveKind kind() const;
    /// Every file but those `left_out()`, sorted by (`container`, `name`) bytewise: entries
    /// of the package itself (empty container) first, then those of each nested zip. A
    /// nested zip is not an entry
    /// itself; its name is the `container` of its entries. Zips nested deeper stay entries.
    [[nodiscard]] const std::vector<ArchiveEntry>& entries() const;
    /// Problems found under `UnsafeEntryPolicy::Report` (always empty under `Refuse`).
    [[nodiscard]] const std::vector<Error>& findings() const;
    /// What the package holds that never goes into a TFTP root and so is not in
    /// `entries()`: hidden files and folders (a path component starting with a dot, such as
    /// `.git/config`, `._x.sbn` or `.DS_Store`) and macOS metadata (`__MACOSX/`), by
    /// qualified, printable name, in the order found. They are checked like entries (a
    /// hostile name or a link is still refused) but never read; in a folder a hidden folder
    /// is one item ending in `/` and is not walked (a TFTP root's `.fwplan-backup/`).
    [[nodiscard]] const std::vector<std::string>& left_out() const;

    /// The first entry (in `entries()` order) whose `name` equals `name`; failing that, the
    /// first whose `base_name` does. Exact, case-sensitive. Null when there is none. (In a
    /// bundle the same name may exist in several containers; iterate `entries()` for all.)
    [[nodiscard]] const ArchiveEntry* find(std::string_view name) const;
    /// Every entry whose `base_name` equals `base_name` ignoring ASCII case, in order: how a
    /// case-insensitive TFTP server would resolve the request.
    [[nodiscard]] std::vector<const ArchiveEntry*>
    find_ignoring_case(std::string_view base_name) const;

    /// Streams `entry` (one of `entries()`, or an equal copy) to `sink` in chunks; memory
    /// stays flat in the entry's size. Fails (`fwplan.archive.size-mismatch`) as soon as more
    /// bytes come out than the entry declared, or at the end when fewer did; a zip entry is
    /// CRC-checked at the end (`fwplan.archive.crc-mismatch`). A file in a folder that
    /// changed since `open()` fails with `fwplan.archive.changed`. Returns the CRC-32 of the
    /// bytes delivered (for folders and tars it is computed here). Errors name the package
    /// and the entry. A tar has no index: reading an entry continues the walk of the last
    /// read when the entry comes later in storage order (`ArchiveEntry::ordinal`), and
    /// starts a new walk otherwise, so read a tar's entries by increasing ordinal.
    [[nodiscard]] Result<std::uint32_t> read(const ArchiveEntry& entry,
                                             const ArchiveSink& sink) const;
    /// The whole entry as a string, for small entries such as `.loads`; refuses
    /// (`fwplan.archive.too-large-to-read`) an entry over `max_bytes`.
    [[nodiscard]] Result<std::string> read_all(const ArchiveEntry& entry,
                                               std::size_t max_bytes = 1 << 20) const;

private:
    struct Impl;
    explicit Archive(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace fwplan
