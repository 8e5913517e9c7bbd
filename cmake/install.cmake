# `cmake --install BUILD --prefix P`: the CLI (P/bin/plancast), the static libraries
# (P/lib), the headers (P/include/plancast/..., with the public header as
# <plancast/plancast.h>) and the CMake package (P/lib/cmake/plancast). Included from the
# top-level CMakeLists.txt once every library is defined.
include(CMakePackageConfigHelpers)
set(PLANCAST_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/plancast)

install(TARGETS plancast RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

get_property(plancast_libraries GLOBAL PROPERTY PLANCAST_PACKAGE_LIBRARIES)
install(TARGETS plancast_options plancast_package ${plancast_libraries}
        EXPORT plancastTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT plancastTargets NAMESPACE plancast:: DESTINATION ${PLANCAST_CMAKE_DIR})

# Headers keep their paths ("engine/sim/runner.h"), under include/plancast; the CLI's are
# not part of the library.
foreach(dir engine/core engine/random engine/config engine/sim engine/analysis engine/io
            engine/api models)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${dir}/
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/plancast/${dir}
          FILES_MATCHING PATTERN "*.h")
endforeach()
install(FILES ${PROJECT_SOURCE_DIR}/engine/api/plancast.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/plancast)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/plancastConfig.cmake.in
  ${PROJECT_BINARY_DIR}/plancastConfig.cmake INSTALL_DESTINATION ${PLANCAST_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/plancastConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/plancastConfig.cmake
              ${PROJECT_BINARY_DIR}/plancastConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/FindRandom123.cmake
              ${PROJECT_SOURCE_DIR}/cmake/FindXlsxWriter.cmake
        DESTINATION ${PLANCAST_CMAKE_DIR})
