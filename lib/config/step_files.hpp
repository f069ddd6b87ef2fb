#pragma once
// make_step_files in two halves, so that a fleet renders a shared template once per load
// (the SEP<MAC>.cnf.xml of every phone at one load is the same text) and still gets every
// other file and warning exactly as make_step_files makes them.

#include <fwplan/device_config.hpp>

#include <optional>
#include <string>
#include <vector>

namespace fwplan::detail {

/// What make_step_files refuses before it renders: a load of another family, a protocol
/// the family does not offer.
Result<void> check_step(const ModelInfo& model, const LoadId& load, Protocol protocol);

/// make_step_files given the rendered `SEP<MAC>.cnf.xml` (`sep`, from `render(load,
/// protocol)`), the template's lints (`lint(&model, protocol)`, `where` not yet prefixed
/// with the file name) and the dial plan it names (`dial_template()`). Call `check_step`
/// first.
Result<StepFiles> assemble_step_files(const ModelInfo& model, const MacAddress& mac,
                                      const LoadId& load, Protocol protocol, std::string sep,
                                      std::vector<Diagnostic> template_warnings,
                                      const std::optional<std::string>& dial_template,
                                      const SipSettings& sip, const StepOptions& options);

} // namespace fwplan::detail
