#include "stage/source.hpp"

#include <utility>

namespace fwplan::detail {

Result<StageSource> StageSource::open(const std::filesystem::path& path,
                                      const ArchiveLimits& limits) {
    auto archive = Archive::open(path, limits);
    if (!archive)
        return archive.error();
    StageSource source(path, std::move(*archive));
    InspectOptions inspect;
    inspect.limits = limits;
    inspect.max_cnu_bytes = 0;          // staging needs names and manifests, not CNU tables
    inspect.check_authenticity = false; // inspect says whether a package is genuine
    source.info_ = inspect_archive(source.archive_, inspect);
    if (!source.info_.errors.empty())
        return Error(source.info_.errors.front())
            .with_hint("fwplan stages only packages whose files it can read; download the "
                       "package again");
    for (const PackageLoad& load : source.info_.loads)
        for (const CaseMismatch& mismatch : load.case_mismatches)
            source.rename_.emplace(mismatch.present, mismatch.listed);
    source.crcs_.reserve(source.entries().size());
    for (const ArchiveEntry& entry : source.entries())
        source.crcs_.push_back(entry.crc32);
    return source;
}

std::optional<std::uint32_t> StageSource::known_crc(std::size_t i) const {
    return crcs_.at(i);
}

Result<std::uint32_t> StageSource::crc(std::size_t i) {
    if (crcs_.at(i))
        return *crcs_[i];
    auto crc = archive_.read(entries()[i], [](std::string_view) -> Result<void> { return {}; });
    if (!crc)
        return crc.error();
    crcs_[i] = *crc;
    return *crc;
}

void StageSource::remember_crc(std::size_t i, std::uint32_t crc) {
    crcs_.at(i) = crc;
}

} // namespace fwplan::detail
