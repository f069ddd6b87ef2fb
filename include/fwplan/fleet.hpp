#pragma once
/// @file fleet.hpp
/// Many phones at once: an inventory CSV in, one plan per phone (phones that ask the same
/// are planned once, `Planner::plan_fleet`), and the configuration files of every step out,
/// one folder per step and load. One phone is a fleet of one: `fwplan emit --mac` uses the
/// same code.
///
/// The phones come from an inventory (inventory.hpp): a CSV file, or one phone built from
/// command-line values with `parse_phone`.
///
/// **The output** (`emit_configs`) goes into one folder, `DIR`:
///
///     DIR/plan.txt                         the plan for people: rounds, phones, per model,
///                                          failed rows
///     DIR/plan.json                        the same for programs (see `plan_json`)
///     DIR/step-1-SCCP41.8-5-2S/            phones whose first step installs SCCP41.8-5-2S:
///         SEP008041AEFD7E.cnf.xml          one per phone (make_step_files)
///         XMLDefault.cnf.xml               this folder's load for each model in it
///         FILES.txt                        the firmware files this load needs next to them
///         dialplan.xml                     the dial plan the configs name (empty by default)
///         SIPDefault.cnf, SIP<MAC>.cnf, OS79XX.TXT   (7940/7960)
///     DIR/step-2-SIP41.9-4-2SR3-1S/        ...
///
/// Step N of a phone goes into the folder of its own Nth load, so phones with plans of
/// different lengths never mix two loads in one folder. The folders with the same N form
/// *round* N: serve them, let the phones install, then go on with round N+1. Files one
/// TFTP root holds once (`XMLDefault.cnf.xml`, `SIPDefault.cnf`, `OS79XX.TXT`,
/// `dialplan.xml`) are written once per folder; two phones needing different contents for
/// one of them is a reported error for the later phone, never a silent overwrite.
///
/// Every file is written through a `WriteBatch` (file_writer.hpp): whole or not at all, an
/// existing different file is a conflict unless `force` (then it is kept as a backup),
/// identical files are left untouched. When there is a conflict nothing at all is written,
/// and neither when no phone gets files (every row failed).
/// The same inputs give byte-identical files (everything sorted, no timestamps). Folder
/// names are checked like file names, so no MAC, load ID or template name leads outside
/// `DIR`.
///
/// **Example**
///
///     fwplan::Planner planner(fwplan::Catalog::builtin());
///     auto inventory = fwplan::read_inventory("phones.csv");    // Result<Inventory>
///     if (!inventory)
///         return fwplan::exit_code_for(inventory.error().kind);   // unreadable, bad header
///     fwplan::EmitOptions options;
///     options.out_dir = "out";
///     options.sip.server = "192.168.178.1";
///     options.default_to_protocol = fwplan::Protocol::Sip;
///     auto report = fwplan::emit_configs(planner, *inventory, options);
///     if (!report)
///         return fwplan::exit_code_for(report.error().kind);      // I/O
///     std::cout << fwplan::plan_text(*report);
///     for (const fwplan::RowError& row : report->failed)
///         std::cerr << "line " << row.line << ": " << row.error.describe() << '\n';
///     return report->ok() ? 0 : 1;

