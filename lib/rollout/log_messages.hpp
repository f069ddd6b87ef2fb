#pragma once
// What the message part of a TFTP server's log line says, per server; and which programs
// are TFTP servers. The envelope (time, host, tag) is log_envelope.hpp's.
#include "rollout/log_line.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace fwplan::rollout {

enum class TftpServer { TftpdHpa, Dnsmasq, Atftpd };

/// The server a syslog tag belongs to (`in.tftpd`/`tftpd`, `dnsmasq`/`dnsmasq-tftp`,
/// `atftpd`; a directory before the name is ignored), or nullopt.
[[nodiscard]] std::optional<TftpServer> server_of(std::string_view program) noexcept;

/// One message, taken apart. Views point into the message.
struct MessageMatch {
    enum class Status {
        Event,     ///< a line fwplan reads: the fields below are set
        Other,     ///< the server's line, but no event (start-up, WRQ, a client's error)
        Malformed, ///< starts like an event line but does not parse (cut, bad address)
    };
    Status status = Status::Other;
    TftpEventKind kind = TftpEventKind::Request;
    std::string_view ip;       ///< as logged; "" when the line names none
    std::string_view file;     ///< as logged; "" for a tftpd-hpa NAK
    std::string_view remapped; ///< tftpd-hpa `remapped to`
    std::string_view detail;
    bool is_nak = false;        ///< tftpd-hpa `sending NAK`: the file comes from memory
    bool names_outcome = false; ///< tftpd-hpa `Client IP ...`: may name the remapped file
    bool server_path = false;   ///< `file` is the server's own path (dnsmasq, atftpd errors)
    std::string_view root;      ///< dnsmasq's start-up `TFTP root is ROOT` (status Other)
};

[[nodiscard]] MessageMatch match_tftpd_hpa(std::string_view message) noexcept;
[[nodiscard]] MessageMatch match_dnsmasq(std::string_view message) noexcept;
[[nodiscard]] MessageMatch match_atftpd(std::string_view message) noexcept;

/// The address in canonical text form (inet_ntop of inet_pton), an IPv4-mapped IPv6
/// address as plain IPv4, an IPv6 zone (`%eth0`) dropped; nullopt when `text` is no address.
[[nodiscard]] std::optional<std::string> canonical_ip(std::string_view text);

} // namespace fwplan::rollout
