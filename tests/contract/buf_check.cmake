# Runs buf on the wire contract. Script mode:
#   cmake -DMODE=<mode> -DPROTO_DIR=<source dir>/proto -DWORK=<scratch dir> -P this
# lint, breaking:     proto/ as it is; passes when buf finds nothing.
# breaking_selftest:  a scratch copy of proto/ with one field deleted, then with one field
#                     renumbered; passes when `buf breaking` reports each.
# lint_selftest:      a scratch copy with a badly named message, field and enum value;
#                     passes when `buf lint` reports each.
# buf is the one pinned in proto/tools/package.json, installed by deploy/install-deps.sh.
foreach(_var MODE PROTO_DIR WORK)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "set -D${_var}")
  endif()
endforeach()

set(TOOLS_DIR ${PROTO_DIR}/tools)
set(BUF ${TOOLS_DIR}/node_modules/.bin/buf)
set(IMAGE ${PROTO_DIR}/gadehold-v1.binpb)

if(NOT EXISTS ${BUF})
  message(FATAL_ERROR
    "buf is not installed: ${BUF} does not exist. Run deploy/install-deps.sh, which runs "
    "`npm ci` in proto/tools/; the contract tests cannot pass without it.")
endif()
# A stale install would check the contract with another version's rules.
file(READ ${TOOLS_DIR}/package.json _package)
string(JSON _pinned GET "${_package}" devDependencies @bufbuild/buf)
execute_process(COMMAND ${BUF} --version
  RESULT_VARIABLE _rc OUTPUT_VARIABLE _version ERROR_VARIABLE _error
  OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "`${BUF} --version` failed (${_rc}): ${_error}")
endif()
if(NOT _version STREQUAL _pinned)
  message(FATAL_ERROR
    "buf ${_version} is installed, but proto/tools/package.json pins ${_pinned}: "
    "run deploy/install-deps.sh")
endif()
if(NOT EXISTS ${IMAGE})
  message(FATAL_ERROR "${IMAGE} is missing: it is the contract that `buf breaking` compares with")
endif()

# Runs buf in `dir`; sets buf_rc and buf_out (stdout and stderr together).
function(run_buf dir)
  execute_process(COMMAND ${BUF} ${ARGN}
    WORKING_DIRECTORY ${dir}
    RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _out)
  set(buf_rc ${_rc} PARENT_SCOPE)
  set(buf_out "${_out}" PARENT_SCOPE)
endfunction()

# Fails unless the last run_buf exited 100 (buf's code for a report) and its report
# names each rule given: buf also exits 100 when a file does not compile, so the exit
# code alone would let a broken edit pass.
function(expect_found what)
  if(NOT buf_rc EQUAL 100)
    message(FATAL_ERROR "${what}: buf should have exited 100, but exited ${buf_rc}:\n${buf_out}")
  endif()
  foreach(_rule ${ARGN})
    string(FIND "${buf_out}" "\"type\":\"${_rule}\"" _at)
    if(_at EQUAL -1)
      message(FATAL_ERROR "${what}: buf did not report ${_rule}:\n${buf_out}")
    endif()
  endforeach()
endfunction()

# A scratch module: buf.yaml and the .proto files; buf must accept it unchanged, so any
# finding afterwards comes from the edit.
function(make_scratch_copy check)
  file(REMOVE_RECURSE ${WORK})
  file(MAKE_DIRECTORY ${WORK})
  file(COPY ${PROTO_DIR}/buf.yaml ${PROTO_DIR}/gadehold DESTINATION ${WORK})
  run_buf(${WORK} ${check})
  if(NOT buf_rc EQUAL 0)
    list(JOIN check " " _command)
    message(FATAL_ERROR "the unchanged scratch copy fails `buf ${_command}` (${buf_rc}):\n${buf_out}")
  endif()
endfunction()

if(MODE STREQUAL "lint")
  run_buf(${PROTO_DIR} lint)
  if(NOT buf_rc EQUAL 0)
    message(FATAL_ERROR
      "buf lint (STANDARD rules, proto/buf.yaml) failed with ${buf_rc}:\n${buf_out}\n"
      "Fix the names. Where a fix would change the wire, the JSON names or a name fixed by "
      "the architecture, add a narrow except or ignore_only to proto/buf.yaml with a comment "
      "that says why.")
  endif()

elseif(MODE STREQUAL "breaking")
  run_buf(${PROTO_DIR} breaking --against ${IMAGE})
  if(NOT buf_rc EQUAL 0)
    message(FATAL_ERROR
      "buf breaking (FILE rules) against proto/gadehold-v1.binpb failed with ${buf_rc}:\n"
      "${buf_out}\n"
      "gadehold.v1 only grows: add fields, messages and enum values; never delete, renumber, "
      "rename, retype or move them. Phones run old app versions for months. "
      "See \"The wire contract\" in docs/operations.md.")
  endif()

elseif(MODE STREQUAL "breaking_selftest")
  make_scratch_copy("breaking;--against;${IMAGE}")
  set(_file ${WORK}/gadehold/v1/envelope.proto)
  file(READ ${_file} _original)
  # The first field declaration in the file ("  ErrorCode code = 1;").
  string(REGEX MATCH "\n[ ]+[A-Za-z][A-Za-z0-9_.]* ([a-z][a-z0-9_]*) = ([0-9]+);" _decl "${_original}")
  if(NOT _decl)
    message(FATAL_ERROR "found no field declaration to break in ${_file}")
  endif()
  set(_field ${CMAKE_MATCH_1})
  set(_number ${CMAKE_MATCH_2})

  string(REPLACE "${_decl}" "" _deleted "${_original}")
  file(WRITE ${_file} "${_deleted}")
  run_buf(${WORK} breaking --against ${IMAGE} --error-format=json)
  expect_found("field ${_field} = ${_number} deleted" FIELD_NO_DELETE)

  # The highest field number protobuf allows, so nothing else in the message has it.
  string(REPLACE " = ${_number};" " = 536870911;" _renumbered_decl "${_decl}")
  string(REPLACE "${_decl}" "${_renumbered_decl}" _renumbered "${_original}")
  file(WRITE ${_file} "${_renumbered}")
  run_buf(${WORK} breaking --against ${IMAGE} --error-format=json)
  expect_found("field ${_field} renumbered from ${_number}" FIELD_NO_DELETE)
  message(STATUS "buf breaking caught field ${_field} = ${_number} deleted, and renumbered")

elseif(MODE STREQUAL "lint_selftest")
  make_scratch_copy(lint)
  file(APPEND ${WORK}/gadehold/v1/envelope.proto [=[

message lint_self_test {
  string badName = 1;
}

enum LintSelfTest {
  LINT_SELF_TEST_UNSPECIFIED = 0;
  UNPREFIXED = 1;
}
]=])
  run_buf(${WORK} lint --error-format=json)
  expect_found("badly named additions"
    MESSAGE_PASCAL_CASE FIELD_LOWER_SNAKE_CASE ENUM_VALUE_PREFIX)
  message(STATUS "buf lint caught a message, a field and an enum value named against the rules")

else()
  message(FATAL_ERROR "unknown MODE ${MODE}")
endif()
