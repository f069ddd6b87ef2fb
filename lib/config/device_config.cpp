#include "config/sip_cnf.hpp"
#include "config/step_files.hpp"
#include "config/template_lint.hpp"
#include "config/xml_builders.hpp"
#include "config/xml_template.hpp"
#include "detail/posix.hpp"
#include "detail/text.hpp"

#include <fwplan/device_config.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fcntl.h>
#include <map>
#include <set>
#include <utility>

namespace fwplan {

namespace {

constexpr std::size_t kMaxSettingBytes = 512;
constexpr std::size_t kMaxPasswordFileBytes = 4096;

// ---------------------------------------------------------------------------------------
// Settings

Result<void> bad_setting(const std::string& field, const std::string& why,
                         std::string hint = "check the value named above") {
    return bad_input("config.bad-setting", field + " " + why).with_hint(std::move(hint));
}

// Free text (names, labels, passwords): UTF-8 without control characters. A password is
// never shown in the message.
Result<void> check_text(const std::string& field, std::string_view text, bool secret = false) {
    const std::string shown = secret ? std::string() : " " + detail::quote(text);
    if (text.size() > kMaxSettingBytes)
        return bad_setting(field, "is longer than " + std::to_string(kMaxSettingBytes) + " bytes",
                           "a phone shows a few dozen characters at most: shorten it");
    if (detail::find_control_char(text) != std::string_view::npos)
        return bad_setting(field + shown, "contains a control character (tab, line break, ...)",
                           "a phone cannot show it: remove it (in a CSV, a quoted field may "
                           "span lines by mistake)");
    if (detail::find_invalid_utf8(text) != std::string_view::npos)
        return bad_setting(field + shown, "is not valid UTF-8",
                           "save the file (or the terminal's input) as UTF-8");
    return {};
}

// A host name or address: letters, digits and . - _ : [ ] only, so it is safe in every
// file format fwplan writes.
Result<void> check_host(const std::string& field, std::string_view text) {
    if (text.size() > 253)
        return bad_setting(field, "is longer than 253 characters",
                           "give a host name or an IP address");
    for (char c : text) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' || c == ':' ||
                        c == '[' || c == ']';
        if (!ok)
            return bad_setting(field + " " + detail::quote(text),
                               "is not a host name or IP address (it contains " +
                                   detail::quote_char(c) + ")",
                               "give a host name or an IP address, e.g. 192.168.178.1");
    }
    return {};
}

Result<void> check_port(const std::string& field, unsigned port, bool zero_allowed) {
    if ((port == 0 && !zero_allowed) || port > 65535)
        return bad_setting(field + " " + std::to_string(port), "is not a port (1 to 65535)",
                           "leave it out for the standard SIP port, 5060");
    return {};
}

// ---------------------------------------------------------------------------------------
// Templates

Error template_error(const char* code, const std::string& source, std::string message) {
    Error error = bad_input(code, std::move(message));
    error.file = source;
    return error;
}

// A `"` in an attribute value that was written in single quotes: pugixml writes every
// attribute in double quotes and, in raw mode, does not escape, so the quote is escaped
// here (in raw text `&quot;` means exactly the character that was there).
void escape_double_quotes_in_attributes(pugi::xml_document& doc) {
    auto fix = [](pugi::xml_node node) {
        for (pugi::xml_attribute attribute : node.attributes()) {
            const std::string_view value = attribute.value();
            if (value.find('"') == std::string_view::npos)
                continue;
            std::string escaped;
            for (char c : value)
                escaped += c == '"' ? std::string("&quot;") : std::string(1, c);
            attribute.set_value(escaped.c_str());
        }
    };
    detail::for_each_descendant(doc, fix);
}

std::size_t element_count(const pugi::xml_document& doc) {
    std::size_t count = 0;
    for (pugi::xml_node node : doc.children())
        count += node.type() == pugi::node_element ? 1U : 0U;
    return count;
}

// Writes the raw document back: each top-level node as pugixml prints it, joined by the
// template's line break (pugixml keeps no whitespace outside the root element).
std::string serialize(const pugi::xml_document& doc, const DeviceTemplate::Impl& impl) {
    detail::StringWriter writer;
    if (impl.bom)
        writer.out += "\xEF\xBB\xBF";
    bool first = true;
    for (pugi::xml_node node : doc.children()) {
        if (!first)
            writer.out += impl.newline;
        first = false;
        node.print(writer, "", pugi::format_raw | pugi::format_no_escapes, pugi::encoding_utf8);
    }
    if (impl.final_newline)
        writer.out += impl.newline;
    return writer.out;
}

// Elements CUCM writes before / after <loadInformation> (docs/phone-files.md §6.1), for placing a
// missing one when neither <commonProfile> nor <vendorConfig> is there.
constexpr const char* kBeforeLoadInformation[] = {
    "fullConfig",       "deviceProtocol", "sshUserId",
    "sshPassword",      "devicePool",     "TVS",
    "vpnGroup",         "sipProfile",     "MissedCallLoggingOption",
    "featurePolicyFile"};
constexpr const char* kAfterLoadInformation[] = {"inactiveLoadInformation",
                                                 "vendorConfig",
                                                 "commonConfig",
                                                 "enterpriseConfig",
                                                 "versionStamp",
                                                 "userLocale",
                                                 "networkLocale",
                                                 "networkLocaleInfo",
                                                 "deviceSecurityMode",
                                                 "idleTimeout",
                                                 "authenticationURL",
                                                 "transportLayerProtocol"};

bool name_in(const char* name, const auto& list) {
    return std::any_of(std::begin(list), std::end(list),
                       [&](const char* candidate) { return std::string_view(name) == candidate; });
}

pugi::xml_node last_element_child(pugi::xml_node parent) {
    pugi::xml_node last;
    for (pugi::xml_node child : parent.children())
        if (child.type() == pugi::node_element)
            last = child;
    return last;
}

pugi::xml_node insert_load_information(pugi::xml_node device) {
    constexpr const char* kName = "loadInformation";
    if (pugi::xml_node common = device.child("commonProfile"))
        return detail::insert_element_after(device, common, kName);
    if (pugi::xml_node vendor = device.child("vendorConfig"))
        return detail::insert_element_before(device, vendor, kName);
    pugi::xml_node last_before;
    pugi::xml_node first_after;
    for (pugi::xml_node child : device.children()) {
        if (child.type() != pugi::node_element)
            continue;
        if (name_in(child.name(), kBeforeLoadInformation))
            last_before = child;
        else if (!first_after && name_in(child.name(), kAfterLoadInformation))
            first_after = child;
    }
    if (last_before)
        return detail::insert_element_after(device, last_before, kName);
    if (first_after)
        return detail::insert_element_before(device, first_after, kName);
    if (pugi::xml_node last = last_element_child(device))
        return detail::insert_element_after(device, last, kName);
    return device.append_child(kName);
}

pugi::xml_node insert_device_protocol(pugi::xml_node device) {
    constexpr const char* kName = "deviceProtocol";
    if (pugi::xml_node full = device.child("fullConfig"))
        return detail::insert_element_after(device, full, kName);
    for (pugi::xml_node child : device.children())
        if (child.type() == pugi::node_element)
            return detail::insert_element_before(device, child, kName);
    return device.append_child(kName);
}

std::optional<std::string> child_text(const pugi::xml_document& doc, const char* name) {
    const pugi::xml_node element = doc.document_element().child(name);
    if (!element)
        return std::nullopt;
    return detail::text_of(element);
}

// What goes into the raw document must not need escaping (the raw writer does not escape).
bool safe_raw_text(std::string_view text) {
    return text.find_first_of("<>&\"") == std::string_view::npos &&
           detail::find_control_char(text) == std::string_view::npos;
}

// FNV-1a, 64 bits, as 16 hex digits: the <versionStamp> of a rendered file. Not a secret
// digest (the file itself is readable on the TFTP server); it only has to change with the file.
std::string version_stamp_of(std::string_view text) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (int shift = 60; shift >= 0; shift -= 4)
        out += kDigits[(hash >> static_cast<unsigned>(shift)) & 0xFU];
    return out;
}

