#include "rollout/root_writer.hpp"

#include "detail/posix.hpp"

#include <fwplan/file_writer.hpp>

#include <algorithm>
#include <fcntl.h>

namespace fwplan::rollout {

namespace fs = std::filesystem;

namespace {

// The root's file of that name: its bytes, or none when there is none.
Result<std::optional<std::string>> root_file(const fs::path& root, const std::string& name) {
    std::error_code ec;
    const fs::path path = root / name;
    if (!fs::exists(fs::symlink_status(path, ec)))
        return std::optional<std::string>();
    auto bytes = detail::read_small_file(AT_FDCWD, path, kMaxTemplateBytes, "rollout.write",
                                         /*follow_links=*/false);
    if (!bytes)
        return bytes.error();
    return std::optional<std::string>(std::move(*bytes));
}

} // namespace

std::vector<StepWritten> write_steps(const fs::path& root, const std::vector<StepWrite>& writes) {
    std::vector<StepWritten> out(writes.size());
    // Forced, without backups: every file replaced below was checked to be fwplan's own.
    WritePolicy policy;
    policy.force = true;
    policy.keep_backup = false;
    WriteBatch batch(policy);
    std::vector<std::size_t> in_batch;
    for (std::size_t i = 0; i < writes.size(); ++i) {
        const StepWrite& write = writes[i];
        std::string refused;
        for (const GeneratedFile& file : write.files) {
            auto current = root_file(root, file.name);
            if (!current) {
                refused = current.error().describe();
                break;
            }
            if (!*current || **current == file.content)
                continue;
            if (std::find(write.ours.begin(), write.ours.end(), **current) == write.ours.end()) {
                refused = (root / file.name).string() +
                          " is not the config fwplan put there (someone changed or replaced "
                          "it); fwplan leaves it alone: remove it or put fwplan's back, then "
                          "'fwplan rollout retry --mac'";
                break;
            }
        }
        if (!refused.empty()) {
            out[i].detail = std::move(refused);
            continue;
        }
        bool staged = true;
        for (const GeneratedFile& file : write.files)
            if (auto ok = batch.add(root, file.name, file.content); !ok) {
                out[i].detail = ok.error().describe();
                staged = false;
                break;
            }
        // A phone's files go in together or not at all; a batch cannot take one phone's
        // files back, so a failed add fails the whole batch (it never happens for the
        // plain names a rollout writes unless the root itself fails).
        if (!staged) {
            batch.abandon();
            for (std::size_t j : in_batch)
                out[j] = StepWritten{false, out[i].detail};
            return out;
        }
        in_batch.push_back(i);
    }
    auto committed = batch.commit();
    for (std::size_t i : in_batch)
        out[i] =
            committed ? StepWritten{true, {}} : StepWritten{false, committed.error().describe()};
    return out;
}

} // namespace fwplan::rollout
