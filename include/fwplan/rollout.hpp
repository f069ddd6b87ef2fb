#pragma once
/// @file rollout.hpp
/// Phones walk their chain by themselves: `fwplan rollout`. A rollout puts each phone's step-1
/// configs into the TFTP root (`start`), then follows the TFTP server's own log (`follow`):
/// when a phone has settled on step k, its step k+1 configs go into the root and the phone is
/// reset through a command of the user's (`--kick`, usually the PBX's "reset this phone"),
/// until every phone runs its target. `status` says where every phone stands; `override_phone`
/// is a person's hand on the walk (advance, hold, retry, abort).
///
/// Phones do not poll for a changed config: a step happens only when the config names the
/// next load and the phone re-reads it, which means a reset (the waynemerricks/Cisco7942FreePBX
/// README: "I can't even see the phone polling the TFTP server"). What a phone does is seen
/// only in what it asks the TFTP server for, so the log decides:
///
/// | state         | meaning                                                                  |
/// |---------------|--------------------------------------------------------------------------|
/// | `waiting`     | the step's config is in place; the phone has not been seen on this step  |
/// | `fetching`    | it asked for the step's `.loads` (or a term file) or one of its components |
/// | `settled`     | it runs the step's load (read its config and asked for no `.loads`); passing |
/// | `needs-reset` | the next config is in place but nobody reset the phone: a person must     |
/// | `done`        | it runs the target                                                       |
/// | `stuck`       | no request from it for `--stuck-after` (default 30 minutes of log time)  |
/// | `refused`     | the AUTH FAIL loop: the `.loads` asked for again and again, no component |
/// | `failed`      | a file of the step was refused or not found: the reason names it         |
///
/// Decisions are made on log time (the timestamps of the lines), never the wall clock, so a
/// replayed log gives the same answer; each transition is stored with the log position that
/// caused it, so a follower killed at any moment resumes exactly where it stopped and never
/// advances a phone twice. The state is an SQLite database outside the TFTP root (anything in
/// the root can be read by any TFTP client, and the state holds the fleet's layout and its
/// configs, passwords included): by default under `/var/lib/fwplan/`, one per root.
///
/// The whole story, with the servers' log settings and kick recipes for Asterisk, FreeSWITCH
/// and chan-sccp, is in docs/rollout.md.
///
/// **Example**
///
///     fwplan::rollout::Location where{"/srv/tftp", {}};   // state: the default for the root
///     auto inventory = fwplan::read_inventory("phones.csv");
///     fwplan::rollout::StartOptions start;
///     start.config.sip.server = "192.168.178.1";
///     auto started = fwplan::rollout::start(fwplan::Planner::builtin(), *inventory, where, start);
///     if (!started || !started->missing.empty())
///         return 1;                                       // stage the packages it names first
///     fwplan::rollout::FollowOptions follow;
///     follow.log = "/var/log/syslog";
///     follow.kick = "asterisk -rx 'sip notify cisco-reset %n'";
///     auto followed = fwplan::rollout::follow(where, follow);  // until every phone is through

#include <fwplan/diagnostic.hpp>
#include <fwplan/error.hpp>
#include <fwplan/fleet.hpp>
#include <fwplan/inventory.hpp>
#include <fwplan/load_id.hpp>
#include <fwplan/mac_address.hpp>
#include <fwplan/planner.hpp>
#include <fwplan/stage.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fwplan::rollout {

/// Where a phone stands (the table in the file comment). The names are a contract.
enum class PhoneState {
    Waiting,    ///< `waiting`
    Fetching,   ///< `fetching`
    Settled,    ///< `settled`
    NeedsReset, ///< `needs-reset`
    Done,       ///< `done`
    Stuck,      ///< `stuck`
    Refused,    ///< `refused`
    Failed,     ///< `failed`
};

/// `waiting`, `fetching`, `settled`, `needs-reset`, `done`, `stuck`, `refused`, `failed`.
[[nodiscard]] std::string_view to_string(PhoneState state) noexcept;
/// Parses a name of `to_string`; `fwplan.rollout.bad-name` otherwise.
[[nodiscard]] Result<PhoneState> parse_phone_state(std::string_view name);

