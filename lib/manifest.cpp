#include <fwplan/manifest.hpp>

#include <algorithm>
#include <cctype>
#include <limits>
#include <set>

namespace fwplan {

namespace {

constexpr std::size_t kMaxNameLength = 255;
constexpr std::size_t kMaxComponents = 256;

std::string num(std::uint64_t value) {
    return std::to_string(value);
}

// Input echoed in a message: printable ASCII as is, anything else as \xNN, and cut short,
// so a hostile name can neither drive a terminal nor flood a log.
std::string shown(std::string_view text) {
    static constexpr char kDigits[] = "0123456789ABCDEF";
    constexpr std::size_t kMaxShown = 80;
    std::string out;
    for (char c : text.substr(0, kMaxShown)) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte < 0x7F) {
            out += c;
        } else {
            out += "\\x";
            out += kDigits[byte >> 4];
            out += kDigits[byte & 0x0F];
        }
    }
    if (text.size() > kMaxShown)
        out += "...";
    return out;
}

std::string quoted(std::string_view text) {
    return "'" + shown(text) + "'";
}

Error loads_error(std::string code, std::string message, std::uint64_t offset) {
    Error error = bad_input("loads." + std::move(code), std::move(message));
    error.offset = offset;
    return error;
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r';
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && is_space(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && is_space(text.back()))
        text.remove_suffix(1);
    return text;
}

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

bool ends_with_ci(std::string_view text, std::string_view suffix) {
    if (text.size() < suffix.size())
        return false;
    return std::equal(suffix.begin(), suffix.end(), text.end() - static_cast<long>(suffix.size()),
                      [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a)) ==
                                 std::tolower(static_cast<unsigned char>(b));
                      });
}

bool is_alnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Splits on spaces and tabs.
std::vector<std::string_view> tokens(std::string_view text) {
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        while (pos < text.size() && is_space(text[pos]))
            ++pos;
        const std::size_t start = pos;
        while (pos < text.size() && !is_space(text[pos]))
            ++pos;
        if (pos > start)
            out.push_back(text.substr(start, pos - start));
    }
    return out;
}

// A decimal number of at most 20 digits that fits 64 bits.
std::optional<std::uint64_t> decimal(std::string_view text) {
    if (text.empty() || text.size() > 20)
        return std::nullopt;
    std::uint64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
            return std::nullopt;
        value = value * 10 + digit;
    }
    return value;
}

bool is_key(std::string_view text) {
    return !text.empty() && text.size() <= 64 && std::all_of(text.begin(), text.end(), [](char c) {
        return is_alnum(c) || c == '_' || c == '-' || c == '.';
    });
}

// Why `name` cannot be a file a phone fetches from the TFTP root, or nullopt if it can.
// Only the characters seen in firmware names are allowed: no paths, no `..`, no spaces.
std::optional<std::string> name_problem(std::string_view name) {
    if (name.empty())
        return "is empty";
    if (name.size() > kMaxNameLength)
        return "is longer than " + num(kMaxNameLength) + " characters";
    if (name.find('/') != std::string_view::npos || name.find('\\') != std::string_view::npos)
        return "contains a path separator";
    if (name.find("..") != std::string_view::npos)
        return "contains '..'";
    if (name.front() == '.')
        return "starts with a dot";
    for (char c : name) {
        if (!is_alnum(c) && c != '.' && c != '_' && c != '-' && c != '+')
            return "contains the character " + quoted(std::string_view(&c, 1));
    }
    return std::nullopt;
}

// One line of the body, trimmed, with where it starts in the file.
struct Line {
    std::string_view text;
    std::size_t offset = 0; // in the file
    std::size_t number = 0; // 1-based
};

std::string at_line(const Line& line) {
    return "line " + num(line.number) + ": ";
}

