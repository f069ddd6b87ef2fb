// signed_file.hpp: the TLV and LE envelopes of docs/phone-files.md §1 and §2.3 and the CNU archive of
// §3.1, on synthetic files built in memory (fixtures.hpp); every rejection names its
// offset.
#include "fixtures.hpp"
#include "test_support.hpp"

#include <fwplan/signed_file.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <stdexcept>
#include <string>

using fixtures::TlvOptions;
using fwplan::EnvelopeKind;
using fwplan::HashAlgorithm;
using fwplan::parse_cnu_archive;
using fwplan::parse_signed_file;
using fwplan::parse_signed_header;

namespace {

template <typename T>
void check_error(const fwplan::Result<T>& result, const std::string& code, std::uint64_t offset,
                 const std::string& words) {
    REQUIRE_FALSE(result.ok());
    const fwplan::Error& error = result.error();
    INFO(error.describe());
    CHECK(error.kind == fwplan::ErrorKind::BadInput);
    CHECK(error.code == code);
    REQUIRE(error.offset.has_value());
    CHECK(*error.offset == offset);
    CHECK(error.message.find(words) != std::string::npos);
}

// The body views the bytes, so they must outlive the result: no temporaries.
fwplan::SignedFile parsed(std::string&&) = delete;
fwplan::SignedFile parsed(const std::string& bytes) {
    auto file = parse_signed_file(bytes);
    INFO((file ? std::string() : file.error().describe()));
    REQUIRE(file.ok());
    return *file;
}

std::string bytes_at(const std::string& s, std::size_t at, std::size_t n) {
    return s.substr(at, n);
}

// The header of §1.2 with `name` and the §2.1 body.
const std::string kBody = fixtures::tnp_body("41", "sip", "8-5-4TH1-6");

} // namespace

TEST_CASE("the annotated layout of SIP41.8-5-4S.loads (docs/phone-files.md 1.2)") {
    const std::string file = fixtures::tlv_file({}, kBody);
    // The builder reproduces the annotated offsets byte for byte.
    REQUIRE(file.size() == 650);
    CHECK(bytes_at(file, 0x000, 5) == std::string("\x01\x00\x02\x01\x01", 5));
    CHECK(bytes_at(file, 0x005, 5) == std::string("\x02\x00\x02\x01\x94", 5));
    CHECK(bytes_at(file, 0x00A, 3) == std::string("\x03\x00\x5B", 3));
    CHECK(bytes_at(file, 0x068, 3) == std::string("\x07\x00\x0F", 3));
    CHECK(bytes_at(file, 0x07A, 3) == std::string("\x0C\x01\x00", 3));
    CHECK(bytes_at(file, 0x17D, 3) == std::string("\x0E\x00\x13", 3));
    CHECK(bytes_at(file, 0x193, 1) == "\x0D");

    const fwplan::SignedFile parsed_file = parsed(file);
    const fwplan::SignedHeader& h = parsed_file.header;
    CHECK(h.kind == EnvelopeKind::Tlv);
    CHECK(h.version_major == 1);
    CHECK(h.version_minor == 1);
    CHECK(h.header_length == 404);
    CHECK(h.signed_name == "SIP41.8-5-4S.loads");
    CHECK(h.signer_name == "CN=someSigner;OU=someOrgUnit;O=someOrg");
    CHECK(h.issuer_name == "CN=someCA;OU=someOrgUnit;O=someOrg");
    CHECK(h.serial_number_hex == "1234567890abcdef");
    CHECK(h.hash == HashAlgorithm::Sha1);
    CHECK(h.signature_algorithm == 0);
    CHECK(h.signature_size == 256);
    CHECK_FALSE(h.timestamp.has_value());
    CHECK(h.body_size == 246);
    CHECK_FALSE(h.body_hash_checked);
    CHECK(h.body_sha256_hex.empty());
    CHECK(parsed_file.body == kBody);
    CHECK(parsed_file.body.data() == file.data() + 404); // a view, not a copy
}

TEST_CASE("the term file of the same load is padded to 408 bytes (654-byte file)") {
    TlvOptions o;
    o.signed_name = "term41.default.loads";
    const std::string file = fixtures::tlv_file(o, kBody);
    CHECK(file.size() == 654);
    const auto f = parsed(file);
    CHECK(f.header.header_length == 408);
    CHECK(f.header.signed_name == "term41.default.loads");
}

