#pragma once
/// @file device_config.hpp
/// The files a phone reads from TFTP so that it installs one step of a firmware chain:
/// `SEP<MAC>.cnf.xml` (every model), `XMLDefault.cnf.xml` (phones without a SEP file) and,
/// for 7940/7960, `SIPDefault.cnf`, `SIP<MAC>.cnf` and `OS79XX.TXT` (docs/phone-files.md §6, §7).
///
/// A phone installs whatever `<loadInformation>` names when it differs from what it runs
/// (docs/phone-files.md §5.2), so the one thing a step changes is that element; everything else in
/// the user's template is the user's working configuration and is kept as it is. A
/// `DeviceTemplate` is the user's file (or fwplan's built-in SIP template filled from
/// `SipSettings`); `render` writes it for one load, changing only `<loadInformation>` and
/// `<deviceProtocol>` (and a `<versionStamp>`, so that the phone sees the change). Comments, attributes, element order, processing instructions, CDATA,
/// entity references and whitespace inside the root element are written back byte for
/// byte. What pugixml does not keep, fwplan normalizes the same way every time:
/// - attribute values are written in double quotes (a double quote inside a value that was in
///   single quotes becomes `&quot;`); spacing inside tags is one space; `<a></a>` becomes `<a/>`;
/// - between top-level nodes (XML declaration, comments, `<device>`) one line break in the
///   template's style (CRLF if the template uses CRLF, else LF), and one at the end if the
///   template ended with one; a UTF-8 byte-order mark is kept.
///
/// Where `render` puts a missing `<loadInformation>`: as a direct child of `<device>` right
/// after `<commonProfile>`; without one, right before `<vendorConfig>`; without either, after
/// the last element CUCM writes before it (`deviceProtocol`, `devicePool`, `sipProfile`,
/// `featurePolicyFile`, ...); failing that before the first element CUCM writes after it
/// (`versionStamp`, `userLocale`, ...); failing that as the last element. It copies the
/// indentation of its neighbour. A `<loadInformation>` elsewhere (a key expansion module's
/// inside `<addOnModules>`) is never touched.
///
/// `<deviceProtocol>`: when the template has one (as a direct child of `<device>`), it is
/// set to the step's protocol (`SIP`/`SCCP`). When it has none, one is created for SIP steps
/// only (every SIP configuration carries it, docs/phone-files.md §6.1; SCCP is what a phone assumes
/// without it, and the 7960 SCCP skeletons have none): right after `<fullConfig>` if present,
/// else as the first element.
///
/// Nothing here touches the disk except `DeviceTemplate::from_file` and the password
/// readers; write the results with `write_file_atomically` (file_writer.hpp).
///
/// **Example**
///
///     fwplan::SipSettings sip;
///     sip.server = "192.168.178.1";
///     sip.lines.push_back({.name = "620", .auth_name = "620",
///                          .auth_password = fwplan::read_password_file("line1.pw").value(),
///                          .display_name = "Office"});
///     auto tmpl = fwplan::DeviceTemplate::builtin_sip(sip);      // or from_file(path)
///     auto model = fwplan::find_model("7941").value();
///     auto mac = fwplan::MacAddress::parse("00:80:41:ae:fd:7e").value();
///     auto load = fwplan::LoadId::parse("SIP41.9-4-2SR3-1S").value();
///     auto step = fwplan::make_step_files(*model, mac, load, load.protocol(), *tmpl, sip);
///     for (const fwplan::Diagnostic& w : step->warnings)
///         std::cerr << "warning: " << w.message << " [" << w.code << "]\n";
///     for (const fwplan::GeneratedFile& f : step->files)
///         if (auto written = fwplan::write_file_atomically(out_dir, f.name, f.content); !written)
///             std::cerr << written.error().describe() << "\n";

