#include "detail/posix.hpp"
#include "detail/text.hpp"

#include <fwplan/catalog.hpp>
#include <fwplan/models.hpp>

#include <pugixml.hpp>

#include <algorithm>
#include <cctype>
#include <fcntl.h>
#include <map>
#include <set>

namespace fwplan {

namespace detail {
extern const std::string_view knowledge_xml; // lib/plan/knowledge.xml, embedded at build time
}

namespace {

// A catalog file is hand-written XML of a few hundred KiB at most (the built-in one is about
// 60 KiB); anything far larger is not a catalog.
constexpr std::size_t kMaxCatalogBytes = 16U << 20U;

std::vector<std::string> words(std::string_view text) {
    std::vector<std::string> out;
    std::istringstream in{std::string(text)};
    for (std::string word; in >> word;)
        out.push_back(word);
    return out;
}

// Reads one catalog document. Every problem is reported with the document's name and
// the line, so a user catalog with a typo says where the typo is.
class Reader {
public:
    Reader(std::string_view xml, std::string_view origin) : xml_(xml), origin_(origin) {}

    Result<void> read(std::vector<KnownLoad>& loads, std::vector<Rule>& rules,
                      std::vector<KnownPackage>& packages);

private:
    Error fail(const pugi::xml_node& node, std::string message) const {
        Error error = bad_input("catalog.invalid", std::move(message));
        error.file = std::string(origin_);
        if (node)
            error.message = "line " + std::to_string(line_of(node)) + ": " + error.message;
        return error;
    }
    std::size_t line_of(const pugi::xml_node& node) const {
        const auto offset = static_cast<std::size_t>(node.offset_debug());
        return 1 + static_cast<std::size_t>(std::count(
                       xml_.begin(),
                       xml_.begin() + static_cast<std::ptrdiff_t>(std::min(offset, xml_.size())),
                       '\n'));
    }

    Result<void> read_group(const pugi::xml_node& node);
    Result<void> read_family(const pugi::xml_node& node, std::vector<KnownLoad>& loads);
    Result<KnownPackage> read_package(const pugi::xml_node& node);
    Result<Rule> read_rule(const pugi::xml_node& node);
    Result<RuleEffect> read_effect(const pugi::xml_node& node, const Rule& rule);
    Result<std::vector<std::string>> expand_families(const pugi::xml_node& node,
                                                     std::string_view list);
    Result<std::optional<Version>> version_attr(const pugi::xml_node& node, const char* name);
    Result<std::optional<Protocol>> protocol_attr(const pugi::xml_node& node, const char* name);
    Result<std::optional<bool>> yes_no_attr(const pugi::xml_node& node, const char* name);

