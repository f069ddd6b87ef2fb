#include "rollout/log_envelope.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cstddef>
#include <limits>

namespace fwplan::rollout {

namespace {

bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

// Exactly `count` decimal digits at `pos`.
bool read_digits(std::string_view text, std::size_t pos, std::size_t count, int& value) noexcept {
    if (pos + count > text.size())
        return false;
    int result = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const char c = text[pos + i];
        if (!is_digit(c))
            return false;
        result = result * 10 + (c - '0');
    }
    value = result;
    return true;
}

int month_number(std::string_view name) noexcept {
    static constexpr std::array<std::string_view, 12> months = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (std::size_t i = 0; i < months.size(); ++i)
        if (months[i] == name)
            return static_cast<int>(i) + 1;
    return 0;
}

// `hh:mm:ss` at `pos`.
bool read_clock(std::string_view text, std::size_t pos, int& hour, int& minute,
                int& second) noexcept {
    if (!read_digits(text, pos, 2, hour) || pos + 8 > text.size() || text[pos + 2] != ':' ||
        !read_digits(text, pos + 3, 2, minute) || text[pos + 5] != ':' ||
        !read_digits(text, pos + 6, 2, second))
        return false;
    // 60: a leap second, which RFC 3339 allows.
    return hour <= 23 && minute <= 59 && second <= 60;
}

// A syslog tag as a whole token: `prog[pid]:` or `prog:` (RFC 3164 §4.1.3; the pid may be
// atftpd's `pid.thread`). No ':' inside the program, so an IPv6 host name is not a tag.
bool read_tag(std::string_view token, Envelope& out) noexcept {
    if (token.size() < 2 || token.back() != ':')
        return false;
    std::string_view body = token.substr(0, token.size() - 1);
    std::string_view pid;
    if (body.back() == ']') {
        const std::size_t open = body.find('[');
        if (open == std::string_view::npos || open == 0)
            return false;
        pid = body.substr(open + 1, body.size() - open - 2);
        body = body.substr(0, open);
        if (pid.empty())
            return false;
        for (const char c : pid)
            if (!is_digit(c) && c != '.')
                return false;
    }
    if (body.empty() || body.find_first_of(":[]") != std::string_view::npos)
        return false;
    out.program = body;
    out.pid = pid;
    return true;
}

// `host prog[pid]: msg` or `prog[pid]: msg`, after the timestamp and its blank.
bool read_host_tag_message(std::string_view rest, Envelope& out) noexcept {
    const auto next_token = [](std::string_view text, std::string_view& token,
                               std::string_view& after) {
        const std::size_t blank = text.find(' ');
        token = text.substr(0, blank);
        after = blank == std::string_view::npos ? std::string_view() : text.substr(blank + 1);
    };
    std::string_view first;
    std::string_view after_first;
    next_token(rest, first, after_first);
    if (first.empty())
        return false;
    if (read_tag(first, out)) {
        out.host = {};
        out.message = after_first;
        return true;
    }
    std::string_view second;
    std::string_view after_second;
    next_token(after_first, second, after_second);
    if (!read_tag(second, out))
        return false;
    out.host = first;
    out.message = after_second;
    return true;
}

// `.digits` at `pos`, if there: the fraction of a second, cut to microseconds. Moves `pos`
// past it; false when a '.' has no digits or more than 9 (nanoseconds are the finest).
bool read_fraction(std::string_view line, std::size_t& pos, std::int64_t& micros) noexcept {
    micros = 0;
    if (pos >= line.size() || line[pos] != '.')
        return true;
    ++pos;
    std::size_t digits = 0;
    while (pos < line.size() && is_digit(line[pos])) {
        if (digits < 6)
            micros = micros * 10 + (line[pos] - '0');
        ++digits;
        ++pos;
    }
    for (std::size_t i = digits; i < 6; ++i)
        micros *= 10;
    return digits > 0 && digits <= 9;
}

// `Mmm dd hh:mm:ss[.frac] ` — the day space-padded (`Apr  3`, as syslog writes it),
// zero-padded (`Apr 03`: atftpd's strftime("%b %d"), journalctl -o short) or bare
// (`Apr 3`); the fraction as journalctl -o short-precise writes it.
bool read_classic(std::string_view line, Envelope& out) noexcept {
    if (line.size() < 15 || line[3] != ' ')
        return false;
    const int month = month_number(line.substr(0, 3));
    if (month == 0)
        return false;
    std::size_t pos = 4;
    int day = 0;
    if (line[pos] == ' ' && read_digits(line, pos + 1, 1, day))
        pos += 2;
    else if (read_digits(line, pos, 2, day))
        pos += 2;
    else if (read_digits(line, pos, 1, day))
        pos += 1;
    else
        return false;
    if (day < 1 || day > 31 || pos >= line.size() || line[pos] != ' ')
        return false;
    ClassicTime time;
    time.month = month;
    time.day = day;
    if (!read_clock(line, pos + 1, time.hour, time.minute, time.second))
        return false;
    pos += 9;
    std::int64_t micros = 0;
    if (!read_fraction(line, pos, micros) || pos >= line.size() || line[pos] != ' ')
        return false;
    out.clock = Envelope::Clock::Classic;
    out.classic = time;
    out.time_us = micros; // the fraction; the clock adds the seconds
    return read_host_tag_message(line.substr(pos + 1), out);
}

// `YYYY-MM-DDThh:mm:ss[.frac](Z|±hh:mm|±hhmm|±hh) ` (RFC 3339 §5.6; journalctl's
// short-iso writes the offset without the colon).
bool read_rfc3339(std::string_view line, Envelope& out) noexcept {
    int year = 0;
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    if (!read_digits(line, 0, 4, year) || line.size() < 20 || line[4] != '-' ||
        !read_digits(line, 5, 2, month) || line[7] != '-' || !read_digits(line, 8, 2, day) ||
        (line[10] != 'T' && line[10] != 't') || !read_clock(line, 11, hour, minute, second))
        return false;
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month))
        return false;
    std::size_t pos = 19;
    std::int64_t micros = 0;
    if (!read_fraction(line, pos, micros) || pos >= line.size())
        return false;
    std::int64_t offset_seconds = 0;
    if (line[pos] == 'Z' || line[pos] == 'z') {
        ++pos;
    } else if (line[pos] == '+' || line[pos] == '-') {
        const bool east = line[pos] == '+';
        int offset_hours = 0;
        int offset_minutes = 0;
        if (!read_digits(line, pos + 1, 2, offset_hours))
            return false;
        pos += 3;
        if (pos < line.size() && line[pos] == ':') {
            if (!read_digits(line, pos + 1, 2, offset_minutes))
                return false;
            pos += 3;
        } else if (read_digits(line, pos, 2, offset_minutes)) {
            pos += 2;
        }
        if (offset_hours > 23 || offset_minutes > 59)
            return false;
        offset_seconds = (offset_hours * 60 + offset_minutes) * 60;
        if (!east)
            offset_seconds = -offset_seconds;
    } else {
        return false;
    }
    if (pos >= line.size() || line[pos] != ' ')
        return false;
    const std::int64_t local =
        days_from_civil(year, month, day) * 86400 + (hour * 60 + minute) * 60 + second;
    out.clock = Envelope::Clock::Absolute;
    out.time_us = (local - offset_seconds) * 1'000'000 + micros;
    return read_host_tag_message(line.substr(pos + 1), out);
}

