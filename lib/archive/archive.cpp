#include "archive/backend.hpp"
#include "archive/cop_header.hpp"
#include "archive/file_backend.hpp"
#include "archive/tar_backend.hpp"
#include "archive/zip_backend.hpp"
#include "detail/crc32.hpp"
#include "detail/entry_name.hpp"
#include "detail/posix.hpp"
#include "detail/unicode.hpp"

#include <fwplan/archive.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <map>
#include <numeric>
#include <stdexcept>
#include <sys/stat.h>
#include <tuple>
#include <unistd.h>

namespace fwplan {

std::string_view to_string(ArchiveKind kind) noexcept {
    switch (kind) {
    case ArchiveKind::Zip:
        return "zip";
    case ArchiveKind::Folder:
        return "folder";
    case ArchiveKind::CopSgn:
        return "cop";
    case ArchiveKind::Tar:
        return "tar";
    case ArchiveKind::LooseFile:
        return "file";
    }
    return "file";
}

std::string ArchiveEntry::qualified_name() const {
    return container.empty() ? name : container + "/" + name;
}

namespace detail {
// An entry together with what it takes to read it again.
struct Slot {
    const Backend* backend = nullptr;
    RawEntry raw;
};

Error Where::at(Error error, std::string_view entry) const {
    if (error.file.empty())
        error.file = package;
    if (error.entry.empty()) {
        if (entry.empty())
            error.entry = printable(container);
        else
            error.entry = printable(container.empty() ? std::string(entry)
                                                      : container + "/" + std::string(entry));
    }
    return error;
}
} // namespace detail

namespace {

using detail::Backend;
using detail::RawEntry;
using detail::RawType;
using detail::Slot;
using detail::UniqueFd;
using detail::Where;

constexpr const char* kDownloadAgain =
    "the package is damaged or was tampered with; download it again";

struct Staged {
    ArchiveEntry entry;
    Slot slot;
};

ArchiveKind kind_for_name(std::string_view file_name) {
    if (detail::ends_with_ignoring_case(file_name, ".zip"))
        return ArchiveKind::Zip;
    for (std::string_view suffix : {".cop", ".cop.sgn", ".cop.sha512"})
        if (detail::ends_with_ignoring_case(file_name, suffix))
            return ArchiveKind::CopSgn;
    for (std::string_view suffix : {".tar", ".tar.gz", ".tgz"})
        if (detail::ends_with_ignoring_case(file_name, suffix))
            return ArchiveKind::Tar;
    return ArchiveKind::LooseFile;
}

std::string bytes(std::uint64_t n) {
    return std::to_string(n) + (n == 1 ? " byte" : " bytes");
}

// Streams one entry through `sink`, counting: the read stops the moment the entry produces
// more than it declared, so a lying header cannot make fwplan expand more than the limits.
Result<std::uint32_t> read_checked(const ArchiveEntry& entry, const Slot& slot, const Where& where,
                                   const ArchiveSink& sink) {
    detail::Crc32 crc;
    std::uint64_t produced = 0;
    auto counting = [&](std::string_view chunk) -> Result<void> {
        produced += chunk.size();
        if (produced > entry.size)
            return bad_input("archive.size-mismatch",
                             "produces more than the " + bytes(entry.size) + " its header declares")
                .with_hint(kDownloadAgain);
        crc.update(chunk);
        return sink(chunk);
    };
    // The sink's own errors pass through too, with the package and entry filled in.
    if (auto ok = slot.backend->read(slot.raw, counting); !ok)
        return where.at(ok.error(), entry.name);
    if (produced != entry.size)
        return where.at(bad_input("archive.size-mismatch", "ends after " + bytes(produced) +
                                                               ", but its header declares " +
                                                               bytes(entry.size))
                            .with_hint(kDownloadAgain),
                        entry.name);
    if (entry.crc32 && crc.value() != *entry.crc32)
        return where.at(bad_input("archive.crc-mismatch",
                                  "its data does not match the recorded CRC-32: the zip is "
                                  "damaged")
                            .with_hint(kDownloadAgain),
                        entry.name);
    return crc.value();
}

Result<UniqueFd> open_path(const std::filesystem::path& path, const std::string& package) {
    // O_NONBLOCK: opening a FIFO given by mistake must not hang; fstat then refuses it.
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (fd.valid())
        return fd;
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) {
        Error error = io_error("archive.not-found", "does not exist");
        error.file = package;
        return error;
    }
    return detail::system_error("archive.unreadable", package, "cannot be opened", err);
}

} // namespace