// Splits a body into trimmed lines (CRLF or LF, final newline optional) and refuses what
// is not text: control characters other than tab, a CR not ending a line, too many lines.
Result<std::vector<Line>> split_lines(std::string_view body, std::size_t base) {
    if (body.size() > kMaxManifestBody)
        return loads_error("too-large",
                           "the body has " + num(body.size()) + " bytes, more than the " +
                               num(kMaxManifestBody) + " a .loads file can plausibly have",
                           base);
    std::vector<Line> lines;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= body.size(); ++i) {
        const bool end = i == body.size();
        const char c = end ? '\n' : body[i];
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\r' && !end && i + 1 < body.size() && body[i + 1] != '\n')
            return loads_error("not-text",
                               "a carriage return in the middle of line " + num(lines.size() + 1) +
                                   " (a .loads body is text)",
                               base + i);
        if ((byte < 0x20 && c != '\n' && c != '\r' && c != '\t') || byte == 0x7F)
            return loads_error("not-text",
                               "byte " + shown(std::string_view(&c, 1)) + " on line " +
                                   num(lines.size() + 1) + " is binary data; a .loads body is text",
                               base + i);
        if (c != '\n')
            continue;
        if (end && start == body.size())
            break; // the body ended with a newline: no empty last line
        if (lines.size() == kMaxManifestLines)
            return loads_error("too-many-lines",
                               "the body has more than " + num(kMaxManifestLines) + " lines",
                               base + start);
        lines.push_back({trim(body.substr(start, i - start)), base + start, lines.size() + 1});
        start = i + 1;
    }
    return lines;
}

bool is_comment(std::string_view text) {
    return !text.empty() && text.front() == '#';
}

class BodyParser {
public:
    BodyParser(Manifest& out, const std::vector<Line>& lines) : out_(out), lines_(lines) {}

    Result<void> run() {
        switch (out_.kind) {
        case ManifestKind::TnpList:
            return each(&BodyParser::tnp_line);
        case ManifestKind::P0ThreeLine:
            return each(&BodyParser::p0_line);
        case ManifestKind::Ini78xx:
            return each(&BodyParser::ini_line);
        case ManifestKind::SgnList:
            return each(&BodyParser::list_line);
        case ManifestKind::Wireless:
            return each(&BodyParser::wireless_line);
        }
        return {};
    }

private:
    using LineParser = Result<void> (BodyParser::*)(const Line&);

    Result<void> each(LineParser parse) {
        for (const Line& line : lines_) {
            if (line.text.empty())
                continue;
            if (auto parsed = (this->*parse)(line); !parsed)
                return parsed;
        }
        return {};
    }

    Result<void> component(const Line& line, std::string_view name, ManifestComponent c = {}) {
        if (auto problem = name_problem(name))
            return loads_error("bad-name",
                               at_line(line) + "the file name " + quoted(name) + " " + *problem +
                                   " (reading a " + std::string(to_string(out_.kind)) + " body)",
                               line.offset);
        if (out_.components.size() == kMaxComponents)
            return loads_error("too-many-files",
                               at_line(line) + "more than " + num(kMaxComponents) + " files listed",
                               line.offset);
        c.name = std::string(name);
        out_.components.push_back(std::move(c));
        return {};
    }

    // TNP: `# RELEASE load version <build>`, `#HARDWARE_COMP_1 n`, other comments, names.
    Result<void> tnp_line(const Line& line) {
        if (!is_comment(line.text))
            return component(line, line.text);
        const std::string_view comment = trim(line.text.substr(1));
        if (starts_with(comment, "HARDWARE_COMP_"))
            return hardware_line(line, comment);
        const auto words = tokens(comment);
        if (words.size() >= 4 && words[0] == "RELEASE" && words[1] == "load" &&
            words[2] == "version")
            out_.build_id = std::string(words[3]);
        return {};
    }

    Result<void> hardware_line(const Line& line, std::string_view directive) {
        const auto words = tokens(directive);
        const auto value =
            words.size() == 2 && words[1].size() <= 9 ? decimal(words[1]) : std::nullopt;
        if (!value || !is_key(words[0]))
            return loads_error("bad-directive",
                               at_line(line) + quoted(line.text) +
                                   " is not '#HARDWARE_COMP_<k> <number>'",
                               line.offset);
        if (words[0] == "HARDWARE_COMP_1") {
            if (out_.hardware_comp)
                return loads_error("bad-directive",
                                   at_line(line) + "#HARDWARE_COMP_1 appears twice", line.offset);
            out_.hardware_comp = static_cast<unsigned>(*value);
        }
        out_.metadata.emplace_back(std::string(words[0]), std::string(words[1]));
        return {};
    }

