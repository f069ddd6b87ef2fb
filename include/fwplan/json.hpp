#pragma once
/// @file json.hpp
/// Machine-readable renderings of fwplan's results, shared by the CLI's `--json` and the
/// C API (fwplan.h), and the one JSON document fwplan reads: SIP settings, as the C API
/// takes them. Field names listed in DESIGN.md ("JSON field names that other tools will rely
/// on") are a contract: fields may be added, never renamed. JSON strings are Unicode: in
/// these descriptive documents, bytes that are not UTF-8 (a Latin-1 file name in a TFTP
/// root) are written as U+FFFD rather than failing the document; `step_files`, whose
/// content must be exact, refuses them instead.
///
/// **Example**
///
///     auto settings = fwplan::json::parse_sip_settings(
///         R"({"server": "192.168.178.1", "lines": [{"name": "620", "auth_password": "pw"}]})");
///     if (!settings) { std::cerr << settings.error().describe() << '\n'; return 3; }
///     auto tmpl = fwplan::DeviceTemplate::builtin_sip(*settings);

#include <fwplan/audit.hpp>
#include <fwplan/catalog.hpp>
#include <fwplan/device_config.hpp>
#include <fwplan/error.hpp>
#include <fwplan/firmware.hpp>
#include <fwplan/models.hpp>
#include <fwplan/planner.hpp>
#include <fwplan/stage.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace fwplan::json {

/// `{"families":[{"id","name","load_codes","protocols","package_stem","models":[...]}]}`;
/// each model has `model`, `display_name`, `term_file`, `xml_default_number`,
/// `config_files`, `siblings`.
[[nodiscard]] std::string models(const std::vector<const FamilyInfo*>& families, int indent = 2);

/// A plan: `model`, `family`, `from`, `to`, `from_assumed`, `steps[]` (each with `number`,
/// `from`, `load`, `protocol`, `version`, `package`, `available`, `available_in`, `files`,
/// `files_from_manifest`, `missing`, `package_inferred` (the package name is only the
/// family's pattern), `protocol_change`, `downgrade`, `conversion` (enterprise ↔ MPP),
/// `rules[]` with `id`, `title`, `confidence`, `role`, `detail`, `sources`, and
/// `fallbacks[]`), `notes`, `missing_packages`.
[[nodiscard]] std::string plan(const Plan& plan, int indent = 2);

/// A failed plan: the request (`model`, `from`, `to`) and `error` with `code`, `message`,
/// `hint`.
[[nodiscard]] std::string plan_failure(std::string_view model, std::string_view from,
                                       std::string_view to, const Error& error, int indent = 2);

/// `fwplan inspect`: `files[]`, one per file of every package, with `path`, `package`,
/// `entry`, `kind`, `size`, `envelope`, `signed_name`, `load`, `protocol`, `family`,
/// `models[]`, `version`, `manifest_kind`, `build`, `components[]`, `missing[]`,
/// `case_mismatches[]`, `term_for`, `term_model`, `encrypted` (encrypted images),
/// `le_word_08` (LE envelopes), `what` (files that are not firmware), `problems[]`;
/// `packages[]` with `path`, `kind`, `readable`, `not_firmware`, `authenticity` (`status`
/// genuine|altered|name-only|unknown, `evidence`, `compared[]`, `detail`; null for folders
/// and loose files), `loads[]`, `term_files[]`, `unreferenced[]`; `errors[]` for what could
/// not be read.
[[nodiscard]] std::string inspect(const std::vector<FirmwarePackage>& packages,
                                  const std::vector<Error>& failures, int indent = 2);

/// Any error: `{"error": {"code", "message", "file", "entry", "offset", "hint"}}`.
[[nodiscard]] std::string error(const Error& error, int indent = 2);

/// The catalog of the given families: `families[]` (as `models`), `loads[]` (`id`, `family`,
/// `protocol`, `version`, `build`, `package`, `package_evidence`, `package_inferred`,
/// `final`, `confidence`, `evidence`), `packages[]` (genuine packages of those families:
/// `name`, `load`, `size`, `sha1`, `sha256`, `md5`, `evidence`) and `rules[]` (`id`,
/// `title`, `families`, `confidence`, `sources`, `text`, `effects[]`).
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

/// The files of one step (`make_step_files`): `{"files": [{"name", "shared", "content"}],
/// "warnings": [{"code", "message", "where"}]}`. JSON strings are Unicode, so a file whose
/// bytes are not UTF-8 (a template saved as Latin-1) cannot be carried faithfully: that is
/// an error (`fwplan.config.not-utf8`, naming the file and the offset) rather than altered
/// content.
[[nodiscard]] Result<std::string> step_files(const StepFiles& files, int indent = 2);

/// Reads SIP settings from a JSON object whose keys are the field names of `SipSettings`:
/// `server`, `port`, `outbound_proxy`, `outbound_proxy_port`, `ntp_server`, `time_zone`,
/// `date_template`, `legacy_time_zone`, `phone_label` (strings, ports whole numbers
/// 0..65535), `lines` (objects with the fields of `SipLine`) and `speed_dials` (objects
/// with the fields of `SpeedDial`). Every key is optional; a missing one keeps the default
/// of `SipSettings`. Errors (`origin` names the document in them): not JSON
/// (`fwplan.settings.not-json`, with the offset), not an object, an unknown key (so a typo
/// is not silently ignored: `fwplan.settings.unknown-key`) or a value of the wrong type or
/// range (`fwplan.settings.wrong-type`). Values are not checked beyond their type here:
/// `validate` (device_config.hpp) does that where the settings are used.
[[nodiscard]] Result<SipSettings> parse_sip_settings(std::string_view text,
                                                     std::string_view origin = "settings");

} // namespace fwplan::json
