#pragma once
/// @file manifest.hpp
/// `.loads` manifests of every phone family (docs/phone-files.md §2): which files a load consists of.
///
/// A phone told to run load `SIP41.9-4-2SR3-1S` fetches `SIP41.9-4-2SR3-1S.loads`, checks
/// its signed envelope (signed_file.hpp) and then fetches every file its body lists. The
/// body's shape depends on the family:
///
/// - `TnpList` (7906/7911, 7931, 7941/61, 7942/62, 7945/65, 7970/71, 7975): CRLF list of
///   `.sbn` names, `#` comments, `# RELEASE load version <build>`, `#HARDWARE_COMP_1 n`;
/// - `P0ThreeLine` (7940/7960): LF lines `P003-8-12-00.sbn`, `P0S3-8-12-00.sb2`,
///   `LA_VERSION=PAS30830`;
/// - `Ini78xx` (78xx/88xx): INI with `[CISCO-ID]` keys and `[PLATFORM_n]` sections whose
///   `role=file size=N` lines are the files;
/// - `SgnList` (69xx, 6901, 6911, 6945, 894x): a list of `.sgn` names, CRLF or LF;
/// - `Wireless` (7921/7925 `.LOADS`): `#? KEY value` directives and `NAME SIZE MD5` lines.
///
/// `termNN.default.loads` files (what a factory-reset phone asks for, docs/phone-files.md §4.3) carry
/// the body of one TNP load under a model-specific name; `term_file_target` finds which.
///
/// The bytes are untrusted. Bodies that fit no kind, names with `/`, `\`, `..`, spaces or
/// control characters, binary junk and absurd sizes are errors (`fwplan.loads.*`), with the
/// byte offset in the file where the problem is.
///
/// **Example**
///
///     auto manifest = fwplan::parse_manifest("SIP41.9-4-2SR3-1S.loads", bytes);
///     if (!manifest) {
///         std::cerr << manifest.error().describe() << '\n';
///         return 3;
///     }
///     std::cout << manifest->load->str() << " build " << manifest->build_id << '\n';
///     for (const fwplan::ManifestComponent& c : manifest->components)
///         std::cout << "  " << c.name << '\n';   // jar41sip.9-4-2ES26.sbn ...
///     for (const fwplan::Diagnostic& w : manifest->warnings)
///         std::cerr << "warning: " << w << '\n';

#include <fwplan/diagnostic.hpp>
#include <fwplan/error.hpp>
#include <fwplan/load_id.hpp>
#include <fwplan/models.hpp>
#include <fwplan/signed_file.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fwplan {

/// The body layouts of docs/phone-files.md §2.
enum class ManifestKind {
    TnpList,     ///< TNP phones: a list of `.sbn` names with `#` comments
    P0ThreeLine, ///< 7940/7960: component names plus `LA_VERSION=...`
    Ini78xx,     ///< 78xx/88xx: `[CISCO-ID]` keys and `[PLATFORM_n]` sections
    SgnList,     ///< 69xx/894x/6945 (and any other family with a plain name list)
    Wireless,    ///< 7921/7925 `.LOADS`: `#? KEY value` and `NAME SIZE MD5`
};

/// "tnp-list", "p0-three-line", "ini-78xx", "sgn-list" or "wireless".
[[nodiscard]] std::string_view to_string(ManifestKind kind) noexcept;

/// One file a manifest asks the phone to fetch.
struct ManifestComponent {
    /// The file name exactly as listed, case kept (`Jar41sip.8-3-0-50.sbn`): TFTP is
    /// case-sensitive, so this is the name to serve.
    std::string name;
    std::optional<std::uint64_t> size; ///< 78xx `size=`, wireless SIZE column
    std::string md5;                   ///< wireless: hex as written (upper-case in samples)
    std::string section;               ///< 78xx: the INI section (`PLATFORM_1`)
    std::string role;                  ///< 78xx: the key (`sboot`, `kern`, `rootfs`)
};