    // 7940/7960: names and `KEY=value` lines (LA_VERSION).
    Result<void> p0_line(const Line& line) {
        if (is_comment(line.text))
            return {};
        const std::size_t eq = line.text.find('=');
        if (eq == std::string_view::npos)
            return component(line, line.text);
        const std::string_view key = trim(line.text.substr(0, eq));
        const std::string_view value = trim(line.text.substr(eq + 1));
        if (!is_key(key))
            return loads_error("bad-line", at_line(line) + quoted(line.text) + " is not KEY=value",
                               line.offset);
        if (key == "LA_VERSION")
            out_.build_id = std::string(value);
        out_.metadata.emplace_back(std::string(key), std::string(value));
        return {};
    }

    // 78xx INI: header comments, [sections], key = value.
    Result<void> ini_line(const Line& line) {
        if (is_comment(line.text) || line.text.front() == ';')
            return ini_comment(line.text.substr(1));
        if (line.text.front() == '[') {
            const std::string_view text = line.text;
            if (text.size() < 3 || text.back() != ']' || !is_key(text.substr(1, text.size() - 2)))
                return loads_error("bad-line",
                                   at_line(line) + quoted(text) + " is not a [SECTION] line",
                                   line.offset);
            section_ = std::string(text.substr(1, text.size() - 2));
            return {};
        }
        const std::size_t eq = line.text.find('=');
        if (section_.empty() || eq == std::string_view::npos)
            return loads_error(
                "bad-line",
                at_line(line) + quoted(line.text) +
                    (section_.empty() ? " comes before any [SECTION]" : " is not key = value"),
                line.offset);
        const std::string_view key = trim(line.text.substr(0, eq));
        const std::string_view value = trim(line.text.substr(eq + 1));
        if (!is_key(key))
            return loads_error("bad-line", at_line(line) + quoted(key) + " is not a key name",
                               line.offset);
        if (section_ == "CISCO-ID") {
            if (key == "version")
                out_.build_id = std::string(value);
            else
                out_.metadata.emplace_back(std::string(key), std::string(value));
            return {};
        }
        return ini_value(line, key, value);
    }

    // `# RELEASE Model=78xx Version=11-0-1-11` and `# LOADS=...` say something; the
    // other header comments (copyright, build date) do not.
    Result<void> ini_comment(std::string_view comment) {
        auto words = tokens(comment);
        std::string prefix;
        if (!words.empty() && words.front() == "RELEASE") {
            prefix = "RELEASE ";
            words.erase(words.begin());
        }
        if (words.empty() || (prefix.empty() && words.size() != 1))
            return {};
        for (std::string_view word : words) {
            const std::size_t eq = word.find('=');
            if (eq == std::string_view::npos || !is_key(word.substr(0, eq)))
                return {};
        }
        for (std::string_view word : words) {
            const std::size_t eq = word.find('=');
            out_.metadata.emplace_back(prefix + std::string(word.substr(0, eq)),
                                       std::string(word.substr(eq + 1)));
        }
        return {};
    }

    // In a platform section `role=file size=N` (or a bare `*.sbn`/`*.sebn`) is a file to
    // fetch; anything else (ebr_* partition data) is kept as `SECTION.key` metadata.
    Result<void> ini_value(const Line& line, std::string_view key, std::string_view value) {
        const auto words = tokens(value);
        const bool sized = std::any_of(words.begin(), words.end(),
                                       [](std::string_view w) { return starts_with(w, "size="); });
        const bool bare_file = words.size() == 1 &&
                               (ends_with_ci(words[0], ".sbn") || ends_with_ci(words[0], ".sebn"));
        if (!sized && !bare_file) {
            out_.metadata.emplace_back(section_ + "." + std::string(key), std::string(value));
            return {};
        }
        ManifestComponent c;
        c.section = section_;
        c.role = std::string(key);
        for (std::size_t i = 1; i < words.size(); ++i) {
            const auto size = starts_with(words[i], "size=") && !c.size
                                  ? decimal(words[i].substr(5))
                                  : std::nullopt;
            if (!size)
                return loads_error("bad-line",
                                   at_line(line) + quoted(words[i]) + " is not 'size=<bytes>'",
                                   line.offset);
            c.size = size;
        }
        return component(line, words[0], std::move(c));
    }

