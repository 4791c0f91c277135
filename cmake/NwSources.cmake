# The source lists of the build, written out by hand so that what gets built
# is what is listed here, not whatever a glob happens to find. Adding a file
# means adding one line to the list of its folder (kept sorted). To make a
# forgotten line fail loudly rather than leave a file silently unbuilt or a
# test silently never run, nw_check_listed() compares each list with what is
# on disk at configure time and stops with the missing or stale names.

# The engine's library, newswire_core: every plugin/engine/*/*.c and the
# built-in enrichers (plugin/enrichers/*.c) except the thin main
# (plugin/engine/cli/main.c, the newswire executable) and
# plugin/enrichers/examples/ (loadable enricher modules, built by
# plugin/enrichers/examples/CMakeLists.txt).
set(NW_CORE_SOURCES
  # core
  plugin/engine/core/buf.c
  plugin/engine/core/cpu.c
  plugin/engine/core/clock.c
  plugin/engine/core/error.c
  plugin/engine/core/hash.c
  plugin/engine/core/log.c
  plugin/engine/core/scratch.c
  plugin/engine/core/simhash_count.c
  plugin/engine/core/simhash_words.c
  plugin/engine/core/sink.c
  plugin/engine/core/utf8.c
  # config
  plugin/engine/config/config.c
  plugin/engine/config/config_keys.c
  # parse
  plugin/engine/parse/article.c
  plugin/engine/parse/charset.c
  plugin/engine/parse/dates_i18n.c
  plugin/engine/parse/envelope.c
  plugin/engine/parse/html.c
  plugin/engine/parse/html_content.c
  plugin/engine/parse/html_content_size.c
  plugin/engine/parse/html_entities.c
  plugin/engine/parse/html_meta.c
  plugin/engine/parse/html_score.c
  plugin/engine/parse/html_tags.c
  plugin/engine/parse/json_load.c
  plugin/engine/parse/jsonld.c
  plugin/engine/parse/meta_merge.c
  plugin/engine/parse/meta_text.c
  plugin/engine/parse/text.c
  plugin/engine/parse/timestamp.c
  plugin/engine/parse/timestamp_parse.c
  plugin/engine/parse/zones.c
  plugin/engine/parse/zoneset.c
  # encode
  plugin/engine/encode/body_run.c
  plugin/engine/encode/identity.c
  plugin/engine/encode/ninjs.c
  plugin/engine/encode/ninjs_dump.c
  plugin/engine/encode/ninjs_tree.c
  # dedupe
  plugin/engine/dedupe/changelog.c
  plugin/engine/dedupe/vstore.c
  # enrich (the enricher host)
  plugin/engine/enrich/host_run.c
  plugin/engine/enrich/host_settings.c
  plugin/engine/enrich/registry.c
  # enrichers (the built-in enrichers)
  plugin/enrichers/dates.c
  plugin/enrichers/dates_scan.c
  plugin/enrichers/entities.c
  plugin/enrichers/entities_arena.c
  plugin/enrichers/entities_extract.c
  plugin/enrichers/entities_gazetteer.c
  plugin/enrichers/entities_names.c
  plugin/enrichers/entities_orgs.c
  plugin/enrichers/entities_people.c
  plugin/enrichers/entities_lists.c
  plugin/enrichers/entities_orgmerge.c
  plugin/enrichers/entities_sports.c
  plugin/enrichers/entities_tokens.c
  plugin/enrichers/entities_words_walk.c
  plugin/enrichers/http.c
  plugin/enrichers/http_breaker.c
  plugin/enrichers/http_cache.c
  plugin/enrichers/http_engine.c
  plugin/enrichers/http_settings.c
  plugin/enrichers/lang.c
  plugin/enrichers/neardup.c
  plugin/enrichers/splat.c
  plugin/enrichers/stats.c
  plugin/enrichers/subjects.c
  plugin/enrichers/toolkit.c
  plugin/enrichers/words_share.c
  # kafka
  plugin/engine/kafka/kcheck.c
  plugin/engine/kafka/kconf.c
  plugin/engine/kafka/kfail.c
  plugin/engine/kafka/kpos.c
  plugin/engine/kafka/mock.c
  plugin/engine/kafka/topics.c
  # pipeline
  plugin/engine/pipeline/commit.c
  plugin/engine/pipeline/counters.c
  plugin/engine/pipeline/output.c
  plugin/engine/pipeline/parts.c
  plugin/engine/pipeline/process.c
  plugin/engine/pipeline/process_staged.c
  plugin/engine/pipeline/produce.c
  plugin/engine/pipeline/rebalance.c
  plugin/engine/pipeline/runner.c
  plugin/engine/pipeline/txn.c
  plugin/engine/pipeline/workers.c
  # replay
  plugin/engine/replay/progress.c
  plugin/engine/replay/range.c
  plugin/engine/replay/replay.c
  plugin/engine/replay/spec.c
  plugin/engine/replay/state.c
  # ops
  plugin/engine/ops/httpd.c
  plugin/engine/ops/metrics.c
  plugin/engine/ops/rdstats.c
  # cli
  plugin/engine/cli/cli.c
  plugin/engine/cli/cmd_demo.c
  plugin/engine/cli/cmd_parse.c
  plugin/engine/cli/cmd_replay.c
  plugin/engine/cli/cmd_run.c
)
list(TRANSFORM NW_CORE_SOURCES PREPEND ${PROJECT_SOURCE_DIR}/)