// ---------------------------------------------------------------------------------------
// journalctl -o json

enum class Field { Other, Message, Realtime, Hostname, Identifier, Comm, SyslogPid, Pid };

Field field_named(std::string_view key) noexcept {
    // systemd.journal-fields(7)
    if (key == "MESSAGE")
        return Field::Message;
    if (key == "__REALTIME_TIMESTAMP")
        return Field::Realtime;
    if (key == "_HOSTNAME")
        return Field::Hostname;
    if (key == "SYSLOG_IDENTIFIER")
        return Field::Identifier;
    if (key == "_COMM")
        return Field::Comm;
    if (key == "SYSLOG_PID")
        return Field::SyslogPid;
    if (key == "_PID")
        return Field::Pid;
    return Field::Other;
}

// Collects the wanted top-level fields without building a document. journalctl writes a
// field that is not valid UTF-8 as an array of byte values (journalctl(1), "json"), and
// one too large to show as null.
class JournalSax {
public:
    using json = nlohmann::json;
    static constexpr int max_depth = 16; // a record nests two deep; deeper is not one

    explicit JournalSax(JournalRecord& record) : record_(record) {}

    bool null() { return scalar_not_string(); }
    bool boolean(bool /*value*/) { return scalar_not_string(); }
    bool number_integer(json::number_integer_t /*value*/) { return scalar_not_string(); }
    bool number_unsigned(json::number_unsigned_t value) {
        if (in_message_bytes()) {
            if (value > 255)
                record_.message_ok = false;
            else
                record_.message.push_back(static_cast<char>(static_cast<unsigned char>(value)));
            return true;
        }
        return scalar_not_string();
    }
    bool number_float(json::number_float_t /*value*/, const json::string_t& /*text*/) {
        return scalar_not_string();
    }
    bool string(json::string_t& value) {
        if (in_message_bytes()) {
            record_.message_ok = false;
            return true;
        }
        if (depth_ != 1)
            return true;
        if (std::string* target = target_of(field_)) {
            *target = value;
            if (field_ == Field::Message)
                record_.message_ok = true;
        }
        return true;
    }
    bool binary(json::binary_t& /*value*/) { return scalar_not_string(); }
    bool start_object(std::size_t /*elements*/) {
        if (in_message_bytes())
            record_.message_ok = false;
        if (depth_ == 0)
            top_is_object_ = true;
        return ++depth_ <= max_depth;
    }
    bool end_object() {
        --depth_;
        return true;
    }
    bool start_array(std::size_t /*elements*/) {
        if (depth_ == 0)
            return false; // a record is an object
        if (in_message_bytes())
            record_.message_ok = false;
        if (depth_ == 1 && field_ == Field::Message) {
            message_array_ = true;
            record_.message.clear();
            record_.message_ok = true;
        }
        return ++depth_ <= max_depth;
    }
    bool end_array() {
        --depth_;
        if (depth_ == 1)
            message_array_ = false;
        return true;
    }
    bool key(json::string_t& name) {
        if (depth_ == 1)
            field_ = field_named(name);
        return true;
    }
    bool parse_error(std::size_t /*position*/, const std::string& /*token*/,
                     const nlohmann::detail::exception& /*error*/) {
        return false;
    }

