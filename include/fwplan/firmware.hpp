#pragma once
/// @file firmware.hpp
/// What a firmware package holds, as a phone would see it: its loads (the `.loads`
/// manifests), the `termNN.default.loads` files and the load each stands for, the
/// components every load lists, and what a TFTP server could not serve — components the
/// package lacks, or has only under another case (TFTP is case-sensitive: a `.loads`
/// asking for `Jar41sip.8-3-0-50.sbn` is not served `jar41sip.8-3-0-50.sbn`).
///
/// Works on anything `Archive::open` reads: cmterm zips, bundles holding a cmterm zip,
/// `.cop.sgn` installers, tars, loose files and folders (a TFTP root is a folder).
///
/// **Example**
///
///     auto package = fwplan::inspect_package("cmterm-7941_7961-sip.9-4-2SR3-1.zip");
///     if (!package) { std::cerr << package.error().describe() << '\n'; return 3; }
///     for (const fwplan::PackageLoad& load : package->loads)
///         std::cout << load.manifest.load->str() << ": " << load.missing.size() << " missing\n";
///     for (const fwplan::TermFile& term : package->term_files)
///         std::cout << term.name << " -> "
///                   << (term.stands_for ? term.stands_for->str() : "?") << '\n';

#include <fwplan/archive.hpp>
#include <fwplan/catalog.hpp>
#include <fwplan/diagnostic.hpp>
#include <fwplan/error.hpp>
#include <fwplan/genuine.hpp>
#include <fwplan/load_id.hpp>
#include <fwplan/manifest.hpp>
#include <fwplan/signed_file.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace fwplan {

/// What one file is, for a person reading `fwplan inspect`.
enum class FileKind {
    Loads,       ///< a load's `.loads` manifest
    TermFile,    ///< `termNN.default.loads`: what a factory-reset phone installs
    Component,   ///< a file some `.loads` lists (`.sbn`, `.sb2`, `.sgn`, `.sebn`, ...)
    Image,       ///< an unsigned 7940/7960 `.bin` image
    BootPointer, ///< `OS79XX.TXT`: the 7940/7960 old boot path
    NotFirmware, ///< a file that looks like firmware but is not for a phone (IP Communicator)
    Other,       ///< anything else (release notes, stray files)
};

/// "loads", "term-file", "component", "image", "os79xx", "not-firmware", "other".
[[nodiscard]] std::string_view to_string(FileKind kind) noexcept;

/// A component a `.loads` names that the package has only under another case.
struct CaseMismatch {
    std::string listed;  ///< the name in the `.loads` (what the phone will ask for)
    std::string present; ///< the name in the package
};

/// One load of a package and how complete it is.
struct PackageLoad {
    Manifest manifest;                         ///< the parsed `.loads` (its `load` is set)
    std::string entry;                         ///< the `.loads` entry in the package
    std::vector<std::string> present;          ///< listed components the package has, as listed
    std::vector<std::string> missing;          ///< listed components it does not have at all
    std::vector<CaseMismatch> case_mismatches; ///< listed components present only in another case

    /// True when a TFTP server with this package alone could serve every file.
    [[nodiscard]] bool complete() const noexcept {
        return missing.empty() && case_mismatches.empty();
    }
};

/// A `termNN.default.loads` of a package.
struct TermFile {
    Manifest manifest;                ///< the parsed term file (`term_model` is set)
    std::string entry;                ///< the entry in the package
    std::optional<LoadId> stands_for; ///< the load whose manifest lists the same components
};

/// One inspected entry.
struct InspectedFile {
    std::string entry;                ///< name inside the package (the file name for loose files)
    std::string container;            ///< the inner zip of a bundle, or empty
    FileKind kind = FileKind::Other;  ///< what the file is
    std::uint64_t size = 0;           ///< its size in bytes
    SignedHeader envelope;            ///< kind None for unsigned files
    std::optional<LoadId> listed_by;  ///< for components: the load whose `.loads` names it
    std::size_t cnu_entries = 0;      ///< TNP `.sbn`: files in its CNU archive (0 if not read)
    std::string image_name;           ///< 7940/7960 `.bin`/`.sb2`/`OS79XX.TXT`: the image named
    std::string what;                 ///< NotFirmware: what the file is, in words
    std::vector<Diagnostic> problems; ///< what is wrong with this file
};

