#pragma once
/// @file load_id.hpp
/// Cisco firmware load IDs (`SIP41.9-4-2SR3-1S`, `P0S3-8-12-00`, `sip78xx.14-2-1-0101-26`) and
/// the version order fwplan plans with.
///
/// A load ID names one firmware load: it is what `<loadInformation>` carries and the stem of
/// the `.loads` file. fwplan keeps the raw string as the identity (two IDs are equal only if
/// their strings are), and derives from it the family, the protocol and a `Version`.
/// Component build IDs inside `.loads` files (`9-4-2ES26`, `8-5-4TH1-6`) are a different thing
/// and are never parsed as load IDs or used for ordering.
///
/// **Example**
///
///     auto id = fwplan::LoadId::parse("SCCP41.8-5-2S");
///     if (id && id->version() < fwplan::Version::parse("8.5(2)SR1").value())
///         std::cout << id->family() << " " << id->version().release() << "\n"; // 41 8.5(2)

#include <fwplan/error.hpp>
#include <fwplan/protocol.hpp>

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fwplan {

/// A firmware version with a total order (docs/phone-files.md §5.2): major, minor, maintenance,
/// service release, then further numeric blocks, then an opaque tag. For example
/// 8.3(1) < 8.3(3) < 8.5(2) < 8.5(2)SR1 < 8.5(3) < 9.4(2) < 9.4(2)-1 < 9.4(2)SR1 <
/// 9.4(2)SR3-1 < 9.4(2)SR4-3, and for 7940/7960 SIP 8.11(0) < 8.12(0).
class Version {
public:
    Version() = default;
    /// Builds a version from its parts; `service_release` 0 means none.
    Version(std::uint32_t major, std::uint32_t minor, std::uint32_t maintenance,
            std::uint32_t service_release = 0, std::vector<std::uint32_t> builds = {},
            std::string tag = {});

    /// Parses Cisco's human notation: `9.4(2)SR3`, `9.4(2)SR4-3`, `9.4(2)-1`, `8.12(0)`,
    /// `8.5(2)`, `4.4`, `12.6`, `14.0(1)SR3`, `12.0(1)MN-113`. A missing maintenance number is 0.
    [[nodiscard]] static Result<Version> parse(std::string_view human);

    /// The major number: 9 of 9.4(2)SR3.
    [[nodiscard]] std::uint32_t major() const noexcept { return major_; }
    /// The minor number: 4 of 9.4(2)SR3.
    [[nodiscard]] std::uint32_t minor() const noexcept { return minor_; }
    /// The maintenance number: 2 of 9.4(2)SR3.
    [[nodiscard]] std::uint32_t maintenance() const noexcept { return maintenance_; }
    /// The SR number, 0 when this is not a service release.
    [[nodiscard]] std::uint32_t service_release() const noexcept { return service_release_; }
    /// Numeric blocks after the release (the rebuild `-1` of `SR3-1`, or `0101-26` of 78xx).
    [[nodiscard]] const std::vector<std::uint32_t>& builds() const noexcept { return builds_; }
    /// An opaque marker that only breaks ties: `DEV`, `MN`, `MPP`, `MPP0501`, `T023`, `-a`;
    /// `MSR` marks a multiplatform service release (`service_release` holds its number).
    [[nodiscard]] const std::string& tag() const noexcept { return tag_; }

    /// The release as people say it, without rebuild blocks: `9.4(2)SR3`, `8.12(0)`.
    [[nodiscard]] std::string release() const;
    /// Everything, in the same notation: `9.4(2)SR3-1`, `12.0(1)MN-113`.
    [[nodiscard]] std::string to_string() const;

    /// Compares major, minor, maintenance, service release, the build blocks (numerically,
    /// a missing block sorts first) and finally the tag (as text, empty first).
    friend std::strong_ordering operator<=>(const Version& a, const Version& b);
    /// Equal in every part compared by `<=>`.
    friend bool operator==(const Version& a, const Version& b) = default;

private:
    std::uint32_t major_ = 0;
    std::uint32_t minor_ = 0;
    std::uint32_t maintenance_ = 0;
    std::uint32_t service_release_ = 0;
    std::vector<std::uint32_t> builds_;
    std::string tag_;
};

/// One firmware load ID. Parse with `LoadId::parse`; the raw text is kept verbatim.
///
/// Grammars accepted (docs/phone-files.md §5.1):
/// - Java 79xx (TNP): `SCCP41.9-4-2SR3-1S`, `SIP42.8-5-2S`, `SIP41.8-5-2SR1S`,
///   `SIP41.9-4-2-1S`, `SCCP41.8-0-1-0DEV`, `TERM41.7-0-3-0S` (family 11, 31, 41, 42, 45, 70, 75);
/// - 7940/7960: `P00308010200`, `P0030801SR02`, `P0030702T023`, `P0030301` (SCCP),
///   `P0S3-08-11-00`, `P0S3-8-12-00`, `P0S30203` (SIP), `P0M3-07-5-00` (MGCP);
/// - 69xx, 6901, 6911, 6945, 894x, 8941_8945: `SIP69xx.9-4-1-3SR3`, `SIP69xx.9-4-1-3`,
///   `SCCP6901.9-3-1-SR1-3`, `SCCP6911.9-2-1-a` (a letter suffix, kept as the tag `-a`),
///   `SCCP894x.9-4-2SR1-2`, `SCCP8941_8945.9-4-1-9`;
/// - 8961/9951/9971, 78xx/88xx and their siblings (lower-case `sip`): `sip9971.9-4-2SR4-1`,
///   `sip8961.9-4-2SR4-1`, `sip78xx.14-2-1-0101-26`, `sip88xx.12-0-1MN-113`,
///   `sip78xx.11-2-3MPP-398`, `sip88xx.11-3-1MSR3-3` (an MPP service release: tag `MSR`),
///   `sip8845_65...`, `sip8832...`, `sip8831...`, `sip8821...`;
/// - 7921/7925/7926 wireless: `CP7921G-1.4.6.3`, `CP7921G-1.4.3.4`, `CP7925G-1.4.1SR1`;
/// - 3905: `CP3905.9-4-1SR4-2`.
class LoadId {
public:
    /// Parses a load ID. Unknown families and malformed versions are errors that say what
    /// is wrong (`fwplan.load-id.*`); nothing is guessed. A trailing `.loads` is refused with
    /// a hint, since a load ID is the file name without it.
    [[nodiscard]] static Result<LoadId> parse(std::string_view raw);
    /// Parses the stem of a `.loads` file name (`SIP41.9-4-2SR3-1S.loads`); the extension
    /// is matched case-insensitively (`CP7921G-1.4.6.3.LOADS`).
    [[nodiscard]] static Result<LoadId> from_file_name(std::string_view file_name);

    /// The text exactly as given; the identity of the load.
    [[nodiscard]] const std::string& str() const noexcept { return raw_; }
    /// The family key of `models.hpp` (`41`, `7940_7960`, `894x`, `78xx`, ...).
    [[nodiscard]] const std::string& family() const noexcept { return family_; }
    /// The code as written in the ID (`41`, `8941_8945`, `78xx`); several can share a family.
    [[nodiscard]] const std::string& family_code() const noexcept { return family_code_; }
    /// SCCP, SIP or MGCP (TERM loads are SCCP).
    [[nodiscard]] Protocol protocol() const noexcept { return protocol_; }
    /// The version the ID encodes.
    [[nodiscard]] const Version& version() const noexcept { return version_; }
    /// The part before the version (`SIP41`, `sip78xx`, `P0S3`, `CP7921G`).
    [[nodiscard]] const std::string& prefix() const noexcept { return prefix_; }
    /// True for `TERMnn.` IDs (old SCCP-era factory loads).
    [[nodiscard]] bool is_term_load() const noexcept { return term_; }
    /// True when the ID carries the trailing `S` of signed TNP loads.
    [[nodiscard]] bool has_signed_suffix() const noexcept { return signed_suffix_; }

    /// The file the phone asks for: `<id>.loads` (`.LOADS` for wireless phones).
    [[nodiscard]] std::string loads_file_name() const;

    /// The same raw text (`SIP41.8-5-2S` and `SCCP41.8-5-2S` differ).
    friend bool operator==(const LoadId& a, const LoadId& b) { return a.raw_ == b.raw_; }
    /// Orders by family, then version, then raw text: deterministic, and a family's loads
    /// come out oldest first.
    friend std::strong_ordering operator<=>(const LoadId& a, const LoadId& b);

private:
    std::string raw_;
    std::string family_;
    std::string family_code_;
    std::string prefix_;
    Protocol protocol_ = Protocol::Sccp;
    Version version_;
    bool term_ = false;
    bool signed_suffix_ = false;
};

} // namespace fwplan