TEST_CASE("TLV versions 1.0, 1.1 and 1.2 are accepted, others refused") {
    for (int minor : {0, 1, 2}) {
        TlvOptions o;
        o.minor = static_cast<std::uint8_t>(minor);
        const std::string file = fixtures::tlv_file(o, "x\n");
        const auto f = parsed(file);
        CHECK(f.header.version_major == 1);
        CHECK(f.header.version_minor == minor);
    }
    TlvOptions minor3;
    minor3.minor = 3;
    check_error(parse_signed_file(fixtures::tlv_file(minor3, "x")),
                "fwplan.signed.unsupported-version", 3, "version 1.3");
    // Major 2 still has tag 2 where expected, so it is a TLV header of an unknown version.
    TlvOptions major2;
    major2.major = 2;
    major2.minor = 0;
    check_error(parse_signed_file(fixtures::tlv_file(major2, "x")),
                "fwplan.signed.unsupported-version", 3, "version 2.0");
}

TEST_CASE("signer info in the order 4,5,6 (Cisco) and 4,6,5 (sgnfile) give the same fields") {
    TlvOptions cisco;
    TlvOptions sgnfile;
    sgnfile.signer_order_465 = true;
    const std::string a = fixtures::tlv_file(cisco, "body");
    const std::string b = fixtures::tlv_file(sgnfile, "body");
    REQUIRE(a != b);
    const auto fa = parsed(a);
    const auto fb = parsed(b);
    CHECK(fa.header.signer_name == fb.header.signer_name);
    CHECK(fa.header.issuer_name == fb.header.issuer_name);
    CHECK(fb.header.serial_number_hex == "1234567890abcdef");
    CHECK(fb.header.signer_name == fixtures::kSigner);
}

TEST_CASE("children of every container may come in any order") {
    // Signature info with the algorithm container before the hash; algorithm info with 11
    // before 10; signer info 6, 5, 4.
    using fixtures::cstr;
    using fixtures::tlv;
    const std::string fields =
        tlv(3, tlv(6, cstr("CN=ca")) + tlv(5, "\x01\x02") + tlv(4, cstr("CN=me"))) +
        tlv(7, tlv(9, tlv(11, "\x01") + tlv(10, std::string(1, '\0'))) + tlv(8, "\x02")) +
        tlv(12, std::string(128, 'S')) + tlv(14, cstr("a.loads"));
    std::string header = tlv(1, std::string("\x01\x00", 2)) +
                         tlv(2, fixtures::be16(10 + fields.size() + 1)) + fields + "\x0D";
    const std::string file = header + "body";
    const auto f = parsed(file);
    CHECK(f.header.signer_name == "CN=me");
    CHECK(f.header.issuer_name == "CN=ca");
    CHECK(f.header.serial_number_hex == "0102");
    CHECK(f.header.hash == HashAlgorithm::Sha256);
    CHECK(f.header.signature_size == 128);
    CHECK(f.header.body_size == 4);
}

TEST_CASE("the timestamp (tag 15) is optional") {
    TlvOptions with;
    with.timestamp = 1700000000U;
    const std::string file = fixtures::tlv_file(with, "b");
    const auto f = parsed(file);
    REQUIRE(f.header.timestamp.has_value());
    CHECK(*f.header.timestamp == 1700000000U);
    const std::string without = fixtures::tlv_file({}, "b");
    CHECK_FALSE(parsed(without).header.timestamp.has_value());
}

TEST_CASE("padding of 0 to 3 bytes (and more) is skipped") {
    // Name lengths 18, 19, 20, 21 give 1, 0, 3, 2 bytes of padding to a multiple of 4.
    for (const char* name : {"SIP41.8-5-4S.loads", "SIP41.8-5-4SX.loads", "SIP41.8-5-4SXY.loads",
                             "SIP41.8-5-4SXYZ.loads"}) {
        TlvOptions o;
        o.signed_name = name;
        const std::string file = fixtures::tlv_file(o, "body");
        const auto f = parsed(file);
        CHECK(f.header.header_length % 4 == 0);
        CHECK(f.header.signed_name == name);
        CHECK(f.body == "body");
    }
    for (std::size_t pad : {1U, 2U, 3U, 7U}) {
        TlvOptions o;
        o.padding = pad;
        const std::string file = fixtures::tlv_file(o, "body");
        const auto f = parsed(file);
        CHECK(f.header.header_length == 403 + pad);
        CHECK(f.body == "body");
    }
}

