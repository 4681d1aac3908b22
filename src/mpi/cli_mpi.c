/* wiredup-mpi: `wiredup cluster` across MPI ranks, with output byte for
 * byte the single process's (any number of ranks, any threads per rank).
 *
 *   mpirun -np N wiredup-mpi cluster [the options of wiredup cluster] FILE...
 *
 * The phases and who holds what are described in mpi_wu.h. Options are
 * parsed by the same code as wiredup's (cli_args.c), by rank 0 first, so
 * that only one rank reports a usage error. */
#include "cli_args.h"
#include "mpi_wu.h"
#include "outfile.h"

#include <errno.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* Rank 0's clock at the phase boundaries (each ends in a collective). */
enum { T_PLAN, T_STATS, T_SKETCH, T_COMMIT, T_CLUSTER, T_STORIES, T_WRITE, T_N };

typedef struct {
	app_args *a;
	wmpi *m;
	wmpi_plan plan;
	wmpi_sigs sigs;
	wmpi_log log;
	wmpi_commit commit;
	wu_clusters cl;
	wmpi_mdf *df;
	app_outfile out, rej; /* rank 0's -o and --rejects, open from the start */
	uint32_t *story_rep;
	size_t n_stories;
	double t[T_N];
} job;

static void summary(const job *j, double total)
{
	const app_args *a = j->a;
	const wu_clusters *cl = &j->cl;
	const double *t = j->t;
	fprintf(stderr,
	        "wiredup: %zu articles, %zu clusters, %zu duplicates, %zu rejected, "
	        "%zu invalid UTF-8 bytes replaced\n",
	        cl->n, cl->n_clusters, cl->n - cl->n_clusters, j->commit.n_rejected,
	        j->commit.n_invalid);
	fprintf(stderr,
	        "wiredup: LSH %d bands x %d rows (tuned for Jaccard %.3f), %zu candidate pairs, "
	        "%zu linked\n",
	        cl->bands, cl->rows, wu_opt_lsh_threshold(&a->run.opt), cl->n_candidates, cl->n_linked);
	if (a->run.boiler)
		fprintf(stderr, "wiredup: %zu boilerplate lines left out\n", a->run.n_boiler_lines);
	if (a->run.opt.stories)
		fprintf(stderr, "wiredup: %zu stories (%.3f s)\n", j->n_stories, t[T_STORIES]);
	fprintf(stderr,
	        "wiredup: seconds: input %.3f, first pass %.3f, sketch %.3f, commit %.3f, bucket %.3f, "
	        "verify %.3f, cluster %.3f, write %.3f, total %.3f (%d ranks x %d threads)\n",
	        t[T_PLAN], t[T_STATS], t[T_SKETCH], t[T_COMMIT], cl->seconds_bucket,
	        cl->seconds_verify, cl->seconds_union, t[T_WRITE], total, j->m->size,
	        a->run.n_threads);
}

/* Rank 0's temporary files (-o, --rejects) while the job runs: an
 * interrupted job (mpirun turns Ctrl-C into SIGTERM for every rank) removes
 * them. The program's only global: a handler can reach nothing else. */
static char temp_output[2][4096];

