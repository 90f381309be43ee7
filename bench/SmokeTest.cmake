# SmokeTest.cmake — run one benchmark at a tiny size and check its result line.
#
#   cmake -DEXE=<program> [-DARGS=a|b] -DNAME=<bench> -DCHECK=<value> -P SmokeTest.cmake
#
# Passes (exit 0) only if the program exits 0, writes nothing to stderr, and
# prints exactly one line of the form bench.h describes, naming <bench>, the
# GOSCHED_PROCS of the environment and check=<value>.
cmake_minimum_required(VERSION 3.20)
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND "${EXE}" ${args}
  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(line "^bench=${NAME} procs=$ENV{GOSCHED_PROCS} n=[0-9]+( [a-z_]+=[0-9]+)* check=${CHECK}( [a-z_]+=[0-9.]+)+\n$")
if(NOT status STREQUAL "0")
  set(problem "exited with ${status}")
elseif(NOT err STREQUAL "")
  set(problem "wrote to stderr")
elseif(NOT out MATCHES "${line}")
  set(problem "printed no result line matching ${line}")
else()
  message("${out}")
  return()
endif()
message(FATAL_ERROR "${EXE} ${args}: ${problem}\n--- stdout:\n${out}--- stderr:\n${err}")
