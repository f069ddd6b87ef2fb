#pragma once
/// @file catalog.hpp
/// What fwplan knows about the firmware world: the known loads of every family (with the
/// package to download and whether it is the family's final load) and every upgrade rule
/// of Cisco's notes and users' reports, each with its confidence and its sources.
///
/// The knowledge is data (XML, documented in docs/catalog-format.md). The built-in knowledge
/// base is compiled into the library, so fwplan works with no files installed; users add
/// loads and rules, or override built-in ones by ID, with their own files of the same format.
///
/// **Example**
///
///     fwplan::Catalog catalog = fwplan::Catalog::builtin();
///     if (auto extra = catalog.merge_file("site-loads.xml"); !extra)
///         std::cerr << extra.error().describe() << '\n';
///     for (const fwplan::KnownLoad& load : catalog.loads_of_family("41"))
///         std::cout << load.id.str() << (load.final ? " (final)" : "") << '\n';
///     const fwplan::Rule* rule = catalog.find_rule("J-01");   // 8.5(2) bridge, CISCO

#include <fwplan/error.hpp>
#include <fwplan/load_id.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fwplan {

/// How sure the knowledge is (docs/catalog-format.md).
enum class Confidence {
    Cisco,     ///< stated in a Cisco document
    Community, ///< reported by users (forum, blog, GitHub)
    Inferred,  ///< deduced; a default, not a fact
    Conflict,  ///< sources disagree; the conservative value is used
};

/// "CISCO", "COMMUNITY", "INFERRED", "CONFLICT".
[[nodiscard]] std::string_view to_string(Confidence confidence) noexcept;
/// Parses the names above, any case.
[[nodiscard]] Result<Confidence> parse_confidence(std::string_view text);

/// A load the knowledge base knows of.
struct KnownLoad {
    LoadId id;           ///< the load ID (identity)
    std::string build;   ///< component build ID (`9-4-2ES26`) where known, else empty
    std::string package; ///< file to download: `cmterm-7941_7961-sip.9-4-2SR3-1.zip`
    /// Where the package name was seen as written (a public list, a Cisco document); empty
    /// when the name is only inferred from the family's pattern. Real names do not always
    /// follow the pattern (`cmterm-7931-scpp.8-5-2.zip`, `...-sccp.9-4-2-1SR3-1.zip`).
    std::string package_evidence;
    bool final = false; ///< the family's last load in its protocol (Table B)
    Confidence confidence = Confidence::Inferred; ///< how sure it is that this ID exists
    std::string evidence;                         ///< where the ID was seen (short text)
};

/// A genuine package as a public list describes it (a provisioning system's list of the
/// firmware it installs): its name, size and digests, never its bytes.
struct KnownPackage {
    std::string name;                  ///< the file name: `cmterm-7941_7961-sccp.9-4-2SR1-1.zip`
    std::optional<std::uint64_t> size; ///< bytes, when the list gives them
    std::string sha1;                  ///< lower-case hex, when the list gives it
    std::string sha256;                ///< lower-case hex, when the list gives it
    std::string md5;                   ///< lower-case hex, when the list gives it
    std::string load;                  ///< the load ID it holds, when known
    std::string evidence;              ///< the list (and where in it) the record comes from

    /// True when the record has something to compare a file with (a size or a digest).
    [[nodiscard]] bool comparable() const noexcept {
        return size.has_value() || !sha1.empty() || !sha256.empty() || !md5.empty();
    }
};

/// A load the user has on disk (found in `--firmware` packages): knowledge that comes from
/// the user's files rather than the knowledge base. firmware.hpp finds these, the planner
/// plans with them.
struct AvailableLoad {
    LoadId id;                        ///< from the `.loads` manifest
    std::string package;              ///< where it is: the zip or folder path
    std::string build;                ///< component build ID from the manifest
    std::vector<std::string> files;   ///< what the phone fetches: the `.loads`, then its components
    std::vector<std::string> missing; ///< components the `.loads` names that the package lacks
};

/// A hardware revision from the label on a phone (`V08`, `V15`); ordered by number.
struct HardwareRevision {
    unsigned number = 0; ///< the number after the V
    /// Parses `V15`, `v15` or `15`.
    [[nodiscard]] static Result<HardwareRevision> parse(std::string_view text);
    /// `V08`, `V15`: how the label prints it.
    [[nodiscard]] std::string str() const {
        return "V" + std::string(number < 10 ? "0" : "") + std::to_string(number);
    }
    /// Orders by number: V08 < V15.
    friend auto operator<=>(const HardwareRevision&, const HardwareRevision&) = default;
};

/// When a rule applies to a step from one load to another. Every field is optional; an
/// empty condition matches every step of the rule's families.
struct StepCondition {
    std::optional<Version> from_min;        ///< from ≥ this
    std::optional<Version> from_max;        ///< from ≤ this
    std::optional<Version> from_below;      ///< from < this
    std::optional<Version> to_min;          ///< to ≥ this
    std::optional<Version> to_max;          ///< to ≤ this
    std::optional<Version> to_below;        ///< to < this
    std::optional<Protocol> from_protocol;  ///< the protocol of the load the phone runs
    std::optional<Protocol> to_protocol;    ///< the protocol of the load it is told to install
    std::optional<bool> protocol_change;    ///< the step switches protocol (true) or not (false)
    std::optional<bool> downgrade;          ///< to < from (true) or to > from (false)
    std::string from_line;                  ///< "MPP" or "enterprise" (78xx/88xx firmware line)
    std::string to_line;                    ///< as `from_line`, for the target
    std::vector<std::string> models;        ///< only these models (canonical numbers); empty: all
    std::optional<HardwareRevision> hw_min; ///< only phones of this hardware revision or later
};

