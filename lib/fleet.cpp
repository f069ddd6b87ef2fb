#include "detail/csv.hpp"
#include "detail/step_files.hpp"
#include "detail/text.hpp"

#include <fwplan/fleet.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <future>
#include <set>
#include <stdexcept>
#include <sys/stat.h>
#include <system_error>
#include <tuple>
#include <unistd.h>
#include <utility>

namespace fwplan {

namespace fs = std::filesystem;

// =======================================================================================
// The inventory

namespace {

enum class Column {
    Mac,
    Model,
    Load,
    Target,
    HwRev,
    LineName,
    AuthName,
    DisplayName,
    MessagesNumber,
    Password,
};
constexpr std::size_t kColumnCount = 10;

struct ColumnName {
    std::string_view name;
    Column column;
};

// Header names (after normalization) and the field they give.
constexpr std::array<ColumnName, 14> kColumnNames{{
    {"mac", Column::Mac},
    {"model", Column::Model},
    {"load", Column::Load},
    {"current_load", Column::Load},
    {"from", Column::Load},
    {"target", Column::Target},
    {"to", Column::Target},
    {"hw_rev", Column::HwRev},
    {"line_name", Column::LineName},
    {"auth_name", Column::AuthName},
    {"display_name", Column::DisplayName},
    {"messages_number", Column::MessagesNumber},
    {"password", Column::Password},
    {"auth_password", Column::Password},
}};

constexpr std::size_t kMaxIdFieldBytes = 128;
constexpr std::size_t kNoColumn = static_cast<std::size_t>(-1);

// Header names are compared in lower case with spaces and dashes as underscores:
// "Current Load", "current-load" and "CURRENT_LOAD" are one column.
std::string normalize_header(std::string_view name) {
    std::string out;
    for (char c : detail::trim(name)) {
        if (c >= 'A' && c <= 'Z')
            out += static_cast<char>(c - 'A' + 'a');
        else if (c == ' ' || c == '-')
            out += '_';
        else
            out += c;
    }
    return out;
}

struct Columns {
    std::array<std::size_t, kColumnCount> index{};
    std::size_t count = 0; // fields in the header
    [[nodiscard]] std::size_t of(Column c) const { return index[static_cast<std::size_t>(c)]; }
};

Error csv_error(const char* code, const std::string& source, std::string message) {
    Error error = bad_input(code, std::move(message));
    error.file = source;
    return error;
}

Result<Columns> read_header(const detail::CsvRecord& header, const std::string& source,
                            std::vector<ConfigWarning>& warnings) {
    if (!header.error.empty())
        return csv_error("fleet.csv-header", source,
                         "the header row (line " + std::to_string(header.line) +
                             ") is not valid CSV: " + header.error);
    Columns columns;
    columns.index.fill(kNoColumn);
    columns.count = header.fields.size();
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
        const std::string name = normalize_header(header.fields[i]);
        const auto known = std::find_if(kColumnNames.begin(), kColumnNames.end(),
                                        [&](const ColumnName& c) { return c.name == name; });
        if (known == kColumnNames.end()) {
            warnings.push_back(
                {"fwplan.fleet.unknown-column",
                 name.empty()
                     ? "column " + std::to_string(i + 1) + " has no name; it is ignored"
                     : "column " + std::to_string(i + 1) + " " + detail::quote(header.fields[i]) +
                           " is not one fwplan reads; it is ignored",
                 source + ":" + std::to_string(header.line)});
            continue;
        }
        std::size_t& slot = columns.index[static_cast<std::size_t>(known->column)];
        if (slot != kNoColumn)
            return csv_error("fleet.csv-header", source,
                             "columns " + detail::quote(header.fields[slot]) + " and " +
                                 detail::quote(header.fields[i]) +
                                 " give the same value; keep one");
        slot = i;
    }
    std::string missing;
    for (const auto& [column, name] :
         {std::pair{Column::Mac, "mac"}, {Column::Model, "model"}, {Column::Load, "load"}})
        if (columns.of(column) == kNoColumn)
            missing += std::string(missing.empty() ? "" : ", ") + name;
    if (!missing.empty()) {
        std::string found;
        for (const std::string& field : header.fields)
            found += (found.empty() ? "" : ",") + detail::quote(field, 24);
        Error error = csv_error("fleet.csv-header", source,
                                "the header row (line " + std::to_string(header.line) +
                                    ") has no " + missing + " column; it reads " + found);
        return error.with_hint("the first row must name the columns, e.g. mac,model,load,target");
    }
    return columns;
}

std::string field(const detail::CsvRecord& record, const Columns& columns, Column column) {
    const std::size_t i = columns.of(column);
    if (i == kNoColumn || i >= record.fields.size())
        return {};
    return std::string(detail::trim(record.fields[i]));
}

// Identifiers (MAC, model, load IDs): short, printable, UTF-8; screened here so that the
// parsers' messages, which repeat the text, stay readable.
Result<void> check_id_field(std::string_view what, std::string_view text) {
    if (text.size() > kMaxIdFieldBytes)
        return bad_input("fleet.bad-value", std::string(what) + " " + detail::quote(text, 32) +
                                                " is longer than " +
                                                std::to_string(kMaxIdFieldBytes) + " characters");
    if (detail::find_control_char(text) != std::string_view::npos ||
        detail::find_invalid_utf8(text) != std::string_view::npos)
        return bad_input("fleet.bad-value",
                         std::string(what) + " " + detail::quote(text) +
                             " contains a control character or bytes that are not UTF-8");
    return {};
}

Error missing_value(std::string_view what, std::string_view column) {
    Error error = bad_input("fleet.missing-value", "no " + std::string(what) + " is given");
    return error.with_hint("fill in the " + std::string(column) + " column");
}

// One data row into a phone; the row's MAC and model go into `row` for the report.
Result<Phone> parse_row(const detail::CsvRecord& record, const Columns& columns, RowError& row) {
    const std::string mac_text = field(record, columns, Column::Mac);
    const std::string model_text = field(record, columns, Column::Model);
    // What the report shows of a bad row, whatever is wrong with it (for a row with broken
    // quoting or the wrong number of fields: what stands in the MAC and model columns).
    row.mac = mac_text.empty() ? std::string() : detail::quote(mac_text, 40);
    row.model = model_text.empty() ? std::string() : detail::quote(model_text, 40);
    if (!model_text.empty() && check_id_field("", model_text))
        if (auto known = find_model(model_text))
            row.model = std::string((*known)->number);

    if (!record.error.empty()) {
        Error error = bad_input("fleet.csv-quote", record.error);
        return error.with_hint("a field with a comma, quote or line break goes in double "
                               "quotes, with each quote inside written twice");
    }
    if (record.fields.size() != columns.count) {
        Error error = bad_input("fleet.csv-fields",
                                "the row has " + std::to_string(record.fields.size()) +
                                    (record.fields.size() == 1 ? " field" : " fields") +
                                    " but the header has " + std::to_string(columns.count));
        return error.with_hint("a value with a comma must be in double quotes");
    }
    Phone phone;
    phone.source_line = record.line;

    if (mac_text.empty())
        return missing_value("MAC address", "mac");
    if (auto ok = check_id_field("the MAC address", mac_text); !ok)
        return ok.error();
    auto mac = MacAddress::parse(mac_text);
    if (!mac)
        return mac.error();
    phone.mac = *mac;
    row.mac = mac->to_string();

    if (model_text.empty())
        return missing_value("model", "model");
    if (auto ok = check_id_field("the model", model_text); !ok)
        return ok.error();
    auto model = find_model(model_text);
    if (!model)
        return model.error();
    phone.model = *model;
    row.model = std::string((*model)->number);

    const std::string load_text = field(record, columns, Column::Load);
    if (load_text.empty())
        return missing_value("current load", "load");
    if (auto ok = check_id_field("the load", load_text); !ok)
        return ok.error();
    auto load = LoadId::parse(load_text);
    if (!load)
        return load.error();
    phone.from = *load;

    if (const std::string target = field(record, columns, Column::Target); !target.empty()) {
        if (auto ok = check_id_field("the target", target); !ok)
            return ok.error();
        if (detail::equals_ignoring_case(target, "SIP"))
            phone.to_protocol = Protocol::Sip;
        else if (detail::equals_ignoring_case(target, "SCCP"))
            phone.to_protocol = Protocol::Sccp;
        else if (auto to = LoadId::parse(target))
            phone.to = *to;
        else {
            Error error =
                bad_input("fleet.bad-target",
                          "the target " + detail::quote(target) +
                              " is neither SIP, SCCP nor a load ID: " + to.error().message);
            return error.with_hint("leave it empty for the emit default");
        }
    }
    if (const std::string hw = field(record, columns, Column::HwRev); !hw.empty()) {
        if (auto ok = check_id_field("the hardware revision", hw); !ok)
            return ok.error();
        auto revision = HardwareRevision::parse(hw);
        if (!revision)
            return revision.error();
        phone.hw_rev = *revision;
    }

    SipLine line;
    line.name = field(record, columns, Column::LineName);
    line.auth_name = field(record, columns, Column::AuthName);
    line.display_name = field(record, columns, Column::DisplayName);
    line.messages_number = field(record, columns, Column::MessagesNumber);
    // The password exactly as given: spaces may be part of it.
    if (const std::size_t i = columns.of(Column::Password); i != kNoColumn)
        line.auth_password = record.fields[i];
    if (!line.name.empty() || !line.auth_name.empty() || !line.display_name.empty() ||
        !line.messages_number.empty() || !line.auth_password.empty()) {
        SipSettings check;
        check.lines.push_back(line);
        if (auto ok = validate(check); !ok)
            return ok.error(); // never shows the password
        phone.line = std::move(line);
    }
    return phone;
}

} // namespace

