// device_config.hpp: a step changes only <loadInformation> and <deviceProtocol> of the
// user's template and keeps the rest node for node; the built-in template registers; the
// lints fire exactly when they should; XMLDefault and the 7940/7960 files are consistent.
#include "test_support.hpp"

#include <fwplan/device_config.hpp>

#include <doctest/doctest.h>
#include <pugixml.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

using namespace fwplan;
namespace fs = std::filesystem;

namespace {

// ---------------------------------------------------------------------------------------
// Helpers

LoadId load(const char* id) {
    auto parsed = LoadId::parse(id);
    INFO(id);
    REQUIRE(parsed.ok());
    return *parsed;
}

const ModelInfo& model(const char* number) {
    auto found = find_model(number);
    REQUIRE(found.ok());
    return **found;
}

MacAddress mac(const char* text) {
    return MacAddress::parse(text).value();
}

DeviceTemplate tmpl(const std::string& xml, const std::string& name = "fixture") {
    auto parsed = DeviceTemplate::from_string(xml, name);
    INFO((parsed ? std::string() : parsed.error().describe()));
    REQUIRE(parsed.ok());
    return *parsed;
}

// The text with every <versionStamp> emptied: what stays of a file when its digest is set aside.
std::string without_stamp(std::string text) {
    const std::string open = "<versionStamp>";
    const std::string close = "</versionStamp>";
    for (std::size_t at = text.find(open); at != std::string::npos; at = text.find(open, at + 1)) {
        const std::size_t end = text.find(close, at);
        if (end == std::string::npos)
            break;
        text.erase(at + open.size(), end - at - open.size());
    }
    return text;
}

std::string render(const DeviceTemplate& t, const char* id) {
    auto text = t.render(load(id));
    INFO((text ? std::string() : text.error().describe()));
    REQUIRE(text.ok());
    return *text;
}

fs::path template_path(const char* name) {
    return fs::path(FWPLAN_TESTDATA_DIR) / "templates" / name;
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
    const std::size_t at = text.find(from);
    REQUIRE_MESSAGE(at != std::string::npos, "fixture lacks: " << from);
    return text.replace(at, from.size(), to);
}

// Parses as fwplan does for rendering: everything kept, nothing decoded.
constexpr unsigned kRawParse =
    (pugi::parse_full | pugi::parse_ws_pcdata) &
    ~(pugi::parse_escapes | pugi::parse_eol | pugi::parse_wconv_attribute);

void parse_into(pugi::xml_document& doc, const std::string& text, unsigned options = kRawParse) {
    const pugi::xml_parse_result result = doc.load_buffer(text.data(), text.size(), options);
    INFO(result.description(), " at ", result.offset, " in:\n", text);
    REQUIRE(result);
}

// One node of a document, for comparing two documents element by element.
struct FlatNode {
    std::string path; // element names from the root, e.g. device/sipProfile/sipLines/line
    pugi::xml_node_type type;
    std::vector<std::pair<std::string, std::string>> attributes;
    std::string value;
    friend bool operator==(const FlatNode&, const FlatNode&) = default;
};

std::ostream& operator<<(std::ostream& out, const FlatNode& n) {
    out << n.path << " type " << static_cast<int>(n.type) << " value '" << n.value << "'";
    for (const auto& [k, v] : n.attributes)
        out << " " << k << "=\"" << v << "\"";
    return out;
}

struct FlattenOptions {
    bool skip_step_elements = true; // device/loadInformation and device/deviceProtocol
    bool skip_blank_in_device = false;
};

void flatten_into(pugi::xml_node node, const std::string& parent_path,
                  const FlattenOptions& options, std::vector<FlatNode>& out) {
    for (pugi::xml_node child : node.children()) {
        const std::string path = child.type() == pugi::node_element
                                     ? (parent_path.empty() ? "" : parent_path + "/") + child.name()
                                     : parent_path;
        if (options.skip_step_elements && child.type() == pugi::node_element &&
            (path == "device/loadInformation" || path == "device/deviceProtocol"))
            continue;
        const std::string value = child.value();
        const bool blank = value.find_first_not_of(" \t\r\n") == std::string::npos;
        if (options.skip_blank_in_device && child.type() == pugi::node_pcdata && blank &&
            parent_path == "device")
            continue;
        FlatNode flat{path, child.type(), {}, value};
        for (pugi::xml_attribute a : child.attributes())
            flat.attributes.emplace_back(a.name(), a.value());
        out.push_back(std::move(flat));
        flatten_into(child, path, options, out);
    }
}

std::vector<FlatNode> flatten(const std::string& text, const FlattenOptions& options) {
    pugi::xml_document doc;
    parse_into(doc, text);
    std::vector<FlatNode> out;
    flatten_into(doc, "", options, out);
    return out;
}

// Checks two node lists are equal, pointing at the first difference.
void check_same_nodes(const std::vector<FlatNode>& expected, const std::vector<FlatNode>& actual) {
    const std::size_t common = std::min(expected.size(), actual.size());
    for (std::size_t i = 0; i < common; ++i) {
        INFO("node #", i);
        REQUIRE(expected[i] == actual[i]);
    }
    CHECK(expected.size() == actual.size());
}

std::string child_text(const std::string& xml, const char* path) {
    pugi::xml_document doc;
    parse_into(doc, xml, pugi::parse_default);
    return doc.select_node(path).node().text().as_string();
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t count = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++count;
    return count;
}

std::set<std::string> codes(const std::vector<Diagnostic>& warnings) {
    std::set<std::string> out;
    for (const Diagnostic& w : warnings)
        out.insert(w.code);
    return out;
}

// `key: value` lines of a 7940/7960 SIP file (quotes removed).
std::map<std::string, std::string> cnf_values(const std::string& text) {
    std::map<std::string, std::string> values;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        const std::string line = text.substr(start, end - start);
        start = end + 1;
        if (line.empty() || line[0] == '#')
            continue;
        const std::size_t colon = line.find(": ");
        REQUIRE_MESSAGE(colon != std::string::npos, "not key: value: " << line);
        std::string value = line.substr(colon + 2);
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
            value = value.substr(1, value.size() - 2);
        CHECK_MESSAGE(values.count(line.substr(0, colon)) == 0, "twice: " << line);
        values[line.substr(0, colon)] = value;
    }
    return values;
}

const GeneratedFile* file_named(const StepFiles& step, const std::string& name) {
    for (const GeneratedFile& f : step.files)
        if (f.name == name)
            return &f;
    return nullptr;
}

// ---------------------------------------------------------------------------------------
// Fixtures

// A template as a user keeps it: comments, a processing instruction, CUCM's attributes on
// <device>, a single-quoted attribute, entity and character references, CDATA, tabs, the
// sections in an unusual order, a key expansion module with its own <loadInformation>, and
// no <loadInformation> of its own.
const std::string kUserTemplate = R"(<?xml version="1.0" encoding="utf-8"?>
<!-- Office phone, 3rd floor. Maintained by hand. -->
<?fwplan-test keep="this processing instruction"?>
<device xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="axl:XIPPhone" ctiid="94" uuid="{f3c1-77}">
  <!-- protocol first, as CUCM does -->
  <deviceProtocol>SCCP</deviceProtocol>
  <sipProfile>
    <sipLines>
      <line button="1" lineIndex="1">
        <featureID>9</featureID>
        <featureLabel>R&amp;D &#x4C;ab</featureLabel>
        <proxy>USECALLMANAGER</proxy>
        <port>5060</port>
        <name>620</name>
        <displayName><![CDATA[R&D <Lab>]]></displayName>
        <authName>620</authName>
        <authPassword>pw620</authPassword>
      </line>
    </sipLines>
    <sipProxies>
      <registerWithProxy>true</registerWithProxy>
    </sipProxies>
    <dialTemplate>dialplan.xml</dialTemplate>
  </sipProfile>
  <devicePool>
    <callManagerGroup>
      <members>
        <member priority='0'>
          <callManager>
            <ports><sipPort>5060</sipPort></ports>
            <processNodeName>pbx.example.net</processNodeName>
          </callManager>
        </member>
      </members>
    </callManagerGroup>
  </devicePool>
	<addOnModules>
		<addOnModule idx="1">
			<loadInformation>SCCP7914.5-0-4</loadInformation>
		</addOnModule>
	</addOnModules>
  <commonProfile>
    <phonePassword></phonePassword>
    <backgroundImageAccess>true</backgroundImageAccess>
  </commonProfile>
  <vendorConfig>
    <pcPort>0</pcPort>
    <!-- web access off on purpose -->
    <webAccess>1</webAccess>
  </vendorConfig>
  <userLocale><name>English_United_States</name><langCode>en_US</langCode></userLocale>
