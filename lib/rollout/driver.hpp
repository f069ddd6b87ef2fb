#pragma once
// The driver of a rollout: it keeps every phone's state machine (phone_machine.hpp), feeds
// each the TFTP events that concern it, the ticks of log time and a person's commands, and
// carries out what the machines ask for — configs into the root (root_writer.hpp), the kick
// command (kick.hpp), the phone's own word (confirm.hpp) — feeding the outcomes back. It keeps
// the machines' guarantees (phone_machine.hpp, "What the driver must guarantee"):
//
// - a phone's inputs in log order; ticks from a queue of deadlines, so 10,000 phones are not
//   all ticked on every line;
// - an action is carried out only after the state that asked for it is committed, with the
//   log position of the line that caused it; a phone with an action in flight gets no other
//   input until its outcome is in (the driver carries out every action queued so far first);
// - after a restart, what was in flight is carried out again (`outstanding`).
//
// Lines are processed in batches: one SQLite transaction per batch, committed before any
// action and at the end of each read, so a killed follower redoes at most one batch — which,
// the machines being deterministic, gives the same states again.

#include "rollout/kick.hpp"
#include "rollout/location.hpp"
#include "rollout/log_follower.hpp"
#include "rollout/phone_machine.hpp"
#include "rollout/store.hpp"

#include <fwplan/rollout.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

namespace fwplan::rollout {

/// How the driver acts.
struct DriverOptions {
    MachineOptions machine;          ///< settle, refuse, stuck, advance, confirm, kick
    std::optional<KickCommand> kick; ///< none: no kick (phones wait in needs-reset)
    std::chrono::milliseconds kick_timeout{30000};
    std::chrono::milliseconds confirm_timeout{3000};
    unsigned wave = 0; ///< 0: no limit
    std::function<void(const Event&)> on_event;
    /// Where the log ends now (LogFollower::end_now); none: every line counts as logged after
    /// every write.
    std::function<LogPosition()> log_end;
};

class Driver {
public:
    /// Loads every phone of the rollout in `store`.
    [[nodiscard]] static Result<Driver> load(const Located& where, Store& store,
                                             DriverOptions options);

    Driver(Driver&&) noexcept;
    Driver& operator=(Driver&&) noexcept;
    ~Driver();

    /// Carries out what the state says is in flight (after a restart), and resets the phones
    /// whose step's config is in place and that nobody reset for it yet (with a kick).
    [[nodiscard]] Result<void> resume(std::int64_t now_us, const LogPosition& position);

    /// One TFTP event; `after` is the log position after its line.
    [[nodiscard]] Result<void> on_event(const TftpEvent& event, const LogPosition& after);
    /// Log time has moved on (a line of no phone, or the wall clock of a live, quiet log).
    [[nodiscard]] Result<void> on_time(std::int64_t time_us, const LogPosition& after);
    /// A person's override; `mac` empty only for abort.
    [[nodiscard]] Result<std::vector<Event>>
    on_override(Override what, const std::string& mac, std::int64_t time_us, const LogPosition& at);

    /// Commits what changed, carries out every queued action, feeds the outcomes back, gives
    /// free wave slots out; repeats until nothing is left to do; commits.
    [[nodiscard]] Result<void> flush(const LogPosition& position);

    /// Every phone is done, refused or failed (or the rollout was aborted).
    [[nodiscard]] bool finished() const;
    /// Phones per state.
    [[nodiscard]] std::map<PhoneState, std::size_t> counts() const;
    /// The latest log time seen.
    [[nodiscard]] std::int64_t log_time() const noexcept;
    /// Transitions recorded, kicks run.
    [[nodiscard]] std::uint64_t transitions() const noexcept;
    [[nodiscard]] std::uint64_t kicks() const noexcept;

private:
    struct Impl;
    explicit Driver(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

/// The MAC a file name carries (`SEP<MAC>.cnf.xml`, `.cnf.xml.sgn`, `CTLSEP<MAC>.tlv`,
/// `ITLSEP<MAC>.tlv`, `SIP<MAC>.cnf`), as 12 upper-case hex digits; empty when none.
[[nodiscard]] std::string mac_in_file_name(std::string_view file);

} // namespace fwplan::rollout