#include <fwplan/diagnostic.hpp>
#include <fwplan/error.hpp>
#include <fwplan/load_id.hpp>
#include <fwplan/mac_address.hpp>
#include <fwplan/models.hpp>
#include <fwplan/time_zone.hpp>

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fwplan {

/// One SIP line (a button with featureID 9; `lineN_*` on 7940/7960).
struct SipLine {
    std::string name;            ///< the user the phone registers as: `<name>`, `line1_name`
    std::string auth_name;       ///< `<authName>`, `line1_authname`; empty: same as `name`
    std::string auth_password;   ///< `<authPassword>`; read it with `read_password_file`/`_env`
    std::string display_name;    ///< `<displayName>` and the button label; empty: `name`
    std::string messages_number; ///< voicemail number: `<messagesNumber>`, `messages_uri`
};

/// One speed-dial button (featureID 2), after the lines.
struct SpeedDial {
    std::string label;  ///< the button text
    std::string number; ///< what it dials
};

/// The `<timeZone>` of `SipSettings` unless set otherwise: CUCM's default, GMT with the UK's
/// summer time.
inline constexpr std::string_view kDefaultTimeZone = "GMT Standard/Daylight Time";

/// What the built-in SIP template, `XMLDefault.cnf.xml` and the 7940/7960 SIP files are
/// filled from. Empty values are allowed (the lints say what a phone then lacks); values
/// that would break a file (control characters, bad UTF-8, a host name with spaces, a port
/// outside 1..65535) are refused by `validate`.
struct SipSettings {
    std::string server;               ///< the registrar: `<processNodeName>`, `proxy1_address`
    unsigned port = 5060;             ///< its port: `<sipPort>`, the line `<port>`, `proxy1_port`
    std::string outbound_proxy;       ///< `<outboundProxy>`; empty for none (not used by 7940/7960)
    unsigned outbound_proxy_port = 0; ///< `<outboundProxyPort>`; 0: the same as `port`
    std::string ntp_server;           ///< `<ntps><ntp><name>`, `sntp_server`; empty for none
    /// The Cisco name in `<timeZone>` (time_zone.hpp); `set_time_zone` sets it and the
    /// 7940/7960 fields below from a `CiscoTimeZone`.
    std::string time_zone = std::string(kDefaultTimeZone);
    std::string date_template = "D/M/Y"; ///< `<dateTemplate>`
    std::string legacy_time_zone; ///< 7940/7960 `time_zone:` (`GMT`, `CET`, `EST`); empty: omitted
    /// The 7940/7960 summer-time rule written with `legacy_time_zone` (`dst_*:` lines); none:
    /// no such lines, and the phone applies its own default (the US rule).
    std::optional<LegacyDaylight> legacy_daylight;
    int legacy_utc_offset_minutes = 0;  ///< standard offset of `legacy_time_zone` (EU switch hour)
    std::string phone_label;            ///< `<phoneLabel>`, `phone_label`; empty: none
    std::vector<SipLine> lines;         ///< buttons 1, 2, ... in order
    std::vector<SpeedDial> speed_dials; ///< the buttons after the lines (not on 7940/7960)
};

/// Sets the time zone of every file: `time_zone` for `SEP<MAC>.cnf.xml` and, where the zone
/// has a 7940/7960 equivalent (`CiscoTimeZone::legacy`), `legacy_time_zone`,
/// `legacy_daylight` and `legacy_utc_offset_minutes` for `SIPDefault.cnf`; where it has none,
/// those are cleared and the 7940/7960 lints warn that the phone stays on GMT
/// (`fwplan.config.time-zone-not-for-7960`).
void set_time_zone(SipSettings& settings, const CiscoTimeZone& zone);

/// Refuses settings that would make a broken file (`fwplan.config.bad-setting`, naming the
/// field but never showing a password).
[[nodiscard]] Result<void> validate(const SipSettings& settings);

/// The longest `authPassword` reported to work for a model's firmware, or nothing when no
/// limit is documented. From docs/phone-files.md §6.1: 8 characters for the 7941/7961 family
/// (whizzy.org, 7941) and 12 for 7942/7962 (waynemerricks/Cisco7942FreePBX, 7942).
[[nodiscard]] std::optional<std::size_t> max_auth_password_length(const ModelInfo& model);

/// The largest template fwplan reads (1 MiB); real SEP files are a few kilobytes.
inline constexpr std::size_t kMaxTemplateBytes = 1U << 20U;

/// A `SEP<MAC>.cnf.xml` template: the user's file or fwplan's built-in one. Immutable and
/// cheap to copy (copies share the parsed document); `render` and `lint` may run on several
/// threads at once.
class DeviceTemplate {
public:
    /// Reads a template file (UTF-8, at most `kMaxTemplateBytes`). Errors name the file and,
    /// for XML errors, the line, column and byte offset: `fwplan.config.template-read` (Io),
    /// `fwplan.config.template-too-large`, `fwplan.config.template-encoding` (UTF-16/32,
    /// NUL bytes), `fwplan.config.template-xml` (not well-formed), `fwplan.config.template-root`
    /// (the root is not one `<device>` element).
    [[nodiscard]] static Result<DeviceTemplate> from_file(const std::filesystem::path& path);
    /// The same from text in memory; `source_name` is what errors and warnings call it.
    [[nodiscard]] static Result<DeviceTemplate> from_string(std::string_view xml,
                                                            std::string source_name = "template");
    /// fwplan's built-in SIP template for 79x1/79x2/79x5/797x/7906/7911 (docs/phone-files.md §6.1: the
    /// elements working SIP files have, in CUCM's order), filled from `settings`: the server
    /// and port in the callManagerGroup, the outbound proxy, NTP server, time zone, one
    /// featureID-9 line per `settings.lines` (proxy `USECALLMANAGER`) and one featureID-2
    /// speed dial per `settings.speed_dials`, and a `<versionStamp>` (see `render`). Fails
    /// only when `validate` does.
    [[nodiscard]] static Result<DeviceTemplate> builtin_sip(const SipSettings& settings);
    /// The "firmware switching only" skeleton of docs/phone-files.md §6.1:
    /// `<device><deviceProtocol>SIP</deviceProtocol><loadInformation/></device>`. A phone
    /// installs the load but does not register with it.
    [[nodiscard]] static DeviceTemplate firmware_only();

    /// The file name or description given when loading.
    [[nodiscard]] const std::string& source_name() const noexcept;
    /// The text of the `<loadInformation>` child of `<device>`, if there is one.
    [[nodiscard]] std::optional<std::string> load_information() const;
    /// The text of the `<deviceProtocol>` child of `<device>`, if there is one.
    [[nodiscard]] std::optional<std::string> device_protocol() const;
    /// The dial plan the template names: the text of `<dialTemplate>` in `<sipProfile>` (or
    /// directly in `<device>`), if there is one and it is not empty.
    [[nodiscard]] std::optional<std::string> dial_template() const;

    /// What a phone would stumble over (structure first, then the server, then each line
    /// in order). Structural checks always:
    /// `fwplan.config.duplicate-element` (two `<loadInformation>`/`<deviceProtocol>`),
    /// `fwplan.config.load-information-position` (not after `<commonProfile>`/before
    /// `<vendorConfig>`), `fwplan.config.security-mode` (`deviceSecurityMode` 2 or 3 needs a
    /// signed file fwplan does not write), `fwplan.config.duplicate-button`. Registration
    /// checks when `protocol` is SIP and the model reads its SIP settings from this file (not
    /// 7940/7960): `fwplan.config.no-server` (no callManager with a processNodeName),
    /// `fwplan.config.no-sip-port`, `fwplan.config.no-register` (registerWithProxy not true),
    /// `fwplan.config.no-line` (no featureID-9 line), `fwplan.config.line-no-name`,
    /// `fwplan.config.line-proxy` (proxy other than USECALLMANAGER), `fwplan.config.no-auth`
    /// (authName or authPassword empty), `fwplan.config.auth-name-differs` (name ≠ authName:
    /// a FritzBox accepts only its user name in both), `fwplan.config.password-too-long`
    /// (see `max_auth_password_length`; without a model, the shortest reported limit, 8).
    [[nodiscard]] std::vector<Diagnostic> lint(const ModelInfo* model = nullptr,
                                               Protocol protocol = Protocol::Sip) const;

    /// The template for one step: `<loadInformation>` = `load`, `<deviceProtocol>` =
    /// `protocol` (see the file comment), everything else unchanged but `<versionStamp>`.
    /// A phone skips a configuration whose `<versionStamp>` it has seen before, so when the
    /// template has one (as a child of `<device>`) it is set to a digest of the rendered
    /// file (with an empty stamp): it changes whenever any byte of the file does — the load,
    /// the protocol, a password — and only then. Byte-identical output for the same inputs. Errors: `protocol` differs from the load's
    /// (`fwplan.config.protocol-mismatch`, Usage), MGCP (`fwplan.config.mgcp`, NotPossible).
    [[nodiscard]] Result<std::string> render(const LoadId& load, Protocol protocol) const;
    /// `render(load, load.protocol())`.
    [[nodiscard]] Result<std::string> render(const LoadId& load) const;

    struct Impl; ///< the parsed documents (pugixml), private to the library

private:
    explicit DeviceTemplate(std::shared_ptr<const Impl> impl) noexcept;
    std::shared_ptr<const Impl> impl_;
};

/// One generated file: a plain name and its bytes.
struct GeneratedFile {
    std::string name;    ///< e.g. `SEP008041AEFD7E.cnf.xml`; always a plain file name
    std::string content; ///< the exact bytes to write
    /// True for files one TFTP root holds once for all phones (`SIPDefault.cnf`,
    /// `OS79XX.TXT`, `XMLDefault.cnf.xml`, `dialplan.xml`). Phones at different steps need
    /// different contents; `write_file_atomically` reports that as a conflict.
    bool shared = false;
};

/// The files of one configuration, and what the lints found.
struct ConfigFiles {
    std::vector<GeneratedFile> files; ///< the files, each named for a flat TFTP root
    std::vector<Diagnostic> warnings; ///< what the lints found (never fatal)
};
/// The files of one phone at one step.
using StepFiles = ConfigFiles;

/// Extra files `make_step_files` adds.
struct StepOptions {
    /// Write the dial plan a file of the step names: `<dialTemplate>` of the template (the
    /// built-in one names `dialplan.xml`) and the 7940/7960 `dial_template: dialplan`. A
    /// phone asks the TFTP server for it on every boot and logs each miss (formats of the
    /// boot sequence: docs/phone-files.md). False: never write one.
    bool dial_plan = true;
    /// What the dial plan holds; empty: `empty_dial_plan()`. Read a user's file with
    /// `read_dial_plan`.
    std::string dial_plan_xml;
};

/// The files one phone reads to install `load` (one step of a chain):
/// - every model: `SEP<MAC>.cnf.xml` rendered from `device_template`, plus its lints;
/// - 7940/7960 in addition (docs/phone-files.md §6.3, §7.3): `SIPDefault.cnf` (shared) and
///   `SIP<MAC>.cnf`, both with `image_version:` = the same load as `<loadInformation>`, so
///   a phone running SIP installs the same load as one running SCCP and never switches
///   back; these are written for SCCP steps too (that is how a SIP phone goes back to
///   SCCP). For SIP steps also `OS79XX.TXT` (shared), which the old boot path reads first:
///   the universal application loader of the load (`P003-8-12-00` for `P0S3-8-12-00`),
///   written as `P003-8-12-00\r\n` *without* the trailing space of the shipped file
///   (docs/phone-files.md §2.2: a Cisco forum note blames a trailing space for failed look-ups, bug
///   CSCdv19260, while nothing needs the space);
/// - with `options.dial_plan` (the default), the dial plan each file names (shared): the
///   template's `<dialTemplate>` when it is a plain file name, `dialplan.xml` for the
///   7940/7960 `dial_template: dialplan`.
/// `sip` fills the 7940/7960 SIP files and is not used for other models (their SIP
/// settings are in the template). Errors: the load is not of the model's family
/// (`fwplan.config.load-model-mismatch`), the family has no such protocol
/// (`fwplan.config.protocol-not-offered`), invalid `sip` (`validate`), and `render`'s.
[[nodiscard]] Result<StepFiles> make_step_files(const ModelInfo& model, const MacAddress& mac,
                                                const LoadId& load, Protocol protocol,
                                                const DeviceTemplate& device_template,
                                                const SipSettings& sip,
                                                const StepOptions& options = {});

/// One model's line in `XMLDefault.cnf.xml`.
struct XmlDefaultEntry {
    const ModelInfo* model = nullptr; ///< a registry model (`find_model`)
    LoadId load;                      ///< the load phones of that model install
};

/// `XMLDefault.cnf.xml` (docs/phone-files.md §6.2): `<Default>`, the callManagerGroup filled from
/// `server` (same shape as in the SEP file), then one
/// `<loadInformationNNN model="Cisco IP Phone 7941G">LOADID</loadInformationNNN>` per model
/// (NNN = `ModelInfo::xml_default_number`) in the registry's model order. Models without
/// a known number are skipped with `fwplan.config.xml-default-no-number`; a model given
/// twice with the same load counts once. Errors: a load not of its model's family
/// (`fwplan.config.load-model-mismatch`), one model with two loads
/// (`fwplan.config.xml-default-duplicate`), a null model, invalid `server`.
[[nodiscard]] Result<ConfigFiles> make_xml_default(const std::vector<XmlDefaultEntry>& entries,
                                                   const SipSettings& server);

/// The content of an empty `dialplan.xml`: `<DIALTEMPLATE>` with no `<TEMPLATE>` rules,
/// the least a file named by `<dialTemplate>`/`dial_template` can hold. A phone then
/// dials when the user presses Dial or the inter-digit timeout expires, and stops asking
/// TFTP for a file that is missing.
[[nodiscard]] std::string empty_dial_plan();

/// The largest dial plan fwplan reads (64 KiB); real ones are a few hundred bytes.
inline constexpr std::size_t kMaxDialPlanBytes = 64U << 10U;

/// Reads a user's dial plan (`--dialplan FILE`): well-formed XML of at most
/// `kMaxDialPlanBytes` whose root is `<DIALTEMPLATE>` (the 79x1/7960 SIP format, rules as
/// `<TEMPLATE MATCH="..." Timeout="..."/>`) or `<dialTemplate>` (newer firmware), returned as
/// it is. Errors name the file: `fwplan.config.dial-plan-read` (Io), `fwplan.config.dial-plan`
/// (too large, not XML, another root element).
[[nodiscard]] Result<std::string> read_dial_plan(const std::filesystem::path& path);

/// Reads a password from the first line of a file (at most 4 KiB read; the trailing `\n`
/// or `\r\n` is removed). Passwords never come from the command line, where every user of
/// the machine can read them. Errors: the file cannot be read (`fwplan.password.read`, Io),
/// is empty or its first line is (`fwplan.password.empty`), holds a control character
/// (`fwplan.password.bad`).
[[nodiscard]] Result<std::string> read_password_file(const std::filesystem::path& path);
/// Reads a password from an environment variable (verbatim). Errors: not set
/// (`fwplan.password.unset`), empty (`fwplan.password.empty`), a control character
/// (`fwplan.password.bad`).
[[nodiscard]] Result<std::string> read_password_env(std::string_view variable);

} // namespace fwplan
