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
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Candidate pairs held at once: 16M pairs, 128 MB, and as much sort
 * scratch. The result does not depend on it. */
#define SLICE_PAIRS (16u << 20)

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

/* The low byte of every signature value. Two values that are equal have
 * equal low bytes, so the count of equal bytes bounds the count of equal
 * values from above: a pair that fails on the bound fails for certain, and
 * the bound reads a quarter of the memory. Most candidates fail. */
static uint8_t *low_bytes(const wu_corpus *c, int k, int n_threads)
{
	size_t n = wu_corpus_size(c);
	uint8_t *low = malloc((n ? n : 1) * (size_t)k);
	if (!low)
		return NULL;
	long long nn = (long long)n;
#pragma omp parallel for num_threads(n_threads) schedule(static)
	for (long long i = 0; i < nn; i++) {
		const uint32_t *sig = wu__corpus_sig(c, (size_t)i);
		for (int t = 0; t < k; t++)
			low[(size_t)i * (size_t)k + (size_t)t] = (uint8_t)sig[t];
	}
	return low;
}

static int equal_bytes(const uint8_t *a, const uint8_t *b, int k)
{
	int eq = 0, t = 0;
#ifdef __SSE2__
	/* Equal bytes compare to -1: subtracting counts them per lane (at most
	 * 64 per lane for 1,024 values), and one sum of absolute differences
	 * adds the lanes. No popcount: baseline x86-64 does not have one. */
	__m128i acc = _mm_setzero_si128();
	for (; t + 16 <= k; t += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(a + t));
		__m128i y = _mm_loadu_si128((const __m128i *)(b + t));
		acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(x, y));
	}
	__m128i sum = _mm_sad_epu8(acc, _mm_setzero_si128());
	eq = _mm_cvtsi128_si32(sum) + _mm_cvtsi128_si32(_mm_srli_si128(sum, 8));
#endif
	for (; t < k; t++)
		eq += a[t] == b[t];
	return eq;
}

typedef struct {
	const wu_corpus *c;
	const wu_opt *o;
	uint8_t *low; /* NULL under exact verification */
} verifier;

static int verify(const verifier *v, uint32_t i, uint32_t j)
{
	const int32_t *date;
	const uint32_t *tl, *ns;
	wu__corpus_meta(v->c, &date, &tl, &ns);
	if (!wu_pair_passes(1.0, ns[i], ns[j], v->o))
		return 0;
	if (v->low) {
		int k = v->o->num_perm;
		double bound = (double)equal_bytes(v->low + (size_t)i * (size_t)k,
		                                   v->low + (size_t)j * (size_t)k, k) / (double)k;
		if (!wu_pair_passes(wu_pair_similarity(bound, ns[i], ns[j], v->o), ns[i], ns[j], v->o))
			return 0;
	}
	return passes(v->c, v->o, i, j);
}

/* Verifies one slice of sorted candidates in parallel, then links the
 * pairs that pass, in order. */
static void verify_slice(const verifier *v, const wu_u64s *cand, unsigned char *ok,
                         uint32_t *parent, int n_threads, wu_clusters *out)
{
	long long np = (long long)cand->n;
	size_t k = (size_t)v->o->num_perm;
#pragma omp parallel for num_threads(n_threads) schedule(dynamic, 4096)
	for (long long p = 0; p < np; p++) {
		/* Pairs are sorted by their first article, so the second one's
		 * data is a random read: ask for it a few pairs ahead. */
		if (p + 8 < np) {
			uint32_t ahead = cand->a[p + 8] & 0xFFFFFFFFu;
			const char *x = v->low ? (const char *)v->low + ahead * k
			                       : (const char *)wu__corpus_sig(v->c, ahead);
			size_t len = v->low ? k : k * 4;
			for (size_t line = 0; line < len; line += 64)
				__builtin_prefetch(x + line);
		}
		ok[p] = (unsigned char)verify(v, cand->a[p] >> 32, cand->a[p] & 0xFFFFFFFFu);
	}
	for (size_t p = 0; p < cand->n; p++) {
		if (!ok[p])
			continue;
		out->n_linked++;
		uint32_t a = find(parent, (uint32_t)(cand->a[p] >> 32));
		uint32_t b = find(parent, (uint32_t)cand->a[p]);
		if (a != b)
			parent[a > b ? a : b] = a < b ? a : b;
	}
}

/* Candidates slice by slice, each verified and linked before the next. */
static int link_candidates(const wu_corpus *c, const wu_opt *o, int n_threads, uint32_t *parent,
                           wu_clusters *out)
{
	size_t n = wu_corpus_size(c);
	double t0 = omp_get_wtime();
	verifier v = {c, o, NULL};
	if (o->verify != WU_VERIFY_EXACT && !(v.low = low_bytes(c, o->num_perm, n_threads)))
		return -1;
	wu__bands *bands = wu__bands_build(c, o, n_threads);
	unsigned char *ok = NULL;
	size_t ok_cap = 0;
	int rc = bands ? 0 : -1;
	out->seconds_bucket += omp_get_wtime() - t0;
	for (uint32_t lo = 0, hi; rc == 0 && lo < n; lo = hi) {
		double t1 = omp_get_wtime();
		const wu_u64s *parts;
		hi = wu__bands_slice_end(bands, lo, SLICE_PAIRS);
		rc = wu__bands_pairs(bands, lo, hi, n_threads, &parts);
		double t2 = omp_get_wtime();
		out->seconds_bucket += t2 - t1;
		for (int t = 0; rc == 0 && t < n_threads; t++) {
			if (parts[t].n > ok_cap) {
				free(ok);
				ok_cap = parts[t].n;
				if (!(ok = malloc(ok_cap)))
					rc = -1;
			}
			if (rc == 0)
				verify_slice(&v, &parts[t], ok, parent, n_threads, out);
			out->n_candidates += parts[t].n;
		}
		out->seconds_verify += omp_get_wtime() - t2;
	}
	free(ok), free(v.low);
	wu__bands_free(bands);
	return rc;
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
	int rc = -1;
	if (!out->rep || !out->similarity || !parent)
		goto done;
	for (size_t i = 0; i < n; i++)
		parent[i] = (uint32_t)i;
	if (link_candidates(c, o, n_threads, parent, out))
		goto done;
	double t = omp_get_wtime();
	choose_reps(c, o, parent, out, n_threads);
	out->seconds_union = omp_get_wtime() - t;
	rc = 0;
done:
	free(parent);
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
