# Warning flags live on an INTERFACE target that every fwplan target links PRIVATE
# (cpp-best-practices/cmake_template), so consumers never inherit them.
add_library(fwplan_warnings INTERFACE)
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(fwplan_warnings INTERFACE
        -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wold-style-cast
        -Wnon-virtual-dtor -Woverloaded-virtual -Wcast-align
        -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough -Wunused)
    # GCC 12 reports null dereferences and overlapping copies inside libstdc++'s
    # std::string when optimising (GCC bugs 105329, 105651); clang checks the former soundly.
    if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
        target_compile_options(fwplan_warnings INTERFACE -Wnull-dereference)
    else()
        target_compile_options(fwplan_warnings INTERFACE -Wno-restrict)
    endif()
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        target_compile_options(fwplan_warnings INTERFACE
            -Wduplicated-cond -Wduplicated-branches -Wlogical-op)
    endif()
    if(FWPLAN_WARNINGS_AS_ERRORS)
        target_compile_options(fwplan_warnings INTERFACE -Werror)
    endif()
endif()
