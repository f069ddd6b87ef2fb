#pragma once
// Test-only builders of synthetic firmware files (docs/phone-files.md §8): TLV signed headers laid
// out like Cisco's (§1.2), 78xx little-endian envelopes (§2.3), CNU archives (§3.1) and
// .loads bodies of every family (§2). No Cisco bytes: every value is made up here.

#include <openssl/evp.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace fixtures {

inline std::string be16(std::size_t value) {
    return {static_cast<char>((value >> 8) & 0xFF), static_cast<char>(value & 0xFF)};
}

inline std::string be32(std::uint32_t value) {
    std::string out;
    for (int shift = 24; shift >= 0; shift -= 8)
        out += static_cast<char>((value >> shift) & 0xFF);
    return out;
}

inline std::string le32(std::uint32_t value) {
    std::string out;
    for (int shift = 0; shift < 32; shift += 8)
        out += static_cast<char>((value >> shift) & 0xFF);
    return out;
}

/// One TLV: tag, u16 big-endian length, value.
inline std::string tlv(std::uint8_t tag, std::string_view value) {
    return std::string(1, static_cast<char>(tag)) + be16(value.size()) + std::string(value);
}

/// A NUL-terminated string value.
inline std::string cstr(std::string_view text) {
    return std::string(text) + '\0';
}

inline const std::string kSigner = "CN=someSigner;OU=someOrgUnit;O=someOrg";
inline const std::string kIssuer = "CN=someCA;OU=someOrgUnit;O=someOrg";
inline const std::string kSerial("\x12\x34\x56\x78\x90\xAB\xCD\xEF", 8);

/// What a TLV header holds; the defaults give the layout of docs/phone-files.md §1.2.
struct TlvOptions {
    std::uint8_t major = 1;
    std::uint8_t minor = 1;
    std::string signed_name = "SIP41.8-5-4S.loads";
    bool with_name = true;         ///< emit tag 14
    bool signer_order_465 = false; ///< sgnfile's order 4, 6, 5 instead of Cisco's 4, 5, 6
    std::uint8_t hash = 1;         ///< 1 SHA-1
    std::uint8_t modulus_index = 2;
    std::size_t signature_size = 256;
    std::optional<std::uint32_t> timestamp;
    std::string extra;       ///< raw bytes inserted before tag 14 (unknown tags, ...)
    std::string after_name;  ///< raw bytes after tag 14 and 15 (the .sebn encryption block)
    std::size_t align = 4;   ///< pad with 0x0D to a multiple of this
    std::size_t padding = 0; ///< if non-zero, exactly this many 0x0D bytes instead
};

/// The fields after tags 1 and 2, padding included, for a header that starts at 0.
inline std::string tlv_fields(const TlvOptions& o) {
    const std::string signer = tlv(4, cstr(kSigner));
    const std::string serial = tlv(5, kSerial);
    const std::string issuer = tlv(6, cstr(kIssuer));
    std::string out =
        tlv(3, o.signer_order_465 ? signer + issuer + serial : signer + serial + issuer);
    const std::string algorithm =
        tlv(10, std::string(1, '\0')) + tlv(11, std::string(1, static_cast<char>(o.modulus_index)));
    out += tlv(7, tlv(8, std::string(1, static_cast<char>(o.hash))) + tlv(9, algorithm));
    out += tlv(12, std::string(o.signature_size, '\xA5'));
    out += o.extra;
    if (o.timestamp)
        out += tlv(15, be32(*o.timestamp));
    if (o.with_name)
        out += tlv(14, cstr(o.signed_name));
    out += o.after_name;
    std::size_t pad = o.padding;
    if (pad == 0) {
        const std::size_t unpadded = 10 + out.size();
        pad = (o.align - unpadded % o.align) % o.align;
    }
    out += std::string(pad, '\x0D');
    return out;
}

/// A whole TLV header (tag 1, tag 2 with the right length, the fields, padding).
inline std::string tlv_header(const TlvOptions& o = {}) {
    const std::string fields = tlv_fields(o);
    return tlv(1, std::string{static_cast<char>(o.major), static_cast<char>(o.minor)}) +
           tlv(2, be16(10 + fields.size())) + fields;
}

/// A signed file: header plus body.
inline std::string tlv_file(const TlvOptions& o, std::string_view body) {
    return tlv_header(o) + std::string(body);
}

/// A header with its own name: the usual fixture for a .loads or .sbn.
inline std::string signed_as(std::string_view name, std::string_view body) {
    TlvOptions o;
    o.signed_name = std::string(name);
    return tlv_file(o, body);
}

inline std::array<unsigned char, 32> sha256(std::string_view data) {
    std::array<unsigned char, 32> digest{};
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("EVP_Digest failed");
    return digest;
}

/// The encryption block of a 8961/9951/9971 `.sebn` (docs/phone-files.md §1.1): tag 16 declaring 72
/// bytes, tag 17 declaring 26, then children 18 (1), 19 (16), 20 (2), 21 (13), 26 (1), 27
/// (20), which take 71 bytes: the declared lengths bound nothing.
inline std::string encryption_block() {
    std::string out = std::string(1, '\x10') + be16(72) + std::string(1, '\x11') + be16(26);
    const std::pair<std::uint8_t, std::size_t> children[] = {{18, 1},  {19, 16}, {20, 2},
                                                             {21, 13}, {26, 1},  {27, 20}};
    for (const auto& [tag, size] : children)
        out += tlv(tag, std::string(size, static_cast<char>(0x40 + tag)));
    return out;
}

