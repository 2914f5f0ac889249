# Warnings are on for our own targets; generated protobuf code is compiled without them.
function(gadehold_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
endfunction()
