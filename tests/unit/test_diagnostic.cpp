// diagnostic.hpp: severities, the constructors, and terminal_safe (issue 14.14): nothing a
// terminal would act on, or that reads otherwise than it is, passes through.
#include <fwplan/diagnostic.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using fwplan::terminal_safe;

TEST_CASE("terminal_safe escapes control, bidi and invisible characters, and nothing else") {
    // Plain text, backslashes and printable text beyond ASCII stay as they are.
    CHECK(terminal_safe("SEP008041AEFD7E.cnf.xml") == "SEP008041AEFD7E.cnf.xml");
    CHECK(terminal_safe("C:\\x and 'quoted \\x1b'") == "C:\\x and 'quoted \\x1b'");
    CHECK(terminal_safe("Gr\xC3\xBC\xC3\x9F"
                        "e") == "Gr\xC3\xBC\xC3\x9F"
                                "e");
    // Escape sequences, line breaks and tabs: a message stays one line of plain text.
    CHECK(terminal_safe("a\x1b]0;owned\x07z") == "a\\x1b]0;owned\\x07z");
    CHECK(terminal_safe("one\ntwo\rthree\tfour") == "one\\x0atwo\\x0dthree\\x09four");
    CHECK(terminal_safe(std::string("nul\0byte", 8)) == "nul\\x00byte");
    // A right-to-left override makes "evil\u202Egpj.sbn" show as "evilnbs.jpg".
    CHECK(terminal_safe("evil\xE2\x80\xAEgpj.sbn") == "evil\\u202Egpj.sbn");
    for (const std::string& hidden :
         {std::string("\xE2\x80\x8B"), std::string("\xE2\x80\x8F"), std::string("\xE2\x81\xA6"),
          std::string("\xEF\xBB\xBF"), std::string("\xD8\x9C"), std::string("\xE2\x80\xA9"),
          std::string("\xC2\xAD")}) {
        CAPTURE(hidden);
        const std::string out = terminal_safe("a" + hidden + "b");
        CHECK(out.find(hidden) == std::string::npos);
        CHECK(out.find("\\u") != std::string::npos);
    }
    // C1 controls (CSI as U+009B) and bytes that are not UTF-8 become \xNN.
    CHECK(terminal_safe("\xC2\x9B"
                        "2J") == "\\xc2\\x9b2J");
    CHECK(terminal_safe("\xFF\xFE") == "\\xff\\xfe");
    CHECK(terminal_safe("\xE2\x80") == "\\xe2\\x80"); // a character cut short
}

TEST_CASE("warning and info make diagnostics of their severity, count counts them") {
    const std::vector<fwplan::Diagnostic> all{fwplan::warning("fwplan.x.a", "a", "here"),
                                              fwplan::info("fwplan.x.b", "b"),
                                              fwplan::warning("fwplan.x.c", "c")};
    CHECK(all[0].severity == fwplan::Severity::Warning);
    CHECK(all[0].where == "here");
    CHECK(all[1].severity == fwplan::Severity::Info);
    CHECK(fwplan::count(all, fwplan::Severity::Warning) == 2);
    CHECK(fwplan::count(all, fwplan::Severity::Error) == 0);
    CHECK(fwplan::to_string(fwplan::Severity::Info) == "info");
}
