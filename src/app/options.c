/* The options of every subcommand, each described once, and the one
 * parser and help printer that read the descriptions (see options.h). */
#include "options.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* The values an option takes. */
typedef enum {
	V_FLAG,     /* no value: sets an int to .flag */
	V_STR,      /* any string */
	V_WHOLE,    /* a whole number in lo..hi (a multiple of .mult when set) */
	V_FRACTION, /* a number in (0, 1] */
	V_CHOICE,   /* one of .choices: its index */
	V_SIZE,     /* bytes: "64G", "512M", "1048576"; at least 1M */
	V_DATE      /* YYYY-MM-DD: days since 1970-01-01 */
} value_kind;

/* The type of the member an option sets. */
typedef enum { S_NONE, S_STR, S_INT, S_LONG, S_SIZE, S_U64, S_I32, S_DOUBLE } store_kind;

typedef struct {
	const char *name;      /* the long name, without "--" */
	const char *arg;       /* what the help calls the value; choices name themselves */
	const char *unit;      /* V_WHOLE: said after the range ("days") */
	const char *const *choices;
	const char *label;     /* the help's label when not "--name ARG"; "" for no line */
	const char *help, *dflt; /* the help line: what it does, [the default] */
	long lo, hi, mult;     /* V_WHOLE */
	size_t off;            /* the member it sets, in app_args */
	value_kind val;
	store_kind store;
	int flag;              /* V_FLAG: the value set */
	unsigned param;        /* the WU_PARAM_* bit it gives (index parameter checks) */
	char short_name;       /* or 0 */
} option_spec;

#define OFF(member) offsetof(app_args, member)
#define P30 (1L << 30)

static const char *const on_error_values[] = {"fail", "skip", NULL};
static const char *const shingle_values[] = {"word", "char", NULL};
static const char *const measure_values[] = {"containment", "jaccard", NULL};
static const char *const verify_values[] = {"signature", "exact", NULL};
static const char *const linkage_values[] = {"average", "single", NULL};
static const char *const format_values[] = {"jsonl", "tsv", "csv", NULL};

