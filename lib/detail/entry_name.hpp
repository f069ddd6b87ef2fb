#pragma once
// The rules an entry name must follow before fwplan lets it near a TFTP root, and the small
// string helpers around them. Pure functions (no I/O), so every archive kind shares them.
#include "detail/text.hpp"

#include <fwplan/error.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace fwplan::detail {

/// The longest name of one path component (NAME_MAX of Linux file systems; Windows allows
/// 255 UTF-16 units) and of a whole entry path (PATH_MAX).
inline constexpr std::size_t kMaxNameBytes = 255;
inline constexpr std::size_t kMaxEntryPath = 4095;
/// How much of a name `printable` shows before cutting it.
inline constexpr std::size_t kMaxPrintedName = 160;

/// Drops leading `./` components (tar writes `./file`): they change nothing.
[[nodiscard]] std::string_view strip_leading_dot_slash(std::string_view name);

/// Why `name` (already without a trailing `/`) is unsafe, or nullopt. Codes:
/// `archive.bad-name` (empty, control character, backslash, `:`, `<>"|?*`, empty or `.`
/// component, a component ending in a dot or space, which Windows drops),
/// `archive.absolute-path` (`/x`, `\x`, `C:x`), `archive.path-traversal` (a `..` component),
/// `archive.device-name` (`CON`, `nul.txt`, `COM1`, `LPT9.sbn`, ... in any case),
/// `archive.name-too-long` (a component over `kMaxNameBytes`, a path over `kMaxEntryPath`);
/// C1 controls, bidi controls and invisible characters are `archive.bad-name` too.
/// The error has no file or entry yet; the caller adds them.
[[nodiscard]] std::optional<Error> check_entry_name(std::string_view name);

/// True when `name` never goes into a TFTP root: a component starts with a dot (hidden
/// files and folders, `.git/`, `.ssh/`, AppleDouble `._x`, `.DS_Store`, fwplan's own
/// `.fwplan-*` bookkeeping) or is `__MACOSX` (the metadata macOS's Archive Utility adds).
[[nodiscard]] bool left_out_of_root(std::string_view name);

/// The last `/`-separated component.
[[nodiscard]] std::string_view base_name_of(std::string_view name);

[[nodiscard]] bool ends_with_ignoring_case(std::string_view text, std::string_view suffix);

/// `name` with control bytes written as `\xNN`, backslashes doubled, characters that reorder
/// or hide text as `\uXXXX`, and cut after `kMaxPrintedName` bytes, for messages.
[[nodiscard]] std::string printable(std::string_view name);

} // namespace fwplan::detail
