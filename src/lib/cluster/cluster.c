/* Clustering: LSH buckets -> pairs verified where they are met ->
 * union-find -> representatives. What a match is (band keys, pair
 * similarity) is sketch/match.c's, shared with the feed index; union-find
 * and the representative rule are union_find.c's, shared with story.c.
 *
 * Determinism: verification is a pure function of the pair, so the set of
 * pairs that pass does not depend on which thread met them; it is sorted
 * and deduplicated before union, so the links, their count and the
 * components are the same for any thread count. */
#include "internal.h"
#include "meter.h"

#include <math.h>
#include <omp.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* How many buckets ahead verification asks for members' signatures. */
#define PREFETCH_BUCKETS 4

/* Articles a progress report of the representatives' stage. */
#define UNION_BLOCK 65536

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

/* Representatives, then every article's similarity to its own, a block
 * of articles at a time so that progress is reported between blocks. */
static void choose_reps(const wu_corpus *c, const wu_opt *o, uint32_t *parent, wu_clusters *out,
                        int n_threads)
{
	wu__meter m;
	wu__meter_start(&m, o, WU_STAGE_UNION, out->n);
	wu__representatives(c, parent, out);
	for (size_t lo = 0; lo < out->n; lo += UNION_BLOCK) {
		size_t hi = out->n - lo < UNION_BLOCK ? out->n : lo + UNION_BLOCK;
		long long from = (long long)lo, to = (long long)hi;
#pragma omp parallel for num_threads(n_threads) schedule(static)
		for (long long i = from; i < to; i++) {
			uint32_t r = out->rep[i];
			out->similarity[i] = r == (uint32_t)i ? 1.0f : (float)similarity(c, o, (size_t)i, r);
		}
		wu__meter_add(&m, (size_t)(to - from));
	}
	wu__meter_end(&m);
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
	int gate;     /* at most this many equal low bytes fails any pair */
	const uint32_t *ns; /* shingle counts, read by every check */
} verifier;

/* The fewest equal values any pair needs, less one for rounding: no pair
 * passes below Jaccard t (or, under containment, t r / (1 + r - t r) at
 * the lowest length ratio r allowed, where containment t is reached at the
 * smallest Jaccard). Most candidates fail on this integer test alone. */
static int low_gate(const wu_opt *o)
{
	double t = o->threshold, j = t;
	if (o->measure == WU_MEASURE_CONTAINMENT) {
		double r = o->min_length_ratio;
		j = r > 0 ? t * r / (1.0 + r - t * r) : 0.0;
	}
	return (int)floor(j * o->num_perm) - 1;
}

/* Fails the pair on what is cheap to read: lengths and low bytes. */
static int cheap_fail(const verifier *v, uint32_t i, uint32_t j)
{
	const uint32_t *ns = v->ns;
	if (!wu_pair_passes(1.0, ns[i], ns[j], v->o))
		return 1;
	if (!v->low)
		return 0;
	int k = v->o->num_perm;
	int eq = equal_bytes(v->low + (size_t)i * (size_t)k, v->low + (size_t)j * (size_t)k, k);
	if (eq <= v->gate)
		return 1;
	double bound = (double)eq / (double)k;
	return !wu_pair_passes(wu_pair_similarity(bound, ns[i], ns[j], v->o), ns[i], ns[j], v->o);
}

/* A thread's links so far, in the order found. A true copy pair shares
 * about half the bands and is met (and would be verified in full, reading
 * two whole signatures) in every one of them, so links are remembered:
 * first in the smaller article's partner list (shared by the threads),
 * then, for an article with more partners than the list holds, in the
 * thread's own set. */
typedef struct {
	wu_u64s list;
	wu__counter set;
} links;

/* An article's first partners found to pass, as its pairs' smaller
 * member. Within a bucket the smaller member is the outer loop's, so its
 * list stays in L1 while the bucket is checked, where a set of pairs costs
 * a cache miss a lookup. Slots are written once, atomically, after the
 * link is in a thread's list: a thread that sees a partner there may skip
 * the pair, one that misses it (not written yet, or a slot lost to another
 * thread's simultaneous add) verifies it again, and repeats are dropped at
 * the end. A slot's 0 never matches: the larger member is never article 0. */
#define PARTNERS 7
typedef struct {
	_Atomic uint32_t n;
	_Atomic uint32_t id[PARTNERS];
} partners;

/* Is the pair known to pass? Its partner list, then (only if that
 * overflowed) this thread's set. */
static int known_link(const partners *pa, const links *found, uint32_t b, uint64_t pair)
{
	uint32_t n = atomic_load_explicit(&pa->n, memory_order_relaxed);
	for (uint32_t i = 0; i < n && i < PARTNERS; i++)
		if (atomic_load_explicit(&pa->id[i], memory_order_relaxed) == b)
			return 1;
	return n > PARTNERS && wu__counter_has(&found->set, pair);
}

static int remember_link(partners *pa, links *found, uint32_t b, uint64_t pair)
{
	if (wu__u64s_reserve(&found->list, found->list.n + 1))
		return -1;
	found->list.a[found->list.n++] = pair;
	uint32_t slot = atomic_fetch_add_explicit(&pa->n, 1, memory_order_relaxed);
	if (slot < PARTNERS) {
		atomic_store_explicit(&pa->id[slot], b, memory_order_relaxed);
		return 0;
	}
	return wu__counter_add(&found->set, pair, 1);
}

