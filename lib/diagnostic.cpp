#include "detail/text.hpp"

#include <fwplan/diagnostic.hpp>

#include <algorithm>
#include <cctype>
#include <utility>

namespace fwplan {

std::string_view to_string(Severity severity) noexcept {
    switch (severity) {
    case Severity::Error:
        return "error";
    case Severity::Warning:
        return "warning";
    case Severity::Info:
        return "info";
    }
    return "error";
}

Diagnostic warning(std::string code, std::string message, std::string where) {
    return Diagnostic{std::move(code), Severity::Warning, std::move(message), std::move(where), {}};
}

Diagnostic info(std::string code, std::string message, std::string where) {
    return Diagnostic{std::move(code), Severity::Info, std::move(message), std::move(where), {}};
}

std::string terminal_safe(std::string_view text) {
    return detail::escape_for_terminal(text);
}

std::size_t count(const std::vector<Diagnostic>& diagnostics, Severity severity) noexcept {
    return static_cast<std::size_t>(
        std::count_if(diagnostics.begin(), diagnostics.end(),
                      [&](const Diagnostic& d) { return d.severity == severity; }));
}

namespace {

char lower(char c) noexcept {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

// Optimal string alignment distance (Damerau-Levenshtein without repeated edits of one
// substring), case-insensitive: a swap of two neighbours ("plna") counts as one typo.
std::size_t edit_distance(std::string_view a, std::string_view b) {
    const std::size_t n = a.size();
    const std::size_t m = b.size();
    std::vector<std::size_t> two_back(m + 1);
    std::vector<std::size_t> back(m + 1);
    std::vector<std::size_t> row(m + 1);
    for (std::size_t j = 0; j <= m; ++j)
        back[j] = j;
    for (std::size_t i = 1; i <= n; ++i) {
        row[0] = i;
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            row[j] = std::min({back[j] + 1, row[j - 1] + 1, back[j - 1] + cost});
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
                lower(a[i - 2]) == lower(b[j - 1]))
                row[j] = std::min(row[j], two_back[j - 2] + 1);
        }
        std::swap(two_back, back);
        std::swap(back, row);
    }
    return back[m];
}

} // namespace

std::vector<std::string> closest_matches(std::string_view text,
                                         const std::vector<std::string>& candidates,
                                         std::size_t max) {
    constexpr std::size_t kLongest = 256; // longer input is no typo of a name
    std::vector<std::pair<std::size_t, const std::string*>> scored;
    if (text.empty() || text.size() > kLongest)
        return {};
    for (const std::string& candidate : candidates) {
        if (candidate.size() > kLongest)
            continue;
        const std::size_t allowed = std::clamp<std::size_t>(candidate.size() / 3, 1, 3);
        const std::size_t distance = edit_distance(text, candidate);
        if (distance <= allowed && std::none_of(scored.begin(), scored.end(), [&](const auto& s) {
                return *s.second == candidate;
            }))
            scored.emplace_back(distance, &candidate);
    }
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> out;
    for (std::size_t i = 0; i < scored.size() && i < max; ++i)
        out.push_back(*scored[i].second);
    return out;
}

} // namespace fwplan
