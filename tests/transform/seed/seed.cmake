cmake_minimum_required(VERSION 3.20)
# seed.cmake — GOSCHED_SEED makes schedules reproducible (issue 6).  Runs EXE
# (racy.c) with one P: twice per seed, which must print the same line; over
# SEEDS seeds, at least MIN_DISTINCT different interleavings; every run
# "ok" (conservation).  Then a bad GOSCHED_SEED must stop with a message.
set(SEEDS 1 2 3 4 5 6 7 8 9 10)
set(MIN_DISTINCT 7)
set(seen "")
foreach(seed IN LISTS SEEDS)
  foreach(run 1 2)
    execute_process(COMMAND ${CMAKE_COMMAND} -E env GOSCHED_PROCS=1 GOSCHED_SEED=${seed} ${EXE}
      RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 60)
    if(NOT rc EQUAL 0 OR NOT out MATCHES "^ok ")
      message(FATAL_ERROR "GOSCHED_SEED=${seed}: exit ${rc}:\n${out}\n${err}")
    endif()
    if(run EQUAL 1)
      set(first "${out}")
    elseif(NOT out STREQUAL first)
      message(FATAL_ERROR "GOSCHED_SEED=${seed} gave two schedules:\n${first}${out}")
    endif()
  endforeach()
  message(STATUS "GOSCHED_SEED=${seed}: ${first}")
  list(APPEND seen "${first}")
endforeach()
list(REMOVE_DUPLICATES seen)
list(LENGTH seen distinct)
if(distinct LESS MIN_DISTINCT)
  message(FATAL_ERROR "only ${distinct} different schedules over ${SEEDS}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E env GOSCHED_PROCS=1 GOSCHED_SEED=12x ${EXE}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 60)
if(rc EQUAL 0 OR NOT err MATCHES "GOSCHED_SEED=\"12x\"")
  message(FATAL_ERROR "a bad GOSCHED_SEED was accepted (exit ${rc}):\n${err}")
endif()