/// Which TFTP server's lines a follower reads (docs/rollout.md shows each server's lines).
/// `auto` decides line by line, so a central rsyslog file of several hosts and servers works.
enum class LogFormat { Auto, TftpdHpa, Dnsmasq, Atftpd, JournalJson };

/// `auto`, `tftpd-hpa`, `dnsmasq`, `atftpd`, `journal-json`.
[[nodiscard]] std::string_view to_string(LogFormat format) noexcept;
/// The format a name given on the command line stands for; a usage error
/// (`fwplan.rollout.log-format`) naming the accepted names otherwise.
[[nodiscard]] Result<LogFormat> parse_log_format(std::string_view name);

/// When the next step's config goes into the root.
enum class Advance {
    OnSettle,   ///< `on-settle`: once the phone runs the step's load (the default)
    OnDownload, ///< `on-download`: once it asks for the step's last component; it then comes
                ///< back from its own reboot to the next config, and needs no reset
};

/// `on-settle`, `on-download`.
[[nodiscard]] std::string_view to_string(Advance advance) noexcept;
/// Parses a name of `to_string`; a usage error (`fwplan.rollout.advance`) otherwise.
[[nodiscard]] Result<Advance> parse_advance(std::string_view name);

/// Where a rollout lives: the TFTP root it walks phones in, and its state.
struct Location {
    std::filesystem::path tftp_root; ///< the TFTP server's root folder
    /// The SQLite state; empty: `default_state_path(tftp_root)`. Never inside the root.
    std::filesystem::path state;
};

/// `/var/lib/fwplan/<the root's absolute path, '/' as '-'>.rollout.sqlite`: one state per
/// TFTP root (`/srv/tftp` gives `/var/lib/fwplan/srv-tftp.rollout.sqlite`).
[[nodiscard]] std::filesystem::path default_state_path(const std::filesystem::path& tftp_root);

// ---------------------------------------------------------------------------------------
// start

/// How to start a rollout.
struct StartOptions {
    /// The configs of every step, as `emit_configs` makes them (template or built-in, SIP
    /// settings, the target of phones that name none, `policy.force`, `dial_plan`); `out_dir`
    /// is not used: the configs go into the TFTP root. With `policy.force` a different
    /// `SEP<MAC>.cnf.xml` already in the root is replaced, and kept for `fwplan stage --undo`.
    EmitOptions config;
    /// `--wave N`: at most N phones have a step's config in place and not yet settled at a
    /// time (docs/rollout.md: why firmware is served in waves); 0: no limit.
    unsigned wave = 0;
};

/// A package the root lacks for a step some phone takes.
struct MissingFirmware {
    LoadId load;                     ///< the step's load
    std::string package;             ///< the package that brings it, to stage
    std::vector<std::string> files;  ///< what the root lacks of it
    std::vector<std::string> phones; ///< the phones (MACs) whose walk needs it
};

/// One phone of a started rollout.
struct StartedPhone {
    MacAddress mac;            ///< the phone
    std::string model;         ///< canonical model number
    LoadId from;               ///< what it runs
    LoadId to;                 ///< its target
    std::vector<LoadId> loads; ///< one per step
    bool queued = false;       ///< its step 1 waits for a wave slot (`--wave`)
};

/// What `start` did.
struct StartReport {
    std::filesystem::path state;          ///< the state written
    std::vector<StartedPhone> phones;     ///< in MAC order
    std::vector<RowError> failed;         ///< rows that could not be planned; not in the rollout
    std::vector<MissingFirmware> missing; ///< not empty: nothing was written, nothing recorded
    std::vector<StageConflict> conflicts; ///< not empty: nothing was written (give `force`)
    StageReport written;                  ///< the configs put into the root
    std::vector<Diagnostic> notes;        ///< lints, shared files left as they were, plan notes

    /// Phones were recorded and their step-1 configs put into the root.
    [[nodiscard]] bool started() const noexcept {
        return missing.empty() && conflicts.empty() && !phones.empty();
    }
};

