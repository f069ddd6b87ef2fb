#pragma once
// Fixed-width integer reads from untrusted bytes. Callers check `at + width <= bytes.size()`
// first; these helpers assert nothing and never allocate.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace fwplan::detail {

[[nodiscard]] inline std::uint8_t byte_at(std::string_view bytes, std::size_t at) noexcept {
    return static_cast<std::uint8_t>(bytes[at]);
}

[[nodiscard]] inline std::uint16_t be16(std::string_view bytes, std::size_t at) noexcept {
    return static_cast<std::uint16_t>((byte_at(bytes, at) << 8) | byte_at(bytes, at + 1));
}

[[nodiscard]] inline std::uint32_t be32(std::string_view bytes, std::size_t at) noexcept {
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < 4; ++i)
        value = (value << 8) | byte_at(bytes, at + i);
    return value;
}

[[nodiscard]] inline std::uint32_t le32(std::string_view bytes, std::size_t at) noexcept {
    std::uint32_t value = 0;
    for (std::size_t i = 4; i-- > 0;)
        value = (value << 8) | byte_at(bytes, at + i);
    return value;
}

[[nodiscard]] inline std::uint64_t le64(std::string_view bytes, std::size_t at) noexcept {
    std::uint64_t value = 0;
    for (std::size_t i = 8; i-- > 0;)
        value = (value << 8) | byte_at(bytes, at + i);
    return value;
}

/// True if `length` bytes starting at `at` lie inside a buffer of `size` bytes, without
/// overflowing however large the numbers are.
[[nodiscard]] constexpr bool fits(std::uint64_t at, std::uint64_t length,
                                  std::uint64_t size) noexcept {
    return at <= size && length <= size - at;
}

} // namespace fwplan::detail
