// emit_configs: plan every phone of an inventory and write the files of each step into one
// folder per step and load, through one WriteBatch.

#include "config/step_files.hpp"
#include "detail/posix.hpp"
#include "detail/text.hpp"

#include <fwplan/fleet.hpp>
#include <fwplan/xml_default.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <future>
#include <map>
#include <set>
#include <stdexcept>
#include <sys/stat.h>
#include <system_error>
#include <tuple>
#include <unistd.h>
#include <utility>

namespace fwplan {

namespace fs = std::filesystem;

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
        const int err = errno;
        Error error =
            detail::system_error("fleet.out-dir", dir, "cannot create the output folder", err);
        if (err == ENOENT)
            error.hint = "fwplan creates the output folder itself, not its parents";
        return error;
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
    if (std::any_of(f.firmware_files.begin(), f.firmware_files.end(),
                    [](const std::string& name) { return name.find('*') != std::string::npos; }))
        out += "# A * stands for the build ID only the .loads names (give --firmware with the "
               "package to list the exact names).\n";
    for (const std::string& file : f.firmware_files)
        out += file + "\n";
    for (const std::string& missing : f.missing)
        out += "# missing from your package: " + missing + "\n";
    return out;
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
    void note_template_settings();

    const Planner& planner_;
    const EmitOptions& options_;
    // Declared before the batch so that, on an early return, the batch removes its
    // temporary files before the folders it wrote them to are removed (when empty).
    CreatedFolders created_;
    WriteBatch batch_;
    EmitReport report_;
    std::optional<StepFileRenderer> renderer_;
    std::map<FolderKey, FolderState> folders_;
    std::map<std::pair<std::string, std::string>, WarningSummary> warnings_;
    std::set<std::string> notes_seen_;
    std::size_t line_fields_unused_ = 0;
    std::size_t template_phones_ = 0; // phones whose SEP<MAC>.cnf.xml is the user's template
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
    if (auto it = folders_.find(key); it != folders_.end()) {
        // Phones from other loads may need more files of the same load (a 7960 from an
        // unsigned load needs the .bin loader too): FILES.txt lists them all.
        std::vector<std::string>& files = it->second.info.firmware_files;
        for (const std::string& file : plan_step.files)
            if (std::find(files.begin(), files.end(), file) == files.end())
                files.push_back(file);
        return &it->second;
    }
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
    // The step folders' names must be file names fwplan may write (no load ID leads out).
    for (const PlanStep& step : plan.steps)
        if (auto ok = check_file_name(folder_name(step.number, step.load)); !ok)
            return ok.error();
    auto steps = renderer_->render(phone, plan);
    if (!steps)
        return steps.error();
    return PhoneFiles{std::move(*steps)};
}

Result<void> Emitter::emit_phone(const Phone& phone, const Plan& plan, Result<PhoneFiles> files) {
    if (options_.device_template && phone.model->config_style != ConfigStyle::SepXmlAndSipCnf) {
        ++template_phones_;
        if (phone.line)
            ++line_fields_unused_;
    }
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
        for (const Diagnostic& warning : files->steps[i].warnings) {
            auto [it, inserted] = warnings_.try_emplace(std::pair(state.info.name, warning.code));
            if (inserted)
                it->second = WarningSummary{state.info.name, warning.code, warning.message, 0};
            ++it->second.count;
        }
        emitted.loads.push_back(step.load);
        emitted.folders.push_back(state.info.name);
    }
    for (const Diagnostic& note : plan.notes)
        if (notes_seen_.insert(note.message).second)
            report_.notes.push_back(note);
    report_.phones.push_back(std::move(emitted));
    return {};
}

