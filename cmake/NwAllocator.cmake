# The heap allocator of the programs that run the pipeline (newswire and the
# benchmarks that time it). jemalloc by default: with the worker pool and
# librdkafka's threads freeing what other threads allocated, glibc's malloc
# spent about a quarter of an at-least-once run's CPU in its arenas
# (_int_malloc, malloc_consolidate, unlink_chunk; bench/README.md, "The
# allocator"). An explicit switch, as NW_WITH_MHD is: a build meant to use
# jemalloc fails at configure time rather than quietly falling back.
#
#   NW_ALLOCATOR=jemalloc  link libjemalloc (Debian: libjemalloc-dev)
#   NW_ALLOCATOR=system    the C library's malloc
#
# The sanitizers bring their own allocator, so NW_SANITIZE builds always use
# the system one. The static library and the tests are not affected: only
# the executables given to nw_link_allocator().
set(NW_ALLOCATOR jemalloc CACHE STRING "Heap allocator of the newswire executable: jemalloc or system")
set_property(CACHE NW_ALLOCATOR PROPERTY STRINGS jemalloc system)

set(NW_ALLOCATOR_IN_USE system)
if(NW_ALLOCATOR STREQUAL "jemalloc" AND NOT NW_SANITIZE)
  pkg_check_modules(JEMALLOC IMPORTED_TARGET jemalloc)
  if(NOT JEMALLOC_FOUND)
    message(FATAL_ERROR "NW_ALLOCATOR is jemalloc but jemalloc was not found: install "
      "libjemalloc-dev (scripts/install-deps does), or configure with -DNW_ALLOCATOR=system")
  endif()
  set(NW_ALLOCATOR_IN_USE jemalloc)
elseif(NOT NW_ALLOCATOR STREQUAL "jemalloc" AND NOT NW_ALLOCATOR STREQUAL "system")
  message(FATAL_ERROR "NW_ALLOCATOR must be jemalloc or system, not '${NW_ALLOCATOR}'")
endif()
message(STATUS "newswire allocator: ${NW_ALLOCATOR_IN_USE}")

# Links target with the chosen allocator. jemalloc's malloc, free and the
# rest then serve the whole process: librdkafka, jansson and enricher
# plugins included.
function(nw_link_allocator target)
  if(NW_ALLOCATOR_IN_USE STREQUAL "jemalloc")
    target_link_libraries(${target} PRIVATE PkgConfig::JEMALLOC)
  endif()
endfunction()
