#include "rollout/log_messages.hpp"

#include <arpa/inet.h>
#include <cstring>
#include <netinet/in.h>

namespace fwplan::rollout {

namespace {

using MatchStatus = MessageMatch::Status;

bool starts_with(std::string_view text, std::string_view prefix) noexcept {
    return text.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::string_view text, std::string_view suffix) noexcept {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

MessageMatch event(TftpEventKind kind, std::string_view ip, std::string_view file,
                   std::string_view detail = {}) noexcept {
    MessageMatch match;
    match.status = MatchStatus::Event;
    match.kind = kind;
    match.ip = ip;
    match.file = file;
    match.detail = detail;
    return match;
}

MessageMatch with_status(MatchStatus status) noexcept {
    MessageMatch match;
    match.status = status;
    return match;
}

// `PATH to IP`, the path taken up to the LAST " to " (a name may hold spaces, an address
// none).
bool split_path_to_ip(std::string_view text, std::string_view& path,
                      std::string_view& ip) noexcept {
    const std::size_t to = text.rfind(" to ");
    if (to == std::string_view::npos || to == 0)
        return false;
    path = text.substr(0, to);
    ip = text.substr(to + 4);
    return !ip.empty() && ip.find(' ') == std::string_view::npos;
}

} // namespace

std::optional<TftpServer> server_of(std::string_view program) noexcept {
    if (const std::size_t slash = program.rfind('/'); slash != std::string_view::npos)
        program = program.substr(slash + 1);
    // tftpd-hpa logs under its program name (openlog(__progname)): in.tftpd on Debian.
    if (program == "in.tftpd" || program == "tftpd")
        return TftpServer::TftpdHpa;
    // dnsmasq tags its TFTP lines dnsmasq-tftp (MS_TFTP in src/log.c); older ones dnsmasq.
    if (program == "dnsmasq-tftp" || program == "dnsmasq")
        return TftpServer::Dnsmasq;
    if (program == "atftpd")
        return TftpServer::Atftpd;
    return std::nullopt;
}

// hpax/tftp-hpa tftpd/tftpd.c: with -v, `syslog(LOG_NOTICE, "%s from %s filename %s\n")`
// and `"... filename %s remapped to %s\n"`; with -vv, nak() logs `"sending NAK (%d, %s) to
// %s"` (code 1 is ENOTFOUND, "File not found"). The `Client IP finished NAME` and `Client
// IP File not found NAME` lines come from a RHEL-family patch (chan-sccp/sccp_manager #79,
// PhantomVl/sccp_manager #46): accepted, never required.
MessageMatch match_tftpd_hpa(std::string_view message) noexcept {
    constexpr std::string_view rrq = "RRQ from ";
    constexpr std::string_view nak = "sending NAK (";
    constexpr std::string_view client = "Client ";
    if (starts_with(message, rrq)) {
        std::string_view rest = message.substr(rrq.size());
        const std::size_t blank = rest.find(' ');
        if (blank == std::string_view::npos || blank == 0)
            return with_status(MatchStatus::Malformed);
        const std::string_view ip = rest.substr(0, blank);
        rest = rest.substr(blank + 1);
        constexpr std::string_view filename = "filename ";
        if (!starts_with(rest, filename))
            return with_status(MatchStatus::Malformed);
        std::string_view name = rest.substr(filename.size());
        std::string_view remapped;
        constexpr std::string_view remap = " remapped to ";
        if (const std::size_t at = name.find(remap); at != std::string_view::npos) {
            remapped = name.substr(at + remap.size());
            name = name.substr(0, at);
            if (remapped.empty())
                return with_status(MatchStatus::Malformed);
        }
        if (name.empty())
            return with_status(MatchStatus::Malformed);
        MessageMatch match = event(TftpEventKind::Request, ip, name);
        match.remapped = remapped;
        return match;
    }
    if (starts_with(message, nak)) {
        std::string_view rest = message.substr(nak.size());
        const std::size_t comma = rest.find(", ");
        if (comma == std::string_view::npos || comma == 0 || comma > 5)
            return with_status(MatchStatus::Malformed);
        int code = 0;
        for (const char c : rest.substr(0, comma)) {
            if (c < '0' || c > '9')
                return with_status(MatchStatus::Malformed);
            code = code * 10 + (c - '0');
        }
        rest = rest.substr(comma + 2);
        const std::size_t close = rest.rfind(") to ");
        if (close == std::string_view::npos)
            return with_status(MatchStatus::Malformed);
        const std::string_view text = rest.substr(0, close);
        const std::string_view ip = rest.substr(close + 5);
        if (ip.empty())
            return with_status(MatchStatus::Malformed);
        const bool not_found = code == 1 || text == "File not found";
        MessageMatch match =
            event(not_found ? TftpEventKind::NotFound : TftpEventKind::Refused, ip, {}, text);
        match.is_nak = true;
        return match;
    }
    if (starts_with(message, client)) {
        std::string_view rest = message.substr(client.size());
        const std::size_t blank = rest.find(' ');
        if (blank == std::string_view::npos || blank == 0)
            return with_status(MatchStatus::Other);
        const std::string_view ip = rest.substr(0, blank);
        rest = rest.substr(blank + 1);
        constexpr std::string_view finished = "finished ";
        constexpr std::string_view not_found = "File not found ";
        MessageMatch match;
        if (starts_with(rest, finished))
            match = event(TftpEventKind::Completed, ip, rest.substr(finished.size()));
        else if (starts_with(rest, not_found))
            match =
                event(TftpEventKind::NotFound, ip, rest.substr(not_found.size()), "File not found");
        else
            return with_status(MatchStatus::Other);
        if (match.file.empty())
            return with_status(MatchStatus::Malformed);
        match.names_outcome = true;
        return match;
    }
    return with_status(MatchStatus::Other);
}

// dnsmasq src/tftp.c: at the end of a transfer `"sent %s to %s"` (LOG_INFO), `"failed
// sending %s to %s"` or `"timeout sending %s to %s"` (LOG_ERR), the path being the file
// as opened: below dnsmasq's own --tftp-root. A missing file: `"file %s not found for %s"`
// (older versions: `"file %s not found"`, with no client); `"cannot access %s: %s"` (no
// client either). dnsmasq logs no request line.
MessageMatch match_dnsmasq(std::string_view message) noexcept {
    struct Ending {
        std::string_view prefix;
        TftpEventKind kind;
        std::string_view detail;
    };
    static constexpr Ending endings[] = {
        {"sent ", TftpEventKind::Completed, ""},
        {"failed sending ", TftpEventKind::Failed, "failed sending"},
        {"timeout sending ", TftpEventKind::Failed, "timeout sending"},
    };
    for (const Ending& ending : endings) {
        if (!starts_with(message, ending.prefix))
            continue;
        std::string_view path;
        std::string_view ip;
        if (!split_path_to_ip(message.substr(ending.prefix.size()), path, ip))
            return with_status(MatchStatus::Malformed);
        MessageMatch match = event(ending.kind, ip, path, ending.detail);
        match.server_path = true;
        return match;
    }
    constexpr std::string_view file = "file ";
    if (starts_with(message, file)) {
        const std::string_view rest = message.substr(file.size());
        constexpr std::string_view old_suffix = " not found";
        constexpr std::string_view for_client = " not found for ";
        MessageMatch match;
        if (ends_with(rest, old_suffix)) {
            match = event(TftpEventKind::NotFound, {},
                          rest.substr(0, rest.size() - old_suffix.size()), "file not found");
        } else if (const std::size_t at = rest.rfind(for_client); at != std::string_view::npos) {
            match = event(TftpEventKind::NotFound, rest.substr(at + for_client.size()),
                          rest.substr(0, at), "file not found");
            if (match.ip.empty())
                return with_status(MatchStatus::Malformed);
        } else {
            return with_status(MatchStatus::Other);
        }
        if (match.file.empty())
            return with_status(MatchStatus::Malformed);
        match.server_path = true;
        return match;
    }
    // dnsmasq.c at start-up: `"TFTP %s%s %s %s"` with "root is " and the root, then
    // "secure mode" and "single port mode" or nothing: the root its paths are below.
    constexpr std::string_view root_is = "TFTP root is ";
    if (starts_with(message, root_is)) {
        std::string_view root = message.substr(root_is.size());
        const auto trim_end = [&] {
            while (!root.empty() && root.back() == ' ')
                root.remove_suffix(1);
        };
        trim_end();
        for (const std::string_view mode : {"single port mode", "secure mode"}) {
            if (ends_with(root, mode)) {
                root.remove_suffix(mode.size());
                trim_end();
            }
        }
        MessageMatch match = with_status(MatchStatus::Other);
        if (!root.empty() && root.front() == '/')
            match.root = root;
        return match;
    }
    constexpr std::string_view cannot = "cannot access ";
    if (starts_with(message, cannot)) {
        const std::string_view rest = message.substr(cannot.size());
        const std::size_t colon = rest.rfind(": ");
        if (colon == std::string_view::npos || colon == 0)
            return with_status(MatchStatus::Malformed);
        MessageMatch match =
            event(TftpEventKind::Refused, {}, rest.substr(0, colon), rest.substr(colon + 2));
        match.server_path = true;
        return match;
    }
    return with_status(MatchStatus::Other);
}

// atftp tftpd.c: `logger(LOG_NOTICE, "Serving %s to %s:%d", filename, address, port)` for
// every read request (the name as the client sent it); tftpd_file.c: `logger(LOG_INFO,
// "File %s not found", filename)`, the name with atftpd's root in front.
MessageMatch match_atftpd(std::string_view message) noexcept {
    constexpr std::string_view serving = "Serving ";
    if (starts_with(message, serving)) {
        std::string_view name;
        std::string_view address;
        if (!split_path_to_ip(message.substr(serving.size()), name, address))
            return with_status(MatchStatus::Malformed);
        const std::size_t colon = address.rfind(':');
        if (colon == std::string_view::npos || colon == 0 || colon + 1 == address.size())
            return with_status(MatchStatus::Malformed);
        for (const char c : address.substr(colon + 1))
            if (c < '0' || c > '9')
                return with_status(MatchStatus::Malformed);
        return event(TftpEventKind::Request, address.substr(0, colon), name);
    }
    constexpr std::string_view file = "File ";
    constexpr std::string_view not_found = " not found";
    if (starts_with(message, file) && ends_with(message, not_found) &&
        message.size() > file.size() + not_found.size()) {
        MessageMatch match =
            event(TftpEventKind::NotFound, {},
                  message.substr(file.size(), message.size() - file.size() - not_found.size()),
                  "File not found");
        match.server_path = true;
        return match;
    }
    return with_status(MatchStatus::Other);
}

namespace {

// Dotted-quad IPv4 as inet_ntop writes it (no leading zeros, each part ≤ 255): already
// canonical, the common case, kept without a round trip through the resolver functions.
bool is_canonical_ipv4(std::string_view text) noexcept {
    int parts = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t end = pos;
        int value = 0;
        while (end < text.size() && text[end] >= '0' && text[end] <= '9' && end - pos < 4)
            value = value * 10 + (text[end++] - '0');
        const std::size_t digits = end - pos;
        if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && text[pos] == '0'))
            return false;
        ++parts;
        if (end == text.size())
            return parts == 4;
        if (text[end] != '.' || parts == 4)
            return false;
        pos = end + 1;
    }
    return false;
}

} // namespace

