// A rollout's SQLite state (store.hpp).

#include "rollout/store.hpp"

#include "detail/posix.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <fcntl.h>
#include <map>
#include <sqlite3.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <unordered_map>
#include <utility>

namespace fwplan::rollout {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kSchemaVersion = "1";

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS walks(id INTEGER PRIMARY KEY, spec TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS phones(
    mac TEXT PRIMARY KEY, model TEXT NOT NULL, walk INTEGER NOT NULL, target TEXT NOT NULL,
    steps INTEGER NOT NULL, host TEXT NOT NULL, kicked_step INTEGER NOT NULL,
    queue_order INTEGER NOT NULL,
    state TEXT NOT NULL, step INTEGER NOT NULL, load TEXT NOT NULL, load_evidence TEXT NOT NULL,
    ip TEXT NOT NULL, since_us INTEGER NOT NULL, last_event_us INTEGER NOT NULL,
    last_file TEXT NOT NULL, loads_requests INTEGER NOT NULL, components_seen INTEGER NOT NULL,
    config_read_at_us INTEGER, settle_clock_us INTEGER, open_request TEXT NOT NULL,
    seen_at_last_event TEXT NOT NULL, resume_state TEXT NOT NULL, pending TEXT NOT NULL,
    pending_step INTEGER NOT NULL, pending_since_us INTEGER NOT NULL,
    confirm_attempts INTEGER NOT NULL, held INTEGER NOT NULL, aborted INTEGER NOT NULL,
    advanced_early_from INTEGER NOT NULL, early_checked INTEGER NOT NULL,
    put_back INTEGER NOT NULL, reason TEXT NOT NULL) WITHOUT ROWID;
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

// Prepared statements, kept for the life of the connection: a follower runs the same few
// statements hundreds of thousands of times, and preparing each time would cost more than
// running them.
using StatementCache = std::unordered_map<const char*, sqlite3_stmt*>;

// One use of a cached statement: reset and unbound when done.
class Statement {
public:
    Statement(sqlite3* db, StatementCache& cache, const char* sql) {
        auto it = cache.find(sql);
        if (it == cache.end()) {
            sqlite3_stmt* stmt = nullptr;
            if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
                SQLITE_OK)
                stmt = nullptr;
            it = cache.emplace(sql, stmt).first;
        }
        stmt_ = it->second;
    }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement() {
        if (stmt_ != nullptr) {
            sqlite3_reset(stmt_);
            sqlite3_clear_bindings(stmt_);
        }
    }

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
    Statement& bind_optional(int i, const std::optional<std::int64_t>& value) {
        if (value)
            sqlite3_bind_int64(stmt_, i, *value);
        else
            sqlite3_bind_null(stmt_, i);
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
    return {{"style", spec.style == BootStyle::Sip7940 ? "7940" : "java79xx"},
            {"from", spec.from.str()},
            {"steps", std::move(steps)}};
}

Result<PhoneSpec> spec_from_json(const json& j) {
    PhoneSpec spec;
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

} // namespace

struct Store::Impl {
    fs::path path;
    sqlite3* db = nullptr;
    StatementCache statements;
    std::unordered_map<std::string, std::int64_t> walk_ids; // a walk's spec text → its row
    ~Impl() {
        for (auto& [sql, stmt] : statements)
            sqlite3_finalize(stmt);
        sqlite3_close_v2(db);
    }

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
    Statement q(impl_->db, impl_->statements, "SELECT value FROM meta WHERE key = ?");
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
    Statement q(impl_->db, impl_->statements,
                "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)");
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

namespace {

constexpr const char* kPhoneColumns =
    "mac, model, walk, target, steps, host, kicked_step, queue_order, state, step, load, "
    "load_evidence, ip, since_us, last_event_us, last_file, loads_requests, components_seen, "
    "config_read_at_us, settle_clock_us, open_request, seen_at_last_event, resume_state, "
    "pending, pending_step, pending_since_us, confirm_attempts, held, aborted, "
    "advanced_early_from, early_checked, put_back, reason";

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& item : items)
        out += (out.empty() ? "" : "\n") + item;
    return out;
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        out.push_back(text.substr(start, end == std::string::npos ? end : end - start));
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return out;
}

// Binds the status, from column `first` on, in the order of kPhoneColumns after queue_order.
void bind_status(Statement& q, int first, const PhoneStatus& s) {
    int i = first;
    const auto number = [](auto value) { return static_cast<std::int64_t>(value); };
    q.bind(i++, to_string(s.state));
    q.bind(i++, number(s.step));
    q.bind(i++, s.load);
    q.bind(i++, to_string(s.load_evidence));
    q.bind(i++, s.ip);
    q.bind(i++, s.since_us);
    q.bind(i++, s.last_event_us);
    q.bind(i++, s.last_file);
    q.bind(i++, number(s.loads_requests));
    q.bind(i++, number(s.components_seen));
    q.bind_optional(i++, s.config_read_at_us);
    q.bind_optional(i++, s.settle_clock_us);
    q.bind(i++, s.open_request);
    q.bind(i++, joined(s.seen_at_last_event));
    q.bind(i++, to_string(s.resume_state));
    q.bind(i++, to_string(s.pending));
    q.bind(i++, number(s.pending_step));
    q.bind(i++, s.pending_since_us);
    q.bind(i++, number(s.confirm_attempts));
    q.bind(i++, number(s.held ? 1 : 0));
    q.bind(i++, number(s.aborted ? 1 : 0));
    q.bind(i++, number(s.advanced_early_from));
    q.bind(i++, number(s.early_checked ? 1 : 0));
    q.bind(i++, number(s.put_back ? 1 : 0));
    q.bind(i++, s.reason);
}

// Reads the status from column `first` on (as bind_status wrote it); false when a name in
// it is not one fwplan writes (a damaged state).
bool read_status(const Statement& q, int first, PhoneStatus& s) {
    int i = first;
    auto state = parse_phone_state(q.text(i++));
    s.step = static_cast<unsigned>(q.integer(i++));
    s.load = q.text(i++);
    auto evidence = parse_load_evidence(q.text(i++));
    s.ip = q.text(i++);
    s.since_us = q.integer(i++);
    s.last_event_us = q.integer(i++);
    s.last_file = q.text(i++);
    s.loads_requests = static_cast<unsigned>(q.integer(i++));
    s.components_seen = static_cast<unsigned>(q.integer(i++));
    s.config_read_at_us = q.is_null(i) ? std::nullopt : std::optional<std::int64_t>(q.integer(i));
    ++i;
    s.settle_clock_us = q.is_null(i) ? std::nullopt : std::optional<std::int64_t>(q.integer(i));
    ++i;
    s.open_request = q.text(i++);
    s.seen_at_last_event = split_lines(q.text(i++));
    auto resume = parse_phone_state(q.text(i++));
    auto pending = parse_pending(q.text(i++));
    s.pending_step = static_cast<unsigned>(q.integer(i++));
    s.pending_since_us = q.integer(i++);
    s.confirm_attempts = static_cast<unsigned>(q.integer(i++));
    s.held = q.integer(i++) != 0;
    s.aborted = q.integer(i++) != 0;
    s.advanced_early_from = static_cast<unsigned>(q.integer(i++));
    s.early_checked = q.integer(i++) != 0;
    s.put_back = q.integer(i++) != 0;
    s.reason = q.text(i++);
    if (!state || !evidence || !resume || !pending)
        return false;
    s.state = *state;
    s.load_evidence = *evidence;
    s.resume_state = *resume;
    s.pending = *pending;
    return true;
}

} // namespace

Result<void> Store::add_phone(const StoredPhone& phone,
                              const std::vector<std::vector<GeneratedFile>>& files) {
    // Phones of one model that start from one load and end on one take the same walk: it is
    // kept once, and every phone names it.
    const std::string walk_text = to_json(phone.spec).dump();
    std::int64_t walk = 0;
    if (auto it = impl_->walk_ids.find(walk_text); it != impl_->walk_ids.end()) {
        walk = it->second;
    } else {
        Statement w(impl_->db, impl_->statements, "INSERT INTO walks(spec) VALUES(?)");
        w.bind(1, walk_text);
        if (auto ok = impl_->done(w, "cannot record a phone"); !ok)
            return ok;
        walk = sqlite3_last_insert_rowid(impl_->db);
        impl_->walk_ids.emplace(walk_text, walk);
    }
    static const std::string insert = std::string("INSERT INTO phones(") + kPhoneColumns +
                                      ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
                                      "?,?,?,?,?,?,?,?,?)";
    Statement q(impl_->db, impl_->statements, insert.c_str());
    q.bind(1, phone.spec.mac.to_string());
    q.bind(2, phone.spec.model);
    q.bind(3, walk);
    q.bind(4, phone.target);
    q.bind(5, static_cast<std::int64_t>(phone.spec.steps.size()));
    q.bind(6, phone.host);
    q.bind(7, static_cast<std::int64_t>(phone.kicked_step));
    q.bind(8, phone.queue_order);
    bind_status(q, 9, phone.status);
    if (auto ok = impl_->done(q, "cannot record a phone"); !ok)
        return ok;
    for (std::size_t step = 0; step < files.size(); ++step)
        for (const GeneratedFile& file : files[step]) {
            Statement f(impl_->db, impl_->statements,
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

const std::string& select_phones() {
    static const std::string sql = std::string("SELECT ") + kPhoneColumns + " FROM phones";
    return sql;
}

// A phone from a row of select_phones(), its walk from `walks`.
Result<StoredPhone> phone_from_row(const Statement& q,
                                   const std::map<std::int64_t, PhoneSpec>& walks,
                                   const fs::path& path) {
    Error damaged = bad_input("rollout.state", "holds a phone it cannot read (damaged state)");
    damaged.file = path.string();
    StoredPhone phone;
    auto mac = MacAddress::parse(q.text(0));
    auto walk = walks.find(q.integer(2));
    if (!mac || walk == walks.end())
        return damaged;
    phone.spec = walk->second;
    phone.spec.mac = *mac;
    phone.spec.model = q.text(1);
    phone.target = q.text(3);
    phone.host = q.text(5);
    phone.kicked_step = static_cast<unsigned>(q.integer(6));
    phone.queue_order = q.integer(7);
    if (!read_status(q, 8, phone.status))
        return damaged;
    return phone;
}

} // namespace

Result<std::map<std::int64_t, PhoneSpec>> Store::walks() {
    Statement q(impl_->db, impl_->statements, "SELECT id, spec FROM walks");
    if (!q.ok())
        return impl_->fail("cannot read the phones");
    std::map<std::int64_t, PhoneSpec> out;
    for (int rc = q.step(); rc != SQLITE_DONE; rc = q.step()) {
        if (rc != SQLITE_ROW)
            return impl_->fail("cannot read the phones");
        const json spec = json::parse(q.text(1), nullptr, false);
        Error damaged = bad_input("rollout.state", "holds a walk it cannot read (damaged state)");
        damaged.file = impl_->path.string();
        if (spec.is_discarded())
            return damaged;
        try {
            auto parsed = spec_from_json(spec);
            if (!parsed)
                return damaged;
            out.emplace(q.integer(0), std::move(*parsed));
        } catch (const json::exception&) {
            return damaged;
        }
    }
    return out;
}

Result<std::vector<StoredPhone>> Store::phones() {
    auto walks = this->walks();
    if (!walks)
        return walks.error();
    static const std::string sql = select_phones() + " ORDER BY mac";
    Statement q(impl_->db, impl_->statements, sql.c_str());
    if (!q.ok())
        return impl_->fail("cannot read the phones");
    std::vector<StoredPhone> out;
    for (int rc = q.step(); rc != SQLITE_DONE; rc = q.step()) {
        if (rc != SQLITE_ROW)
            return impl_->fail("cannot read the phones");
        auto phone = phone_from_row(q, *walks, impl_->path);
        if (!phone)
            return phone.error();
        out.push_back(std::move(*phone));
    }
    return out;
}

Result<std::optional<StoredPhone>> Store::phone(const std::string& mac) {
    auto walks = this->walks();
    if (!walks)
        return walks.error();
    static const std::string sql = select_phones() + " WHERE mac = ?";
    Statement q(impl_->db, impl_->statements, sql.c_str());
    if (!q.ok())
        return impl_->fail("cannot read the phones");
    q.bind(1, mac);
    const int rc = q.step();
    if (rc == SQLITE_DONE)
        return std::optional<StoredPhone>();
    if (rc != SQLITE_ROW)
        return impl_->fail("cannot read the phones");
    auto phone = phone_from_row(q, *walks, impl_->path);
    if (!phone)
        return phone.error();
    return std::optional<StoredPhone>(std::move(*phone));
}

Result<void> Store::save_phone(const StoredPhone& phone) {
    Statement q(impl_->db, impl_->statements,
                "UPDATE phones SET host = ?, kicked_step = ?, state = ?, step = ?, load = ?, "
                "load_evidence = ?, ip = ?, since_us = ?, last_event_us = ?, last_file = ?, "
                "loads_requests = ?, components_seen = ?, config_read_at_us = ?, "
                "settle_clock_us = ?, open_request = ?, seen_at_last_event = ?, "
                "resume_state = ?, pending = ?, pending_step = ?, pending_since_us = ?, "
                "confirm_attempts = ?, held = ?, aborted = ?, advanced_early_from = ?, "
                "early_checked = ?, put_back = ?, reason = ? WHERE mac = ?");
    q.bind(1, phone.host).bind(2, static_cast<std::int64_t>(phone.kicked_step));
    bind_status(q, 3, phone.status);
    q.bind(28, phone.spec.mac.to_string());
    return impl_->done(q, "cannot record a phone");
}

Result<std::vector<GeneratedFile>> Store::step_files(const std::string& mac, unsigned step) {
    Statement q(impl_->db, impl_->statements,
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
    Statement q(impl_->db, impl_->statements,
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
    Statement q(impl_->db, impl_->statements,
                "SELECT time_us, from_state, to_state, step_from, step, reason, origin "
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
    Statement q(impl_->db, impl_->statements,
                "SELECT mac, model, ip, load, target, reason, state, step, steps, "
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
    Statement q(impl_->db, impl_->statements, "INSERT INTO commands(kind, mac) VALUES(?, ?)");
    q.bind(1, kind).bind(2, mac);
    return impl_->done(q, "cannot record the command");
}

std::int64_t Store::last_insert_id() const {
    return sqlite3_last_insert_rowid(impl_->db);
}

Result<std::vector<StoredCommand>> Store::pending_commands() {
    Statement q(impl_->db, impl_->statements,
                "SELECT id, kind, mac FROM commands WHERE result IS NULL ORDER BY id");
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
    Statement q(impl_->db, impl_->statements, "UPDATE commands SET result = ? WHERE id = ?");
    q.bind(1, result).bind(2, id);
    return impl_->done(q, "cannot record the command");
}

Result<std::optional<std::string>> Store::command_result(std::int64_t id) {
    Statement q(impl_->db, impl_->statements, "SELECT result FROM commands WHERE id = ?");
    if (!q.ok())
        return impl_->fail("cannot read the commands");
    q.bind(1, id);
    if (q.step() != SQLITE_ROW || q.is_null(0))
        return std::optional<std::string>();
    return std::optional<std::string>(q.text(0));
}

} // namespace fwplan::rollout
