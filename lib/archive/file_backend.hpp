#pragma once
// Folders (a TFTP root, an unpacked package) and single loose files, read with plain POSIX
// calls on descriptors fwplan holds, never following a symbolic link below the folder.
#include "archive/backend.hpp"
#include "detail/posix.hpp"

#include <memory>

namespace fwplan::detail {

/// Every entry below the folder open as `dir` (an O_DIRECTORY descriptor), recursively:
/// files, folders, and links and special files as such (never followed, never opened).
[[nodiscard]] Result<std::unique_ptr<Backend>> open_folder(UniqueFd dir, Where where);

/// One entry, `name`, the regular file open as `file`.
[[nodiscard]] Result<std::unique_ptr<Backend>> open_loose_file(UniqueFd file, std::string name,
                                                               Where where);

} // namespace fwplan::detail