</device>
<!-- end of template -->
)";

// The same idea with <loadInformation> where no working file has it (before devicePool).
const std::string kMisplacedTemplate = R"(<?xml version="1.0" encoding="UTF-8"?>
<device>
  <loadInformation>SCCP41.8-5-2S</loadInformation>
  <devicePool>
    <callManagerGroup><members><member priority="0"><callManager>
      <ports><sipPort>5060</sipPort></ports>
      <processNodeName>10.0.0.1</processNodeName>
    </callManager></member></members></callManagerGroup>
  </devicePool>
  <!-- comment between sections -->
  <commonProfile/>
  <vendorConfig><webAccess>0</webAccess></vendorConfig>
</device>
)";

// A SIP template no lint should complain about; each lint test breaks one thing.
const std::string kGoodTemplate = R"(<device>
  <deviceProtocol>SIP</deviceProtocol>
  <devicePool><callManagerGroup><members><member priority="0"><callManager>
    <ports><ethernetPhonePort>2000</ethernetPhonePort><sipPort>5060</sipPort></ports>
    <processNodeName>192.168.178.1</processNodeName>
  </callManager></member></members></callManagerGroup></devicePool>
  <sipProfile>
    <sipProxies><registerWithProxy>true</registerWithProxy></sipProxies>
    <sipLines>
      <line button="1"><featureID>9</featureID><proxy>USECALLMANAGER</proxy><name>620</name><authName>620</authName><authPassword>secret12</authPassword></line>
      <line button="2"><featureID>2</featureID><featureLabel>Desk</featureLabel><speedDialNumber>**610</speedDialNumber></line>
    </sipLines>
  </sipProfile>
  <commonProfile/>
  <loadInformation>SIP41.9-4-2SR3-1S</loadInformation>
  <vendorConfig/>
  <deviceSecurityMode>1</deviceSecurityMode>
</device>
)";

SipSettings fritzbox_settings() {
    SipSettings s;
    s.server = "192.168.178.1";
    s.ntp_server = "fritz.box";
    s.time_zone = "W. Europe Standard/Daylight Time";
    s.date_template = "D.M.Y";
    s.legacy_time_zone = "CET";
    s.lines.push_back({"620", "620", "Xk7#pQ2m", "R&D <Lab>", "**600"});
    s.lines.push_back({"621", "", "other pw", "", ""});
    s.speed_dials.push_back({"Reception", "**610"});
    return s;
}

} // namespace

// ---------------------------------------------------------------------------------------
// Rendering a user's template

TEST_CASE(
    "a user's template rendered for two steps differs only in loadInformation and deviceProtocol") {
    const DeviceTemplate t = tmpl(kUserTemplate);
    const std::string step1 = render(t, "SCCP41.9-4-2SR1-1S");
    const std::string step2 = render(t, "SIP41.9-4-2SR3-1S");

    // Every node outside the two step elements, in order, with its attributes and raw text.
    // Blank text directly in <device> is left out only because the new <loadInformation>
    // brings its own indentation; the next test pins that down byte for byte.
    const FlattenOptions options{true, true};
    const std::vector<FlatNode> original = flatten(kUserTemplate, options);
    check_same_nodes(original, flatten(step1, options));
    check_same_nodes(original, flatten(step2, options));
    // The flattening did look at the whole document, not at an empty list.
    CHECK(original.size() > 80);

    CHECK(child_text(step1, "/device/loadInformation") == "SCCP41.9-4-2SR1-1S");
    CHECK(child_text(step1, "/device/deviceProtocol") == "SCCP");
    CHECK(child_text(step2, "/device/loadInformation") == "SIP41.9-4-2SR3-1S");
    CHECK(child_text(step2, "/device/deviceProtocol") == "SIP");
    // The key expansion module keeps its own load.
    CHECK(child_text(step2, "/device/addOnModules/addOnModule/loadInformation") ==
          "SCCP7914.5-0-4");
    CHECK(count_of(step2, "<loadInformation>") == 2);
    CHECK(count_of(step2, "<deviceProtocol>") == 1);
    // Entity references, character references and CDATA are written as they were.
    CHECK(step2.find("<featureLabel>R&amp;D &#x4C;ab</featureLabel>") != std::string::npos);
    CHECK(step2.find("<displayName><![CDATA[R&D <Lab>]]></displayName>") != std::string::npos);
    CHECK(step2.find("<?fwplan-test keep=\"this processing instruction\"?>") != std::string::npos);
    CHECK(step2.find("\t<addOnModules>\n\t\t<addOnModule idx=\"1\">") != std::string::npos);
}

TEST_CASE("a missing loadInformation is created after commonProfile with the same indentation") {
    const std::string out = render(tmpl(kUserTemplate), "SIP41.9-4-2SR3-1S");
    CHECK(out.find("  </commonProfile>\n  <loadInformation>SIP41.9-4-2SR3-1S</loadInformation>\n"
                   "  <vendorConfig>") != std::string::npos);
    // Apart from that one line, the output is the template with pugixml's normalizations:
    // double quotes, <a/> for an empty element, nothing else.
    std::string expected = replace(kUserTemplate, "</commonProfile>\n",
                                   "</commonProfile>\n  <loadInformation>SIP41.9-4-2SR3-1S"
                                   "</loadInformation>\n");
    expected = replace(expected, "<deviceProtocol>SCCP<", "<deviceProtocol>SIP<");
    expected = replace(expected, "priority='0'", "priority=\"0\"");
    expected = replace(expected, "<phonePassword></phonePassword>", "<phonePassword/>");
    CHECK(out == expected);
}

TEST_CASE("where a missing loadInformation goes without commonProfile") {
    SUBCASE("before vendorConfig") {
        const std::string out = render(
            tmpl("<device>\n  <sipProfile/>\n  <vendorConfig/>\n</device>\n"), "SIP41.9-4-2SR3-1S");
        CHECK(out == "<device>\n  <deviceProtocol>SIP</deviceProtocol>\n  <sipProfile/>\n"
                     "  <loadInformation>SIP41.9-4-2SR3-1S</loadInformation>\n"
                     "  <vendorConfig/>\n</device>\n");
    }
    SUBCASE("after the last element CUCM writes before it") {
        const std::string out = render(tmpl("<device>\n  <devicePool/>\n  <sipProfile/>\n  "
                                            "<userLocale>1</userLocale>\n</device>\n"),
                                       "SCCP41.9-4-2SR1-1S");
        CHECK(out == "<device>\n  <devicePool/>\n  <sipProfile/>\n"
                     "  <loadInformation>SCCP41.9-4-2SR1-1S</loadInformation>\n"
                     "  <userLocale>1</userLocale>\n</device>\n");
    }
    SUBCASE("before the first element CUCM writes after it") {
        const std::string out =
            render(tmpl("<device>\n  <networkLocale>1</networkLocale>\n  <userLocale/>\n</device>"),
                   "SCCP41.9-4-2SR1-1S");
        CHECK(out == "<device>\n  <loadInformation>SCCP41.9-4-2SR1-1S</loadInformation>\n"
                     "  <networkLocale>1</networkLocale>\n  <userLocale/>\n</device>");
    }
    SUBCASE("as the last element among unknown ones") {
        const std::string out =
            render(tmpl("<device>\n  <custom/>\n</device>\n"), "SCCP41.9-4-2SR1-1S");
        CHECK(out == "<device>\n  <custom/>\n  <loadInformation>SCCP41.9-4-2SR1-1S"
                     "</loadInformation>\n</device>\n");
    }
    SUBCASE("in an empty device") {
        CHECK(render(tmpl("<device/>"), "SCCP41.9-4-2SR1-1S") ==
              "<device><loadInformation>SCCP41.9-4-2SR1-1S</loadInformation></device>");
        CHECK(render(tmpl("<device></device>"), "SIP41.9-4-2SR3-1S") ==
              "<device><deviceProtocol>SIP</deviceProtocol><loadInformation>SIP41.9-4-2SR3-1S"
              "</loadInformation></device>");
    }
    SUBCASE("with CRLF line ends, the indentation keeps CRLF") {
        const std::string out = render(
            tmpl("<?xml version=\"1.0\"?>\r\n<device>\r\n  <commonProfile/>\r\n</device>\r\n"),
            "SCCP41.9-4-2SR1-1S");
        CHECK(out == "<?xml version=\"1.0\"?>\r\n<device>\r\n  <commonProfile/>\r\n"
                     "  <loadInformation>SCCP41.9-4-2SR1-1S</loadInformation>\r\n</device>\r\n");
    }
}

