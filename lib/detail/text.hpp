#pragma once
// Small text helpers shared by the configuration writers: quoting untrusted text for
// messages, case-insensitive prefixes, and the character checks that keep generated files
// well-formed.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fwplan::detail {

/// `'text'` with control characters and bytes that are not UTF-8 shown as `\xNN`, the
/// characters that reorder or hide text (bidi controls such as U+202E, zero-width and line
/// separator characters) shown as `\uXXXX`, and long text cut, so an error message never
/// carries terminal escapes, text that reads otherwise than it is, or a megabyte of input.
std::string quote(std::string_view text, std::size_t max_chars = 64);
/// The same escaping as `quote`, without the quotes, without cutting and with backslashes
/// left alone (so text already quoted is not escaped twice): `terminal_safe`
/// (diagnostic.hpp), which the CLI applies to every message it prints.
std::string escape_for_terminal(std::string_view text);
/// True for the code points `quote` shows as `\uXXXX`: bidi controls (U+061C, U+200E,
/// U+200F, U+202A..U+202E, U+2066..U+2069), zero-width and invisible characters (U+200B..
/// U+200D, U+2060..U+2064, U+FEFF, U+00AD), the line and paragraph separators (U+2028,
/// U+2029) and C1 controls (U+0080..U+009F).
bool is_hidden_or_reordering(std::uint32_t code_point) noexcept;
/// The offset of the first character `is_hidden_or_reordering`, or npos.
std::size_t find_hidden_or_reordering(std::string_view text) noexcept;
/// One character the same way: `'g'`, `'\x00'`.
std::string quote_char(char c);

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) noexcept;
bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept;

/// The offset of the first byte that is a control character (below 0x20, or 0x7F), or
/// npos. Tab counts as a control character here: none of the values fwplan writes may
/// contain one.
std::size_t find_control_char(std::string_view text) noexcept;
/// The offset of the first byte that does not belong to well-formed UTF-8, or npos.
std::size_t find_invalid_utf8(std::string_view text) noexcept;
/// The length of the well-formed UTF-8 sequence at `i` (with its code point when
/// `code_point` is given), or 0 when there is none. Overlong forms, surrogates and values
/// above U+10FFFF are not UTF-8.
std::size_t utf8_sequence(std::string_view text, std::size_t i,
                          std::uint32_t* code_point = nullptr) noexcept;

/// 1-based line and column of a byte offset (columns count bytes).
struct LineColumn {
    std::size_t line = 1;
    std::size_t column = 1;
};
LineColumn line_column(std::string_view text, std::size_t offset) noexcept;

/// ASCII letters in upper / lower case, everything else as it is (no locale involved: load
/// IDs, file names and model numbers are ASCII, and a TFTP root compares bytes).
[[nodiscard]] std::string ascii_upper(std::string_view text);
[[nodiscard]] std::string ascii_lower(std::string_view text);

/// Removes spaces, tabs, CR and LF at both ends.
std::string_view trim(std::string_view text) noexcept;

/// The items with `separator` between them (fmt::join): how messages list names and loads.
[[nodiscard]] std::string join(const std::vector<std::string>& items,
                               std::string_view separator = ", ");

} // namespace fwplan::detail