static const option_spec specs[APP_O_N] = {
	/* input */
	[APP_O_ID_FIELD] = {.name = "id-field", .arg = "NAME", .val = V_STR, .store = S_STR,
		.off = OFF(run.fields.id), .help = "JSON field holding the id", .dflt = "id"},
	[APP_O_TEXT_FIELD] = {.name = "text-field", .arg = "NAME", .val = V_STR, .store = S_STR,
		.off = OFF(run.fields.text), .help = "JSON field holding the text", .dflt = "text"},
	[APP_O_TITLE_FIELD] = {.name = "title-field", .arg = "NAME", .val = V_STR, .store = S_STR,
		.off = OFF(run.fields.title), .help = "JSON field holding a title, sketched with the text"},
	[APP_O_DATE_FIELD] = {.name = "date-field", .arg = "NAME", .val = V_STR, .store = S_STR,
		.off = OFF(run.fields.date), .help = "JSON field holding a date YYYY-MM-DD[...]"},
	[APP_O_SOURCE_FIELD] = {.name = "source-field", .arg = "NAME", .val = V_STR, .store = S_STR,
		.off = OFF(run.fields.source), .help = "JSON field naming the outlet"},
	[APP_O_MAX_BYTES] = {.name = "max-article-bytes", .arg = "N", .val = V_WHOLE, .lo = 1,
		.hi = 1L << 40, .unit = "bytes", .store = S_SIZE, .off = OFF(run.max_bytes),
		.help = "reject records larger than N", .dflt = "16777216"},
	[APP_O_ON_ERROR] = {.name = "on-error", .val = V_CHOICE, .choices = on_error_values,
		.store = S_INT, .off = OFF(run.skip_errors),
		.help = "stop at the first bad record (exit 1), or skip and count bad records",
		.dflt = "fail"},
	[APP_O_REJECTS] = {.name = "rejects", .arg = "FILE", .val = V_STR, .store = S_STR,
		.off = OFF(rejects), .help = "with skip: write bad records to FILE as read"},
	[APP_O_FUTURE] = {.name = "max-future-days", .arg = "N", .val = V_WHOLE, .lo = 0,
		.hi = 36500, .unit = "days", .store = S_LONG, .off = OFF(max_future),
		.help = "reject an article dated more than N days after today", .dflt = "2"},
	/* boilerplate */
	[APP_O_BOILER_MIN] = {.name = "boilerplate-min-docs", .arg = "N", .val = V_WHOLE, .lo = 0,
		.hi = P30, .store = S_INT, .off = OFF(boiler_min_docs),
		.help = "leave out lines found in at least N articles of one source (--source-field, "
		        "or an article file's folder); without a source, short lines (<= 12 words) in "
		        "N articles of the corpus. Costs a first pass over the input; 0 = off",
		.dflt = "10"},
	[APP_O_BOILER_FILE] = {.name = "boilerplate-file", .arg = "FILE", .val = V_STR,
		.store = S_STR, .off = OFF(boiler_file),
		.help = "lines (one a line) to leave out everywhere"},
	/* similarity */
	[APP_O_SHINGLE] = {.name = "shingle", .val = V_CHOICE, .choices = shingle_values,
		.store = S_INT, .off = OFF(run.opt.shingle_kind), .param = WU_PARAM_SHINGLE,
		.help = "shingle words or characters", .dflt = "word"},
	[APP_O_NGRAM] = {.name = "ngram", .arg = "N", .val = V_WHOLE, .lo = 1, .hi = 64,
		.store = S_INT, .off = OFF(run.opt.ngram), .param = WU_PARAM_NGRAM,
		.help = "shingle size", .dflt = "5 words, 12 characters"},
	[APP_O_NOISY] = {.name = "noisy", .val = V_FLAG, .store = S_INT,
		.off = OFF(run.opt.shingle_kind), .flag = WU_SHINGLE_CHAR, .param = WU_PARAM_SHINGLE,
		.help = "preset for OCR'd or noisy text: character 12-grams (a typo breaks one "
		        "12-gram, not five 5-word shingles)"},
	[APP_O_NUM_PERM] = {.name = "num-perm", .arg = "K", .val = V_WHOLE, .lo = 8, .hi = 1024,
		.mult = 8, .store = S_INT, .off = OFF(run.opt.num_perm), .param = WU_PARAM_NUM_PERM,
		.help = "MinHash signature length", .dflt = "128"},
	[APP_O_SEED] = {.name = "seed", .arg = "S", .val = V_WHOLE, .lo = 0, .hi = 1L << 62,
		.store = S_U64, .off = OFF(run.opt.seed), .param = WU_PARAM_SEED,
		.help = "hash seed", .dflt = "1"},
	[APP_O_MEASURE] = {.name = "measure", .val = V_CHOICE, .choices = measure_values,
		.store = S_INT, .off = OFF(run.opt.measure), .param = WU_PARAM_MEASURE,
		.help = "containment: shared shingles over the smaller article's, so a cut copy "
		        "still matches", .dflt = "containment"},
	[APP_O_THRESHOLD] = {.name = "threshold", .arg = "T", .val = V_FRACTION, .store = S_DOUBLE,
		.off = OFF(run.opt.threshold), .param = WU_PARAM_THRESHOLD,
		.help = "articles with similarity >= T are copies", .dflt = "0.5"},
	[APP_O_RATIO] = {.name = "min-length-ratio", .arg = "R", .val = V_FRACTION,
		.store = S_DOUBLE, .off = OFF(run.opt.min_length_ratio), .param = WU_PARAM_RATIO,
		.help = "containment: smaller/larger shingle count >= R", .dflt = "0.4"},
	[APP_O_BANDS] = {.name = "bands", .arg = "B", .val = V_WHOLE, .lo = 1, .hi = 1024,
		.store = S_INT, .off = OFF(run.opt.bands), .param = WU_PARAM_BANDS,
		.label = "--bands B, --rows R", .help = "LSH banding",
		.dflt = "chosen from the threshold"},
	[APP_O_ROWS] = {.name = "rows", .arg = "R", .val = V_WHOLE, .lo = 1, .hi = 1024,
		.store = S_INT, .off = OFF(run.opt.rows), .param = WU_PARAM_ROWS, .label = ""},
	[APP_O_VERIFY] = {.name = "verify", .val = V_CHOICE, .choices = verify_values,
		.store = S_INT, .off = OFF(run.opt.verify),
		.help = "verify candidates by signature estimate or by exact shingle sets (keeps "
		        "them in memory)", .dflt = "signature"},
	[APP_O_MAX_BUCKET] = {.name = "max-bucket", .arg = "N", .val = V_WHOLE, .lo = 1, .hi = P30,
		.store = S_INT, .off = OFF(run.opt.max_bucket),
		.help = "link members of larger LSH buckets to their first N members only",
		.dflt = "64"},
	/* stories */
	[APP_O_STORIES] = {.name = "stories", .val = V_FLAG, .store = S_INT, .flag = 1,
		.off = OFF(run.opt.stories),
		.help = "add \"story\": the id of the story's representative. Stories group "
		        "clusters by TF-IDF profiles of names, numbers and words, with average "
		        "linkage"},
	[APP_O_STORY_THRESHOLD] = {.name = "story-threshold", .arg = "T", .val = V_FRACTION,
		.store = S_DOUBLE, .off = OFF(run.opt.story_threshold),
		.help = "join stories whose mean profiles have cosine >= T", .dflt = "0.15"},
	[APP_O_STORY_WINDOW] = {.name = "window-days", .arg = "D", .val = V_WHOLE, .lo = 0,
		.hi = P30, .unit = "days", .store = S_INT, .off = OFF(run.opt.window_days),
		.help = "a story never spans more than D days between its dated articles; 0 = no "
		        "limit", .dflt = "7"},
	[APP_O_STORY_LINKAGE] = {.name = "story-linkage", .val = V_CHOICE,
		.choices = linkage_values, .store = S_INT, .off = OFF(run.opt.story_single_link),
		.help = "single joins on any one similar pair (chains; for comparison only)",
		.dflt = "average"},
	/* the index */
	[APP_O_INDEX] = {.name = "index", .arg = "IDX", .val = V_STR, .store = S_STR,
		.off = OFF(idx), .help = "the index (made with 'wiredup index create')"},
	[APP_O_NO_ADD] = {.name = "no-add", .val = V_FLAG, .store = S_INT, .flag = 1,
		.off = OFF(no_add),
		.help = "answer only; leave the index as it is (then input articles are not "
		        "compared with one another); it reads only: works on a read-only directory"},
	[APP_O_MAP_SIZE] = {.name = "map-size", .arg = "SIZE", .val = V_SIZE, .store = S_U64,
		.off = OFF(map_size),
		.help = "the most the index may grow to (the map starts small and grows as "
		        "needed); given to add, dedup or expire it replaces the limit the index keeps",
		.dflt = "64G"},
	[APP_O_NOW] = {.name = "now", .arg = "DATE", .val = V_DATE, .store = S_I32,
		.off = OFF(today),
		.help = "today is DATE, not the clock's date (UTC): for tests and replays"},
	[APP_O_BATCH] = {.name = "batch", .arg = "N", .val = V_WHOLE, .lo = 1, .hi = 10000000,
		.store = S_LONG, .off = OFF(batch),
		.help = "commit every N articles; a killed process leaves the index as of its last "
		        "commit", .dflt = "1000"},
	[APP_O_KEEP_WINDOW] = {.name = "window-days", .arg = "N", .val = V_WHOLE, .lo = 0,
		.hi = P30, .unit = "days", .store = S_INT, .off = OFF(window),
		.help = "add, dedup: keep N days before the newest article or today, whichever is "
		        "earlier: older articles are not matched and are expired at every commit",
		.dflt = "0: off"},
	[APP_O_WAIT] = {.name = "wait", .val = V_FLAG, .store = S_INT, .flag = 1, .off = OFF(wait),
		.help = "wait for another writer instead of failing"},
	[APP_O_NO_SYNC] = {.name = "no-sync", .val = V_FLAG, .store = S_INT, .flag = 1,
		.off = OFF(no_sync),
		.help = "do not flush commits to disk: faster, and still safe when the process "
		        "dies, not the machine"},
	[APP_O_OLDER_THAN] = {.name = "older-than", .arg = "D", .val = V_WHOLE, .lo = 0, .hi = P30,
		.unit = "days", .store = S_LONG, .off = OFF(older_than),
		.help = "expire: remove articles dated more than D days before the newest article "
		        "or today, whichever is earlier (undated ones stay)"},
	[APP_O_JSON] = {.name = "json", .val = V_FLAG, .store = S_INT, .flag = 1, .off = OFF(json),
		.help = "info: one JSON object"},
	/* output and the run */
	[APP_O_OUTPUT] = {.name = "output", .short_name = 'o', .arg = "FILE", .val = V_STR,
		.store = S_STR, .off = OFF(output),
		.help = "write here (atomically: temporary name, then rename) instead of stdout"},
	[APP_O_FORMAT] = {.name = "format", .val = V_CHOICE, .choices = format_values,
		.store = S_INT, .off = OFF(format), .help = "the output's format", .dflt = "jsonl"},
	[APP_O_THREADS] = {.name = "threads", .short_name = 't', .arg = "N", .val = V_WHOLE,
		.lo = 1, .hi = APP_MAX_THREADS, .store = S_INT, .off = OFF(run.n_threads),
		.help = "threads, per rank under wiredup-mpi",
		.dflt = "OMP_NUM_THREADS, or all cores; at most 1024"},
	[APP_O_QUIET] = {.name = "quiet", .short_name = 'q', .val = V_FLAG, .store = S_INT,
		.flag = 1, .off = OFF(quiet), .help = "no summary or progress on stderr"},
	[APP_O_MPI_STATS] = {.name = "mpi-stats", .val = V_FLAG, .store = S_INT, .flag = 1,
		.off = OFF(mpi_stats),
		.help = "per rank on stderr: records, articles, peak RSS and bytes sent to other "
		        "ranks, by phase"},
	[APP_O_HELP] = {.name = "help", .short_name = 'h', .val = V_FLAG, .help = "show this help"},
};

