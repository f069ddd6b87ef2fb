#include "rollout/kick.hpp"

#include "detail/posix.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ; // NOLINT: POSIX declares it nowhere

namespace fwplan::rollout {

namespace {

constexpr std::string_view placeholder_hint =
    "placeholders are %m (MAC), %i (IP), %l (next load), %s (step), %n (SEP file name) and "
    "%% (a percent sign)";

Error syntax_error(std::string message, std::string hint) {
    Error error;
    error.kind = ErrorKind::Usage;
    error.code = "fwplan.rollout.kick-syntax";
    error.message = "--kick: " + std::move(message);
    error.hint = std::move(hint);
    return error;
}

bool is_blank(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n';
}

// `%x` in a word that is none of ours, or a `%` ending it.
Result<void> check_placeholders(const std::string& word, std::size_t number) {
    for (std::size_t i = 0; i < word.size(); ++i) {
        if (word[i] != '%')
            continue;
        if (i + 1 == word.size())
            return syntax_error("word " + std::to_string(number) + " ends in a lone '%'",
                                std::string(placeholder_hint));
        const char next = word[i + 1];
        if (std::string_view("milsn%").find(next) == std::string_view::npos) {
            const bool printable = next > ' ' && next < 0x7f;
            return syntax_error("unknown placeholder '%" +
                                    (printable ? std::string(1, next) : std::string("?")) +
                                    "' in word " + std::to_string(number),
                                std::string(placeholder_hint) + "; write %% for a percent sign");
        }
        ++i;
    }
    return {};
}

// The 12 hex digits of a MAC however it is written, upper case (%m is SEP<MAC>'s spelling).
std::string mac_digits(std::string_view mac) {
    std::string digits;
    for (const char c : mac) {
        if (c >= '0' && c <= '9')
            digits.push_back(c);
        else if (c >= 'a' && c <= 'f')
            digits.push_back(static_cast<char>(c - 'a' + 'A'));
        else if (c >= 'A' && c <= 'F')
            digits.push_back(c);
    }
    return digits;
}

// posix_spawn's attribute and file-action objects, destroyed however run_kick leaves.
class SpawnSetup {
public:
    SpawnSetup() {
        ::posix_spawn_file_actions_init(&actions_);
        ::posix_spawnattr_init(&attributes_);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;
    ~SpawnSetup() {
        ::posix_spawn_file_actions_destroy(&actions_);
        ::posix_spawnattr_destroy(&attributes_);
    }
    posix_spawn_file_actions_t* actions() { return &actions_; }
    posix_spawnattr_t* attributes() { return &attributes_; }

private:
    posix_spawn_file_actions_t actions_{};
    posix_spawnattr_t attributes_{};
};

// Keeps the first `kept_output_bytes`, counts the rest.
void take_output(KickOutcome& outcome, const char* data, std::size_t size) {
    const std::size_t room = kept_output_bytes - std::min(kept_output_bytes, outcome.output.size());
    const std::size_t kept = std::min(room, size);
    outcome.output.append(data, kept);
    outcome.output_dropped += size - kept;
}

} // namespace

Result<KickCommand> KickCommand::parse(std::string_view text) {
    KickCommand command;
    std::string word;
    bool in_word = false; // '' starts a word though it adds nothing to it
    const auto end_word = [&] {
        if (in_word)
            command.words.push_back(std::move(word));
        word.clear();
        in_word = false;
    };
    const std::string shell_hint = "quotes work as in sh; to run a shell, write sh -c '…'";
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (is_blank(c)) {
            end_word();
            ++i;
        } else if (c == '\'') {
            // XCU 2.2.2: everything up to the next ' is literal; no escape inside.
            const std::size_t close = text.find('\'', i + 1);
            if (close == std::string_view::npos)
                return syntax_error("the single quote at character " + std::to_string(i + 1) +
                                        " is never closed",
                                    shell_hint);
            word.append(text.substr(i + 1, close - i - 1));
            in_word = true;
            i = close + 1;
        } else if (c == '"') {
            // XCU 2.2.3: a backslash keeps its meaning only before $ ` " \ and newline.
            in_word = true;
            std::size_t j = i + 1;
            bool closed = false;
            while (j < text.size()) {
                const char d = text[j];
                if (d == '"') {
                    closed = true;
                    ++j;
                    break;
                }
                if (d == '\\' && j + 1 < text.size()) {
                    const char e = text[j + 1];
                    if (e == '"' || e == '\\' || e == '$' || e == '`') {
                        word.push_back(e);
                        j += 2;
                        continue;
                    }
                    if (e == '\n') { // line continuation: both go
                        j += 2;
                        continue;
                    }
                }
                word.push_back(d);
                ++j;
            }
            if (!closed)
                return syntax_error("the double quote at character " + std::to_string(i + 1) +
                                        " is never closed",
                                    shell_hint);
            i = j;
        } else if (c == '\\') {
            // XCU 2.2.1: the next character is literal; backslash-newline joins lines.
            if (i + 1 == text.size())
                return syntax_error("the command ends in a backslash, which escapes nothing",
                                    "remove it, or write \\\\ for a backslash");
            if (text[i + 1] != '\n') {
                word.push_back(text[i + 1]);
                in_word = true;
            }
            i += 2;
        } else {
            word.push_back(c);
            in_word = true;
            ++i;
        }
    }
    end_word();
    if (command.words.empty())
        return syntax_error("the command is empty",
                            "give the program to run, e.g. --kick \"asterisk -rx 'sip notify "
                            "cisco-reset %n'\"");
    for (std::size_t n = 0; n < command.words.size(); ++n)
        if (auto checked = check_placeholders(command.words[n], n + 1); !checked)
            return checked.error();
    return command;
}

Result<void> validate_kick(std::string_view command) {
    auto parsed = KickCommand::parse(command);
    if (!parsed)
        return parsed.error();
    return {};
}

bool KickCommand::uses(char letter) const noexcept {
    for (const std::string& word : words)
        for (std::size_t i = 0; i + 1 < word.size(); ++i)
            if (word[i] == '%') {
                if (word[i + 1] == letter)
                    return true;
                ++i; // %% and the other placeholders
            }
    return false;
}

std::vector<std::string> expand(const KickCommand& command, const KickValues& values) {
    const std::string mac = mac_digits(values.mac);
    const std::string step = std::to_string(values.step);
    std::vector<std::string> argv;
    argv.reserve(command.words.size());
    for (const std::string& word : command.words) {
        std::string out;
        for (std::size_t i = 0; i < word.size(); ++i) {
            if (word[i] != '%' || i + 1 == word.size()) {
                out.push_back(word[i]);
                continue;
            }
            switch (word[++i]) {
            case 'm':
                out += mac;
                break;
            case 'i':
                out += values.ip;
                break;
            case 'l':
                out += values.load;
                break;
            case 's':
                out += step;
                break;
            case 'n':
                out += values.sep_file;
                break;
            case '%':
                out.push_back('%');
                break;
            default: // parse() lets none through; kept as written if a caller built words
                out.push_back('%');
                out.push_back(word[i]);
                break;
            }
        }
        argv.push_back(std::move(out));
    }
    return argv;
}

Result<KickOutcome> run_kick(const std::vector<std::string>& argv,
                             std::chrono::milliseconds timeout,
                             std::chrono::milliseconds kill_grace) {
    using clock = std::chrono::steady_clock;
    KickOutcome outcome;
    if (argv.empty() || argv.front().empty()) {
        outcome.message = "the kick command is empty";
        return outcome;
    }
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        Error error =
            io_error("rollout.kick-run", std::string("cannot make a pipe for the kick's output: ") +
                                             std::strerror(errno));
        return error.with_hint("fwplan is out of file descriptors; raise ulimit -n");
    }
    detail::UniqueFd read_end(fds[0]);
    detail::UniqueFd write_end(fds[1]);

