# Per-target defaults: warnings, and the sanitizers when NW_SANITIZE is on.
# Applied target by target instead of rewriting global flags, so a consumer of
# the library is not forced into our choices.
function(nw_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -Wstrict-prototypes
    -Wno-unused-parameter -Wformat=2 -Wno-format-nonliteral)
  if(NW_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(NW_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined
      -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()