TEST_CASE("unknown tags are skipped, like ITL's tag 28") {
    TlvOptions o;
    o.extra = fixtures::tlv(28, "\x01") + fixtures::tlv(99, "") + fixtures::tlv(0, "zz");
    const std::string file = fixtures::tlv_file(o, "body");
    const auto f = parsed(file);
    CHECK(f.header.signed_name == "SIP41.8-5-4S.loads");
    CHECK(f.body == "body");
}

TEST_CASE("a header without tag 2 after the version is refused") {
    // Tag 3 where tag 2 should be: still recognisable as TLV by its version 1.x.
    const std::string file = fixtures::tlv(1, "\x01\x01") + fixtures::tlv(3, "") + "rest";
    check_error(parse_signed_file(file), "fwplan.signed.missing-header-length", 5, "tag 2");
    // Tag 2 with a 1-byte value.
    const std::string short_length = fixtures::tlv(1, "\x01\x01") + fixtures::tlv(2, "\x20") + "ab";
    check_error(parse_signed_file(short_length), "fwplan.signed.missing-header-length", 5,
                "length 1");
}

TEST_CASE("a header length larger than the file, or too small, is refused") {
    std::string file = fixtures::tlv_file({}, "");
    // 404 bytes: the header is the whole file (an empty body is fine).
    CHECK(parsed(file).header.body_size == 0);
    file.resize(403);
    check_error(parse_signed_file(file), "fwplan.signed.bad-header-length", 8,
                "larger than the file (403 bytes)");

    std::string tiny = fixtures::tlv_file({}, "body");
    tiny[8] = 0;
    tiny[9] = 9;
    check_error(parse_signed_file(tiny), "fwplan.signed.bad-header-length", 8, "shorter");

    std::string huge = fixtures::tlv_file({}, "body");
    huge[8] = '\xFF';
    huge[9] = '\xFF';
    check_error(parse_signed_file(huge), "fwplan.signed.bad-header-length", 8, "65535");
}

TEST_CASE("a file cut inside the first fields is truncated, not an over-read") {
    check_error(parse_signed_file(std::string("\x01\x00\x02\x01\x01\x02", 6)),
                "fwplan.signed.truncated", 6, "ends after 6 bytes");
    check_error(parse_signed_file(std::string("\x01\x00\x02\x01", 4)), "fwplan.signed.truncated", 4,
                "ends after 4 bytes");
}

TEST_CASE("a TLV running past the header length is refused") {
    std::string file = fixtures::tlv_file({}, kBody);
    // Header length 402 instead of 404: tag 14 at 0x17D runs to 0x193 = 403.
    file[9] = static_cast<char>(0x92);
    check_error(parse_signed_file(file), "fwplan.signed.tlv-overrun", 0x17D,
                "tag 14 (file name) runs to offset 403, past the header length 402");

    // A tag in the last byte of the header has no room for its length: cut the header
    // length so that it ends right after a lone 0x05.
    TlvOptions o;
    o.extra = "\x05";
    std::string lone = fixtures::tlv_header(o) + "body";
    const std::size_t lone_at = lone.find("\x05\x0E", 0x17D);
    REQUIRE(lone_at != std::string::npos);
    lone[8] = static_cast<char>((lone_at + 1) >> 8);
    lone[9] = static_cast<char>((lone_at + 1) & 0xFF);
    check_error(parse_signed_file(lone), "fwplan.signed.tlv-overrun", lone_at, "tag 5");
}

TEST_CASE("a container whose children overrun it is refused") {
    std::string file = fixtures::tlv_file({}, kBody);
    // Signer info (tag 3 at 0x0A) one byte shorter: the issuer (tag 6 at 0x42) overruns it.
    REQUIRE(file[0x0C] == 0x5B);
    file[0x0C] = 0x5A;
    check_error(parse_signed_file(file), "fwplan.signed.container-overrun", 0x42,
                "tag 6 (issuer name) inside tag 3 (signer info) runs to offset 104, past the "
                "end of its container at offset 103");
}

