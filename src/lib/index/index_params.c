/* The feed index's parameters: the "params" record of "meta" (see
 * index.c), written when an index is created, parsed when it is opened,
 * and held against a caller's options. */
#include "index_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BAND_SHIFT 22        /* bucket_bits may not exceed it */
#define BAND_BUCKET_BITS 10  /* "bucket_bits" of the parameters: kept for
                                their format, unused since format 2 */

static const char *const shingle_names[] = {"word", "char", NULL};
static const char *const measure_names[] = {"containment", "jaccard", NULL};

enum { P_NORM, P_SHINGLE, P_NGRAM, P_PERM, P_SEED, P_MEASURE, P_THR, P_RATIO, P_BANDS, P_ROWS,
       P_BUCKET, P_GEN, P_N };
static const char *const param_names[P_N] = {"normalize", "shingle", "ngram", "num_perm", "seed",
	"measure", "threshold", "min_length_ratio", "bands", "rows", "bucket_bits", "gen_bits"};

/* The segment size unit (see index_segment.c): as large as keeps a merge's
 * sort under 8M entries. */
static int choose_gen_bits(int bands)
{
	int g = 16;
	while (g > 8 && ((size_t)bands << g) > ((size_t)1 << 21))
		g--;
	return g;
}

int wu__index_params_text(const wu_opt *o, int gen_bits, wu_str *out)
{
	char buf[640];
	int n = snprintf(buf, sizeof buf,
	                 "wiredup-index=%d\nnormalize=%d\nshingle=%s\nngram=%d\nnum_perm=%d\n"
	                 "seed=%llu\nmeasure=%s\nthreshold=%.17g\nmin_length_ratio=%.17g\n"
	                 "bands=%d\nrows=%d\nbucket_bits=%d\ngen_bits=%d\n",
	                 WU_INDEX_FORMAT, WU_NORMALIZE_VERSION, shingle_names[o->shingle_kind],
	                 o->ngram, o->num_perm, (unsigned long long)o->seed,
	                 measure_names[o->measure], o->threshold, o->min_length_ratio, o->bands,
	                 o->rows, BAND_BUCKET_BITS, gen_bits ? gen_bits : choose_gen_bits(o->bands));
	out->n = 0;
	return n > 0 && (size_t)n < sizeof buf ? wu__str_append(out, buf, (size_t)n) : -1;
}

