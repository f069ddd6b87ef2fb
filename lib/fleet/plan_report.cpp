// What emit_configs did, for people (plan.txt) and programs (plan.json, the --json report).

#include "detail/json_error.hpp"
#include "detail/text.hpp"

#include <fwplan/fleet.hpp>

#include <nlohmann/json.hpp>

#include <string>

namespace fwplan {

namespace fs = std::filesystem;

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

std::string plan_text(const EmitReport& r, const PlanTextParts& parts) {
    std::string out;
    if (parts.summary)
        out += "fwplan emit: " + plural(r.rows, "phone", "phones") + ", " +
               std::to_string(r.phones.size()) + " planned, " +
               plural(r.failed_count(), "row failed", "rows failed") + "\n";

    if (parts.rounds && !r.folders.empty()) {
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

    if (parts.phones && !r.phones.empty()) {
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

    if (parts.per_model && !r.models.empty()) {
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
            out += "  " + pad(m.model, 9) + " " + line + "\n"; // a long model still gets a space
        }
    }

    if (parts.failed && !r.failed.empty()) {
        out += "\nFailed rows\n";
        for (const RowError& row : r.failed) {
            out += "  " + row_where(row) + ": " + row.error.message + " [" + row.error.code + "]\n";
            if (!row.error.hint.empty())
                out += "      hint: " + row.error.hint + "\n";
        }
        if (r.failed_more > 0)
            out += "  ... and " + plural(r.failed_more, "more row", "more rows") +
                   " failed (only the first " + std::to_string(r.failed.size()) + " are listed)\n";
    }

    if (parts.warnings && !r.warnings.empty()) {
        out += "\nWarnings\n";
        for (const WarningSummary& w : r.warnings)
            out += "  " + w.folder + ": " + w.code + " (" + plural(w.count, "file", "files") +
                   "): " + w.message + "\n";
    }
    if (parts.notes && !r.notes.empty()) {
        out += "\nNotes\n";
        for (const Diagnostic& note : r.notes)
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
    out["failed_rows"] = r.failed_count();
    if (r.failed_more > 0)
        out["failed_not_listed"] = r.failed_more;

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
    for (const RowError& row : r.failed) {
        ordered_json item = {{"line", row.line}, {"mac", row.mac}, {"model", row.model}};
        item.update(detail::error_json(row.error));
        failed.push_back(std::move(item));
    }
    out["failed"] = std::move(failed);

    ordered_json warnings = ordered_json::array();
    for (const WarningSummary& w : r.warnings)
        warnings.push_back(
            {{"folder", w.folder}, {"code", w.code}, {"message", w.message}, {"count", w.count}});
    out["warnings"] = std::move(warnings);

    ordered_json notes = ordered_json::array();
    for (const Diagnostic& note : r.notes)
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
        conflicts.push_back(detail::error_json(e));
    out["conflicts"] = std::move(conflicts);
    return dump(out);
}

} // namespace fwplan
