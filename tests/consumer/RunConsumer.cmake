# RunConsumer.cmake — build tests/consumer/app from scratch against libsched,
# as an outside project would, run it and compare its output exactly.
#
#   cmake -DMODE=find_package|add_subdirectory -DAPP_DIR=<tests/consumer/app>
#         -DEXPECT=<the one line app prints> <ConsumerCommon.cmake's -D...>
#         -P RunConsumer.cmake
#
# find_package: installs this build into a temporary prefix (nothing
# installed may name the source or build tree), configures a copy of the app
# with CMAKE_PREFIX_PATH=<prefix> and checks that this is the libsched found.
# add_subdirectory: a project that add_subdirectory()s SOURCE_DIR and builds
# the same app with the same three lines after it.
cmake_minimum_required(VERSION 3.20)
include("${CMAKE_CURRENT_LIST_DIR}/ConsumerCommon.cmake")

file(COPY "${APP_DIR}/" DESTINATION "${work}/src")
if(MODE STREQUAL "find_package")
  consumer_install()
  list(APPEND configure_args "-DCMAKE_PREFIX_PATH=${prefix}")
elseif(MODE STREQUAL "add_subdirectory")
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

consumer_run("configure" "${CMAKE_COMMAND}" -S "${work}/src" -B "${work}/build" ${configure_args})
if(MODE STREQUAL "find_package")
  file(STRINGS "${work}/build/CMakeCache.txt" found REGEX "^libsched_DIR:")
  if(NOT found STREQUAL "libsched_DIR:PATH=${prefix}/lib/cmake/libsched")
    message(FATAL_ERROR "the consumer found another libsched: ${found}")
  endif()
endif()
consumer_run("build" "${CMAKE_COMMAND}" --build "${work}/build" -j2)

execute_process(COMMAND "${work}/build/app" RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status STREQUAL "0" OR NOT out STREQUAL "${EXPECT}\n" OR NOT err STREQUAL "")
  message(FATAL_ERROR "app exited with ${status}; files kept in ${work}\n"
    "--- expected stdout:\n${EXPECT}\n--- stdout:\n${out}--- stderr:\n${err}")
endif()
message("${out}")
consumer_done()
