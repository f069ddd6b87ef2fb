#pragma once
/// @file diagnostic.hpp
/// Everything fwplan has to say that is not a failure: the audit's findings, a config's lint
/// warnings, what a manifest or an inspected file gets wrong, a plan's notes, what staging
/// wants a person to know. One shape for all of them, so a program reads them one way and
/// the CLI prints them one way. A failure — the command could not do what it was asked —
/// is an `Error` (error.hpp) instead.
///
/// Codes are stable and dotted like `Error` codes (`fwplan.check.term-clash`,
/// `fwplan.config.no-auth`, `fwplan.plan.from-assumed`): a program may rely on them, a
/// person reads `message`. The audit's codes are listed in docs/findings.md.
///
/// **Example**
///
///     for (const fwplan::Diagnostic& d : report->findings)
///         std::cout << fwplan::to_string(d.severity) << ' ' << d.where << ": " << d.message
///                   << " [" << d.code << "]\n";

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace fwplan {

/// How much a diagnostic matters.
enum class Severity {
    Error,   ///< a phone will fail (`fwplan check` exits 1 when a finding has it)
    Warning, ///< a phone may do something its owner did not intend
    Info,    ///< worth knowing
};

/// "error", "warning", "info".
[[nodiscard]] std::string_view to_string(Severity severity) noexcept;

/// One thing worth telling: a finding, a warning or a note.
struct Diagnostic {
    std::string code;                      ///< stable dotted code, e.g. `fwplan.check.term-clash`
    Severity severity = Severity::Warning; ///< error, warning or info
    std::string message;                   ///< what is wrong and what it means, in words
    std::string where;                     ///< the file, path, entry, element or CSV line concerned
    std::string hint;                      ///< what to do about it (may be empty)
};

/// A diagnostic of severity Warning.
[[nodiscard]] Diagnostic warning(std::string code, std::string message, std::string where = {});
/// A diagnostic of severity Info.
[[nodiscard]] Diagnostic info(std::string code, std::string message, std::string where = {});

/// `text` as it may be printed on a terminal: control characters (tab and line breaks
/// included) and bytes that are not UTF-8 written as `\xNN`, characters that reorder or
/// hide text (bidi overrides such as U+202E, zero-width characters, U+2028) as `\uXXXX`;
/// everything else, backslashes included, as it is. Messages fwplan makes already quote
/// untrusted values; this is the last guard for whatever a program prints, and the CLI
/// passes every error, hint, warning and note through it.
///
/// **Example**
///
///     std::cerr << fwplan::terminal_safe(error.describe()) << '\n';
[[nodiscard]] std::string terminal_safe(std::string_view text);

/// How many of `diagnostics` have `severity`.
[[nodiscard]] std::size_t count(const std::vector<Diagnostic>& diagnostics,
                                Severity severity) noexcept;

/// The candidates a person who typed `text` most likely meant, best first: at most `max`
/// of them, each within an edit distance (insertions, deletions, substitutions and swaps of
/// two neighbours, ignoring ASCII case) of a third of its length, at least 1 and at most 3.
/// What "did you mean" hints offer: `closest_matches("plna", {"plan", "stage"})` is
/// `{"plan"}`; a text that resembles nothing gives none.
[[nodiscard]] std::vector<std::string> closest_matches(std::string_view text,
                                                       const std::vector<std::string>& candidates,
                                                       std::size_t max = 3);

} // namespace fwplan
