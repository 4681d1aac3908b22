/* A 64-bit key -> count table (open addressing), shared by the corpus
 * statistics passes: boilerplate line counts and story term document
 * frequencies. Key 0 is reserved for empty slots. */
#include "internal.h"

#include <stdlib.h>

void wu__counter_free(wu__counter *c)
{
	free(c->key), free(c->count);
	c->key = NULL, c->count = NULL;
	c->n = c->size = 0;
}

static size_t slot(const wu__counter *c, uint64_t k)
{
	size_t h = (size_t)(wu__mix64(k)) & (c->size - 1);
	while (c->key[h] && c->key[h] != k)
		h = (h + 1) & (c->size - 1);
	return h;
}

static int grow(wu__counter *c)
{
	wu__counter nc = {0};
	nc.size = c->size ? c->size * 2 : 1u << 10;
	nc.key = calloc(nc.size, sizeof *nc.key);
	nc.count = calloc(nc.size, sizeof *nc.count);
	if (!nc.key || !nc.count) {
		wu__counter_free(&nc);
		return -1;
	}
	for (size_t i = 0; i < c->size; i++) {
		if (!c->key[i])
			continue;
		size_t h = slot(&nc, c->key[i]);
		nc.key[h] = c->key[i];
		nc.count[h] = c->count[i];
	}
	free(c->key);
	free(c->count);
	c->key = nc.key;
	c->count = nc.count;
	c->size = nc.size;
	return 0;
}

int wu__counter_add(wu__counter *c, uint64_t k, uint32_t by)
{
	if ((c->n + 1) * 2 > c->size && grow(c))
		return -1;
	size_t h = slot(c, k);
	if (!c->key[h]) {
		c->key[h] = k;
		c->n++;
	}
	c->count[h] = c->count[h] > UINT32_MAX - by ? UINT32_MAX : c->count[h] + by;
	return 0;
}

uint32_t wu__counter_get(const wu__counter *c, uint64_t k)
{
	if (!c->size)
		return 0;
	size_t h = slot(c, k);
	return c->key[h] == k ? c->count[h] : 0;
}

int wu__counter_has(const wu__counter *c, uint64_t k)
{
	return c->size && c->key[slot(c, k)] == k;
}
