#pragma once
// The per-phone state machine of `fwplan rollout follow` (issue 11): pure, deterministic, no
// I/O and no clock. It applies one input — a TFTP log event of this phone, a tick of log time,
// the outcome of an action, a person's command — to a PhoneStatus and returns the new status,
// the actions the driver must carry out and the transitions to record.
//
// # States (the contract; names in phone_status.hpp)
//
// | state         | meaning                                                                 |
// |---------------|-------------------------------------------------------------------------|
// | `waiting`     | the step's config is in place; the phone has not yet shown what it does |
// | `fetching`    | it asked for the step's `.loads`/term file (Java 79xx) or a component    |
// | `settled`     | it runs the step's load; passing: a wave slot, a confirmation, or held   |
// | `needs-reset` | the step's config is in place, nobody has reset the phone: a person must |
// | `done`        | it runs the target (terminal)                                           |
// | `stuck`       | waiting or fetching, and no request from it for `stuck_after`            |
// | `refused`     | the AUTH FAIL loop (sticky until `retry`)                               |
// | `failed`      | a file of the step was not found or refused with a NAK (sticky)          |
//
// `step` is the step whose config is in place; it changes only when the driver reports that a
// config was written (ConfigWritten), never on a guess.
//
// # Rules (sources beside the code in machine_events.cpp and machine_outcomes.cpp; [inference]
// where the notes infer; (decision) where the issue says nothing and this module chose)
//
// - Config: the phone's `SEP<MAC>.cnf.xml` request starts the settle clock and gives its IP.
// - Java 79xx settle: config read, then no request for the step's `.loads` (or a term file)
//   within `settle_after` of log time ⇒ it runs the step's load ⇒ `settled`. A file asked for
//   only after the config by a phone that stays on its load (kJavaAfterConfigFiles, `*.jar`)
//   settles it at once.
// - 7940/7960: the `.loads` comes on every boot, so only a listed component means `fetching`.
//   Config (and `.loads`), then RINGLIST.DAT / dialplan.xml (asked for after SIPDefault.cnf and
//   SIP<MAC>.cnf were read) with no component, or `settle_after` of quiet with no component ⇒
//   `settled`; without `confirm` the reason says that TFTP evidence alone decided.
// - `fetching`: the step's `.loads` (Java 79xx) or a term file, or any listed component.
// - `refused`: the step's `.loads` or a term file asked for `refuse_after` times with no
//   component after it; the reason names the step's fallback when it has one.
// - `failed`: NotFound/Refused for the step's `.loads`, a listed component (or the remapped name
//   of one), or the phone's own `SEP<MAC>.cnf.xml`; the reason names the file. NAKs for every
//   other file (CTLSEP/ITLSEP/ITLFile.tlv, dialplan.xml, locale files, ring lists, `.sgn`
//   variants, term files) are normal and change nothing. A transfer that broke off
//   (TftpEventKind::Failed) changes nothing either: phones retry.
// - `stuck`: waiting or fetching with no event of the phone for `stuck_after` (ticks drive
//   it); its next event resumes the normal rules (one transition out of `stuck`).
//   `needs-reset` and `settled` never become stuck.
// - Advance (OnSettle): settled on step k < n ⇒ with `confirm`, Confirm first (a phone that
//   says it runs another load goes back to `waiting`, with the reason) ⇒ WriteStep{k+1} ⇒
//   ConfigWritten ⇒ with a kick: `waiting` on k+1 and Kick{k+1} (a failed kick ⇒ `needs-reset`);
//   without: `needs-reset` on k+1. Settled on the last step ⇒ `done`.
// - Waves: the driver may answer WriteStep with WriteDeferred (no free slot): the phone stays
//   `settled` (pending `slot`) until SlotGranted. It withdraws when it leaves `settled`.
// - OnDownload: the last listed component of step k < n asked for ⇒ WriteStep{k+1} at once, no
//   kick ⇒ `waiting` on k+1, flag advanced_early_from = k. If it then still runs the old load —
//   it asks for step k's `.loads` again, a confirmation says so (asked at its first config
//   request on k+1), a NAK for a file of step k, or it is refused on k+1 [inference] —
//   RestoreStep{k} and the phone is marked (put_back: from then on it advances on settle).
// - Commands: `advance` (write the next step now; on the last step: mark done), `hold` (no
//   automatic action until `retry`), `retry` (stuck/refused/failed/needs-reset ⇒ `waiting` on
//   the same step, with Kick when a kick is configured; held ⇒ released), `abort` (terminal:
//   every later input changes nothing).
//
// Decisions beyond the issue:
// - A NAK for the phone's own `SEP<MAC>.cnf.xml` fails it: fwplan put that file in place, so
//   the server serves another root or changes names (dnsmasq --tftp-lowercase). The `.sgn`
//   variant's NAK is normal. A NAK for a term file is harmless and takes its request off the
//   refusal count (a factory-reset phone goes on to its config [inference]).
// - A completion line (`sent F`, `Client … finished F`) for the file last requested is not a
//   second request; one with no request before it (dnsmasq logs only completions) is one.
// - `done`, `refused` and `failed` are sticky: later events update the IP and the last event
//   but not the state (`retry` resumes refused and failed; done is final).
// - Java 79xx: asking for the `.loads` again after a settle ⇒ `fetching` (it did not run it).
//   7940/7960: a boot that goes on past its `.loads` resets the refusal count.
// - The kick is asked only after ConfigWritten; while it runs the phone is `waiting` (its
//   config is in place and it has not been seen on the step); KickDone{ok} is recorded as a
//   transition that keeps the state. A held phone is not kicked after a manual advance.
// - Confirm with no answer: asked again `settle_after` later, kMaxConfirmAttempts times in
//   all; then it stays `settled` and the reason says what to check. A disagreeing answer ⇒
//   `waiting` on the same step with `load` set to what the phone said (evidence `confirmed`).
// - `retry` with a kick configured kicks the phone (it must re-read its config to try again).
// - `advance` on the last step marks the phone `done` with evidence `manual`; `advance`
//   bypasses waves and confirmation (a person decided).
// - WriteFailed for an advance or a put-back holds the phone (a person must look); for an early
//   write it only falls back to advancing on settle. An early write that finds no wave slot
//   is dropped likewise.
// - After a put-back (on-download) the phone is marked `put_back` and never advanced early
//   again, so a phone that does not take early advances cannot loop.
//
// # What the driver must guarantee
//
// 1. Feed each phone's inputs in log order, with log times that do not go back (a central
//    rsyslog file: one order per follower). Events older than `last_event_us` are ignored, and
//    so is an event equal in time, kind and names to one already applied at that same time (a
//    replayed line, or an RRQ retransmitted within the same second); replays of anything
//    newer are the driver's to prevent, by the log position it stores with each transition.
// 2. Carry out `actions` in order and feed each outcome back before any other input of the
//    phone. An input that arrives while an action is in flight (or an event/tick that found a
//    deadline due which asked for an action) is NOT applied: `input_applied` is false and
//    `actions` lists what to do first; feed the same input again afterwards.
// 3. Tick phones with the time of each later log line (of any phone) so that settle and stuck
//    deadlines fire; `next_deadline` says when a phone needs one, so a fleet can keep a queue
//    instead of ticking every phone. Every input with a log time (an event, a command other
//    than abort, a slot grant) first fires the deadlines due by its time, and a deadline's
//    transition carries the deadline's own log time, not the tick's: the answer does not depend
//    on which other lines came in between (the property test checks this). Log time moves
//    only with lines: a follower reading a live, quiet log should tick with the wall clock
//    mapped to log time, or a lone phone whose last line was its config never settles.
// 4. After a restart, carry out `outstanding(status)` before feeding anything (the stored
//    status may have an action in flight; WriteStep and RestoreStep are idempotent, a repeated
//    kick only resets the phone once more).
// 5. Never defer a RestoreStep or a Kick; WriteDeferred is for WriteStep only.

