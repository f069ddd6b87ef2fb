// Fuzzes the .loads parser: the first byte picks a file name (one per body kind and a term
// file), the rest is the file. No input may crash, hang or over-read, and whatever is
// accepted must hold only names that are safe to fetch from a TFTP root.
#include <fwplan/manifest.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

namespace {

constexpr std::array<std::string_view, 11> kNames = {
    "SIP41.9-4-2SR3-1S.loads",    // TNP
    "term41.default.loads",       // TNP term file
    "P0S3-8-12-00.loads",         // 7940/7960
    "sip78xx.11-0-1-11.loads",    // 78xx INI
    "CP7921G-1.4.6.3.LOADS",      // wireless
    "SIP69xx.9-4-1-3SR2.loads",   // 69xx list
    "sip8961.9-4-1-9.loads",      // INI or list by shape
    "not-a-load.loads",           // read by its body's shape unless a signed name saves it
    "CP3905.9-4-1SR4-2.loads",    // 3905: plain text, no envelope
    "CP7926G-1.4.1SR1.LOADS",     // wireless service release
    "sip68xx.11-3-1MSR3-3.loads", // a family fwplan does not know
};

void require(bool condition) {
    if (!condition)
        std::abort();
}

bool safe_name(std::string_view name) {
    if (name.empty() || name.size() > 255 || name.front() == '.' ||
        name.find("..") != std::string_view::npos)
        return false;
    for (char c : name) {
        const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                        (c >= 'A' && c <= 'Z') || c == '.' || c == '_' || c == '-' || c == '+';
        if (!ok)
            return false;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    const std::string_view name = kNames[data[0] % kNames.size()];
    const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
    auto manifest = fwplan::parse_manifest(name, bytes);
    if (!manifest) {
        require(!manifest.error().code.empty());
        require(manifest.error().file == name);
        return 0;
    }
    const fwplan::Manifest& m = *manifest;
    require(!m.components.empty());
    for (const fwplan::ManifestComponent& c : m.components)
        require(safe_name(c.name));
    require(m.is_term_file == (m.term_model != nullptr));
    require(!(m.is_term_file && m.load.has_value()));
    if (!m.is_term_file && !m.load) {
        // Neither a load nor a term file: read anyway, and the name problem is said.
        bool said = false;
        for (const fwplan::Diagnostic& w : m.warnings)
            said = said || w.code == "fwplan.loads.unknown-name";
        require(said);
    }
    (void)fwplan::term_file_target(m, std::span<const fwplan::Manifest>(&m, 1));
    return 0;
}
