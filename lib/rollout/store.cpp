// A rollout's SQLite state (store.hpp).

#include "rollout/store.hpp"

#include "detail/posix.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <utility>

namespace fwplan::rollout {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kSchemaVersion = "1";

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS phones(
    mac TEXT PRIMARY KEY, model TEXT NOT NULL, target TEXT NOT NULL, steps INTEGER NOT NULL,
    spec TEXT NOT NULL, status TEXT NOT NULL,
    state TEXT NOT NULL, step INTEGER NOT NULL, ip TEXT NOT NULL, load TEXT NOT NULL,
    since_us INTEGER NOT NULL, reason TEXT NOT NULL, held INTEGER NOT NULL,
    pending TEXT NOT NULL, host TEXT NOT NULL, kicked_step INTEGER NOT NULL,
    queue_order INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS step_files(
    mac TEXT NOT NULL, step INTEGER NOT NULL, name TEXT NOT NULL, content BLOB NOT NULL,
    PRIMARY KEY(mac, step, name));
CREATE TABLE IF NOT EXISTS transitions(
    id INTEGER PRIMARY KEY, mac TEXT NOT NULL, time_us INTEGER NOT NULL,
    from_state TEXT NOT NULL, to_state TEXT NOT NULL, step_from INTEGER NOT NULL,
    step INTEGER NOT NULL, reason TEXT NOT NULL, origin TEXT NOT NULL,
    log_device INTEGER NOT NULL, log_inode INTEGER NOT NULL, log_offset INTEGER NOT NULL,
    log_fingerprint INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS transitions_by_mac ON transitions(mac, id);
CREATE TABLE IF NOT EXISTS commands(
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL, mac TEXT NOT NULL, result TEXT);
)sql";

Error state_error(const fs::path& path, std::string what, sqlite3* db) {
    Error error = io_error("rollout.state",
                           what + ": " + (db != nullptr ? sqlite3_errmsg(db) : "no database"));
    error.file = path.string();
    return error.with_hint("the rollout's state must be a writable file outside the TFTP root; "
                           "give another with --state");
}

// One prepared statement, finalized once.
class Statement {
public:
    Statement(sqlite3* db, const char* sql) : db_(db) {
        if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK)
            stmt_ = nullptr;
    }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement() { sqlite3_finalize(stmt_); }

    [[nodiscard]] bool ok() const noexcept { return stmt_ != nullptr; }
    Statement& bind(int i, std::string_view text) {
        sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Statement& bind_blob(int i, std::string_view bytes) {
        sqlite3_bind_blob(stmt_, i, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Statement& bind(int i, std::int64_t value) {
        sqlite3_bind_int64(stmt_, i, value);
        return *this;
    }
    /// SQLITE_ROW, SQLITE_DONE or an error code.
    int step() { return sqlite3_step(stmt_); }
    [[nodiscard]] std::string text(int i) const {
        const auto* p = sqlite3_column_text(stmt_, i);
        return p == nullptr ? std::string()
                            : std::string(reinterpret_cast<const char*>(p),
                                          static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i)));
    }
    [[nodiscard]] std::string blob(int i) const {
        const void* p = sqlite3_column_blob(stmt_, i);
        return p == nullptr ? std::string()
                            : std::string(static_cast<const char*>(p),
                                          static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i)));
    }
    [[nodiscard]] std::int64_t integer(int i) const { return sqlite3_column_int64(stmt_, i); }
    [[nodiscard]] bool is_null(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }

private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

// ---- the machine's types as JSON --------------------------------------------------------

json to_json(const PhoneSpec& spec) {
    json steps = json::array();
    for (const StepSpec& s : spec.steps) {
        json step = {{"load", s.load.str()},
                     {"loads_file", s.loads_file},
                     {"components", s.components},
                     {"term_files", s.term_files}};
        if (s.fallback)
            step["fallback"] = *s.fallback;
        steps.push_back(std::move(step));
    }
    return {{"mac", spec.mac.to_string()},
            {"model", spec.model},
            {"style", spec.style == BootStyle::Sip7940 ? "7940" : "java79xx"},
            {"from", spec.from.str()},
            {"steps", std::move(steps)}};
}

Result<PhoneSpec> spec_from_json(const json& j) {
    PhoneSpec spec;
    auto mac = MacAddress::parse(j.at("mac").get<std::string>());
    if (!mac)
        return mac.error();
    spec.mac = *mac;
    spec.model = j.at("model").get<std::string>();
    spec.style =
        j.at("style").get<std::string>() == "7940" ? BootStyle::Sip7940 : BootStyle::Java79xx;
    auto from = LoadId::parse(j.at("from").get<std::string>());
    if (!from)
        return from.error();
    spec.from = *from;
    for (const json& s : j.at("steps")) {
        StepSpec step;
        auto load = LoadId::parse(s.at("load").get<std::string>());
        if (!load)
            return load.error();
        step.load = *load;
        step.loads_file = s.at("loads_file").get<std::string>();
        step.components = s.at("components").get<std::vector<std::string>>();
        step.term_files = s.at("term_files").get<std::vector<std::string>>();
        if (s.contains("fallback"))
            step.fallback = s.at("fallback").get<std::string>();
        spec.steps.push_back(std::move(step));
    }
    return spec;
}

json optional_json(const std::optional<std::int64_t>& value) {
    return value ? json(*value) : json(nullptr);
}

std::optional<std::int64_t> optional_from(const json& j) {
    if (j.is_null())
        return std::nullopt;
    return j.get<std::int64_t>();
}

json to_json(const PhoneStatus& s) {
    return {{"state", std::string(to_string(s.state))},
            {"step", s.step},
            {"load", s.load},
            {"load_evidence", std::string(to_string(s.load_evidence))},
            {"ip", s.ip},
            {"since_us", s.since_us},
            {"last_event_us", s.last_event_us},
            {"last_file", s.last_file},
            {"loads_requests", s.loads_requests},
            {"components_seen", s.components_seen},
            {"config_read_at_us", optional_json(s.config_read_at_us)},
            {"settle_clock_us", optional_json(s.settle_clock_us)},
            {"open_request", s.open_request},
            {"seen_at_last_event", s.seen_at_last_event},
            {"resume_state", std::string(to_string(s.resume_state))},
            {"pending", std::string(to_string(s.pending))},
            {"pending_step", s.pending_step},
            {"pending_since_us", s.pending_since_us},
            {"confirm_attempts", s.confirm_attempts},
            {"held", s.held},
            {"aborted", s.aborted},
            {"advanced_early_from", s.advanced_early_from},
            {"early_checked", s.early_checked},
            {"put_back", s.put_back},
            {"reason", s.reason}};
}

Result<PhoneStatus> status_from_json(const json& j) {
    PhoneStatus s;
    auto state = parse_phone_state(j.at("state").get<std::string>());
    auto evidence = parse_load_evidence(j.at("load_evidence").get<std::string>());
    auto resume = parse_phone_state(j.at("resume_state").get<std::string>());
    auto pending = parse_pending(j.at("pending").get<std::string>());
    if (!state)
        return state.error();
    if (!evidence)
        return evidence.error();
    if (!resume)
        return resume.error();
    if (!pending)
        return pending.error();
    s.state = *state;
    s.step = j.at("step").get<unsigned>();
    s.load = j.at("load").get<std::string>();
    s.load_evidence = *evidence;
    s.ip = j.at("ip").get<std::string>();
    s.since_us = j.at("since_us").get<std::int64_t>();
    s.last_event_us = j.at("last_event_us").get<std::int64_t>();
    s.last_file = j.at("last_file").get<std::string>();
    s.loads_requests = j.at("loads_requests").get<unsigned>();
    s.components_seen = j.at("components_seen").get<unsigned>();
    s.config_read_at_us = optional_from(j.at("config_read_at_us"));
    s.settle_clock_us = optional_from(j.at("settle_clock_us"));
    s.open_request = j.at("open_request").get<std::string>();
    s.seen_at_last_event = j.at("seen_at_last_event").get<std::vector<std::string>>();
    s.resume_state = *resume;
    s.pending = *pending;
    s.pending_step = j.at("pending_step").get<unsigned>();
    s.pending_since_us = j.at("pending_since_us").get<std::int64_t>();
    s.confirm_attempts = j.at("confirm_attempts").get<unsigned>();
    s.held = j.at("held").get<bool>();
    s.aborted = j.at("aborted").get<bool>();
    s.advanced_early_from = j.at("advanced_early_from").get<unsigned>();
    s.early_checked = j.at("early_checked").get<bool>();
    s.put_back = j.at("put_back").get<bool>();
    s.reason = j.at("reason").get<std::string>();
    return s;
}

} // namespace

