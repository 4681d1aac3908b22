/* The command line of `cluster`: options, defaults, help. */
#include "cli_args.h"
#include "internal.h"

#include <errno.h>
#include <getopt.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_body[] =
"Cluster news articles into near-duplicate groups. FILE is a JSONL file\n"
"(gzip, xz, bzip2, zstd or plain), '-' for stdin, or a directory of article\n"
"files (one file per article, id = relative path, optional first line\n"
"'date YYYY-MM-DD SECTION').\n"
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
"  -t, --threads N            threads (per rank with MPI), 1..1024 [OMP_NUM_THREADS,\n"
"                             or all cores; at most 1024]\n"
"  -q, --quiet                no summary or progress on stderr\n"
"  -h, --help                 show this help\n";


static const char usage_mpi[] =
"      --mpi-stats            per rank on stderr: records, articles, peak RSS and\n"
"                             bytes sent to other ranks, by phase\n";

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
	{"window-days", 1, 0, O_WINDOW}, {"story-linkage", 1, 0, O_LINK}, {"mpi-stats", 0, 0, O_MPISTATS}, {"output", 1, 0, 'o'}, {"threads", 1, 0, 't'}, {"quiet", 0, 0, 'q'}, {"help", 0, 0, 'h'},
	{0, 0, 0, 0}};


static int usage_error(const char *prog, int verbose, const char *fmt, const char *arg)
{
	if (!verbose)
		return 2;
	fprintf(stderr, "wiredup: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '%s cluster --help'.\n", prog);
	return 2;
}

/* The integer options and the values each takes. */
typedef struct {
	int code;
	const char *name;
	long lo, hi;
} long_range;

static const long_range long_ranges[] = {
	{O_MAXB, "max-article-bytes", 1, 1L << 40}, {O_NGRAM, "ngram", 1, 64},
	{O_PERM, "num-perm", 8, 1024}, {O_SEED, "seed", 0, 1L << 62}, {O_BANDS, "bands", 1, 1024},
	{O_ROWS, "rows", 1, 1024}, {O_MAXBUCKET, "max-bucket", 1, 1L << 30},
	{'t', "threads", 1, APP_MAX_THREADS}, {O_BMIN, "boilerplate-min-docs", 0, 1L << 30},
	{O_WINDOW, "window-days", 0, 1L << 30}, {0, NULL, 0, 0}};

/* The fractions: each in (0, 1]. */
static const struct {
	int code;
	const char *name;
} fraction_names[] = {{O_THR, "threshold"}, {O_RATIO, "min-length-ratio"},
                      {O_STHR, "story-threshold"}, {0, NULL}};

int app_parse_long(const char *s, long lo, long hi, long *v)
{
	char *end;
	errno = 0;
	*v = strtol(s, &end, 10);
	return errno || end == s || *end || *v < lo || *v > hi ? -1 : 0;
}

/* A fraction in (0, 1] (so no NaN either). */
int app_parse_fraction(const char *s, double *v)
{
	char *end;
	errno = 0;
	*v = strtod(s, &end);
	return errno || end == s || *end || !(*v > 0.0 && *v <= 1.0) ? -1 : 0;
}

/* Index of s in the NULL-terminated list, or -1. */
static int choice(const char *s, const char *const *list)
{
	for (int i = 0; list[i]; i++)
		if (!strcmp(s, list[i]))
			return i;
	return -1;
}

/* The option's value among list; else why says so, naming the choices. */
static int set_choice(int *dst, const char *arg, const char *const *list, const char *name,
                      char *why, size_t whylen)
{
	int c = choice(arg, list);
	if (c >= 0) {
		*dst = c;
		return 0;
	}
	int n = snprintf(why, whylen, "--%s: unknown value '%s' (", name, arg);
	for (int i = 0; list[i] && n >= 0 && (size_t)n < whylen; i++)
		n += snprintf(why + n, whylen - (size_t)n, "%s%s", i ? ", " : "", list[i]);
	if (n >= 0 && (size_t)n < whylen)
		snprintf(why + n, whylen - (size_t)n, ")");
	return -1;
}

