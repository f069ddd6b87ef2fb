#include "detail/digest.hpp"

#include "detail/crc32.hpp"

#include <openssl/evp.h>

#include <new>

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

struct ContentHasher::State {
    EVP_MD_CTX* sha = nullptr;
    Crc32 crc;
};

ContentHasher::ContentHasher() : state_(std::make_unique<State>()) {
    state_->sha = EVP_MD_CTX_new();
    if (state_->sha == nullptr || EVP_DigestInit_ex(state_->sha, EVP_sha256(), nullptr) != 1) {
        EVP_MD_CTX_free(state_->sha);
        throw std::bad_alloc();
    }
}

ContentHasher::~ContentHasher() {
    EVP_MD_CTX_free(state_->sha);
}

void ContentHasher::update(std::string_view chunk) {
    state_->crc.update(chunk);
    if (EVP_DigestUpdate(state_->sha, chunk.data(), chunk.size()) != 1)
        throw std::bad_alloc();
}

std::uint32_t ContentHasher::crc32() const noexcept {
    return state_->crc.value();
}

std::string ContentHasher::sha256_hex() {
    Sha256 digest{};
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(state_->sha, digest.data(), &length) != 1 || length != digest.size())
        throw std::bad_alloc();
    return to_hex(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

} // namespace fwplan::detail