/// A 78xx/88xx little-endian envelope around `body` (docs/phone-files.md §2.3): u32 fields, the name
/// NUL-padded to a 4-byte boundary (no NUL when its length is a multiple of 4) and a 256-byte
/// fake signature; `good_hash` false stores the hash of something else, `word_08` is the
/// u32 after the header size (4 on a real 88xx multiplatform .loads).
inline std::string le_file(std::string_view name, std::string_view body, bool good_hash = true,
                           std::uint32_t word_08 = 0) {
    const std::size_t field = (name.size() + 3) / 4 * 4;
    const std::uint32_t header_size = static_cast<std::uint32_t>(0x38 + field + 256);
    std::string out("\xCD\x34\x12\xAB", 4);
    out +=
        le32(header_size) + le32(word_08) + le32(static_cast<std::uint32_t>(body.size())) + le32(0);
    const auto digest = sha256(good_hash ? body : std::string_view("something else"));
    out.append(reinterpret_cast<const char*>(digest.data()), digest.size());
    out += le32(static_cast<std::uint32_t>(name.size())) + std::string(name) +
           std::string(field - name.size(), '\0');
    out += std::string(256, '\x5A');
    return out + std::string(body);
}

struct CnuSpec {
    std::uint32_t type = 7;
    std::uint32_t flags = 2;
    std::string name; ///< empty: name offset 0
    std::string data;
    std::uint32_t mtime = 1234567890;
};

/// A CNU_File_Archive_3.0 (docs/phone-files.md §3.1) holding `entries` in order.
inline std::string cnu_archive(const std::vector<CnuSpec>& entries) {
    const std::string magic = "CNU_File_Archive_3.0";
    const std::size_t table_end = 0x248 + 20 * entries.size();
    std::string names;
    std::vector<std::uint32_t> name_offsets;
    for (const CnuSpec& e : entries) {
        name_offsets.push_back(
            e.name.empty() ? 0 : static_cast<std::uint32_t>(table_end + names.size()));
        if (!e.name.empty())
            names += cstr(e.name);
    }
    const auto content_offset = static_cast<std::uint32_t>(table_end + names.size());
    std::string out = magic + std::string(28, '\0') +
                      be32(static_cast<std::uint32_t>(entries.size())) + be32(content_offset) +
                      magic + std::string(508, '\0');
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const CnuSpec& e = entries[i];
        out += be32(e.type) + be32(e.flags) + be32(static_cast<std::uint32_t>(e.data.size())) +
               be32(e.mtime) + be32(name_offsets[i]);
    }
    out += names;
    for (const CnuSpec& e : entries)
        out += e.data;
    return out;
}

/// A TNP body (docs/phone-files.md §2.1): comments, optional hardware line, two blank lines, the
/// five components with the real trailing space on dsp and cvm.
inline std::string tnp_body(std::string_view family, std::string_view proto, std::string_view build,
                            std::optional<unsigned> hardware = {}, std::string_view eol = "\r\n") {
    const std::string f(family), b(build), p(proto);
    std::string out;
    auto line = [&](const std::string& text) { out += text + std::string(eol); };
    line("#");
    line("# This file contains a list of archive image files that will be requested by the");
    line("# RELEASE load version " + b);
    line("#");
    if (hardware)
        line("#HARDWARE_COMP_1 " + std::to_string(*hardware));
    line("");
    line("");
    line("jar" + f + p + "." + b + ".sbn");
    line("cnu" + f + "." + b + ".sbn");
    line("apps" + f + "." + b + ".sbn");
    line("dsp" + f + "." + b + ".sbn ");
    line("cvm" + f + p + "." + b + ".sbn ");
    return out;
}

/// The 78xx INI body of docs/phone-files.md §2.3 (abridged `ebr_*` lines).
inline std::string ini_78xx_body(std::string_view version) {
    const std::string v(version);
    return "#\n"
           "# (C) 2013 Cisco Systems 5th-Generation IP Phones\n"
           "# RELEASE Model=78xx Version=" +
           v +
           "\n"
           "# Tue Jan 01 00:00:00 2019\n"
           "# LOADS=sip78xx." +
           v +
           ".loads\n"
           "#\n"
           "\n"
           "[CISCO-ID]\n"
           "version = " +
           v +
           "\n"
           "hwcompat = 0x00000003\n"
           "swcompat = 0x00000004\n"
           "transition = 0x00000000\n"
           "loadversion = 0x00000001\n"
           "\n"
           "[PLATFORM_1]\n"
           "sboot=sboot78xx." +
           v +
           ".sbn size=370348\n"
           "kern=kern78xx." +
           v +
           ".sbn size=3089488\n"
           "rootfs=rootfs78xx." +
           v +
           ".sbn size=40239440\n"
           "ebr_diskver = 1\n"
           "ebr_sboot   = (-1,2,0,2,0x280000,-1)(-1,2,0,2,0x5980000,-1)\n"
           "\n"
           "[PLATFORM_2]\n"
           "sboot=sboot2.78xx." +
           v + ".sbn size=596540\n";
}

} // namespace fixtures
