/* libFuzzer harness: the command-line program's reader (src/input.c) on
 * arbitrary file contents, gzip-compressed or not, with a small maximum
 * record size so that oversize records and their draining are exercised.
 *
 * The input is written to /dev/shm (else /tmp)/wu_fuzz_gzip.<pid>/ and read
 * one of three ways, picked by the last byte ((c >> 1) % 3; each reader
 * allocates megabytes of buffers, which dominates the cost of a run):
 *   as a JSONL file (two ways: small batches, or one large): records are the non-blank lines, each at most
 *     max_bytes, an oversize one cut at exactly max_bytes with the rest of
 *     its line drained; for plain (not gzip) input the records, their line
 *     numbers and the drained rests must rebuild the file exactly;
 *   as a directory holding it (in a subfolder): one article whose id is
 *     the relative path as a JSON string and whose text is the file (its
 *     first max_bytes bytes when oversize).
 */

#include "input.h"
#include "fuzz_util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define MAX_BYTES 1024 /* scripts/fuzz.sh: -max_len=8192 */
#define GZ_BUDGET (8 * 1024) /* decompressed bytes read per input: each costs instrumented compares */
#define GZ_CAP (16 * 1024)   /* larger inflated inputs are passed over (see below) */

static char dir[64], sub[96], file[128], jsonl[128];

static void cleanup(void)
{
	unlink(file), unlink(jsonl), rmdir(sub), rmdir(dir);
}

static void setup(void)
{
	if (dir[0])
		return;
	struct stat st;
	const char *tmp = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
	                  access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(dir, sizeof dir, "%s/wu_fuzz_gzip.%ld", tmp, (long)getpid());
	snprintf(sub, sizeof sub, "%s/sec", dir);
	snprintf(file, sizeof file, "%s/a.txt", sub);
	snprintf(jsonl, sizeof jsonl, "%s/wu_fuzz_gzip.%ld.jsonl", tmp, (long)getpid());
	mkdir(dir, 0700);
	mkdir(sub, 0700);
	atexit(cleanup);
}

static void write_file(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	CHECK(f);
	CHECK(fwrite(data, 1, size, f) == size);
	CHECK(fclose(f) == 0);
}

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

/* Reads the file as JSONL. When plain, rebuilds what the reader should
 * see from data and compares. */
static void read_jsonl(const uint8_t *data, size_t size, size_t max_records, size_t batch_bytes,
                       int drain_self)
{
	char *paths[1] = {jsonl};
	char *names[1] = {"input.jsonl"};
	wu_input *in = wu_input_new(paths, names, 1, MAX_BYTES);
	CHECK(in);
	int plain = !(size >= 2 && data[0] == 0x1f && data[1] == 0x8b);
	const char *s = (const char *)data;
	size_t pos = 0;   /* plain: where the next expected line starts */
	uint64_t line = 0; /* plain: its 1-based number - 1 */
	wu_batch b = {0};
	size_t n, rounds = 0, seen = 0;
	int saw_error = 0, cut = 0;
	while ((n = wu_input_next(in, &b, max_records, batch_bytes)) > 0) {
		CHECK(++rounds < 1000000);
		/* A few kilobytes of gzip expand to megabytes: past GZ_BUDGET
		 * decompressed bytes the rest is not read (read_line's and
		 * draining's paths are the same on every line). */
		seen += b.arena.n + n;
		if (!plain && seen > GZ_BUDGET)
			cut = 1;
		CHECK(n == b.n && n <= max_records);
		for (size_t i = 0; i < n; i++) {
			wu_raw *r = &b.rec[i];
			CHECK(r->file == 0 && !r->is_file);
			CHECK(!strcmp(wu_input_file_name(in, r->file), "input.jsonl"));
			if (r->error) {
				CHECK(i == n - 1); /* one error ends a batch */
				saw_error = 1;
				continue;
			}
			CHECK(!saw_error);
			CHECK(r->off + r->len <= b.arena.n);
			CHECK(r->len <= MAX_BYTES);
			CHECK(r->line >= 1);
			const char *rec = b.arena.s + r->off;
			CHECK(!memchr(rec, '\n', r->len));
			if (r->oversize) {
				CHECK(i == n - 1 && r->len == MAX_BYTES);
			} else {
				CHECK(r->len > 0 && !blank(rec, r->len));
			}
			char *rest = NULL;
			size_t rest_len = 0;
			if (r->oversize && drain_self && !cut) {
				FILE *f = open_memstream(&rest, &rest_len);
				CHECK(f);
				CHECK(wu_input_drain(in, f) == 0);
				fclose(f);
				CHECK(!memchr(rest, '\n', rest_len));
			}
			if (plain) {
				/* skip blank lines up to the record's line */
				for (;;) {
					CHECK(pos < size);
					const char *nl = memchr(s + pos, '\n', size - pos);
					size_t e = nl ? (size_t)(nl - s) : size;
					line++;
					if (e - pos > MAX_BYTES || !blank(s + pos, e - pos)) {
						CHECK(r->line == line);
						CHECK(!memcmp(rec, s + pos, r->len));
						if (r->oversize) {
							CHECK(e - pos > MAX_BYTES);
							if (drain_self)
								CHECK(rest_len == e - pos - r->len &&
								      !memcmp(rest, s + pos + r->len, rest_len));
						} else {
							CHECK(r->len == e - pos);
						}
						pos = nl ? e + 1 : size;
						break;
					}
					pos = nl ? e + 1 : size;
				}
			}
			free(rest);
		}
		if (cut)
			break;
	}
	if (plain) {
		CHECK(!saw_error);
		/* nothing but blank lines is left */
		while (pos < size) {
			const char *nl = memchr(s + pos, '\n', size - pos);
			size_t e = nl ? (size_t)(nl - s) : size;
			CHECK(e - pos <= MAX_BYTES && blank(s + pos, e - pos));
			pos = nl ? e + 1 : size;
		}
	}
	if (!cut)
		CHECK(wu_input_next(in, &b, max_records, batch_bytes) == 0); /* stays at the end */
	wu_batch_free(&b);
	wu_input_free(in);
}