#include "rollout/phone_spec.hpp"
#include "rollout/phone_status.hpp"
#include "rollout/tftp_event.hpp"

#include <fwplan/error.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace fwplan::rollout {

/// Log time has moved on to `time_us` (the time of a later line, of any phone).
struct Tick {
    std::int64_t time_us = 0; ///< log time
};

/// WriteStep{step} or RestoreStep{step} was carried out: that step's configs are in place.
struct ConfigWritten {
    unsigned step = 0; ///< the step whose configs were written
};

/// WriteStep{step} or RestoreStep{step} failed; nothing was changed in the root.
struct WriteFailed {
    unsigned step = 0;  ///< the step that could not be written
    std::string detail; ///< what went wrong (the Error's description)
};

/// WriteStep{step} was not carried out: no wave slot is free (`--wave`).
struct WriteDeferred {
    unsigned step = 0; ///< the step that waits
};

/// A wave slot is free for this phone.
struct SlotGranted {
    std::int64_t time_us = 0; ///< log time
};

/// The outcome of Kick.
struct KickDone {
    bool ok = false;    ///< the command exited 0 within its time
    std::string detail; ///< its exit status or error, for the reason
};

/// The outcome of Confirm: the phone's own word.
struct ConfirmAnswer {
    /// The load it runs, in the form of the step's load IDs (`SIP41.9-4-2SR3-1S`,
    /// `P0S3-8-12-00`); compared without regard to case. None when it did not answer.
    std::optional<std::string> load;
    std::string detail; ///< why there is no answer (timeout, HTTP status, unreadable page)
};

