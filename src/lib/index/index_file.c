/* The feed index's files, where LMDB does not check them: data.mdb before
 * and after LMDB opens it, and the writer lock. */
#define _DEFAULT_SOURCE /* flock() */
#include "index_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

char *wu__idx_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* LMDB trusts its two header (meta) pages: a damaged page size or page
 * count there is a division by zero or a wild read inside mdb_env_open.
 * So the fields LMDB computes with are checked first, as LMDB 0.9 lays
 * them out: page header of 16 bytes, then magic, version, address, map
 * size, two database records of 48 bytes (the first's first word is the
 * page size), last page, transaction id. Damage inside the other pages is
 * not detectable this way (LMDB keeps no checksums); article records carry
 * their own. */
#define META_AT 16
#define LMDB_MAGIC 0xBEEFC0DEu
#define LMDB_P_META 0x08
#define LMDB_NO_PAGE UINT64_MAX

static uint64_t le64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static uint32_t le32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* The page count is not held against the file's size here:
 * wu__idx_check_size() says what a short file means, and a writer mends it. */
static int check_meta(const unsigned char *pg, uint32_t psize)
{
	const unsigned char *m = pg + META_AT;
	uint16_t flags;
	memcpy(&flags, pg + 10, 2);
	uint64_t map_size = le64(m + 16), last = le64(m + 120);
	if (le32(m) != LMDB_MAGIC || le32(m + 4) != 1 || !(flags & LMDB_P_META) ||
	    le32(m + 24) != psize || map_size / psize <= last)
		return -1;
	for (int db = 0; db < 2; db++) {
		uint64_t root = le64(m + 24 + (size_t)48 * (size_t)db + 40);
		if (root != LMDB_NO_PAGE && (root < 2 || root > last))
			return -1;
	}
	return 0;
}

static int check_header_pages(const char *data, uint64_t size, char *err, size_t errlen)
{
	unsigned char buf[2][256];
	FILE *f = fopen(data, "rb");
	if (!f)
		return wu__fail(err, errlen, "cannot read data.mdb: %s", strerror(errno));
	size_t got = fread(buf[0], 1, sizeof buf[0], f);
	uint32_t psize = got == sizeof buf[0] ? le32(buf[0] + META_AT + 24) : 0;
	int ok = psize >= 512 && psize <= 65536 && !(psize & (psize - 1));
	if (got < sizeof buf[0] || (ok && size < 2ull * psize)) {
		fclose(f);
		return wu__fail(err, errlen, "index file truncated: data.mdb has %llu bytes",
		               (unsigned long long)size);
	}
	ok = ok && fseek(f, (long)psize, SEEK_SET) == 0 && fread(buf[1], 1, sizeof buf[1], f) == sizeof buf[1];
	fclose(f);
	for (int i = 0; ok && i < 2; i++)
		ok = check_meta(buf[i], psize) == 0;
	return ok ? 0 : wu__fail(err, errlen, "damaged index: the header pages of data.mdb are invalid");
}

/* Refuses what cannot be an index before LMDB sees it: LMDB would start a
 * new environment in an empty file. */
