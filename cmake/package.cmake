# `cpack -G DEB`: one Debian package with everything `cmake --install` installs, under /usr.
# Depends is computed by dpkg-shlibdeps from the ELF files (the scarmap binary), so it names
# exactly the runtime libraries it links (libopencv-*406, libheif1, libstdc++6, ...).
set(CPACK_PACKAGE_NAME scarmap)
set(CPACK_PACKAGE_VENDOR "scarmap")
set(SCARMAP_PACKAGE_CONTACT "scarmap maintainers <scarmap@example.invalid>"
    CACHE STRING "Maintainer field of the .deb (whoever builds and ships the package)")
set(CPACK_PACKAGE_CONTACT "${SCARMAP_PACKAGE_CONTACT}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "Finds FUT strip scars and FUE dot scars on scalp photos, counts hair follicles, measures
scars in mm and CIELAB contrast, and drafts a scalp micropigmentation (SMP) plan. Writes
JSON reports, overlays and batch CSVs. Also ships the C++ library (static), its headers
and CMake package config (find_package(scarmap)).")
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # scarmap_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The library's headers and CMake config need the development packages; a clinic running only
# the tool does not, so they are suggestions, not dependencies.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS
    "libopencv-dev, libopencv-contrib-dev, libheif-dev, pkg-config, cmake")

include(CPack)