static void store_long(int c, long v, cluster_args *a)
{
	wu_opt *o = &a->run.opt;
	switch (c) {
	case O_MAXB: a->run.max_bytes = (size_t)v; break;
	case O_NGRAM: o->ngram = (int)v; break;
	case O_PERM: o->num_perm = (int)v; break;
	case O_SEED: o->seed = (uint64_t)v; break;
	case O_BANDS: o->bands = (int)v; break;
	case O_ROWS: o->rows = (int)v; break;
	case O_MAXBUCKET: o->max_bucket = (int)v; break;
	case 't': a->run.n_threads = (int)v; a->threads_given = 1; break;
	case O_BMIN: a->boiler_min_docs = (int)v; break;
	case O_WINDOW: o->window_days = (int)v; break;
	}
}

static void store_fraction(int c, double d, wu_opt *o)
{
	if (c == O_THR)
		o->threshold = d;
	else if (c == O_RATIO)
		o->min_length_ratio = d;
	else
		o->story_threshold = d;
}

/* A numeric option's value; a bad one is named in why with its range
 * ("--num-perm: bad value '7' (8..1024, a multiple of 8)"). */
static int set_numeric(int c, const char *arg, cluster_args *a, char *why, size_t whylen)
{
	for (const long_range *r = long_ranges; r->name; r++) {
		if (r->code != c)
			continue;
		long v;
		int perm = c == O_PERM;
		if (app_parse_long(arg, r->lo, r->hi, &v) || (perm && v % 8))
			return wu__fail(why, whylen, "--%s: bad value '%s' (%ld..%ld%s)", r->name, arg,
			               r->lo, r->hi, perm ? ", a multiple of 8" : "");
		store_long(c, v, a);
		return 0;
	}
	for (int i = 0; fraction_names[i].name; i++) {
		if (fraction_names[i].code != c)
			continue;
		double d;
		if (app_parse_fraction(arg, &d))
			return wu__fail(why, whylen, "--%s: bad value '%s' (a number in (0, 1])",
			               fraction_names[i].name, arg);
		store_fraction(c, d, &a->run.opt);
		return 0;
	}
	return wu__fail(why, whylen, "unknown option");
}

static int set_option(int c, const char *arg, cluster_args *a, char *why, size_t whylen)
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
	case O_ONERR: return set_choice(&a->run.skip_errors, arg, onerr, "on-error", why, whylen);
	case O_SHINGLE: return set_choice(&o->shingle_kind, arg, shingles, "shingle", why, whylen);
	case O_MEASURE: return set_choice(&o->measure, arg, measures, "measure", why, whylen);
	case O_VERIFY: return set_choice(&o->verify, arg, verifies, "verify", why, whylen);
	case O_FORMAT: return set_choice(&a->format, arg, formats, "format", why, whylen);
	case O_LINK: return set_choice(&o->story_single_link, arg, linkages, "story-linkage", why,
	                               whylen);
	}
	return set_numeric(c, arg, a, why, whylen);
}

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

static void defaults(cluster_args *a)
{
	memset(a, 0, sizeof *a);
	wu_opt_init(&a->run.opt);
	a->run.fields.id = "id";
	a->run.fields.text = "text";
	a->run.max_bytes = 16u << 20;
	a->boiler_min_docs = 10;
	a->run.progress = app_progress_wanted();
}

int app_parse_cluster(int argc, char **argv, cluster_args *a, const char *prog, int mpi,
                         int verbose)
{
	defaults(a);
	int c;
	optind = 1;
	opterr = verbose;
	while ((c = getopt_long(argc, argv, "o:t:qh", cluster_opts, NULL)) != -1) {
		if (c == 'h') {
			if (verbose)
				printf("Usage: %s cluster [OPTIONS] FILE...\n%s%s", mpi ? "mpirun -np N wiredup-mpi" : prog,
				       usage_body, mpi ? usage_mpi : "");
			return 1;
		}
		char why[256];
		if (c == '?')
			return usage_error(prog, verbose, "%s", "invalid command line");
		if (c == O_MPISTATS && !mpi)
			return usage_error(prog, verbose, "%s", "--mpi-stats: only for wiredup-mpi");
		if (set_option(c, optarg, a, why, sizeof why))
			return usage_error(prog, verbose, "%s", why);
	}
	if (!a->threads_given)
		a->run.n_threads = app_threads(verbose && !a->quiet);
	if (optind >= argc)
		return usage_error(prog, verbose, "%s", "no input FILE (use '-' for stdin)");
	if (a->rejects && !a->run.skip_errors)
		return usage_error(prog, verbose, "%s", "--rejects needs --on-error skip");
	char err[256];
	if (wu_opt_finish(&a->run.opt, err, sizeof err))
		return usage_error(prog, verbose, "%s", err);
	if (a->quiet)
		a->run.progress = 0;
	return 0;
}