    [[nodiscard]] bool top_is_object() const noexcept { return top_is_object_; }

private:
    [[nodiscard]] bool in_message_bytes() const noexcept { return message_array_ && depth_ == 2; }
    bool scalar_not_string() {
        if (in_message_bytes())
            record_.message_ok = false;
        else if (depth_ == 1 && field_ == Field::Message)
            record_.message_ok = false; // null: too large for journalctl to show
        return true;
    }
    std::string* target_of(Field field) noexcept {
        switch (field) {
        case Field::Message:
            return &record_.message;
        case Field::Realtime:
            return &record_.realtime;
        case Field::Hostname:
            return &record_.hostname;
        case Field::Identifier:
            return &record_.identifier;
        case Field::Comm:
            return &record_.comm;
        case Field::SyslogPid:
            return &record_.syslog_pid;
        case Field::Pid:
            return &record_.pid;
        case Field::Other:
            break;
        }
        return nullptr;
    }

    JournalRecord& record_;
    int depth_ = 0;
    Field field_ = Field::Other;
    bool message_array_ = false;
    bool top_is_object_ = false;
};

bool read_microseconds(std::string_view text, std::int64_t& out) noexcept {
    if (text.empty() || text.size() > 19)
        return false;
    std::int64_t value = 0;
    for (const char c : text) {
        if (!is_digit(c))
            return false;
        const int digit = c - '0';
        if (value > (std::numeric_limits<std::int64_t>::max() - digit) / 10)
            return false;
        value = value * 10 + digit;
    }
    out = value;
    return true;
}

} // namespace

bool parse_text_envelope(std::string_view line, Envelope& out) noexcept {
    if (line.empty())
        return false;
    if (is_digit(line[0]))
        return read_rfc3339(line, out);
    return read_classic(line, out);
}

void JournalRecord::clear() noexcept {
    message.clear();
    realtime.clear();
    hostname.clear();
    identifier.clear();
    comm.clear();
    syslog_pid.clear();
    pid.clear();
    message_ok = false;
}

bool parse_journal_json(std::string_view line, JournalRecord& record, Envelope& out) {
    record.clear();
    JournalSax sax(record);
    const bool parsed = nlohmann::json::sax_parse(line.data(), line.data() + line.size(), &sax);
    if (!parsed || !sax.top_is_object())
        return false;
    std::int64_t micros = 0;
    if (!read_microseconds(record.realtime, micros))
        return false;
    if (!record.message_ok)
        record.message.clear();
    out.clock = Envelope::Clock::Absolute;
    out.time_us = micros;
    out.host = record.hostname;
    out.program = record.identifier.empty() ? record.comm : record.identifier;
    out.pid = record.syslog_pid.empty() ? record.pid : record.syslog_pid;
    out.message = record.message;
    return true;
}

} // namespace fwplan::rollout
