# `gadehold --version` prints the version and the git revision of the build. The
# revision is read at build time, not only at configure time, so a rebuild after a
# commit reports the new one; version.cpp is rewritten only when its text changes.
# Outside a checkout the revision is "unknown"; with uncommitted changes it ends in
# "-dirty".
function(gadehold_version_source OUT)
  add_custom_target(gadehold_version
    BYPRODUCTS ${OUT}
    COMMAND ${CMAKE_COMMAND}
      -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
      -DTEMPLATE=${PROJECT_SOURCE_DIR}/server/core/version.cpp.in
      -DOUT=${OUT}
      -DPROJECT_VERSION=${PROJECT_VERSION}
      -P ${PROJECT_SOURCE_DIR}/cmake/WriteVersion.cmake
    COMMENT "Reading the git revision"
    VERBATIM)
endfunction()
