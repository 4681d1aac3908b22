/* wiredup-mpi: `wiredup cluster` across MPI ranks, with output byte for
 * byte the single process's (any number of ranks, any threads per rank).
 *
 *   mpirun -np N wiredup-mpi cluster [the options of wiredup cluster] FILE...
 *
 * The phases and who holds what are described in mpi_wu.h. Options are
 * parsed as cli.c parses them (its parser is static there, so it is
 * repeated here), by rank 0 first, so that only one rank reports a usage
 * error. */
#include "mpi_wu.h"

#include <errno.h>
#include <getopt.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static const char usage_cluster[] =
"Usage: mpirun -np N wiredup-mpi cluster [OPTIONS] FILE...\n"
"Cluster news articles into near-duplicate groups. FILE is a JSONL file\n"
"(gzip or not), '-' for stdin, or a directory of article files (one file\n"
"per article, id = relative path, optional first line 'date YYYY-MM-DD SECTION').\n"
"Writes one row per article, in input order: id, cluster (the id of the\n"
"cluster's representative), similarity (to the representative, 0..1).\n"
"\n"
"Input:\n"
"      --id-field NAME        JSON field holding the id [id]\n"
"      --text-field NAME      JSON field holding the text [text]\n"
"      --title-field NAME     JSON field holding a title, sketched with the text\n"
"      --date-field NAME      JSON field holding a date YYYY-MM-DD[...]\n"
"      --source-field NAME    JSON field naming the outlet\n"
"      --max-article-bytes N  reject records larger than N bytes [16777216]\n"
"      --on-error fail|skip   stop at the first bad record (exit 1), or skip\n"
"                             and count bad records [fail]\n"
"      --rejects FILE         with skip: write bad records to FILE as read\n"
"Boilerplate:\n"
"      --boilerplate-min-docs N\n"
"                             leave out lines found in at least N articles of\n"
"                             one source (--source-field, or an article file's\n"
"                             folder); without a source, short lines (<= 12\n"
"                             words) in N articles of the corpus; 0 = off.\n"
"                             Costs a first pass over the input [10]\n"
"      --boilerplate-file FILE\n"
"                             lines (one a line) to leave out everywhere\n"
"Similarity:\n"
"      --shingle word|char    shingle words or characters [word]\n"
"      --ngram N              shingle size [5 words, 12 characters]\n"
"      --noisy                preset for OCR'd or noisy text: character 12-grams\n"
"                             (a typo breaks one 12-gram, not five 5-word shingles)\n"
"      --num-perm K           MinHash signature length [128]\n"
"      --seed S               hash seed [1]\n"
"      --measure containment|jaccard\n"
"                             containment: shared shingles over the smaller\n"
"                             article's, so a cut copy still matches [containment]\n"
"      --threshold T          join articles with similarity >= T [0.5]\n"
"      --min-length-ratio R   containment: smaller/larger shingle count >= R [0.4]\n"
"      --bands B, --rows R    LSH banding [chosen from the threshold]\n"
"      --verify signature|exact\n"
"                             verify candidates by signature estimate or by\n"
"                             exact shingle sets (keeps them in memory) [signature]\n"
"      --max-bucket N         link members of larger LSH buckets to their first\n"
"                             N members only [64]\n"
"Stories (same event, across outlets):\n"
"      --stories              add \"story\": the id of the story's representative.\n"
"                             Stories group clusters by TF-IDF profiles of names,\n"
"                             numbers and words, with average linkage\n"
"      --story-threshold T    join stories whose mean profiles have cosine >= T [0.15]\n"
"      --window-days D        a story never spans more than D days between its\n"
"                             dated articles; 0 = no limit [7]\n"
"      --story-linkage average|single\n"
"                             single joins on any one similar pair (chains;\n"
"                             for comparison only) [average]\n"
"Output:\n"
"  -o, --output FILE          write here (atomically: temporary name, then\n"
"                             rename) instead of stdout\n"
"      --format jsonl|tsv|csv [jsonl]\n"
"  -t, --threads N            threads per rank [OMP_NUM_THREADS, or all cores]\n"
"  -q, --quiet                no summary or progress on stderr\n"
"      --mpi-stats            per rank on stderr: records, articles, peak RSS and\n"
"                             bytes sent to other ranks, by phase\n"
"  -h, --help                 show this help\n";

enum {
	O_ID = 256, O_TEXT, O_TITLE, O_DATE, O_SOURCE, O_MAXB, O_ONERR, O_REJ, O_SHINGLE, O_NGRAM,
	O_PERM, O_SEED, O_MEASURE, O_THR, O_RATIO, O_BANDS, O_ROWS, O_VERIFY, O_MAXBUCKET, O_FORMAT,
	O_BMIN, O_BFILE, O_STORIES, O_STHR, O_WINDOW, O_LINK, O_NOISY, O_MPISTATS
};

