# `cmake --install`: the scarmap tool, the library with its public headers and CMake package
# config (find_package(scarmap) -> scarmap::core), the report JSON Schema, the man page and the
# bash completion. Included from the top-level CMakeLists.txt.
include(CMakePackageConfigHelpers)

set(SCARMAP_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/scarmap)
set(SCARMAP_SCHEMA_INSTALL_DIR ${CMAKE_INSTALL_DATADIR}/scarmap)
if(HEIF_FOUND)
  set(SCARMAP_HAVE_HEIF ON)
else()
  set(SCARMAP_HAVE_HEIF OFF)
endif()

install(TARGETS scarmap RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS scarmap_core EXPORT scarmapTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/scarmap DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.hpp")
install(FILES ${PROJECT_BINARY_DIR}/generated/scarmap/core/version.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/scarmap/core)
install(EXPORT scarmapTargets NAMESPACE scarmap:: DESTINATION ${SCARMAP_CMAKE_INSTALL_DIR})

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/scarmapConfig.cmake.in
  ${PROJECT_BINARY_DIR}/scarmapConfig.cmake
  INSTALL_DESTINATION ${SCARMAP_CMAKE_INSTALL_DIR}
  PATH_VARS SCARMAP_SCHEMA_INSTALL_DIR)
# Before 1.0 a minor version may break the API (semantic versioning), from 1.0 a major one.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(SCARMAP_COMPATIBILITY SameMinorVersion)
else()
  set(SCARMAP_COMPATIBILITY SameMajorVersion)
endif()
write_basic_package_version_file(${PROJECT_BINARY_DIR}/scarmapConfigVersion.cmake
  COMPATIBILITY ${SCARMAP_COMPATIBILITY})
install(FILES ${PROJECT_BINARY_DIR}/scarmapConfig.cmake ${PROJECT_BINARY_DIR}/scarmapConfigVersion.cmake
        DESTINATION ${SCARMAP_CMAKE_INSTALL_DIR})

install(DIRECTORY ${PROJECT_SOURCE_DIR}/schemas/ DESTINATION ${SCARMAP_SCHEMA_INSTALL_DIR}
        FILES_MATCHING PATTERN "*.json")

# Man page with the project version filled in, gzip-compressed as Debian policy asks (-n: no
# timestamp, reproducible).
configure_file(${PROJECT_SOURCE_DIR}/docs/scarmap.1 ${PROJECT_BINARY_DIR}/scarmap.1 @ONLY)
add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/scarmap.1.gz
  COMMAND sh -c "gzip -9n -c '${PROJECT_BINARY_DIR}/scarmap.1' > '${PROJECT_BINARY_DIR}/scarmap.1.gz'"
  DEPENDS ${PROJECT_BINARY_DIR}/scarmap.1 VERBATIM)
add_custom_target(scarmap_manpage ALL DEPENDS ${PROJECT_BINARY_DIR}/scarmap.1.gz)
install(FILES ${PROJECT_BINARY_DIR}/scarmap.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/share/bash-completion/completions/scarmap
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/CHANGELOG.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
