// archive.hpp: packages of every kind list and stream their entries; hostile packages are
// refused at open() naming package and entry; lying sizes, bad CRCs and bombs are caught.
// Every fixture is built here, with libzip's and libarchive's write APIs.
#include "hostile_fixtures.hpp"

#include <fwplan/archive.hpp>

#include <archive.h>
#include <archive_entry.h>
#include <doctest/doctest.h>
#include <zip.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace fs = std::filesystem;
using fwplan::Archive;
using fwplan::ArchiveEntry;
using fwplan::ArchiveKind;
using fwplan::ArchiveLimits;
using fwplan::ErrorKind;
using fwplan::Result;
using fwplan::UnsafeEntryPolicy;

namespace {

// A fresh folder per test case, removed afterwards.
class Scratch {
public:
    Scratch() {
        static int counter = 0;
        dir_ = fs::path(FWPLAN_TEST_TMPDIR) / "archive" /
               (std::to_string(::getpid()) + "-" + std::to_string(++counter));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
    [[nodiscard]] fs::path operator/(const std::string& name) const { return dir_ / name; }
    [[nodiscard]] const fs::path& dir() const { return dir_; }

private:
    fs::path dir_;
};

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const fs::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    REQUIRE(out);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(out);
}

// Replaces every occurrence of `from` by `to` (same length) in a file; at least one.
void patch(const fs::path& path, const std::string& from, const std::string& to) {
    REQUIRE(from.size() == to.size());
    std::string bytes = slurp(path);
    std::size_t count = 0;
    for (std::size_t at = bytes.find(from); at != std::string::npos;
         at = bytes.find(from, at + to.size())) {
        bytes.replace(at, from.size(), to);
        ++count;
    }
    REQUIRE(count > 0);
    spit(path, bytes);
}

void put_le32(std::string& bytes, std::size_t at, std::uint32_t value) {
    for (std::size_t i = 0; i < 4; ++i)
        bytes[at + i] = static_cast<char>((value >> (8 * i)) & 0xFFu);
}

struct ZipItem {
    ZipItem(std::string name_, std::string data_, bool store_ = false,
            std::optional<std::uint32_t> unix_mode_ = std::nullopt)
        : name(std::move(name_)), data(std::move(data_)), store(store_), unix_mode(unix_mode_) {}
    static ZipItem folder(std::string name) {
        ZipItem item(std::move(name), "");
        item.directory = true;
        return item;
    }
    std::string name;
    std::string data;
    bool store = false;                     // ZIP_CM_STORE instead of deflate
    std::optional<std::uint32_t> unix_mode; // S_IFLNK | 0777 and such
    bool directory = false;
};

void write_zip(const fs::path& path, const std::vector<ZipItem>& items) {
    int error = 0;
    zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    REQUIRE(zip != nullptr);
    for (const ZipItem& item : items) {
        zip_int64_t index = -1;
        if (item.directory) {
            index = zip_dir_add(zip, item.name.c_str(), ZIP_FL_ENC_UTF_8);
        } else {
            zip_source_t* source = zip_source_buffer(zip, item.data.data(), item.data.size(), 0);
            REQUIRE(source != nullptr);
            index = zip_file_add(zip, item.name.c_str(), source, ZIP_FL_ENC_UTF_8);
            if (index < 0)
                zip_source_free(source);
        }
        INFO("adding ", item.name, ": ", std::string(zip_strerror(zip)));
        REQUIRE(index >= 0);
        const auto at = static_cast<zip_uint64_t>(index);
        if (!item.directory)
            REQUIRE(zip_set_file_compression(zip, at, item.store ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
                                             0) == 0);
        if (item.unix_mode)
            REQUIRE(zip_file_set_external_attributes(zip, at, 0, ZIP_OPSYS_UNIX,
                                                     *item.unix_mode << 16) == 0);
    }
    REQUIRE(zip_close(zip) == 0);
}

struct TarItem {
    TarItem(std::string name_, std::string data_, unsigned type_ = AE_IFREG, std::string link_ = "",
            bool hardlink_ = false)
        : name(std::move(name_)), data(std::move(data_)), type(type_), link(std::move(link_)),
          hardlink(hardlink_) {}
    std::string name;
    std::string data;
    unsigned type = AE_IFREG;
    std::string link; // symlink target or hard-link source
    bool hardlink = false;
};

std::string make_tar(const std::vector<TarItem>& items, bool gzip = true) {
    archive* a = archive_write_new();
    REQUIRE(a != nullptr);
    if (gzip)
        REQUIRE(archive_write_add_filter_gzip(a) == ARCHIVE_OK);
    REQUIRE(archive_write_set_format_pax_restricted(a) == ARCHIVE_OK);
    std::vector<char> buffer(4u << 20);
    std::size_t used = 0;
    REQUIRE(archive_write_open_memory(a, buffer.data(), buffer.size(), &used) == ARCHIVE_OK);
    for (const TarItem& item : items) {
        archive_entry* entry = archive_entry_new();
        archive_entry_set_pathname(entry, item.name.c_str());
        archive_entry_set_filetype(entry, item.type);
        archive_entry_set_perm(entry, 0644);
        if (item.hardlink)
            archive_entry_set_hardlink(entry, item.link.c_str());
        else if (item.type == AE_IFLNK)
            archive_entry_set_symlink(entry, item.link.c_str());
        if (item.type == AE_IFREG && !item.hardlink)
            archive_entry_set_size(entry, static_cast<la_int64_t>(item.data.size()));
        REQUIRE(archive_write_header(a, entry) == ARCHIVE_OK);
        if (!item.data.empty())
            REQUIRE(archive_write_data(a, item.data.data(), item.data.size()) ==
                    static_cast<la_ssize_t>(item.data.size()));
        archive_entry_free(entry);
    }
    REQUIRE(archive_write_close(a) == ARCHIVE_OK);
    archive_write_free(a);
    return std::string(buffer.data(), used);
}

// The minimal TLV signed header of docs/phone-files.md §8: version 1.1, header length 12, padding.
std::string cop_header() {
    return std::string("\x01\x00\x02\x01\x01\x02\x00\x02\x00\x0C\x0D\x0D", 12);
}

Archive open_ok(const fs::path& path, const ArchiveLimits& limits = {},
                UnsafeEntryPolicy policy = UnsafeEntryPolicy::Refuse) {
    auto opened = Archive::open(path, limits, policy);
    INFO("opening ", path.string(), ": ", (opened ? std::string() : opened.error().describe()));
    REQUIRE(opened.ok());
    return std::move(opened).value();
}

fwplan::Error open_fails(const fs::path& path, const ArchiveLimits& limits = {}) {
    auto opened = Archive::open(path, limits);
    INFO("opening ", path.string());
    REQUIRE_FALSE(opened.ok());
    return opened.error();
}

std::vector<std::string> names(const Archive& archive) {
    std::vector<std::string> out;
    for (const ArchiveEntry& entry : archive.entries())
        out.push_back(entry.qualified_name());
    return out;
}

std::string read_text(const Archive& archive, const std::string& name) {
    const ArchiveEntry* entry = archive.find(name);
    INFO("entry ", name);
    REQUIRE(entry != nullptr);
    auto text = archive.read_all(*entry);
    INFO((text ? std::string() : text.error().describe()));
    REQUIRE(text.ok());
    return *text;
}

// A refusal must say which package and which entry, in the fields and in describe().
void check_names_package_and_entry(const fwplan::Error& error, const fs::path& package,
                                   const std::string& entry) {
    CHECK(error.kind == ErrorKind::BadInput);
    CHECK(error.file == package.string());
    CHECK(error.entry == entry);
    const std::string text = error.describe();
    CHECK(text.find(package.string()) != std::string::npos);
    CHECK(text.find(entry) != std::string::npos);
}

// Pseudo-random bytes: deflate cannot shrink them, so ratios stay near 1.
std::string noise(std::size_t size, std::uint32_t seed = 1) {
    std::string out(size, '\0');
    for (char& c : out) {
        seed = seed * 1103515245u + 12345u;
        c = static_cast<char>(seed >> 24);
    }
    return out;
}

const std::string kLoads = "#\r\n# synthetic SIP41.9-4-2SR3-1S\r\napps41.9-4-2ES26.sbn\r\n";

} // namespace

