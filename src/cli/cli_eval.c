/* `wiredup eval`: joins a gold file and a prediction file on id and
 * prints the clustering scores. Both files are read as `cluster` reads
 * JSONL (gzip or not, '-' for stdin, blank lines skipped); ids are
 * compared by value as in `cluster` (wu__id_key), and a score is only
 * printed when the two files label exactly the same ids, once each. */
#include "input.h"
#include "internal.h"
#include "outfile.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>

int cli_eval(int argc, char **argv);

static const char usage_eval[] =
"Usage: wiredup eval --gold GOLD --pred PRED [OPTIONS]\n"
"Score a clustering (PRED, e.g. the output of wiredup cluster) against gold\n"
"labels (GOLD), both JSONL (gzip or not, '-' for stdin), joined on the id.\n"
"Prints the adjusted Rand index, B-cubed and pairwise precision / recall / F1\n"
"and the cluster counts. Every gold id must have one prediction and every\n"
"predicted id one gold label; ids compare as JSON values (\"A\" is \"\\u0041\").\n"
"\n"
"      --gold FILE          gold labels (JSONL)\n"
"      --pred FILE          predicted clusters (JSONL)\n"
"      --id-field NAME      id field in both files [id]\n"
"      --gold-field NAME    label field in GOLD [label]\n"
"      --pred-field NAME    label field in PRED [cluster]\n"
"      --json               print one JSON object instead of text\n"
"  -o, --output FILE        write the scores here instead of stdout\n"
"  -h, --help               show this help\n";

/* A line longer than this is an error, not a label (gold files may carry
 * the article text: far above any article --max-article-bytes takes). */
#define EVAL_MAX_LINE (256u << 20)
#define EVAL_BATCH_RECORDS 4096
#define EVAL_BATCH_BYTES (4u << 20)
#define SHOWN_ID 120 /* bytes of an id a message shows */

/* String -> dense index, open addressing over texts kept in one arena. */
typedef struct {
	wu_str text;
	size_t *off, *len; /* per key */
	uint32_t *slot;    /* key index + 1 */
	size_t n, cap, n_slots;
} strmap;

static int strmap_grow(strmap *m)
{
	size_t ns = m->n_slots ? m->n_slots * 2 : 1024, cap = ns / 2;
	uint32_t *s = calloc(ns, sizeof *s);
	size_t *o = realloc(m->off, cap * sizeof *o);
	if (o)
		m->off = o;
	size_t *l = realloc(m->len, cap * sizeof *l);
	if (l)
		m->len = l;
	if (!s || !o || !l) {
		free(s);
		return -1;
	}
	m->cap = cap;
	for (size_t i = 0; i < m->n; i++) {
		size_t h = XXH3_64bits(m->text.s + o[i], l[i]) & (ns - 1);
		while (s[h])
			h = (h + 1) & (ns - 1);
		s[h] = (uint32_t)i + 1;
	}
	free(m->slot);
	m->slot = s, m->n_slots = ns;
	return 0;
}

enum { ABSENT = -1, NO_MEMORY = -2 };

/* Index of key, adding it when add is set; ABSENT, or NO_MEMORY. */
static long strmap_get(strmap *m, const char *k, size_t len, int add)
{
	if (m->n + 1 > m->cap && strmap_grow(m))
		return NO_MEMORY;
	size_t h = XXH3_64bits(k, len) & (m->n_slots - 1);
	for (; m->slot[h]; h = (h + 1) & (m->n_slots - 1)) {
		size_t i = m->slot[h] - 1;
		if (m->len[i] == len && (len == 0 || !memcmp(m->text.s + m->off[i], k, len)))
			return (long)i;
	}
	if (!add)
		return ABSENT;
	m->off[m->n] = m->text.n;
	m->len[m->n] = len;
	if (wu__str_append(&m->text, k, len))
		return NO_MEMORY;
	m->slot[h] = (uint32_t)m->n + 1;
	return (long)m->n++;
}

static void strmap_free(strmap *m)
{
	wu_str_free(&m->text);
	free(m->off), free(m->len), free(m->slot);
}

