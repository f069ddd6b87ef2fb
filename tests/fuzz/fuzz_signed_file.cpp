// Fuzzes the envelope and CNU parsers: no input may crash, hang or over-read, and the
// whole-file and prefix parsers must agree on every header they both accept.
#include <fwplan/signed_file.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

void require(bool condition) {
    if (!condition)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    auto file = fwplan::parse_signed_file(bytes);
    if (file) {
        const fwplan::SignedHeader& h = file->header;
        require(h.header_length + file->body.size() == size);
        require(h.body_size == file->body.size());
        require(file->body.data() == bytes.data() + h.header_length);
        require(h.kind != fwplan::EnvelopeKind::None || h.header_length == 0);
        (void)fwplan::parse_cnu_archive(file->body);
    }

    // The prefix parser sees what a caller streaming a big file would give it.
    const std::size_t cut = std::min(size, fwplan::kSignedHeaderPrefix);
    auto header = fwplan::parse_signed_header(bytes.substr(0, cut), size);
    if (file) {
        require(header.ok());
        require(header->kind == file->header.kind);
        require(header->header_length == file->header.header_length);
        require(header->signed_name == file->header.signed_name);
        require(!header->body_hash_checked);
    } else if (header) {
        // Only the LE body hash can fail where the header alone is fine.
        require(header->kind == fwplan::EnvelopeKind::LittleEndian78xx);
    }
    // A shorter prefix of a (claimed) bigger file must fail cleanly or agree.
    auto shorter = fwplan::parse_signed_header(bytes.substr(0, cut / 2), size + 4096);
    if (shorter && header && header->kind == fwplan::EnvelopeKind::Tlv)
        require(shorter->header_length == header->header_length);

    // The archive directly, so the fuzzer need not build an envelope first.
    auto cnu = fwplan::parse_cnu_archive(bytes);
    if (cnu) {
        std::uint64_t total = cnu->content_offset;
        for (const fwplan::CnuEntry& entry : cnu->entries) {
            require(entry.data_offset == total);
            total += entry.size;
        }
        require(total == size);
    }
    return 0;
}
