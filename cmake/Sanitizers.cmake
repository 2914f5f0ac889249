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