TEST_CASE("a cmterm zip lists its files sorted, with sizes and CRCs, and streams them") {
    Scratch scratch;
    const fs::path zip = scratch / "cmterm-7941_7961-sip.9-4-2SR3-1.zip";
    const std::string big = noise(200000);
    write_zip(zip, {
                       {"term61.default.loads", kLoads},
                       {"SIP41.9-4-2SR3-1S.loads", kLoads, true},
                       {"apps41.9-4-2ES26.sbn", big},
                       ZipItem::folder("docs"),
                       {"docs/readme.txt", std::string(5000, 'r')},
                   });
    Archive archive = open_ok(zip);
    CHECK(archive.kind() == ArchiveKind::Zip);
    CHECK(archive.path() == zip);
    CHECK(archive.findings().empty());
    CHECK(names(archive) == std::vector<std::string>{"SIP41.9-4-2SR3-1S.loads",
                                                     "apps41.9-4-2ES26.sbn", "docs/readme.txt",
                                                     "term61.default.loads"});

    const ArchiveEntry& readme = archive.entries()[2];
    CHECK(readme.base_name == "readme.txt");
    CHECK(readme.container.empty());
    CHECK(readme.size == 5000);
    CHECK(readme.compressed_size < 100); // deflated
    REQUIRE(readme.crc32.has_value());

    const ArchiveEntry& stored = archive.entries()[0];
    CHECK(stored.size == kLoads.size());
    CHECK(stored.compressed_size == kLoads.size());
    CHECK(read_text(archive, "SIP41.9-4-2SR3-1S.loads") == kLoads);

    // Streaming: several chunks, none over 64 KiB, together the whole entry; the CRC read()
    // returns is the one the zip records.
    const ArchiveEntry& apps = archive.entries()[1];
    std::string streamed;
    std::size_t chunks = 0;
    auto crc = archive.read(apps, [&](std::string_view chunk) -> Result<void> {
        CHECK(chunk.size() <= 64u * 1024u);
        streamed.append(chunk);
        ++chunks;
        return {};
    });
    REQUIRE(crc.ok());
    CHECK(chunks >= 4);
    CHECK(streamed == big);
    CHECK(*crc == *apps.crc32);
}

TEST_CASE("find matches a full name first, then a base name, find_ignoring_case finds all") {
    Scratch scratch;
    const fs::path zip = scratch / "P0S3-8-12-00.zip";
    write_zip(zip, {
                       {"P0S3-8-12-00/P0S3-8-12-00.loads", "P003-8-12-00 P0S3-8-12-00.sb2\n"},
                       {"P0S3-8-12-00/jar41sip.sbn", "x"},
                       {"OS79XX.TXT", "P003-8-12-00 \r\n"},
                   });
    Archive archive = open_ok(zip);
    const ArchiveEntry* by_full = archive.find("P0S3-8-12-00/P0S3-8-12-00.loads");
    const ArchiveEntry* by_base = archive.find("P0S3-8-12-00.loads");
    REQUIRE(by_full != nullptr);
    CHECK(by_full == by_base);
    CHECK(by_base->base_name == "P0S3-8-12-00.loads");
    CHECK(archive.find("p0s3-8-12-00.loads") == nullptr); // exact case only
    CHECK(archive.find("P0S3-8-12-00") == nullptr);       // folders are not entries

    auto found = archive.find_ignoring_case("Jar41SIP.sbn");
    REQUIRE(found.size() == 1);
    CHECK(found[0]->name == "P0S3-8-12-00/jar41sip.sbn");
    CHECK(archive.find_ignoring_case("os79xx.txt").size() == 1);
    CHECK(archive.find_ignoring_case("missing.sbn").empty());
}

TEST_CASE("a folder lists every regular file below it with '/' names, and computes CRCs") {
    Scratch scratch;
    const fs::path root = scratch / "tftp";
    fs::create_directories(root / "firmware" / "7941");
    spit(root / "XMLDefault.cnf.xml", "<Default/>");
    spit(root / "firmware" / "7941" / "SIP41.9-4-2SR3-1S.loads", kLoads);
    spit(root / "check.bin", "123456789");
    fs::create_directories(root / "empty");

    Archive archive = open_ok(root);
    CHECK(archive.kind() == ArchiveKind::Folder);
    CHECK(names(archive) == std::vector<std::string>{"XMLDefault.cnf.xml", "check.bin",
                                                     "firmware/7941/SIP41.9-4-2SR3-1S.loads"});
    const ArchiveEntry& loads = archive.entries()[2];
    CHECK(loads.base_name == "SIP41.9-4-2SR3-1S.loads");
    CHECK(loads.size == kLoads.size());
    CHECK(loads.compressed_size == loads.size);
    CHECK_FALSE(loads.crc32.has_value());
    CHECK(read_text(archive, "SIP41.9-4-2SR3-1S.loads") == kLoads);

    // The CRC-32 check value of "123456789" (IEEE 802.3) is CBF43926.
    auto crc =
        archive.read(archive.entries()[1], [](std::string_view) -> Result<void> { return {}; });
    REQUIRE(crc.ok());
    CHECK(*crc == 0xCBF43926u);
}

