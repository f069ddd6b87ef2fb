#include "detail/digest.hpp"

#include "detail/crc32.hpp"

#include <openssl/evp.h>

#include <fstream>
#include <memory>
#include <new>
#include <vector>

namespace fwplan::detail {

std::optional<Sha256Digest> sha256(std::string_view data) {
    Sha256Digest digest{};
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
    Sha256Digest digest{};
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(state_->sha, digest.data(), &length) != 1 || length != digest.size())
        throw std::bad_alloc();
    return to_hex(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

std::string_view to_string(DigestAlgorithm algorithm) noexcept {
    switch (algorithm) {
    case DigestAlgorithm::Sha1:
        return "sha1";
    case DigestAlgorithm::Sha256:
        return "sha256";
    case DigestAlgorithm::Md5:
        return "md5";
    }
    return "sha256";
}

Result<std::string> file_digest_hex(const std::filesystem::path& path, DigestAlgorithm algorithm) {
    const EVP_MD* md = algorithm == DigestAlgorithm::Sha1  ? EVP_sha1()
                       : algorithm == DigestAlgorithm::Md5 ? EVP_md5()
                                                           : EVP_sha256();
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return io_error("digest.unreadable", "cannot open the file to compute its digest")
            .in_file(path.string());
    const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                          &EVP_MD_CTX_free);
    if (!context || EVP_DigestInit_ex(context.get(), md, nullptr) != 1)
        return io_error("crypto.failed", "libcrypto could not start a digest");
    std::vector<char> buffer(64 * 1024);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        const auto got = static_cast<std::size_t>(in.gcount());
        if (got != 0 && EVP_DigestUpdate(context.get(), buffer.data(), got) != 1)
            return io_error("crypto.failed", "libcrypto could not compute a digest");
    }
    if (in.bad())
        return io_error("digest.unreadable", "the file could not be read to its end")
            .in_file(path.string());
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(context.get(), digest.data(), &length) != 1)
        return io_error("crypto.failed", "libcrypto could not finish a digest");
    return to_hex(std::string_view(reinterpret_cast<const char*>(digest.data()), length));
}

} // namespace fwplan::detail