void app_args_init(app_args *a)
{
	memset(a, 0, sizeof *a);
	wu_opt_init(&a->run.opt);
	a->run.fields.id = "id";
	a->run.fields.text = "text";
	a->run.max_bytes = 16u << 20;
	a->boiler_min_docs = 10;
	a->batch = 1000;
	a->older_than = -1;
	a->max_future = 2; /* time zones, and a clock a day off */
	a->today = WU_NO_DATE;
}

/* ---- values ---- */

/* A bound as the help says it: 2^k for the large powers of two. */
static int put_bound(char *buf, size_t len, long v)
{
	if (v >= (1L << 20) && !(v & (v - 1))) {
		int k = 0;
		while ((1L << k) != v)
			k++;
		return snprintf(buf, len, "2^%d", k);
	}
	return snprintf(buf, len, "%ld", v);
}

/* What s takes, as both its --help line and its error message say it. */
static void takes(const option_spec *s, char *buf, size_t len)
{
	size_t n = 0;
	switch (s->val) {
	case V_WHOLE:
		n += (size_t)put_bound(buf, len, s->lo);
		n += (size_t)snprintf(buf + n, len - n, "..");
		n += (size_t)put_bound(buf + n, len - n, s->hi);
		if (s->unit)
			n += (size_t)snprintf(buf + n, len - n, " %s", s->unit);
		if (s->mult)
			snprintf(buf + n, len - n, ", a multiple of %ld", s->mult);
		return;
	case V_FRACTION: snprintf(buf, len, "a number in (0, 1]"); return;
	case V_SIZE:
		snprintf(buf, len, "bytes, or a number with a K, M, G or T suffix; at least 1M");
		return;
	case V_DATE: snprintf(buf, len, "a date YYYY-MM-DD"); return;
	case V_CHOICE:
		buf[0] = 0;
		for (int i = 0; s->choices[i] && n < len; i++)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "", s->choices[i]);
		return;
	default: buf[0] = 0; return;
	}
}

