/* The feed index's open batch log, and growing the map (see index.c).
 *
 * LMDB maps data.mdb at a fixed size while a transaction is open, and a
 * write that does not fit (MDB_MAP_FULL) leaves the transaction unusable:
 * the batch is lost with it. So a batch keeps a log of what it did, its
 * added records and its expiries, in order. When the map fills, the batch
 * is dropped, the map doubled (up to ix->map_limit) and the batch done
 * again from the log. Done again on the same committed state (the writer
 * lock keeps other writers out), it gives the same article numbers and
 * expires the same articles, so the caller sees one batch, as if the map
 * had been big enough from the start. A map that starts small and grows
 * reserves no more address space than the index needs. */
#include "index_internal.h"

#include <string.h>

enum { LOG_ADD = 'A', LOG_EXPIRE = 'E' };
#define GROW_ROUND (UINT64_C(1) << 20) /* map sizes in whole MiB */

/* Logs the record just added (in ix->rec). 0, or -1 out of memory. */
int wu__idx_log_add(wu_index *ix)
{
	unsigned char h[5];
	if (ix->replaying)
		return 0;
	h[0] = LOG_ADD;
	put_le(h + 1, ix->rec.n, 4);
	if (wu__str_append(&ix->log, (const char *)h, sizeof h) ||
	    wu__str_append(&ix->log, ix->rec.s, ix->rec.n))
		return -1;
	return 0;
}

/* Logs an expiry of the batch (wu_index_expire's arguments). 0, or -1 out
 * of memory. */
int wu__idx_log_expire(wu_index *ix, int32_t before, size_t max)
{
	unsigned char e[13];
	if (ix->replaying)
		return 0;
	e[0] = LOG_EXPIRE;
	put_le(e + 1, (uint32_t)before, 4);
	put_le(e + 5, (uint64_t)max, 8);
	return wu__str_append(&ix->log, (const char *)e, sizeof e);
}

/* The log entry at *pos, and *pos moved past it: 1, or 0 at the log's end. */
int wu__idx_log_next(const wu_index *ix, size_t *pos, wu__idx_logged *e)
{
	const unsigned char *p = (const unsigned char *)ix->log.s + *pos;
	if (*pos >= ix->log.n)
		return 0;
	e->add = *p == LOG_ADD;
	if (e->add) {
		e->rec.mv_size = (size_t)get_le(p + 1, 4), e->rec.mv_data = (void *)(p + 5);
		*pos += 5 + e->rec.mv_size;
	} else {
		e->before = (int32_t)(uint32_t)get_le(p + 1, 4), e->max = (size_t)get_le(p + 5, 8);
		*pos += 13;
	}
	return 1;
}

/* The next map size: doubled, in whole MiB, at most the limit. */
static int next_size(wu_index *ix, uint64_t *size, char *err, size_t errlen)
{
	MDB_envinfo info;
	int rc = mdb_env_info(ix->env, &info);
	if (rc)
		return idx_lmdb_fail(err, errlen, "growing the map", rc);
	uint64_t cur = info.me_mapsize;
	if (cur >= ix->map_limit)
		return wu__fail(err, errlen, "the index is full: it reached its map size limit of "
		               "%llu bytes", (unsigned long long)ix->map_limit);
	uint64_t next = cur > ix->map_limit / 2 ? ix->map_limit : 2 * cur;
	if (next < ix->map_limit)
		next = (next + GROW_ROUND - 1) / GROW_ROUND * GROW_ROUND;
	*size = next < ix->map_limit ? next : ix->map_limit;
	return 0;
}

/* The batch failed on a full map: drops its transaction (and the reader's)
 * and grows the map. 0, or -1 with a reason (the map is at its limit).
 * Doing the batch again is index.c's (wu__idx_grow_map), so that this file
 * does not call back into the one that calls it. */
int wu__idx_enlarge_map(wu_index *ix, char *err, size_t errlen)
{
	uint64_t size = 0; /* set by next_size; gcc -O2 cannot tell */
	if (ix->wtxn)
		mdb_txn_abort(ix->wtxn);
	ix->wtxn = NULL;
	wu__idx_pend_clear(&ix->pend);
	ix->map_full = 0;
	/* LMDB resizes only with no transaction of this process open; a
	 * reset read transaction is remade on the next read. */
	if (ix->rtxn)
		mdb_txn_abort(ix->rtxn);
	ix->rtxn = NULL;
	if (next_size(ix, &size, err, errlen))
		return -1;
	int rc = mdb_env_set_mapsize(ix->env, (size_t)size);
	if (rc)
		return idx_lmdb_fail(err, errlen, "growing the map", rc);
	return 0;
}
