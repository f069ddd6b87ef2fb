#include "archive/tar_backend.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <cstring>
#include <unistd.h>
#include <vector>

namespace fwplan::detail {

namespace {

constexpr std::uint64_t kHeaderSlack = 64ull << 20;

struct ArchiveReadFree {
    void operator()(archive* a) const noexcept { archive_read_free(a); }
};
using ArchiveHandle = std::unique_ptr<archive, ArchiveReadFree>;

// libarchive pulls the bytes through this callback: pread from a descriptor fwplan holds,
// starting after the signed header, so a rename of the package after open() changes nothing.
struct Feed {
    int fd = -1;
    std::uint64_t position = 0;
    std::vector<char> buffer = std::vector<char>(kChunkSize);
};

la_ssize_t feed_read(archive* a, void* client, const void** out) {
    auto* feed = static_cast<Feed*>(client);
    const ssize_t n =
        pread_some(feed->fd, feed->buffer.data(), feed->buffer.size(), feed->position);
    if (n < 0) {
        archive_set_error(a, errno, "cannot read the file: %s", std::strerror(errno));
        return -1;
    }
    feed->position += static_cast<std::uint64_t>(n);
    *out = feed->buffer.data();
    return n;
}

Error damaged(archive* a, const char* during) {
    const char* text = a != nullptr ? archive_error_string(a) : nullptr;
    return bad_input("archive.damaged", std::string("the tar is damaged or not a tar (") +
                                            (text != nullptr ? text : "unknown error") +
                                            ", while " + during + ")")
        .with_hint("the file is damaged or incomplete; download it again");
}

// One pass over the tar: libarchive state plus the feed it reads from (which must not move
// while libarchive holds a pointer to it).
class TarStream {
public:
    static Result<std::unique_ptr<TarStream>> open(int fd, std::uint64_t offset) {
        auto stream = std::unique_ptr<TarStream>(new TarStream());
        stream->feed_.fd = fd;
        stream->feed_.position = offset;
        stream->archive_.reset(archive_read_new());
        archive* a = stream->archive_.get();
        if (a == nullptr)
            return io_error("archive.unreadable", "out of memory");
        if (archive_read_support_filter_gzip(a) != ARCHIVE_OK ||
            archive_read_support_format_tar(a) != ARCHIVE_OK)
            return io_error("archive.unreadable", std::string("libarchive cannot read tar.gz: ") +
                                                      archive_error_string(a));
        if (archive_read_open(a, &stream->feed_, nullptr, feed_read, nullptr) != ARCHIVE_OK)
            return damaged(a, "opening it");
        return stream;
    }

    [[nodiscard]] archive* get() const { return archive_.get(); }

private:
    TarStream() = default;
    Feed feed_;
    ArchiveHandle archive_;
};

class TarBackend final : public Backend {
public:
    TarBackend(UniqueFd fd, std::uint64_t offset, Where where, const ArchiveLimits& limits)
        : fd_(std::move(fd)), offset_(offset), where_(std::move(where)), limits_(limits) {}

    Result<void> list(const RawVisitor& visit) override {
        auto stream = TarStream::open(fd_.get(), offset_);
        if (!stream)
            return where_.at(stream.error());
        archive* a = (*stream)->get();
        for (std::uint64_t ordinal = 0;; ++ordinal) {
            archive_entry* entry = nullptr;
            const int status = archive_read_next_header(a, &entry);
            if (status == ARCHIVE_EOF)
                return check_stream(a); // what the last entry and the padding expanded to
            // ARCHIVE_WARN too: libarchive warns when it ignored part of a header (an
            // oversized pax record, say), and then the name may not be the one stored.
            if (status != ARCHIVE_OK)
                return where_.at(damaged(a, "listing the entries"));
            if (auto ok = check_stream(a); !ok)
                return ok;
            auto raw = describe(entry, ordinal);
            if (!raw)
                return raw.error();
            if (auto ok = visit(std::move(*raw)); !ok)
                return ok;
            if (auto ok = drain(a); !ok)
                return ok;
        }
    }

