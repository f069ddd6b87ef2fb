#include "detail/crc32.hpp"

#include <climits>

#include <algorithm>
#include <zlib.h>

namespace fwplan::detail {

void Crc32::update(std::string_view bytes) noexcept {
    // zlib takes uInt lengths: feed huge chunks in pieces.
    const auto* data = reinterpret_cast<const Bytef*>(bytes.data());
    std::size_t left = bytes.size();
    uLong crc = state_;
    while (left > 0) {
        const auto piece = static_cast<uInt>(std::min<std::size_t>(left, UINT_MAX));
        crc = ::crc32(crc, data, piece);
        data += piece;
        left -= piece;
    }
    state_ = static_cast<std::uint32_t>(crc);
}

} // namespace fwplan::detail
