// error.hpp: results carry values or errors; errors describe where and map to exit codes.
#include <fwplan/error.hpp>

#include <doctest/doctest.h>

using namespace fwplan;

TEST_CASE("describe names the file, entry and offset when known") {
    Error e = bad_input("loads.bad-header", "tag 2 is missing");
    CHECK(e.code == "fwplan.loads.bad-header");
    CHECK(e.describe() == "tag 2 is missing [fwplan.loads.bad-header]");
    e.entry = "SIP41.8-5-4S.loads";
    e.offset = 10;
    const Error placed = e.in_file("cmterm.zip");
    CHECK(
        placed.describe() ==
        "cmterm.zip: SIP41.8-5-4S.loads: at offset 10: tag 2 is missing [fwplan.loads.bad-header]");
    CHECK(placed.in_file("other").file == "cmterm.zip");
}

TEST_CASE("exit codes follow the README") {
    CHECK(exit_code_for(ErrorKind::NotPossible) == 1);
    CHECK(exit_code_for(ErrorKind::Conflict) == 1);
    CHECK(exit_code_for(ErrorKind::Usage) == 2);
    CHECK(exit_code_for(ErrorKind::BadInput) == 3);
    CHECK(exit_code_for(ErrorKind::Io) == 4);
}

TEST_CASE("Result holds a value or an error, never both") {
    Result<int> good = 7;
    CHECK(good.ok());
    CHECK(*good == 7);
    CHECK_THROWS_AS((void)good.error(), std::logic_error);

    Result<int> bad = io_error("io.read", "cannot read");
    CHECK_FALSE(bad.ok());
    CHECK(bad.error().kind == ErrorKind::Io);
    CHECK_THROWS_AS((void)bad.value(), BadResultAccess);

    Result<void> done;
    CHECK(done.ok());
    Result<void> failed = not_possible("plan.none", "no path");
    CHECK(failed.error().kind == ErrorKind::NotPossible);
}
