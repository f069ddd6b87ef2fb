// The driver of a rollout (driver.hpp).

#include "rollout/driver.hpp"

#include "rollout/boot_files.hpp"
#include "rollout/confirm.hpp"
#include "rollout/root_writer.hpp"
#include "rollout/waves.hpp"

#include <algorithm>
#include <cctype>
#include <deque>
#include <limits>
#include <set>
#include <utility>

namespace fwplan::rollout {

namespace fs = std::filesystem;

std::string mac_in_file_name(std::string_view file) {
    const std::string_view name = base_name(file);
    auto hex_at = [&](std::size_t at) -> std::string {
        if (name.size() < at + 12)
            return {};
        std::string hex(name.substr(at, 12));
        for (char& c : hex) {
            if (std::isxdigit(static_cast<unsigned char>(c)) == 0)
                return {};
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        return hex;
    };
    auto starts = [&](std::string_view prefix) {
        return name.size() >= prefix.size() &&
               equal_ignoring_case(name.substr(0, prefix.size()), prefix);
    };
    auto ends = [&](std::string_view suffix) {
        return name.size() >= suffix.size() &&
               equal_ignoring_case(name.substr(name.size() - suffix.size()), suffix);
    };
    // The first files of a Java 79xx boot and its config (formats.md §7.1; rollout.md §3:
    // "the IP ↔ MAC link comes from the SEP<MAC>.cnf.xml request itself (and CTLSEP<MAC>.tlv)").
    if (starts("CTLSEP") && ends(".tlv") && name.size() == 6 + 12 + 4)
        return hex_at(6);
    if (starts("ITLSEP") && ends(".tlv") && name.size() == 6 + 12 + 4)
        return hex_at(6);
    if (starts("SEP") && (ends(".cnf.xml") || ends(".cnf.xml.sgn")))
        return hex_at(3);
    if (starts("SIP") && ends(".cnf") && name.size() == 3 + 12 + 4)
        return hex_at(3); // 7940/7960 SIP<MAC>.cnf (§7.3)
    return {};
}

namespace {

constexpr std::int64_t kNoDeadline = std::numeric_limits<std::int64_t>::max();
// A flush that keeps finding work: every round carries out at least one action; real chains
// need a few (write, kick; a confirmation, a write, a kick). The bound only stops a bug.
constexpr int kMaxFlushRounds = 64;
// Actions and waiting inputs piled up before the driver carries them out without being asked:
// one commit and one flush of the root for many phones, while no phone waits long (a batch
// fills within milliseconds of reading).
constexpr std::size_t kFlushActions = 512;
constexpr std::size_t kFlushDeferred = 4096;

struct Live {
    StoredPhone stored;
    PhoneMachine machine;
    bool dirty = false;
    std::int64_t deadline = kNoDeadline;
    bool granted = false; // a wave slot was given to its pending write
    bool manual = false;  // its pending write is a person's advance (no wave applies)
    // Where the log ended when its current step was last written: a line that starts before
    // it was logged before the write (a backlog read after the write), so it is not the phone
    // reading that step. In memory only: after a restart every line comes after the write.
    std::optional<LogPosition> written_at_end;
};

std::string kick_detail(const KickOutcome& outcome) {
    if (!outcome.started)
        return outcome.message;
    std::string detail;
    if (outcome.timed_out)
        detail = "stopped after it ran out of time";
    else if (outcome.signal != 0)
        detail = "ended by signal " + std::to_string(outcome.signal);
    else
        detail = "exit " + std::to_string(outcome.exit_code);
    std::string first_line = outcome.output.substr(0, outcome.output.find('\n'));
    if (first_line.size() > 160)
        first_line.resize(160);
    if (!first_line.empty())
        detail += ": " + first_line;
    return detail;
}

} // namespace

struct Driver::Impl {
    Located where;
    Store* store = nullptr;
    DriverOptions options;
    std::vector<Live> phones;
    std::unordered_map<std::string, std::size_t> by_mac;              // 12 upper-case hex digits
    std::map<std::pair<std::string, std::string>, std::size_t> by_ip; // (host, ip)
    using Due = std::pair<std::int64_t, std::size_t>;
    std::priority_queue<Due, std::vector<Due>, std::greater<>> deadlines;
    std::vector<std::pair<std::size_t, Action>> queued;
    std::vector<bool> blocked;
    // Inputs of phones with an action in flight, in log order per phone, given once the
    // outcomes are in; with the log position before the line each came from, so a commit
    // never records a position past an input that was not applied yet.
    struct Deferred {
        Input input;
        LogPosition before;
    };
    std::vector<std::deque<Deferred>> deferred;
    std::size_t deferred_count = 0;
    LogPosition position;    // after the line being processed
    LogPosition before_line; // after the line before it
    std::int64_t log_time = 0;
    bool flushing = false;
    bool in_transaction = false;
    std::uint64_t transitions = 0;
    std::uint64_t kicks = 0;
    std::vector<Event>* collect = nullptr; // events of an override, for its caller

    // ---- bookkeeping ------------------------------------------------------------------

    Result<void> begin() {
        if (in_transaction)
            return {};
        if (auto ok = store->begin(); !ok)
            return ok;
        in_transaction = true;
        return {};
    }

    Result<void> commit() {
        if (!in_transaction)
            return {};
        for (Live& phone : phones)
            if (phone.dirty) {
                if (auto ok = store->save_phone(phone.stored); !ok)
                    return ok;
                phone.dirty = false;
            }
        if (auto ok = store->set_log_position(committed_position(), log_time); !ok)
            return ok;
        if (auto ok = store->commit(); !ok)
            return ok;
        in_transaction = false;
        return begin();
    }

    // Where a restart must read again from: before the earliest input not applied yet (the
    // machines skip the events they saw already), else where the follower is.
    LogPosition committed_position() const {
        std::optional<LogPosition> earliest;
        for (const auto& queue : deferred)
            if (!queue.empty() && (!earliest || queue.front().before.offset < earliest->offset))
                earliest = queue.front().before;
        return earliest.value_or(position);
    }

    void defer(std::size_t i, const Input& input, bool first = false) {
        Deferred item{input, before_line};
        if (first)
            deferred[i].push_front(std::move(item));
        else
            deferred[i].push_back(std::move(item));
        ++deferred_count;
    }

    void schedule(std::size_t i) {
        Live& phone = phones[i];
        const auto next = phone.stored.status.step == 0
                              ? std::nullopt
                              : phone.machine.next_deadline(phone.stored.status);
        phone.deadline = next.value_or(kNoDeadline);
        if (next)
            deadlines.push({*next, i});
    }

    Event event_of(const Live& phone, const Transition& t, const std::string& origin) const {
        Event e;
        e.mac = phone.stored.spec.mac;
        e.model = phone.stored.spec.model;
        e.ip = phone.stored.status.ip;
        e.from = t.from;
        e.to = t.to;
        e.step_from = t.step_from;
        e.step = t.step;
        e.steps = static_cast<unsigned>(phone.stored.spec.steps.size());
        e.load = phone.stored.status.load;
        e.reason = t.reason;
        e.time_us = t.time_us;
        e.origin = origin;
        return e;
    }

    Result<void> record(std::size_t i, const std::vector<Transition>& list,
                        const std::string& origin) {
        for (const Transition& t : list) {
            if (auto ok = begin(); !ok)
                return ok;
            StoredTransition stored{phones[i].stored.spec.mac.to_string(), t, origin};
            if (auto ok = store->add_transition(stored, position); !ok)
                return ok;
            ++transitions;
            const Event e = event_of(phones[i], t, origin);
            if (collect != nullptr)
                collect->push_back(e);
            if (options.on_event)
                options.on_event(e);
        }
        return {};
    }

    // ---- feeding the machines ---------------------------------------------------------

    // Gives a phone one input, or keeps it for later when an action of the phone is in flight
    // (guarantee 2: a phone gets no other input until its outcomes are in).
    Result<void> feed(std::size_t i, const Input& input, const std::string& origin) {
        if (blocked[i] || !deferred[i].empty()) {
            defer(i, input);
            return {};
        }
        if (logged_before_write(i, input, before_line)) {
            Input earlier = input;
            std::get<TftpEvent>(earlier).logged_before_write = true;
            return apply(i, earlier, origin);
        }
        return apply(i, input, origin);
    }

    // A log line that starts before where the log ended when the phone's step was written
    // (decided when the input is applied: a deferred one waited for that very write).
    bool logged_before_write(std::size_t i, const Input& input,
                             const LogPosition& line_start) const {
        const std::optional<LogPosition>& end = phones[i].written_at_end;
        return std::holds_alternative<TftpEvent>(input) && end &&
               end->device == line_start.device && end->inode == line_start.inode &&
               line_start.offset < end->offset;
    }

    Result<void> apply(std::size_t i, const Input& input, const std::string& origin) {
        Live& phone = phones[i];
        StepResult result = phone.machine.apply(phone.stored.status, input);
        if (auto ok = record(i, result.transitions, origin); !ok)
            return ok;
        const bool changed = !(result.status == phone.stored.status);
        phone.stored.status = std::move(result.status);
        phone.dirty = phone.dirty || changed;
        // Not applied while an action is in flight: the actions listed are the ones already
        // queued; else they are new (a deadline that fired first).
        if (result.input_applied || !blocked[i])
            for (const Action& action : result.actions) {
                queued.emplace_back(i, action);
                blocked[i] = true;
            }
        schedule(i);
        if (!result.input_applied)
            defer(i, input, /*first=*/true); // given again once its actions are done
        return {};
    }

    // Outcomes are the answers to this phone's own actions: they go in at once, ahead of
    // whatever else of the phone waits.
    Result<void> apply_outcome(std::size_t i, const Input& outcome) {
        return apply(i, outcome, "log");
    }

    Result<void> fire_due(std::int64_t now) {
        while (!deadlines.empty() && deadlines.top().first <= now) {
            const auto [when, i] = deadlines.top();
            deadlines.pop();
            if (phones[i].deadline != when)
                continue; // superseded
            phones[i].deadline = kNoDeadline;
            if (auto ok = feed(i, Tick{now}, "log"); !ok)
                return ok;
        }
        return {};
    }

    // ---- carrying out actions ---------------------------------------------------------

    std::size_t in_flight_except(std::size_t skip) const {
        std::size_t n = 0;
        for (std::size_t i = 0; i < phones.size(); ++i)
            if (i != skip && holds_slot(phones[i].stored.status))
                ++n;
        return n;
    }

    // Step k's files and what this phone's other steps have for the same names.
    Result<StepWrite> step_write(const Live& phone, unsigned step) {
        const std::string mac = phone.stored.spec.mac.to_string();
        auto files = store->step_files(mac, step);
        if (!files)
            return files.error();
        StepWrite write;
        write.files = std::move(*files);
        for (unsigned other = 1; other <= phone.stored.spec.steps.size(); ++other) {
            if (other == step)
                continue;
            auto theirs = store->step_files(mac, other);
            if (!theirs)
                return theirs.error();
            for (const GeneratedFile& f : *theirs)
                write.ours.push_back(f.content);
        }
        return write;
    }

    std::string normalised_load(const Live& phone, unsigned step, const std::string& said) {
        // `P0S3-08-12-00` from a 7960's page is `P0S3-8-12-00` of its step: same family,
        // protocol and version.
        if (step == 0 || step > phone.stored.spec.steps.size())
            return said;
        const LoadId& expected = phone.stored.spec.steps[step - 1].load;
        auto parsed = LoadId::parse(said);
        if (parsed && parsed->family() == expected.family() &&
            parsed->protocol() == expected.protocol() && parsed->version() == expected.version())
            return expected.str();
        return said;
    }

    // Carries out one batch of actions, in order; the outcomes, in the same order.
    Result<std::vector<std::pair<std::size_t, Input>>>
    carry_out(const std::vector<std::pair<std::size_t, Action>>& batch) {
        std::vector<std::pair<std::size_t, Input>> outcomes(batch.size());
        std::vector<StepWrite> writes;
        std::vector<std::size_t> write_of; // batch index of each write
        for (std::size_t b = 0; b < batch.size(); ++b) {
            const auto [i, action] = batch[b];
            Live& phone = phones[i];
            if (action.kind != ActionKind::WriteStep && action.kind != ActionKind::RestoreStep)
                continue;
            const bool advance = action.kind == ActionKind::WriteStep &&
                                 phone.stored.status.pending == Pending::Write;
            if (advance && options.wave != 0 && !phone.granted && !phone.manual &&
                in_flight_except(i) >= options.wave) {
                outcomes[b] = {i, WriteDeferred{action.step}};
                continue;
            }
            auto write = step_write(phone, action.step);
            if (!write)
                return write.error();
            writes.push_back(std::move(*write));
            write_of.push_back(b);
        }
        const std::vector<StepWritten> written = write_steps(where.tftp_root, writes);
        for (std::size_t w = 0; w < written.size(); ++w) {
            const std::size_t b = write_of[w];
            const auto [i, action] = batch[b];
            phones[i].granted = false;
            phones[i].manual = false;
            if (written[w].ok) {
                if (options.log_end)
                    phones[i].written_at_end = options.log_end();
                outcomes[b] = {i, ConfigWritten{action.step}};
            } else
                outcomes[b] = {i, WriteFailed{action.step, written[w].detail}};
        }
        for (std::size_t b = 0; b < batch.size(); ++b) {
            const auto [i, action] = batch[b];
            Live& phone = phones[i];
            if (action.kind == ActionKind::Kick) {
                outcomes[b] = {i, kick(phone, action.step)};
            } else if (action.kind == ActionKind::Confirm) {
                PhoneWord word = ask_phone(phone.stored.status.ip, options.confirm_timeout);
                ConfirmAnswer answer;
                if (word.load)
                    answer.load = normalised_load(phone, phone.stored.status.step, *word.load);
                answer.detail = std::move(word.detail);
                outcomes[b] = {i, std::move(answer)};
            }
        }
        return outcomes;
    }

    KickDone kick(Live& phone, unsigned step) {
        if (!options.kick)
            return KickDone{false, "no --kick command is given"};
        const PhoneSpec& spec = phone.stored.spec;
        KickValues values;
        values.mac = spec.mac.hex();
        values.ip = phone.stored.status.ip;
        values.load = step >= 1 && step <= spec.steps.size() ? spec.steps[step - 1].load.str() : "";
        values.sep_file = spec.mac.sep_config_file_name();
        values.step = step;
        auto outcome = run_kick(expand(*options.kick, values), options.kick_timeout);
        ++kicks;
        phone.stored.kicked_step = step;
        phone.dirty = true;
        if (!outcome)
            return KickDone{false, outcome.error().describe()};
        return KickDone{outcome->succeeded(), kick_detail(*outcome)};
    }

    // Free wave slots go to the phones that wait for one, oldest first.
    Result<void> grant_slots() {
        std::vector<std::size_t> waiting;
        for (std::size_t i = 0; i < phones.size(); ++i)
            if (wants_slot(phones[i].stored.status) && !blocked[i])
                waiting.push_back(i);
        if (waiting.empty())
            return {};
        std::sort(waiting.begin(), waiting.end(), [&](std::size_t a, std::size_t b) {
            const StoredPhone& x = phones[a].stored;
            const StoredPhone& y = phones[b].stored;
            return std::tie(x.status.since_us, x.queue_order) <
                   std::tie(y.status.since_us, y.queue_order);
        });
        std::size_t used = options.wave == 0 ? 0 : in_flight_except(phones.size());
        for (std::size_t i : waiting) {
            if (options.wave != 0 && used >= options.wave)
                break;
            phones[i].granted = true;
            if (auto ok = feed(i, SlotGranted{log_time}, "log"); !ok)
                return ok;
            ++used;
        }
        return {};
    }

    // Commits, carries out every queued action, gives the outcomes and then the inputs that
    // waited, hands out free wave slots; round after round until nothing is left.
    Result<void> flush() {
        if (flushing)
            return {};
        flushing = true;
        struct Reset {
            bool& flag;
            ~Reset() { flag = false; }
        } reset{flushing};
        for (int round = 0; round < kMaxFlushRounds; ++round) {
            if (!queued.empty()) {
                // The state that asked for these actions is on disk before any of them is done.
                if (auto ok = commit(); !ok)
                    return ok;
                auto batch = std::move(queued);
                queued.clear();
                auto outcomes = carry_out(batch);
                if (!outcomes)
                    return outcomes.error();
                for (const auto& [i, action] : batch)
                    blocked[i] = false;
                for (const auto& [i, outcome] : *outcomes)
                    if (auto ok = apply_outcome(i, outcome); !ok)
                        return ok;
            }
            // What waited, phone by phone, in its own order, until one asks for an action again.
            bool gave = false;
            for (std::size_t i = 0; i < phones.size(); ++i)
                while (!blocked[i] && !deferred[i].empty()) {
                    Deferred item = std::move(deferred[i].front());
                    deferred[i].pop_front();
                    --deferred_count;
                    gave = true;
                    if (logged_before_write(i, item.input, item.before))
                        std::get<TftpEvent>(item.input).logged_before_write = true;
                    if (auto ok = apply(i, item.input, "log"); !ok)
                        return ok;
                }
            if (queued.empty() && !gave) {
                if (auto ok = grant_slots(); !ok)
                    return ok;
                if (queued.empty())
                    break;
            }
        }
        return commit();
    }

    // A batch of actions waits until enough piled up (one commit and one flush of the root
    // for all of them), or until the follower has read what is there.
    [[nodiscard]] bool should_flush() const {
        return queued.size() >= kFlushActions || deferred_count >= kFlushDeferred;
    }

    std::optional<std::size_t> phone_of(const TftpEvent& event) {
        const std::string hex = mac_in_file_name(event.file);
        if (!hex.empty()) {
            auto it = by_mac.find(hex);
            if (it == by_mac.end())
                return std::nullopt; // another phone of the site, not in the rollout
            if (!event.ip.empty())
                by_ip[{event.host, event.ip}] = it->second; // the latest request wins
            Live& phone = phones[it->second];
            if (phone.stored.host != event.host) {
                phone.stored.host = event.host;
                phone.dirty = true;
            }
            return it->second;
        }
        auto it = by_ip.find({event.host, event.ip});
        if (it == by_ip.end())
            return std::nullopt;
        return it->second;
    }
};

Driver::Driver(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Driver::Driver(Driver&&) noexcept = default;
Driver& Driver::operator=(Driver&&) noexcept = default;
Driver::~Driver() {
    if (impl_ && impl_->in_transaction)
        impl_->store->rollback();
}

Result<Driver> Driver::load(const Located& where, Store& store, DriverOptions options) {
    auto impl = std::make_unique<Impl>();
    impl->where = where;
    impl->store = &store;
    impl->options = std::move(options);
    impl->options.machine.kick = impl->options.kick.has_value();
    auto phones = store.phones();
    if (!phones)
        return phones.error();
    auto time = store.meta("log_time_us");
    if (!time)
        return time.error();
    if (*time)
        impl->log_time = std::stoll(**time);
    for (StoredPhone& stored : *phones) {
        auto machine = PhoneMachine::create(stored.spec, impl->options.machine);
        if (!machine)
            return machine.error();
        const std::size_t i = impl->phones.size();
        impl->by_mac.emplace(stored.spec.mac.hex(), i);
        if (!stored.status.ip.empty())
            impl->by_ip[{stored.host, stored.status.ip}] = i;
        impl->phones.push_back(Live{std::move(stored), std::move(*machine), false, kNoDeadline,
                                    false, false, std::nullopt});
    }
    impl->blocked.assign(impl->phones.size(), false);
    impl->deferred.resize(impl->phones.size());
    for (std::size_t i = 0; i < impl->phones.size(); ++i)
        impl->schedule(i);
    if (auto ok = impl->begin(); !ok)
        return ok.error();
    return Driver(std::move(impl));
}

Result<void> Driver::resume(std::int64_t now_us, const LogPosition& position) {
    Impl& d = *impl_;
    d.position = position;
    d.before_line = position;
    d.log_time = std::max(d.log_time, now_us);
    for (std::size_t i = 0; i < d.phones.size(); ++i) {
        Live& phone = d.phones[i];
        for (const Action& action : phone.machine.outstanding(phone.stored.status)) {
            d.queued.emplace_back(i, action);
            d.blocked[i] = true;
        }
    }
    if (auto ok = d.flush(); !ok)
        return ok;
    if (!d.options.kick)
        return {};
    // Phones whose step's config is in place and that nobody reset for it: the walk starts
    // (or goes on, after a person's advance) with a reset.
    for (std::size_t i = 0; i < d.phones.size(); ++i) {
        const StoredPhone& s = d.phones[i].stored;
        const PhoneState state = s.status.state;
        if (s.status.step == 0 || s.kicked_step >= s.status.step || s.status.held ||
            (state != PhoneState::Waiting && state != PhoneState::NeedsReset) ||
            s.status.config_read_at_us)
            continue;
        // A kick that needs the phone's address cannot reset a phone never seen: it is reset
        // by the person who starts the walk (or powers the phone up), and the next step's
        // kick knows its address.
        if (s.status.ip.empty() && d.options.kick->uses('i'))
            continue;
        if (auto ok = d.feed(i, Command{Command::Kind::Reset, d.log_time}, "log"); !ok)
            return ok;
    }
    return d.flush();
}

Result<void> Driver::on_event(const TftpEvent& event, const LogPosition& after) {
    Impl& d = *impl_;
    d.before_line = d.position;
    d.position = after;
    d.log_time = std::max(d.log_time, event.time_us);
    if (auto ok = d.fire_due(event.time_us); !ok)
        return ok;
    const auto i = d.phone_of(event);
    if (i && d.phones[*i].stored.status.step != 0) { // step 0: nothing of it is in place yet
        if (auto ok = d.feed(*i, event, "log"); !ok)
            return ok;
    }
    return d.should_flush() ? d.flush() : Result<void>();
}

Result<void> Driver::on_time(std::int64_t time_us, const LogPosition& after) {
    Impl& d = *impl_;
    d.before_line = d.position;
    d.position = after;
    d.log_time = std::max(d.log_time, time_us);
    if (auto ok = d.fire_due(time_us); !ok)
        return ok;
    return d.should_flush() ? d.flush() : Result<void>();
}

Result<std::vector<Event>> Driver::on_override(Override what, const std::string& mac,
                                               std::int64_t time_us, const LogPosition& at) {
    Impl& d = *impl_;
    d.position = at;
    d.before_line = at;
    std::vector<Event> events;
    d.collect = &events;
    struct Uncollect {
        Impl& d;
        ~Uncollect() { d.collect = nullptr; }
    } uncollect{d};
    const std::int64_t time = std::max(time_us, d.log_time);
    if (what == Override::Abort) {
        for (std::size_t i = 0; i < d.phones.size(); ++i)
            if (auto ok = d.feed(i, Command{Command::Kind::Abort, time}, "command"); !ok)
                return ok.error();
        if (auto ok = d.begin(); !ok)
            return ok.error();
        if (auto ok = d.store->set_meta("aborted", "1"); !ok)
            return ok.error();
        if (auto ok = d.flush(); !ok)
            return ok.error();
        return events;
    }
    auto parsed = MacAddress::parse(mac);
    if (!parsed)
        return parsed.error();
    auto it = d.by_mac.find(parsed->hex());
    if (it == d.by_mac.end()) {
        Error error =
            bad_input("rollout.no-phone", parsed->to_string() + " is not in this rollout");
        return error.with_hint("'fwplan rollout status' lists its phones");
    }
    const std::size_t i = it->second;
    Live& phone = d.phones[i];
    PhoneStatus& s = phone.stored.status;
    if (s.step == 0 && what != Override::Advance) {
        // Before its first step the machine has nothing to hold or retry: the driver keeps
        // the flag (wants_slot skips a held phone).
        const bool hold = what == Override::Hold;
        if (s.held != hold) {
            s.held = hold;
            s.reason = hold ? "held by hand before its first step: it gets no wave slot"
                            : "released by hand: its step 1 waits for a wave slot";
            phone.dirty = true;
            if (auto ok =
                    d.record(i, {Transition{s.state, s.state, 0, 0, s.reason, time}}, "command");
                !ok)
                return ok.error();
        }
    } else {
        const Command::Kind kind = what == Override::Advance ? Command::Kind::Advance
                                   : what == Override::Hold  ? Command::Kind::Hold
                                                             : Command::Kind::Retry;
        phone.manual = what == Override::Advance;
        if (auto ok = d.feed(i, Command{kind, time}, "command"); !ok)
            return ok.error();
    }
    if (auto ok = d.flush(); !ok)
        return ok.error();
    if (events.empty()) {
        Error error = not_possible("rollout.override",
                                   std::string(to_string(what)) + " changes nothing for " +
                                       parsed->to_string() + ", which is " +
                                       std::string(to_string(phone.stored.status.state)) +
                                       (phone.stored.status.held ? " (held)" : ""));
        return error.with_hint("'fwplan rollout status --mac " + parsed->to_string() +
                               "' shows where it stands and what to do");
    }
    return events;
}

Result<void> Driver::flush(const LogPosition& position) {
    impl_->position = position;
    return impl_->flush();
}

bool Driver::finished() const {
    for (const Live& phone : impl_->phones) {
        const PhoneStatus& s = phone.stored.status;
        if (s.aborted)
            continue;
        if (s.state != PhoneState::Done && s.state != PhoneState::Refused &&
            s.state != PhoneState::Failed)
            return false;
    }
    return true;
}

std::map<PhoneState, std::size_t> Driver::counts() const {
    std::map<PhoneState, std::size_t> out;
    for (const Live& phone : impl_->phones)
        ++out[phone.stored.status.state];
    return out;
}

std::int64_t Driver::log_time() const noexcept {
    return impl_->log_time;
}
std::uint64_t Driver::transitions() const noexcept {
    return impl_->transitions;
}
std::uint64_t Driver::kicks() const noexcept {
    return impl_->kicks;
}

} // namespace fwplan::rollout
