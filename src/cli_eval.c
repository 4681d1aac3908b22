/* `wiredup eval`: joins a gold file and a prediction file on id and
 * prints the clustering scores. */
#include "input.h"
#include "internal.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

int wu_cli_eval(int argc, char **argv);

static const char usage_eval[] =
"Usage: wiredup eval --gold GOLD --pred PRED [OPTIONS]\n"
"Score a clustering (PRED, e.g. the output of wiredup cluster) against gold\n"
"labels (GOLD), both JSONL, joined on the id. Prints the adjusted Rand index,\n"
"B-cubed and pairwise precision / recall / F1 and the cluster counts.\n"
"\n"
"      --gold FILE          gold labels (JSONL)\n"
"      --pred FILE          predicted clusters (JSONL)\n"
"      --id-field NAME      id field in both files [id]\n"
"      --gold-field NAME    label field in GOLD [label]\n"
"      --pred-field NAME    label field in PRED [cluster]\n"
"      --json               print one JSON object instead of text\n"
"  -h, --help               show this help\n";

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

/* Index of key, adding it when add is set; -1 when absent (or OOM). */
static long strmap_get(strmap *m, const char *k, size_t len, int add)
{
	if (m->n + 1 > m->cap && strmap_grow(m))
		return -1;
	size_t h = XXH3_64bits(k, len) & (m->n_slots - 1);
	for (; m->slot[h]; h = (h + 1) & (m->n_slots - 1)) {
		size_t i = m->slot[h] - 1;
		if (m->len[i] == len && (len == 0 || (m->text.s && memcmp(m->text.s + m->off[i], k, len) == 0)))
			return (long)i;
	}
	if (!add)
		return -1;
	m->off[m->n] = m->text.n;
	m->len[m->n] = len;
	if (wu_str_append(&m->text, k, len))
		return -1;
	m->slot[h] = (uint32_t)m->n + 1;
	return (long)m->n++;
}

static void strmap_free(strmap *m)
{
	wu_str_free(&m->text);
	free(m->off), free(m->len), free(m->slot);
}

typedef struct {
	strmap ids, labels;
	wu_u32s gold, pred; /* by id index; pred UINT32_MAX until seen */
} eval_data;

/* Reads one file; gold adds ids, pred looks them up. 0 or -1. */
static int read_labels(const char *path, const char *id_field, const char *field, int is_gold,
                       eval_data *d, size_t *unmatched)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "wiredup: %s: %s\n", path, strerror(errno));
		return -1;
	}
	char *line = NULL, err[256];
	size_t cap = 0, lineno = 0;
	ssize_t n;
	wu_str tmp = {0};
	int rc = 0;
	const char *names[2] = {id_field, field};
	while (rc == 0 && (n = getline(&line, &cap, f)) > 0) {
		lineno++;
		const char *val[2];
		size_t vlen[2];
		if (wu_json_get(line, (size_t)n, names, 2, &tmp, val, vlen, err, sizeof err) ||
		    (!val[0] && wu_fail(err, sizeof err, "no \"%s\" field", id_field)) ||
		    (!val[1] && wu_fail(err, sizeof err, "no \"%s\" field", field))) {
			fprintf(stderr, "wiredup: %s:%zu: %s\n", path, lineno, err);
			rc = -1;
			break;
		}
		long lab = strmap_get(&d->labels, val[1], vlen[1], 1);
		long id = strmap_get(&d->ids, val[0], vlen[0], is_gold);
		if (lab < 0 || (id < 0 && is_gold)) {
			fprintf(stderr, "wiredup: out of memory\n");
			rc = -1;
		} else if (id < 0) {
			(*unmatched)++;
		} else if (is_gold) {
			if ((size_t)id < d->gold.n) {
				fprintf(stderr, "wiredup: %s:%zu: duplicate id\n", path, lineno);
				rc = -1;
			} else if (wu_u32s_reserve(&d->gold, d->gold.n + 1) ||
			           wu_u32s_reserve(&d->pred, d->gold.n + 1)) {
				rc = -1;
			} else {
				d->gold.a[d->gold.n++] = (uint32_t)lab;
				d->pred.a[d->pred.n++] = UINT32_MAX;
			}
		} else if (d->pred.a) {
			d->pred.a[id] = (uint32_t)lab;
		}
	}
	if (rc == 0 && ferror(f)) {
		fprintf(stderr, "wiredup: %s: read error\n", path);
		rc = -1;
	}
	free(line);
	wu_str_free(&tmp);
	fclose(f);
	return rc;
}