TEST_CASE("a loose file is one entry named after itself") {
    Scratch scratch;
    const fs::path file = scratch / "term41.default.loads";
    spit(file, kLoads);
    Archive archive = open_ok(file);
    CHECK(archive.kind() == ArchiveKind::LooseFile);
    REQUIRE(archive.entries().size() == 1);
    CHECK(archive.entries()[0].name == "term41.default.loads");
    CHECK(archive.entries()[0].base_name == "term41.default.loads");
    CHECK(archive.entries()[0].size == kLoads.size());
    CHECK(read_text(archive, "term41.default.loads") == kLoads);

    // A signed .loads starts like a .cop.sgn, but its name says what it is.
    const fs::path signed_loads = scratch / "SIP41.9-4-2SR3-1S.loads";
    spit(signed_loads, cop_header() + "body");
    CHECK(open_ok(signed_loads).kind() == ArchiveKind::LooseFile);
}

TEST_CASE("a .cop.sgn skips its signed header and reads the tar.gz behind it") {
    Scratch scratch;
    const std::string payload = noise(150000, 7);
    const std::string tar = make_tar({
        {"./", "", AE_IFDIR},
        {"./cmterm-7942_7962-sip.9-4-2SR3-1", "", AE_IFDIR},
        {"./cmterm-7942_7962-sip.9-4-2SR3-1/SIP42.9-4-2SR3-1S.loads", kLoads},
        {"./cmterm-7942_7962-sip.9-4-2SR3-1/apps42.9-4-2ES26.sbn", payload},
    });
    const fs::path cop = scratch / "cmterm-7942_7962-sip.9-4-2SR3-1.k3.cop.sgn";
    spit(cop, cop_header() + tar);

    Archive archive = open_ok(cop);
    CHECK(archive.kind() == ArchiveKind::CopSgn);
    CHECK(names(archive) ==
          std::vector<std::string>{"cmterm-7942_7962-sip.9-4-2SR3-1/SIP42.9-4-2SR3-1S.loads",
                                   "cmterm-7942_7962-sip.9-4-2SR3-1/apps42.9-4-2ES26.sbn"});
    CHECK_FALSE(archive.entries()[0].crc32.has_value());
    CHECK(read_text(archive, "SIP42.9-4-2SR3-1S.loads") == kLoads);
    std::string streamed;
    auto crc = archive.read(archive.entries()[1], [&](std::string_view chunk) -> Result<void> {
        streamed.append(chunk);
        return {};
    });
    REQUIRE(crc.ok());
    CHECK(streamed == payload);

    SUBCASE("a package cut short after open() fails the read, naming the entry as listed") {
        spit(cop, cop_header() + tar.substr(0, tar.size() / 3)); // same file, rewritten
        auto text = archive.read_all(archive.entries()[1], 1u << 20);
        REQUIRE_FALSE(text.ok());
        CHECK(text.error().code == "fwplan.archive.damaged");
        check_names_package_and_entry(text.error(), cop,
                                      "cmterm-7942_7962-sip.9-4-2SR3-1/apps42.9-4-2ES26.sbn");
    }
    SUBCASE("an unsigned .cop is the bare tar.gz") {
        const fs::path bare = scratch / "cmterm-79417961-sip.8-0-2SR1.cop";
        spit(bare, tar);
        Archive unsigned_cop = open_ok(bare);
        CHECK(unsigned_cop.entries().size() == 2);
        CHECK(read_text(unsigned_cop, "SIP42.9-4-2SR3-1S.loads") == kLoads);
    }
    SUBCASE("plain and gzipped tars read the same way") {
        spit(scratch / "P0S3-8-12-00.tar",
             make_tar({{"P0S3-8-12-00/OS79XX.TXT", "P003 \r\n"}}, false));
        spit(scratch / "P0S3-8-12-00.tgz", make_tar({{"P0S3-8-12-00/OS79XX.TXT", "P003 \r\n"}}));
        for (const char* name : {"P0S3-8-12-00.tar", "P0S3-8-12-00.tgz"}) {
            Archive plain = open_ok(scratch / name);
            CHECK(plain.kind() == ArchiveKind::Tar);
            CHECK(read_text(plain, "OS79XX.TXT") == "P003 \r\n");
        }
    }
    SUBCASE("a broken signed header is refused") {
        const fs::path bad = scratch / "bad.cop.sgn";
        spit(bad, std::string("\x01\x00\x02\x01\x01\x07\x00\x02\x00\x0C", 10) + tar);
        auto error = open_fails(bad);
        CHECK(error.code == "fwplan.archive.bad-signed-header");
        CHECK(error.file == bad.string());
        spit(bad, std::string("\x01\x00\x02\x01\x01\x02\x00\x02\xFF\xF0", 10));
        CHECK(open_fails(bad).message.find("is larger than the file") != std::string::npos);
    }
}

TEST_CASE("a bundle zip exposes the entries of the zips inside it, one level deep") {
    Scratch scratch;
    const fs::path inner = scratch / "inner.zip";
    const fs::path deeper = scratch / "deeper.zip";
    write_zip(deeper, {{"deep.txt", "deep"}});
    write_zip(inner, {
                         {"SIP41.9-4-2SR3-1S.loads", kLoads},
                         {"term41.default.loads", kLoads},
                         {"extra/deeper.zip", slurp(deeper), true},
                     });
    const fs::path bundle = scratch / "bundle.zip";
    write_zip(bundle, {
                          {"README.txt", "read me"},
                          {"firmware/cmterm-7941_7961-sip.9-4-2SR3-1.zip", slurp(inner)},
                      });
    Archive archive = open_ok(bundle);
    const std::string c = "firmware/cmterm-7941_7961-sip.9-4-2SR3-1.zip";
    CHECK(names(archive) == std::vector<std::string>{"README.txt", c + "/SIP41.9-4-2SR3-1S.loads",
                                                     c + "/extra/deeper.zip",
                                                     c + "/term41.default.loads"});
    const ArchiveEntry* loads = archive.find("SIP41.9-4-2SR3-1S.loads");
    REQUIRE(loads != nullptr);
    CHECK(loads->container == c);
    CHECK(loads->name == "SIP41.9-4-2SR3-1S.loads");
    CHECK(read_text(archive, "SIP41.9-4-2SR3-1S.loads") == kLoads);
    CHECK(read_text(archive, "README.txt") == "read me");
    // The deeper zip stays an entry, byte for byte.
    CHECK(read_text(archive, "deeper.zip") == slurp(deeper));

    SUBCASE("a broken inner zip names the bundle and the inner zip") {
        write_zip(bundle, {{"cmterm-x.zip", "this is not a zip at all"}});
        auto error = open_fails(bundle);
        CHECK(error.code == "fwplan.archive.not-a-zip");
        check_names_package_and_entry(error, bundle, "cmterm-x.zip");
    }
    SUBCASE("a hostile name inside the inner zip is refused, naming both") {
        write_zip(inner, {{"../evil.loads", kLoads}});
        write_zip(bundle, {{"cmterm-x.zip", slurp(inner)}});
        auto error = open_fails(bundle);
        CHECK(error.code == "fwplan.archive.path-traversal");
        check_names_package_and_entry(error, bundle, "cmterm-x.zip/../evil.loads");
    }
    SUBCASE("the same name in two inner zips is not a collision") {
        write_zip(bundle, {{"a.zip", slurp(inner)}, {"b.zip", slurp(inner)}});
        Archive both = open_ok(bundle);
        CHECK(both.find_ignoring_case("term41.default.loads").size() == 2);
    }
}