    // 7921/7925: `#? KEY value` directives and `NAME SIZE MD5` lines.
    Result<void> wireless_line(const Line& line) {
        if (starts_with(line.text, "#?")) {
            const std::string_view directive = trim(line.text.substr(2));
            const std::size_t space = directive.find_first_of(" \t");
            const std::string_view key = directive.substr(0, space);
            if (!is_key(key))
                return loads_error("bad-directive",
                                   at_line(line) + quoted(line.text) + " is not '#? KEY value'",
                                   line.offset);
            const std::string_view value = space == std::string_view::npos
                                               ? std::string_view()
                                               : trim(directive.substr(space));
            out_.metadata.emplace_back(std::string(key), std::string(value));
            return {};
        }
        if (is_comment(line.text))
            return {};
        const auto words = tokens(line.text);
        const auto size = words.size() == 3 ? decimal(words[1]) : std::nullopt;
        const bool md5_ok = words.size() == 3 && words[2].size() == 32 &&
                            std::all_of(words[2].begin(), words[2].end(), [](char c) {
                                return std::isxdigit(static_cast<unsigned char>(c)) != 0;
                            });
        if (!size || !md5_ok)
            return loads_error("bad-line",
                               at_line(line) + quoted(line.text) +
                                   " is not 'NAME SIZE MD5' (decimal size, 32 hex digits)",
                               line.offset);
        ManifestComponent c;
        c.size = size;
        c.md5 = std::string(words[2]);
        return component(line, words[0], std::move(c));
    }

    // 69xx/894x/6945 (and 8961/99xx without sections): names and comments.
    Result<void> list_line(const Line& line) {
        if (is_comment(line.text))
            return {};
        return component(line, line.text);
    }

    Manifest& out_;
    const std::vector<Line>& lines_;
    std::string section_;
};

// What a name says a `.loads` file is: a term file or a load (or neither).
struct Identity {
    const ModelInfo* term = nullptr;
    std::optional<LoadId> load;
    std::string problem; // why it is neither

    [[nodiscard]] bool valid() const { return term != nullptr || load.has_value(); }
    [[nodiscard]] std::string describe() const {
        if (term != nullptr)
            return "the term file of the " + std::string(term->number);
        if (load)
            return "load " + load->str();
        return "nothing fwplan knows";
    }
    [[nodiscard]] bool same(const Identity& other) const {
        if (term != nullptr || other.term != nullptr)
            return term == other.term;
        return load && other.load && *load == *other.load;
    }
};

Identity identify(std::string_view name) {
    Identity id;
    id.term = model_for_term_file(name);
    if (id.term != nullptr)
        return id;
    auto load = LoadId::from_file_name(name);
    if (load)
        id.load = std::move(*load);
    else
        id.problem = load.error().message;
    return id;
}