// A dial plan name a config gives, if fwplan can write a file of that name next to it.
std::optional<std::string> plain_file_name(std::string_view name) {
    const std::string_view trimmed = detail::trim(name);
    if (trimmed.empty() || trimmed.size() > 255 || trimmed.front() == '.' ||
        trimmed.find_first_of("/\\:") != std::string_view::npos ||
        detail::find_control_char(trimmed) != std::string_view::npos || !safe_raw_text(trimmed))
        return std::nullopt;
    return std::string(trimmed);
}

Error load_model_mismatch(const ModelInfo& model, const LoadId& load) {
    Error error =
        bad_input("config.load-model-mismatch",
                  "load " + load.str() + " is for the " + load.family() + " family, not for a " +
                      std::string(model.number) + " (family " + std::string(model.family) + ")");
    return error.with_hint("a phone installs only loads of its own family; check the model");
}

} // namespace

// ---------------------------------------------------------------------------------------

Result<void> validate(const SipSettings& s) {
    for (const auto& [field, host] :
         {std::pair<const char*, const std::string*>{"SIP server", &s.server},
          {"outbound proxy", &s.outbound_proxy},
          {"NTP server", &s.ntp_server}})
        if (auto ok = check_host(field, *host); !ok)
            return ok;
    if (auto ok = check_port("SIP port", s.port, false); !ok)
        return ok;
    if (auto ok = check_port("outbound proxy port", s.outbound_proxy_port, true); !ok)
        return ok;
    for (const auto& [field, text] :
         {std::pair<const char*, const std::string*>{"time zone", &s.time_zone},
          {"date template", &s.date_template},
          {"legacy time zone", &s.legacy_time_zone},
          {"phone label", &s.phone_label}})
        if (auto ok = check_text(field, *text); !ok)
            return ok;
    for (std::size_t i = 0; i < s.lines.size(); ++i) {
        const SipLine& line = s.lines[i];
        const std::string n = "line " + std::to_string(i + 1);
        if (auto ok = check_text(n + " name", line.name); !ok)
            return ok;
        if (auto ok = check_text(n + " auth name", line.auth_name); !ok)
            return ok;
        if (auto ok = check_text(n + " password", line.auth_password, true); !ok)
            return ok;
        if (auto ok = check_text(n + " display name", line.display_name); !ok)
            return ok;
        if (auto ok = check_text(n + " messages number", line.messages_number); !ok)
            return ok;
    }
    for (std::size_t i = 0; i < s.speed_dials.size(); ++i) {
        const std::string n = "speed dial " + std::to_string(i + 1);
        if (auto ok = check_text(n + " label", s.speed_dials[i].label); !ok)
            return ok;
        if (auto ok = check_text(n + " number", s.speed_dials[i].number); !ok)
            return ok;
    }
    return {};
}

