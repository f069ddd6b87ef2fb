#include "detail/digest.hpp"

#include <openssl/evp.h>

namespace fwplan::detail {

std::optional<Sha256> sha256(std::string_view data) {
    Sha256 digest{};
    unsigned int length = 0;
    // EVP_Digest is the one-shot EVP API (no context to free on any path).
    if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1 ||
        length != digest.size())
        return std::nullopt;
    return digest;
}

std::string to_hex(std::string_view bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        out += kDigits[byte >> 4];
        out += kDigits[byte & 0x0F];
    }
    return out;
}

} // namespace fwplan::detail
