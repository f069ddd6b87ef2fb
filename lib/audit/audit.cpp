// The audit of a TFTP root (`check_root`): what a phone asking this root for its files
// would stumble over. Every finding code is documented in docs/findings.md.

#include "detail/digest.hpp"
#include "detail/entry_name.hpp"
#include "detail/not_firmware.hpp"
#include "detail/text.hpp"
#include "detail/unicode.hpp"
#include "tftp/root_fs.hpp"

#include <fwplan/archive.hpp>
#include <fwplan/audit.hpp>
#include <fwplan/catalog.hpp>
#include <fwplan/firmware.hpp>
#include <fwplan/manifest.hpp>
#include <fwplan/models.hpp>
#include <fwplan/planner.hpp>
#include <fwplan/xml_default.hpp>

#include <climits>
#include <pugixml.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <map>
#include <set>
#include <sys/stat.h>
#include <unordered_map>

namespace fwplan {

namespace fs = std::filesystem;

namespace {

using detail::ascii_lower;
using detail::ends_with_ignoring_case;
using detail::join;

constexpr std::size_t kMaxConfigBytes = 1u << 20;

bool hidden(std::string_view path) {
    return !path.empty() && path.front() == '.';
}

bool looks_like_component(std::string_view name) {
    for (std::string_view ext : {".sbn", ".sb2", ".sgn", ".sebn"})
        if (ends_with_ignoring_case(name, ext))
            return true;
    return false;
}

bool is_hex12(std::string_view text) {
    return text.size() == 12 && std::all_of(text.begin(), text.end(), [](char c) {
               return std::isxdigit(static_cast<unsigned char>(c)) != 0;
           });
}

// `SEP<12 hex>.cnf.xml` -> the MAC text; `SIP<12 hex>.cnf` likewise.
std::optional<std::string> mac_in(std::string_view name, std::string_view prefix,
                                  std::string_view suffix) {
    if (name.size() != prefix.size() + 12 + suffix.size() ||
        name.substr(0, prefix.size()) != prefix ||
        name.substr(name.size() - suffix.size()) != suffix)
        return std::nullopt;
    const std::string_view hex = name.substr(prefix.size(), 12);
    if (!is_hex12(hex))
        return std::nullopt;
    return std::string(hex);
}

// A `.loads` of the root, parsed.
struct RootManifest {
    std::string name;
    Manifest manifest;
    std::optional<LoadId> stands_for; // term files
    bool stands_for_in_root = false;
};

// What a config asks for, for the term-file comparison.
struct ConfigAsk {
    std::string path;
    LoadId load;
};

class Auditor {
public:
    Auditor(fs::path root, const CheckOptions& options, const Archive& archive, int root_fd,
            std::vector<FirmwarePackage> firmware)
        : root_(std::move(root)), options_(options), archive_(archive), root_fd_(root_fd),
          firmware_(std::move(firmware)) {}

    CheckReport run() {
        report_.root = root_;
        state_ = detail::read_state(root_fd_);
        for (const Phone& phone : options_.inventory)
            inventory_.emplace(phone.mac.hex(), &phone);
        collect_entries();
        check_archive_findings();
        check_permissions();
        check_case_twins();
        check_interrupted();
        read_manifests();
        check_manifests();
        read_configs();
        check_terms();
        check_orphans();
        check_firmware();
        return std::move(report_); // check_root orders every finding once, these included
    }

private:
    void add(std::string code, Severity severity, std::string path, std::string message) {
        report_.findings.push_back(Diagnostic{
            "fwplan.check." + std::move(code), severity, std::move(message), std::move(path), {}});
    }

    // The flat view: top-level files, by exact name and by lower-case name.
    void collect_entries() {
        for (const ArchiveEntry& entry : archive_.entries()) {
            if (hidden(entry.name))
                continue;
            ++report_.files;
            if (entry.name.find('/') != std::string::npos)
                continue;
            top_[entry.name] = &entry;
            by_lower_[detail::folded_name(entry.name)].push_back(entry.name);
        }
    }

    bool present(const std::string& name) const {
        return top_.count(name) != 0 || linked_.count(name) != 0;
    }

    // Another spelling of `name` in the root, if any.
    std::optional<std::string> other_case(const std::string& name) const {
        auto it = by_lower_.find(detail::folded_name(name));
        if (it == by_lower_.end())
            return std::nullopt;
        for (const std::string& candidate : it->second)
            if (candidate != name)
                return candidate;
        return std::nullopt;
    }

    void check_archive_findings() {
        for (const Error& problem : archive_.findings()) {
            const std::string& path = problem.entry;
            if (hidden(path))
                continue;
            const std::string code = problem.code;
            if (code == "fwplan.archive.name-collision" ||
                code == "fwplan.archive.case-collision" || code == "fwplan.archive.duplicate")
                continue; // case twins are judged folder by folder below
            if (code == "fwplan.archive.link") {
                check_link(path);
            } else if (code == "fwplan.archive.special-file") {
                add("file-not-regular", Severity::Error, path,
                    "is not a regular file (a device, FIFO or socket); a TFTP server cannot serve "
                    "it");
            } else {
                add("bad-name", Severity::Warning, path, problem.message);
            }
        }
    }