std::optional<std::size_t> max_auth_password_length(const ModelInfo& model) {
    if (auto limit = detail::password_limit(&model))
        return limit->length;
    return std::nullopt;
}

DeviceTemplate::DeviceTemplate(std::shared_ptr<const Impl> impl) noexcept
    : impl_(std::move(impl)) {}

Result<DeviceTemplate> DeviceTemplate::from_file(const std::filesystem::path& path) {
    // One byte over the limit: from_string refuses a template that is too large itself.
    auto text =
        detail::read_file_head(AT_FDCWD, path, kMaxTemplateBytes + 1, "config.template-read");
    if (!text) {
        Error error = text.error();
        if (error.hint.empty())
            error.hint = "give the path of your SEP<MAC>.cnf.xml, or leave the template out to "
                         "let fwplan write its built-in one";
        return error;
    }
    return from_string(text->bytes, path.string());
}

Result<DeviceTemplate> DeviceTemplate::from_string(std::string_view xml, std::string source) {
    if (xml.size() > kMaxTemplateBytes)
        return template_error("config.template-too-large", source,
                              "the template is larger than 1 MiB; a SEP<MAC>.cnf.xml is a few "
                              "kilobytes");
    const bool utf16_or_32 = xml.size() >= 2 && ((xml[0] == '\xFE' && xml[1] == '\xFF') ||
                                                 (xml[0] == '\xFF' && xml[1] == '\xFE'));
    if (utf16_or_32)
        return template_error("config.template-encoding", source,
                              "the template is UTF-16 or UTF-32; save it as UTF-8");
    if (const std::size_t nul = xml.find('\0'); nul != std::string_view::npos) {
        Error error =
            template_error("config.template-encoding", source,
                           "the template contains a NUL byte; it is not a UTF-8 text file");
        error.offset = nul;
        return error;
    }

    auto impl = std::make_shared<Impl>();
    impl->source_name = source;
    const pugi::xml_parse_result parsed = impl->raw.load_buffer(
        xml.data(), xml.size(), detail::raw_parse_options(), pugi::encoding_utf8);
    if (!parsed) {
        const auto offset = static_cast<std::size_t>(parsed.offset);
        const detail::LineColumn where = detail::line_column(xml, offset);
        Error error = template_error("config.template-xml", source,
                                     "not well-formed XML at line " + std::to_string(where.line) +
                                         ", column " + std::to_string(where.column) + ": " +
                                         parsed.description());
        error.offset = offset;
        return error;
    }
    const pugi::xml_node root = impl->raw.document_element();
    if (element_count(impl->raw) != 1 || std::string_view(root.name()) != "device") {
        std::string what =
            element_count(impl->raw) != 1
                ? "it has " + std::to_string(element_count(impl->raw)) + " top-level elements"
                : "its root element is <" + std::string(root.name()) + ">";
        Error error = template_error("config.template-root", source,
                                     "not a SEP<MAC>.cnf.xml template: " + what +
                                         ", a template has one <device> element");
        return error.with_hint(std::string_view(root.name()) == "Default"
                                   ? "this looks like XMLDefault.cnf.xml; fwplan writes that file "
                                     "itself"
                                   : "start from testdata/templates/ or the built-in template");
    }
    if (!impl->decoded.load_buffer(xml.data(), xml.size(), detail::decoded_parse_options(),
                                   pugi::encoding_utf8))
        return template_error("config.template-xml", source, "not well-formed XML");
    escape_double_quotes_in_attributes(impl->raw);

    impl->bom = xml.size() >= 3 && xml.substr(0, 3) == "\xEF\xBB\xBF";
    impl->newline = xml.find("\r\n") != std::string_view::npos ? "\r\n" : "\n";
    impl->final_newline = !xml.empty() && xml.back() == '\n';
    return DeviceTemplate(std::move(impl));
}

