// Fuzzes the text helpers every message and every name comparison passes through: what
// terminal_safe and quote print holds no control byte and no character that reorders or
// hides text; the canonical decomposition (NFD) never crashes on any bytes, is idempotent,
// and keys names so that a name and its NFD form are one.
#include "detail/text.hpp"
#include "detail/unicode.hpp"

#include <fwplan/diagnostic.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {
void check(bool condition) {
    if (!condition)
        std::abort();
}

// Printed text must be plain: no C0 or DEL byte, no C1 or bidi or invisible character.
void check_printable(std::string_view text) {
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        check(byte >= 0x20 && byte != 0x7F);
    }
    check(fwplan::detail::find_hidden_or_reordering(text) == std::string_view::npos);
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    check_printable(fwplan::terminal_safe(text));
    check_printable(fwplan::detail::quote(text));
    check_printable(fwplan::detail::quote(text, 7));
    const std::string decomposed = fwplan::detail::nfd(text);
    check(fwplan::detail::nfd(decomposed) == decomposed);
    check(fwplan::detail::folded_name(text) == fwplan::detail::folded_name(decomposed));
    // A canonical decomposition stays within a small factor of the input (U+2126 OHM SIGN
    // shrinks from 3 bytes to 2; U+1F82 grows from 3 bytes to 4 code points).
    check(3 * decomposed.size() >= 2 * text.size());
    check(decomposed.size() <= 4 * text.size());
    return 0;
}
