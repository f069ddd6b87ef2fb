#include "detail/not_firmware.hpp"
#include "detail/text.hpp"

#include <fwplan/firmware.hpp>
#include <fwplan/models.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace fwplan {

namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
    const std::string l = detail::ascii_lower(text);
    return l.size() >= suffix.size() &&
           l.compare(l.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_term_file_name(std::string_view name) {
    // termNN.default.loads, whatever the case: a wrong case is still meant as a term file.
    const std::string l = detail::ascii_lower(name);
    return l.size() == 20 && l.rfind("term", 0) == 0 &&
           std::isdigit(static_cast<unsigned char>(l[4])) &&
           std::isdigit(static_cast<unsigned char>(l[5])) && l.substr(6) == ".default.loads";
}

bool looks_like_component(std::string_view name) {
    for (std::string_view ext : {".sbn", ".sb2", ".sgn", ".sebn", ".bin.sgn"})
        if (ends_with(name, ext))
            return true;
    return false;
}

// A read that stops once `limit` bytes are in: the envelope of a component is at its start.
constexpr std::string_view kEnough = "fwplan.firmware.enough";

Result<std::string> read_prefix(const Archive& archive, const ArchiveEntry& entry,
                                std::size_t limit) {
    std::string bytes;
    auto read = archive.read(entry, [&](std::string_view chunk) -> Result<void> {
        bytes.append(chunk.substr(0, limit - bytes.size()));
        if (bytes.size() >= limit) {
            Error stop;
            stop.code = std::string(kEnough);
            return stop;
        }
        return {};
    });
    if (!read && read.error().code != kEnough)
        return read.error();
    return bytes;
}

// 7940/7960 images carry their name as ASCII at offset 0x20 of the image (docs/phone-files.md §2.2).
std::string image_name_at_0x20(std::string_view image) {
    if (image.size() < 0x21)
        return {};
    std::string name;
    for (std::size_t i = 0x20; i < image.size() && i < 0x40; ++i) {
        const char c = image[i];
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
            break;
        name += c;
    }
    return name.size() >= 4 ? name : std::string();
}

// Parsers name the file they were given (an entry's base name); say where it really is.
Error in_entry(Error error, const FirmwarePackage& package, const ArchiveEntry& entry) {
    error.file = package.path.string();
    error.entry = package.kind == ArchiveKind::LooseFile ? std::string() : entry.qualified_name();
    return error;
}

class Classifier {
public:
    Classifier(const Archive& archive, FirmwarePackage& package, const InspectOptions& options)
        : archive_(archive), package_(package), options_(options) {}

    void run() {
        package_.not_firmware = std::string(not_firmware_package());
        // Read in storage order (a tar is walked once), reported in the archive's order.
        const auto& entries = archive_.entries();
        std::vector<std::size_t> order(entries.size());
        for (std::size_t i = 0; i < order.size(); ++i)
            order[i] = i;
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return entries[a].ordinal < entries[b].ordinal;
        });
        package_.files.resize(entries.size());
        for (std::size_t i : order)
            package_.files[i] =
                package_.not_firmware.empty() ? inspect(entries[i]) : not_firmware(entries[i]);
        match_components();
        resolve_terms_locally();
        std::sort(package_.loads.begin(), package_.loads.end(),
                  [](const PackageLoad& a, const PackageLoad& b) {
                      return *a.manifest.load < *b.manifest.load;
                  });
        std::sort(package_.term_files.begin(), package_.term_files.end(),
                  [](const TermFile& a, const TermFile& b) { return a.entry < b.entry; });
    }

