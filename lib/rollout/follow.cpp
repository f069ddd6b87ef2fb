// fwplan rollout follow, status and the overrides (rollout.hpp).

#include "detail/posix.hpp"
#include "rollout/driver.hpp"
#include "rollout/location.hpp"
#include "rollout/log_follower.hpp"
#include "rollout/log_line.hpp"
#include "rollout/store.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <fcntl.h>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace fwplan::rollout {

namespace fs = std::filesystem;
using nlohmann::json;

std::string_view to_string(Advance advance) noexcept {
    return advance == Advance::OnDownload ? "on-download" : "on-settle";
}

Result<Advance> parse_advance(std::string_view name) {
    if (name == "on-settle")
        return Advance::OnSettle;
    if (name == "on-download")
        return Advance::OnDownload;
    Error error = bad_input("rollout.advance", "--advance takes on-settle or on-download, not '" +
                                                   std::string(name) + "'");
    error.kind = ErrorKind::Usage;
    return error;
}

std::string_view to_string(Override override_kind) noexcept {
    switch (override_kind) {
    case Override::Advance:
        return "advance";
    case Override::Hold:
        return "hold";
    case Override::Retry:
        return "retry";
    case Override::Abort:
        return "abort";
    }
    return "abort";
}

namespace {

std::int64_t wall_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The follower's lock: one follower per rollout. A file beside the state, flock()ed while
// the follower lives; an override that finds it locked leaves its command to the follower.
class FollowerLock {
public:
    static Result<std::optional<FollowerLock>> try_take(const fs::path& state) {
        const fs::path path = state.string() + ".lock";
        detail::UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!fd)
            return detail::system_error("rollout.lock", path, "cannot lock the rollout", errno);
        if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
            if (errno == EWOULDBLOCK)
                return std::optional<FollowerLock>();
            return detail::system_error("rollout.lock", path, "cannot lock the rollout", errno);
        }
        return std::optional<FollowerLock>(FollowerLock(std::move(fd)));
    }

private:
    explicit FollowerLock(detail::UniqueFd fd) : fd_(std::move(fd)) {}
    detail::UniqueFd fd_;
};

Result<std::int64_t> start_time(Store& store) {
    auto time = store.meta("log_time_us");
    if (!time)
        return time.error();
    if (*time)
        return std::stoll(**time);
    auto started = store.meta("started_us");
    if (!started)
        return started.error();
    return started->has_value() ? std::stoll(**started) : 0;
}

Result<unsigned> wave_of(Store& store) {
    auto wave = store.meta("wave");
    if (!wave)
        return wave.error();
    return wave->has_value() ? static_cast<unsigned>(std::stoul(**wave)) : 0u;
}

json event_json(const Event& e) {
    return {{"mac", e.mac.to_string()},
            {"from", std::string(to_string(e.from))},
            {"to", std::string(to_string(e.to))},
            {"step_from", e.step_from},
            {"step", e.step},
            {"reason", e.reason},
            {"time_us", e.time_us}};
}

MachineOptions machine_options(const FollowOptions& o) {
    MachineOptions m;
    m.settle_after_us =
        std::chrono::duration_cast<std::chrono::microseconds>(o.settle_after).count();
    m.stuck_after_us = std::chrono::duration_cast<std::chrono::microseconds>(o.stuck_after).count();
    m.refuse_after = o.refuse_after;
    m.advance = o.advance == Advance::OnDownload ? MachineOptions::Advance::OnDownload
                                                 : MachineOptions::Advance::OnSettle;
    m.confirm = o.confirm_http;
    m.kick = !o.kick.empty();
    return m;
}

