# Turns a data file into a C++ source holding its bytes, so the knowledge base is part of
# the library and fwplan works with no files installed. Run in script mode:
#   cmake -DINPUT=in.xml -DOUTPUT=out.cpp -DSYMBOL=name -P EmbedFile.cmake
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR byte_count "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
# Break the initializer into lines of 16 bytes so compilers and diffs stay happy.
string(REGEX REPLACE "(('[^']+',){16})" "\\1\n    " bytes "${bytes}")
file(WRITE "${OUTPUT}.tmp"
"// Generated from ${INPUT} by cmake/EmbedFile.cmake; do not edit.
#include <cstddef>
#include <string_view>

namespace fwplan::detail {
namespace {
constexpr char ${SYMBOL}_bytes[] = {
    ${bytes}'\\0'};
} // namespace
extern const std::string_view ${SYMBOL}{${SYMBOL}_bytes, ${byte_count}};
} // namespace fwplan::detail
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
