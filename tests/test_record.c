/* Unit tests for record.c: calendar dates (days since 1970-01-01 drive the
 * representative choice) and scraped article files with an optional
 * "date YYYY-MM-DD SECTION" first line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wiredup.h"

static int32_t date(const char *s)
{
	return wu_parse_date(s, strlen(s));
}

static void test_parse_date_valid(void **state)
{
	(void)state;
	assert_int_equal(date("1970-01-01"), 0);
	assert_int_equal(date("1970-01-02"), 1);
	assert_int_equal(date("1969-12-31"), -1);
	assert_int_equal(date("2021-03-20"), 18706);
	assert_int_equal(date("2020-02-29"), 18321);   /* leap year */
	assert_int_equal(date("2020-03-01"), 18322);
	assert_int_equal(date("2000-02-29"), 11016);   /* divisible by 400: leap */
	assert_int_equal(date("2000-01-01"), 10957);
	assert_int_equal(date("1999-12-31"), 10956);
	assert_int_equal(date("2038-01-19"), 24855);
	assert_int_equal(date("1900-01-01"), -25567);
	assert_int_equal(date("2021-12-31") - date("2021-01-01"), 364);
	assert_int_equal(date("2024-12-31") - date("2024-01-01"), 365);
	/* A time after 'T' or ' ' is ignored. */
	assert_int_equal(date("2021-03-20T12:00:00Z"), 18706);
	assert_int_equal(date("2021-03-20T23:59:59+05:00"), 18706);
	assert_int_equal(date("2021-03-20 08:15"), 18706);
	assert_int_equal(date("2021-03-20T"), 18706);
	/* Only n bytes are read: the string need not end there. */
	assert_int_equal(wu_parse_date("2021-03-20garbage", 10), 18706);
}

static void test_parse_date_invalid(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"2021-02-29", /* not a leap year */
		"1900-02-29", /* divisible by 100, not by 400 */
		"2021-02-30", "2021-04-31", "2021-06-31", "2021-09-31", "2021-11-31",
		"2021-01-32", "2021-13-01", "2021-00-10", "2021-01-00",
		"2021-3-20", "21-03-20", "20210320", "2021/03/20", "2021-03-2", "2021-03-20X",
		"2021-03-20Z", "2021_03-20", "yyyy-mm-dd", "2021-0a-20", " 2021-03-20", "+021-03-20",
		"-021-03-20", "", "2021-03-201",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (date(bad[i]) != WU_NO_DATE)
			fail_msg("\"%s\" parsed as %d", bad[i], (int)date(bad[i]));
	}
	/* Cut short by n. */
	assert_int_equal(wu_parse_date("2021-03-20", 9), WU_NO_DATE);
	assert_int_equal(wu_parse_date("2021-03-20", 0), WU_NO_DATE);
}

/* Parses an article file and expects success. */
static wu_record article_ok(const char *data, size_t len, wu_str *buf)
{
	wu_record rec;
	char err[200] = "";
	memset(&rec, 0, sizeof rec);
	if (wu_article_file(data, len, buf, &rec, err, sizeof err))
		fail_msg("rejected: %s", err);
	assert_int_equal(rec.text[rec.text_len], '\0');
	return rec;
}

static void test_article_with_date_line(void **state)
{
	(void)state;
	wu_str buf = {0};
	const char *f = "date 2021-03-20 USA\nFirst line of the story.\nSecond line.\n";
	wu_record r = article_ok(f, strlen(f), &buf);
	assert_int_equal(r.date, 18706);
	assert_string_equal(r.source, "USA");
	assert_string_equal(r.text, "First line of the story.\nSecond line.\n");
	assert_int_equal(r.text_len, strlen("First line of the story.\nSecond line.\n"));

	/* Multi-word sections, extra spaces and CRLF line ends are trimmed. */
	f = "date 2021-03-20   World News  \r\nBody\r\n";
	r = article_ok(f, strlen(f), &buf);
	assert_int_equal(r.date, 18706);
	assert_string_equal(r.source, "World News");
	assert_string_equal(r.text, "Body\r\n");

	/* No section. */
	f = "date 1970-01-02\nBody";
	r = article_ok(f, strlen(f), &buf);
	assert_int_equal(r.date, 1);
	assert_string_equal(r.source, "");
	assert_string_equal(r.text, "Body");

	/* Only the first line can be a date line. */
	f = "Body first\ndate 2021-03-20 USA\n";
	r = article_ok(f, strlen(f), &buf);
	assert_int_equal(r.date, WU_NO_DATE);
	assert_string_equal(r.text, f);
	wu_str_free(&buf);
}

/* The scraper's own sample (../shared/examples/) opens with " date
 * 2021-03-20 USA": blanks around the line and its parts, and a byte-order
 * mark, do not make the front matter text. */