static int parse_whole(const char *s, long lo, long hi, long *v)
{
	char *end;
	errno = 0;
	*v = strtol(s, &end, 10);
	return errno || end == s || *end || *v < lo || *v > hi ? -1 : 0;
}

/* A fraction in (0, 1] (so no NaN either). */
static int parse_fraction(const char *s, double *v)
{
	char *end;
	errno = 0;
	*v = strtod(s, &end);
	return errno || end == s || *end || !(*v > 0.0 && *v <= 1.0) ? -1 : 0;
}

/* "64G", "512M", "1048576": bytes, at least 1M. */
static int parse_size(const char *s, uint64_t *v)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(s, &end, 10);
	int shift = !*end ? 0 : !strcmp(end, "K") ? 10 : !strcmp(end, "M") ? 20
	          : !strcmp(end, "G") ? 30 : !strcmp(end, "T") ? 40 : -1;
	if (errno || end == s || *s == '-' || shift < 0 || n == 0 || n > (UINT64_MAX >> shift))
		return -1;
	*v = (uint64_t)n << shift;
	return *v >= (1u << 20) ? 0 : -1;
}

static int parse_choice(const char *s, const char *const *list, long *v)
{
	for (int i = 0; list[i]; i++)
		if (!strcmp(s, list[i])) {
			*v = i;
			return 0;
		}
	return -1;
}