namespace detail {
// Everything an open Archive holds (Archive::Impl is this; the Opener fills it in).
struct PackageState {
    std::filesystem::path path;
    std::string package;
    ArchiveKind kind = ArchiveKind::LooseFile;
    ArchiveLimits limits;
    UnsafeEntryPolicy policy = UnsafeEntryPolicy::Refuse;
    std::vector<std::unique_ptr<Backend>> backends;
    std::vector<ArchiveEntry> entries;
    std::vector<Slot> slots; // parallel to entries
    std::vector<Error> findings;
    std::vector<std::string> left_out;
};
} // namespace detail

struct Archive::Impl : detail::PackageState {};

namespace {

// Builds an Archive::Impl: lists every container, vets every entry, expands nested zips.
class Opener {
public:
    explicit Opener(detail::PackageState& impl) : impl_(impl) {}

    Result<void> run() {
        Where outer{impl_.package, ""};
        auto fd = open_path(impl_.path, impl_.package);
        if (!fd)
            return fd.error();
        struct stat st {};
        if (::fstat(fd->get(), &st) != 0)
            return outer.at(
                detail::system_error("archive.unreadable", {}, "cannot be read", errno));
        if (S_ISDIR(st.st_mode))
            impl_.kind = ArchiveKind::Folder;
        else if (S_ISREG(st.st_mode))
            impl_.kind = kind_for_name(impl_.path.filename().string());
        else
            return outer.at(
                bad_input("archive.not-a-package", "is neither a regular file nor a folder"));

        auto backend = open_backend(std::move(*fd), outer, static_cast<std::uint64_t>(st.st_size));
        if (!backend)
            return backend.error();
        auto staged = list(**backend, outer);
        impl_.backends.push_back(std::move(*backend));
        if (!staged)
            return staged.error();
        if (impl_.kind == ArchiveKind::Zip) {
            if (auto ok = expand_nested_zips(*staged); !ok)
                return ok;
        }
        add(std::move(*staged));
        sort_entries();
        return {};
    }

private:
    Result<std::unique_ptr<Backend>> open_backend(UniqueFd fd, const Where& outer,
                                                  std::uint64_t size) {
        switch (impl_.kind) {
        case ArchiveKind::Zip:
            return detail::open_zip(std::move(fd), outer, impl_.limits.max_entries);
        case ArchiveKind::CopSgn: {
            std::string head(detail::kCopHeadBytes, '\0');
            const ssize_t n = detail::pread_some(fd.get(), head.data(), head.size(), 0);
            if (n < 0)
                return outer.at(
                    detail::system_error("archive.unreadable", {}, "cannot be read", errno));
            head.resize(static_cast<std::size_t>(n));
            auto offset = detail::cop_payload_offset(head, size);
            if (!offset)
                return outer.at(offset.error());
            return detail::open_tar(std::move(fd), *offset, outer, impl_.limits);
        }
        case ArchiveKind::Tar:
            return detail::open_tar(std::move(fd), 0, outer, impl_.limits);
        case ArchiveKind::Folder:
            return detail::open_folder(std::move(fd), outer);
        case ArchiveKind::LooseFile:
            break;
        }
        return detail::open_loose_file(std::move(fd), impl_.path.filename().string(), outer);
    }

    // Lists one container (the package itself or a nested zip) and vets what it holds.
    Result<std::vector<Staged>> list(Backend& backend, const Where& where) {
        std::vector<Staged> staged;
        auto ok = backend.list(
            [&](RawEntry&& raw) { return vet(std::move(raw), backend, where, staged); });
        if (!ok)
            return ok.error();
        if (auto unique = check_collisions(staged, where); !unique)
            return unique.error();
        return staged;
    }