static void test_article_padded_date_line(void **state)
{
	(void)state;
	wu_str buf = {0};
	static const char *const files[] = {
		" date 2021-03-20 USA\nBody of it.\n",
		"\t date 2021-03-20 USA \t\r\nBody of it.\n",
		"date  2021-03-20\tUSA\nBody of it.\n",
		"\xEF\xBB\xBF" "date 2021-03-20 USA\nBody of it.\n",
		"\xEF\xBB\xBF" "  date 2021-03-20 USA  \nBody of it.\n",
	};
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		wu_record r = article_ok(files[i], strlen(files[i]), &buf);
		if (r.date != 18706)
			fail_msg("file %zu: date %d", i, (int)r.date);
		assert_string_equal(r.source, "USA");
		assert_string_equal(r.text, "Body of it.\n");
	}
	/* A byte-order mark is not text even without a date line. */
	wu_record r = article_ok("\xEF\xBB\xBFPlain story.", 15, &buf);
	assert_int_equal(r.date, WU_NO_DATE);
	assert_string_equal(r.text, "Plain story.");
	wu_str_free(&buf);
}

/* A date line whose date does not exist rejects the file, by name. */
static void test_article_impossible_date(void **state)
{
	(void)state;
	wu_str buf = {0};
	wu_record rec;
	char err[200];
	static const char *const files[] = {
		"date 2021-13-45 USA\nBody", "date 2021-02-30 USA\nBody", " date 2021-02-29\nBody",
		"date 2021-00-10 USA\nBody", ("\xEF\xBB\xBF" "date 1900-02-29 X\nBody"),
	};
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		err[0] = '\0';
		assert_int_equal(wu_article_file(files[i], strlen(files[i]), &buf, &rec, err, sizeof err),
		                 -1);
		if (!strstr(err, "impossible date") || !strstr(err, "date line"))
			fail_msg("file %zu: reason \"%s\"", i, err);
		const char *d = strstr(files[i], "date ") + 5;
		while (*d == ' ')
			d++;
		assert_non_null(strstr(err, (char[11]){d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7],
		                                       d[8], d[9], 0}));
	}
	wu_str_free(&buf);
}

static void test_article_without_date_line(void **state)
{
	(void)state;
	wu_str buf = {0};
	/* Lines that look almost like a date line are text. */
	static const char *const files[] = {
		"Just a story.\nWith two lines.",
		"dated 2021-03-20 USA\nnot the keyword",
		"Date 2021-03-20 USA\ncase matters",
		"date 2021-03-20USA\nno separator",
		"date 21-03-20 USA\nshort year",
		"date of the vote was moved",
		"date 2021-03-20x USA\nnot a date token",
		"date 2021 03 20 USA\nnot the shape",
		"datelined 2021-03-20\nnot the keyword either",
		"The date 2021-03-20 USA\nnot first on the line",
	};
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		wu_record r = article_ok(files[i], strlen(files[i]), &buf);
		assert_int_equal(r.date, WU_NO_DATE);
		assert_string_equal(r.source, "");
		assert_string_equal(r.text, files[i]);
		assert_int_equal(r.text_len, strlen(files[i]));
	}
	/* Not NUL-terminated input: only len bytes are used. */
	wu_record r = article_ok("abcdef", 3, &buf);
	assert_string_equal(r.text, "abc");
	wu_str_free(&buf);
}

static void test_article_rejects(void **state)
{
	(void)state;
	wu_str buf = {0};
	wu_record rec;
	char err[200];
	/* A NUL byte means a binary file; the reason gives its position. */
	static const char bin[] = "text\0more";
	err[0] = '\0';
	assert_int_equal(wu_article_file(bin, sizeof bin - 1, &buf, &rec, err, sizeof err), -1);
	assert_non_null(strstr(err, "NUL"));
	assert_non_null(strstr(err, "byte 5"));
	static const char bin2[] = "date 2021-03-20 USA\nab\0";
	assert_int_equal(wu_article_file(bin2, sizeof bin2 - 1, &buf, &rec, err, sizeof err), -1);
	assert_non_null(strstr(err, "NUL"));

	/* Empty and blank texts, with or without a date line. */
	static const char *const empty[] = {"", "   \n\t\r\n ", "date 2021-03-20 USA\n",
	                                    "date 2021-03-20 USA", "date 2021-03-20 USA\n  \n\n"};
	for (size_t i = 0; i < sizeof empty / sizeof *empty; i++) {
		err[0] = '\0';
		assert_int_equal(
			wu_article_file(empty[i], strlen(empty[i]), &buf, &rec, err, sizeof err), -1);
		assert_non_null(strstr(err, "empty text"));
		assert_int_equal(
			wu_article_file(empty[i], strlen(empty[i]), &buf, &rec, NULL, 0), -1);
	}
	wu_str_free(&buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_date_valid),
		cmocka_unit_test(test_parse_date_invalid),
		cmocka_unit_test(test_article_with_date_line),
		cmocka_unit_test(test_article_padded_date_line),
		cmocka_unit_test(test_article_impossible_date),
		cmocka_unit_test(test_article_without_date_line),
		cmocka_unit_test(test_article_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