static void on_signal(int sig)
{
	for (int i = 0; i < 2; i++)
		if (temp_output[i][0])
			unlink(temp_output[i]);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Guards the temporary files of j's outputs (none: the handlers go). */
static void guard_temp(const job *j)
{
	const char *tmp[2] = {j ? j->out.tmp : NULL, j ? j->rej.tmp : NULL};
	for (int i = 0; i < 2; i++)
		snprintf(temp_output[i], sizeof temp_output[i], "%s", tmp[i] ? tmp[i] : "");
	int any = tmp[0] || tmp[1];
	signal(SIGINT, any ? on_signal : SIG_DFL);
	signal(SIGTERM, any ? on_signal : SIG_DFL);
}

/* Rank 0 writes the results to the output opened at the start, then
 * commits --rejects and the output (outfile.h: a regular file is replaced
 * whole, a device or FIFO written in place); every step is checked. */
static int write_output(job *j)
{
	char err[512];
	int rc = app_write_results(j->out.f, j->a->format, j->commit.corpus, &j->cl, j->story_rep);
	if (rc) {
		fprintf(stderr, "wiredup: writing output: %s: %s\n",
		        j->out.name ? j->out.name : "standard output", strerror(errno));
		return 1;
	}
	if (app_outfile_commit_pair(&j->out, &j->rej, err, sizeof err)) {
		fprintf(stderr, "wiredup: %s\n", err);
		return 1;
	}
	return 0;
}

/* Rank 0: stories (not partitioned: they need every profile) and the
 * output. An exit status. */
static int finish(job *j)
{
	int rc = 1;
	double t0 = MPI_Wtime();
	if (j->a->run.opt.stories) {
		j->story_rep = malloc((j->cl.n ? j->cl.n : 1) * sizeof *j->story_rep);
		if (!j->story_rep || wu_stories(j->commit.corpus, &j->cl, &j->a->run.opt,
		                                j->a->run.n_threads, j->story_rep, &j->n_stories)) {
			fprintf(stderr, "wiredup: out of memory while clustering\n");
			return 1;
		}
	}
	double t1 = MPI_Wtime();
	j->t[T_STORIES] = t1 - t0;
	rc = write_output(j);
	j->t[T_WRITE] = MPI_Wtime() - t1;
	return rc;
}

/* --mpi-stats: one line a rank, printed by rank 0 in rank order. */
static void mpi_stats(const job *j)
{
	const wmpi *m = j->m;
	char line[512];
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	uint64_t recs = 0, total = 0;
	for (size_t i = 0; i < j->plan.n_seg; i++)
		if (j->plan.seg[i].owner == m->rank)
			recs += j->plan.seg[i].n_rec;
	for (int p = 0; p < PH_N; p++)
		total += m->sent[p];
	snprintf(line, sizeof line,
	         "wiredup: rank %d: %llu records, %zu articles, peak RSS %.1f MiB, sent %llu bytes "
	         "(input %llu, first pass %llu, commit %llu, bands %llu, pairs %llu, signatures %llu, "
	         "cluster %llu)",
	         m->rank, (unsigned long long)recs, j->sigs.n, (double)ru.ru_maxrss / 1024.0,
	         (unsigned long long)total, (unsigned long long)m->sent[PH_INPUT],
	         (unsigned long long)m->sent[PH_STATS], (unsigned long long)m->sent[PH_COMMIT],
	         (unsigned long long)m->sent[PH_BANDS], (unsigned long long)m->sent[PH_PAIRS],
	         (unsigned long long)m->sent[PH_FETCH], (unsigned long long)m->sent[PH_CLUSTER]);
	char *all = m->rank == 0 ? malloc((size_t)m->size * sizeof line) : NULL;
	MPI_Gather(line, (int)sizeof line, MPI_CHAR, all, (int)sizeof line, MPI_CHAR, 0,
	           MPI_COMM_WORLD);
	for (int r = 0; all && r < m->size; r++)
		fprintf(stderr, "%s\n", all + (size_t)r * sizeof line);
	free(all);
}

/* The phases; every rank runs them. An exit status. */
static int run_phases(job *j, char **files, int n_files)
{
	wmpi *m = j->m;
	app_args *a = j->a;
	wmpi_pass_args pa = {&a->run, NULL, a->boiler_min_docs, a->boiler_file};
	int two_pass = a->boiler_min_docs > 0 || a->run.opt.stories;
	double t = MPI_Wtime(), t0 = t;
#define PHASE(call, slot)                                  \
	do {                                                   \
		int prc_ = (call);                                 \
		if (wmpi_check(m) || prc_)                       \
			return 1;                                      \
		double now_ = MPI_Wtime();                         \
		j->t[slot] = now_ - t;                             \
		t = now_;                                          \
	} while (0)
	PHASE(wmpi_plan_inputs(m, &j->plan, files, n_files, two_pass, a->run.max_bytes,
	                     j->rej.f != NULL), T_PLAN);
	PHASE(wmpi_stats_pass(m, &j->plan, &pa), T_STATS);
	j->df = pa.df;
	if (a->run.boiler)
		a->run.n_boiler_lines = wu_boiler_size(a->run.boiler);
	PHASE(wmpi_sketch_pass(m, &j->plan, &pa, &j->sigs, &j->log), T_SKETCH);
	PHASE(wmpi_commit_records(m, &j->plan, &a->run, j->rej.f, &j->sigs, &j->log, &j->commit),
	      T_COMMIT);
	if (j->commit.stop)
		return 1; /* --on-error fail: rank 0 named the first bad record */
	PHASE(wmpi_cluster(m, &j->plan, &a->run.opt, a->run.n_threads, &j->sigs,
	                     j->commit.corpus, &j->cl), T_CLUSTER);
#undef PHASE
	int rc = m->rank == 0 ? finish(j) : 0;
	MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
	if (rc == 0 && m->rank == 0 && !a->quiet)
		summary(j, MPI_Wtime() - t0);
	if (a->mpi_stats)
		mpi_stats(j);
	return rc;
}

/* A descriptor past stdin/stdout/stderr named as a path (/dev/fd/63 from
 * the shell's <(cmd) or >(cmd)): mpirun passes no such descriptor to the
 * ranks, and the same number in rank 0 may be one of MPI's own, so it is
 * refused by name (exit 2) rather than read or written. */
static int shell_descriptor(const char *path, const char *what)
{
	if (!path || app_path_descriptor(path) <= 2)
		return 0;
	fprintf(stderr, "wiredup: %s %s: a descriptor of the shell, which mpirun does not pass "
	                "to the ranks; use a named FIFO (mkfifo) or '-'\n", what, path);
	return 1;
}

/* Rank 0 opens -o and --rejects before any input is read (a refused or
 * unwritable name costs nothing); every rank gets the exit status. */
static int open_outputs(job *j, char **files, int n_files)
{
	char err[1024];
	int rc = 0;
	for (int i = 0; j->m->rank == 0 && i < n_files; i++)
		if (shell_descriptor(files[i], "input"))
			rc = 2;
	if (j->m->rank == 0 && (shell_descriptor(j->a->output, "-o") ||
	                        shell_descriptor(j->a->rejects, "--rejects")))
		rc = 2;
	if (j->m->rank == 0 && rc == 0) {
		rc = app_outfile_open_pair(&j->out, j->a->output, &j->rej, j->a->rejects, files, n_files,
		                          err, sizeof err);
		if (rc)
			fprintf(stderr, "wiredup: %s\n", err);
		else
			guard_temp(j);
	}
	MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
	return rc;
}

static int cmd_cluster(wmpi *m, int argc, char **argv)
{
	app_args a;
	int rc = m->rank == 0 ? app_parse_cluster(argc, argv, &a, 1, 1) : 0;
	MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
	if (rc)
		return rc == 1 ? 0 : 2;
	if (m->rank != 0) /* succeeds: rank 0's did */
		app_parse_cluster(argc, argv, &a, 1, 0);
	a.run.progress = 0; /* ranks report by phase, not by batch */
	job j;
	memset(&j, 0, sizeof j);
	j.a = &a, j.m = m;
	rc = open_outputs(&j, a.files, a.n_files);
	if (rc == 0)
		rc = run_phases(&j, a.files, a.n_files);
	guard_temp(NULL);
	app_outfile_abort(&j.rej);
	app_outfile_abort(&j.out);
	if (j.df)
		wu__counter_free(&j.df->count);
	free(j.df);
	wu_boiler_free(a.run.boiler);
	wmpi_plan_free(&j.plan);
	wmpi_sigs_free(&j.sigs);
	wmpi_log_free(&j.log);
	wu_clusters_free(&j.cl);
	wu_corpus_free(j.commit.corpus);
	free(j.story_rep);
	return rc;
}

int main(int argc, char **argv)
{
	int provided;
	MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
	/* A full disk or a file-size limit must be an error we report and
	 * clean up after, not a silent kill. */
	signal(SIGXFSZ, SIG_IGN);
	wmpi m;
	int rc = 2;
	if (wmpi_init(&m)) {
		fprintf(stderr, "wiredup: out of memory\n");
		MPI_Abort(MPI_COMM_WORLD, 1);
	}
	if (argc >= 2 && !strcmp(argv[1], "cluster")) {
		rc = cmd_cluster(&m, argc - 1, argv + 1);
	} else if (argc >= 2 && (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version"))) {
		if (m.rank == 0)
			printf("wiredup-mpi %s\n", WU_VERSION);
		rc = 0;
	} else if (m.rank == 0) {
		fprintf(stderr, "Usage: mpirun -np N wiredup-mpi cluster [OPTIONS] FILE...\n"
		                "(wiredup-mpi cluster --help for the options)\n");
	}
	wmpi_free(&m);
	MPI_Finalize();
	return rc;
}
