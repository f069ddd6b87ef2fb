#pragma once
/// @file file_writer.hpp
/// Writing the files fwplan generates into an output folder or TFTP root, safely.
///
/// The project's promise (README): every file appears whole or not at all, nothing that
/// differs is overwritten unless the user asks, and what is replaced can be restored. So:
/// - the content goes to a temporary file in the same folder (`.NAME.fwplan-PID-N.tmp`),
///   which is written, flushed and `fsync`ed, given mode 0644 (TFTP servers serve only
///   world-readable files) and then renamed over the name: readers see the old file or the
///   new one, never a part; the folder is `fsync`ed after the rename;
/// - an identical existing file is left alone (`Unchanged`: not even its time changes);
/// - a different existing file is an error of kind `Conflict` unless `WritePolicy::force`;
///   with force the old file is first kept as `NAME.bak` (or `NAME.bak.1`, `NAME.bak.2`, ...
///   when that exists: a backup is never overwritten) and then replaced;
/// - on any failure the temporary file is removed and the old file (if any) stays.
///
/// Names are checked before anything is touched: a name is one plain path component, so
/// no MAC address, template name or load ID can make fwplan write outside the folder.
///
/// **Example**
///
///     auto written = fwplan::write_file_atomically("/srv/tftp", mac.sep_config_file_name(),
///                                                  xml, {.force = false});
///     if (!written) {
///         std::cerr << written.error().describe() << '\n'; // Conflict: hint says --force
///         return fwplan::exit_code_for(written.error().kind);
///     }
///     if (written->outcome == fwplan::WriteOutcome::Replaced)
///         std::cout << "old file kept as " << written->backup << '\n';

#include <fwplan/error.hpp>

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

namespace fwplan {

/// What `write_file_atomically` did.
enum class WriteOutcome {
    Created,   ///< the file did not exist and now does
    Unchanged, ///< an identical file was there; nothing was touched
    Replaced,  ///< a different file was there; it was kept as a backup and replaced (force)
};

/// "created", "unchanged" or "replaced".
[[nodiscard]] std::string_view to_string(WriteOutcome outcome) noexcept;

/// How to treat an existing file with different content.
struct WritePolicy {
    bool force = false; ///< replace it (after keeping a backup) instead of refusing
    /// With `force`: keep the old file as `NAME.bak`. Only a caller that knows the old file is
    /// one it wrote itself and can write again (the rollout replacing a phone's step k config
    /// with its step k+1 one) turns this off.
    bool keep_backup = true;
};

/// The result of one write.
struct WriteResult {
    WriteOutcome outcome = WriteOutcome::Created; ///< what happened to the file
    std::filesystem::path path;                   ///< the file written (or left unchanged)
    std::filesystem::path backup; ///< where the old file was kept; empty unless Replaced
};

/// Checks that `name` is a plain file name fwplan may create: not empty, not "." or "..",
/// no slash or backslash, no NUL or other control character, not starting with a dot
/// (hidden files and fwplan's own temporary files), at most 255 bytes. The error
/// (`fwplan.file.bad-name`) quotes the name safely.
[[nodiscard]] Result<void> check_file_name(std::string_view name);

/// Writes `content` to `dir/name` as described in the file comment. `dir` must exist.
///
/// Errors: `fwplan.file.bad-name` (BadInput) for a bad name; `fwplan.file.exists` (Conflict)
/// for a different file without force; `fwplan.file.not-regular` (Conflict) when `name` is
/// a folder; `fwplan.file.*` (Io) when the system refuses (with the system's reason).
[[nodiscard]] Result<WriteResult> write_file_atomically(const std::filesystem::path& dir,
                                                        std::string_view name,
                                                        std::string_view content,
                                                        const WritePolicy& policy = {});

/// Many files written with the guarantees of `write_file_atomically`, flushed to disk
/// together. `write_file_atomically` flushes every file and its folder before it returns:
/// two journal commits per file, milliseconds each on a real disk, which makes 30,000
/// configuration files take minutes. A batch keeps the guarantees at a fixed cost:
/// - `add` checks the name, compares with what is there (identical: `Unchanged`, nothing
///   staged; different without force: a `Conflict` error, nothing staged) and writes the
///   content to a hidden temporary file in the target folder; nothing is visible yet;
/// - `commit` flushes the staged data once (`fsync` per file for a small batch, one
///   `syncfs` per filesystem for a large one), then renames every temporary file into place
///   (backups first, as with force), then flushes each folder once.
///
/// So each file is still seen by readers whole or not at all (the rename), and after a
/// power loss each name holds the old bytes or the complete new ones (the data is on disk
/// before any rename can be). What a batch does not promise is that the renames of
/// *different* files happen together: a crash during `commit` can leave some files new and
/// some old, and running the same batch again completes it. `abandon` (or destroying a
/// batch that was not committed) removes every temporary file and changes nothing.
///
/// **Example**
///
///     fwplan::WriteBatch batch({.force = false});
///     for (const fwplan::GeneratedFile& f : files)
///         if (auto staged = batch.add(dir, f.name, f.content); !staged)
///             return staged.error();               // the batch removes its temporaries
///     auto results = batch.commit();               // one flush, then the renames
class WriteBatch {
public:
    /// Files that differ from what is there are replaced only with `policy.force`.
    explicit WriteBatch(WritePolicy policy = {});
    /// Abandons the batch unless it was committed.
    ~WriteBatch();
    /// Moves the staged files to a new owner; `other` is left empty.
    WriteBatch(WriteBatch&&) noexcept;
    /// Moves the staged files to a new owner; `other` is left empty.
    WriteBatch& operator=(WriteBatch&&) noexcept;
    WriteBatch(const WriteBatch&) = delete;
    WriteBatch& operator=(const WriteBatch&) = delete;

    /// Stages `content` for `dir/name` and says what `commit` will do with it. Errors are
    /// those of `write_file_atomically`, plus `fwplan.file.staged-twice` (Usage) when the
    /// same file is added twice. A failed `add` stages nothing and leaves the batch usable.
    [[nodiscard]] Result<WriteOutcome> add(const std::filesystem::path& dir, std::string_view name,
                                           std::string_view content);

    /// The number of temporary files waiting for `commit` (unchanged files not counted).
    [[nodiscard]] std::size_t staged() const noexcept;

    /// Flushes, renames and flushes the folders, as described above. Returns one result per
    /// successful `add`, in the order of the calls. On an error the files renamed so far
    /// stay (each complete) and the other temporary files are removed. A batch commits once.
    [[nodiscard]] Result<std::vector<WriteResult>> commit();

    /// Removes every temporary file; no file the batch was given is changed.
    void abandon() noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Creates the folder `parent/name` (mode 0755) with the same name checks; an existing
/// folder is fine, a file or a link of that name is an error (`fwplan.file.not-directory`).
/// Returns the folder's path. (Not called `create_directory`: with `std::filesystem::path`
/// arguments, argument-dependent lookup would make that name ambiguous with the standard
/// library's.)
[[nodiscard]] Result<std::filesystem::path> create_subdirectory(const std::filesystem::path& parent,
                                                                std::string_view name);

} // namespace fwplan
