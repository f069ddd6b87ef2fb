#include "detail/text.hpp"
#include "plan/version_graph.hpp"

#include <fwplan/planner.hpp>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

namespace fwplan {

using detail::EffectRef;
using detail::GraphVertex;
using detail::PhoneContext;
using detail::VersionGraph;

namespace {

// What a phone shows when it is given a load signed with keys it does not know (J-04..J-06).
constexpr std::string_view kAuthFail = "AUTH FAIL";

std::size_t confidence_rank(Confidence c) {
    switch (c) {
    case Confidence::Cisco:
        return 0;
    case Confidence::Community:
        return 1;
    case Confidence::Inferred:
        return 2;
    case Confidence::Conflict:
        return 3;
    }
    return 3;
}

using detail::is_downgrade;

// The cost of one step of a chain. One step costs far more than any penalty, so the fewest
// steps always win; the penalties only choose among chains of the same length, the way an
// expert would (docs/catalog-format.md, "How a plan is chosen": switch protocol once and last, never go down when up
// works, prefer what the user has, the bridge a rule names, and steps Cisco backs).
class StepCost {
public:
    static constexpr double kStep = 1000;
    static constexpr double kEarlyProtocolSwitch = 300; // switch protocol once, at the last step
    // ... unless the user already has the load of the other protocol: switching early onto a
    // bridge they have beats downloading the same version in the protocol they run (J-01
    // names 8.5(2) in either protocol; J-08 itself falls back to the target protocol's 8.5(2)).
    static constexpr double kEarlySwitchToOwnLoad = 30;
    static constexpr double kDowngrade = 200;             // never go down when up works
    static constexpr double kNotAvailable = 40;           // prefer loads the user already has
    static constexpr double kNotPreferredBridge = 20;     // prefer the bridge a rule names (8.5(2))
    static constexpr double kSupport[] = {0, 10, 15, 15}; // allow backing: CISCO, COMMUNITY, other
    static constexpr double kLoadDoubt[] = {0, 2, 5,
                                            5}; // how sure the load exists: CISCO .. INFERRED
    static constexpr double kNewerIntermediate = 0.01; // among equals, the newer intermediate

    StepCost(const VersionGraph& graph, std::size_t goal) : graph_(graph), goal_(goal) {
        const auto& vertices = graph.vertices();
        preferred_.assign(vertices.size(), false);
        for (const EffectRef& ref : graph.effects())
            if (ref.effect->kind == EffectKind::Prefer &&
                detail::phone_matches(ref.effect->when, graph.phone()))
                for (std::size_t i = 0; i < vertices.size(); ++i)
                    if (vertices[i].id.version() == *ref.effect->version &&
                        (!ref.effect->protocol ||
                         vertices[i].id.protocol() == *ref.effect->protocol))
                        preferred_[i] = true;
    }