struct Store::Impl {
    fs::path path;
    sqlite3* db = nullptr;
    ~Impl() { sqlite3_close_v2(db); }

    Error fail(std::string what) const { return state_error(path, std::move(what), db); }

    Result<void> exec(const char* sql) {
        char* message = nullptr;
        if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
            std::string text = message != nullptr ? message : "unknown error";
            sqlite3_free(message);
            Error error = io_error("rollout.state", text);
            error.file = path.string();
            return error;
        }
        return {};
    }

    Result<void> done(Statement& stmt, const char* what) {
        if (!stmt.ok())
            return fail(what);
        if (stmt.step() != SQLITE_DONE)
            return fail(what);
        return {};
    }
};

namespace {

Result<std::unique_ptr<Store::Impl>> connect(const fs::path& path, bool create) {
    auto impl = std::make_unique<Store::Impl>();
    impl->path = path;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW |
                      (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path.c_str(), &impl->db, flags, nullptr) != SQLITE_OK)
        return impl->fail("cannot open the rollout's state");
    sqlite3_busy_timeout(impl->db, 5000);
    // WAL: readers (status) never block the follower; synchronous=NORMAL keeps every
    // committed transaction across a killed process (a power loss may lose the last ones).
    if (auto ok = impl->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                             "PRAGMA foreign_keys=OFF;");
        !ok)
        return ok.error();
    return impl;
}

} // namespace

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

