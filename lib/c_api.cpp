// The C API (include/fwplan/fwplan.h): turns C arguments into library calls and results into
// malloc'ed strings. Every entry point runs its body through `guarded`, which catches every
// exception (std::bad_alloc included), so none crosses into C; the domain logic stays in
// the library, as with the CLI.

#include <fwplan/catalog.hpp>
#include <fwplan/device_config.hpp>
#include <fwplan/error.hpp>
#include <fwplan/firmware.hpp>
#include <fwplan/fwplan.h>
#include <fwplan/json.hpp>
#include <fwplan/load_id.hpp>
#include <fwplan/mac_address.hpp>
#include <fwplan/models.hpp>
#include <fwplan/planner.hpp>
#include <fwplan/version.hpp>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The opaque types of the header. They live in the global namespace because the C
// declarations name them there.
struct fwplan_error {
    fwplan_status status = FWPLAN_INTERNAL;
    std::string code;
    std::string message; // Error::describe(): the whole one-line description
    std::string hint;
    std::string file;
    std::string entry;
};

struct fwplan_planner {
    fwplan::Planner planner;
};

namespace fwplan::capi {
namespace {

// Handed out when memory runs out, even while describing another error: it exists from
// load time, so giving it out cannot fail, and fwplan_error_free never deletes it.
fwplan_error kOutOfMemory{
    FWPLAN_INTERNAL, "fwplan.out-of-memory", "out of memory [fwplan.out-of-memory]", "", "", ""};

fwplan_status status_for(ErrorKind kind) noexcept {
    switch (kind) {
    case ErrorKind::NotPossible:
    case ErrorKind::Conflict:
        return FWPLAN_NOT_POSSIBLE;
    case ErrorKind::Usage:
        return FWPLAN_USAGE;
    case ErrorKind::BadInput:
        return FWPLAN_BAD_INPUT;
    case ErrorKind::Io:
        return FWPLAN_IO;
    }
    return FWPLAN_INTERNAL;
}

void give(fwplan_error** error_out, fwplan_error* error) noexcept {
    if (error_out != nullptr)
        *error_out = error;
}

// The status of a failed call, and its error if the caller wants one. When memory runs out
// while describing it, the call is an out-of-memory failure, and says so consistently.
fwplan_status report(fwplan_error** error_out, const Error& error) noexcept {
    const fwplan_status status = status_for(error.kind);
    if (error_out != nullptr) {
        try {
            *error_out = new fwplan_error{status,     error.code, error.describe(),
                                          error.hint, error.file, error.entry};
        } catch (...) {
            *error_out = &kOutOfMemory;
            return FWPLAN_INTERNAL;
        }
    }
    return status;
}

fwplan_status report_internal(fwplan_error** error_out, const char* what) noexcept {
    if (error_out != nullptr) {
        try {
            *error_out = new fwplan_error{
                FWPLAN_INTERNAL,
                "fwplan.internal",
                std::string("internal error: ") + what + " [fwplan.internal]",
                "this is a bug in fwplan: please report it with the call that caused it",
                "",
                ""};
        } catch (...) {
            *error_out = &kOutOfMemory;
        }
    }
    return FWPLAN_INTERNAL;
}

// Runs the body of an entry point: its Result becomes the status (and the error, when the
// caller wants it); any exception becomes FWPLAN_INTERNAL.
template <typename Body>
fwplan_status guarded(fwplan_error** error_out, Body&& body) noexcept {
    give(error_out, nullptr);
    try {
        const Result<void> done = std::forward<Body>(body)();
        return done ? FWPLAN_OK : report(error_out, done.error());
    } catch (const std::bad_alloc&) {
        give(error_out, &kOutOfMemory);
        return FWPLAN_INTERNAL;
    } catch (const std::exception& e) {
        return report_internal(error_out, e.what());
    } catch (...) {
        return report_internal(error_out, "an exception that is not a std::exception");
    }
}

template <typename T>
void reset(T** out) noexcept {
    if (out != nullptr)
        *out = nullptr;
}

// A string on its way to the caller: freed here if the call fails after making it.
struct FreeString {
    void operator()(char* text) const noexcept { std::free(text); }
};
using CString = std::unique_ptr<char, FreeString>;

CString c_string(std::string_view text) {
    // A NUL inside would cut the string short for C; JSON escapes it and templates refuse
    // it, so one here is a bug.
    if (text.find('\0') != std::string_view::npos)
        throw std::logic_error("a result holds a NUL byte");
    auto* copy = static_cast<char*>(std::malloc(text.size() + 1));
    if (copy == nullptr)
        throw std::bad_alloc();
    std::memcpy(copy, text.data(), text.size());
    copy[text.size()] = '\0';
    return CString(copy);
}

Error usage(std::string code, std::string message) {
    Error error = bad_input(std::move(code), std::move(message));
    error.kind = ErrorKind::Usage;
    return error;
}

Result<void> require(const void* argument, std::string_view function, std::string_view name) {
    if (argument != nullptr)
        return {};
    return usage("c-api.null-argument",
                 std::string(function) + ": " + std::string(name) + " is NULL, and it is required");
}

// An optional string argument: NULL and "" both mean "not given".
std::optional<std::string_view> given(const char* text) {
    if (text == nullptr || *text == '\0')
        return std::nullopt;
    return std::string_view(text);
}

// `count` strings from `items`, which may be NULL only when `count` is 0.
Result<std::vector<std::string_view>> string_array(const char* const* items, std::size_t count,
                                                   std::string_view function,
                                                   std::string_view name) {
    std::vector<std::string_view> out;
    if (count == 0)
        return out;
    if (items == nullptr)
        return usage("c-api.null-argument", std::string(function) + ": " + std::string(name) +
                                                " is NULL but its count is " +
                                                std::to_string(count));
    for (std::size_t i = 0; i < count; ++i) {
        if (items[i] == nullptr)
            return usage("c-api.null-argument", std::string(function) + ": " + std::string(name) +
                                                    "[" + std::to_string(i) + "] is NULL");
        out.emplace_back(items[i]);
    }
    return out;
}

// A load ID argument; errors say which argument held it.
Result<LoadId> load_argument(std::string_view text, std::string_view name) {
    auto id = LoadId::parse(text);
    if (!id) {
        Error error = id.error();
        error.message = std::string(name) + ": " + error.message;
        return error;
    }
    return *id;
}

Result<Catalog> catalog_from(const std::vector<std::string_view>& files) {
    Catalog catalog = Catalog::builtin();
    for (std::string_view file : files)
        if (auto merged = catalog.merge_file(std::string(file)); !merged)
            return merged.error().in_file(std::string(file));
    return catalog;
}

Result<std::vector<AvailableLoad>> firmware_from(const std::vector<std::string_view>& paths) {
    std::vector<FirmwarePackage> packages;
    for (std::string_view path : paths) {
        auto found = inspect_path(std::string(path));
        if (!found)
            return found.error()
                .in_file(std::string(path))
                .with_hint(
                    "firmware paths are firmware zips, .cop.sgn files, folders or .loads files; "
                    "leave out the one named above or give the packages one by one");
        // The C API keeps its contract: a package of a folder that cannot be opened fails
        // the call, naming it (the CLI reads on and reports it instead).
        for (const FirmwarePackage& package : *found)
            if (package.unreadable && !package.errors.empty())
                return package.errors.front().with_hint(
                    "leave out the package named above or give the packages one by one");
        packages.insert(packages.end(), std::make_move_iterator(found->begin()),
                        std::make_move_iterator(found->end()));
    }
    return available_loads(packages);
}

// What fwplan_render_config and fwplan_step_files share: the files of one step.
struct StepArguments {
    const char* template_path;
    const char* settings_json;
    const char* model;
    const char* mac;
    const char* load;
};

Result<StepFiles> step_files_for(const StepArguments& args, std::string_view function) {
    for (auto [value, name] :
         {std::pair{args.model, "model"}, std::pair{args.mac, "mac"}, std::pair{args.load, "load"}})
        if (auto ok = require(value, function, name); !ok)
            return ok.error();
    SipSettings settings;
    if (auto text = given(args.settings_json)) {
        auto parsed = json::parse_sip_settings(*text, "settings_json");
        if (!parsed)
            return parsed.error();
        settings = std::move(*parsed);
    }
    auto model = find_model(args.model);
    if (!model)
        return model.error();
    auto mac = MacAddress::parse(args.mac);
    if (!mac)
        return mac.error();
    auto load = load_argument(args.load, "load");
    if (!load)
        return load.error();
    auto device_template = given(args.template_path)
                               ? DeviceTemplate::from_file(std::string(*given(args.template_path)))
                               : DeviceTemplate::builtin_sip(settings);
    if (!device_template)
        return device_template.error();
    return make_step_files(**model, *mac, *load, load->protocol(), *device_template, settings);
}

} // namespace
} // namespace fwplan::capi

