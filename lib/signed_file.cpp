#include "detail/bytes.hpp"
#include "detail/digest.hpp"

#include <fwplan/signed_file.hpp>

#include <array>
#include <stdexcept>

namespace fwplan {

namespace {

using detail::be16;
using detail::be32;
using detail::byte_at;
using detail::fits;
using detail::le32;

// A TLV envelope starts with tag 1 (length 2) and then either major version 1 or tag 2
// (length 2) right after the version; an LE one starts with its magic. Anything else is a
// file without an envelope. Asking for more than `01 00 02` keeps ARM images (a branch
// instruction ending in 0xEA) and text out, while a header of an unknown version is still
// recognised and refused by name.
constexpr std::string_view kTlvStart("\x01\x00\x02", 3);
constexpr std::string_view kTlvLengthField("\x02\x00\x02", 3);
constexpr std::string_view kLeMagic("\xCD\x34\x12\xAB", 4);

constexpr std::size_t kTlvFixedPart = 10; // tag 1 and tag 2, 5 bytes each
constexpr std::size_t kMaxDepth = 3;      // real headers nest 2 deep (7 > 9 > 10/11)

// The LE header (docs/phone-files.md §2.3). Every field is a u32: the header size at 4 and the payload
// size at 0x0C are each followed by a u32 of their own, 0 on 78xx files but 4 at offset 8 on
// a real 88xx multiplatform .loads (issue 12), so they are never read as one u64 ("header
// size 17179869528" was 4 << 32 + 0x158).
constexpr std::size_t kLeHeaderSizeAt = 0x04;
constexpr std::size_t kLeWord08At = 0x08;
constexpr std::size_t kLePayloadSizeAt = 0x0C;
constexpr std::size_t kLeWord10At = 0x10;
constexpr std::size_t kLeHashAt = 0x14;
constexpr std::size_t kLeHashSize = 32;
constexpr std::size_t kLeNameLengthAt = 0x34;
constexpr std::size_t kLeNameAt = 0x38;

namespace tag {
constexpr std::uint8_t kVersion = 1;
constexpr std::uint8_t kHeaderLength = 2;
constexpr std::uint8_t kSignerInfo = 3;
constexpr std::uint8_t kSignerName = 4;
constexpr std::uint8_t kSerialNumber = 5;
constexpr std::uint8_t kIssuerName = 6;
constexpr std::uint8_t kSignatureInfo = 7;
constexpr std::uint8_t kHashAlgorithm = 8;
constexpr std::uint8_t kSignatureAlgorithmInfo = 9;
constexpr std::uint8_t kSignatureAlgorithm = 10;
constexpr std::uint8_t kSignatureModulus = 11;
constexpr std::uint8_t kSignature = 12;
constexpr std::uint8_t kPadding = 13;
constexpr std::uint8_t kFileName = 14;
constexpr std::uint8_t kTimestamp = 15;
constexpr std::uint8_t kEncryptionInfo = 16;
constexpr std::uint8_t kEncryptionKeyInfo = 17;
} // namespace tag

std::string num(std::uint64_t value) {
    return std::to_string(value);
}

Error located(Error error, std::uint64_t offset) {
    error.offset = offset;
    return error;
}

// Every envelope error means a damaged, cut-off or foreign file: say what to do about it.
Error signed_error(std::string code, std::string message, std::uint64_t offset) {
    const bool cut_off = code == "truncated" || code == "bad-header-length";
    return located(bad_input("signed." + std::move(code), std::move(message)), offset)
        .with_hint(cut_off ? "the file is shorter than its header says: it was cut off while "
                             "downloading or copying; fetch the package again"
                           : "the file is damaged or not a Cisco firmware file: fetch the "
                             "package again from Cisco, and never edit or re-pack firmware "
                             "files");
}

std::string tag_label(std::uint8_t t) {
    static constexpr std::array<std::string_view, 16> kNames = {
        "",
        "version",
        "header length",
        "signer info",
        "signer name",
        "serial number",
        "issuer name",
        "signature info",
        "hash algorithm",
        "signature algorithm info",
        "signature algorithm",
        "signature modulus",
        "signature",
        "padding",
        "file name",
        "timestamp",
    };
    std::string label = "tag " + num(t);
    if (t > 0 && t < kNames.size())
        label += " (" + std::string(kNames[t]) + ")";
    return label;
}

// Tag 11 indexes the RSA modulus size in bytes (sgnfile).
constexpr std::array<std::size_t, 4> kModulusSizes = {64, 128, 256, 512};

bool is_container(std::uint8_t t) {
    return t == tag::kSignerInfo || t == tag::kSignatureInfo || t == tag::kSignatureAlgorithmInfo;
}

// The encryption block of the 8961/9951/9971 .sebn images (docs/phone-files.md §1.1, [V] on all four
// kinds of 8961 image: sboot, skern, kern, dkern): tag 16 declares 72 bytes and tag 17,
// right after its header, 26; then come children 18 (1 byte), 19 (16), 20 (2), 21 (13),
// 26 (1) and 27 (20), then 0x0D padding. The children take 71 bytes, so the declared lengths
// bound nothing: skipping tag 16 by 72 lands inside tag 27 and reads its value as tags. Like
// the containers, 16 and 17 are walked into; unlike them, the walk goes on at their level
// and ends exactly at the end of what encloses them (the header length).
bool is_open_container(std::uint8_t t) {
    return t == tag::kEncryptionInfo || t == tag::kEncryptionKeyInfo;
}

// Strings are NUL-terminated in the header; everything from the first NUL on is dropped.
std::string c_string(std::string_view value) {
    return std::string(value.substr(0, value.find('\0')));
}

// Walks the TLVs of a header whose length is already known and checked. Every offset is
// relative to the start of the file, which is also the start of `header_`.
class TlvWalker {
public:
    TlvWalker(std::string_view header, SignedHeader& out) : header_(header), out_(out) {}

