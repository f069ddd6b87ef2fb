#pragma once
// Zips through libzip: RAII over zip_t/zip_file_t/zip_source_t, every libzip error turned
// into a fwplan Error, read-only with ZIP_CHECKCONS (central directory and local headers
// must agree).
#include "archive/backend.hpp"
#include "detail/posix.hpp"

#include <memory>

namespace fwplan::detail {

/// Opens the zip behind `fd` (an outer package or a nested zip's temporary file); the
/// backend owns `fd` from then on. Refuses more than `max_entries` entries before listing.
[[nodiscard]] Result<std::unique_ptr<Backend>> open_zip(UniqueFd fd, Where where,
                                                        std::size_t max_entries);

} // namespace fwplan::detail