/// Plans every phone of `inventory` with `planner`, checks that the TFTP root holds every
/// step's firmware (else `missing` names the packages to stage and nothing is written),
/// writes each phone's step-1 configs into the root through the stager's transactional
/// writer (stage.hpp: conflicts, backups, undo), and records the rollout in its state.
/// Files one root holds once (`SIPDefault.cnf`, `OS79XX.TXT`, `dialplan.xml`) are written
/// only where the root has none; each phone's own files carry its load. Phones with no step
/// to take (they run their target) are left out, with a note.
///
/// Errors: the root is not a folder (Io), the state is inside the root or a rollout is
/// already recorded in it (`fwplan.rollout.exists`, NotPossible: finish or abort it first),
/// the state cannot be written (Io), and those of `stage`.
[[nodiscard]] Result<StartReport> start(const Planner& planner, const Inventory& inventory,
                                        const Location& where, const StartOptions& options);

// ---------------------------------------------------------------------------------------
// follow

/// One transition of one phone, as `follow` and `override_phone` report it.
struct Event {
    MacAddress mac;                        ///< the phone
    std::string model;                     ///< canonical model number
    std::string ip;                        ///< as far as known
    PhoneState from = PhoneState::Waiting; ///< the state before
    PhoneState to = PhoneState::Waiting;   ///< the state after (may equal `from`: a note)
    unsigned step_from = 0;                ///< the step before
    unsigned step = 0;                     ///< the step after
    unsigned steps = 0;                    ///< the phone's number of steps
    std::string load;                      ///< the load it runs, as far as known
    std::string reason;                    ///< what happened and what to do, in words
    std::int64_t time_us = 0;              ///< log time (µs since the Unix epoch, UTC)
    std::string origin;                    ///< `log`, `command` (a person), `start`
};

/// How to follow.
struct FollowOptions {
    /// The TFTP server's log: a file (followed as it grows, like `tail -F`: rotation by
    /// rename and by copytruncate survive), or `-` for standard input.
    std::filesystem::path log;
    LogFormat format = LogFormat::Auto; ///< whose lines
    /// Read to the end of what is there and return (replays, cron jobs, the tests); else
    /// follow until every phone is done or failed, or until `stop`.
    bool once = false;
    /// `--kick`: resets a phone whose next config is in place, e.g.
    /// `asterisk -rx 'sip notify cisco-reset %n'`; split into words as a shell would (quotes
    /// respected), then `%m` (MAC, 12 upper-case hex digits), `%i` (IP), `%l` (next load),
    /// `%s` (step number), `%n` (SEP file name) put in; run without a shell unless the command
    /// is `sh -c '…'`. Empty: no kick; phones then wait in `needs-reset` for a person.
    std::string kick;
    std::chrono::seconds kick_timeout{30}; ///< a kick running longer is stopped (and failed)
    /// `--settle-after`, in log time: how long a phone that read its config and asked for no
    /// `.loads` (no component, on a 7940/7960) must go without another request to count as
    /// settled. Counted from its last request, so a boot still reading files is not settled.
    std::chrono::seconds settle_after{30};
    unsigned refuse_after = 3;              ///< `--refuse-after`
    std::chrono::seconds stuck_after{1800}; ///< `--stuck-after`, in log time
    Advance advance = Advance::OnSettle;    ///< `--advance`
    /// `--confirm http`: before a step counts as settled, ask the phone: GET
    /// `http://<ip>/DeviceInformationX` and read the load it runs (bounded in time and size);
    /// a phone that says otherwise is not advanced. The phone's web server must be on
    /// (`<webAccess>0</webAccess>` in its config).
    bool confirm_http = false;
    /// The TFTP servers' own roots as their log names them (dnsmasq logs absolute paths below
    /// its root, which may differ from the TFTP root given here).
    std::vector<std::string> server_roots;
    /// The year of classic syslog timestamps (they carry none); 0: the current year.
    int year = 0;
    /// Called with every transition as it is recorded (on the calling thread).
    std::function<void(const Event&)> on_event;
    /// Called after each batch of lines, with the counts per state: drives a live view.
    std::function<void(const std::map<PhoneState, std::size_t>&)> on_progress;
    /// Set by a signal handler (SIGINT, SIGTERM): the follower stops at the next line with
    /// its state consistent.
    const std::atomic<bool>* stop = nullptr;
};

/// What `follow` did.
struct FollowReport {
    std::uint64_t lines = 0;                  ///< log lines read
    std::uint64_t events = 0;                 ///< TFTP events among them
    std::uint64_t transitions = 0;            ///< transitions recorded
    std::uint64_t kicks = 0;                  ///< kick commands run
    std::map<PhoneState, std::size_t> counts; ///< phones per state at the end
    bool finished = false;                    ///< every phone is done, refused or failed
    bool stopped = false;                     ///< `stop` ended it
    std::string start_note; ///< how the log was taken up (resumed, rotated, from the start)
};

