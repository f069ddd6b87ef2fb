#pragma once
/// @file models.hpp
/// The model registry: which phones exist, which share firmware (a *family*), which
/// `termNN.default.loads` each asks for after a factory reset, its `XMLDefault.cnf.xml`
/// number, the package stem of its firmware and which config files it reads.
///
/// Facts come from docs/phone-files.md §4 and §6.2 and the knowledge base's rules; where a value was not
/// found in any source it is left empty (or 0) rather than guessed.
///
/// **Example**
///
///     auto model = fwplan::find_model("CP-7941G");      // also "7941", "7941G", "Cisco 7941"
///     if (model) {
///         const fwplan::ModelInfo& m = **model;
///         std::cout << m.number                                    // 7941
///                   << " term file " << m.term_file                    // term41.default.loads
///                   << " XMLDefault " << m.xml_default_number << "\n"; // 115
///     }

#include <fwplan/error.hpp>
#include <fwplan/protocol.hpp>

#include <string_view>
#include <vector>

namespace fwplan {

/// How a family writes its load IDs (decides which grammar `LoadId::parse` applies).
enum class LoadIdStyle {
    Tnp,      ///< `SIP41.9-4-2SR3-1S`: upper-case protocol, trailing `S`
    P0,       ///< 7940/7960: `P0S3-8-12-00`, `P00308010200`
    Plain,    ///< 69xx/894x: `SIP69xx.9-4-1-3SR3`, no trailing `S`
    LowerSip, ///< 99xx/8961/78xx/88xx: `sip9971.9-4-2SR4-1`
    Wireless, ///< 7921/7925/7926: `CP7921G-1.4.6.3`, `CP7925G-1.4.1SR1`
    CpDotted, ///< 3905: `CP3905.9-4-1SR4-2` (CP, the model, a dot, a dashed version)
};

/// Which configuration files a model reads from TFTP.
enum class ConfigStyle {
    SepXml,          ///< `SEP<MAC>.cnf.xml` (or `XMLDefault.cnf.xml` when there is none)
    SepXmlAndSipCnf, ///< 7940/7960: the XML for SCCP, `SIPDefault.cnf`/`SIP<MAC>.cnf` under SIP
};

/// A set of phones that run the same firmware loads.
struct FamilyInfo {
    std::string_view id;                      ///< key: `41`, `7940_7960`, `894x`, `78xx`, ...
    std::string_view name;                    ///< for people: `7941/7961`
    std::vector<std::string_view> load_codes; ///< codes seen in load IDs (`894x`, `8941_8945`)
    LoadIdStyle style;                        ///< the load-ID grammar of the family
    std::string_view package_stem;            ///< `cmterm-7941_7961` (protocol and version follow)
    bool offers_sccp;                         ///< an SCCP load exists for this family
    bool offers_sip;                          ///< a SIP load exists for this family
    bool offers_mgcp;                         ///< an MGCP load exists (7940/7960 only)
};

/// One phone model. Variants that differ only in what they report to CUCM (7941G-GE) are
/// models of their own, since their `XMLDefault.cnf.xml` number differs.
struct ModelInfo {
    std::string_view number;       ///< canonical: `7941`, `7941G-GE`, `8851NR`
    std::string_view family;       ///< `FamilyInfo::id`
    std::string_view display_name; ///< `Cisco IP Phone 7941G`
    std::string_view term_file;    ///< `term41.default.loads`; empty where none is known
    unsigned xml_default_number;   ///< NNN of `<loadInformationNNN>`; 0 where unknown
    ConfigStyle config_style;      ///< which configuration files it reads

    /// The `termNN.default` stem without `.loads`, as XMLDefault sometimes names it.
    [[nodiscard]] std::string_view term_stem() const noexcept;
};

/// Every family fwplan knows, in a fixed order.
[[nodiscard]] const std::vector<FamilyInfo>& all_families();
/// Every model fwplan knows, in a fixed order.
[[nodiscard]] const std::vector<ModelInfo>& all_models();

/// The family with this id, or nullptr.
[[nodiscard]] const FamilyInfo* find_family(std::string_view id) noexcept;
/// The family whose load IDs use this code (`41`, `8941_8945`, `78xx`), or nullptr.
[[nodiscard]] const FamilyInfo* find_family_by_load_code(std::string_view code) noexcept;

/// Finds a model from what people type: `7941`, `7941G`, `CP-7941G`, `7941G-GE`,
/// `CP-7941G-GE`, `Cisco 7941`, `IP Phone 7941G` (case-insensitive). Unknown models are an
/// error listing the closest known ones.
[[nodiscard]] Result<const ModelInfo*> find_model(std::string_view text);

/// The family of a model (never null for a registry model).
[[nodiscard]] const FamilyInfo& family_of(const ModelInfo& model);
/// The models of a family, in registry order.
[[nodiscard]] std::vector<const ModelInfo*> models_in_family(std::string_view family_id);
/// The other models that run the same firmware as `model`.
[[nodiscard]] std::vector<const ModelInfo*> siblings_of(const ModelInfo& model);
/// The model that asks for this `termNN.default.loads` (case-sensitive), or nullptr.
[[nodiscard]] const ModelInfo* model_for_term_file(std::string_view file_name) noexcept;

/// Whether the family of `model` offers loads in `protocol`.
[[nodiscard]] bool offers(const FamilyInfo& family, Protocol protocol) noexcept;

} // namespace fwplan
