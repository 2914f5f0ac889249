# Checks that the embedded migrations follow the schema folder at each build: a file
# added is embedded, and a file removed is no longer embedded (cmake/EmbedSchema.cmake).
# Runs in script mode: cmake -DREPO=<source dir> -DWORK=<scratch dir> -DGENERATOR=<gen>
# [-DMAKE_PROGRAM=<ninja or make>] -P this
foreach(_var REPO WORK GENERATOR)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "set -D${_var}")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/src/schema)
file(WRITE ${WORK}/src/CMakeLists.txt "
cmake_minimum_required(VERSION 3.18)
project(embed_schema_test NONE)
include(\"${REPO}/cmake/EmbedSchema.cmake\")
gadehold_embed_schema(OUTPUT \${CMAKE_CURRENT_BINARY_DIR}/generated/embedded.cpp
                      DIR \${CMAKE_CURRENT_SOURCE_DIR}/schema)
add_custom_target(embedded ALL DEPENDS \${CMAKE_CURRENT_BINARY_DIR}/generated/embedded.cpp)
")
file(WRITE ${WORK}/src/schema/0001_first.sql "CREATE TABLE a (x);\n")
file(WRITE ${WORK}/src/schema/0002_second.sql "CREATE TABLE b (x);\n")

function(build_and_read out)
  execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK}/build RESULT_VARIABLE rc OUTPUT_VARIABLE log ERROR_VARIABLE log)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "build failed: ${log}")
  endif()
  file(READ ${WORK}/build/generated/embedded.cpp text)
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

function(expect text name present)
  string(FIND "${text}" "\"${name}\"" at)
  if(present AND at EQUAL -1)
    message(FATAL_ERROR "${name} is not embedded, though its file exists")
  elseif(NOT present AND NOT at EQUAL -1)
    message(FATAL_ERROR "${name} is still embedded after its file was removed")
  endif()
endfunction()

set(_make_program "")
if(MAKE_PROGRAM)
  set(_make_program "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${WORK}/src -B ${WORK}/build -G ${GENERATOR} ${_make_program}
                RESULT_VARIABLE rc OUTPUT_VARIABLE log ERROR_VARIABLE log)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "configure failed: ${log}")
endif()
build_and_read(text)
expect("${text}" 0001_first TRUE)
expect("${text}" 0002_second TRUE)

file(WRITE ${WORK}/src/schema/0003_third.sql "CREATE TABLE c (x);\n")
build_and_read(text)
expect("${text}" 0003_third TRUE)

file(REMOVE ${WORK}/src/schema/0002_second.sql)
build_and_read(text)
expect("${text}" 0001_first TRUE)
expect("${text}" 0002_second FALSE)
expect("${text}" 0003_third TRUE)

file(REMOVE_RECURSE ${WORK})
message(STATUS "embedded migrations follow the schema folder: added and removed files")
