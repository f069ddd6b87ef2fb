// genuine.hpp: a package compared with the public lists of genuine packages (issue 12), on
// the generated testdata: synthetic bytes are never the genuine ones.
#include "test_support.hpp"

#include <fwplan/firmware.hpp>
#include <fwplan/genuine.hpp>

#include <doctest/doctest.h>
#include <openssl/evp.h>

#include <filesystem>
#include <string>

using namespace fwplan;
namespace fs = std::filesystem;

namespace {

const fs::path kTestdata = FWPLAN_TESTDATA_DIR;

std::string sha1_hex(const std::string& data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    REQUIRE(EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha1(), nullptr) == 1);
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        out += kDigits[digest[i] >> 4];
        out += kDigits[digest[i] & 0x0F];
    }
    return out;
}

Catalog catalog_with(const std::string& package_xml) {
    auto parsed = Catalog::parse("<catalog format=\"1\">" + package_xml + "</catalog>", "test");
    INFO((parsed ? std::string() : parsed.error().describe()));
    REQUIRE(parsed.ok());
    return *parsed;
}

} // namespace

TEST_CASE("a known name with other bytes is altered, and the size is compared first") {
    // The built-in list has the genuine cmterm-7941_7961-sccp.9-4-2SR1-1.zip (5317438 bytes);
    // the generated one of that name is a few KB.
    const fs::path zip = kTestdata / "packages/cmterm-7941_7961-sccp.9-4-2SR1-1.zip";
    auto check = check_authenticity(zip, Catalog::builtin());
    REQUIRE(check.ok());
    CHECK(check->status == Authenticity::Altered);
    CHECK(check->compared == std::vector<std::string>{"size"});
    CHECK(check->detail.find("5317438 bytes") != std::string::npos);
    CHECK(check->evidence.find("wazo-provd-plugins") != std::string::npos);
}

TEST_CASE("same size, other digest: altered, same size and digest: genuine") {
    const fs::path zip = kTestdata / "packages/cmterm-7975-sip.9-4-2SR4-3.zip";
    const std::string bytes = test::read_file(zip);
    const std::string size = std::to_string(bytes.size());
    const std::string name = zip.filename().string();

    const Catalog genuine = catalog_with("<package name=\"" + name + "\" size=\"" + size +
                                         "\" sha1=\"" + sha1_hex(bytes) + "\" evidence=\"t\"/>");
    auto ok = check_authenticity(zip, genuine);
    REQUIRE(ok.ok());
    CHECK(ok->status == Authenticity::Genuine);
    CHECK(ok->compared == std::vector<std::string>{"size", "sha1"});

    const Catalog altered =
        catalog_with("<package name=\"" + name + "\" size=\"" + size +
                     "\" sha1=\"0000000000000000000000000000000000000000\" evidence=\"t\"/>");
    auto bad = check_authenticity(zip, altered);
    REQUIRE(bad.ok());
    CHECK(bad->status == Authenticity::Altered);
    CHECK(bad->detail.find("sha1") != std::string::npos);

    // A digest alone (no size) is enough to compare.
    const Catalog digest_only = catalog_with("<package name=\"" + name + "\" sha1=\"" +
                                             sha1_hex(bytes) + "\" evidence=\"t\"/>");
    CHECK(check_authenticity(zip, digest_only)->status == Authenticity::Genuine);
}

TEST_CASE("unknown names say nothing, names known without digests are name-only") {
    auto unknown = check_authenticity(kTestdata / "packages/P0S3-8-12-00.zip", Catalog::builtin());
    REQUIRE(unknown.ok());
    CHECK(unknown->status == Authenticity::Unknown);
    // The 8961 zip name is a real one (VoIP-Domain installs it), with nothing to compare.
    auto name_only = check_authenticity(kTestdata / "real-shapes/cmterm-8961.9-4-1-9_REL.zip",
                                        Catalog::builtin());
    REQUIRE(name_only.ok());
    CHECK(name_only->status == Authenticity::NameOnly);
    CHECK(to_string(Authenticity::Altered) == "altered");
    CHECK(to_string(Authenticity::NameOnly) == "name-only");
}

TEST_CASE("inspect_package records the verdict on archives only") {
    auto zip = inspect_package(kTestdata / "packages/cmterm-7911_7906-sccp.9-4-2SR1-1.zip");
    REQUIRE(zip.ok());
    REQUIRE(zip->authenticity);
    CHECK(zip->authenticity->status == Authenticity::Altered);
    auto loose = inspect_package(kTestdata / "loose/SIP41.8-5-4S.loads");
    REQUIRE(loose.ok());
    CHECK_FALSE(loose->authenticity);
    // With a catalog of one's own.
    const fs::path path = kTestdata / "packages/cmterm-7975-sip.9-4-2SR4-3.zip";
    const std::string bytes = test::read_file(path);
    const Catalog mine = catalog_with("<package name=\"" + path.filename().string() + "\" sha1=\"" +
                                      sha1_hex(bytes) + "\" evidence=\"t\"/>");
    InspectOptions options;
    options.catalog = &mine;
    auto own = inspect_package(path, options);
    REQUIRE(own.ok());
    CHECK(own->authenticity->status == Authenticity::Genuine);
}