    double operator()(std::size_t u, std::size_t v) const {
        const auto& vertices = graph_.vertices();
        const std::size_t n = vertices.size();
        double c = kStep;
        const LoadId& a = vertices[u].id;
        const LoadId& b = vertices[v].id;
        if (a.protocol() != b.protocol() && v != goal_)
            c += vertices[v].available != nullptr ? kEarlySwitchToOwnLoad : kEarlyProtocolSwitch;
        if (is_downgrade(a, b))
            c += kDowngrade;
        if (v != goal_) {
            if (vertices[v].available == nullptr)
                c += kNotAvailable;
            if (!preferred_[v])
                c += kNotPreferredBridge;
            if (vertices[v].known != nullptr && vertices[v].available == nullptr)
                c += kLoadDoubt[confidence_rank(vertices[v].known->confidence)];
            c += kNewerIntermediate * static_cast<double>(n - v);
        }
        std::size_t support = 2;
        for (const EffectRef& ref : graph_.matching(EffectKind::Allow, u, v))
            support = std::min(support, confidence_rank(ref.rule->confidence_of(*ref.effect)));
        c += kSupport[support];
        return c;
    }

private:
    const VersionGraph& graph_;
    std::size_t goal_;
    std::vector<bool> preferred_; // loads a prefer rule names as the bridge
};

std::string base_name(const std::string& path) {
    const std::size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

RuleCitation cite(const EffectRef& ref, std::string_view role, std::string detail = {}) {
    RuleCitation c;
    c.id = ref.rule->id;
    c.title = ref.rule->title;
    c.confidence = ref.rule->confidence_of(*ref.effect);
    c.rule_confidence = ref.rule->confidence;
    c.sources = ref.rule->sources;
    c.role = std::string(role);
    c.detail = std::move(detail);
    if (ref.effect->kind == EffectKind::Forbid)
        c.symptom = ref.effect->on;
    return c;
}

// Adds a citation unless the same rule is already cited for the same reason.
void add_citation(std::vector<RuleCitation>& list, RuleCitation citation) {
    for (RuleCitation& existing : list)
        if (existing.id == citation.id && existing.role == citation.role) {
            if (!citation.detail.empty() &&
                existing.detail.find(citation.detail) == std::string::npos)
                existing.detail += (existing.detail.empty() ? "" : " ") + citation.detail;
            return;
        }
    list.push_back(std::move(citation));
}

std::string rule_list(const std::vector<EffectRef>& refs) {
    std::set<std::string> ids;
    for (const EffectRef& ref : refs)
        ids.insert(ref.rule->id);
    std::string out;
    for (const std::string& id : ids)
        out += (out.empty() ? "" : ", ") + id;
    return out;
}

Error plan_error(std::string code, std::string message, std::string hint = {}) {
    Error error = not_possible("plan." + std::move(code), std::move(message));
    error.hint = std::move(hint);
    return error;
}

} // namespace

// ---------------------------------------------------------------------------------------

std::vector<std::string> expected_files(const KnownLoad& load) {
    const LoadId& id = load.id;
    const FamilyInfo* family = find_family(id.family());
    if (family == nullptr)
        return {id.loads_file_name()};
    if (family->style == LoadIdStyle::Tnp && !id.is_term_load()) {
        // jar, cnu, apps, dsp, cvm, named <role><family>[proto].<build>.sbn
        // (docs/phone-files.md); a build ID the knowledge base lacks is only in the .loads
        // itself, so it stands as `*` (a shell pattern that matches it).
        const std::string code = id.family_code();
        const std::string proto = id.protocol() == Protocol::Sip ? "sip" : "sccp";
        const std::string b = "." + (load.build.empty() ? std::string("*") : load.build) + ".sbn";
        return {id.loads_file_name(), "jar" + code + proto + b, "cnu" + code + b,
                "apps" + code + b,    "dsp" + code + b,         "cvm" + code + proto + b};
    }
    if (family->style == LoadIdStyle::P0) {
        const std::string& raw = id.str();
        if (id.version() < Version(5, 0, 0))
            return {raw + ".bin"}; // unsigned images have no .loads (S-02)
        if (id.protocol() == Protocol::Sip || id.protocol() == Protocol::Mgcp)
            // docs/phone-files.md §2.2: P0S3-8-12-00.loads lists P003-8-12-00.sbn and P0S3-8-12-00.sb2
            return {id.loads_file_name(), "P003" + raw.substr(4) + ".sbn", raw + ".sb2"};
        return {id.loads_file_name(), raw + ".sbn", raw + ".sb2"};
    }
    return {id.loads_file_name()};
}

struct Planner::Impl {
    Catalog catalog;
    std::vector<AvailableLoad> available;
    mutable std::mutex mutex;
    mutable std::map<std::string, std::shared_ptr<const VersionGraph>> graphs;

    std::shared_ptr<const VersionGraph> graph(const PhoneContext& phone,
                                              const std::optional<LoadId>& keep,
                                              bool allow_community = false) const {
        const std::string key = phone.family + "|" + phone.model + "|" +
                                (phone.hw_rev ? phone.hw_rev->str() : "") + "|" +
                                (keep ? keep->str() : "") + (allow_community ? "|community" : "");
        std::lock_guard lock(mutex);
        auto& slot = graphs[key];
        if (!slot)
            slot = std::make_shared<const VersionGraph>(catalog, available, phone, keep,
                                                        allow_community);
        return slot;
    }

