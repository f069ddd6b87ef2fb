#pragma once
// The kick: `fwplan rollout follow --kick CMD` resets a phone once its next config is in
// place, e.g. `asterisk -rx 'sip notify cisco-reset %n'` (usecallmanagernz.github.io
// command-line.html; pjsip `pjsip send notify`, chan-sccp `sccp reset`, FreeSWITCH
// `sofia profile … check_sync` are the others). CMD is split into words as a POSIX shell
// splits them, for quoting only, and run without a shell. Internal (lib/rollout is not
// installed).
#include <fwplan/error.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fwplan::rollout {

/// A kick command taken apart: words with the quotes removed, placeholders still in them.
///
/// Splitting follows the quoting rules of the POSIX shell (XCU §2.2, §2.6.5) and nothing
/// else: blanks (space, tab, newline) separate words; `'…'` is literal; inside `"…"` a
/// backslash escapes only `"`, `\`, `$`, `` ` `` and newline; outside quotes a backslash
/// escapes the next character; backslash-newline joins lines; `''` is an empty word. There
/// is no globbing, no variables or `$(…)`, no comments, no operators: `;`, `|`, `&&` and `>`
/// are words like any other. To get a shell, write one: `sh -c 'asterisk -rx "…" && …'`.
///
/// Placeholders, put in after splitting (so a value can never become several words, however
/// it is quoted or whatever it holds): `%m` the MAC as 12 upper-case hex digits, `%i` the
/// phone's IP, `%l` the next load, `%s` the step number, `%n` the SEP file name
/// (`SEP008041AEFD7E.cnf.xml`), `%%` a percent sign. They count inside quotes too, as in
/// `'sip notify cisco-reset %n'`.
struct KickCommand {
    std::vector<std::string> words;

    /// Splits `command`; a usage error `fwplan.rollout.kick-syntax` (with a hint) for an
    /// unterminated quote, a trailing backslash, an empty command or an unknown placeholder,
    /// so a mistake shows when the command is given, not when the first phone is kicked.
    [[nodiscard]] static Result<KickCommand> parse(std::string_view command);
    /// True when a word holds the placeholder `%<letter>` (`%%` is no placeholder).
    [[nodiscard]] bool uses(char letter) const noexcept;
};

/// Checks a `--kick` command as `KickCommand::parse` does, for the CLI to call up front.
[[nodiscard]] Result<void> validate_kick(std::string_view command);

/// What the placeholders stand for.
struct KickValues {
    std::string mac;      ///< any spelling (`00:80:41:ae:fd:7e`): `%m` keeps its 12 hex digits
    std::string ip;       ///< `%i`
    std::string load;     ///< `%l`
    std::string sep_file; ///< `%n`
    unsigned step = 0;    ///< `%s`
};

/// The command's words with the placeholders put in: the argv to run.
[[nodiscard]] std::vector<std::string> expand(const KickCommand& command, const KickValues& values);

/// How a kick went.
struct KickOutcome {
    bool started = false;             ///< false: the program could not be run (see `message`)
    int exit_code = -1;               ///< its exit status when it exited
    int signal = 0;                   ///< the signal that ended it, else 0
    bool timed_out = false;           ///< it ran past the timeout and was stopped
    std::string output;               ///< stdout and stderr together, the first `kept_output_bytes`
    std::uint64_t output_dropped = 0; ///< bytes of output beyond those
    std::chrono::milliseconds took{}; ///< from start to reaped
    std::string message;              ///< why it did not start (`program not found: asterisk`)

    /// Started, ended by itself with exit status 0.
    [[nodiscard]] bool succeeded() const noexcept {
        return started && !timed_out && signal == 0 && exit_code == 0;
    }
};

/// Output bytes kept in `KickOutcome::output`.
inline constexpr std::size_t kept_output_bytes = 4096;
/// Between SIGTERM to a kick that ran out of time and SIGKILL.
inline constexpr std::chrono::milliseconds kick_kill_grace{2000};

/// Runs `argv` without a shell (posix_spawnp: the program is looked up in PATH), stdin
/// `/dev/null`, stdout and stderr into one pipe read with poll(), in a process group of
/// its own with default signal handling. Past `timeout` the group gets SIGTERM, and SIGKILL
/// `kill_grace` later. The child is always reaped; processes it leaves running do not make
/// the call wait (their output after its exit is not read). A program that cannot be run is
/// an outcome with `started == false`; only a failure of fwplan's own (no pipe) is an error
/// (`fwplan.rollout.kick-run`).
[[nodiscard]] Result<KickOutcome> run_kick(const std::vector<std::string>& argv,
                                           std::chrono::milliseconds timeout,
                                           std::chrono::milliseconds kill_grace = kick_kill_grace);

} // namespace fwplan::rollout
