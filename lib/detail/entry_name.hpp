#pragma once
// The rules an entry name must follow before fwplan lets it near a TFTP root, and the small
// string helpers around them. Pure functions (no I/O), so every archive kind shares them.
#include "detail/text.hpp"

#include <fwplan/error.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace fwplan::detail {

/// Drops leading `./` components (tar writes `./file`): they change nothing.
[[nodiscard]] std::string_view strip_leading_dot_slash(std::string_view name);

/// Why `name` (already without a trailing `/`) is unsafe, or nullopt. Codes:
/// `archive.bad-name` (empty, control character, backslash, `:`, `<>"|?*`, empty or `.`
/// component, a component ending in a dot or space, which Windows drops),
/// `archive.absolute-path` (`/x`, `\x`, `C:x`), `archive.path-traversal` (a `..` component),
/// `archive.device-name` (`CON`, `nul.txt`, `COM1`, `LPT9.sbn`, ... in any case).
/// The error has no file or entry yet; the caller adds them.
[[nodiscard]] std::optional<Error> check_entry_name(std::string_view name);

/// The last `/`-separated component.
[[nodiscard]] std::string_view base_name_of(std::string_view name);

[[nodiscard]] bool ends_with_ignoring_case(std::string_view text, std::string_view suffix);

/// `name` with control bytes written as `\xNN` and backslashes doubled, for messages.
[[nodiscard]] std::string printable(std::string_view name);

} // namespace fwplan::detail
