/* wiredup-mpi: LSH, verification and union-find across ranks.
 *
 * The single process (cluster.c) sorts each band's keys stably, so each
 * bucket lists its articles in index order, and links member j to the
 * first max_bucket members; candidate pairs are deduplicated, verified
 * from the signatures, and joined. Here each (band, key, article) goes to
 * the key's owner, which sorts its share by (key, article): the same
 * buckets in the same order, so the same pairs. Each pair then goes to its
 * own owner (deduplicated there, as across bands in the single process),
 * which fetches the two signatures from the articles' owners and verifies
 * it. Linked pairs go to rank 0: union-find and the representative rule
 * over its corpus of metadata. The similarity to the representative is
 * computed by the article's owner, which fetches the representative's
 * signature. Verification is a pure function of the pair, so the result is
 * the single process's, for any number of ranks. */
#include "mpi_wu.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* Band tuples in one exchange at most, per rank: bounds the memory of the
 * band arrays whatever the corpus (rounds of bands). */
#define ROUND_TUPLES (8u << 20)

typedef struct {
	uint64_t key;
	uint32_t idx, band;
} tuple;

/* Corpus index -> owner and owner's local index. */
typedef struct {
	uint64_t *start, *local;
	int *owner;
	size_t n;
} index_map;

static int map_new(const wmpi_plan *p, index_map *x)
{
	memset(x, 0, sizeof *x);
	x->start = malloc((p->n_seg + 1) * sizeof *x->start);
	x->local = malloc((p->n_seg + 1) * sizeof *x->local);
	x->owner = malloc((p->n_seg + 1) * sizeof *x->owner);
	if (!x->start || !x->local || !x->owner)
		return -1;
	for (size_t i = 0; i < p->n_seg; i++) {
		if (!p->seg[i].n_acc)
			continue;
		x->start[x->n] = p->seg[i].acc_start;
		x->local[x->n] = p->seg[i].local_acc;
		x->owner[x->n++] = p->seg[i].owner;
	}
	return 0;
}

static void map_free(index_map *x)
{
	free(x->start), free(x->local), free(x->owner);
}

static int owner_of(const index_map *x, uint64_t g, uint64_t *local)
{
	*local = 0;
	if (x->n == 0)
		return 0; /* no articles: never asked */
	size_t lo = 0, hi = x->n; /* the last segment starting at or before g */
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (x->start[mid] <= g)
			lo = mid;
		else
			hi = mid;
	}
	*local = x->local[lo] + (g - x->start[lo]);
	return x->owner[lo];
}

/* This rank's articles' corpus indices, in local order. */
static uint32_t *local_indices(const wmpi *m, const wmpi_plan *p, size_t n)
{
	uint32_t *g = malloc((n ? n : 1) * sizeof *g);
	for (size_t i = 0; g && i < p->n_seg; i++) {
		const wmpi_seg *s = &p->seg[i];
		if (s->owner != m->rank)
			continue;
		for (uint64_t j = 0; j < s->n_acc; j++)
			g[s->local_acc + j] = (uint32_t)(s->acc_start + j);
	}
	return g;
}

/* ---- similarity, as cluster.c computes it ---- */

typedef struct {
	const uint32_t *sig;
	uint32_t ns;
	const uint64_t *sh;
} article;

static double similarity(const wu_opt *o, const article *a, const article *b)
{
	if (a->ns == 0 || b->ns == 0)
		return 0.0;
	double jac = o->verify == WU_VERIFY_EXACT ? wu_set_jaccard(a->sh, a->ns, b->sh, b->ns)
	                                          : wu_sig_jaccard(a->sig, b->sig, o->num_perm);
	return wu_pair_similarity(jac, a->ns, b->ns, o);
}

static int passes(const wu_opt *o, const article *a, const article *b)
{
	if (!wu_pair_passes(1.0, a->ns, b->ns, o)) /* the length test alone: cheap */
		return 0;
	return wu_pair_passes(similarity(o, a, b), a->ns, b->ns, o);
}

