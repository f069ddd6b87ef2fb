// The rules for TFTP events of phone_machine.hpp, each with its source, and the decisions
// they lead to (settle, stuck, refused, failed, put back). The notes this follows are the
// project's domain notes on rollouts (§ numbers below: "rollout §3") and on formats
// ("phone-files.md §7"); the public sources are those they cite.
#include "rollout/machine_run.hpp"

#include <algorithm>
#include <utility>

namespace fwplan::rollout::detail {

namespace {

constexpr std::int64_t kSecondUs = 1'000'000;

bool is_nak(TftpEventKind kind) noexcept {
    return kind == TftpEventKind::NotFound || kind == TftpEventKind::Refused;
}

// Two lines with the same log time are the same line when they agree in these.
std::string fingerprint(const TftpEvent& event) {
    std::string print(1, static_cast<char>('0' + static_cast<int>(event.kind)));
    print += event.file;
    print += '\x1f';
    print += event.remapped;
    return print;
}

} // namespace

// ---- TFTP events -------------------------------------------------------------------------

void Run::on(const TftpEvent& event) {
    PhoneStatus& s = st();
    if (s.aborted || busy())
        return;
    // Guarantee 1: what is older than the phone's last event was seen before. (Also what is
    // older than `rollout start`: a boot just before it read the root as it was then.) A
    // whole-second stamp (classic syslog, dnsmasq's file) in the second of a finer time is
    // not older: the log cannot say, and the next request of that boot settles it anyway.
    if (event.time_us < s.last_event_us &&
        !(event.time_us % kSecondUs == 0 &&
          event.time_us / kSecondUs == s.last_event_us / kSecondUs))
        return;
    std::string print = fingerprint(event);
    if (event.time_us == s.last_event_us &&
        std::find(s.seen_at_last_event.begin(), s.seen_at_last_event.end(), print) !=
            s.seen_at_last_event.end())
        return;
    // Deadlines due before this event fire first, at their own time, so the answer does not
    // depend on whether another phone's line ticked the machine in between (guarantee 3).
    if (!fire_deadlines(event.time_us)) {
        out_.input_applied = false;
        return;
    }
    if (event.time_us > s.last_event_us) {
        s.seen_at_last_event.clear();
        s.last_event_us = event.time_us;
    }
    if (s.seen_at_last_event.size() < kMaxSeenAtLastEvent)
        s.seen_at_last_event.push_back(std::move(print));
    s.last_file = event.file;

    const FileMatch match = classify_file(spec_, current(), event.file, event.remapped);
    // After an early advance the phone may still ask for the files of the step before.
    std::optional<FileMatch> earlier_step;
    if (match.role == FileRole::Other && s.advanced_early_from != 0) {
        FileMatch earlier =
            classify_file(spec_, step_spec(s.advanced_early_from), event.file, event.remapped);
        if (earlier.role == FileRole::Loads || earlier.role == FileRole::Component)
            earlier_step = std::move(earlier);
    }

    // Completion lines (patched tftpd-hpa `Client … finished …`) follow the request already
    // counted; dnsmasq logs only `sent …`, so a completion with no open request counts as the
    // request (rollout §2: only the read request is certain, and not for every server).
    bool request = event.kind == TftpEventKind::Request;
    if (event.kind == TftpEventKind::Completed)
        request = s.open_request.empty() || !same_file_name(s.open_request, event.file);
    if (event.kind == TftpEventKind::Request)
        s.open_request = event.file;
    else if (!s.open_request.empty() && same_file_name(s.open_request, event.file))
        s.open_request.clear();

    // The IP ↔ MAC link comes from the SEP<MAC>.cnf.xml request (and CTLSEP<MAC>.tlv):
    // rollout §3. (Which phone an IP belongs to is the driver's: the latest SEP request wins.)
    if (request && !event.ip.empty() &&
        (match.role == FileRole::Config || match.role == FileRole::Trust))
        s.ip = event.ip;

    // done is terminal; refused and failed wait for a person (`retry`), whatever follows.
    if (s.state == PhoneState::Done || s.state == PhoneState::Refused ||
        s.state == PhoneState::Failed)
        return;
    if (s.state == PhoneState::Stuck) {
        // Any later event resumes the normal rules (issue 11): from the state stuck interrupted.
        s.state = s.resume_state;
        resuming_ = true;
    }

    if (request)
        on_request(event, match, earlier_step);
    else if (is_nak(event.kind))
        on_nak(event, match, earlier_step);
    // TftpEventKind::Failed (a transfer that broke off: dnsmasq `failed sending`, `timeout
    // sending`) changes nothing: phones retry, and many phones at once time out (rollout §6).

    if (s.state != PhoneState::Settled && s.pending == Pending::Slot)
        s.pending = Pending::None; // it no longer waits for a slot
    if (resuming_)
        change(s.state, text_.back_from_stuck(event.file), event.time_us);
}

void Run::on_request(const TftpEvent& event, const FileMatch& match,
                     const std::optional<FileMatch>& earlier_step) {
    PhoneStatus& s = st();
    switch (match.role) {
    case FileRole::Config:
        if (event.logged_before_write && s.advanced_early_from != 0) {
            on_config_before_write(event);
            return;
        }
        // The phone has read this step's config (phone-files.md §7.1 step 5, §7.3): the settle clock
        // starts. After an early advance, with --confirm, ask whether step k's load runs.
        s.config_read_at_us = event.time_us;
        s.settle_clock_us = event.time_us;
        if (s.advanced_early_from != 0 && options_.confirm && !s.early_checked && !s.held) {
            s.early_checked = true;
            note(text_.early_check(s.advanced_early_from, s.step), event.time_us);
            ask(ActionKind::Confirm, s.step, Pending::EarlyCheck, event.time_us);
        }
        return;
    case FileRole::Loads:
    case FileRole::Term:
        on_loads(event, match);
        return;
    case FileRole::Component:
        on_component(event, match);
        return;
    case FileRole::AfterConfig:
        on_after_config(event, match);
        return;
    case FileRole::Trust:
        restart_settle_clock(event);
        return;
    case FileRole::Other:
        restart_settle_clock(event);
        break;
    }
    if (earlier_step && earlier_step->role == FileRole::Loads) {
        // Issue 11 point 5: after an early advance, asking for step k's .loads again means it
        // still runs the old load: put step k's config back and mark the phone.
        put_back(event.time_us,
                 text_.put_back_loads(earlier_step->matched, s.advanced_early_from, s.step));
    }
    // A component of step k after an early advance: still downloading; nothing to do.
}

void Run::restart_settle_clock(const TftpEvent& event) {
    // A phone still asking for files is still booting: settle_after counts quiet from its last
    // request, not from its config. A 7960 reads SIPDefault.cnf and then its own SIP<MAC>.cnf
    // after the .loads (phone-files.md §7.3), and obeys the image_version of the latter; a boot
    // slow between them, settled at .loads + settle_after, would read step k+1's SIP<MAC>.cnf
    // with step k's SEP file and flash on that mix.
    PhoneStatus& s = st();
    if (s.settle_clock_us)
        s.settle_clock_us = event.time_us;
}

void Run::on_config_before_write(const TftpEvent& event) {
    PhoneStatus& s = st();
    // After an early advance, a config request that was in the log before step k+1's config
    // was written is the reboot that ended step k's download (a backlog read after the write):
    // the phone runs step k's load and read step k's config, so it must be reset to read step
    // k+1's. (After an ordinary advance such a request is still taken as a read, as before:
    // the phone was kicked after the write, and recorded logs replayed whole rely on it.)
    if (s.state != PhoneState::Waiting || s.pending != Pending::None)
        return;
    const unsigned from = s.advanced_early_from;
    s.load = step_spec(from).load.str();
    s.advanced_early_from = 0;
    s.settle_clock_us.reset();
    s.config_read_at_us.reset();
    note(text_.rebooted_before_early_write(from, s.step), event.time_us);
    if (options_.kick && !s.held) {
        change(PhoneState::Waiting, s.step, text_.config_in_place_kicking(s.step), event.time_us);
        ask(ActionKind::Kick, s.step, Pending::Kick, event.time_us);
    } else {
        change(PhoneState::NeedsReset, s.step, text_.needs_reset(s.step, s.load, nullptr, s.held),
               event.time_us);
    }
}

void Run::on_loads(const TftpEvent& event, const FileMatch& match) {
    PhoneStatus& s = st();
    ++s.loads_requests;
    if (spec_.style == BootStyle::Sip7940 && match.role == FileRole::Loads) {
        // A 7940/7960 fetches its .loads on every boot, even on the load it runs (phone-files.md §7.3,
        // Teo En Ming's log): no sign of flashing. The settle clock restarts from it.
        if (s.config_read_at_us)
            s.settle_clock_us = event.time_us;
    } else {
        // Java 79xx: a .loads is asked for only when the config names another load than the
        // running one (phone-files.md §7.1 step 6); a term file starts the factory-reset path (§7.2).
        s.settle_clock_us.reset();
        if (s.state != PhoneState::Fetching)
            change(PhoneState::Fetching,
                   text_.fetching_loads(current(), match.matched, match.role == FileRole::Term,
                                        s.state == PhoneState::Settled),
                   event.time_us);
    }
    // The AUTH FAIL loop: the same .loads or term file again and again with no component after
    // it (blog.tickett.net: a 7906 re-requesting term06.default.loads; phone-files.md §7.2–7.4).
    if (s.loads_requests >= options_.refuse_after)
        refuse(event.time_us, match.matched);
}

void Run::on_component(const TftpEvent& event, const FileMatch& match) {
    PhoneStatus& s = st();
    // Components come after the .loads, in its order (phone-files.md §7.1 step 6; the sccp_manager #79
    // log: jar → cnu → apps → dsp → cvm). On a 7940/7960 only they mean flashing (§7.3).
    s.settle_clock_us.reset();
    s.loads_requests = 0;
    ++s.components_seen;
    const std::size_t count = current().components.size();
    const bool last = match.component + 1 == count;
    std::string reason = text_.fetching_component(current(), match.matched, match.component);
    // --advance on-download (issue 11 point 5): a phone that asked for the last component will
    // flash and reboot by itself; with step k+1's config in place it carries on without a reset.
    // Not on the last step (it settles as usual), not when held, not after a put-back.
    if (options_.advance == MachineOptions::Advance::OnDownload && last && s.step < last_step() &&
        !s.held && !s.put_back) {
        change(PhoneState::Fetching, text_.early_advance(reason, s.step + 1), event.time_us);
        ask(ActionKind::WriteStep, s.step + 1, Pending::EarlyWrite, event.time_us);
        return;
    }
    if (s.state != PhoneState::Fetching)
        change(PhoneState::Fetching, std::move(reason), event.time_us);
}

void Run::on_after_config(const TftpEvent& event, const FileMatch& match) {
    PhoneStatus& s = st();
    // A 7940/7960 that goes on past its .loads finished a boot: the .loads was not a loop.
    if (spec_.style == BootStyle::Sip7940)
        s.loads_requests = 0;
    // Settles at once only from a watching state, and only with the settle clock running: the
    // config of this step was read and no .loads (Java) / component (7940) came after it.
    if (!s.settle_clock_us || (s.state != PhoneState::Waiting && s.state != PhoneState::Fetching &&
                               s.state != PhoneState::NeedsReset))
        return;
    settle(event.time_us, text_.settle_by_file(current(), match.matched));
}

void Run::on_nak(const TftpEvent& event, const FileMatch& match,
                 const std::optional<FileMatch>& earlier_step) {
    // A file of the step refused or not found: failed, naming the file (rollout §3: sysop.ca,
    // networkop/cisco-ansible-provisioning #1 "File not found : SIP11.8-5-4S.loads", the
    // truncating remap of PhantomVl/sccp_manager #46). NAKs for everything else — CTL/ITL files,
    // dialplan.xml, locale files, ring lists, `.sgn` variants — are normal (§3, phone-files.md §7.1).
    switch (match.role) {
    case FileRole::Config:
    case FileRole::Loads:
    case FileRole::Component:
        fail(event.time_us, text_.failed_file(st().step, event, match), false);
        return;
    case FileRole::Term:
        // A factory-reset phone carries on to its SEP file [inference]: nothing failed, and a
        // file it could not get is no part of an AUTH FAIL loop.
        if (st().loads_requests > 0)
            --st().loads_requests;
        break;
    case FileRole::Trust:
    case FileRole::AfterConfig:
    case FileRole::Other:
        break;
    }
    if (earlier_step) {
        fail(event.time_us,
             text_.failed_file(st().advanced_early_from, event, *earlier_step) +
                 text_.put_back_suffix(st().advanced_early_from, st().step),
             true);
    }
}

// ---- decisions -------------------------------------------------------------------------

void Run::settle(std::int64_t time, const std::string& why) {
    PhoneStatus& s = st();
    const StepSpec& step = current();
    s.load = step.load.str();
    s.load_evidence = LoadEvidence::Tftp;
    s.loads_requests = 0;
    s.settle_clock_us.reset();
    s.confirm_attempts = 0;
    std::string reason = text_.settled(step, why);
    // 7940/7960: the TFTP log alone cannot tell settled from about to flash; say so unless
    // the phone's own word will be asked (rollout §3, "confirm by a second signal").
    if (spec_.style == BootStyle::Sip7940 && !options_.confirm)
        reason += text_.tftp_evidence_alone();
    go_on_from_settled(time, reason);
}

void Run::go_on_from_settled(std::int64_t time, const std::string& reason) {
    PhoneStatus& s = st();
    if (s.held) {
        change(PhoneState::Settled, reason + text_.held_suffix(), time);
        return;
    }
    // --confirm http: a settle counts only with the phone's own word (issue 11 point 4).
    if (options_.confirm && s.load_evidence != LoadEvidence::Confirmed) {
        ++s.confirm_attempts;
        change(PhoneState::Settled, reason + text_.asking_phone(), time);
        ask(ActionKind::Confirm, s.step, Pending::Confirm, time);
        return;
    }
    if (s.step == last_step()) {
        change(PhoneState::Done, reason + text_.target_suffix(), time);
        return;
    }
    change(PhoneState::Settled, reason + text_.writing_next(step_spec(s.step + 1), s.step + 1),
           time);
    ask(ActionKind::WriteStep, s.step + 1, Pending::Write, time);
}

void Run::stick(std::int64_t time) {
    PhoneStatus& s = st();
    s.resume_state = s.state;
    change(PhoneState::Stuck, text_.stuck(s, current(), options_.stuck_after_us), time);
}

void Run::refuse(std::int64_t time, const std::string& file) {
    PhoneStatus& s = st();
    std::string reason = text_.refused(current(), file, s.loads_requests);
    // [inference] After an early advance a refusal on k+1 most likely means step k's load did
    // not take: step k's config is what the phone needs either way, so put it back.
    if (s.advanced_early_from != 0 && !s.held) {
        const unsigned back_to = s.advanced_early_from;
        change(PhoneState::Refused, reason + text_.put_back_suffix(back_to, s.step), time);
        ask(ActionKind::RestoreStep, back_to, Pending::Restore, time);
        return;
    }
    change(PhoneState::Refused, std::move(reason), time);
}

void Run::fail(std::int64_t time, std::string reason, bool put_back_early) {
    PhoneStatus& s = st();
    const unsigned back_to = s.advanced_early_from;
    change(PhoneState::Failed, std::move(reason), time);
    if (put_back_early && back_to != 0 && !s.held)
        ask(ActionKind::RestoreStep, back_to, Pending::Restore, time);
}

void Run::put_back(std::int64_t time, std::string reason) {
    PhoneStatus& s = st();
    if (s.held) {
        note(std::move(reason) + text_.held_suffix(), time);
        return;
    }
    const unsigned back_to = s.advanced_early_from;
    note(std::move(reason), time);
    ask(ActionKind::RestoreStep, back_to, Pending::Restore, time);
}

// ---- log time ----------------------------------------------------------------------------

void Run::on(const Tick& tick) {
    if (st().aborted || busy())
        return;
    // A deadline that asked for an action may not be the last one due by this time: the
    // driver carries the action out and feeds the tick again (guarantee 2).
    if (!fire_deadlines(tick.time_us))
        out_.input_applied = false;
}

} // namespace fwplan::rollout::detail