TEST_CASE("a damaged entry fails its CRC check when read, naming the entry") {
    Scratch scratch;
    const fs::path zip = scratch / "crc.zip";
    write_zip(zip,
              {{"good.txt", "all fine here"}, {"SIP41.loads", "HELLO-CRC-CHECK-PAYLOAD", true}});
    patch(zip, "HELLO-CRC-CHECK-PAYLOAD", "JELLO-CRC-CHECK-PAYLOAD");
    Archive archive = open_ok(zip); // the CRC is only known once the data is read
    const ArchiveEntry* damaged = archive.find("SIP41.loads");
    REQUIRE(damaged != nullptr);
    auto text = archive.read_all(*damaged);
    REQUIRE_FALSE(text.ok());
    CHECK(text.error().code == "fwplan.archive.crc-mismatch");
    check_names_package_and_entry(text.error(), zip, "SIP41.loads");
    CHECK(read_text(archive, "good.txt") == "all fine here");
}

TEST_CASE("hostile entry names are refused at open, naming package and entry") {
    struct Case {
        std::string name;
        const char* code;
        std::string shown; // how the error names it
    };
    const std::vector<Case> cases = {
        {"../evil.loads", "fwplan.archive.path-traversal", "../evil.loads"},
        {"firmware/../../evil.sbn", "fwplan.archive.path-traversal", "firmware/../../evil.sbn"},
        {"..\\evil.sbn", "fwplan.archive.path-traversal", "..\\\\evil.sbn"},
        {"/etc/evil.loads", "fwplan.archive.absolute-path", "/etc/evil.loads"},
        {"C:\\tftp\\evil.loads", "fwplan.archive.absolute-path", "C:\\\\tftp\\\\evil.loads"},
        {"c:evil.loads", "fwplan.archive.absolute-path", "c:evil.loads"},
        {"\\\\server\\share\\x", "fwplan.archive.absolute-path", "\\\\\\\\server\\\\share\\\\x"},
        {"firmware\\evil.loads", "fwplan.archive.bad-name", "firmware\\\\evil.loads"},
        {"CON", "fwplan.archive.device-name", "CON"},
        {"firmware/aux.loads", "fwplan.archive.device-name", "firmware/aux.loads"},
        {"Com1.sbn", "fwplan.archive.device-name", "Com1.sbn"},
        {"lpt9", "fwplan.archive.device-name", "lpt9"},
        {"nul.tar.gz", "fwplan.archive.device-name", "nul.tar.gz"},
        {"prn/term41.default.loads", "fwplan.archive.device-name", "prn/term41.default.loads"},
        {"bad\x01name.loads", "fwplan.archive.bad-name", "bad\\x01name.loads"},
        {"tab\tname", "fwplan.archive.bad-name", "tab\\x09name"},
        {"dot.", "fwplan.archive.bad-name", "dot."},
        {"space ", "fwplan.archive.bad-name", "space "},
        {"a//b.sbn", "fwplan.archive.bad-name", "a//b.sbn"},
        {"a/./b.sbn", "fwplan.archive.bad-name", "a/./b.sbn"},
        {"stream.sbn:evil", "fwplan.archive.bad-name", "stream.sbn:evil"},
        {"what?.sbn", "fwplan.archive.bad-name", "what?.sbn"},
    };
    Scratch scratch;
    const fs::path zip = scratch / "hostile.zip";
    for (const Case& c : cases) {
        CAPTURE(c.name);
        // libzip will not write a control character (other than tab) into a name; the
        // fixture gets a placeholder that is patched afterwards.
        const std::size_t control = c.name.find('\x01');
        std::string written = c.name;
        if (control != std::string::npos)
            written[control] = '@';
        write_zip(zip, {{"SIP41.9-4-2SR3-1S.loads", kLoads}, {written, "payload"}});
        if (control != std::string::npos)
            patch(zip, written, c.name);
        auto error = open_fails(zip);
        CHECK(error.code == c.code);
        check_names_package_and_entry(error, zip, c.shown);
    }
    // Names that only look like the bad ones are fine.
    write_zip(zip, {{"console.loads", "x"},
                    {"CONFIG.txt", "x"},
                    {"com10.sbn", "x"},
                    {"lpt.sbn", "x"},
                    {"..dots..sbn", "x"},
                    {"jar41sip.9-4-2ES26.sbn", "x"}});
    const Archive fine = open_ok(zip);
    CHECK(fine.entries().size() == 5);
    // A name starting with a dot is hidden: checked, then left out, never refused.
    CHECK(fine.left_out() == std::vector<std::string>{"..dots..sbn"});
}

TEST_CASE("a NUL inside a stored zip name is refused, though libzip would cut the name there") {
    Scratch scratch;
    const fs::path zip = scratch / "nul.zip";
    write_zip(zip, {{"SIP41.loads", kLoads}, {"evil@name.loads", "x"}});
    patch(zip, "evil@name", std::string("evil\0name", 9));
    auto error = open_fails(zip);
    CHECK(error.code == "fwplan.archive.bad-name");
    check_names_package_and_entry(error, zip, "evil\\x00name.loads");
}

TEST_CASE("links and special files inside zips and tars are refused") {
    Scratch scratch;
    SUBCASE("zip symlink") {
        const fs::path zip = scratch / "link.zip";
        write_zip(zip,
                  {{"ok.sbn", "x"}, {"term41.default.loads", "/etc/passwd", true, S_IFLNK | 0777}});
        auto error = open_fails(zip);
        CHECK(error.code == "fwplan.archive.link");
        check_names_package_and_entry(error, zip, "term41.default.loads");
    }
    SUBCASE("zip device") {
        const fs::path zip = scratch / "device.zip";
        write_zip(zip, {{"dev.sbn", "", true, S_IFCHR | 0644}});
        auto error = open_fails(zip);
        CHECK(error.code == "fwplan.archive.special-file");
        check_names_package_and_entry(error, zip, "dev.sbn");
    }
    const fs::path cop = scratch / "links.cop.sgn";
    SUBCASE("tar symlink") {
        spit(cop,
             cop_header() + make_tar({{"a.sbn", "x"}, {"b.sbn", "", AE_IFLNK, "/etc/passwd"}}));
        auto error = open_fails(cop);
        CHECK(error.code == "fwplan.archive.link");
        check_names_package_and_entry(error, cop, "b.sbn");
    }
    SUBCASE("tar hard link") {
        spit(cop,
             cop_header() + make_tar({{"a.sbn", "x"}, {"b.sbn", "", AE_IFREG, "a.sbn", true}}));
        auto error = open_fails(cop);
        CHECK(error.code == "fwplan.archive.link");
        check_names_package_and_entry(error, cop, "b.sbn");
    }
    SUBCASE("tar device") {
        spit(cop, cop_header() + make_tar({{"dev/null", "", AE_IFCHR}}));
        auto error = open_fails(cop);
        CHECK(error.code == "fwplan.archive.special-file");
        check_names_package_and_entry(error, cop, "dev/null");
    }
    SUBCASE("tar traversal") {
        spit(cop, cop_header() + make_tar({{"../../etc/cron.d/evil", "x"}}));
        auto error = open_fails(cop);
        CHECK(error.code == "fwplan.archive.path-traversal");
        check_names_package_and_entry(error, cop, "../../etc/cron.d/evil");
    }
}

