/* Union-find over article numbers and the choice of each component's
 * representative: shared by the clusterer (cluster.c) and the stories
 * (story.c), neither of which owns it. */
#include "internal.h"

#include <stdint.h>

uint32_t wu__find(uint32_t *parent, uint32_t x)
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

void wu__link(uint32_t *parent, const uint64_t *pairs, size_t n)
{
	for (size_t p = 0; p < n; p++) {
		uint32_t a = wu__find(parent, (uint32_t)(pairs[p] >> 32));
		uint32_t b = wu__find(parent, (uint32_t)pairs[p]);
		if (a != b)
			parent[a > b ? a : b] = a < b ? a : b;
	}
}

void wu__representatives(const wu_corpus *c, uint32_t *parent, wu_clusters *out)
{
	size_t n = out->n;
	uint32_t *rep = out->rep, *best = parent;
	for (size_t i = 0; i < n; i++)
		rep[i] = wu__find(parent, (uint32_t)i);
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
}
