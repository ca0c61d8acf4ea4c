# Compiler flags shared by every pietune target: warnings, optional -Werror and sanitizers.
add_library(pietune_flags INTERFACE)
target_compile_options(pietune_flags INTERFACE -Wall -Wextra -Wpedantic)
# GCC 12 reports -Wrestrict false positives inside std::string at -O3 (GCC bug 105329).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(pietune_flags INTERFACE -Wno-restrict)
endif()
if(PIETUNE_WERROR)
  target_compile_options(pietune_flags INTERFACE -Werror)
endif()
if(PIETUNE_SANITIZE)
  target_compile_options(pietune_flags INTERFACE -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(pietune_flags INTERFACE -fsanitize=address,undefined)
endif()