    Result<void> vet(RawEntry&& raw, const Backend& backend, const Where& where,
                     std::vector<Staged>& out) {
        const ArchiveLimits& limits = impl_.limits;
        if (++raw_count_ > limits.max_entries)
            return where.at(bad_input("archive.too-many-entries",
                                      "has more than the " + std::to_string(limits.max_entries) +
                                          " entries allowed")
                                .with_hint("no firmware package holds that many files"));
        std::string_view name = detail::strip_leading_dot_slash(raw.name);
        if (raw.type == RawType::Directory) {
            while (!name.empty() && name.back() == '/')
                name.remove_suffix(1);
            if (name.empty() || name == ".")
                return {}; // the tar's own root, "./"
        }
        if (raw.type == RawType::File) {
            if (auto ok = check_size(raw, where); !ok)
                return ok;
        }
        if (auto problem = unsafe(raw, name, where)) {
            if (impl_.policy == UnsafeEntryPolicy::Refuse)
                return *problem;
            impl_.findings.push_back(std::move(*problem));
            return {};
        }
        // Hidden files and folders and macOS metadata are never firmware and never go into
        // a root: named here, not listed (checked like every entry first, so a hostile
        // name or a link is refused wherever it hides).
        if (detail::left_out_of_root(name)) {
            impl_.left_out.push_back(detail::printable(
                (where.container.empty() ? std::string() : where.container + "/") +
                std::string(name) + (raw.type == RawType::Directory ? "/" : "")));
            return {};
        }
        if (raw.type == RawType::Directory)
            return {};
        Staged item;
        item.entry.name = std::string(name);
        item.entry.base_name = std::string(detail::base_name_of(name));
        item.entry.container = where.container;
        item.entry.size = raw.size;
        item.entry.compressed_size = raw.compressed_size;
        item.entry.crc32 = raw.crc32;
        item.entry.ordinal = raw_count_; // listing order is storage order
        item.slot.backend = &backend;
        item.slot.raw = std::move(raw);
        out.push_back(std::move(item));
        return {};
    }

    // The limits are checked on declared sizes, before a byte is expanded; read_checked
    // then holds every entry to what it declared.
    Result<void> check_size(const RawEntry& raw, const Where& where) {
        const ArchiveLimits& limits = impl_.limits;
        if (raw.size > limits.max_entry_size)
            return where.at(bad_input("archive.entry-too-large",
                                      "declares " + bytes(raw.size) + ", more than the " +
                                          bytes(limits.max_entry_size) + " allowed per entry"),
                            raw.name);
        const std::uint64_t stored = std::max<std::uint64_t>(raw.compressed_size, 1);
        if (raw.size >= limits.min_ratio_size && raw.size / stored > limits.max_ratio)
            return where.at(
                bad_input("archive.ratio",
                          "expands from " + bytes(raw.compressed_size) + " to " + bytes(raw.size) +
                              " (" + std::to_string(raw.size / stored) + " times, more than the " +
                              std::to_string(limits.max_ratio) + " allowed): a compression bomb")
                    .with_hint(kDownloadAgain),
                raw.name);
        total_ += raw.size;
        if (total_ > limits.max_total_size)
            return where.at(bad_input("archive.too-large", "expands to more than the " +
                                                               bytes(limits.max_total_size) +
                                                               " allowed in all"),
                            raw.name);
        return {};
    }

    static std::optional<Error> unsafe(const RawEntry& raw, std::string_view name,
                                       const Where& where) {
        if (auto bad = detail::check_entry_name(name))
            return where.at(std::move(*bad), raw.name);
        const auto refuse = [&](const char* code, const char* what) {
            return where.at(
                bad_input(code, what)
                    .with_hint("a firmware package holds plain files only; get it again"),
                raw.name);
        };
        switch (raw.type) {
        case RawType::Symlink:
            return refuse("archive.link", "is a symbolic link; fwplan never follows links");
        case RawType::Hardlink:
            return refuse("archive.link", "is a hard link; fwplan never follows links");
        case RawType::Special:
            return refuse("archive.special-file",
                          "is not a regular file (a device, FIFO or socket)");
        case RawType::File:
        case RawType::Directory:
            break;
        }
        return raw.problem;
    }

