#pragma once
// Where the CLI writes: results to stdout, diagnostics to stderr as "fwplan: error: ...",
// colour only on a terminal and never with NO_COLOR.

#include <fwplan/error.hpp>

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace fwplan::cli {

/// Options every subcommand understands.
struct Globals {
    bool json = false;                 ///< machine-readable output on stdout
    std::vector<std::string> catalogs; ///< extra knowledge files (--catalog)
    bool quiet = false;                ///< only errors on stderr
    int verbose = 0;                   ///< -v, -vv: more detail on stderr
};

class Console {
public:
    Console(std::ostream& out, std::ostream& err, bool out_is_tty, bool err_is_tty);
    /// A console on the process's stdout/stderr, with colour decided by isatty and NO_COLOR.
    static Console standard();

    /// Where results go: stdout, or nowhere with -q unless --json asked for them.
    std::ostream& out() { return globals.quiet && !globals.json ? null_ : out_; }
    std::ostream& err() { return err_; }

    /// Prints "fwplan: error: <where>: <message> [code]" and a hint line; returns the exit
    /// code for the error's kind.
    int fail(const Error& error);
    /// As `fail`, and with --json also the error as a JSON document on stdout, so a tool
    /// reading stdout learns what went wrong.
    int fail_also_as_json(const Error& error);
    /// Prints "fwplan: warning: ..." unless quiet.
    void warn(std::string_view message);
    /// Prints a progress/info line on stderr when -v was given (and not -q).
    void info(std::string_view message);
    /// Prints a detail line on stderr when -vv was given (and not -q).
    void debug(std::string_view message);

    /// Whether a progress bar may be drawn: stderr is a terminal and neither --json nor
    /// --quiet was given.
    [[nodiscard]] bool progress_allowed() const noexcept {
        return err_is_tty_ && !globals.json && !globals.quiet;
    }

    /// Wraps text in an ANSI style when stdout is a colour terminal.
    [[nodiscard]] std::string bold(std::string_view text) const;
    [[nodiscard]] std::string red(std::string_view text) const;
    [[nodiscard]] std::string yellow(std::string_view text) const;
    [[nodiscard]] std::string green(std::string_view text) const;
    [[nodiscard]] std::string dim(std::string_view text) const;

    Globals globals;

private:
    [[nodiscard]] std::string style(std::string_view code, std::string_view text) const;
    std::ostream& out_;
    std::ostream& err_;
    std::ostream null_{nullptr}; // badbit set: writes are dropped
    bool out_colour_;
    bool err_colour_;
    bool err_is_tty_;
};

} // namespace fwplan::cli