TEST_CASE("a loadInformation in an odd place is updated where it is and every node stays") {
    const DeviceTemplate t = tmpl(kMisplacedTemplate);
    CHECK(t.load_information() == "SCCP41.8-5-2S");
    const std::string out = render(t, "SCCP41.9-4-2SR1-1S");
    // Nothing is skipped here: even the whitespace in <device> must be the same.
    const FlattenOptions options{true, false};
    check_same_nodes(flatten(kMisplacedTemplate, options), flatten(out, options));
    CHECK(out == replace(kMisplacedTemplate, "SCCP41.8-5-2S", "SCCP41.9-4-2SR1-1S"));
    CHECK(codes(t.lint(&model("7941"), Protocol::Sccp)) ==
          std::set<std::string>{"fwplan.config.load-information-position"});
}

TEST_CASE("deviceProtocol is set when present, and created only for SIP steps") {
    const std::string without =
        "<device>\n  <fullConfig>true</fullConfig>\n  <commonProfile/>\n</device>\n";
    const DeviceTemplate t = tmpl(without);
    CHECK_FALSE(t.device_protocol().has_value());
    // SIP: created after <fullConfig>.
    CHECK(
        render(t, "SIP41.9-4-2SR3-1S") ==
        "<device>\n  <fullConfig>true</fullConfig>\n  <deviceProtocol>SIP</deviceProtocol>\n"
        "  <commonProfile/>\n  <loadInformation>SIP41.9-4-2SR3-1S</loadInformation>\n</device>\n");
    // SCCP: a phone assumes SCCP without it, so none is created.
    CHECK(render(t, "SCCP41.9-4-2SR1-1S") ==
          "<device>\n  <fullConfig>true</fullConfig>\n  <commonProfile/>\n"
          "  <loadInformation>SCCP41.9-4-2SR1-1S</loadInformation>\n</device>\n");
    // Present: follows the step both ways.
    const DeviceTemplate sip = tmpl(kGoodTemplate);
    CHECK(child_text(render(sip, "SCCP41.9-4-2SR1-1S"), "/device/deviceProtocol") == "SCCP");
    CHECK(child_text(render(sip, "SIP41.9-4-2SR3-1S"), "/device/deviceProtocol") == "SIP");
}

TEST_CASE("duplicated step elements are all set, so whichever a phone reads is right") {
    const DeviceTemplate t = tmpl("<device><deviceProtocol>SCCP</deviceProtocol><loadInformation>A"
                                  "</loadInformation><deviceProtocol>SCCP</deviceProtocol>"
                                  "<loadInformation>B</loadInformation></device>");
    const std::string out = render(t, "SIP41.9-4-2SR3-1S");
    CHECK(out == "<device><deviceProtocol>SIP</deviceProtocol><loadInformation>SIP41.9-4-2SR3-1S"
                 "</loadInformation><deviceProtocol>SIP</deviceProtocol><loadInformation>"
                 "SIP41.9-4-2SR3-1S</loadInformation></device>");
    CHECK(codes(t.lint(nullptr, Protocol::Sccp)) ==
          std::set<std::string>{"fwplan.config.duplicate-element"});
    CHECK(t.lint(nullptr, Protocol::Sccp).size() == 2);
}

TEST_CASE("the old text of loadInformation is replaced whole, its comments stay") {
    const DeviceTemplate t = tmpl("<device><loadInformation model=\"IP Phone 7960\">\n  "
                                  "P00308010200 <!-- factory --> <![CDATA[x]]>\n</loadInformation>"
                                  "</device>");
    CHECK(render(t, "P0S3-8-12-00") ==
          "<device><deviceProtocol>SIP</deviceProtocol><loadInformation model=\"IP Phone 7960\">"
          "P0S3-8-12-00<!-- factory --></loadInformation></device>");
}

TEST_CASE(
    "rendering is byte-identical on repeat and a template naming the load is its own output") {
    const DeviceTemplate user = tmpl(kUserTemplate);
    CHECK(render(user, "SIP41.9-4-2SR3-1S") == render(user, "SIP41.9-4-2SR3-1S"));
    const DeviceTemplate copy = user; // copies share the parsed document, not the output
    CHECK(render(copy, "SIP41.9-4-2SR3-1S") == render(user, "SIP41.9-4-2SR3-1S"));

    struct Sample {
        const char* file;
        const char* load;
    };
    for (const Sample& s : {Sample{"7941-sip-fritzbox.cnf.xml", "SIP41.9-4-2SR3-1S"},
                            Sample{"7941-minimal.cnf.xml", "SIP41.9-4-2SR3-1S"},
                            Sample{"7960-sccp.cnf.xml", "P00308010200"}}) {
        CAPTURE(s.file);
        auto t = DeviceTemplate::from_file(template_path(s.file));
        REQUIRE(t.ok());
        CHECK(t->source_name() == template_path(s.file).string());
        CHECK(t->load_information() == s.load);
        // Its own output but for the <versionStamp>, which is the file's digest.
        CHECK(without_stamp(render(*t, s.load)) ==
              without_stamp(fwplan::test::read_file(template_path(s.file))));
    }
}

TEST_CASE("the 7960 sample keeps its model attribute and gets deviceProtocol for SIP") {
    auto t = DeviceTemplate::from_file(template_path("7960-sccp.cnf.xml"));
    REQUIRE(t.ok());
    const std::string out = render(*t, "P0S3-8-12-00");
    CHECK(out.find("<loadInformation model=\"IP Phone 7960\">P0S3-8-12-00</loadInformation>") !=
          std::string::npos);
    CHECK(out.find("<device>\n  <deviceProtocol>SIP</deviceProtocol>\n  <devicePool>") !=
          std::string::npos);
}

TEST_CASE("what pugixml cannot keep is normalized safely") {
    SUBCASE("a double quote inside a single-quoted attribute is escaped") {
        const std::string out = render(tmpl("<device note='say \"hi\"'/>"), "SCCP41.9-4-2SR1-1S");
        CHECK(out == "<device note=\"say &quot;hi&quot;\"><loadInformation>SCCP41.9-4-2SR1-1S"
                     "</loadInformation></device>");
        pugi::xml_document doc;
        parse_into(doc, out, pugi::parse_default);
        CHECK(std::string(doc.child("device").attribute("note").value()) == "say \"hi\"");
    }
    SUBCASE("a byte-order mark, CRLF inside elements and the final line break are kept") {
        const std::string in =
            "\xEF\xBB\xBF<device>\r\n\t<loadInformation>x</loadInformation>\r\n</device>\r\n";
        CHECK(render(tmpl(in), "SCCP41.9-4-2SR1-1S") ==
              "\xEF\xBB\xBF<device>\r\n\t<loadInformation>SCCP41.9-4-2SR1-1S</loadInformation>\r\n"
              "</device>\r\n");
    }
    SUBCASE("whitespace between top-level nodes becomes one line break") {
        CHECK(render(tmpl("<?xml version='1.0'?>\n\n<!-- a -->  <device/>\n\n\n"),
                     "SCCP41.9-4-2SR1-1S") ==
              "<?xml version=\"1.0\"?>\n<!-- a -->\n<device><loadInformation>SCCP41.9-4-2SR1-1S"
              "</loadInformation></device>\n");
    }
}

