#include "archive/zip_backend.hpp"

#include "detail/entry_name.hpp"

#include <zip.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace fwplan::detail {

namespace {

struct ZipDiscard {
    // Read-only: discard, never zip_close (which could write).
    void operator()(zip_t* zip) const noexcept { zip_discard(zip); }
};
struct ZipFileClose {
    void operator()(zip_file_t* file) const noexcept { zip_fclose(file); }
};
struct ZipSourceFree {
    void operator()(zip_source_t* source) const noexcept { zip_source_free(source); }
};
struct StdioClose {
    void operator()(std::FILE* file) const noexcept { std::fclose(file); }
};
using ZipHandle = std::unique_ptr<zip_t, ZipDiscard>;
using ZipFileHandle = std::unique_ptr<zip_file_t, ZipFileClose>;
using ZipSourceHandle = std::unique_ptr<zip_source_t, ZipSourceFree>;
using StdioHandle = std::unique_ptr<std::FILE, StdioClose>;

class ZipErrorHolder {
public:
    ZipErrorHolder() { zip_error_init(&error_); }
    ~ZipErrorHolder() { zip_error_fini(&error_); }
    ZipErrorHolder(const ZipErrorHolder&) = delete;
    ZipErrorHolder& operator=(const ZipErrorHolder&) = delete;
    zip_error_t* get() { return &error_; }

private:
    zip_error_t error_{};
};

constexpr const char* kDownloadAgain = "the file is damaged or incomplete; download it again";

// Every libzip error code mapped onto fwplan's: what the input did wrong is BadInput, what
// the machine failed at is Io.
Error translate(zip_error_t* error, const char* during) {
    const std::string text = zip_error_strerror(error);
    const std::string when = std::string(" (") + text + ", while " + during + ")";
    switch (zip_error_code_zip(error)) {
    case ZIP_ER_NOZIP:
        return bad_input("archive.not-a-zip", "is not a zip file" + when)
            .with_hint("it may be truncated, or another kind of file named .zip; "
                       "download the package again");
    case ZIP_ER_CRC:
        return bad_input("archive.crc-mismatch",
                         "its data does not match the recorded CRC-32: the zip is damaged")
            .with_hint(kDownloadAgain);
    case ZIP_ER_ENCRNOTSUPP:
    case ZIP_ER_NOPASSWD:
    case ZIP_ER_WRONGPASSWD:
        return bad_input("archive.encrypted", "is encrypted" + when)
            .with_hint("Cisco packages are never encrypted; get the package from Cisco again");
    case ZIP_ER_COMPNOTSUPP:
        return bad_input("archive.unsupported-compression",
                         "uses a compression method fwplan cannot read" + when);
    case ZIP_ER_INCONS:
    case ZIP_ER_EOF:
    case ZIP_ER_ZLIB:
    case ZIP_ER_COMPRESSED_DATA:
    case ZIP_ER_MULTIDISK:
    case ZIP_ER_INTERNAL:
    case ZIP_ER_INVAL:
        return bad_input("archive.damaged", "the zip is damaged" + when).with_hint(kDownloadAgain);
    case ZIP_ER_EXISTS:
        return bad_input("archive.duplicate", "is stored twice").with_hint(kDownloadAgain);
    case ZIP_ER_MEMORY:
        return io_error("archive.unreadable", "out of memory" + when);
    default:
        return io_error("archive.unreadable", "cannot read the zip" + when);
    }
}

Error damaged(std::string what) {
    return bad_input("archive.damaged", "the zip is damaged: " + std::move(what))
        .with_hint(kDownloadAgain);
}

bool pread_exact(int fd, unsigned char* out, std::size_t size, std::uint64_t offset) {
    while (size > 0) {
        const ssize_t n = pread_some(fd, out, size, offset);
        if (n <= 0)
            return false;
        const auto got = static_cast<std::size_t>(n);
        out += got;
        size -= got;
        offset += got;
    }
    return true;
}

std::uint64_t le(const unsigned char* p, int bytes) {
    std::uint64_t value = 0;
    for (int i = bytes - 1; i >= 0; --i)
        value = (value << 8) | p[i];
    return value;
}

// Where an entry's bytes lie in the zip: from its local header to the end of its data.
struct Span {
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
    std::string name;
};

// What the central directory says beyond what libzip hands out.
struct DirectoryFacts {
    std::map<std::uint64_t, std::string> names_with_nul; ///< full names that hold a NUL
    std::vector<Span> spans;                             ///< one per entry, in storage order
};

// libzip 1.7 hands names out as C strings, so a NUL inside a stored name would silently cut
// it short (and fwplan would check a different name than the one stored); and it reads
// each entry where the directory points, so two entries may share their compressed bytes
// (David Fifield's overlapping zip bomb: a 42 KB zip that expands to gigabytes, refused by
// Info-ZIP's unzip since 6.0-25 as "invalid zip file with overlapped components"). This
// walks the central directory once more to see every name's real bytes and where every
// entry's data lies. It looks for the end record libzip must have used: the last one whose
// entry count matches libzip's and whose directory walks cleanly.
class CentralDirectoryScan {
public:
    CentralDirectoryScan(int fd, std::uint64_t file_size) : fd_(fd), size_(file_size) {}