/// Follows the TFTP server's log and walks every phone of the rollout (see the file comment).
/// Errors: no rollout in the state (`fwplan.rollout.none`), another follower runs on it
/// (`fwplan.rollout.busy`), a bad option (Usage: `--kick` syntax), the log cannot be opened
/// or read, the state cannot be written (Io). A kick that fails, a phone that does not answer
/// `--confirm`, a config that cannot be written are not errors: the phone waits, with the
/// reason.
[[nodiscard]] Result<FollowReport> follow(const Location& where, const FollowOptions& options);

// ---------------------------------------------------------------------------------------
// status and a person's hand

/// One phone, as `fwplan rollout status` shows it.
struct PhoneRow {
    MacAddress mac;    ///< the phone
    std::string model; ///< canonical model number
    std::string ip;    ///< learned from its config request; empty until then
    unsigned step =
        0; ///< the step whose config is in place (1-based; `steps` when done; 0: queued)
    unsigned steps = 0;                     ///< its number of steps
    std::string load;                       ///< the load it runs, as far as known
    std::string target;                     ///< the load it ends on
    PhoneState state = PhoneState::Waiting; ///< where it stands
    std::int64_t since_us = 0;              ///< log time of its last change
    std::string reason;                     ///< the reason of its last transition
    std::string next_action;                ///< what happens next, or what a person must do
    bool held = false;                      ///< `hold`: no automatic action until `retry`
};

/// A rollout as it stands.
struct Status {
    std::filesystem::path tftp_root;          ///< the root it walks phones in
    std::filesystem::path state;              ///< its state
    std::vector<PhoneRow> phones;             ///< in MAC order
    std::map<PhoneState, std::size_t> counts; ///< phones per state
    std::vector<Event> timeline;              ///< the transitions of the phone asked for, in order
    bool aborted = false;                     ///< `abort` was given
    std::int64_t log_time_us = 0;             ///< the latest log time seen
};

/// Reads the state. `timeline_of`: also that phone's transitions. Errors:
/// `fwplan.rollout.none` (no rollout recorded; NotPossible), `fwplan.rollout.no-phone`
/// (BadInput), the state cannot be read (Io).
[[nodiscard]] Result<Status> status(const Location& where,
                                    std::optional<MacAddress> timeline_of = {});

/// What `fwplan check --fleet` asks during a rollout: each phone of `inventory` that the
/// rollout of `where` walks gets, as `Phone::from`, the load the rollout says it runs now (a
/// phone past step 1 no longer runs the load the CSV names, and the config in the root is
/// meant for where it stands). Phones the rollout does not know, or whose load it does not
/// know, are left as they are. `where.state` empty: the root's default state, and no rollout
/// there is no error (0 phones). Returns how many phones got their load from the rollout.
/// Errors: as `status` (an explicit `where.state` that holds no rollout included).
[[nodiscard]] Result<std::size_t> take_current_loads(const Location& where,
                                                     std::vector<Phone>& inventory);

/// A person's hand on the walk.
enum class Override {
    Advance, ///< put the phone's next step's config in place now (on the last step: mark it done)
    Hold,    ///< no automatic action for the phone until `Retry`
    Retry,   ///< try the phone's current step again (stuck, refused, failed, needs-reset, held)
    Abort,   ///< end the whole rollout; the root keeps the configs it has
};

/// `advance`, `hold`, `retry`, `abort`.
[[nodiscard]] std::string_view to_string(Override override_kind) noexcept;

/// Applies an override (recorded like every transition). `mac` is required but for `Abort`.
/// When a follower runs on the rollout, it applies the override (within a second); else this
/// call does, writing configs into the root itself (a kick is the follower's job: an advanced
/// phone then waits in `needs-reset`). Errors as `status`, and `fwplan.rollout.override`
/// (NotPossible) when the phone's state does not allow it.
[[nodiscard]] Result<std::vector<Event>> override_phone(const Location& where, Override what,
                                                        std::optional<MacAddress> mac = {});

} // namespace fwplan::rollout