Result<void> Emitter::finish_folders() {
    for (auto& [key, state] : folders_) {
        if (auto ok = stage(state.path, kFilesList, files_list(state)); !ok)
            return ok;
        std::vector<XmlDefaultEntry> entries;
        if (options_.xml_default)
            for (const std::string& number : state.models) {
                // Only a load every factory-fresh phone of the model can take in one step:
                // XMLDefault is what phones without their own SEP<MAC>.cnf.xml read.
                const ModelInfo* model = find_model(number).value();
                const XmlDefaultReach reach = xml_default_reach(planner_, *model, state.info.load);
                if (reach.ok()) {
                    entries.push_back({model, state.info.load});
                    continue;
                }
                report_.notes.push_back(info(
                    "fwplan.fleet.xml-default-unreachable",
                    state.info.name + "/XMLDefault.cnf.xml leaves out the " + number + ": " +
                        reach.why +
                        ", and a new or factory-reset phone without its own SEP<MAC>.cnf.xml may "
                        "still run that load; such phones get the load of an earlier round's "
                        "XMLDefault.cnf.xml",
                    state.info.name + "/XMLDefault.cnf.xml"));
            }
        if (!entries.empty()) {
            auto xml = make_xml_default(entries, options_.sip);
            if (!xml)
                return xml.error();
            for (const Diagnostic& warning : xml->warnings) {
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
                info("fwplan.fleet.round-xml-default",
                     prefix + "; only phones without their own SEP<MAC>.cnf.xml read it (every "
                              "phone listed has one), so keep the one for the phones you may add",
                     file));
        else
            report_.notes.push_back(
                warning("fwplan.fleet.round-shared-file",
                        prefix + ": serve these folders one after the other, not merged", file));
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
    note_template_settings();
    // The report lists the first rows that failed and counts the rest (the per-model counts
    // above include them all, but for rows the inventory only counted).
    if (report_.failed.size() > kMaxListedRows) {
        report_.failed_more += report_.failed.size() - kMaxListedRows;
        report_.failed.resize(kMaxListedRows);
    }
    if (line_fields_unused_ > 0)
        report_.notes.push_back(
            warning("fwplan.fleet.line-fields-unused",
                    std::to_string(line_fields_unused_) +
                        (line_fields_unused_ == 1 ? " phone has" : " phones have") +
                        " line fields in the inventory, but their SEP<MAC>.cnf.xml comes from "
                        "your template as it is; only 7940/7960 SIP<MAC>.cnf files take line "
                        "fields"));
}

// With the user's template, SEP<MAC>.cnf.xml is that template as it is: the SIP settings
// given besides it do not reach it (only XMLDefault.cnf.xml and the 7940/7960 files take
// them). Say which, rather than ignore them without a word.
void Emitter::note_template_settings() {
    if (!options_.device_template || template_phones_ == 0)
        return;
    const SipSettings& s = options_.sip;
    std::vector<std::string> unused;
    if (!s.server.empty())
        unused.push_back("the SIP server " + s.server + " (it reaches XMLDefault.cnf.xml only)");
    if (!s.outbound_proxy.empty())
        unused.push_back("the outbound proxy");
    if (!s.ntp_server.empty())
        unused.push_back("the NTP server");
    if (s.time_zone != kDefaultTimeZone)
        unused.push_back("the time zone");
    if (!s.phone_label.empty())
        unused.push_back("the phone label");
    for (std::size_t i = 0; i < s.lines.size(); ++i) {
        const SipLine& line = s.lines[i];
        std::vector<std::string> parts;
        if (!line.name.empty())
            parts.emplace_back("name");
        if (!line.auth_name.empty())
            parts.emplace_back("auth name");
        if (!line.auth_password.empty())
            parts.emplace_back("password");
        if (!line.display_name.empty())
            parts.emplace_back("display name");
        if (!line.messages_number.empty())
            parts.emplace_back("voicemail number");
        if (!parts.empty())
            unused.push_back("line " + std::to_string(i + 1) + "'s " + detail::join(parts));
    }
    if (!s.speed_dials.empty())
        unused.push_back(std::to_string(s.speed_dials.size()) +
                         (s.speed_dials.size() == 1 ? " speed dial" : " speed dials"));
    if (unused.empty())
        return;
    Diagnostic note = warning(
        "fwplan.fleet.template-settings-unused",
        "SEP<MAC>.cnf.xml comes from your template " + options_.device_template->source_name() +
            " as it is, so " + detail::join(unused, ", ") + (unused.size() == 1 ? " is" : " are") +
            " not written into it: the phone registers with what the template says");
    note.hint = "put these values into the template, or leave the template out and let fwplan "
                "fill its built-in one";
    report_.notes.push_back(std::move(note));
}

// Makes the files of a chunk of phones. Runs on a second thread while the main thread
// writes the previous chunk: rendering a phone's own template costs about as much CPU as
// the kernel spends writing its files. Only this touches `renderer_`, one chunk at a time.
Emitter::Generated Emitter::generate(std::size_t begin) {
    Generated out;
    const std::size_t end = std::min(begin + kChunk, phones_.size());
    out.reserve(end - begin);
    for (std::size_t i = begin; i < end; ++i) {
        if (const Plan* plan = plans_.plan_of(i))
            out.emplace_back(make_files(*phones_[i], *plan));
        else
            out.emplace_back(std::nullopt);
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
    report_.rows = inventory.phones.size() + inventory.rejected.size() + inventory.rejected_more;
    report_.failed = inventory.rejected;
    report_.failed_more = inventory.rejected_more;
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
        requests.push_back(plan_request_for(*phone, options_));
    plans_ = planner_.plan_fleet(requests);

    auto renderer = StepFileRenderer::make(options_);
    if (!renderer)
        return renderer.error();
    renderer_.emplace(std::move(*renderer));

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
            const Plan* plan = plans_.plan_of(i);
            if (plan == nullptr) {
                report_.failed.push_back(row_error(*phones[i], *plans_.error_of(i)));
                continue;
            }
            if (auto ok = emit_phone(*phones[i], *plan, std::move(*chunk[j])); !ok)
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

} // namespace fwplan