    Result<DirectoryFacts> scan(std::uint64_t expected) {
        constexpr std::uint64_t kEocd = 22;
        if (size_ < kEocd)
            return damaged("it is too short for an end-of-directory record");
        const std::uint64_t tail_size = std::min<std::uint64_t>(size_, kEocd + 0xFFFF);
        std::vector<unsigned char> tail(static_cast<std::size_t>(tail_size));
        if (!pread_exact(fd_, tail.data(), tail.size(), size_ - tail_size))
            return io_error("archive.unreadable", "cannot read the end of the zip");
        for (std::size_t pos = tail.size() - kEocd + 1; pos-- > 0;) {
            if (std::memcmp(&tail[pos], "PK\x05\x06", 4) != 0)
                continue;
            auto found = walk_from(size_ - tail_size + pos, &tail[pos], expected);
            if (found)
                return std::move(*found);
        }
        return damaged("its central directory cannot be read consistently");
    }

private:
    std::optional<DirectoryFacts> walk_from(std::uint64_t eocd_offset, const unsigned char* eocd,
                                            std::uint64_t expected) {
        std::uint64_t count = le(eocd + 10, 2);
        std::uint64_t offset = le(eocd + 16, 4);
        if (count == 0xFFFF || offset == 0xFFFFFFFF || le(eocd + 12, 4) == 0xFFFFFFFF) {
            std::array<unsigned char, 20> locator{};
            std::array<unsigned char, 56> record{};
            if (eocd_offset < locator.size() ||
                !pread_exact(fd_, locator.data(), locator.size(), eocd_offset - locator.size()) ||
                std::memcmp(locator.data(), "PK\x06\x07", 4) != 0)
                return std::nullopt;
            const std::uint64_t at = le(&locator[8], 8);
            if (at > size_ || size_ - at < record.size() ||
                !pread_exact(fd_, record.data(), record.size(), at) ||
                std::memcmp(record.data(), "PK\x06\x06", 4) != 0)
                return std::nullopt;
            count = le(&record[32], 8);
            offset = le(&record[48], 8);
        }
        if (count != expected)
            return std::nullopt;
        DirectoryFacts facts;
        std::array<unsigned char, 46> header{};
        std::vector<unsigned char> name;
        std::vector<unsigned char> extra;
        for (std::uint64_t i = 0; i < count; ++i) {
            if (offset > size_ || size_ - offset < header.size() ||
                !pread_exact(fd_, header.data(), header.size(), offset) ||
                std::memcmp(header.data(), "PK\x01\x02", 4) != 0)
                return std::nullopt;
            const std::uint64_t name_size = le(&header[28], 2);
            const std::uint64_t extra_size = le(&header[30], 2);
            const std::uint64_t rest = name_size + extra_size + le(&header[32], 2);
            if (size_ - offset - header.size() < rest)
                return std::nullopt;
            name.resize(static_cast<std::size_t>(name_size));
            extra.resize(static_cast<std::size_t>(extra_size));
            if (!pread_exact(fd_, name.data(), name.size(), offset + header.size()) ||
                !pread_exact(fd_, extra.data(), extra.size(), offset + header.size() + name_size))
                return std::nullopt;
            if (std::find(name.begin(), name.end(), 0) != name.end())
                facts.names_with_nul.emplace(i, std::string(name.begin(), name.end()));
            auto span = span_of(header, extra);
            if (!span)
                return std::nullopt;
            span->name.assign(name.begin(), name.end());
            facts.spans.push_back(std::move(*span));
            offset += header.size() + rest;
        }
        return facts;
    }

