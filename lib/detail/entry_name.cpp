#include "detail/entry_name.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

namespace fwplan::detail {

namespace {

bool is_control(unsigned char c) {
    return c < 0x20 || c == 0x7F;
}

std::string hex_byte(unsigned char c) {
    std::array<char, 8> buf{};
    std::snprintf(buf.data(), buf.size(), "\\x%02X", static_cast<unsigned>(c));
    return buf.data();
}

// The bytes of the UTF-8 character at `at`: the lead byte and its continuation bytes.
std::size_t character_length(std::string_view text, std::size_t at) {
    std::size_t length = 1;
    while (at + length < text.size() &&
           (static_cast<unsigned char>(text[at + length]) & 0xC0U) == 0x80U)
        ++length;
    return length;
}

Error problem(const char* code, std::string message) {
    return bad_input(code, std::move(message))
        .with_hint("the package is not safe to unpack into a TFTP root; get it from Cisco again");
}

// Windows reserves these names in every folder, with or without an extension; a TFTP
// server on Windows cannot serve (or even create) such a file.
bool is_device_name(std::string_view component) {
    std::string_view stem = component.substr(0, component.find('.'));
    while (!stem.empty() && stem.back() == ' ')
        stem.remove_suffix(1);
    const std::string upper = [&] {
        std::string out(stem);
        for (char& c : out)
            if (c >= 'a' && c <= 'z')
                c = static_cast<char>(c - 'a' + 'A');
        return out;
    }();
    for (std::string_view word : {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"})
        if (upper == word)
            return true;
    for (std::string_view prefix : {"COM", "LPT"}) {
        if (upper.size() < 4 || upper.compare(0, 3, prefix) != 0)
            continue;
        const std::string_view rest = std::string_view(upper).substr(3);
        if (rest.size() == 1 && rest[0] >= '0' && rest[0] <= '9')
            return true;
        // COM¹ COM² COM³ (UTF-8 superscript digits) are reserved too.
        if (rest == "\xC2\xB9" || rest == "\xC2\xB2" || rest == "\xC2\xB3")
            return true;
    }
    return false;
}

std::optional<Error> check_component(std::string_view part) {
    if (part.empty())
        return problem("archive.bad-name", "has an empty path component ('//')");
    if (part == ".")
        return problem("archive.bad-name", "has a '.' path component");
    for (char c : part) {
        if (c == ':')
            return problem("archive.bad-name",
                           "contains ':', which Windows reads as a drive or a data stream");
        if (c == '<' || c == '>' || c == '"' || c == '|' || c == '?' || c == '*')
            return problem("archive.bad-name", std::string("contains '") + c +
                                                   "', which Windows does not allow in names");
    }
    if (part.back() == '.' || part.back() == ' ')
        return problem("archive.bad-name", "has a component ending in a dot or a space, "
                                           "which Windows silently drops");
    if (part.size() > kMaxNameBytes)
        return problem("archive.name-too-long", "has a name of " + std::to_string(part.size()) +
                                                    " bytes, more than the " +
                                                    std::to_string(kMaxNameBytes) +
                                                    " a file system takes for one name (NAME_MAX)");
    if (is_device_name(part))
        return problem("archive.device-name",
                       "uses the Windows device name '" + std::string(part) +
                           "' as a path component; a Windows TFTP server cannot serve it");
    return std::nullopt;
}

} // namespace

std::string_view strip_leading_dot_slash(std::string_view name) {
    while (name.size() >= 2 && name[0] == '.' && name[1] == '/') {
        name.remove_prefix(2);
        while (!name.empty() && name[0] == '/')
            name.remove_prefix(1);
    }
    return name;
}

std::optional<Error> check_entry_name(std::string_view name) {
    if (name.empty())
        return problem("archive.bad-name", "has an empty name");
    for (char c : name)
        if (is_control(static_cast<unsigned char>(c)))
            return problem("archive.bad-name", "contains the control character " +
                                                   hex_byte(static_cast<unsigned char>(c)));
    // A right-to-left override makes "evil\u202Egpj.sbn" read as "evilnbs.jpg"; zero-width
    // characters make two names that look alike. No firmware name holds one.
    if (const std::size_t at = find_hidden_or_reordering(name); at != std::string_view::npos)
        return problem("archive.bad-name",
                       "contains an invisible or text-reordering character (" +
                           escape_for_terminal(name.substr(at, character_length(name, at))) +
                           "), which makes the name read otherwise than it is");
    if (name.size() > kMaxEntryPath)
        return problem("archive.name-too-long",
                       "has a path of " + std::to_string(name.size()) + " bytes, more than the " +
                           std::to_string(kMaxEntryPath) + " any file system takes");
    const bool drive = name.size() >= 2 && name[1] == ':' &&
                       ((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z'));
    if (name[0] == '/' || name[0] == '\\' || drive)
        return problem("archive.absolute-path",
                       drive ? "starts with a drive letter: it is an absolute Windows path"
                             : "is an absolute path");
    // '..' is looked for across both separators: "..\\x" climbs on Windows.
    std::size_t start = 0;
    for (std::size_t i = 0; i <= name.size(); ++i) {
        if (i == name.size() || name[i] == '/' || name[i] == '\\') {
            if (name.substr(start, i - start) == "..")
                return problem("archive.path-traversal",
                               "has a '..' path component: it would point outside the folder "
                               "it is unpacked into");
            start = i + 1;
        }
    }
    if (name.find('\\') != std::string_view::npos)
        return problem("archive.bad-name", "contains a backslash, a path separator on Windows");
    start = 0;
    for (std::size_t i = 0; i <= name.size(); ++i) {
        if (i == name.size() || name[i] == '/') {
            if (auto bad = check_component(name.substr(start, i - start)))
                return bad;
            start = i + 1;
        }
    }
    return std::nullopt;
}

bool left_out_of_root(std::string_view name) {
    std::size_t start = 0;
    for (std::size_t i = 0; i <= name.size(); ++i) {
        if (i == name.size() || name[i] == '/') {
            const std::string_view part = name.substr(start, i - start);
            if ((!part.empty() && part.front() == '.') || part == "__MACOSX")
                return true;
            start = i + 1;
        }
    }
    return false;
}

std::string_view base_name_of(std::string_view name) {
    const std::size_t slash = name.rfind('/');
    return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

bool ends_with_ignoring_case(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() &&
           ascii_lower(text.substr(text.size() - suffix.size())) == ascii_lower(suffix);
}

std::string printable(std::string_view name) {
    // Long names are cut (at a character boundary): an error line stays an error line.
    std::size_t cut = std::min(name.size(), kMaxPrintedName);
    while (cut < name.size() && cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0U) == 0x80U)
        --cut;
    std::string out;
    out.reserve(cut);
    std::string_view rest = name.substr(0, cut);
    while (!rest.empty()) {
        // Characters that reorder or hide text are written as \uXXXX (escape_for_terminal);
        // control bytes as \xNN, backslashes doubled.
        const std::size_t hidden = find_hidden_or_reordering(rest);
        const std::string_view plain = rest.substr(0, hidden);
        for (char ch : plain) {
            const auto c = static_cast<unsigned char>(ch);
            if (is_control(c) || c == '\\')
                out += c == '\\' ? std::string("\\\\") : hex_byte(c);
            else
                out += ch;
        }
        if (hidden == std::string_view::npos)
            break;
        const std::size_t length = character_length(rest, hidden);
        out += escape_for_terminal(rest.substr(hidden, length));
        rest.remove_prefix(hidden + length);
    }
    if (cut < name.size())
        out += "... (" + std::to_string(name.size()) + " bytes)";
    return out;
}

} // namespace fwplan::detail
