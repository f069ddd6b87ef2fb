#include "commands.hpp"
#include "common.hpp"

#include <fwplan/json.hpp>
#include <fwplan/planner.hpp>

#include <algorithm>
#include <ostream>

namespace fwplan::cli {

namespace {

// "J-01, J-02 and J-04"
std::string join_ids(const std::vector<std::string>& ids) {
    std::string out;
    for (std::size_t i = 0; i < ids.size(); ++i)
        out += (i == 0 ? "" : i + 1 == ids.size() ? " and " : ", ") + terminal_safe(ids[i]);
    return out;
}

std::vector<std::string> ids_with_role(const PlanStep& step, std::string_view role) {
    std::vector<std::string> ids;
    for (const RuleCitation& rule : step.rules)
        if (rule.role == role)
            ids.push_back(rule.id);
    return ids;
}

void print_step(const PlanStep& step, const Plan& plan, Console& c) {
    std::ostream& out = c.out();
    out << '\n'
        << c.bold("Step " + std::to_string(step.number) + ": " + step.load.str()) << "  ("
        << to_string(step.protocol()) << ' ' << step.load.version().release();
    if (step.protocol_change)
        out << ", switches " << to_string(step.from.protocol()) << " to "
            << to_string(step.protocol());
    if (step.downgrade)
        out << ", a downgrade";
    if (step.conversion)
        out << ", converts "
            << (step.from.version().tag() == "MSR" || step.from.version().tag().rfind("MPP", 0) == 0
                    ? "MPP firmware to enterprise"
                    : "enterprise firmware to MPP");
    out << ")\n";
    out << "  package   "
        << (step.package.empty() ? std::string("(unknown)") : terminal_safe(step.package));
    if (step.package_inferred)
        out << c.dim("  (name inferred from the family's pattern)");
    if (step.available)
        out << "  " << c.green("you have it: " + terminal_safe(step.available_in));
    else
        out << "  " << c.yellow("to download");
    out << '\n';
    if (!step.files.empty()) {
        out << "  files     ";
        for (std::size_t i = 0; i < step.files.size(); ++i)
            out << (i ? ", " : "") << terminal_safe(step.files[i]);
        out << (step.files_from_manifest ? "" : c.dim("  (expected names)")) << '\n';
    }
    for (const std::string& missing : step.missing)
        out << "  " << c.red("missing   " + terminal_safe(missing)) << '\n';

    if (auto ids = ids_with_role(step, RuleCitation::kForbidsDirect); !ids.empty())
        out << "  why       " << join_ids(ids) << (ids.size() == 1 ? " forbids" : " forbid")
            << " going straight to " << plan.to.str() << '\n';
    if (auto ids = ids_with_role(step, RuleCitation::kBridge); !ids.empty())
        out << "  why       " << join_ids(ids) << (ids.size() == 1 ? " names " : " name ")
            << step.load.version().release() << " as the bridge\n";
    if (auto ids = ids_with_role(step, RuleCitation::kAllows); !ids.empty())
        out << "  backed by " << join_ids(ids) << '\n';
    for (const RuleCitation& rule : step.rules)
        if (rule.role == RuleCitation::kCaution || rule.role == RuleCitation::kFloor)
            out << "  " << c.yellow("caution") << "   " << terminal_safe(rule.id) << ": "
                << terminal_safe(rule.detail) << '\n';
        else if (rule.role == RuleCitation::kOverruled)
            out << "  " << c.yellow("overruled") << " " << terminal_safe(rule.detail) << '\n';
    for (const Fallback& f : step.fallbacks) {
        out << "  " << c.yellow("if it fails with " + terminal_safe(f.symptom)) << " ("
            << terminal_safe(f.rule) << ", " << to_string(f.confidence)
            << "): " << terminal_safe(f.advice);
        if (f.load)
            out << " Load: " << f.load->str() << " (" << terminal_safe(f.package) << ").";
        out << '\n';
    }
}

// Each rule once, with the rule's confidence; where the effect a step cites has a
// confidence of its own (S-03's last rung is INFERRED in a CISCO rule), that effect is named
// with it, so that a rule shown with two confidences in two plans says which carries which.
void print_rules(const Plan& plan, Console& c) {
    using Use = std::pair<unsigned, const RuleCitation*>; // step number, citation
    std::vector<std::pair<const RuleCitation*, std::vector<Use>>> cited;
    for (const PlanStep& step : plan.steps)
        for (const RuleCitation& rule : step.rules) {
            auto it = std::find_if(cited.begin(), cited.end(),
                                   [&](const auto& entry) { return entry.first->id == rule.id; });
            if (it == cited.end())
                cited.push_back({&rule, {{step.number, &rule}}});
            else
                it->second.emplace_back(step.number, &rule);
        }
    if (cited.empty())
        return;
    std::ostream& out = c.out();
    out << '\n' << c.bold("Rules behind this plan") << '\n';
    for (const auto& [rule, uses] : cited) {
        out << "  " << c.bold(terminal_safe(rule->id)) << "  " << to_string(rule->rule_confidence)
            << "  " << terminal_safe(rule->title) << '\n';
        for (const auto& [number, use] : uses)
            if (use->confidence != use->rule_confidence)
                out << "        step " << number << ": the effect that " << use->role << " is "
                    << to_string(use->confidence) << ", not " << to_string(use->rule_confidence)
                    << '\n';
        for (const std::string& source : rule->sources)
            out << "        " << c.dim(terminal_safe(source)) << '\n';
    }
}

void print_plan(const Plan& plan, Console& c) {
    std::ostream& out = c.out();
    out << c.bold("Plan for a " + plan.model) << ": " << plan.from.str() << " -> " << plan.to.str()
        << ", ";
    if (plan.steps.empty())
        out << "nothing to do: the phone already runs the target.\n";
    else
        out << plan.steps.size() << (plan.steps.size() == 1 ? " step" : " steps") << '\n';
    for (const PlanStep& step : plan.steps)
        print_step(step, plan, c);
    print_rules(plan, c);
    if (!plan.missing_packages.empty()) {
        out << '\n' << c.bold("To download") << " (from Cisco, with your own account):\n";
        for (const std::string& package : plan.missing_packages) {
            const bool inferred =
                std::any_of(plan.steps.begin(), plan.steps.end(), [&](const PlanStep& step) {
                    return step.package == package && step.package_inferred;
                });
            out << "  " << terminal_safe(package)
                << (inferred ? c.dim("  (name inferred from the family's pattern)") : "") << '\n';
        }
    }
    if (!plan.notes.empty()) {
        out << '\n' << c.bold("Notes") << '\n';
        for (const Diagnostic& note : plan.notes)
            out << "  - " << terminal_safe(note.message) << '\n';
    }
}

} // namespace

int run_plan(const PlanOptions& options, Console& console) {
    auto fail = [&](const Error& error) {
        if (console.globals.json)
            console.out() << json::plan_failure(options.model, options.from, options.to, error);
        return console.fail(error);
    };
    auto catalog = load_catalog(console);
    if (!catalog)
        return fail(catalog.error());
    auto available = find_firmware(options.firmware, console);
    if (!available)
        return fail(available.error());
    const int firmware_exit = report_unreadable(*available, console);

    PlanRequest request;
    request.model = options.model;
    auto from = optional_load_id(options.from, "--from");
    if (!from)
        return fail(from.error());
    request.from = *from;
    auto to = optional_load_id(options.to, "--to");
    if (!to)
        return fail(to.error());
    request.to = *to;
    if (!options.to_protocol.empty())
        request.to_protocol = parse_protocol(options.to_protocol).value();
    if (!options.hw_rev.empty()) {
        auto hw = HardwareRevision::parse(options.hw_rev);
        if (!hw)
            return fail(hw.error());
        request.hw_rev = *hw;
    }

    request.allow_community = options.allow_community;

    Planner planner(*catalog, std::move(available->loads));
    Result<Plan> plan = planner.plan(request);
    if (plan)
        for (const PlanStep& step : plan->steps)
            console.debug("step " + std::to_string(step.number) + ": " + step.from.str() + " -> " +
                          step.load.str() + ", " + std::to_string(step.rules.size()) +
                          " rules cited, " + std::to_string(step.files.size()) + " files");
    if (!plan)
        return std::max(fail(plan.error()), firmware_exit);
    if (console.globals.json)
        console.out() << json::plan(*plan);
    else
        print_plan(*plan, console);
    return firmware_exit;
}

} // namespace fwplan::cli