TEST_CASE("render refuses a protocol that does not match the load, and MGCP") {
    const DeviceTemplate t = tmpl(kGoodTemplate);
    auto mismatch = t.render(load("SIP41.9-4-2SR3-1S"), Protocol::Sccp);
    REQUIRE_FALSE(mismatch.ok());
    CHECK(mismatch.error().code == "fwplan.config.protocol-mismatch");
    CHECK(mismatch.error().kind == ErrorKind::Usage);
    auto mgcp = t.render(load("P0M3-07-5-00"));
    REQUIRE_FALSE(mgcp.ok());
    CHECK(mgcp.error().code == "fwplan.config.mgcp");
    CHECK(mgcp.error().kind == ErrorKind::NotPossible);
}

// ---------------------------------------------------------------------------------------
// Loading templates

TEST_CASE("templates that are not well-formed say where") {
    auto broken = DeviceTemplate::from_string("<device>\n  <sipProfile>\n  </sipProfil>\n</device>",
                                              "SEPbroken.cnf.xml");
    REQUIRE_FALSE(broken.ok());
    const Error& error = broken.error();
    CHECK(error.code == "fwplan.config.template-xml");
    CHECK(error.kind == ErrorKind::BadInput);
    CHECK(error.file == "SEPbroken.cnf.xml");
    CHECK(error.message.find("line 3, column") != std::string::npos);
    REQUIRE(error.offset.has_value());
    CHECK(*error.offset >= 26);
    CHECK(*error.offset <= 36);
    CHECK(error.describe().find("SEPbroken.cnf.xml: at offset") == 0);
}

TEST_CASE("templates with the wrong root, encoding or size are refused") {
    struct Bad {
        std::string text;
        const char* code;
        const char* words;
    };
    const Bad bad[] = {
        {"<Default><loadInformation115/></Default>", "fwplan.config.template-root", "<Default>"},
        {"<device/><device/>", "fwplan.config.template-root", "2 top-level elements"},
        {"<!-- nothing -->", "fwplan.config.template-xml", "line 1"},
        {"", "fwplan.config.template-xml", "line 1"},
        {"\xFF\xFE<\0d\0", "fwplan.config.template-encoding", "UTF-16"},
        {std::string("<device>\0</device>", 18), "fwplan.config.template-encoding", "NUL"},
        {"<device>" + std::string(kMaxTemplateBytes, ' ') + "</device>",
         "fwplan.config.template-too-large", "1 MiB"},
    };
    for (const Bad& b : bad) {
        CAPTURE(b.code);
        auto t = DeviceTemplate::from_string(b.text, "t.xml");
        REQUIRE_FALSE(t.ok());
        CHECK(t.error().code == b.code);
        CHECK(t.error().message.find(b.words) != std::string::npos);
        CHECK(t.error().file == "t.xml");
    }
    auto xml_default = DeviceTemplate::from_string("<Default/>");
    REQUIRE_FALSE(xml_default.ok());
    CHECK(xml_default.error().hint.find("XMLDefault") != std::string::npos);
}

TEST_CASE("a template file that cannot be read is an I/O error naming it") {
    const fs::path missing = fs::path(FWPLAN_TESTDATA_DIR) / "templates" / "no-such.cnf.xml";
    auto t = DeviceTemplate::from_file(missing);
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().kind == ErrorKind::Io);
    CHECK(t.error().code == "fwplan.config.template-read");
    CHECK(t.error().file == missing.string());
    auto folder = DeviceTemplate::from_file(fs::path(FWPLAN_TESTDATA_DIR) / "templates");
    REQUIRE_FALSE(folder.ok());
    CHECK(folder.error().code == "fwplan.config.template-read");
}

// ---------------------------------------------------------------------------------------
// The built-in template

TEST_CASE("the built-in SIP template filled from settings has what registration needs") {
    const SipSettings settings = fritzbox_settings();
    auto t = DeviceTemplate::builtin_sip(settings);
    REQUIRE(t.ok());
    CHECK(t->source_name() == "built-in SIP template");
    const std::string out = render(*t, "SIP41.9-4-2SR3-1S");

    pugi::xml_document doc;
    parse_into(doc, out, pugi::parse_default);
    auto text = [&](const char* xpath) {
        return std::string(doc.select_node(xpath).node().text().as_string());
    };
    CHECK(text("/device/deviceProtocol") == "SIP");
    const char* manager =
        "/device/devicePool/callManagerGroup/members/member[@priority='0']/callManager";
    CHECK(text((std::string(manager) + "/processNodeName").c_str()) == "192.168.178.1");
    CHECK(text((std::string(manager) + "/ports/sipPort").c_str()) == "5060");
    CHECK(text((std::string(manager) + "/ports/ethernetPhonePort").c_str()) == "2000");
    CHECK(text((std::string(manager) + "/ports/securedSipPort").c_str()) == "5061");
    CHECK(text("/device/devicePool/dateTimeSetting/timeZone") ==
          "W. Europe Standard/Daylight Time");
    CHECK(text("/device/devicePool/dateTimeSetting/dateTemplate") == "D.M.Y");
    CHECK(text("/device/devicePool/dateTimeSetting/ntps/ntp/name") == "fritz.box");
    CHECK(text("/device/sipProfile/sipProxies/registerWithProxy") == "true");
    CHECK(text("/device/sipProfile/dialTemplate") == "dialplan.xml");
    CHECK(text("/device/sipProfile/voipControlPort") == "5060");

    const char* line1 = "/device/sipProfile/sipLines/line[@button='1']";
    auto line = [&](const char* base, const char* leaf) {
        return text((std::string(base) + "/" + leaf).c_str());
    };
    CHECK(line(line1, "featureID") == "9");
    CHECK(line(line1, "proxy") == "USECALLMANAGER");
    CHECK(line(line1, "port") == "5060");
    CHECK(line(line1, "name") == "620");
    CHECK(line(line1, "authName") == "620");
    CHECK(line(line1, "authPassword") == "Xk7#pQ2m");
    CHECK(line(line1, "displayName") == "R&D <Lab>"); // escaped in the file, exact when read
    CHECK(line(line1, "messagesNumber") == "**600");
    const char* line2 = "/device/sipProfile/sipLines/line[@button='2']";
    CHECK(line(line2, "authName") == "621"); // empty auth name: the line name
    CHECK(line(line2, "displayName") == "621");
    const char* speed = "/device/sipProfile/sipLines/line[@button='3']";
    CHECK(line(speed, "featureID") == "2");
    CHECK(line(speed, "featureLabel") == "Reception");
    CHECK(line(speed, "speedDialNumber") == "**610");

    CHECK(text("/device/deviceSecurityMode") == "1");
    CHECK(text("/device/transportLayerProtocol") == "2");
    CHECK(text("/device/loadInformation") == "SIP41.9-4-2SR3-1S");
    CHECK(
        std::string(doc.select_node("/device/loadInformation").node().previous_sibling().name()) ==
        "commonProfile");
    CHECK(std::string(doc.select_node("/device/loadInformation").node().next_sibling().name()) ==
          "vendorConfig");
    CHECK(out.find("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<device>\n  <deviceProtocol>") ==
          0);

    // A built-in template a 7941 can register with raises no warning.
    CHECK(t->lint(&model("7941"), Protocol::Sip).empty());
    CHECK(t->lint(nullptr, Protocol::Sip).empty());
}

