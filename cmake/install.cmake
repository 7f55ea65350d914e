# cmake --install: libquipu.so, the public headers, a CMake package
# (find_package(quipu) -> quipu::quipu) and a pkg-config file (quipu.pc).
# The library links its dependencies privately and its headers include only
# the standard library, so consumers need nothing else.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS quipu_shared EXPORT quipuTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES include/quipu/check.h include/quipu/database.h include/quipu/export.h
              include/quipu/language.h include/quipu/options.h include/quipu/progress.h
              include/quipu/query_result.h
              include/quipu/quipu.h include/quipu/status.h include/quipu/value.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/quipu)

set(QUIPU_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/quipu)
install(EXPORT quipuTargets NAMESPACE quipu:: DESTINATION ${QUIPU_CMAKE_DIR})
configure_package_config_file(cmake/quipuConfig.cmake.in
                              ${CMAKE_CURRENT_BINARY_DIR}/quipuConfig.cmake
                              INSTALL_DESTINATION ${QUIPU_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/quipuConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/quipuConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/quipuConfigVersion.cmake
        DESTINATION ${QUIPU_CMAKE_DIR})

file(RELATIVE_PATH QUIPU_PC_TO_PREFIX /${CMAKE_INSTALL_LIBDIR}/pkgconfig /)
configure_file(cmake/quipu.pc.in ${CMAKE_CURRENT_BINARY_DIR}/quipu.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/quipu.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