Result<DeviceTemplate> DeviceTemplate::builtin_sip(const SipSettings& settings) {
    if (auto ok = validate(settings); !ok)
        return ok.error();
    return from_string(detail::builtin_sip_template_text(settings), "built-in SIP template");
}

DeviceTemplate DeviceTemplate::firmware_only() {
    static const DeviceTemplate kSkeleton =
        from_string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<device>\n"
                    "  <deviceProtocol>SIP</deviceProtocol>\n"
                    "  <loadInformation></loadInformation>\n</device>\n",
                    "built-in firmware-only template")
            .value();
    return kSkeleton;
}

const std::string& DeviceTemplate::source_name() const noexcept {
    return impl_->source_name;
}

std::optional<std::string> DeviceTemplate::load_information() const {
    return child_text(impl_->decoded, "loadInformation");
}

std::optional<std::string> DeviceTemplate::device_protocol() const {
    return child_text(impl_->decoded, "deviceProtocol");
}

std::optional<std::string> DeviceTemplate::dial_template() const {
    const pugi::xml_node device = impl_->decoded.document_element();
    for (pugi::xml_node parent : {device.child("sipProfile"), device}) {
        const pugi::xml_node element = parent.child("dialTemplate");
        if (!element)
            continue;
        const std::string text(detail::trim(detail::text_of(element)));
        if (!text.empty())
            return text;
    }
    return std::nullopt;
}

std::vector<Diagnostic> DeviceTemplate::lint(const ModelInfo* model, Protocol protocol) const {
    return detail::lint_device(impl_->decoded.document_element(), model, protocol);
}

Result<std::string> DeviceTemplate::render(const LoadId& load) const {
    return render(load, load.protocol());
}

