#pragma once
// The version graph of one family for one phone (model, hardware revision): which loads it
// can be told to install and which steps no rule forbids. Boost.Graph lives behind this
// header; nothing of it reaches the public API.

#include <fwplan/catalog.hpp>
#include <fwplan/planner.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace fwplan::detail {

/// The phone a graph is built for: rules with `models` or `hw-min` depend on it.
struct PhoneContext {
    std::string family;
    std::string model;                      ///< canonical number, "" when not known
    std::optional<HardwareRevision> hw_rev; ///< none when the user did not say
};

/// One rule effect, with the rule it belongs to.
struct EffectRef {
    const Rule* rule = nullptr;
    const RuleEffect* effect = nullptr;
};

/// A load of the family: from the catalog, from the user's firmware, or both.
struct GraphVertex {
    LoadId id;
    const KnownLoad* known = nullptr;         ///< catalog entry, if any
    const AvailableLoad* available = nullptr; ///< the user's copy, if any
};

/// Whether a step condition holds for the step `from` → `to` on this phone. Conditions on
/// a hardware revision hold only when the revision is known and high enough.
[[nodiscard]] bool step_matches(const StepCondition& when, const LoadId& from, const LoadId& to,
                                const PhoneContext& phone);
/// Whether a floor's phone conditions (models, hardware revision) hold for this phone.
[[nodiscard]] bool phone_matches(const StepCondition& when, const PhoneContext& phone);
/// "MPP" for multiplatform (3PCC) loads, "enterprise" otherwise.
[[nodiscard]] std::string_view firmware_line(const LoadId& id);
/// True when the step moves between firmware lines (enterprise ↔ MPP): a conversion.
[[nodiscard]] bool is_conversion(const LoadId& from, const LoadId& to);
/// True when `to` is older than `from` on the same firmware line. The versions of two lines
/// do not compare (MPP 12.0(7) is no downgrade from enterprise 14.2(1)), so a conversion is
/// never a downgrade, and `downgrade` conditions never match one.
[[nodiscard]] bool is_downgrade(const LoadId& from, const LoadId& to);
/// Whether a floor effect removes `load` on this phone: the phone matches, the load is of
/// the floor's line (`to-line`, when given) and below its version.
[[nodiscard]] bool floor_applies(const RuleEffect& floor, const LoadId& load,
                                 const PhoneContext& phone);

class VersionGraph {
public:
    /// Builds the graph of `phone.family`; `keep` (the phone's current load) stays a vertex
    /// even when unknown or below a floor, since the phone runs it whatever the rules say.
    /// With `allow_community`, a step whose every forbid is named in the `overrules` of a
    /// matching COMMUNITY `allow` is allowed; the forbids it lifts are kept (`overruled`).
    VersionGraph(const Catalog& catalog, const std::vector<AvailableLoad>& available,
                 PhoneContext phone, const std::optional<LoadId>& keep,
                 bool allow_community = false);

    [[nodiscard]] const PhoneContext& phone() const noexcept { return phone_; }
    [[nodiscard]] const std::vector<GraphVertex>& vertices() const noexcept { return vertices_; }
    [[nodiscard]] std::optional<std::size_t> index_of(const LoadId& id) const;
    /// The effects of the family's rules, in catalog order.
    [[nodiscard]] const std::vector<EffectRef>& effects() const noexcept { return effects_; }

    /// Loads removed because a floor applies to this phone, with the floor.
    [[nodiscard]] const std::vector<std::pair<LoadId, EffectRef>>& below_floor() const noexcept {
        return below_floor_;
    }
    /// The forbid effects that match the step u → v (empty: the step is allowed).
    [[nodiscard]] const std::vector<EffectRef>& forbids(std::size_t u, std::size_t v) const;
    [[nodiscard]] bool allowed(std::size_t u, std::size_t v) const { return forbids(u, v).empty(); }
    /// The forbid effects of u → v that a COMMUNITY report lifted (allow_community).
    [[nodiscard]] const std::vector<EffectRef>& overruled(std::size_t u, std::size_t v) const;
    /// The effects of `kind` that match the step u → v.
    [[nodiscard]] std::vector<EffectRef> matching(EffectKind kind, std::size_t u,
                                                  std::size_t v) const;

    /// The cheapest chain of vertices from `from` to `to` (both included) over allowed
    /// steps through vertices `usable(v)` says may be passed, `cost(u, v)` > 0 per step;
    /// empty when `to` cannot be reached.
    [[nodiscard]] std::vector<std::size_t>
    shortest_path(std::size_t from, std::size_t to,
                  const std::function<double(std::size_t, std::size_t)>& cost,
                  const std::function<bool(std::size_t)>& usable) const;

private:
    PhoneContext phone_;
    std::vector<GraphVertex> vertices_;
    std::vector<EffectRef> effects_;
    std::vector<std::pair<LoadId, EffectRef>> below_floor_;
    std::vector<std::vector<EffectRef>> forbids_;   // n*n, row-major
    std::vector<std::vector<EffectRef>> overruled_; // n*n: forbids a COMMUNITY allow lifted
};

} // namespace fwplan::detail