/* Verifies the pairs of a run of buckets; the pairs that pass go to
 * *found. A bucket's members are read by all its pairs, and the next
 * buckets' members are asked for while this one is checked. */
static int verify_run(const verifier *v, const wu__bucket_run *r, partners *part, links *found,
                      size_t *n_checked)
{
	size_t mb = (size_t)v->o->max_bucket, line = v->low ? (size_t)v->o->num_perm : 0;
	for (size_t k = 0; k < r->n_buckets; k++) {
		if (line && k + PREFETCH_BUCKETS < r->n_buckets) {
			const uint32_t *m = r->mem + r->off[k + PREFETCH_BUCKETS];
			size_t cnt = r->off[k + PREFETCH_BUCKETS + 1] - r->off[k + PREFETCH_BUCKETS];
			for (size_t i = 0; i < cnt && i < 4; i++)
				for (size_t at = 0; at < line; at += 64)
					__builtin_prefetch(v->low + m[i] * line + at);
			/* A pair that passes the cheap test reads its smaller
			 * member's partner list: a miss each, unless asked for. */
			for (size_t i = 0; i + 1 < cnt && i < 16; i++)
				__builtin_prefetch(&part[m[i]]);
		}
		const uint32_t *m = r->mem + r->off[k];
		size_t cnt = r->off[k + 1] - r->off[k], last = cnt - 1 < mb ? cnt - 1 : mb;
		for (size_t a = 0; a < last; a++) {
			*n_checked += cnt - 1 - a;
			partners *pa = &part[m[a]];
			for (size_t j = a + 1; j < cnt; j++) {
				uint64_t pair = (uint64_t)m[a] << 32 | m[j]; /* never 0: m[j] > 0 */
				if (cheap_fail(v, m[a], m[j]) || known_link(pa, found, m[j], pair) ||
				    !passes(v->c, v->o, m[a], m[j]))
					continue;
				if (remember_link(pa, found, m[j], pair))
					return -1;
			}
		}
	}
	return 0;
}

/* Every bucket pair is verified where it is met, in parallel, with no list
 * of candidates: a pair met in several bands is verified in each (about
 * 15% more checks on the benchmark corpus), which costs far less than
 * gathering and sorting hundreds of millions of pairs to drop repeats.
 * Only the few pairs that pass are sorted, so the links, their count and
 * the order of union are the same for any thread count. */
static int link_candidates(const wu_corpus *c, const wu_opt *o, int n_threads, uint32_t *parent,
                           wu_clusters *out)
{
	double t0 = omp_get_wtime();
	const int32_t *date;
	const uint32_t *text_len;
	verifier v = {c, o, NULL, low_gate(o), NULL};
	wu__corpus_meta(c, &date, &text_len, &v.ns);
	if (o->verify != WU_VERIFY_EXACT && !(v.low = low_bytes(c, o->num_perm, n_threads)))
		return -1;
	wu__bands *bands = wu__bands_build(c, o, n_threads);
	links *found = calloc((size_t)n_threads, sizeof *found);
	size_t n = wu_corpus_size(c);
	partners *part = calloc(n ? n : 1, sizeof *part);
	int fail = !bands || !found || !part;
	double t1 = omp_get_wtime();
	out->seconds_bucket = t1 - t0;
	const wu__bucket_run *runs = NULL;
	long long n_runs = fail ? 0 : (long long)wu__bands_runs(bands, &runs);
	size_t checked = 0;
	wu__meter m = {.fn = NULL}; /* a failed stage before: no report */
	if (!fail)
		wu__meter_start(&m, o, WU_STAGE_VERIFY, (size_t)n_runs);
#pragma omp parallel num_threads(n_threads) reduction(+ : checked) if (!fail)
	{
		links *mine = &found[omp_get_thread_num()];
#pragma omp for schedule(dynamic, 1)
		for (long long r = 0; r < n_runs; r++) {
			if (!fail && verify_run(&v, &runs[r], part, mine, &checked))
#pragma omp atomic write
				fail = 1;
			wu__meter_add(&m, 1);
		}
	}
	wu_u64s all = {0};
	for (int t = 0; found && t < n_threads; t++) {
		wu_u64s *l = &found[t].list;
		if (!fail && wu__u64s_reserve(&all, all.n + l->n + 1))
			fail = 1;
		if (!fail && l->n)
			memcpy(all.a + all.n, l->a, l->n * sizeof *all.a);
		all.n += fail ? 0 : l->n;
		free(l->a);
		wu__counter_free(&found[t].set);
	}
	free(found), free(v.low), free(part);
	wu__bands_free(bands);
	if (fail || wu__sort_unique_u64(all.a, &all.n)) {
		free(all.a);
		return -1;
	}
	wu__link(parent, all.a, all.n);
	wu__meter_end(&m);
	out->n_candidates = checked;
	out->n_linked = all.n;
	free(all.a);
	out->seconds_verify = omp_get_wtime() - t1;
	return 0;
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