// Issue 13, point 6: phones skip a configuration whose <versionStamp> they have seen, so
// the stamp must change whenever the file does, and only then.
TEST_CASE("versionStamp changes with the file: the load, the protocol, the password") {
    SipSettings settings = fritzbox_settings();
    auto stamp = [](const SipSettings& s, const char* load) {
        return child_text(render(DeviceTemplate::builtin_sip(s).value(), load),
                          "/device/versionStamp");
    };
    const std::string first = stamp(settings, "SIP41.9-4-2SR3-1S");
    CHECK(first.size() == 16);
    CHECK(stamp(settings, "SIP41.9-4-2SR3-1S") == first); // same file, same stamp
    // Each step's file is another file: the bridge (SCCP) and the target (SIP).
    const std::string bridge = stamp(settings, "SCCP41.8-5-2S");
    CHECK(bridge != first);
    CHECK(stamp(settings, "SIP41.8-5-2S") != bridge); // same version, other protocol
    CHECK(stamp(settings, "SIP41.8-5-2S") != first);
    settings.lines[0].auth_password = "changed!"; // a new password is a new file too
    CHECK(stamp(settings, "SIP41.9-4-2SR3-1S") != first);
    settings.lines[0].display_name = "Office";
    CHECK(stamp(settings, "SIP41.9-4-2SR3-1S") != first);

    // A user's template with a stamp of its own gets the digest of each step's file.
    const DeviceTemplate user = tmpl("<device>\n  <loadInformation/>\n  "
                                     "<versionStamp>2024-05-01-620</versionStamp>\n</device>\n");
    const std::string a = child_text(render(user, "SCCP41.8-5-2S"), "/device/versionStamp");
    const std::string b = child_text(render(user, "SIP41.9-4-2SR3-1S"), "/device/versionStamp");
    CHECK(a.size() == 16);
    CHECK(a != "2024-05-01-620");
    CHECK(a != b);
    // Without a <versionStamp>, none is added.
    CHECK(render(tmpl("<device><loadInformation/></device>"), "SIP41.9-4-2SR3-1S")
              .find("versionStamp") == std::string::npos);
}

// Found by fuzz.device_config: the stamp was put in by replacing a placeholder in the
// written text, so an element of the user's own that read like the placeholder was
// overwritten as well, and the file no longer rendered to itself.
TEST_CASE("versionStamp: text of the template's own that reads like fwplan's placeholder") {
    const std::string own = "@@fwplan-version-stamp@@";
    const std::string own_variant = "@@fwplan-version-stamp-1@@";
    const DeviceTemplate user =
        tmpl("<device>\n  <loadInformation/>\n  <versionStamp>1</versionStamp>\n"
             "  <userLocale><name>" +
             own +
             "</name></userLocale>\n"
             "  <networkLocale>" +
             own_variant +
             "</networkLocale>\n"
             "</device>\n");
    const std::string out = render(user, "SIP41.9-4-2SR3-1S");
    CHECK(child_text(out, "/device/userLocale/name") == own);
    CHECK(child_text(out, "/device/networkLocale") == own_variant);
    const std::string stamp = child_text(out, "/device/versionStamp");
    CHECK(stamp.size() == 16);
    CHECK(stamp.find_first_not_of("0123456789abcdef") == std::string::npos);
    // The written file renders to itself, and another load still gets another stamp.
    CHECK(render(tmpl(out), "SIP41.9-4-2SR3-1S") == out);
    CHECK(child_text(render(user, "SCCP41.9-4-2SR1-1S"), "/device/versionStamp") != stamp);
}

TEST_CASE("the built-in template with an outbound proxy and without lines") {
    SipSettings settings;
    settings.server = "sip.example.net";
    settings.port = 5080;
    settings.outbound_proxy = "proxy.example.net";
    auto t = DeviceTemplate::builtin_sip(settings);
    REQUIRE(t.ok());
    const std::string out = render(*t, "SIP42.9-4-2SR3-1S");
    CHECK(child_text(out, "/device/sipProfile/sipProxies/outboundProxy") == "proxy.example.net");
    CHECK(child_text(out, "/device/sipProfile/sipProxies/outboundProxyPort") == "5080");
    CHECK(child_text(out, "//callManager/ports/sipPort") == "5080");
    CHECK(codes(t->lint(&model("7942"))) == std::set<std::string>{"fwplan.config.no-line"});
}

TEST_CASE("settings that would break a file are refused, passwords never shown") {
    struct Bad {
        SipSettings settings;
        const char* words;
    };
    std::vector<Bad> bad;
    auto with = [](auto change) {
        SipSettings s = fritzbox_settings();
        change(s);
        return s;
    };
    bad.push_back({with([](SipSettings& s) { s.server = "fritz box"; }), "SIP server 'fritz box'"});
    bad.push_back({with([](SipSettings& s) { s.server = "a\"b"; }), "is not a host name"});
    bad.push_back({with([](SipSettings& s) { s.ntp_server = "<x>"; }), "NTP server"});
    bad.push_back({with([](SipSettings& s) { s.port = 0; }), "SIP port 0"});
    bad.push_back(
        {with([](SipSettings& s) { s.outbound_proxy_port = 70000; }), "outbound proxy port 70000"});
    bad.push_back({with([](SipSettings& s) { s.lines[0].name = "62\n0"; }), "line 1 name"});
    bad.push_back(
        {with([](SipSettings& s) { s.lines[1].display_name = "\xC3("; }), "not valid UTF-8"});
    bad.push_back({with([](SipSettings& s) { s.lines[0].auth_password = "secret\x01pw"; }),
                   "line 1 password contains"});
    bad.push_back({with([](SipSettings& s) { s.speed_dials[0].number = std::string(600, '1'); }),
                   "longer than"});
    for (const Bad& b : bad) {
        CAPTURE(b.words);
        auto ok = validate(b.settings);
        REQUIRE_FALSE(ok.ok());
        CHECK(ok.error().code == "fwplan.config.bad-setting");
        CHECK(ok.error().message.find(b.words) != std::string::npos);
        CHECK(ok.error().message.find("secret") == std::string::npos);
        CHECK_FALSE(DeviceTemplate::builtin_sip(b.settings).ok());
    }
    CHECK(validate(fritzbox_settings()).ok());
    CHECK(validate(SipSettings{}).ok()); // empty is incomplete, not broken: the lints say so
}

TEST_CASE("the firmware-only skeleton installs the load and nothing else") {
    const DeviceTemplate t = DeviceTemplate::firmware_only();
    CHECK(render(t, "SIP41.9-4-2SR3-1S") ==
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<device>\n  "
          "<deviceProtocol>SIP</deviceProtocol>\n"
          "  <loadInformation>SIP41.9-4-2SR3-1S</loadInformation>\n</device>\n");
    CHECK(codes(t.lint(&model("7941"))) == std::set<std::string>{"fwplan.config.no-server",
                                                                 "fwplan.config.no-register",
                                                                 "fwplan.config.no-line"});
}

// ---------------------------------------------------------------------------------------
// Lints