static int lookup(const char *s, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

/* Sets parameter p from its text; 0 or -1. */
static int set_param(wu_index *ix, int p, const char *v)
{
	wu_opt *o = &ix->opt;
	char *end;
	errno = 0;
	long long i = strtoll(v, &end, 10);
	int bad_int = errno || end == v || *end || i < 0 || i > INT32_MAX;
	double d = strtod(v, &end);
	int bad_dbl = end == v || *end;
	/* A bad value changes nothing: a line repeated with a bad value must
	 * not leave one (a name out of range) behind the valid line's bit. */
	int name = p == P_SHINGLE ? lookup(v, shingle_names)
	           : p == P_MEASURE ? lookup(v, measure_names) : 0;
	unsigned long long u;
	switch (p) {
	case P_SHINGLE: return name < 0 ? -1 : (o->shingle_kind = name, 0);
	case P_MEASURE: return name < 0 ? -1 : (o->measure = name, 0);
	case P_THR: return bad_dbl ? -1 : (o->threshold = d, 0);
	case P_RATIO: return bad_dbl ? -1 : (o->min_length_ratio = d, 0);
	case P_SEED:
		errno = 0;
		u = strtoull(v, &end, 10);
		return errno || end == v || *end ? -1 : (o->seed = u, 0);
	}
	if (bad_int)
		return -1;
	switch (p) {
	case P_NORM: ix->normalize_version = (int)i; break;
	case P_NGRAM: o->ngram = (int)i; break;
	case P_PERM: o->num_perm = (int)i; break;
	case P_BANDS: o->bands = (int)i; break;
	case P_ROWS: o->rows = (int)i; break;
	case P_BUCKET: ix->bucket_bits = (int)i; break;
	case P_GEN: ix->gen_bits = (int)i; break;
	}
	return 0;
}

/* Parses the "params" record: magic, format version, then every parameter. */
int wu__idx_parse_params(wu_index *ix, const MDB_val *v, char *err, size_t errlen)
{
	static const char magic[] = "wiredup-index=";
	char buf[1024];
	if (v->mv_size >= sizeof buf || v->mv_size < sizeof magic ||
	    memcmp(v->mv_data, magic, sizeof magic - 1) != 0)
		return wu__fail(err, errlen, "not a wiredup index (no magic in its parameters)");
	memcpy(buf, v->mv_data, v->mv_size);
	buf[v->mv_size] = '\0';
	char *save = NULL, *line = strtok_r(buf, "\n", &save);
	ix->format = atoi(line + sizeof magic - 1);
	if (ix->format != WU_INDEX_FORMAT)
		return wu__fail(err, errlen, "index format version %d; this wiredup reads version %d "
		               "only. Rebuild it: make a new index ('wiredup index create NEW') and add "
		               "the articles again ('wiredup index add NEW FILE...')",
		               ix->format, WU_INDEX_FORMAT);
	wu_opt_init(&ix->opt);
	unsigned seen = 0;
	while ((line = strtok_r(NULL, "\n", &save))) {
		char *eq = strchr(line, '=');
		int p = -1;
		for (int i = 0; eq && i < P_N; i++)
			if ((size_t)(eq - line) == strlen(param_names[i]) &&
			    !memcmp(line, param_names[i], (size_t)(eq - line)))
				p = i;
		if (p >= 0 && set_param(ix, p, eq + 1) == 0)
			seen |= 1u << p;
	}
	char why[160];
	if (seen != (1u << P_N) - 1 || ix->bucket_bits < 1 || ix->bucket_bits > BAND_SHIFT ||
	    ix->gen_bits < 6 || ix->gen_bits > 16 || wu_opt_finish(&ix->opt, why, sizeof why) ||
	    ix->opt.bands > MAX_BANDS)
		return wu__fail(err, errlen, "damaged index: bad parameters");
	size_t nb = (size_t)ix->opt.bands;
	ix->skey = malloc(nb * sizeof *ix->skey);
	ix->taken = malloc(nb * sizeof *ix->taken);
	return ix->skey && ix->taken ? 0 : wu__fail(err, errlen, "out of memory");
}

/* ---- the parsers on their own, for the fuzz harness (internal.h) ---- */

int wu__index_parse_params(const void *text, size_t n, wu_opt *opt, int *gen_bits, char *err,
                           size_t errlen)
{
	wu_index ix;
	memset(&ix, 0, sizeof ix);
	MDB_val v = {n, (void *)text};
	int rc = wu__idx_parse_params(&ix, &v, err, errlen);
	if (rc == 0)
		*opt = ix.opt, *gen_bits = ix.gen_bits;
	free(ix.skey), free(ix.span), free(ix.taken);
	return rc;
}

/* ---- held against a caller's options ---- */

const wu_opt *wu_index_params(const wu_index *ix)
{
	return &ix->opt;
}

int wu_index_check(const wu_index *ix, const wu_opt *o, unsigned which, char *err, size_t errlen)
{
	const wu_opt *x = &ix->opt;
	const char *conf = "%s %s conflicts with the index's %s";
	char a[64], b[64];
	const char *name = NULL;
#define CMP(bit, field, label, fmt, cast)                            \
	if (!name && (which & (bit)) && o->field != x->field) {          \
		name = label;                                                \
		snprintf(a, sizeof a, fmt, (cast)o->field);                  \
		snprintf(b, sizeof b, fmt, (cast)x->field);                  \
	}
	CMP(WU_PARAM_NGRAM, ngram, "ngram", "%d", int)
	CMP(WU_PARAM_NUM_PERM, num_perm, "num-perm", "%d", int)
	CMP(WU_PARAM_SEED, seed, "seed", "%llu", unsigned long long)
	CMP(WU_PARAM_THRESHOLD, threshold, "threshold", "%g", double)
	CMP(WU_PARAM_RATIO, min_length_ratio, "min-length-ratio", "%g", double)
	CMP(WU_PARAM_BANDS, bands, "bands", "%d", int)
	CMP(WU_PARAM_ROWS, rows, "rows", "%d", int)
#undef CMP
	if (!name && (which & WU_PARAM_SHINGLE) && o->shingle_kind != x->shingle_kind) {
		name = "shingle";
		snprintf(a, sizeof a, "%s", shingle_names[o->shingle_kind ? 1 : 0]);
		snprintf(b, sizeof b, "%s", shingle_names[x->shingle_kind]);
	}
	if (!name && (which & WU_PARAM_MEASURE) && o->measure != x->measure) {
		name = "measure";
		snprintf(a, sizeof a, "%s", measure_names[o->measure ? 1 : 0]);
		snprintf(b, sizeof b, "%s", measure_names[x->measure]);
	}
	return name ? wu__fail(err, errlen, conf, name, a, b) : 0;
}
