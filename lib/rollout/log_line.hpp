#pragma once
// Log lines of TFTP servers → TFTP events: what `fwplan rollout follow` reads to see which
// phone asked for which file. Internal (lib/rollout is not installed); rollout.hpp builds on it.
//
// What each server logs, and where (sources beside each rule in the .cpp files):
//   tftpd-hpa  `RRQ from IP filename NAME [remapped to NEW]`, `sending NAK (CODE, TEXT) to IP`,
//              and on some RHEL-family builds `Client IP finished NAME` / `Client IP File not
//              found NAME` (hpax/tftp-hpa tftpd/tftpd.c; chan-sccp/sccp_manager #79)
//   dnsmasq    `sent PATH to IP`, `file PATH not found for IP` (older: no `for IP`),
//              `failed sending PATH to IP`, `timeout sending PATH to IP` (dnsmasq src/tftp.c)
//   atftpd     `Serving NAME to IP:PORT`, `File PATH not found` (atftp tftpd.c, tftpd_file.c)
// inside one of the envelopes rsyslog and journald write: classic `Mmm dd hh:mm:ss host
// prog[pid]: msg` (host-less as dnsmasq's --log-facility file writes it), RFC 3339
// (rsyslog's default on Debian 12), journalctl `-o short-iso`, and `journalctl -o json`.
#include "rollout/log_clock.hpp"
#include "rollout/log_envelope.hpp"
#include "rollout/request_memory.hpp"
#include "rollout/tftp_event.hpp"

#include <fwplan/error.hpp>
#include <fwplan/rollout.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fwplan::rollout {

// LogFormat and its names are public (rollout.hpp).

/// `request`, `completed`, `not-found`, `refused`, `failed`.
[[nodiscard]] std::string_view to_string(TftpEventKind kind) noexcept;

// TftpEvent (tftp_event.hpp, shared with the state machine) as this parser fills it:
//   time_us  the line's log time, UTC;
//   host     "" when the line carries none (dnsmasq's own log file);
//   ip       canonical (`::ffff:a.b.c.d` becomes `a.b.c.d`); "" only on the lines that name
//            no client: dnsmasq's older `file PATH not found` and `cannot access`, atftpd's
//            `File PATH not found` when its request was not seen;
//   file     relative to the server's root: leading `/` and `./` removed, a server root
//            stripped (ParserOptions::server_roots); "" for a tftpd-hpa NAK whose request was
//            not seen (the log began after it, or the memory no longer holds it);
//   remapped tftpd-hpa's `remapped to` name, normalised the same way;
//   detail   the server's words: the NAK text without its code (`File not found`, `Access
//            violation`), `failed sending`, `timeout sending`, the reason of `cannot access`.

/// How a parser reads what the lines leave open.
struct ParserOptions {
    /// The year of classic syslog timestamps, which carry none; 0 = the current year. The
    /// year moves on by one when a timestamp is more than 180 days before the previous one
    /// (a log that crosses New Year).
    int year = 0;
    /// The servers' own roots. dnsmasq logs absolute paths below ITS root (which may differ
    /// from fwplan's `--tftp-root`); the longest of these that is a prefix (whole path
    /// components) is stripped from every absolute name; a dnsmasq path under none of them is
    /// cut to its part after the last `/`. Absolute paths only (others are ignored). The root
    /// a dnsmasq states at start-up (`TFTP root is ROOT`) is learnt from the log as well, per
    /// host, and comes first for that host's dnsmasq lines.
    std::vector<std::string> server_roots;
};

/// What a parser has seen, for the caller's summary. Every line lands in exactly one of
/// the counters after `lines`: `lines == events + too_long + unrecognised + other_programs
/// + other_messages + malformed`.
struct ParserCounters {
    std::uint64_t lines = 0;          ///< lines given to `parse`
    std::uint64_t events = 0;         ///< lines that gave an event
    std::uint64_t too_long = 0;       ///< lines over `LogParser::max_line_bytes`, skipped
    std::uint64_t unrecognised = 0;   ///< no envelope this format reads (garbage, `-- Boot`)
    std::uint64_t other_programs = 0; ///< lines of programs this format does not read
    std::uint64_t other_messages = 0; ///< a TFTP server's lines that are no event (start-up)
    std::uint64_t malformed = 0;      ///< a TFTP server's event line that does not parse
};

/// Turns log lines into TFTP events. Stateful, because a tftpd-hpa NAK names no file: it
/// is attributed to the last request of the same (host, pid) — tftpd-hpa forks one process
/// per transfer — else to the last request from the same (host, ip). That memory is bounded
/// (request_memory.hpp): the last `request_memory` requests at most, each found until 8
/// newer keys of its kind fall in its index set (about `request_memory` unrelated ones),
/// names up to `remembered_name_bytes`, hosts up to 255 bytes. Also stateful for
/// the year of classic timestamps. Deterministic for a given line sequence, TZ (read when
/// the parser is made) and `ParserOptions::year`.
class LogParser {
public:
    /// Longer lines are skipped and counted (`too_long`).
    static constexpr std::size_t max_line_bytes = 8192;
    /// Requests remembered for NAK attribution, at most.
    static constexpr std::size_t request_memory = 4096;
    /// Requests naming a longer file are not remembered (a TFTP request fits in 512 bytes,
    /// RFC 1350), so the memory stays a few MB at worst.
    static constexpr std::size_t remembered_name_bytes = 512;

    explicit LogParser(LogFormat format, ParserOptions options = {});

    /// The event a line stands for; nullopt for every line that is not one (other programs,
    /// other messages, garbage) — never an error, never throws. `line` may hold any bytes; a
    /// trailing CR or LF is ignored.
    [[nodiscard]] std::optional<TftpEvent> parse(std::string_view line) noexcept;

    /// What the parser has seen so far.
    [[nodiscard]] const ParserCounters& counters() const noexcept { return counters_; }
    /// The format it was made for.
    [[nodiscard]] LogFormat format() const noexcept { return format_; }
    /// The log time of the last line given to `parse`, when its envelope was readable, whoever
    /// wrote it: decisions are made on log time, and a line of another program moves it too.
    [[nodiscard]] std::optional<std::int64_t> line_time() const noexcept { return line_time_; }

private:
    std::optional<TftpEvent> parse_line(std::string_view line);
    std::optional<TftpEvent> interpret(const Envelope& envelope);
    void remember(const TftpEvent& request, std::string_view pid, bool by_name);
    const RememberedRequest* recall(std::string_view host, std::string_view pid,
                                    std::string_view ip);
    [[nodiscard]] std::string relative_name(std::string_view name, bool cut_unknown,
                                            std::string_view learned_root = {}) const;
    void learn_root(std::string_view host, std::string_view root);
    [[nodiscard]] std::string_view learned_root(std::string_view host) const noexcept;

    LogFormat format_;
    std::vector<std::string> roots_; // normalised: no trailing '/', longest first
    static constexpr std::size_t max_learned_roots = 64;
    std::vector<std::pair<std::string, std::string>> learned_roots_; // (host, root), bounded
    ClassicClock clock_;
    JournalRecord journal_;                  // reused storage for `-o json` lines
    RequestMemory requests_{request_memory}; // by pid, by ip, by name (atftpd's not found)
    ParserCounters counters_;
    std::optional<std::int64_t> line_time_;
};

} // namespace fwplan::rollout
