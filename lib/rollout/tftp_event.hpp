#pragma once
// What one line of a TFTP server's log says, once a log reader has parsed it: the type the
// readers (tftpd-hpa, dnsmasq, atftpd, the journal) produce and the per-phone state machine
// (phone_machine.hpp) consumes. Shared by both sides; keep the two definitions identical.

#include <cstdint>
#include <string>

namespace fwplan::rollout {

/// What happened to one file.
enum class TftpEventKind {
    Request,   ///< a read request (`RRQ from IP filename F`, atftpd `Serving F to IP:PORT`)
    Completed, ///< the transfer finished (dnsmasq `sent F to IP`, patched tftpd-hpa `Client IP
               ///< finished F`)
    NotFound, ///< the server had no such file (`File not found`, dnsmasq `file F not found for IP`)
    Refused,  ///< the server answered with another NAK (access violation, ...)
    Failed,   ///< the transfer broke off (dnsmasq `failed sending` / `timeout sending`)
};

/// One log line about one TFTP transfer.
struct TftpEvent {
    std::int64_t time_us = 0; ///< log time, microseconds since the Unix epoch
    std::string host;         ///< the TFTP server's host name as the log gives it
    std::string program;      ///< `in.tftpd`, `dnsmasq-tftp`, `atftpd`
    std::string ip;           ///< the phone's address
    TftpEventKind kind = TftpEventKind::Request; ///< what happened
    std::string file;                            ///< the name the phone asked for, as logged
    std::string remapped;                        ///< tftpd-hpa `remapped to` name (empty when none)
    std::string detail;                          ///< NAK text and the like (`1, File not found`)
    /// Set by the driver, not the parser: the line was in the log before the phone's current
    /// step was written, so it cannot be the phone reading that step.
    bool logged_before_write = false;
};

} // namespace fwplan::rollout
