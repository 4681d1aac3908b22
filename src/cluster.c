/* Clustering: LSH band keys -> candidate pairs -> verification ->
 * union-find -> representatives.
 *
 * Determinism: band arrays are stably sorted by (key, article), candidate
 * pairs are sorted and deduplicated before verification, and verification
 * is a pure function of the pair, so the linked pairs (and therefore the
 * components) are the same for any thread count. */
#include "internal.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/* Candidate pairs, (smaller index << 32 | larger index). */
typedef wu_u64s pairs;


/* Pairs within one bucket. A bucket larger than max_bucket (boilerplate-only
 * or templated articles) links each member to the first max_bucket members
 * only: linear, not quadratic, and a true copy in such a bucket still meets
 * its original through one of them or through another band. */
int wu__bucket_pairs(const wu_keyidx *b, size_t m, size_t max_bucket, wu_u64s *out)
{
	for (size_t j = 1; j < m; j++) {
		size_t lim = j < max_bucket ? j : max_bucket;
		if (wu_u64s_reserve(out, out->n + lim))
			return -1;
		for (size_t a = 0; a < lim; a++)
			out->a[out->n++] = (uint64_t)b[a].idx << 32 | b[j].idx;
	}
	return 0;
}

static int band_candidates(const wu_corpus *c, const wu_opt *o, int band, wu_keyidx *keys,
                           pairs *out)
{
	size_t n = wu_corpus_size(c);
	for (size_t i = 0; i < n; i++) {
		keys[i].key = wu_band_key(wu__corpus_sig(c, i), band, o);
		keys[i].idx = (uint32_t)i;
	}
	if (wu__sort_keyidx(keys, n))
		return -1;
	for (size_t s = 0, e; s < n; s = e) {
		for (e = s + 1; e < n && keys[e].key == keys[s].key; e++)
			;
		if (e - s > 1 && wu__bucket_pairs(keys + s, e - s, (size_t)o->max_bucket, out))
			return -1;
	}
	return 0;
}

/* All bands' candidate pairs, sorted and unique, in *out. */
static int candidates(const wu_corpus *c, const wu_opt *o, int n_threads, pairs *out)
{
	size_t n = wu_corpus_size(c);
	pairs *per = calloc((size_t)o->bands, sizeof *per);
	int fail = !per;
#pragma omp parallel num_threads(n_threads) if (!fail)
	{
		wu_keyidx *keys = malloc((n ? n : 1) * sizeof *keys);
		if (!keys)
#pragma omp atomic write
			fail = 1;
#pragma omp for schedule(dynamic, 1)
		for (int b = 0; b < o->bands; b++)
			if (keys && band_candidates(c, o, b, keys, &per[b]))
#pragma omp atomic write
				fail = 1;
		free(keys);
	}
	size_t total = 0;
	for (int b = 0; per && b < o->bands; b++)
		total += per[b].n;
	out->a = fail ? NULL : malloc((total ? total : 1) * sizeof *out->a);
	out->n = 0;
	for (int b = 0; per && b < o->bands; b++) {
		if (out->a && per[b].n)
			memcpy(out->a + out->n, per[b].a, per[b].n * sizeof *out->a);
		out->n += out->a ? per[b].n : 0;
		free(per[b].a);
	}
	free(per);
	if (!out->a || wu__sort_unique_u64(out->a, &out->n))
		return -1;
	return 0;
}

/* Similarity of articles i and j under the options' measure. */
static double similarity(const wu_corpus *c, const wu_opt *o, size_t i, size_t j)
{
	const int32_t *date;
	const uint32_t *tl, *ns;
	wu__corpus_meta(c, &date, &tl, &ns);
	if (ns[i] == 0 || ns[j] == 0)
		return 0.0; /* as wu_pair_similarity() would, without the work */
	double jac;
	if (o->verify == WU_VERIFY_EXACT) {
		size_t na, nb;
		const uint64_t *a = wu__corpus_shingles(c, i, &na), *b = wu__corpus_shingles(c, j, &nb);
		jac = wu_set_jaccard(a, na, b, nb);
	} else {
		jac = wu_sig_jaccard(wu__corpus_sig(c, i), wu__corpus_sig(c, j), o->num_perm);
	}
	return wu_pair_similarity(jac, ns[i], ns[j], o);
}

