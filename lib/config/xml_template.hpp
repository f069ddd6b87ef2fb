#pragma once
// The parsed form of a DeviceTemplate and the pugixml helpers that read and edit it.
// Private to the library: pugixml never appears in a public header.

#include <fwplan/device_config.hpp>

#include <pugixml.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace fwplan {

struct DeviceTemplate::Impl {
    std::string source_name;
    // Parsed without entity decoding, end-of-line or attribute-whitespace normalization and
    // with whitespace-only text kept, so that writing it back gives the template's bytes.
    pugi::xml_document raw;
    // Parsed the usual way (entities decoded): the values the lints look at.
    pugi::xml_document decoded;
    bool bom = false;           // the template started with a UTF-8 byte-order mark
    std::string newline = "\n"; // written between top-level nodes: the template's style
    bool final_newline = false; // the template ended with a line break
};

namespace detail {

/// pugixml options for the raw (byte-faithful) parse and for the decoded one.
unsigned raw_parse_options() noexcept;
unsigned decoded_parse_options() noexcept;

/// Visits every node below `root` in document order, without recursion (templates are
/// user input; their depth must not decide the stack use).
template <typename Visit>
void for_each_descendant(pugi::xml_node root, Visit visit) {
    pugi::xml_node node = root.first_child();
    while (node) {
        visit(node);
        if (node.first_child()) {
            node = node.first_child();
            continue;
        }
        while (node && node != root && !node.next_sibling())
            node = node.parent();
        if (!node || node == root)
            return;
        node = node.next_sibling();
    }
}

/// The element children of `parent` named `name`, in order.
std::vector<pugi::xml_node> children_named(pugi::xml_node parent, const char* name);

/// The text content of an element: its text and CDATA children joined (comments skipped).
std::string text_of(pugi::xml_node element);

/// True when the text is empty or only spaces, tabs, CR and LF.
bool is_blank(std::string_view text) noexcept;

/// Inserts a new element `name` right after/before `anchor` (a child of `parent`), copying
/// the indentation that precedes `anchor` so the file stays laid out as it was.
pugi::xml_node insert_element_after(pugi::xml_node parent, pugi::xml_node anchor, const char* name);
pugi::xml_node insert_element_before(pugi::xml_node parent, pugi::xml_node anchor,
                                     const char* name);

/// Replaces an element's text (text and CDATA children) by `text`; comments and processing
/// instructions inside it stay, after the new text.
void replace_text(pugi::xml_node element, const std::string& text);

/// Collects pugixml's output in a string.
struct StringWriter : pugi::xml_writer {
    std::string out;
    void write(const void* data, std::size_t size) override {
        out.append(static_cast<const char*>(data), size);
    }
};

/// Writes a document the way fwplan builds its own files: XML declaration, two-space
/// indentation, `<a></a>` for empty elements, LF line ends.
std::string save_indented(const pugi::xml_document& doc);

/// Appends `<name>text</name>` (text escaped by pugixml when written).
pugi::xml_node append_text_element(pugi::xml_node parent, const char* name,
                                   std::string_view text = {});

} // namespace detail
} // namespace fwplan
