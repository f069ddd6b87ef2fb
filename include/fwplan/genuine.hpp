#pragma once
/// @file genuine.hpp
/// Whether a downloaded package is the genuine one: its size and digest compared with what
/// a public list of genuine packages says (the `<package>` records of the knowledge base,
/// catalog.hpp). Provisioning systems publish such lists for the firmware they install;
/// fwplan keeps their names, sizes and digests, never a byte of the packages.
///
/// A package whose name is on the list but whose bytes differ is a finding: the download is
/// altered or corrupt. A name the list does not have says nothing either way.
///
/// **Example**
///
///     auto check = fwplan::check_authenticity("cmterm-7941_7961-sccp.9-4-2SR1-1.zip",
///                                             fwplan::Catalog::builtin());
///     if (check && check->status == fwplan::Authenticity::Altered)
///         std::cerr << "not the genuine package: " << check->detail << '\n';

#include <fwplan/catalog.hpp>
#include <fwplan/error.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace fwplan {

/// How a package file compares with the genuine package of the same name.
enum class Authenticity {
    Unknown,  ///< no public list fwplan knows has a package of this name
    NameOnly, ///< the name is a genuine package's, but no size or digest is known to compare
    Genuine,  ///< the size and every digest the list gives match
    Altered,  ///< the size or a digest differs: an altered or corrupt download
};

/// "unknown", "name-only", "genuine", "altered".
[[nodiscard]] std::string_view to_string(Authenticity authenticity) noexcept;

/// What the comparison found.
struct AuthenticityCheck {
    Authenticity status = Authenticity::Unknown; ///< the verdict
    std::string name;                            ///< the file name that was looked up
    std::string evidence;                        ///< the list the genuine record comes from
    std::vector<std::string> compared; ///< what was compared and matched or not: `size`, `sha1`...
    std::string detail; ///< for people: what matched, or what differs (expected vs found)
};

/// Compares the file at `package` (its base name, exact case) with the catalog's record.
/// The size is compared first; a digest is computed only when the size matches (or is not
/// listed), streaming the file (SHA-256 when the list gives one, else SHA-1, else MD5).
/// Fails only when the file cannot be read (an I/O error naming it).
[[nodiscard]] Result<AuthenticityCheck> check_authenticity(const std::filesystem::path& package,
                                                           const Catalog& catalog);

} // namespace fwplan