using namespace fwplan;
using namespace fwplan::capi;

extern "C" {

const char* fwplan_version(void) noexcept {
    return library_version();
}

void fwplan_string_free(char* text) noexcept {
    std::free(text);
}

fwplan_status fwplan_error_status(const fwplan_error* error) noexcept {
    return error == nullptr ? FWPLAN_OK : error->status;
}
const char* fwplan_error_code(const fwplan_error* error) noexcept {
    return error == nullptr ? "" : error->code.c_str();
}
const char* fwplan_error_message(const fwplan_error* error) noexcept {
    return error == nullptr ? "" : error->message.c_str();
}
const char* fwplan_error_hint(const fwplan_error* error) noexcept {
    return error == nullptr ? "" : error->hint.c_str();
}
const char* fwplan_error_file(const fwplan_error* error) noexcept {
    return error == nullptr ? "" : error->file.c_str();
}
const char* fwplan_error_entry(const fwplan_error* error) noexcept {
    return error == nullptr ? "" : error->entry.c_str();
}
void fwplan_error_free(fwplan_error* error) noexcept {
    if (error != &kOutOfMemory)
        delete error;
}

fwplan_status fwplan_inspect(const char* path, char** json_out, fwplan_error** error_out) noexcept {
    reset(json_out);
    return guarded(error_out, [&]() -> Result<void> {
        for (auto [value, name] : {std::pair<const void*, const char*>{path, "path"},
                                   std::pair<const void*, const char*>{json_out, "json_out"}})
            if (auto ok = require(value, "fwplan_inspect", name); !ok)
                return ok;
        auto packages = inspect_path(path);
        if (!packages)
            return packages.error().in_file(path);
        resolve_term_files(*packages);
        *json_out = c_string(json::inspect(*packages, {})).release();
        return {};
    });
}

fwplan_status fwplan_planner_new(const char* const* catalog_files, size_t catalog_count,
                                 const char* const* firmware_paths, size_t firmware_count,
                                 fwplan_planner** planner_out, fwplan_error** error_out) noexcept {
    reset(planner_out);
    return guarded(error_out, [&]() -> Result<void> {
        constexpr std::string_view function = "fwplan_planner_new";
        if (auto ok = require(planner_out, function, "planner_out"); !ok)
            return ok;
        auto catalogs = string_array(catalog_files, catalog_count, function, "catalog_files");
        if (!catalogs)
            return catalogs.error();
        auto firmware = string_array(firmware_paths, firmware_count, function, "firmware_paths");
        if (!firmware)
            return firmware.error();
        auto catalog = catalog_from(*catalogs);
        if (!catalog)
            return catalog.error();
        auto available = firmware_from(*firmware);
        if (!available)
            return available.error();
        *planner_out = new fwplan_planner{Planner(*catalog, std::move(*available))};
        return {};
    });
}

void fwplan_planner_free(fwplan_planner* planner) noexcept {
    delete planner;
}

fwplan_status fwplan_plan(const fwplan_planner* planner, const char* model, const char* from,
                          const char* to, const char* to_protocol, const char* hw_rev,
                          char** json_out, fwplan_error** error_out) noexcept {
    reset(json_out);
    return guarded(error_out, [&]() -> Result<void> {
        constexpr std::string_view function = "fwplan_plan";
        for (auto [value, name] : {std::pair<const void*, const char*>{planner, "planner"},
                                   std::pair<const void*, const char*>{model, "model"},
                                   std::pair<const void*, const char*>{json_out, "json_out"}})
            if (auto ok = require(value, function, name); !ok)
                return ok;
        if (given(to) && given(to_protocol))
            return usage("c-api.two-targets",
                         "fwplan_plan: give either `to` (a load) or `to_protocol`, not both");

        PlanRequest request;
        request.model = model;
        if (auto text = given(from)) {
            auto id = load_argument(*text, "from");
            if (!id)
                return id.error();
            request.from = *id;
        }
        if (auto text = given(to)) {
            auto id = load_argument(*text, "to");
            if (!id)
                return id.error();
            request.to = *id;
        }
        if (auto text = given(to_protocol)) {
            auto protocol = parse_protocol(*text);
            if (!protocol)
                return protocol.error();
            request.to_protocol = *protocol;
        }
        if (auto text = given(hw_rev)) {
            auto revision = HardwareRevision::parse(*text);
            if (!revision)
                return revision.error();
            request.hw_rev = *revision;
        }
        auto plan = planner->planner.plan(request);
        if (!plan)
            return plan.error();
        *json_out = c_string(json::plan(*plan)).release();
        return {};
    });
}

fwplan_status fwplan_render_config(const char* template_path, const char* settings_json,
                                   const char* model, const char* mac, const char* load,
                                   char** xml_out, char** file_name_out,
                                   fwplan_error** error_out) noexcept {
    reset(xml_out);
    reset(file_name_out);
    return guarded(error_out, [&]() -> Result<void> {
        constexpr std::string_view function = "fwplan_render_config";
        if (auto ok = require(xml_out, function, "xml_out"); !ok)
            return ok;
        auto step = step_files_for({template_path, settings_json, model, mac, load}, function);
        if (!step)
            return step.error();
        if (step->files.empty())
            throw std::logic_error("make_step_files returned no SEP<MAC>.cnf.xml");
        const GeneratedFile& sep = step->files.front(); // make_step_files puts it first
        CString xml = c_string(sep.content);
        CString name = file_name_out != nullptr ? c_string(sep.name) : CString();
        *xml_out = xml.release();
        if (file_name_out != nullptr)
            *file_name_out = name.release();
        return {};
    });
}

fwplan_status fwplan_step_files(const char* template_path, const char* settings_json,
                                const char* model, const char* mac, const char* load,
                                char** json_out, fwplan_error** error_out) noexcept {
    reset(json_out);
    return guarded(error_out, [&]() -> Result<void> {
        constexpr std::string_view function = "fwplan_step_files";
        if (auto ok = require(json_out, function, "json_out"); !ok)
            return ok;
        auto step = step_files_for({template_path, settings_json, model, mac, load}, function);
        if (!step)
            return step.error();
        auto text = json::step_files(*step);
        if (!text)
            return text.error();
        *json_out = c_string(*text).release();
        return {};
    });
}

} // extern "C"
