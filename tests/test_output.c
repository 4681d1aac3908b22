/* Unit tests for the program's result writer (output.c): JSONL keeps ids
 * exactly as given; TSV and CSV decode string ids and escape or quote them
 * so that every row stays one line of the right columns and no control
 * byte (a NUL above all) is written raw. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "input.h"

/* A corpus of the given ids (JSON texts), one cluster per pair: article i
 * is represented by article i & ~1, similarity 1 or 0.5. */
typedef struct {
	wu_corpus *c;
	wu_clusters cl;
	uint32_t rep[16];
	float sim[16];
} fixture;

static void make(fixture *x, const char *const *ids, size_t n)
{
	wu_opt o;
	wu_opt_init(&o);
	x->c = wu_corpus_new(&o);
	assert_non_null(x->c);
	uint32_t sig[1024] = {0};
	assert_true(n <= 16);
	for (size_t i = 0; i < n; i++) {
		wu_sketched a = {ids[i], strlen(ids[i]), 0, 3, 1, sig, NULL, NULL, 0};
		size_t idx;
		int added;
		assert_int_equal(wu_corpus_add(x->c, &a, &idx, &added, NULL, 0), 0);
		assert_true(added && idx == i);
		x->rep[i] = (uint32_t)(i & ~(size_t)1);
		x->sim[i] = i & 1 ? 0.5f : 1.0f;
	}
	memset(&x->cl, 0, sizeof x->cl);
	x->cl.n = n;
	x->cl.rep = x->rep;
	x->cl.similarity = x->sim;
}

/* What app_write_results() writes, NUL-terminated, *len bytes. */
static char *render(fixture *x, int format, const uint32_t *story, size_t *len)
{
	FILE *f = tmpfile();
	assert_non_null(f);
	assert_int_equal(app_write_results(f, format, x->c, &x->cl, story), 0);
	long n = ftell(f);
	assert_true(n >= 0);
	char *s = malloc((size_t)n + 1);
	assert_non_null(s);
	rewind(f);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return s;
}

static void expect(fixture *x, int format, const uint32_t *story, const char *want,
                   size_t want_len)
{
	size_t n;
	char *got = render(x, format, story, &n);
	if (n != want_len || memcmp(got, want, n)) {
		fwrite(got, 1, n, stderr);
		fail_msg("output differs (%zu bytes, wanted %zu)", n, want_len);
	}
	free(got);
	wu_corpus_free(x->c);
}

#define EXPECT(x, format, story, lit) expect(x, format, story, lit, sizeof lit - 1)

static const char *const plain_ids[] = {"7", "\"doc\""};

static void test_header_and_plain_rows(void **state)
{
	(void)state;
	fixture x;
	make(&x, plain_ids, 2);
	EXPECT(&x, APP_FMT_TSV, NULL, "id\tcluster\tsimilarity\n7\t7\t1.0000\ndoc\t7\t0.5000\n");
	make(&x, plain_ids, 2);
	EXPECT(&x, APP_FMT_CSV, NULL, "id,cluster,similarity\n7,7,1.0000\ndoc,7,0.5000\n");
	make(&x, plain_ids, 2);
	EXPECT(&x, APP_FMT_JSONL, NULL,
	       "{\"id\":7,\"cluster\":7,\"similarity\":1.0000}\n"
	       "{\"id\":\"doc\",\"cluster\":7,\"similarity\":0.5000}\n");
}

/* The story column: the story representative's id, last, escaped too. */
static void test_story_column(void **state)
{
	(void)state;
	static const char *const ids[] = {"\"a\\tb\"", "\"c,d\""};
	const uint32_t story[2] = {1, 1};
	fixture x;
	make(&x, ids, 2);
	EXPECT(&x, APP_FMT_TSV, story,
	       "id\tcluster\tsimilarity\tstory\n"
	       "a\\tb\ta\\tb\t1.0000\tc,d\n"
	       "c,d\ta\\tb\t0.5000\tc,d\n");
	make(&x, ids, 2);
	EXPECT(&x, APP_FMT_CSV, story,
	       "id,cluster,similarity,story\n"
	       "\"a\tb\",\"a\tb\",1.0000,\"c,d\"\n"
	       "\"c,d\",\"a\tb\",0.5000,\"c,d\"\n");
	make(&x, ids, 2);
	EXPECT(&x, APP_FMT_JSONL, story,
	       "{\"id\":\"a\\tb\",\"cluster\":\"a\\tb\",\"similarity\":1.0000,\"story\":\"c,d\"}\n"
	       "{\"id\":\"c,d\",\"cluster\":\"a\\tb\",\"similarity\":0.5000,\"story\":\"c,d\"}\n");
}

