# ConsumerCommon.cmake — what RunConsumer.cmake and RunRebuild.cmake share.
#
# Reads -DBUILD_DIR (this build), -DSOURCE_DIR (this source tree),
# -DGENERATOR and optional -DC_COMPILER, -DC_FLAGS, -DEXE_LINKER_FLAGS,
# -DBUILD_TYPE (passed on: a sanitizer build's library needs its flags at
# link time).  Defines:
#   work                  a fresh directory under $TMPDIR or /tmp
#   configure_args        generator, compiler and flags for `cmake -S -B`
#   consumer_run(<what> <command...>)   runs it, stops with its output on failure
#   consumer_install()    installs this build into ${work}/prefix, checks that
#                         no installed CMake file or header names the source
#                         or build tree, sets `prefix`
#   consumer_done()       removes ${work} (kept, and named, on any failure)
foreach(v BUILD_DIR SOURCE_DIR GENERATOR)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "${CMAKE_SCRIPT_MODE_FILE}: -D${v}= missing")
  endif()
endforeach()

if(DEFINED ENV{TMPDIR} AND IS_DIRECTORY "$ENV{TMPDIR}")
  set(work "$ENV{TMPDIR}")
else()
  set(work "/tmp")
endif()
get_filename_component(script_name "${CMAKE_SCRIPT_MODE_FILE}" NAME_WE)
string(RANDOM LENGTH 8 suffix)
set(work "${work}/libsched-${script_name}-${suffix}")
file(REMOVE_RECURSE "${work}")
file(MAKE_DIRECTORY "${work}")

set(configure_args -G "${GENERATOR}" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
foreach(pair "C_COMPILER;CMAKE_C_COMPILER" "C_FLAGS;CMAKE_C_FLAGS"
             "EXE_LINKER_FLAGS;CMAKE_EXE_LINKER_FLAGS" "BUILD_TYPE;CMAKE_BUILD_TYPE")
  list(GET pair 0 ours)
  list(GET pair 1 cmake_var)
  if(NOT "${${ours}}" STREQUAL "")
    list(APPEND configure_args "-D${cmake_var}=${${ours}}")
  endif()
endforeach()

function(consumer_run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT status STREQUAL "0")
    message(FATAL_ERROR "${what} failed (${status}); files kept in ${work}\n${out}")
  endif()
  set(consumer_output "${out}" PARENT_SCOPE)
endfunction()

function(consumer_install)
  set(prefix "${work}/prefix")
  consumer_run("install" "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}")
  file(GLOB_RECURSE files "${prefix}/*.cmake" "${prefix}/*.h")
  if(NOT files)
    message(FATAL_ERROR "nothing installed under ${prefix}")
  endif()
  foreach(f IN LISTS files)
    file(READ "${f}" text)
    foreach(tree "${SOURCE_DIR}" "${BUILD_DIR}")
      string(FIND "${text}" "${tree}" at)
      if(at GREATER_EQUAL 0)
        message(FATAL_ERROR "installed ${f} names ${tree}: the install must stand alone")
      endif()
    endforeach()
  endforeach()
  set(prefix "${prefix}" PARENT_SCOPE)
endfunction()

function(consumer_done)
  file(REMOVE_RECURSE "${work}")
endfunction()
