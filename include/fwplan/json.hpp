#pragma once
/// @file json.hpp
/// Machine-readable renderings of fwplan's results, shared by the CLI's `--json` and the
/// C API. Field names listed in DESIGN.md ("JSON field names that other tools will rely
/// on") are a contract: fields may be added, never renamed.

#include <fwplan/models.hpp>

#include <string>
#include <vector>

namespace fwplan::json {

/// `{"families":[{"id","name","load_codes","protocols","package_stem","models":[...]}]}`;
/// each model has `model`, `display_name`, `term_file`, `xml_default_number`,
/// `config_files`, `siblings`.
[[nodiscard]] std::string models(const std::vector<const FamilyInfo*>& families, int indent = 2);

} // namespace fwplan::json