static article local_article(const wmpi_sigs *s, size_t i)
{
	article a = {s->sig + i * (size_t)s->k, s->ns[i], NULL};
	if (s->sh_off && s->sh.a)
		a.sh = s->sh.a + s->sh_off[i];
	return a;
}

/* ---- fetching signatures from their owners ---- */

typedef struct {
	const uint64_t *want; /* sorted corpus indices */
	size_t n;
	size_t *at;           /* want[i]'s answer is answer number at[i] (answers come by owner) */
	uint32_t *rec;        /* per answer: n_shingles, then k values */
	uint64_t *sh, *sh_off; /* exact verification: shingles, per answer */
} fetched;

static void fetched_free(fetched *f)
{
	free(f->at), free(f->rec), free(f->sh), free(f->sh_off);
}

static article fetched_article(const fetched *f, int k, size_t i)
{
	size_t a = f->at[i];
	const uint32_t *r = f->rec + a * (size_t)(k + 1);
	article x = {r + 1, r[0], f->sh ? f->sh + f->sh_off[a] : NULL};
	return x;
}

static size_t find_u64(const uint64_t *a, size_t n, uint64_t x)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (a[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Owners answer requests (local indices) with shingle counts and
 * signatures; with exact verification, a second exchange brings the
 * shingles, whose counts both sides know by then. */
static int answer(wmpi *m, const wmpi_sigs *s, const uint64_t *req, const size_t *rcount,
                  size_t n_req, uint32_t **resp, uint64_t **sh, size_t *sh_count)
{
	size_t k = (size_t)s->k, P = (size_t)m->size;
	*resp = malloc((n_req ? n_req : 1) * (k + 1) * sizeof **resp);
	*sh = NULL;
	if (!*resp)
		return wmpi_fail(m, "out of memory");
	for (size_t i = 0; i < n_req; i++) {
		(*resp)[i * (k + 1)] = s->ns[req[i]];
		memcpy(*resp + i * (k + 1) + 1, s->sig + req[i] * k, k * sizeof **resp);
	}
	if (!s->sh.a)
		return 0;
	size_t total = 0, at = 0;
	for (size_t i = 0; i < n_req; i++)
		total += s->ns[req[i]];
	if (!(*sh = malloc((total ? total : 1) * sizeof **sh)))
		return wmpi_fail(m, "out of memory");
	for (size_t r = 0, i = 0; r < P; r++) {
		sh_count[r] = 0;
		for (size_t j = 0; j < rcount[r]; j++, i++) {
			memcpy(*sh + at, s->sh.a + s->sh_off[req[i]], s->ns[req[i]] * sizeof **sh);
			at += s->ns[req[i]];
			sh_count[r] += s->ns[req[i]];
		}
	}
	return 0;
}

/* Exact verification: where each answer's shingles start. */
static int shingle_offsets(wmpi *m, fetched *f, int k)
{
	uint64_t total = 0;
	if (!(f->sh_off = malloc((f->n + 1) * sizeof *f->sh_off)))
		return wmpi_fail(m, "out of memory");
	for (size_t a = 0; a < f->n; a++) {
		f->sh_off[a] = total;
		total += f->rec[a * (size_t)(k + 1)];
	}
	return 0;
}

/* Collective: the signatures (and shingle counts, and shingles when exact)
 * of the articles in f->want, from their owners. */
static int fetch(wmpi *m, const index_map *map, const wmpi_sigs *s, int exact, fetched *f)
{
	size_t P = (size_t)m->size, k = (size_t)s->k;
	size_t *cnt = calloc(P, sizeof *cnt), *at = calloc(P, sizeof *at);
	size_t *rcount = calloc(P, sizeof *rcount), *sh_count = calloc(P, sizeof *sh_count);
	size_t *rsh = calloc(P, sizeof *rsh);
	int *own = malloc((f->n + 1) * sizeof *own);
	uint64_t *req = calloc(f->n + 1, sizeof *req), *loc = malloc((f->n + 1) * sizeof *loc);
	uint64_t *got_req = NULL, *resp_sh = NULL;
	uint32_t *resp = NULL;
	f->at = malloc((f->n + 1) * sizeof *f->at);
	int ok = cnt && at && rcount && sh_count && rsh && f->at && own && req && loc &&
	         (f->want || f->n == 0) && !m->err[0];
	if (!ok)
		wmpi_fail(m, "out of memory");
	for (size_t i = 0; ok && i < f->n; i++)
		cnt[own[i] = owner_of(map, f->want[i], &loc[i])]++;
	for (size_t r = 1; ok && r < P; r++)
		at[r] = at[r - 1] + cnt[r - 1];
	for (size_t i = 0; ok && i < f->n; i++) {
		f->at[i] = at[own[i]]++;
		req[f->at[i]] = loc[i];
	}
	free(own), free(loc);
	int rc = wmpi_alltoallv(m, req, cnt, sizeof *req, (void **)&got_req, rcount);
	free(req);
	size_t n_req = 0;
	for (size_t r = 0; rc == 0 && ok && r < P; r++)
		n_req += rcount[r];
	if (rc == 0 && ok)
		answer(m, s, got_req, rcount, n_req, &resp, &resp_sh, sh_count);
	free(got_req);
	rc = wmpi_alltoallv(m, resp, rcount, (k + 1) * sizeof *resp, (void **)&f->rec, cnt);
	free(resp);
	if (rc == 0 && exact)
		rc = wmpi_alltoallv(m, resp_sh, sh_count, sizeof *resp_sh, (void **)&f->sh, rsh);
	if (rc == 0 && exact)
		shingle_offsets(m, f, (int)k);
	free(cnt), free(at), free(rcount), free(sh_count), free(rsh), free(resp_sh);
	return rc ? rc : wmpi_sync(m);
}

/* ---- candidates ---- */

typedef wu_u64s pairs;



static int cmp_idx(const void *x, const void *y)
{
	const wu__keyidx *a = x, *b = y;
	return (a->idx > b->idx) - (a->idx < b->idx);
}

/* One band's tuples (in the order they arrived) -> its buckets, each in
 * article order as the single process's stable sort leaves them -> pairs.
 * Sorting by key alone, then each bucket of two or more by article, costs
 * one radix sort and a little: most buckets have one member. */
static int band_pairs(const tuple *t, size_t n, size_t max_bucket, wu__keyidx *x, pairs *out)
{
	for (size_t i = 0; i < n; i++)
		x[i] = (wu__keyidx){t[i].key, t[i].idx};
	if (wu__sort_keyidx(x, n))
		return -1;
	for (size_t s = 0, e; s < n; s = e) {
		for (e = s + 1; e < n && x[e].key == x[s].key; e++)
			;
		if (e - s < 2)
			continue;
		qsort(x + s, e - s, sizeof *x, cmp_idx);
		if (wu__bucket_pairs(x + s, e - s, max_bucket, out))
			return -1;
	}
	return 0;
}

/* The received tuples of bands [b0, b0 + nb), grouped by band. */
static int buckets(const wu_opt *o, tuple *t, size_t n, int b0, int nb, pairs *out)
{
	size_t *start = calloc((size_t)nb + 1, sizeof *start);
	tuple *by = malloc((n ? n : 1) * sizeof *by);
	wu__keyidx *x = malloc((n ? n : 1) * sizeof *x);
	int rc = start && by && x ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < n; i++)
		start[t[i].band - (uint32_t)b0 + 1]++;
	for (int b = 0; rc == 0 && b < nb; b++)
		start[b + 1] += start[b];
	for (size_t i = 0; rc == 0 && i < n; i++)
		by[start[t[i].band - (uint32_t)b0]++] = t[i];
	for (int b = nb - 1; rc == 0 && b >= 0; b--) /* start[b] is now band b's end */
		start[b + 1] = start[b];
	if (start)
		start[0] = 0;
	for (int b = 0; rc == 0 && b < nb; b++)
		rc = band_pairs(by + start[b], start[b + 1] - start[b], (size_t)o->max_bucket, x, out);
	free(start), free(by), free(x);
	return rc;
}

/* Collective: one round of bands: tuples to key owners, buckets, pairs. */
static int band_round(wmpi *m, const wu_opt *o, int n_threads, const wmpi_sigs *s,
                      const uint32_t *gidx, int b0, int nb, pairs *out)
{
	size_t n = s->n * (size_t)nb, P = (size_t)m->size;
	tuple *t = malloc((n ? n : 1) * sizeof *t), *send = malloc((n ? n : 1) * sizeof *send);
	size_t *cnt = calloc(P, sizeof *cnt), *at = calloc(P, sizeof *at);
	size_t *rcount = calloc(P, sizeof *rcount);
	tuple *recv = NULL;
	int ok = t && send && cnt && at && rcount && !m->err[0];
	if (!ok)
		wmpi_fail(m, "out of memory for band keys");
	long long nl = ok ? (long long)s->n : 0;
#pragma omp parallel for num_threads(n_threads) schedule(static)
	for (long long i = 0; i < nl; i++)
		for (int b = 0; b < nb; b++) {
			const uint32_t *sig = s->sig + (size_t)i * (size_t)s->k;
			t[(size_t)i * (size_t)nb + (size_t)b] =
				(tuple){wu_band_key(sig, b0 + b, o), gidx[i], (uint32_t)(b0 + b)};
		}
	for (size_t i = 0; ok && i < n; i++)
		cnt[wmpi_owner(t[i].key, m->size)]++;
	for (size_t r = 1; ok && r < P; r++)
		at[r] = at[r - 1] + cnt[r - 1];
	for (size_t i = 0; ok && i < n; i++)
		send[at[wmpi_owner(t[i].key, m->size)]++] = t[i];
	free(t);
	int rc = wmpi_alltoallv(m, send, cnt, sizeof *send, (void **)&recv, rcount);
	free(send);
	size_t nr = 0;
	for (size_t r = 0; rc == 0 && ok && r < P; r++)
		nr += rcount[r];
	if (rc == 0 && buckets(o, recv, nr, b0, nb, out))
		wmpi_fail(m, "out of memory forming buckets");
	free(recv), free(cnt), free(at), free(rcount);
	return rc;
}

/* The rank that verifies a pair: the owner of one of its articles (so one
 * signature is at hand), which one chosen by the pair's hash, so that no
 * rank gets the pairs of the earliest articles. */
static int verifier(const index_map *map, uint64_t pair)
{
	uint64_t local;
	return owner_of(map, wu__mix64(pair) & 1 ? pair >> 32 : pair & 0xFFFFFFFFu, &local);
}

/* Collective: this rank's share of the distinct candidate pairs. */
static int candidates(wmpi *m, const index_map *map, const wu_opt *o, int n_threads,
                      const wmpi_sigs *s, const uint32_t *gidx, pairs *mine)
{
	pairs gen = {0};
	uint64_t most = wmpi_max(s->n);
	int per = most ? (int)(ROUND_TUPLES / most) : o->bands;
	if (per < 1)
		per = 1;
	m->phase = PH_BANDS;
	for (int b0 = 0; b0 < o->bands; b0 += per) {
		int nb = o->bands - b0 < per ? o->bands - b0 : per;
		if (band_round(m, o, n_threads, s, gidx, b0, nb, &gen)) {
			free(gen.a);
			return -1;
		}
	}
	/* each pair to its verifier, which deduplicates across bands and ranks */
	m->phase = PH_PAIRS;
	size_t P = (size_t)m->size, *cnt = calloc(P, sizeof *cnt), *at = calloc(P, sizeof *at);
	size_t *rcount = calloc(P, sizeof *rcount), nr = 0;
	uint64_t *send = malloc((gen.n ? gen.n : 1) * sizeof *send);
	int ok = cnt && at && rcount && send && !m->err[0] && wu__sort_unique_u64(gen.a, &gen.n) == 0;
	if (!ok)
		wmpi_fail(m, "out of memory for candidate pairs");
	for (size_t i = 0; ok && i < gen.n; i++)
		cnt[verifier(map, gen.a[i])]++;
	for (size_t r = 1; ok && r < P; r++)
		at[r] = at[r - 1] + cnt[r - 1];
	for (size_t i = 0; ok && i < gen.n; i++)
		send[at[verifier(map, gen.a[i])]++] = gen.a[i];
	free(gen.a);
	int rc = wmpi_alltoallv(m, send, cnt, sizeof *send, (void **)&mine->a, rcount);
	for (size_t r = 0; rc == 0 && ok && r < P; r++)
		nr += rcount[r];
	mine->n = mine->cap = nr;
	if (rc == 0 && wu__sort_unique_u64(mine->a, &mine->n))
		wmpi_fail(m, "out of memory for candidate pairs");
	free(cnt), free(at), free(rcount), free(send);
	return wmpi_sync(m);
}

/* ---- verification ---- */

/* Pairs verified at once: bounds the signatures fetched and held. */
#define ROUND_PAIRS (1u << 20)

/* Each pair's article on this rank (its local index, and whether it is
 * the pair's first) and the other one, by which the pairs are sorted:
 * then each round fetches a distinct run of other articles, each once. */
static int by_other(wmpi *m, const index_map *map, const pairs *cand, wu__keyidx *other,
                    uint64_t *mine)
{
	for (size_t q = 0; q < cand->n; q++) {
		uint64_t i = cand->a[q] >> 32, j = cand->a[q] & 0xFFFFFFFFu, li;
		int first = owner_of(map, i, &li) == m->rank;
		if (!first)
			owner_of(map, j, &li);
		mine[q] = li << 1 | (uint64_t)first;
		other[q] = (wu__keyidx){first ? j : i, (uint32_t)q};
	}
	return wu__sort_keyidx(other, cand->n);
}

/* Collective: verifies the pairs other[0..n) into ok[]. */
static int verify_round(wmpi *m, const index_map *map, const wu_opt *o, int n_threads,
                        const wmpi_sigs *s, const wu__keyidx *other, size_t n, const uint64_t *mine,
                        unsigned char *ok)
{
	uint64_t *want = malloc((n + 1) * sizeof *want);
	uint32_t *pos = malloc((n + 1) * sizeof *pos);
	size_t nw = 0;
	int ok_mem = want && pos && (other || n == 0) && mine && ok && !m->err[0];
	if (!ok_mem)
		wmpi_fail(m, "out of memory verifying pairs");
	for (size_t t = 0; ok_mem && t < n; t++) {
		if (nw == 0 || want[nw - 1] != other[t].key)
			want[nw++] = other[t].key;
		pos[t] = (uint32_t)(nw - 1);
	}
	fetched f = {want, nw, NULL, NULL, NULL, NULL};
	int rc = fetch(m, map, s, o->verify == WU_VERIFY_EXACT, &f);
	long long nn = rc || !ok_mem ? 0 : (long long)n;
#pragma omp parallel for num_threads(n_threads) schedule(dynamic, 4096)
	for (long long t = 0; t < nn; t++) {
		uint32_t q = other[t].idx;
		article a = local_article(s, (size_t)(mine[q] >> 1));
		article b = fetched_article(&f, s->k, pos[t]);
		/* in the pair's order, (i, j), as the single process */
		ok[q] = (unsigned char)(mine[q] & 1 ? passes(o, &a, &b) : passes(o, &b, &a));
	}
	free(want), free(pos);
	fetched_free(&f);
	return rc;
}

/* Collective: verifies this rank's pairs; the linked ones stay in cand. */
static int verify(wmpi *m, const index_map *map, const wu_opt *o, int n_threads,
                  const wmpi_sigs *s, pairs *cand)
{
	m->phase = PH_FETCH;
	size_t n = cand->n;
	uint64_t rounds = (wmpi_max(n) + ROUND_PAIRS - 1) / ROUND_PAIRS;
	unsigned char *ok = calloc(n + 1, 1);
	wu__keyidx *other = malloc((n + 1) * sizeof *other);
	uint64_t *mine = malloc((n + 1) * sizeof *mine);
	if (!ok || !other || !mine || by_other(m, map, cand, other, mine))
		wmpi_fail(m, "out of memory verifying pairs");
	int rc = 0;
	for (uint64_t r = 0; rc == 0 && r < rounds; r++) {
		size_t lo = (size_t)r * ROUND_PAIRS, hi = lo + ROUND_PAIRS;
		lo = lo < n ? lo : n, hi = hi < n ? hi : n;
		rc = verify_round(m, map, o, n_threads, s, other ? other + lo : NULL, hi - lo, mine, ok);
	}
	size_t w = 0;
	for (size_t q = 0; rc == 0 && ok && q < n; q++)
		if (ok[q])
			cand->a[w++] = cand->a[q];
	if (rc == 0)
		cand->n = w;
	free(ok), free(other), free(mine);
	return rc ? rc : wmpi_sync(m);
}

/* ---- union-find and representatives, on rank 0 ---- */

/* As cluster.c: components, then the best member of each represents it. */
static int union_find(const wu_corpus *c, const uint64_t *linked, size_t n_linked,
                      wu_clusters *out)
{
	size_t n = out->n;
	uint32_t *parent = malloc((n ? n : 1) * sizeof *parent);
	if (!parent)
		return -1;
	for (size_t i = 0; i < n; i++)
		parent[i] = (uint32_t)i;
	wu__link(parent, linked, n_linked);
	wu__representatives(c, parent, out);
	for (size_t i = 0; i < n; i++)
		out->similarity[i] = 1.0f;
	free(parent);
	return 0;
}

/* Rank 0: the (article, representative) pairs to compute, grouped by the
 * article's owner; pos[j] is member j's place in that order. */
static int rep_requests(wmpi *m, const index_map *map, const wu_clusters *out, size_t *cnt,
                        uint64_t **send, size_t **pos)
{
	size_t P = (size_t)m->size, n = out->n, members = 0;
	size_t *at = calloc(P, sizeof *at);
	int *own = malloc((n + 1) * sizeof *own);
	*send = malloc((n + 1) * sizeof **send);
	*pos = malloc((n + 1) * sizeof **pos);
	if (!at || !own || !*send || !*pos) {
		free(at), free(own);
		return wmpi_fail(m, "out of memory");
	}
	uint64_t local;
	for (size_t i = 0; i < n; i++)
		if (out->rep[i] != i)
			cnt[own[members++] = owner_of(map, i, &local)]++;
	for (size_t r = 1; r < P; r++)
		at[r] = at[r - 1] + cnt[r - 1];
	for (size_t i = 0, j = 0; i < n; i++)
		if (out->rep[i] != i) {
			(*pos)[j] = at[own[j]]++;
			(*send)[(*pos)[j++]] = (uint64_t)i << 32 | out->rep[i];
		}
	free(at), free(own);
	return 0;
}

/* Collective: similarity of each article to its representative, computed
 * by the article's owner with the representative's signature fetched. */
static int rep_similarity(wmpi *m, const index_map *map, const wu_opt *o, const wmpi_sigs *s,
                          wu_clusters *out)
{
	size_t P = (size_t)m->size, nq = 0, *pos = NULL;
	size_t *cnt = calloc(P, sizeof *cnt), *rcount = calloc(P, sizeof *rcount);
	uint64_t *send = NULL, *q = NULL;
	float *sim = NULL, *all = NULL;
	if (!cnt || !rcount)
		wmpi_fail(m, "out of memory");
	else if (m->rank == 0)
		rep_requests(m, map, out, cnt, &send, &pos);
	int rc = wmpi_scatterv(m, send, cnt, sizeof *send, (void **)&q, &nq);
	uint64_t *want = malloc((nq + 1) * sizeof *want);
	size_t nw = nq;
	for (size_t i = 0; want && i < nq; i++)
		want[i] = q[i] & 0xFFFFFFFFu;
	if (rc == 0 && (!want || wu__sort_unique_u64(want, &nw)))
		wmpi_fail(m, "out of memory");
	fetched f = {want, nw, NULL, NULL, NULL, NULL};
	if (rc == 0)
		rc = fetch(m, map, s, o->verify == WU_VERIFY_EXACT, &f);
	sim = rc ? NULL : malloc((nq + 1) * sizeof *sim);
	if (rc == 0 && !sim)
		wmpi_fail(m, "out of memory");
	for (size_t i = 0; sim && want && i < nq; i++) {
		uint64_t li;
		owner_of(map, q[i] >> 32, &li);
		article a = local_article(s, (size_t)li);
		article b = fetched_article(&f, s->k, find_u64(want, nw, q[i] & 0xFFFFFFFFu));
		sim[i] = (float)similarity(o, &a, &b);
	}
	if (rc == 0)
		rc = wmpi_gatherv(m, sim, nq, sizeof *sim, (void **)&all, rcount);
	/* the answers come back in the order of the requests */
	for (size_t i = 0, j = 0; rc == 0 && all && pos && i < out->n; i++)
		if (out->rep[i] != i)
			out->similarity[i] = all[pos[j++]];
	free(cnt), free(send), free(q), free(pos), free(sim), free(all), free(want), free(rcount);
	fetched_free(&f);
	return rc;
}

int wmpi_cluster(wmpi *m, const wmpi_plan *p, const wu_opt *o, int n_threads, const wmpi_sigs *s,
                   const wu_corpus *meta, wu_clusters *out)
{
	memset(out, 0, sizeof *out);
	out->bands = o->bands, out->rows = o->rows;
	index_map map;
	pairs cand = {0};
	uint64_t *linked = NULL;
	size_t *lcount = calloc((size_t)m->size, sizeof *lcount);
	uint32_t *gidx = local_indices(m, p, s->n);
	if (map_new(p, &map) || !gidx || !lcount)
		wmpi_fail(m, "out of memory");
	double t0 = MPI_Wtime();
	int rc = candidates(m, &map, o, n_threads, s, gidx, &cand);
	out->n_candidates = (size_t)wmpi_sum(cand.n);
	double t1 = MPI_Wtime();
	if (rc == 0)
		rc = verify(m, &map, o, n_threads, s, &cand);
	out->n_linked = (size_t)wmpi_sum(rc ? 0 : cand.n);
	double t2 = MPI_Wtime();
	m->phase = PH_CLUSTER;
	if (rc == 0)
		rc = wmpi_gatherv(m, cand.a, cand.n, sizeof *cand.a, (void **)&linked, lcount);
	if (rc == 0 && m->rank == 0) {
		out->n = wu_corpus_size(meta);
		out->rep = malloc((out->n ? out->n : 1) * sizeof *out->rep);
		out->similarity = malloc((out->n ? out->n : 1) * sizeof *out->similarity);
		if (!out->rep || !out->similarity || union_find(meta, linked, out->n_linked, out))
			wmpi_fail(m, "out of memory");
	}
	if (rc == 0)
		rc = rep_similarity(m, &map, o, s, out);
	out->seconds_bucket = t1 - t0;
	out->seconds_verify = t2 - t1;
	out->seconds_union = MPI_Wtime() - t2;
	map_free(&map);
	free(cand.a), free(linked), free(lcount), free(gidx);
	if (rc)
		wu_clusters_free(out);
	return rc;
}
