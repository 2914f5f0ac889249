# -DGADEHOLD_SANITIZE=ON builds every target with ASan and UBSan.
if(GADEHOLD_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# -DGADEHOLD_FUZZ=ON: every target gets libFuzzer's coverage instrumentation as well;
# only the fuzz targets link libFuzzer itself (tests/fuzz/CMakeLists.txt).
if(GADEHOLD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "GADEHOLD_FUZZ needs clang (-DCMAKE_CXX_COMPILER=clang++)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# clang 14 (Debian 12) fails on C++20 coroutines under UBSan at -O3 ("Cannot represent a
# difference across sections", in the coroutine frames Asio's awaitables make). The push
# client's two coroutine files are therefore built with ASan (and coverage) but without
# UBSan; every other file keeps both. Drop this with a clang that compiles them.
if((GADEHOLD_SANITIZE OR GADEHOLD_FUZZ) AND CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/server/net/push_client.cpp
                              ${CMAKE_CURRENT_SOURCE_DIR}/server/net/push_connection.cpp
                              PROPERTIES COMPILE_OPTIONS -fno-sanitize=undefined)
endif()
