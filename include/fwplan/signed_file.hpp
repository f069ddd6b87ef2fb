#pragma once
/// @file signed_file.hpp
/// The signed envelope in front of Cisco firmware files (docs/phone-files.md §1, §2.3, §3.1).
///
/// Almost every file a phone downloads (`.loads`, `.sbn`, `.sb2`, `.sgn`, `.LOADS`) starts
/// with a signature header and then carries its payload, the *body*. Two envelopes exist:
/// - the big-endian **TLV** header of the TNP era (tag, u16 length, value; containers 3, 7
///   and 9 nest further TLVs; tag 13 is a one-byte padding with no length; the encrypted
///   `.sebn` images of the 8961/9951/9971 add an encryption block, tags 16 and 17, whose
///   declared lengths do not bound what follows: it is walked into up to the header length),
///   and
/// - the little-endian **78xx/88xx** header (`CD 34 12 AB`, u32 sizes, SHA-256 of the body,
///   the name padded to 4 bytes, a signature).
///
/// fwplan reads these headers to learn what a file claims to be (its *signed name*, which a
/// phone compares with the name it asked for) and where the body starts. It does not check
/// RSA signatures (no Cisco key is available); for the 78xx envelope it checks the SHA-256
/// of the body when the whole file is at hand.
///
/// The bytes come from archives people downloaded, so they are untrusted: every length is
/// checked against the bytes that exist, nothing is read past the input, and each failure
/// is an `Error` (code `fwplan.signed.*` or `fwplan.cnu.*`) with the byte offset where the
/// file went wrong.
///
/// **Example**
///
///     std::string bytes = read_whole_file("SIP41.9-4-2SR3-1S.loads");
///     auto file = fwplan::parse_signed_file(bytes);
///     if (!file) {
///         std::cerr << file.error().describe() << '\n';
///         return 3;
///     }
///     std::cout << file->header.signed_name << ": " << file->body.size()
///               << " bytes of body after a " << file->header.header_length
///               << "-byte header\n";

#include <fwplan/error.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fwplan {

/// Which envelope a file carries.
enum class EnvelopeKind {
    None,             ///< no envelope: the whole file is the body (`.bin`, `OS79XX.TXT`, text)
    Tlv,              ///< big-endian TLV signed header (docs/phone-files.md §1)
    LittleEndian78xx, ///< `CD 34 12 AB` header of 78xx/88xx files (docs/phone-files.md §2.3)
};

/// The hash algorithm an envelope names (TLV tag 8: 1 SHA-1, 2 SHA-256, 3 SHA-512).
enum class HashAlgorithm { Unknown, Sha1, Sha256, Sha512 };

/// "none", "tlv" or "le78xx".
[[nodiscard]] std::string_view to_string(EnvelopeKind kind) noexcept;
/// "unknown", "SHA-1", "SHA-256" or "SHA-512".
[[nodiscard]] std::string_view to_string(HashAlgorithm hash) noexcept;

/// What an envelope says about its file. Fields an envelope does not carry keep their
/// defaults (an LE header has no signer; a `None` file has nothing but `body_size`).
struct SignedHeader {
    EnvelopeKind kind = EnvelopeKind::None; ///< which envelope, if any
    std::uint8_t version_major = 0; ///< TLV tag 1: 1.0, 1.1 (Cisco) and 1.2 (ITL) are accepted
    std::uint8_t version_minor = 0; ///< TLV tag 1, second byte
    /// Bytes before the body: the TLV tag-2 value (which includes the padding) or the LE
    /// `header_size`; 0 when there is no envelope.
    std::uint32_t header_length = 0;
    /// TLV tag 14 / LE file name, without the terminating NUL: the name the file was signed
    /// under. Phones compare it with the name they asked for (case-sensitive). May be empty
    /// if a TLV header has no tag 14.
    std::string signed_name;
    std::string signer_name;       ///< TLV tag 4 without the NUL (a placeholder in Cisco files)
    std::string issuer_name;       ///< TLV tag 6 without the NUL
    std::string serial_number_hex; ///< TLV tag 5 as lower-case hex
    HashAlgorithm hash = HashAlgorithm::Unknown; ///< TLV tag 8; always SHA-256 for LE
    unsigned signature_algorithm = 0;            ///< TLV tag 10 (0 = RSA per sgnfile)
    /// Signature bytes: the TLV tag-12 length (or the tag-11 modulus size when tag 12 is
    /// absent); for LE the bytes between the name and the body (256 in every sample).
    std::size_t signature_size = 0;
    std::optional<std::uint32_t> timestamp; ///< TLV tag 15 (Unix time), absent in firmware
    std::uint64_t body_size = 0;            ///< file size minus `header_length`
    /// LE only: the SHA-256 of the body as the header declares it (lower-case hex), so a
    /// caller that streams a big body can check it; empty for other envelopes.
    std::string body_sha256_hex;
    bool body_hash_checked = false; ///< LE only: the body's SHA-256 was verified
    /// LE only: the u32 after `header_size` (offset 8), a field of its own: 0 on 78xx, 4 on
    /// a real 88xx multiplatform `.loads` (docs/phone-files.md §2.3). Its meaning is unknown.
    std::uint32_t le_word_08 = 0;
    /// LE only: the u32 after `payload_size` (offset 0x10); 0 in every sample.
    std::uint32_t le_word_10 = 0;
    /// TLV only: the header carries the encryption block (tag 16) of an encrypted image
    /// (`.sebn` of the 8961/9951/9971); the body is then ciphertext.
    bool encrypted = false;
};