TEST_CASE("zero-length and wrong-length values are refused") {
    TlvOptions empty_name;
    empty_name.with_name = false;
    empty_name.extra = fixtures::tlv(14, "");
    const std::string file = fixtures::tlv_file(empty_name, "b");
    check_error(parse_signed_file(file), "fwplan.signed.empty-field", 0x17D,
                "tag 14 (file name) has no value");

    TlvOptions empty_signature;
    empty_signature.signature_size = 0;
    check_error(parse_signed_file(fixtures::tlv_file(empty_signature, "b")),
                "fwplan.signed.empty-field", 0x7A, "tag 12 (signature) has no value");

    TlvOptions bad_timestamp;
    bad_timestamp.extra = fixtures::tlv(15, "\x01\x02");
    check_error(parse_signed_file(fixtures::tlv_file(bad_timestamp, "b")),
                "fwplan.signed.bad-field", 0x17D, "has 2 bytes of value, expected 4");

    // The hash algorithm (tag 8 at 0x6B) with an empty value: rebuild signature info.
    std::string no_hash = fixtures::tlv_file({}, "b");
    REQUIRE(no_hash.substr(0x6B, 4) == std::string("\x08\x00\x01\x01", 4));
    // Replace "08 0001 01" by "08 0000" + a padding byte; the container length is unchanged.
    no_hash.replace(0x6B, 4, std::string("\x08\x00\x00\x0D", 4));
    check_error(parse_signed_file(no_hash), "fwplan.signed.bad-field", 0x6B,
                "tag 8 (hash algorithm) has 0 bytes of value, expected 1");
}

TEST_CASE("bad modulus index, signature size mismatch and duplicates are refused") {
    TlvOptions modulus;
    modulus.modulus_index = 7;
    check_error(parse_signed_file(fixtures::tlv_file(modulus, "b")), "fwplan.signed.bad-field",
                0x76, "modulus index 7");

    TlvOptions mismatch;
    mismatch.modulus_index = 3; // 512 bytes, but the signature has 256
    check_error(parse_signed_file(fixtures::tlv_file(mismatch, "b")), "fwplan.signed.bad-field",
                0x7A, "256 bytes but the modulus field says 512");

    TlvOptions twice;
    twice.extra = fixtures::tlv(14, fixtures::cstr("other.loads"));
    check_error(parse_signed_file(fixtures::tlv_file(twice, "b")), "fwplan.signed.duplicate-field",
                0x17D + 3 + 12, "tag 14 (file name) appears twice");
}

TEST_CASE("containers nested absurdly deep are refused without recursion trouble") {
    std::string nested = "";
    for (int i = 0; i < 200; ++i)
        nested = fixtures::tlv(3, nested);
    TlvOptions o;
    o.extra = nested;
    const std::string file = fixtures::tlv_file(o, "b");
    auto result = parse_signed_file(file);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().code == "fwplan.signed.too-deep");
}

TEST_CASE("files without an envelope are kind None with the whole file as body") {
    for (const std::string& text :
         {std::string("P003-8-12-00 \r\n"), std::string("\x06\x00\x00\xEA\x05\x00\x00\xEA", 8),
          std::string(), std::string("\x01\x00\x02", 3), std::string("\x01\x00\x02\x05xyzw", 8),
          std::string("# comment\nplain.sbn\n")}) {
        const auto f = parsed(text);
        CHECK(f.header.kind == EnvelopeKind::None);
        CHECK(f.header.header_length == 0);
        CHECK(f.header.body_size == text.size());
        CHECK(f.body == text);
    }
}

