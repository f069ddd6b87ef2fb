#include "rollout/location.hpp"

#include <algorithm>
#include <string>
#include <system_error>

namespace fwplan::rollout {

namespace fs = std::filesystem;

fs::path default_state_path(const fs::path& tftp_root) {
    std::error_code ec;
    fs::path root = fs::weakly_canonical(fs::absolute(tftp_root, ec), ec);
    std::string name;
    for (const fs::path& part : root.relative_path()) {
        if (part.empty())
            continue;
        name += (name.empty() ? "" : "-") + part.string();
    }
    if (name.empty())
        name = "root";
    return fs::path("/var/lib/fwplan") / (name + ".rollout.sqlite");
}

Result<Located> locate(const Location& where) {
    std::error_code ec;
    if (where.tftp_root.empty() || !fs::is_directory(where.tftp_root, ec)) {
        Error error = io_error("rollout.no-root", "is not a folder");
        error.file = where.tftp_root.string();
        return error.with_hint("give the TFTP server's root folder with --tftp-root");
    }
    Located out;
    out.tftp_root = fs::canonical(where.tftp_root, ec);
    if (ec)
        out.tftp_root = fs::absolute(where.tftp_root);
    out.state =
        where.state.empty() ? default_state_path(out.tftp_root) : fs::absolute(where.state, ec);
    // Compare the folder the state would be in, resolved, with the root.
    const fs::path folder = fs::weakly_canonical(out.state.parent_path(), ec);
    const auto [root_end, _] =
        std::mismatch(out.tftp_root.begin(), out.tftp_root.end(), folder.begin(), folder.end());
    if (root_end == out.tftp_root.end()) {
        Error error = bad_input("rollout.state-in-root",
                                "the rollout's state would be inside the TFTP root, where any "
                                "TFTP client can read it (it holds every phone's configs)");
        error.kind = ErrorKind::Usage;
        error.file = out.state.string();
        return error.with_hint("give a --state outside " + out.tftp_root.string() +
                               ", e.g. under /var/lib/fwplan/");
    }
    return out;
}

} // namespace fwplan::rollout
