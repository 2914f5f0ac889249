# The team leads' dashboard (web/) is built into ${CMAKE_BINARY_DIR}/web/dist at build time
# and embedded into the binary as byte arrays, so a deployment stays one file. npm ci
# installs web/node_modules when package.json or package-lock.json changed; then
# web/build.mjs writes index.html, app.js, app.css, sw.js and manifest.webmanifest, each with
# a gzip twin, and the icons (web/icons.mjs draws them; PNG needs no twin). The generated
# C++ file lives in the build folder only. With GADEHOLD_WEB=OFF the table is empty and the
# server answers / with 404.
function(gadehold_web_assets)
  cmake_parse_arguments(ARG "" "OUTPUT" "" ${ARGN})
  set(_script ${PROJECT_SOURCE_DIR}/cmake/embed_web_script.cmake)
  if(NOT GADEHOLD_WEB)
    add_custom_command(
      OUTPUT ${ARG_OUTPUT}
      COMMAND ${CMAKE_COMMAND} -DOUTPUT=${ARG_OUTPUT} -P ${_script}
      DEPENDS ${_script}
      COMMENT "Embedding no dashboard (GADEHOLD_WEB=OFF)"
      VERBATIM)
    return()
  endif()

  find_program(GADEHOLD_NODE node)
  find_program(GADEHOLD_NPM npm)
  if(NOT GADEHOLD_NODE OR NOT GADEHOLD_NPM)
    message(FATAL_ERROR
      "The dashboard (web/) needs node and npm at build time, and they were not found on PATH. "
      "deploy/install-deps.sh installs them. To build without the dashboard, configure with "
      "-DGADEHOLD_WEB=OFF.")
  endif()

  set(_web ${PROJECT_SOURCE_DIR}/web)
  set(_dist ${CMAKE_BINARY_DIR}/web/dist)
  set(_stamp ${CMAKE_BINARY_DIR}/web/npm-ci.stamp)

  # web/node_modules is shared by every build folder (and by the browser tests), so npm ci
  # runs only when npm's own record of the install is older than the lock file: an
  # unconditional npm ci would delete node_modules under another build's feet.
  add_custom_command(
    OUTPUT ${_stamp}
    COMMAND ${CMAKE_COMMAND} -DNPM=${GADEHOLD_NPM} -DWEB_DIR=${_web} -DSTAMP=${_stamp}
            -P ${PROJECT_SOURCE_DIR}/cmake/npm_ci_script.cmake
    DEPENDS ${_web}/package.json ${_web}/package-lock.json ${PROJECT_SOURCE_DIR}/cmake/npm_ci_script.cmake
    COMMENT "Installing the dashboard's npm packages (npm ci in web/)"
    VERBATIM)
  # A target to run this step alone (tests/build/makefiles_test.cmake does, with Unix
  # Makefiles). A normal build does not use it: gadehold_lib's source
  # web_assets_embedded.cpp depends on the stamp through the bundle.
  add_custom_target(gadehold_web_packages DEPENDS ${_stamp})

  file(GLOB_RECURSE _sources CONFIGURE_DEPENDS ${_web}/src/*)
  file(GLOB _protos CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/proto/gadehold/v1/*.proto)
  set(_files "")
  foreach(_name index.html app.js app.css sw.js manifest.webmanifest)
    list(APPEND _files ${_dist}/${_name} ${_dist}/${_name}.gz)
  endforeach()
  foreach(_name icon-192.png icon-512.png icon-maskable-192.png icon-maskable-512.png apple-touch-icon.png
          favicon.ico)
    list(APPEND _files ${_dist}/${_name})
  endforeach()
  add_custom_command(
    OUTPUT ${_files}
    BYPRODUCTS ${_dist}/gen/proto.js ${_dist}/gen/proto.cjs ${_dist}/gen/proto.d.ts
    COMMAND ${GADEHOLD_NODE} ${_web}/build.mjs --out ${_dist}
    DEPENDS ${_stamp} ${_web}/build.mjs ${_web}/icons.mjs ${_web}/tsconfig.json ${_sources} ${_protos}
    WORKING_DIRECTORY ${_web}
    COMMENT "Building the dashboard (web/build.mjs)"
    VERBATIM)

  add_custom_command(
    OUTPUT ${ARG_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -DDIST_DIR=${_dist} -DOUTPUT=${ARG_OUTPUT} -P ${_script}
    DEPENDS ${_files} ${_script}
    COMMENT "Embedding the dashboard"
    VERBATIM)
  set(GADEHOLD_WEB_DIST_DIR ${_dist} PARENT_SCOPE)
endfunction()