// Overrides other processes left while this follower runs.
Result<void> apply_commands(Store& store, Driver& driver, const LogPosition& position) {
    auto commands = store.pending_commands();
    if (!commands)
        return commands.error();
    for (const StoredCommand& c : *commands) {
        Override what = Override::Abort;
        if (c.kind == "advance")
            what = Override::Advance;
        else if (c.kind == "hold")
            what = Override::Hold;
        else if (c.kind == "retry")
            what = Override::Retry;
        auto events = driver.on_override(what, c.mac, wall_us(), position);
        json result;
        if (events) {
            result["events"] = json::array();
            for (const Event& e : *events)
                result["events"].push_back(event_json(e));
        } else {
            result["error"] = {{"code", events.error().code},
                               {"message", events.error().message},
                               {"hint", events.error().hint}};
        }
        if (auto ok = store.begin(); !ok)
            return ok;
        if (auto ok = store.mark_command(
                c.id, result.dump(-1, ' ', false, json::error_handler_t::replace));
            !ok) {
            store.rollback();
            return ok;
        }
        if (auto ok = store.commit(); !ok)
            return ok;
    }
    return {};
}

} // namespace

Result<FollowReport> follow(const Location& where, const FollowOptions& options) {
    auto located = locate(where);
    if (!located)
        return located.error();
    if (options.log.empty()) {
        Error error = bad_input("rollout.no-log", "follow needs the TFTP server's log");
        error.kind = ErrorKind::Usage;
        return error.with_hint("give --log FILE (e.g. /var/log/syslog) or --log - to read it "
                               "from standard input (journalctl -f -o json | ...)");
    }
    if (options.refuse_after == 0 || options.stuck_after.count() <= 0 ||
        options.settle_after.count() < 0) {
        Error error = bad_input("rollout.bad-options",
                                "--refuse-after must be at least 1, --stuck-after more than 0 "
                                "and --settle-after not negative");
        error.kind = ErrorKind::Usage;
        return error;
    }
    std::optional<KickCommand> kick;
    if (!options.kick.empty()) {
        auto parsed = KickCommand::parse(options.kick);
        if (!parsed)
            return parsed.error();
        kick = std::move(*parsed);
    }
    auto store = Store::open(located->state);
    if (!store)
        return store.error();
    auto aborted = store->aborted();
    if (!aborted)
        return aborted.error();
    if (*aborted) {
        Error error = not_possible("rollout.aborted", "this rollout was aborted");
        error.file = located->state.string();
        return error.with_hint("start a new one with 'fwplan rollout start'");
    }
    auto lock = FollowerLock::try_take(located->state);
    if (!lock)
        return lock.error();
    if (!*lock) {
        Error error =
            io_error("rollout.busy", "another 'fwplan rollout follow' runs on this rollout");
        error.file = located->state.string();
        return error.with_hint("stop it first (Ctrl-C), or watch it with 'fwplan rollout status'");
    }
    auto resume = store->log_position();
    if (!resume)
        return resume.error();
    auto follower = LogFollower::open(options.log, *resume);
    if (!follower)
        return follower.error();
    ParserOptions parser_options;
    parser_options.year = options.year;
    parser_options.server_roots = options.server_roots;
    LogParser parser(options.format, parser_options);

    DriverOptions driver_options;
    driver_options.machine = machine_options(options);
    driver_options.kick = std::move(kick);
    driver_options.kick_timeout = options.kick_timeout;
    driver_options.on_event = options.on_event;
    driver_options.log_end = [log = &*follower] { return log->end_now(); };
    auto wave = wave_of(*store);
    if (!wave)
        return wave.error();
    driver_options.wave = *wave;
    auto driver = Driver::load(*located, *store, std::move(driver_options));
    if (!driver)
        return driver.error();

    FollowReport report;
    report.start_note = follower->start_report().note;
    auto began = start_time(*store);
    if (!began)
        return began.error();
    if (auto ok = driver->resume(*began, follower->position()); !ok)
        return ok.error();

    // A live, quiet log moves no log time, so a phone whose last line was its config would
    // never settle: between lines the clock of the last line goes on with the wall clock.
    std::atomic<bool> never{false};
    const std::atomic<bool>& stop = options.stop != nullptr ? *options.stop : never;
    std::int64_t wall_at_line = wall_us();
    std::int64_t log_at_line = driver->log_time();
    Error failure;
    bool failed = false;
    const auto on_line = [&](std::string_view line, const LogPosition& after) -> bool {
        ++report.lines;
        const std::optional<TftpEvent> event = parser.parse(line);
        if (!event) {
            if (const auto time = parser.line_time()) {
                if (auto ok = driver->on_time(*time, after); !ok) {
                    failure = ok.error();
                    failed = true;
                    return false;
                }
            }
            return true;
        }
        ++report.events;
        if (auto ok = driver->on_event(*event, after); !ok) {
            failure = ok.error();
            failed = true;
            return false;
        }
        wall_at_line = wall_us();
        log_at_line = driver->log_time();
        return true;
    };
    for (;;) {
        auto read = follower->read_available(on_line);
        if (failed)
            return failure;
        if (!read)
            return read.error();
        if (auto ok = driver->flush(follower->position()); !ok)
            return ok.error();
        if (auto ok = apply_commands(*store, *driver, follower->position()); !ok)
            return ok.error();
        if (options.on_progress)
            options.on_progress(driver->counts());
        if (driver->finished()) {
            report.finished = true;
            break;
        }
        if (auto now_aborted = store->aborted(); now_aborted && *now_aborted)
            break;
        if (options.stop != nullptr && options.stop->load()) {
            report.stopped = true;
            break;
        }
        if (!follower->caught_up())
            continue;
        if (options.once || follower->ended())
            break;
        follower->wait(std::chrono::milliseconds(1000), stop);
        if (*read == 0 && log_at_line > 0) {
            const std::int64_t now_log = log_at_line + (wall_us() - wall_at_line);
            if (auto ok = driver->on_time(now_log, follower->position()); !ok)
                return ok.error();
        }
    }
    if (auto ok = driver->flush(follower->position()); !ok)
        return ok.error();
    report.transitions = driver->transitions();
    report.kicks = driver->kicks();
    report.counts = driver->counts();
    return report;
}

