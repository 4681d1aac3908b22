/* libFuzzer harness: the feed index's loader (src/index*.c).
 *
 * The first input byte picks what the rest is (byte % 4):
 *   0  the "params" record text ("wiredup-index=FORMAT" then key=value
 *      lines): wu__index_parse_params() accepts it only with the magic and
 *      valid parameters (what wu_opt_finish() accepts, names in range); an
 *      accepted text written back with wu__index_params_text() parses to
 *      the same parameters
 *   1  an article record as stored (second byte: num_perm): decoded
 *      exactly when its size matches its header's lengths and its XXH32
 *      checksum matches, the fields read from where the format says
 *   2  the same with the lengths and checksum made consistent first (byte
 *      2 splits the tail between id and source), so that the decoder's
 *      accepting path is reached, not only its checksum test
 *   3  an index's data.mdb (an LMDB file, written to a scratch directory):
 *      wu_index_open() either refuses it or gives an index that
 *      wu_index_stat() and wu_index_query() use without crashing. Only with
 *      WU_FUZZ_LMDB=1 in the environment (scripts/fuzz.sh sets it for
 *      the replay of seeds and regressions): LMDB trusts its file, and
 *      while damaged header pages are now refused before LMDB reads them
 *      (regressions/index/lmdb_meta_fpe), damage inside its other pages
 *      still crashes inside liblmdb within a minute of fuzzing. Without it
 *      these inputs do nothing.
 */
