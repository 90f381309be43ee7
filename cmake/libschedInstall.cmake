# libschedInstall.cmake — install rules and the package for find_package(libsched).
#
# Installs libsched (static), gotransform, include/, the package config with
# its version file, and the gotransform_target() helper, so that an outside
# project does:
#   find_package(libsched REQUIRED)
#   add_executable(app app.c)
#   gotransform_target(app)
#   target_link_libraries(app PRIVATE libsched::sched)
# Invariant: nothing installed refers to the source or the build tree
# (tests/consumer checks it).  Included at the end of the top-level
# CMakeLists.txt, after the targets exist.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(LIBSCHED_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/libsched")

install(TARGETS sched EXPORT libschedTargets
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}")
if(TARGET gotransform)
  get_target_property(gotransform_imported gotransform IMPORTED)
endif()
if(TARGET gotransform AND NOT gotransform_imported)
  # libclang is found where the build found it, wherever the tool is installed.
  set_target_properties(gotransform PROPERTIES INSTALL_RPATH_USE_LINK_PATH ON)
  install(TARGETS gotransform EXPORT libschedTargets
    RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
endif()
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
  FILES_MATCHING PATTERN "*.h")

install(EXPORT libschedTargets
  NAMESPACE libsched::
  DESTINATION "${LIBSCHED_INSTALL_CMAKEDIR}")
configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/libschedConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/libschedConfig.cmake"
  INSTALL_DESTINATION "${LIBSCHED_INSTALL_CMAKEDIR}")
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/libschedConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}"
  COMPATIBILITY SameMinorVersion)   # 0.x: a minor version may break the ABI
install(FILES
  "${PROJECT_BINARY_DIR}/libschedConfig.cmake"
  "${PROJECT_BINARY_DIR}/libschedConfigVersion.cmake"
  "${PROJECT_SOURCE_DIR}/cmake/GotransformTarget.cmake"
  "${PROJECT_SOURCE_DIR}/cmake/GotransformRun.cmake"
  DESTINATION "${LIBSCHED_INSTALL_CMAKEDIR}")
