#include <fwplan/json.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace fwplan::json {

namespace {
using nlohmann::ordered_json;

ordered_json protocols_of(const FamilyInfo& family) {
    ordered_json out = ordered_json::array();
    for (Protocol p : {Protocol::Sccp, Protocol::Sip, Protocol::Mgcp})
        if (offers(family, p))
            out.push_back(std::string(to_string(p)));
    return out;
}

ordered_json config_files_of(const ModelInfo& model) {
    ordered_json out = {"SEP<MAC>.cnf.xml", "XMLDefault.cnf.xml"};
    if (model.config_style == ConfigStyle::SepXmlAndSipCnf) {
        out.push_back("SIPDefault.cnf");
        out.push_back("SIP<MAC>.cnf");
        out.push_back("OS79XX.TXT");
    }
    return out;
}
} // namespace

namespace {
ordered_json families_json(const std::vector<const FamilyInfo*>& families) {
    ordered_json list = ordered_json::array();
    for (const FamilyInfo* family : families) {
        ordered_json models = ordered_json::array();
        for (const ModelInfo* m : models_in_family(family->id)) {
            ordered_json siblings = ordered_json::array();
            for (const ModelInfo* s : siblings_of(*m))
                siblings.push_back(std::string(s->number));
            models.push_back({{"model", std::string(m->number)},
                              {"display_name", std::string(m->display_name)},
                              {"term_file", std::string(m->term_file)},
                              {"xml_default_number", m->xml_default_number},
                              {"config_files", config_files_of(*m)},
                              {"siblings", siblings}});
        }
        ordered_json codes = ordered_json::array();
        for (std::string_view c : family->load_codes)
            codes.push_back(std::string(c));
        list.push_back({{"id", std::string(family->id)},
                        {"name", std::string(family->name)},
                        {"load_codes", codes},
                        {"protocols", protocols_of(*family)},
                        {"package_stem", std::string(family->package_stem)},
                        {"models", models}});
    }
    return list;
}
} // namespace

std::string models(const std::vector<const FamilyInfo*>& families, int indent) {
    return ordered_json{{"families", families_json(families)}}.dump(indent) + "\n";
}