    SpawnSetup setup;
    ::posix_spawn_file_actions_addopen(setup.actions(), STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    ::posix_spawn_file_actions_adddup2(setup.actions(), write_end.get(), STDOUT_FILENO);
    ::posix_spawn_file_actions_adddup2(setup.actions(), write_end.get(), STDERR_FILENO);
    // Its own process group, so a timeout stops what it started too; default signal
    // dispositions and an empty mask, whatever fwplan set up for itself.
    ::posix_spawnattr_setpgroup(setup.attributes(), 0);
    sigset_t signals;
    sigemptyset(&signals);
    ::posix_spawnattr_setsigmask(setup.attributes(), &signals);
    for (const int signal : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2})
        sigaddset(&signals, signal);
    ::posix_spawnattr_setsigdefault(setup.attributes(), &signals);
    ::posix_spawnattr_setflags(setup.attributes(), POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                                       POSIX_SPAWN_SETSIGDEF);

    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const std::string& word : argv)
        args.push_back(const_cast<char*>(word.c_str())); // posix_spawn does not write them
    args.push_back(nullptr);

    const clock::time_point start = clock::now();
    pid_t pid = -1;
    // glibc's posix_spawnp reports a failed exec (no such program) as its result.
    const int spawned = ::posix_spawnp(&pid, args.front(), setup.actions(), setup.attributes(),
                                       args.data(), environ);
    write_end.reset(); // only the child writes now: its exit ends the pipe
    if (spawned != 0) {
        outcome.took = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - start);
        outcome.message =
            spawned == ENOENT
                ? "program not found: " + argv.front() +
                      (argv.front().find('/') == std::string::npos ? " (looked for in PATH)" : "")
                : "cannot run " + argv.front() + ": " + std::strerror(spawned);
        return outcome;
    }
    outcome.started = true;

    const clock::time_point deadline = start + timeout;
    clock::time_point kill_at{};
    bool term_sent = false;
    bool kill_sent = false;
    bool pipe_open = true;
    int status = 0;
    bool status_lost = false;
    char buffer[4096];
    for (;;) {
        const pid_t reaped = ::waitpid(pid, &status, WNOHANG);
        if (reaped == pid)
            break;
        if (reaped < 0 && errno == ECHILD) {
            status_lost = true; // reaped elsewhere: SIGCHLD set to SIG_IGN in fwplan
            break;
        }
        const clock::time_point now = clock::now();
        if (!term_sent && now >= deadline) {
            ::kill(-pid, SIGTERM);
            term_sent = true;
            outcome.timed_out = true;
            kill_at = now + kill_grace;
        } else if (term_sent && !kill_sent && now >= kill_at) {
            ::kill(-pid, SIGKILL);
            kill_sent = true;
        }
        // Short slices: the child's exit is seen by waitpid, not by the pipe's end, which a
        // process it left running may hold open.
        constexpr int slice_ms = 10;
        if (!pipe_open) {
            std::this_thread::sleep_for(std::chrono::milliseconds(slice_ms));
            continue;
        }
        pollfd ready{read_end.get(), POLLIN, 0};
        const int polled = ::poll(&ready, 1, slice_ms);
        if (polled <= 0)
            continue;
        const ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
        if (n > 0)
            take_output(outcome, buffer, static_cast<std::size_t>(n));
        else if (n == 0 || errno != EINTR)
            pipe_open = false;
    }
    // What the child wrote before it ended is still in the pipe: take it, without waiting
    // for writers it left behind (bounded: the pipe holds 64 KiB, left-overs may add more).
    if (pipe_open) {
        ::fcntl(read_end.get(), F_SETFL, O_NONBLOCK);
        for (int i = 0; i < 64; ++i) {
            const ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
            if (n <= 0)
                break;
            take_output(outcome, buffer, static_cast<std::size_t>(n));
        }
    }
    outcome.took = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - start);
    if (status_lost)
        outcome.message = "the kick's exit status was lost (SIGCHLD is ignored in fwplan)";
    else if (WIFEXITED(status))
        outcome.exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        outcome.signal = WTERMSIG(status);
    return outcome;
}

} // namespace fwplan::rollout
