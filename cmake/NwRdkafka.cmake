# Finds librdkafka (PkgConfig::RDKAFKA) and insists on a version newswire can
# rely on: 2.6.1 or later, the first whose SCRAM client-final message Kafka 4
# accepts (older clients fail SASL/SCRAM against the broker scripts/kafka-local
# and docker/compose.yml run).
#
# Where the distribution's librdkafka is older (Debian 12 ships 2.0.2),
# scripts/install-deps builds Debian 13's librdkafka into a prefix of the
# project's; NW_RDKAFKA_PREFIX names it, and when it holds a librdkafka it is
# searched before the system. Binaries then carry that prefix's lib directory
# as RPATH, in the build tree and when installed, so they load the library they
# were compiled against rather than the older system copy.

set(NW_RDKAFKA_MIN_VERSION 2.6.1)

if(DEFINED ENV{NEWSWIRE_RDKAFKA_PREFIX})
  set(_nw_rdkafka_default "$ENV{NEWSWIRE_RDKAFKA_PREFIX}")
elseif(DEFINED ENV{XDG_CACHE_HOME})
  set(_nw_rdkafka_default "$ENV{XDG_CACHE_HOME}/newswire/librdkafka-2.8.0-1")
else()
  set(_nw_rdkafka_default "$ENV{HOME}/.cache/newswire/librdkafka-2.8.0-1")
endif()
set(NW_RDKAFKA_PREFIX "${_nw_rdkafka_default}" CACHE PATH
    "librdkafka built by scripts/install-deps; preferred over the system's when present")

set(_nw_rdkafka_private OFF)
if(NW_RDKAFKA_PREFIX AND EXISTS "${NW_RDKAFKA_PREFIX}/lib/pkgconfig/rdkafka.pc")
  set(_nw_rdkafka_private ON)
  # pkg_check_modules searches CMAKE_PREFIX_PATH before PKG_CONFIG_PATH's
  # defaults, so the project's prefix wins over /usr.
  list(PREPEND CMAKE_PREFIX_PATH "${NW_RDKAFKA_PREFIX}")
  # A build tree configured before the prefix existed cached the system's
  # librdkafka, and pkg_check_modules does not look again on its own.
  if(DEFINED RDKAFKA_LIBDIR AND NOT RDKAFKA_LIBDIR STREQUAL "${NW_RDKAFKA_PREFIX}/lib")
    unset(__pkg_config_checked_RDKAFKA CACHE)
  endif()
endif()

pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka)

if(RDKAFKA_VERSION VERSION_LESS NW_RDKAFKA_MIN_VERSION)
  message(FATAL_ERROR
    "librdkafka ${RDKAFKA_VERSION} found (${RDKAFKA_LIBDIR}); newswire needs "
    ">= ${NW_RDKAFKA_MIN_VERSION} (SASL/SCRAM against Kafka 4). Run scripts/install-deps, "
    "which builds one into ${NW_RDKAFKA_PREFIX}, or set NW_RDKAFKA_PREFIX to another.")
endif()

if(_nw_rdkafka_private)
  if(NOT RDKAFKA_LIBDIR STREQUAL "${NW_RDKAFKA_PREFIX}/lib")
    message(FATAL_ERROR "NW_RDKAFKA_PREFIX is ${NW_RDKAFKA_PREFIX} but pkg-config found "
                        "librdkafka in ${RDKAFKA_LIBDIR}")
  endif()
  # Installed binaries look in the prefix first; the build tree gets the same
  # path from CMake's own build RPATH (the library is linked by full path).
  list(APPEND CMAKE_INSTALL_RPATH "${RDKAFKA_LIBDIR}")
  message(STATUS "librdkafka ${RDKAFKA_VERSION} from ${NW_RDKAFKA_PREFIX} (RPATH)")
else()
  message(STATUS "librdkafka ${RDKAFKA_VERSION} from the system (${RDKAFKA_LIBDIR})")
endif()