namespace {

ordered_json to_json(const RuleCitation& c) {
    return {{"id", c.id},
            {"title", c.title},
            {"confidence", std::string(to_string(c.confidence))},
            {"role", c.role},
            {"detail", c.detail},
            {"sources", c.sources}};
}

ordered_json to_json(const Fallback& f) {
    return {{"rule", f.rule},
            {"confidence", std::string(to_string(f.confidence))},
            {"symptom", f.symptom},
            {"advice", f.advice},
            {"load", f.load ? ordered_json(f.load->str()) : ordered_json(nullptr)},
            {"package", f.package}};
}

ordered_json to_json(const PlanStep& step) {
    ordered_json rules = ordered_json::array();
    for (const RuleCitation& c : step.rules)
        rules.push_back(to_json(c));
    ordered_json fallbacks = ordered_json::array();
    for (const Fallback& f : step.fallbacks)
        fallbacks.push_back(to_json(f));
    return {{"number", step.number},
            {"from", step.from.str()},
            {"load", step.load.str()},
            {"protocol", std::string(to_string(step.protocol()))},
            {"version", step.load.version().release()},
            {"version_full", step.load.version().to_string()},
            {"package", step.package},
            {"available", step.available},
            {"available_in", step.available_in},
            {"files", step.files},
            {"files_from_manifest", step.files_from_manifest},
            {"missing", step.missing},
            {"protocol_change", step.protocol_change},
            {"downgrade", step.downgrade},
            {"rules", rules},
            {"fallbacks", fallbacks}};
}

ordered_json to_json(const Error& e) {
    ordered_json out = {{"code", e.code}, {"message", e.message}};
    if (!e.file.empty())
        out["file"] = e.file;
    if (!e.entry.empty())
        out["entry"] = e.entry;
    if (e.offset)
        out["offset"] = *e.offset;
    if (!e.hint.empty())
        out["hint"] = e.hint;
    return out;
}

std::string version_text(const std::optional<Version>& v) {
    return v ? v->to_string() : "";
}

ordered_json to_json(const RuleEffect& e) {
    static const char* kinds[] = {"forbid", "prefer", "allow", "caution", "floor", "fallback"};
    ordered_json when = ordered_json::object();
    auto put_version = [&](const char* key, const std::optional<Version>& v) {
        if (v)
            when[key] = version_text(v);
    };
    put_version("from_min", e.when.from_min);
    put_version("from_max", e.when.from_max);
    put_version("from_below", e.when.from_below);
    put_version("to_min", e.when.to_min);
    put_version("to_max", e.when.to_max);
    put_version("to_below", e.when.to_below);
    if (e.when.from_protocol)
        when["from_protocol"] = std::string(to_string(*e.when.from_protocol));
    if (e.when.to_protocol)
        when["to_protocol"] = std::string(to_string(*e.when.to_protocol));
    if (e.when.protocol_change)
        when["protocol_change"] = *e.when.protocol_change;
    if (e.when.downgrade)
        when["downgrade"] = *e.when.downgrade;
    if (!e.when.from_line.empty())
        when["from_line"] = e.when.from_line;
    if (!e.when.to_line.empty())
        when["to_line"] = e.when.to_line;
    if (!e.when.models.empty())
        when["models"] = e.when.models;
    if (e.when.hw_min)
        when["hw_min"] = e.when.hw_min->str();
    ordered_json out = {{"kind", kinds[static_cast<int>(e.kind)]}, {"when", when}};
    if (e.version)
        out["version"] = e.version->to_string();
    if (e.protocol_of_target)
        out["protocol"] = "target";
    else if (e.protocol)
        out["protocol"] = std::string(to_string(*e.protocol));
    if (!e.on.empty())
        out["on"] = e.on;
    if (!e.text.empty())
        out["text"] = e.text;
    if (e.confidence)
        out["confidence"] = std::string(to_string(*e.confidence));
    return out;
}

} // namespace

std::string plan(const Plan& p, int indent) {
    ordered_json steps = ordered_json::array();
    for (const PlanStep& step : p.steps)
        steps.push_back(to_json(step));
    ordered_json out = {{"model", p.model},
                        {"family", p.family},
                        {"from", p.from.str()},
                        {"to", p.to.str()},
                        {"from_assumed", p.from_assumed},
                        {"steps", steps},
                        {"notes", p.notes},
                        {"missing_packages", p.missing_packages}};
    return out.dump(indent) + "\n";
}

std::string plan_failure(std::string_view model, std::string_view from, std::string_view to,
                         const Error& e, int indent) {
    ordered_json out = {{"model", model}, {"from", from}, {"to", to}, {"error", to_json(e)}};
    return out.dump(indent) + "\n";
}

