#pragma once
// Where a rollout lives, resolved: the TFTP root as an absolute path that is a folder, and a
// state that is never inside it (anything in a TFTP root can be read by any TFTP client, and
// the state holds the fleet's layout and its configs with their passwords).

#include <fwplan/rollout.hpp>

#include <filesystem>

namespace fwplan::rollout {

struct Located {
    std::filesystem::path tftp_root; ///< absolute, canonical
    std::filesystem::path state;     ///< absolute
};

/// Errors: the root is not a folder (`fwplan.rollout.no-root`, Io), the state is inside it
/// (`fwplan.rollout.state-in-root`, Usage).
[[nodiscard]] Result<Located> locate(const Location& where);

} // namespace fwplan::rollout
