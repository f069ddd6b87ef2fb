# Install rules after cmake-init's install-rules.cmake: headers, the library, the CLI, an
# exported target set under the fwplan:: namespace, a config + version file, and fwplan.pc.
include(CMakePackageConfigHelpers)

set(FWPLAN_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/fwplan"
    CACHE STRING "Where fwplanConfig.cmake is installed")

install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/fwplan" "${PROJECT_BINARY_DIR}/include/fwplan"
    DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
    COMPONENT fwplan_Development
    FILES_MATCHING PATTERN "*.hpp" PATTERN "*.h")

# fwplan::fwplan (static, C++) and fwplan::c (libfwplan_c.so, the C API of fwplan.h).
install(TARGETS fwplan_fwplan fwplan_c
    EXPORT fwplanTargets
    RUNTIME COMPONENT fwplan_Runtime
    LIBRARY COMPONENT fwplan_Runtime NAMELINK_COMPONENT fwplan_Development
    ARCHIVE COMPONENT fwplan_Development
    INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")

if(TARGET fwplan_exe)
    install(TARGETS fwplan_exe RUNTIME COMPONENT fwplan_Runtime)
    set(docs "${PROJECT_BINARY_DIR}/tools/fwplan")
    install(FILES "${docs}/fwplan.1" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1" COMPONENT fwplan_Runtime)
    install(FILES "${docs}/fwplan.bash" RENAME fwplan
        DESTINATION "${CMAKE_INSTALL_DATADIR}/bash-completion/completions" COMPONENT fwplan_Runtime)
    install(FILES "${docs}/_fwplan" DESTINATION "${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions"
        COMPONENT fwplan_Runtime)
    install(FILES "${docs}/fwplan.fish"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d" COMPONENT fwplan_Runtime)
endif()

# What a user reads and starts from (the man page's FILES): the guide and the other pages,
# the example templates and dial plan, the example fleet CSV.
if(TARGET fwplan_exe)
    install(FILES "${PROJECT_SOURCE_DIR}/README.md" "${PROJECT_SOURCE_DIR}/docs/guide.md"
            "${PROJECT_SOURCE_DIR}/docs/emit.md" "${PROJECT_SOURCE_DIR}/docs/staging.md"
            "${PROJECT_SOURCE_DIR}/docs/findings.md" "${PROJECT_SOURCE_DIR}/docs/phone-files.md"
            "${PROJECT_SOURCE_DIR}/docs/catalog-format.md" "${PROJECT_SOURCE_DIR}/docs/rollout.md"
        DESTINATION "${CMAKE_INSTALL_DOCDIR}" COMPONENT fwplan_Runtime)
    install(DIRECTORY "${PROJECT_SOURCE_DIR}/testdata/templates/"
        DESTINATION "${CMAKE_INSTALL_DOCDIR}/templates" COMPONENT fwplan_Runtime)
    install(FILES "${PROJECT_SOURCE_DIR}/testdata/fleet/example-fleet.csv"
        DESTINATION "${CMAKE_INSTALL_DOCDIR}/fleet" COMPONENT fwplan_Runtime)
endif()

# How to use the C API from Python, Go and PHP.
install(FILES "${PROJECT_SOURCE_DIR}/examples/README.md"
    DESTINATION "${CMAKE_INSTALL_DOCDIR}/examples" COMPONENT fwplan_Development)
install(PROGRAMS "${PROJECT_SOURCE_DIR}/examples/python/fwplan_ctypes.py"
    DESTINATION "${CMAKE_INSTALL_DOCDIR}/examples/python" COMPONENT fwplan_Development)

install(EXPORT fwplanTargets
    NAMESPACE fwplan::
    DESTINATION "${FWPLAN_INSTALL_CMAKEDIR}"
    COMPONENT fwplan_Development)

configure_package_config_file("${CMAKE_CURRENT_LIST_DIR}/fwplanConfig.cmake.in"
    "${PROJECT_BINARY_DIR}/fwplanConfig.cmake"
    INSTALL_DESTINATION "${FWPLAN_INSTALL_CMAKEDIR}")
write_basic_package_version_file("${PROJECT_BINARY_DIR}/fwplanConfigVersion.cmake"
    COMPATIBILITY SameMajorVersion)
install(FILES "${PROJECT_BINARY_DIR}/fwplanConfig.cmake" "${PROJECT_BINARY_DIR}/fwplanConfigVersion.cmake"
    DESTINATION "${FWPLAN_INSTALL_CMAKEDIR}"
    COMPONENT fwplan_Development)

# pkg-config users get the same library; the private requirements are what a static
# libfwplan.a needs at link time.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
    set(FWPLAN_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
    set(FWPLAN_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
    set(FWPLAN_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
    set(FWPLAN_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
configure_file("${CMAKE_CURRENT_LIST_DIR}/fwplan.pc.in" "${PROJECT_BINARY_DIR}/fwplan.pc" @ONLY)
# fwplan_c.pc: the C API, for cgo (`#cgo pkg-config: fwplan_c`) and Makefiles.
configure_file("${CMAKE_CURRENT_LIST_DIR}/fwplan_c.pc.in" "${PROJECT_BINARY_DIR}/fwplan_c.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/fwplan.pc" "${PROJECT_BINARY_DIR}/fwplan_c.pc"
    DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
    COMPONENT fwplan_Development)