namespace {

void describe_load(ordered_json& out, const LoadId& id) {
    out["protocol"] = std::string(to_string(id.protocol()));
    out["family"] = id.family();
    ordered_json models = ordered_json::array();
    for (const ModelInfo* m : models_in_family(id.family()))
        models.push_back(std::string(m->number));
    out["models"] = models;
    out["version"] = id.version().release();
}

ordered_json components_of(const Manifest& manifest) {
    ordered_json list = ordered_json::array();
    for (const ManifestComponent& c : manifest.components)
        list.push_back(c.name);
    return list;
}

ordered_json file_json(const FirmwarePackage& package, const InspectedFile& file) {
    const bool loose = package.kind == ArchiveKind::LooseFile;
    std::string path = package.path.string();
    if (!loose)
        path += "/" + (file.container.empty() ? "" : file.container + "/") + file.entry;
    ordered_json out = {{"path", path},
                        {"package", package.path.string()},
                        {"entry", file.entry},
                        {"kind", std::string(to_string(file.kind))},
                        {"size", file.size},
                        {"envelope", std::string(to_string(file.envelope.kind))},
                        {"signed_name", file.envelope.signed_name},
                        {"load", nullptr}};
    const std::string qualified =
        file.container.empty() ? file.entry : file.container + "/" + file.entry;
    for (const PackageLoad& load : package.loads)
        if (load.entry == qualified) {
            out["load"] = load.manifest.load->str();
            describe_load(out, *load.manifest.load);
            out["build"] = load.manifest.build_id;
            out["components"] = components_of(load.manifest);
            if (load.manifest.hardware_comp)
                out["hardware_comp"] = *load.manifest.hardware_comp;
            out["missing"] = load.missing;
            ordered_json mismatches = ordered_json::array();
            for (const CaseMismatch& m : load.case_mismatches)
                mismatches.push_back({{"listed", m.listed}, {"present", m.present}});
            out["case_mismatches"] = mismatches;
        }
    for (const TermFile& term : package.term_files)
        if (term.entry == qualified) {
            out["term_model"] =
                term.manifest.term_model ? std::string(term.manifest.term_model->number) : "";
            out["term_for"] =
                term.stands_for ? ordered_json(term.stands_for->str()) : ordered_json(nullptr);
            if (term.stands_for)
                describe_load(out, *term.stands_for);
            out["build"] = term.manifest.build_id;
            out["components"] = components_of(term.manifest);
        }
    if (file.listed_by) {
        out["load"] = file.listed_by->str();
        describe_load(out, *file.listed_by);
    }
    if (file.cnu_entries != 0)
        out["cnu_entries"] = file.cnu_entries;
    if (!file.image_name.empty())
        out["image_name"] = file.image_name;
    out["problems"] = file.problems;
    return out;
}

} // namespace

std::string inspect(const std::vector<FirmwarePackage>& packages,
                    const std::vector<Error>& failures, int indent) {
    ordered_json files = ordered_json::array();
    ordered_json list = ordered_json::array();
    ordered_json errors = ordered_json::array();
    for (const FirmwarePackage& package : packages) {
        for (const InspectedFile& file : package.files)
            files.push_back(file_json(package, file));
        ordered_json loads = ordered_json::array();
        for (const PackageLoad& load : package.loads)
            loads.push_back(load.manifest.load->str());
        ordered_json terms = ordered_json::array();
        for (const TermFile& term : package.term_files)
            terms.push_back({{"name", term.entry},
                             {"term_for", term.stands_for ? ordered_json(term.stands_for->str())
                                                          : ordered_json(nullptr)}});
        list.push_back({{"path", package.path.string()},
                        {"kind", std::string(to_string(package.kind))},
                        {"loads", loads},
                        {"term_files", terms},
                        {"unreferenced", package.unreferenced}});
        for (const Error& e : package.errors)
            errors.push_back(to_json(e));
    }
    for (const Error& e : failures)
        errors.push_back(to_json(e));
    return ordered_json{{"files", files}, {"packages", list}, {"errors", errors}}.dump(indent) +
           "\n";
}

std::string error(const Error& e, int indent) {
    return ordered_json{{"error", to_json(e)}}.dump(indent) + "\n";
}

std::string catalog(const Catalog& c, const std::vector<const FamilyInfo*>& families, int indent) {
    ordered_json loads = ordered_json::array();
    ordered_json rules = ordered_json::array();
    for (const FamilyInfo* family : families)
        for (const KnownLoad* load : c.loads_of_family(family->id))
            loads.push_back({{"id", load->id.str()},
                             {"family", load->id.family()},
                             {"protocol", std::string(to_string(load->id.protocol()))},
                             {"version", load->id.version().release()},
                             {"build", load->build},
                             {"package", load->package},
                             {"final", load->final},
                             {"confidence", std::string(to_string(load->confidence))},
                             {"evidence", load->evidence}});
    for (const Rule& rule : c.rules()) {
        const bool wanted = std::any_of(families.begin(), families.end(),
                                        [&](const FamilyInfo* f) { return rule.covers(f->id); });
        if (!wanted)
            continue;
        ordered_json effects = ordered_json::array();
        for (const RuleEffect& e : rule.effects)
            effects.push_back(to_json(e));
        rules.push_back({{"id", rule.id},
                         {"title", rule.title},
                         {"families", rule.families},
                         {"confidence", std::string(to_string(rule.confidence))},
                         {"sources", rule.sources},
                         {"text", rule.text},
                         {"effects", effects}});
    }
    return ordered_json{{"families", families_json(families)}, {"loads", loads}, {"rules", rules}}
               .dump(indent) +
           "\n";
}

