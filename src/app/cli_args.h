/* The command line of `cluster`, shared by wiredup and wiredup-mpi so that
 * the two programs accept exactly the same options (parsed by options.c,
 * the parser of every subcommand). */
#ifndef APP_CLI_ARGS_H
#define APP_CLI_ARGS_H

#include "options.h"

/* The thread count when --threads is not given: OMP_NUM_THREADS, or all
 * cores, capped at APP_MAX_THREADS like --threads (libgomp lays out each
 * team member's start data on the caller's stack: a team of 100,000
 * overflows 8 MiB and the run dies of SIGSEGV before any work). A capped
 * count is said on stderr when verbose, and made the default of every
 * later parallel region. */
int app_threads(int verbose);

/* Parses the options of `cluster` (argv[0] is "cluster"); the input files
 * are a->files. mpi: wiredup-mpi's (it takes --mpi-stats); verbose 0
 * prints nothing (MPI ranks other than 0). Returns 0, APP_HELP when the
 * help was printed, or 2 on a usage error. */
int app_parse_cluster(int argc, char **argv, app_args *a, int mpi, int verbose);

#endif