    struct Setup;
    Result<Plan> plan(const PlanRequest& request) const;
    Result<Setup> set_up(const PlanRequest& request) const;
    Result<LoadId> choose_target(const PlanRequest& request, const FamilyInfo& family,
                                 const ModelInfo& model) const;
    std::size_t choose_start(const Setup& setup, const PlanRequest& request, Plan& plan) const;
    Result<std::vector<std::size_t>> find_chain(const Setup& setup, std::size_t start,
                                                const Plan& plan) const;
    void note_what_to_download(const Setup& setup, Plan& plan) const;
    PlanStep make_step(const VersionGraph& graph, std::size_t u, std::size_t v, std::size_t goal,
                       unsigned number) const;
};

Planner::Planner(const Catalog& catalog, std::vector<AvailableLoad> available)
    : impl_(std::make_unique<Impl>()) {
    impl_->catalog = catalog;
    impl_->available = std::move(available);
}
Planner::~Planner() = default;
Planner::Planner(Planner&&) noexcept = default;
Planner& Planner::operator=(Planner&&) noexcept = default;

const std::vector<AvailableLoad>& Planner::available() const noexcept {
    return impl_->available;
}

const Catalog& Planner::catalog() const noexcept {
    return impl_->catalog;
}

Result<Plan> Planner::plan(const PlanRequest& request) const {
    return impl_->plan(request);
}

Result<LoadId> Planner::Impl::choose_target(const PlanRequest& request, const FamilyInfo& family,
                                            const ModelInfo& model) const {
    if (request.to)
        return *request.to;
    const Protocol protocol = request.to_protocol.value_or(Protocol::Sip);
    // Where fwplan's knowledge ends, say so the same way whether the protocol or the loads
    // are what is missing: what Cisco offers for the family, and what fwplan knows of it.
    std::vector<std::string> offered;
    for (Protocol p : {Protocol::Sccp, Protocol::Sip, Protocol::Mgcp})
        if (offers(family, p))
            offered.emplace_back(to_string(p));
    const std::string knows_nothing =
        "fwplan's knowledge base has no " + std::string(family.name) +
        " load yet: name the target with --to and give its package with --firmware, or "
        "describe the loads in a --catalog file (docs/catalog-format.md)";
    // The first protocol other than the one asked for that fwplan knows loads of.
    std::string known_protocol;
    const std::vector<const KnownLoad*> known_loads = catalog.loads_of_family(family.id);
    for (const std::string& p : offered) {
        const bool known =
            p != to_string(protocol) &&
            std::any_of(known_loads.begin(), known_loads.end(),
                        [&](const KnownLoad* l) { return to_string(l->id.protocol()) == p; });
        if (known) {
            known_protocol = p;
            break;
        }
    }
    if (!offers(family, protocol)) {
        const std::string hint =
            known_protocol.empty() ? std::string() : "plan with --to-protocol " + known_protocol;
        return plan_error("no-protocol",
                          "the " + std::string(model.number) + " has no " +
                              std::string(to_string(protocol)) + " firmware: Cisco offers " +
                              detail::join(offered, " and ") + " firmware for the " +
                              std::string(family.name),
                          hint.empty() ? knows_nothing : hint);
    }
    if (const KnownLoad* final_load = catalog.final_load(family.id, protocol))
        return final_load->id;
    // No final load recorded: the newest enterprise load fwplan knows or the user has.
    std::optional<LoadId> best;
    auto consider = [&](const LoadId& id) {
        if (id.family() == family.id && id.protocol() == protocol &&
            detail::firmware_line(id) == "enterprise" && (!best || *best < id))
            best = id;
    };
    for (const KnownLoad* load : catalog.loads_of_family(family.id))
        consider(load->id);
    for (const AvailableLoad& load : available)
        consider(load.id);
    if (!best) {
        // It may know the family's loads of another protocol (the 6901's SCCP ones): then
        // "no load yet" would contradict the plan that --to-protocol gives.
        const std::string hint =
            known_protocol.empty()
                ? knows_nothing
                : "fwplan knows only " + known_protocol + " loads of the " +
                      std::string(family.name) + ": plan with --to-protocol " + known_protocol +
                      ", or name the " + std::string(to_string(protocol)) +
                      " target with --to and give its package with --firmware, or describe it "
                      "in a --catalog file (docs/catalog-format.md)";
        return plan_error("no-loads",
                          "fwplan knows no " + std::string(to_string(protocol)) + " load for the " +
                              std::string(model.number) + " (Cisco offers " +
                              detail::join(offered, " and ") + " firmware for the " +
                              std::string(family.name) + ")",
                          hint);
    }
    return *best;
}

// What one request is planned on: the phone, its family's graph, the target.
struct Planner::Impl::Setup {
    const ModelInfo* model = nullptr;
    const FamilyInfo* family = nullptr;
    PhoneContext phone;
    std::shared_ptr<const VersionGraph> graph;
    LoadId target;
    std::size_t goal = 0; ///< the target's vertex
    bool allow_community = false;
};

Result<Plan> Planner::Impl::plan(const PlanRequest& request) const {
    auto setup = set_up(request);
    if (!setup)
        return setup.error();
    Plan plan;
    plan.model = std::string(setup->model->number);
    plan.family = std::string(setup->family->id);
    plan.to = setup->target;
    const std::size_t start = choose_start(*setup, request, plan);
    if (start == setup->goal)
        return plan; // already there: no steps
    auto path = find_chain(*setup, start, plan);
    if (!path)
        return path.error();
    for (std::size_t i = 0; i + 1 < path->size(); ++i)
        plan.steps.push_back(make_step(*setup->graph, (*path)[i], (*path)[i + 1], setup->goal,
                                       static_cast<unsigned>(i + 1)));
    note_what_to_download(*setup, plan);
    return plan;
}

// The model, its family, the graph and a target the phone can be planned to.
Result<Planner::Impl::Setup> Planner::Impl::set_up(const PlanRequest& request) const {
    auto model_found = find_model(request.model);
    if (!model_found)
        return model_found.error();
    Setup setup;
    setup.model = *model_found;
    const ModelInfo& model = *setup.model;
    setup.family = &family_of(model);
    const FamilyInfo& family = *setup.family;

    for (const std::optional<LoadId>* id : {&request.from, &request.to})
        if (*id && (*id)->family() != family.id)
            return bad_input("plan.wrong-family",
                             (*id)->str() + " is firmware for the " +
                                 std::string(find_family((*id)->family())->name) + ", not the " +
                                 std::string(model.number))
                .with_hint("the " + std::string(model.number) + " runs " +
                           std::string(family.name) + " loads (package " +
                           std::string(family.package_stem) + "-...)");

    auto target = choose_target(request, family, model);
    if (!target)
        return target.error();
    setup.target = *target;
    setup.phone = PhoneContext{std::string(family.id), std::string(model.number), request.hw_rev};
    setup.allow_community = request.allow_community;
    setup.graph = graph(setup.phone, request.from, request.allow_community);
    const VersionGraph& graph = *setup.graph;

    // The target must be a load fwplan can plan to: known, or present in --firmware, and
    // not below a floor of this phone.
    for (const auto& [id, floor] : graph.below_floor())
        if (id == *target)
            return plan_error(
                "below-floor",
                "the " + std::string(model.number) + " cannot install " + id.str() + " (" +
                    id.version().release() + "): " + floor.rule->id + " (" +
                    std::string(to_string(floor.rule->confidence)) + ") says " + floor.rule->title,
                "source: " +
                    (floor.rule->sources.empty() ? std::string("-") : floor.rule->sources.front()));
    const std::optional<std::size_t> goal = graph.index_of(*target);
    if (!goal)
        return plan_error("unknown-target",
                          "fwplan knows nothing about " + target->str() +
                              ": it is not in the knowledge base and no --firmware package holds "
                              "its .loads",
                          "give the package that holds " + target->loads_file_name() +
                              " with --firmware, or describe the load in a --catalog file");
    setup.goal = *goal;
    return setup;
}

// Where the chain starts: the load the phone runs, or (none given) the oldest it may run, so
// that every bridge is part of the plan. Notes what is assumed or doubtful about it.
std::size_t Planner::Impl::choose_start(const Setup& setup, const PlanRequest& request,
                                        Plan& plan) const {
    const VersionGraph& graph = *setup.graph;
    if (!request.from) {
        plan.from = graph.vertices()[0].id;
        plan.from_assumed = true;
        plan.notes.push_back(info("fwplan.plan.from-assumed",
                                  "No --from given: planning from the oldest load a " + plan.model +
                                      " may run, " + plan.from.str() +
                                      ". Give --from (Settings > Status > Firmware Versions on "
                                      "the phone) for a shorter plan."));
        return 0;
    }
    plan.from = *request.from;
    const std::size_t start = *graph.index_of(*request.from);
    const GraphVertex& v = graph.vertices()[start];
    if (v.known == nullptr && v.available == nullptr)
        plan.notes.push_back(
            info("fwplan.plan.from-unknown", plan.from.str() +
                                                 " is not in fwplan's knowledge base; it is "
                                                 "planned by its version, " +
                                                 plan.from.version().release() + "."));
    for (const EffectRef& ref : graph.effects())
        if (detail::floor_applies(*ref.effect, plan.from, setup.phone))
            plan.notes.push_back(warning("fwplan.plan.below-floor",
                                         "The " + plan.model + " should not be able to run " +
                                             plan.from.str() + ": " + ref.rule->id + " says " +
                                             ref.rule->title + ". Check the load on the phone.",
                                         ref.rule->id));
    return start;
}

// The cheapest chain of allowed steps (StepCost) that never passes through a third protocol.
Result<std::vector<std::size_t>> Planner::Impl::find_chain(const Setup& setup, std::size_t start,
                                                           const Plan& plan) const {
    const VersionGraph& graph = *setup.graph;
    const auto& vertices = graph.vertices();
    // An expert never passes through a third protocol (a 7960 going SCCP to SIP does not
    // detour through MGCP, whatever the rules fail to forbid).
    const Protocol from_protocol = vertices[start].id.protocol();
    const Protocol goal_protocol = vertices[setup.goal].id.protocol();
    // Nor through a third firmware line, and a conversion (enterprise <-> MPP) happens once.
    const std::string_view from_line = detail::firmware_line(vertices[start].id);
    const std::string_view goal_line = detail::firmware_line(vertices[setup.goal].id);
    auto usable = [&](std::size_t v) {
        const std::string_view line = detail::firmware_line(vertices[v].id);
        return (vertices[v].id.protocol() == from_protocol ||
                vertices[v].id.protocol() == goal_protocol) &&
               (line == from_line || line == goal_line);
    };
    const StepCost cost(graph, setup.goal);
    std::vector<std::size_t> path = graph.shortest_path(start, setup.goal, cost, usable);
    if (!path.empty())
        return path;
    const auto& blocked = graph.forbids(start, setup.goal);
    std::string why = blocked.empty() ? std::string("no chain of allowed steps joins them")
                                      : "the direct step is forbidden by " + rule_list(blocked) +
                                            " and no chain of known loads goes around it";
    if (!blocked.empty() && rule_list(blocked) == blocked.front().rule->id)
        why += " (" + blocked.front().rule->id + ": " + blocked.front().rule->title + ")";
    std::string hint = "run 'fwplan graph --model " + plan.model +
                       " --all' to see the rules; an intermediate load fwplan does not know "
                       "can be added with --firmware or --catalog";
    if (!setup.allow_community) {
        // Would COMMUNITY reports find a way? Then the refusal says that the option exists.
        const auto community = this->graph(setup.phone, plan.from, true);
        const std::size_t from = *community->index_of(plan.from);
        const std::size_t to = *community->index_of(setup.target);
        const StepCost community_cost(*community, to);
        const auto& cv = community->vertices();
        auto community_usable = [&](std::size_t v) {
            const std::string_view line = detail::firmware_line(cv[v].id);
            return (cv[v].id.protocol() == from_protocol || cv[v].id.protocol() == goal_protocol) &&
                   (line == from_line || line == goal_line);
        };
        if (!community->shortest_path(from, to, community_cost, community_usable).empty()) {
            std::set<std::string> reports;
            for (std::size_t u = 0; u < cv.size(); ++u)
                for (std::size_t v = 0; v < cv.size(); ++v)
                    if (!community->overruled(u, v).empty())
                        for (const EffectRef& ref : community->matching(EffectKind::Allow, u, v))
                            if (ref.rule->confidence_of(*ref.effect) == Confidence::Community)
                                reports.insert(ref.rule->id);
            hint = "COMMUNITY reports (" + detail::join({reports.begin(), reports.end()}) +
                   ") say a way exists: add --allow-community to plan with them, knowing that "
                   "a Cisco rule forbids it; or " +
                   hint;
        }
    }
    return plan_error("no-path",
                      "no safe chain from " + plan.from.str() + " to " + setup.target.str() +
                          " for the " + plan.model + ": " + why,
                      hint);
}

// The packages still to download, and the steps whose load only the family's naming pattern
// vouches for.
void Planner::Impl::note_what_to_download(const Setup& setup, Plan& plan) const {
    const auto& vertices = setup.graph->vertices();
    std::set<std::string> listed;
    for (const PlanStep& step : plan.steps) {
        if (step.protocol_change && step.number < plan.steps.size() && step.available)
            plan.notes.push_back(info("fwplan.plan.own-bridge",
                                      "Step " + std::to_string(step.number) + " switches to " +
                                          std::string(to_string(step.protocol())) +
                                          " already: you have " + step.load.str() + " (" +
                                          base_name(step.available_in) +
                                          "), and as a bridge it serves as well as the " +
                                          std::string(to_string(step.from.protocol())) +
                                          " load of its version, which you would have to download.",
                                      step.load.str()));
        if (!step.available && !step.package.empty() && listed.insert(step.package).second)
            plan.missing_packages.push_back(step.package);
        const GraphVertex& v = vertices[*setup.graph->index_of(step.load)];
        if (v.known != nullptr && v.available == nullptr &&
            v.known->confidence == Confidence::Inferred)
            plan.notes.push_back(warning("fwplan.plan.inferred-load",
                                         "Step " + std::to_string(step.number) + ": " +
                                             step.load.str() +
                                             " is named by the family's pattern (INFERRED); "
                                             "check that " +
                                             step.package + " exists before relying on it.",
                                         step.load.str()));
    }
}

PlanStep Planner::Impl::make_step(const VersionGraph& graph, std::size_t u, std::size_t v,
                                  std::size_t goal, unsigned number) const {
    const auto& vertices = graph.vertices();
    const GraphVertex& to = vertices[v];
    PlanStep step;
    step.number = number;
    step.from = vertices[u].id;
    step.load = to.id;
    step.protocol_change = step.from.protocol() != step.load.protocol();
    step.downgrade = is_downgrade(step.from, step.load);
    step.conversion = detail::is_conversion(step.from, step.load);

    if (to.known != nullptr) {
        step.package = to.known->package;
        step.package_inferred = to.available == nullptr && catalog.package_inferred(*to.known);
    }
    if (to.available != nullptr) {
        step.available = true;
        step.available_in = to.available->package;
        if (step.package.empty())
            step.package = base_name(to.available->package);
        step.files = to.available->files;
        step.files_from_manifest = true;
        step.missing = to.available->missing;
    } else if (to.known != nullptr) {
        step.files = expected_files(*to.known);
    } else {
        step.files = {to.id.loads_file_name()};
    }
    // A 7940/7960 on an unsigned load (before 5.0) cannot read signed files: it fetches the
    // unsigned universal loader, the .bin twin of the .sbn its package ships (CME guide,
    // S-02), so that file is part of the step too. The package has it; its .loads does not
    // list it.
    if (find_family(to.id.family()) != nullptr &&
        find_family(to.id.family())->style == LoadIdStyle::P0 &&
        step.from.version() < Version(5, 0, 0) && !(to.id.version() < Version(5, 0, 0))) {
        std::vector<std::string> files;
        for (const std::string& file : step.files) {
            files.push_back(file);
            constexpr std::string_view kSigned = ".sbn";
            if (file.size() > kSigned.size() &&
                file.compare(file.size() - kSigned.size(), kSigned.size(), kSigned) == 0) {
                const std::string unsigned_twin =
                    file.substr(0, file.size() - kSigned.size()) + ".bin";
                if (std::find(step.files.begin(), step.files.end(), unsigned_twin) ==
                    step.files.end())
                    files.push_back(unsigned_twin);
            }
        }
        step.files = std::move(files);
    }

    // Why the step stops here rather than going straight to the target.
    if (v != goal)
        for (const EffectRef& ref : graph.forbids(u, goal))
            add_citation(step.rules, cite(ref, RuleCitation::kForbidsDirect,
                                          "no direct step from " + step.from.str() + " to " +
                                              vertices[goal].id.str() + "."));
    for (const EffectRef& ref : graph.effects())
        if (v != goal && ref.effect->kind == EffectKind::Prefer &&
            detail::phone_matches(ref.effect->when, graph.phone()) &&
            to.id.version() == *ref.effect->version &&
            (!ref.effect->protocol || to.id.protocol() == *ref.effect->protocol))
            add_citation(step.rules, cite(ref, RuleCitation::kBridge));
    for (const EffectRef& ref : graph.matching(EffectKind::Allow, u, v))
        add_citation(step.rules, cite(ref, RuleCitation::kAllows));
    for (const EffectRef& ref : graph.matching(EffectKind::Caution, u, v))
        add_citation(step.rules, cite(ref, RuleCitation::kCaution, ref.effect->text));
    // Forbids a COMMUNITY report overruled (PlanRequest::allow_community): cite both sides.
    if (!graph.overruled(u, v).empty()) {
        std::set<std::string> reports;
        for (const EffectRef& ref : graph.matching(EffectKind::Allow, u, v))
            if (ref.rule->confidence_of(*ref.effect) == Confidence::Community)
                reports.insert(ref.rule->id);
        const std::string by = detail::join({reports.begin(), reports.end()});
        for (const EffectRef& ref : graph.overruled(u, v))
            add_citation(step.rules,
                         cite(ref, RuleCitation::kOverruled,
                              ref.rule->id + " (" +
                                  std::string(to_string(ref.rule->confidence_of(*ref.effect))) +
                                  ") forbids this step; " + by +
                                  " (COMMUNITY) reports it working, and --allow-community lets "
                                  "the report decide. Watch the phone."));
    }

    // Floors that depend on a hardware revision the user did not give.
    if (!graph.phone().hw_rev)
        for (const EffectRef& ref : graph.effects()) {
            const RuleEffect& e = *ref.effect;
            if (e.kind != EffectKind::Floor || !e.when.hw_min)
                continue;
            RuleEffect models_only = e;
            models_only.when.hw_min.reset();
            if (detail::floor_applies(models_only, to.id, graph.phone()))
                add_citation(step.rules,
                             cite(ref, RuleCitation::kFloor,
                                  "If the phone's hardware revision (label underneath) is " +
                                      e.when.hw_min->str() + " or later, it cannot install " +
                                      to.id.str() + ": give --hw-rev to plan around it."));
        }

    for (const EffectRef& ref : graph.matching(EffectKind::Fallback, u, v)) {
        const RuleEffect& e = *ref.effect;
        Fallback fallback;
        fallback.rule = ref.rule->id;
        fallback.confidence = ref.rule->confidence_of(e);
        fallback.symptom = e.on;
        fallback.advice = e.text;
        const Protocol protocol = e.protocol_of_target ? vertices[goal].id.protocol()
                                                       : e.protocol.value_or(to.id.protocol());
        for (const GraphVertex& candidate : vertices)
            if (candidate.id.version() == *e.version && candidate.id.protocol() == protocol &&
                candidate.id != step.from) {
                fallback.load = candidate.id;
                fallback.package = candidate.known != nullptr ? candidate.known->package
                                   : candidate.available != nullptr
                                       ? base_name(candidate.available->package)
                                       : std::string();
                break;
            }
        step.fallbacks.push_back(std::move(fallback));
    }
    return step;
}

Result<DirectStep> Planner::direct_step(std::string_view model, const LoadId& from,
                                        const LoadId& to) const {
    PlanRequest request;
    request.model = std::string(model);
    request.from = from;
    request.to = to;
    auto plan = impl_->plan(request);
    if (!plan)
        return plan.error();
    DirectStep out;
    if (plan->steps.size() <= 1)
        return out;
    for (std::size_t i = 0; i + 1 < plan->steps.size(); ++i)
        out.via.push_back(plan->steps[i].load);
    for (const RuleCitation& rule : plan->steps.front().rules)
        if (rule.role == RuleCitation::kForbidsDirect) {
            out.forbidding.push_back(rule.id);
            out.auth_fail = out.auth_fail || rule.symptom == kAuthFail;
        }
    return out;
}

std::string Planner::explain_direct_step(std::string_view model, const LoadId& from,
                                         const LoadId& to, DirectStepSubject subject) const {
    const bool reset = subject == DirectStepSubject::ResetPhone;
    const std::string phone =
        "a " + std::string(model) + (reset ? " reset to " : " on ") + from.str();
    auto direct = direct_step(model, from, to);
    if (!direct)
        return reset ? phone + " cannot be planned to " + to.str() + " (" + direct.error().message +
                           ")"
                     : phone + " cannot get to " + to.str() + ": " + direct.error().message;
    if (direct->one_step())
        return {};
    std::vector<std::string> via;
    for (const LoadId& load : direct->via)
        via.push_back(load.str());
    std::string out = phone + " cannot go straight to " + to.str();
    if (!direct->forbidding.empty())
        out += " (" + detail::join(direct->forbidding) + ")";
    if (reset) {
        if (direct->auth_fail)
            out += ": a reset phone on an old load can fail with AUTH FAIL";
        return out + "; it needs " + detail::join(via) + " first";
    }
    return out + ": it needs " + detail::join(via) + " first (fwplan plan --model " +
           std::string(model) + " --from " + from.str() + " --to " + to.str() + ")";
}

const Planner& Planner::builtin() {
    static const Planner planner(Catalog::builtin());
    return planner;
}

FleetPlans Planner::plan_fleet(std::span<const PlanRequest> requests) const {
    FleetPlans out;
    out.outcome.reserve(requests.size());
    std::map<std::string, FleetOutcome> groups;
    for (const PlanRequest& request : requests) {
        // Group by what decides the answer; the model is canonicalised so "CP-7941G" and
        // "7941" share a plan.
        auto model = find_model(request.model);
        std::string key =
            (model ? std::string((*model)->number) : "?" + request.model) + "|" +
            (request.from ? request.from->str() : "") + "|" +
            (request.to ? request.to->str() : "") + "|" +
            (request.to_protocol ? std::string(to_string(*request.to_protocol)) : "") + "|" +
            (request.hw_rev ? request.hw_rev->str() : "") +
            (request.allow_community ? "|community" : "");
        auto [it, inserted] = groups.emplace(std::move(key), FleetOutcome{});
        if (inserted) {
            Result<Plan> plan = impl_->plan(request);
            if (plan) {
                it->second = FleetOutcome{true, out.plans.size()};
                out.plans.push_back(std::move(*plan));
            } else {
                it->second = FleetOutcome{false, out.errors.size()};
                out.errors.push_back(plan.error());
            }
        }
        out.outcome.push_back(it->second);
    }
    return out;
}

// ---------------------------------------------------------------------------------------

namespace {

std::string dot_escape(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out;
}

} // namespace

namespace {

// The nodes and edges of one family's graph: `id` prefixes node names (so several families
// fit one document), `indent` the lines.
void write_family_graph(std::ostringstream& dot, const VersionGraph& graph,
                        const GraphOptions& options, const std::string& id,
                        const std::string& indent) {
    const auto& vertices = graph.vertices();
    const std::size_t n = vertices.size();
    // One lane per protocol, so a protocol switch reads as a jump between lanes.
    std::map<Protocol, std::vector<std::size_t>> lanes;
    for (std::size_t i = 0; i < n; ++i)
        lanes[vertices[i].id.protocol()].push_back(i);
    for (const auto& [protocol, members] : lanes) {
        dot << indent << "subgraph \"cluster_" << (id == "n" ? "" : id + "_") << to_string(protocol)
            << "\" {\n"
            << indent << "  label=\"" << to_string(protocol)
            << " loads\"; color=\"#dddddd\"; fontname=\"Helvetica\";\n";
        for (std::size_t i : members)
            dot << indent << "  " << id << i << ";\n";
        dot << indent << "}\n";
    }
    for (std::size_t i = 0; i < n; ++i) {
        const GraphVertex& v = vertices[i];
        std::string style = "rounded";
        if (v.available != nullptr)
            style += ",filled";
        if (v.known == nullptr)
            style += ",dashed";
        const char* colour = v.id.protocol() == Protocol::Sip    ? "#1b7837"
                             : v.id.protocol() == Protocol::Sccp ? "#2166ac"
                                                                 : "#777777";
        dot << indent << id << i << " [label=\"" << dot_escape(v.id.str()) << "\\n"
            << dot_escape(std::string(to_string(v.id.protocol()))) << " "
            << dot_escape(v.id.version().release()) << "\", color=\"" << colour << "\", style=\""
            << style << "\", fillcolor=\"#eeeeee\""
            << (v.known != nullptr && v.known->final ? ", penwidth=2.5" : "") << "];\n";
    }
    auto up = [&](std::size_t u, std::size_t v) {
        return !(vertices[v].id.version() < vertices[u].id.version());
    };
    // Transitive reduction over upgrades: drop u->v when u->w->v is allowed with w between,
    // w speaking the protocol of u or v (a detour through a third protocol explains nothing).
    for (std::size_t u = 0; u < n; ++u)
        for (std::size_t v = 0; v < n; ++v) {
            if (u == v || !graph.allowed(u, v) || !up(u, v))
                continue;
            bool implied = false;
            for (std::size_t w = 0; w < n && !implied; ++w) {
                const Protocol middle = vertices[w].id.protocol();
                implied =
                    w != u && w != v && graph.allowed(u, w) && graph.allowed(w, v) && up(u, w) &&
                    up(w, v) &&
                    (middle == vertices[u].id.protocol() || middle == vertices[v].id.protocol());
            }
            if (!implied)
                dot << indent << id << u << " -> " << id << v << ";\n";
        }
    if (options.show_forbidden) {
        // For each load and protocol, the lowest forbidden upgrade: "not beyond here".
        for (std::size_t u = 0; u < n; ++u) {
            std::map<Protocol, std::size_t> lowest;
            for (std::size_t v = 0; v < n; ++v) {
                if (u == v || graph.allowed(u, v) || !up(u, v))
                    continue;
                auto [it, inserted] = lowest.emplace(vertices[v].id.protocol(), v);
                if (!inserted && vertices[v].id.version() < vertices[it->second].id.version())
                    it->second = v;
            }
            for (const auto& [protocol, v] : lowest)
                dot << indent << id << u << " -> " << id << v
                    << " [style=dashed, color=\"#b2182b\", fontcolor=\"#b2182b\", label=\""
                    << dot_escape(rule_list(graph.forbids(u, v))) << "\"];\n";
        }
    }
}

void write_graph_head(std::ostringstream& dot, std::string_view what, std::string_view name,
                      const GraphOptions& options) {
    dot << "// fwplan version graph of " << what << "\n"
        << "// nodes: loads (bold: final, filled: in your --firmware, dashed: not in the knowledge "
           "base); edges: allowed upgrades"
        << (options.show_forbidden ? "; dashed red: forbidden, labelled with the rules" : "")
        << "\n"
        << "digraph \"" << dot_escape(name) << "\" {\n"
        << "  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
        << "  edge [color=\"#555555\"];\n";
}

} // namespace

Result<std::string> Planner::graphviz(std::string_view family_id,
                                      const GraphOptions& options) const {
    const FamilyInfo* family = find_family(family_id);
    if (family == nullptr)
        return bad_input("graph.unknown-family", "unknown family " + detail::quote(family_id));
    PhoneContext phone{std::string(family->id), options.model, options.hw_rev};
    auto graph = impl_->graph(phone, std::nullopt);
    std::ostringstream dot;
    write_graph_head(dot, "the " + std::string(family->name) + " family", family->name, options);
    write_family_graph(dot, *graph, options, "n", "  ");
    dot << "}\n";
    return dot.str();
}

Result<std::string> Planner::graphviz(std::span<const std::string_view> families,
                                      const GraphOptions& options) const {
    if (families.size() == 1)
        return graphviz(families.front(), options);
    std::ostringstream dot;
    write_graph_head(dot, "every family fwplan knows loads of", "fwplan", options);
    for (std::size_t k = 0; k < families.size(); ++k) {
        const FamilyInfo* family = find_family(families[k]);
        if (family == nullptr)
            return bad_input("graph.unknown-family",
                             "unknown family '" + std::string(families[k]) + "'");
        PhoneContext phone{std::string(family->id), options.model, options.hw_rev};
        auto graph = impl_->graph(phone, std::nullopt);
        dot << "  subgraph \"cluster_family_" << k << "\" {\n"
            << "    label=\"" << dot_escape(family->name)
            << "\"; fontname=\"Helvetica\"; color=\"#999999\";\n";
        write_family_graph(dot, *graph, options, "f" + std::to_string(k) + "n", "    ");
        dot << "  }\n";
    }
    dot << "}\n";
    return dot.str();
}

} // namespace fwplan