    std::string_view xml_;
    std::string_view origin_;
    std::map<std::string, std::vector<std::string>> groups_;
};

Result<void> Reader::read_group(const pugi::xml_node& node) {
    const std::string id = node.attribute("id").value();
    if (id.empty())
        return fail(node, "a <group> needs an id");
    std::vector<std::string> families = words(node.attribute("families").value());
    for (const std::string& f : families)
        if (find_family(f) == nullptr)
            return fail(node, "group " + id + " names unknown family '" + f + "'");
    groups_[id] = std::move(families);
    return {};
}

Result<std::vector<std::string>> Reader::expand_families(const pugi::xml_node& node,
                                                         std::string_view list) {
    std::vector<std::string> out;
    for (const std::string& word : words(list)) {
        if (auto group = groups_.find(word); group != groups_.end())
            out.insert(out.end(), group->second.begin(), group->second.end());
        else if (find_family(word) != nullptr)
            out.push_back(word);
        else
            return fail(node,
                        "applies-to names '" + word + "', which is neither a group nor a family");
    }
    if (out.empty())
        return fail(node, "a rule needs applies-to (families or groups)");
    return out;
}

Result<void> Reader::read_family(const pugi::xml_node& node, std::vector<KnownLoad>& loads) {
    const std::string family = node.attribute("id").value();
    if (find_family(family) == nullptr)
        return fail(node, "unknown family '" + family + "'");
    for (const pugi::xml_node& child : node.children()) {
        if (child.type() != pugi::node_element)
            continue;
        if (std::string_view(child.name()) != "load")
            return fail(child, "unexpected <" + std::string(child.name()) + "> in a <family>");
        for (const pugi::xml_attribute& attr : child.attributes()) {
            static const std::set<std::string_view> known = {
                "id", "build", "package", "package-evidence", "final", "confidence", "evidence"};
            if (!known.contains(attr.name()))
                return fail(child,
                            "unknown attribute '" + std::string(attr.name()) + "' on <load>");
        }
        auto id = LoadId::parse(child.attribute("id").value());
        if (!id)
            return fail(child, id.error().message);
        if (id->family() != family)
            return fail(child, "load " + id->str() + " belongs to family " + id->family() +
                                   ", not " + family);
        KnownLoad load;
        load.id = *id;
        load.build = child.attribute("build").value();
        load.package = child.attribute("package").value();
        load.package_evidence = child.attribute("package-evidence").value();
        if (!load.package_evidence.empty() && load.package.empty())
            return fail(child, "load " + id->str() + " has package-evidence but no package");
        load.final = child.attribute("final").as_bool(false);
        load.evidence = child.attribute("evidence").value();
        if (auto c = parse_confidence(child.attribute("confidence").as_string("INFERRED")); c)
            load.confidence = *c;
        else
            return fail(child, c.error().message);
        loads.push_back(std::move(load));
    }
    return {};
}

// <package name="..." size="..." sha1="..." sha256="..." md5="..." load="..." evidence="..."/>
// A genuine package of a public list; digests are hex of the right length, stored lower-case.
Result<KnownPackage> Reader::read_package(const pugi::xml_node& node) {
    static const std::set<std::string_view> known = {"name", "size", "sha1",    "sha256",
                                                     "md5",  "load", "evidence"};
    for (const pugi::xml_attribute& attr : node.attributes())
        if (!known.contains(attr.name()))
            return fail(node, "unknown attribute '" + std::string(attr.name()) + "' on <package>");
    KnownPackage package;
    package.name = node.attribute("name").value();
    if (package.name.empty() || package.name.find('/') != std::string::npos ||
        package.name.find('\\') != std::string::npos)
        return fail(node, "a <package> needs a file name (no folders) in name");
    if (const pugi::xml_attribute size = node.attribute("size")) {
        const std::string text = size.value();
        if (text.empty() || text.size() > 15 ||
            !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return fail(node, "package " + package.name +
                                  ": size must be a number of bytes, not '" + text + "'");
        package.size = std::stoull(text);
    }
    struct Digest {
        const char* attribute;
        std::size_t hex_digits;
        std::string* target;
    };
    for (const Digest& d :
         {Digest{"sha1", 40, &package.sha1}, Digest{"sha256", 64, &package.sha256},
          Digest{"md5", 32, &package.md5}}) {
        const std::string text = detail::ascii_lower(node.attribute(d.attribute).value());
        if (text.empty())
            continue;
        if (text.size() != d.hex_digits || !std::all_of(text.begin(), text.end(), [](char c) {
                return std::isxdigit(static_cast<unsigned char>(c)) != 0;
            }))
            return fail(node, "package " + package.name + ": " + d.attribute + " must be " +
                                  std::to_string(d.hex_digits) + " hex digits, not '" + text + "'");
        *d.target = text;
    }
    if (const char* load = node.attribute("load").value(); *load != '\0') {
        auto id = LoadId::parse(load);
        if (!id)
            return fail(node, "package " + package.name + ": " + id.error().message);
        package.load = id->str();
    }
    package.evidence = node.attribute("evidence").value();
    if (package.evidence.empty())
        return fail(node, "package " + package.name + " needs evidence (the public list it is in)");
    return package;
}

Result<std::optional<Version>> Reader::version_attr(const pugi::xml_node& node, const char* name) {
    const pugi::xml_attribute attr = node.attribute(name);
    if (!attr)
        return std::optional<Version>();
    auto version = Version::parse(attr.value());
    if (!version)
        return fail(node, std::string(name) + ": " + version.error().message);
    return std::optional<Version>(*version);
}

Result<std::optional<Protocol>> Reader::protocol_attr(const pugi::xml_node& node,
                                                      const char* name) {
    const pugi::xml_attribute attr = node.attribute(name);
    if (!attr)
        return std::optional<Protocol>();
    auto protocol = parse_protocol(attr.value());
    if (!protocol)
        return fail(node, std::string(name) + ": " + protocol.error().message);
    return std::optional<Protocol>(*protocol);
}

Result<std::optional<bool>> Reader::yes_no_attr(const pugi::xml_node& node, const char* name) {
    const pugi::xml_attribute attr = node.attribute(name);
    if (!attr)
        return std::optional<bool>();
    const std::string value = attr.value();
    if (value == "yes")
        return std::optional<bool>(true);
    if (value == "no")
        return std::optional<bool>(false);
    return fail(node, std::string(name) + " must be yes or no, not '" + value + "'");
}

Result<RuleEffect> Reader::read_effect(const pugi::xml_node& node, const Rule& rule) {
    static const std::map<std::string_view, EffectKind> kinds = {
        {"forbid", EffectKind::Forbid}, {"prefer", EffectKind::Prefer},
        {"allow", EffectKind::Allow},   {"caution", EffectKind::Caution},
        {"floor", EffectKind::Floor},   {"fallback", EffectKind::Fallback},
    };
    static const std::set<std::string_view> attributes = {
        "from-min",      "from-max",    "from-below",      "to-min",    "to-max",    "to-below",
        "from-protocol", "to-protocol", "protocol-change", "downgrade", "from-line", "to-line",
        "models",        "hw-min",      "version",         "protocol",  "on",        "confidence",
        "overrules",
    };
    const auto kind = kinds.find(node.name());
    if (kind == kinds.end())
        return fail(node,
                    "rule " + rule.id + ": unknown element <" + std::string(node.name()) + ">");
    for (const pugi::xml_attribute& attr : node.attributes())
        if (!attributes.contains(attr.name()))
            return fail(node, "rule " + rule.id + ": unknown attribute '" +
                                  std::string(attr.name()) + "' on <" + node.name() + ">");

    RuleEffect effect;
    effect.kind = kind->second;
    StepCondition& when = effect.when;
    struct VersionField {
        const char* name;
        std::optional<Version>* target;
    };
    for (VersionField field :
         {VersionField{"from-min", &when.from_min}, VersionField{"from-max", &when.from_max},
          VersionField{"from-below", &when.from_below}, VersionField{"to-min", &when.to_min},
          VersionField{"to-max", &when.to_max}, VersionField{"to-below", &when.to_below},
          VersionField{"version", &effect.version}}) {
        auto value = version_attr(node, field.name);
        if (!value)
            return value.error();
        *field.target = *value;
    }
    auto from_protocol = protocol_attr(node, "from-protocol");
    auto to_protocol = protocol_attr(node, "to-protocol");
    auto change = yes_no_attr(node, "protocol-change");
    auto downgrade = yes_no_attr(node, "downgrade");
    for (const Result<void>& r :
         {from_protocol ? Result<void>() : Result<void>(from_protocol.error()),
          to_protocol ? Result<void>() : Result<void>(to_protocol.error()),
          change ? Result<void>() : Result<void>(change.error()),
          downgrade ? Result<void>() : Result<void>(downgrade.error())})
        if (!r)
            return r.error();
    when.from_protocol = *from_protocol;
    when.to_protocol = *to_protocol;
    when.protocol_change = *change;
    when.downgrade = *downgrade;
    when.from_line = node.attribute("from-line").value();
    when.to_line = node.attribute("to-line").value();
    for (const std::string* line : {&when.from_line, &when.to_line})
        if (!line->empty() && *line != "MPP" && *line != "enterprise")
            return fail(node,
                        "rule " + rule.id + ": a line is MPP or enterprise, not '" + *line + "'");
    for (const std::string& word : words(node.attribute("models").value())) {
        auto model = find_model(word);
        if (!model)
            return fail(node, "rule " + rule.id + ": " + model.error().message);
        when.models.emplace_back((*model)->number);
    }
    if (const pugi::xml_attribute hw = node.attribute("hw-min")) {
        auto revision = HardwareRevision::parse(hw.value());
        if (!revision)
            return fail(node, "rule " + rule.id + ": " + revision.error().message);
        when.hw_min = *revision;
    }
    if (const pugi::xml_attribute p = node.attribute("protocol")) {
        if (std::string_view(p.value()) == "target") {
            effect.protocol_of_target = true;
        } else {
            auto protocol = parse_protocol(p.value());
            if (!protocol)
                return fail(node, "rule " + rule.id + ": " + protocol.error().message);
            effect.protocol = *protocol;
        }
    }
    if (const pugi::xml_attribute c = node.attribute("confidence")) {
        auto confidence = parse_confidence(c.value());
        if (!confidence)
            return fail(node, "rule " + rule.id + ": " + confidence.error().message);
        effect.confidence = *confidence;
    }
    effect.on = node.attribute("on").value();
    effect.text = node.text().get();
    for (std::string_view ids = node.attribute("overrules").value(); !ids.empty();) {
        const std::size_t space = ids.find(' ');
        if (space != 0)
            effect.overrules.emplace_back(ids.substr(0, space));
        ids = space == std::string_view::npos ? std::string_view() : ids.substr(space + 1);
    }
    if (!effect.overrules.empty() && effect.kind != EffectKind::Allow)
        return fail(node, "rule " + rule.id + ": only <allow> can overrule other rules");
    if ((effect.kind == EffectKind::Prefer || effect.kind == EffectKind::Floor ||
         effect.kind == EffectKind::Fallback) &&
        !effect.version)
        return fail(node,
                    "rule " + rule.id + ": <" + std::string(node.name()) + "> needs a version");
    if ((effect.kind == EffectKind::Caution || effect.kind == EffectKind::Fallback) &&
        effect.text.empty())
        return fail(node, "rule " + rule.id + ": <" + std::string(node.name()) +
                              "> needs a text saying what to do");
    return effect;
}

Result<Rule> Reader::read_rule(const pugi::xml_node& node) {
    Rule rule;
    rule.id = node.attribute("id").value();
    if (rule.id.empty())
        return fail(node, "a <rule> needs an id");
    rule.title = node.attribute("title").value();
    if (rule.title.empty())
        return fail(node, "rule " + rule.id + " needs a title");
    auto families = expand_families(node, node.attribute("applies-to").value());
    if (!families)
        return families.error();
    rule.families = std::move(*families);
    auto confidence = parse_confidence(node.attribute("confidence").value());
    if (!confidence)
        return fail(node, "rule " + rule.id + ": " + confidence.error().message);
    rule.confidence = *confidence;
    for (const pugi::xml_node& child : node.children()) {
        if (child.type() != pugi::node_element)
            continue;
        const std::string_view name = child.name();
        if (name == "source") {
            std::string source = child.attribute("url").value();
            if (source.empty())
                return fail(child, "rule " + rule.id + ": <source> needs a url");
            if (const char* title = child.attribute("title").value(); *title != '\0')
                source += std::string(" (") + title + ")";
            rule.sources.push_back(std::move(source));
        } else if (name == "text") {
            rule.text = child.text().get();
        } else {
            auto effect = read_effect(child, rule);
            if (!effect)
                return effect.error();
            rule.effects.push_back(std::move(*effect));
        }
    }
    if (rule.text.empty())
        return fail(node, "rule " + rule.id + " needs a <text>");
    return rule;
}

Result<void> Reader::read(std::vector<KnownLoad>& loads, std::vector<Rule>& rules,
                          std::vector<KnownPackage>& packages) {
    pugi::xml_document doc;
    const pugi::xml_parse_result parsed = doc.load_buffer(xml_.data(), xml_.size());
    if (!parsed) {
        Error error = bad_input("catalog.not-xml",
                                std::string("not well-formed XML: ") + parsed.description());
        error.file = std::string(origin_);
        error.offset = static_cast<std::uint64_t>(parsed.offset);
        return error;
    }
    const pugi::xml_node root = doc.document_element();
    if (std::string_view(root.name()) != "catalog")
        return fail(root, "the root element must be <catalog>");
    if (root.attribute("format").as_int(0) != 1)
        return fail(root, "unsupported catalog format (expected format=\"1\")");

    // Groups first, wherever they are, so rules can use groups defined after them.
    for (const pugi::xml_node& group : root.children("group"))
        if (auto r = read_group(group); !r)
            return r.error();
    for (const pugi::xml_node& child : root.children()) {
        if (child.type() != pugi::node_element)
            continue;
        const std::string_view name = child.name();
        if (name == "group")
            continue;
        if (name == "family") {
            if (auto r = read_family(child, loads); !r)
                return r.error();
        } else if (name == "rule") {
            auto rule = read_rule(child);
            if (!rule)
                return rule.error();
            rules.push_back(std::move(*rule));
        } else if (name == "package") {
            auto package = read_package(child);
            if (!package)
                return package.error();
            packages.push_back(std::move(*package));
        } else {
            return fail(child, "unexpected <" + std::string(name) + "> in <catalog>");
        }
    }
    return {};
}

} // namespace

std::string_view to_string(Confidence confidence) noexcept {
    switch (confidence) {
    case Confidence::Cisco:
        return "CISCO";
    case Confidence::Community:
        return "COMMUNITY";
    case Confidence::Inferred:
        return "INFERRED";
    case Confidence::Conflict:
        return "CONFLICT";
    }
    return "?";
}

Result<Confidence> parse_confidence(std::string_view text) {
    const std::string u = detail::ascii_upper(text);
    if (u == "CISCO")
        return Confidence::Cisco;
    if (u == "COMMUNITY")
        return Confidence::Community;
    if (u == "INFERRED")
        return Confidence::Inferred;
    if (u == "CONFLICT")
        return Confidence::Conflict;
    return bad_input("catalog.confidence",
                     "unknown confidence " + detail::quote(text) +
                         " (expected CISCO, COMMUNITY, INFERRED or CONFLICT)");
}

Result<HardwareRevision> HardwareRevision::parse(std::string_view text) {
    std::string_view digits = text;
    if (!digits.empty() && (digits.front() == 'V' || digits.front() == 'v'))
        digits.remove_prefix(1);
    if (digits.empty() || digits.size() > 4 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return bad_input("hw-rev.malformed", detail::quote(text) +
                                                 " is not a hardware revision like V15 "
                                                 "(printed on the label under the phone)")
            .with_hint("give it as the label prints it (V01, V08, V15), or leave --hw-rev out: "
                       "the plan then warns where a revision would matter");
    HardwareRevision revision;
    for (char c : digits)
        revision.number = revision.number * 10 + static_cast<unsigned>(c - '0');
    return revision;
}

bool Rule::covers(std::string_view family) const {
    return std::find(families.begin(), families.end(), family) != families.end();
}

const Catalog& Catalog::builtin() {
    static const Catalog catalog = [] {
        auto parsed = Catalog::parse(detail::knowledge_xml, "built-in knowledge base");
        if (!parsed)
            throw std::logic_error("fwplan: the built-in knowledge base is invalid: " +
                                   parsed.error().describe());
        return std::move(*parsed);
    }();
    return catalog;
}

Result<Catalog> Catalog::parse(std::string_view xml, std::string_view origin) {
    std::vector<KnownLoad> loads;
    std::vector<Rule> rules;
    std::vector<KnownPackage> packages;
    Reader reader(xml, origin);
    if (auto r = reader.read(loads, rules, packages); !r)
        return r.error();
    Catalog result;
    result.loads_ = std::move(loads);
    result.rules_ = std::move(rules);
    result.packages_ = std::move(packages);
    // Within one document an ID appears once; a repeated one is a mistake worth saying.
    std::set<std::string> seen;
    for (const KnownLoad& load : result.loads_)
        if (!seen.insert(load.id.str()).second)
            return bad_input("catalog.duplicate", "load " + load.id.str() + " is listed twice")
                .in_file(std::string(origin));
    seen.clear();
    for (const Rule& rule : result.rules_)
        if (!seen.insert(rule.id).second)
            return bad_input("catalog.duplicate", "rule " + rule.id + " is defined twice")
                .in_file(std::string(origin));
    seen.clear();
    for (const KnownPackage& package : result.packages_)
        if (!seen.insert(package.name).second)
            return bad_input("catalog.duplicate", "package " + package.name + " is listed twice")
                .in_file(std::string(origin));
    std::stable_sort(result.packages_.begin(), result.packages_.end(),
                     [](const KnownPackage& a, const KnownPackage& b) { return a.name < b.name; });
    std::stable_sort(result.loads_.begin(), result.loads_.end(),
                     [](const KnownLoad& a, const KnownLoad& b) { return a.id < b.id; });
    return result;
}

void Catalog::merge(const Catalog& other) {
    for (const KnownLoad& load : other.loads_) {
        auto same = std::find_if(loads_.begin(), loads_.end(),
                                 [&](const KnownLoad& l) { return l.id == load.id; });
        if (same != loads_.end())
            *same = load;
        else
            loads_.push_back(load);
    }
    std::stable_sort(loads_.begin(), loads_.end(),
                     [](const KnownLoad& a, const KnownLoad& b) { return a.id < b.id; });
    for (const Rule& rule : other.rules_) {
        auto same = std::find_if(rules_.begin(), rules_.end(),
                                 [&](const Rule& r) { return r.id == rule.id; });
        if (same != rules_.end())
            *same = rule;
        else
            rules_.push_back(rule);
    }
    for (const KnownPackage& package : other.packages_) {
        auto same = std::find_if(packages_.begin(), packages_.end(),
                                 [&](const KnownPackage& p) { return p.name == package.name; });
        if (same != packages_.end())
            *same = package;
        else
            packages_.push_back(package);
    }
    std::stable_sort(packages_.begin(), packages_.end(),
                     [](const KnownPackage& a, const KnownPackage& b) { return a.name < b.name; });
}

bool Catalog::remove_rule(std::string_view id) {
    return std::erase_if(rules_, [&](const Rule& rule) { return rule.id == id; }) > 0;
}

Result<void> Catalog::merge_file(const std::filesystem::path& path) {
    auto text = detail::read_small_file(AT_FDCWD, path, kMaxCatalogBytes, "catalog.unreadable");
    if (!text) {
        Error error = text.error();
        if (error.hint.empty())
            error.hint = "--catalog takes a knowledge base file of your own (XML, "
                         "docs/catalog-format.md); check its path";
        return error;
    }
    auto parsed = Catalog::parse(*text, path.string());
    if (!parsed)
        return parsed.error();
    merge(*parsed);
    return {};
}

std::vector<const KnownLoad*> Catalog::loads_of_family(std::string_view family) const {
    std::vector<const KnownLoad*> out;
    for (const KnownLoad& load : loads_)
        if (load.id.family() == family)
            out.push_back(&load);
    return out;
}

std::vector<const Rule*> Catalog::rules_for_family(std::string_view family) const {
    std::vector<const Rule*> out;
    for (const Rule& rule : rules_)
        if (rule.covers(family))
            out.push_back(&rule);
    return out;
}

const KnownLoad* Catalog::find_load(const LoadId& id) const noexcept {
    return find_load(std::string_view(id.str()));
}

const KnownLoad* Catalog::find_load(std::string_view id) const noexcept {
    for (const KnownLoad& load : loads_)
        if (load.id.str() == id)
            return &load;
    return nullptr;
}

const KnownPackage* Catalog::find_package(std::string_view name) const noexcept {
    for (const KnownPackage& package : packages_)
        if (package.name == name)
            return &package;
    return nullptr;
}

bool Catalog::package_inferred(const KnownLoad& load) const noexcept {
    return !load.package.empty() && load.package_evidence.empty() &&
           find_package(load.package) == nullptr;
}

const Rule* Catalog::find_rule(std::string_view id) const noexcept {
    for (const Rule& rule : rules_)
        if (rule.id == id)
            return &rule;
    return nullptr;
}

const KnownLoad* Catalog::final_load(std::string_view family, Protocol protocol) const {
    const KnownLoad* best = nullptr;
    for (const KnownLoad& load : loads_)
        if (load.final && load.id.family() == family && load.id.protocol() == protocol &&
            (best == nullptr || best->id < load.id))
            best = &load;
    return best;
}

} // namespace fwplan