TEST_CASE("each lint fires on its fault and is silent once it is fixed") {
    const ModelInfo& m7941 = model("7941");
    REQUIRE(tmpl(kGoodTemplate).lint(&m7941).empty());
    REQUIRE(tmpl(kGoodTemplate).lint(nullptr).empty());

    struct Case {
        const char* code;
        std::string from;
        std::string to;
    };
    const std::string line1 = "<line button=\"1\">";
    const Case cases[] = {
        {"duplicate-element", "<vendorConfig/>",
         "<vendorConfig/><loadInformation>X</loadInformation>"},
        {"load-information-position", "<loadInformation>SIP41.9-4-2SR3-1S</loadInformation>\n", ""},
        {"security-mode", "<deviceSecurityMode>1<", "<deviceSecurityMode>3<"},
        {"duplicate-button", "<line button=\"2\">", "<line button=\"1\">"},
        {"no-server", "<processNodeName>192.168.178.1</processNodeName>",
         "<processNodeName> </processNodeName>"},
        {"no-sip-port", "<sipPort>5060</sipPort>", ""},
        {"no-register", "<registerWithProxy>true<", "<registerWithProxy>false<"},
        {"no-line", "<featureID>9</featureID>", "<featureID>2</featureID>"},
        {"line-no-name", "<name>620</name>", "<name></name>"},
        {"line-proxy", "<proxy>USECALLMANAGER</proxy>", "<proxy>192.168.178.1</proxy>"},
        {"no-auth", "<authPassword>secret12</authPassword>", "<authPassword/>"},
        {"auth-name-differs", "<authName>620</authName>", "<authName>fritz620</authName>"},
        {"password-too-long", "<authPassword>secret12<", "<authPassword>secret123<"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.code);
        std::string text = kGoodTemplate;
        if (std::string(c.code) == "load-information-position") // move it before devicePool
            text = replace(replace(text, c.from, c.to), "<devicePool>",
                           "<loadInformation>SIP41.9-4-2SR3-1S</loadInformation><devicePool>");
        else
            text = replace(text, c.from, c.to);
        const std::vector<Diagnostic> warnings = tmpl(text).lint(&m7941);
        CHECK(codes(warnings) == std::set<std::string>{std::string("fwplan.config.") + c.code});
        for (const Diagnostic& w : warnings) {
            CHECK_FALSE(w.message.empty());
            CHECK(w.where.rfind("device", 0) == 0);
            CHECK(w.message.find("secret") == std::string::npos); // never a password
        }
    }
}

TEST_CASE("lints name the line they are about") {
    const std::string text =
        replace(kGoodTemplate, "<authName>620</authName>", "<authName>x</authName>");
    const auto warnings = tmpl(text).lint();
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].where == "device/sipProfile/sipLines/line[button=1]/authName");
    CHECK(warnings[0].message.find("FritzBox") != std::string::npos);
}

TEST_CASE("password limits follow the family") {
    CHECK(max_auth_password_length(model("7941")) == 8U);
    CHECK(max_auth_password_length(model("7961G-GE")) == 8U);
    CHECK(max_auth_password_length(model("7942")) == 12U);
    CHECK(max_auth_password_length(model("7962")) == 12U);
    CHECK_FALSE(max_auth_password_length(model("7945")).has_value());

    auto with_password = [](const std::string& pw) {
        return tmpl(replace(kGoodTemplate, "<authPassword>secret12<", "<authPassword>" + pw + "<"));
    };
    const std::string twelve = "abcdefghijkl";
    CHECK(codes(with_password(twelve).lint(&model("7942"))).empty());
    CHECK(codes(with_password(twelve + "m").lint(&model("7942"))) ==
          std::set<std::string>{"fwplan.config.password-too-long"});
    CHECK(codes(with_password(twelve).lint(&model("7941"))) ==
          std::set<std::string>{"fwplan.config.password-too-long"});
    CHECK(codes(with_password(twelve + twelve).lint(&model("7945"))).empty());
    CHECK(codes(with_password(twelve).lint(nullptr)) == // no model: the shortest reported limit
          std::set<std::string>{"fwplan.config.password-too-long"});
    // Characters, not bytes: eight umlauts are eight characters.
    CHECK(codes(with_password("\xC3\xA4\xC3\xA4\xC3\xA4\xC3\xA4\xC3\xA4\xC3\xA4\xC3\xA4\xC3\xA4")
                    .lint(&model("7941")))
              .empty());
    const auto long_pw = with_password(twelve).lint(&model("7941"));
    REQUIRE(long_pw.size() == 1);
    CHECK(long_pw[0].message.find("12 characters") != std::string::npos);
    CHECK(long_pw[0].message.find("at most 8") != std::string::npos);
    CHECK(long_pw[0].message.find(twelve) == std::string::npos);
}

TEST_CASE("registration lints are skipped where the file does not register") {
    const DeviceTemplate t =
        tmpl(replace(kGoodTemplate, "<registerWithProxy>true<", "<registerWithProxy>false<"));
    CHECK(codes(t.lint(&model("7941"), Protocol::Sip)) ==
          std::set<std::string>{"fwplan.config.no-register"});
    CHECK(t.lint(&model("7941"), Protocol::Sccp).empty());
    CHECK(t.lint(&model("7960"), Protocol::Sip).empty()); // 7960 SIP registers via SIP<MAC>.cnf
    // Structural lints hold for every protocol.
    const DeviceTemplate secure =
        tmpl(replace(kGoodTemplate, "<deviceSecurityMode>1<", "<deviceSecurityMode>2<"));
    CHECK(codes(secure.lint(&model("7960"), Protocol::Sccp)) ==
          std::set<std::string>{"fwplan.config.security-mode"});
}

TEST_CASE("the FritzBox sample has no warnings, the minimal one says it cannot register") {
    auto fritz = DeviceTemplate::from_file(template_path("7941-sip-fritzbox.cnf.xml"));
    REQUIRE(fritz.ok());
    CHECK(fritz->lint(&model("7941")).empty());
    auto minimal = DeviceTemplate::from_file(template_path("7941-minimal.cnf.xml"));
    REQUIRE(minimal.ok());
    CHECK(codes(minimal->lint(&model("7941"))) == std::set<std::string>{"fwplan.config.no-server",
                                                                        "fwplan.config.no-register",
                                                                        "fwplan.config.no-line"});
}

// ---------------------------------------------------------------------------------------
// XMLDefault.cnf.xml

TEST_CASE("XMLDefault names each model's load under its number, in registry order") {
    SipSettings server;
    server.server = "192.168.178.1";
    const std::vector<XmlDefaultEntry> entries = {
        {&model("7960"), load("P0S3-8-12-00")},
        {&model("7961"), load("SIP41.9-4-2SR3-1S")},
        {&model("7941"), load("SIP41.9-4-2SR3-1S")},
        {&model("7941"), load("SIP41.9-4-2SR3-1S")}, // the same twice counts once
    };
    auto files = make_xml_default(entries, server);
    REQUIRE(files.ok());
    REQUIRE(files->files.size() == 1);
    const GeneratedFile& file = files->files[0];
    CHECK(file.name == "XMLDefault.cnf.xml");
    CHECK(file.shared);
    CHECK(files->warnings.empty());
    CHECK(file.content ==
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<Default>\n"
          "  <callManagerGroup>\n"
          "    <members>\n"
          "      <member priority=\"0\">\n"
          "        <callManager>\n"
          "          <ports>\n"
          "            <ethernetPhonePort>2000</ethernetPhonePort>\n"
          "            <sipPort>5060</sipPort>\n"
          "            <securedSipPort>5061</securedSipPort>\n"
          "          </ports>\n"
          "          <processNodeName>192.168.178.1</processNodeName>\n"
          "        </callManager>\n"
          "      </member>\n"
          "    </members>\n"
          "  </callManagerGroup>\n"
          "  <loadInformation115 model=\"Cisco IP Phone "
          "7941G\">SIP41.9-4-2SR3-1S</loadInformation115>\n"
          "  <loadInformation30018 model=\"Cisco IP Phone "
          "7961G\">SIP41.9-4-2SR3-1S</loadInformation30018>\n"
          "  <loadInformation7 model=\"Cisco IP Phone 7960G\">P0S3-8-12-00</loadInformation7>\n"
          "</Default>\n");

    // Any input order gives the same bytes.
    std::vector<XmlDefaultEntry> reversed(entries.rbegin(), entries.rend());
    CHECK(make_xml_default(reversed, server)->files[0].content == file.content);
}

