// The files of every step of one phone's plan (fleet.hpp: StepFileRenderer), for emit's
// step folders and for the rollout, which puts them into the TFTP root a step at a time.

#include "config/step_files.hpp"

#include <fwplan/fleet.hpp>

#include <map>
#include <optional>
#include <utility>

namespace fwplan {

namespace {

struct ProtocolLoad {
    std::string load;
    Protocol protocol;
    friend auto operator<=>(const ProtocolLoad&, const ProtocolLoad&) = default;
};

SipSettings settings_for(const Phone& phone, const SipSettings& base) {
    SipSettings settings = base;
    if (phone.line) {
        if (settings.lines.empty())
            settings.lines.push_back(*phone.line);
        else
            settings.lines.front() = *phone.line;
    }
    return settings;
}

} // namespace

PlanRequest plan_request_for(const Phone& phone, const EmitOptions& options) {
    PlanRequest request;
    request.model = std::string(phone.model->number);
    request.from = phone.from;
    request.hw_rev = phone.hw_rev;
    request.allow_community = options.allow_community;
    if (phone.to)
        request.to = phone.to;
    else if (phone.to_protocol)
        request.to_protocol = phone.to_protocol;
    else if (options.default_to)
        request.to = options.default_to;
    else
        request.to_protocol = options.default_to_protocol;
    return request;
}

// The template phones share (the user's, or the built-in one filled from the settings):
// every phone at one load gets the same SEP<MAC>.cnf.xml body, so it is rendered once per
// load and protocol, and linted once per model and protocol.
struct StepFileRenderer::Impl {
    const EmitOptions* options = nullptr;
    DeviceTemplate shared;
    std::map<ProtocolLoad, Result<std::string>> rendered;
    std::map<std::pair<std::string, Protocol>, std::vector<Diagnostic>> lints;

    explicit Impl(DeviceTemplate t) : shared(std::move(t)) {}

    const Result<std::string>& render(const LoadId& load, Protocol protocol) {
        ProtocolLoad key{load.str(), protocol};
        auto it = rendered.find(key);
        if (it == rendered.end())
            it = rendered.emplace(key, shared.render(load, protocol)).first;
        return it->second;
    }
    const std::vector<Diagnostic>& lint(const ModelInfo& model, Protocol protocol) {
        auto key = std::pair(std::string(model.number), protocol);
        auto it = lints.find(key);
        if (it == lints.end())
            it = lints.emplace(key, shared.lint(&model, protocol)).first;
        return it->second;
    }
};

Result<StepFileRenderer> StepFileRenderer::make(const EmitOptions& options) {
    std::optional<DeviceTemplate> shared;
    if (options.device_template) {
        shared = *options.device_template;
    } else {
        auto builtin = DeviceTemplate::builtin_sip(options.sip);
        if (!builtin)
            return builtin.error();
        shared = std::move(*builtin);
    }
    auto impl = std::make_unique<Impl>(std::move(*shared));
    impl->options = &options;
    return StepFileRenderer(std::move(impl));
}

StepFileRenderer::StepFileRenderer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StepFileRenderer::StepFileRenderer(StepFileRenderer&&) noexcept = default;
StepFileRenderer& StepFileRenderer::operator=(StepFileRenderer&&) noexcept = default;
StepFileRenderer::~StepFileRenderer() = default;

Result<std::vector<StepFiles>> StepFileRenderer::render(const Phone& phone, const Plan& plan) {
    const EmitOptions& options = *impl_->options;
    const ModelInfo& model = *phone.model;
    const SipSettings settings = settings_for(phone, options.sip);
    // A phone with its own line and no user template gets its own built-in template.
    std::optional<DeviceTemplate> own;
    if (!options.device_template && phone.line) {
        auto built = DeviceTemplate::builtin_sip(settings);
        if (!built)
            return built.error();
        own = std::move(*built);
    }
    StepOptions step_options;
    step_options.dial_plan = options.dial_plan;
    step_options.dial_plan_xml = options.dial_plan_xml;
    const std::optional<std::string> dial_template =
        own ? own->dial_template() : impl_->shared.dial_template();

    std::vector<StepFiles> steps;
    for (const PlanStep& step : plan.steps) {
        const Protocol protocol = step.protocol();
        if (auto ok = detail::check_step(model, step.load, protocol); !ok)
            return ok.error();
        std::string sep;
        std::vector<Diagnostic> lints;
        if (own) {
            auto rendered = own->render(step.load, protocol);
            if (!rendered)
                return rendered.error().in_file(own->source_name());
            sep = std::move(*rendered);
            lints = own->lint(&model, protocol);
        } else {
            const Result<std::string>& rendered = impl_->render(step.load, protocol);
            if (!rendered)
                return rendered.error().in_file(impl_->shared.source_name());
            sep = *rendered;
            lints = impl_->lint(model, protocol);
        }
        auto made =
            detail::assemble_step_files(model, phone.mac, step.load, protocol, std::move(sep),
                                        std::move(lints), dial_template, settings, step_options);
        if (!made)
            return made.error();
        steps.push_back(std::move(*made));
    }
    return steps;
}

} // namespace fwplan
