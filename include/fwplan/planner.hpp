#pragma once
/// @file planner.hpp
/// Plans the chain of loads that takes a phone from the load it runs to the load its owner
/// wants: the shortest chain a careful expert would pick, with the rules behind every step.
///
/// For one family, every known load (the catalog plus what the user has on disk) is a
/// vertex and every ordered pair of loads is a step unless a rule forbids it; floors remove
/// loads a phone's hardware cannot run. Steps cost one each, plus small penalties that
/// make the answer the one an expert would pick: switch protocol once, at the last step;
/// prefer loads the user already has; prefer the bridges the rules name; prefer steps
/// backed by Cisco over community reports. Same inputs, same answer.
///
/// **Example** (the README's example phone)
///
///     fwplan::Planner planner(fwplan::Catalog::builtin());
///     fwplan::PlanRequest request;
///     request.model = "7941";
///     request.from = fwplan::LoadId::parse("SCCP41.8-3-1S").value();
///     request.to_protocol = fwplan::Protocol::Sip;          // final SIP load: 9.4(2)SR3
///     fwplan::Result<fwplan::Plan> plan = planner.plan(request);
///     for (const fwplan::PlanStep& step : plan->steps)      // SCCP41.8-5-2S, SIP41.9-4-2SR3-1S
///         std::cout << step.number << ". " << step.load.str() << "\n";