TEST_CASE("LE envelope: fields, and the SHA-256 of the body verified") {
    const std::string body = fixtures::ini_78xx_body("11-0-1-11");
    const std::string file = fixtures::le_file("sip78xx.11-0-1-11.loads", body);
    const auto f = parsed(file);
    CHECK(f.header.kind == EnvelopeKind::LittleEndian78xx);
    CHECK(f.header.header_length == 0x150);
    CHECK(f.header.signed_name == "sip78xx.11-0-1-11.loads");
    CHECK(f.header.hash == HashAlgorithm::Sha256);
    CHECK(f.header.signature_size == 256);
    CHECK(f.header.body_size == body.size());
    CHECK(f.header.body_hash_checked);
    CHECK(f.header.body_sha256_hex.size() == 64);
    CHECK(f.body == body);
}

TEST_CASE("LE envelope: a wrong hash is refused") {
    const std::string file = fixtures::le_file("sip78xx.11-0-1-11.loads", "body", false);
    check_error(parse_signed_file(file), "fwplan.signed.hash-mismatch", 0x14, "SHA-256");
    // Without the whole file the hash is not checked (and not claimed to be).
    auto header = parse_signed_header(std::string_view(file).substr(0, 0x150), file.size());
    REQUIRE(header.ok());
    CHECK_FALSE(header->body_hash_checked);
    CHECK(header->body_size == 4);
}

TEST_CASE("LE envelope: every length is bounds-checked") {
    const std::string good = fixtures::le_file("a.loads", "body");
    auto patched = [&](std::size_t at, std::uint32_t value) {
        std::string copy = good;
        copy.replace(at, 4, fixtures::le32(value));
        return copy;
    };
    check_error(parse_signed_file(patched(0x0C, 5)), "fwplan.signed.size-mismatch", 0x0C,
                "payload size 5 but the file holds 4");
    check_error(parse_signed_file(patched(0x04, 100000)), "fwplan.signed.bad-header-length", 0x04,
                "larger than the file");
    check_error(parse_signed_file(patched(0x04, 0x20)), "fwplan.signed.bad-header-length", 0x04,
                "shorter than its fixed part");
    check_error(parse_signed_file(patched(0x04, 0x3C)), "fwplan.signed.bad-name", 0x34,
                "does not fit in the 60-byte header");
    check_error(parse_signed_file(patched(0x34, 0xFFFFFFFFU)), "fwplan.signed.bad-name", 0x34,
                "4294967295 bytes");
    check_error(parse_signed_file(patched(0x34, 3)), "fwplan.signed.bad-name", 0x38 + 3,
                "padding after the file name is not NUL");
    check_error(parse_signed_file(patched(0x34, 0)), "fwplan.signed.bad-name", 0x34,
                "a file name of 0 bytes");
    check_error(parse_signed_file(good.substr(0, 0x20)), "fwplan.signed.truncated", 0x20,
                "ends after 32 bytes");
}

TEST_CASE("parse_signed_header reads a big file's header from a prefix") {
    TlvOptions o;
    o.signed_name = "cnu41.9-4-2ES9.sbn";
    const std::string header = fixtures::tlv_header(o);
    const std::string prefix = header + std::string(1000, 'x');
    auto h = parse_signed_header(prefix, 5'000'000);
    REQUIRE(h.ok());
    CHECK(h->kind == EnvelopeKind::Tlv);
    CHECK(h->signed_name == "cnu41.9-4-2ES9.sbn");
    CHECK(h->body_size == 5'000'000 - header.size());

    check_error(parse_signed_header(std::string_view(header).substr(0, 100), 5'000'000),
                "fwplan.signed.truncated", 100, "only 100 bytes were read");
    CHECK_THROWS_AS((void)parse_signed_header(prefix, 10), std::invalid_argument);

    const std::uint64_t big = 1U << 20;
    auto none = parse_signed_header("plain", big);
    REQUIRE(none.ok());
    CHECK(none->kind == EnvelopeKind::None);
    CHECK(none->body_size == big);
}

TEST_CASE("to_string of envelope kinds and hashes") {
    CHECK(fwplan::to_string(EnvelopeKind::Tlv) == "tlv");
    CHECK(fwplan::to_string(EnvelopeKind::LittleEndian78xx) == "le78xx");
    CHECK(fwplan::to_string(EnvelopeKind::None) == "none");
    CHECK(fwplan::to_string(HashAlgorithm::Sha512) == "SHA-512");
    CHECK(fwplan::to_string(HashAlgorithm::Unknown) == "unknown");
}