Result<Inventory> parse_inventory(std::string_view csv, std::string source) {
    if (csv.size() > kMaxInventoryBytes)
        return csv_error("fleet.csv-too-large", source,
                         "the inventory is larger than 64 MiB; split it into several files");
    if (csv.size() >= 2 &&
        ((csv[0] == '\xFE' && csv[1] == '\xFF') || (csv[0] == '\xFF' && csv[1] == '\xFE')))
        return csv_error("fleet.csv-encoding", source,
                         "the inventory is UTF-16 or UTF-32; save it as UTF-8 (CSV UTF-8)");
    if (const std::size_t nul = csv.find('\0'); nul != std::string_view::npos) {
        Error error = csv_error("fleet.csv-encoding", source,
                                "the inventory contains a NUL byte; it is not a CSV text file");
        error.offset = nul;
        return error;
    }
    if (csv.size() >= 3 && csv.substr(0, 3) == "\xEF\xBB\xBF")
        csv.remove_prefix(3);

    Inventory inventory;
    inventory.source = source;
    detail::CsvReader reader(csv);
    detail::CsvRecord record;
    std::optional<Columns> columns;
    std::map<MacAddress, std::size_t> seen; // MAC → line of the row that has it
    while (reader.next(record)) {
        if (record.blank)
            continue;
        if (!columns) {
            auto header = read_header(record, source, inventory.warnings);
            if (!header)
                return header.error();
            columns = *header;
            continue;
        }
        ++inventory.rows;
        RowError row;
        row.line = record.line;
        auto phone = parse_row(record, *columns, row);
        if (phone) {
            auto [it, inserted] = seen.emplace(phone->mac, record.line);
            if (inserted) {
                inventory.phones.push_back(std::move(*phone));
                continue;
            }
            Error error = bad_input("fleet.duplicate-mac",
                                    "the MAC " + phone->mac.to_string() + " is also on line " +
                                        std::to_string(it->second) + "; each phone is listed once");
            phone = error.with_hint("remove one of the two rows");
        }
        row.error = phone.error().in_file(source);
        inventory.rejected.push_back(std::move(row));
    }
    if (!columns)
        return csv_error("fleet.csv-empty", source,
                         "the inventory has no header row (the file is empty)")
            .with_hint("the first row must name the columns, e.g. mac,model,load,target");
    return inventory;
}

