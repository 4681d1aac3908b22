/* Story clustering: near-duplicate clusters grouped into same-event
 * stories by greedy average linkage over candidate pairs.
 *
 * Why average linkage: single-link chaining (A~B, B~C, C unlike A) glues
 * two different earthquakes together through one article that mentions
 * both; merging only when the *mean* profiles of two stories agree keeps
 * them apart. The sum of a story's profiles and its size are all that is
 * needed: mean_A . mean_B = sum_A . sum_B / (|A| |B|).
 *
 * Linear: one initial story per near-duplicate cluster, its members'
 * profiles summed; candidate pairs from a weighted MinHash of those sums
 * (wminhash.c: at most 16 pairs a story); their exact similarities from
 * a hash table of one story's terms; and the merge loop pops a heap of
 * the pairs with lazily refreshed similarities (a merged story's
 * similarity to a third is a weighted mean of its parts', so stale heap
 * keys are upper bounds), each refresh one dot product of two capped
 * sums, so a merge costs bounded work.
 *
 * WIREDUP_STORY_STATS in the environment (a measurement hook, README
 * Stories) prints the stage's counts and CPU seconds to stderr and, up to
 * 30,000 initial stories, the candidates' recall against every pair. */
#include "internal.h"
#include "meter.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
                              wu__meter *m, uint32_t *unit, size_t *n_units)
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
		if ((i + 1) % REPORT_BLOCK == 0)
			wu__meter_add(m, REPORT_BLOCK);
	}
	for (size_t i = 0; i < n; i++)
		unit[i] = unit[dup->rep[i]];
	*n_units = nu;
	return st;
}

/* CPU seconds of the process (all threads): steadier than the wall
 * clock on a shared machine. */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Candidate pairs of the initial stories, from their summed profiles. */
static int unit_candidates(const story *st, size_t nu, int n_threads, wu_u64s *pairs)
{
	wu__termspan *p = malloc((nu ? nu : 1) * sizeof *p);
	if (!p)
		return -1;
	for (size_t u = 0; u < nu; u++)
		p[u] = (wu__termspan){st[u].a, st[u].n};
	int rc = wu__story_candidates(p, nu, n_threads, pairs);
	free(p);
	return rc;
}

static int cmp_u64(const void *p, const void *q)
{
	uint64_t a = *(const uint64_t *)p, b = *(const uint64_t *)q;
	return (a > b) - (a < b);
}

/* The candidates' recall against all pairs: of those whose mean profiles
 * (and cosines) reach the threshold, how many are candidates. */