#include "wiredup.h"
#include "internal.h" /* wu__index_* */
#include "fuzz_util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le(uint8_t *p, uint32_t v, int n)
{
	for (int i = 0; i < n; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

static int same_opt(const wu_opt *a, const wu_opt *b)
{
	return a->shingle_kind == b->shingle_kind && a->ngram == b->ngram &&
	       a->num_perm == b->num_perm && a->seed == b->seed && a->measure == b->measure &&
	       a->threshold == b->threshold && a->min_length_ratio == b->min_length_ratio &&
	       a->bands == b->bands && a->rows == b->rows;
}

/* Does the text give bands or rows as 0? Then wu_opt_finish() chooses them
 * with wu_lsh_params(), a numerical search costing a hundred times the
 * parse itself. */
static int lsh_search(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < size;) {
		const uint8_t *nl = memchr(data + i, '\n', size - i);
		size_t e = nl ? (size_t)(nl - data) : size;
		const char *l = (const char *)data + i;
		size_t k = e - i >= 6 && !memcmp(l, "bands=", 6) ? 6
		           : e - i >= 5 && !memcmp(l, "rows=", 5) ? 5 : 0;
		if (k) {
			while (k < e - i && l[k] == '0')
				k++;
			if (k == e - i || l[k] == '\0')
				return 1;
		}
		i = e + 1;
	}
	return 0;
}

static void fuzz_params(const uint8_t *data, size_t size)
{
	static const char magic[] = "wiredup-index=";
	/* the search on one input in eight (by its length) */
	if (size % 8 && lsh_search(data, size))
		return;
	static wu_str text;
	wu_opt o, o2;
	int gen = -1, gen2 = -1;
	char err[256];
	err[0] = '\0';
	if (wu__index_parse_params(data, size, &o, &gen, err, sizeof err)) {
		CHECK(err[0] != '\0');
		return;
	}
	CHECK(size >= sizeof magic && !memcmp(data, magic, sizeof magic - 1));
	CHECK(o.shingle_kind == WU_SHINGLE_WORD || o.shingle_kind == WU_SHINGLE_CHAR);
	CHECK(o.measure == WU_MEASURE_CONTAINMENT || o.measure == WU_MEASURE_JACCARD);
	CHECK(gen >= 6 && gen <= 16);
	o2 = o;
	CHECK(wu_opt_finish(&o2, NULL, 0) == 0);
	CHECK(same_opt(&o, &o2));
	/* written back and read again: the same parameters */
	CHECK(wu__index_params_text(&o, gen, &text) == 0);
	CHECK(text.n > 0 && text.n == strlen(text.s));
	CHECK(wu__index_parse_params(text.s, text.n, &o2, &gen2, err, sizeof err) == 0);
	CHECK(same_opt(&o, &o2) && gen == gen2);
}

#define HEAD 16

static void fuzz_record(const uint8_t *data, size_t size, int fix)
{
	static uint8_t *buf;
	static size_t cap;
	if (size < 2 + (size_t)fix)
		return;
	size_t k = data[1] == 0xff ? 1024 : 8 * (1 + (size_t)(data[1] % 16));
	uint8_t split = fix ? data[2] : 0;
	data += 2 + fix, size -= 2 + (size_t)fix;
	if (size > cap) {
		free(buf);
		cap = size < 4096 ? 4096 : size;
		buf = malloc(cap);
		CHECK(buf);
	}
	uint8_t *p = buf;
	if (size)
		memcpy(p, data, size);
	if (fix && size >= HEAD + 4 * k) {
		size_t rest = size - HEAD - 4 * k;
		size_t id = rest * split / 255;
		if (id <= 65535 && rest - id <= 65535) {
			put_le(p + 12, (uint32_t)id, 2);
			put_le(p + 14, (uint32_t)(rest - id), 2);
		}
		put_le(p, XXH32(p + 4, size - 4, 0), 4);
	}
	/* reference */
	int ok = 0;
	size_t id_len = 0, source_len = 0;
	if (size >= HEAD + 4 * k) {
		id_len = p[12] | (size_t)p[13] << 8;
		source_len = p[14] | (size_t)p[15] << 8;
		ok = size == HEAD + 4 * k + id_len + source_len && le32(p) == XXH32(p + 4, size - 4, 0);
	}
	wu__index_record r;
	memset(&r, 0xA5, sizeof r);
	int rc = wu__index_decode_record(p, size, (int)k, &r);
	CHECK((rc == 0) == ok);
	if (!ok)
		return;
	CHECK(r.date == (int32_t)le32(p + 4));
	CHECK(r.n_shingles == le32(p + 8));
	CHECK(r.id_len == id_len && r.source_len == source_len);
	CHECK(r.sig == p + HEAD);
	CHECK(r.id == (const char *)p + HEAD + 4 * k);
	CHECK(r.source == r.id + id_len);
	CHECK(r.source + source_len == (const char *)p + size);
	if (fix && size >= HEAD + 4 * k)
		CHECK(rc == 0); /* made consistent: always accepted */
}

/* ---- a damaged index ---- */

static char dir[64], data_file[96];

static void cleanup(void)
{
	char lock[96], wlock[96];
	snprintf(lock, sizeof lock, "%s/lock.mdb", dir);
	snprintf(wlock, sizeof wlock, "%s/writer.lock", dir);
	unlink(data_file), unlink(lock), unlink(wlock), rmdir(dir);
}

static void fuzz_open(const uint8_t *data, size_t size)
{
	if (!dir[0]) {
		snprintf(dir, sizeof dir, "/tmp/wu_fuzz_index.%ld", (long)getpid());
		snprintf(data_file, sizeof data_file, "%s/data.mdb", dir);
		mkdir(dir, 0700);
		atexit(cleanup);
	}
	FILE *f = fopen(data_file, "wb");
	CHECK(f);
	CHECK(fwrite(data, 1, size, f) == size);
	CHECK(fclose(f) == 0);

	char err[512];
	err[0] = '\0';
	wu_index *ix = wu_index_open(dir, NULL, err, sizeof err);
	if (!ix) {
		CHECK(err[0] != '\0');
		return;
	}
	const wu_opt *o = wu_index_params(ix);
	CHECK(o->num_perm >= 8 && o->num_perm <= 1024);
	wu_index_stats st;
	wu_index_stat(ix, &st, err, sizeof err);
	CHECK(wu_index_check(ix, o, ~0u, err, sizeof err) == 0);

	/* look up the seed's ids ("a1", "a2", 3) and a new one, with a
	 * signature that shares some band keys with anything of all-zero bands */
	static uint32_t sig[1024];
	static const char *const ids[] = {"\"a1\"", "\"a2\"", "3", "\"zz\""};
	wu_index_match m;
	memset(&m, 0, sizeof m);
	for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
		for (int j = 0; j < o->num_perm; j++)
			sig[j] = (uint32_t)(i * 2654435761u) * (uint32_t)(j & 1);
		wu_index_article a = {ids[i], strlen(ids[i]), (int32_t)(19724 + i), "wire", 4,
		                      (uint32_t)(10 + i), sig};
		if (wu_index_query(ix, &a, &m, err, sizeof err) == 0 && m.found)
			CHECK(m.id.n > 0 && m.id.s[m.id.n] == '\0');
	}
	wu_str_free(&m.id);
	wu_index_close(ix);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int lmdb_on = -1;
	if (size == 0)
		return 0;
	switch (data[0] % 4) {
	case 0: fuzz_params(data + 1, size - 1); break;
	case 1: fuzz_record(data, size, 0); break;
	case 2: fuzz_record(data, size, 1); break;
	case 3:
		if (lmdb_on < 0) {
			const char *e = getenv("WU_FUZZ_LMDB");
			lmdb_on = e && !strcmp(e, "1");
		}
		if (lmdb_on)
			fuzz_open(data + 1, size - 1);
		break;
	}
	return 0;
}
