#pragma once
// Putting a phone's configs of one step into the TFTP root while phones read it. Each file
// appears whole or not at all (a temporary file, flushed, renamed: file_writer.hpp), and only
// fwplan's own files are replaced: a root file of that name is written over when it is missing,
// already right, or one of this phone's configs of another step of the rollout. Anything else
// is someone else's file: that phone's write fails and nothing of it is written.

#include <fwplan/device_config.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace fwplan::rollout {

/// One phone's files of one step.
struct StepWrite {
    std::vector<GeneratedFile> files; ///< what goes in place
    std::vector<std::string> ours;    ///< contents this phone's other steps have for those names
};

/// What became of one StepWrite.
struct StepWritten {
    bool ok = false;
    std::string detail; ///< why not, in words (the file, and what to do)
};

/// Writes every phone's files (one flush for all of them); one result per write, in order.
[[nodiscard]] std::vector<StepWritten> write_steps(const std::filesystem::path& root,
                                                   const std::vector<StepWrite>& writes);

} // namespace fwplan::rollout