Result<Inventory> read_inventory(const fs::path& path) {
    const std::string name = path.string();
    auto fail = [&](const std::string& what) -> Result<Inventory> {
        Error error = io_error("fleet.csv-read", what);
        error.file = name;
        return error;
    };
    std::error_code ec;
    if (fs::is_directory(path, ec))
        return fail("is a folder, not an inventory file");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return fail("cannot open the inventory file");
    std::string text;
    char buffer[65536];
    while (in && text.size() <= kMaxInventoryBytes) {
        in.read(buffer, sizeof buffer);
        text.append(buffer, static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad())
        return fail("cannot read the inventory file");
    return parse_inventory(text, name);
}

// =======================================================================================
// Emitting

namespace {

constexpr const char* kFilesList = "FILES.txt";
constexpr std::size_t kChunk = 256; // phones made at once, while the previous ones are written
constexpr const char* kPlanText = "plan.txt";
constexpr const char* kPlanJson = "plan.json";

struct FolderState {
    StepFolder info;
    fs::path path;
    std::set<std::string> models;
    std::map<std::string, std::string> shared;       // file name → content
    std::map<std::string, std::string> shared_owner; // file name → MAC that first needed it
};

using FolderKey = std::pair<unsigned, std::string>; // (step, load)

std::string folder_name(unsigned step, const LoadId& load) {
    return "step-" + std::to_string(step) + "-" + load.str();
}

// Folders emit_configs made, removed again (when still empty) if nothing is written.
class CreatedFolders {
public:
    CreatedFolders() = default;
    CreatedFolders(const CreatedFolders&) = delete;
    CreatedFolders& operator=(const CreatedFolders&) = delete;
    ~CreatedFolders() {
        if (keep_)
            return;
        for (auto it = made_.rbegin(); it != made_.rend(); ++it)
            ::rmdir(it->c_str()); // fails, harmlessly, when something is in it
    }
    void add(fs::path path) { made_.push_back(std::move(path)); }
    void keep() noexcept { keep_ = true; }

private:
    std::vector<fs::path> made_;
    bool keep_ = false;
};

bool exists_no_follow(const fs::path& path) {
    struct stat info {};
    return ::lstat(path.c_str(), &info) == 0;
}

Result<void> ensure_out_dir(const fs::path& dir, CreatedFolders& created) {
    if (dir.empty())
        return bad_input("fleet.no-out-dir", "no output folder is given");
    if (exists_no_follow(dir)) {
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) {
            Error error = io_error("fleet.out-dir", "the output folder exists and is not a folder");
            error.file = dir.string();
            return error;
        }
        return {};
    }
    if (::mkdir(dir.c_str(), 0755) != 0) {
        Error error = io_error("fleet.out-dir", std::string("cannot create the output folder: ") +
                                                    std::strerror(errno));
        error.file = dir.string();
        return error.with_hint("fwplan creates the output folder itself, not its parents");
    }
    created.add(dir);
    return {};
}

std::string files_list(const FolderState& folder) {
    const StepFolder& f = folder.info;
    std::string out;
    out += "# Firmware for the phones of " + f.name + " (written by fwplan).\n";
    out += "# Load " + f.load.str() + " (" + std::string(to_string(f.load.protocol())) + " " +
           f.load.version().release() + "). Put these files into the TFTP root together with\n";
    out += "# the configuration files of this folder.\n";
    if (f.available)
        out += "# They are in " + f.available_in + ".\n";
    else if (!f.package.empty())
        out += "# They come in " + f.package + " (download it from Cisco with your own account).\n";
    if (!f.files_from_manifest)
        out += "# The names below are the ones this family's packages use; the .loads file in "
               "the package has the final list.\n";
    for (const std::string& file : f.firmware_files)
        out += file + "\n";
    for (const std::string& missing : f.missing)
        out += "# missing from your package: " + missing + "\n";
    return out;
}

struct ProtocolLoad {
    std::string load;
    Protocol protocol;
    friend auto operator<=>(const ProtocolLoad&, const ProtocolLoad&) = default;
};

// The rendered SEP<MAC>.cnf.xml of a template shared by many phones: every phone at one
// load gets the same text, so it is rendered once per load.
class SharedTemplate {
public:
    explicit SharedTemplate(DeviceTemplate t) : template_(std::move(t)) {}

    const Result<std::string>& render(const LoadId& load, Protocol protocol) {
        ProtocolLoad key{load.str(), protocol};
        auto it = rendered_.find(key);
        if (it == rendered_.end())
            it = rendered_.emplace(key, template_.render(load, protocol)).first;
        return it->second;
    }
    const std::vector<ConfigWarning>& lint(const ModelInfo& model, Protocol protocol) {
        auto key = std::pair(std::string(model.number), protocol);
        auto it = lints_.find(key);
        if (it == lints_.end())
            it = lints_.emplace(key, template_.lint(&model, protocol)).first;
        return it->second;
    }
    [[nodiscard]] const DeviceTemplate& get() const noexcept { return template_; }

private:
    DeviceTemplate template_;
    std::map<ProtocolLoad, Result<std::string>> rendered_;
    std::map<std::pair<std::string, Protocol>, std::vector<ConfigWarning>> lints_;
};

PlanRequest request_for(const Phone& phone, const EmitOptions& options) {
    PlanRequest request;
    request.model = std::string(phone.model->number);
    request.from = phone.from;
    request.hw_rev = phone.hw_rev;
    if (phone.to)
        request.to = phone.to;
    else if (phone.to_protocol)
        request.to_protocol = phone.to_protocol;
    else if (options.default_to)
        request.to = options.default_to;
    else
        request.to_protocol = options.default_to_protocol;
    return request;
}

SipSettings settings_for(const Phone& phone, const SipSettings& base) {
    SipSettings settings = base;
    if (phone.line) {
        if (settings.lines.empty())
            settings.lines.push_back(*phone.line);
        else
            settings.lines.front() = *phone.line;
    }
    return settings;
}

RowError row_error(const Phone& phone, Error error) {
    RowError row;
    row.line = phone.source_line;
    row.mac = phone.mac.to_string();
    row.model = phone.model != nullptr ? std::string(phone.model->number) : std::string();
    row.error = std::move(error);
    return row;
}

std::string relative_to(const fs::path& path, const fs::path& base) {
    return path.lexically_relative(base).generic_string();
}

// Everything one emit run keeps while it goes through the phones.
class Emitter {
public:
    Emitter(const Planner& planner, const EmitOptions& options)
        : planner_(planner), options_(options), created_(), batch_(options.policy) {}

    Result<EmitReport> run(const Inventory& inventory);

private:
    struct PhoneFiles {
        std::vector<StepFiles> steps;
    };

    // One result per phone of a chunk; none for phones without a plan.
    using Generated = std::vector<std::optional<Result<PhoneFiles>>>;

    Generated generate(std::size_t begin);
    std::future<Generated> start(std::size_t begin);
    Result<void> emit_phone(const Phone& phone, const Plan& plan, Result<PhoneFiles> files);
    Result<PhoneFiles> make_files(const Phone& phone, const Plan& plan);
    Result<FolderState*> folder_for(unsigned step, const PlanStep& plan_step);
    Result<void> stage(const fs::path& dir, const std::string& name, const std::string& content);
    Result<void> finish_folders();
    void summarize();
    void note_round_clashes();

    const Planner& planner_;
    const EmitOptions& options_;
    // Declared before the batch so that, on an early return, the batch removes its
    // temporary files before the folders it wrote them to are removed (when empty).
    CreatedFolders created_;
    WriteBatch batch_;
    EmitReport report_;
    std::optional<SharedTemplate> shared_;
    std::map<FolderKey, FolderState> folders_;
    std::map<std::pair<std::string, std::string>, WarningSummary> warnings_;
    std::set<std::string> notes_seen_;
    std::size_t line_fields_unused_ = 0;
    // The phones in MAC order and their plans.
    std::vector<const Phone*> phones_;
    FleetPlans plans_;
};

Result<void> Emitter::stage(const fs::path& dir, const std::string& name,
                            const std::string& content) {
    auto staged = batch_.add(dir, name, content);
    if (staged)
        return {};
    if (staged.error().kind == ErrorKind::Conflict) {
        report_.conflicts.push_back(staged.error());
        return {};
    }
    return staged.error();
}

Result<FolderState*> Emitter::folder_for(unsigned step, const PlanStep& plan_step) {
    const FolderKey key{step, plan_step.load.str()};
    if (auto it = folders_.find(key); it != folders_.end())
        return &it->second;
    const std::string name = folder_name(step, plan_step.load);
    const fs::path path = options_.out_dir / name;
    const bool existed = exists_no_follow(path);
    auto made = create_subdirectory(options_.out_dir, name);
    if (!made) {
        if (made.error().kind == ErrorKind::Conflict) {
            report_.conflicts.push_back(made.error());
            return static_cast<FolderState*>(nullptr);
        }
        return made.error();
    }
    if (!existed)
        created_.add(path);
    FolderState state;
    state.path = path;
    state.info.name = name;
    state.info.step = step;
    state.info.load = plan_step.load;
    state.info.package = plan_step.package;
    state.info.available = plan_step.available;
    state.info.available_in = plan_step.available_in;
    state.info.firmware_files = plan_step.files;
    state.info.files_from_manifest = plan_step.files_from_manifest;
    state.info.missing = plan_step.missing;
    return &folders_.emplace(key, std::move(state)).first->second;
}

Result<Emitter::PhoneFiles> Emitter::make_files(const Phone& phone, const Plan& plan) {
    const ModelInfo& model = *phone.model;
    const SipSettings settings = settings_for(phone, options_.sip);
    // A phone with its own line and no user template gets its own built-in template.
    std::optional<DeviceTemplate> own;
    if (!options_.device_template && phone.line) {
        auto built = DeviceTemplate::builtin_sip(settings);
        if (!built)
            return built.error();
        own = std::move(*built);
    }
    StepOptions step_options;
    step_options.dial_plan = options_.dial_plan;

    PhoneFiles files;
    for (const PlanStep& step : plan.steps) {
        if (auto ok = check_file_name(folder_name(step.number, step.load)); !ok)
            return ok.error();
        const Protocol protocol = step.protocol();
        if (auto ok = detail::check_step(model, step.load, protocol); !ok)
            return ok.error();
        std::string sep;
        std::vector<ConfigWarning> lints;
        if (own) {
            auto rendered = own->render(step.load, protocol);
            if (!rendered)
                return rendered.error().in_file(own->source_name());
            sep = std::move(*rendered);
            lints = own->lint(&model, protocol);
        } else {
            const Result<std::string>& rendered = shared_->render(step.load, protocol);
            if (!rendered)
                return rendered.error().in_file(shared_->get().source_name());
            sep = *rendered;
            lints = shared_->lint(model, protocol);
        }
        auto made =
            detail::assemble_step_files(model, phone.mac, step.load, protocol, std::move(sep),
                                        std::move(lints), settings, step_options);
        if (!made)
            return made.error();
        files.steps.push_back(std::move(*made));
    }
    return files;
}

Result<void> Emitter::emit_phone(const Phone& phone, const Plan& plan, Result<PhoneFiles> files) {
    if (options_.device_template && phone.line &&
        phone.model->config_style != ConfigStyle::SepXmlAndSipCnf)
        ++line_fields_unused_;
    if (!files) {
        report_.failed.push_back(row_error(phone, files.error()));
        return {};
    }
    // Files one TFTP root holds once must agree with what earlier phones of the folder need.
    for (std::size_t i = 0; i < plan.steps.size(); ++i) {
        const FolderKey key{plan.steps[i].number, plan.steps[i].load.str()};
        auto it = folders_.find(key);
        if (it == folders_.end())
            continue;
        for (const GeneratedFile& file : files->steps[i].files) {
            if (!file.shared)
                continue;
            auto known = it->second.shared.find(file.name);
            if (known == it->second.shared.end() || known->second == file.content)
                continue;
            Error error =
                bad_input("fleet.shared-file-conflict",
                          it->second.info.name + "/" + file.name +
                              " must hold one text "
                              "for every phone, but this " +
                              std::string(phone.model->number) + " needs other content than " +
                              it->second.shared_owner[file.name] + " does");
            error.kind = ErrorKind::Conflict;
            report_.failed.push_back(row_error(
                phone, error.with_hint("give the two phones the same settings, or emit them into "
                                       "different output folders")));
            return {};
        }
    }

    EmittedPhone emitted;
    emitted.mac = phone.mac;
    emitted.model = std::string(phone.model->number);
    emitted.source_line = phone.source_line;
    emitted.from = plan.from;
    emitted.from_assumed = plan.from_assumed;
    emitted.to = plan.to;
    for (std::size_t i = 0; i < plan.steps.size(); ++i) {
        const PlanStep& step = plan.steps[i];
        auto folder = folder_for(step.number, step);
        if (!folder)
            return folder.error();
        if (*folder == nullptr)
            continue; // a file is in the way of the folder: reported as a conflict
        FolderState& state = **folder;
        for (GeneratedFile& file : files->steps[i].files) {
            if (file.shared) {
                if (state.shared.emplace(file.name, std::move(file.content)).second)
                    state.shared_owner.emplace(file.name, phone.mac.to_string());
                continue;
            }
            if (auto ok = stage(state.path, file.name, file.content); !ok)
                return ok;
        }
        state.models.insert(emitted.model);
        ++state.info.phones;
        for (const ConfigWarning& warning : files->steps[i].warnings) {
            auto [it, inserted] = warnings_.try_emplace(std::pair(state.info.name, warning.code));
            if (inserted)
                it->second = WarningSummary{state.info.name, warning.code, warning.message, 0};
            ++it->second.count;
        }
        emitted.loads.push_back(step.load);
        emitted.folders.push_back(state.info.name);
    }
    for (const std::string& note : plan.notes)
        if (notes_seen_.insert(note).second)
            report_.notes.push_back({"fwplan.plan.note", note, {}});
    report_.phones.push_back(std::move(emitted));
    return {};
}

Result<void> Emitter::finish_folders() {
    for (auto& [key, state] : folders_) {
        if (auto ok = stage(state.path, kFilesList, files_list(state)); !ok)
            return ok;
        if (options_.xml_default) {
            std::vector<XmlDefaultEntry> entries;
            for (const std::string& number : state.models)
                entries.push_back({find_model(number).value(), state.info.load});
            auto xml = make_xml_default(entries, options_.sip);
            if (!xml)
                return xml.error();
            for (const ConfigWarning& warning : xml->warnings) {
                auto [it, inserted] =
                    warnings_.try_emplace(std::pair(state.info.name, warning.code));
                if (inserted)
                    it->second = WarningSummary{state.info.name, warning.code, warning.message, 0};
                ++it->second.count;
            }
            for (const GeneratedFile& file : xml->files)
                state.shared.emplace(file.name, file.content);
        }
        for (const auto& [name, content] : state.shared)
            if (auto ok = stage(state.path, name, content); !ok)
                return ok;
        state.info.models.assign(state.models.begin(), state.models.end());
        report_.folders.push_back(state.info);
    }
    return {};
}

// Folders of one round are served together; a file a TFTP root holds once cannot have two
// contents there.
void Emitter::note_round_clashes() {
    std::map<std::pair<unsigned, std::string>, std::vector<const FolderState*>> by_file;
    for (const auto& [key, state] : folders_)
        for (const auto& [name, content] : state.shared)
            by_file[{key.first, name}].push_back(&state);
    for (const auto& [round_file, states] : by_file) {
        const auto& [round, file] = round_file;
        std::set<std::string> contents;
        std::string names;
        for (const FolderState* state : states) {
            contents.insert(state->shared.at(file));
            names += (names.empty() ? "" : ", ") + state->info.name;
        }
        if (contents.size() < 2)
            continue;
        const std::string prefix = "round " + std::to_string(round) + ": " + names + " each hold " +
                                   file + " with different contents and a TFTP root holds one";
        if (file == "XMLDefault.cnf.xml")
            // Only phones without a SEP<MAC>.cnf.xml read it, and every phone listed has one.
            report_.notes.push_back(
                {"fwplan.fleet.round-xml-default",
                 prefix + "; only phones without their own SEP<MAC>.cnf.xml read it (every phone "
                          "listed has one), so keep the one for the phones you may add",
                 file});
        else
            report_.notes.push_back(
                {"fwplan.fleet.round-shared-file",
                 prefix + ": serve these folders one after the other, not merged", file});
    }
}

void Emitter::summarize() {
    std::map<std::string, ModelSummary> models;
    for (const EmittedPhone& phone : report_.phones) {
        ModelSummary& summary = models[phone.model];
        summary.model = phone.model;
        ++summary.phones_by_steps[phone.loads.size()];
    }
    for (const RowError& row : report_.failed) {
        const std::string model = row.model.empty() ? "(none)" : row.model;
        ModelSummary& summary = models[model];
        summary.model = model;
        ++summary.failed;
    }
    for (auto& [name, summary] : models)
        report_.models.push_back(std::move(summary));
    for (auto& [key, summary] : warnings_)
        report_.warnings.push_back(std::move(summary));
    std::stable_sort(report_.failed.begin(), report_.failed.end(),
                     [](const RowError& a, const RowError& b) {
                         return std::tie(a.line, a.mac) < std::tie(b.line, b.mac);
                     });
    if (line_fields_unused_ > 0)
        report_.notes.push_back(
            {"fwplan.fleet.line-fields-unused",
             std::to_string(line_fields_unused_) +
                 (line_fields_unused_ == 1 ? " phone has" : " phones have") +
                 " line fields in the inventory, but their SEP<MAC>.cnf.xml comes from your "
                 "template as it is; only 7940/7960 SIP<MAC>.cnf files take line fields",
             {}});
}

// Makes the files of a chunk of phones. Runs on a second thread while the main thread
// writes the previous chunk: rendering a phone's own template costs about as much CPU as
// the kernel spends writing its files. Only this touches `shared_`, one chunk at a time.
Emitter::Generated Emitter::generate(std::size_t begin) {
    Generated out;
    const std::size_t end = std::min(begin + kChunk, phones_.size());
    out.reserve(end - begin);
    for (std::size_t i = begin; i < end; ++i) {
        const std::ptrdiff_t outcome = plans_.outcome[i];
        if (outcome < 0)
            out.emplace_back(std::nullopt);
        else
            out.emplace_back(
                make_files(*phones_[i], plans_.plans[static_cast<std::size_t>(outcome)]));
    }
    return out;
}

std::future<Emitter::Generated> Emitter::start(std::size_t begin) {
    try {
        return std::async(std::launch::async, [this, begin] { return generate(begin); });
    } catch (const std::system_error&) { // no thread to be had: do it when asked
        return std::async(std::launch::deferred, [this, begin] { return generate(begin); });
    }
}

Result<EmitReport> Emitter::run(const Inventory& inventory) {
    if (auto ok = validate(options_.sip); !ok)
        return ok.error();
    report_.rows = inventory.phones.size() + inventory.rejected.size();
    report_.failed = inventory.rejected;
    report_.notes = inventory.warnings;
    if (auto ok = ensure_out_dir(options_.out_dir, created_); !ok)
        return ok.error();

    // Phones in MAC order: the order files are written in and reported.
    std::vector<const Phone*>& phones = phones_;
    std::set<MacAddress> seen;
    for (const Phone& phone : inventory.phones) {
        if (phone.model == nullptr)
            throw std::logic_error("fwplan: emit_configs: a phone without a model");
        if (!seen.insert(phone.mac).second) {
            report_.failed.push_back(row_error(
                phone, bad_input("fleet.duplicate-mac",
                                 "the MAC " + phone.mac.to_string() + " is given twice")));
            continue;
        }
        phones.push_back(&phone);
    }
    std::sort(phones.begin(), phones.end(),
              [](const Phone* a, const Phone* b) { return a->mac < b->mac; });

    std::vector<PlanRequest> requests;
    requests.reserve(phones.size());
    for (const Phone* phone : phones)
        requests.push_back(request_for(*phone, options_));
    plans_ = planner_.plan_fleet(requests);

    if (options_.device_template) {
        shared_.emplace(*options_.device_template);
    } else {
        auto builtin = DeviceTemplate::builtin_sip(options_.sip);
        if (!builtin)
            return builtin.error();
        shared_.emplace(std::move(*builtin));
    }

    // Chunk k+1 is made on another thread while chunk k is written, in MAC order.
    const bool pipelined = phones.size() > kChunk;
    std::future<Generated> next;
    if (pipelined)
        next = start(0);
    for (std::size_t begin = 0; begin < phones.size(); begin += kChunk) {
        Generated chunk = pipelined ? next.get() : generate(begin);
        if (pipelined && begin + kChunk < phones.size())
            next = start(begin + kChunk);
        for (std::size_t j = 0; j < chunk.size(); ++j) {
            const std::size_t i = begin + j;
            const std::ptrdiff_t outcome = plans_.outcome[i];
            if (outcome < 0) {
                report_.failed.push_back(
                    row_error(*phones[i], plans_.errors[static_cast<std::size_t>(-1 - outcome)]));
                continue;
            }
            if (auto ok = emit_phone(*phones[i], plans_.plans[static_cast<std::size_t>(outcome)],
                                     std::move(*chunk[j]));
                !ok)
                return ok.error();
        }
    }
    if (auto ok = finish_folders(); !ok)
        return ok.error();
    note_round_clashes();
    summarize();

    if (auto ok = stage(options_.out_dir, kPlanText, plan_text(report_)); !ok)
        return ok.error();
    if (auto ok = stage(options_.out_dir, kPlanJson, plan_json(report_)); !ok)
        return ok.error();

    // Conflicts: nothing is written. No phone to write for: neither (not even plan.txt).
    if (!report_.conflicts.empty() || report_.phones.empty()) {
        batch_.abandon(); // created_ removes the folders it made
        return std::move(report_);
    }
    auto results = batch_.commit();
    if (!results)
        return results.error();
    created_.keep();
    report_.files.reserve(results->size());
    for (const WriteResult& result : *results)
        report_.files.push_back(
            {relative_to(result.path, options_.out_dir), result.outcome,
             result.backup.empty() ? std::string() : relative_to(result.backup, options_.out_dir)});
    return std::move(report_);
}

} // namespace