std::string_view base_name(std::string_view path) {
    const std::size_t slash = path.find_last_of("/\\");
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// The name check: which identity wins, and what a person should be told about the names.
Result<Identity> settle_identity(Manifest& out) {
    const std::string& signed_name = out.envelope.signed_name;
    Identity by_file = identify(out.file_name);
    Identity by_signature = signed_name.empty() ? Identity{} : identify(signed_name);
    Identity chosen;
    if (by_signature.valid()) {
        chosen = by_signature;
    } else if (by_file.valid()) {
        chosen = by_file;
        if (!signed_name.empty())
            out.warnings.push_back(warning("fwplan.loads.signed-name-unknown",
                                           "the signed name " + quoted(signed_name) +
                                               " is neither a load ID nor a term file; using the "
                                               "file name",
                                           out.file_name));
    } else {
        // Neither name is one the grammar reads (a family fwplan does not know yet): the
        // file is still read for what it lists, and the name is a warning on it (issue 12).
        std::string message = quoted(out.file_name) +
                              " is neither a load ID nor a termNN.default.loads file name (" +
                              by_file.problem + ")";
        if (!signed_name.empty() && signed_name != out.file_name)
            message += ", and neither is its signed name " + quoted(signed_name);
        Diagnostic unknown = warning("fwplan.loads.unknown-name",
                                     message + "; its files are listed, but fwplan cannot tell "
                                               "which load or family it is",
                                     out.file_name);
        unknown.hint = "a .loads file is named after its load, e.g. SIP41.9-4-2SR3-1S.loads";
        out.warnings.push_back(std::move(unknown));
        return Identity{};
    }
    if (!signed_name.empty() && signed_name != out.file_name) {
        std::string message = "the file is named " + quoted(out.file_name) + " but was signed as " +
                              quoted(signed_name);
        if (by_file.valid() && !by_file.same(chosen))
            message += ": the file name says " + by_file.describe() + " but the file is " +
                       chosen.describe() + "; it was renamed, and a phone asking for " +
                       quoted(out.file_name) + " will reject it";
        else
            message += " (a phone compares these names exactly and may reject the file)";
        out.warnings.push_back(warning("fwplan.loads.renamed", std::move(message), out.file_name));
    }
    return chosen;
}

std::optional<ManifestKind> kind_for(LoadIdStyle style, const std::vector<Line>& lines) {
    switch (style) {
    case LoadIdStyle::Tnp:
        return ManifestKind::TnpList;
    case LoadIdStyle::P0:
        return ManifestKind::P0ThreeLine;
    case LoadIdStyle::Plain:
        return ManifestKind::SgnList;
    case LoadIdStyle::Wireless:
        return ManifestKind::Wireless;
    case LoadIdStyle::CpDotted: // the 3905 lists its one APP image (CP3905...loads)
        return ManifestKind::SgnList;
    case LoadIdStyle::LowerSip: {
        // 78xx/88xx are INI; no 8961/99xx body was ever seen, so a sectionless one is read
        // as a plain list rather than refused.
        const bool sections = std::any_of(lines.begin(), lines.end(), [](const Line& line) {
            return !line.text.empty() && line.text.front() == '[';
        });
        return sections ? ManifestKind::Ini78xx : ManifestKind::SgnList;
    }
    }
    return std::nullopt;
}

// The body kind of a .loads of no known family, from what the body looks like.
ManifestKind kind_from_body(const std::vector<Line>& lines) {
    auto any = [&](auto&& test) { return std::any_of(lines.begin(), lines.end(), test); };
    if (any([](const Line& l) { return !l.text.empty() && l.text.front() == '['; }))
        return ManifestKind::Ini78xx;
    if (any([](const Line& l) { return starts_with(l.text, "#?"); }))
        return ManifestKind::Wireless;
    if (any([](const Line& l) { return starts_with(l.text, "# RELEASE load version"); }))
        return ManifestKind::TnpList;
    if (any([](const Line& l) { return starts_with(l.text, "LA_VERSION="); }))
        return ManifestKind::P0ThreeLine;
    return ManifestKind::SgnList;
}

// First in the list, as the envelope is the first thing read.
void warn_about_envelope(Manifest& out, const FamilyInfo* family) {
    std::vector<Diagnostic> later = std::move(out.warnings);
    out.warnings.clear();
    // The 3905's CP3905.<version>.loads is plain text with no envelope as Cisco ships it
    // (issue 12): that is what it is, not a sign of tampering.
    if (out.envelope.kind == EnvelopeKind::None && family != nullptr &&
        family->style == LoadIdStyle::CpDotted)
        out.warnings.push_back(info("fwplan.loads.plain-text",
                                    "a plain-text .loads without a signed envelope, as the " +
                                        std::string(family->name) + " ships it",
                                    out.file_name));
    else if (out.envelope.kind == EnvelopeKind::None)
        out.warnings.push_back(warning("fwplan.loads.unsigned",
                                       "the file has no signed envelope; phones that check "
                                       "signatures will refuse it",
                                       out.file_name));
    else if (out.envelope.signed_name.empty())
        out.warnings.push_back(warning("fwplan.loads.no-signed-name",
                                       "the envelope carries no signed name (TLV tag 14)",
                                       out.file_name));
    out.warnings.insert(out.warnings.end(), std::make_move_iterator(later.begin()),
                        std::make_move_iterator(later.end()));
}

void warn_about_duplicates(Manifest& out) {
    std::set<std::string_view> seen;
    for (const ManifestComponent& c : out.components)
        if (!seen.insert(c.name).second)
            out.warnings.push_back(
                warning("fwplan.loads.listed-twice",
                        "the file " + quoted(c.name) + " is listed more than once", out.file_name));
}

Result<Manifest> parse(std::string_view file_name, std::string_view bytes) {
    Manifest out;
    out.file_name = std::string(base_name(file_name));
    auto file = parse_signed_file(bytes);
    if (!file)
        return file.error();
    out.envelope = file->header;

    auto identity = settle_identity(out);
    if (!identity)
        return identity.error();
    out.term_model = identity->term;
    out.is_term_file = identity->term != nullptr;
    out.load = identity->load;
    const FamilyInfo* family = out.is_term_file ? &family_of(*out.term_model)
                               : out.load       ? find_family(out.load->family())
                                                : nullptr;
    if (family == nullptr && out.load)
        return loads_error("unknown-family",
                           "no family '" + out.load->family() + "' for " + out.load->str(), 0);
    warn_about_envelope(out, family);

    auto lines = split_lines(file->body, out.envelope.header_length);
    if (!lines)
        return lines.error();
    const auto kind =
        family != nullptr ? kind_for(family->style, *lines) : std::optional(kind_from_body(*lines));
    if (!kind)
        return loads_error("unknown-family", "no .loads layout is known for this family", 0);
    out.kind = *kind;
    // TNP and 7940/7960 bodies end every line with a line break (phone-files.md §2.1, §2.2); one
    // that stops inside its last line was cut short, and its last name may be cut too
    // ("dsp41.8-5-4TH1-6.sb"). 69xx lists end without one, so they are not judged by it.
    if ((out.kind == ManifestKind::TnpList || out.kind == ManifestKind::P0ThreeLine) &&
        !file->body.empty() && file->body.back() != '\n')
        return Error(loads_error("truncated",
                                 "the body stops in the middle of line " + num(lines->size()) +
                                     ": the file was cut short",
                                 out.envelope.header_length + file->body.size()))
            .with_hint("the download or the copy was incomplete; get the file again");
    if (auto body = BodyParser(out, *lines).run(); !body)
        return body.error();
    if (out.components.empty())
        return loads_error("no-files",
                           "the body lists no files (expected a " +
                               std::string(to_string(out.kind)) + " body)",
                           out.envelope.header_length);
    warn_about_duplicates(out);
    return out;
}

} // namespace