typedef struct {
	strmap ids, labels;  /* by key (wu__id_key) */
	wu_u32s gold, pred;  /* label by id index; pred UINT32_MAX until seen */
	wu_u64s gold_line, pred_line; /* where each id was (pred: 0 until seen) */
	wu_str raw;          /* gold ids as written, for messages */
	wu_u64s raw_off;     /* n + 1 offsets into raw */
	size_t unmatched;    /* predicted ids not in gold */
	wu_str unmatched_id; /* the first of them, as written */
	uint64_t unmatched_line;
	wu_str key, tmp;     /* scratch */
} eval_data;

/* One of the two files being read. */
typedef struct {
	const char *path, *id_field, *field;
	int is_gold;
	uint64_t n_records;
} side;

/* "wiredup: FILE:LINE: why" (no LINE when 0); -1 for tail calls. */
static int fail_at(const char *name, uint64_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail_at(const char *name, uint64_t line, const char *fmt, ...)
{
	char why[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap); /* NOLINT(clang-analyzer-valist.Uninitialized): va_start is right above */
	va_end(ap);
	if (line)
		fprintf(stderr, "wiredup: %s:%llu: %s\n", name, (unsigned long long)line, why);
	else
		fprintf(stderr, "wiredup: %s: %s\n", name, why);
	return -1;
}

/* Ids are strings or numbers, as in `cluster`. */
static int is_string_or_number(const char *v)
{
	return *v == '"' || *v == '-' || (*v >= '0' && *v <= '9');
}

/* The label's index: labels compare by value like ids (a cluster is
 * named by its representative's id); other JSON values by their text. */
static long label_index(eval_data *d, const char *v, size_t len)
{
	size_t kl = len;
	const char *k = is_string_or_number(v) ? wu__id_key(v, len, &d->key, &kl) : v;
	return k ? strmap_get(&d->labels, k, kl, 1) : NO_MEMORY;
}

/* A new gold id (its index is d->gold.n: ids are added in gold order). */
static int add_gold(eval_data *d, uint32_t lab, uint64_t line, const char *v, size_t len)
{
	size_t n = d->gold.n;
	if (wu__u32s_reserve(&d->gold, n + 1) || wu__u32s_reserve(&d->pred, n + 1) ||
	    wu__u64s_reserve(&d->gold_line, n + 1) || wu__u64s_reserve(&d->pred_line, n + 1) ||
	    wu__u64s_reserve(&d->raw_off, n + 2) || wu__str_append(&d->raw, v, len))
		return -1;
	d->gold.a[n] = lab, d->pred.a[n] = UINT32_MAX;
	d->gold_line.a[n] = line, d->pred_line.a[n] = 0;
	d->raw_off.a[0] = 0, d->raw_off.a[n + 1] = d->raw.n;
	d->gold.n = d->pred.n = d->gold_line.n = d->pred_line.n = n + 1;
	d->raw_off.n = n + 2;
	return 0;
}

/* One record of GOLD or PRED: 0, or -1 with the message printed. */
static int take_record(eval_data *d, const side *s, const char *name, uint64_t line,
                       const char *text, size_t len)
{
	const char *names[2] = {s->id_field, s->field}, *val[2];
	size_t vlen[2];
	char err[256];
	if (wu_json_get(text, len, names, 2, &d->tmp, val, vlen, err, sizeof err))
		return fail_at(name, line, "%s", err);
	if (!val[0] || !val[1])
		return fail_at(name, line, "no \"%s\" field", val[0] ? s->field : s->id_field);
	if (!is_string_or_number(val[0]))
		return fail_at(name, line, "\"%s\" is not a string or number", s->id_field);
	int shown = (int)(vlen[0] < SHOWN_ID ? vlen[0] : SHOWN_ID);
	long lab = label_index(d, val[1], vlen[1]);
	size_t kl;
	const char *k = wu__id_key(val[0], vlen[0], &d->key, &kl);
	long id = k && lab >= 0 ? strmap_get(&d->ids, k, kl, s->is_gold) : NO_MEMORY;
	if (id == NO_MEMORY)
		return fail_at(name, line, "out of memory");
	if (s->is_gold) {
		if ((size_t)id < d->gold.n)
			return fail_at(name, line, "duplicate id %.*s (first at %s:%llu)", shown, val[0],
			               name, (unsigned long long)d->gold_line.a[id]);
		if (add_gold(d, (uint32_t)lab, line, val[0], vlen[0]))
			return fail_at(name, line, "out of memory");
	} else if (id == ABSENT) {
		if (d->unmatched++ == 0) {
			d->unmatched_line = line;
			d->unmatched_id.n = 0;
			if (wu__str_append(&d->unmatched_id, val[0], (size_t)shown))
				return fail_at(name, line, "out of memory");
		}
	} else if (d->pred.a[id] != UINT32_MAX) {
		return fail_at(name, line, "duplicate id %.*s (first at %s:%llu)", shown, val[0], name,
		               (unsigned long long)d->pred_line.a[id]);
	} else {
		d->pred.a[id] = (uint32_t)lab;
		d->pred_line.a[id] = line;
	}
	return 0;
}

/* A batch of records: 0, or -1 at the first bad one. */
static int take_batch(eval_data *d, side *s, const app_input *in, const app_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		const app_raw *r = &b->rec[i];
		const char *name = app_input_file_name(in, r->file);
		if (r->error)
			return fail_at(name, r->line, "%s", r->error);
		if (r->is_file)
			return fail_at(s->path, 0, "a directory; eval reads JSONL files");
		if (r->oversize)
			return fail_at(name, r->line, "line longer than %u bytes", EVAL_MAX_LINE);
		if (take_record(d, s, name, r->line, b->arena.s + r->off, r->len))
			return -1;
		s->n_records++;
	}
	return 0;
}