namespace {

std::string next_action_of(const Store::Row& row) {
    if (row.held)
        return "held: 'fwplan rollout retry --mac " + row.mac + "' lets it go on";
    const std::string state = row.state;
    if (state == "done")
        return "nothing: it runs its target";
    if (state == "waiting")
        return row.pending == "kick" ? "being reset by the kick command"
                                     : "reset the phone (or follow with --kick) so that it reads "
                                       "its config";
    if (state == "fetching")
        return "wait: it is downloading step " + std::to_string(row.step) + "'s firmware";
    if (state == "settled")
        return row.step == 0 || row.pending == "slot" ? "wait for a wave slot"
               : row.pending == "confirm"             ? "wait: asking the phone what it runs"
                                                      : "wait: its next config goes in";
    if (state == "needs-reset")
        return "reset the phone by hand (power-cycle it, or its PBX's reset), or follow with "
               "--kick";
    if (state == "stuck")
        return "look at the phone; then 'fwplan rollout retry --mac " + row.mac + "'";
    if (state == "refused" || state == "failed")
        return "fix what the reason says, then 'fwplan rollout retry --mac " + row.mac + "'";
    return {};
}

} // namespace

Result<Status> status(const Location& where, std::optional<MacAddress> timeline_of) {
    auto located = locate(where);
    if (!located)
        return located.error();
    auto store = Store::open(located->state);
    if (!store)
        return store.error();
    auto rows = store->rows();
    if (!rows)
        return rows.error();
    Status out;
    out.tftp_root = located->tftp_root;
    out.state = located->state;
    if (auto aborted = store->aborted(); aborted)
        out.aborted = *aborted;
    if (auto time = store->meta("log_time_us"); time && *time)
        out.log_time_us = std::stoll(**time);
    out.phones.reserve(rows->size());
    for (const Store::Row& row : *rows) {
        PhoneRow p;
        auto mac = MacAddress::parse(row.mac);
        auto state = parse_phone_state(row.state);
        if (!mac || !state) {
            Error error =
                bad_input("rollout.state", "holds a phone it cannot read (damaged state)");
            error.file = located->state.string();
            return error;
        }
        p.mac = *mac;
        p.model = row.model;
        p.ip = row.ip;
        p.step = row.step;
        p.steps = row.steps;
        p.load = row.load;
        p.target = row.target;
        p.state = *state;
        p.since_us = row.since_us;
        p.reason = row.reason;
        p.held = row.held;
        p.next_action = next_action_of(row);
        ++out.counts[p.state];
        out.phones.push_back(std::move(p));
    }
    if (timeline_of) {
        auto it = std::find_if(out.phones.begin(), out.phones.end(),
                               [&](const PhoneRow& p) { return p.mac == *timeline_of; });
        if (it == out.phones.end()) {
            Error error =
                bad_input("rollout.no-phone", timeline_of->to_string() + " is not in this rollout");
            return error.with_hint("'fwplan rollout status' lists its phones");
        }
        auto list = store->transitions(timeline_of->to_string());
        if (!list)
            return list.error();
        for (const StoredTransition& t : *list) {
            Event e;
            e.mac = it->mac;
            e.model = it->model;
            e.ip = it->ip;
            e.from = t.change.from;
            e.to = t.change.to;
            e.step_from = t.change.step_from;
            e.step = t.change.step;
            e.steps = it->steps;
            e.reason = t.change.reason;
            e.time_us = t.change.time_us;
            e.origin = t.origin;
            out.timeline.push_back(std::move(e));
        }
    }
    return out;
}

