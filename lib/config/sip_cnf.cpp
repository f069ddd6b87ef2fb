#include "config/sip_cnf.hpp"

#include "detail/text.hpp"

namespace fwplan::detail {

namespace {

bool is_bare(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == ':' || c == '@' || c == '*' || c == '+' || c == '-' || c == '/';
}

// A value as the phone reads it: bare when safe, else in double quotes (a `#` or `;` would
// start a comment, a space would end the value).
std::string value(std::string_view text) {
    bool bare = !text.empty();
    for (char c : text)
        bare = bare && is_bare(c);
    return bare ? std::string(text) : "\"" + std::string(text) + "\"";
}

void line(std::string& out, std::string_view key, std::string_view text) {
    out += key;
    out += ": ";
    out += value(text);
    out += '\n';
}

void line(std::string& out, std::string_view key, unsigned number) {
    out += key;
    out += ": ";
    out += std::to_string(number);
    out += '\n';
}

const SipLine* first_line(const SipSettings& s) {
    return s.lines.empty() ? nullptr : &s.lines[0];
}

// The summer-time lines of SIPDefault.cnf in the "relative" form of the Cisco SIP IP Phone
// 7960 Administrator Guide ("Setting the Date, Time, and Daylight Savings Time"): day 0 means
// "use day of week and week of month"; week 8 is the last week of the month.
void daylight_lines(std::string& out, LegacyDaylight rule, int utc_offset_minutes) {
    if (rule == LegacyDaylight::None) {
        line(out, "dst_auto_adjust", 0U);
        return;
    }
    struct Change {
        const char* month;
        unsigned week;
        unsigned hour; // local time
    };
    Change start{};
    Change stop{};
    if (rule == LegacyDaylight::Europe) {
        // EU directive 2000/84/EC: at 01:00 UTC, on the last Sundays of March and October.
        const int hour = 1 + utc_offset_minutes / 60;
        const auto local = static_cast<unsigned>(((hour % 24) + 24) % 24);
        start = {"Mar", 8, local};
        stop = {"Oct", 8, (local + 1) % 24};
    } else {
        // US Energy Policy Act of 2005, and Canada since 2007: 02:00 local time, second
        // Sunday of March to first Sunday of November.
        start = {"Mar", 2, 2};
        stop = {"Nov", 1, 2};
    }
    auto hour_text = [](unsigned hour) {
        return std::string(hour < 10 ? "0" : "") + std::to_string(hour) + "/00";
    };
    line(out, "dst_offset", 1U);
    line(out, "dst_start_month", start.month);
    line(out, "dst_start_day", 0U);
    line(out, "dst_start_day_of_week", "Sun");
    line(out, "dst_start_week_of_month", start.week);
    line(out, "dst_start_time", hour_text(start.hour));
    line(out, "dst_stop_month", stop.month);
    line(out, "dst_stop_day", 0U);
    line(out, "dst_stop_day_of_week", "Sun");
    line(out, "dst_stop_week_of_month", stop.week);
    line(out, "dst_stop_time", hour_text(stop.hour));
    line(out, "dst_auto_adjust", 1U);
}

} // namespace

Result<void> check_cnf_values(const SipSettings& s) {
    auto check = [](std::string_view field, std::string_view text, bool secret) -> Result<void> {
        if (text.find('"') == std::string_view::npos)
            return {};
        return bad_input("config.bad-setting",
                         std::string(field) + (secret ? "" : " " + quote(text)) +
                             " contains a double quote, which 7940/7960 SIP files cannot carry");
    };
    for (const auto& [field, text] :
         {std::pair<std::string_view, const std::string*>{"phone label", &s.phone_label},
          {"legacy time zone", &s.legacy_time_zone}})
        if (auto ok = check(field, *text, false); !ok)
            return ok;
    for (std::size_t i = 0; i < s.lines.size(); ++i) {
        const SipLine& l = s.lines[i];
        const std::string n = "line " + std::to_string(i + 1);
        for (const auto& [field, text, secret] :
             {std::tuple<std::string, const std::string*, bool>{n + " name", &l.name, false},
              {n + " auth name", &l.auth_name, false},
              {n + " password", &l.auth_password, true},
              {n + " display name", &l.display_name, false},
              {n + " messages number", &l.messages_number, false}})
            if (auto ok = check(field, *text, secret); !ok)
                return ok;
    }
    return {};
}

std::string sip_default_cnf(const LoadId& load, const SipSettings& s) {
    std::string out;
    out += "# SIPDefault.cnf: what every Cisco 7940/7960 running SIP reads first (written by "
           "fwplan).\n";
    out += "# image_version is the load these phones install; the SEP<MAC>.cnf.xml and\n";
    out += "# SIP<MAC>.cnf files of this step name the same load, so a phone never switches "
           "back.\n";
    line(out, "image_version", load.str());
    if (!s.server.empty()) {
        line(out, "proxy1_address", s.server);
        line(out, "proxy1_port", s.port);
    }
    if (!s.ntp_server.empty()) {
        line(out, "sntp_mode", "unicast");
        line(out, "sntp_server", s.ntp_server);
    }
    if (!s.legacy_time_zone.empty()) {
        line(out, "time_zone", s.legacy_time_zone);
        if (s.legacy_daylight)
            daylight_lines(out, *s.legacy_daylight, s.legacy_utc_offset_minutes);
    }
    line(out, "dial_template", "dialplan");
    return out;
}

std::string sip_mac_cnf(const MacAddress& mac, const LoadId& load, const SipSettings& s,
                        std::size_t buttons) {
    std::string out;
    out += "# " + mac.sip_config_file_name() + ": the Cisco 7940/7960 " + mac.to_string() +
           " (written by fwplan).\n";
    out += "# image_version must name the same load as SIPDefault.cnf and " +
           mac.sep_config_file_name() + ".\n";
    line(out, "image_version", load.str());
    if (!s.phone_label.empty())
        line(out, "phone_label", s.phone_label);
    line(out, "proxy_register", s.lines.empty() ? 0U : 1U);
    const std::size_t count = s.lines.size() < buttons ? s.lines.size() : buttons;
    for (std::size_t i = 0; i < count; ++i) {
        const SipLine& l = s.lines[i];
        const std::string n = std::to_string(i + 1);
        const std::string& display = l.display_name.empty() ? l.name : l.display_name;
        if (i > 0 && !s.server.empty()) { // line 1 uses proxy1 from SIPDefault.cnf
            line(out, "proxy" + n + "_address", s.server);
            line(out, "proxy" + n + "_port", s.port);
        }
        line(out, "line" + n + "_name", l.name);
        line(out, "line" + n + "_authname", l.auth_name.empty() ? l.name : l.auth_name);
        line(out, "line" + n + "_password", l.auth_password);
        line(out, "line" + n + "_displayname", display);
        line(out, "line" + n + "_shortname", display);
    }
    if (const SipLine* l = first_line(s); l != nullptr && !l->messages_number.empty())
        line(out, "messages_uri", l->messages_number);
    return out;
}

std::optional<std::string> os79xx_txt(const LoadId& load) {
    const std::string& id = load.str();
    if (id.size() <= 4 || id.compare(0, 4, "P0S3") != 0)
        return std::nullopt;
    return "P003" + id.substr(4) + "\r\n";
}

std::size_t line_buttons(const ModelInfo& model) noexcept {
    return model.number == "7940" ? 2 : 6;
}

std::vector<Diagnostic> lint_cnf(const ModelInfo& model, const SipSettings& s, Protocol protocol) {
    std::vector<Diagnostic> out;
    auto warn = [&](const char* code, std::string message, std::string where) {
        out.push_back(
            warning(std::string("fwplan.config.") + code, std::move(message), std::move(where)));
    };
    if (protocol != Protocol::Sip)
        return out; // the SIP files of an SCCP step only carry image_version to the phone
    if (s.server.empty())
        warn("no-server",
             "no SIP server is set; proxy1_address stays empty and the phone "
             "cannot register",
             "SIPDefault.cnf");
    if (s.lines.empty())
        warn("no-line", "no line is set; the phone installs the firmware but does not register",
             "SIP<MAC>.cnf");
    const std::size_t buttons = line_buttons(model);
    if (s.lines.size() > buttons)
        warn("too-many-lines",
             std::to_string(s.lines.size()) + " lines are set but a " + std::string(model.number) +
                 " has " + std::to_string(buttons) + " line buttons; the rest are left out",
             "SIP<MAC>.cnf");
    for (std::size_t i = 0; i < s.lines.size() && i < buttons; ++i) {
        const SipLine& l = s.lines[i];
        const std::string where = "SIP<MAC>.cnf line" + std::to_string(i + 1);
        if (l.name.empty())
            warn("line-no-name", "line " + std::to_string(i + 1) + " has no name", where);
        if (l.auth_password.empty())
            warn("no-auth",
                 "line " + std::to_string(i + 1) +
                     " has no password; registrars that ask for one refuse it",
                 where);
        if (!l.auth_name.empty() && !l.name.empty() && l.auth_name != l.name)
            warn("auth-name-differs",
                 "line " + std::to_string(i + 1) + " name " + quote(l.name) + " and auth name " +
                     quote(l.auth_name) +
                     " differ; a FritzBox registers a phone only when both are the user name it "
                     "assigned",
                 where);
    }
    if (!s.speed_dials.empty())
        warn("speed-dials-ignored",
             "speed dials are not written for 7940/7960 (their SIP files have no such setting "
             "fwplan knows)",
             "SIP<MAC>.cnf");
    if (s.legacy_time_zone.empty() && !s.time_zone.empty() && s.time_zone != kDefaultTimeZone)
        warn("time-zone-not-for-7960",
             "the time zone " + quote(s.time_zone) +
                 " has no 7940/7960 equivalent fwplan knows (their time_zone: takes CET, GMT, "
                 "EST, CST, MST, PST); SIPDefault.cnf gets none and the phone shows GMT",
             "SIPDefault.cnf");
    if (!s.outbound_proxy.empty())
        warn("outbound-proxy-ignored",
             "the outbound proxy is not written for 7940/7960; the phone talks to the server "
             "directly",
             "SIPDefault.cnf");
    return out;
}

} // namespace fwplan::detail
