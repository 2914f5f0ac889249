# Embeds schema/NNNN_name.sql into a generated C++ file at build time, so the binary
# carries its own migrations. The generated file lives in the build folder only.
function(gadehold_embed_schema)
  cmake_parse_arguments(ARG "" "OUTPUT;DIR" "" ${ARGN})
  file(GLOB _sql CONFIGURE_DEPENDS ${ARG_DIR}/*.sql)
  list(SORT _sql)
  add_custom_command(
    OUTPUT ${ARG_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -DSCHEMA_DIR=${ARG_DIR} -DOUTPUT=${ARG_OUTPUT}
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_schema_script.cmake
    DEPENDS ${_sql} ${PROJECT_SOURCE_DIR}/cmake/embed_schema_script.cmake
    COMMENT "Embedding schema migrations"
    VERBATIM)
endfunction()
