# Checks that the npm step builds with CMake's default generator, Unix Makefiles, and not
# only with Ninja: Ninja creates the folder of a custom command's output, make does not, so
# `cmake -S . -B build && cmake --build build` stopped at "file problem touching file:
# .../web/npm-ci.stamp". Its folder, web/ in the build folder, is the only one of a custom
# command's outputs that neither configuring nor the command itself created (the bundle's
# build.mjs, the embedding scripts and protoc create theirs).
#
# A full build takes minutes, so this configures the project in a scratch folder with Unix
# Makefiles and builds the npm step alone (target gadehold_web_packages), after removing
# web/ as if someone had deleted it. npm is replaced by a program that fails: node_modules
# is shared with the browser tests, which may be running, so this test must never run npm
# ci (nor does it need to: the build that made this ctest brought node_modules up to date).
# Runs in script mode: cmake -DREPO=<source dir> -DWORK=<scratch dir> -P this
foreach(_var REPO WORK)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "set -D${_var}")
  endif()
endforeach()
find_program(_false NAMES false REQUIRED)
file(REMOVE_RECURSE ${WORK})

execute_process(
  COMMAND ${CMAKE_COMMAND} -S ${REPO} -B ${WORK} -G "Unix Makefiles"
          -DGADEHOLD_BUILD_TESTS=OFF -DGADEHOLD_NPM=${_false}
  RESULT_VARIABLE rc OUTPUT_VARIABLE log ERROR_VARIABLE log)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "configure with Unix Makefiles failed: ${log}")
endif()
file(REMOVE_RECURSE ${WORK}/web)

execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK} --target gadehold_web_packages
                RESULT_VARIABLE rc OUTPUT_VARIABLE log ERROR_VARIABLE log)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "make gadehold_web_packages failed: ${log}")
endif()
if(NOT EXISTS ${WORK}/web/npm-ci.stamp)
  message(FATAL_ERROR "make gadehold_web_packages succeeded but wrote no ${WORK}/web/npm-ci.stamp")
endif()

file(REMOVE_RECURSE ${WORK})
message(STATUS "Unix Makefiles build the npm step, creating the folder of its stamp")