TEST_CASE("names that would collide in a flat TFTP root are refused") {
    Scratch scratch;
    const fs::path zip = scratch / "clash.zip";
    SUBCASE("stored twice") {
        write_zip(zip, {{"dupA.loads", "one"}, {"dupB.loads", "two"}});
        patch(zip, "dupB.loads", "dupA.loads");
        auto error = open_fails(zip);
        CHECK(error.code == "fwplan.archive.duplicate");
        check_names_package_and_entry(error, zip, "dupA.loads");
    }
    SUBCASE("case only") {
        write_zip(zip, {{"jar41sip.sbn", "one"}, {"Jar41sip.sbn", "two"}});
        auto error = open_fails(zip);
        CHECK(error.code == "fwplan.archive.case-collision");
        check_names_package_and_entry(error, zip, "jar41sip.sbn");
        CHECK(error.message.find("Jar41sip.sbn") != std::string::npos);
    }
    SUBCASE("same file name in two folders") {
        write_zip(zip, {{"sip/term41.default.loads", "one"}, {"sccp/term41.default.loads", "two"}});
        auto error = open_fails(zip);
        CHECK(error.code == "fwplan.archive.name-collision");
        check_names_package_and_entry(error, zip, "sip/term41.default.loads");
        CHECK(error.message.find("sccp/term41.default.loads") != std::string::npos);
    }
}

TEST_CASE("folders: links and special files are refused, or reported under the Report policy") {
    Scratch scratch;
    const fs::path root = scratch / "tftp";
    fs::create_directories(root / "sub");
    spit(root / "SIP41.loads", kLoads);
    spit(root / "sub" / "real.sbn", "real");
    fs::create_symlink("/etc/passwd", root / "linked.sbn");
    fs::create_directory_symlink(scratch.dir(), root / "outside");

    auto error = open_fails(root);
    CHECK(error.code == "fwplan.archive.link");
    check_names_package_and_entry(error, root, "linked.sbn");

    Archive reported = open_ok(root, {}, UnsafeEntryPolicy::Report);
    CHECK(names(reported) == std::vector<std::string>{"SIP41.loads", "sub/real.sbn"});
    REQUIRE(reported.findings().size() == 2);
    CHECK(reported.findings()[0].code == "fwplan.archive.link");
    CHECK(reported.findings()[0].entry == "linked.sbn");
    CHECK(reported.findings()[1].entry == "outside");

    REQUIRE(::mkfifo((root / "pipe").c_str(), 0600) == 0);
    spit(root / "sip41.LOADS", "other");
    Archive more = open_ok(root, {}, UnsafeEntryPolicy::Report);
    std::vector<std::string> codes;
    for (const fwplan::Error& finding : more.findings())
        codes.push_back(finding.code);
    CHECK(codes == std::vector<std::string>{"fwplan.archive.link", "fwplan.archive.link",
                                            "fwplan.archive.special-file",
                                            "fwplan.archive.case-collision"});
    // Both colliding files stay listed: the audit must be able to show them.
    CHECK(more.find_ignoring_case("SIP41.loads").size() == 2);

    SUBCASE("a file replaced by a link after open() is not followed") {
        Archive opened = open_ok(root, {}, UnsafeEntryPolicy::Report);
        const ArchiveEntry* real = opened.find("real.sbn");
        REQUIRE(real != nullptr);
        fs::remove(root / "sub" / "real.sbn");
        fs::create_symlink("/etc/hostname", root / "sub" / "real.sbn");
        auto text = opened.read_all(*real);
        REQUIRE_FALSE(text.ok());
        CHECK(text.error().code == "fwplan.archive.changed");
        CHECK(text.error().entry == "sub/real.sbn");
    }
}

TEST_CASE("the Report policy leaves hostile zip entries out and describes them") {
    Scratch scratch;
    const fs::path zip = scratch / "mixed.zip";
    write_zip(zip, {{"good.loads", kLoads}, {"../evil.loads", "x"}, {"AUX.sbn", "x"}});
    Archive archive = open_ok(zip, {}, UnsafeEntryPolicy::Report);
    CHECK(names(archive) == std::vector<std::string>{"good.loads"});
    REQUIRE(archive.findings().size() == 2);
    CHECK(archive.findings()[0].code == "fwplan.archive.path-traversal");
    CHECK(archive.findings()[0].file == zip.string());
    CHECK(archive.findings()[1].code == "fwplan.archive.device-name");
}