static const struct option cluster_opts[] = {
	{"id-field", 1, 0, O_ID}, {"text-field", 1, 0, O_TEXT}, {"title-field", 1, 0, O_TITLE},
	{"date-field", 1, 0, O_DATE}, {"source-field", 1, 0, O_SOURCE},
	{"max-article-bytes", 1, 0, O_MAXB}, {"on-error", 1, 0, O_ONERR}, {"rejects", 1, 0, O_REJ},
	{"shingle", 1, 0, O_SHINGLE}, {"ngram", 1, 0, O_NGRAM}, {"num-perm", 1, 0, O_PERM},
	{"seed", 1, 0, O_SEED}, {"measure", 1, 0, O_MEASURE}, {"threshold", 1, 0, O_THR},
	{"min-length-ratio", 1, 0, O_RATIO}, {"bands", 1, 0, O_BANDS}, {"rows", 1, 0, O_ROWS},
	{"verify", 1, 0, O_VERIFY}, {"max-bucket", 1, 0, O_MAXBUCKET}, {"format", 1, 0, O_FORMAT},
	{"boilerplate-min-docs", 1, 0, O_BMIN}, {"boilerplate-file", 1, 0, O_BFILE},
	{"noisy", 0, 0, O_NOISY}, {"stories", 0, 0, O_STORIES}, {"story-threshold", 1, 0, O_STHR},
	{"window-days", 1, 0, O_WINDOW}, {"story-linkage", 1, 0, O_LINK}, {"output", 1, 0, 'o'}, {"threads", 1, 0, 't'}, {"quiet", 0, 0, 'q'}, {"help", 0, 0, 'h'},
	{"mpi-stats", 0, 0, O_MPISTATS},
	{0, 0, 0, 0}};

typedef struct {
	wu_run run;
	const char *output, *rejects, *boiler_file;
	int format, quiet, boiler_min_docs, mpi_stats;
} cluster_args;

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "wiredup: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'wiredup-mpi cluster --help'.\n");
	return 2;
}

static int parse_long(const char *s, long lo, long hi, long *v)
{
	char *end;
	errno = 0;
	*v = strtol(s, &end, 10);
	return errno || end == s || *end || *v < lo || *v > hi ? -1 : 0;
}

static int parse_double(const char *s, double *v)
{
	char *end;
	errno = 0;
	*v = strtod(s, &end);
	return errno || end == s || *end ? -1 : 0;
}

/* Index of s in the NULL-terminated list, or -1. */
static int choice(const char *s, const char *const *list)
{
	for (int i = 0; list[i]; i++)
		if (!strcmp(s, list[i]))
			return i;
	return -1;
}

static int set_choice(int *dst, const char *arg, const char *const *list, const char *name)
{
	int c = choice(arg, list);
	if (c < 0) {
		fprintf(stderr, "wiredup: --%s: unknown value '%s'\n", name, arg);
		return -1;
	}
	*dst = c;
	return 0;
}

static int set_numeric(int c, const char *arg, cluster_args *a)
{
	wu_opt *o = &a->run.opt;
	long v;
	double d;
	switch (c) {
	case O_MAXB: if (parse_long(arg, 1, 1L << 40, &v)) return -1; a->run.max_bytes = (size_t)v; return 0;
	case O_NGRAM: if (parse_long(arg, 1, 64, &v)) return -1; o->ngram = (int)v; return 0;
	case O_PERM: if (parse_long(arg, 8, 1024, &v)) return -1; o->num_perm = (int)v; return 0;
	case O_SEED: if (parse_long(arg, 0, 1L << 62, &v)) return -1; o->seed = (uint64_t)v; return 0;
	case O_BANDS: if (parse_long(arg, 1, 1024, &v)) return -1; o->bands = (int)v; return 0;
	case O_ROWS: if (parse_long(arg, 1, 1024, &v)) return -1; o->rows = (int)v; return 0;
	case O_MAXBUCKET: if (parse_long(arg, 1, 1L << 30, &v)) return -1; o->max_bucket = (int)v; return 0;
	case 't': if (parse_long(arg, 1, 1024, &v)) return -1; a->run.n_threads = (int)v; return 0;
	case O_BMIN: if (parse_long(arg, 0, 1L << 30, &v)) return -1; a->boiler_min_docs = (int)v; return 0;
	case O_THR: if (parse_double(arg, &d)) return -1; o->threshold = d; return 0;
	case O_RATIO: if (parse_double(arg, &d)) return -1; o->min_length_ratio = d; return 0;
	case O_STHR: if (parse_double(arg, &d)) return -1; o->story_threshold = d; return 0;
	case O_WINDOW: if (parse_long(arg, 0, 1L << 30, &v)) return -1; o->window_days = (int)v; return 0;
	}
	return -1;
}

