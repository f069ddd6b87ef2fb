#include "plan/version_graph.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/property_map/function_property_map.hpp>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <map>

namespace fwplan::detail {

namespace {

bool version_in(const Version& v, const std::optional<Version>& min,
                const std::optional<Version>& max, const std::optional<Version>& below) {
    if (min && v < *min)
        return false;
    if (max && v > *max)
        return false;
    if (below && !(v < *below))
        return false;
    return true;
}

} // namespace

// MPP loads carry MPP in their version (12-0-7MPP0201-66) or an MPP service release, MSR
// (11-3-1MSR3-3); Cisco's conversion guide calls the rest "Enterprise firmware"
// (cisco.com ... unified-ip-phone-7800-series/guide-c07-742786.html).
std::string_view firmware_line(const LoadId& id) {
    const std::string& tag = id.version().tag();
    return tag.rfind("MPP", 0) == 0 || tag == "MSR" ? "MPP" : "enterprise";
}

bool is_conversion(const LoadId& from, const LoadId& to) {
    return firmware_line(from) != firmware_line(to);
}

bool is_downgrade(const LoadId& from, const LoadId& to) {
    return !is_conversion(from, to) && to.version() < from.version();
}

bool floor_applies(const RuleEffect& floor, const LoadId& load, const PhoneContext& phone) {
    return floor.kind == EffectKind::Floor && phone_matches(floor.when, phone) &&
           (floor.when.to_line.empty() || firmware_line(load) == floor.when.to_line) &&
           load.version() < *floor.version;
}

bool phone_matches(const StepCondition& when, const PhoneContext& phone) {
    if (!when.models.empty() &&
        std::find(when.models.begin(), when.models.end(), phone.model) == when.models.end())
        return false;
    if (when.hw_min && (!phone.hw_rev || *phone.hw_rev < *when.hw_min))
        return false;
    return true;
}

bool step_matches(const StepCondition& when, const LoadId& from, const LoadId& to,
                  const PhoneContext& phone) {
    if (!phone_matches(when, phone))
        return false;
    if (!version_in(from.version(), when.from_min, when.from_max, when.from_below))
        return false;
    if (!version_in(to.version(), when.to_min, when.to_max, when.to_below))
        return false;
    if (when.from_protocol && from.protocol() != *when.from_protocol)
        return false;
    if (when.to_protocol && to.protocol() != *when.to_protocol)
        return false;
    if (when.protocol_change && (from.protocol() != to.protocol()) != *when.protocol_change)
        return false;
    if (when.downgrade && (is_conversion(from, to) || is_downgrade(from, to) != *when.downgrade))
        return false;
    if (!when.from_line.empty() && firmware_line(from) != when.from_line)
        return false;
    if (!when.to_line.empty() && firmware_line(to) != when.to_line)
        return false;
    return true;
}

namespace {

// Of two copies of one load the user has, the one to plan with: a complete one before one
// that lacks components; then the package the knowledge base names for the load (the plain
// cmterm zip) before any other holding it (a bundle with that zip inside); then the first.
bool better_copy(const AvailableLoad& candidate, const AvailableLoad& current,
                 const KnownLoad* known) {
    if (candidate.missing.empty() != current.missing.empty())
        return candidate.missing.empty();
    if (known == nullptr || known->package.empty())
        return false;
    auto named = [&](const AvailableLoad& copy) {
        return std::filesystem::path(copy.package).filename() == known->package;
    };
    return named(candidate) && !named(current);
}

} // namespace

VersionGraph::VersionGraph(const Catalog& catalog, const std::vector<AvailableLoad>& available,
                           PhoneContext phone, const std::optional<LoadId>& keep,
                           bool allow_community)
    : phone_(std::move(phone)) {
    for (const Rule* rule : catalog.rules_for_family(phone_.family))
        for (const RuleEffect& effect : rule->effects)
            effects_.push_back({rule, &effect});

    // Vertices: catalog loads and the user's loads of the family, merged by ID, in LoadId
    // order so that everything downstream (paths, DOT) is deterministic.
    std::map<LoadId, GraphVertex> merged;
    for (const KnownLoad* load : catalog.loads_of_family(phone_.family))
        merged.emplace(load->id, GraphVertex{load->id, load, nullptr});
    for (const AvailableLoad& load : available) {
        if (load.id.family() != phone_.family)
            continue;
        auto [it, inserted] = merged.emplace(load.id, GraphVertex{load.id, nullptr, &load});
        if (!inserted && (it->second.available == nullptr ||
                          better_copy(load, *it->second.available, it->second.known)))
            it->second.available = &load;
    }
    if (keep && keep->family() == phone_.family)
        merged.emplace(*keep, GraphVertex{*keep, nullptr, nullptr});

    for (auto& [id, vertex] : merged) {
        const EffectRef* floor = nullptr;
        for (const EffectRef& ref : effects_)
            if (floor_applies(*ref.effect, id, phone_))
                floor = &ref;
        if (floor != nullptr && !(keep && *keep == id)) {
            below_floor_.emplace_back(id, *floor);
            continue;
        }
        vertices_.push_back(vertex);
    }

    const std::size_t n = vertices_.size();
    forbids_.assign(n * n, {});
    overruled_.assign(n * n, {});
    for (std::size_t u = 0; u < n; ++u)
        for (std::size_t v = 0; v < n; ++v) {
            if (u == v)
                continue;
            for (const EffectRef& ref : effects_)
                if (ref.effect->kind == EffectKind::Forbid &&
                    step_matches(ref.effect->when, vertices_[u].id, vertices_[v].id, phone_))
                    forbids_[u * n + v].push_back(ref);
            if (!allow_community || forbids_[u * n + v].empty())
                continue;
            // The forbids a matching COMMUNITY report names as the ones it contradicts; a
            // step another rule still forbids stays forbidden.
            bool kept = false;
            for (const EffectRef& forbid : forbids_[u * n + v]) {
                const bool reported =
                    std::any_of(effects_.begin(), effects_.end(), [&](const EffectRef& r) {
                        const auto& ids = r.effect->overrules;
                        return r.effect->kind == EffectKind::Allow &&
                               r.rule->confidence_of(*r.effect) == Confidence::Community &&
                               std::find(ids.begin(), ids.end(), forbid.rule->id) != ids.end() &&
                               step_matches(r.effect->when, vertices_[u].id, vertices_[v].id,
                                            phone_);
                    });
                kept = kept || !reported;
            }
            if (!kept)
                std::swap(forbids_[u * n + v], overruled_[u * n + v]);
        }
}

std::optional<std::size_t> VersionGraph::index_of(const LoadId& id) const {
    for (std::size_t i = 0; i < vertices_.size(); ++i)
        if (vertices_[i].id == id)
            return i;
    return std::nullopt;
}

const std::vector<EffectRef>& VersionGraph::forbids(std::size_t u, std::size_t v) const {
    static const std::vector<EffectRef> self_step = {};
    if (u == v)
        return self_step;
    return forbids_.at(u * vertices_.size() + v);
}

const std::vector<EffectRef>& VersionGraph::overruled(std::size_t u, std::size_t v) const {
    static const std::vector<EffectRef> self_step = {};
    if (u == v)
        return self_step;
    return overruled_.at(u * vertices_.size() + v);
}

std::vector<EffectRef> VersionGraph::matching(EffectKind kind, std::size_t u, std::size_t v) const {
    std::vector<EffectRef> out;
    for (const EffectRef& ref : effects_)
        if (ref.effect->kind == kind &&
            step_matches(ref.effect->when, vertices_[u].id, vertices_[v].id, phone_))
            out.push_back(ref);
    return out;
}

std::vector<std::size_t>
VersionGraph::shortest_path(std::size_t from, std::size_t to,
                            const std::function<double(std::size_t, std::size_t)>& cost,
                            const std::function<bool(std::size_t)>& usable) const {
    struct Step {
        std::size_t index;
    };
    using Graph =
        boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property, Step>;
    using Edge = boost::graph_traits<Graph>::edge_descriptor;

    const std::size_t n = vertices_.size();
    Graph graph(n);
    std::vector<double> weights;
    // Edges in (u, v) order: the same inputs give the same graph and the same ties.
    for (std::size_t u = 0; u < n; ++u)
        for (std::size_t v = 0; v < n; ++v)
            if (u != v && allowed(u, v) && (u == from || usable(u)) && (v == to || usable(v))) {
                boost::add_edge(u, v, Step{weights.size()}, graph);
                weights.push_back(cost(u, v));
            }

    std::vector<std::size_t> predecessor(n);
    std::vector<double> distance(n);
    constexpr double unreached = std::numeric_limits<double>::max(); // BGL's default "infinity"
    auto weight_of = boost::make_function_property_map<Edge, double>(
        [&](const Edge& e) { return weights[graph[e].index]; });
    boost::dijkstra_shortest_paths(
        graph, from,
        boost::weight_map(weight_of)
            .predecessor_map(boost::make_iterator_property_map(
                predecessor.begin(), boost::get(boost::vertex_index, graph)))
            .distance_map(boost::make_iterator_property_map(
                distance.begin(), boost::get(boost::vertex_index, graph))));
    if (distance[to] >= unreached)
        return {};
    std::vector<std::size_t> path{to};
    while (path.back() != from) {
        const std::size_t previous = predecessor[path.back()];
        if (previous == path.back() || path.size() > n)
            return {}; // not reached after all; never loop
        path.push_back(previous);
    }
    std::reverse(path.begin(), path.end());
    return path;
}

} // namespace fwplan::detail