Result<std::string> DeviceTemplate::render(const LoadId& load, Protocol protocol) const {
    if (protocol == Protocol::Mgcp)
        return not_possible("config.mgcp",
                            "fwplan writes no configuration for MGCP loads (" + load.str() + ")");
    if (load.protocol() != protocol) {
        Error error =
            bad_input("config.protocol-mismatch",
                      "load " + load.str() + " is a " + std::string(to_string(load.protocol())) +
                          " load, but the step asks for " + std::string(to_string(protocol)));
        error.kind = ErrorKind::Usage;
        return error;
    }
    if (!safe_raw_text(load.str()))
        return bad_input("config.bad-load",
                         "load ID " + detail::quote(load.str()) + " cannot be written into XML");

    pugi::xml_document doc;
    doc.reset(impl_->raw);
    pugi::xml_node device = doc.document_element();

    std::vector<pugi::xml_node> loads = detail::children_named(device, "loadInformation");
    if (loads.empty())
        loads.push_back(insert_load_information(device));
    for (pugi::xml_node node : loads)
        detail::replace_text(node, load.str());

    std::vector<pugi::xml_node> protocols = detail::children_named(device, "deviceProtocol");
    if (protocols.empty() && protocol == Protocol::Sip)
        protocols.push_back(insert_device_protocol(device));
    for (pugi::xml_node node : protocols)
        detail::replace_text(node, std::string(to_string(protocol)));

    // <versionStamp>: a digest of the file as written with a placeholder stamp, so that it
    // changes exactly when the file does. The digest goes into the stamp elements themselves
    // and the file is written again, rather than replaced into the text: a template's own
    // text that reads like the placeholder stays what it was (fuzz.device_config found that
    // textual replacement overwrote it).
    const std::vector<pugi::xml_node> stamps = detail::children_named(device, "versionStamp");
    if (stamps.empty())
        return serialize(doc, *impl_);
    auto with_stamps = [&](const std::string& stamp) {
        for (pugi::xml_node node : stamps)
            detail::replace_text(node, stamp);
        return serialize(doc, *impl_);
    };
    return with_stamps(version_stamp_of(with_stamps("@@fwplan-version-stamp@@")));
}

// ---------------------------------------------------------------------------------------

namespace detail {

Result<void> check_step(const ModelInfo& model, const LoadId& load, Protocol protocol) {
    if (load.family() != model.family)
        return load_model_mismatch(model, load);
    if (!offers(family_of(model), protocol))
        return bad_input("config.protocol-not-offered",
                         "there is no " + std::string(to_string(protocol)) + " firmware for the " +
                             std::string(model.number));
    return {};
}

Result<StepFiles> assemble_step_files(const ModelInfo& model, const MacAddress& mac,
                                      const LoadId& load, Protocol protocol, std::string sep,
                                      std::vector<Diagnostic> template_warnings,
                                      const std::optional<std::string>& dial_template,
                                      const SipSettings& sip, const StepOptions& options) {
    StepFiles step;
    step.files.push_back({mac.sep_config_file_name(), std::move(sep), false});
    step.warnings = std::move(template_warnings);
    for (Diagnostic& warning : step.warnings)
        warning.where = mac.sep_config_file_name() + ": " + warning.where;

    if (model.config_style == ConfigStyle::SepXmlAndSipCnf) {
        if (auto ok = validate(sip); !ok)
            return ok.error();
        if (auto ok = check_cnf_values(sip); !ok)
            return ok.error();
        step.files.push_back({"SIPDefault.cnf", sip_default_cnf(load, sip), true});
        step.files.push_back(
            {mac.sip_config_file_name(), sip_mac_cnf(mac, load, sip, line_buttons(model)), false});
        if (protocol == Protocol::Sip) {
            if (auto os = os79xx_txt(load))
                step.files.push_back({"OS79XX.TXT", std::move(*os), true});
        }
        for (Diagnostic& warning : lint_cnf(model, sip, protocol)) {
            if (warning.where.rfind("SIP<MAC>.cnf", 0) == 0)
                warning.where.replace(0, 12, mac.sip_config_file_name());
            step.warnings.push_back(std::move(warning));
        }
    }
    if (options.dial_plan) {
        // The dial plans the files name: the template's, and the 7940/7960 SIPDefault.cnf's
        // `dial_template: dialplan` (the phone adds .xml).
        std::set<std::string> names;
        if (dial_template)
            if (auto name = plain_file_name(*dial_template))
                names.insert(*name);
        if (model.config_style == ConfigStyle::SepXmlAndSipCnf)
            names.insert("dialplan.xml");
        for (const std::string& name : names)
            step.files.push_back(
                {name, options.dial_plan_xml.empty() ? empty_dial_plan() : options.dial_plan_xml,
                 true});
    }
    return step;
}

} // namespace detail