const fs::path& Store::path() const noexcept {
    return impl_->path;
}

Result<Store> Store::create(const fs::path& path, const fs::path& tftp_root) {
    std::error_code ec;
    const fs::path folder = path.parent_path().empty() ? fs::path(".") : path.parent_path();
    if (!fs::exists(folder, ec)) {
        fs::create_directories(folder, ec);
        if (ec)
            return detail::system_error("rollout.state", folder,
                                        "cannot create the folder of the rollout's state",
                                        ec.value());
        ::chmod(folder.c_str(), 0700);
    }
    if (fs::exists(path, ec)) {
        auto existing = open(path);
        if (existing) {
            auto rows = existing->rows();
            auto aborted = existing->aborted();
            bool finished = rows && !rows->empty();
            if (rows)
                for (const Row& row : *rows)
                    if (row.state != "done" && row.state != "failed" && row.state != "refused")
                        finished = false;
            if (!(aborted && *aborted) && !finished) {
                Error error = not_possible("rollout.exists",
                                           "a rollout is already recorded here and not finished");
                error.file = path.string();
                return error.with_hint("see it with 'fwplan rollout status'; end it with 'fwplan "
                                       "rollout abort', or give another --state");
            }
        }
        // A finished or aborted rollout (or a file that is no state at all, which opening
        // refused): replaced by the new one.
        for (const char* suffix : {"", "-wal", "-shm"})
            fs::remove(path.string() + suffix, ec);
    }
    // Created 0600 before SQLite opens it: it holds configs and their passwords.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return detail::system_error("rollout.state", path, "cannot create the rollout's state",
                                    errno);
    ::close(fd);
    auto impl = connect(path, true);
    if (!impl)
        return impl.error();
    if (auto ok = (*impl)->exec(kSchema); !ok)
        return ok.error();
    Store store(std::move(*impl));
    if (auto ok = store.set_meta("schema", kSchemaVersion); !ok)
        return ok.error();
    const fs::path root = fs::weakly_canonical(fs::absolute(tftp_root), ec);
    if (auto ok = store.set_meta("tftp_root", root.string()); !ok)
        return ok.error();
    return store;
}

Result<Store> Store::open(const fs::path& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
        Error error = not_possible("rollout.none", "no rollout is recorded in this state");
        error.file = path.string();
        return error.with_hint("start one with 'fwplan rollout start', or give its --state");
    }
    auto impl = connect(path, false);
    if (!impl)
        return impl.error();
    Store store(std::move(*impl));
    auto schema = store.meta("schema");
    if (!schema || !*schema) {
        Error error = bad_input("rollout.state", "is not the state of a fwplan rollout");
        error.file = path.string();
        return error.with_hint("give the --state that 'fwplan rollout start' wrote");
    }
    if (**schema != kSchemaVersion) {
        Error error =
            bad_input("rollout.state", "was written by another fwplan (schema " + **schema +
                                           ", this one reads " + kSchemaVersion + ")");
        error.file = path.string();
        return error;
    }
    return store;
}

