// PhoneMachine's public face (phone_machine.hpp); the rules are in machine_events.cpp and
// machine_outcomes.cpp.
#include "rollout/phone_machine.hpp"

#include "rollout/machine_run.hpp"
#include "rollout/reason_text.hpp"

#include <utility>

namespace fwplan::rollout {

Result<PhoneMachine> PhoneMachine::create(PhoneSpec spec, MachineOptions options) {
    const std::string phone = spec.mac.to_string();
    if (spec.steps.empty())
        return bad_input("rollout.bad-spec", "phone " + phone + " has no step to walk")
            .with_hint("a phone that already runs its target needs no rollout");
    for (std::size_t i = 0; i < spec.steps.size(); ++i)
        if (spec.steps[i].loads_file.empty())
            return bad_input("rollout.bad-spec", "step " + std::to_string(i + 1) + " of phone " +
                                                     phone + " names no .loads file");
    std::string wrong;
    if (options.refuse_after == 0)
        wrong = "--refuse-after must be at least 1";
    else if (options.stuck_after_us <= 0)
        wrong = "--stuck-after must be more than 0 seconds";
    else if (options.settle_after_us < 0)
        wrong = "--settle-after must not be negative";
    if (!wrong.empty()) {
        Error error = bad_input("rollout.bad-options", wrong);
        error.kind = ErrorKind::Usage;
        return error;
    }
    return PhoneMachine(std::move(spec), options);
}

PhoneStatus PhoneMachine::initial(std::int64_t start_us) const {
    PhoneStatus status;
    status.state = PhoneState::Waiting;
    status.step = 1;
    status.load = spec_.from.str();
    status.load_evidence = LoadEvidence::From;
    status.since_us = start_us;
    status.last_event_us = start_us;
    status.reason = ReasonText(spec_).started(spec_.steps.front());
    return status;
}

StepResult PhoneMachine::apply(const PhoneStatus& status, const Input& input) const {
    detail::Run run(spec_, options_, status);
    std::visit([&run](const auto& value) { run.on(value); }, input);
    return run.take();
}

std::optional<std::int64_t> PhoneMachine::next_deadline(const PhoneStatus& status) const {
    return detail::deadlines_of(options_, status).earliest();
}

std::vector<Action> PhoneMachine::outstanding(const PhoneStatus& status) const {
    return detail::outstanding_of(status);
}

} // namespace fwplan::rollout