    // Within one container no two files may land on the same name in a flat TFTP root:
    // same name, same base name in another folder, or a base name differing only in case.
    Result<void> check_collisions(const std::vector<Staged>& staged, const Where& where) {
        std::vector<std::size_t> order(staged.size());
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return staged[a].entry.name < staged[b].entry.name;
        });
        std::map<std::string, const ArchiveEntry*> seen;
        for (std::size_t i : order) {
            const ArchiveEntry& entry = staged[i].entry;
            auto [it, inserted] = seen.emplace(detail::folded_name(entry.base_name), &entry);
            if (inserted)
                continue;
            const ArchiveEntry& first = *it->second;
            Error clash =
                first.name == entry.name ? bad_input("archive.duplicate", "is stored twice")
                : first.base_name == entry.base_name
                    ? bad_input("archive.name-collision",
                                "has the same file name as '" + detail::printable(first.name) +
                                    "'; in a flat TFTP root they would be one file")
                : detail::ascii_lower(first.base_name) == detail::ascii_lower(entry.base_name)
                    ? bad_input("archive.case-collision",
                                "differs only in case from '" + detail::printable(first.name) +
                                    "'; in a TFTP root served case-insensitively they "
                                    "would be one file")
                    : bad_input("archive.form-collision",
                                "is the same name as '" + detail::printable(first.name) +
                                    "' in another Unicode form (NFC or NFD); a server that "
                                    "normalises names would serve one for the other");
            clash = where.at(std::move(clash).with_hint(kDownloadAgain), staged[i].slot.raw.name);
            if (impl_.policy == UnsafeEntryPolicy::Refuse)
                return clash;
            impl_.findings.push_back(std::move(clash));
        }
        return {};
    }

    // Zips inside the package (a bundle holding cmterm zips) are expanded one level: each is
    // copied, checked like any entry, into an anonymous temporary file and opened from there.
    Result<void> expand_nested_zips(std::vector<Staged>& outer) {
        std::vector<Staged> kept;
        for (Staged& item : outer) {
            if (!detail::ends_with_ignoring_case(item.entry.name, ".zip")) {
                kept.push_back(std::move(item));
                continue;
            }
            if (++nested_ > impl_.limits.max_nested_zips)
                return Where{impl_.package, ""}.at(bad_input(
                    "archive.too-many-nested", "holds more than the " +
                                                   std::to_string(impl_.limits.max_nested_zips) +
                                                   " nested zips allowed"));
            Where inner{impl_.package, item.entry.name};
            auto file = copy_to_temp(item);
            if (!file)
                return file.error();
            const std::size_t remaining =
                impl_.limits.max_entries - std::min(raw_count_, impl_.limits.max_entries);
            auto backend = detail::open_zip(std::move(*file), inner, remaining);
            if (!backend)
                return backend.error();
            auto staged = list(**backend, inner);
            impl_.backends.push_back(std::move(*backend));
            if (!staged)
                return staged.error();
            add(std::move(*staged));
        }
        outer = std::move(kept);
        return {};
    }

    Result<UniqueFd> copy_to_temp(const Staged& item) {
        auto file = detail::open_anonymous_temp_file();
        if (!file)
            return Where{impl_.package, ""}.at(file.error(), item.entry.name);
        const int fd = file->get();
        // The temporary file lives in $TMPDIR: a failure there is the temporary folder's.
        auto crc = read_checked(
            item.entry, item.slot, Where{impl_.package, ""},
            [fd](std::string_view chunk) -> Result<void> {
                auto ok = detail::write_all(fd, chunk, "the temporary folder", "archive.temp-file");
                if (!ok && ok.error().hint.empty())
                    return Error(ok.error())
                        .with_hint("set TMPDIR to a writable folder with enough space");
                return ok;
            });
        if (!crc)
            return Where{impl_.package, ""}.at(crc.error(), item.entry.name);
        if (::lseek(fd, 0, SEEK_SET) != 0)
            return Where{impl_.package, ""}.at(
                io_error("archive.temp-file", "cannot rewind a temporary file"), item.entry.name);
        return std::move(*file);
    }

    void add(std::vector<Staged>&& staged) {
        for (Staged& item : staged) {
            impl_.entries.push_back(std::move(item.entry));
            impl_.slots.push_back(std::move(item.slot));
        }
    }

    void sort_entries() {
        std::vector<std::size_t> order(impl_.entries.size());
        std::iota(order.begin(), order.end(), std::size_t{0});
        const auto& e = impl_.entries;
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return std::tie(e[a].container, e[a].name) < std::tie(e[b].container, e[b].name);
        });
        std::vector<ArchiveEntry> entries;
        std::vector<Slot> slots;
        entries.reserve(order.size());
        slots.reserve(order.size());
        for (std::size_t i : order) {
            entries.push_back(std::move(impl_.entries[i]));
            slots.push_back(std::move(impl_.slots[i]));
        }
        impl_.entries = std::move(entries);
        impl_.slots = std::move(slots);
    }

    detail::PackageState& impl_;
    std::size_t raw_count_ = 0;
    std::size_t nested_ = 0;
    std::uint64_t total_ = 0;
};

} // namespace