Result<void> Store::begin() {
    return impl_->exec("BEGIN IMMEDIATE");
}
Result<void> Store::commit() {
    return impl_->exec("COMMIT");
}
void Store::rollback() noexcept {
    (void)impl_->exec("ROLLBACK");
}

Result<std::optional<std::string>> Store::meta(const std::string& key) {
    Statement q(impl_->db, "SELECT value FROM meta WHERE key = ?");
    if (!q.ok())
        return impl_->fail("cannot read the state");
    q.bind(1, key);
    const int rc = q.step();
    if (rc == SQLITE_ROW)
        return std::optional<std::string>(q.text(0));
    if (rc == SQLITE_DONE)
        return std::optional<std::string>();
    return impl_->fail("cannot read the state");
}

Result<void> Store::set_meta(const std::string& key, const std::string& value) {
    Statement q(impl_->db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)");
    q.bind(1, key).bind(2, value);
    return impl_->done(q, "cannot write the state");
}

Result<fs::path> Store::tftp_root() {
    auto root = meta("tftp_root");
    if (!root)
        return root.error();
    return fs::path(root->value_or(""));
}

Result<std::optional<LogPosition>> Store::log_position() {
    auto text = meta("log_position");
    if (!text)
        return text.error();
    if (!*text)
        return std::optional<LogPosition>();
    const json j = json::parse(**text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return std::optional<LogPosition>();
    LogPosition p;
    p.device = j.value("device", std::uint64_t{0});
    p.inode = j.value("inode", std::uint64_t{0});
    p.offset = j.value("offset", std::uint64_t{0});
    p.fingerprint = j.value("fingerprint", std::uint64_t{0});
    return std::optional<LogPosition>(p);
}

Result<void> Store::set_log_position(const LogPosition& p, std::int64_t log_time_us) {
    const json j = {{"device", p.device},
                    {"inode", p.inode},
                    {"offset", p.offset},
                    {"fingerprint", p.fingerprint}};
    if (auto ok = set_meta("log_position", j.dump()); !ok)
        return ok;
    return set_meta("log_time_us", std::to_string(log_time_us));
}

Result<bool> Store::aborted() {
    auto value = meta("aborted");
    if (!value)
        return value.error();
    return value->value_or("0") == "1";
}

Result<void> Store::add_phone(const StoredPhone& phone,
                              const std::vector<std::vector<GeneratedFile>>& files) {
    Statement q(impl_->db, "INSERT INTO phones(mac, model, target, steps, spec, status, state, "
                           "step, ip, load, since_us, reason, held, pending, host, kicked_step, "
                           "queue_order) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    const PhoneStatus& s = phone.status;
    q.bind(1, phone.spec.mac.to_string())
        .bind(2, phone.spec.model)
        .bind(3, phone.target)
        .bind(4, static_cast<std::int64_t>(phone.spec.steps.size()))
        .bind(5, to_json(phone.spec).dump())
        .bind(6, to_json(s).dump())
        .bind(7, to_string(s.state))
        .bind(8, static_cast<std::int64_t>(s.step))
        .bind(9, s.ip)
        .bind(10, s.load)
        .bind(11, s.since_us)
        .bind(12, s.reason)
        .bind(13, std::int64_t{s.held ? 1 : 0})
        .bind(14, to_string(s.pending))
        .bind(15, phone.host)
        .bind(16, static_cast<std::int64_t>(phone.kicked_step))
        .bind(17, phone.queue_order);
    if (auto ok = impl_->done(q, "cannot record a phone"); !ok)
        return ok;
    for (std::size_t step = 0; step < files.size(); ++step)
        for (const GeneratedFile& file : files[step]) {
            Statement f(impl_->db,
                        "INSERT INTO step_files(mac, step, name, content) VALUES(?,?,?,?)");
            f.bind(1, phone.spec.mac.to_string())
                .bind(2, static_cast<std::int64_t>(step + 1))
                .bind(3, file.name)
                .bind_blob(4, file.content);
            if (auto ok = impl_->done(f, "cannot record a config"); !ok)
                return ok;
        }
    return {};
}

namespace {

Result<StoredPhone> phone_from_row(Statement& q, const fs::path& path) {
    StoredPhone phone;
    const json spec = json::parse(q.text(0), nullptr, false);
    const json status = json::parse(q.text(1), nullptr, false);
    Error damaged = bad_input("rollout.state", "holds a phone it cannot read (damaged state)");
    damaged.file = path.string();
    if (spec.is_discarded() || status.is_discarded())
        return damaged;
    try {
        auto s = spec_from_json(spec);
        auto t = status_from_json(status);
        if (!s || !t)
            return damaged;
        phone.spec = std::move(*s);
        phone.status = std::move(*t);
    } catch (const json::exception&) {
        return damaged;
    }
    phone.target = q.text(2);
    phone.host = q.text(3);
    phone.kicked_step = static_cast<unsigned>(q.integer(4));
    phone.queue_order = q.integer(5);
    return phone;
}

} // namespace

Result<std::vector<StoredPhone>> Store::phones() {
    Statement q(impl_->db, "SELECT spec, status, target, host, kicked_step, queue_order FROM "
                           "phones ORDER BY mac");
    if (!q.ok())
        return impl_->fail("cannot read the phones");
    std::vector<StoredPhone> out;
    for (int rc = q.step(); rc != SQLITE_DONE; rc = q.step()) {
        if (rc != SQLITE_ROW)
            return impl_->fail("cannot read the phones");
        auto phone = phone_from_row(q, impl_->path);
        if (!phone)
            return phone.error();
        out.push_back(std::move(*phone));
    }
    return out;
}

Result<std::optional<StoredPhone>> Store::phone(const std::string& mac) {
    Statement q(impl_->db, "SELECT spec, status, target, host, kicked_step, queue_order FROM "
                           "phones WHERE mac = ?");
    if (!q.ok())
        return impl_->fail("cannot read the phones");
    q.bind(1, mac);
    const int rc = q.step();
    if (rc == SQLITE_DONE)
        return std::optional<StoredPhone>();
    if (rc != SQLITE_ROW)
        return impl_->fail("cannot read the phones");
    auto phone = phone_from_row(q, impl_->path);
    if (!phone)
        return phone.error();
    return std::optional<StoredPhone>(std::move(*phone));
}

Result<void> Store::save_phone(const StoredPhone& phone) {
    Statement q(impl_->db, "UPDATE phones SET status = ?, state = ?, step = ?, ip = ?, load = ?, "
                           "since_us = ?, reason = ?, held = ?, pending = ?, host = ?, "
                           "kicked_step = ? WHERE mac = ?");
    const PhoneStatus& s = phone.status;
    q.bind(1, to_json(s).dump())
        .bind(2, to_string(s.state))
        .bind(3, static_cast<std::int64_t>(s.step))
        .bind(4, s.ip)
        .bind(5, s.load)
        .bind(6, s.since_us)
        .bind(7, s.reason)
        .bind(8, std::int64_t{s.held ? 1 : 0})
        .bind(9, to_string(s.pending))
        .bind(10, phone.host)
        .bind(11, static_cast<std::int64_t>(phone.kicked_step))
        .bind(12, phone.spec.mac.to_string());
    return impl_->done(q, "cannot record a phone");
}

Result<std::vector<GeneratedFile>> Store::step_files(const std::string& mac, unsigned step) {
    Statement q(impl_->db,
                "SELECT name, content FROM step_files WHERE mac = ? AND step = ? ORDER BY name");
    if (!q.ok())
        return impl_->fail("cannot read the configs");
    q.bind(1, mac).bind(2, static_cast<std::int64_t>(step));
    std::vector<GeneratedFile> out;
    for (int rc = q.step(); rc != SQLITE_DONE; rc = q.step()) {
        if (rc != SQLITE_ROW)
            return impl_->fail("cannot read the configs");
        out.push_back(GeneratedFile{q.text(0), q.blob(1), false});
    }
    return out;
}

Result<void> Store::add_transition(const StoredTransition& t, const LogPosition& p) {
    Statement q(impl_->db,
                "INSERT INTO transitions(mac, time_us, from_state, to_state, step_from, step, "
                "reason, origin, log_device, log_inode, log_offset, log_fingerprint) "
                "VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
    q.bind(1, t.mac)
        .bind(2, t.change.time_us)
        .bind(3, to_string(t.change.from))
        .bind(4, to_string(t.change.to))
        .bind(5, static_cast<std::int64_t>(t.change.step_from))
        .bind(6, static_cast<std::int64_t>(t.change.step))
        .bind(7, t.change.reason)
        .bind(8, t.origin)
        .bind(9, static_cast<std::int64_t>(p.device))
        .bind(10, static_cast<std::int64_t>(p.inode))
        .bind(11, static_cast<std::int64_t>(p.offset))
        .bind(12, static_cast<std::int64_t>(p.fingerprint));
    return impl_->done(q, "cannot record a transition");
}

Result<std::vector<StoredTransition>> Store::transitions(const std::string& mac) {
    Statement q(impl_->db, "SELECT time_us, from_state, to_state, step_from, step, reason, origin "
                           "FROM transitions WHERE mac = ? ORDER BY id");
    if (!q.ok())
        return impl_->fail("cannot read the transitions");
    q.bind(1, mac);
    std::vector<StoredTransition> out;
    for (int rc = q.step(); rc != SQLITE_DONE; rc = q.step()) {
        if (rc != SQLITE_ROW)
            return impl_->fail("cannot read the transitions");
        StoredTransition t;
        t.mac = mac;
        t.change.time_us = q.integer(0);
        auto from = parse_phone_state(q.text(1));
        auto to = parse_phone_state(q.text(2));
        t.change.from = from ? *from : PhoneState::Waiting;
        t.change.to = to ? *to : PhoneState::Waiting;
        t.change.step_from = static_cast<unsigned>(q.integer(3));
        t.change.step = static_cast<unsigned>(q.integer(4));
        t.change.reason = q.text(5);
        t.origin = q.text(6);
        out.push_back(std::move(t));
    }
    return out;
}

Result<std::vector<Store::Row>> Store::rows() {
    Statement q(impl_->db, "SELECT mac, model, ip, load, target, reason, state, step, steps, "
                           "since_us, held, pending FROM phones ORDER BY mac");
    if (!q.ok())
        return impl_->fail("cannot read the phones");
    std::vector<Row> out;
    for (int rc = q.step(); rc != SQLITE_DONE; rc = q.step()) {
        if (rc != SQLITE_ROW)
            return impl_->fail("cannot read the phones");
        Row r;
        r.mac = q.text(0);
        r.model = q.text(1);
        r.ip = q.text(2);
        r.load = q.text(3);
        r.target = q.text(4);
        r.reason = q.text(5);
        r.state = q.text(6);
        r.step = static_cast<unsigned>(q.integer(7));
        r.steps = static_cast<unsigned>(q.integer(8));
        r.since_us = q.integer(9);
        r.held = q.integer(10) != 0;
        r.pending = q.text(11);
        out.push_back(std::move(r));
    }
    return out;
}

Result<void> Store::add_command(const std::string& kind, const std::string& mac) {
    Statement q(impl_->db, "INSERT INTO commands(kind, mac) VALUES(?, ?)");
    q.bind(1, kind).bind(2, mac);
    return impl_->done(q, "cannot record the command");
}

std::int64_t Store::last_insert_id() const {
    return sqlite3_last_insert_rowid(impl_->db);
}

Result<std::vector<StoredCommand>> Store::pending_commands() {
    Statement q(impl_->db, "SELECT id, kind, mac FROM commands WHERE result IS NULL ORDER BY id");
    if (!q.ok())
        return impl_->fail("cannot read the commands");
    std::vector<StoredCommand> out;
    for (int rc = q.step(); rc != SQLITE_DONE; rc = q.step()) {
        if (rc != SQLITE_ROW)
            return impl_->fail("cannot read the commands");
        out.push_back(StoredCommand{q.integer(0), q.text(1), q.text(2)});
    }
    return out;
}

Result<void> Store::mark_command(std::int64_t id, const std::string& result) {
    Statement q(impl_->db, "UPDATE commands SET result = ? WHERE id = ?");
    q.bind(1, result).bind(2, id);
    return impl_->done(q, "cannot record the command");
}

Result<std::optional<std::string>> Store::command_result(std::int64_t id) {
    Statement q(impl_->db, "SELECT result FROM commands WHERE id = ?");
    if (!q.ok())
        return impl_->fail("cannot read the commands");
    q.bind(1, id);
    if (q.step() != SQLITE_ROW || q.is_null(0))
        return std::optional<std::string>();
    return std::optional<std::string>(q.text(0));
}

} // namespace fwplan::rollout