Result<StepFiles> make_step_files(const ModelInfo& model, const MacAddress& mac, const LoadId& load,
                                  Protocol protocol, const DeviceTemplate& device_template,
                                  const SipSettings& sip, const StepOptions& options) {
    if (auto ok = detail::check_step(model, load, protocol); !ok)
        return ok.error();
    auto sep = device_template.render(load, protocol);
    if (!sep)
        return sep.error().in_file(device_template.source_name());
    return detail::assemble_step_files(model, mac, load, protocol, std::move(*sep),
                                       device_template.lint(&model, protocol),
                                       device_template.dial_template(), sip, options);
}

Result<ConfigFiles> make_xml_default(const std::vector<XmlDefaultEntry>& entries,
                                     const SipSettings& server) {
    if (auto ok = validate(server); !ok)
        return ok.error();
    ConfigFiles result;
    // registry position -> entry: the registry's order, one entry per model.
    const std::vector<ModelInfo>& registry = all_models();
    std::map<std::pair<std::size_t, unsigned>, const XmlDefaultEntry*> chosen;
    for (const XmlDefaultEntry& entry : entries) {
        if (entry.model == nullptr) {
            Error error = bad_input("config.no-model", "an XMLDefault entry has no model");
            error.kind = ErrorKind::Usage;
            return error;
        }
        const ModelInfo& model = *entry.model;
        if (entry.load.family() != model.family)
            return load_model_mismatch(model, entry.load);
        if (model.xml_default_number == 0) {
            result.warnings.push_back(
                warning("fwplan.config.xml-default-no-number",
                        "no XMLDefault number is known for the " + std::string(model.number) +
                            "; it is left out of XMLDefault.cnf.xml and needs a SEP<MAC>.cnf.xml",
                        "XMLDefault.cnf.xml"));
            continue;
        }
        const auto position = static_cast<std::size_t>(
            std::find_if(registry.begin(), registry.end(),
                         [&](const ModelInfo& m) { return m.number == model.number; }) -
            registry.begin());
        auto [it, inserted] = chosen.emplace(std::pair(position, model.xml_default_number), &entry);
        if (!inserted && it->second->load != entry.load)
            return bad_input("config.xml-default-duplicate",
                             "the " + std::string(model.number) + " is given two loads (" +
                                 it->second->load.str() + " and " + entry.load.str() +
                                 "); XMLDefault.cnf.xml holds one per model");
    }
    if (chosen.empty())
        result.warnings.push_back(warning("fwplan.config.xml-default-empty",
                                          "XMLDefault.cnf.xml names no load; phones without a "
                                          "SEP<MAC>.cnf.xml keep their firmware",
                                          "XMLDefault.cnf.xml"));

    pugi::xml_document doc;
    detail::add_declaration(doc);
    pugi::xml_node root = doc.append_child("Default");
    detail::append_call_manager_group(root, server);
    for (const auto& [position, entry] : chosen) {
        if (!safe_raw_text(entry->load.str()))
            return bad_input("config.bad-load", "load ID " + detail::quote(entry->load.str()) +
                                                    " cannot be written into XML");
        const std::string name =
            "loadInformation" + std::to_string(entry->model->xml_default_number);
        pugi::xml_node element = detail::append_text_element(root, name.c_str(), entry->load.str());
        element.prepend_attribute("model").set_value(
            std::string(entry->model->display_name).c_str());
    }
    result.files.push_back({"XMLDefault.cnf.xml", detail::save_indented(doc), true});
    return result;
}