    Result<void> run() {
        seen_ = (1U << tag::kVersion) | (1U << tag::kHeaderLength);
        if (auto walked = walk(kTlvFixedPart, header_.size(), 0, 0); !walked)
            return walked;
        return finish();
    }

private:
    // Reads the TLVs in [begin, end); `container` is the enclosing tag (0 at top level).
    Result<void> walk(std::size_t begin, std::size_t end, std::size_t depth,
                      std::uint8_t container) {
        std::size_t pos = begin;
        while (pos < end) {
            const std::uint8_t t = byte_at(header_, pos);
            if (t == tag::kPadding) {
                ++pos;
                continue;
            }
            if (end - pos < 3)
                return overrun(t, pos, pos + 3, end, container);
            const std::size_t length = be16(header_, pos + 1);
            const std::size_t value_at = pos + 3;
            if (is_open_container(t)) {
                if (t == tag::kEncryptionInfo)
                    out_.encrypted = true;
                pos = value_at;
                continue;
            }
            if (length > end - value_at)
                return overrun(t, pos, value_at + length, end, container);
            const std::string_view value = header_.substr(value_at, length);
            if (is_container(t)) {
                if (depth + 1 > kMaxDepth)
                    return signed_error("too-deep",
                                        "TLV header: " + tag_label(t) +
                                            " nests containers more than " + num(kMaxDepth) +
                                            " deep",
                                        pos);
                if (auto inner = walk(value_at, value_at + length, depth + 1, t); !inner)
                    return inner;
            } else if (auto stored = field(t, pos, value); !stored) {
                return stored;
            }
            pos = value_at + length;
        }
        return {};
    }

    Result<void> overrun(std::uint8_t t, std::size_t at, std::size_t needed_end, std::size_t end,
                         std::uint8_t container) const {
        if (container != 0)
            return signed_error("container-overrun",
                                "TLV header: " + tag_label(t) + " inside " + tag_label(container) +
                                    " runs to offset " + num(needed_end) +
                                    ", past the end of its container at offset " + num(end),
                                at);
        return signed_error("tlv-overrun",
                            "TLV header: " + tag_label(t) + " runs to offset " + num(needed_end) +
                                ", past the header length " + num(end),
                            at);
    }

