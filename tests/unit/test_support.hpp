#pragma once
// Small helpers several unit-test files share.

#include <filesystem>
#include <fstream>
#include <string>

namespace fwplan::test {

/// The bytes of a file (empty when it cannot be read).
inline std::string read_file(const std::filesystem::path& path) {
    // A read loop, not istreambuf_iterator: GCC 12 -O2 warns about the latter
    // (-Wnull-dereference inside libstdc++).
    std::ifstream in(path, std::ios::binary);
    std::string content;
    char buffer[4096];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0)
        content.append(buffer, static_cast<std::size_t>(in.gcount()));
    return content;
}

} // namespace fwplan::test
