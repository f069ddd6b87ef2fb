#pragma once
// The first half of a stage: a pure planning pass. It reads the root (names, sizes, the
// bytes of a file only when a comparison needs them: same size, then same CRC-32, then
// SHA-256 decides) and the packages, decides for every
// name what happens — create, replace, skip, or a conflict only a person can decide — and
// words why. It writes nothing, takes no lock and changes no index: a dry run is this pass
// alone, and a real run hands its result to the executor (execute.hpp).

#include "stage/source.hpp"
#include "tftp/root_fs.hpp"

#include <fwplan/stage.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace fwplan::detail {

/// One file a package wants in the root.
struct StageWant {
    std::size_t source = 0; ///< index into the sources
    std::size_t entry = 0;  ///< index into that source's entries
    std::string name;       ///< the name in the root
    std::string renamed_from;
    std::optional<LoadId> term_for;
};

/// Distinct contents that want one name (same size, CRC-32 and SHA-256 are one content).
struct StageContent {
    std::uint64_t size = 0;
    std::optional<std::uint32_t> crc; ///< known once a comparison or the extraction needed it
    std::optional<std::string> sha;   ///< SHA-256 (hex), known once a comparison needed it
    std::optional<LoadId> term_for;
    std::vector<std::size_t> wants; ///< indexes into StageGroup::wants
};

/// The root's file under a name, as far as a comparison needed to know it.
struct RootDigest {
    std::optional<std::uint32_t> crc;
    std::optional<std::string> sha; ///< SHA-256, hex
};

/// Everything that wants one name of the root, and what was decided for it.
struct StageGroup {
    std::string name;
    std::vector<StageWant> wants;
    std::vector<StageContent> contents;
    const ModelInfo* term_model = nullptr; ///< set for termNN.default.loads
    FileStat root;                         ///< what the root has under this name
    RootDigest root_digest;                ///< known as far as a comparison needed it
    bool forged_crc = false; ///< the root's file has a content's size and CRC-32, not its SHA
    std::optional<std::size_t> chosen; ///< index into contents
    StageAction action = StageAction::Create;
    std::string reason;
    bool term_conflict = false; ///< a term file nobody chose
    bool keep_root = false;     ///< the root's own term file is the factory default: kept

    /// The content that goes into the root (Create, Replace).
    [[nodiscard]] const StageContent& chosen_content() const { return contents.at(*chosen); }
    /// The want whose entry is extracted for the chosen content.
    [[nodiscard]] const StageWant& chosen_want() const {
        return wants.at(chosen_content().wants.front());
    }
};

/// The outcome of the planning pass.
struct StagePlan {
    StageReport report;             ///< files, conflicts, term files, notes
    std::vector<StageGroup> groups; ///< sorted by name; parallel to report.files
};

/// Plans staging `sources` into the root open as `root_fd`. `state` is the root's index
/// (read, not changed). Errors: a package entry that cannot be read for a comparison, a root
/// file that cannot be looked at, a factory default that names no competing load (Usage).
[[nodiscard]] Result<StagePlan> plan_stage(int root_fd, const std::filesystem::path& root,
                                           const StateIndex& state,
                                           std::vector<StageSource>& sources,
                                           const StageOptions& options);

/// Fills in the CRC-32 of every file of the report that no comparison needed (for a dry run
/// or a plan with conflicts: the report shows what would be written, and a CRC identifies
/// it). Reads those entries once each.
[[nodiscard]] Result<void> complete_crcs(StagePlan& plan, std::vector<StageSource>& sources);

} // namespace fwplan::detail
