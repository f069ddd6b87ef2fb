// fwplan rollout start (rollout.hpp): plan every phone, check the root holds each step's
// firmware, put the step-1 configs in place through the stager, record the rollout.

#include "detail/text.hpp"
#include "rollout/location.hpp"
#include "rollout/phone_machine.hpp"
#include "rollout/store.hpp"
#include "rollout/waves.hpp"

#include <fwplan/archive.hpp>
#include <fwplan/audit.hpp>
#include <fwplan/firmware.hpp>
#include <fwplan/rollout.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

namespace fwplan::rollout {

namespace fs = std::filesystem;

namespace {

// Lines logged before `start` do not count: a phone that booted just before it read the root
// as it was then, not step 1 (its next boot does). The TFTP server's clock must agree with
// this host's (docs/rollout.md); a whole-second stamp in the second of the start counts.
constexpr std::int64_t kStartSlackUs = 0;

std::int64_t now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// What the root holds: its `.loads` with their components, and every file name.
struct RootFirmware {
    std::map<std::string, PackageLoad> loads; // by load ID
    std::set<std::string> names;              // every top-level file
};

Result<RootFirmware> read_root(const fs::path& root) {
    // The audit's generous limits: a root holds many files, and hostile names in it are
    // described rather than refused (they are not this rollout's business).
    const CheckOptions limits;
    auto archive = Archive::open(root, limits.limits, UnsafeEntryPolicy::Report);
    if (!archive)
        return archive.error();
    InspectOptions inspect;
    inspect.max_cnu_bytes = 0;
    const FirmwarePackage package = inspect_archive(*archive, inspect);
    RootFirmware out;
    for (const ArchiveEntry& entry : archive->entries())
        if (entry.name.find('/') == std::string::npos && entry.name.front() != '.')
            out.names.insert(entry.name);
    for (const PackageLoad& load : package.loads)
        if (load.manifest.load)
            out.loads.emplace(load.manifest.load->str(), load);
    return out;
}

// How a model boots, as far as the TFTP log shows it.
BootStyle style_of(const ModelInfo& model) {
    return model.config_style == ConfigStyle::SepXmlAndSipCnf ? BootStyle::Sip7940
                                                              : BootStyle::Java79xx;
}

// What the phone will ask for on a step: the root's `.loads` and the components it lists, in
// its order. Without a `.loads` in the root (a 7940/7960 SIP 4.x image is one unsigned
// `.bin`), the files the planner expects.
struct StepFirmware {
    std::string loads_file;
    std::vector<std::string> components;
    std::vector<std::string> lacking; // what the root does not have
};

StepFirmware files_of_step(const PlanStep& step, const RootFirmware& root) {
    StepFirmware out;
    if (auto it = root.loads.find(step.load.str()); it != root.loads.end()) {
        const PackageLoad& load = it->second;
        out.loads_file = load.entry.substr(load.entry.find_last_of('/') + 1);
        for (const ManifestComponent& c : load.manifest.components)
            out.components.push_back(c.name);
        out.lacking = load.missing;
        for (const CaseMismatch& m : load.case_mismatches)
            out.lacking.push_back(m.listed + " (the root has " + m.present + ")");
        return out;
    }
    if (step.files.empty())
        return out;
    out.loads_file = step.files.front();
    out.components.assign(step.files.begin() + 1, step.files.end());
    for (const std::string& name : step.files)
        if (root.names.count(name) == 0)
            out.lacking.push_back(name);
    return out;
}

std::optional<std::string> fallback_of(const PlanStep& step) {
    if (step.fallbacks.empty())
        return std::nullopt;
    const Fallback& f = step.fallbacks.front();
    std::string text = f.rule + ": " + f.advice;
    if (f.load)
        text += " (" + f.load->str() + (f.package.empty() ? "" : ", in " + f.package) + ")";
    return text;
}

// A phone's walk, ready to record.
struct Walk {
    const Phone* phone = nullptr;
    Plan plan;
    PhoneSpec spec;
    std::vector<std::vector<GeneratedFile>> own; // per step: the phone's own files
    std::vector<GeneratedFile> shared;           // step 1's files a root holds once
};

} // namespace

Result<StartReport> start(const Planner& planner, const Inventory& inventory, const Location& where,
                          const StartOptions& options) {
    auto located = locate(where);
    if (!located)
        return located.error();
    const fs::path& root = located->tftp_root;
    if (auto ok = validate(options.config.sip); !ok)
        return ok.error();

    StartReport report;
    report.state = located->state;
    report.failed = inventory.rejected;
    for (const Diagnostic& w : inventory.warnings)
        report.notes.push_back(w);

    // 1. Plan every phone (phones that ask the same are planned once).
    std::vector<const Phone*> phones;
    for (const Phone& phone : inventory.phones)
        phones.push_back(&phone);
    std::sort(phones.begin(), phones.end(),
              [](const Phone* a, const Phone* b) { return a->mac < b->mac; });
    std::vector<PlanRequest> requests;
    for (const Phone* phone : phones)
        requests.push_back(plan_request_for(*phone, options.config));
    const FleetPlans plans = planner.plan_fleet(requests);

    auto firmware = read_root(root);
    if (!firmware)
        return firmware.error();
    auto renderer = StepFileRenderer::make(options.config);
    if (!renderer)
        return renderer.error();

    std::vector<Walk> walks;
    std::map<std::string, MissingFirmware> missing; // by load
    std::set<std::string> notes_seen;
    for (std::size_t i = 0; i < phones.size(); ++i) {
        const Phone& phone = *phones[i];
        if (const Error* error = plans.error_of(i)) {
            report.failed.push_back(RowError{phone.source_line, phone.mac.to_string(),
                                             std::string(phone.model->number), *error});
            continue;
        }
        const Plan& plan = *plans.plan_of(i);
        for (const Diagnostic& note : plan.notes)
            if (notes_seen.insert(note.message).second)
                report.notes.push_back(note);
        if (plan.steps.empty()) {
            report.notes.push_back(info("fwplan.rollout.already-there",
                                        phone.mac.to_string() + " runs its target " +
                                            plan.to.str() + " already: it is not in the rollout",
                                        phone.mac.to_string()));
            continue;
        }
        auto files = renderer->render(phone, plan);
        if (!files) {
            report.failed.push_back(RowError{phone.source_line, phone.mac.to_string(),
                                             std::string(phone.model->number), files.error()});
            continue;
        }
        Walk walk;
        walk.phone = &phone;
        walk.plan = plan;
        walk.spec.mac = phone.mac;
        walk.spec.model = std::string(phone.model->number);
        walk.spec.style = style_of(*phone.model);
        walk.spec.from = plan.from;
        for (std::size_t k = 0; k < plan.steps.size(); ++k) {
            const PlanStep& step = plan.steps[k];
            const StepFirmware step_files = files_of_step(step, *firmware);
            if (!step_files.lacking.empty() || step_files.loads_file.empty()) {
                MissingFirmware& m = missing[step.load.str()];
                m.load = step.load;
                m.package = step.package;
                if (m.files.empty())
                    m.files = step_files.lacking.empty()
                                  ? std::vector<std::string>{step.load.loads_file_name()}
                                  : step_files.lacking;
                m.phones.push_back(phone.mac.to_string());
            }
            StepSpec spec_step;
            spec_step.load = step.load;
            spec_step.loads_file = step_files.loads_file;
            spec_step.components = step_files.components;
            if (!phone.model->term_file.empty())
                spec_step.term_files.emplace_back(phone.model->term_file);
            spec_step.fallback = fallback_of(step);
            walk.spec.steps.push_back(std::move(spec_step));

            std::vector<GeneratedFile> own;
            for (GeneratedFile& file : (*files)[k].files) {
                if (file.shared) {
                    if (k == 0)
                        walk.shared.push_back(std::move(file));
                } else {
                    own.push_back(std::move(file));
                }
            }
            walk.own.push_back(std::move(own));
            for (const Diagnostic& w : (*files)[k].warnings)
                if (notes_seen.insert(w.code + w.where).second)
                    report.notes.push_back(w);
        }
        walks.push_back(std::move(walk));
    }
    for (auto& [load, m] : missing)
        report.missing.push_back(std::move(m));
    if (!report.missing.empty() || walks.empty())
        return report; // nothing written, nothing recorded

    // 2. What goes into the root now: step 1 of the phones the first wave holds, and the
    //    files a root holds once where it has none yet.
    std::vector<GeneratedFile> now;
    std::map<std::string, std::string> shared; // name -> content, first phone's
    for (std::size_t i = 0; i < walks.size(); ++i) {
        Walk& walk = walks[i];
        const bool queued = options.wave != 0 && i >= options.wave;
        if (!queued)
            for (const GeneratedFile& file : walk.own.front())
                now.push_back(file);
        for (const GeneratedFile& file : walk.shared) {
            auto [it, fresh] = shared.emplace(file.name, file.content);
            if (!fresh && it->second != file.content)
                report.notes.push_back(
                    warning("fwplan.rollout.shared-differs",
                            file.name +
                                ": phones of this rollout need different contents; the root "
                                "holds one, so it gets what " +
                                walks.front().phone->mac.to_string() +
                                "'s first step needs, and each phone's own files carry its load",
                            file.name));
        }
    }
    for (const auto& [name, content] : shared) {
        if (firmware->names.count(name) != 0) {
            report.notes.push_back(info("fwplan.rollout.shared-kept",
                                        name + " is in the root already and is left as it is; "
                                               "each phone's own files name its load",
                                        name));
            continue;
        }
        now.push_back(GeneratedFile{name, content, true});
    }

    // 3. The state first (not yet committed), then the root, then the commit: a rollout is
    //    recorded only if its configs are in place, and configs are left in place only if the
    //    rollout is recorded (else the stage is undone).
    auto store = Store::create(located->state, root);
    if (!store)
        return store.error();
    const auto forget = [&] {
        std::error_code ec;
        for (const char* suffix : {"", "-wal", "-shm"})
            fs::remove(located->state.string() + suffix, ec);
    };
    if (auto ok = store->begin(); !ok) {
        forget();
        return ok.error();
    }
    const std::int64_t started = now_us();
    for (std::size_t i = 0; i < walks.size(); ++i) {
        Walk& walk = walks[i];
        auto machine = PhoneMachine::create(walk.spec, MachineOptions{});
        if (!machine) {
            store->rollback();
            forget();
            return machine.error();
        }
        StoredPhone stored;
        stored.spec = walk.spec;
        stored.target = walk.plan.to.str();
        stored.queue_order = static_cast<std::int64_t>(i);
        const bool queued = options.wave != 0 && i >= options.wave;
        stored.status = queued ? queued_status(walk.spec, started - kStartSlackUs)
                               : machine->initial(started - kStartSlackUs);
        if (auto ok = store->add_phone(stored, walk.own); !ok) {
            store->rollback();
            forget();
            return ok.error();
        }
        StoredTransition t;
        t.mac = walk.spec.mac.to_string();
        t.change = Transition{stored.status.state, stored.status.state,  0,
                              stored.status.step,  stored.status.reason, started};
        t.origin = "start";
        if (auto ok = store->add_transition(t, LogPosition{}); !ok) {
            store->rollback();
            forget();
            return ok.error();
        }
        StartedPhone p;
        p.mac = walk.spec.mac;
        p.model = walk.spec.model;
        p.from = walk.plan.from;
        p.to = walk.plan.to;
        for (const PlanStep& step : walk.plan.steps)
            p.loads.push_back(step.load);
        p.queued = queued;
        report.phones.push_back(std::move(p));
    }
    (void)store->set_meta("started_us", std::to_string(started));
    (void)store->set_meta("wave", std::to_string(options.wave));

    StageOptions stage_options;
    stage_options.force = options.config.policy.force;
    auto staged = stage_files(root, std::move(now), "fwplan rollout start", stage_options);
    if (!staged || !staged->conflicts.empty()) {
        store->rollback();
        forget();
        if (!staged)
            return staged.error();
        report.conflicts = staged->conflicts;
        report.written = std::move(*staged);
        report.phones.clear();
        return report;
    }
    report.written = std::move(*staged);
    if (auto ok = store->commit(); !ok) {
        if (report.written.committed)
            (void)undo_last_stage(root);
        forget();
        return ok.error();
    }
    return report;
}

} // namespace fwplan::rollout
