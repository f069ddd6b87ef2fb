#include "config/template_lint.hpp"

#include "config/xml_template.hpp"
#include "detail/text.hpp"

#include <map>
#include <string>

namespace fwplan::detail {

namespace {

constexpr std::string_view kDevice = "device";

class Linter {
public:
    explicit Linter(std::vector<Diagnostic>& out) : out_(out) {}
    void warn(const char* code, std::string message, std::string where) {
        out_.push_back(
            warning(std::string("fwplan.config.") + code, std::move(message), std::move(where)));
    }

private:
    std::vector<Diagnostic>& out_;
};

std::string trimmed_text(pugi::xml_node element) {
    return std::string(trim(text_of(element)));
}

// The position of a child among its parent's children, for order comparisons.
std::size_t index_of(pugi::xml_node node) {
    std::size_t index = 0;
    for (pugi::xml_node n = node.previous_sibling(); n; n = n.previous_sibling())
        ++index;
    return index;
}

void lint_structure(pugi::xml_node device, Linter& lint) {
    for (const char* name : {"loadInformation", "deviceProtocol"}) {
        const auto found = children_named(device, name);
        if (found.size() > 1)
            lint.warn("duplicate-element",
                      "<device> has " + std::to_string(found.size()) + " <" + name +
                          "> elements; fwplan sets all of them, but a phone reads only one",
                      std::string(kDevice) + "/" + name);
    }
    const pugi::xml_node load = device.child("loadInformation");
    if (load) {
        const pugi::xml_node common = device.child("commonProfile");
        const pugi::xml_node vendor = device.child("vendorConfig");
        const bool after_common = !common || index_of(load) > index_of(common);
        const bool before_vendor = !vendor || index_of(load) < index_of(vendor);
        if (!after_common || !before_vendor)
            lint.warn("load-information-position",
                      "<loadInformation> is not between <commonProfile> and <vendorConfig>, "
                      "where every working file has it; fwplan leaves it where it is",
                      std::string(kDevice) + "/loadInformation");
    }
    if (const pugi::xml_node mode = device.child("deviceSecurityMode")) {
        const std::string value = trimmed_text(mode);
        if (!value.empty() && value != "1")
            lint.warn("security-mode",
                      "deviceSecurityMode is " + quote(value) +
                          "; modes 2 and 3 make the phone expect a signed (.sgn) configuration, "
                          "which fwplan does not write; use 1",
                      std::string(kDevice) + "/deviceSecurityMode");
    }
}

void lint_server(pugi::xml_node device, Linter& lint) {
    const std::string where = "device/devicePool/callManagerGroup/members/member/callManager";
    pugi::xml_node manager_with_name;
    for (pugi::xml_node member :
         device.child("devicePool").child("callManagerGroup").child("members").children("member")) {
        pugi::xml_node manager = member.child("callManager");
        if (!trimmed_text(manager.child("processNodeName")).empty()) {
            manager_with_name = manager;
            break;
        }
    }
    if (!manager_with_name) {
        lint.warn("no-server",
                  "no callManager has a <processNodeName>; the phone does not know where to "
                  "register",
                  where);
        return;
    }
    if (trimmed_text(manager_with_name.child("ports").child("sipPort")).empty())
        lint.warn("no-sip-port",
                  "the callManager has no <ports><sipPort>; the phone cannot register",
                  where + "/ports");
}

void lint_register(pugi::xml_node device, Linter& lint) {
    const pugi::xml_node value =
        device.child("sipProfile").child("sipProxies").child("registerWithProxy");
    if (trimmed_text(value) != "true")
        lint.warn("no-register",
                  "<registerWithProxy> is " +
                      (value ? quote(trimmed_text(value)) : std::string("missing")) +
                      "; it must be true or the phone never registers",
                  "device/sipProfile/sipProxies/registerWithProxy");
}

std::string line_where(pugi::xml_node line, std::size_t position) {
    const pugi::xml_attribute button = line.attribute("button");
    if (button)
        return "device/sipProfile/sipLines/line[button=" + std::string(button.value()) + "]";
    return "device/sipProfile/sipLines/line #" + std::to_string(position);
}

void lint_password(pugi::xml_node line, const std::string& where, const ModelInfo* model,
                   Linter& lint) {
    const std::optional<PasswordLimit> limit = password_limit(model);
    if (!limit)
        return;
    const std::size_t length = count_characters(text_of(line.child("authPassword")));
    if (length > limit->length)
        lint.warn("password-too-long",
                  "authPassword has " + std::to_string(length) + " characters; " + limit->source +
                      " takes at most " + std::to_string(limit->length) +
                      " and fails to register with a longer one",
                  where + "/authPassword");
}

void lint_line(pugi::xml_node line, const std::string& where, const ModelInfo* model,
               Linter& lint) {
    const std::string name = trimmed_text(line.child("name"));
    const std::string auth_name = trimmed_text(line.child("authName"));
    const std::string proxy = trimmed_text(line.child("proxy"));
    if (name.empty())
        lint.warn("line-no-name", "the line has no <name> (the user it registers as)",
                  where + "/name");
    if (proxy != "USECALLMANAGER")
        lint.warn("line-proxy",
                  "the line's <proxy> is " + (proxy.empty() ? std::string("empty") : quote(proxy)) +
                      "; SIP lines use USECALLMANAGER, which sends the registration to the "
                      "callManagerGroup",
                  where + "/proxy");
    if (auth_name.empty() || text_of(line.child("authPassword")).empty())
        lint.warn("no-auth",
                  std::string("the line has no ") +
                      (auth_name.empty() ? "<authName>" : "<authPassword>") +
                      "; registrars that ask for credentials refuse it",
                  where);
    else if (!name.empty() && auth_name != name)
        lint.warn("auth-name-differs",
                  "the line's <name> " + quote(name) + " and <authName> " + quote(auth_name) +
                      " differ; a FritzBox registers a phone only when both are the user name "
                      "it assigned",
                  where + "/authName");
    lint_password(line, where, model, lint);
}

void lint_lines(pugi::xml_node device, const ModelInfo* model, bool registration, Linter& lint) {
    std::map<std::string, std::size_t> buttons;
    std::size_t position = 0;
    std::size_t sip_lines = 0;
    for (pugi::xml_node line : device.child("sipProfile").child("sipLines").children("line")) {
        ++position;
        const std::string where = line_where(line, position);
        if (const pugi::xml_attribute button = line.attribute("button")) {
            if (++buttons[button.value()] == 2)
                lint.warn("duplicate-button",
                          "two lines use button " + quote(button.value()) +
                              "; the phone shows only one of them",
                          where);
        }
        if (trimmed_text(line.child("featureID")) != "9")
            continue;
        ++sip_lines;
        if (registration)
            lint_line(line, where, model, lint);
    }
    if (registration && sip_lines == 0)
        lint.warn("no-line",
                  "there is no <sipLines><line> with <featureID>9</featureID>; the phone "
                  "installs the firmware but has no line to register",
                  "device/sipProfile/sipLines");
}

} // namespace

std::size_t count_characters(std::string_view text) noexcept {
    std::size_t count = 0;
    for (char c : text)
        if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U)
            ++count;
    return count;
}