Result<std::vector<Event>> override_phone(const Location& where, Override what,
                                          std::optional<MacAddress> mac) {
    auto located = locate(where);
    if (!located)
        return located.error();
    if (what != Override::Abort && !mac) {
        Error error = bad_input("rollout.no-phone", std::string(to_string(what)) + " needs --mac");
        error.kind = ErrorKind::Usage;
        return error;
    }
    auto store = Store::open(located->state);
    if (!store)
        return store.error();
    const std::string mac_text = mac ? mac->to_string() : std::string();
    auto lock = FollowerLock::try_take(located->state);
    if (!lock)
        return lock.error();
    if (*lock) {
        // No follower runs: apply it here (no kick: an advanced phone waits for a reset).
        DriverOptions options;
        auto wave = wave_of(*store);
        if (!wave)
            return wave.error();
        options.wave = *wave;
        auto driver = Driver::load(*located, *store, std::move(options));
        if (!driver)
            return driver.error();
        auto position = store->log_position();
        if (!position)
            return position.error();
        auto events =
            driver->on_override(what, mac_text, wall_us(), position->value_or(LogPosition{}));
        if (!events)
            return events.error();
        if (auto ok = driver->flush(position->value_or(LogPosition{})); !ok)
            return ok.error();
        return events;
    }
    // A follower runs: it applies the override within a second or so.
    if (auto ok = store->begin(); !ok)
        return ok.error();
    if (auto ok = store->add_command(std::string(to_string(what)), mac_text); !ok) {
        store->rollback();
        return ok.error();
    }
    const std::int64_t id = store->last_insert_id();
    if (auto ok = store->commit(); !ok)
        return ok.error();
    for (int tries = 0; tries < 150; ++tries) {
        auto result = store->command_result(id);
        if (!result)
            return result.error();
        if (*result) {
            const json j = json::parse(**result, nullptr, false);
            if (j.is_object() && j.contains("error")) {
                Error error = not_possible(j["error"].value("code", "fwplan.rollout.override"),
                                           j["error"].value("message", ""));
                error.code = j["error"].value("code", "fwplan.rollout.override");
                error.hint = j["error"].value("hint", "");
                return error;
            }
            std::vector<Event> events;
            if (j.is_object() && j.contains("events"))
                for (const json& e : j["events"]) {
                    Event event;
                    if (auto m = MacAddress::parse(e.value("mac", "")))
                        event.mac = *m;
                    if (auto s = parse_phone_state(e.value("from", "")))
                        event.from = *s;
                    if (auto s = parse_phone_state(e.value("to", "")))
                        event.to = *s;
                    event.step_from = e.value("step_from", 0u);
                    event.step = e.value("step", 0u);
                    event.reason = e.value("reason", "");
                    event.time_us = e.value("time_us", std::int64_t{0});
                    event.origin = "command";
                    events.push_back(std::move(event));
                }
            return events;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    Error error = io_error("rollout.busy", "the follower did not apply the " +
                                               std::string(to_string(what)) + " within 15 s");
    error.file = located->state.string();
    return error.with_hint("it is recorded and will be applied when the follower reads its "
                           "commands; see 'fwplan rollout status'");
}

} // namespace fwplan::rollout