TEST_CASE("CNU archive: named, raw (type 6) and flags=1 size=0 entries") {
    const std::string archive = fixtures::cnu_archive({
        {6, 2, "", std::string(100, 'K')},
        {7, 2, "/ubin/dsp", "DSPDATA"},
        {7, 1, "/ubin/ksUT000.bin", ""},
        {7, 2, "/etc/trace/dsp.master.trc", "trace"},
    });
    auto cnu = parse_cnu_archive(archive);
    INFO((cnu ? std::string() : cnu.error().describe()));
    REQUIRE(cnu.ok());
    REQUIRE(cnu->entries.size() == 4);
    const std::uint32_t content = cnu->content_offset;
    CHECK(content == 0x248U + 4 * 20 + 10 + 18 + 26);
    CHECK(cnu->entries[0].type == 6);
    CHECK(cnu->entries[0].name.empty());
    CHECK(cnu->entries[0].size == 100);
    CHECK(cnu->entries[0].data_offset == content);
    CHECK(cnu->entries[1].name == "/ubin/dsp");
    CHECK(cnu->entries[1].data_offset == content + 100);
    CHECK(archive.substr(cnu->entries[1].data_offset, 7) == "DSPDATA");
    CHECK(cnu->entries[2].flags == 1);
    CHECK(cnu->entries[2].size == 0);
    CHECK(cnu->entries[2].name == "/ubin/ksUT000.bin");
    CHECK(cnu->entries[3].data_offset == content + 107);
    CHECK(cnu->entries[3].mtime == 1234567890);

    // Inside a signed .sbn: the body of the envelope is the archive.
    const std::string sbn_file = fixtures::signed_as("dsp41.9-4-2ES9.sbn", archive);
    const auto sbn = parsed(sbn_file);
    CHECK(parse_cnu_archive(sbn.body).ok());
}

TEST_CASE("CNU archive: every table and name out of range is refused") {
    const std::string good = fixtures::cnu_archive({{7, 2, "/a", "xy"}, {7, 2, "/b", "z"}});
    REQUIRE(parse_cnu_archive(good).ok());
    auto patched = [&](std::size_t at, std::uint32_t value) {
        std::string copy = good;
        copy.replace(at, 4, fixtures::be32(value));
        return copy;
    };
    const std::size_t table = 0x248;
    const std::size_t names = table + 40; // "/a\0/b\0"
    const std::size_t content = names + 6;

    check_error(parse_cnu_archive(good.substr(0, 0x247)), "fwplan.cnu.truncated", 0x247, "584");
    check_error(parse_cnu_archive("CNU_File_Archive_2.0" + good.substr(20)), "fwplan.cnu.bad-magic",
                0, "does not start");
    std::string second = good;
    second[0x38] = 'X';
    check_error(parse_cnu_archive(second), "fwplan.cnu.bad-magic", 0x38, "repeated");
    check_error(parse_cnu_archive(patched(0x30, 0xFFFFFFFFU)), "fwplan.cnu.too-many-entries", 0x30,
                "4294967295");
    check_error(parse_cnu_archive(patched(0x30, 3)), "fwplan.cnu.bad-content-offset", 0x34,
                "a table of 3 entries ends at offset 644");
    check_error(parse_cnu_archive(patched(0x34, 0x7FFFFFFF)), "fwplan.cnu.bad-content-offset", 0x34,
                "past the end");
    // A name pointing into the header, past the name area, or left unterminated.
    check_error(parse_cnu_archive(patched(table + 16, 0x10)), "fwplan.cnu.name-out-of-range",
                table + 16, "entry 0 names offset 16");
    check_error(parse_cnu_archive(patched(table + 20 + 16, static_cast<std::uint32_t>(content))),
                "fwplan.cnu.name-out-of-range", table + 20 + 16, "entry 1");
    std::string unterminated = good;
    unterminated[names + 5] = 'c'; // "/b\0" -> "/bc": runs into the payloads
    check_error(parse_cnu_archive(unterminated), "fwplan.cnu.name-out-of-range", names + 3,
                "not NUL-terminated");
    // Sizes that do not add up to the archive, including a huge one (no wrap-around).
    check_error(parse_cnu_archive(good + "extra"), "fwplan.cnu.size-mismatch", content + 3,
                "plus the entry sizes is " + std::to_string(content + 3));
    check_error(parse_cnu_archive(patched(table + 8, 0xFFFFFFFFU)), "fwplan.cnu.size-mismatch",
                good.size(), "4294967");
}