Result<EmitReport> emit_configs(const Planner& planner, const Inventory& inventory,
                                const EmitOptions& options) {
    Emitter emitter(planner, options);
    return emitter.run(inventory);
}

// =======================================================================================
// plan.txt and plan.json

namespace {

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
    return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

std::string pad(std::string text, std::size_t width) {
    if (text.size() < width)
        text.append(width - text.size(), ' ');
    return text;
}

std::string row_where(const RowError& row) {
    std::string where = row.line > 0 ? "line " + std::to_string(row.line) : std::string("phone");
    if (!row.mac.empty())
        where += " (" + row.mac + ")";
    return where;
}

} // namespace

std::string plan_text(const EmitReport& r) {
    std::string out;
    out += "fwplan emit: " + plural(r.rows, "phone", "phones") + ", " +
           std::to_string(r.phones.size()) + " planned, " +
           plural(r.failed.size(), "row failed", "rows failed") + "\n";

    if (!r.folders.empty()) {
        out +=
            "\nRounds: copy the files of a round's folders into the TFTP root together with the\n"
            "firmware files each FILES.txt lists, let the phones of that round install their\n"
            "load and reboot, then go on with the next round.\n";
        unsigned round = 0;
        for (const StepFolder& f : r.folders) {
            if (f.step != round) {
                round = f.step;
                out += "\nRound " + std::to_string(round) + "\n";
            }
            std::string models;
            for (const std::string& m : f.models)
                models += (models.empty() ? "" : ", ") + m;
            out += "  " + pad(f.name, 36) + " " + pad(plural(f.phones, "phone", "phones"), 12) +
                   " " + pad(models, 12) + " " +
                   (f.available ? "firmware: " + f.available_in
                                : "download: " + (f.package.empty() ? "(unknown)" : f.package)) +
                   "\n";
        }
    }

    if (!r.phones.empty()) {
        out += "\nPhones\n";
        for (const EmittedPhone& p : r.phones) {
            out += "  " + p.mac.to_string() + "  " + pad(p.model, 9) +
                   (p.source_line > 0 ? pad("line " + std::to_string(p.source_line), 11) : "") +
                   p.from.str() + (p.from_assumed ? " (assumed)" : "") + " -> " + p.to.str() + ": ";
            if (p.loads.empty())
                out += "nothing to do\n";
            else {
                out += plural(p.loads.size(), "step", "steps") + " (";
                for (std::size_t i = 0; i < p.loads.size(); ++i)
                    out += (i ? ", " : "") + p.loads[i].str();
                out += ")\n";
            }
        }
    }

    if (!r.models.empty()) {
        out += "\nPer model\n";
        for (const ModelSummary& m : r.models) {
            std::string line;
            for (const auto& [steps, phones] : m.phones_by_steps)
                line += std::string(line.empty() ? "" : ", ") +
                        (steps == 0 ? plural(phones, "phone runs", "phones run") + " the target"
                                    : plural(phones, "phone takes ", "phones take ") +
                                          plural(steps, "step", "steps"));
            if (m.failed > 0)
                line += std::string(line.empty() ? "" : ", ") +
                        plural(m.failed, "row failed", "rows failed");
            out += "  " + pad(m.model, 10) + line + "\n";
        }
    }

    if (!r.failed.empty()) {
        out += "\nFailed rows\n";
        for (const RowError& row : r.failed) {
            out += "  " + row_where(row) + ": " + row.error.message + " [" + row.error.code + "]\n";
            if (!row.error.hint.empty())
                out += "      hint: " + row.error.hint + "\n";
        }
    }

    if (!r.warnings.empty()) {
        out += "\nWarnings\n";
        for (const WarningSummary& w : r.warnings)
            out += "  " + w.folder + ": " + w.code + " (" + plural(w.count, "file", "files") +
                   "): " + w.message + "\n";
    }
    if (!r.notes.empty()) {
        out += "\nNotes\n";
        for (const ConfigWarning& note : r.notes)
            out += "  - " + note.message + " [" + note.code + "]\n";
    }
    return out;
}