    // A tar has no index: an entry is found by walking the stream to it. Reading entries
    // in storage order (as inspection and extraction do) continues the same walk, so a
    // package is decompressed once, not once per entry; an entry before the cursor starts
    // a new walk.
    Result<void> read(const RawEntry& entry, const ArchiveSink& sink) const override {
        if (!cursor_ || entry.locator < next_ordinal_) {
            auto stream = TarStream::open(fd_.get(), offset_);
            if (!stream)
                return stream.error();
            cursor_ = std::move(*stream);
            next_ordinal_ = 0;
        }
        bool stopped_by_sink = false;
        auto ok = read_at_cursor(entry, sink, stopped_by_sink);
        // A reader that stopped early (it had the header it wanted) leaves the stream
        // sound: the next header read skips the rest of the entry. After a failure of the
        // stream itself its state is unknown: walk afresh.
        if (!ok && !stopped_by_sink)
            cursor_.reset();
        return ok;
    }

private:
    Result<void> read_at_cursor(const RawEntry& entry, const ArchiveSink& sink,
                                bool& stopped_by_sink) const {
        archive* a = cursor_->get();
        for (; next_ordinal_ <= entry.locator; ++next_ordinal_) {
            archive_entry* header = nullptr;
            const int status = archive_read_next_header(a, &header);
            if (status != ARCHIVE_OK)
                return damaged(a, "looking for the entry");
            if (auto ok = check_stream(a); !ok)
                return ok;
            const char* name = archive_entry_pathname(header);
            if (next_ordinal_ == entry.locator && (name == nullptr || entry.name != name))
                return where_.at(
                    bad_input("archive.changed", "the package changed since it was opened"),
                    entry.name);
        }
        std::vector<char> buffer(kChunkSize);
        for (;;) {
            const la_ssize_t n = archive_read_data(a, buffer.data(), buffer.size());
            if (n < 0)
                return damaged(a, "reading the entry");
            if (n == 0)
                return {};
            // The stream's bounds hold inside an entry too, the last one included: no
            // later header would check them.
            if (auto ok = check_stream(a); !ok)
                return ok;
            if (auto ok = sink(std::string_view(buffer.data(), static_cast<std::size_t>(n))); !ok) {
                stopped_by_sink = true;
                return ok;
            }
        }
    }

    // Walks over an entry's data block by block with the stream's bounds checked at each,
    // rather than letting libarchive skip it unchecked: a bomb in the last entry (400 MB
    // of zeros from 400 KB) is stopped at the ratio limit, not after expanding whole.
    Result<void> drain(archive* a) const {
        for (;;) {
            const void* block = nullptr;
            std::size_t size = 0;
            la_int64_t offset = 0;
            const int status = archive_read_data_block(a, &block, &size, &offset);
            if (status == ARCHIVE_EOF)
                return {};
            if (status != ARCHIVE_OK)
                return where_.at(damaged(a, "listing the entries"));
            if (auto ok = check_stream(a); !ok)
                return ok;
        }
    }

    // Bounds the decompressed stream as a whole: tar headers are not entries, so the entry
    // limits alone would let a gzip bomb hide in padding or in long-name records.
    Result<void> check_stream(archive* a) const {
        const la_int64_t expanded = archive_filter_bytes(a, 0);
        const la_int64_t compressed = archive_filter_bytes(a, -1);
        if (expanded < 0 || compressed < 0)
            return {};
        const auto out = static_cast<std::uint64_t>(expanded);
        const auto in = static_cast<std::uint64_t>(compressed);
        if (out > limits_.max_total_size + kHeaderSlack)
            return where_.at(bad_input("archive.too-large",
                                       "expands to more than " +
                                           std::to_string(limits_.max_total_size) + " bytes"));
        if (out >= limits_.min_ratio_size && in > 0 && out / in > limits_.max_ratio)
            return where_.at(bad_input("archive.ratio", "expands " + std::to_string(out / in) +
                                                            " times, more than the " +
                                                            std::to_string(limits_.max_ratio) +
                                                            " allowed: a compression bomb"));
        return {};
    }

    Result<RawEntry> describe(archive_entry* entry, std::uint64_t ordinal) const {
        RawEntry raw;
        raw.locator = ordinal;
        if (const char* name = archive_entry_pathname(entry))
            raw.name = name;
        if (archive_entry_hardlink(entry) != nullptr) {
            raw.type = RawType::Hardlink;
        } else {
            switch (archive_entry_filetype(entry)) {
            case AE_IFREG:
                raw.type = RawType::File;
                break;
            case AE_IFDIR:
                raw.type = RawType::Directory;
                break;
            case AE_IFLNK:
                raw.type = RawType::Symlink;
                break;
            default:
                raw.type = RawType::Special;
                break;
            }
        }
        const la_int64_t size =
            archive_entry_size_is_set(entry) != 0 ? archive_entry_size(entry) : 0;
        if (size < 0)
            return where_.at(bad_input("archive.damaged", "has a negative size"), raw.name);
        raw.size = static_cast<std::uint64_t>(size);
        raw.compressed_size = raw.size;
        return raw;
    }

    UniqueFd fd_;
    std::uint64_t offset_;
    Where where_;
    ArchiveLimits limits_;
    // The walk in progress and the ordinal of the next header it reads (Archive::read is
    // const but, as documented, not thread-safe).
    mutable std::unique_ptr<TarStream> cursor_;
    mutable std::uint64_t next_ordinal_ = 0;
};

} // namespace

Result<std::unique_ptr<Backend>> open_tar(UniqueFd fd, std::uint64_t offset, Where where,
                                          const ArchiveLimits& limits) {
    return std::unique_ptr<Backend>(
        std::make_unique<TarBackend>(std::move(fd), offset, std::move(where), limits));
}

} // namespace fwplan::detail
