#pragma once
// CRC-32 (IEEE 802.3, as in zip and gzip), computed while an entry streams by, so folder
// and tar entries get the same checksum zips record. zlib does the arithmetic.
#include <cstdint>
#include <string_view>

namespace fwplan::detail {

class Crc32 {
public:
    void update(std::string_view bytes) noexcept;
    [[nodiscard]] std::uint32_t value() const noexcept { return state_; }

private:
    std::uint32_t state_ = 0;
};

} // namespace fwplan::detail