namespace {

using ordered_json = nlohmann::ordered_json;

ordered_json strings(const std::vector<std::string>& values) {
    ordered_json out = ordered_json::array();
    for (const std::string& v : values)
        out.push_back(v);
    return out;
}

ordered_json plan_object(const EmitReport& r) {
    ordered_json out;
    out["rows"] = r.rows;
    out["planned"] = r.phones.size();
    out["failed_rows"] = r.failed.size();

    ordered_json phones = ordered_json::array();
    for (const EmittedPhone& p : r.phones) {
        ordered_json loads = ordered_json::array();
        for (const LoadId& load : p.loads)
            loads.push_back(load.str());
        phones.push_back({{"mac", p.mac.to_string()},
                          {"model", p.model},
                          {"line", p.source_line},
                          {"from", p.from.str()},
                          {"from_assumed", p.from_assumed},
                          {"to", p.to.str()},
                          {"steps", p.loads.size()},
                          {"loads", loads},
                          {"folders", strings(p.folders)}});
    }
    out["phones"] = std::move(phones);

    ordered_json folders = ordered_json::array();
    for (const StepFolder& f : r.folders)
        folders.push_back({{"name", f.name},
                           {"step", f.step},
                           {"load", f.load.str()},
                           {"protocol", to_string(f.load.protocol())},
                           {"version", f.load.version().release()},
                           {"package", f.package},
                           {"available", f.available},
                           {"available_in", f.available_in},
                           {"files", strings(f.firmware_files)},
                           {"files_from_manifest", f.files_from_manifest},
                           {"missing", strings(f.missing)},
                           {"models", strings(f.models)},
                           {"phones", f.phones}});
    out["folders"] = std::move(folders);

    ordered_json models = ordered_json::array();
    for (const ModelSummary& m : r.models) {
        ordered_json by_steps = ordered_json::array();
        std::size_t total = 0;
        for (const auto& [steps, count] : m.phones_by_steps) {
            by_steps.push_back({{"steps", steps}, {"phones", count}});
            total += count;
        }
        models.push_back(
            {{"model", m.model}, {"phones", total}, {"failed", m.failed}, {"by_steps", by_steps}});
    }
    out["models"] = std::move(models);

    ordered_json failed = ordered_json::array();
    for (const RowError& row : r.failed)
        failed.push_back({{"line", row.line},
                          {"mac", row.mac},
                          {"model", row.model},
                          {"code", row.error.code},
                          {"message", row.error.message},
                          {"hint", row.error.hint}});
    out["failed"] = std::move(failed);

    ordered_json warnings = ordered_json::array();
    for (const WarningSummary& w : r.warnings)
        warnings.push_back(
            {{"folder", w.folder}, {"code", w.code}, {"message", w.message}, {"count", w.count}});
    out["warnings"] = std::move(warnings);

    ordered_json notes = ordered_json::array();
    for (const ConfigWarning& note : r.notes)
        notes.push_back({{"code", note.code}, {"message", note.message}, {"where", note.where}});
    out["notes"] = std::move(notes);
    return out;
}

std::string dump(const ordered_json& value) {
    // Replace, not throw, on bytes that are not UTF-8: text from the inventory is quoted
    // already, but a report must never fail to print.
    return value.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

} // namespace

std::string plan_json(const EmitReport& report) {
    return dump(plan_object(report));
}

std::string report_json(const EmitReport& report) {
    ordered_json out = plan_object(report);
    out["ok"] = report.ok();
    ordered_json files = ordered_json::array();
    for (const EmittedFile& f : report.files)
        files.push_back(
            {{"path", f.path}, {"outcome", to_string(f.outcome)}, {"backup", f.backup}});
    out["files"] = std::move(files);
    ordered_json conflicts = ordered_json::array();
    for (const Error& e : report.conflicts)
        conflicts.push_back(
            {{"code", e.code}, {"message", e.message}, {"file", e.file}, {"hint", e.hint}});
    out["conflicts"] = std::move(conflicts);
    return dump(out);
}

} // namespace fwplan
