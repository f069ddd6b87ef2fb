// fwplan rollout start|follow|status|advance|hold|retry|abort: the options become library
// calls (rollout.hpp); this file prints what they did, and keeps follow's live view.

#include "commands.hpp"
#include "common.hpp"

#include <fwplan/json.hpp>
#include <fwplan/rollout.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <iomanip>
#include <ostream>
#include <sstream>

namespace fwplan::cli {

namespace {

using namespace fwplan::rollout;

std::atomic<bool> g_stop{false};

extern "C" void on_stop_signal(int) {
    g_stop.store(true);
}

// SIGINT and SIGTERM end `follow` cleanly: the follower stops at the next line with its
// state consistent (committed), and the command exits 0.
class StopOnSignals {
public:
    StopOnSignals() {
        struct sigaction action {};
        action.sa_handler = on_stop_signal;
        sigemptyset(&action.sa_mask);
        ::sigaction(SIGINT, &action, &old_int_);
        ::sigaction(SIGTERM, &action, &old_term_);
    }
    ~StopOnSignals() {
        ::sigaction(SIGINT, &old_int_, nullptr);
        ::sigaction(SIGTERM, &old_term_, nullptr);
    }
    StopOnSignals(const StopOnSignals&) = delete;
    StopOnSignals& operator=(const StopOnSignals&) = delete;

private:
    struct sigaction old_int_ {};
    struct sigaction old_term_ {};
};

Location location_of(const RolloutOptions& o) {
    return Location{o.tftp_root, o.state};
}

std::string counts_text(const std::map<PhoneState, std::size_t>& counts) {
    std::string out;
    std::size_t total = 0;
    for (const auto& [state, n] : counts) {
        out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + std::string(to_string(state));
        total += n;
    }
    return std::to_string(total) + (total == 1 ? " phone: " : " phones: ") + out;
}

std::string time_text(std::int64_t time_us) {
    const std::string full = json::log_time_text(time_us);
    return full.empty() ? "-" : full.substr(0, 19) + "Z";
}

std::string pad(std::string text, std::size_t width) {
    if (text.size() < width)
        text.append(width - text.size(), ' ');
    return text;
}

std::string state_text(PhoneState state, Console& c) {
    const std::string name(to_string(state));
    switch (state) {
    case PhoneState::Done:
        return c.green(pad(name, 11));
    case PhoneState::Refused:
    case PhoneState::Failed:
        return c.red(pad(name, 11));
    case PhoneState::NeedsReset:
    case PhoneState::Stuck:
        return c.yellow(pad(name, 11));
    default:
        return pad(name, 11);
    }
}

std::string event_line(const Event& e) {
    std::string line = time_text(e.time_us) + "  " + e.mac.to_string() + "  " + e.model + "  ";
    if (e.from != e.to || e.step_from != e.step)
        line += std::string(to_string(e.from)) + " -> " + std::string(to_string(e.to));
    else
        line += std::string(to_string(e.to));
    line += "  step " + std::to_string(e.step) + "/" + std::to_string(e.steps) + ": " + e.reason;
    // A reason can name a file a TFTP client asked for: anyone on the network chooses it.
    return terminal_safe(line);
}

// ---- start ----------------------------------------------------------------------------

int run_start(const RolloutOptions& o, Console& console) {
    auto fail = [&](const Error& error) { return console.fail_also_as_json(error); };
    if (o.start.mac.empty() == o.start.fleet.empty()) {
        Error error =
            bad_input("cli.usage", "give either --mac (with --model and --from) or --fleet");
        error.kind = ErrorKind::Usage;
        return fail(error);
    }
    auto catalog = load_catalog(console);
    if (!catalog)
        return fail(catalog.error());
    auto available = find_firmware(o.start.plan.firmware, console);
    if (!available)
        return fail(available.error());
    const int firmware_exit = report_unreadable(*available, console);
    auto config = emit_options(o.start);
    if (!config)
        return fail(config.error());
    auto inventory = o.start.fleet.empty() ? single_phone(o.start) : read_inventory(o.start.fleet);
    if (!inventory)
        return fail(inventory.error());
    const Planner planner(*catalog, std::move(available->loads));
    StartOptions options;
    options.config = std::move(*config);
    options.wave = o.wave;
    auto report = start(planner, *inventory, location_of(o), options);
    if (!report)
        return fail(report.error());
    if (console.globals.json)
        console.out() << json::rollout_start(*report);

    std::ostream& out = console.out();
    if (!report->missing.empty()) {
        if (!console.globals.json) {
            out << console.bold("The TFTP root lacks firmware") << " some steps need:\n";
            for (const MissingFirmware& m : report->missing) {
                out << "  " << m.load.str() << " (" << m.phones.size()
                    << (m.phones.size() == 1 ? " phone" : " phones") << "): stage "
                    << (m.package.empty() ? std::string("its package") : terminal_safe(m.package))
                    << '\n';
                for (const std::string& file : m.files)
                    out << "      " << console.dim("lacking " + terminal_safe(file)) << '\n';
            }
        }
        Error error = not_possible(
            "rollout.missing-firmware",
            "the TFTP root lacks the firmware of " + std::to_string(report->missing.size()) +
                (report->missing.size() == 1 ? " step" : " steps") + "; nothing was written");
        return console.fail(error.with_hint("stage the packages named above with 'fwplan stage "
                                            "--tftp-root " +
                                            o.tftp_root + " PACKAGE...', then start again"));
    }
    if (!report->conflicts.empty()) {
        Error error = report->written.conflict_error();
        error.code = "fwplan.rollout.conflict";
        error.hint = "the root holds other configs of these phones: give --force to replace them "
                     "(the old ones are kept: fwplan stage --undo takes them back)";
        return console.fail(error);
    }
    if (report->phones.empty()) {
        Error error = not_possible("rollout.no-phones", "no phone has a step to take");
        return console.fail(error.with_hint(report->failed.empty()
                                                ? "every phone runs its target already"
                                                : "fix the rows listed, then start again"));
    }
    if (!console.globals.json && !console.globals.quiet) {
        out << console.bold("Started a rollout of " + std::to_string(report->phones.size()) +
                            (report->phones.size() == 1 ? " phone" : " phones"))
            << " in " << terminal_safe(o.tftp_root) << " (state "
            << terminal_safe(report->state.string()) << ")\n";
        for (const StartedPhone& p : report->phones) {
            std::string chain;
            for (const LoadId& load : p.loads)
                chain += " -> " + load.str();
            out << "  " << p.mac.to_string() << "  " << pad(p.model, 6) << p.from.str() << chain
                << (p.queued ? console.dim("  (waits for a wave slot)") : "") << '\n';
        }
        for (const RowError& row : report->failed)
            out << "  " << console.red(row.line > 0 ? "line " + std::to_string(row.line) : row.mac)
                << ": " << terminal_safe(row.error.message) << " [" << row.error.code << "]\n";
        if (console.globals.verbose > 0)
            for (const Diagnostic& note : report->notes)
                out << "  - " << terminal_safe(note.message) << '\n';
        out << "\nNext: fwplan rollout follow --tftp-root " << terminal_safe(o.tftp_root)
            << (o.state.empty() ? "" : " --state " + terminal_safe(o.state))
            << " --log /var/log/syslog --kick '...'   (docs/rollout.md)\n";
    }
    return std::max(firmware_exit, report->failed.empty() ? 0 : 1);
}

// ---- follow ---------------------------------------------------------------------------

// The live view: counts per state and the phones that need a person, redrawn in place.
class LiveView {
public:
    LiveView(Console& console, Location where) : console_(console), where_(std::move(where)) {}
    ~LiveView() { clear(); }
    LiveView(const LiveView&) = delete;
    LiveView& operator=(const LiveView&) = delete;

