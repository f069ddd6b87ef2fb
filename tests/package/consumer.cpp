// Links fwplan::fwplan from an install tree and uses the public API like a provisioning
// tool would: parse a load ID, find a model, print what they say.
#include <fwplan/load_id.hpp>
#include <fwplan/models.hpp>
#include <fwplan/version.hpp>

#include <iostream>

int main() {
    auto load = fwplan::LoadId::parse("SIP41.9-4-2SR3-1S");
    auto model = fwplan::find_model("CP-7941G");
    if (!load || !model) {
        std::cerr << "fwplan consumer: parsing failed\n";
        return 1;
    }
    std::string siblings;
    for (const fwplan::ModelInfo* s : fwplan::siblings_of(**model))
        siblings += std::string(s->number) + " ";
    std::cout << load->family() << ' ' << fwplan::to_string(load->protocol()) << ' '
              << load->version().release() << ' ' << siblings << "(fwplan "
              << fwplan::library_version() << ")\n";
    return 0;
}