/* TSV: tab, newline, return, backslash by name; every other control
 * byte, NUL and DEL included, as \xHH; other bytes (UTF-8) as they are. */
static void test_tsv_escapes(void **state)
{
	(void)state;
	static const char *const ids[] = {"\"x\\u0000y\"", "\"\\n\\r\\\\\\u0001\\u001f\\u007f \xC3\xA9\""};
	fixture x;
	make(&x, ids, 2);
	EXPECT(&x, APP_FMT_TSV, NULL,
	       "id\tcluster\tsimilarity\n"
	       "x\\x00y\tx\\x00y\t1.0000\n"
	       "\\n\\r\\\\\\x01\\x1f\\x7f \xC3\xA9\tx\\x00y\t0.5000\n");
}

/* CSV: a comma, quote or any control byte quotes the field (quotes
 * doubled); a NUL is written as U+FFFD; a NUL before a comma does not
 * hide the comma. */
static void test_csv_quoting(void **state)
{
	(void)state;
	static const char *const ids[] = {"\"q\\\"q\"", "\"\\u0000,\"", "\"a\\u0001\"", "\"\\u007f\"",
	                                  "\"line\\r\\nbreak\"", "\"plain \xC3\xA9\""};
	fixture x;
	make(&x, ids, 6);
	EXPECT(&x, APP_FMT_CSV, NULL,
	       "id,cluster,similarity\n"
	       "\"q\"\"q\",\"q\"\"q\",1.0000\n"
	       "\"\xEF\xBF\xBD,\",\"q\"\"q\",0.5000\n"
	       "\"a\x01\",\"a\x01\",1.0000\n"
	       "\"\x7f\",\"a\x01\",0.5000\n"
	       "\"line\r\nbreak\",\"line\r\nbreak\",1.0000\n"
	       "plain \xC3\xA9,\"line\r\nbreak\",0.5000\n");
}

/* TSV has nothing to quote: quotes and commas stay as they are. */
static void test_tsv_keeps_quotes_and_commas(void **state)
{
	(void)state;
	static const char *const ids[] = {"\"q\\\"q,\"", "\"\\\"\""};
	fixture x;
	make(&x, ids, 2);
	EXPECT(&x, APP_FMT_TSV, NULL, "id\tcluster\tsimilarity\nq\"q,\tq\"q,\t1.0000\n\"\tq\"q,\t0.5000\n");
}

/* No articles: the header alone (with the story column when asked), and
 * nothing at all for JSONL. */
static void test_empty_result(void **state)
{
	(void)state;
	const uint32_t story[1] = {0};
	fixture x;
	make(&x, plain_ids, 0);
	EXPECT(&x, APP_FMT_TSV, NULL, "id\tcluster\tsimilarity\n");
	make(&x, plain_ids, 0);
	EXPECT(&x, APP_FMT_CSV, story, "id,cluster,similarity,story\n");
	make(&x, plain_ids, 0);
	EXPECT(&x, APP_FMT_JSONL, story, "");
}

/* A stream that cannot be written (opened for reading): -1 in every
 * format, not a silent 0. */
static void test_write_error(void **state)
{
	(void)state;
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fileno(tmp));
	static const int formats[] = {APP_FMT_JSONL, APP_FMT_TSV, APP_FMT_CSV};
	for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) {
		FILE *f = fopen(path, "r");
		assert_non_null(f);
		fixture x;
		make(&x, plain_ids, 2);
		assert_int_equal(app_write_results(f, formats[i], x.c, &x.cl, NULL), -1);
		fclose(f);
		wu_corpus_free(x.c);
	}
	fclose(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_and_plain_rows),
		cmocka_unit_test(test_story_column),
		cmocka_unit_test(test_tsv_escapes),
		cmocka_unit_test(test_csv_quoting),
		cmocka_unit_test(test_tsv_keeps_quotes_and_commas),
		cmocka_unit_test(test_empty_result),
		cmocka_unit_test(test_write_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
