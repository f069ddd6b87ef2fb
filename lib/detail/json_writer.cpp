#include "detail/json_writer.hpp"

#include <cstdio>

namespace fwplan::detail {

namespace {

// The length of the well-formed UTF-8 sequence at `s[i]`, or 0 (RFC 3629).
std::size_t utf8_length(std::string_view s, std::size_t i) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    unsigned low = 0x80, high = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
        n = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
        n = 3;
        if (b == 0xE0)
            low = 0xA0;
        if (b == 0xED)
            high = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        n = 4;
        if (b == 0xF0)
            low = 0x90;
        if (b == 0xF4)
            high = 0x8F;
    } else {
        return 0;
    }
    if (i + n > s.size())
        return 0;
    for (std::size_t k = 1; k < n; ++k) {
        const auto c = static_cast<unsigned char>(s[i + k]);
        if (c < (k == 1 ? low : 0x80) || c > (k == 1 ? high : 0xBF))
            return 0;
    }
    return n;
}

} // namespace

void append_json_string(std::string& out, std::string_view text) {
    out.push_back('"');
    for (std::size_t i = 0; i < text.size();) {
        // Runs of plain printable ASCII go in whole.
        std::size_t plain = i;
        while (plain < text.size()) {
            const auto b = static_cast<unsigned char>(text[plain]);
            if (b < 0x20 || b >= 0x80 || b == '"' || b == '\\')
                break;
            ++plain;
        }
        if (plain > i) {
            out.append(text.substr(i, plain - i));
            i = plain;
            continue;
        }
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c < 0x20) {
                    char escaped[8];
                    std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
                    out += escaped;
                } else {
                    out.push_back(static_cast<char>(c));
                }
            }
            ++i;
            continue;
        }
        const std::size_t n = utf8_length(text, i);
        if (n == 0) {
            out += "\xEF\xBF\xBD"; // U+FFFD for a byte that is not UTF-8
            ++i;
            continue;
        }
        out.append(text.substr(i, n));
        i += n;
    }
    out.push_back('"');
}

JsonObjectWriter::JsonObjectWriter(std::string& out, int depth, int indent)
    : out_(out), depth_(depth), indent_(indent) {
    out_.push_back('{');
}

void JsonObjectWriter::begin_member(std::string_view key) {
    out_ += first_ ? "\n" : ",\n";
    first_ = false;
    out_.append(static_cast<std::size_t>((depth_ + 1) * indent_), ' ');
    append_json_string(out_, key);
    out_ += ": ";
}

void JsonObjectWriter::field(std::string_view key, std::string_view value) {
    begin_member(key);
    append_json_string(out_, value);
}

void JsonObjectWriter::field(std::string_view key, std::int64_t value) {
    begin_member(key);
    out_ += std::to_string(value);
}

void JsonObjectWriter::field(std::string_view key, bool value) {
    begin_member(key);
    out_ += value ? "true" : "false";
}

void JsonObjectWriter::key(std::string_view key) {
    begin_member(key);
}

void JsonObjectWriter::close() {
    if (!first_) {
        out_.push_back('\n');
        out_.append(static_cast<std::size_t>(depth_ * indent_), ' ');
    }
    out_.push_back('}');
}

} // namespace fwplan::detail
