/* Options of `cluster`, shared by wiredup and wiredup-mpi so that the two
 * programs accept exactly the same command line. */
#ifndef WU_CLI_ARGS_H
#define WU_CLI_ARGS_H

#include "input.h"

typedef struct {
	wu_run run;
	const char *output, *rejects, *boiler_file;
	int format, quiet, boiler_min_docs;
	int mpi_stats; /* wiredup-mpi only */
} cluster_args;

/* Parses the options of `cluster` (argv[0] is "cluster"); the input files
 * are argv[optind..]. prog names the program in messages; mpi accepts
 * --mpi-stats; verbose 0 prints nothing (MPI ranks other than 0).
 * Returns 0, 1 when --help was printed, or 2 on a usage error. */
int wu_cli_parse_cluster(int argc, char **argv, cluster_args *a, const char *prog, int mpi,
                         int verbose);

#endif
