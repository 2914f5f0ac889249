# Runs in script mode: writes OUTPUT with one byte array per migration file.
file(GLOB _sql ${SCHEMA_DIR}/*.sql)
list(SORT _sql)
set(_body "")
set(_table "")
set(_index 0)
foreach(_file ${_sql})
  get_filename_component(_name ${_file} NAME_WE)
  if(NOT _name MATCHES "^([0-9][0-9][0-9][0-9])_([a-z0-9_]+)$")
    message(FATAL_ERROR "schema file ${_file} is not named NNNN_name.sql")
  endif()
  math(EXPR _version "${CMAKE_MATCH_1}")
  file(READ ${_file} _hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _bytes "${_hex}")
  string(APPEND _body "const char migration_${_index}[] = {${_bytes} 0x00};\n")
  string(APPEND _table "  {${_version}, \"${_name}\", migration_${_index}},\n")
  math(EXPR _index "${_index} + 1")
endforeach()
file(WRITE ${OUTPUT}.tmp
"// Generated from schema/*.sql by cmake/embed_schema_script.cmake. Do not edit.\n"
"#include \"server/store/engine/migrations.hpp\"\n"
"namespace gadehold::store {\n"
"namespace {\n"
"${_body}"
"}  // namespace\n"
"const std::vector<Migration>& embedded_migrations() {\n"
"  static const std::vector<Migration> all = {\n"
"${_table}"
"  };\n"
"  return all;\n"
"}\n"
"}  // namespace gadehold::store\n")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUTPUT}.tmp)
