#pragma once
// The inside of PhoneMachine (phone_machine.hpp): one Run applies one input to a copy of the
// status. Split over three files by job: machine_run.cpp (recording, deadlines),
// machine_events.cpp (the rules for TFTP events and the decisions they lead to),
// machine_outcomes.cpp (outcomes of actions, a person's commands).

#include "rollout/boot_files.hpp"
#include "rollout/phone_machine.hpp"
#include "rollout/reason_text.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fwplan::rollout::detail {

/// An action is in flight (its outcome not yet fed back); a deferred advance is not.
[[nodiscard]] bool in_flight(Pending pending) noexcept;

/// `time + span`, saturated: log times come from parsed lines and spans from the command line,
/// and their sum must never overflow.
[[nodiscard]] std::int64_t later(std::int64_t time, std::int64_t span) noexcept;

/// The log times at which a tick would change a status.
struct Deadlines {
    std::optional<std::int64_t> settle;  ///< Java: no .loads after the config; 7940: no component
    std::optional<std::int64_t> stuck;   ///< no event of the phone
    std::optional<std::int64_t> confirm; ///< ask the phone again

    /// The first of them.
    [[nodiscard]] std::optional<std::int64_t> earliest() const;
};

/// The deadlines of `status` under `options`.
[[nodiscard]] Deadlines deadlines_of(const MachineOptions& options, const PhoneStatus& status);

/// The action in flight in `status`, if any.
[[nodiscard]] std::vector<Action> outstanding_of(const PhoneStatus& status);

class Run {
public:
    Run(const PhoneSpec& spec, const MachineOptions& options, const PhoneStatus& status)
        : spec_(spec), options_(options), text_(spec) {
        out_.status = status;
    }

    StepResult take() { return std::move(out_); }

    void on(const TftpEvent& event);
    void on(const Tick& tick);
    void on(const ConfigWritten& written);
    void on(const WriteFailed& failed);
    void on(const WriteDeferred& deferred);
    void on(const SlotGranted& slot);
    void on(const KickDone& kick);
    void on(const ConfirmAnswer& answer);
    void on(const Command& command);

private:
    PhoneStatus& st() { return out_.status; }
    const StepSpec& step_spec(unsigned step) const { return spec_.steps[step - 1]; }
    const StepSpec& current() { return step_spec(st().step); }
    unsigned last_step() const { return static_cast<unsigned>(spec_.steps.size()); }

    // Records a transition; a change of step clears what the machine knew of the old step.
    void change(PhoneState to, unsigned step, std::string reason, std::int64_t time);
    void change(PhoneState to, std::string reason, std::int64_t time) {
        change(to, st().step, std::move(reason), time);
    }
    // A transition that keeps the state and the step (a flag, a kick that ran, ...).
    void note(std::string reason, std::int64_t time) {
        change(st().state, st().step, std::move(reason), time);
    }
    void ask(ActionKind kind, unsigned step, Pending pending, std::int64_t time);
    void forget_step();
    // True (and the input not applied) while an action is in flight: guarantee 2.
    bool busy();
    // Fires the deadlines due at `now`; false when one asked for an action.
    bool fire_deadlines(std::int64_t now);

    void on_request(const TftpEvent& event, const FileMatch& match,
                    const std::optional<FileMatch>& earlier_step);
    void on_loads(const TftpEvent& event, const FileMatch& match);
    void on_config_before_write(const TftpEvent& event);
    // Another request of a boot in progress: the settle clock counts from it.
    void restart_settle_clock(const TftpEvent& event);
    void on_component(const TftpEvent& event, const FileMatch& match);
    void on_after_config(const TftpEvent& event, const FileMatch& match);
    void on_nak(const TftpEvent& event, const FileMatch& match,
                const std::optional<FileMatch>& earlier_step);

    void settle(std::int64_t time, const std::string& why);
    void go_on_from_settled(std::int64_t time, const std::string& reason);
    void stick(std::int64_t time);
    void refuse(std::int64_t time, const std::string& file);
    void fail(std::int64_t time, std::string reason, bool put_back_early);
    void put_back(std::int64_t time, std::string reason);
    void retry(std::int64_t time);
    void advance_by_hand(std::int64_t time);
    void reset(std::int64_t time);

    const PhoneSpec& spec_;
    const MachineOptions& options_;
    ReasonText text_;
    StepResult out_;
    bool resuming_ = false; // the event found the phone stuck: its first transition leaves stuck
};

} // namespace fwplan::rollout::detail
