/* Story clustering: near-duplicate clusters grouped into same-event
 * stories by greedy average linkage over candidate pairs.
 *
 * Why average linkage: single-link chaining (A~B, B~C, C unlike A) glues
 * two different earthquakes together through one article that mentions
 * both; merging only when the *mean* profiles of two stories agree keeps
 * them apart. The sum of a story's profiles and its size are all that is
 * needed: mean_A . mean_B = sum_A . sum_B / (|A| |B|).
 *
 * Sub-quadratic: candidate pairs come from an inverted index over each
 * article's heaviest terms, long posting lists are linked to their first
 * members only, and the merge loop pops a heap of pairs with lazily
 * refreshed similarities (a merged story's similarity to a third is a
 * weighted mean of its parts', so stale heap keys are upper bounds). */
#include "internal.h"
#include "meter.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define INDEX_TERMS 16   /* heaviest terms of an article that index it */
#define SUM_TERMS_X 4    /* a story's summed profile keeps 4 x story_terms */
#define REPORT_BLOCK 65536 /* articles or pairs a progress report */

typedef struct {
	wu_term *a;
	uint32_t n, count;  /* terms; articles summed */
	int32_t dmin, dmax; /* dated span; dmin > dmax when undated */
	uint32_t version;
} story;

typedef struct {
	float sim;
	uint32_t a, b, va, vb;
} edge;

static int edge_before(const edge *x, const edge *y)
{
	if (x->sim != y->sim)
		return x->sim > y->sim;
	if (x->a != y->a)
		return x->a < y->a;
	return x->b < y->b;
}

typedef struct {
	edge *e;
	size_t n, cap;
} heap;

static int heap_push(heap *h, edge x)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 1024;
		edge *e = realloc(h->e, cap * sizeof *e);
		if (!e)
			return -1;
		h->e = e, h->cap = cap;
	}
	size_t i = h->n++;
	while (i > 0 && edge_before(&x, &h->e[(i - 1) / 2])) {
		h->e[i] = h->e[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->e[i] = x;
	return 0;
}

static edge heap_pop(heap *h)
{
	edge top = h->e[0], x = h->e[--h->n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && edge_before(&h->e[c + 1], &h->e[c]))
			c++;
		if (!edge_before(&h->e[c], &x))
			break;
		h->e[i] = h->e[c];
		i = c;
	}
	if (h->n)
		h->e[i] = x;
	return top;
}

static double dot(const story *x, const story *y)
{
	double s = 0;
	uint32_t i = 0, j = 0;
	while (i < x->n && j < y->n) {
		uint64_t a = x->a[i].key, b = y->a[j].key;
		if (a == b)
			s += (double)x->a[i++].weight * y->a[j++].weight;
		else if (a < b)
			i++;
		else
			j++;
	}
	return s;
}

static float similarity(const story *x, const story *y)
{
	return (float)(dot(x, y) / ((double)x->count * y->count));
}

/* Would the merged story's dated articles span more than window days? */
static int too_long(const story *x, const story *y, int window)
{
	if (window <= 0 || x->dmin > x->dmax || y->dmin > y->dmax)
		return 0;
	int32_t lo = x->dmin < y->dmin ? x->dmin : y->dmin;
	int32_t hi = x->dmax > y->dmax ? x->dmax : y->dmax;
	return (int64_t)hi - lo > window;
}

static int cmp_weight_desc(const void *p, const void *q)
{
	const wu_term *a = p, *b = q;
	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	return (a->key > b->key) - (a->key < b->key);
}

static int cmp_key(const void *p, const void *q)
{
	const wu_term *a = p, *b = q;
	return (a->key > b->key) - (a->key < b->key);
}

/* x += y (both sorted by key); keeps the cap heaviest terms. */
static int add_into(story *x, const wu_term *y, uint32_t ny, uint32_t cap)
{
	wu_term *m = malloc(((size_t)x->n + ny + 1) * sizeof *m);
	if (!m)
		return -1;
	uint32_t i = 0, j = 0, k = 0;
	while (i < x->n || j < ny) {
		if (j == ny || (i < x->n && x->a[i].key < y[j].key))
			m[k++] = x->a[i++];
		else if (i == x->n || y[j].key < x->a[i].key)
			m[k++] = y[j++];
		else {
			m[k] = x->a[i++];
			m[k++].weight += y[j++].weight;
		}
	}
	if (k > cap) {
		qsort(m, k, sizeof *m, cmp_weight_desc);
		k = cap;
		qsort(m, k, sizeof *m, cmp_key);
	}
	free(x->a);
	x->a = m;
	x->n = k;
	return 0;
}

static void widen(story *x, int32_t lo, int32_t hi)
{
	if (lo < x->dmin)
		x->dmin = lo;
	if (hi > x->dmax)
		x->dmax = hi;
}