std::string empty_dial_plan() {
    return "<DIALTEMPLATE>\n</DIALTEMPLATE>\n";
}

Result<std::string> read_dial_plan(const std::filesystem::path& path) {
    const std::string name = path.string();
    auto read =
        detail::read_file_head(AT_FDCWD, path, kMaxDialPlanBytes + 1, "config.dial-plan-read");
    if (!read) {
        Error error = read.error();
        if (error.hint.empty())
            error.hint = "check the path given with --dialplan";
        return error;
    }
    auto refuse = [&](std::string message) {
        Error error = bad_input("config.dial-plan", std::move(message));
        error.file = name;
        return error.with_hint("a dial plan is <DIALTEMPLATE> with <TEMPLATE MATCH=\"...\" "
                               "Timeout=\"...\"/> rules; testdata/templates/dialplan-de.xml is "
                               "an example");
    };
    const std::string& text = read->bytes;
    if (text.size() > kMaxDialPlanBytes)
        return refuse("is larger than 64 KiB; a dial plan is a few hundred bytes");
    pugi::xml_document doc;
    const pugi::xml_parse_result parsed =
        doc.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!parsed) {
        const detail::LineColumn where =
            detail::line_column(text, static_cast<std::size_t>(parsed.offset));
        return refuse("is not well-formed XML at line " + std::to_string(where.line) + ", column " +
                      std::to_string(where.column) + ": " + parsed.description());
    }
    const std::string_view root = doc.document_element().name();
    if (root != "DIALTEMPLATE" && root != "dialTemplate")
        return refuse("has the root element <" + std::string(root) +
                      ">, not <DIALTEMPLATE>: the phone would ignore it");
    return text;
}

void set_time_zone(SipSettings& settings, const CiscoTimeZone& zone) {
    settings.time_zone = std::string(zone.name);
    settings.legacy_time_zone = std::string(zone.legacy);
    settings.legacy_utc_offset_minutes = zone.legacy.empty() ? 0 : zone.utc_offset_minutes;
    if (zone.legacy.empty())
        settings.legacy_daylight.reset();
    else
        settings.legacy_daylight = zone.legacy_daylight;
}

// ---------------------------------------------------------------------------------------
// Passwords

namespace {

Result<std::string> checked_password(std::string password, const std::string& source) {
    if (password.empty()) {
        Error error = bad_input("password.empty", source + " holds no password");
        return error.with_hint("put the password on the first line");
    }
    if (detail::find_control_char(password) != std::string::npos)
        return bad_input("password.bad", source + " holds a control character in the password "
                                                  "(a tab or stray line break?)");
    return password;
}

} // namespace

Result<std::string> read_password_file(const std::filesystem::path& path) {
    const std::string name = path.string();
    auto read = detail::read_file_head(AT_FDCWD, path, kMaxPasswordFileBytes, "password.read");
    if (!read) {
        Error error = read.error();
        if (error.kind == ErrorKind::Io && error.hint.empty())
            error.hint = "check the path and that fwplan may read it";
        return error;
    }
    const std::string& head = read->bytes;
    if (head.size() == kMaxPasswordFileBytes && head.find('\n') == std::string::npos) {
        Error error = bad_input("password.bad", "the first line is longer than 4 KiB; this is "
                                                "not a password file");
        error.file = name;
        return error;
    }
    std::string first = head.substr(0, head.find('\n'));
    if (!first.empty() && first.back() == '\r')
        first.pop_back();
    auto password = checked_password(std::move(first), "the password file '" + name + "'");
    if (!password)
        return password.error().in_file(name);
    return password;
}

Result<std::string> read_password_env(std::string_view variable) {
    const std::string name(variable);
    const char* value = name.empty() ? nullptr : std::getenv(name.c_str());
    if (value == nullptr) {
        Error error = bad_input("password.unset",
                                "the environment variable " + detail::quote(name) + " is not set");
        return error.with_hint("export it before running fwplan, or use a password file");
    }
    return checked_password(value, "the environment variable '" + name + "'");
}

} // namespace fwplan
