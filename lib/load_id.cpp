#include "detail/text.hpp"

#include <fwplan/load_id.hpp>
#include <fwplan/models.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <tuple>

namespace fwplan {

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

Error malformed(std::string_view raw, std::string what) {
    return bad_input("load-id.malformed", detail::quote(raw) + " is not a load ID: " + what)
        .with_hint("copy the load ID as the phone shows it (Settings > Status > Firmware "
                   "Versions, e.g. SCCP41.8-3-1S) or as 'fwplan catalog --model MODEL' lists it");
}

// A left-to-right reader over the version part of an ID. Every failure names the
// character position so the message says *where* the ID went wrong.
class Cursor {
public:
    explicit Cursor(std::string_view text) : text_(text) {}

    [[nodiscard]] bool done() const { return pos_ >= text_.size(); }
    [[nodiscard]] std::size_t pos() const { return pos_; }
    [[nodiscard]] char peek(std::size_t ahead = 0) const {
        return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
    }
    [[nodiscard]] std::string_view rest() const { return text_.substr(pos_); }
    bool eat(char c) {
        if (peek() != c)
            return false;
        ++pos_;
        return true;
    }
    bool eat(std::string_view word) {
        if (rest().substr(0, word.size()) != word)
            return false;
        pos_ += word.size();
        return true;
    }
    // Reads 1..9 digits (so the value fits a uint32); nullopt if there is no digit.
    std::optional<std::uint32_t> number(std::size_t max_digits = 9) {
        std::size_t start = pos_;
        std::uint32_t value = 0;
        while (!done() && is_digit(peek()) && pos_ - start < max_digits) {
            value = value * 10 + static_cast<std::uint32_t>(peek() - '0');
            ++pos_;
        }
        if (pos_ == start)
            return std::nullopt;
        return value;
    }
    [[nodiscard]] bool at_digit() const { return is_digit(peek()); }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

// What may follow "maj-min-maint" (or "maj.min(maint)"): "-n" blocks, "SRk" once,
// one tag (DEV, MN, MPPnnnn), and for TNP loads a final "S".
struct Tail {
    std::uint32_t service_release = 0;
    std::vector<std::uint32_t> builds;
    std::string tag;
    bool signed_suffix = false;
};

std::optional<std::string> read_tail(Cursor& in, bool allow_signed_suffix, Tail& tail) {
    bool seen_sr = false;
    while (!in.done()) {
        const std::size_t at = in.pos();
        auto where = [&](std::string what) {
            return what + " at character " + std::to_string(at + 1) + " ('" +
                   std::string(in.rest()) + "')";
        };
        if (in.peek() == '-' && is_digit(in.peek(1))) {
            in.eat('-');
            auto n = in.number();
            if (!n || in.at_digit())
                return where("a number block is too long");
            tail.builds.push_back(*n);
            continue;
        }
        // 6901/6911 loads end in a letter: "SCCP6911.9-2-1-a" (issue 12). It is kept as an
        // opaque tag, so 9-2-1 < 9-2-1-a < 9-2-1-1.
        if (in.peek() == '-' && in.peek(1) >= 'a' && in.peek(1) <= 'z' && in.rest().size() == 2 &&
            tail.tag.empty()) {
            tail.tag = std::string(in.rest());
            in.eat('-');
            in.eat(tail.tag.back());
            continue;
        }
        if (in.peek() == '-' && in.peek(1) == 'S' && in.peek(2) == 'R')
            in.eat('-'); // 6901 writes "9-3-1-SR1-3"
        if (in.eat("SR")) {
            if (seen_sr)
                return where("a second 'SR'");
            auto n = in.number();
            if (!n)
                return where("'SR' must be followed by its number");
            seen_sr = true;
            tail.service_release = *n;
            continue;
        }
        // "MSR3" is a multiplatform service release: 78xx/88xx MPP loads such as
        // sip88xx.11-3-1MSR3-3 (cmterm-88xx.11-3-1MSR3-3_REL.zip in wazo-provd-plugins'
        // pkgs.db). The tag marks the MPP firmware line; the number orders like SRn.
        if (tail.tag.empty() && !seen_sr && in.eat("MSR")) {
            auto n = in.number();
            if (!n)
                return where("'MSR' must be followed by its number");
            seen_sr = true;
            tail.service_release = *n;
            tail.tag = "MSR";
            continue;
        }
        if (tail.tag.empty()) {
            for (std::string_view word : {"DEV", "MPP", "MN"}) {
                if (in.eat(word)) {
                    tail.tag = std::string(word);
                    while (in.at_digit())
                        tail.tag += static_cast<char>(in.peek()), in.eat(in.peek());
                    break;
                }
            }
            if (!tail.tag.empty())
                continue;
        }
        if (allow_signed_suffix && in.peek() == 'S' && in.rest().size() == 1) {
            in.eat('S');
            tail.signed_suffix = true;
            continue;
        }
        for (std::string_view component_marker : {"ES", "TH", "TR"})
            if (in.rest().substr(0, 2) == component_marker)
                return where("'" + std::string(component_marker) +
                             "' belongs to component build IDs (like 9-4-2ES26), not load IDs");
        return where("unexpected text");
    }
    return std::nullopt;
}

std::string render(const Version& v, bool with_builds) {
    std::string out = std::to_string(v.major()) + "." + std::to_string(v.minor()) + "(" +
                      std::to_string(v.maintenance()) + ")";
    auto append_builds = [&] {
        if (with_builds)
            for (std::uint32_t b : v.builds())
                out += "-" + std::to_string(b);
    };
    // MSR is a service release of the MPP line and is written in place of SR (11-3-1MSR3-3).
    const bool msr = v.tag() == "MSR";
    if (msr)
        out += "MSR" + std::to_string(v.service_release()); // even MSR0: the tag is the line
    else if (v.service_release() != 0)
        out += "SR" + std::to_string(v.service_release());
    // MN and MPP name a release line and come before the build blocks (12-0-1MN-113);
    // DEV and test markers come last (8-0-1-0DEV).
    const bool line_tag = v.tag().rfind("MN", 0) == 0 || v.tag().rfind("MPP", 0) == 0;
    if (line_tag)
        out += v.tag();
    append_builds();
    if (!line_tag && !msr && with_builds)
        out += v.tag();
    return out;
}

// "9-4-2SR3-1" (TNP and newer) after the family prefix.
Result<Version> parse_dashed(std::string_view raw, std::string_view text, bool allow_signed_suffix,
                             bool& signed_suffix) {
    Cursor in(text);
    std::array<std::uint32_t, 3> head{};
    for (std::size_t i = 0; i < head.size(); ++i) {
        if (i > 0 && !in.eat('-'))
            return malformed(raw, "the version needs major-minor-maintenance, like 9-4-2");
        auto n = in.number();
        if (!n)
            return malformed(raw, i == 0 ? "the version must start with a number"
                                         : "expected a number after '-' in the version");
        if (in.at_digit())
            return malformed(raw, "a number in the version is too long");
        head[i] = *n;
    }
    Tail tail;
    if (auto problem = read_tail(in, allow_signed_suffix, tail))
        return malformed(raw, "in the version " + detail::quote(text) + ": " + *problem);
    signed_suffix = tail.signed_suffix;
    return Version(head[0], head[1], head[2], tail.service_release, std::move(tail.builds),
                   std::move(tail.tag));
}

// Loads whose names do not follow their own convention; the version is taken from the
// release they are documented as (docs/phone-files.md §5.1; the final loads of the knowledge base).
struct Irregular {
    std::string_view id;
    Protocol protocol;
    Version version;
};
const std::vector<Irregular>& irregular_loads() {
    static const std::vector<Irregular> table = {
        {"P0030801SR02", Protocol::Sccp, Version(8, 1, 2, 2)}, // 7940/7960 SCCP 8.1(2)SR2
    };
    return table;
}

// P0S3-08-11-00, P0M3-07-5-00: protocol from the third character.
Result<Version> parse_p0_dashed(std::string_view raw, std::string_view text) {
    Cursor in(text);
    auto major = in.number(2);
    if (!major || !in.eat('-'))
        return malformed(raw, "expected P0S3-<major>-<minor>-<sub>, like P0S3-8-12-00");
    auto minor = in.number(2);
    if (!minor || !in.eat('-'))
        return malformed(raw, "expected P0S3-<major>-<minor>-<sub>, like P0S3-8-12-00");
    auto sub = in.number(2);
    if (!sub || !in.done())
        return malformed(raw, "expected P0S3-<major>-<minor>-<sub>, like P0S3-8-12-00");
    return Version(*major, *minor, *sub);
}

// P003xxyyzzww, P003xxyy, P0030702T023 (SCCP) and P0S3xxyy (early SIP).
Result<Version> parse_p0_packed(std::string_view raw, std::string_view text) {
    auto two = [&](std::size_t at) -> std::optional<std::uint32_t> {
        if (at + 2 > text.size() || !is_digit(text[at]) || !is_digit(text[at + 1]))
            return std::nullopt;
        return static_cast<std::uint32_t>((text[at] - '0') * 10 + (text[at + 1] - '0'));
    };
    auto major = two(0);
    auto minor = two(2);
    if (!major || !minor)
        return malformed(raw, "expected P003 followed by two-digit major and minor, like "
                              "P00308010200");
    if (text.size() == 4)
        return Version(*major, *minor, 0);
    if (text.size() == 8) {
        if (auto maint = two(4); maint && two(6)) {
            const std::uint32_t sub = *two(6);
            return Version(*major, *minor, *maint, 0,
                           sub == 0 ? std::vector<std::uint32_t>{} : std::vector{sub});
        }
        // "T023": a test/build marker kept as an opaque tag (7.2 "T023").
        if (std::isalpha(static_cast<unsigned char>(text[4])) &&
            std::all_of(text.begin() + 5, text.end(), is_digit))
            return Version(*major, *minor, 0, 0, {}, std::string(text.substr(4)));
    }
    return malformed(raw, "expected P003xxyy or P003xxyyzzww (two digits each for major, "
                          "minor, maintenance and sub-version)");
}

Result<LoadId> fail_family(std::string_view raw, std::string_view code) {
    std::string known;
    for (const FamilyInfo& f : all_families())
        for (std::string_view c : f.load_codes) {
            known += known.empty() ? "" : ", ";
            known += c;
        }
    return bad_input("load-id.unknown-family",
                     detail::quote(raw) + ": unknown phone family code '" + std::string(code) + "'")
        .with_hint("family codes fwplan knows: " + known);
}

} // namespace

// ---------------------------------------------------------------------------------------

Version::Version(std::uint32_t major, std::uint32_t minor, std::uint32_t maintenance,
                 std::uint32_t service_release, std::vector<std::uint32_t> builds, std::string tag)
    : major_(major), minor_(minor), maintenance_(maintenance), service_release_(service_release),
      builds_(std::move(builds)), tag_(std::move(tag)) {}

Result<Version> Version::parse(std::string_view human) {
    auto fail = [&](std::string what) {
        return bad_input("version.malformed",
                         detail::quote(human) + " is not a version like 9.4(2)SR3: " + what);
    };
    Cursor in(human);
    auto major = in.number();
    if (!major)
        return fail("it must start with the major number");
    if (!in.eat('.'))
        return fail("expected '.' after the major number");
    auto minor = in.number();
    if (!minor)
        return fail("expected the minor number after '.'");
    std::uint32_t maintenance = 0;
    if (in.eat('(')) {
        auto m = in.number();
        if (!m || !in.eat(')'))
            return fail("expected '(maintenance)' like (2)");
        maintenance = *m;
    }
    Tail tail;
    if (auto problem = read_tail(in, false, tail))
        return fail(*problem);
    return Version(*major, *minor, maintenance, tail.service_release, std::move(tail.builds),
                   std::move(tail.tag));
}

std::string Version::release() const {
    return render(*this, false);
}
std::string Version::to_string() const {
    return render(*this, true);
}

std::strong_ordering operator<=>(const Version& a, const Version& b) {
    auto key = [](const Version& v) {
        return std::tie(v.major_, v.minor_, v.maintenance_, v.service_release_);
    };
    if (auto c = key(a) <=> key(b); c != 0)
        return c;
    if (auto c = a.builds_ <=> b.builds_; c != 0)
        return c;
    return a.tag_.compare(b.tag_) <=> 0;
}

// ---------------------------------------------------------------------------------------

Result<LoadId> LoadId::parse(std::string_view raw) {
    if (raw.empty())
        return bad_input("load-id.empty", "an empty string is not a load ID");
    for (char c : raw)
        if (std::isspace(static_cast<unsigned char>(c)) ||
            !std::isprint(static_cast<unsigned char>(c)))
            return malformed(raw, "it contains a space or a control character");
    {
        const std::string u = detail::ascii_upper(raw);
        if (u.size() > 6 && u.substr(u.size() - 6) == ".LOADS")
            return malformed(raw, "that is a file name")
                .with_hint("a load ID is the .loads file name without '.loads': '" +
                           std::string(raw.substr(0, raw.size() - 6)) + "'");
    }

    LoadId id;
    id.raw_ = std::string(raw);

    for (const Irregular& known : irregular_loads()) {
        if (raw == known.id) {
            id.family_ = id.family_code_ = "7940_7960";
            id.prefix_ = "P003";
            id.protocol_ = known.protocol;
            id.version_ = known.version;
            return id;
        }
    }

    // 7940/7960: P0<protocol>3...
    if (raw.size() >= 5 && raw.substr(0, 2) == "P0" && raw[3] == '3') {
        const char p = raw[2];
        if (p != '0' && p != 'S' && p != 'M')
            return malformed(raw, "the third character of a 7940/7960 load is 0 (SCCP), S (SIP) "
                                  "or M (MGCP)");
        id.protocol_ = p == '0' ? Protocol::Sccp : p == 'S' ? Protocol::Sip : Protocol::Mgcp;
        id.family_ = id.family_code_ = "7940_7960";
        id.prefix_ = std::string(raw.substr(0, 4));
        std::string_view rest = raw.substr(4);
        Result<Version> version = Version();
        if (rest.front() == '-') {
            if (p == '0')
                return malformed(raw, "P003-x-y-zz names the universal application loader image, "
                                      "not a load; SCCP loads are written P003xxyyzzww");
            version = parse_p0_dashed(raw, rest.substr(1));
        } else {
            version = parse_p0_packed(raw, rest);
        }
        if (!version)
            return version.error();
        id.version_ = std::move(*version);
        return id;
    }

    // 3905: CP3905.9-4-1SR4-2 (the CP prefix, the model, a dot, a dashed version; seen as
    // loadInformation CP3905.9-4-1SR2-2 and CP3905.9-4-1SR3.loads in public configs).
    if (raw.substr(0, 2) == "CP" && raw.find('.') != std::string_view::npos &&
        raw.find('.') < raw.find('-')) {
        const std::size_t dot = raw.find('.');
        const std::string_view code = raw.substr(2, dot - 2);
        const FamilyInfo* family = find_family_by_load_code(code);
        if (family == nullptr || family->style != LoadIdStyle::CpDotted)
            return fail_family(raw, code);
        bool signed_suffix = false;
        auto version = parse_dashed(raw, raw.substr(dot + 1), false, signed_suffix);
        if (!version)
            return version.error();
        id.family_ = std::string(family->id);
        id.family_code_ = std::string(code);
        id.prefix_ = std::string(raw.substr(0, dot));
        id.protocol_ = Protocol::Sip;
        id.version_ = std::move(*version);
        return id;
    }

    // Wireless: CP7921G-1.4.6.3, and service releases CP7925G-1.4.1SR1 (issue 12).
    if (raw.substr(0, 2) == "CP" && raw.find('-') != std::string_view::npos) {
        const std::size_t dash = raw.find('-');
        const std::string_view code = raw.substr(2, dash - 2);
        const FamilyInfo* family = find_family_by_load_code(code);
        if (family == nullptr || family->style != LoadIdStyle::Wireless)
            return fail_family(raw, code);
        std::string dotted(raw.substr(dash + 1));
        // "1.4.6.3" -> major 1, minor 4, maintenance 6, build 3; then SRn and -n blocks.
        std::array<std::uint32_t, 4> parts{};
        Cursor in(dotted);
        std::size_t count = 0;
        while (count < parts.size()) {
            auto n = in.number();
            if (!n || in.at_digit())
                return malformed(raw, "a wireless load version is dotted numbers, like 1.4.6.3 "
                                      "or 1.4.1SR1");
            parts[count++] = *n;
            if (in.peek() != '.' || !is_digit(in.peek(1)))
                break;
            in.eat('.');
        }
        Tail tail;
        if (count < 3)
            return malformed(raw, "a wireless load version is dotted numbers, like 1.4.6.3 "
                                  "or 1.4.1SR1");
        if (auto problem = read_tail(in, false, tail))
            return malformed(raw, "in the version '" + dotted + "': " + *problem);
        std::vector<std::uint32_t> builds;
        if (count == 4)
            builds.push_back(parts[3]);
        builds.insert(builds.end(), tail.builds.begin(), tail.builds.end());
        id.family_ = std::string(family->id);
        id.family_code_ = std::string(code);
        id.prefix_ = std::string(raw.substr(0, dash));
        id.protocol_ = Protocol::Sccp;
        id.version_ = Version(parts[0], parts[1], parts[2], tail.service_release, std::move(builds),
                              std::move(tail.tag));
        return id;
    }

    // <PROTO><code>.<version>
    const std::size_t dot = raw.find('.');
    if (dot == std::string_view::npos)
        return malformed(raw, "expected <protocol><family>.<version> (like SIP41.9-4-2SR3-1S), "
                              "P0S3-xx-y-zz or P003xxyyzzww");
    const std::string_view prefix = raw.substr(0, dot);
    std::string_view proto_text;
    for (std::string_view p : {"SCCP", "SIP", "TERM", "sip"}) {
        if (prefix.substr(0, p.size()) == p) {
            proto_text = p;
            break;
        }
    }
    if (proto_text.empty()) {
        const std::string u = detail::ascii_upper(prefix);
        if (u.rfind("SIP", 0) == 0 || u.rfind("SCCP", 0) == 0 || u.rfind("TERM", 0) == 0)
            return malformed(raw, "the protocol prefix is in the wrong case")
                .with_hint("Java 79xx, 69xx and 894x loads start SIP/SCCP/TERM; 99xx, 8961, "
                           "78xx and 88xx loads start with lower-case 'sip'");
        return malformed(raw, "it must start with SIP, SCCP, TERM or sip and a family code");
    }
    const std::string_view code = prefix.substr(proto_text.size());
    const FamilyInfo* family = find_family_by_load_code(code);
    if (family == nullptr)
        return fail_family(raw, code);

    const bool lower = proto_text == "sip";
    if (lower != (family->style == LoadIdStyle::LowerSip)) {
        const std::string fixed = (lower ? std::string("SIP") : std::string("sip")) +
                                  std::string(raw.substr(proto_text.size()));
        return malformed(raw, "family " + std::string(code) + " writes its protocol " +
                                  (lower ? "in upper case" : "in lower case"))
            .with_hint("did you mean '" + fixed + "'?");
    }
    if (proto_text == "TERM" && family->style != LoadIdStyle::Tnp)
        return malformed(raw, "TERM loads exist only for the Java 79xx families");
    if (family->style == LoadIdStyle::P0 || family->style == LoadIdStyle::Wireless ||
        family->style == LoadIdStyle::CpDotted)
        return fail_family(raw, code);

    id.family_ = std::string(family->id);
    id.family_code_ = std::string(code);
    id.prefix_ = std::string(prefix);
    id.term_ = proto_text == "TERM";
    // TERMnn loads are the SCCP-era factory loads (Cisco: "SCCP firmware: TERMnn.xx-y-z-ww").
    id.protocol_ = (proto_text == "SCCP" || id.term_) ? Protocol::Sccp : Protocol::Sip;
    if (!offers(*family, id.protocol_))
        return malformed(raw, "family " + std::string(family->name) + " has no " +
                                  std::string(to_string(id.protocol_)) + " loads");

    bool signed_suffix = false;
    auto version =
        parse_dashed(raw, raw.substr(dot + 1), family->style == LoadIdStyle::Tnp, signed_suffix);
    if (!version)
        return version.error();
    id.version_ = std::move(*version);
    id.signed_suffix_ = signed_suffix;
    return id;
}

Result<LoadId> LoadId::from_file_name(std::string_view file_name) {
    const std::size_t slash = file_name.find_last_of('/');
    if (slash != std::string_view::npos)
        file_name = file_name.substr(slash + 1);
    const std::string u = detail::ascii_upper(file_name);
    if (u.size() <= 6 || u.substr(u.size() - 6) != ".LOADS")
        return bad_input("load-id.not-loads-file",
                         detail::quote(file_name) + " is not a .loads file name");
    return parse(file_name.substr(0, file_name.size() - 6));
}

std::string LoadId::loads_file_name() const {
    if (const FamilyInfo* family = find_family(family_);
        family != nullptr && family->style == LoadIdStyle::Wireless)
        return raw_ + ".LOADS";
    return raw_ + ".loads";
}

std::strong_ordering operator<=>(const LoadId& a, const LoadId& b) {
    if (auto c = a.family_.compare(b.family_) <=> 0; c != 0)
        return c;
    if (auto c = a.version_ <=> b.version_; c != 0)
        return c;
    return a.raw_.compare(b.raw_) <=> 0;
}

} // namespace fwplan
