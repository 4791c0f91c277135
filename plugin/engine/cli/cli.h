/*
 * The command line: `newswire <command> [options]`. Each command is a
 * function returning the process's exit status (sysexits.h values), so only
 * main() exits and every command can be driven from tests.
 */
#ifndef NW_CLI_H
#define NW_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "config/config.h"

enum {
    NW_EXIT_OK = 0,
    NW_EXIT_FAILURE = 1,
    NW_EXIT_USAGE = 64,    /* bad command line, bad range */
    NW_EXIT_DATAERR = 65,  /* some input was rejected */
    NW_EXIT_NOINPUT = 66,  /* an input file could not be opened */
    NW_EXIT_SOFTWARE = 70, /* internal error */
    NW_EXIT_IOERR = 74,
    NW_EXIT_CONFIG = 78, /* invalid configuration */
};

int nw_cli_main(int argc, char **argv);

int nw_cmd_parse(int argc, char **argv);
int nw_cmd_run(int argc, char **argv);
int nw_cmd_replay(int argc, char **argv);
int nw_cmd_demo(int argc, char **argv);

/* Options every Kafka command shares, gathered before the configuration is
 * built so that precedence is file < environment < -b/-X whatever the order
 * on the command line. */
typedef struct nw_cli_config {
    const char *file; /* -c */
    const char **xs;  /* -X key=value, in order */
    int n_xs;
    const char *brokers; /* -b */
} nw_cli_config_t;

/* Takes the configuration options every command shares (-c FILE,
 * -b BROKERS, -X KEY=VALUE) from getopt: 1 when opt was one of them, 0 when
 * not, NW_ERR_NOMEM when out of memory. */
int nw_cli_config_option(nw_cli_config_t *cc, int opt, const char *arg);

/* Records -X key=value; returns 0 or NW_ERR_NOMEM. */
int nw_cli_config_add_x(nw_cli_config_t *cc, const char *kv);
void nw_cli_config_clear(nw_cli_config_t *cc);

/* Sets each -X key=value on cfg, in order. */
int nw_cli_config_apply_x(const nw_cli_config_t *cc, nw_config_t *cfg, nw_error_t *err);

/* Builds the configuration: defaults, then the file, the NEWSWIRE_*
 * environment, -b, then each -X. On error prints "newswire: <detail>" and
 * returns NULL. */
nw_config_t *nw_cli_config_build(const nw_cli_config_t *cc);

/* The default branch of every command's getopt loop, so that the options
 * the commands share behave alike: -h/--help prints usage on stdout and -V/
 * --version the version (both end the command with 0); -c, -b and -X go to cc
 * (nw_cli_config_option); anything else (getopt's '?' for an unknown option
 * or a missing argument) prints usage on stderr and ends with 64. A command
 * only ever sees the options its optstring and long options name. Returns
 * true when the command ends now, with its exit status in *status. */
bool nw_cli_common_option(nw_cli_config_t *cc, int opt, const char *arg,
                          void (*print_usage)(FILE *fp), int *status);

/* For a command that takes no operands, after its getopt loop: true, after
 * naming the first operand ("newswire: CMD: unexpected argument"), when one
 * is left (the command then exits with 64). */
bool nw_cli_unexpected_operand(const char *cmd, int argc, char **argv);

/* Logging as the configuration says (log.level, log.format). */
void nw_cli_log_setup(const nw_config_t *cfg);

/* Installs the SIGINT and SIGTERM handler and returns the flag it sets, which
 * the command hands to the loop as its stop flag: a signal ends the work
 * gracefully (output delivered, offsets committed, the summary printed),
 * never kills it. The flag starts cleared. */
volatile sig_atomic_t *nw_cli_stop_on_signals(void);

/* "newswire 0.1.0 (librdkafka 2.0.2, jansson 2.14, libcurl 7.88.1)". */
void nw_cli_print_version(void);

#endif