TEST_CASE("XMLDefault skips models without a number and refuses contradictions") {
    SipSettings server;
    server.server = "pbx";
    auto skipped = make_xml_default({{&model("8851NR"), load("sip88xx.14-2-1-0101-26")}}, server);
    REQUIRE(skipped.ok());
    CHECK(codes(skipped->warnings) == std::set<std::string>{"fwplan.config.xml-default-no-number",
                                                            "fwplan.config.xml-default-empty"});
    CHECK(skipped->files[0].content.find("loadInformation") == std::string::npos);

    auto twice = make_xml_default(
        {{&model("7941"), load("SIP41.9-4-2SR3-1S")}, {&model("7941"), load("SIP41.8-5-4S")}},
        server);
    REQUIRE_FALSE(twice.ok());
    CHECK(twice.error().code == "fwplan.config.xml-default-duplicate");
    auto wrong = make_xml_default({{&model("7942"), load("SIP41.9-4-2SR3-1S")}}, server);
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.error().code == "fwplan.config.load-model-mismatch");
    CHECK(wrong.error().message.find("7942") != std::string::npos);
    auto null_model = make_xml_default({{nullptr, load("SIP41.9-4-2SR3-1S")}}, server);
    REQUIRE_FALSE(null_model.ok());
    CHECK(null_model.error().kind == ErrorKind::Usage);
}

// ---------------------------------------------------------------------------------------
// Step files

TEST_CASE("a 7941 step is one SEP file with the template's lints") {
    auto t = DeviceTemplate::from_file(template_path("7941-sip-fritzbox.cnf.xml"));
    REQUIRE(t.ok());
    auto step = make_step_files(model("7941"), mac("00:80:41:ae:fd:7e"), load("SIP41.8-5-4S"),
                                Protocol::Sip, *t, SipSettings{});
    REQUIRE(step.ok());
    // The template names dialplan.xml, so the step has one (issue 13, point 1).
    REQUIRE(step->files.size() == 2);
    CHECK(step->files[0].name == "SEP008041AEFD7E.cnf.xml");
    CHECK_FALSE(step->files[0].shared);
    CHECK(child_text(step->files[0].content, "/device/loadInformation") == "SIP41.8-5-4S");
    CHECK(step->files[1].name == "dialplan.xml");
    CHECK(step->files[1].shared);
    CHECK(step->files[1].content == empty_dial_plan());
    CHECK(step->warnings.empty());

    // The firmware-only skeleton names no dial plan: none is written.
    auto skeleton = make_step_files(model("7961"), mac("00:80:41:ae:fd:7e"), load("SIP41.8-5-4S"),
                                    Protocol::Sip, DeviceTemplate::firmware_only(), SipSettings{});
    REQUIRE(skeleton.ok());
    REQUIRE(skeleton->files.size() == 1);
    REQUIRE_FALSE(skeleton->warnings.empty());
    CHECK(skeleton->warnings[0].where.rfind("SEP008041AEFD7E.cnf.xml: device", 0) == 0);

    // Asked not to, or asked for the user's own plan under the name the template gives.
    auto none = make_step_files(model("7941"), mac("00:80:41:ae:fd:7e"), load("SIP41.8-5-4S"),
                                Protocol::Sip, *t, SipSettings{},
                                {.dial_plan = false, .dial_plan_xml = {}});
    REQUIRE(none.ok());
    CHECK(none->files.size() == 1);
    const std::string own =
        "<DIALTEMPLATE>\n  <TEMPLATE MATCH=\"*\" Timeout=\"5\"/>\n</DIALTEMPLATE>\n";
    const DeviceTemplate custom = tmpl("<device><sipProfile><dialTemplate> plan-de.xml "
                                       "</dialTemplate></sipProfile><loadInformation/></device>");
    CHECK(custom.dial_template() == "plan-de.xml");
    auto mine = make_step_files(model("7941"), mac("00:80:41:ae:fd:7e"), load("SIP41.8-5-4S"),
                                Protocol::Sip, custom, SipSettings{},
                                {.dial_plan = true, .dial_plan_xml = own});
    REQUIRE(mine.ok());
    REQUIRE(file_named(*mine, "plan-de.xml") != nullptr);
    CHECK(file_named(*mine, "plan-de.xml")->content == own);
    CHECK(file_named(*mine, "dialplan.xml") == nullptr);
    // A name with a folder in it cannot be written next to the config: nothing is.
    const DeviceTemplate nested = tmpl("<device><sipProfile><dialTemplate>plans/x.xml"
                                       "</dialTemplate></sipProfile><loadInformation/></device>");
    auto skipped = make_step_files(model("7941"), mac("00:80:41:ae:fd:7e"), load("SIP41.8-5-4S"),
                                   Protocol::Sip, nested, SipSettings{});
    REQUIRE(skipped.ok());
    CHECK(skipped->files.size() == 1);
}

TEST_CASE("a step refuses a load of another family or a protocol the family lacks") {
    const DeviceTemplate t = DeviceTemplate::firmware_only();
    auto other = make_step_files(model("7942"), mac("008041AEFD7E"), load("SIP41.9-4-2SR3-1S"),
                                 Protocol::Sip, t, SipSettings{});
    REQUIRE_FALSE(other.ok());
    CHECK(other.error().code == "fwplan.config.load-model-mismatch");
    auto mismatch = make_step_files(model("7941"), mac("008041AEFD7E"), load("SIP41.9-4-2SR3-1S"),
                                    Protocol::Sccp, t, SipSettings{});
    REQUIRE_FALSE(mismatch.ok());
    CHECK(mismatch.error().code == "fwplan.config.protocol-mismatch");
    CHECK(mismatch.error().file == "built-in firmware-only template");
}

TEST_CASE(
    "7940/7960 SIP step: SEP, SIPDefault and SIP<MAC> name the same load, OS79XX.TXT the loader") {
    auto t = DeviceTemplate::from_file(template_path("7960-sccp.cnf.xml"));
    REQUIRE(t.ok());
    const SipSettings settings = fritzbox_settings();
    auto step = make_step_files(model("7960"), mac("00:80:41:ae:fd:7e"), load("P0S3-8-12-00"),
                                Protocol::Sip, *t, settings);
    REQUIRE(step.ok());
    std::vector<std::string> names;
    for (const GeneratedFile& f : step->files)
        names.push_back(f.name);
    // dialplan.xml: SIPDefault.cnf names it (dial_template: dialplan).
    CHECK(names == std::vector<std::string>{"SEP008041AEFD7E.cnf.xml", "SIPDefault.cnf",
                                            "SIP008041AEFD7E.cnf", "OS79XX.TXT", "dialplan.xml"});

    const std::string sep_load = child_text(file_named(*step, "SEP008041AEFD7E.cnf.xml")->content,
                                            "/device/loadInformation");
    const auto defaults = cnf_values(file_named(*step, "SIPDefault.cnf")->content);
    const auto phone = cnf_values(file_named(*step, "SIP008041AEFD7E.cnf")->content);
    CHECK(sep_load == "P0S3-8-12-00");
    CHECK(defaults.at("image_version") == sep_load);
    CHECK(phone.at("image_version") == sep_load);
    CHECK(file_named(*step, "OS79XX.TXT")->content == "P003-8-12-00\r\n");
    CHECK(file_named(*step, "SIPDefault.cnf")->shared);
    CHECK(file_named(*step, "OS79XX.TXT")->shared);
    CHECK_FALSE(file_named(*step, "SIP008041AEFD7E.cnf")->shared);
    CHECK(file_named(*step, "SEP008041AEFD7E.cnf.xml")->content.find("model=\"IP Phone 7960\"") !=
          std::string::npos);

    // SIPDefault.cnf carries the server; SIP<MAC>.cnf the lines.
    CHECK(defaults.at("proxy1_address") == "192.168.178.1");
    CHECK(defaults.at("proxy1_port") == "5060");
    CHECK(defaults.at("sntp_server") == "fritz.box");
    CHECK(defaults.at("sntp_mode") == "unicast");
    CHECK(defaults.at("time_zone") == "CET");
    CHECK(defaults.at("dial_template") == "dialplan");
    CHECK(phone.at("proxy_register") == "1");
    CHECK(phone.at("line1_name") == "620");
    CHECK(phone.at("line1_authname") == "620");
    CHECK(phone.at("line1_password") == "Xk7#pQ2m");
    CHECK(phone.at("line1_displayname") == "R&D <Lab>");
    CHECK(phone.at("line1_shortname") == "R&D <Lab>");
    CHECK(phone.at("line2_name") == "621");
    CHECK(phone.at("line2_authname") == "621");
    CHECK(phone.at("line2_password") == "other pw");
    CHECK(phone.at("proxy2_address") == "192.168.178.1");
    CHECK(phone.at("messages_uri") == "**600");
    // A '#' would start a comment and a space end the value: such values are quoted.
    CHECK(
        file_named(*step, "SIP008041AEFD7E.cnf")->content.find("line1_password: \"Xk7#pQ2m\"\n") !=
        std::string::npos);
    CHECK(file_named(*step, "SIP008041AEFD7E.cnf")->content.find("line1_name: 620\n") !=
          std::string::npos);

    // Only the speed dial is worth a warning here (the SEP file's registration is not used).
    CHECK(codes(step->warnings) == std::set<std::string>{"fwplan.config.speed-dials-ignored"});
    CHECK(step->warnings[0].where == "SIP008041AEFD7E.cnf");

    // Byte-identical on repeat.
    auto again = make_step_files(model("7960"), mac("SEP008041AEFD7E"), load("P0S3-8-12-00"),
                                 Protocol::Sip, *t, settings);
    REQUIRE(again.ok());
    REQUIRE(again->files.size() == step->files.size());
    for (std::size_t i = 0; i < step->files.size(); ++i)
        CHECK(again->files[i].content == step->files[i].content);
}

