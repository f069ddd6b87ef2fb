// Recording transitions and actions, and the deadlines of log time (machine_run.hpp).
#include "rollout/machine_run.hpp"

#include <algorithm>
#include <limits>
#include <utility>

namespace fwplan::rollout::detail {

bool in_flight(Pending pending) noexcept {
    return pending != Pending::None && pending != Pending::Slot;
}

std::int64_t later(std::int64_t time, std::int64_t span) noexcept {
    if (span > 0 && time > std::numeric_limits<std::int64_t>::max() - span)
        return std::numeric_limits<std::int64_t>::max();
    return time + span;
}

std::optional<std::int64_t> Deadlines::earliest() const {
    std::optional<std::int64_t> first;
    for (const auto& when : {settle, stuck, confirm})
        if (when && (!first || *when < *first))
            first = when;
    return first;
}

Deadlines deadlines_of(const MachineOptions& options, const PhoneStatus& status) {
    Deadlines due;
    if (status.aborted || in_flight(status.pending))
        return due;
    const PhoneState state = status.state;
    // A phone someone reset by hand (needs-reset) settles like a waiting one.
    if ((state == PhoneState::Waiting || state == PhoneState::Fetching ||
         state == PhoneState::NeedsReset) &&
        status.settle_clock_us)
        due.settle = later(*status.settle_clock_us, options.settle_after_us);
    // Only waiting and fetching become stuck: needs-reset waits for a person by definition,
    // settled for a slot, a confirmation or a person (issue 11, "States").
    if (state == PhoneState::Waiting || state == PhoneState::Fetching)
        due.stuck = later(std::max(status.last_event_us, status.since_us), options.stuck_after_us);
    if (state == PhoneState::Settled && options.confirm && !status.held &&
        status.pending == Pending::None && status.load_evidence != LoadEvidence::Confirmed &&
        status.confirm_attempts > 0 && status.confirm_attempts < kMaxConfirmAttempts)
        due.confirm = later(status.pending_since_us, options.settle_after_us);
    return due;
}

std::vector<Action> outstanding_of(const PhoneStatus& status) {
    switch (status.pending) {
    case Pending::Write:
    case Pending::EarlyWrite:
        return {{ActionKind::WriteStep, status.pending_step}};
    case Pending::Restore:
        return {{ActionKind::RestoreStep, status.pending_step}};
    case Pending::Kick:
        return {{ActionKind::Kick, status.pending_step}};
    case Pending::Confirm:
    case Pending::EarlyCheck:
        return {{ActionKind::Confirm, status.pending_step}};
    case Pending::None:
    case Pending::Slot:
        break;
    }
    return {};
}

void Run::change(PhoneState to, unsigned step, std::string reason, std::int64_t time) {
    PhoneStatus& s = st();
    Transition transition{s.state, to, s.step, step, reason, time};
    if (resuming_) {
        transition.from = PhoneState::Stuck;
        resuming_ = false;
    }
    if (step != s.step) {
        s.step = step;
        forget_step();
    }
    if (transition.from != to || transition.step_from != step)
        s.since_us = time;
    s.state = to;
    s.reason = std::move(reason);
    out_.transitions.push_back(std::move(transition));
}

void Run::ask(ActionKind kind, unsigned step, Pending pending, std::int64_t time) {
    PhoneStatus& s = st();
    s.pending = pending;
    s.pending_step = step;
    s.pending_since_us = time;
    out_.actions.push_back({kind, step});
}

void Run::forget_step() {
    PhoneStatus& s = st();
    s.loads_requests = 0;
    s.components_seen = 0;
    s.config_read_at_us.reset();
    s.settle_clock_us.reset();
    s.confirm_attempts = 0;
    s.advanced_early_from = 0;
    s.early_checked = false;
}

bool Run::busy() {
    if (!in_flight(st().pending))
        return false;
    out_.input_applied = false;
    out_.actions = outstanding_of(st());
    return true;
}

bool Run::fire_deadlines(std::int64_t now) {
    // Each deadline that fires leaves a state without deadlines (settled, done, stuck) or puts
    // an action in flight, so two rounds suffice; four bound the loop regardless.
    for (int round = 0; round < 4; ++round) {
        const Deadlines due = deadlines_of(options_, st());
        const std::optional<std::int64_t> when = due.earliest();
        if (!when || *when > now)
            return true;
        if (due.settle == when)
            settle(*when, text_.settle_by_time(current(), options_.settle_after_us));
        else if (due.stuck == when)
            stick(*when);
        else {
            ++st().confirm_attempts;
            note(text_.confirm_again(st().confirm_attempts), *when);
            ask(ActionKind::Confirm, st().step, Pending::Confirm, *when);
        }
        if (!out_.actions.empty())
            return false;
    }
    return true;
}

} // namespace fwplan::rollout::detail
