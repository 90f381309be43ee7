# GotransformRun.cmake — one source of a gotransform_target(), at build time.
#
#   cmake -P GotransformRun.cmake -- <gotransform> <in.c> <out.c> <out.d> [compiler flags...]
#
# A source that mentions GO_FUNC, go(...) or go_main(...) goes through
# gotransform; any other source is copied behind `#line 1 "<in.c>"`, which
# compiles exactly as the original does, without a clang parse.
# Invariants: on success <out.c> and the depfile <out.d> (naming <in.c> and,
# for transformed files, every header it includes) are both written; on
# failure <out.c> does not exist, so the next build runs this again, and the
# exit status is non-zero after gotransform's own diagnostics.
cmake_minimum_required(VERSION 3.20)

set(first ${CMAKE_ARGC})
foreach(i RANGE ${CMAKE_ARGC})
  if(CMAKE_ARGV${i} STREQUAL "--")
    math(EXPR first "${i} + 1")
    break()
  endif()
endforeach()
math(EXPR last "${CMAKE_ARGC} - 1")
math(EXPR needed "${first} + 3")
if(last LESS needed)
  message(FATAL_ERROR "usage: cmake -P GotransformRun.cmake -- <gotransform> <in.c> <out.c> <out.d> [flags...]")
endif()
set(args "")
foreach(i RANGE ${first} ${last})
  list(APPEND args "${CMAKE_ARGV${i}}")
endforeach()
list(POP_FRONT args tool in out depfile)

file(REMOVE "${out}")
get_filename_component(out_dir "${out}" DIRECTORY)
file(MAKE_DIRECTORY "${out_dir}")
file(READ "${in}" text)
string(FIND "${text}" "GO_FUNC" go_func_at)
if(go_func_at GREATER_EQUAL 0 OR text MATCHES "(^|[^A-Za-z0-9_])go(_main)?[ \t\r\n]*\\(")
  # A sanitizer build (the asan preset) instruments gotransform too: what a
  # one-shot tool leaves to exit must not fail the user's build.
  if(DEFINED ENV{ASAN_OPTIONS} AND NOT "$ENV{ASAN_OPTIONS}" STREQUAL "")
    set(ENV{ASAN_OPTIONS} "$ENV{ASAN_OPTIONS}:detect_leaks=0")
  else()
    set(ENV{ASAN_OPTIONS} "detect_leaks=0")
  endif()
  execute_process(
    COMMAND "${tool}" "${in}" -o "${out}" -MD -MF "${depfile}" -MT "${out}" -- ${args}
    RESULT_VARIABLE status)
  if(NOT status EQUAL 0 OR NOT EXISTS "${out}")
    file(REMOVE "${out}")
get_filename_component(out_dir "${out}" DIRECTORY)
file(MAKE_DIRECTORY "${out_dir}")
    message(FATAL_ERROR "gotransform failed on ${in} (${status})")
  endif()
else()
  string(REPLACE "\\" "\\\\" c_path "${in}")
  string(REPLACE "\"" "\\\"" c_path "${c_path}")
  foreach(p in out)
    string(REPLACE "$" "$$" ${p}_dep "${${p}}")
    string(REPLACE "#" "\\#" ${p}_dep "${${p}_dep}")
    string(REPLACE " " "\\ " ${p}_dep "${${p}_dep}")
  endforeach()
  file(WRITE "${depfile}" "${out_dep}: ${in_dep}\n")
  file(WRITE "${out}" "#line 1 \"${c_path}\"\n${text}")
endif()