namespace {

ordered_json optional_load(const std::optional<LoadId>& load) {
    return load ? ordered_json(load->str()) : ordered_json(nullptr);
}

ordered_json to_json(const StagedFile& f) {
    return {{"name", f.name},
            {"action", std::string(to_string(f.action))},
            {"package", f.package},
            {"entry", f.entry},
            {"size", f.size},
            {"crc32", f.crc32},
            {"renamed_from", f.renamed_from},
            {"term_for", optional_load(f.term_for)},
            {"reason", f.reason}};
}

ordered_json files_json(const std::vector<StagedFile>& files) {
    ordered_json out = ordered_json::array();
    for (const StagedFile& f : files)
        out.push_back(to_json(f));
    return out;
}

} // namespace

std::string stage(const StageReport& r, int indent) {
    ordered_json conflicts = ordered_json::array();
    for (const StageConflict& c : r.conflicts)
        conflicts.push_back({{"name", c.name},
                             {"term_file", c.term_file},
                             {"candidates", c.candidates},
                             {"message", c.message},
                             {"hint", c.hint}});
    ordered_json terms = ordered_json::array();
    for (const TermChoice& t : r.term_files) {
        ordered_json candidates = ordered_json::array();
        for (const LoadId& id : t.candidates)
            candidates.push_back(id.str());
        terms.push_back({{"name", t.name},
                         {"chosen", optional_load(t.chosen)},
                         {"candidates", candidates},
                         {"by_factory_default", t.by_factory_default}});
    }
    ordered_json out = {{"root", r.root.string()},
                        {"stage_id", r.stage_id},
                        {"dry_run", r.dry_run},
                        {"committed", r.committed},
                        {"counts",
                         {{"create", r.count(StageAction::Create)},
                          {"replace", r.count(StageAction::Replace)},
                          {"skip", r.count(StageAction::Skip)},
                          {"conflict", r.count(StageAction::Conflict)}}},
                        {"files", files_json(r.files)},
                        {"conflicts", conflicts},
                        {"term_files", terms},
                        {"notes", r.notes},
                        {"resumed_stage", r.resumed_stage},
                        {"resumed_files", files_json(r.resumed_files)}};
    if (!r.conflicts.empty())
        out["error"] = to_json(r.conflict_error());
    return out.dump(indent) + "\n";
}

std::string undo(const UndoReport& r, int indent) {
    ordered_json files = ordered_json::array();
    for (const UndoneFile& f : r.files)
        files.push_back({{"name", f.name}, {"action", f.action}, {"message", f.message}});
    return ordered_json{{"root", r.root.string()}, {"stage_id", r.stage_id}, {"files", files}}.dump(
               indent) +
           "\n";
}

std::string check(const CheckReport& r, int indent) {
    ordered_json findings = ordered_json::array();
    for (const Finding& f : r.findings)
        findings.push_back({{"code", f.code},
                            {"severity", std::string(to_string(f.severity))},
                            {"path", f.path},
                            {"message", f.message}});
    return ordered_json{{"root", r.root.string()},
                        {"counts",
                         {{"error", r.count(Severity::Error)},
                          {"warning", r.count(Severity::Warning)},
                          {"info", r.count(Severity::Info)}}},
                        {"files", r.files},
                        {"configs", r.configs},
                        {"loads", r.loads},
                        {"findings", findings}}
               .dump(indent) +
           "\n";
}

} // namespace fwplan::json