TEST_CASE("LE envelope: the words after the sizes are fields of their own (88xx MPP)") {
    // A real 88xx multiplatform .loads has 4 in the u32 after the header size; read as one
    // u64 with it, the header size was 17179869528 and the file was refused (issue 12).
    const std::string body = fixtures::ini_78xx_body("12-0-7MPP0201-66");
    const std::string file =
        fixtures::le_file("sip88xx.12-0-7MPP0201-66.loads", body, true, /*word_08=*/4);
    const auto f = parsed(file);
    CHECK(f.header.kind == EnvelopeKind::LittleEndian78xx);
    CHECK(f.header.header_length == 0x158);
    CHECK(f.header.le_word_08 == 4);
    CHECK(f.header.le_word_10 == 0);
    CHECK(f.header.signed_name == "sip88xx.12-0-7MPP0201-66.loads");
    CHECK(f.header.body_hash_checked);
    CHECK(f.body == body);
    // The word at 0x10 is not a high half of the payload size either.
    std::string other = file;
    other.replace(0x10, 4, fixtures::le32(7));
    const auto g = parsed(other);
    CHECK(g.header.le_word_10 == 7);
    CHECK(g.header.body_size == body.size());
}

TEST_CASE("LE envelope: a name filling its 4-byte field has no NUL (78xx 12.8 images)") {
    const std::string name = "kern78xx.12-8-1-0001-455.sbn";
    REQUIRE(name.size() % 4 == 0);
    const std::string file = fixtures::le_file(name, "image bytes");
    CHECK(file[0x38 + name.size()] == '\x5A'); // the signature starts right after the name
    const auto f = parsed(file);
    CHECK(f.header.signed_name == name);
    CHECK(f.header.header_length == 0x38 + 28 + 256);
    CHECK(f.header.signature_size == 256);
    // 25 to 28 characters give 0x154, 29 to 32 0x158; 23 gives the 0x150 of docs/phone-files.md 2.3.
    const std::string kern = fixtures::le_file("kern78xx.14-2-1-0101-26.sbn", "x");
    CHECK(parsed(kern).header.header_length == 0x154);
    const std::string rootfs = fixtures::le_file("rootfs78xx.14-2-1-0101-26.sbn", "x");
    CHECK(parsed(rootfs).header.header_length == 0x158);
}

TEST_CASE("encrypted .sebn: tags 16 and 17 are walked into, up to the header length") {
    TlvOptions o;
    o.signed_name = "kern8961.9-4-1-9.sebn";
    o.timestamp = 1487030400;
    o.after_name = fixtures::encryption_block();
    const std::string file = fixtures::tlv_file(o, "ciphertext");
    const auto f = parsed(file);
    CHECK(f.header.encrypted);
    CHECK(f.header.signed_name == "kern8961.9-4-1-9.sebn");
    CHECK(f.header.timestamp == 1487030400U);
    CHECK(f.header.header_length % 4 == 0);
    CHECK(f.body == "ciphertext");
    // Files without the block are not encrypted.
    const std::string plain = fixtures::signed_as("kern8961.9-4-1-9.sebn", "x");
    CHECK_FALSE(parsed(plain).header.encrypted);
}

TEST_CASE("the generated real-shape samples read right") {
    const std::filesystem::path dir = std::filesystem::path(FWPLAN_TESTDATA_DIR) / "real-shapes";
    const std::string mpp = fwplan::test::read_file(dir / "sip88xx.12-0-7MPP0201-66.loads");
    const auto m = parsed(mpp);
    CHECK(m.header.le_word_08 == 4);
    CHECK(m.header.header_length == 0x158);
    const std::string kern = fwplan::test::read_file(dir / "kern78xx.12-8-1-0001-455.sbn");
    const auto k = parsed(kern);
    CHECK(k.header.signed_name == "kern78xx.12-8-1-0001-455.sbn");
    CHECK(k.header.header_length == 0x154);
}