#include <fwplan/catalog.hpp>
#include <fwplan/diagnostic.hpp>
#include <fwplan/error.hpp>
#include <fwplan/load_id.hpp>
#include <fwplan/models.hpp>

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace fwplan {

/// What to plan.
struct PlanRequest {
    std::string model;          ///< as people type it: `7941`, `CP-7941G`
    std::optional<LoadId> from; ///< what the phone runs; none: the oldest plausible load
    std::optional<LoadId> to;   ///< the load to end on; none: the final load of `to_protocol`
    std::optional<Protocol> to_protocol;    ///< when `to` is empty; default SIP
    std::optional<HardwareRevision> hw_rev; ///< from the label on the phone, when known
    /// Let COMMUNITY evidence decide: a step a COMMUNITY rule reports working (an `allow`
    /// effect of COMMUNITY confidence that `overrules` the forbidding rules) is planned even
    /// though those rules forbid it, and the step cites both (role `RuleCitation::kOverruled`). Off: rules that forbid a step always win, and a
    /// refusal says when this would have found a plan.
    bool allow_community = false;
};

/// A rule that shaped a step, as the user sees it.
struct RuleCitation {
    std::string id;    ///< `J-01`
    std::string title; ///< one line
    /// Of the effect cited: its own when it has one (S-03's last forbid is INFERRED in a
    /// CISCO rule), else the rule's.
    Confidence confidence = Confidence::Inferred;
    /// Of the rule as a whole; differs from `confidence` when the cited effect has its own,
    /// so one rule can show two confidences in two plans, each with its effect (`role`).
    Confidence rule_confidence = Confidence::Inferred;
    std::vector<std::string> sources; ///< URLs
    std::string role;                 ///< why it is cited: see the constants below
    std::string detail;               ///< for cautions: what to watch for
    /// For `kForbidsDirect`: what the phone shows when it is given the forbidden step anyway
    /// (`AUTH FAIL`), when the rule records it; else empty.
    std::string symptom;

    /// The rule forbids going from this step's start straight to the plan's target.
    static constexpr std::string_view kForbidsDirect = "forbids the direct step";
    /// The rule names this step's load as the preferred bridge.
    static constexpr std::string_view kBridge = "names this load as the bridge";
    /// The rule says this step works (its backing).
    static constexpr std::string_view kAllows = "allows this step";
    /// The rule asks for care on this step; `detail` says what.
    static constexpr std::string_view kCaution = "caution";
    /// A hardware floor that applies if the phone's revision is high enough (unknown).
    static constexpr std::string_view kFloor = "hardware floor";
    /// The rule forbids this step, but `PlanRequest::allow_community` let a COMMUNITY report
    /// that it works decide; `detail` says which.
    static constexpr std::string_view kOverruled = "forbids this step, overruled by a report";
};

/// What to try if a step fails in a known way (a COMMUNITY workaround such as J-08).
struct Fallback {
    std::string rule;                              ///< `J-08`
    Confidence confidence = Confidence::Community; ///< how sure the workaround is
    std::string symptom;                           ///< `AUTH FAIL`
    std::string advice;                            ///< what to do
    std::optional<LoadId> load; ///< the load to try first, when the catalog has one
    std::string package;        ///< its package
};

/// One firmware change: the phone is told to load `load`.
struct PlanStep {
    unsigned number = 0;          ///< 1-based
    LoadId from;                  ///< what the phone runs before this step
    LoadId load;                  ///< what it is told to load
    bool protocol_change = false; ///< SCCP ↔ SIP in this step
    bool downgrade = false;       ///< the load is older than `from` (on the same line)
    /// The step moves between firmware lines (78xx/88xx enterprise ↔ multiplatform, MPP):
    /// a conversion with its own rules (MPP-01), never an ordinary version step.
    bool conversion = false;
    std::string package; ///< what to put on the TFTP server (to download, or yours)
    /// The package name is only inferred from the family's pattern (no public list or Cisco
    /// document spells it): check it before downloading. False for packages you have.
    bool package_inferred = false;
    bool available = false;   ///< the user has it (`--firmware`)
    std::string available_in; ///< where, when available
    /// Files the phone will fetch (the .loads, then its components; for a 7940/7960 on an
    /// unsigned load also the `.bin` loader). Without a manifest (`files_from_manifest`
    /// false) the names follow the family's pattern, with `*` for a build ID only the
    /// `.loads` knows (`jar41sccp.*.sbn`).
    std::vector<std::string> files;
    bool files_from_manifest = false; ///< files read from your package (else expected names)
    std::vector<std::string> missing; ///< files your package lacks for this load
    std::vector<RuleCitation> rules;  ///< the rules behind this step
    std::vector<Fallback> fallbacks;  ///< what to try if it fails

    /// The protocol of the load.
    [[nodiscard]] Protocol protocol() const noexcept { return load.protocol(); }
};

/// The chain from `from` to `to`. No steps means the phone already runs the target.
struct Plan {
    std::string model;             ///< canonical model number
    std::string family;            ///< family id
    LoadId from;                   ///< the load the phone runs
    LoadId to;                     ///< the load it ends on
    bool from_assumed = false;     ///< no `from` was given: the oldest plausible load was used
    std::vector<PlanStep> steps;   ///< in order; empty when the phone runs the target
    std::vector<Diagnostic> notes; ///< assumptions and warnings about the whole plan
    std::vector<std::string> missing_packages; ///< packages to download (not in `--firmware`)
};

/// Whether a phone can go from one load straight to another, and if not, why.
struct DirectStep {
    std::vector<LoadId> via;             ///< loads to install first; empty when one step does it
    std::vector<std::string> forbidding; ///< the rules that forbid the direct step (`J-01`)
    /// A forbidding rule says the phone shows AUTH FAIL when given the direct step (the
    /// symptom its `forbid` effect records, `RuleEffect::on`).
    bool auth_fail = false;

    /// True when the phone can take `to` directly.
    [[nodiscard]] bool one_step() const noexcept { return via.empty(); }
};

/// Whom an explanation of a direct step speaks of (`Planner::explain_direct_step`).
enum class DirectStepSubject {
    ResetPhone,   ///< a phone just reset to `from` (staging: what a term file means)
    RunningPhone, ///< a phone running `from` (the audit: what a config asks of it)
};

/// Options for `Planner::graphviz`.
struct GraphOptions {
    std::string model;                      ///< limit floors to this model ("" = none)
    std::optional<HardwareRevision> hw_rev; ///< hardware revision for floors
    bool show_forbidden = false;            ///< also draw forbidden steps, dashed, with rule IDs
};

/// What became of one request of a fleet: a plan or an error, shared by every request that
/// asked the same.
struct FleetOutcome {
    bool planned = false;  ///< true: `index` is into `FleetPlans::plans`; false: into `errors`
    std::size_t index = 0; ///< which plan or error

    /// Two requests with one answer.
    friend bool operator==(const FleetOutcome&, const FleetOutcome&) = default;
};

/// Plans for many phones at once; phones that ask the same are planned once.
struct FleetPlans {
    std::vector<Plan> plans;           ///< one per distinct request that could be planned
    std::vector<Error> errors;         ///< one per distinct request that could not
    std::vector<FleetOutcome> outcome; ///< one per request, in the order given

    /// The plan of request `i`, or null when it could not be planned.
    [[nodiscard]] const Plan* plan_of(std::size_t i) const {
        return outcome.at(i).planned ? &plans.at(outcome[i].index) : nullptr;
    }
    /// The error of request `i`, or null when it was planned.
    [[nodiscard]] const Error* error_of(std::size_t i) const {
        return outcome.at(i).planned ? nullptr : &errors.at(outcome[i].index);
    }
};

/// Plans upgrade chains over a catalog and the loads a user has. Thread-safe for
/// concurrent `plan` calls once constructed.
class Planner {
public:
    /// A planner over a copy of `catalog` and the loads the user has (`--firmware`).
    explicit Planner(const Catalog& catalog, std::vector<AvailableLoad> available = {});
    ~Planner();
    /// Moves the planner (its cached graphs move with it).
    Planner(Planner&&) noexcept;
    /// Moves the planner (its cached graphs move with it).
    Planner& operator=(Planner&&) noexcept;

    /// Plans one phone. Errors: an unknown model or a load of another family (BadInput); no
    /// plan possible, a target below a hardware floor, a family without loads in the
    /// protocol, a target fwplan knows nothing about (NotPossible, naming the rules).
    [[nodiscard]] Result<Plan> plan(const PlanRequest& request) const;

    /// Whether a `model` on `from` can install `to` in one step; if not, the loads a plan
    /// goes through first and the rules that forbid the direct step. Errors as `plan`.
    [[nodiscard]] Result<DirectStep> direct_step(std::string_view model, const LoadId& from,
                                                 const LoadId& to) const;

    /// Why a `model` on `from` cannot install `to` in one step, in words for people: the
    /// rules that forbid it, what goes first, AUTH FAIL where a rule reports it; or why no
    /// plan exists at all. Empty when one step does it. The one wording the stager and the
    /// audit both use.
    [[nodiscard]] std::string explain_direct_step(std::string_view model, const LoadId& from,
                                                  const LoadId& to,
                                                  DirectStepSubject subject) const;

    /// A planner over the built-in knowledge base and no user firmware, made once on first
    /// use and shared (it is thread-safe): what staging and the audit plan with when they
    /// are given no planner.
    [[nodiscard]] static const Planner& builtin();

    /// Plans a fleet: requests are grouped by (model, from, to, hw-rev) and each group is
    /// planned once.
    [[nodiscard]] FleetPlans plan_fleet(std::span<const PlanRequest> requests) const;

    /// The version graph of a family in Graphviz DOT: loads as nodes (final loads bold,
    /// loads you have filled), allowed steps as edges reduced to the ones that are not
    /// implied by two shorter steps; forbidden steps dashed on request.
    [[nodiscard]] Result<std::string> graphviz(std::string_view family,
                                               const GraphOptions& options = {}) const;
    /// Several families in one DOT document, one cluster per family (node names prefixed so
    /// they stay apart); one family gives the document of `graphviz(family)`.
    [[nodiscard]] Result<std::string> graphviz(std::span<const std::string_view> families,
                                               const GraphOptions& options = {}) const;

    /// The loads the user has, as given.
    [[nodiscard]] const std::vector<AvailableLoad>& available() const noexcept;
    /// The knowledge it plans with (its copy of the catalog it was given).
    [[nodiscard]] const Catalog& catalog() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// The files a phone fetches for a catalog load when no manifest is at hand: the `.loads`,
/// then the components the family's naming pattern gives for its build ID (Java 79xx:
/// jar, cnu, apps, dsp, cvm, with `*` for a build ID the catalog does not know; 7940/7960:
/// the `.sbn` loader and `.sb2` image, or the `.bin` of an unsigned load).
[[nodiscard]] std::vector<std::string> expected_files(const KnownLoad& load);

} // namespace fwplan
