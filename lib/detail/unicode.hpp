#pragma once
// Unicode canonical equivalence for file names: "café" can be stored precomposed (NFC,
// U+00E9, what Linux and Windows keep) or decomposed (NFD, e + U+0301, what macOS writes),
// and a server that normalises names (macOS, Samba with catia or a resolver that folds)
// serves one for the other. fwplan treats such twins like names that differ only in case.

#include <string>
#include <string_view>

namespace fwplan::detail {

/// The canonical decomposition (Unicode NFD, UAX #15) of UTF-8 `text`: characters
/// decomposed recursively, Hangul syllables algorithmically, combining marks put in
/// canonical order. Bytes that are not UTF-8 are kept as they are.
[[nodiscard]] std::string nfd(std::string_view text);

/// The key under which two file names are one file to a lenient server: NFD, then ASCII
/// lower case. ASCII names (every firmware name) cost one lower-casing.
[[nodiscard]] std::string folded_name(std::string_view name);

} // namespace fwplan::detail
