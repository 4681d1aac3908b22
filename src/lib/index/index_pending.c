/* The feed index's open batch (see index.c).
 *
 * Queries in a batch must see the articles added before them in it (the
 * earlier of two copies wins, an id is added once). Their band and id
 * entries are kept in memory, a hash table of chains in article order,
 * not in LMDB B-trees: 42 random inserts an article there cost more than
 * all the rest of an add. The commit builds the batch's segment from its
 * records, so nothing here needs to survive the process, and a dropped
 * batch just clears it. */
#include "index_internal.h"

#include <stdlib.h>
#include <string.h>

#define PEND_GONE UINT32_MAX
#define PEND_MIN_BITS 12

static size_t pend_chain(const wu__idx_pending *p, uint64_t key)
{
	return (size_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> (64 - p->bits));
}

static void pend_link(wu__idx_pending *p, size_t i)
{
	size_t c = pend_chain(p, p->e[i].key);
	p->e[i].next = 0;
	if (p->tail[c])
		p->e[p->tail[c] - 1].next = (uint32_t)i + 1;
	else
		p->head[c] = (uint32_t)i + 1;
	p->tail[c] = (uint32_t)i + 1;
}

/* Room for one more entry, with chains at most half full on average. */
static int pend_room(wu__idx_pending *p)
{
	if (p->n + 1 >= UINT32_MAX)
		return -1; /* a batch of 100 million articles */
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : (size_t)1 << PEND_MIN_BITS;
		pend_entry *e = realloc(p->e, cap * sizeof *e);
		if (!e)
			return -1;
		p->e = e, p->cap = cap;
	}
	if (p->bits && p->n < ((size_t)1 << p->bits) / 2)
		return 0;
	unsigned bits = p->bits ? p->bits + 1 : PEND_MIN_BITS;
	uint32_t *h = calloc((size_t)1 << bits, sizeof *h), *t = calloc((size_t)1 << bits, sizeof *t);
	if (!h || !t) {
		free(h), free(t);
		return -1;
	}
	free(p->head), free(p->tail);
	p->head = h, p->tail = t, p->bits = bits;
	for (size_t i = 0; i < p->n; i++) /* in order: chains stay in article order */
		pend_link(p, i);
	return 0;
}

int wu__idx_pend_add(wu__idx_pending *p, uint64_t key, uint64_t off)
{
	if (off >= PEND_GONE || pend_room(p))
		return -1;
	p->e[p->n] = (pend_entry){key, (uint32_t)off, 0};
	pend_link(p, p->n++);
	return 0;
}

/* An expired article of the batch: its entries no longer count. */
void wu__idx_pend_drop(wu__idx_pending *p, uint64_t key, uint64_t off)
{
	for (uint32_t i = p->n ? p->head[pend_chain(p, key)] : 0; i; i = p->e[i - 1].next)
		if (p->e[i - 1].key == key && p->e[i - 1].off == off)
			p->e[i - 1].off = PEND_GONE;
}

void wu__idx_pend_clear(wu__idx_pending *p)
{
	if (p->n) {
		memset(p->head, 0, sizeof *p->head << p->bits);
		memset(p->tail, 0, sizeof *p->tail << p->bits);
	}
	p->n = 0;
}

/* Appends the batch's articles with sort key key, oldest first, while
 * *taken < max. 0, or -1 out of memory. */
int wu__idx_pend_scan(wu_index *ix, uint64_t key, size_t max, size_t *taken)
{
	const wu__idx_pending *p = &ix->pend;
	for (uint32_t i = p->n ? p->head[pend_chain(p, key)] : 0; i && *taken < max;
	     i = p->e[i - 1].next) {
		const pend_entry *e = &p->e[i - 1];
		if (e->key != key || e->off == PEND_GONE)
			continue;
		if (wu__u64s_reserve(&ix->cand, ix->cand.n + 1))
			return -1;
		ix->cand.a[ix->cand.n++] = ix->sealed + e->off;
		++*taken;
	}
	return 0;
}
