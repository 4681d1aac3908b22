/* `wiredup index` (create, add, info, expire) and `wiredup dedup`: their
 * command lines (cli_index_args.c) for the code that runs them
 * (cli_index.c). */
#ifndef CLI_INDEX_H
#define CLI_INDEX_H

#include "options.h"

/* The commands; a->cmd after parsing. */
enum cli_index_cmd { CLI_CREATE, CLI_ADD, CLI_INFO, CLI_EXPIRE, CLI_DEDUP, CLI_N_CMDS };

/* Parses `wiredup index COMMAND IDX [OPTIONS] [FILE...]` (argv[0] is
 * "index") or `wiredup dedup [OPTIONS] [FILE...]` (argv[0] is "dedup")
 * into a, defaults filled in. Returns 0; -1 after the help was printed (exit
 * 0); or the exit status of a usage error, printed. */
int cli_index_args(int argc, char **argv, app_args *a);
int cli_dedup_args(int argc, char **argv, app_args *a);

int cli_index(int argc, char **argv);
int cli_dedup(int argc, char **argv);

#endif