TEST_CASE("limits: entry count, entry size, total size, ratio and nesting") {
    Scratch scratch;
    const fs::path zip = scratch / "limits.zip";
    ArchiveLimits small;
    small.max_entries = 3;
    small.max_entry_size = 10000;
    small.max_total_size = 25000;
    small.max_ratio = 10;
    small.min_ratio_size = 4096;
    small.max_nested_zips = 1;

    write_zip(zip, {{"a", "1"}, {"b", "2"}, {"c", "3"}});
    CHECK(open_ok(zip, small).entries().size() == 3);
    write_zip(zip, {{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}});
    CHECK(open_fails(zip, small).code == "fwplan.archive.too-many-entries");

    write_zip(zip, {{"big.sbn", noise(10001)}});
    auto too_big = open_fails(zip, small);
    CHECK(too_big.code == "fwplan.archive.entry-too-large");
    check_names_package_and_entry(too_big, zip, "big.sbn");

    write_zip(zip,
              {{"a.sbn", noise(9000, 1)}, {"b.sbn", noise(9000, 2)}, {"c.sbn", noise(9000, 3)}});
    CHECK(open_fails(zip, small).code == "fwplan.archive.too-large");

    // 9000 zeros deflate to a few dozen bytes: far over a ratio of 10.
    write_zip(zip, {{"bomb.sbn", std::string(9000, '\0')}});
    auto bomb = open_fails(zip, small);
    CHECK(bomb.code == "fwplan.archive.ratio");
    check_names_package_and_entry(bomb, zip, "bomb.sbn");
    // Below min_ratio_size the ratio does not matter (small text files compress well).
    write_zip(zip, {{"small.txt", std::string(4000, '\0')}});
    CHECK(open_ok(zip, small).entries().size() == 1);

    const fs::path inner = scratch / "inner.zip";
    write_zip(inner, {{"x", "1"}});
    write_zip(zip, {{"one.zip", slurp(inner)}, {"two.zip", slurp(inner)}});
    CHECK(open_fails(zip, small).code == "fwplan.archive.too-many-nested");

    // Entries of nested zips count against the limits too.
    write_zip(inner, {{"x", "1"}, {"y", "2"}, {"z", "3"}});
    write_zip(zip, {{"one.zip", slurp(inner)}});
    CHECK(open_fails(zip, small).code == "fwplan.archive.too-many-entries");

    // Tars: sizes are checked from the headers, before the data is decompressed.
    const fs::path cop = scratch / "big.cop.sgn";
    spit(cop, cop_header() + make_tar({{"huge.sbn", noise(10001)}}));
    auto tar_big = open_fails(cop, small);
    CHECK(tar_big.code == "fwplan.archive.entry-too-large");
    check_names_package_and_entry(tar_big, cop, "huge.sbn");
    spit(cop, cop_header() + make_tar({{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}}));
    CHECK(open_fails(cop, small).code == "fwplan.archive.too-many-entries");

    // Folders: files and folders count as entries.
    const fs::path root = scratch / "root";
    fs::create_directories(root / "d1" / "d2");
    spit(root / "d1" / "d2" / "f", "1");
    spit(root / "g", "1");
    CHECK(open_fails(root, small).code == "fwplan.archive.too-many-entries");
}

TEST_CASE("a lying size header is caught while reading") {
    Scratch scratch;
    const fs::path zip = scratch / "liar.zip";
    const std::string data(5000, 'a');
    // Patches the declared expanded size in the local header (offset 22 of the first entry)
    // and the central directory header (offset 24), which ZIP_CHECKCONS wants to agree.
    const auto declare = [&](std::uint32_t size) {
        write_zip(zip, {{"liar.sbn", data}});
        std::string bytes = slurp(zip);
        REQUIRE(bytes.compare(0, 4, "PK\x03\x04") == 0);
        put_le32(bytes, 22, size);
        const std::size_t central = bytes.find("PK\x01\x02");
        REQUIRE(central != std::string::npos);
        put_le32(bytes, central + 24, size);
        spit(zip, bytes);
    };
    SUBCASE("it produces more than it declares") {
        declare(100);
        Archive archive = open_ok(zip);
        REQUIRE(archive.entries().size() == 1);
        CHECK(archive.entries()[0].size == 100);
        std::uint64_t received = 0;
        auto crc = archive.read(archive.entries()[0], [&](std::string_view chunk) -> Result<void> {
            received += chunk.size();
            return {};
        });
        REQUIRE_FALSE(crc.ok());
        CHECK(crc.error().code == "fwplan.archive.size-mismatch");
        CHECK(crc.error().message.find("more than the 100 bytes") != std::string::npos);
        check_names_package_and_entry(crc.error(), zip, "liar.sbn");
        CHECK(received <= 100); // nothing beyond the declared size reached the sink
    }
    SUBCASE("it produces less than it declares") {
        declare(6000);
        Archive archive = open_ok(zip);
        auto text = archive.read_all(archive.entries()[0]);
        REQUIRE_FALSE(text.ok());
        CHECK(text.error().code == "fwplan.archive.size-mismatch");
        CHECK(text.error().message.find("ends after 5000 bytes") != std::string::npos);
        check_names_package_and_entry(text.error(), zip, "liar.sbn");
    }
}

TEST_CASE("truncated, empty and garbage packages get a clear error") {
    Scratch scratch;
    const fs::path zip = scratch / "cmterm-7945_7965-sip.9-4-2SR3-1.zip";
    write_zip(zip, {{"SIP45.loads", kLoads}, {"apps45.sbn", noise(30000)}});
    const std::string whole = slurp(zip);

    for (std::size_t keep : {whole.size() / 2, whole.size() - 10, std::size_t{3}}) {
        CAPTURE(keep);
        spit(zip, whole.substr(0, keep));
        auto error = open_fails(zip);
        CHECK((error.code == "fwplan.archive.not-a-zip" || error.code == "fwplan.archive.damaged"));
        CHECK(error.kind == ErrorKind::BadInput);
        CHECK(error.file == zip.string());
    }
    spit(zip, "");
    CHECK(open_fails(zip).code == "fwplan.archive.not-a-zip");
    spit(zip, "<html>404 Not Found</html>");
    auto garbage = open_fails(zip);
    CHECK(garbage.code == "fwplan.archive.not-a-zip");
    CHECK(garbage.describe().find(zip.string()) != std::string::npos);

    const fs::path cop = scratch / "cut.cop.sgn";
    const std::string tar = make_tar({{"apps.sbn", noise(100000)}, {"b.loads", kLoads}});
    spit(cop, cop_header() + tar.substr(0, tar.size() / 2));
    auto cut = open_fails(cop);
    CHECK(cut.code == "fwplan.archive.damaged");
    CHECK(cut.file == cop.string());
    spit(cop, cop_header() + "this is no tar.gz");
    CHECK(open_fails(cop).code == "fwplan.archive.damaged");

    auto missing = Archive::open(scratch / "nowhere.zip");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == "fwplan.archive.not-found");
    CHECK(missing.error().kind == ErrorKind::Io);
}

TEST_CASE("nested zips leave no temporary file behind, on success or failure") {
    Scratch scratch;
    const fs::path temp = scratch / "tmp";
    fs::create_directories(temp);
    const char* saved = std::getenv("TMPDIR");
    const std::string previous = saved != nullptr ? saved : "";
    REQUIRE(::setenv("TMPDIR", temp.c_str(), 1) == 0);

    const fs::path packages = scratch / "packages";
    fs::create_directories(packages);
    const fs::path inner = packages / "inner.zip";
    write_zip(inner, {{"SIP41.loads", kLoads}});
    const fs::path good = packages / "good.zip";
    write_zip(good, {{"cmterm-a.zip", slurp(inner)}, {"cmterm-b.zip", slurp(inner)}});
    const fs::path bad = packages / "bad.zip";
    write_zip(bad, {{"cmterm-a.zip", slurp(inner)}, {"cmterm-b.zip", "not a zip"}});
    const auto listing = [&](const fs::path& dir) {
        std::vector<std::string> out;
        for (const auto& item : fs::directory_iterator(dir))
            out.push_back(item.path().filename().string());
        std::sort(out.begin(), out.end());
        return out;
    };
    const auto before = listing(packages);
    {
        Archive archive = open_ok(good);
        CHECK(archive.entries().size() == 2);
        CHECK(read_text(archive, "SIP41.loads") == kLoads);
        CHECK(fs::is_empty(temp)); // unlinked from the start
        CHECK(open_fails(bad).code == "fwplan.archive.not-a-zip");
    }
    CHECK(fs::is_empty(temp));
    CHECK(listing(packages) == before);

    if (saved != nullptr)
        ::setenv("TMPDIR", previous.c_str(), 1);
    else
        ::unsetenv("TMPDIR");
}

