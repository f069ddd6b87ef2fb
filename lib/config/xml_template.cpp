#include "config/xml_template.hpp"

namespace fwplan::detail {

unsigned raw_parse_options() noexcept {
    return (pugi::parse_full | pugi::parse_ws_pcdata) &
           ~(pugi::parse_escapes | pugi::parse_eol | pugi::parse_wconv_attribute);
}

unsigned decoded_parse_options() noexcept {
    return pugi::parse_default;
}

std::vector<pugi::xml_node> children_named(pugi::xml_node parent, const char* name) {
    std::vector<pugi::xml_node> found;
    for (pugi::xml_node child : parent.children(name))
        found.push_back(child);
    return found;
}

std::string text_of(pugi::xml_node element) {
    std::string text;
    for (pugi::xml_node child : element.children())
        if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata)
            text += child.value();
    return text;
}

bool is_blank(std::string_view text) noexcept {
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

namespace {
pugi::xml_node indentation_before(pugi::xml_node node) {
    pugi::xml_node previous = node.previous_sibling();
    if (previous && previous.type() == pugi::node_pcdata && is_blank(previous.value()))
        return previous;
    return {};
}
} // namespace

pugi::xml_node insert_element_after(pugi::xml_node parent, pugi::xml_node anchor,
                                    const char* name) {
    const pugi::xml_node indent = indentation_before(anchor);
    pugi::xml_node element = parent.insert_child_after(name, anchor);
    if (indent) // anchor, indentation, new element
        parent.insert_child_after(pugi::node_pcdata, anchor).set_value(indent.value());
    return element;
}

pugi::xml_node insert_element_before(pugi::xml_node parent, pugi::xml_node anchor,
                                     const char* name) {
    const pugi::xml_node indent = indentation_before(anchor);
    pugi::xml_node element = parent.insert_child_before(name, anchor);
    if (indent) // indentation, new element, indentation, anchor
        parent.insert_child_before(pugi::node_pcdata, anchor).set_value(indent.value());
    return element;
}

void replace_text(pugi::xml_node element, const std::string& text) {
    std::vector<pugi::xml_node> old_text;
    for (pugi::xml_node child : element.children())
        if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata)
            old_text.push_back(child);
    for (pugi::xml_node child : old_text)
        element.remove_child(child);
    element.prepend_child(pugi::node_pcdata).set_value(text.c_str());
}

std::string save_indented(const pugi::xml_document& doc) {
    StringWriter writer;
    doc.save(writer, "  ", pugi::format_indent | pugi::format_no_empty_element_tags,
             pugi::encoding_utf8);
    return writer.out;
}

pugi::xml_node append_text_element(pugi::xml_node parent, const char* name, std::string_view text) {
    pugi::xml_node element = parent.append_child(name);
    if (!text.empty())
        element.append_child(pugi::node_pcdata).set_value(std::string(text).c_str());
    return element;
}

} // namespace fwplan::detail
