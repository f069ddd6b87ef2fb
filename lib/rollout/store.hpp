#pragma once
// A rollout's state: one SQLite database (WAL), outside the TFTP root. What it holds:
//
//   meta         key/value: schema, the TFTP root, when it was started, whether it was
//                aborted, the log position the follower has read to (device, inode, offset,
//                fingerprint: log_follower.hpp) and the latest log time seen
//   walks        the steps as phones will ask for them (JSON), once per distinct walk: the
//                phones of one model from one load to one target share it
//   phones       one row per phone: its walk, and its machine status field by field, so a
//                follower saves a phone and `status` reads 10,000 without parsing any JSON
//   step_files   the configs of every step of every phone (name, bytes): the follower writes
//                step k+1's from here, so nothing is planned or rendered twice
//   transitions  every transition with the log position of the line that caused it
//   commands     overrides a person gave while a follower runs (it applies them)
//
// Every change the follower makes to a phone is one transaction together with the log
// position, so a follower killed at any moment resumes where its last transaction left it.
// The file is made 0600: it holds the configs, and with them the line passwords.

#include "rollout/log_follower.hpp"
#include "rollout/phone_machine.hpp"

#include <fwplan/device_config.hpp>
#include <fwplan/error.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace fwplan::rollout {

/// One phone as the state keeps it.
struct StoredPhone {
    PhoneSpec spec;               ///< the phone and its steps
    std::string target;           ///< its last step's load
    PhoneStatus status;           ///< where it stands (the machine's memory)
    std::string host;             ///< the syslog host of its TFTP server, once seen
    unsigned kicked_step = 0;     ///< the step the follower last reset it for (0: never)
    std::int64_t queue_order = 0; ///< start order: queued phones get wave slots in this order
};

/// A transition as recorded.
struct StoredTransition {
    std::string mac;    ///< the phone, as `MacAddress::to_string`
    Transition change;  ///< what changed
    std::string origin; ///< `log`, `command`, `start`
};

/// A person's override waiting for the follower.
struct StoredCommand {
    std::int64_t id = 0;
    std::string kind; ///< `advance`, `hold`, `retry`, `abort`
    std::string mac;  ///< empty for abort
};

class Store {
public:
    /// Creates a new state at `path` (its folder is created, mode 0700, when missing) for a
    /// rollout in `tftp_root`. `fwplan.rollout.exists` (NotPossible) when `path` already
    /// holds a rollout that is not finished or aborted; a finished one is replaced.
    static Result<Store> create(const std::filesystem::path& path,
                                const std::filesystem::path& tftp_root);
    /// Opens an existing state; `fwplan.rollout.none` (NotPossible) when there is none.
    static Result<Store> open(const std::filesystem::path& path);

    Store(Store&&) noexcept;
    Store& operator=(Store&&) noexcept;
    ~Store();

    [[nodiscard]] const std::filesystem::path& path() const noexcept;

    /// BEGIN IMMEDIATE (the write lock, waiting up to 5 s for another writer), COMMIT,
    /// ROLLBACK.
    Result<void> begin();
    Result<void> commit();
    void rollback() noexcept;

    Result<std::optional<std::string>> meta(const std::string& key);
    Result<void> set_meta(const std::string& key, const std::string& value);

    /// The root the rollout walks phones in.
    Result<std::filesystem::path> tftp_root();
    /// Where the follower has read to; none before the first follower.
    Result<std::optional<LogPosition>> log_position();
    Result<void> set_log_position(const LogPosition& position, std::int64_t log_time_us);
    Result<bool> aborted();

    /// Adds a phone and the configs of each of its steps (`files[k]`: step k+1).
    Result<void> add_phone(const StoredPhone& phone,
                           const std::vector<std::vector<GeneratedFile>>& files);
    /// Every phone, in MAC order.
    Result<std::vector<StoredPhone>> phones();
    /// The walks phones take (a spec without its MAC and model), by their row.
    Result<std::map<std::int64_t, PhoneSpec>> walks();
    /// One phone; none when the rollout has no such phone.
    Result<std::optional<StoredPhone>> phone(const std::string& mac);
    /// Writes back what changed of a phone (status and the follower's fields).
    Result<void> save_phone(const StoredPhone& phone);
    /// The configs of one step of one phone.
    Result<std::vector<GeneratedFile>> step_files(const std::string& mac, unsigned step);

    /// Records a transition with the log position of the line that caused it.
    Result<void> add_transition(const StoredTransition& transition, const LogPosition& position);
    /// Every transition of a phone, in order.
    Result<std::vector<StoredTransition>> transitions(const std::string& mac);

    /// The rows `status` shows, without parsing any phone's JSON.
    struct Row {
        std::string mac, model, ip, load, target, reason, state;
        unsigned step = 0, steps = 0;
        std::int64_t since_us = 0;
        bool held = false;
        std::string pending;
    };
    Result<std::vector<Row>> rows();

    /// Overrides for a follower to apply.
    Result<void> add_command(const std::string& kind, const std::string& mac);
    Result<std::vector<StoredCommand>> pending_commands();
    Result<void> mark_command(std::int64_t id, const std::string& result);
    /// The result of a command once applied; none while it waits.
    Result<std::optional<std::string>> command_result(std::int64_t id);
    /// The id of the last command added.
    [[nodiscard]] std::int64_t last_insert_id() const;

    struct Impl; ///< the connection (store.cpp)

private:
    explicit Store(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace fwplan::rollout
