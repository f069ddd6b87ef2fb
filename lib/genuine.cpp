// Is a downloaded package the genuine one? Size, then one digest, against the knowledge
// base's records of public package lists (genuine.hpp).

#include "detail/digest.hpp"

#include <fwplan/genuine.hpp>

namespace fwplan {

std::string_view to_string(Authenticity authenticity) noexcept {
    switch (authenticity) {
    case Authenticity::Unknown:
        return "unknown";
    case Authenticity::NameOnly:
        return "name-only";
    case Authenticity::Genuine:
        return "genuine";
    case Authenticity::Altered:
        return "altered";
    }
    return "unknown";
}

Result<AuthenticityCheck> check_authenticity(const std::filesystem::path& package,
                                             const Catalog& catalog) {
    AuthenticityCheck out;
    out.name = package.filename().string();
    const KnownPackage* known = catalog.find_package(out.name);
    if (known == nullptr) {
        // A load's package named with evidence is a real name, even without a digest.
        for (const KnownLoad& load : catalog.loads())
            if (load.package == out.name && !load.package_evidence.empty()) {
                out.status = Authenticity::NameOnly;
                out.evidence = load.package_evidence;
                out.detail = "no size or digest is known to compare";
                return out;
            }
        out.detail = "no public list fwplan knows names this package";
        return out;
    }
    out.evidence = known->evidence;
    if (!known->comparable()) {
        out.status = Authenticity::NameOnly;
        out.detail = "the list gives no size or digest to compare";
        return out;
    }
    std::error_code ec;
    const std::uint64_t size = std::filesystem::file_size(package, ec);
    if (ec)
        return io_error("genuine.unreadable", "cannot read the package's size: " + ec.message())
            .in_file(package.string());
    if (known->size) {
        out.compared.emplace_back("size");
        if (size != *known->size) {
            out.status = Authenticity::Altered;
            out.detail = "the genuine package has " + std::to_string(*known->size) +
                         " bytes, this file " + std::to_string(size) +
                         ": an altered or incomplete download";
            return out;
        }
    }
    const auto [algorithm, expected] =
        !known->sha256.empty() ? std::pair{detail::DigestAlgorithm::Sha256, known->sha256}
        : !known->sha1.empty() ? std::pair{detail::DigestAlgorithm::Sha1, known->sha1}
        : !known->md5.empty()  ? std::pair{detail::DigestAlgorithm::Md5, known->md5}
                               : std::pair{detail::DigestAlgorithm::Sha256, std::string()};
    if (!expected.empty()) {
        auto digest = detail::file_digest_hex(package, algorithm);
        if (!digest)
            return digest.error();
        const std::string name(detail::to_string(algorithm));
        out.compared.push_back(name);
        if (*digest != expected) {
            out.status = Authenticity::Altered;
            out.detail = "the " + name + " of the genuine package is " + expected +
                         ", this file's is " + *digest + ": an altered or corrupt download";
            return out;
        }
    }
    out.status = Authenticity::Genuine;
    std::string what;
    for (const std::string& c : out.compared)
        what += (what.empty() ? "" : " and ") + c;
    out.detail = what + " match the genuine package";
    return out;
}

} // namespace fwplan
