#include "rollout/waves.hpp"

namespace fwplan::rollout {

PhoneStatus queued_status(const PhoneSpec& spec, std::int64_t time_us) {
    PhoneStatus status;
    status.state = PhoneState::Settled;
    status.step = 0;
    status.load = spec.from.str();
    status.load_evidence = LoadEvidence::From;
    status.since_us = time_us;
    status.last_event_us = time_us;
    status.pending = Pending::Slot;
    status.pending_step = 1;
    status.reason = "runs " + spec.from.str() + "; its step 1 (" +
                    (spec.steps.empty() ? std::string("?") : spec.steps.front().load.str()) +
                    ") waits for a wave slot (--wave)";
    return status;
}

bool holds_slot(const PhoneStatus& status) noexcept {
    if (status.aborted || status.step == 0)
        return false;
    switch (status.state) {
    case PhoneState::Waiting:
    case PhoneState::Fetching:
    case PhoneState::NeedsReset:
        return true;
    case PhoneState::Settled:
        // Its next step's config is being written: the slot is taken from now on.
        return status.pending == Pending::Write || status.pending == Pending::Kick;
    case PhoneState::Done:
    case PhoneState::Stuck:
    case PhoneState::Refused:
    case PhoneState::Failed:
        return false;
    }
    return false;
}

bool wants_slot(const PhoneStatus& status) noexcept {
    return !status.aborted && !status.held && status.state == PhoneState::Settled &&
           status.pending == Pending::Slot;
}

} // namespace fwplan::rollout
