# RunRebuild.cmake — what gotransform_target() promises beyond a first build,
# on tests/consumer/rebuild against this build installed into a temporary
# prefix:
#   1. the program sees flags from a linked target, a source property set
#      after the call and a quote include; plain.c is copied exactly;
#   2. changing a header that main.c includes runs gotransform on main.c
#      again (and not on plain.c); a second build runs nothing;
#   3. an error in main.c fails the build with a diagnostic naming main.c
#      and leaves no generated main.c; fixing it builds again.
#
#   cmake -DPROJECT_DIR=<tests/consumer/rebuild> <ConsumerCommon.cmake's -D...>
#         -P RunRebuild.cmake
cmake_minimum_required(VERSION 3.20)
include("${CMAKE_CURRENT_LIST_DIR}/ConsumerCommon.cmake")

set(src "${work}/src")
set(build "${work}/build")
set(generated "${build}/gotransform/rebuild")
file(COPY "${PROJECT_DIR}/" DESTINATION "${src}")
consumer_install()

function(build_and_expect line)
  consumer_run("build" "${CMAKE_COMMAND}" --build "${build}" -j2)
  set(build_output "${consumer_output}" PARENT_SCOPE)
  consumer_run("the program" "${build}/rebuild")
  if(NOT consumer_output STREQUAL "${line}\n")
    message(FATAL_ERROR "printed '${consumer_output}', expected '${line}'; files kept in ${work}")
  endif()
endfunction()

function(expect_transformed names)
  foreach(name main plain)
    string(FIND "${build_output}" "gotransform gotransform/rebuild/${name}.c" at)
    if((name IN_LIST names) AND at LESS 0)
      message(FATAL_ERROR "${name}.c was not transformed again:\n${build_output}")
    elseif(NOT (name IN_LIST names) AND at GREATER_EQUAL 0)
      message(FATAL_ERROR "${name}.c was transformed again for nothing:\n${build_output}")
    endif()
  endforeach()
endfunction()

# Timestamps: make sure an edit is newer than the outputs of the last build.
function(edit file from to)
  execute_process(COMMAND "${CMAKE_COMMAND}" -E sleep 1)
  file(READ "${file}" text)
  string(REPLACE "${from}" "${to}" edited "${text}")
  if(edited STREQUAL text)
    message(FATAL_ERROR "edit of ${file}: '${from}' not found")
  endif()
  file(WRITE "${file}" "${edited}")
endfunction()

# 1. First build.
consumer_run("configure" "${CMAKE_COMMAND}" -S "${src}" -B "${build}"
  ${configure_args} "-DCMAKE_PREFIX_PATH=${prefix}")
build_and_expect("hello from a linked target: value 1, rounds 3, sum 12")
file(READ "${src}/plain.c" plain)
file(READ "${generated}/plain.c" plain_out)
if(NOT plain_out STREQUAL "#line 1 \"${src}/plain.c\"\n${plain}")
  message(FATAL_ERROR "plain.c was not copied exactly:\n${plain_out}")
endif()

# 2. A header change re-runs the tool on the file that includes it only.
edit("${src}/settings/settings.h" "#define VALUE 1" "#define VALUE 5")
build_and_expect("hello from a linked target: value 5, rounds 3, sum 60")
expect_transformed("main")
build_and_expect("hello from a linked target: value 5, rounds 3, sum 60")
expect_transformed("")

# 3. An error: diagnostics name main.c, no output is left; the fix rebuilds.
edit("${src}/main.c" "sum += v;" "sum += v + not_declared;")
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${build}"
  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(status STREQUAL "0" OR NOT out MATCHES "main\\.c:[0-9]+:[0-9]+: error: [^\n]*not_declared")
  message(FATAL_ERROR "the broken main.c built (${status}) or was not diagnosed:\n${out}")
endif()
if(EXISTS "${generated}/main.c")
  message(FATAL_ERROR "gotransform left ${generated}/main.c after an error")
endif()
edit("${src}/main.c" "sum += v + not_declared;" "sum += v;")
build_and_expect("hello from a linked target: value 5, rounds 3, sum 60")
expect_transformed("main")

message("gotransform_target: flags, copies, re-runs and errors as promised")
consumer_done()