/* Reads one file; gold adds ids, pred looks them up. 0 or -1. */
static int read_labels(eval_data *d, side *s)
{
	struct stat st;
	if (strcmp(s->path, "-") != 0 && stat(s->path, &st) == 0 && S_ISDIR(st.st_mode))
		return fail_at(s->path, 0, "a directory; eval reads JSONL files");
	char *path = (char *)s->path;
	app_input *in = app_input_new(&path, NULL, 1, EVAL_MAX_LINE);
	if (!in)
		return fail_at(s->path, 0, "out of memory");
	app_batch b = {0};
	int rc = 0;
	size_t n = 1;
	while (!rc && n) {
		if (app_input_next(in, &b, EVAL_BATCH_RECORDS, EVAL_BATCH_BYTES, &n))
			rc = fail_at(s->path, 0, "out of memory");
		else if (n)
			rc = take_batch(d, s, in, &b);
	}
	app_batch_free(&b);
	app_input_free(in);
	if (!rc && s->n_records == 0)
		rc = fail_at(s->path, 0, "no records: nothing to score");
	return rc;
}

static void print_metrics(FILE *f, const wu_eval_metrics *m, int json)
{
	if (json) {
		fprintf(f, "{\"n\":%zu,\"gold_clusters\":%zu,\"pred_clusters\":%zu,\"ari\":%.4f,"
		        "\"bcubed_precision\":%.4f,\"bcubed_recall\":%.4f,\"bcubed_f1\":%.4f,"
		        "\"pairwise_precision\":%.4f,\"pairwise_recall\":%.4f,\"pairwise_f1\":%.4f}\n",
		        m->n, m->n_gold_clusters, m->n_pred_clusters, m->ari, m->bcubed_p, m->bcubed_r,
		        m->bcubed_f1, m->pair_p, m->pair_r, m->pair_f1);
		return;
	}
	fprintf(f, "items     %zu (gold clusters %zu, predicted clusters %zu)\n", m->n,
	        m->n_gold_clusters, m->n_pred_clusters);
	fprintf(f, "ARI       %.4f\n", m->ari);
	fprintf(f, "B-cubed   P %.4f  R %.4f  F1 %.4f\n", m->bcubed_p, m->bcubed_r, m->bcubed_f1);
	fprintf(f, "pairwise  P %.4f  R %.4f  F1 %.4f\n", m->pair_p, m->pair_r, m->pair_f1);
}

/* Gold ids without a prediction, predicted ids without a gold label: an
 * error naming how many and the first of each, not a silent drop. */