/// What a rule does.
enum class EffectKind {
    Forbid,   ///< the step may not be taken (an edge is removed from the graph)
    Prefer,   ///< loads of this version are the preferred intermediate (a bridge)
    Allow,    ///< the step is known to work (cited as support)
    Caution,  ///< the step works but the user must know something
    Floor,    ///< loads below `version` cannot be installed (vertices are removed)
    Fallback, ///< what to try when a matching step fails (`on`), e.g. AUTH FAIL
};

/// One effect of a rule; a rule may have several (S-03's ladder is four forbids).
struct RuleEffect {
    EffectKind kind = EffectKind::Forbid; ///< what the effect does
    StepCondition when;                   ///< the steps (or, for Floor, the phones) it covers
    std::optional<Version> version;       ///< Prefer/Floor: the version; Fallback: the retry load
    std::optional<Protocol> protocol;     ///< Prefer/Fallback: the protocol, if fixed
    bool protocol_of_target = false;      ///< Fallback: use the plan's target protocol
    std::string on;                       ///< Fallback: the symptom, e.g. "AUTH FAIL"
    std::string text;                     ///< Caution/Fallback: what to tell the user
    std::optional<Confidence> confidence; ///< overrides the rule's confidence for this effect
    /// Allow: the rules whose `forbid` this report contradicts on the steps it matches. A plan
    /// asked to trust COMMUNITY reports (`PlanRequest::allow_community`) takes such a step
    /// when the allow is COMMUNITY; otherwise the forbid wins.
    std::vector<std::string> overrules;
};

/// One rule of Table A.
struct Rule {
    std::string id;                    ///< `J-01`, `S-03`, `H-02`, ...
    std::string title;                 ///< one line
    std::string text;                  ///< what the source says, and what fwplan does with it
    std::vector<std::string> families; ///< family ids it covers (groups expanded)
    Confidence confidence = Confidence::Inferred; ///< of the rule as a whole
    std::vector<std::string> sources;             ///< URLs (or a citation where no URL exists)
    std::vector<RuleEffect> effects;              ///< empty for notes that only inform

    /// The confidence of one effect (its own, or the rule's).
    [[nodiscard]] Confidence confidence_of(const RuleEffect& effect) const {
        return effect.confidence.value_or(confidence);
    }
    /// True when the rule covers this family.
    [[nodiscard]] bool covers(std::string_view family) const;
};

/// Known loads and rules. Cheap to copy; merge more knowledge with `merge_file`.
class Catalog {
public:
    /// An empty catalog (no loads, no rules).
    Catalog() = default;
    /// The knowledge base compiled into the library (lib/data/knowledge.xml).
    [[nodiscard]] static const Catalog& builtin();
    /// Parses a catalog document (the format of docs/catalog-format.md); `origin` names it
    /// in errors.
    [[nodiscard]] static Result<Catalog> parse(std::string_view xml, std::string_view origin);

    /// Adds the loads and rules of another catalog; same IDs replace what was there.
    void merge(const Catalog& other);
    /// Removes a rule (to see what a plan would be without it); false if there was none.
    bool remove_rule(std::string_view id);
    /// Reads a catalog file (a regular file of at most 16 MiB) and merges it. Errors:
    /// `fwplan.catalog.unreadable` (Io when it cannot be opened or read; BadInput when it is
    /// a FIFO, a device, a folder or larger than 16 MiB), and those of `parse`.
    [[nodiscard]] Result<void> merge_file(const std::filesystem::path& path);

    /// Every known load, ordered by family, then version.
    [[nodiscard]] const std::vector<KnownLoad>& loads() const noexcept { return loads_; }
    /// Every rule, in catalog order.
    [[nodiscard]] const std::vector<Rule>& rules() const noexcept { return rules_; }
    /// Every genuine package the catalog describes, by name.
    [[nodiscard]] const std::vector<KnownPackage>& packages() const noexcept { return packages_; }
    /// The record of a package file name (exact, case-sensitive), or nullptr.
    [[nodiscard]] const KnownPackage* find_package(std::string_view name) const noexcept;
    /// True when the load's package name is only inferred from the family's pattern: no
    /// `package_evidence` and no package record of that name. False when there is no name.
    [[nodiscard]] bool package_inferred(const KnownLoad& load) const noexcept;
    /// The loads of a family, oldest first.
    [[nodiscard]] std::vector<const KnownLoad*> loads_of_family(std::string_view family) const;
    /// The rules that cover a family, in catalog order.
    [[nodiscard]] std::vector<const Rule*> rules_for_family(std::string_view family) const;
    /// The catalog entry of a load, or nullptr.
    [[nodiscard]] const KnownLoad* find_load(const LoadId& id) const noexcept;
    /// The catalog entry of a load given as text, or nullptr.
    [[nodiscard]] const KnownLoad* find_load(std::string_view id) const noexcept;
    /// The rule with this ID (`J-01`), or nullptr.
    [[nodiscard]] const Rule* find_rule(std::string_view id) const noexcept;
    /// The family's final load in `protocol` (Table B), or nullptr.
    [[nodiscard]] const KnownLoad* final_load(std::string_view family, Protocol protocol) const;

private:
    std::vector<KnownLoad> loads_;
    std::vector<Rule> rules_;
    std::vector<KnownPackage> packages_;
};

} // namespace fwplan