private:
    // A package that is not phone firmware: by what it holds (an IP Communicator locale
    // package carries CIPC_Locale.loads), else by its name (locale installers).
    std::string_view not_firmware_package() const {
        if (package_.kind == ArchiveKind::Folder || package_.kind == ArchiveKind::LooseFile)
            return {};
        for (const ArchiveEntry& entry : archive_.entries())
            if (!detail::not_firmware_file(entry.base_name).empty())
                return "an IP Communicator locale package (for the softphone, not a phone)";
        return detail::not_firmware_package(package_.path.filename().string());
    }

    InspectedFile not_firmware(const ArchiveEntry& entry) const {
        InspectedFile file;
        file.entry = entry.name;
        file.container = entry.container;
        file.size = entry.size;
        file.kind = FileKind::NotFirmware;
        const std::string_view what = detail::not_firmware_file(entry.base_name);
        file.what = what.empty() ? "part of " + package_.not_firmware : std::string(what);
        return file;
    }

    InspectedFile inspect(const ArchiveEntry& entry) {
        if (!detail::not_firmware_file(entry.base_name).empty())
            return not_firmware(entry);
        InspectedFile file;
        file.entry = entry.name;
        file.container = entry.container;
        file.size = entry.size;
        const std::string& name = entry.base_name;
        if (ends_with(name, ".loads"))
            inspect_manifest(entry, file);
        else if (detail::ascii_lower(name) == "os79xx.txt")
            inspect_boot_pointer(entry, file);
        else if (ends_with(name, ".bin"))
            inspect_image(entry, file);
        else if (looks_like_component(name))
            inspect_component(entry, file);
        return file;
    }

    void inspect_manifest(const ArchiveEntry& entry, InspectedFile& file) {
        file.kind = is_term_file_name(entry.base_name) ? FileKind::TermFile : FileKind::Loads;
        auto bytes = archive_.read_all(entry, kMaxManifestBody + kSignedHeaderPrefix);
        if (!bytes) {
            fail(entry, file, bytes.error());
            return;
        }
        auto manifest = parse_manifest(entry.base_name, *bytes);
        if (!manifest) {
            fail(entry, file, manifest.error());
            return;
        }
        file.envelope = manifest->envelope;
        file.problems = manifest->warnings;
        if (manifest->is_term_file) {
            file.kind = FileKind::TermFile;
            package_.term_files.push_back({std::move(*manifest), entry.qualified_name(), {}});
        } else {
            file.kind = FileKind::Loads;
            PackageLoad load;
            load.manifest = std::move(*manifest);
            load.entry = entry.qualified_name();
            // A name no grammar reads is still a .loads whose components matter (issue 12).
            (load.manifest.load ? package_.loads : package_.unnamed_loads)
                .push_back(std::move(load));
        }
    }

    void inspect_boot_pointer(const ArchiveEntry& entry, InspectedFile& file) {
        file.kind = FileKind::BootPointer;
        auto bytes = archive_.read_all(entry, 4096);
        if (!bytes) {
            fail(entry, file, bytes.error());
            return;
        }
        std::string_view text = *bytes;
        file.image_name = std::string(text.substr(0, text.find_first_of(" \r\n\t")));
        if (text.find(' ') != std::string_view::npos)
            file.problems.push_back(warning("fwplan.inspect.trailing-space",
                                            "has a trailing space after the image name (blamed "
                                            "for failed lookups in Cisco bug CSCdv19260)",
                                            entry.qualified_name()));
    }

    // A `.bin` is the unsigned 7940/7960 image, unless it starts with a signed envelope: a
    // renamed `.sb2` (issue 12) is read as the signed file it is, its image name taken from
    // its body and its signed name compared with the file's.
    void inspect_image(const ArchiveEntry& entry, InspectedFile& file) {
        file.kind = FileKind::Image;
        auto prefix = read_prefix(archive_, entry, kSignedHeaderPrefix);
        if (!prefix) {
            fail(entry, file, prefix.error());
            return;
        }
        if (prefix->size() > entry.size) {
            file.image_name = image_name_at_0x20(*prefix);
            return;
        }
        auto header = parse_signed_header(*prefix, entry.size);
        if (!header) {
            fail(entry, file, header.error());
            return;
        }
        file.envelope = *header;
        if (header->kind == EnvelopeKind::None) {
            file.image_name = image_name_at_0x20(*prefix);
            return;
        }
        if (header->header_length <= prefix->size())
            file.image_name = image_name_at_0x20(prefix->substr(header->header_length));
        warn_if_renamed(entry, file);
    }

    void warn_if_renamed(const ArchiveEntry& entry, InspectedFile& file) {
        if (!file.envelope.signed_name.empty() && file.envelope.signed_name != entry.base_name)
            file.problems.push_back(warning("fwplan.inspect.renamed",
                                            "is signed as '" + file.envelope.signed_name +
                                                "': a phone asking for '" + entry.base_name +
                                                "' will reject it (renamed file?)",
                                            entry.qualified_name()));
    }

    void inspect_component(const ArchiveEntry& entry, InspectedFile& file) {
        file.kind = FileKind::Component;
        const bool whole = entry.size <= options_.max_cnu_bytes;
        auto bytes = whole ? archive_.read_all(entry, static_cast<std::size_t>(entry.size) + 1)
                           : read_prefix(archive_, entry, kSignedHeaderPrefix);
        if (!bytes) {
            fail(entry, file, bytes.error());
            return;
        }
        if (whole) {
            auto signed_file = parse_signed_file(*bytes);
            if (!signed_file) {
                fail(entry, file, signed_file.error());
                return;
            }
            file.envelope = signed_file->header;
            constexpr std::string_view kCnu = "CNU_File_Archive_3.0";
            if (signed_file->body.substr(0, kCnu.size()) == kCnu) {
                auto cnu = parse_cnu_archive(signed_file->body);
                if (!cnu) {
                    fail(entry, file, cnu.error());
                    return;
                }
                file.cnu_entries = cnu->entries.size();
            }
            if (ends_with(entry.base_name, ".sb2") || ends_with(entry.base_name, ".sbn"))
                file.image_name = image_name_at_0x20(signed_file->body);
        } else {
            auto header = parse_signed_header(*bytes, entry.size);
            if (!header) {
                fail(entry, file, header.error());
                return;
            }
            file.envelope = *header;
        }
        if (file.envelope.kind == EnvelopeKind::None)
            file.problems.push_back(warning("fwplan.inspect.unsigned",
                                            "has no signed envelope; phones accept only signed "
                                            "images",
                                            entry.qualified_name()));
        else
            warn_if_renamed(entry, file);
    }

    void fail(const ArchiveEntry& entry, InspectedFile& file, const Error& error) {
        Diagnostic problem{error.code, Severity::Error, error.message, entry.qualified_name(),
                           error.hint};
        file.problems.push_back(std::move(problem));
        package_.errors.push_back(in_entry(error, package_, entry));
    }

    // Which listed components the package has, as listed, in another case, or not at all.
    // The components of a .loads whose name no grammar reads count as listed (by no load).
    void match_components() {
        std::map<std::string, std::string> listed_by; // entry base name -> load ID ("" none)
        auto match = [&](PackageLoad& load) {
            const std::string by = load.manifest.load ? load.manifest.load->str() : std::string();
            for (const ManifestComponent& component : load.manifest.components) {
                const ArchiveEntry* exact = find_base_name(component.name);
                if (exact != nullptr) {
                    load.present.push_back(component.name);
                    listed_by.emplace(exact->base_name, by);
                    continue;
                }
                const auto others = archive_.find_ignoring_case(component.name);
                if (!others.empty()) {
                    load.case_mismatches.push_back({component.name, others.front()->base_name});
                    listed_by.emplace(others.front()->base_name, by);
                } else {
                    load.missing.push_back(component.name);
                }
            }
        };
        for (PackageLoad& load : package_.loads)
            match(load);
        for (PackageLoad& load : package_.unnamed_loads)
            match(load);
        for (InspectedFile& file : package_.files) {
            const std::string base = file.entry.substr(file.entry.find_last_of('/') + 1);
            if (auto it = listed_by.find(base); it != listed_by.end()) {
                if (!it->second.empty())
                    file.listed_by = LoadId::parse(it->second).value();
                if (file.kind == FileKind::Other || file.kind == FileKind::Image)
                    file.kind = FileKind::Component;
            } else if (file.kind == FileKind::Component) {
                package_.unreferenced.push_back(file.entry);
            }
        }
    }

    const ArchiveEntry* find_base_name(std::string_view name) const {
        for (const ArchiveEntry& entry : archive_.entries())
            if (entry.base_name == name)
                return &entry;
        return nullptr;
    }

    void resolve_terms_locally() {
        std::vector<Manifest> manifests;
        for (const PackageLoad& load : package_.loads)
            manifests.push_back(load.manifest);
        for (TermFile& term : package_.term_files)
            if (const Manifest* target = term_file_target(term.manifest, manifests))
                term.stands_for = target->load;
    }

    const Archive& archive_;
    FirmwarePackage& package_;
    const InspectOptions& options_;
};

} // namespace

