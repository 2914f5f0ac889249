# Embeds schema/NNNN_name.sql into a generated C++ file at build time, so the binary
# carries its own migrations. The generated file lives in the build folder only.
set(_gadehold_embed_schema_dir ${CMAKE_CURRENT_LIST_DIR})
function(gadehold_embed_schema)
  cmake_parse_arguments(ARG "" "OUTPUT;DIR" "" ${ARGN})
  file(GLOB _sql CONFIGURE_DEPENDS ${ARG_DIR}/*.sql)
  list(SORT _sql)
  # The output depends on the list of files too, not only on the files: a file that is
  # removed (or renamed) re-runs the glob at the next build, which rewrites this list and
  # so regenerates the output. The list is left alone (and its time too) when it is the
  # same.
  string(REPLACE ";" "\n" _listed "${_sql}")
  set(_list ${ARG_OUTPUT}.files)
  file(WRITE ${_list}.tmp "${_listed}\n")
  file(COPY_FILE ${_list}.tmp ${_list} ONLY_IF_DIFFERENT)
  file(REMOVE ${_list}.tmp)
  add_custom_command(
    OUTPUT ${ARG_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -DSCHEMA_DIR=${ARG_DIR} -DOUTPUT=${ARG_OUTPUT}
            -P ${_gadehold_embed_schema_dir}/embed_schema_script.cmake
    DEPENDS ${_sql} ${_list} ${_gadehold_embed_schema_dir}/embed_schema_script.cmake
    COMMENT "Embedding schema migrations"
    VERBATIM)
endfunction()