std::optional<std::string> canonical_ip(std::string_view text) {
    if (is_canonical_ipv4(text))
        return std::string(text);
    char buffer[INET6_ADDRSTRLEN + 16] = {};
    if (const std::size_t zone = text.find('%'); zone != std::string_view::npos)
        text = text.substr(0, zone);
    if (text.empty() || text.size() >= sizeof buffer || text.find('\0') != std::string_view::npos)
        return std::nullopt;
    std::memcpy(buffer, text.data(), text.size());
    char out[INET6_ADDRSTRLEN] = {};
    in_addr v4{};
    if (::inet_pton(AF_INET, buffer, &v4) == 1) {
        if (::inet_ntop(AF_INET, &v4, out, sizeof out) == nullptr)
            return std::nullopt;
        return std::string(out);
    }
    in6_addr v6{};
    if (::inet_pton(AF_INET6, buffer, &v6) != 1)
        return std::nullopt;
    // ::ffff:a.b.c.d (RFC 4291 §2.5.5.2): what a dual-stack server logs for an IPv4 client.
    static constexpr unsigned char mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(v6.s6_addr, mapped_prefix, sizeof mapped_prefix) == 0) {
        std::memcpy(&v4, v6.s6_addr + 12, 4);
        if (::inet_ntop(AF_INET, &v4, out, sizeof out) == nullptr)
            return std::nullopt;
        return std::string(out);
    }
    if (::inet_ntop(AF_INET6, &v6, out, sizeof out) == nullptr)
        return std::nullopt;
    return std::string(out);
}

} // namespace fwplan::rollout
