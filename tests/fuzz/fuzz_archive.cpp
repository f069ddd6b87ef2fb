// Fuzzes Archive::open and Archive::read on the package kinds that parse bytes: zip (libzip,
// fwplan's own central-directory scan, nested zips), .cop.sgn (signed header + tar.gz) and
// tar. The first input byte picks the kind and the policy; the rest becomes the file. No
// input may crash, over-read, leak, or yield an entry that breaks the promises of
// archive.hpp: safe names (nothing hidden: that is left out), sorted order, limits, and
// reads that deliver exactly the declared size (with the recorded CRC). Then
// inspect_package classifies what was opened (manifests, signed images, renamed .sb2 as
// .bin, files that are not firmware, .loads of unknown families), and its answer must hang
// together (firmware.hpp).
#include <fwplan/archive.hpp>
#include <fwplan/firmware.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>

namespace {

// Leaked on purpose: an atexit handler removes the folder, after static destructors ran.
const std::filesystem::path* work = nullptr;

void remove_work() {
    std::error_code ec;
    std::filesystem::remove_all(*work, ec);
}

const std::filesystem::path& work_dir() {
    if (work == nullptr) {
        work = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                         ("fwplan-fuzz-archive-" + std::to_string(::getpid())));
        std::filesystem::create_directories(*work);
        std::atexit(remove_work);
    }
    return *work;
}

void check(bool condition) {
    if (!condition)
        std::abort();
}

bool safe_name(std::string_view name) {
    if (name.empty() || name.front() == '/' || name.find('\\') != std::string_view::npos)
        return false;
    for (char c : name)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == ':')
            return false;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= name.size(); ++i) {
        if (i == name.size() || name[i] == '/') {
            const std::string_view part = name.substr(start, i - start);
            if (part.empty() || part == "." || part == "..")
                return false;
            // Hidden entries and macOS metadata are left out; no name is over NAME_MAX.
            if (part.front() == '.' || part == "__MACOSX" || part.size() > 255)
                return false;
            start = i + 1;
        }
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1)
        return 0;
    static constexpr std::array<const char*, 3> kNames = {"input.zip", "input.cop.sgn",
                                                          "input.tar.gz"};
    const std::size_t kind = data[0] % kNames.size();
    const auto policy = (data[0] / kNames.size()) % 2 == 0 ? fwplan::UnsafeEntryPolicy::Refuse
                                                           : fwplan::UnsafeEntryPolicy::Report;
    const std::filesystem::path path = work_dir() / kNames[kind];
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
    }

    fwplan::ArchiveLimits limits;
    limits.max_entry_size = 1u << 20;
    limits.max_total_size = 4u << 20;
    limits.max_ratio = 50;
    limits.min_ratio_size = 64u << 10;
    limits.max_entries = 64;
    limits.max_nested_zips = 4;

    auto archive = fwplan::Archive::open(path, limits, policy);
    if (!archive) {
        check(!archive.error().code.empty());
        return 0;
    }
    const auto& entries = archive->entries();
    check(entries.size() <= limits.max_entries);
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const fwplan::ArchiveEntry& entry = entries[i];
        check(safe_name(entry.name));
        check(entry.base_name == entry.name.substr(entry.name.rfind('/') + 1));
        check(entry.size <= limits.max_entry_size);
        total += entry.size;
        if (i > 0) {
            const auto& before = entries[i - 1];
            check(before.container < entry.container ||
                  (before.container == entry.container && before.name <= entry.name));
        }
        std::uint64_t delivered = 0;
        auto crc = archive->read(entry, [&](std::string_view chunk) -> fwplan::Result<void> {
            delivered += chunk.size();
            return {};
        });
        check(delivered <= entry.size);
        if (crc) {
            check(delivered == entry.size);
            check(!entry.crc32 || *entry.crc32 == *crc);
        }
        auto text = archive->read_all(entry, 4096);
        if (text)
            check(text->size() == entry.size);
    }
    check(total <= limits.max_total_size);

    // Classification, with an empty catalog (no genuine-package records, so nothing is hashed).
    static const fwplan::Catalog no_packages;
    fwplan::InspectOptions inspect;
    inspect.limits = limits;
    inspect.max_cnu_bytes = 64u << 10;
    inspect.catalog = &no_packages;
    auto package = fwplan::inspect_package(path, inspect);
    if (!package)
        return 0;
    check(package->files.size() == entries.size());
    for (const fwplan::PackageLoad& load : package->loads)
        check(load.manifest.load.has_value());
    for (const fwplan::PackageLoad& load : package->unnamed_loads)
        check(!load.manifest.load && !load.manifest.is_term_file &&
              !load.manifest.warnings.empty());
    for (const fwplan::TermFile& term : package->term_files)
        check(term.manifest.term_model != nullptr);
    for (const fwplan::InspectedFile& file : package->files)
        check(file.kind != fwplan::FileKind::NotFirmware || !file.what.empty());
    check(!package->authenticity || package->authenticity->status == fwplan::Authenticity::Unknown);
    return 0;
}