/* Reads the directory: one article, sec/a.txt. */
static void read_dir(const uint8_t *data, size_t size, const char *path)
{
	char *paths[2] = {(char *)path, (char *)path};
	wu_input *in = wu_input_new(paths, NULL, 2, MAX_BYTES);
	CHECK(in);
	int plain = !(size >= 2 && data[0] == 0x1f && data[1] == 0x8b);
	wu_batch b = {0};
	size_t n, total = 0;
	while ((n = wu_input_next(in, &b, 8, 1 << 20)) > 0) {
		for (size_t i = 0; i < n; i++) {
			wu_raw *r = &b.rec[i];
			total++;
			CHECK(r->is_file && r->line == 0);
			CHECK(r->id_off + r->id_len <= b.arena.n);
			CHECK(r->id_len == 11 && !memcmp(b.arena.s + r->id_off, "\"sec/a.txt\"", 11));
			CHECK(r->dir_off + r->dir_len < b.arena.n);
			CHECK(r->dir_len == 3 && !memcmp(b.arena.s + r->dir_off, "sec", 3));
			if (r->error) {
				CHECK(!plain && i == n - 1);
				continue;
			}
			CHECK(r->off + r->len <= b.arena.n);
			CHECK(r->len <= MAX_BYTES);
			CHECK(!r->oversize || r->len == MAX_BYTES);
			if (plain) {
				CHECK(r->oversize == (size > MAX_BYTES));
				CHECK(r->len == (size < MAX_BYTES ? size : MAX_BYTES));
				CHECK(!memcmp(b.arena.s + r->off, data, r->len));
			}
		}
	}
	CHECK(total == 2); /* the directory given twice: its file twice */
	wu_batch_free(&b);
	wu_input_free(in);
}

/* Bytes gzip input inflates to (members one after another), counted up to
 * a little past cap; zlib's own, uninstrumented inflate. */
static size_t inflated_size(const uint8_t *data, size_t size, size_t cap)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return cap + 1;
	unsigned char out[4096];
	size_t total = 0;
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)size;
	while (total <= cap) {
		z.next_out = out;
		z.avail_out = sizeof out;
		int rc = inflate(&z, Z_NO_FLUSH);
		total += sizeof out - z.avail_out;
		if (rc == Z_STREAM_END && z.avail_in >= 2 && z.next_in[0] == 0x1f && z.next_in[1] == 0x8b) {
			inflateReset(&z);
			continue;
		}
		if (rc != Z_OK)
			break; /* the end, damage, or no progress */
	}
	inflateEnd(&z);
	return total;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup();
	/* A few kilobytes of gzip inflate to megabytes of lines, blank lines
	 * included, which the reader skips without ending a batch, so
	 * GZ_BUDGET cannot cut them short: each is read through instrumented
	 * code, and such inputs made the whole run 5x slower. Every line takes
	 * the same paths, so they are passed over (and kept out of the corpus). */
	if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b && inflated_size(data, size, GZ_CAP) > GZ_CAP)
		return -1;
	uint8_t c = size ? data[size - 1] : 0;
	switch ((c >> 1) % 3) {
	case 0:
		write_file(jsonl, data, size);
		read_jsonl(data, size, 1 + c % 5, 64 + (size_t)(c >> 3) * 128, c & 1);
		break;
	case 1:
		write_file(jsonl, data, size);
		read_jsonl(data, size, 1000, 1 << 20, !(c & 1));
		break;
	case 2:
		write_file(file, data, size);
		read_dir(data, size, dir);
		break;
	}
	return 0;
}