std::optional<PasswordLimit> password_limit(const ModelInfo* model) {
    // docs/phone-files.md §6.1: the limits users reported, per firmware family.
    struct Known {
        std::string_view family;
        std::size_t length;
        std::string_view source;
    };
    static constexpr Known kKnown[] = {
        {"41", 8, "7941/7961 firmware (whizzy.org)"},
        {"42", 12, "7942/7962 firmware (waynemerricks/Cisco7942FreePBX)"},
    };
    if (model == nullptr)
        return PasswordLimit{8, "7941/7961 firmware (whizzy.org; the shortest limit reported)"};
    for (const Known& known : kKnown)
        if (known.family == model->family)
            return PasswordLimit{known.length, std::string(known.source)};
    return std::nullopt;
}

std::vector<Diagnostic> lint_device(pugi::xml_node device, const ModelInfo* model,
                                    Protocol protocol) {
    std::vector<Diagnostic> warnings;
    Linter lint(warnings);
    // 7940/7960 running SIP register with SIP<MAC>.cnf, not with this file.
    const bool registration = protocol == Protocol::Sip &&
                              (model == nullptr || model->config_style == ConfigStyle::SepXml);
    lint_structure(device, lint);
    if (registration) {
        lint_server(device, lint);
        lint_register(device, lint);
    }
    lint_lines(device, model, registration, lint);
    return warnings;
}

} // namespace fwplan::detail
