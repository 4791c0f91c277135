# The source lists of the build, written out by hand so that what gets built
# is what is listed here, not whatever a glob happens to find. Adding a file
# means adding one line to the list of its folder (kept sorted). To make a
# forgotten line fail loudly rather than leave a file silently unbuilt or a
# test silently never run, nw_check_listed() compares each list with what is
# on disk at configure time and stops with the missing or stale names.

# The engine's library, newswire_core: every plugin/*/*.c except the thin main
# (plugin/cli/main.c, the newswire executable) and plugin/examples/ (loadable
# enricher modules, built by plugin/examples/CMakeLists.txt).
set(NW_CORE_SOURCES
  # core
  plugin/core/buf.c
  plugin/core/clock.c
  plugin/core/error.c
  plugin/core/hash.c
  plugin/core/log.c
  plugin/core/sink.c
  plugin/core/utf8.c
  # config
  plugin/config/config.c
  plugin/config/config_keys.c
  # parse
  plugin/parse/article.c
  plugin/parse/charset.c
  plugin/parse/dates_i18n.c
  plugin/parse/envelope.c
  plugin/parse/html.c
  plugin/parse/html_content.c
  plugin/parse/html_content_size.c
  plugin/parse/html_entities.c
  plugin/parse/html_meta.c
  plugin/parse/html_score.c
  plugin/parse/html_tags.c
  plugin/parse/json_load.c
  plugin/parse/jsonld.c
  plugin/parse/meta_merge.c
  plugin/parse/text.c
  plugin/parse/timestamp.c
  plugin/parse/timestamp_parse.c
  plugin/parse/zones.c
  plugin/parse/zoneset.c
  # encode
  plugin/encode/identity.c
  plugin/encode/ninjs.c
  # dedupe
  plugin/dedupe/changelog.c
  plugin/dedupe/vstore.c
  # enrich
  plugin/enrich/dates.c
  plugin/enrich/entities.c
  plugin/enrich/entities_extract.c
  plugin/enrich/entities_gazetteer.c
  plugin/enrich/entities_names.c
  plugin/enrich/entities_orgs.c
  plugin/enrich/entities_people.c
  plugin/enrich/entities_sports.c
  plugin/enrich/entities_tokens.c
  plugin/enrich/host_run.c
  plugin/enrich/host_settings.c
  plugin/enrich/host_util.c
  plugin/enrich/http.c
  plugin/enrich/http_breaker.c
  plugin/enrich/http_cache.c
  plugin/enrich/http_engine.c
  plugin/enrich/http_settings.c
  plugin/enrich/lang.c
  plugin/enrich/neardup.c
  plugin/enrich/registry.c
  plugin/enrich/stats.c
  plugin/enrich/subjects.c
  # kafka
  plugin/kafka/kcheck.c
  plugin/kafka/kconf.c
  plugin/kafka/kfail.c
  plugin/kafka/kpos.c
  plugin/kafka/mock.c
  plugin/kafka/topics.c
  # pipeline
  plugin/pipeline/commit.c
  plugin/pipeline/counters.c
  plugin/pipeline/output.c
  plugin/pipeline/parts.c
  plugin/pipeline/process.c
  plugin/pipeline/produce.c
  plugin/pipeline/rebalance.c
  plugin/pipeline/runner.c
  plugin/pipeline/txn.c
  plugin/pipeline/workers.c
  # replay
  plugin/replay/progress.c
  plugin/replay/range.c
  plugin/replay/replay.c
  plugin/replay/spec.c
  plugin/replay/state.c
  # ops
  plugin/ops/httpd.c
  plugin/ops/metrics.c
  plugin/ops/rdstats.c
  # cli
  plugin/cli/cli.c
  plugin/cli/cmd_demo.c
  plugin/cli/cmd_parse.c
  plugin/cli/cmd_replay.c
  plugin/cli/cmd_run.c
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

nw_check_listed(WHAT "newswire_core" LISTED ${NW_CORE_SOURCES} plugin/cli/main.c
  PATTERNS ${PROJECT_SOURCE_DIR}/plugin/*.c EXCLUDE "^plugin/examples/")