/* Stores a parsed value in the member s sets. */
static void store(const option_spec *s, app_args *a, long l, double d, const char *str,
                  uint64_t u)
{
	char *p = (char *)a + s->off;
	switch (s->store) {
	case S_STR: *(const char **)(void *)p = str; break;
	case S_INT: *(int *)(void *)p = (int)l; break;
	case S_LONG: *(long *)(void *)p = l; break;
	case S_SIZE: *(size_t *)(void *)p = (size_t)l; break;
	case S_U64: *(uint64_t *)(void *)p = s->val == V_SIZE ? u : (uint64_t)l; break;
	case S_I32: *(int32_t *)(void *)p = (int32_t)l; break;
	case S_DOUBLE: *(double *)(void *)p = d; break;
	case S_NONE: break;
	}
}

/* Sets option s to v (NULL for a flag); -1 with the message in why. */
static int set_value(const option_spec *s, app_args *a, const char *v, char *why, size_t len)
{
	long l = s->flag;
	double d = 0;
	uint64_t u = 0;
	int bad = 0;
	switch (s->val) {
	case V_FLAG: case V_STR: break;
	case V_WHOLE: bad = parse_whole(v, s->lo, s->hi, &l) || (s->mult && l % s->mult); break;
	case V_FRACTION: bad = parse_fraction(v, &d); break;
	case V_CHOICE: bad = parse_choice(v, s->choices, &l); break;
	case V_SIZE: bad = parse_size(v, &u); break;
	case V_DATE:
		l = strlen(v) == 10 ? wu_parse_date(v, 10) : WU_NO_DATE;
		bad = l == WU_NO_DATE;
		break;
	}
	if (bad) {
		char t[160];
		takes(s, t, sizeof t);
		snprintf(why, len, "--%s: %s value '%s' (%s)", s->name,
		         s->val == V_CHOICE ? "unknown" : "bad", v, t);
		return -1;
	}
	store(s, a, l, d, v, u);
	a->params |= s->param;
	return 0;
}

/* ---- the command line ---- */

int app_usage_error(const app_command *cmd, int verbose, const char *fmt, ...)
{
	if (!verbose)
		return 2;
	va_list ap;
	va_start(ap, fmt);
	fputs("wiredup: ", stderr);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\nTry '%s --help'.\n", cmd->help_cmd);
	va_end(ap);
	return 2;
}