std::string_view to_string(ManifestKind kind) noexcept {
    switch (kind) {
    case ManifestKind::TnpList:
        return "tnp-list";
    case ManifestKind::P0ThreeLine:
        return "p0-three-line";
    case ManifestKind::Ini78xx:
        return "ini-78xx";
    case ManifestKind::SgnList:
        return "sgn-list";
    case ManifestKind::Wireless:
        return "wireless";
    }
    return "tnp-list";
}

Result<Manifest> parse_manifest(std::string_view file_name, std::string_view bytes) {
    if (bytes.empty()) // a download that never got its bytes: say so, not "lists no files"
        return bad_input("loads.empty", "the file is empty (0 bytes)")
            .with_hint("it was not downloaded or copied completely: fetch the package again")
            .in_file(std::string(base_name(file_name)));
    auto manifest = parse(file_name, bytes);
    if (!manifest)
        return manifest.error().in_file(std::string(base_name(file_name)));
    return manifest;
}

const Manifest* term_file_target(const Manifest& term, std::span<const Manifest> loads) noexcept {
    if (!term.is_term_file || term.term_model == nullptr)
        return nullptr;
    const auto same_names = [&](const Manifest& load) {
        return std::equal(term.components.begin(), term.components.end(), load.components.begin(),
                          load.components.end(),
                          [](const ManifestComponent& a, const ManifestComponent& b) {
                              return a.name == b.name;
                          });
    };
    for (const Manifest& candidate : loads) {
        if (candidate.is_term_file || !candidate.load ||
            candidate.load->family() != term.term_model->family)
            continue;
        if (same_names(candidate))
            return &candidate;
    }
    return nullptr;
}

} // namespace fwplan