static int passes(const wu_corpus *c, const wu_opt *o, size_t i, size_t j)
{
	const int32_t *date;
	const uint32_t *tl, *ns;
	wu__corpus_meta(c, &date, &tl, &ns);
	/* The length test alone first (1.0 meets any threshold): it is cheap. */
	if (!wu_pair_passes(1.0, ns[i], ns[j], o))
		return 0;
	return wu_pair_passes(similarity(c, o, i, j), ns[i], ns[j], o);
}

uint64_t wu_band_key(const uint32_t *sig, int band, const wu_opt *o)
{
	size_t off = (size_t)band * (size_t)o->rows, len = (size_t)o->rows * sizeof(uint32_t);
	return XXH3_64bits_withSeed(sig + off, len, o->seed + (uint64_t)band);
}

double wu_pair_similarity(double j, size_t na, size_t nb, const wu_opt *o)
{
	if (na == 0 || nb == 0)
		return 0.0;
	if (o->measure == WU_MEASURE_JACCARD)
		return j;
	return wu_containment(j, na, nb);
}

int wu_pair_passes(double sim, size_t na, size_t nb, const wu_opt *o)
{
	if (o->measure == WU_MEASURE_CONTAINMENT) {
		size_t lo = na < nb ? na : nb, hi = na < nb ? nb : na;
		if ((double)lo < o->min_length_ratio * (double)hi)
			return 0;
	}
	return sim >= o->threshold;
}

static uint32_t find(uint32_t *parent, uint32_t x)
{
	while (parent[x] != x) {
		parent[x] = parent[parent[x]];
		x = parent[x];
	}
	return x;
}

/* Is article a a better representative than b? Earliest date (undated
 * last), then longest text, then smallest id. */
int wu__better(const wu_corpus *c, uint32_t a, uint32_t b)
{
	const int32_t *date;
	const uint32_t *tl, *ns;
	wu__corpus_meta(c, &date, &tl, &ns);
	if (date[a] != date[b])
		return date[a] < date[b];
	if (tl[a] != tl[b])
		return tl[a] > tl[b];
	size_t la, lb;
	const char *ia = wu_corpus_id(c, a, &la), *ib = wu_corpus_id(c, b, &lb);
	return wu_id_cmp(ia, la, ib, lb) < 0;
}

static void choose_reps(const wu_corpus *c, const wu_opt *o, uint32_t *parent, wu_clusters *out,
                        int n_threads)
{
	size_t n = out->n;
	uint32_t *rep = out->rep, *best = parent;
	for (size_t i = 0; i < n; i++)
		rep[i] = find(parent, (uint32_t)i);
	for (size_t i = 0; i < n; i++)
		best[i] = UINT32_MAX; /* parent is no longer needed: reuse it */
	for (size_t i = 0; i < n; i++) {
		uint32_t r = rep[i];
		if (best[r] == UINT32_MAX || wu__better(c, (uint32_t)i, best[r]))
			best[r] = (uint32_t)i;
	}
	out->n_clusters = 0;
	for (size_t i = 0; i < n; i++) {
		rep[i] = best[rep[i]];
		out->n_clusters += rep[i] == i;
	}
	long long nn = (long long)n;
#pragma omp parallel for num_threads(n_threads) schedule(static)
	for (long long i = 0; i < nn; i++) {
		uint32_t r = out->rep[i];
		out->similarity[i] = r == (uint32_t)i ? 1.0f : (float)similarity(c, o, (size_t)i, r);
	}
}