static int set_option(int c, const char *arg, cluster_args *a)
{
	static const char *const shingles[] = {"word", "char", NULL};
	static const char *const measures[] = {"containment", "jaccard", NULL};
	static const char *const verifies[] = {"signature", "exact", NULL};
	static const char *const formats[] = {"jsonl", "tsv", "csv", NULL};
	static const char *const onerr[] = {"fail", "skip", NULL};
	static const char *const linkages[] = {"average", "single", NULL};
	wu_opt *o = &a->run.opt;
	switch (c) {
	case O_ID: a->run.fields.id = arg; return 0;
	case O_TEXT: a->run.fields.text = arg; return 0;
	case O_TITLE: a->run.fields.title = arg; return 0;
	case O_DATE: a->run.fields.date = arg; return 0;
	case O_SOURCE: a->run.fields.source = arg; return 0;
	case O_REJ: a->rejects = arg; return 0;
	case O_BFILE: a->boiler_file = arg; return 0;
	case 'o': a->output = arg; return 0;
	case 'q': a->quiet = 1; return 0;
	case O_MPISTATS: a->mpi_stats = 1; return 0;
	case O_STORIES: o->stories = 1; return 0;
	case O_NOISY: o->shingle_kind = WU_SHINGLE_CHAR; return 0;
	case O_ONERR: return set_choice(&a->run.skip_errors, arg, onerr, "on-error");
	case O_SHINGLE: return set_choice(&o->shingle_kind, arg, shingles, "shingle");
	case O_MEASURE: return set_choice(&o->measure, arg, measures, "measure");
	case O_VERIFY: return set_choice(&o->verify, arg, verifies, "verify");
	case O_FORMAT: return set_choice(&a->format, arg, formats, "format");
	case O_LINK: return set_choice(&o->story_single_link, arg, linkages, "story-linkage");
	}
	if (set_numeric(c, arg, a)) {
		fprintf(stderr, "wiredup: bad value '%s' for an option\n", arg);
		return -1;
	}
	return 0;
}

static void defaults(cluster_args *a)
{
	memset(a, 0, sizeof *a);
	wu_opt_init(&a->run.opt);
	a->run.fields.id = "id";
	a->run.fields.text = "text";
	a->run.n_threads = omp_get_max_threads();
	a->run.max_bytes = 16u << 20;
	a->boiler_min_docs = 10;
}

/* 0 ok, 1 done (help), 2 usage error. */
static int parse_cluster(int argc, char **argv, cluster_args *a, int rank)
{
	defaults(a);
	int c;
	optind = 1;
	opterr = rank == 0;
	while ((c = getopt_long(argc, argv, "o:t:qh", cluster_opts, NULL)) != -1) {
		if (c == 'h') {
			if (rank == 0)
				fputs(usage_cluster, stdout);
			return 1;
		}
		if (c == '?' || set_option(c, optarg, a))
			return usage_error("%s", "invalid command line");
	}
	if (optind >= argc)
		return usage_error("%s", "no input FILE (use '-' for stdin)");
	if (a->rejects && !a->run.skip_errors)
		return usage_error("%s", "--rejects needs --on-error skip");
	char err[256];
	if (wu_opt_finish(&a->run.opt, err, sizeof err))
		return usage_error("%s", err);
	return 0;
}

/* Rank 0's clock at the phase boundaries (each ends in a collective). */
enum { T_PLAN, T_STATS, T_SKETCH, T_COMMIT, T_CLUSTER, T_STORIES, T_WRITE, T_N };

typedef struct {
	cluster_args *a;
	wu_mpi *m;
	wu_plan plan;
	wu_sigs sigs;
	wu_log log;
	wu_commit commit;
	wu_clusters cl;
	wu_mdf *df;
	FILE *rejects;
	uint32_t *story_rep;
	size_t n_stories;
	double t[T_N];
} job;

