#pragma once
// What the staging and audit tests share: scratch roots built in temporary folders from the
// testdata, and ways to look at them.
#include "test_support.hpp"

#include <fwplan/archive.hpp>
#include <fwplan/stage.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <unistd.h>

namespace fwplan::test {

namespace fs = std::filesystem;

inline const fs::path kTestdata = FWPLAN_TESTDATA_DIR;
inline const fs::path kPackages = kTestdata / "packages";
inline const fs::path kSccp852 = kPackages / "cmterm-7941_7961-sccp.8-5-2.zip";
inline const fs::path kSip942 = kPackages / "cmterm-7941_7961-sip.9-4-2SR3-1.zip";
inline const fs::path kSip831 = kPackages / "cmterm-7941_7961-sip.8-3-1.zip";
inline const fs::path kSccp831 = kPackages / "cmterm-7941_7961-sccp.8-3-1.zip";

struct Scratch {
    fs::path dir;
    Scratch() {
        static int counter = 0;
        dir = fs::path(FWPLAN_TEST_TMPDIR) /
              ("tftp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

inline void write_file(const fs::path& path, std::string_view content) {
    std::ofstream(path, std::ios::binary) << content;
}

// Every file of the root a phone could ask for (hidden names left out), with its bytes.
inline std::map<std::string, std::string> visible(const fs::path& root) {
    std::map<std::string, std::string> out;
    for (const auto& entry : fs::directory_iterator(root)) {
        const std::string name = entry.path().filename().string();
        if (name.front() != '.')
            out[name] = read_file(entry.path());
    }
    return out;
}

inline std::set<std::string> everything(const fs::path& root) {
    std::set<std::string> out;
    for (const auto& entry : fs::recursive_directory_iterator(root))
        out.insert(fs::relative(entry.path(), root).string());
    return out;
}

// What a naive `unzip -j` does: every file of the package, flat, later ones overwriting.
inline void unpack_flat(const fs::path& package, const fs::path& dir) {
    auto archive = Archive::open(package);
    REQUIRE(archive.ok());
    for (const ArchiveEntry& entry : archive->entries())
        write_file(dir / entry.base_name, archive->read_all(entry).value());
}

inline std::map<std::string, std::string> package_files(const fs::path& package) {
    std::map<std::string, std::string> out;
    auto archive = Archive::open(package);
    REQUIRE(archive.ok());
    for (const ArchiveEntry& entry : archive->entries())
        out[entry.base_name] = archive->read_all(entry).value();
    return out;
}

inline StageReport stage_ok(const fs::path& root, const std::vector<fs::path>& packages,
                            const StageOptions& options = {}) {
    auto report = stage(root, packages, options);
    const std::string why = report ? std::string() : report.error().describe();
    INFO(why);
    REQUIRE(report.ok());
    return std::move(*report);
}

inline StageOptions factory_default(std::string_view load) {
    StageOptions options;
    options.factory_defaults.push_back(LoadId::parse(load).value());
    return options;
}

inline const StagedFile& file_named(const StageReport& report, std::string_view name) {
    auto it = std::find_if(report.files.begin(), report.files.end(),
                           [&](const StagedFile& f) { return f.name == name; });
    REQUIRE(it != report.files.end());
    return *it;
}

} // namespace fwplan::test