/* One story per near-duplicate cluster: unit[i] for article i. */
static story *initial_stories(const wu_corpus *c, const wu_clusters *dup, const wu_opt *o,
                              uint32_t *unit, size_t *n_units)
{
	size_t n = dup->n, nu = 0;
	const int32_t *date;
	const uint32_t *tl, *ns;
	wu__corpus_meta(c, &date, &tl, &ns);
	for (size_t i = 0; i < n; i++)
		unit[i] = UINT32_MAX;
	for (size_t i = 0; i < n; i++) /* reps first seen number the units */
		if (unit[dup->rep[i]] == UINT32_MAX)
			unit[dup->rep[i]] = (uint32_t)nu++;
	story *st = calloc(nu ? nu : 1, sizeof *st);
	if (!st)
		return NULL;
	for (size_t u = 0; u < nu; u++)
		st[u].dmin = INT32_MAX, st[u].dmax = INT32_MIN;
	uint32_t cap = (uint32_t)o->story_terms * SUM_TERMS_X;
	for (size_t i = 0; i < n; i++) {
		story *x = &st[unit[dup->rep[i]]];
		size_t np;
		const wu_term *p = wu__corpus_profile(c, i, &np);
		if (add_into(x, p, (uint32_t)np, cap)) {
			for (size_t u = 0; u < nu; u++)
				free(st[u].a);
			free(st);
			return NULL;
		}
		x->count++;
		if (date[i] != WU_NO_DATE)
			widen(x, date[i], date[i]);
	}
	for (size_t i = 0; i < n; i++)
		unit[i] = unit[dup->rep[i]];
	*n_units = nu;
	return st;
}

static int cmp_idx(const void *p, const void *q)
{
	const wu__keyidx *a = p, *b = q;
	return (a->idx > b->idx) - (a->idx < b->idx);
}

/* Candidate story pairs: units sharing one of an article's heaviest terms. */
static int candidate_pairs(const wu_corpus *c, const uint32_t *unit, int max_posting,
                           wu__meter *meter, wu_u64s *pairs)
{
	size_t n = wu_corpus_size(c), m = 0;
	wu__keyidx *post = malloc((n * INDEX_TERMS + 1) * sizeof *post);
	wu_term top[INDEX_TERMS];
	if (!post)
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t np;
		const wu_term *p = wu__corpus_profile(c, i, &np);
		size_t k = 0;
		for (size_t j = 0; j < np; j++) { /* the INDEX_TERMS heaviest */
			size_t at = k < INDEX_TERMS ? k++ : INDEX_TERMS;
			if (at == INDEX_TERMS && cmp_weight_desc(&p[j], &top[INDEX_TERMS - 1]) >= 0)
				continue;
			if (at == INDEX_TERMS)
				at = INDEX_TERMS - 1;
			while (at > 0 && cmp_weight_desc(&p[j], &top[at - 1]) < 0) {
				top[at] = top[at - 1];
				at--;
			}
			top[at] = p[j];
		}
		for (size_t j = 0; j < k; j++)
			post[m++] = (wu__keyidx){top[j].key, unit[i]};
		if ((i + 1) % REPORT_BLOCK == 0)
			wu__meter_add(meter, REPORT_BLOCK);
	}
	int rc = wu__sort_keyidx(post, m);
	pairs->n = 0;
	for (size_t s = 0, e; rc == 0 && s < m; s = e) {
		for (e = s; e < m && post[e].key == post[s].key; e++)
			;
		/* Units of this term, distinct, in unit (= input) order. */
		qsort(post + s, e - s, sizeof *post, cmp_idx);
		size_t d = s;
		for (size_t j = s; j < e; j++)
			if (d == s || post[d - 1].idx != post[j].idx)
				post[d++] = post[j];
		for (size_t j = s + 1; j < d && rc == 0; j++) {
			size_t lim = j - s < (size_t)max_posting ? j - s : (size_t)max_posting;
			for (size_t a = 0; a < lim && rc == 0; a++) {
				uint32_t u = post[s + a].idx, v = post[j].idx;
				if (wu__u64s_reserve(pairs, pairs->n + 1))
					rc = -1;
				else
					pairs->a[pairs->n++] = u < v ? (uint64_t)u << 32 | v : (uint64_t)v << 32 | u;
			}
		}
	}
	free(post);
	if (rc || wu__sort_unique_u64(pairs->a, &pairs->n))
		return -1;
	return 0;
}