std::string_view to_string(FileKind kind) noexcept {
    switch (kind) {
    case FileKind::Loads:
        return "loads";
    case FileKind::TermFile:
        return "term-file";
    case FileKind::Component:
        return "component";
    case FileKind::Image:
        return "image";
    case FileKind::BootPointer:
        return "os79xx";
    case FileKind::NotFirmware:
        return "not-firmware";
    case FileKind::Other:
        return "other";
    }
    return "other";
}

Result<FirmwarePackage> inspect_package(const std::filesystem::path& path,
                                        const InspectOptions& options) {
    auto archive = Archive::open(path, options.limits);
    if (!archive)
        return archive.error();
    return inspect_archive(*archive, options);
}

FirmwarePackage inspect_archive(const Archive& archive, const InspectOptions& options) {
    FirmwarePackage package;
    package.path = archive.path();
    package.kind = archive.kind();
    Classifier(archive, package, options).run();
    if (options.check_authenticity && package.kind != ArchiveKind::Folder &&
        package.kind != ArchiveKind::LooseFile) {
        auto check = check_authenticity(
            archive.path(), options.catalog != nullptr ? *options.catalog : Catalog::builtin());
        if (check)
            package.authenticity = std::move(*check);
        else
            package.errors.push_back(check.error());
    }
    return package;
}