static void print_metrics(const wu_eval_metrics *m, int json)
{
	if (json) {
		printf("{\"n\":%zu,\"gold_clusters\":%zu,\"pred_clusters\":%zu,\"ari\":%.4f,"
		       "\"bcubed_precision\":%.4f,\"bcubed_recall\":%.4f,\"bcubed_f1\":%.4f,"
		       "\"pairwise_precision\":%.4f,\"pairwise_recall\":%.4f,\"pairwise_f1\":%.4f}\n",
		       m->n, m->n_gold_clusters, m->n_pred_clusters, m->ari, m->bcubed_p, m->bcubed_r,
		       m->bcubed_f1, m->pair_p, m->pair_r, m->pair_f1);
		return;
	}
	printf("items     %zu (gold clusters %zu, predicted clusters %zu)\n", m->n,
	       m->n_gold_clusters, m->n_pred_clusters);
	printf("ARI       %.4f\n", m->ari);
	printf("B-cubed   P %.4f  R %.4f  F1 %.4f\n", m->bcubed_p, m->bcubed_r, m->bcubed_f1);
	printf("pairwise  P %.4f  R %.4f  F1 %.4f\n", m->pair_p, m->pair_r, m->pair_f1);
}

/* Items of gold without a prediction: an error, not a silent drop. */
static int check_complete(const eval_data *d, size_t unmatched, const char *pred)
{
	size_t missing = 0;
	for (size_t i = 0; i < d->pred.n; i++)
		missing += d->pred.a[i] == UINT32_MAX;
	if (missing || unmatched) {
		fprintf(stderr, "wiredup: %s: %zu gold ids have no prediction, %zu predicted ids are "
		        "not in the gold file\n", pred, missing, unmatched);
		return -1;
	}
	return 0;
}

int wu_cli_eval(int argc, char **argv)
{
	static const struct option opts[] = {
		{"gold", 1, 0, 'g'}, {"pred", 1, 0, 'p'}, {"id-field", 1, 0, 'i'},
		{"gold-field", 1, 0, 'G'}, {"pred-field", 1, 0, 'P'}, {"json", 0, 0, 'j'},
		{"help", 0, 0, 'h'}, {0, 0, 0, 0}};
	const char *gold = NULL, *pred = NULL, *idf = "id", *gf = "label", *pf = "cluster";
	int json = 0, c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'g': gold = optarg; break;
		case 'p': pred = optarg; break;
		case 'i': idf = optarg; break;
		case 'G': gf = optarg; break;
		case 'P': pf = optarg; break;
		case 'j': json = 1; break;
		case 'h': fputs(usage_eval, stdout); return 0;
		default: fputs("Try 'wiredup eval --help'.\n", stderr); return 2;
		}
	}
	if (!gold || !pred || optind != argc) {
		fprintf(stderr, "wiredup: eval needs --gold and --pred and no other argument\n");
		return 2;
	}
	eval_data d = {0};
	size_t unmatched = 0;
	wu_eval_metrics m;
	int rc = 1;
	if (!read_labels(gold, idf, gf, 1, &d, &unmatched) &&
	    !read_labels(pred, idf, pf, 0, &d, &unmatched) && !check_complete(&d, unmatched, pred)) {
		if (wu_eval(d.gold.a, d.pred.a, d.gold.n, &m) == 0) {
			print_metrics(&m, json);
			rc = 0;
		}
	}
	strmap_free(&d.ids), strmap_free(&d.labels);
	free(d.gold.a), free(d.pred.a);
	return rc;
}