/// A parsed `.loads` file.
struct Manifest {
    ManifestKind kind = ManifestKind::TnpList; ///< which body grammar the file follows
    /// The base name the file was given (directories of a path are dropped).
    std::string file_name;
    SignedHeader envelope; ///< the signed envelope around the body
    /// The load this manifest is; from the signed name (tag 14) when it names a load, else
    /// from `file_name`. Empty for term files, and for a `.loads` whose names no grammar
    /// reads (a `fwplan.loads.unknown-name` warning then says so).
    std::optional<LoadId> load;
    bool is_term_file = false;             ///< a `termNN.default.loads`
    const ModelInfo* term_model = nullptr; ///< for term files: the model that asks for it
    /// The component build ID, which is **not** a version and never parsed as one:
    /// TNP `# RELEASE load version 9-4-2ES26`, 78xx `[CISCO-ID] version`, 7940
    /// `LA_VERSION` value. Empty where the body has none (lists, wireless).
    std::string build_id;
    std::optional<unsigned> hardware_comp;     ///< TNP `#HARDWARE_COMP_1 n`
    std::vector<ManifestComponent> components; ///< in file order; never empty
    /// Everything else the body states, in file order: TNP `HARDWARE_COMP_k`; 7940
    /// `KEY=value` lines; 78xx `RELEASE Model`, `RELEASE Version`, `LOADS` (header comment),
    /// the other `[CISCO-ID]` keys (`hwcompat`, ...) and every non-file key of other sections
    /// as `SECTION.key` (`PLATFORM_1.ebr_diskver`); wireless `#?` directives (`HW_REV`).
    std::vector<std::pair<std::string, std::string>> metadata;
    /// Things a person should know that do not make the file unusable: the signed name
    /// differs from the file name (a renamed file), no envelope, a file listed twice.
    std::vector<Diagnostic> warnings;
};

/// The largest body `parse_manifest` accepts (real ones are under 2 KiB).
inline constexpr std::size_t kMaxManifestBody = 64 * 1024;
/// The most lines a body may have.
inline constexpr std::size_t kMaxManifestLines = 1000;

/// Parses a whole `.loads` file: envelope (signed_file.hpp), identity and body.
///
/// The identity comes from the signed name (TLV tag 14, LE name) with `.loads` stripped:
/// a load ID (`LoadId::from_file_name`) or a term file (`model_for_term_file`, exact case).
/// If the signed name is neither (or absent), `file_name` is used instead, with a warning;
/// if neither name is one, the file is still read (its kind then follows from the body's
/// shape) and `load` stays empty, with the warning `fwplan.loads.unknown-name`. When the signed
/// name differs from `file_name` (compared exactly: TFTP is case-sensitive) a warning names
/// both, and says plainly when `file_name` is itself a different load or term file (the
/// file was renamed; a phone will reject it). The family of the load (its `LoadIdStyle`)
/// decides the body kind; 8961/99xx/78xx/88xx bodies are read as INI when they have
/// sections and as a plain list otherwise. A 3905 `.loads` is plain text without an
/// envelope, as shipped: that is an info (`fwplan.loads.plain-text`), not the
/// `fwplan.loads.unsigned` warning. Errors carry the base name as `file`.
///
/// **Example**
///
///     auto term = fwplan::parse_manifest("term41.default.loads", bytes);
///     if (term && term->is_term_file)
///         std::cout << "asked for by " << term->term_model->number << '\n'; // 7941
[[nodiscard]] Result<Manifest> parse_manifest(std::string_view file_name, std::string_view bytes);

/// Which of `loads` the term file `term` stands for: the first manifest, in the order
/// given, that is not itself a term file, has a load of the term model's family, and lists
/// the same component names in the same order (compared exactly). A SIP and a SCCP load of
/// one family list different files, so at most one matches in practice. nullptr if `term`
/// is not a term file or none matches.
///
/// **Example**
///
///     const fwplan::Manifest* target = fwplan::term_file_target(term41, all_manifests);
///     if (target)
///         std::cout << "term41.default.loads installs " << target->load->str() << '\n';
[[nodiscard]] const Manifest* term_file_target(const Manifest& term,
                                               std::span<const Manifest> loads) noexcept;

} // namespace fwplan