TEST_CASE("7940/7960 SCCP step: the SIP files name the SCCP load too, and no OS79XX.TXT") {
    const DeviceTemplate t = DeviceTemplate::from_file(template_path("7960-sccp.cnf.xml")).value();
    auto step = make_step_files(model("7940"), mac("00:80:41:ae:fd:7e"), load("P0030801SR02"),
                                Protocol::Sccp, t, SipSettings{});
    REQUIRE(step.ok());
    CHECK(file_named(*step, "OS79XX.TXT") == nullptr);
    const std::string sep = file_named(*step, "SEP008041AEFD7E.cnf.xml")->content;
    CHECK(child_text(sep, "/device/loadInformation") == "P0030801SR02");
    pugi::xml_document sep_doc;
    parse_into(sep_doc, sep);
    CHECK_FALSE(sep_doc.select_node("/device/deviceProtocol")); // none created for SCCP
    CHECK(cnf_values(file_named(*step, "SIPDefault.cnf")->content).at("image_version") ==
          "P0030801SR02");
    CHECK(cnf_values(file_named(*step, "SIP008041AEFD7E.cnf")->content).at("image_version") ==
          "P0030801SR02");
    CHECK(step->warnings.empty()); // an SCCP step needs no SIP settings
}

TEST_CASE("7940 SIP settings: too many lines, no server, quotes") {
    const DeviceTemplate t = DeviceTemplate::firmware_only();
    SipSettings settings = fritzbox_settings();
    settings.server.clear();
    settings.speed_dials.clear();
    settings.lines.push_back({"622", "622x", "pw", "", ""});
    auto step = make_step_files(model("7940"), mac("00:80:41:ae:fd:7e"), load("P0S3-8-12-00"),
                                Protocol::Sip, t, settings);
    REQUIRE(step.ok());
    CHECK(codes(step->warnings) ==
          std::set<std::string>{"fwplan.config.no-server", "fwplan.config.too-many-lines"});
    const auto phone = cnf_values(file_named(*step, "SIP008041AEFD7E.cnf")->content);
    CHECK(phone.count("line2_name") == 1);
    CHECK(phone.count("line3_name") == 0); // a 7940 has two line buttons
    CHECK(cnf_values(file_named(*step, "SIPDefault.cnf")->content).count("proxy1_address") == 0);

    settings.lines[0].display_name = "say \"hi\"";
    auto quoted = make_step_files(model("7940"), mac("00:80:41:ae:fd:7e"), load("P0S3-8-12-00"),
                                  Protocol::Sip, t, settings);
    REQUIRE_FALSE(quoted.ok());
    CHECK(quoted.error().code == "fwplan.config.bad-setting");
    settings.lines[0].display_name.clear();
    settings.lines[0].auth_password = "pw\"x";
    auto quoted_pw = make_step_files(model("7940"), mac("00:80:41:ae:fd:7e"), load("P0S3-8-12-00"),
                                     Protocol::Sip, t, settings);
    REQUIRE_FALSE(quoted_pw.ok());
    CHECK(quoted_pw.error().message.find("pw\"x") == std::string::npos);
}

TEST_CASE("the empty dial plan is a DIALTEMPLATE without rules") {
    pugi::xml_document doc;
    parse_into(doc, empty_dial_plan(), pugi::parse_default);
    CHECK(std::string(doc.document_element().name()) == "DIALTEMPLATE");
    CHECK_FALSE(doc.document_element().first_child());
}

// ---------------------------------------------------------------------------------------
// Passwords

TEST_CASE("a password file gives its first line without the line break") {
    const fs::path dir = fs::path(FWPLAN_TEST_TMPDIR) / "passwords";
    fs::create_directories(dir);
    struct Sample {
        const char* name;
        std::string content;
        std::string password;
    };
    for (const Sample& s :
         {Sample{"lf", "Xk7#pQ2m\n", "Xk7#pQ2m"}, Sample{"crlf", "Xk7#pQ2m\r\n", "Xk7#pQ2m"},
          Sample{"none", "Xk7#pQ2m", "Xk7#pQ2m"},
          Sample{"more", "first pw\nsecond line\n", "first pw"}}) {
        CAPTURE(s.name);
        std::ofstream(dir / s.name, std::ios::binary) << s.content;
        auto pw = read_password_file(dir / s.name);
        REQUIRE(pw.ok());
        CHECK(*pw == s.password);
    }
    std::ofstream(dir / "empty", std::ios::binary) << "\n";
    auto empty = read_password_file(dir / "empty");
    REQUIRE_FALSE(empty.ok());
    CHECK(empty.error().code == "fwplan.password.empty");
    CHECK(empty.error().file == (dir / "empty").string());
    std::ofstream(dir / "tab", std::ios::binary) << "Xk7\tpQ2m\n";
    auto tab = read_password_file(dir / "tab");
    REQUIRE_FALSE(tab.ok());
    CHECK(tab.error().code == "fwplan.password.bad");
    CHECK(tab.error().message.find("Xk7") == std::string::npos);
    auto missing = read_password_file(dir / "missing");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().kind == ErrorKind::Io);
    CHECK(missing.error().code == "fwplan.password.read");
    auto folder = read_password_file(dir);
    REQUIRE_FALSE(folder.ok());
    CHECK(folder.error().code == "fwplan.password.read");
    std::ofstream(dir / "huge", std::ios::binary) << std::string(10000, 'x');
    CHECK(read_password_file(dir / "huge").error().code == "fwplan.password.bad");
}

TEST_CASE("a password from the environment") {
    REQUIRE(::setenv("FWPLAN_TEST_PW", "Xk7#pQ2m", 1) == 0);
    auto pw = read_password_env("FWPLAN_TEST_PW");
    REQUIRE(pw.ok());
    CHECK(*pw == "Xk7#pQ2m");
    REQUIRE(::setenv("FWPLAN_TEST_PW", "", 1) == 0);
    CHECK(read_password_env("FWPLAN_TEST_PW").error().code == "fwplan.password.empty");
    REQUIRE(::unsetenv("FWPLAN_TEST_PW") == 0);
    auto unset = read_password_env("FWPLAN_TEST_PW");
    REQUIRE_FALSE(unset.ok());
    CHECK(unset.error().code == "fwplan.password.unset");
    CHECK(unset.error().message.find("FWPLAN_TEST_PW") != std::string::npos);
    CHECK(read_password_env("").error().code == "fwplan.password.unset");
}