int wu_cluster(const wu_corpus *c, const wu_opt *o, int n_threads, wu_clusters *out)
{
	memset(out, 0, sizeof *out);
	size_t n = wu_corpus_size(c);
	out->n = n;
	out->bands = o->bands;
	out->rows = o->rows;
	out->rep = malloc((n ? n : 1) * sizeof *out->rep);
	out->similarity = malloc((n ? n : 1) * sizeof *out->similarity);
	uint32_t *parent = malloc((n ? n : 1) * sizeof *parent);
	pairs cand = {0};
	unsigned char *ok = NULL;
	int rc = -1;
	double t0 = omp_get_wtime();
	if (!out->rep || !out->similarity || !parent || candidates(c, o, n_threads, &cand))
		goto done;
	double t1 = omp_get_wtime();
	ok = malloc(cand.n ? cand.n : 1);
	if (!ok)
		goto done;
	long long np = (long long)cand.n;
#pragma omp parallel for num_threads(n_threads) schedule(dynamic, 4096)
	for (long long p = 0; p < np; p++) {
		/* Pairs are sorted by their first article, so the second one's
		 * signature is a random read: ask for it a few pairs ahead. */
		if (p + 8 < np) {
			const char *sig = (const char *)wu__corpus_sig(c, cand.a[p + 8] & 0xFFFFFFFFu);
			for (int line = 0; line < o->num_perm * 4; line += 64)
				__builtin_prefetch(sig + line);
		}
		ok[p] = (unsigned char)passes(c, o, cand.a[p] >> 32, cand.a[p] & 0xFFFFFFFFu);
	}
	double t2 = omp_get_wtime();
	for (size_t i = 0; i < n; i++)
		parent[i] = (uint32_t)i;
	for (size_t p = 0; p < cand.n; p++) {
		if (!ok[p])
			continue;
		out->n_linked++;
		uint32_t a = find(parent, (uint32_t)(cand.a[p] >> 32));
		uint32_t b = find(parent, (uint32_t)cand.a[p]);
		if (a != b)
			parent[a > b ? a : b] = a < b ? a : b;
	}
	choose_reps(c, o, parent, out, n_threads);
	out->n_candidates = cand.n;
	out->seconds_bucket = t1 - t0;
	out->seconds_verify = t2 - t1;
	out->seconds_union = omp_get_wtime() - t2;
	rc = 0;
done:
	free(parent), free(cand.a), free(ok);
	if (rc)
		wu_clusters_free(out);
	return rc;
}

void wu_clusters_free(wu_clusters *cl)
{
	free(cl->rep), free(cl->similarity);
	cl->rep = NULL, cl->similarity = NULL;
}

static int is_number(const char *s, size_t n)
{
	return n > 0 && s[0] != '"';
}

static int is_integer(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '.' || s[i] == 'e' || s[i] == 'E')
			return 0;
	return 1;
}

/* Integers of any length, exactly: by sign, then digit count, then digits
 * (JSON integers have no leading zeros). */
static int integer_cmp(const char *a, size_t na, const char *b, size_t nb)
{
	int neg_a = *a == '-', neg_b = *b == '-';
	int zero_a = na == (size_t)neg_a + 1 && a[neg_a] == '0';
	int zero_b = nb == (size_t)neg_b + 1 && b[neg_b] == '0';
	if (zero_a) neg_a = 0; /* -0 == 0 */
	if (zero_b) neg_b = 0;
	if (neg_a != neg_b)
		return neg_a ? -1 : 1;
	a += neg_a, na -= (size_t)neg_a, b += neg_b, nb -= (size_t)neg_b;
	int mag = na != nb ? (na < nb ? -1 : 1) : memcmp(a, b, na);
	mag = mag < 0 ? -1 : mag > 0;
	return neg_a ? -mag : mag;
}

/* Ids are stored back to back, not NUL-terminated: parse a copy. */
static double id_value(const char *s, size_t n)
{
	char buf[64];
	if (n >= sizeof buf)
		n = sizeof buf - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return strtod(buf, NULL);
}

int wu_id_cmp(const char *a, size_t na, const char *b, size_t nb)
{
	int an = is_number(a, na), bn = is_number(b, nb);
	if (an != bn)
		return an ? -1 : 1;
	if (an && is_integer(a, na) && is_integer(b, nb)) {
		int r = integer_cmp(a, na, b, nb);
		if (r)
			return r;
	} else if (an) {
		double x = id_value(a, na), y = id_value(b, nb);
		if (x != y)
			return x < y ? -1 : 1;
	}
	int r = memcmp(a, b, na < nb ? na : nb);
	if (r)
		return r;
	return (na > nb) - (na < nb);
}
