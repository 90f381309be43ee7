# RunExample.cmake — run one example and compare its output exactly.
#
#   cmake -DEXE=<program> [-DARGS=a|b|c] -DEXPECTED=<file> -P RunExample.cmake
#
# Passes (exit 0) only if the program exits 0, writes exactly the contents
# of <file> to stdout and nothing to stderr (sanitizer reports, runtime
# aborts and warnings all land there).  Otherwise prints what differed and
# exits non-zero.
cmake_minimum_required(VERSION 3.20)
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND "${EXE}" ${args}
  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
file(READ "${EXPECTED}" expected)
if(NOT status STREQUAL "0")
  set(problem "exited with ${status}")
elseif(NOT out STREQUAL expected)
  set(problem "printed other output than expected")
elseif(NOT err STREQUAL "")
  set(problem "wrote to stderr")
else()
  message("${out}")
  return()
endif()
message(FATAL_ERROR "${EXE} ${args}: ${problem}\n"
  "--- expected stdout:\n${expected}--- stdout:\n${out}--- stderr:\n${err}")