/// A person's command (`fwplan rollout advance|hold|retry|abort`).
struct Command {
    /// Which command.
    enum class Kind {
        Advance,
        Hold,
        Retry,
        Abort,
        /// The follower resets a phone whose step's config is in place and that has not been
        /// reset for it (right after `start`, or after a person's advance): with a kick
        /// configured, Kick{step}; a phone in `needs-reset` goes back to `waiting` first.
        Reset,
    };
    Kind kind = Kind::Hold;   ///< which command
    std::int64_t time_us = 0; ///< log time it is recorded at
};

/// One input of the machine.
using Input = std::variant<TftpEvent, Tick, ConfigWritten, WriteFailed, WriteDeferred, SlotGranted,
                           KickDone, ConfirmAnswer, Command>;

/// What applying one input gives.
struct StepResult {
    PhoneStatus status;                  ///< the new status (the old one when nothing changed)
    std::vector<Action> actions;         ///< what the driver must carry out, in order
    std::vector<Transition> transitions; ///< what to record, in order
    bool input_applied = true;           ///< false: carry out `actions`, then feed it again
};

/// The state machine of one phone. Cheap to copy; holds the phone's spec and the options.
class PhoneMachine {
public:
    /// Checks the spec (at least one step, each with its `.loads`) and the options
    /// (`refuse_after` ≥ 1, `stuck_after` > 0, `settle_after` ≥ 0): `fwplan.rollout.bad-spec`
    /// or `fwplan.rollout.bad-options` otherwise.
    [[nodiscard]] static Result<PhoneMachine> create(PhoneSpec spec, MachineOptions options);

    /// The status right after `rollout start` wrote step 1's configs at log time `start_us`:
    /// `waiting` on step 1, running `from`. Events older than `start_us` are ignored.
    [[nodiscard]] PhoneStatus initial(std::int64_t start_us) const;

    /// Applies one input (see the driver's guarantees in this header).
    [[nodiscard]] StepResult apply(const PhoneStatus& status, const Input& input) const;

    /// The earliest log time at which a tick would change `status` (settle, stuck, a repeated
    /// confirmation), or none.
    [[nodiscard]] std::optional<std::int64_t> next_deadline(const PhoneStatus& status) const;

    /// The action in flight in `status` (to carry out after a restart), or none.
    [[nodiscard]] std::vector<Action> outstanding(const PhoneStatus& status) const;

    /// The phone.
    [[nodiscard]] const PhoneSpec& spec() const noexcept { return spec_; }
    /// The options.
    [[nodiscard]] const MachineOptions& options() const noexcept { return options_; }

private:
    PhoneMachine(PhoneSpec spec, MachineOptions options)
        : spec_(std::move(spec)), options_(options) {}

    PhoneSpec spec_;
    MachineOptions options_;
};

/// Confirmations asked on one step when the phone does not answer, `settle_after` apart.
inline constexpr unsigned kMaxConfirmAttempts = 3;

} // namespace fwplan::rollout
