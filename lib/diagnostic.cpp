#include "detail/text.hpp"

#include <fwplan/diagnostic.hpp>

#include <algorithm>
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

} // namespace fwplan