    // From an entry's local header to the end of its compressed data. Sizes and offset of
    // 0xFFFFFFFF are in the zip64 extra field (APPNOTE.TXT 4.5.3), in that order.
    std::optional<Span> span_of(const std::array<unsigned char, 46>& header,
                                const std::vector<unsigned char>& extra) {
        std::uint64_t compressed = le(&header[20], 4);
        const std::uint64_t expanded = le(&header[24], 4);
        std::uint64_t local = le(&header[42], 4);
        for (std::size_t at = 0; at + 4 <= extra.size();) {
            const std::uint64_t id = le(&extra[at], 2);
            const std::size_t length = static_cast<std::size_t>(le(&extra[at + 2], 2));
            if (at + 4 + length > extra.size())
                break;
            if (id == 0x0001) {
                std::size_t field = at + 4;
                auto next = [&](std::uint64_t& value) {
                    if (field + 8 <= at + 4 + length) {
                        value = le(&extra[field], 8);
                        field += 8;
                    }
                };
                std::uint64_t ignored = 0;
                if (expanded == 0xFFFFFFFF)
                    next(ignored);
                if (compressed == 0xFFFFFFFF)
                    next(compressed);
                if (local == 0xFFFFFFFF)
                    next(local);
            }
            at += 4 + length;
        }
        std::array<unsigned char, 30> head{};
        if (local > size_ || size_ - local < head.size() ||
            !pread_exact(fd_, head.data(), head.size(), local) ||
            std::memcmp(head.data(), "PK\x03\x04", 4) != 0)
            return Span{local, local, {}}; // libzip refuses to read it; nothing to overlap
        const std::uint64_t data = local + head.size() + le(&head[26], 2) + le(&head[28], 2);
        if (compressed > std::numeric_limits<std::uint64_t>::max() - data)
            return std::nullopt;
        return Span{local, data + compressed, {}};
    }

    int fd_;
    std::uint64_t size_;
};

// ZIP_CHECKCONS refuses a zip that stores a name twice without saying which name; a second,
// lenient open of the same source finds it for the message. Takes ownership of `source`.
std::string duplicate_name(zip_source_t* source) {
    ZipErrorHolder error;
    ZipHandle zip(zip_open_from_source(source, ZIP_RDONLY, error.get()));
    if (!zip) {
        zip_source_free(source);
        return {};
    }
    std::vector<std::string> names;
    const zip_int64_t count = zip_get_num_entries(zip.get(), 0);
    for (zip_int64_t i = 0; i < count; ++i)
        if (const char* name = zip_get_name(zip.get(), static_cast<zip_uint64_t>(i), 0))
            names.emplace_back(name);
    std::sort(names.begin(), names.end());
    const auto twice = std::adjacent_find(names.begin(), names.end());
    return twice == names.end() ? std::string() : *twice;
}

// Two entries whose bytes overlap: a zip tool writes every entry once, one after the other.
// Returns the error and the name of the entry it concerns.
std::optional<std::pair<Error, std::string>> find_overlap(std::vector<Span> spans) {
    std::sort(spans.begin(), spans.end(),
              [](const Span& a, const Span& b) { return a.begin < b.begin; });
    for (std::size_t i = 1; i < spans.size(); ++i) {
        const Span& before = spans[i - 1];
        const Span& span = spans[i];
        if (span.begin >= before.end || before.begin == before.end)
            continue;
        Error error =
            bad_input("archive.overlap", "its data overlaps that of '" + printable(before.name) +
                                             "': one compressed stream read as several files, the "
                                             "shape of a zip bomb");
        return std::pair{
            error.with_hint("no zip tool writes this; the file was made to expand far beyond "
                            "its size"),
            span.name};
    }
    return std::nullopt;
}

class ZipBackend final : public Backend {
public:
    ZipBackend(ZipHandle zip, Where where, std::map<std::uint64_t, std::string> names_with_nul)
        : zip_(std::move(zip)), where_(std::move(where)),
          names_with_nul_(std::move(names_with_nul)) {}

