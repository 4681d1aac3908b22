/* Options of `cluster`, shared by wiredup and wiredup-mpi so that the two
 * programs accept exactly the same command line. */
#ifndef APP_CLI_ARGS_H
#define APP_CLI_ARGS_H

#include "input.h"

typedef struct {
	app_run run;
	const char *output, *rejects, *boiler_file;
	int format, quiet, boiler_min_docs;
	int mpi_stats; /* wiredup-mpi only */
	int threads_given; /* --threads was given */
} cluster_args;

/* The most threads a run takes (--threads 1..APP_MAX_THREADS). */
#define APP_MAX_THREADS 1024

/* The thread count when --threads is not given: OMP_NUM_THREADS, or all
 * cores, capped at APP_MAX_THREADS like --threads (libgomp lays out each
 * team member's start data on the caller's stack: a team of 100,000
 * overflows 8 MiB and the run dies of SIGSEGV before any work). A capped
 * count is said on stderr when verbose, and made the default of every
 * later parallel region. */
int app_threads(int verbose);

/* Parses the options of `cluster` (argv[0] is "cluster"); the input files
 * are argv[optind..]. prog names the program in messages; mpi accepts
 * --mpi-stats; verbose 0 prints nothing (MPI ranks other than 0).
 * Returns 0, 1 when --help was printed, or 2 on a usage error. */
int app_parse_cluster(int argc, char **argv, cluster_args *a, const char *prog, int mpi,
                         int verbose);

/* Option values, shared by every subcommand's parser so ranges read the
 * same: a whole number in lo..hi, or a fraction in (0, 1]. 0, or -1 when s
 * is not one. */
int app_parse_long(const char *s, long lo, long hi, long *v);
int app_parse_fraction(const char *s, double *v);

#endif
