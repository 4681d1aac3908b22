/* The corpus: every sketched article in flat, index-addressed arrays (no
 * per-article allocation), so a million articles cost a few big blocks and
 * the clustering stages stream through memory. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

struct wu_corpus {
	int k, keep_shingles;
	size_t n, cap;
	wu_str ids;         /* id texts back to back */
	uint64_t *id_off;   /* n + 1 offsets into ids */
	int32_t *date;
	uint32_t *text_len, *n_shingles;
	uint32_t *sig;      /* n * k */
	wu_u64s shingles;   /* exact verification only */
	uint64_t *sh_off;   /* n + 1 offsets into shingles */
	int keep_profiles;
	wu_terms profiles;  /* story profiles back to back (stories only) */
	uint64_t *pr_off;   /* n + 1 offsets into profiles */
	uint32_t *slots;    /* id hash table: article index + 1, 0 = empty */
	size_t n_slots;
	uint64_t *key_hash; /* n: hash of each id's key (wu__id_key) */
	wu_str key, key_old; /* scratch: a new id's key, a stored one's */
};

wu_corpus *wu_corpus_new(const wu_opt *opt)
{
	wu_corpus *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->k = opt->num_perm;
	c->keep_shingles = opt->verify == WU_VERIFY_EXACT;
	c->keep_profiles = opt->stories;
	return c;
}

void wu_corpus_free(wu_corpus *c)
{
	if (!c)
		return;
	wu_str_free(&c->ids);
	wu_u64s_free(&c->shingles);
	free(c->id_off), free(c->date), free(c->text_len), free(c->n_shingles);
	free(c->sig), free(c->sh_off), free(c->slots), free(c->key_hash);
	wu_str_free(&c->key), wu_str_free(&c->key_old);
	wu_terms_free(&c->profiles);
	free(c->pr_off);
	free(c);
}

static int grow_arrays(wu_corpus *c)
{
	size_t cap = c->cap ? c->cap * 2 : 1024;
	void *p;
#define GROW(field, count)                                          \
	if (!(p = realloc(c->field, (count) * sizeof *c->field)))       \
		return -1;                                                  \
	c->field = p;
	GROW(id_off, cap + 1)
	GROW(date, cap)
	GROW(text_len, cap)
	GROW(n_shingles, cap)
	GROW(sig, cap * (size_t)c->k)
	GROW(sh_off, cap + 1)
	GROW(pr_off, cap + 1)
	GROW(key_hash, cap)
#undef GROW
	c->cap = cap;
	return 0;
}

/* Ids are one article when their keys are equal ("A" and "\u0041"):
 * the table holds each key's hash, and a stored id's key is made again
 * only when the hashes match, which is, but for 2^-64, a duplicate. */
static int key_equal(wu_corpus *c, uint32_t i, uint64_t h, const char *key, size_t len)
{
	if (c->key_hash[i] != h)
		return 0;
	size_t l, kl;
	const char *s = wu_corpus_id(c, i, &l);
	const char *k = wu__id_key(s, l, &c->key_old, &kl);
	/* Out of memory: not equal, so the id is added, not called a duplicate
	 * of an article it may not repeat; the add fails soon after anyway. */
	return k && kl == len && !memcmp(k, key, len);
}

static int rehash(wu_corpus *c)
{
	size_t ns = c->n_slots ? c->n_slots * 2 : 4096;
	uint32_t *t = calloc(ns, sizeof *t);
	if (!t)
		return -1;
	for (size_t i = 0; i < c->n; i++) {
		size_t h = (size_t)c->key_hash[i] & (ns - 1);
		while (t[h])
			h = (h + 1) & (ns - 1);
		t[h] = (uint32_t)i + 1;
	}
	free(c->slots);
	c->slots = t;
	c->n_slots = ns;
	return 0;
}

/* Slot of the id of key key (hash kh): either holding it or the empty
 * slot where it would go. */
static size_t find_slot(wu_corpus *c, uint64_t kh, const char *key, size_t len)
{
	size_t h = (size_t)kh & (c->n_slots - 1);
	while (c->slots[h] && !key_equal(c, c->slots[h] - 1, kh, key, len))
		h = (h + 1) & (c->n_slots - 1);
	return h;
}