# nw_check_listed(WHAT <name> LISTED <files...> PATTERNS <globs...> [EXCLUDE <regex>])
# Fails the configure step when a file matching one of PATTERNS (relative to
# the source root) is not in LISTED, or a LISTED file does not exist. LISTED
# may hold absolute paths or paths relative to the source root.
function(nw_check_listed)
  cmake_parse_arguments(ARG "" "WHAT;EXCLUDE" "LISTED;PATTERNS" ${ARGN})
  set(listed "")
  foreach(f IN LISTS ARG_LISTED)
    if(IS_ABSOLUTE ${f})
      file(RELATIVE_PATH rel ${PROJECT_SOURCE_DIR} ${f})
      list(APPEND listed ${rel})
    else()
      list(APPEND listed ${f})
    endif()
  endforeach()
  # CONFIGURE_DEPENDS: a file added or removed later re-runs the check at the
  # next build, so the error appears without a manual re-configure.
  file(GLOB_RECURSE found CONFIGURE_DEPENDS LIST_DIRECTORIES false
       RELATIVE ${PROJECT_SOURCE_DIR} ${ARG_PATTERNS})
  if(ARG_EXCLUDE)
    list(FILTER found EXCLUDE REGEX "${ARG_EXCLUDE}")
  endif()
  set(missing ${found})
  list(REMOVE_ITEM missing ${listed})
  set(stale "")
  foreach(f IN LISTS listed)
    if(NOT EXISTS ${PROJECT_SOURCE_DIR}/${f})
      list(APPEND stale ${f})
    endif()
  endforeach()
  if(missing OR stale)
    set(text "${ARG_WHAT}: the source lists and the tree disagree.")
    if(missing)
      list(JOIN missing "\n  " names)
      string(APPEND text "\nOn disk but not listed (add them to ${CMAKE_CURRENT_LIST_FILE}):\n  ${names}")
    endif()
    if(stale)
      list(JOIN stale "\n  " names)
      string(APPEND text "\nListed but not on disk (remove them from ${CMAKE_CURRENT_LIST_FILE}):\n  ${names}")
    endif()
    message(FATAL_ERROR "${text}")
  endif()
endfunction()

nw_check_listed(WHAT "newswire_core" LISTED ${NW_CORE_SOURCES} plugin/engine/cli/main.c
  PATTERNS ${PROJECT_SOURCE_DIR}/plugin/*.c EXCLUDE "^plugin/enrichers/examples/")