/* Greedy average linkage over the heap of candidate pairs. */
static int merge_loop(story *st, uint32_t *parent, heap *h, const wu_opt *o)
{
	uint32_t cap = (uint32_t)o->story_terms * SUM_TERMS_X;
	float t = (float)o->story_threshold;
	while (h->n) {
		edge e = heap_pop(h);
		uint32_t a = wu__find(parent, e.a), b = wu__find(parent, e.b);
		if (a == b || too_long(&st[a], &st[b], o->window_days))
			continue;
		int stale = st[a].version != e.va || st[b].version != e.vb || a != e.a || b != e.b;
		if (stale && !o->story_single_link) {
			edge f = {similarity(&st[a], &st[b]), a < b ? a : b, a < b ? b : a, 0, 0};
			f.va = st[f.a].version, f.vb = st[f.b].version;
			if (f.sim >= t && heap_push(h, f))
				return -1;
			continue;
		}
		uint32_t keep = a < b ? a : b, gone = a ^ b ^ keep;
		if (add_into(&st[keep], st[gone].a, st[gone].n, cap))
			return -1;
		st[keep].count += st[gone].count;
		widen(&st[keep], st[gone].dmin, st[gone].dmax);
		st[keep].version++;
		free(st[gone].a);
		st[gone].a = NULL, st[gone].n = 0;
		parent[gone] = keep;
	}
	return 0;
}

/* Scores every candidate pair, a block at a time so that progress is
 * reported between blocks, and heaps those that reach the threshold. */
static int seed_heap(story *st, const wu_u64s *pairs, const wu_opt *o, int n_threads,
                     wu__meter *m, heap *h)
{
	float *sim = malloc((pairs->n ? pairs->n : 1) * sizeof *sim);
	if (!sim)
		return -1;
	for (size_t lo = 0; lo < pairs->n; lo += REPORT_BLOCK) {
		size_t hi = pairs->n - lo < REPORT_BLOCK ? pairs->n : lo + REPORT_BLOCK;
		long long from = (long long)lo, to = (long long)hi;
#pragma omp parallel for num_threads(n_threads) schedule(dynamic, 1024)
		for (long long p = from; p < to; p++)
			sim[p] = similarity(&st[pairs->a[p] >> 32], &st[pairs->a[p] & 0xFFFFFFFFu]);
		wu__meter_add(m, hi - lo);
	}
	int rc = 0;
	for (size_t p = 0; p < pairs->n && rc == 0; p++) {
		if (sim[p] < (float)o->story_threshold)
			continue;
		edge e = {sim[p], (uint32_t)(pairs->a[p] >> 32), (uint32_t)pairs->a[p], 0, 0};
		rc = heap_push(h, e);
	}
	free(sim);
	return rc;
}

/* Story representative of every article, by the cluster rule. */
static void story_reps(const wu_corpus *c, const uint32_t *unit, uint32_t *parent, size_t n_units,
                       uint32_t *best, uint32_t *story_rep, size_t n, size_t *n_stories)
{
	for (size_t u = 0; u < n_units; u++)
		best[u] = UINT32_MAX;
	for (size_t i = 0; i < n; i++) {
		uint32_t r = wu__find(parent, unit[i]);
		if (best[r] == UINT32_MAX || wu__better(c, (uint32_t)i, best[r]))
			best[r] = (uint32_t)i;
	}
	*n_stories = 0;
	for (size_t u = 0; u < n_units; u++)
		*n_stories += parent[u] == u;
	for (size_t i = 0; i < n; i++)
		story_rep[i] = best[wu__find(parent, unit[i])];
}

int wu_stories(const wu_corpus *c, const wu_clusters *dup, const wu_opt *o, int n_threads,
               uint32_t *story_rep, size_t *n_stories)
{
	size_t n = dup->n, nu = 0;
	uint32_t *unit = malloc((n ? n : 1) * sizeof *unit);
	story *st = unit ? initial_stories(c, dup, o, unit, &nu) : NULL;
	uint32_t *parent = malloc((nu ? nu : 1) * sizeof *parent);
	uint32_t *best = malloc((nu ? nu : 1) * sizeof *best);
	wu_u64s pairs = {0};
	heap h = {0};
	int rc = -1;
	wu__meter m;
	wu__meter_start(&m, o, WU_STAGE_STORY_CANDIDATES, n);
	if (!st || !parent || !best || candidate_pairs(c, unit, o->max_bucket, &m, &pairs))
		goto done;
	wu__meter_end(&m);
	for (size_t u = 0; u < nu; u++)
		parent[u] = (uint32_t)u;
	wu__meter_start(&m, o, WU_STAGE_STORY_MERGE, pairs.n);
	if (seed_heap(st, &pairs, o, n_threads, &m, &h) || merge_loop(st, parent, &h, o))
		goto done;
	wu__meter_end(&m);
	story_reps(c, unit, parent, nu, best, story_rep, n, n_stories);
	rc = 0;
done:
	for (size_t u = 0; st && u < nu; u++)
		free(st[u].a);
	free(st), free(unit), free(parent), free(best), free(h.e);
	wu_u64s_free(&pairs);
	return rc;
}
