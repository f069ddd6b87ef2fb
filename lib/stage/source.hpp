#pragma once
// One package of a stage, opened once (or a set of files made in memory, such as the configs a
// rollout puts into the root): its archive (kept open from planning to extraction,
// so a folder or a tar is not opened or walked again), what it holds (firmware.hpp), the
// spellings its `.loads` ask for, and the CRC-32 of its entries as far as a comparison
// needed one. Zips record a CRC per entry; folders, tars and loose files record none, so
// theirs is computed only when two files of the same size must be told apart, or when the
// report must show it, and otherwise comes from the extraction itself. Nothing records a
// SHA-256: it is computed (with the CRC-32, in one read) only when size and CRC-32 agree
// with another file and fwplan must decide they are the same.

#include <fwplan/archive.hpp>
#include <fwplan/device_config.hpp>
#include <fwplan/firmware.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fwplan::detail {

class StageSource {
public:
    /// Opens and inspects `path`. A package whose files cannot all be read is refused: a
    /// stage puts only files it understood into a root.
    static Result<StageSource> open(const std::filesystem::path& path, const ArchiveLimits& limits);
    /// Files made in memory, staged like a package's entries; `label` stands for the package
    /// in reports. Names are checked like those fwplan writes (a plain, safe file name).
    static Result<StageSource> generated(std::string label, std::vector<GeneratedFile> files);

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
    [[nodiscard]] const std::vector<ArchiveEntry>& entries() const noexcept {
        return archive_ ? archive_->entries() : generated_entries_;
    }
    /// What the package's archive left out (hidden files, macOS metadata); none for
    /// generated files.
    [[nodiscard]] const std::vector<std::string>& left_out() const noexcept {
        static const std::vector<std::string> none;
        return archive_ ? archive_->left_out() : none;
    }
    /// Streams entry `i` to `sink` (Archive::read for a package); its CRC-32.
    [[nodiscard]] Result<std::uint32_t> read(std::size_t i, const ArchiveSink& sink) const;
    [[nodiscard]] FirmwarePackage& info() noexcept { return info_; }
    [[nodiscard]] const FirmwarePackage& info() const noexcept { return info_; }
    /// Base name in the package → the spelling its `.loads` asks for (case mismatches).
    [[nodiscard]] const std::map<std::string, std::string>& rename() const noexcept {
        return rename_;
    }

    /// The CRC-32 of entry `i`, when it is known without reading the entry.
    [[nodiscard]] std::optional<std::uint32_t> known_crc(std::size_t i) const;
    /// The CRC-32 of entry `i`: recorded, or read once and remembered.
    [[nodiscard]] Result<std::uint32_t> crc(std::size_t i);
    /// The SHA-256 (hex) of entry `i`, when a read already computed it.
    [[nodiscard]] std::optional<std::string> known_sha256(std::size_t i) const;
    /// The SHA-256 (hex) of entry `i`: read once (with its CRC-32) and remembered. No
    /// package records one, so deciding that two files are the same reads the entry.
    [[nodiscard]] Result<std::string> sha256(std::size_t i);
    /// Remembers what an extraction of entry `i` computed.
    void remember(std::size_t i, std::uint32_t crc, std::string sha256);

private:
    StageSource(std::filesystem::path path, std::optional<Archive> archive)
        : path_(std::move(path)), archive_(std::move(archive)) {}

    std::filesystem::path path_;
    std::optional<Archive> archive_; // none for generated files
    std::vector<ArchiveEntry> generated_entries_;
    std::vector<std::string> generated_content_; // parallel to generated_entries_
    FirmwarePackage info_;
    std::map<std::string, std::string> rename_;
    std::vector<std::optional<std::uint32_t>> crcs_; // parallel to entries()
    std::vector<std::optional<std::string>> shas_;   // parallel to entries()
    Result<void> hash(std::size_t i);
};

} // namespace fwplan::detail