namespace {
bool is_package_file(const std::filesystem::path& path) {
    const std::string name = path.filename().string();
    for (std::string_view ext :
         {".zip", ".cop", ".cop.sgn", ".cop.sha512", ".tar", ".tar.gz", ".tgz"})
        if (ends_with(name, ext))
            return true;
    return false;
}
} // namespace

namespace {
// A package of a folder that could not be opened: kept, with its error, so that one bad
// download does not hide the good ones beside it (issue 12).
FirmwarePackage unreadable_package(const std::filesystem::path& path, Error error) {
    FirmwarePackage package;
    package.path = path;
    package.unreadable = true;
    if (error.file.empty())
        error.file = path.string();
    package.errors.push_back(std::move(error));
    return package;
}
} // namespace

Result<std::vector<FirmwarePackage>> inspect_path(const std::filesystem::path& path,
                                                  const InspectOptions& options) {
    namespace fs = std::filesystem;
    std::vector<FirmwarePackage> out;
    std::error_code ec;
    if (!fs::is_directory(path, ec)) {
        auto package = inspect_package(path, options);
        if (!package)
            return package.error();
        out.push_back(std::move(*package));
        return out;
    }
    std::vector<fs::path> package_files;
    bool has_loads = false;
    fs::recursive_directory_iterator it(path, fs::directory_options::none, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        // Hidden entries (fwplan's own .fwplan-backup/ in a TFTP root, .git/) are never
        // firmware: not walked, as Archive leaves them out.
        if (it->path().filename().string().front() == '.') {
            it.disable_recursion_pending();
            continue;
        }
        if (!it->is_regular_file(ec) || it->is_symlink(ec))
            continue;
        if (is_package_file(it->path()))
            package_files.push_back(it->path());
        else if (ends_with(it->path().filename().string(), ".loads"))
            has_loads = true;
    }
    if (ec)
        return io_error("firmware.unreadable-folder", "cannot list the folder: " + ec.message())
            .in_file(path.string());
    std::sort(package_files.begin(), package_files.end());
    for (const fs::path& file : package_files) {
        auto package = inspect_package(file, options);
        if (package)
            out.push_back(std::move(*package));
        else
            out.push_back(unreadable_package(file, package.error().in_file(file.string())));
    }
    if (has_loads) {
        auto folder = inspect_package(path, options);
        if (!folder) {
            out.push_back(unreadable_package(path, folder.error()));
            return out;
        }
        // Its zips were inspected as packages above; here they would only be "other" files.
        std::erase_if(folder->files,
                      [](const InspectedFile& f) { return is_package_file(f.entry); });
        out.push_back(std::move(*folder));
    }
    return out;
}

void resolve_term_files(std::vector<FirmwarePackage>& packages) {
    std::vector<Manifest> all;
    for (const FirmwarePackage& package : packages)
        for (const PackageLoad& load : package.loads)
            all.push_back(load.manifest);
    for (FirmwarePackage& package : packages)
        for (TermFile& term : package.term_files)
            if (!term.stands_for)
                if (const Manifest* target = term_file_target(term.manifest, all))
                    term.stands_for = target->load;
}

std::vector<AvailableLoad> FirmwarePackage::available_loads() const {
    std::vector<AvailableLoad> out;
    for (const PackageLoad& load : loads) {
        AvailableLoad available;
        available.id = *load.manifest.load;
        available.package = path.string();
        available.build = load.manifest.build_id;
        available.files.push_back(available.id.loads_file_name());
        for (const ManifestComponent& component : load.manifest.components)
            available.files.push_back(component.name);
        available.missing = load.missing;
        for (const CaseMismatch& mismatch : load.case_mismatches)
            available.missing.push_back(mismatch.listed + " (the package has " + mismatch.present +
                                        "; TFTP is case-sensitive)");
        out.push_back(std::move(available));
    }
    return out;
}

std::vector<AvailableLoad> available_loads(const std::vector<FirmwarePackage>& packages) {
    std::vector<AvailableLoad> out;
    for (const FirmwarePackage& package : packages) {
        auto loads = package.available_loads();
        out.insert(out.end(), std::make_move_iterator(loads.begin()),
                   std::make_move_iterator(loads.end()));
    }
    return out;
}

} // namespace fwplan