/* Appends a as article c->n, its id's key hashed to kh, filed in slot.
 * 0, or -1 out of memory. */
static int append(wu_corpus *c, const wu_sketched *a, uint64_t kh, size_t slot)
{
	if (c->n == c->cap && grow_arrays(c))
		return -1;
	size_t i = c->n;
	if (i == 0)
		c->id_off[0] = c->sh_off[0] = c->pr_off[0] = 0;
	if (wu__str_append(&c->ids, a->id, a->id_len))
		return -1;
	if (c->keep_shingles) {
		if (wu__u64s_reserve(&c->shingles, c->shingles.n + a->n_shingles))
			return -1;
		if (a->n_shingles)
			memcpy(c->shingles.a + c->shingles.n, a->shingles,
			       a->n_shingles * sizeof(uint64_t));
		c->shingles.n += a->n_shingles;
	}
	if (c->keep_profiles) {
		if (wu_terms_reserve(&c->profiles, c->profiles.n + a->n_profile))
			return -1;
		if (a->n_profile)
			memcpy(c->profiles.a + c->profiles.n, a->profile, a->n_profile * sizeof(wu_term));
		c->profiles.n += a->n_profile;
	}
	c->pr_off[i + 1] = c->profiles.n;
	c->id_off[i + 1] = c->ids.n;
	c->sh_off[i + 1] = c->shingles.n;
	c->key_hash[i] = kh;
	c->date[i] = a->date;
	c->text_len[i] = a->text_len;
	c->n_shingles[i] = a->n_shingles;
	memcpy(c->sig + i * (size_t)c->k, a->sig, (size_t)c->k * sizeof(uint32_t));
	c->slots[slot] = (uint32_t)i + 1;
	c->n++;
	return 0;
}

int wu_corpus_add(wu_corpus *c, const wu_sketched *a, size_t *index, int *added, char *err,
                  size_t errlen)
{
	*added = 0;
	if (c->n >= UINT32_MAX - 1)
		return wu__fail(err, errlen, "the corpus is full (%lu articles)",
		                (unsigned long)(UINT32_MAX - 1));
	if ((c->n + 1) * 2 > c->n_slots && rehash(c))
		return wu__fail(err, errlen, "out of memory");
	size_t klen;
	const char *key = wu__id_key(a->id, a->id_len, &c->key, &klen);
	if (!key)
		return wu__fail(err, errlen, "out of memory");
	uint64_t kh = XXH3_64bits(key, klen);
	size_t slot = find_slot(c, kh, key, klen);
	if (c->slots[slot]) {
		*index = c->slots[slot] - 1;
		return 0;
	}
	size_t n_ids = c->ids.n, n_sh = c->shingles.n, n_pr = c->profiles.n;
	if (append(c, a, kh, slot)) {
		/* What was appended before the failure goes: the next article's
		 * id must not start with this one's. */
		c->ids.n = n_ids, c->shingles.n = n_sh, c->profiles.n = n_pr;
		return wu__fail(err, errlen, "out of memory");
	}
	*index = c->n - 1;
	*added = 1;
	return 0;
}

size_t wu_corpus_size(const wu_corpus *c)
{
	return c->n;
}

const char *wu_corpus_id(const wu_corpus *c, size_t i, size_t *len)
{
	*len = (size_t)(c->id_off[i + 1] - c->id_off[i]);
	return c->ids.s + c->id_off[i];
}

/* Accessors for cluster.c, which lives beside this file. */
const uint32_t *wu__corpus_sig(const wu_corpus *c, size_t i)
{
	return c->sig + i * (size_t)c->k;
}

void wu__corpus_meta(const wu_corpus *c, const int32_t **date, const uint32_t **text_len,
                     const uint32_t **n_shingles)
{
	*date = c->date;
	*text_len = c->text_len;
	*n_shingles = c->n_shingles;
}

const uint64_t *wu__corpus_shingles(const wu_corpus *c, size_t i, size_t *n)
{
	*n = (size_t)(c->sh_off[i + 1] - c->sh_off[i]);
	return c->shingles.a + c->sh_off[i];
}

const wu_term *wu__corpus_profile(const wu_corpus *c, size_t i, size_t *n)
{
	*n = (size_t)(c->pr_off[i + 1] - c->pr_off[i]);
	return c->profiles.a + c->pr_off[i];
}
