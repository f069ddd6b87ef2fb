// The one main() of the unit tests; every other file holds TEST_CASEs for one public header.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