    void check_link(const std::string& path) {
        std::error_code ec;
        const fs::path full = root_ / path;
        if (!fs::is_symlink(fs::symlink_status(full, ec))) {
            // A hard link is an ordinary file to a TFTP server; the archive lists only
            // symbolic ones as links in a folder.
            return;
        }
        const fs::path target = fs::canonical(full, ec);
        if (ec) {
            add("link-broken", Severity::Error, path,
                "is a symbolic link to something that does not exist; phones asking for it get "
                "'file not found'");
            return;
        }
        const fs::path base = fs::canonical(root_, ec);
        const std::string t = target.string();
        const std::string b = base.string() + "/";
        if (t.rfind(b, 0) != 0) {
            add("link-outside", Severity::Error, path,
                "is a symbolic link to " + t +
                    ", outside the root; TFTP servers refuse to follow it (tftpd-hpa with "
                    "--secure), or serve files they should not");
            return;
        }
        if (path.find('/') == std::string::npos) {
            linked_.insert(path);
            by_lower_[detail::folded_name(path)].push_back(path);
        }
    }

    // TFTP servers run as their own user (tftp, nobody): a file others cannot read, or a
    // folder they cannot enter, cannot be served.
    void check_permissions() {
        struct stat st {};
        if (::fstat(root_fd_, &st) == 0 && (st.st_mode & S_IXOTH) == 0)
            add("file-unreadable", Severity::Error, ".",
                "the root folder cannot be entered by others (no o+x): a TFTP server running as "
                "its own user can serve nothing from it");
        std::set<std::string> folders;
        for (const ArchiveEntry& entry : archive_.entries()) {
            if (hidden(entry.name))
                continue;
            for (std::size_t slash = entry.name.find('/'); slash != std::string::npos;
                 slash = entry.name.find('/', slash + 1))
                folders.insert(entry.name.substr(0, slash));
            if (::fstatat(root_fd_, entry.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
                continue;
            if ((st.st_mode & S_IROTH) == 0)
                add("file-unreadable", Severity::Error, entry.name,
                    "is not readable by others (mode " + mode_text(st.st_mode) +
                        "): a TFTP server running as its own user cannot serve it; chmod o+r");
        }
        for (const std::string& folder : folders) {
            if (::fstatat(root_fd_, folder.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
                continue;
            if ((st.st_mode & S_IXOTH) == 0)
                add("file-unreadable", Severity::Error, folder + "/",
                    "cannot be entered by others (mode " + mode_text(st.st_mode) +
                        "): a TFTP server running as its own user cannot serve what it holds");
        }
    }

    static std::string mode_text(mode_t mode) {
        char text[8];
        std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
        return text;
    }

    void check_case_twins() {
        for (const auto& [low, names] : by_lower_) {
            if (names.size() < 2)
                continue;
            add("case-twins", Severity::Warning, names.front(),
                "differs only in case (or in its Unicode form, NFC or NFD) from " +
                    join({names.begin() + 1, names.end()}) +
                    ": phones ask with the exact name, but a case-insensitive TFTP server "
                    "(Windows, or one resolving names loosely) serves one for the other");
        }
    }

    void check_interrupted() {
        for (const std::string& left : detail::leftover_stages(root_fd_, root_))
            add("stage-interrupted", Severity::Warning, left,
                "an interrupted 'fwplan stage' left this folder: some files of that stage may "
                "not be in place; run the same 'fwplan stage' again to finish it (or --undo)");
    }

    // ---------------------------------------------------------------------------------

    std::optional<std::string> read_text(const std::string& name, std::size_t max_bytes,
                                         std::string& error_message) {
        auto it = top_.find(name);
        if (it != top_.end()) {
            auto text = archive_.read_all(*it->second, max_bytes);
            if (!text) {
                error_message = text.error().message;
                return std::nullopt;
            }
            return std::move(*text);
        }
        // A symbolic link inside the root: read through it.
        std::error_code ec;
        const fs::path target = fs::canonical(root_ / name, ec);
        if (ec) {
            error_message = "cannot follow the link";
            return std::nullopt;
        }
        auto via = detail::open_dir(target.parent_path());
        if (!via) {
            error_message = via.error().message;
            return std::nullopt;
        }
        auto bytes =
            detail::read_small_at(via->get(), target.filename().string(), max_bytes, root_);
        if (!bytes) {
            error_message = bytes.error().message;
            return std::nullopt;
        }
        return std::move(*bytes);
    }

    std::vector<std::string> flat_names() const {
        std::vector<std::string> names;
        for (const auto& [name, entry] : top_)
            names.push_back(name);
        names.insert(names.end(), linked_.begin(), linked_.end());
        std::sort(names.begin(), names.end());
        return names;
    }

    void read_manifests() {
        for (const std::string& name : flat_names()) {
            if (!ends_with_ignoring_case(name, ".loads"))
                continue;
            if (const std::string_view what = detail::not_firmware_file(name); !what.empty()) {
                add("not-firmware", Severity::Info, name,
                    "is " + std::string(what) + ": no phone asks for it");
                continue;
            }
            std::string why;
            auto bytes = read_text(name, kMaxManifestBody + kSignedHeaderPrefix, why);
            ++report_.loads;
            if (!bytes) {
                add("loads-unparsable", Severity::Error, name, "cannot be read: " + why);
                continue;
            }
            auto manifest = parse_manifest(name, *bytes);
            if (!manifest) {
                add("loads-unparsable", Severity::Error, name,
                    "does not parse: " + manifest.error().message +
                        "; a phone asking for it will not install anything");
                continue;
            }
            const std::string& signed_name = manifest->envelope.signed_name;
            if (!signed_name.empty() && signed_name != name)
                add("loads-renamed", Severity::Error, name,
                    "is signed as '" + signed_name + "': a phone asking for " + name +
                        " compares the names and rejects it (a renamed file?)");
            RootManifest m{name, std::move(*manifest), {}, false};
            if (m.manifest.is_term_file)
                terms_.push_back(std::move(m));
            else if (m.manifest.load)
                loads_.push_back(std::move(m));
        }
        // Which load each term file stands for: the root's loads, then --firmware's.
        std::vector<Manifest> manifests;
        for (const RootManifest& m : loads_)
            manifests.push_back(m.manifest);
        const std::size_t in_root = manifests.size();
        for (const FirmwarePackage& p : firmware_)
            for (const PackageLoad& load : p.loads)
                manifests.push_back(load.manifest);
        for (RootManifest& term : terms_) {
            if (const Manifest* target = term_file_target(term.manifest, manifests)) {
                term.stands_for = target->load;
                term.stands_for_in_root =
                    static_cast<std::size_t>(target - manifests.data()) < in_root;
            }
        }
    }

    void check_components(const RootManifest& m, bool term) {
        std::vector<std::string> missing;
        for (const ManifestComponent& c : m.manifest.components) {
            listed_.insert(c.name);
            if (present(c.name))
                continue;
            if (auto other = other_case(c.name)) {
                listed_.insert(*other);
                add("loads-case-mismatch", Severity::Error, m.name,
                    "asks for " + c.name + ", but the root has it only as " + *other +
                        ": TFTP is case-sensitive, so the phone gets 'file not found'; rename "
                        "it to " +
                        c.name);
                continue;
            }
            missing.push_back(c.name);
        }
        if (missing.empty())
            return;
        if (term) {
            const std::string model(m.manifest.term_model->number);
            add("term-incomplete", Severity::Error, m.name,
                "stands for " + load_of(m) + ", but " + join(missing) +
                    (missing.size() == 1 ? " is" : " are") + " not in the root: a factory-reset " +
                    model + " asks for " + m.name +
                    ", then for these files, and keeps asking without installing anything");
        } else {
            add("loads-missing-component", Severity::Error, m.name,
                "names " + join(missing) + ", which " + (missing.size() == 1 ? "is" : "are") +
                    " not in the root: a phone told to load " + m.manifest.load->str() +
                    " cannot install it");
        }
    }

    static std::string load_of(const RootManifest& m) {
        return m.stands_for ? m.stands_for->str() : std::string("an unknown load");
    }

    void check_manifests() {
        for (const RootManifest& m : loads_)
            check_components(m, false);
        for (const RootManifest& m : terms_)
            check_components(m, true);
    }

    // ---------------------------------------------------------------------------------
    // Configurations

    void read_configs() {
        for (const std::string& name : flat_names()) {
            if (auto mac = mac_in(name, "SEP", ".cnf.xml")) {
                read_sep(name, *mac);
            } else if (name == "XMLDefault.cnf.xml") {
                read_xml_default(name);
            } else if (name == "SIPDefault.cnf") {
                read_sip_cnf(name, std::nullopt);
            } else if (auto sip_mac = mac_in(name, "SIP", ".cnf")) {
                read_sip_cnf(name, *sip_mac);
            } else if (name == "OS79XX.TXT") {
                read_os79xx(name);
            }
        }
    }

    // OS79XX.TXT (docs/phone-files.md §2.2, §7.3): on the old boot path a 7940/7960 asks for it first
    // and then for the image it names (`P003-8-12-00 \r\n` in the SIP 8.12 zip: the
    // universal application loader, fetched as .sbn, or .bin on unsigned loads). What it
    // names must be in the root and be a 7940/7960 image: P003, P0S3 or P0M3 and a version
    // (Cisco's 7960/7940 Firmware Upgrade Matrix: the phone compares those four characters
    // with its protocol), like SIPDefault.cnf's image_version.
    void read_os79xx(const std::string& name) {
        auto text = config_text(name);
        if (!text)
            return;
        std::string_view value = detail::trim(*text);
        value = value.substr(0, value.find_first_of(" \t\r\n"));
        if (value.empty()) {
            add("config-unknown-load", Severity::Error, name,
                "names no image: a 7940/7960 on the old boot path has nothing to load");
            return;
        }
        const std::string image(value);
        const bool p0_image = image.size() > 4 && image[0] == 'P' && image[1] == '0' &&
                              (image[2] == '0' || image[2] == 'S' || image[2] == 'M') &&
                              image[3] == '3';
        if (!p0_image) {
            auto id = LoadId::parse(image);
            if (id && id->family() != "7940_7960")
                add("config-wrong-model", Severity::Error, name,
                    "names " + id->str() + ", a load of the " +
                        std::string(find_family(id->family()) ? find_family(id->family())->name
                                                              : std::string_view(id->family())) +
                        " family, but only 7940/7960 phones read OS79XX.TXT: they cannot run it");
            else
                add("config-unknown-load", Severity::Error, name,
                    "names '" + image +
                        "', which is not a 7940/7960 image (P003, P0S3 or P0M3 and a version)");
            return;
        }
        bool found = false;
        for (const char* ext : {".sbn", ".bin", ".loads"})
            if (present(image + ext)) {
                listed_.insert(image + ext); // asked for: not an orphan
                found = true;
            }
        if (found)
            return;
        std::string message = "names " + image + ", but neither " + image + ".sbn nor " + image +
                              ".bin is in the root";
        if (auto other = other_case(image + ".sbn"))
            message += " (only " + *other + ", in another case: TFTP is case-sensitive)";
        add("config-unknown-load", Severity::Error, name,
            message + ": a 7940/7960 on the old boot path cannot load it");
    }

    std::optional<std::string> config_text(const std::string& name) {
        ++report_.configs;
        std::string why;
        auto text = read_text(name, kMaxConfigBytes, why);
        if (!text)
            add("config-unparsable", Severity::Error, name, "cannot be read: " + why);
        return text;
    }

    bool parse_xml(const std::string& name, const std::string& text, pugi::xml_document& doc) {
        const pugi::xml_parse_result parsed =
            doc.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
        if (parsed)
            return true;
        const auto where = detail::line_column(text, static_cast<std::size_t>(parsed.offset));
        add("config-unparsable", Severity::Error, name,
            std::string("is not well-formed XML (") + parsed.description() + " at line " +
                std::to_string(where.line) + ", column " + std::to_string(where.column) +
                "): phones reject the whole file and keep their old configuration");
        return false;
    }

    const Phone* phone_of(const std::string& mac_hex) const {
        std::string upper = mac_hex;
        for (char& c : upper)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        auto it = inventory_.find(upper);
        return it == inventory_.end() ? nullptr : it->second;
    }

    void read_sep(const std::string& name, const std::string& mac) {
        auto text = config_text(name);
        if (!text)
            return;
        pugi::xml_document doc;
        if (!parse_xml(name, *text, doc))
            return;
        const pugi::xml_node device = doc.document_element();
        if (std::string_view(device.name()) != "device") {
            add("config-unparsable", Severity::Error, name,
                "has the root element <" + std::string(device.name()) +
                    ">, not <device>: phones ignore it");
            return;
        }
        const pugi::xml_node load = device.child("loadInformation");
        const std::string value(detail::trim(load.child_value()));
        if (value.empty())
            return;
        const Phone* phone = phone_of(mac);
        const ModelInfo* model = phone != nullptr ? phone->model : nullptr;
        if (auto id = check_load(name, value, model,
                                 model ? std::string(model->family) : std::string(), phone))
            sep_asks_[id->family()].push_back(ConfigAsk{name, *id});
    }

    void read_xml_default(const std::string& name) {
        auto text = config_text(name);
        if (!text)
            return;
        pugi::xml_document doc;
        if (!parse_xml(name, *text, doc))
            return;
        const pugi::xml_node root = doc.document_element();
        if (ascii_lower(root.name()) != "default") {
            add("config-unparsable", Severity::Error, name,
                "has the root element <" + std::string(root.name()) +
                    ">, not <Default>: phones ignore it");
            return;
        }
        for (pugi::xml_node child : root.children()) {
            const std::string element = ascii_lower(child.name());
            constexpr std::string_view kPrefix = "loadinformation";
            if (element.rfind(kPrefix, 0) != 0)
                continue;
            const std::string number = element.substr(kPrefix.size());
            const std::string value(detail::trim(child.child_value()));
            if (number.empty() || value.empty() ||
                !std::all_of(number.begin(), number.end(),
                             [](char c) { return c >= '0' && c <= '9'; }))
                continue;
            const ModelInfo* model = nullptr;
            const unsigned long nnn = std::strtoul(number.c_str(), nullptr, 10);
            for (const ModelInfo& m : all_models())
                if (m.xml_default_number == nnn)
                    model = &m;
            const std::string path = name + ": <" + std::string(child.name()) + ">";
            if (model == nullptr) {
                add("config-unknown-model", Severity::Info, path,
                    "model number " + number +
                        " is not one fwplan knows, so it cannot check the load " + value);
                check_load(path, value, nullptr, {}, nullptr);
                continue;
            }
            if (auto id = check_load(path, value, model, std::string(model->family), nullptr)) {
                xml_default_.insert_or_assign(model, ConfigAsk{path, *id});
                check_xml_default_reach(path, *model, *id);
            }
        }
    }

    // XMLDefault is read by phones without their own SEP file: new or reset ones, which may
    // still run their factory load (xml_default.hpp).
    void check_xml_default_reach(const std::string& path, const ModelInfo& model,
                                 const LoadId& load) {
        if (load.family() != model.family)
            return; // config-wrong-model already
        const XmlDefaultReach reach = xml_default_reach(planner(), model, load);
        if (reach.ok())
            return;
        add("xml-default-unreachable", Severity::Warning, path,
            "names " + load.str() + " for the " + std::string(model.number) +
                ", which a new or factory-reset phone may not take: " + reach.why +
                ". Such a phone has no SEP<MAC>.cnf.xml of its own here, so name a load its "
                "factory load reaches in one step (the first step of its plan), or give it a "
                "SEP file");
    }

    const Planner& planner() const {
        return options_.planner != nullptr ? *options_.planner : Planner::builtin();
    }

    void read_sip_cnf(const std::string& name, std::optional<std::string> mac) {
        auto text = config_text(name);
        if (!text)
            return;
        std::string_view rest = *text;
        while (!rest.empty()) {
            const std::size_t eol = rest.find('\n');
            std::string_view line = rest.substr(0, eol);
            rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
            line = detail::trim(line);
            if (line.empty() || line.front() == '#')
                continue;
            const std::size_t colon = line.find(':');
            if (colon == std::string_view::npos)
                continue;
            if (detail::trim(line.substr(0, colon)) != "image_version")
                continue;
            std::string_view value = line.substr(colon + 1);
            value = value.substr(0, value.find(';'));
            value = detail::trim(value);
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
                value = value.substr(1, value.size() - 2);
            if (value.empty())
                continue;
            const Phone* phone = mac ? phone_of(*mac) : nullptr;
            const ModelInfo* model = phone != nullptr ? phone->model : nullptr;
            if (auto id = check_load(name, std::string(value), model, "7940_7960", phone))
                sep_asks_[id->family()].push_back(ConfigAsk{name, *id});
        }
    }

    // A load a config names: in the root, of the model's family, reachable from what the
    // phone runs. Returns the load when the value is one.
    std::optional<LoadId> check_load(const std::string& path, const std::string& value,
                                     const ModelInfo* model, const std::string& family,
                                     const Phone* phone) {
        // XMLDefault may name a term file stem (`term70.default`).
        if (const ModelInfo* term_model = model_for_term_file(value + ".loads")) {
            if (!present(value + ".loads"))
                add("config-unknown-load", Severity::Error, path,
                    "names " + value + ", but " + value + ".loads is not in the root");
            if (!family.empty() && term_model->family != family)
                add("config-wrong-model", Severity::Error, path,
                    "names " + value + ", the factory load of a " +
                        std::string(term_model->number) + ", for a phone of another family");
            return std::nullopt;
        }
        auto id = LoadId::parse(value);
        if (!id) {
            add("config-unknown-load", Severity::Error, path,
                "names '" + value + "', which is not a load ID (" + id.error().message + ")");
            return std::nullopt;
        }
        const std::string file = id->loads_file_name();
        if (!present(file)) {
            std::string message = "names " + id->str() + ", but " + file + " is not in the root";
            if (auto other = other_case(file))
                message += " (only " + *other + ", in another case: TFTP is case-sensitive)";
            add("config-unknown-load", Severity::Error, path,
                message + ": the phone cannot install it and keeps its load");
        }
        if (!family.empty() && id->family() != family) {
            const FamilyInfo* f = find_family(family);
            add("config-wrong-model", Severity::Error, path,
                "names " + id->str() + ", a load of the " +
                    std::string(find_family(id->family()) ? find_family(id->family())->name
                                                          : std::string_view(id->family())) +
                    " family, for a " +
                    (model ? std::string(model->number)
                           : std::string(f ? f->name : std::string_view(family))) +
                    ": the phone cannot run it");
            return *id;
        }
        if (phone == nullptr || model == nullptr || !phone->from || *phone->from == *id)
            return *id;
        const std::string note = reach(*model, *phone->from, *id);
        if (!note.empty())
            add("config-unreachable", Severity::Error, path, note);
        return *id;
    }

    // Empty when one step does it; else why not, naming the rules (cached: a fleet's
    // configs ask the same question many times).
    std::string reach(const ModelInfo& model, const LoadId& from, const LoadId& to) {
        const std::string key = std::string(model.number) + '\n' + from.str() + '\n' + to.str();
        if (auto it = reach_cache_.find(key); it != reach_cache_.end())
            return it->second;
        std::string out =
            planner().explain_direct_step(model.number, from, to, DirectStepSubject::RunningPhone);
        reach_cache_.emplace(key, out);
        return out;
    }

    // ---------------------------------------------------------------------------------
    // Term files

    void check_terms() {
        for (const RootManifest& term : terms_) {
            const ModelInfo& model = *term.manifest.term_model;
            if (!term.stands_for) {
                add("term-unknown-load", Severity::Warning, term.name,
                    "lists components no .loads in the root lists: a factory-reset " +
                        std::string(model.number) +
                        " installs them, but fwplan cannot tell which load that is");
            } else if (!term.stands_for_in_root) {
                add("term-unknown-load", Severity::Warning, term.name,
                    "stands for " + term.stands_for->str() + ", whose .loads is not in the root");
            }
            check_term_vs_configs(term, model);
            check_term_candidates(term, model);
        }
    }

    void check_term_vs_configs(const RootManifest& term, const ModelInfo& model) {
        std::vector<std::string> parts;
        if (auto it = xml_default_.find(&model); it != xml_default_.end()) {
            const ConfigAsk& ask = it->second;
            if (!term.stands_for || *term.stands_for != ask.load) {
                std::string part =
                    ask.path + " asks a " + std::string(model.number) + " for " + ask.load.str();
                if (term.stands_for) {
                    const std::string note = reach(model, *term.stands_for, ask.load);
                    if (!note.empty())
                        part += ", and " + note;
                }
                parts.push_back(part);
            }
        }
        if (auto it = sep_asks_.find(std::string(model.family));
            it != sep_asks_.end() && term.stands_for) {
            std::map<std::string, std::size_t> counts;
            for (const ConfigAsk& ask : it->second)
                ++counts[ask.load.str()];
            if (counts.count(term.stands_for->str()) == 0) {
                std::vector<std::string> asked;
                for (const auto& [load, n] : counts)
                    asked.push_back(load + " (" + std::to_string(n) +
                                    (n == 1 ? " config)" : " configs)"));
                parts.push_back("the configs of " + std::string(family_of(model).name) +
                                " phones ask for " + join(asked));
            }
        }
        if (parts.empty())
            return;
        add("term-config-mismatch", Severity::Warning, term.name,
            "a factory-reset " + std::string(model.number) + " installs " + load_of(term) +
                " from this file, but " + join(parts, "; ") +
                ": a reset phone gets the term load first and then has to move on");
    }

    void check_term_candidates(const RootManifest& term, const ModelInfo& model) {
        std::vector<std::string> others;
        for (const RootManifest& load : loads_)
            if (load.manifest.load->family() == model.family &&
                (!term.stands_for || *load.manifest.load != *term.stands_for))
                others.push_back(load.manifest.load->str());
        if (others.empty())
            return;
        bool chosen = false;
        if (auto st = detail::stat_at(root_fd_, term.name, root_))
            if (const detail::StateRecord* r = state_.match(term.name, *st))
                chosen = !r->term_for.empty();
        const std::string model_number(model.number);
        std::string message = "stands for " + load_of(term) + ": a factory-reset " + model_number +
                              " installs it. The root also holds " + join(others) +
                              " of the same family";
        if (chosen) {
            add("term-several-loads", Severity::Info, term.name,
                message + "; fwplan stage put this term file here as the one reset phones get");
            return;
        }
        add("term-several-loads", Severity::Warning, term.name,
            message + ", whose package ships its own " + term.name +
                ": whichever package was unpacked last decided what reset phones get. Stage "
                "them with 'fwplan stage --factory-default LOAD' to choose");
    }

    void check_orphans() {
        for (const std::string& name : flat_names()) {
            if (!looks_like_component(name) || listed_.count(name) != 0)
                continue;
            add("orphan-component", Severity::Info, name,
                "no .loads in the root names it: no phone will ask for it");
        }
    }

    // ---------------------------------------------------------------------------------
    // --firmware: what the packages meant for this root would put there.

    // Whether the root's file `name` is the same file as `entry` of `archive`: same size
    // (nothing is read otherwise), same CRC-32, and same SHA-256, because a CRC-32 is easily
    // forged. The root's side comes from the index when the file is as fwplan left it.
    // nullopt when either cannot be read.
    std::optional<bool> root_matches(const std::string& name, const Archive& archive,
                                     const ArchiveEntry& entry, std::uint32_t crc,
                                     const std::optional<std::string>& entry_sha) {
        auto st = detail::stat_at(root_fd_, name, root_);
        if (!st || !st->regular)
            return std::nullopt;
        if (st->size != entry.size)
            return false;
        std::optional<std::uint32_t> root_crc;
        std::string root_sha;
        if (const detail::StateRecord* r = state_.match(name, *st)) {
            root_crc = r->crc32;
            root_sha = r->sha256;
        }
        if (!root_crc || (*root_crc == crc && root_sha.empty())) {
            auto sum = detail::checksum_at(root_fd_, name, root_);
            if (!sum)
                return std::nullopt;
            root_crc = sum->crc32;
            root_sha = sum->sha256;
        }
        if (*root_crc != crc)
            return false;
        if (entry_sha)
            return *entry_sha == root_sha;
        detail::ContentHasher hasher;
        auto read = archive.read(entry, [&](std::string_view chunk) -> Result<void> {
            hasher.update(chunk);
            return {};
        });
        if (!read)
            return std::nullopt;
        return hasher.sha256_hex() == root_sha;
    }

    struct TermOffer {
        std::string package;
        std::uint64_t size = 0;
        std::uint32_t crc = 0;
        std::optional<LoadId> stands_for;
        bool matches_root = false; ///< the root's file of that name is this very file
    };

    void check_firmware() {
        if (firmware_.empty())
            return;
        std::map<std::string, std::vector<TermOffer>> offers;
        for (const FirmwarePackage& p : firmware_) {
            auto archive = Archive::open(p.path);
            if (!archive)
                continue;
            std::map<std::string, std::string> rename;
            for (const PackageLoad& load : p.loads)
                for (const CaseMismatch& m : load.case_mismatches)
                    rename.emplace(m.present, m.listed);
            std::vector<std::string> absent;
            const std::string package = p.path.filename().string();
            // In storage order: a tar is walked once, not once per entry.
            std::vector<const ArchiveEntry*> stored;
            for (const ArchiveEntry& entry : archive->entries())
                stored.push_back(&entry);
            std::sort(stored.begin(), stored.end(),
                      [](const ArchiveEntry* a, const ArchiveEntry* b) {
                          return a->ordinal < b->ordinal;
                      });
            for (const ArchiveEntry* stored_entry : stored) {
                const ArchiveEntry& entry = *stored_entry;
                if (hidden(entry.base_name))
                    continue;
                std::string name = entry.base_name;
                if (auto it = rename.find(name); it != rename.end())
                    name = it->second;
                std::uint32_t crc = 0;
                std::optional<std::string> sha; // computed with the CRC where none is recorded
                if (entry.crc32) {
                    crc = *entry.crc32;
                } else {
                    detail::ContentHasher hasher;
                    auto computed =
                        archive->read(entry, [&](std::string_view chunk) -> Result<void> {
                            hasher.update(chunk);
                            return {};
                        });
                    if (!computed)
                        continue;
                    crc = *computed;
                    sha = hasher.sha256_hex();
                }
                if (model_for_term_file(name) != nullptr) {
                    TermOffer offer{package, entry.size, crc, {}, {}};
                    offer.matches_root =
                        root_matches(name, *archive, entry, crc, sha).value_or(false);
                    for (const TermFile& t : p.term_files)
                        if (t.entry == entry.qualified_name())
                            offer.stands_for = t.stands_for;
                    offers[name].push_back(std::move(offer));
                    continue;
                }
                if (!present(name)) {
                    absent.push_back(name);
                    continue;
                }
                const auto it = top_.find(name);
                if (it == top_.end())
                    continue;
                if (!root_matches(name, *archive, entry, crc, sha).value_or(true))
                    add("firmware-differs", Severity::Warning, name,
                        "differs from the file of the same name in " + package +
                            ": the root holds another build of it");
            }
            std::sort(absent.begin(), absent.end()); // named in order, however stored
            if (!absent.empty())
                add("firmware-not-staged", Severity::Warning, package,
                    std::to_string(absent.size()) + " of its files are not in the root: " +
                        join(absent) + " (fwplan stage --tftp-root ... " + package + ")");
        }
        for (const auto& [name, list] : offers)
            check_term_offers(name, list);
    }

    void check_term_offers(const std::string& name, const std::vector<TermOffer>& list) {
        const ModelInfo& model = *model_for_term_file(name);
        std::vector<const TermOffer*> distinct;
        for (const TermOffer& o : list)
            if (std::none_of(distinct.begin(), distinct.end(), [&](const TermOffer* d) {
                    return d->size == o.size && d->crc == o.crc;
                }))
                distinct.push_back(&o);
        const RootManifest* in_root = nullptr;
        for (const RootManifest& t : terms_)
            if (t.name == name)
                in_root = &t;
        const bool root_matches =
            top_.count(name) != 0 && std::any_of(list.begin(), list.end(),
                                                 [](const TermOffer& o) { return o.matches_root; });
        if (distinct.size() < 2 && (!in_root || root_matches))
            return;
        std::vector<std::string> parts;
        for (const TermOffer& o : list)
            parts.push_back(o.package + " brings one standing for " +
                            (o.stands_for ? o.stands_for->str() : std::string("an unknown load")));
        std::string message = join(parts, ", ");
        if (in_root)
            message += "; the root's stands for " + load_of(*in_root) + ": a factory-reset " +
                       std::string(model.number) + " installs " + load_of(*in_root);
        else
            message += "; the root has none yet";
        message += ". Only one " + name +
                   " can exist: choose with 'fwplan stage "
                   "--factory-default LOAD'";
        add("term-clash", Severity::Error, name, message);
    }

    fs::path root_;
    const CheckOptions& options_;
    const Archive& archive_;
    int root_fd_;
    CheckReport report_;
    detail::StateIndex state_;
    std::map<std::string, const ArchiveEntry*> top_;
    std::set<std::string> linked_;
    std::map<std::string, std::vector<std::string>> by_lower_;
    std::vector<RootManifest> loads_;
    std::vector<RootManifest> terms_;
    std::set<std::string> listed_;
    std::map<const ModelInfo*, ConfigAsk> xml_default_;
    std::map<std::string, std::vector<ConfigAsk>> sep_asks_;
    std::unordered_map<std::string, const Phone*> inventory_;
    std::map<std::string, std::string> reach_cache_;
    std::vector<FirmwarePackage> firmware_;
};

// The packages meant for the root (`--firmware`), read before the root is: a path that
// cannot be read at all fails the audit at once, before any work is done. A folder is read
// package by package: one of its packages that cannot be opened (a truncated download) is a
// finding, and the others are still compared with the root (issue 12).
struct Firmware {
    std::vector<FirmwarePackage> packages;
    std::vector<Diagnostic> findings;
};

Result<Firmware> load_firmware(const std::vector<fs::path>& paths) {
    InspectOptions inspect;
    inspect.max_cnu_bytes = 0;
    Firmware out;
    for (const fs::path& path : paths) {
        auto found = inspect_path(path, inspect);
        if (!found)
            return found.error();
        for (FirmwarePackage& p : *found) {
            if (p.unreadable) {
                for (const Error& error : p.errors)
                    out.findings.push_back(Diagnostic{"fwplan.check.firmware-unreadable",
                                                      Severity::Error,
                                                      "cannot be read, so it was left out of the "
                                                      "comparison: " +
                                                          error.message,
                                                      p.path.string(),
                                                      {}});
                continue;
            }
            out.packages.push_back(std::move(p));
        }
    }
    resolve_term_files(out.packages);
    return out;
}

} // namespace

std::size_t CheckReport::count(Severity severity) const noexcept {
    return fwplan::count(findings, severity);
}

Result<CheckReport> check_root(const fs::path& root, const CheckOptions& options) {
    // Said as `fwplan stage` says it (lib/stage/stage.cpp, check_root_folder): missing,
    // something else, or out of reach behind a folder the user may not enter.
    struct stat st {};
    const bool found = ::stat(root.c_str(), &st) == 0;
    const int err = errno;
    if (!found || !S_ISDIR(st.st_mode)) {
        Error error = io_error("check.no-root", "is not a folder");
        error.file = root.string();
        if (!found && err == EACCES) {
            error.message = "cannot be reached: you may not enter it or a folder above it";
            return error.with_hint("run the same command with sudo, or as a user who may read "
                                   "the folders on the way (ls -ld each of them)");
        }
        if (!found && err == ENOENT)
            error.message = "does not exist";
        return error.with_hint("give the TFTP server's root folder");
    }
    auto firmware = load_firmware(options.firmware);
    if (!firmware)
        return firmware.error();
    auto root_fd = detail::open_dir(root);
    if (!root_fd)
        return root_fd.error();
    auto archive = Archive::open(root, options.limits, UnsafeEntryPolicy::Report);
    if (!archive)
        return archive.error();
    CheckReport report =
        Auditor(root, options, *archive, root_fd->get(), std::move(firmware->packages)).run();
    report.findings.insert(report.findings.begin(), firmware->findings.begin(),
                           firmware->findings.end());
    report.findings.insert(report.findings.end(), options.notes.begin(), options.notes.end());
    std::stable_sort(report.findings.begin(), report.findings.end(),
                     [](const Diagnostic& a, const Diagnostic& b) {
                         return std::tie(a.severity, a.where, a.code) <
                                std::tie(b.severity, b.where, b.code);
                     });
    return report;
}

} // namespace fwplan
