# Runs in script mode: writes OUTPUT with one byte array per file of the dashboard bundle in
# DIST_DIR, each with a strong ETag from its SHA-256. Without DIST_DIR the table is empty.
set(_names "")
if(DEFINED DIST_DIR)
  set(_names index.html index.html.gz app.js app.js.gz app.css app.css.gz sw.js sw.js.gz
    manifest.webmanifest manifest.webmanifest.gz icon-192.png icon-512.png icon-maskable-192.png
    icon-maskable-512.png apple-touch-icon.png favicon.ico)
endif()
set(_body "")
set(_table "")
set(_index 0)
foreach(_name ${_names})
  set(_file ${DIST_DIR}/${_name})
  if(NOT EXISTS ${_file})
    message(FATAL_ERROR "the dashboard bundle has no ${_file}")
  endif()
  file(READ ${_file} _hex HEX)
  file(SIZE ${_file} _size)
  file(SHA256 ${_file} _sha)
  string(SUBSTRING ${_sha} 0 32 _etag)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _bytes "${_hex}")
  string(APPEND _body "const unsigned char file_${_index}[] = {${_bytes} 0x00};\n")
  string(APPEND _table
    "    {\"${_name}\", {reinterpret_cast<const char*>(file_${_index}), ${_size}}, \"\\\"${_etag}\\\"\"},\n")
  math(EXPR _index "${_index} + 1")
endforeach()
if(_index EQUAL 0)
  set(_function "std::span<const EmbeddedFile> embedded_web_files() { return {}; }\n")
else()
  set(_function "std::span<const EmbeddedFile> embedded_web_files() {\n  static const EmbeddedFile all[] = {\n")
  string(APPEND _function "${_table}" "  };\n  return all;\n}\n")
endif()
file(WRITE ${OUTPUT}.tmp
"// Generated from the dashboard bundle by cmake/embed_web_script.cmake. Do not edit.\n"
"#include \"server/net/web_assets.hpp\"\n"
"namespace gadehold::net {\n"
"namespace {\n"
"${_body}"
"}  // namespace\n"
"${_function}"
"}  // namespace gadehold::net\n")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUTPUT}.tmp)