    Result<void> list(const RawVisitor& visit) override {
        const zip_int64_t count = zip_get_num_entries(zip_.get(), 0);
        for (zip_int64_t i = 0; i < count; ++i) {
            auto raw = describe(static_cast<zip_uint64_t>(i));
            if (!raw)
                return raw.error();
            if (auto ok = visit(std::move(*raw)); !ok)
                return ok;
        }
        return {};
    }

    Result<void> read(const RawEntry& entry, const ArchiveSink& sink) const override {
        ZipFileHandle file(zip_fopen_index(zip_.get(), entry.locator, 0));
        if (!file)
            return translate(zip_get_error(zip_.get()), "opening the entry");
        std::vector<char> buffer(kChunkSize);
        for (;;) {
            const zip_int64_t n = zip_fread(file.get(), buffer.data(), buffer.size());
            if (n < 0)
                return translate(zip_file_get_error(file.get()), "reading the entry");
            if (n == 0)
                return {};
            if (auto ok = sink(std::string_view(buffer.data(), static_cast<std::size_t>(n))); !ok)
                return ok;
        }
    }

private:
    Result<RawEntry> describe(zip_uint64_t index) const {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(zip_.get(), index, ZIP_FL_ENC_GUESS, &st) != 0)
            return where_.at(translate(zip_get_error(zip_.get()), "listing the entries"));
        RawEntry raw;
        raw.locator = index;
        if ((st.valid & ZIP_STAT_NAME) != 0 && st.name != nullptr)
            raw.name = st.name;
        // libzip's guess reads a name with a control byte as CP437 and turns the byte into a
        // symbol (0x01 becomes U+263A); other tools keep the byte. Check the stored bytes.
        if (const char* stored = zip_get_name(zip_.get(), index, ZIP_FL_ENC_RAW)) {
            const std::string_view bytes(stored);
            if (std::any_of(bytes.begin(), bytes.end(), [](char c) {
                    const auto u = static_cast<unsigned char>(c);
                    return u < 0x20 || u == 0x7F;
                }))
                raw.name = std::string(bytes);
        }
        if (auto real = names_with_nul_.find(index); real != names_with_nul_.end())
            raw.name = real->second;
        if ((st.valid & ZIP_STAT_SIZE) == 0 || (st.valid & ZIP_STAT_COMP_SIZE) == 0)
            return where_.at(damaged("an entry has no recorded size"), raw.name);
        raw.size = st.size;
        raw.compressed_size = st.comp_size;
        if ((st.valid & ZIP_STAT_CRC) != 0)
            raw.crc32 = st.crc;
        raw.type = type_of(index, raw.name);
        if (raw.type == RawType::Directory && raw.size > 0)
            raw.problem = where_.at(
                bad_input("archive.special-file",
                          "is marked as a folder but holds " + std::to_string(raw.size) + " bytes"),
                raw.name);
        if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) != 0 && st.encryption_method != ZIP_EM_NONE)
            raw.problem = where_.at(
                bad_input("archive.encrypted", "is encrypted")
                    .with_hint("Cisco packages are never encrypted; get the package again"),
                raw.name);
        else if ((st.valid & ZIP_STAT_COMP_METHOD) != 0 &&
                 zip_compression_method_supported(st.comp_method, 0) == 0)
            raw.problem =
                where_.at(bad_input("archive.unsupported-compression",
                                    "uses compression method " + std::to_string(st.comp_method) +
                                        ", which fwplan cannot read"),
                          raw.name);
        return raw;
    }

    // The Unix mode lives in the high 16 bits of the external attributes when the zip was
    // made on Unix or macOS; that is where zip tools record symlinks and devices.
    RawType type_of(zip_uint64_t index, std::string_view name) const {
        RawType type = RawType::File;
        zip_uint8_t opsys = 0;
        zip_uint32_t attributes = 0;
        if (zip_file_get_external_attributes(zip_.get(), index, 0, &opsys, &attributes) == 0 &&
            (opsys == ZIP_OPSYS_UNIX || opsys == ZIP_OPSYS_OS_X)) {
            switch ((attributes >> 16) & S_IFMT) {
            case 0:
            case S_IFREG:
                break;
            case S_IFDIR:
                type = RawType::Directory;
                break;
            case S_IFLNK:
                return RawType::Symlink;
            default:
                return RawType::Special;
            }
        }
        if (!name.empty() && name.back() == '/')
            type = RawType::Directory;
        return type;
    }

    ZipHandle zip_;
    Where where_;
    std::map<std::uint64_t, std::string> names_with_nul_;
};

} // namespace