    Result<void> field(std::uint8_t t, std::size_t at, std::string_view value) {
        if (t >= tag::kVersion && t <= tag::kTimestamp) {
            if ((seen_ & (1U << t)) != 0)
                return signed_error("duplicate-field",
                                    "TLV header: " + tag_label(t) + " appears twice", at);
            seen_ |= 1U << t;
        }
        switch (t) {
        case tag::kSignerName:
        case tag::kIssuerName:
        case tag::kFileName:
        case tag::kSerialNumber:
        case tag::kSignature:
            if (value.empty())
                return signed_error("empty-field", "TLV header: " + tag_label(t) + " has no value",
                                    at);
            break;
        case tag::kHashAlgorithm:
        case tag::kSignatureAlgorithm:
            if (value.size() != 1)
                return wrong_length(t, at, value.size(), 1);
            break;
        case tag::kSignatureModulus:
            if (value.size() != 1)
                return wrong_length(t, at, value.size(), 1);
            if (byte_at(value, 0) >= kModulusSizes.size())
                return signed_error("bad-field",
                                    "TLV header: signature modulus index " +
                                        num(byte_at(value, 0)) + " is not one of 0-3",
                                    at);
            break;
        case tag::kTimestamp:
            if (value.size() != 4)
                return wrong_length(t, at, value.size(), 4);
            break;
        default:
            break;
        }
        store(t, at, value);
        return {};
    }

    void store(std::uint8_t t, std::size_t at, std::string_view value) {
        switch (t) {
        case tag::kSignerName:
            out_.signer_name = c_string(value);
            break;
        case tag::kIssuerName:
            out_.issuer_name = c_string(value);
            break;
        case tag::kFileName:
            out_.signed_name = c_string(value);
            break;
        case tag::kSerialNumber:
            out_.serial_number_hex = detail::to_hex(value);
            break;
        case tag::kHashAlgorithm:
            out_.hash = hash_from(byte_at(value, 0));
            break;
        case tag::kSignatureAlgorithm:
            out_.signature_algorithm = byte_at(value, 0);
            break;
        case tag::kSignatureModulus:
            modulus_size_ = kModulusSizes[byte_at(value, 0)];
            break;
        case tag::kSignature:
            signature_size_ = value.size();
            signature_at_ = at;
            break;
        case tag::kTimestamp:
            out_.timestamp = be32(value, 0);
            break;
        default:
            break; // unknown tags (28 SIGNER_VERSION of ITL files, ...) are skipped
        }
    }

    static HashAlgorithm hash_from(std::uint8_t code) {
        switch (code) {
        case 1:
            return HashAlgorithm::Sha1;
        case 2:
            return HashAlgorithm::Sha256;
        case 3:
            return HashAlgorithm::Sha512;
        default:
            return HashAlgorithm::Unknown;
        }
    }

    static Result<void> wrong_length(std::uint8_t t, std::size_t at, std::size_t got,
                                     std::size_t want) {
        return signed_error("bad-field",
                            "TLV header: " + tag_label(t) + " has " + num(got) +
                                " bytes of value, expected " + num(want),
                            at);
    }

    Result<void> finish() {
        if (signature_size_ && modulus_size_ && *signature_size_ != *modulus_size_)
            return signed_error("bad-field",
                                "TLV header: the signature has " + num(*signature_size_) +
                                    " bytes but the modulus field says " + num(*modulus_size_),
                                signature_at_);
        if (signature_size_)
            out_.signature_size = *signature_size_;
        else if (modulus_size_)
            out_.signature_size = *modulus_size_;
        return {};
    }