static int takes_option(const app_command *cmd, int o)
{
	return (cmd->opts | APP_OPT(APP_O_HELP)) & APP_OPT(o) ? 1 : 0;
}

/* The option "--name" (len bytes) names for cmd: its own, then one of
 * another subcommand (-2), then the one of cmd's it is a prefix of
 * (-3 when several), else -1. */
static int find_long(const app_command *cmd, const char *name, size_t len)
{
	int other = -1, found = -1;
	for (int o = 0; o < APP_O_N; o++)
		if (strlen(specs[o].name) == len && !strncmp(specs[o].name, name, len)) {
			if (takes_option(cmd, o))
				return o;
			other = -2;
		}
	if (other == -2)
		return -2;
	for (int o = 0; o < APP_O_N; o++)
		if (takes_option(cmd, o) && !strncmp(specs[o].name, name, len)) {
			if (found >= 0)
				return -3;
			found = o;
		}
	return found;
}

static int find_short(const app_command *cmd, char c)
{
	for (int o = 0; o < APP_O_N; o++)
		if (specs[o].short_name == c)
			return takes_option(cmd, o) ? o : -2;
	return -1;
}

/* Option o with its value v (NULL: none given); 0, APP_HELP or 2. */
static int apply(const app_command *cmd, app_args *a, int o, const char *v, int verbose)
{
	const option_spec *s = &specs[o];
	char why[320];
	if (o == APP_O_HELP) {
		if (verbose)
			app_print_help(cmd, stdout);
		return APP_HELP;
	}
	if (s->val == V_FLAG && v)
		return app_usage_error(cmd, verbose, "--%s takes no value", s->name);
	if (s->val != V_FLAG && !v)
		return app_usage_error(cmd, verbose, "--%s needs a value", s->name);
	if (set_value(s, a, v, why, sizeof why))
		return app_usage_error(cmd, verbose, "%s", why);
	return 0;
}

static int not_found(const app_command *cmd, int o, const char *shown, int len, int verbose)
{
	if (o == -2)
		return app_usage_error(cmd, verbose, "%.*s is not an option of %s", len, shown,
		                       cmd->name);
	return app_usage_error(cmd, verbose, "%s option '%.*s'", o == -3 ? "ambiguous" : "unknown",
	                       len, shown);
}

/* argv[*i], "--name" or "--name=value"; the value may be the next word. */
static int long_option(const app_command *cmd, app_args *a, int argc, char **argv, int *i,
                       int verbose)
{
	const char *s = argv[*i], *eq = strchr(s, '=');
	size_t len = eq ? (size_t)(eq - s - 2) : strlen(s + 2);
	int o = find_long(cmd, s + 2, len);
	if (o < 0)
		return not_found(cmd, o, s, (int)len + 2, verbose);
	const char *v = eq ? eq + 1 : NULL;
	if (!v && specs[o].val != V_FLAG && *i + 1 < argc)
		v = argv[++*i];
	return apply(cmd, a, o, v, verbose);
}

/* argv[*i], "-q", "-t4", "-qt 4". */
static int short_options(const app_command *cmd, app_args *a, int argc, char **argv, int *i,
                         int verbose)
{
	const char *s = argv[*i];
	for (int k = 1; s[k]; k++) {
		int o = find_short(cmd, s[k]);
		if (o < 0) {
			char shown[3] = {'-', s[k], 0};
			return not_found(cmd, o, shown, 2, verbose);
		}
		const char *v = NULL;
		if (specs[o].val != V_FLAG) {
			v = s[k + 1] ? s + k + 1 : *i + 1 < argc ? argv[++*i] : NULL;
			return apply(cmd, a, o, v, verbose);
		}
		int rc = apply(cmd, a, o, NULL, verbose);
		if (rc)
			return rc;
	}
	return 0;
}

