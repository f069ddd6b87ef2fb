#include "console.hpp"

#include <fwplan/diagnostic.hpp>
#include <fwplan/json.hpp>

#include <cstdlib>
#include <iostream>
#include <unistd.h>

namespace fwplan::cli {

namespace {
bool colour_allowed() {
    const char* no_colour = std::getenv("NO_COLOR");
    if (no_colour != nullptr && *no_colour != '\0')
        return false;
    const char* term = std::getenv("TERM");
    return term == nullptr || std::string_view(term) != "dumb";
}
} // namespace

Console::Console(std::ostream& out, std::ostream& err, bool out_is_tty, bool err_is_tty)
    : out_(out), err_(err), out_colour_(out_is_tty && colour_allowed()),
      err_colour_(err_is_tty && colour_allowed()), err_is_tty_(err_is_tty) {}

Console Console::standard() {
    return Console(std::cout, std::cerr, isatty(STDOUT_FILENO) == 1, isatty(STDERR_FILENO) == 1);
}

namespace {
// The hint of an error that brings none (a safety net: the errors people meet bring their
// own): what to do, by what kind of failure it is.
std::string fallback_hint(const Error& error) {
    switch (error.kind) {
    case ErrorKind::Io:
        return error.file.empty()
                   ? "check that fwplan may read and write where it was pointed"
                   : "check that " + error.file + " exists and that you may read (or write) it";
    case ErrorKind::BadInput:
        return error.file.empty() ? "check the value named above"
                                  : "the file is damaged or not what fwplan expects there: "
                                    "fetch it again, or give the right one";
    case ErrorKind::Usage:
        return "'fwplan help' lists the commands and their options";
    case ErrorKind::NotPossible:
    case ErrorKind::Conflict:
        return "'fwplan help' lists what each command can be asked";
    }
    return {};
}
} // namespace

int Console::fail(const Error& error) {
    const std::string label = err_colour_ ? "\x1b[1;31merror:\x1b[0m" : "error:";
    // Messages quote what they repeat; terminal_safe is the last guard for what they do not
    // (a path with an escape sequence, a name with a right-to-left override).
    err_ << "fwplan: " << label << ' ' << terminal_safe(error.describe()) << '\n';
    err_ << "fwplan: hint: "
         << terminal_safe(error.hint.empty() ? fallback_hint(error) : error.hint) << '\n';
    return exit_code_for(error.kind);
}

int Console::fail_also_as_json(const Error& error) {
    if (globals.json)
        out_ << json::error(error);
    return fail(error);
}

void Console::warn(std::string_view message) {
    if (globals.quiet)
        return;
    const std::string label = err_colour_ ? "\x1b[1;33mwarning:\x1b[0m" : "warning:";
    err_ << "fwplan: " << label << ' ' << terminal_safe(message) << '\n';
}

void Console::info(std::string_view message) {
    if (globals.verbose > 0 && !globals.quiet)
        err_ << "fwplan: " << terminal_safe(message) << '\n';
}

void Console::debug(std::string_view message) {
    if (globals.verbose > 1 && !globals.quiet)
        err_ << "fwplan: " << message << '\n';
}

std::string Console::style(std::string_view code, std::string_view text) const {
    if (!out_colour_ || globals.json)
        return std::string(text);
    return "\x1b[" + std::string(code) + "m" + std::string(text) + "\x1b[0m";
}

std::string Console::bold(std::string_view text) const {
    return style("1", text);
}
std::string Console::red(std::string_view text) const {
    return style("31", text);
}
std::string Console::yellow(std::string_view text) const {
    return style("33", text);
}
std::string Console::green(std::string_view text) const {
    return style("32", text);
}
std::string Console::dim(std::string_view text) const {
    return style("2", text);
}

} // namespace fwplan::cli