/// A whole signed file: its header and a view of the body inside the caller's bytes
/// (valid as long as those bytes are).
struct SignedFile {
    SignedHeader header;   ///< what the envelope says
    std::string_view body; ///< the bytes after the envelope
};

/// Parses a file held whole in memory (`.loads`, term files, small components).
///
/// A file that does not start like a TLV (`01 00 02 01`) or LE (`CD 34 12 AB`) envelope has
/// none: kind `None`, the whole input is the body, no error. For an LE envelope the SHA-256
/// of the body is verified (`fwplan.signed.hash-mismatch` if it differs).
///
/// **Example**
///
///     auto file = fwplan::parse_signed_file(bytes);
///     if (file && file->header.kind == fwplan::EnvelopeKind::None)
///         std::cout << "unsigned file\n";
[[nodiscard]] Result<SignedFile> parse_signed_file(std::string_view bytes);

/// Parses the header of a big file from its first bytes only (large components).
///
/// `prefix` is the start of the file and should hold at least `min(file_size, 64 KiB)`
/// bytes, which always covers a TLV header (its length is a u16); an LE header larger than
/// `prefix` is reported as an error. The LE hash is not checked (`body_hash_checked` stays
/// false). Throws `std::invalid_argument` if `prefix` is longer than `file_size` (a
/// programmer error: the caller mixed up two files).
[[nodiscard]] Result<SignedHeader> parse_signed_header(std::string_view prefix,
                                                       std::uint64_t file_size);

/// The number of leading bytes `parse_signed_header` wants: 64 KiB.
inline constexpr std::size_t kSignedHeaderPrefix = 64 * 1024;

/// One entry of a `CNU_File_Archive_3.0` (docs/phone-files.md §3.1).
struct CnuEntry {
    std::uint32_t type = 0;  ///< 7 a named file, 6 an unnamed raw blob (the kernel in `cnu`)
    std::uint32_t flags = 0; ///< usually 2; 1 with size 0 marks entries of unknown meaning
    std::uint32_t size = 0;  ///< payload bytes
    std::uint32_t mtime = 0; ///< Unix time
    std::string name;        ///< absolute path such as `/ubin/dsp`; empty when name offset is 0
    std::uint64_t data_offset = 0; ///< where the payload starts, from the archive's start
};

/// The table of a `CNU_File_Archive_3.0`: the body of a TNP `.sbn`.
struct CnuArchive {
    std::vector<CnuEntry> entries;    ///< in table order (payloads follow in the same order)
    std::uint32_t content_offset = 0; ///< where the first payload starts
};

/// The most entries `parse_cnu_archive` accepts (real archives hold a few hundred).
inline constexpr std::uint32_t kMaxCnuEntries = 65536;

/// Parses the table of a CNU archive (the whole body of a `.sbn`, after the envelope).
///
/// Checks both magics, that the table and every name lie between the header (0x248 bytes)
/// and `content_offset`, that names are NUL-terminated there, and that `content_offset`
/// plus the sizes of all entries is exactly the archive length. Errors are
/// `fwplan.cnu.*` with the offset inside `body` (add `header_length` for a file offset).
/// Names are returned as stored: they are untrusted and must be checked before being used
/// as paths.
///
/// **Example**
///
///     auto sbn = fwplan::parse_signed_file(bytes);
///     if (!sbn)
///         return sbn.error();
///     auto cnu = fwplan::parse_cnu_archive(sbn->body);
///     if (cnu)
///         for (const fwplan::CnuEntry& entry : cnu->entries)
///             std::cout << entry.name << " " << entry.size << "\n";
[[nodiscard]] Result<CnuArchive> parse_cnu_archive(std::string_view body);

} // namespace fwplan