static void stats_recall(const story *st, size_t nu, const wu_u64s *pairs, const wu_opt *o)
{
	if (nu > 30000)
		return;
	size_t want = 0, got = 0, want_c = 0, got_c = 0;
	for (size_t u = 0; u < nu; u++)
		for (size_t v = u + 1; v < nu; v++) {
			double d = dot(&st[u], &st[v]);
			double s = d / ((double)st[u].count * st[v].count);
			double nx = sqrt(dot(&st[u], &st[u])), ny = sqrt(dot(&st[v], &st[v]));
			double cs = nx > 0 && ny > 0 ? d / (nx * ny) : 0;
			uint64_t k = (uint64_t)u << 32 | v;
			int in = bsearch(&k, pairs->a, pairs->n, sizeof k, cmp_u64) != NULL;
			if (s >= o->story_threshold)
				want++, got += in;
			if (cs >= o->story_threshold)
				want_c++, got_c += in;
		}
	fprintf(stderr, "story stats: recall mean-dot>=t %zu/%zu = %.4f, cosine>=t %zu/%zu = %.4f\n",
	        got, want, want ? (double)got / want : 1.0, got_c, want_c,
	        want_c ? (double)got_c / want_c : 1.0);
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

/* One story's terms in an open-addressing table, so that its dot product
 * with each candidate partner is one look-up per partner term instead of
 * a merge of both lists (whose branches the CPU cannot predict). A slot
 * is filled when its stamp is the story's, so the table is never cleared. */
typedef struct {
	uint64_t *key;
	float *w;
	uint32_t *stamp, mask, cur;
} termtab;

static int termtab_init(termtab *t, uint32_t max_terms)
{
	uint32_t size = 16;
	while (size < 2 * max_terms)
		size *= 2;
	t->key = malloc(size * sizeof *t->key);
	t->w = malloc(size * sizeof *t->w);
	t->stamp = calloc(size, sizeof *t->stamp);
	t->mask = size - 1, t->cur = 0;
	return t->key && t->w && t->stamp ? 0 : -1;
}

static void termtab_free(termtab *t)
{
	free(t->key), free(t->w), free(t->stamp);
}

static uint32_t slot_of(uint64_t key, uint32_t mask)
{
	return (uint32_t)(key ^ key >> 29) & mask;
}

static void termtab_fill(termtab *t, const story *x)
{
	if (++t->cur == 0) { /* stamps wrapped: clear once in 2^32 stories */
		memset(t->stamp, 0, ((size_t)t->mask + 1) * sizeof *t->stamp);
		t->cur = 1;
	}
	for (uint32_t i = 0; i < x->n; i++) {
		uint32_t h = slot_of(x->a[i].key, t->mask);
		while (t->stamp[h] == t->cur)
			h = (h + 1) & t->mask;
		t->stamp[h] = t->cur, t->key[h] = x->a[i].key, t->w[h] = x->a[i].weight;
	}
}

/* dot(x, y) for the x in t: the same products summed in the same (key)
 * order as dot(), so the same bits. */
static double termtab_dot(const termtab *t, const story *y)
{
	double s = 0;
	for (uint32_t j = 0; j < y->n; j++) {
		uint64_t k = y->a[j].key;
		for (uint32_t h = slot_of(k, t->mask); t->stamp[h] == t->cur; h = (h + 1) & t->mask)
			if (t->key[h] == k) {
				s += (double)t->w[h] * y->a[j].weight;
				break;
			}
	}
	return s;
}

/* Scores every candidate pair (sorted, so a story's partners are
 * together and its table is filled once), a block at a time so that
 * progress is reported between blocks, and heaps those that reach the
 * threshold. */
static int seed_heap(story *st, const wu_u64s *pairs, const wu_opt *o, int n_threads,
                     wu__meter *m, heap *h)
{
	float *sim = malloc((pairs->n ? pairs->n : 1) * sizeof *sim);
	int fail = !sim;
	uint32_t max_terms = (uint32_t)o->story_terms * SUM_TERMS_X;
	for (size_t lo = 0; lo < pairs->n && !fail; lo += REPORT_BLOCK) {
		size_t hi = pairs->n - lo < REPORT_BLOCK ? pairs->n : lo + REPORT_BLOCK;
		long long from = (long long)lo, to = (long long)hi;
#pragma omp parallel num_threads(n_threads)
		{
			termtab t;
			uint32_t cur = UINT32_MAX;
			int ok = termtab_init(&t, max_terms) == 0;
			if (!ok)
#pragma omp atomic write
				fail = 1;
#pragma omp for schedule(dynamic, 1024)
			for (long long p = from; p < to; p++) {
				uint32_t u = (uint32_t)(pairs->a[p] >> 32), v = (uint32_t)pairs->a[p];
				if (!ok)
					continue;
				if (u != cur)
					termtab_fill(&t, &st[u]), cur = u;
				sim[p] = (float)(termtab_dot(&t, &st[v]) /
				                 ((double)st[u].count * st[v].count));
			}
			termtab_free(&t);
		}
		wu__meter_add(m, hi - lo);
	}
	int rc = fail ? -1 : 0;
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
	int stats = getenv("WIREDUP_STORY_STATS") != NULL;
	double t[4] = {cpu_now()};
	wu__meter m;
	wu__meter_start(&m, o, WU_STAGE_STORY_CANDIDATES, n);
	uint32_t *unit = malloc((n ? n : 1) * sizeof *unit);
	story *st = unit ? initial_stories(c, dup, o, &m, unit, &nu) : NULL;
	uint32_t *parent = malloc((nu ? nu : 1) * sizeof *parent);
	uint32_t *best = malloc((nu ? nu : 1) * sizeof *best);
	wu_u64s pairs = {0};
	heap h = {0};
	int rc = -1;
	if (!st || !parent || !best || unit_candidates(st, nu, n_threads, &pairs))
		goto done;
	wu__meter_end(&m);
	t[1] = cpu_now();
	if (stats) /* before any merge, and not counted */
		stats_recall(st, nu, &pairs, o), t[0] += cpu_now() - t[1], t[1] = cpu_now();
	for (size_t u = 0; u < nu; u++)
		parent[u] = (uint32_t)u;
	wu__meter_start(&m, o, WU_STAGE_STORY_MERGE, pairs.n);
	if (seed_heap(st, &pairs, o, n_threads, &m, &h))
		goto done;
	t[2] = cpu_now();
	size_t seeded = h.n;
	if (merge_loop(st, parent, &h, o))
		goto done;
	wu__meter_end(&m);
	t[3] = cpu_now();
	if (stats)
		fprintf(stderr, "story stats: %zu initial stories, %zu candidate pairs, %zu at the "
		        "threshold; CPU s: candidates %.3f, scoring %.3f, merging %.3f\n",
		        nu, pairs.n, seeded, t[1] - t[0], t[2] - t[1], t[3] - t[2]);
	story_reps(c, unit, parent, nu, best, story_rep, n, n_stories);
	rc = 0;
done:
	for (size_t u = 0; st && u < nu; u++)
		free(st[u].a);
	free(st), free(unit), free(parent), free(best), free(h.e);
	wu_u64s_free(&pairs);
	return rc;
}
