// The outcomes of the actions the machine asked for, and a person's commands
// (phone_machine.hpp). Outcomes are stamped with the log time of the decision that asked for
// the action, so the record does not depend on when the driver got round to it.
#include "rollout/machine_run.hpp"

#include <utility>

namespace fwplan::rollout::detail {

// ---- outcomes of actions -----------------------------------------------------------------

void Run::on(const ConfigWritten& written) {
    PhoneStatus& s = st();
    if (s.aborted || written.step != s.pending_step || written.step == 0 ||
        written.step > last_step())
        return;
    const std::int64_t time = s.pending_since_us;
    const unsigned from = s.step;
    switch (s.pending) {
    case Pending::Write:
        s.pending = Pending::None;
        if (options_.kick && !s.held) {
            change(PhoneState::Waiting, written.step, text_.config_in_place_kicking(written.step),
                   time);
            ask(ActionKind::Kick, written.step, Pending::Kick, time);
        } else {
            change(PhoneState::NeedsReset, written.step,
                   text_.needs_reset(written.step, s.load, nullptr, s.held), time);
        }
        return;
    case Pending::EarlyWrite:
        s.pending = Pending::None;
        change(PhoneState::Waiting, written.step, text_.written_early(from, written.step), time);
        s.advanced_early_from = from;
        return;
    case Pending::Restore: {
        s.pending = Pending::None;
        // A put-back after a NAK keeps the phone failed (a person must fix the file first).
        const bool failed = s.state == PhoneState::Failed;
        std::string reason = text_.put_back_done(written.step, from);
        if (failed)
            reason = s.reason + "; " + reason;
        change(failed ? PhoneState::Failed : PhoneState::Waiting, written.step, std::move(reason),
               time);
        s.put_back = true;
        return;
    }
    case Pending::None:
    case Pending::Kick:
    case Pending::Confirm:
    case Pending::EarlyCheck:
    case Pending::Slot:
        return; // not what is in flight: a replayed or stale outcome
    }
}

void Run::on(const WriteFailed& failed) {
    PhoneStatus& s = st();
    if (s.aborted || failed.step != s.pending_step)
        return;
    const std::int64_t time = s.pending_since_us;
    switch (s.pending) {
    case Pending::Write:
        s.pending = Pending::None;
        s.held = true;
        note(text_.write_failed(failed.step, failed.detail), time);
        return;
    case Pending::EarlyWrite:
        s.pending = Pending::None;
        note(text_.early_write_failed(failed.step, failed.detail), time);
        return;
    case Pending::Restore:
        s.pending = Pending::None;
        s.held = true;
        note(text_.restore_failed(failed.step, s.step, failed.detail), time);
        return;
    case Pending::None:
    case Pending::Kick:
    case Pending::Confirm:
    case Pending::EarlyCheck:
    case Pending::Slot:
        return;
    }
}

void Run::on(const WriteDeferred& deferred) {
    PhoneStatus& s = st();
    if (s.aborted || deferred.step != s.pending_step)
        return;
    if (s.pending == Pending::Write) {
        // Waves (issue 11 point 6, rollout §6): it stays settled until a slot frees.
        s.pending = Pending::Slot;
        note(text_.waiting_for_slot(deferred.step), s.pending_since_us);
    } else if (s.pending == Pending::EarlyWrite) {
        s.pending = Pending::None;
        note(text_.early_write_deferred(s.step), s.pending_since_us);
    }
}

void Run::on(const SlotGranted& slot) {
    PhoneStatus& s = st();
    if (s.aborted || busy())
        return;
    // Like every input with a log time, it first brings the machine to its time.
    if (!fire_deadlines(slot.time_us)) {
        out_.input_applied = false;
        return;
    }
    if (s.pending != Pending::Slot || s.state != PhoneState::Settled || s.held)
        return;
    const unsigned next = s.pending_step;
    note(text_.slot_free(next), slot.time_us);
    ask(ActionKind::WriteStep, next, Pending::Write, slot.time_us);
}

void Run::on(const KickDone& kick) {
    PhoneStatus& s = st();
    if (s.aborted || s.pending != Pending::Kick)
        return;
    const std::int64_t time = s.pending_since_us;
    s.pending = Pending::None;
    if (kick.ok) {
        note(text_.kicked(s.step, kick.detail), time);
        return;
    }
    change(PhoneState::NeedsReset, text_.needs_reset(s.step, s.load, &kick.detail, false), time);
}

void Run::on(const ConfirmAnswer& answer) {
    PhoneStatus& s = st();
    if (s.aborted || (s.pending != Pending::Confirm && s.pending != Pending::EarlyCheck))
        return;
    const std::int64_t time = s.pending_since_us;
    const bool early_check = s.pending == Pending::EarlyCheck;
    s.pending = Pending::None;
    if (early_check) {
        const unsigned earlier = s.advanced_early_from;
        if (!answer.load) {
            note(text_.early_check_unanswered(answer.detail), time);
            return;
        }
        s.load = *answer.load;
        s.load_evidence = LoadEvidence::Confirmed;
        if (earlier == 0 || equal_ignoring_case(*answer.load, step_spec(earlier).load.str()) ||
            equal_ignoring_case(*answer.load, current().load.str())) {
            note(text_.early_check_agrees(*answer.load, s.step), time);
            return;
        }
        // Issue 11 point 5: "--confirm http says so": put step k's config back.
        note(text_.early_check_disagrees(*answer.load, step_spec(earlier), earlier), time);
        ask(ActionKind::RestoreStep, earlier, Pending::Restore, time);
        return;
    }
    if (!answer.load) {
        note(text_.confirm_unanswered(answer.detail, s.confirm_attempts, options_.settle_after_us),
             time);
        return;
    }
    s.load_evidence = LoadEvidence::Confirmed;
    if (equal_ignoring_case(*answer.load, current().load.str())) {
        s.load = current().load.str();
        if (s.step == last_step()) {
            change(PhoneState::Done, text_.confirmed(s.load) + text_.target_suffix(), time);
            return;
        }
        note(text_.confirmed(s.load) + text_.writing_next(step_spec(s.step + 1), s.step + 1), time);
        ask(ActionKind::WriteStep, s.step + 1, Pending::Write, time);
        return;
    }
    // Issue 11 point 4: a phone that says otherwise is not advanced. Its config still names
    // this step's load: it is back to waiting for the phone to act on it.
    s.load = *answer.load;
    s.settle_clock_us.reset();
    change(PhoneState::Waiting, text_.confirm_disagrees(*answer.load, current()), time);
}

// ---- a person's commands -----------------------------------------------------------------

void Run::on(const Command& command) {
    PhoneStatus& s = st();
    if (s.aborted)
        return;
    const std::int64_t time = command.time_us;
    if (command.kind == Command::Kind::Abort) {
        s.pending = Pending::None;
        s.aborted = true;
        note(text_.aborted(), time);
        return;
    }
    if (busy())
        return;
    // Deadlines due before the command fire first, whether or not another phone's line ticked
    // the machine in between (guarantee 3): a hold after a settle deadline finds it settled.
    if (!fire_deadlines(time)) {
        out_.input_applied = false;
        return;
    }
    switch (command.kind) {
    case Command::Kind::Hold:
        if (s.held)
            return;
        s.held = true;
        if (s.pending == Pending::Slot)
            s.pending = Pending::None;
        note(text_.held(), time);
        return;
    case Command::Kind::Retry:
        retry(time);
        return;
    case Command::Kind::Advance:
        advance_by_hand(time);
        return;
    case Command::Kind::Reset:
        reset(time);
        return;
    case Command::Kind::Abort:
        return;
    }
}

void Run::reset(std::int64_t time) {
    PhoneStatus& s = st();
    if (!options_.kick || s.held || s.step == 0 || s.pending != Pending::None)
        return;
    if (s.state == PhoneState::Waiting) {
        note(text_.resetting(s.step), time);
        ask(ActionKind::Kick, s.step, Pending::Kick, time);
    } else if (s.state == PhoneState::NeedsReset) {
        change(PhoneState::Waiting, text_.resetting(s.step), time);
        ask(ActionKind::Kick, s.step, Pending::Kick, time);
    }
}

void Run::retry(std::int64_t time) {
    PhoneStatus& s = st();
    const bool released = s.held;
    s.held = false;
    const PhoneState state = s.state;
    if (state == PhoneState::Stuck || state == PhoneState::Refused || state == PhoneState::Failed ||
        state == PhoneState::NeedsReset) {
        // Back to waiting on the same step, its config still in place: what the machine knew of
        // the failed attempt is forgotten (the advanced-early and put-back marks stay).
        const unsigned early = s.advanced_early_from;
        const bool checked = s.early_checked;
        forget_step();
        s.advanced_early_from = early;
        s.early_checked = checked;
        s.open_request.clear();
        if (options_.kick) {
            change(PhoneState::Waiting, text_.retry_kicking(state, s.step), time);
            ask(ActionKind::Kick, s.step, Pending::Kick, time);
        } else {
            change(PhoneState::Waiting, text_.retry_reset_by_hand(state, s.step), time);
        }
        return;
    }
    if (state == PhoneState::Settled && s.pending == Pending::None) {
        s.confirm_attempts = 0;
        go_on_from_settled(time, text_.released_settled(released, s.load));
        return;
    }
    if (released)
        note(text_.released(), time);
}

void Run::advance_by_hand(std::int64_t time) {
    PhoneStatus& s = st();
    if (s.state == PhoneState::Done)
        return;
    if (s.step < last_step()) {
        note(text_.advanced_by_hand(step_spec(s.step + 1), s.step + 1), time);
        ask(ActionKind::WriteStep, s.step + 1, Pending::Write, time);
        return;
    }
    s.pending = Pending::None;
    s.load = current().load.str();
    s.load_evidence = LoadEvidence::Manual;
    change(PhoneState::Done, text_.done_by_hand(s.load), time);
}

} // namespace fwplan::rollout::detail
