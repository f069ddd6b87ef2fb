#pragma once
/// @file json.hpp
/// Machine-readable renderings of fwplan's results, shared by the CLI's `--json` and the
/// C API (fwplan.h), and the one JSON document fwplan reads: SIP settings, as the C API
/// takes them. The field names documented here are a contract: fields may be added, never
/// renamed. JSON strings are Unicode: in
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
#include <fwplan/rollout.hpp>
#include <fwplan/stage.hpp>
#include <fwplan/time_zone.hpp>

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

/// The time zone names Cisco phones know (time_zone.hpp): `time_zones[]` with `name`,
/// `utc_offset_minutes`, `daylight`, `iana[]`, `legacy` (the 7940/7960 `time_zone:`, or
/// null) and `legacy_daylight` (`none`, `europe`, `north-america`, or null).
[[nodiscard]] std::string time_zones(int indent = 2);

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

/// Log time (µs since the Unix epoch) as RFC 3339 UTC with milliseconds:
/// `2026-12-01T10:25:10.123Z`; empty for 0 (never).
[[nodiscard]] std::string log_time_text(std::int64_t time_us);

/// `fwplan rollout start`: `state`, `started`, `phones[]` (`mac`, `model`, `from`, `to`,
/// `loads[]`, `queued`), `failed[]` (`line`, `mac`, `model` and the error's fields),
/// `missing[]` (`load`, `package`, `files[]`, `phones[]`), `conflicts[]` (as `stage`'s),
/// `written` (the stage of the configs, as `stage`), `notes[]` (`code`, `message`, `where`).
[[nodiscard]] std::string rollout_start(const rollout::StartReport& report, int indent = 2);

/// `fwplan rollout status`: `tftp_root`, `state`, `aborted`, `log_time`, `counts` (state →
/// phones), `phones[]` with `mac`, `model`, `ip`, `step`, `steps`, `load`, `target`, `state`
/// (waiting|fetching|settled|needs-reset|done|stuck|refused|failed), `since` (RFC 3339, log
/// time), `since_us`, `reason`, `next_action`, `held`; `timeline[]` (one phone asked for) with
/// `time`, `time_us`, `from`, `to`, `step_from`, `step`, `reason`, `origin`.
[[nodiscard]] std::string rollout_status(const rollout::Status& status, int indent = 2);

/// One transition on one line, for `fwplan --json rollout follow` (JSON Lines): `event`
/// ("transition"), `time`, `time_us`, `mac`, `model`, `ip`, `from`, `to`, `step_from`, `step`,
/// `steps`, `load`, `reason`, `origin`.
[[nodiscard]] std::string rollout_event(const rollout::Event& event);

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
