#pragma once
// Where one phone stands in a rollout (PhoneStatus), what the driver must do for it (Action)
// and what happened to it (Transition). Plain fields only (enums, integers, strings, small
// vectors) so the driver can keep them in SQLite; every enum has a stable name (to_string) and
// its parser, which are part of the contract like the JSON field names (DESIGN.md).

#include <fwplan/error.hpp>
#include <fwplan/rollout.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fwplan::rollout {

// PhoneState, the states of the contract, is public (rollout.hpp).

/// How the machine knows the load in `PhoneStatus::load`.
enum class LoadEvidence {
    From,      ///< `from`: what the plan started from (the inventory's word)
    Tftp,      ///< `tftp`: the TFTP log alone (the phone settled)
    Confirmed, ///< `confirmed`: the phone said so (`--confirm http`)
    Manual,    ///< `manual`: a person said so (`fwplan rollout advance` on the last step)
};

/// An action the machine asked for and whose outcome it waits for (or a deferred advance).
enum class Pending {
    None,       ///< `none`
    Write,      ///< `write`: WriteStep{pending_step} to advance (on settle, or by hand)
    EarlyWrite, ///< `early-write`: WriteStep{pending_step} early (`--advance on-download`)
    Restore,    ///< `restore`: RestoreStep{pending_step} (an early advance put back)
    Kick,       ///< `kick`: Kick{pending_step}
    Confirm,    ///< `confirm`: Confirm before a settle counts
    EarlyCheck, ///< `early-check`: Confirm after an early advance (is step k's load running?)
    Slot,       ///< `slot`: the advance to pending_step waits for a wave slot (no action out)
};

/// What the driver must carry out.
enum class ActionKind {
    WriteStep,   ///< put step `step`'s configs in place (atomically, in the TFTP root)
    Kick,        ///< reset the phone now that step `step`'s config is in place (`--kick`)
    Confirm,     ///< ask the phone what it runs (`--confirm http`, DeviceInformationX)
    RestoreStep, ///< put step `step`'s configs back (an early advance was premature)
};

/// One action for the driver. Carry it out, then feed its outcome back (phone_machine.hpp).
struct Action {
    ActionKind kind = ActionKind::WriteStep; ///< what to do
    unsigned step = 0;                       ///< the step concerned (1-based)
    /// Same kind and step.
    friend bool operator==(const Action&, const Action&) = default;
};

/// One recorded change: of state, of step, or of a flag with the state unchanged (hold,
/// release, abort, a kick that ran, a confirmation). The driver stores each with the log
/// position of the input that caused it.
struct Transition {
    PhoneState from = PhoneState::Waiting; ///< the state before
    PhoneState to = PhoneState::Waiting;   ///< the state after (may equal `from`)
    unsigned step_from = 0;                ///< the step before
    unsigned step = 0;                     ///< the step after
    std::string reason;                    ///< for people: what happened, what to do
    std::int64_t time_us = 0;              ///< the log time the decision belongs to
    /// Equal in every field.
    friend bool operator==(const Transition&, const Transition&) = default;
};

/// Where one phone stands. The machine's only memory: everything it decides follows from
/// this and the input (no clock, no I/O), so storing it is storing the machine.
struct PhoneStatus {
    PhoneState state = PhoneState::Waiting; ///< the state of the contract
    unsigned step = 1; ///< 1-based step whose config is in place (`steps` when done)
    std::string load;  ///< the load it runs, as far as known
    LoadEvidence load_evidence = LoadEvidence::From; ///< how `load` is known
    std::string ip;            ///< learned from its `SEP<MAC>.cnf.xml` (or CTLSEP/ITLSEP) request
    std::int64_t since_us = 0; ///< log time of the last change of state or step
    std::int64_t last_event_us = 0; ///< log time of its last event (the start before any)
    std::string last_file;          ///< the file of its last event

    unsigned loads_requests = 0;  ///< `.loads`/term requests since the last component (this step)
    unsigned components_seen = 0; ///< component requests on this step
    std::optional<std::int64_t> config_read_at_us; ///< its last config request on this step
    /// When the evidence that can settle it began: its config request on this step (7940/60:
    /// or the `.loads` after it); cleared by a `.loads` request (Java 79xx) or a component.
    std::optional<std::int64_t> settle_clock_us;
    std::string open_request; ///< the last file requested and not yet completed

    /// Fingerprints of the events applied at `last_event_us`, so that a replayed line of the
    /// same log time is not applied twice (at most `kMaxSeenAtLastEvent`).
    std::vector<std::string> seen_at_last_event;
    PhoneState resume_state = PhoneState::Waiting; ///< the state `stuck` interrupted

    Pending pending = Pending::None;   ///< the action in flight, or a deferred advance
    unsigned pending_step = 0;         ///< the step of the pending action
    std::int64_t pending_since_us = 0; ///< log time of the decision that asked for it
    unsigned confirm_attempts = 0;     ///< confirmations asked on this step without an answer

    bool held = false;                ///< `hold`: no automatic action until `retry`
    bool aborted = false;             ///< `abort`: the rollout is over; nothing changes any more
    unsigned advanced_early_from = 0; ///< step k when step k+1 went in early (on-download); 0: no
    bool early_checked = false;       ///< the early advance was checked with a confirmation
    bool put_back = false; ///< an early advance was put back: this phone advances on settle only

    std::string reason; ///< for people: the reason of the last transition
    /// Equal in every field (an input that changed nothing gives an equal status).
    friend bool operator==(const PhoneStatus&, const PhoneStatus&) = default;
};

/// At most this many fingerprints in `PhoneStatus::seen_at_last_event`.
inline constexpr std::size_t kMaxSeenAtLastEvent = 16;

/// `from`, `tftp`, `confirmed`, `manual`.
[[nodiscard]] std::string_view to_string(LoadEvidence evidence) noexcept;
/// `none`, `write`, `early-write`, `restore`, `kick`, `confirm`, `early-check`, `slot`.
[[nodiscard]] std::string_view to_string(Pending pending) noexcept;
/// `write-step`, `kick`, `confirm`, `restore-step`.
[[nodiscard]] std::string_view to_string(ActionKind kind) noexcept;

/// Parses a name of `to_string`; `fwplan.rollout.bad-name` otherwise.
[[nodiscard]] Result<LoadEvidence> parse_load_evidence(std::string_view name);
/// Parses a name of `to_string`; `fwplan.rollout.bad-name` otherwise.
[[nodiscard]] Result<Pending> parse_pending(std::string_view name);
/// Parses a name of `to_string`; `fwplan.rollout.bad-name` otherwise.
[[nodiscard]] Result<ActionKind> parse_action_kind(std::string_view name);

} // namespace fwplan::rollout