int app_parse(int argc, char **argv, const app_command *cmd, app_args *a, int verbose)
{
	int n = 0, options = 1;
	app_args_init(a);
	for (int i = 1; i < argc; i++) {
		char *s = argv[i];
		if (!options || s[0] != '-' || !s[1]) {
			argv[1 + n++] = s; /* never past i: the words to come are still there */
			continue;
		}
		if (!strcmp(s, "--")) {
			options = 0;
			continue;
		}
		int rc = s[1] == '-' ? long_option(cmd, a, argc, argv, &i, verbose)
		                     : short_options(cmd, a, argc, argv, &i, verbose);
		if (rc)
			return rc;
	}
	a->files = argv + 1;
	a->n_files = n;
	return 0;
}

int app_check_args(const app_command *cmd, app_args *a, int verbose)
{
	char why[256];
	if (a->rejects && !a->run.skip_errors)
		return app_usage_error(cmd, verbose, "--rejects needs --on-error skip");
	if (wu_opt_finish(&a->run.opt, why, sizeof why))
		return app_usage_error(cmd, verbose, "%s", why);
	return 0;
}

/* ---- help ---- */

#define HELP_COLUMN 29 /* where the options' texts start */
#define HELP_WIDTH 80

/* s's label: "  -t, --threads N", "      --shingle word|char". */
static void label(const option_spec *s, char *buf, size_t len)
{
	char arg[96] = "";
	if (s->val == V_CHOICE) {
		size_t n = 0;
		for (int i = 0; s->choices[i] && n < sizeof arg; i++)
			n += (size_t)snprintf(arg + n, sizeof arg - n, "%s%s", i ? "|" : " ",
			                      s->choices[i]);
	} else if (s->arg) {
		snprintf(arg, sizeof arg, " %s", s->arg);
	}
	if (s->short_name)
		snprintf(buf, len, "  -%c, --%s%s", s->short_name, s->name, arg);
	else if (s->label)
		snprintf(buf, len, "      %s", s->label);
	else
		snprintf(buf, len, "      --%s%s", s->name, arg);
}

/* Writes text from column `col` on, wrapped at HELP_WIDTH, every line after
 * the first starting at HELP_COLUMN. */
static void wrap(FILE *f, int col, const char *text)
{
	const char *p = text;
	while (*p) {
		size_t w = strcspn(p, " ");
		if (col > HELP_COLUMN && col + 1 + (int)w > HELP_WIDTH) {
			fprintf(f, "\n%*s", HELP_COLUMN, "");
			col = HELP_COLUMN;
		} else if (col > HELP_COLUMN) {
			fputc(' ', f);
			col++;
		}
		fwrite(p, 1, w, f);
		col += (int)w;
		p += w;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

static void help_line(const option_spec *s, FILE *f)
{
	char lab[128], text[1024], t[160];
	if (s->label && !*s->label)
		return;
	label(s, lab, sizeof lab);
	t[0] = 0;
	if (s->val != V_CHOICE)
		takes(s, t, sizeof t);
	/* "what it does (what it takes) [default]" */
	size_t n = (size_t)snprintf(text, sizeof text, "%s", s->help ? s->help : "");
	if (*t && n < sizeof text)
		n += (size_t)snprintf(text + n, sizeof text - n, "%s(%s)", n ? " " : "", t);
	if (s->dflt && n < sizeof text)
		snprintf(text + n, sizeof text - n, "%s[%s]", n ? " " : "", s->dflt);
	if ((int)strlen(lab) > HELP_COLUMN - 2) /* two spaces part a label from its text */
		fprintf(f, "%s\n%*s", lab, HELP_COLUMN, "");
	else
		fprintf(f, "%-*s", HELP_COLUMN, lab);
	wrap(f, HELP_COLUMN, text);
}

void app_print_help(const app_command *cmd, FILE *f)
{
	unsigned long long shown = (cmd->help_opts ? cmd->help_opts : cmd->opts) |
	                           APP_OPT(APP_O_HELP);
	fputs(cmd->head, f);
	for (const app_help_line *l = cmd->lines; l->opt >= 0 || l->heading; l++) {
		if (l->heading)
			fprintf(f, "%s\n", l->heading);
		else if (shown & APP_OPT(l->opt))
			help_line(&specs[l->opt], f);
	}
	if (cmd->foot)
		fputs(cmd->foot, f);
}
