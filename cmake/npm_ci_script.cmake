# Runs in script mode: npm ci in WEB_DIR unless node_modules is already newer than
# package.json and package-lock.json (npm writes node_modules/.package-lock.json on every
# install), then touches STAMP, creating its folder: Ninja creates the folders of a custom
# command's outputs, but make (CMake's default generator) does not.
set(_record ${WEB_DIR}/node_modules/.package-lock.json)
if(NOT EXISTS ${_record}
   OR ${WEB_DIR}/package-lock.json IS_NEWER_THAN ${_record}
   OR ${WEB_DIR}/package.json IS_NEWER_THAN ${_record})
  execute_process(
    COMMAND ${NPM} ci --no-audit --no-fund
    WORKING_DIRECTORY ${WEB_DIR}
    RESULT_VARIABLE _result)
  if(NOT _result EQUAL 0)
    message(FATAL_ERROR "npm ci in ${WEB_DIR} failed (${_result})")
  endif()
endif()
get_filename_component(_stamp_dir ${STAMP} DIRECTORY)
file(MAKE_DIRECTORY ${_stamp_dir})
file(TOUCH ${STAMP})
