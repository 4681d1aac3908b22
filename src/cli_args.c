/* The command line of `cluster`: options, defaults, help. */
#include "cli_args.h"

#include <errno.h>
#include <getopt.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_body[] =
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
"  -t, --threads N            threads (per rank with MPI) [OMP_NUM_THREADS, or all\n"
"                             cores]\n"
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
	a->run.progress = isatty(2);
}

int wu_cli_parse_cluster(int argc, char **argv, cluster_args *a, const char *prog, int mpi,
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
		if (c == '?' || (c == O_MPISTATS && !mpi) || set_option(c, optarg, a))
			return usage_error(prog, verbose, "%s", "invalid command line");
	}
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
