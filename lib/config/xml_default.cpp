// Which load XMLDefault.cnf.xml may name for a model (xml_default.hpp): the factory loads of
// the model, and the planner's answer for each of them.

#include <fwplan/xml_default.hpp>

#include <algorithm>

namespace fwplan {

std::vector<LoadId> factory_loads(const Planner& planner, const ModelInfo& model) {
    std::vector<LoadId> out;
    const FamilyInfo& family = family_of(model);
    for (Protocol protocol : {Protocol::Sccp, Protocol::Sip}) {
        if (!offers(family, protocol))
            continue;
        // The oldest load of the protocol that the model is not barred from running.
        for (const KnownLoad* load : planner.catalog().loads_of_family(family.id)) {
            if (load->id.protocol() != protocol)
                continue;
            PlanRequest request;
            request.model = std::string(model.number);
            request.to = load->id;
            auto plan = planner.plan(request);
            if (!plan && plan.error().code == "fwplan.plan.below-floor")
                continue;
            out.push_back(load->id);
            break;
        }
    }
    std::sort(out.begin(), out.end(),
              [](const LoadId& a, const LoadId& b) { return a.version() < b.version(); });
    return out;
}

XmlDefaultReach xml_default_reach(const Planner& planner, const ModelInfo& model,
                                  const LoadId& load) {
    XmlDefaultReach reach;
    reach.factory = factory_loads(planner, model);
    for (const LoadId& from : reach.factory) {
        if (from == load)
            continue;
        auto direct = planner.direct_step(model.number, from, load);
        if (direct && direct->one_step())
            continue;
        reach.unreachable_from.push_back(from);
        if (!reach.why.empty())
            continue;
        reach.why = direct
                        ? planner.explain_direct_step(model.number, from, load,
                                                      DirectStepSubject::RunningPhone)
                        : "a " + std::string(model.number) + " on " + from.str() +
                              " cannot be planned to " + load.str() + ": " + direct.error().message;
    }
    return reach;
}

} // namespace fwplan
