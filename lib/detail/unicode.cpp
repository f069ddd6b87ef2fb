#include "detail/unicode.hpp"

#include "detail/text.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <vector>

namespace fwplan::detail {

namespace {

struct Decomposition {
    std::uint32_t code;
    std::uint32_t first;
    std::uint32_t second; // 0: a singleton decomposition
};

struct CombiningRange {
    std::uint32_t first;
    std::uint32_t last;
    std::uint8_t ccc;
};

#include "detail/unicode_tables.inc"

// Hangul syllables decompose by arithmetic (The Unicode Standard, section 3.12).
constexpr std::uint32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr std::uint32_t kLCount = 19, kVCount = 21, kTCount = 28;
constexpr std::uint32_t kNCount = kVCount * kTCount, kSCount = kLCount * kNCount;

// A decoded character, or (raw) a byte that is not UTF-8, kept as it is.
struct Unit {
    std::uint32_t code = 0;
    bool raw = false;
};

std::uint8_t combining_class(std::uint32_t code) {
    const auto* end = std::end(kCombiningClasses);
    const auto* it = std::upper_bound(
        std::begin(kCombiningClasses), end, code,
        [](std::uint32_t c, const CombiningRange& range) { return c < range.first; });
    if (it == std::begin(kCombiningClasses))
        return 0;
    --it;
    return code <= it->last ? it->ccc : 0;
}

void decompose(std::uint32_t code, std::vector<Unit>& out) {
    if (code >= kSBase && code < kSBase + kSCount) {
        const std::uint32_t s = code - kSBase;
        out.push_back({kLBase + s / kNCount, false});
        out.push_back({kVBase + (s % kNCount) / kTCount, false});
        if (s % kTCount != 0)
            out.push_back({kTBase + s % kTCount, false});
        return;
    }
    const auto* end = std::end(kDecompositions);
    const auto* it =
        std::lower_bound(std::begin(kDecompositions), end, code,
                         [](const Decomposition& d, std::uint32_t c) { return d.code < c; });
    if (it == end || it->code != code) {
        out.push_back({code, false});
        return;
    }
    // Decompositions nest at most a few levels (U+1E69 -> U+1E63 U+0307 -> s U+0323 U+0307).
    decompose(it->first, out);
    if (it->second != 0)
        decompose(it->second, out);
}

void encode(std::uint32_t code, std::string& out) {
    if (code < 0x80) {
        out += static_cast<char>(code);
    } else if (code < 0x800) {
        out += static_cast<char>(0xC0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
        out += static_cast<char>(0xE0 | (code >> 12));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (code >> 18));
        out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    }
}

bool is_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

} // namespace

std::string nfd(std::string_view text) {
    if (is_ascii(text))
        return std::string(text);
    std::vector<Unit> units;
    units.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        std::uint32_t code = 0;
        const std::size_t length = utf8_sequence(text, i, &code);
        if (length == 0) {
            units.push_back({static_cast<unsigned char>(text[i]), true});
            ++i;
            continue;
        }
        decompose(code, units);
        i += length;
    }
    // Canonical ordering: a stable sort of every run of combining marks by class.
    for (std::size_t i = 0; i < units.size();) {
        if (units[i].raw || combining_class(units[i].code) == 0) {
            ++i;
            continue;
        }
        std::size_t end = i;
        while (end < units.size() && !units[end].raw && combining_class(units[end].code) != 0)
            ++end;
        std::stable_sort(units.begin() + static_cast<std::ptrdiff_t>(i),
                         units.begin() + static_cast<std::ptrdiff_t>(end),
                         [](const Unit& a, const Unit& b) {
                             return combining_class(a.code) < combining_class(b.code);
                         });
        i = end;
    }
    std::string out;
    out.reserve(text.size() + text.size() / 2);
    for (const Unit& unit : units) {
        if (unit.raw)
            out += static_cast<char>(unit.code);
        else
            encode(unit.code, out);
    }
    return out;
}

std::string folded_name(std::string_view name) {
    return ascii_lower(nfd(name));
}

} // namespace fwplan::detail
