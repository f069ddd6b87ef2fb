# Warning flags live on an INTERFACE target that every fwplan target links PRIVATE
# (cpp-best-practices/cmake_template), so consumers never inherit them.
add_library(fwplan_warnings INTERFACE)
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(fwplan_warnings INTERFACE
        -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wcast-align
        -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough -Wunused
        # The C API's tests and consumers are C: each language gets only its own flags
        # (GCC warns about C++-only ones in C, which -Werror would turn into failures).
        "$<$<COMPILE_LANGUAGE:CXX>:-Wold-style-cast;-Wnon-virtual-dtor;-Woverloaded-virtual>"
        "$<$<COMPILE_LANGUAGE:C>:-Wstrict-prototypes;-Wmissing-prototypes;-Wold-style-definition>")
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