/// Everything fwplan learned from one package.
struct FirmwarePackage {
    std::filesystem::path path;          ///< the package as given
    ArchiveKind kind = ArchiveKind::Zip; ///< zip, folder, installer, tar or loose file
    std::vector<InspectedFile> files;    ///< every entry, in the archive's order
    std::vector<PackageLoad> loads;      ///< sorted by load ID
    /// `.loads` files whose name no grammar reads (neither the file name nor the signed name
    /// is a load ID or a term file name): read for their components, build and kind, with the
    /// name problem as a warning on the file; never planned with. In archive order.
    std::vector<PackageLoad> unnamed_loads;
    std::vector<TermFile> term_files;      ///< sorted by name
    std::vector<std::string> unreferenced; ///< components no `.loads` of the package names
    std::vector<Error> errors;             ///< files that could not be read or parsed
    /// The package could not be opened at all (a truncated download in a folder read
    /// package by package): `errors` says why, and nothing else is filled in.
    bool unreadable = false;
    /// Not phone firmware (an IP Communicator locale package, a CUCM locale installer):
    /// what it is, in words; empty for firmware. Its files are not read as firmware.
    std::string not_firmware;
    /// How the package compares with the genuine package of its name (archives only: zips,
    /// installers, tars); none for folders and loose files.
    std::optional<AuthenticityCheck> authenticity;

    /// The loads of this package as the planner takes them (`--firmware`).
    [[nodiscard]] std::vector<AvailableLoad> available_loads() const;
};

/// Options for `inspect_package`.
struct InspectOptions {
    ArchiveLimits limits{};                 ///< bounds on what the archive may expand to
    std::uint64_t max_cnu_bytes = 8u << 20; ///< read `.sbn` CNU tables only up to this size
    /// The genuine-package records to compare archives with; null: `Catalog::builtin()`.
    const Catalog* catalog = nullptr;
    /// Compare the archive with the genuine-package records (it reads the whole file for its
    /// digest). Staging, which reads the package once to extract it, leaves this off.
    bool check_authenticity = true;
};

/// Opens and classifies a package. Fails only when the package cannot be opened at all
/// (not found, hostile, damaged); a bad file inside it is recorded in `errors` and the rest
/// is still classified.
[[nodiscard]] Result<FirmwarePackage> inspect_package(const std::filesystem::path& path,
                                                      const InspectOptions& options = {});

/// The same for a package that is already open: what reads a package for more than its
/// description (the stager, which extracts it next) opens it once. `options.limits` are
/// not used (the archive was opened with its own).
[[nodiscard]] FirmwarePackage inspect_archive(const Archive& archive,
                                              const InspectOptions& options = {});

/// A path as people give it: a package or loose file is inspected as such (and fails when it
/// cannot be opened); a folder's zips, installers and tars (searched recursively, links not
/// followed) are packages of their own, as in a downloads folder, and when the folder itself
/// holds `.loads` files (a TFTP root, an unpacked zip) its other files form one more package.
/// A folder is read package by package: one that cannot be opened (a truncated download) is
/// returned `unreadable`, with its error in `errors`, and the others are read as usual.
/// Fails only when the folder itself cannot be listed.
[[nodiscard]] Result<std::vector<FirmwarePackage>> inspect_path(const std::filesystem::path& path,
                                                                const InspectOptions& options = {});

/// Resolves term files that stand for a load of *another* package (a term file shipped
/// alone, or a TFTP root next to the zips it came from).
void resolve_term_files(std::vector<FirmwarePackage>& packages);

/// The loads of several packages, for the planner (`--firmware`).
[[nodiscard]] std::vector<AvailableLoad>
available_loads(const std::vector<FirmwarePackage>& packages);

} // namespace fwplan
