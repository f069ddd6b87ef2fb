#pragma once
// Tars (plain or gzip) through libarchive, for CUCM `.cop.sgn` installers (whose tar.gz
// starts after the signed header) and `.tar`/`.tar.gz` packages. Only the tar format and
// the gzip filter are enabled: nothing else of libarchive's surface is reachable.
#include "archive/backend.hpp"
#include "detail/posix.hpp"

#include <memory>

namespace fwplan::detail {

/// A tar whose bytes start `offset` bytes into `fd`. The whole (decompressed) stream is
/// bounded by `limits`: at most `max_total_size` plus 64 MiB of headers, and, from
/// `min_ratio_size` on, at most `max_ratio` times the compressed bytes read.
[[nodiscard]] Result<std::unique_ptr<Backend>> open_tar(UniqueFd fd, std::uint64_t offset,
                                                        Where where, const ArchiveLimits& limits);

} // namespace fwplan::detail
