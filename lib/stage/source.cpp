#include "stage/source.hpp"

#include "detail/digest.hpp"
#include "detail/text.hpp"

#include <fwplan/file_writer.hpp>

#include <algorithm>
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
    source.info_ = inspect_archive(*source.archive_, inspect);
    if (!source.info_.errors.empty())
        return Error(source.info_.errors.front())
            .with_hint("fwplan stages only packages whose files it can read; download the "
                       "package again");
    // A zip of holiday photos is not staged into a TFTP root: something in it must be
    // firmware (a .loads, a term file, a signed image, a 7940/7960 image or boot file).
    const bool firmware =
        std::any_of(source.info_.files.begin(), source.info_.files.end(),
                    [](const InspectedFile& f) { return f.kind != FileKind::Other; });
    if (!firmware) {
        std::vector<std::string> names;
        for (const InspectedFile& f : source.info_.files)
            if (names.size() < 5)
                names.push_back(detail::quote(f.entry));
        Error error = bad_input(
            "stage.no-firmware",
            "holds no firmware: no .loads, no term file, no signed or 7940/7960 image" +
                (names.empty()
                     ? std::string(" (it holds no file at all)")
                     : " (it holds " + detail::join(names) +
                           (source.info_.files.size() > names.size() ? ", ..." : "") + ")"));
        error.file = path.string();
        return error.with_hint("fwplan stages firmware packages (cmterm zips, .cop.sgn "
                               "installers, .loads and .sbn files); check that this is the "
                               "package you meant");
    }
    for (const PackageLoad& load : source.info_.loads)
        for (const CaseMismatch& mismatch : load.case_mismatches)
            source.rename_.emplace(mismatch.present, mismatch.listed);
    source.crcs_.reserve(source.entries().size());
    for (const ArchiveEntry& entry : source.entries())
        source.crcs_.push_back(entry.crc32);
    source.shas_.resize(source.entries().size());
    return source;
}

Result<StageSource> StageSource::generated(std::string label, std::vector<GeneratedFile> files) {
    StageSource source(label, std::nullopt);
    source.info_.path = label;
    for (GeneratedFile& file : files) {
        if (auto ok = check_file_name(file.name); !ok)
            return Error(ok.error()).in_file(label);
        ArchiveEntry entry;
        entry.name = file.name;
        entry.base_name = file.name;
        entry.size = file.content.size();
        entry.compressed_size = entry.size;
        // Both identities at once: the configs are in memory, and few.
        ContentHasher hasher;
        hasher.update(file.content);
        entry.crc32 = hasher.crc32();
        source.crcs_.push_back(entry.crc32);
        source.shas_.push_back(hasher.sha256_hex());
        source.generated_entries_.push_back(std::move(entry));
        source.generated_content_.push_back(std::move(file.content));
    }
    return source;
}

Result<std::uint32_t> StageSource::read(std::size_t i, const ArchiveSink& sink) const {
    if (archive_)
        return archive_->read(entries()[i], sink);
    if (auto ok = sink(generated_content_.at(i)); !ok)
        return ok.error();
    return *generated_entries_[i].crc32;
}

std::optional<std::uint32_t> StageSource::known_crc(std::size_t i) const {
    return crcs_.at(i);
}

Result<std::uint32_t> StageSource::crc(std::size_t i) {
    if (crcs_.at(i))
        return *crcs_[i];
    if (auto ok = hash(i); !ok)
        return ok.error();
    return *crcs_[i];
}

std::optional<std::string> StageSource::known_sha256(std::size_t i) const {
    return shas_.at(i);
}

Result<std::string> StageSource::sha256(std::size_t i) {
    if (!shas_.at(i))
        if (auto ok = hash(i); !ok)
            return ok.error();
    return *shas_[i];
}

Result<void> StageSource::hash(std::size_t i) {
    ContentHasher hasher;
    auto crc = read(i, [&](std::string_view chunk) -> Result<void> {
        hasher.update(chunk);
        return {};
    });
    if (!crc)
        return crc.error();
    crcs_[i] = *crc;
    shas_[i] = hasher.sha256_hex();
    return {};
}

void StageSource::remember(std::size_t i, std::uint32_t crc, std::string sha256) {
    crcs_.at(i) = crc;
    shas_.at(i) = std::move(sha256);
}

} // namespace fwplan::detail