TEST_CASE("read: copies of entries work, foreign entries and failing sinks are errors") {
    Scratch scratch;
    const fs::path zip = scratch / "read.zip";
    write_zip(zip, {{"a.loads", kLoads}, {"b.sbn", std::string(300000, 'b')}});
    Archive archive = open_ok(zip);

    const ArchiveEntry copy = archive.entries()[0];
    auto text = archive.read_all(copy);
    REQUIRE(text.ok());
    CHECK(*text == kLoads);

    ArchiveEntry stranger = copy;
    stranger.name = "c.loads";
    auto foreign = archive.read_all(stranger);
    REQUIRE_FALSE(foreign.ok());
    CHECK(foreign.error().kind == ErrorKind::Usage);
    CHECK(foreign.error().code == "fwplan.archive.unknown-entry");

    int calls = 0;
    auto stopped = archive.read(archive.entries()[1], [&](std::string_view) -> Result<void> {
        ++calls;
        return fwplan::io_error("stage.disk-full", "no space left");
    });
    REQUIRE_FALSE(stopped.ok());
    CHECK(calls == 1);
    CHECK(stopped.error().code == "fwplan.stage.disk-full");
    CHECK(stopped.error().file == zip.string());
    CHECK(stopped.error().entry == "b.sbn");

    auto refused = archive.read_all(archive.entries()[1], 1000);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == "fwplan.archive.too-large-to-read");
    CHECK(refused.error().entry == "b.sbn");

    Archive moved = std::move(archive);
    CHECK(moved.entries().size() == 2);
    CHECK(fwplan::to_string(moved.kind()) == "zip");
}

TEST_CASE("encrypted entries and unknown compression methods are refused at open") {
    Scratch scratch;
    const fs::path zip = scratch / "locked.zip";
    SUBCASE("encrypted") {
        if (zip_encryption_method_supported(ZIP_EM_AES_256, 1) == 0)
            return; // a libzip without crypto cannot write the fixture (Debian 12 has it)
        write_zip(zip, {{"open.loads", kLoads}, {"secret.sbn", "classified"}});
        int error = 0;
        zip_t* handle = zip_open(zip.c_str(), 0, &error);
        REQUIRE(handle != nullptr);
        REQUIRE(zip_file_set_encryption(handle, 1, ZIP_EM_AES_256, "password") == 0);
        REQUIRE(zip_close(handle) == 0);
        auto refused = open_fails(zip);
        CHECK(refused.code == "fwplan.archive.encrypted");
        check_names_package_and_entry(refused, zip, "secret.sbn");
    }
    SUBCASE("compression method 6 (implode)") {
        write_zip(zip, {{"old.sbn", "imploded long ago", true}});
        std::string bytes = slurp(zip);
        bytes[8] = 6; // local header: compression method
        const std::size_t central = bytes.find("PK\x01\x02");
        REQUIRE(central != std::string::npos);
        bytes[central + 10] = 6; // central directory: the same field
        spit(zip, bytes);
        auto refused = open_fails(zip);
        CHECK(refused.code == "fwplan.archive.unsupported-compression");
        check_names_package_and_entry(refused, zip, "old.sbn");
    }
}

TEST_CASE("a path that is neither file nor folder, or a folder too deep, is refused") {
    Scratch scratch;
    const fs::path pipe = scratch / "firmware.zip";
    REQUIRE(::mkfifo(pipe.c_str(), 0600) == 0);
    auto fifo = open_fails(pipe); // and does not hang waiting for a writer
    CHECK(fifo.code == "fwplan.archive.not-a-package");
    CHECK(fifo.file == pipe.string());

    fs::path deep = scratch / "deep";
    for (int level = 0; level < 66; ++level)
        deep /= "d";
    fs::create_directories(deep);
    auto too_deep = open_fails(scratch / "deep");
    CHECK(too_deep.code == "fwplan.archive.too-deep");
    CHECK(too_deep.file == (scratch / "deep").string());
}

// ---------------------------------------------------------------------------------------
// Hostile packages (issue 14).

namespace {

std::string le16(std::uint32_t v) {
    return {static_cast<char>(v & 0xFFu), static_cast<char>((v >> 8) & 0xFFu)};
}
std::string le32(std::uint32_t v) {
    return le16(v & 0xFFFFu) + le16(v >> 16);
}

// A stored (uncompressed) zip entry's local header followed by its data.
std::string stored_local(const std::string& name, const std::string& data) {
    return "PK\x03\x04" + le16(20) + le16(0) + le16(0) + le16(0) + le16(0) +
           le32(fwplan::test::crc32_of(data)) + le32(static_cast<std::uint32_t>(data.size())) +
           le32(static_cast<std::uint32_t>(data.size())) +
           le16(static_cast<std::uint32_t>(name.size())) + le16(0) + name + data;
}

std::string central(const std::string& name, const std::string& data, std::uint32_t offset) {
    return "PK\x01\x02" + le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0) +
           le32(fwplan::test::crc32_of(data)) + le32(static_cast<std::uint32_t>(data.size())) +
           le32(static_cast<std::uint32_t>(data.size())) +
           le16(static_cast<std::uint32_t>(name.size())) + le16(0) + le16(0) + le16(0) + le16(0) +
           le32(0) + le32(offset) + name;
}

// Two entries with consistent headers, the data of the first holding the second whole:
// the overlap David Fifield's zip bombs are made of ("quoted overlap").
std::string overlapping_zip() {
    const std::string inner_data = "SECOND FILE";
    const std::string inner = stored_local("b.sbn", inner_data);
    const std::string outer = stored_local("a.sbn", inner);
    const std::string directory =
        central("a.sbn", inner, 0) + central("b.sbn", inner_data, 30 + 5); // inside a's data
    return outer + directory + "PK\x05\x06" + le16(0) + le16(0) + le16(2) + le16(2) +
           le32(static_cast<std::uint32_t>(directory.size())) +
           le32(static_cast<std::uint32_t>(outer.size())) + le16(0);
}

} // namespace

