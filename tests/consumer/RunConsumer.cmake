# RunConsumer.cmake — build tests/consumer/app from scratch against libsched,
# as an outside project would, run it and compare its output exactly.
#
#   cmake -DMODE=find_package|add_subdirectory -DBUILD_DIR=<this build>
#         -DSOURCE_DIR=<libsched source> -DAPP_DIR=<tests/consumer/app>
#         -DEXPECT=<the one line app prints> -DGENERATOR=<generator>
#         [-DC_COMPILER= -DC_FLAGS= -DEXE_LINKER_FLAGS= -DBUILD_TYPE=]
#         -P RunConsumer.cmake
#
# find_package: `cmake --install <BUILD_DIR> --prefix <tmp>/prefix`, checks
# that no installed CMake file or header names the source or build tree, then
# configures a copy of the app in <tmp> with CMAKE_PREFIX_PATH=<tmp>/prefix
# (and checks that this is the libsched found), builds and runs it.
# add_subdirectory: a project in <tmp> that add_subdirectory()s SOURCE_DIR
# and builds the same app with the same three lines after it.
# The compiler and flags of this build are passed on (sanitizer builds need
# them at link time).  <tmp> is removed when the test passes.
cmake_minimum_required(VERSION 3.20)

foreach(v MODE BUILD_DIR SOURCE_DIR APP_DIR EXPECT GENERATOR)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "RunConsumer.cmake: -D${v}= missing")
  endif()
endforeach()

if(DEFINED ENV{TMPDIR} AND IS_DIRECTORY "$ENV{TMPDIR}")
  set(tmp_root "$ENV{TMPDIR}")
else()
  set(tmp_root "/tmp")
endif()
string(RANDOM LENGTH 8 suffix)
set(work "${tmp_root}/libsched-consumer-${MODE}-${suffix}")
file(REMOVE_RECURSE "${work}")
file(MAKE_DIRECTORY "${work}")

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT status STREQUAL "0")
    message(FATAL_ERROR "${what} failed (${status}); files kept in ${work}\n${out}")
  endif()
endfunction()

function(check_no_tree_paths prefix)
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
endfunction()

set(configure_args -G "${GENERATOR}" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
foreach(pair "C_COMPILER;CMAKE_C_COMPILER" "C_FLAGS;CMAKE_C_FLAGS"
             "EXE_LINKER_FLAGS;CMAKE_EXE_LINKER_FLAGS" "BUILD_TYPE;CMAKE_BUILD_TYPE")
  list(GET pair 0 ours)
  list(GET pair 1 cmake_var)
  if(NOT "${${ours}}" STREQUAL "")
    list(APPEND configure_args "-D${cmake_var}=${${ours}}")
  endif()
endforeach()

if(MODE STREQUAL "find_package")
  set(prefix "${work}/prefix")
  run("install" "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}")
  check_no_tree_paths("${prefix}")
  file(COPY "${APP_DIR}/" DESTINATION "${work}/src")
  list(APPEND configure_args "-DCMAKE_PREFIX_PATH=${prefix}")
elseif(MODE STREQUAL "add_subdirectory")
  file(COPY "${APP_DIR}/" DESTINATION "${work}/src")
  file(WRITE "${work}/src/CMakeLists.txt" "\
cmake_minimum_required(VERSION 3.20)
project(consumer LANGUAGES C)

add_subdirectory(\"${SOURCE_DIR}\" libsched)
add_executable(app app.c)
gotransform_target(app)
target_link_libraries(app PRIVATE libsched::sched)
")
  list(APPEND configure_args -DGOSCHED_BUILD_TRANSFORM=ON)
else()
  message(FATAL_ERROR "RunConsumer.cmake: MODE must be find_package or add_subdirectory")
endif()

run("configure" "${CMAKE_COMMAND}" -S "${work}/src" -B "${work}/build" ${configure_args})
if(MODE STREQUAL "find_package")
  file(STRINGS "${work}/build/CMakeCache.txt" found REGEX "^libsched_DIR:")
  if(NOT found STREQUAL "libsched_DIR:PATH=${prefix}/lib/cmake/libsched")
    message(FATAL_ERROR "the consumer found another libsched: ${found}")
  endif()
endif()
run("build" "${CMAKE_COMMAND}" --build "${work}/build" -j2)

execute_process(COMMAND "${work}/build/app" RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status STREQUAL "0" OR NOT out STREQUAL "${EXPECT}\n" OR NOT err STREQUAL "")
  message(FATAL_ERROR "app exited with ${status}; files kept in ${work}\n"
    "--- expected stdout:\n${EXPECT}\n--- stdout:\n${out}--- stderr:\n${err}")
endif()
message("${out}")
file(REMOVE_RECURSE "${work}")