static void summary(const job *j, double total)
{
	const cluster_args *a = j->a;
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

/* The temporary output file while rank 0 writes it: an interrupted job
 * (mpirun turns Ctrl-C into SIGTERM for every rank) removes it. The
 * program's only global: a handler can reach nothing else. */
static char temp_output[4096];

static void on_signal(int sig)
{
	if (temp_output[0])
		unlink(temp_output);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void guard_temp(const char *path)
{
	snprintf(temp_output, sizeof temp_output, "%s", path ? path : "");
	signal(SIGINT, path ? on_signal : SIG_DFL);
	signal(SIGTERM, path ? on_signal : SIG_DFL);
}

/* Rank 0 writes the results to a temporary file beside the output, then
 * renames it, so a file under the final name is always complete. */
static int write_output(const job *j)
{
	const cluster_args *a = j->a;
	const wu_corpus *c = j->commit.corpus;
	if (!a->output || !strcmp(a->output, "-")) {
		int rc = wu_write_results(stdout, a->format, c, &j->cl, j->story_rep);
		if (fflush(stdout) || rc) {
			fprintf(stderr, "wiredup: writing output: %s\n", strerror(errno));
			return 1;
		}
		return 0;
	}
	size_t len = strlen(a->output) + 32;
	char *tmp = malloc(len);
	if (!tmp) {
		fprintf(stderr, "wiredup: out of memory\n");
		return 1;
	}
	snprintf(tmp, len, "%s.tmp.%ld", a->output, (long)getpid());
	guard_temp(tmp);
	FILE *f = fopen(tmp, "w");
	int rc = f ? wu_write_results(f, a->format, c, &j->cl, j->story_rep) : -1;
	if (f && (fflush(f) || fsync(fileno(f))))
		rc = -1;
	if (f && fclose(f))
		rc = -1;
	if (rc == 0 && rename(tmp, a->output))
		rc = -1;
	if (rc) {
		fprintf(stderr, "wiredup: %s: %s\n", a->output, strerror(errno));
		remove(tmp);
	}
	guard_temp(NULL);
	free(tmp);
	return rc ? 1 : 0;
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
	const wu_mpi *m = j->m;
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
	wu_mpi *m = j->m;
	cluster_args *a = j->a;
	wu_pass_args pa = {&a->run, NULL, a->boiler_min_docs, a->boiler_file};
	int two_pass = a->boiler_min_docs > 0 || a->run.opt.stories;
	double t = MPI_Wtime(), t0 = t;
#define PHASE(call, slot)                                  \
	do {                                                   \
		int prc_ = (call);                                 \
		if (wu_mpi_check(m) || prc_)                       \
			return 1;                                      \
		double now_ = MPI_Wtime();                         \
		j->t[slot] = now_ - t;                             \
		t = now_;                                          \
	} while (0)
	if (m->rank == 0 && a->rejects && !(j->rejects = fopen(a->rejects, "w")))
		wu_mpi_fail(m, "%s: %s", a->rejects, strerror(errno));
	PHASE(wu_plan_inputs(m, &j->plan, files, n_files, two_pass, a->run.max_bytes,
	                     j->rejects != NULL), T_PLAN);
	PHASE(wu_stats_pass(m, &j->plan, &pa), T_STATS);
	j->df = pa.df;
	if (a->run.boiler)
		a->run.n_boiler_lines = wu_boiler_size(a->run.boiler);
	PHASE(wu_sketch_pass(m, &j->plan, &pa, &j->sigs, &j->log), T_SKETCH);
	PHASE(wu_commit_records(m, &j->plan, &a->run, j->rejects, &j->sigs, &j->log, &j->commit),
	      T_COMMIT);
	if (j->commit.stop)
		return 1; /* --on-error fail: rank 0 named the first bad record */
	PHASE(wu_mpi_cluster(m, &j->plan, &a->run.opt, a->run.n_threads, &j->sigs,
	                     j->commit.corpus, &j->cl), T_CLUSTER);
#undef PHASE
	int rc = m->rank == 0 ? finish(j) : 0;
	if (m->rank == 0 && j->rejects && fclose(j->rejects)) {
		fprintf(stderr, "wiredup: %s: %s\n", a->rejects, strerror(errno));
		rc = 1;
	}
	j->rejects = NULL;
	MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
	if (rc == 0 && m->rank == 0 && !a->quiet)
		summary(j, MPI_Wtime() - t0);
	if (a->mpi_stats)
		mpi_stats(j);
	return rc;
}

static int cmd_cluster(wu_mpi *m, int argc, char **argv)
{
	cluster_args a;
	int rc = m->rank == 0 ? parse_cluster(argc, argv, &a, 0) : 0;
	MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
	if (rc)
		return rc == 1 ? 0 : 2;
	if (m->rank != 0)
		parse_cluster(argc, argv, &a, m->rank); /* succeeds: rank 0's did */
	job j;
	memset(&j, 0, sizeof j);
	j.a = &a, j.m = m;
	rc = run_phases(&j, argv + optind, argc - optind);
	if (j.rejects)
		fclose(j.rejects);
	if (j.df)
		wu__counter_free(&j.df->count);
	free(j.df);
	wu_boiler_free(a.run.boiler);
	wu_plan_free(&j.plan);
	wu_sigs_free(&j.sigs);
	wu_log_free(&j.log);
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
	wu_mpi m;
	int rc = 2;
	if (wu_mpi_init(&m)) {
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
	wu_mpi_free(&m);
	MPI_Finalize();
	return rc;
}