TEST_CASE("zip entries whose data overlap are refused: the zip bomb of one stream read many "
          "times (issue 14.8)") {
    Scratch scratch;
    const fs::path zip = scratch / "overlap.zip";
    spit(zip, overlapping_zip());
    const fwplan::Error error = open_fails(zip);
    CHECK(error.code == "fwplan.archive.overlap");
    check_names_package_and_entry(error, zip, "b.sbn");
    CHECK(error.message.find("'a.sbn'") != std::string::npos);
    // The same two files written one after the other are fine.
    const fs::path fine = scratch / "fine.zip";
    const std::string a = stored_local("a.sbn", "FIRST");
    const std::string b = stored_local("b.sbn", "SECOND FILE");
    const std::string directory =
        central("a.sbn", "FIRST", 0) +
        central("b.sbn", "SECOND FILE", static_cast<std::uint32_t>(a.size()));
    spit(fine, a + b + directory + "PK\x05\x06" + le16(0) + le16(0) + le16(2) + le16(2) +
                   le32(static_cast<std::uint32_t>(directory.size())) +
                   le32(static_cast<std::uint32_t>(a.size() + b.size())) + le16(0));
    CHECK(names(open_ok(fine)) == std::vector<std::string>{"a.sbn", "b.sbn"});
}

TEST_CASE("the last entry of a .cop.sgn is held to the ratio limit too (issue 14.9)") {
    Scratch scratch;
    const fs::path cop = scratch / "last.cop.sgn";
    // 16 MiB of zeros squeeze into a few KiB: far beyond the ratio of 200 allowed.
    spit(cop,
         cop_header() + make_tar({{"a.loads", kLoads}, {"z.sbn", std::string(16u << 20, '\0')}}));
    const fwplan::Error error = open_fails(cop);
    CHECK(error.code == "fwplan.archive.ratio");
    CHECK(error.file == cop.string());
    // In the middle it was already caught; a harmless last entry still opens.
    spit(cop, cop_header() + make_tar({{"a.loads", kLoads}, {"z.sbn", noise(2u << 20)}}));
    CHECK(open_ok(cop).entries().size() == 2);
}

TEST_CASE("names over 255 bytes are refused at open, and cut in the message (issue 14.13)") {
    Scratch scratch;
    const fs::path zip = scratch / "long.zip";
    const std::string longest(255 - 4, 'a');
    write_zip(zip, {{"SIP41.9-4-2SR3-1S.loads", kLoads}, {longest + ".sbn", "x"}});
    CHECK(open_ok(zip).entries().size() == 2);
    write_zip(zip, {{"SIP41.9-4-2SR3-1S.loads", kLoads}, {longest + "a.sbn", "x"}});
    fwplan::Error error = open_fails(zip);
    CHECK(error.code == "fwplan.archive.name-too-long");
    CHECK(error.entry.size() < 200);
    CHECK(error.entry.find("(256 bytes)") != std::string::npos);
    CHECK(error.describe().size() < 500);
    // A path of short names that is longer than any file system takes.
    std::string deep;
    for (int i = 0; i < 1100; ++i)
        deep += "abc/";
    write_zip(zip, {{deep + "x.sbn", "x"}});
    error = open_fails(zip);
    CHECK(error.code == "fwplan.archive.name-too-long");
    CHECK(error.describe().size() < 500);
}

TEST_CASE("names with invisible or text-reordering characters are refused, escaped in the "
          "message (issue 14.14)") {
    Scratch scratch;
    const fs::path zip = scratch / "bidi.zip";
    struct Case {
        std::string name;
        std::string shown;
    };
    for (const Case& c : {Case{"evil\xE2\x80\xAEgpj.sbn", "evil\\u202Egpj.sbn"},
                          Case{"a\xE2\x80\x8B"
                               "b.sbn",
                               "a\\u200Bb.sbn"},
                          Case{"x\xC2\x9B"
                               "2J.sbn",
                               "x\\xc2\\x9b2J.sbn"},
                          Case{"line\xE2\x80\xA8.sbn", "line\\u2028.sbn"}}) {
        CAPTURE(c.shown);
        write_zip(zip, {{"SIP41.9-4-2SR3-1S.loads", kLoads}, {c.name, "x"}});
        const fwplan::Error error = open_fails(zip);
        CHECK(error.code == "fwplan.archive.bad-name");
        CHECK(error.entry == c.shown);
        CHECK(error.describe().find(c.name) == std::string::npos);
    }
    // Printable text beyond ASCII is a name like any other.
    write_zip(zip, {{"SIP41.9-4-2SR3-1S.loads", kLoads}, {"caf\xC3\xA9.txt", "x"}});
    CHECK(open_ok(zip).entries().size() == 2);
}

TEST_CASE("one name in NFC and NFD within a package is refused like a case twin (issue 14.14)") {
    Scratch scratch;
    const fs::path zip = scratch / "forms.zip";
    write_zip(zip, {{"caf\xC3\xA9.sbn", "one"}, {"cafe\xCC\x81.sbn", "two"}});
    const fwplan::Error error = open_fails(zip);
    CHECK(error.code == "fwplan.archive.form-collision");
    CHECK(error.message.find("NFC or NFD") != std::string::npos);
    // Hangul syllables decompose too: U+D55C against its jamo U+1112 U+1161 U+11AB.
    write_zip(zip,
              {{"\xED\x95\x9C.sbn", "one"}, {"\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB.sbn", "two"}});
    CHECK(open_fails(zip).code == "fwplan.archive.form-collision");
    // Two marks in either order are one name (canonical order): U+0323 (class 220) and
    // U+0307 (class 230) after s, and U+1E69, which decomposes to both.
    write_zip(zip, {{"s\xCC\x87\xCC\xA3.sbn", "one"}, {"\xE1\xB9\xA9.sbn", "two"}});
    CHECK(open_fails(zip).code == "fwplan.archive.form-collision");
    // Different letters are different names.
    write_zip(zip, {{"caf\xC3\xA9.sbn", "one"}, {"caf\xC3\xA8.sbn", "two"}});
    CHECK(open_ok(zip).entries().size() == 2);
}

TEST_CASE("hidden folders of a folder are named, not walked, and hidden links are still refused") {
    Scratch scratch;
    const fs::path root = scratch / "root";
    fs::create_directories(root / ".fwplan-backup" / "x");
    for (int i = 0; i < 50; ++i)
        spit(root / ".fwplan-backup" / "x" / ("f" + std::to_string(i)), "old");
    fs::create_symlink("/etc/passwd", root / ".fwplan-backup" / "x" / "link");
    spit(root / "SIP41.9-4-2SR3-1S.loads", kLoads);
    spit(root / ".fwplan-state", "fwplan-state 2\n");
    ArchiveLimits few;
    few.max_entries = 10;
    const Archive archive = open_ok(root, few);
    CHECK(names(archive) == std::vector<std::string>{"SIP41.9-4-2SR3-1S.loads"});
    CHECK(archive.left_out() == std::vector<std::string>{".fwplan-backup/", ".fwplan-state"});
    fs::create_symlink("/etc/passwd", root / ".hidden-link");
    CHECK(open_fails(root).code == "fwplan.archive.link");
}
