#pragma once
/// @file json.hpp
/// Machine-readable renderings of fwplan's results, shared by the CLI's `--json` and the
/// C API. Field names listed in DESIGN.md ("JSON field names that other tools will rely
/// on") are a contract: fields may be added, never renamed.

#include <fwplan/catalog.hpp>
#include <fwplan/error.hpp>
#include <fwplan/firmware.hpp>
#include <fwplan/models.hpp>
#include <fwplan/planner.hpp>
#include <fwplan/tftp_root.hpp>

#include <string>
#include <vector>

namespace fwplan::json {

/// `{"families":[{"id","name","load_codes","protocols","package_stem","models":[...]}]}`;
/// each model has `model`, `display_name`, `term_file`, `xml_default_number`,
/// `config_files`, `siblings`.
[[nodiscard]] std::string models(const std::vector<const FamilyInfo*>& families, int indent = 2);

/// A plan: `model`, `family`, `from`, `to`, `from_assumed`, `steps[]` (each with `number`,
/// `from`, `load`, `protocol`, `version`, `package`, `available`, `available_in`, `files`,
/// `files_from_manifest`, `missing`, `protocol_change`, `downgrade`, `rules[]` with `id`,
/// `title`, `confidence`, `role`, `detail`, `sources`, and `fallbacks[]`), `notes`,
/// `missing_packages`.
[[nodiscard]] std::string plan(const Plan& plan, int indent = 2);

/// A failed plan: the request (`model`, `from`, `to`) and `error` with `code`, `message`,
/// `hint`.
[[nodiscard]] std::string plan_failure(std::string_view model, std::string_view from,
                                       std::string_view to, const Error& error, int indent = 2);

/// `fwplan inspect`: `files[]`, one per file of every package, with `path`, `package`,
/// `entry`, `kind`, `size`, `envelope`, `signed_name`, `load`, `protocol`, `family`,
/// `models[]`, `version`, `build`, `components[]`, `missing[]`, `case_mismatches[]`,
/// `term_for`, `term_model`, `problems[]`; `packages[]` with `path`, `kind`, `loads[]`,
/// `term_files[]`, `unreferenced[]`; `errors[]` for what could not be read.
[[nodiscard]] std::string inspect(const std::vector<FirmwarePackage>& packages,
                                  const std::vector<Error>& failures, int indent = 2);

/// Any error: `{"error": {"code", "message", "file", "entry", "offset", "hint"}}`.
[[nodiscard]] std::string error(const Error& error, int indent = 2);

/// The catalog of the given families: `families[]` (as `models`), `loads[]` (`id`, `family`,
/// `protocol`, `version`, `build`, `package`, `final`, `confidence`, `evidence`) and `rules[]`
/// (`id`, `title`, `families`, `confidence`, `sources`, `text`, `effects[]`).
[[nodiscard]] std::string catalog(const Catalog& catalog,
                                  const std::vector<const FamilyInfo*>& families, int indent = 2);

/// `fwplan stage`: `root`, `stage_id`, `dry_run`, `committed`, `counts` (`create`,
/// `replace`, `skip`, `conflict`), `files[]` (`name`, `action`, `package`, `entry`, `size`,
/// `crc32`, `renamed_from`, `term_for`, `reason`), `conflicts[]` (`name`, `term_file`,
/// `candidates`, `message`, `hint`), `term_files[]` (`name`, `chosen`, `candidates`,
/// `by_factory_default`), `notes`, `resumed_stage`, `resumed_files[]`; with `error` (as
/// `error()`) when there are conflicts.
[[nodiscard]] std::string stage(const StageReport& report, int indent = 2);

/// `fwplan stage --undo`: `root`, `stage_id`, `files[]` with `name`, `action`, `message`.
[[nodiscard]] std::string undo(const UndoReport& report, int indent = 2);

/// `fwplan check`: `root`, `counts` (`error`, `warning`, `info`), `files`, `configs`,
/// `loads`, and `findings[]` with `code`, `severity` (error|warning|info), `path`, `message`.
[[nodiscard]] std::string check(const CheckReport& report, int indent = 2);

} // namespace fwplan::json
