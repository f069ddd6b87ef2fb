#include "rollout/log_line.hpp"

#include "rollout/log_messages.hpp"

#include <algorithm>
#include <array>

namespace fwplan::rollout {

namespace {

constexpr std::array<std::pair<LogFormat, std::string_view>, 5> format_names = {{
    {LogFormat::Auto, "auto"},
    {LogFormat::TftpdHpa, "tftpd-hpa"},
    {LogFormat::Dnsmasq, "dnsmasq"},
    {LogFormat::Atftpd, "atftpd"},
    {LogFormat::JournalJson, "journal-json"},
}};

bool accepts(LogFormat format, TftpServer server) noexcept {
    switch (format) {
    case LogFormat::Auto:
    case LogFormat::JournalJson:
        return true;
    case LogFormat::TftpdHpa:
        return server == TftpServer::TftpdHpa;
    case LogFormat::Dnsmasq:
        return server == TftpServer::Dnsmasq;
    case LogFormat::Atftpd:
        return server == TftpServer::Atftpd;
    }
    return false;
}

std::string_view trim_line_end(std::string_view text) noexcept {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.remove_suffix(1);
    return text;
}

// `root` (no trailing '/'; "" for "/") is a whole-component prefix of the absolute `name`.
bool under_root(std::string_view name, std::string_view root) noexcept {
    if (name.substr(0, root.size()) != root)
        return false;
    return name.size() == root.size() || name[root.size()] == '/';
}

std::string_view after_last_slash(std::string_view path) noexcept {
    const std::size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// The server's own path `path` is the file `requested` (relative) below some root.
bool path_is(std::string_view path, std::string_view requested) noexcept {
    if (requested.empty() || path.size() < requested.size())
        return false;
    if (path.substr(path.size() - requested.size()) != requested)
        return false;
    return path.size() == requested.size() || path[path.size() - requested.size() - 1] == '/';
}

} // namespace

std::string_view to_string(LogFormat format) noexcept {
    for (const auto& [value, name] : format_names)
        if (value == format)
            return name;
    return "auto";
}

Result<LogFormat> parse_log_format(std::string_view name) {
    for (const auto& [value, known] : format_names)
        if (known == name)
            return value;
    Error error;
    error.kind = ErrorKind::Usage;
    error.code = "fwplan.rollout.log-format";
    error.message = "unknown log format '" + std::string(name.substr(0, 64)) + "'";
    error.hint = "use one of: auto, tftpd-hpa, dnsmasq, atftpd, journal-json";
    return error;
}

std::string_view to_string(TftpEventKind kind) noexcept {
    switch (kind) {
    case TftpEventKind::Request:
        return "request";
    case TftpEventKind::Completed:
        return "completed";
    case TftpEventKind::NotFound:
        return "not-found";
    case TftpEventKind::Refused:
        return "refused";
    case TftpEventKind::Failed:
        return "failed";
    }
    return "request";
}

LogParser::LogParser(LogFormat format, ParserOptions options)
    : format_(format), clock_(options.year) {
    for (std::string& root : options.server_roots) {
        if (root.empty() || root.front() != '/')
            continue; // a server logs absolute paths; a relative root cannot be one of them
        while (!root.empty() && root.back() == '/')
            root.pop_back();
        roots_.push_back(std::move(root));
    }
    std::sort(roots_.begin(), roots_.end(), [](const std::string& a, const std::string& b) {
        return a.size() != b.size() ? a.size() > b.size() : a < b;
    });
    roots_.erase(std::unique(roots_.begin(), roots_.end()), roots_.end());
}

std::optional<TftpEvent> LogParser::parse(std::string_view line) noexcept {
    ++counters_.lines;
    try {
        std::optional<TftpEvent> event = parse_line(line);
        if (event)
            ++counters_.events;
        return event;
    } catch (...) {
        // Only allocation can fail in there; the line is lost, the parser goes on.
        ++counters_.malformed;
        return std::nullopt;
    }
}

std::optional<TftpEvent> LogParser::parse_line(std::string_view line) {
    line_time_.reset();
    line = trim_line_end(line);
    if (line.size() > max_line_bytes) {
        ++counters_.too_long;
        return std::nullopt;
    }
    Envelope envelope;
    bool known = false;
    if (!line.empty() && line.front() == '{')
        known = parse_journal_json(line, journal_, envelope);
    else if (format_ != LogFormat::JournalJson)
        known = parse_text_envelope(line, envelope);
    if (!known) {
        ++counters_.unrecognised;
        return std::nullopt;
    }
    if (envelope.clock == Envelope::Clock::Classic) {
        // Every classic line moves the clock, whoever wrote it: the year must turn on the
        // New Year lines of other programs too.
        envelope.time_us += clock_.to_unix_seconds(envelope.classic) * 1'000'000;
        envelope.clock = Envelope::Clock::Absolute;
    }
    line_time_ = envelope.time_us;
    return interpret(envelope);
}

std::optional<TftpEvent> LogParser::interpret(const Envelope& envelope) {
    const std::optional<TftpServer> server = server_of(envelope.program);
    if (!server || !accepts(format_, *server)) {
        ++counters_.other_programs;
        return std::nullopt;
    }
    std::string_view message = trim_line_end(envelope.message);
    MessageMatch match;
    switch (*server) {
    case TftpServer::TftpdHpa:
        // tftpd-hpa's request format ends in "\n"; rsyslog drops it, or with
        // $DropTrailingLFOnReception off writes it as its control-character escape #012.
        if (message.size() >= 4 && message.substr(message.size() - 4) == "#012")
            message.remove_suffix(4);
        match = match_tftpd_hpa(message);
        break;
    case TftpServer::Dnsmasq:
        match = match_dnsmasq(message);
        break;
    case TftpServer::Atftpd:
        match = match_atftpd(message);
        break;
    }
    if (match.status == MessageMatch::Status::Other) {
        if (!match.root.empty())
            learn_root(envelope.host, match.root);
        ++counters_.other_messages;
        return std::nullopt;
    }
    if (match.status == MessageMatch::Status::Malformed) {
        ++counters_.malformed;
        return std::nullopt;
    }

    TftpEvent event;
    event.time_us = envelope.time_us;
    event.kind = match.kind;
    if (!match.ip.empty()) {
        std::optional<std::string> ip = canonical_ip(match.ip);
        if (!ip) {
            ++counters_.malformed;
            return std::nullopt;
        }
        event.ip = std::move(*ip);
    }
    if (match.is_nak) {
        // The NAK names no file: the transfer's own process asked for it (tftpd-hpa forks
        // per request, so the pid is the transfer's), else the client's last request.
        if (const RememberedRequest* request = recall(envelope.host, envelope.pid, event.ip)) {
            event.file = request->file;
            event.remapped = request->remapped;
        }
    } else {
        event.file = relative_name(match.file, match.server_path,
                                   *server == TftpServer::Dnsmasq ? learned_root(envelope.host)
                                                                  : std::string_view());
        if (event.file.empty()) {
            ++counters_.malformed;
            return std::nullopt;
        }
        if (!match.remapped.empty())
            event.remapped = relative_name(match.remapped, false);
        if (match.names_outcome) {
            // `Client IP finished NAME` may name the file before or after remapping
            // (sccp_manager #79 vs PhantomVl/sccp_manager #46): report what was asked for.
            const RememberedRequest* request = recall(envelope.host, envelope.pid, event.ip);
            if (request != nullptr &&
                (event.file == request->file || event.file == request->remapped)) {
                event.file = request->file;
                event.remapped = request->remapped;
            }
        }
        if (*server == TftpServer::Atftpd && event.kind == TftpEventKind::NotFound) {
            // `File PATH not found` names no client: the request of the same thread (its
            // own log file writes pid.thread), else the last request for that name.
            using Key = RequestMemory::Key;
            const std::string_view path = match.file;
            const RememberedRequest* request = nullptr;
            if (!envelope.pid.empty())
                request =
                    requests_.find(Key::Pid, RequestMemory::key_of(envelope.host, envelope.pid));
            if (request == nullptr || !path_is(path, request->file))
                request = requests_.find(
                    Key::Name, RequestMemory::key_of(envelope.host, after_last_slash(path)));
            if (request != nullptr && path_is(path, request->file)) {
                event.ip = request->ip;
                event.file = request->file;
            }
        }
    }
    event.host = envelope.host;
    event.program = envelope.program;
    event.detail = match.detail;
    if (event.kind == TftpEventKind::Request)
        remember(event, envelope.pid, *server == TftpServer::Atftpd);
    return event;
}

void LogParser::remember(const TftpEvent& request, std::string_view pid, bool by_name) {
    constexpr std::size_t longest_host = 255; // RFC 1035 §2.3.4 names fit, with room
    if (request.file.size() > remembered_name_bytes ||
        request.remapped.size() > remembered_name_bytes || request.host.size() > longest_host)
        return;
    RememberedRequest& slot = requests_.store();
    slot.ip.assign(request.ip); // assign: the ring's strings keep their capacity
    slot.file.assign(request.file);
    slot.remapped.assign(request.remapped);
    using Key = RequestMemory::Key;
    if (!pid.empty())
        requests_.index(Key::Pid, RequestMemory::key_of(request.host, pid));
    requests_.index(Key::Ip, RequestMemory::key_of(request.host, request.ip));
    if (by_name)
        requests_.index(Key::Name,
                        RequestMemory::key_of(request.host, after_last_slash(request.file)));
}

const RememberedRequest* LogParser::recall(std::string_view host, std::string_view pid,
                                           std::string_view ip) {
    using Key = RequestMemory::Key;
    if (!pid.empty()) {
        const RememberedRequest* request =
            requests_.find(Key::Pid, RequestMemory::key_of(host, pid));
        if (request != nullptr && request->ip == ip)
            return request;
    }
    return requests_.find(Key::Ip, RequestMemory::key_of(host, ip));
}

void LogParser::learn_root(std::string_view host, std::string_view root) {
    while (root.size() > 1 && root.back() == '/')
        root.remove_suffix(1);
    if (host.size() > 255 || root.size() > remembered_name_bytes)
        return;
    for (auto& [known_host, known_root] : learned_roots_) {
        if (known_host == host) {
            known_root.assign(root);
            return;
        }
    }
    if (learned_roots_.size() >= max_learned_roots)
        learned_roots_.erase(learned_roots_.begin());
    learned_roots_.emplace_back(std::string(host), std::string(root));
}

std::string_view LogParser::learned_root(std::string_view host) const noexcept {
    for (const auto& [known_host, known_root] : learned_roots_)
        if (known_host == host)
            return known_root;
    return {};
}

std::string LogParser::relative_name(std::string_view name, bool cut_unknown,
                                     std::string_view learned) const {
    if (!name.empty() && name.front() == '/') {
        bool under_a_root = false;
        // A learnt root is "/" at least (never empty), so "" means none was learnt.
        if (!learned.empty()) {
            const std::string_view root = learned == "/" ? std::string_view() : learned;
            if (under_root(name, root)) {
                name = name.substr(root.size());
                under_a_root = true;
            }
        }
        for (auto root = roots_.begin(); !under_a_root && root != roots_.end(); ++root) {
            if (under_root(name, *root)) {
                name = name.substr(root->size());
                under_a_root = true;
            }
        }
        // A server path below a root we were not told of: its last part is the best guess
        // (the phones ask for plain names; the folders in front are the server's).
        if (!under_a_root && cut_unknown)
            name = after_last_slash(name);
    }
    for (;;) {
        if (!name.empty() && name.front() == '/')
            name.remove_prefix(1);
        else if (name.substr(0, 2) == "./")
            name.remove_prefix(2);
        else
            break;
    }
    return std::string(name);
}

} // namespace fwplan::rollout