int wu__idx_check_files(const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (stat(path, &st))
		return wu__fail(err, errlen, "no index here: %s", strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return wu__fail(err, errlen, "not an index (an index is a directory)");
	char *data = wu__idx_join(path, "data.mdb");
	int rc = data ? stat(data, &st) : -1;
	free(data);
	if (rc)
		return wu__fail(err, errlen, "not a wiredup index (no data.mdb)");
	if (st.st_size == 0)
		return wu__fail(err, errlen, "index file truncated: data.mdb is empty");
	data = wu__idx_join(path, "data.mdb");
	rc = data ? check_header_pages(data, (uint64_t)st.st_size, err, errlen) : -1;
	free(data);
	return rc;
}

/* Names the file LMDB could not open (it says only why, rc): data.mdb,
 * or lock.mdb, which even a reader opens for writing (or makes). -1. */
int wu__idx_open_failed(const char *path, int writable, int rc, char *err, size_t errlen)
{
	char *data = wu__idx_join(path, "data.mdb"), *lock = wu__idx_join(path, "lock.mdb");
	int fd = data ? open(data, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC) : -1;
	const char *bad = fd < 0 ? data : NULL;
	if (fd >= 0)
		close(fd);
	if (!bad && lock && (fd = open(lock, O_RDWR | O_CLOEXEC)) >= 0)
		close(fd);
	else if (!bad && lock && (errno != ENOENT || access(path, W_OK) != 0))
		bad = lock;
	if (bad)
		wu__fail(err, errlen, "cannot open %s: %s", bad, mdb_strerror(rc));
	else
		wu__fail(err, errlen, "cannot open the index: %s", mdb_strerror(rc));
	free(data), free(lock);
	return -1;
}

/* One writer at a time: LMDB would queue a second writer on its own mutex,
 * silently; a lock file lets us say so, or wait when asked. */
int wu__idx_take_lock(wu_index *ix, int wait, char *err, size_t errlen)
{
	char *name = wu__idx_join(ix->path, "writer.lock");
	ix->lock_fd = name ? open(name, O_RDWR | O_CREAT | O_CLOEXEC, 0644) : -1;
	if (ix->lock_fd < 0) {
		wu__fail(err, errlen, "cannot open %s: %s (writing needs write access to the index)",
		        name ? name : "writer.lock", strerror(errno));
		free(name);
		return -1;
	}
	free(name);
	if (flock(ix->lock_fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno != EWOULDBLOCK)
		return wu__fail(err, errlen, "cannot lock the index: %s", strerror(errno));
	if (!wait)
		return wu__fail(err, errlen, "index is being written by another process");
	if (flock(ix->lock_fd, LOCK_EX))
		return wu__fail(err, errlen, "waiting for the writer lock: %s", strerror(errno));
	return 0;
}

/* LMDB does not write a page freed in the transaction that allocated it,
 * so a commit can leave the file short of its last page (the missing pages
 * are free). A writer extends the file over them (a hole), after every
 * commit and when it opens the index, so that a short file means a
 * truncated one (see wu__idx_check_size). 0, or -1 with the reason. */
int wu__idx_cover_last_page(wu_index *ix, char *err, size_t errlen)
{
	MDB_envinfo info;
	MDB_stat ms;
	struct stat st;
	int fd;
	if (mdb_env_info(ix->env, &info) || mdb_env_stat(ix->env, &ms) || mdb_env_get_fd(ix->env, &fd))
		return wu__fail(err, errlen, "%s", strerror(EINVAL));
	off_t need = ((off_t)info.me_last_pgno + 1) * (off_t)ms.ms_psize;
	if (fstat(fd, &st) || (st.st_size < need && ftruncate(fd, need)))
		return wu__fail(err, errlen, "%s", strerror(errno));
	return 0;
}

/* The data file must hold every page the last commit uses; reading past
 * its end would be SIGBUS, not an error. */
int wu__idx_check_size(wu_index *ix, char *err, size_t errlen)
{
	MDB_envinfo info;
	MDB_stat ms;
	struct stat st;
	char *data = wu__idx_join(ix->path, "data.mdb");
	int rc = data ? stat(data, &st) : -1;
	free(data);
	if (rc || mdb_env_info(ix->env, &info) || mdb_env_stat(ix->env, &ms))
		return wu__fail(err, errlen, "cannot read the index's size");
	uint64_t need = ((uint64_t)info.me_last_pgno + 1) * ms.ms_psize;
	if ((uint64_t)st.st_size < need)
		return wu__fail(err, errlen,
		               "index file truncated: data.mdb has %lld bytes, needs %llu (if a writer "
		               "was killed right after a commit, opening it for writing mends this)",
		               (long long)st.st_size, (unsigned long long)need);
	return 0;
}
