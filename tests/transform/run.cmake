cmake_minimum_required(VERSION 3.20)
# run.cmake — run EXE and compare its stdout with EXPECTED (a file) or with
# the stdout of ORACLE (the same program built -DGOSCHED_SEQUENTIAL); first
# compile each GENERATED file with every compiler in COMPILERS
# (-Wall -Wextra -Werror).
foreach(cc IN LISTS COMPILERS)
  foreach(g IN LISTS GENERATED)
    execute_process(COMMAND ${cc} -std=gnu11 -Wall -Wextra -Werror -fsyntax-only -I${INCLUDE} -I${EXTRA_INCLUDE} ${g}
      RESULT_VARIABLE rc ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "${cc} rejects ${g}:\n${err}")
    endif()
  endforeach()
endforeach()
execute_process(COMMAND ${EXE} RESULT_VARIABLE rc OUTPUT_VARIABLE got ERROR_VARIABLE err TIMEOUT 60)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${EXE} exited with ${rc}:\n${got}\n${err}")
endif()
if(ORACLE)
  execute_process(COMMAND ${ORACLE} RESULT_VARIABLE rc OUTPUT_VARIABLE want ERROR_VARIABLE err TIMEOUT 60)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${ORACLE} exited with ${rc}:\n${want}\n${err}")
  endif()
else()
  file(READ ${EXPECTED} want)
endif()
if(NOT got STREQUAL want)
  message(FATAL_ERROR "output differs.\n--- expected\n${want}\n--- got\n${got}")
endif()