    void draw(const std::map<PhoneState, std::size_t>& counts, bool force = false) {
        const auto now = std::chrono::steady_clock::now();
        if (!force && now - last_ < std::chrono::milliseconds(500))
            return;
        last_ = now;
        std::ostringstream text;
        text << console_.bold("fwplan rollout follow") << "  " << counts_text(counts) << "\n";
        std::size_t shown = 0;
        if (auto status = rollout::status(where_))
            for (const PhoneRow& p : status->phones) {
                if (p.state != PhoneState::NeedsReset && p.state != PhoneState::Refused &&
                    p.state != PhoneState::Failed && p.state != PhoneState::Stuck)
                    continue;
                if (++shown > 10)
                    break;
                text << "  " << p.mac.to_string() << "  " << state_text(p.state, console_) << " "
                     << terminal_safe(p.next_action) << "\n";
            }
        if (shown > 10)
            text << "  ... and more: fwplan rollout status\n";
        clear();
        const std::string drawn = text.str();
        console_.err() << drawn << std::flush;
        lines_ = static_cast<std::size_t>(std::count(drawn.begin(), drawn.end(), '\n'));
    }

    void clear() {
        for (std::size_t i = 0; i < lines_; ++i)
            console_.err() << "\x1b[1A\x1b[2K";
        console_.err() << std::flush;
        lines_ = 0;
    }

private:
    Console& console_;
    Location where_;
    std::size_t lines_ = 0;
    std::chrono::steady_clock::time_point last_{};
};

int run_follow(const RolloutOptions& o, Console& console) {
    auto fail = [&](const Error& error) { return console.fail_also_as_json(error); };
    FollowOptions options;
    options.log = o.log;
    auto format = parse_log_format(o.format);
    if (!format)
        return fail(format.error());
    options.format = *format;
    auto advance = parse_advance(o.advance);
    if (!advance)
        return fail(advance.error());
    options.advance = *advance;
    options.once = o.once;
    options.kick = o.kick;
    options.kick_timeout = std::chrono::seconds(o.kick_timeout);
    options.settle_after = std::chrono::seconds(o.settle_after);
    options.refuse_after = o.refuse_after;
    options.stuck_after = std::chrono::seconds(o.stuck_after);
    options.confirm_http = o.confirm == "http";
    options.server_roots = o.server_roots;
    options.year = o.year;
    options.stop = &g_stop;

    // On a terminal a live view; piped, with --json or -q plain lines only.
    const bool live = console.progress_allowed();
    LiveView view(console, location_of(o));
    options.on_event = [&](const Event& e) {
        if (console.globals.json) {
            console.out() << json::rollout_event(e) << std::flush;
            return;
        }
        if (console.globals.quiet)
            return;
        if (live)
            view.clear();
        console.out() << event_line(e) << '\n' << std::flush;
    };
    if (live)
        options.on_progress = [&](const std::map<PhoneState, std::size_t>& counts) {
            view.draw(counts);
        };
    StopOnSignals signals;
    auto report = follow(location_of(o), options);
    view.clear();
    if (!report)
        return fail(report.error());
    if (!console.globals.json && !console.globals.quiet) {
        if (!report->start_note.empty())
            console.info(report->start_note);
        console.err() << "fwplan: " << report->lines << " log lines, " << report->events
                      << " TFTP events, " << report->transitions
                      << (report->transitions == 1 ? " transition, " : " transitions, ")
                      << report->kicks << (report->kicks == 1 ? " kick; " : " kicks; ")
                      << counts_text(report->counts)
                      << (report->finished  ? " (every phone is through)"
                          : report->stopped ? " (stopped)"
                                            : "")
                      << '\n';
    }
    return 0;
}

// ---- status, overrides ----------------------------------------------------------------

int run_status(const RolloutOptions& o, Console& console) {
    auto fail = [&](const Error& error) { return console.fail_also_as_json(error); };
    std::optional<MacAddress> mac;
    if (!o.mac.empty()) {
        auto parsed = MacAddress::parse(o.mac);
        if (!parsed)
            return fail(parsed.error());
        mac = *parsed;
    }
    auto status = rollout::status(location_of(o), mac);
    if (!status)
        return fail(status.error());
    if (console.globals.json) {
        console.out() << json::rollout_status(*status);
        return 0;
    }
    std::ostream& out = console.out();
    out << console.bold("Rollout in " + terminal_safe(status->tftp_root.string()))
        << (status->aborted ? console.red(" (aborted)") : "") << "  " << counts_text(status->counts)
        << "\n";
    out << console.dim(pad("MAC", 19) + pad("model", 7) + pad("IP", 16) + pad("step", 6) +
                       pad("load", 20) + pad("state", 12) + pad("since", 22) + "next")
        << '\n';
    for (const PhoneRow& p : status->phones) {
        if (mac && p.mac != *mac)
            continue;
        out << pad(p.mac.to_string(), 19) << pad(p.model, 7)
            << pad(p.ip.empty() ? "-" : terminal_safe(p.ip), 16)
            << pad(std::to_string(p.step) + "/" + std::to_string(p.steps), 6)
            << pad(terminal_safe(p.load), 20) << state_text(p.state, console) << " "
            << pad(time_text(p.since_us), 22) << terminal_safe(p.next_action) << '\n';
    }
    if (mac) {
        for (const PhoneRow& p : status->phones)
            if (p.mac == *mac)
                out << "\n" << console.bold("Reason") << ": " << terminal_safe(p.reason) << "\n";
        out << '\n' << console.bold("Timeline") << '\n';
        for (const Event& e : status->timeline)
            out << "  " << event_line(e) << (e.origin == "log" ? "" : "  [" + e.origin + "]")
                << '\n';
    }
    return 0;
}

int run_override(const RolloutOptions& o, Console& console) {
    auto fail = [&](const Error& error) { return console.fail_also_as_json(error); };
    Override what = Override::Abort;
    if (o.action == "advance")
        what = Override::Advance;
    else if (o.action == "hold")
        what = Override::Hold;
    else if (o.action == "retry")
        what = Override::Retry;
    std::optional<MacAddress> mac;
    if (what != Override::Abort) {
        auto parsed = MacAddress::parse(o.mac);
        if (!parsed)
            return fail(parsed.error());
        mac = *parsed;
    }
    auto events = override_phone(location_of(o), what, mac);
    if (!events)
        return fail(events.error());
    for (const Event& e : *events) {
        if (console.globals.json)
            console.out() << json::rollout_event(e);
        else if (!console.globals.quiet)
            console.out() << event_line(e) << '\n';
    }
    return 0;
}

} // namespace

int run_rollout(const RolloutOptions& options, Console& console) {
    if (options.action == "start")
        return run_start(options, console);
    if (options.action == "follow")
        return run_follow(options, console);
    if (options.action == "status")
        return run_status(options, console);
    return run_override(options, console);
}

} // namespace fwplan::cli
