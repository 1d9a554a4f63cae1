# ctest driver: cmake --install into BIN/install-test, then configure, build and run tests/install.
set(prefix ${BIN}/install-test/prefix)
set(build ${BIN}/install-test/build)
file(REMOVE_RECURSE ${BIN}/install-test)
foreach(step
    "${CMAKE_COMMAND};--install;${BIN};--prefix;${prefix}"
    "${CMAKE_COMMAND};-S;${SRC}/tests/install;-B;${build};-DCMAKE_PREFIX_PATH=${prefix}"
    "${CMAKE_COMMAND};--build;${build}"
    "${build}/consumer")
  execute_process(COMMAND ${step} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "step failed (${rc}): ${step}\n${out}\n${err}")
  endif()
endforeach()
