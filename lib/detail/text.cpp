#include "detail/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

namespace fwplan::detail {

namespace {

char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

void append_escaped(std::string& out, char c, bool double_backslash = true) {
    static constexpr char kDigits[] = "0123456789abcdef";
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7F && (c != '\\' || !double_backslash)) {
        out += c;
        return;
    }
    if (c == '\\') {
        out += "\\\\";
        return;
    }
    out += "\\x";
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0x0F];
}

// Escapes `text` into `out`: printable UTF-8 stays as it is (a display name in German);
// invalid bytes and C0/C1 controls become \xNN, characters that reorder or hide text \uXXXX.
void append_escaped_text(std::string& out, std::string_view text, bool double_backslash) {
    for (std::size_t i = 0; i < text.size();) {
        std::uint32_t code = 0;
        const std::size_t length = utf8_sequence(text, i, &code);
        if (length > 1 && code >= 0xA0 && !is_hidden_or_reordering(code)) {
            out.append(text.substr(i, length));
            i += length;
        } else if (length > 1 && code >= 0xA0) {
            out += fmt::format("\\u{:04X}", code);
            i += length;
        } else {
            append_escaped(out, text[i], double_backslash);
            ++i;
        }
    }
}

} // namespace

std::size_t utf8_sequence(std::string_view text, std::size_t i,
                          std::uint32_t* code_point) noexcept {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    std::uint32_t code = 0;
    if (lead < 0x80) {
        length = 1;
        code = lead;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        code = lead & 0x1FU;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        code = lead & 0x0FU;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        code = lead & 0x07U;
    } else {
        return 0;
    }
    if (text.size() - i < length)
        return 0;
    for (std::size_t k = 1; k < length; ++k) {
        const auto next = static_cast<unsigned char>(text[i + k]);
        if ((next & 0xC0U) != 0x80U)
            return 0;
        code = (code << 6) | (next & 0x3FU);
    }
    const bool overlong = (length == 3 && code < 0x800) || (length == 4 && code < 0x10000);
    if (overlong || (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF)
        return 0;
    if (code_point != nullptr)
        *code_point = code;
    return length;
}

bool is_hidden_or_reordering(std::uint32_t code) noexcept {
    return (code >= 0x80 && code <= 0x9F) || code == 0xAD || code == 0x061C ||
           (code >= 0x200B && code <= 0x200F) || (code >= 0x2028 && code <= 0x202E) ||
           (code >= 0x2060 && code <= 0x2064) || (code >= 0x2066 && code <= 0x2069) ||
           code == 0xFEFF;
}

std::size_t find_hidden_or_reordering(std::string_view text) noexcept {
    for (std::size_t i = 0; i < text.size();) {
        std::uint32_t code = 0;
        const std::size_t length = utf8_sequence(text, i, &code);
        if (length > 1 && is_hidden_or_reordering(code))
            return i;
        i += length == 0 ? 1 : length;
    }
    return std::string_view::npos;
}

std::string quote(std::string_view text, std::size_t max_chars) {
    std::string out = "'";
    // Cut at a character boundary, so a cut never leaves half a character to escape.
    std::size_t cut = std::min(max_chars, text.size());
    while (cut < text.size() && cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U)
        --cut;
    const std::string_view shown = text.substr(0, cut);
    append_escaped_text(out, shown, true);
    out += '\'';
    if (shown.size() < text.size())
        out += "... (" + std::to_string(text.size()) + " bytes)";
    return out;
}

std::string escape_for_terminal(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    append_escaped_text(out, text, false);
    return out;
}

std::string quote_char(char c) {
    std::string out = "'";
    append_escaped(out, c);
    return out + "'";
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) noexcept {
    return text.size() >= prefix.size() &&
           equals_ignoring_case(text.substr(0, prefix.size()), prefix);
}

bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

std::size_t find_control_char(std::string_view text) noexcept {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte < 0x20 || byte == 0x7F)
            return i;
    }
    return std::string_view::npos;
}

std::size_t find_invalid_utf8(std::string_view text) noexcept {
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t length = utf8_sequence(text, i);
        if (length == 0)
            return i;
        i += length;
    }
    return std::string_view::npos;
}

LineColumn line_column(std::string_view text, std::size_t offset) noexcept {
    LineColumn where;
    const std::size_t end = offset < text.size() ? offset : text.size();
    for (std::size_t i = 0; i < end; ++i) {
        if (text[i] == '\n') {
            ++where.line;
            where.column = 1;
        } else {
            ++where.column;
        }
    }
    return where;
}

std::string_view trim(std::string_view text) noexcept {
    constexpr std::string_view kSpace = " \t\r\n";
    const std::size_t first = text.find_first_not_of(kSpace);
    if (first == std::string_view::npos)
        return {};
    const std::size_t last = text.find_last_not_of(kSpace);
    return text.substr(first, last - first + 1);
}

std::string ascii_upper(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
    return out;
}

std::string ascii_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    return fmt::format("{}", fmt::join(items, separator));
}

} // namespace fwplan::detail
