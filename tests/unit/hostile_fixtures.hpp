#pragma once
// What the tests of hostile input and faults share (issue 14): a CRC-32 and a way to forge
// one, how many bytes this process has read (to prove that something was not read), the
// immutable flag of ext4 (a rename that fails half-way through a commit), and a small tmpfs
// (a full disk at a chosen moment). The last two need root, as CI has; elsewhere the tests
// that use them say so and stop.
#include <algorithm>
#include <array>
#include <cstdint>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <linux/fs.h>
#include <optional>
#include <string>
#include <string_view>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <unistd.h>

namespace fwplan::test {

/// CRC-32 (IEEE 802.3, reflected, as zip and gzip compute it).
inline std::uint32_t crc32_of(std::string_view bytes) {
    static const std::array<std::uint32_t, 256> table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1U) != 0 ? 0xEDB88320U ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    std::uint32_t crc = 0xFFFFFFFFU;
    for (char ch : bytes)
        crc = table[(crc ^ static_cast<unsigned char>(ch)) & 0xFFU] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFU;
}

/// `bytes` with its last four bytes changed so that its CRC-32 is `target`: what an attacker
/// does to make a trojaned file "identical" to the real one by size and CRC. (CRC-32 is
/// affine in its input: solve the 32 linear equations of the last 32 bits over GF(2).)
inline std::string forge_crc32(std::string bytes, std::uint32_t target) {
    const std::size_t at = bytes.size() - 4;
    auto with = [&](std::uint32_t x) {
        for (int i = 0; i < 4; ++i)
            bytes[at + static_cast<std::size_t>(i)] = static_cast<char>((x >> (8 * i)) & 0xFFU);
        return crc32_of(bytes);
    };
    const std::uint32_t base = with(0);
    // Equation b: the input bits that flip CRC bit b must add up to bit b of the change.
    std::array<std::uint32_t, 32> row{}; // over input bits
    std::array<std::uint32_t, 32> rhs{};
    for (std::uint32_t i = 0; i < 32; ++i) {
        const std::uint32_t effect = with(1U << i) ^ base;
        for (std::uint32_t b = 0; b < 32; ++b)
            if (((effect >> b) & 1U) != 0)
                row[b] |= 1U << i;
    }
    for (std::uint32_t b = 0; b < 32; ++b)
        rhs[b] = ((target ^ base) >> b) & 1U;
    // Gauss-Jordan over GF(2); the last 32 bits of a message always determine its CRC-32.
    for (std::uint32_t col = 0; col < 32; ++col) {
        std::uint32_t pivot = col;
        while (pivot < 32 && ((row[pivot] >> col) & 1U) == 0)
            ++pivot;
        if (pivot == 32)
            continue;
        std::swap(row[pivot], row[col]);
        std::swap(rhs[pivot], rhs[col]);
        for (std::uint32_t r = 0; r < 32; ++r)
            if (r != col && ((row[r] >> col) & 1U) != 0) {
                row[r] ^= row[col];
                rhs[r] ^= rhs[col];
            }
    }
    std::uint32_t x = 0;
    for (std::uint32_t col = 0; col < 32; ++col)
        x |= rhs[col] << col;
    (void)with(x);
    return bytes;
}

/// Bytes this process has read through read(2) and its kin so far (/proc/self/io rchar).
inline std::uint64_t bytes_read_so_far() {
    std::ifstream io("/proc/self/io");
    std::string key;
    std::uint64_t value = 0;
    while (io >> key >> value)
        if (key == "rchar:")
            return value;
    return 0;
}

/// Sets or clears the immutable flag (chattr +i): a rename over the file then fails with
/// EPERM. False when the file system or the user cannot (not root, no ext4).
inline bool set_immutable(const std::filesystem::path& path, bool on) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return false;
    int flags = 0;
    bool ok = ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
    if (ok) {
        flags = on ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
        ok = ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
    }
    ::close(fd);
    return ok;
}

/// A tmpfs of `size` mounted on a fresh folder while the object lives (root only).
class SmallDisk {
public:
    SmallDisk(const std::filesystem::path& dir, std::string_view size) : dir_(dir) {
        std::filesystem::create_directories(dir_);
        const std::string options = "size=" + std::string(size) + ",mode=0755";
        mounted_ = ::mount("tmpfs", dir_.c_str(), "tmpfs", 0, options.c_str()) == 0;
    }
    ~SmallDisk() {
        if (mounted_)
            ::umount2(dir_.c_str(), MNT_DETACH);
    }
    SmallDisk(const SmallDisk&) = delete;
    SmallDisk& operator=(const SmallDisk&) = delete;
    [[nodiscard]] bool mounted() const noexcept { return mounted_; }

    /// Fills what is left of the disk with a hidden file (no phone would ask for it).
    void fill() const {
        std::ofstream out(dir_ / ".filler", std::ios::binary | std::ios::app);
        const std::string block(4096, 'x');
        for (int i = 0; i < 1 << 20 && out; ++i)
            out.write(block.data(), static_cast<std::streamsize>(block.size()));
    }
    void unfill() const { std::filesystem::remove(dir_ / ".filler"); }

private:
    std::filesystem::path dir_;
    bool mounted_ = false;
};

} // namespace fwplan::test