static int check_complete(const eval_data *d, const char *gold, const char *pred)
{
	size_t missing = 0, first = 0;
	for (size_t i = d->pred.n; i-- > 0;)
		if (d->pred.a[i] == UINT32_MAX)
			missing++, first = i;
	if (missing) {
		size_t off = d->raw_off.a[first], len = d->raw_off.a[first + 1] - off;
		fprintf(stderr, "wiredup: %s: %zu gold ids have no prediction (the first: %.*s, %s:%llu)\n",
		        pred, missing, (int)(len < SHOWN_ID ? len : SHOWN_ID), d->raw.s + off, gold,
		        (unsigned long long)d->gold_line.a[first]);
	}
	if (d->unmatched)
		fprintf(stderr, "wiredup: %s: %zu predicted ids are not in the gold file %s (the first: "
		        "%.*s, %s:%llu)\n", pred, d->unmatched, gold, (int)d->unmatched_id.n, d->unmatched_id.s, pred,
		        (unsigned long long)d->unmatched_line);
	return missing || d->unmatched ? -1 : 0;
}

static void eval_free(eval_data *d)
{
	strmap_free(&d->ids), strmap_free(&d->labels);
	free(d->gold.a), free(d->pred.a);
	wu_u64s_free(&d->gold_line), wu_u64s_free(&d->pred_line), wu_u64s_free(&d->raw_off);
	wu_str_free(&d->raw), wu_str_free(&d->unmatched_id);
	wu_str_free(&d->key), wu_str_free(&d->tmp);
}

typedef struct {
	const char *gold, *pred, *idf, *gf, *pf, *output;
	int json;
} eval_args;

/* 0, 1 after --help, 2 on a usage error. */
static int parse_eval(int argc, char **argv, eval_args *a)
{
	static const struct option opts[] = {
		{"gold", 1, 0, 'g'}, {"pred", 1, 0, 'p'}, {"id-field", 1, 0, 'i'},
		{"gold-field", 1, 0, 'G'}, {"pred-field", 1, 0, 'P'}, {"json", 0, 0, 'j'},
		{"output", 1, 0, 'o'}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
	*a = (eval_args){NULL, NULL, "id", "label", "cluster", NULL, 0};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'g': a->gold = optarg; break;
		case 'p': a->pred = optarg; break;
		case 'i': a->idf = optarg; break;
		case 'G': a->gf = optarg; break;
		case 'P': a->pf = optarg; break;
		case 'j': a->json = 1; break;
		case 'o': a->output = optarg; break;
		case 'h': fputs(usage_eval, stdout); return 1;
		default: fputs("Try 'wiredup eval --help'.\n", stderr); return 2;
		}
	}
	if (!a->gold || !a->pred || optind != argc) {
		fprintf(stderr, "wiredup: eval needs --gold and --pred and no other argument\n");
		return 2;
	}
	if (!strcmp(a->gold, "-") && !strcmp(a->pred, "-")) {
		fprintf(stderr, "wiredup: --gold and --pred cannot both be '-' (stdin)\n");
		return 2;
	}
	return 0;
}

/* Reads both files and scores them into m: 0, or 1 with the message printed. */
static int score(const eval_args *a, wu_eval_metrics *m)
{
	eval_data d = {0};
	side g = {a->gold, a->idf, a->gf, 1, 0}, p = {a->pred, a->idf, a->pf, 0, 0};
	int rc = 1;
	if (!read_labels(&d, &g) && !read_labels(&d, &p) && !check_complete(&d, a->gold, a->pred)) {
		if (wu_eval(d.gold.a, d.pred.a, d.gold.n, m) == 0)
			rc = 0;
		else
			fprintf(stderr, "wiredup: out of memory\n");
	}
	eval_free(&d);
	return rc;
}

int cli_eval(int argc, char **argv)
{
	eval_args a;
	int rc = parse_eval(argc, argv, &a);
	if (rc)
		return rc == 1 ? 0 : 2;
	char *inputs[2] = {(char *)a.gold, (char *)a.pred}, err[512];
	app_outfile out;
	if (app_outfile_open(&out, a.output, inputs, 2, err, sizeof err)) {
		fprintf(stderr, "wiredup: %s%s\n", a.output ? "-o: " : "", err);
		app_outfile_abort(&out);
		return out.refused ? 2 : 1;
	}
	wu_eval_metrics m;
	rc = score(&a, &m);
	if (rc == 0) {
		print_metrics(out.f, &m, a.json);
		if (app_outfile_commit(&out, err, sizeof err)) {
			fprintf(stderr, "wiredup: writing the scores: %s\n", err);
			rc = 1;
		}
	}
	app_outfile_abort(&out);
	return rc;
}