Archive::Archive(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Archive::Archive(Archive&& other) noexcept = default;
Archive& Archive::operator=(Archive&& other) noexcept = default;
Archive::~Archive() = default;

Result<Archive> Archive::open(const std::filesystem::path& path, const ArchiveLimits& limits,
                              UnsafeEntryPolicy policy) {
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->package = path.string();
    impl->limits = limits;
    impl->policy = policy;
    if (auto ok = Opener(*impl).run(); !ok)
        return ok.error();
    return Archive(std::move(impl));
}

namespace {
[[noreturn]] void moved_from() {
    throw std::logic_error("fwplan: use of a moved-from Archive");
}
} // namespace

const std::filesystem::path& Archive::path() const {
    if (!impl_)
        moved_from();
    return impl_->path;
}

ArchiveKind Archive::kind() const {
    if (!impl_)
        moved_from();
    return impl_->kind;
}

const std::vector<ArchiveEntry>& Archive::entries() const {
    if (!impl_)
        moved_from();
    return impl_->entries;
}

const std::vector<Error>& Archive::findings() const {
    if (!impl_)
        moved_from();
    return impl_->findings;
}

const std::vector<std::string>& Archive::left_out() const {
    if (!impl_)
        moved_from();
    return impl_->left_out;
}

const ArchiveEntry* Archive::find(std::string_view name) const {
    const auto& all = entries();
    for (const ArchiveEntry& entry : all)
        if (entry.name == name)
            return &entry;
    for (const ArchiveEntry& entry : all)
        if (entry.base_name == name)
            return &entry;
    return nullptr;
}

std::vector<const ArchiveEntry*> Archive::find_ignoring_case(std::string_view base_name) const {
    const std::string wanted = detail::ascii_lower(base_name);
    std::vector<const ArchiveEntry*> found;
    for (const ArchiveEntry& entry : entries())
        if (entry.base_name.size() == wanted.size() &&
            detail::ascii_lower(entry.base_name) == wanted)
            found.push_back(&entry);
    return found;
}

Result<std::uint32_t> Archive::read(const ArchiveEntry& entry, const ArchiveSink& sink) const {
    const auto& all = entries();
    std::size_t index = all.size();
    const std::less<const ArchiveEntry*> before;
    if (!all.empty() && !before(&entry, all.data()) && before(&entry, all.data() + all.size())) {
        index = static_cast<std::size_t>(&entry - all.data());
    } else {
        // A copy: find the entry it was copied from.
        for (std::size_t i = 0; i < all.size(); ++i) {
            if (all[i].container == entry.container && all[i].name == entry.name &&
                all[i].size == entry.size && all[i].crc32 == entry.crc32) {
                index = i;
                break;
            }
        }
    }
    if (index == all.size()) {
        Error error;
        error.kind = ErrorKind::Usage;
        error.code = "fwplan.archive.unknown-entry";
        error.message = "is not an entry of this package";
        error.file = impl_->package;
        error.entry = detail::printable(entry.qualified_name());
        return error;
    }
    return read_checked(all[index], impl_->slots[index],
                        Where{impl_->package, all[index].container}, sink);
}

Result<std::string> Archive::read_all(const ArchiveEntry& entry, std::size_t max_bytes) const {
    if (entry.size > max_bytes) {
        Error error = bad_input("archive.too-large-to-read",
                                "is " + bytes(entry.size) + ", more than the " + bytes(max_bytes) +
                                    " expected for this kind of file");
        error.file = path().string();
        error.entry = detail::printable(entry.qualified_name());
        return error;
    }
    std::string text;
    text.reserve(static_cast<std::size_t>(entry.size));
    auto crc = read(entry, [&text](std::string_view chunk) -> Result<void> {
        text.append(chunk);
        return {};
    });
    if (!crc)
        return crc.error();
    return text;
}

} // namespace fwplan
