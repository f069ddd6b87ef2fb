#pragma once
// The envelope of a log line: when, which host, which program (and pid), and the message,
// for the shapes syslog daemons and journald write. What the message says is
// log_messages.hpp's business.
#include "rollout/log_clock.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace fwplan::rollout {

/// The parts of one line. The views point into the line, or into the `JournalRecord` a
/// journal line was read into.
struct Envelope {
    enum class Clock {
        Classic,  ///< `Mmm dd hh:mm:ss`: no year, local time (`classic`)
        Absolute, ///< RFC 3339, short-iso, journal: `time_us` is UTC
    };
    Clock clock = Clock::Absolute;
    ClassicTime classic; ///< when `clock == Classic`
    /// When `clock == Absolute`: the time; when `Classic`: the fraction of its second (µs).
    std::int64_t time_us = 0;
    std::string_view host;    ///< "" when the line has none
    std::string_view program; ///< the tag before `[pid]:` / `:`
    std::string_view pid;     ///< "" when none; atftpd's own log file writes `pid.thread`
    std::string_view message;
};

/// Reads the text envelopes:
///   `Mmm dd hh:mm:ss[.frac] host prog[pid]: msg` (RFC 3164 as rsyslog and sysklogd write
///   it; journalctl -o short and short-precise; the day space- or zero-padded), also without
///   `host` (dnsmasq's --log-facility=FILE, atftpd's --logfile) and without `[pid]`;
///   `YYYY-MM-DDThh:mm:ss[.frac](Z|±hh:mm|±hhmm) host prog[pid]: msg` (rsyslog's RFC 3339
///   templates; journalctl -o short-iso and short-iso-precise).
/// False when the line is none of these.
[[nodiscard]] bool parse_text_envelope(std::string_view line, Envelope& out) noexcept;

/// The fields of one `journalctl -o json` record that a TFTP event needs (systemd.journal-
/// fields(7)); reused from line to line so its strings keep their capacity.
struct JournalRecord {
    std::string message; ///< MESSAGE: a string, or an array of byte values when not UTF-8
    std::string realtime, hostname, identifier, comm, syslog_pid, pid;
    bool message_ok = false;
    void clear() noexcept;
};

/// Reads one `journalctl -o json` line into `record` and points `out` at it: time from
/// `__REALTIME_TIMESTAMP` (µs, a decimal string), host `_HOSTNAME`, program
/// `SYSLOG_IDENTIFIER` (else `_COMM`), pid `SYSLOG_PID` (else `_PID`). False when the line
/// is not one JSON object with a valid `__REALTIME_TIMESTAMP`. Nesting deeper than the
/// record's own arrays is skipped, not built, so memory stays proportional to the line.
[[nodiscard]] bool parse_journal_json(std::string_view line, JournalRecord& record, Envelope& out);

} // namespace fwplan::rollout
