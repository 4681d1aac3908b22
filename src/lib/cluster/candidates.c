/* LSH buckets: for each band, the articles sharing that band's key, kept
 * only for buckets of two or more (most articles are alone in most bands),
 * members in article order, and handed out in runs of buckets for the
 * threads that verify their pairs. No list of pairs is ever built: a
 * corpus of one kind of story makes hundreds of millions of them. */
#include "internal.h"
#include "meter.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	uint32_t *mem;   /* members of buckets of two or more, bucket by bucket */
	uint32_t *off;   /* bucket b is mem[off[b] .. off[b + 1]) */
	size_t n_buckets;
} band;

/* Buckets are handed out in units of about UNIT_MEMBERS members, so that
 * threads share the work evenly whatever the number of bands. */
#define UNIT_MEMBERS 16384

struct wu__bands {
	band *band;
	int n_bands;
	wu__bucket_run *unit;
	size_t n_units;
};

int wu__bucket_pairs(const wu__keyidx *b, size_t m, size_t max_bucket, wu_u64s *out)
{
	for (size_t j = 1; j < m; j++) {
		size_t lim = j < max_bucket ? j : max_bucket;
		if (wu__u64s_reserve(out, out->n + lim))
			return -1;
		for (size_t a = 0; a < lim; a++)
			out->a[out->n++] = (uint64_t)b[a].idx << 32 | b[j].idx;
	}
	return 0;
}

/* Sorted keys -> the band's buckets of two or more, members ascending
 * (the sort is stable and keys were filled in article order). */
static int keep_buckets(const wu__keyidx *k, size_t n, band *bd)
{
	size_t n_mem = 0, n_b = 0;
	for (size_t s = 0, e; s < n; s = e) {
		for (e = s + 1; e < n && k[e].key == k[s].key; e++)
			;
		if (e - s > 1)
			n_mem += e - s, n_b++;
	}
	bd->mem = malloc((n_mem ? n_mem : 1) * sizeof *bd->mem);
	bd->off = malloc((n_b + 1) * sizeof *bd->off);
	if (!bd->mem || !bd->off)
		return -1;
	bd->n_buckets = 0;
	size_t o = 0;
	for (size_t s = 0, e; s < n; s = e) {
		for (e = s + 1; e < n && k[e].key == k[s].key; e++)
			;
		if (e - s < 2)
			continue;
		bd->off[bd->n_buckets++] = (uint32_t)o;
		for (size_t i = s; i < e; i++)
			bd->mem[o++] = k[i].idx;
	}
	bd->off[bd->n_buckets] = (uint32_t)o;
	return 0;
}

static int build_band(const wu_corpus *c, const wu_opt *o, int b, wu__keyidx *keys, band *bd)
{
	size_t n = wu_corpus_size(c);
	for (size_t i = 0; i < n; i++) {
		keys[i].key = wu_band_key(wu__corpus_sig(c, i), b, o);
		keys[i].idx = (uint32_t)i;
	}
	if (wu__sort_keyidx(keys, n))
		return -1;
	return keep_buckets(keys, n, bd);
}

/* Cuts every band's buckets into runs of about UNIT_MEMBERS members. */
static int make_units(wu__bands *s)
{
	size_t n = 0, cap = 0;
	for (int b = 0; b < s->n_bands; b++) {
		const band *bd = &s->band[b];
		for (size_t k = 0; k < bd->n_buckets;) {
			size_t e = k + 1;
			while (e < bd->n_buckets && bd->off[e] - bd->off[k] < UNIT_MEMBERS)
				e++;
			if (n == cap) {
				size_t nc = cap ? 2 * cap : 64;
				wu__bucket_run *u = realloc(s->unit, nc * sizeof *u);
				if (!u)
					return -1;
				s->unit = u, cap = nc;
			}
			s->unit[n++] = (wu__bucket_run){bd->mem, bd->off + k, e - k};
			k = e;
		}
	}
	s->n_units = n;
	return 0;
}

wu__bands *wu__bands_build(const wu_corpus *c, const wu_opt *o, int n_threads)
{
	size_t n = wu_corpus_size(c);
	wu__bands *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->n_bands = o->bands;
	s->band = calloc((size_t)o->bands, sizeof *s->band);
	int fail = !s->band;
	wu__meter m;
	wu__meter_start(&m, o, WU_STAGE_BUCKET, (size_t)o->bands);
#pragma omp parallel num_threads(n_threads) if (!fail)
	{
		wu__keyidx *keys = malloc((n ? n : 1) * sizeof *keys);
		if (!keys)
#pragma omp atomic write
			fail = 1;
#pragma omp for schedule(dynamic, 1)
		for (int b = 0; b < o->bands; b++) {
			if (keys && build_band(c, o, b, keys, &s->band[b]))
#pragma omp atomic write
				fail = 1;
			wu__meter_add(&m, 1);
		}
		free(keys);
	}
	if (fail || make_units(s)) {
		wu__bands_free(s);
		return NULL;
	}
	wu__meter_end(&m);
	return s;
}

size_t wu__bands_runs(const wu__bands *s, const wu__bucket_run **runs)
{
	*runs = s->unit;
	return s->n_units;
}

void wu__bands_free(wu__bands *s)
{
	if (!s)
		return;
	for (int b = 0; s->band && b < s->n_bands; b++)
		free(s->band[b].mem), free(s->band[b].off);
	free(s->band), free(s->unit), free(s);
}