    std::string_view header_;
    SignedHeader& out_;
    std::uint32_t seen_ = 0;
    std::optional<std::size_t> modulus_size_;
    std::optional<std::size_t> signature_size_;
    std::size_t signature_at_ = 0;
};

// Tag 1 and tag 2 sit at fixed places in every known producer (Cisco, sgnfile): the
// header length must be known before anything else can be bounded.
Result<SignedHeader> parse_tlv(std::string_view prefix, std::uint64_t file_size) {
    SignedHeader out;
    out.kind = EnvelopeKind::Tlv;
    if (prefix.size() < kTlvFixedPart)
        return signed_error("truncated",
                            "TLV header: the file ends after " + num(prefix.size()) +
                                " bytes, before the header length (tag 2)",
                            prefix.size());
    out.version_major = byte_at(prefix, 3);
    out.version_minor = byte_at(prefix, 4);
    if (out.version_major != 1 || out.version_minor > 2)
        return signed_error("unsupported-version",
                            "TLV header: version " + num(out.version_major) + "." +
                                num(out.version_minor) + " is not 1.0, 1.1 or 1.2",
                            3);
    if (byte_at(prefix, 5) != tag::kHeaderLength || be16(prefix, 6) != 2)
        return signed_error("missing-header-length",
                            "TLV header: the header length (tag 2 with a 2-byte value) must "
                            "follow the version, found tag " +
                                num(byte_at(prefix, 5)) + " with length " + num(be16(prefix, 6)),
                            5);
    const std::uint32_t length = be16(prefix, 8);
    if (length < kTlvFixedPart)
        return signed_error("bad-header-length",
                            "TLV header: header length " + num(length) +
                                " is shorter than the version and length fields themselves (" +
                                num(kTlvFixedPart) + " bytes)",
                            8);
    if (length > file_size)
        return signed_error("bad-header-length",
                            "TLV header: header length " + num(length) +
                                " is larger than the file (" + num(file_size) + " bytes)",
                            8);
    if (length > prefix.size())
        return signed_error("truncated",
                            "TLV header: header length " + num(length) + " but only " +
                                num(prefix.size()) + " bytes were read",
                            prefix.size());
    out.header_length = length;
    if (auto walked = TlvWalker(prefix.substr(0, length), out).run(); !walked)
        return walked.error();
    out.body_size = file_size - length;
    return out;
}

Result<SignedHeader> parse_le(std::string_view prefix, std::uint64_t file_size) {
    SignedHeader out;
    out.kind = EnvelopeKind::LittleEndian78xx;
    out.hash = HashAlgorithm::Sha256;
    if (prefix.size() < kLeNameAt)
        return signed_error("truncated",
                            "LE header: the file ends after " + num(prefix.size()) +
                                " bytes, inside the fixed " + num(kLeNameAt) + "-byte part",
                            prefix.size());
    const std::uint32_t header_size = le32(prefix, kLeHeaderSizeAt);
    const std::uint32_t payload_size = le32(prefix, kLePayloadSizeAt);
    const std::uint32_t name_length = le32(prefix, kLeNameLengthAt);
    out.le_word_08 = le32(prefix, kLeWord08At);
    out.le_word_10 = le32(prefix, kLeWord10At);
    if (header_size > file_size)
        return signed_error("bad-header-length",
                            "LE header: header size " + num(header_size) +
                                " is larger than the file (" + num(file_size) + " bytes)",
                            kLeHeaderSizeAt);
    if (header_size > kSignedHeaderPrefix)
        return signed_error("bad-header-length",
                            "LE header: header size " + num(header_size) +
                                " is implausibly large (at most " + num(kSignedHeaderPrefix) +
                                " bytes are supported)",
                            kLeHeaderSizeAt);
    if (header_size > prefix.size())
        return signed_error("truncated",
                            "LE header: header size " + num(header_size) + " but only " +
                                num(prefix.size()) + " bytes were read",
                            prefix.size());
    if (header_size < kLeNameAt + 4)
        return signed_error("bad-header-length",
                            "LE header: header size " + num(header_size) +
                                " is shorter than its fixed part and a name (" +
                                num(kLeNameAt + 4) + " bytes)",
                            kLeHeaderSizeAt);
    // The name field is the name padded with NULs to a 4-byte boundary (docs/phone-files.md §2.3):
    // `sip78xx.11-0-1-11.loads` (23) has one NUL, `kern78xx.12-8-1-0001-455.sbn` (28) none;
    // the signature follows. An empty name or one that does not fit is refused.
    const std::uint64_t name_field = (std::uint64_t{name_length} + 3) / 4 * 4;
    if (name_length == 0 || !fits(kLeNameAt, name_field, header_size))
        return signed_error("bad-name",
                            "LE header: a file name of " + num(name_length) + " bytes (padded to " +
                                num(name_field) + ") at offset " + num(kLeNameAt) +
                                " does not fit in the " + num(header_size) + "-byte header",
                            kLeNameLengthAt);
    if (payload_size != file_size - header_size)
        return signed_error("size-mismatch",
                            "LE header: payload size " + num(payload_size) +
                                " but the file holds " + num(file_size - header_size) +
                                " bytes after the " + num(header_size) + "-byte header",
                            kLePayloadSizeAt);
    const std::size_t name_end = kLeNameAt + name_length;
    const std::size_t field_end = kLeNameAt + static_cast<std::size_t>(name_field);
    for (std::size_t at = name_end; at < field_end; ++at)
        if (byte_at(prefix, at) != 0)
            return signed_error("bad-name",
                                "LE header: the padding after the file name is not NUL bytes", at);
    out.header_length = header_size;
    out.signed_name = c_string(prefix.substr(kLeNameAt, name_length));
    out.signature_size = header_size - field_end;
    out.body_sha256_hex = detail::to_hex(prefix.substr(kLeHashAt, kLeHashSize));
    out.body_size = payload_size;
    return out;
}

bool looks_like_tlv(std::string_view prefix) {
    if (prefix.size() < 4 || prefix.substr(0, kTlvStart.size()) != kTlvStart)
        return false;
    return byte_at(prefix, 3) == 1 ||
           (prefix.size() >= 8 && prefix.substr(5, kTlvLengthField.size()) == kTlvLengthField);
}

Result<SignedHeader> parse_header(std::string_view prefix, std::uint64_t file_size) {
    if (looks_like_tlv(prefix))
        return parse_tlv(prefix, file_size);
    if (prefix.substr(0, kLeMagic.size()) == kLeMagic)
        return parse_le(prefix, file_size);
    SignedHeader none;
    none.body_size = file_size;
    return none;
}

Error cnu_error(std::string code, std::string message, std::uint64_t offset) {
    return located(bad_input("cnu." + std::move(code), "CNU archive: " + std::move(message)),
                   offset)
        .with_hint("the component is damaged or cut off: fetch the package again from Cisco");
}

constexpr std::string_view kCnuMagic = "CNU_File_Archive_3.0";
constexpr std::size_t kCnuMagicAt2 = 0x38;
constexpr std::size_t kCnuCountAt = 0x30;
constexpr std::size_t kCnuContentAt = 0x34;
constexpr std::size_t kCnuTableAt = 0x248;
constexpr std::size_t kCnuRecordSize = 20;

// The name of one entry: a NUL-terminated string between the table and the payloads.
Result<std::string> cnu_name(std::string_view body, std::size_t index, std::uint32_t offset,
                             std::uint64_t table_end, std::uint32_t content_offset,
                             std::size_t record_at) {
    if (offset == 0)
        return std::string();
    if (offset < table_end || offset >= content_offset)
        return cnu_error("name-out-of-range",
                         "entry " + num(index) + " names offset " + num(offset) +
                             ", outside the name area [" + num(table_end) + ", " +
                             num(content_offset) + ")",
                         record_at + 16);
    const std::string_view area = body.substr(offset, content_offset - offset);
    const std::size_t nul = area.find('\0');
    if (nul == std::string_view::npos)
        return cnu_error("name-out-of-range",
                         "entry " + num(index) + ": the name at offset " + num(offset) +
                             " is not NUL-terminated before the payloads start",
                         offset);
    return std::string(area.substr(0, nul));
}

} // namespace

std::string_view to_string(EnvelopeKind kind) noexcept {
    switch (kind) {
    case EnvelopeKind::None:
        return "none";
    case EnvelopeKind::Tlv:
        return "tlv";
    case EnvelopeKind::LittleEndian78xx:
        return "le78xx";
    }
    return "none";
}

std::string_view to_string(HashAlgorithm hash) noexcept {
    switch (hash) {
    case HashAlgorithm::Unknown:
        return "unknown";
    case HashAlgorithm::Sha1:
        return "SHA-1";
    case HashAlgorithm::Sha256:
        return "SHA-256";
    case HashAlgorithm::Sha512:
        return "SHA-512";
    }
    return "unknown";
}

Result<SignedHeader> parse_signed_header(std::string_view prefix, std::uint64_t file_size) {
    if (prefix.size() > file_size)
        throw std::invalid_argument("fwplan::parse_signed_header: the prefix (" +
                                    num(prefix.size()) + " bytes) is longer than the file (" +
                                    num(file_size) + " bytes)");
    return parse_header(prefix, file_size);
}

Result<SignedFile> parse_signed_file(std::string_view bytes) {
    auto header = parse_header(bytes, bytes.size());
    if (!header)
        return header.error();
    const std::string_view body = bytes.substr(header->header_length);
    SignedFile file{std::move(*header), body};
    if (file.header.kind == EnvelopeKind::LittleEndian78xx) {
        const auto digest = detail::sha256(file.body);
        if (!digest)
            return io_error("crypto.failed", "libcrypto could not compute a SHA-256");
        const std::string actual = detail::to_hex(
            std::string_view(reinterpret_cast<const char*>(digest->data()), digest->size()));
        if (actual != file.header.body_sha256_hex)
            return signed_error("hash-mismatch",
                                "LE header: the body's SHA-256 is " + actual +
                                    " but the header says " + file.header.body_sha256_hex +
                                    " (the file is corrupt or was altered)",
                                kLeHashAt);
        file.header.body_hash_checked = true;
    }
    return file;
}

Result<CnuArchive> parse_cnu_archive(std::string_view body) {
    if (body.size() < kCnuTableAt)
        return cnu_error("truncated",
                         "the archive has " + num(body.size()) + " bytes, less than its " +
                             num(kCnuTableAt) + "-byte header",
                         body.size());
    if (body.substr(0, kCnuMagic.size()) != kCnuMagic)
        return cnu_error("bad-magic", "does not start with \"CNU_File_Archive_3.0\"", 0);
    if (body.substr(kCnuMagicAt2, kCnuMagic.size()) != kCnuMagic)
        return cnu_error("bad-magic", "the repeated \"CNU_File_Archive_3.0\" is missing",
                         kCnuMagicAt2);
    const std::uint32_t count = be32(body, kCnuCountAt);
    const std::uint32_t content_offset = be32(body, kCnuContentAt);
    if (count > kMaxCnuEntries)
        return cnu_error("too-many-entries",
                         "file count " + num(count) + " is more than the " + num(kMaxCnuEntries) +
                             " fwplan accepts",
                         kCnuCountAt);
    if (content_offset > body.size())
        return cnu_error("bad-content-offset",
                         "content offset " + num(content_offset) + " is past the end (" +
                             num(body.size()) + " bytes)",
                         kCnuContentAt);
    const std::uint64_t table_end = kCnuTableAt + std::uint64_t{count} * kCnuRecordSize;
    if (table_end > content_offset)
        return cnu_error("bad-content-offset",
                         "a table of " + num(count) + " entries ends at offset " + num(table_end) +
                             ", past the content offset " + num(content_offset),
                         kCnuContentAt);

    CnuArchive archive;
    archive.content_offset = content_offset;
    archive.entries.reserve(count);
    std::uint64_t data_at = content_offset;
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t record_at = kCnuTableAt + i * kCnuRecordSize;
        CnuEntry entry;
        entry.type = be32(body, record_at);
        entry.flags = be32(body, record_at + 4);
        entry.size = be32(body, record_at + 8);
        entry.mtime = be32(body, record_at + 12);
        auto name =
            cnu_name(body, i, be32(body, record_at + 16), table_end, content_offset, record_at);
        if (!name)
            return name.error();
        entry.name = std::move(*name);
        entry.data_offset = data_at;
        data_at += entry.size; // at most 65536 * 2^32 + 2^32: no overflow in 64 bits
        archive.entries.push_back(std::move(entry));
    }
    if (data_at != body.size())
        return cnu_error("size-mismatch",
                         "content offset " + num(content_offset) + " plus the entry sizes is " +
                             num(data_at) + ", but the archive has " + num(body.size()) + " bytes",
                         data_at < body.size() ? data_at : body.size());
    return archive;
}

} // namespace fwplan
