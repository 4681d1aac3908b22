/* The feed index's article records: the values of "articles" (see
 * index.c).
 *
 * Record (little-endian): u32 XXH32 of the rest, i32 date, u32 shingle
 * count, u16 id length, u16 source length, num_perm u32 signature values,
 * id (JSON text), source. The checksum turns a damaged record into an
 * error instead of a wrong answer. */
#include "index_internal.h"

#include <string.h>

#define REC_HEAD 16

/* Returns -1 here, where the analyzer can see it. */
static int damaged(char *err, size_t errlen, uint64_t art, const char *why)
{
	wu__fail(err, errlen, "damaged index: article %llu %s", (unsigned long long)art, why);
	return -1;
}

int wu__idx_encode(wu_index *ix, const wu_index_article *a)
{
	size_t k = (size_t)ix->opt.num_perm;
	size_t slen = a->source ? (a->source_len > WU__IDX_MAX_LEN ? WU__IDX_MAX_LEN : a->source_len) : 0;
	size_t n = REC_HEAD + 4 * k + a->id_len + slen;
	if (wu__str_reserve(&ix->rec, n))
		return -1;
	unsigned char *p = (unsigned char *)ix->rec.s;
	put_le(p + 4, (uint32_t)a->date, 4);
	put_le(p + 8, a->n_shingles, 4);
	put_le(p + 12, a->id_len, 2);
	put_le(p + 14, slen, 2);
	for (size_t i = 0; i < k; i++)
		put_le(p + REC_HEAD + 4 * i, a->sig[i], 4);
	memcpy(p + REC_HEAD + 4 * k, a->id, a->id_len);
	if (slen)
		memcpy(p + REC_HEAD + 4 * k + a->id_len, a->source, slen);
	put_le(p, XXH32(p + 4, n - 4, 0), 4);
	ix->rec.n = n;
	return 0;
}

int wu__idx_decode(const wu_index *ix, const MDB_val *v, wu__index_record *r)
{
	const unsigned char *p = v->mv_data;
	size_t k = (size_t)ix->opt.num_perm;
	if (v->mv_size < REC_HEAD + 4 * k)
		return -1;
	r->date = (int32_t)(uint32_t)get_le(p + 4, 4);
	r->n_shingles = (uint32_t)get_le(p + 8, 4);
	r->id_len = (size_t)get_le(p + 12, 2);
	r->source_len = (size_t)get_le(p + 14, 2);
	if (v->mv_size != REC_HEAD + 4 * k + r->id_len + r->source_len ||
	    get_le(p, 4) != XXH32(p + 4, v->mv_size - 4, 0))
		return -1;
	r->sig = p + REC_HEAD;
	r->id = (const char *)p + REC_HEAD + 4 * k;
	r->source = r->id + r->id_len;
	return 0;
}

/* The record's signature, decoded into ix->sig. */
const uint32_t *wu__idx_record_sig(wu_index *ix, const wu__index_record *r)
{
	size_t k = (size_t)ix->opt.num_perm;
	if (wu__u32s_reserve(&ix->sig, k))
		return NULL;
	for (size_t i = 0; i < k; i++)
		ix->sig.a[i] = (uint32_t)get_le(r->sig + 4 * i, 4);
	return ix->sig.a;
}

/* Reads article art. With gone, an article that is not there is no
 * damage (a segment's entries outlive its expired articles): *gone is 1
 * then, else 0. 0, or -1 with the reason. */
int wu__idx_fetch(wu_index *ix, MDB_txn *t, uint64_t art, wu__index_record *r, int *gone,
                  char *err, size_t errlen)
{
	unsigned char kb[8];
	put_be64(kb, art);
	MDB_val k = {8, kb}, v;
	memset(r, 0, sizeof *r);
	if (gone)
		*gone = 0;
	int rc = mdb_get(t, ix->articles, &k, &v);
	if (rc == MDB_NOTFOUND && gone) {
		*gone = 1;
		return 0;
	}
	if (rc == MDB_NOTFOUND)
		return damaged(err, errlen, art, "is missing");
	if (rc)
		return idx_lmdb_fail(err, errlen, "reading an article", rc);
	if (wu__idx_decode(ix, &v, r))
		return damaged(err, errlen, art, "fails its checksum");
	return 0;
}

int wu__idx_get_record(wu_index *ix, MDB_txn *t, uint64_t art, wu__index_record *r, char *err,
                       size_t errlen)
{
	return wu__idx_fetch(ix, t, art, r, NULL, err, errlen);
}

/* ---- the decoder on its own, for the fuzz harness (internal.h) ---- */

int wu__index_decode_record(const void *rec, size_t n, int num_perm, wu__index_record *out)
{
	wu_index ix;
	memset(&ix, 0, sizeof ix);
	ix.opt.num_perm = num_perm;
	MDB_val v = {n, (void *)rec};
	return wu__idx_decode(&ix, &v, out) ? -1 : 0;
}
