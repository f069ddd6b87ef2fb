#include "detail/json_error.hpp"
#include "detail/json_writer.hpp"
#include "detail/text.hpp"

#include <fwplan/json.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>

namespace fwplan::json {

namespace {
using nlohmann::ordered_json;

// Descriptive documents: a file name that is not UTF-8 (a Latin-1 name in a TFTP root) is
// written with U+FFFD in place of the bad bytes instead of failing the whole document.
std::string text_of(const ordered_json& doc, int indent) {
    return doc.dump(indent, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

ordered_json protocols_of(const FamilyInfo& family) {
    ordered_json out = ordered_json::array();
    for (Protocol p : {Protocol::Sccp, Protocol::Sip, Protocol::Mgcp})
        if (offers(family, p))
            out.push_back(std::string(to_string(p)));
    return out;
}

// Diagnostics in the documents whose contract lists them as plain strings (plan `notes`,
// stage `notes`, inspect `problems`): their messages, in order.
ordered_json messages_of(const std::vector<Diagnostic>& diagnostics) {
    ordered_json out = ordered_json::array();
    for (const Diagnostic& d : diagnostics)
        out.push_back(d.message);
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
    return text_of(ordered_json{{"families", families_json(families)}}, indent);
}

namespace {

ordered_json to_json(const RuleCitation& c) {
    return {{"id", c.id},
            {"title", c.title},
            {"confidence", std::string(to_string(c.confidence))},
            {"rule_confidence", std::string(to_string(c.rule_confidence))},
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
            {"package_inferred", step.package_inferred},
            {"protocol_change", step.protocol_change},
            {"downgrade", step.downgrade},
            {"conversion", step.conversion},
            {"rules", rules},
            {"fallbacks", fallbacks}};
}

ordered_json to_json(const Error& e) {
    return detail::error_json(e);
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
    if (!e.overrules.empty())
        out["overrules"] = e.overrules;
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
                        {"notes", messages_of(p.notes)},
                        {"missing_packages", p.missing_packages}};
    return text_of(out, indent);
}

std::string plan_failure(std::string_view model, std::string_view from, std::string_view to,
                         const Error& e, int indent) {
    ordered_json out = {{"model", model}, {"from", from}, {"to", to}, {"error", to_json(e)}};
    return text_of(out, indent);
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
    auto describe_manifest = [&](const PackageLoad& load) {
        out["manifest_kind"] = std::string(to_string(load.manifest.kind));
        out["build"] = load.manifest.build_id;
        out["components"] = components_of(load.manifest);
        if (load.manifest.hardware_comp)
            out["hardware_comp"] = *load.manifest.hardware_comp;
        out["missing"] = load.missing;
        ordered_json mismatches = ordered_json::array();
        for (const CaseMismatch& m : load.case_mismatches)
            mismatches.push_back({{"listed", m.listed}, {"present", m.present}});
        out["case_mismatches"] = mismatches;
    };
    for (const PackageLoad& load : package.loads)
        if (load.entry == qualified) {
            out["load"] = load.manifest.load->str();
            describe_load(out, *load.manifest.load);
            describe_manifest(load);
        }
    // A .loads whose name no grammar reads: what it lists, without a load (issue 12).
    for (const PackageLoad& load : package.unnamed_loads)
        if (load.entry == qualified)
            describe_manifest(load);
    for (const TermFile& term : package.term_files)
        if (term.entry == qualified) {
            out["term_model"] =
                term.manifest.term_model ? std::string(term.manifest.term_model->number) : "";
            out["term_for"] =
                term.stands_for ? ordered_json(term.stands_for->str()) : ordered_json(nullptr);
            if (term.stands_for)
                describe_load(out, *term.stands_for);
            out["manifest_kind"] = std::string(to_string(term.manifest.kind));
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
    if (file.envelope.encrypted)
        out["encrypted"] = true;
    if (file.envelope.kind == EnvelopeKind::LittleEndian78xx)
        out["le_word_08"] = file.envelope.le_word_08;
    if (!file.what.empty())
        out["what"] = file.what;
    out["problems"] = messages_of(file.problems);
    return out;
}

ordered_json authenticity_json(const std::optional<AuthenticityCheck>& check) {
    if (!check)
        return nullptr;
    return {{"status", std::string(to_string(check->status))},
            {"evidence", check->evidence},
            {"compared", check->compared},
            {"detail", check->detail}};
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
        list.push_back(
            {{"path", package.path.string()},
             {"kind", std::string(to_string(package.kind))},
             {"readable", !package.unreadable},
             {"not_firmware", package.not_firmware.empty() ? ordered_json(nullptr)
                                                           : ordered_json(package.not_firmware)},
             {"authenticity", authenticity_json(package.authenticity)},
             {"loads", loads},
             {"term_files", terms},
             {"unreferenced", package.unreferenced}});
        for (const Error& e : package.errors)
            errors.push_back(to_json(e));
    }
    for (const Error& e : failures)
        errors.push_back(to_json(e));
    return text_of(ordered_json{{"files", files}, {"packages", list}, {"errors", errors}}, indent);
}

std::string error(const Error& e, int indent) {
    return text_of(ordered_json{{"error", to_json(e)}}, indent);
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
                             {"package_evidence", load->package_evidence},
                             {"package_inferred", c.package_inferred(*load)},
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
    // The genuine packages of these families' loads (by the load they hold, when known).
    ordered_json packages = ordered_json::array();
    for (const KnownPackage& p : c.packages()) {
        auto id = LoadId::parse(p.load);
        const bool wanted =
            id && std::any_of(families.begin(), families.end(),
                              [&](const FamilyInfo* f) { return f->id == id->family(); });
        if (!wanted)
            continue;
        packages.push_back({{"name", p.name},
                            {"load", p.load},
                            {"size", p.size ? ordered_json(*p.size) : ordered_json(nullptr)},
                            {"sha1", p.sha1},
                            {"sha256", p.sha256},
                            {"md5", p.md5},
                            {"evidence", p.evidence}});
    }
    return text_of(ordered_json{{"families", families_json(families)},
                                {"loads", loads},
                                {"packages", packages},
                                {"rules", rules}},
                   indent);
}

std::string time_zones(int indent) {
    ordered_json zones = ordered_json::array();
    for (const CiscoTimeZone& zone : cisco_time_zones()) {
        ordered_json iana = ordered_json::array();
        std::string_view list = zone.iana;
        while (!list.empty()) {
            const std::size_t space = list.find(' ');
            iana.push_back(std::string(list.substr(0, space)));
            list = space == std::string_view::npos ? std::string_view() : list.substr(space + 1);
        }
        ordered_json legacy = nullptr;
        ordered_json legacy_daylight = nullptr;
        if (!zone.legacy.empty()) {
            legacy = std::string(zone.legacy);
            legacy_daylight = zone.legacy_daylight == LegacyDaylight::Europe ? "europe"
                              : zone.legacy_daylight == LegacyDaylight::NorthAmerica
                                  ? "north-america"
                                  : "none";
        }
        zones.push_back({{"name", std::string(zone.name)},
                         {"utc_offset_minutes", zone.utc_offset_minutes},
                         {"daylight", zone.daylight},
                         {"iana", iana},
                         {"legacy", legacy},
                         {"legacy_daylight", legacy_daylight}});
    }
    return text_of(ordered_json{{"time_zones", zones}}, indent);
}

Result<std::string> step_files(const StepFiles& step, int indent) {
    ordered_json files = ordered_json::array();
    for (const GeneratedFile& file : step.files) {
        if (const std::size_t bad = detail::find_invalid_utf8(file.content);
            bad != std::string::npos) {
            Error error = bad_input("config.not-utf8",
                                    "the file is not UTF-8 (the template's encoding?), so JSON "
                                    "cannot carry it unchanged");
            error.file = file.name;
            error.offset = bad;
            return error.with_hint("save the template as UTF-8");
        }
        files.push_back({{"name", file.name}, {"shared", file.shared}, {"content", file.content}});
    }
    ordered_json warnings = ordered_json::array();
    for (const Diagnostic& w : step.warnings)
        warnings.push_back({{"code", w.code}, {"message", w.message}, {"where", w.where}});
    // Warnings quote template text; a stray byte there must not fail the whole document.
    return text_of(ordered_json{{"files", files}, {"warnings", warnings}}, indent);
}

namespace {

// Reading settings: each field says what it accepts, so errors can name the key and the
// expected type, and unknown keys are refused.
class SettingsReader {
public:
    explicit SettingsReader(std::string_view origin) : origin_(origin) {}

    Result<void> read(const nlohmann::json& doc, SipSettings& out) const {
        if (!doc.is_object())
            return wrong("the document", "an object ({...})");
        for (const auto& [key, value] : doc.items()) {
            Result<void> ok = read_setting(key, value, out);
            if (!ok)
                return ok;
        }
        return {};
    }

private:
    Result<void> read_setting(const std::string& key, const nlohmann::json& value,
                              SipSettings& out) const {
        if (key == "server")
            return text(key, value, out.server);
        if (key == "port")
            return port(key, value, out.port);
        if (key == "outbound_proxy")
            return text(key, value, out.outbound_proxy);
        if (key == "outbound_proxy_port")
            return port(key, value, out.outbound_proxy_port);
        if (key == "ntp_server")
            return text(key, value, out.ntp_server);
        if (key == "time_zone")
            return text(key, value, out.time_zone);
        if (key == "date_template")
            return text(key, value, out.date_template);
        if (key == "legacy_time_zone")
            return text(key, value, out.legacy_time_zone);
        if (key == "phone_label")
            return text(key, value, out.phone_label);
        if (key == "lines")
            return list(key, value, out.lines, &SettingsReader::line);
        if (key == "speed_dials")
            return list(key, value, out.speed_dials, &SettingsReader::speed_dial);
        return unknown(key, "server, port, outbound_proxy, outbound_proxy_port, ntp_server, "
                            "time_zone, date_template, legacy_time_zone, phone_label, lines, "
                            "speed_dials");
    }

    Result<void> line(const std::string& where, const nlohmann::json& value, SipLine& out) const {
        if (!value.is_object())
            return wrong(where, "an object ({\"name\": ...})");
        for (const auto& [key, field] : value.items()) {
            const std::string path = where + "." + key;
            Result<void> ok = key == "name"            ? text(path, field, out.name)
                              : key == "auth_name"     ? text(path, field, out.auth_name)
                              : key == "auth_password" ? text(path, field, out.auth_password)
                              : key == "display_name"  ? text(path, field, out.display_name)
                              : key == "messages_number"
                                  ? text(path, field, out.messages_number)
                                  : unknown(path, "name, auth_name, "
                                                  "auth_password, display_name, "
                                                  "messages_number");
            if (!ok)
                return ok;
        }
        return {};
    }

    Result<void> speed_dial(const std::string& where, const nlohmann::json& value,
                            SpeedDial& out) const {
        if (!value.is_object())
            return wrong(where, "an object ({\"label\": ..., \"number\": ...})");
        for (const auto& [key, field] : value.items()) {
            const std::string path = where + "." + key;
            Result<void> ok = key == "label"    ? text(path, field, out.label)
                              : key == "number" ? text(path, field, out.number)
                                                : unknown(path, "label, number");
            if (!ok)
                return ok;
        }
        return {};
    }

    template <typename T>
    Result<void> list(const std::string& key, const nlohmann::json& value, std::vector<T>& out,
                      Result<void> (SettingsReader::*item)(const std::string&,
                                                           const nlohmann::json&, T&) const) const {
        if (!value.is_array())
            return wrong(key, "an array ([...])");
        out.clear();
        for (std::size_t i = 0; i < value.size(); ++i) {
            T element;
            Result<void> ok = (this->*item)(key + "[" + std::to_string(i) + "]", value[i], element);
            if (!ok)
                return ok;
            out.push_back(std::move(element));
        }
        return {};
    }

    Result<void> text(const std::string& key, const nlohmann::json& value, std::string& out) const {
        if (!value.is_string())
            return wrong(key, "a string");
        out = value.get<std::string>();
        return {};
    }

    Result<void> port(const std::string& key, const nlohmann::json& value, unsigned& out) const {
        // Non-negative integer literals are "unsigned" in nlohmann; -1 and 5060.0 are not.
        if (!value.is_number_unsigned() || value.get<std::uint64_t>() > 65535)
            return wrong(key, "a whole number from 0 to 65535");
        out = static_cast<unsigned>(value.get<std::uint64_t>());
        return {};
    }

    [[nodiscard]] Error located(Error error) const {
        error.file = origin_;
        return error;
    }

    Result<void> wrong(const std::string& key, std::string_view expected) const {
        return located(bad_input("settings.wrong-type", key + " must be " + std::string(expected)));
    }

    Result<void> unknown(const std::string& key, std::string_view known) const {
        return located(bad_input("settings.unknown-key", "unknown key " + detail::quote(key))
                           .with_hint("the keys are: " + std::string(known)));
    }

    std::string origin_;
};

} // namespace

Result<SipSettings> parse_sip_settings(std::string_view text, std::string_view origin) {
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        // what() is "[json.exception.parse_error.101] parse error at line 1, column 2: ...".
        std::string what = e.what();
        if (const std::size_t end = what.find("] ");
            what.rfind("[json.", 0) == 0 && end != std::string::npos)
            what.erase(0, end + 2);
        Error error = bad_input("settings.not-json", "not JSON: " + what);
        error.file = std::string(origin);
        error.offset = e.byte == 0 ? 0 : e.byte - 1;
        return error;
    }
    SipSettings settings;
    if (auto ok = SettingsReader(origin).read(doc, settings); !ok)
        return ok.error();
    return settings;
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
                        {"notes", messages_of(r.notes)},
                        {"resumed_stage", r.resumed_stage},
                        {"resumed_files", files_json(r.resumed_files)}};
    if (!r.conflicts.empty())
        out["error"] = to_json(r.conflict_error());
    return text_of(out, indent);
}

std::string undo(const UndoReport& r, int indent) {
    ordered_json files = ordered_json::array();
    for (const UndoneFile& f : r.files)
        files.push_back({{"name", f.name}, {"action", f.action}, {"message", f.message}});
    return text_of({{"root", r.root.string()}, {"stage_id", r.stage_id}, {"files", files}}, indent);
}

std::string check(const CheckReport& r, int indent) {
    ordered_json findings = ordered_json::array();
    for (const Diagnostic& f : r.findings)
        findings.push_back({{"code", f.code},
                            {"severity", std::string(to_string(f.severity))},
                            {"path", f.where},
                            {"message", f.message}});
    return text_of({{"root", r.root.string()},
                    {"counts",
                     {{"error", r.count(Severity::Error)},
                      {"warning", r.count(Severity::Warning)},
                      {"info", r.count(Severity::Info)}}},
                    {"files", r.files},
                    {"configs", r.configs},
                    {"loads", r.loads},
                    {"findings", findings}},
                   indent);
}

std::string log_time_text(std::int64_t time_us) {
    if (time_us == 0)
        return {};
    const std::time_t seconds = static_cast<std::time_t>(time_us / 1'000'000);
    std::tm utc{};
    ::gmtime_r(&seconds, &utc);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
    char millis[8];
    std::snprintf(millis, sizeof millis, ".%03d",
                  static_cast<int>((time_us % 1'000'000 + 1'000'000) % 1'000'000 / 1000));
    return std::string(stamp) + millis + "Z";
}

namespace {

ordered_json event_json(const rollout::Event& e) {
    return ordered_json{{"event", "transition"},
                        {"time", log_time_text(e.time_us)},
                        {"time_us", e.time_us},
                        {"mac", e.mac.to_string()},
                        {"model", e.model},
                        {"ip", e.ip},
                        {"from", std::string(rollout::to_string(e.from))},
                        {"to", std::string(rollout::to_string(e.to))},
                        {"step_from", e.step_from},
                        {"step", e.step},
                        {"steps", e.steps},
                        {"load", e.load},
                        {"reason", e.reason},
                        {"origin", e.origin}};
}

} // namespace

std::string rollout_event(const rollout::Event& event) {
    return text_of(event_json(event), -1);
}

std::string rollout_status(const rollout::Status& s, int indent) {
    // Written straight into the text: 10,000 phones as a JSON tree first would cost more than
    // reading them (the goal is a status of 10,000 phones in well under 0.2 s).
    using detail::JsonObjectWriter;
    const auto count = [](auto n) { return static_cast<std::int64_t>(n); };
    std::string out;
    out.reserve(256 + s.phones.size() * 512);
    JsonObjectWriter doc(out, 0, indent);
    doc.field("tftp_root", s.tftp_root.string());
    doc.field("state", s.state.string());
    doc.field("aborted", s.aborted);
    doc.field("log_time", log_time_text(s.log_time_us));
    doc.key("counts");
    {
        JsonObjectWriter counts(out, 1, indent);
        for (const auto& [state, n] : s.counts)
            counts.field(rollout::to_string(state), count(n));
        counts.close();
    }
    // An array of objects at the second level, one object per line (as dump(indent) lays
    // them out); `write` fills each object.
    const std::string inner(static_cast<std::size_t>(2 * indent), ' ');
    const std::string outer(static_cast<std::size_t>(indent), ' ');
    const auto array = [&](const auto& items, const auto& write) {
        out += "[";
        for (std::size_t i = 0; i < items.size(); ++i) {
            out += i == 0 ? "\n" : ",\n";
            out += inner;
            JsonObjectWriter object(out, 2, indent);
            write(object, items[i]);
            object.close();
        }
        out += items.empty() ? "]" : "\n" + outer + "]";
    };
    doc.key("phones");
    array(s.phones, [&](JsonObjectWriter& phone, const rollout::PhoneRow& p) {
        phone.field("mac", p.mac.to_string());
        phone.field("model", p.model);
        phone.field("ip", p.ip);
        phone.field("step", count(p.step));
        phone.field("steps", count(p.steps));
        phone.field("load", p.load);
        phone.field("target", p.target);
        phone.field("state", rollout::to_string(p.state));
        phone.field("since", log_time_text(p.since_us));
        phone.field("since_us", p.since_us);
        phone.field("reason", p.reason);
        phone.field("next_action", p.next_action);
        phone.field("held", p.held);
    });
    if (!s.timeline.empty()) {
        doc.key("timeline");
        array(s.timeline, [&](JsonObjectWriter& item, const rollout::Event& e) {
            item.field("time", log_time_text(e.time_us));
            item.field("time_us", e.time_us);
            item.field("from", rollout::to_string(e.from));
            item.field("to", rollout::to_string(e.to));
            item.field("step_from", count(e.step_from));
            item.field("step", count(e.step));
            item.field("reason", e.reason);
            item.field("origin", e.origin);
        });
    }
    doc.close();
    out += "\n";
    return out;
}

std::string rollout_start(const rollout::StartReport& r, int indent) {
    ordered_json phones = ordered_json::array();
    for (const rollout::StartedPhone& p : r.phones) {
        ordered_json loads = ordered_json::array();
        for (const LoadId& load : p.loads)
            loads.push_back(load.str());
        phones.push_back({{"mac", p.mac.to_string()},
                          {"model", p.model},
                          {"from", p.from.str()},
                          {"to", p.to.str()},
                          {"loads", std::move(loads)},
                          {"queued", p.queued}});
    }
    ordered_json failed = ordered_json::array();
    for (const RowError& row : r.failed) {
        ordered_json item{{"line", row.line}, {"mac", row.mac}, {"model", row.model}};
        item.update(detail::error_json(row.error));
        failed.push_back(std::move(item));
    }
    ordered_json missing = ordered_json::array();
    for (const rollout::MissingFirmware& m : r.missing)
        missing.push_back({{"load", m.load.str()},
                           {"package", m.package},
                           {"files", m.files},
                           {"phones", m.phones}});
    ordered_json notes = ordered_json::array();
    for (const Diagnostic& n : r.notes)
        notes.push_back({{"code", n.code}, {"message", n.message}, {"where", n.where}});
    const ordered_json written = ordered_json::parse(stage(r.written, -1));
    ordered_json out{{"state", r.state.string()},
                     {"started", r.started()},
                     {"phones", std::move(phones)},
                     {"failed", std::move(failed)},
                     {"missing", std::move(missing)},
                     {"conflicts", written.value("conflicts", ordered_json::array())},
                     {"written", written},
                     {"notes", std::move(notes)}};
    return text_of(out, indent);
}

} // namespace fwplan::json
