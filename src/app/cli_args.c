/* The command line of `cluster`: the options it takes, its help, and the
 * checks once they are parsed (options.c parses them). */
#include "cli_args.h"

#include <omp.h>
#include <stdio.h>

#define CLUSTER_ABOUT \
"Cluster news articles into near-duplicate groups. FILE is a JSONL file\n" \
"(gzip, xz, bzip2, zstd or plain), '-' for stdin, or a directory of article\n" \
"files (one file per article, id = relative path, optional first line\n" \
"'date YYYY-MM-DD SECTION').\n" \
"Writes one row per article, in input order: id, cluster (the id of the\n" \
"cluster's representative), similarity (to the representative, 0..1).\n" \
"\n"

static const app_help_line cluster_help[] = {
	APP_HEADING("Input:"),
	APP_LINE(APP_O_ID_FIELD), APP_LINE(APP_O_TEXT_FIELD), APP_LINE(APP_O_TITLE_FIELD),
	APP_LINE(APP_O_DATE_FIELD), APP_LINE(APP_O_SOURCE_FIELD), APP_LINE(APP_O_MAX_BYTES),
	APP_LINE(APP_O_ON_ERROR), APP_LINE(APP_O_REJECTS),
	APP_HEADING("Boilerplate:"),
	APP_LINE(APP_O_BOILER_MIN), APP_LINE(APP_O_BOILER_FILE),
	APP_HEADING("Similarity:"),
	APP_LINE(APP_O_SHINGLE), APP_LINE(APP_O_NGRAM), APP_LINE(APP_O_NOISY),
	APP_LINE(APP_O_NUM_PERM), APP_LINE(APP_O_SEED), APP_LINE(APP_O_MEASURE),
	APP_LINE(APP_O_THRESHOLD), APP_LINE(APP_O_RATIO), APP_LINE(APP_O_BANDS),
	APP_LINE(APP_O_ROWS), APP_LINE(APP_O_VERIFY), APP_LINE(APP_O_MAX_BUCKET),
	APP_HEADING("Stories (same event, across outlets):"),
	APP_LINE(APP_O_STORIES), APP_LINE(APP_O_STORY_THRESHOLD), APP_LINE(APP_O_STORY_WINDOW),
	APP_LINE(APP_O_STORY_LINKAGE),
	APP_HEADING("Output:"),
	APP_LINE(APP_O_OUTPUT), APP_LINE(APP_O_FORMAT), APP_LINE(APP_O_THREADS),
	APP_LINE(APP_O_QUIET), APP_LINE(APP_O_HELP), APP_LINE(APP_O_MPI_STATS),
	{-1, NULL}};

#define CLUSTER_OPTS \
	(APP_OPT(APP_O_ID_FIELD) | APP_OPT(APP_O_TEXT_FIELD) | APP_OPT(APP_O_TITLE_FIELD) | \
	 APP_OPT(APP_O_DATE_FIELD) | APP_OPT(APP_O_SOURCE_FIELD) | APP_OPT(APP_O_MAX_BYTES) | \
	 APP_OPT(APP_O_ON_ERROR) | APP_OPT(APP_O_REJECTS) | APP_OPT(APP_O_BOILER_MIN) | \
	 APP_OPT(APP_O_BOILER_FILE) | APP_OPT(APP_O_SHINGLE) | APP_OPT(APP_O_NGRAM) | \
	 APP_OPT(APP_O_NOISY) | APP_OPT(APP_O_NUM_PERM) | APP_OPT(APP_O_SEED) | \
	 APP_OPT(APP_O_MEASURE) | APP_OPT(APP_O_THRESHOLD) | APP_OPT(APP_O_RATIO) | \
	 APP_OPT(APP_O_BANDS) | APP_OPT(APP_O_ROWS) | APP_OPT(APP_O_VERIFY) | \
	 APP_OPT(APP_O_MAX_BUCKET) | APP_OPT(APP_O_STORIES) | APP_OPT(APP_O_STORY_THRESHOLD) | \
	 APP_OPT(APP_O_STORY_WINDOW) | APP_OPT(APP_O_STORY_LINKAGE) | APP_OPT(APP_O_OUTPUT) | \
	 APP_OPT(APP_O_FORMAT) | APP_OPT(APP_O_THREADS) | APP_OPT(APP_O_QUIET))

static const app_command cluster_cmd = {
	"cluster", "wiredup cluster", CLUSTER_OPTS, 0,
	"Usage: wiredup cluster [OPTIONS] FILE...\n" CLUSTER_ABOUT, NULL, cluster_help};

static const app_command mpi_cluster_cmd = {
	"cluster", "wiredup-mpi cluster", CLUSTER_OPTS | APP_OPT(APP_O_MPI_STATS), 0,
	"Usage: mpirun -np N wiredup-mpi cluster [OPTIONS] FILE...\n" CLUSTER_ABOUT, NULL,
	cluster_help};

int app_threads(int verbose)
{
	int n = omp_get_max_threads();
	if (n <= APP_MAX_THREADS)
		return n;
	if (verbose)
		fprintf(stderr, "wiredup: OMP_NUM_THREADS asks for %d threads; using %d, the most "
		        "--threads allows\n", n, APP_MAX_THREADS);
	/* Also for any parallel region that is not given a count. */
	omp_set_num_threads(APP_MAX_THREADS);
	return APP_MAX_THREADS;
}

int app_parse_cluster(int argc, char **argv, app_args *a, int mpi, int verbose)
{
	const app_command *cmd = mpi ? &mpi_cluster_cmd : &cluster_cmd;
	int rc = app_parse(argc, argv, cmd, a, verbose);
	if (rc)
		return rc;
	if (!a->run.n_threads)
		a->run.n_threads = app_threads(verbose && !a->quiet);
	if (a->n_files == 0)
		return app_usage_error(cmd, verbose, "no input FILE (use '-' for stdin)");
	if ((rc = app_check_args(cmd, a, verbose)))
		return rc;
	a->run.progress = a->quiet ? 0 : app_progress_wanted();
	return 0;
}