Result<std::unique_ptr<Backend>> open_zip(UniqueFd fd, Where where, std::size_t max_entries) {
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0)
        return where.at(system_error("archive.unreadable", {}, "cannot read the zip", errno));
    if (st.st_size == 0)
        return where.at(bad_input("archive.not-a-zip", "is not a zip file: it is empty")
                            .with_hint("download the package again"));
    const auto size = static_cast<std::uint64_t>(st.st_size);
    const int raw_fd = fd.get();
    StdioHandle stream(::fdopen(raw_fd, "rb"));
    if (!stream)
        return where.at(system_error("archive.unreadable", {}, "cannot read the zip", errno));
    fd.release(); // the stream owns it now

    ZipErrorHolder error;
    ZipSourceHandle source(zip_source_filep_create(stream.get(), 0, -1, error.get()));
    if (!source)
        return where.at(translate(error.get(), "opening the zip"));
    stream.release(); // the source owns the stream now
    ZipHandle zip(zip_open_from_source(source.get(), ZIP_RDONLY | ZIP_CHECKCONS, error.get()));
    if (!zip) {
        Error failure = translate(error.get(), "opening the zip");
        if (zip_error_code_zip(error.get()) == ZIP_ER_EXISTS)
            return where.at(std::move(failure), duplicate_name(source.release()));
        return where.at(std::move(failure));
    }
    source.release(); // the archive owns the source now

    const zip_int64_t count = zip_get_num_entries(zip.get(), 0);
    if (count < 0)
        return where.at(damaged("it has no readable entry count"));
    if (static_cast<std::uint64_t>(count) > max_entries)
        return where.at(bad_input("archive.too-many-entries",
                                  "has " + std::to_string(count) + " entries, more than the " +
                                      std::to_string(max_entries) + " allowed")
                            .with_hint("no firmware package holds that many files"));
    auto facts = CentralDirectoryScan(raw_fd, size).scan(static_cast<std::uint64_t>(count));
    if (!facts)
        return where.at(facts.error());
    if (auto overlap = find_overlap(facts->spans))
        return where.at(std::move(overlap->first), overlap->second);
    return std::unique_ptr<Backend>(std::make_unique<ZipBackend>(std::move(zip), std::move(where),
                                                                 std::move(facts->names_with_nul)));
}

} // namespace fwplan::detail