#include <fwplan/catalog.hpp>
#include <fwplan/device_config.hpp>
#include <fwplan/error.hpp>
#include <fwplan/file_writer.hpp>
#include <fwplan/inventory.hpp>
#include <fwplan/load_id.hpp>
#include <fwplan/mac_address.hpp>
#include <fwplan/models.hpp>
#include <fwplan/planner.hpp>

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fwplan {

/// What `emit_configs` writes and how.
struct EmitOptions {
    std::filesystem::path out_dir; ///< created when missing (its parent must exist)
    /// The user's `SEP<MAC>.cnf.xml`; none: fwplan's built-in SIP template filled from `sip`
    /// (and each phone's own line). A user template is used as it is for every phone: the
    /// line fields of the inventory then reach only the 7940/7960 `SIP<MAC>.cnf` files.
    std::optional<DeviceTemplate> device_template;
    SipSettings sip;                             ///< server, lines, ... (device_config.hpp)
    std::optional<LoadId> default_to;            ///< target of phones that name none
    std::optional<Protocol> default_to_protocol; ///< the same as a protocol (default SIP)
    WritePolicy policy;                          ///< `force`: replace different files
    /// The dial plan the configs name, per folder (`StepOptions::dial_plan`): on by default.
    bool dial_plan = true;
    std::string dial_plan_xml; ///< its content (`read_dial_plan`); empty: `empty_dial_plan()`
    /// `XMLDefault.cnf.xml` per folder, naming for each model only a load its factory loads
    /// reach in one step (xml_default.hpp); a model left out is a note
    /// (`fwplan.fleet.xml-default-unreachable`), and a folder left with none gets no file.
    bool xml_default = true;
    bool allow_community = false; ///< plan with COMMUNITY reports too (`PlanRequest`)
};

/// A phone that got its files.
struct EmittedPhone {
    MacAddress mac;                   ///< the phone
    std::string model;                ///< canonical model number
    std::size_t source_line = 0;      ///< its CSV line; 0 when not from a CSV
    LoadId from;                      ///< as planned (assumed when `from_assumed`)
    bool from_assumed = false;        ///< no current load was given
    LoadId to;                        ///< the last load
    std::vector<LoadId> loads;        ///< one per step (empty: it already runs `to`)
    std::vector<std::string> folders; ///< the folder of each step
};

/// One step folder.
struct StepFolder {
    std::string name;                        ///< `step-1-SCCP41.8-5-2S`
    unsigned step = 0;                       ///< N: the round
    LoadId load;                             ///< what its phones install
    std::string package;                     ///< where the firmware comes from
    bool available = false;                  ///< the package is among the user's firmware
    std::string available_in;                ///< where, when available
    std::vector<std::string> firmware_files; ///< what the phones fetch (FILES.txt)
    bool files_from_manifest = false;        ///< read from the user's package (else expected)
    std::vector<std::string> missing;        ///< files the user's package lacks
    std::vector<std::string> models;         ///< the models in it, sorted
    std::size_t phones = 0;                  ///< how many phones take this step
};

/// One kind of lint warning in one folder, counted.
struct WarningSummary {
    std::string folder;    ///< the step folder
    std::string code;      ///< `fwplan.config.no-auth`
    std::string message;   ///< the first such message
    std::size_t count = 0; ///< how many times it was raised
};

/// Per model: how many phones take how many steps.
struct ModelSummary {
    std::string model;                                  ///< canonical, or as written
    std::map<std::size_t, std::size_t> phones_by_steps; ///< steps → phones
    std::size_t failed = 0;                             ///< rows of this model that failed
};

/// One file `emit_configs` wrote or found identical.
struct EmittedFile {
    std::string path;     ///< relative to `out_dir`: `step-1-SCCP41.8-5-2S/SEP008041AEFD7E.cnf.xml`
    WriteOutcome outcome; ///< created, unchanged, replaced
    std::string backup;   ///< relative path of the backup when replaced
};

/// What `emit_configs` did.
struct EmitReport {
    std::size_t rows = 0;                 ///< phones given plus rows rejected by the inventory
    std::vector<EmittedPhone> phones;     ///< sorted by MAC
    std::vector<RowError> failed;         ///< the first `kMaxListedRows`, by line, then MAC
    std::size_t failed_more = 0;          ///< rows that failed after those, counted only
    std::vector<StepFolder> folders;      ///< sorted by step, then load
    std::vector<ModelSummary> models;     ///< sorted by model
    std::vector<WarningSummary> warnings; ///< sorted by folder, then code
    std::vector<Diagnostic> notes;        ///< inventory warnings, plan notes, round clashes
    std::vector<EmittedFile> files;       ///< every file, in the order written
    /// Files that exist with other content (without force) or are folders: when there are
    /// any, nothing was written and `files` is empty.
    std::vector<Error> conflicts;

    /// No failed row and no conflict.
    [[nodiscard]] bool ok() const noexcept { return failed.empty() && conflicts.empty(); }
    /// Every row that failed: those listed and those only counted.
    [[nodiscard]] std::size_t failed_count() const noexcept { return failed.size() + failed_more; }
};

/// The plan request of one phone under `options`: its own target, else the options' default
/// load, else the default protocol's final load.
[[nodiscard]] PlanRequest plan_request_for(const Phone& phone, const EmitOptions& options);

/// Makes the files of every step of phones' plans the way `emit_configs` does (the template
/// rendered once per load when phones share it; each phone's own line where it has one), for
/// programs that put them elsewhere than step folders: `fwplan rollout` puts them into the
/// TFTP root, a step at a time. Not thread-safe; it keeps `options` by reference.
class StepFileRenderer {
public:
    /// Checks the template or the built-in one's settings (`fwplan.config.*`).
    [[nodiscard]] static Result<StepFileRenderer> make(const EmitOptions& options);
    /// Moves the renderer (its cache moves with it).
    StepFileRenderer(StepFileRenderer&&) noexcept;
    /// Moves the renderer (its cache moves with it).
    StepFileRenderer& operator=(StepFileRenderer&&) noexcept;
    ~StepFileRenderer();

    /// The files of each step of `plan` for `phone` (`plan.steps[i]` → the result's `[i]`).
    /// Errors: the template cannot be rendered for a load, a setting is invalid, the load does
    /// not suit the model (`make_step_files`'s errors).
    [[nodiscard]] Result<std::vector<StepFiles>> render(const Phone& phone, const Plan& plan);

private:
    struct Impl;
    explicit StepFileRenderer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

/// Plans every phone of `inventory` and writes the files of every step (see the file
/// comment). Rows that cannot be planned or written join `EmitReport::failed`, conflicts
/// `EmitReport::conflicts`; both are results, not errors. Errors: invalid `options.sip`
/// (`fwplan.config.bad-setting`, BadInput), the output folder cannot be made or written
/// (`fwplan.file.*`, Io).
[[nodiscard]] Result<EmitReport> emit_configs(const Planner& planner, const Inventory& inventory,
                                              const EmitOptions& options);

/// Which parts of the plan `plan_text` writes (all of them for `plan.txt`; a terminal leaves
/// out the long ones).
struct PlanTextParts {
    bool summary = true;   ///< the first line: phones, planned, failed rows
    bool rounds = true;    ///< the rounds and their folders, with where the firmware comes from
    bool phones = true;    ///< every phone and its chain
    bool per_model = true; ///< how many phones of each model take how many steps
    bool failed = true;    ///< the failed rows, with their hints
    bool warnings = true;  ///< lint warnings, per folder and code
    bool notes = true;     ///< inventory warnings, plan notes, round clashes
};

/// The text of `plan.txt`: the rounds and their folders, every phone, the per-model table
/// and the failed rows. No file outcomes, so a second identical run writes the same bytes.
/// `fwplan emit` prints the same text, with `parts` leaving out what a terminal does not need.
[[nodiscard]] std::string plan_text(const EmitReport& report, const PlanTextParts& parts = {});

/// The text of `plan.json`: `rows`, `planned`, `failed_rows` (all of them),
/// `failed_not_listed` (only when some are not in `failed[]`), `phones[]` (`mac`, `model`,
/// `line`, `from`, `from_assumed`, `to`, `steps`, `loads[]`, `folders[]`), `folders[]`
/// (`name`, `step`, `load`, `protocol`, `version`, `package`, `available`, `available_in`,
/// `files[]`, `files_from_manifest`, `missing[]`, `models[]`, `phones`), `models[]` (`model`,
/// `phones`, `failed`, `by_steps[]` of `steps` and `phones`), `failed[]` (`line`, `mac`,
/// `model`, `code`, `message`, `hint`), `warnings[]` (`folder`, `code`, `message`, `count`),
/// `notes[]` (`code`, `message`, `where`).
[[nodiscard]] std::string plan_json(const EmitReport& report);

/// `plan_json` plus what was done: `ok`, `files[]` (`path`, `outcome`, `backup`) and
/// `conflicts[]` (`code`, `message`, `file`, `hint`). What `fwplan --json emit` prints.
[[nodiscard]] std::string report_json(const EmitReport& report);

} // namespace fwplan
