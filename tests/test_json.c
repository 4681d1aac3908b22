/* Unit tests for the JSONL record reader (json.c): ids come back exactly as
 * written, strings decode per RFC 8259, and every malformed line is
 * rejected with a reason a user can act on, never a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static const wu_fields default_fields = {"id", "text", NULL, NULL, NULL};
static const wu_fields all_fields = {"id", "text", "title", "date", "source"};

/* Parses line[0..len) and expects success. */
static wu_record parse_ok_n(const char *line, size_t len, const wu_fields *f, wu_str *buf)
{
	wu_record rec;
	char err[256] = "";
	memset(&rec, 0, sizeof rec);
	int rc = wu_json_record(line, len, f, buf, &rec, err, sizeof err);
	if (rc != 0)
		fail_msg("rejected %.80s: %s", line, err);
	assert_non_null(rec.text);
	assert_int_equal(rec.text[rec.text_len], '\0');
	assert_non_null(rec.source);
	return rec;
}

static wu_record parse_ok(const char *line, const wu_fields *f, wu_str *buf)
{
	return parse_ok_n(line, strlen(line), f, buf);
}

/* Expects line[0..len) to be rejected with a reason containing word. */
static void expect_bad_n(const char *line, size_t len, const wu_fields *f, const char *word)
{
	wu_str buf = {0};
	wu_record rec;
	char err[256] = "";
	int rc = wu_json_record(line, len, f, &buf, &rec, err, sizeof err);
	if (rc != -1)
		fail_msg("accepted %.80s", line);
	if (!strstr(err, word))
		fail_msg("reason for %.60s is \"%s\", which does not mention \"%s\"", line, err, word);
	/* Without an err buffer too. */
	assert_int_equal(wu_json_record(line, len, f, &buf, &rec, NULL, 0), -1);
	wu_str_free(&buf);
}

static void expect_bad_f(const char *line, const wu_fields *f, const char *word)
{
	expect_bad_n(line, strlen(line), f, word);
}

static void expect_bad(const char *line, const char *word)
{
	expect_bad_n(line, strlen(line), &default_fields, word);
}

static void assert_id(const wu_record *r, const char *want)
{
	assert_int_equal(r->id_len, strlen(want));
	assert_memory_equal(r->id, want, r->id_len);
}

static void test_numeric_ids_kept_exactly(void **state)
{
	(void)state;
	/* Number ids are returned as written: no rounding, no reprinting. */
	static const char *const ids[] = {"123456789012345678901234", "-0", "1.50", "1e5",
	                                  "-12.5E-3", "0", "7", "1E+300", "0.000"};
	wu_str buf = {0};
	for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
		char line[128];
		snprintf(line, sizeof line, "{\"id\":%s,\"text\":\"hello world\"}", ids[i]);
		wu_record r = parse_ok(line, &default_fields, &buf);
		assert_id(&r, ids[i]);
		assert_string_equal(r.text, "hello world");
		assert_int_equal(r.text_len, 11);
		assert_int_equal(r.date, WU_NO_DATE);
		assert_string_equal(r.source, "");
	}
	/* Whitespace around the value is not part of it. */
	wu_record r = parse_ok(" { \"id\" :\t42 ,\r\n\"text\" : \"x\" } ", &default_fields, &buf);
	assert_id(&r, "42");
	wu_str_free(&buf);
}

static void test_string_id_kept_with_quotes(void **state)
{
	(void)state;
	wu_str buf = {0};
	/* The id's JSON text, quotes and escapes as written. */
	wu_record r = parse_ok("{\"id\":\"a\\u00e9\\\"x\",\"text\":\"t\"}", &default_fields, &buf);
	assert_id(&r, "\"a\\u00e9\\\"x\"");
	r = parse_ok("{\"text\":\"t\",\"id\":\"doc-1\"}", &default_fields, &buf);
	assert_id(&r, "\"doc-1\"");
	r = parse_ok("{\"id\":\"\",\"text\":\"t\"}", &default_fields, &buf);
	assert_id(&r, "\"\"");
	wu_str_free(&buf);
}

static void test_title_text_date_source(void **state)
{
	(void)state;
	wu_str buf = {0};
	const char *line = "{\"id\":1,\"title\":\"Big news\",\"text\":\"Body here.\","
	                   "\"date\":\"2021-03-20\",\"source\":\"AP \\u00e9\"}";
	wu_record r = parse_ok(line, &all_fields, &buf);
	assert_string_equal(r.text, "Big news\nBody here.");
	assert_int_equal(r.text_len, strlen("Big news\nBody here."));
	assert_int_equal(r.date, 18706);
	assert_string_equal(r.source, "AP \xC3\xA9");
	assert_id(&r, "1");

	/* The same line with the default fields: title, date, source ignored. */
	r = parse_ok(line, &default_fields, &buf);
	assert_string_equal(r.text, "Body here.");
	assert_int_equal(r.date, WU_NO_DATE);
	assert_string_equal(r.source, "");

	/* Date with a time, null title/date/source, members in any order. */
	r = parse_ok("{\"date\":\"2021-03-20T12:00:00Z\",\"text\":\"b\",\"id\":2}", &all_fields, &buf);
	assert_int_equal(r.date, 18706);
	assert_string_equal(r.text, "b");
	r = parse_ok("{\"id\":3,\"text\":\"b\",\"title\":null,\"date\":null,\"source\":null}", &all_fields,
	             &buf);
	assert_string_equal(r.text, "b");
	assert_int_equal(r.date, WU_NO_DATE);
	assert_string_equal(r.source, "");
	/* Unrelated members of any type are validated and skipped. */
	r = parse_ok("{\"id\":4,\"tags\":[1,{\"a\":[true,false,null]},\"x\"],\"n\":-1.5e-3,\"text\":\"ok\"}",
	             &default_fields, &buf);
	assert_string_equal(r.text, "ok");
	wu_str_free(&buf);
}

/* The text is decoded while it is scanned when its title (if asked for) is
 * already known; every other order takes the decode-after-scan path. Both
 * must give the same record, whatever the order and repeats of members. */
static void test_member_orders(void **state)
{
	(void)state;
	wu_str buf = {0};
	static const char *const lines[] = {
		"{\"id\":1,\"title\":\"T \\u00e9\",\"text\":\"a\\nb \\\"q\\\"\",\"date\":\"2021-03-20\"}",
		"{\"id\":1,\"text\":\"a\\nb \\\"q\\\"\",\"title\":\"T \\u00e9\",\"date\":\"2021-03-20\"}",
		"{\"date\":\"2021-03-20\",\"text\":\"old\",\"title\":\"T \\u00e9\",\"id\":1,\"text\":\"a\\nb \\\"q\\\"\"}",
		"{\"id\":1,\"title\":\"x\",\"text\":\"a\\nb \\\"q\\\"\",\"title\":\"T \\u00e9\",\"date\":\"2021-03-20\"}",
		/* an escaped member name is matched after decoding */
		"{\"id\":1,\"title\":\"T \\u00e9\",\"te\\u0078t\":\"a\\nb \\\"q\\\"\",\"d\\u0061te\":\"2021-03-20\"}",
	};
	for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
		wu_record r = parse_ok(lines[i], &all_fields, &buf);
		assert_string_equal(r.text, "T \xC3\xA9\na\nb \"q\"");
		assert_int_equal(r.text_len, strlen("T \xC3\xA9\na\nb \"q\""));
		assert_int_equal(r.date, 18706);
		r = parse_ok(lines[i], &default_fields, &buf);
		assert_string_equal(r.text, "a\nb \"q\"");
	}
	/* A null or absent title: the text alone. */
	wu_record r = parse_ok("{\"id\":1,\"title\":null,\"text\":\"a\\tb\"}", &all_fields, &buf);
	assert_string_equal(r.text, "a\tb");
	/* Errors inside the text are reported at the same byte on either path. */
	expect_bad_f("{\"id\":1,\"title\":\"t\",\"text\":\"ab\\x\"}", &all_fields,
	             "at byte 31: bad escape");
	expect_bad_f("{\"id\":1,\"text\":\"ab\\x\",\"title\":\"t\"}", &all_fields,
	             "at byte 19: bad escape");
	expect_bad_f("{\"id\":1,\"title\":\"t\",\"text\":\"0123456789abcdef0123\\u12\"}", &all_fields,
	             "bad \\u escape");
	expect_bad_f("{\"id\":1,\"title\":\"t\",\"text\":\"0123456789abcdef0123", &all_fields,
	             "unterminated string");
	expect_bad_f("{\"id\":1,\"title\":\"t\",\"text\":", &all_fields, "unexpected end");
	wu_str_free(&buf);
}

static void test_string_escapes(void **state)
{
	(void)state;
	wu_str buf = {0};
	wu_record r = parse_ok("{\"id\":1,\"text\":\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t e\\u00e9 A\\u0041\"}",
	                       &default_fields, &buf);
	assert_string_equal(r.text, "q\" b\\ s/ \b\f\n\r\t e\xC3\xA9 AA");
	/* Surrogate pair -> one 4-byte UTF-8 character (U+1F600). */
	r = parse_ok("{\"id\":1,\"text\":\"x\\ud83d\\ude00y\"}", &default_fields, &buf);
	assert_string_equal(r.text, "x\xF0\x9F\x98\x80y");
	r = parse_ok("{\"id\":1,\"text\":\"\\uD834\\uDD1E\"}", &default_fields, &buf); /* U+1D11E */
	assert_string_equal(r.text, "\xF0\x9D\x84\x9E");
	/* Lone surrogates -> U+FFFD; the next character is kept. */
	r = parse_ok("{\"id\":1,\"text\":\"a\\ud83dx\"}", &default_fields, &buf);
	assert_string_equal(r.text, "a\xEF\xBF\xBDx");
	r = parse_ok("{\"id\":1,\"text\":\"a\\ude00x\"}", &default_fields, &buf);
	assert_string_equal(r.text, "a\xEF\xBF\xBDx");
	r = parse_ok("{\"id\":1,\"text\":\"a\\ud83d\"}", &default_fields, &buf);
	assert_string_equal(r.text, "a\xEF\xBF\xBD");
	/* High surrogate followed by a non-surrogate escape: both survive. */
	r = parse_ok("{\"id\":1,\"text\":\"\\ud83d\\u0041\"}", &default_fields, &buf);
	assert_string_equal(r.text, "\xEF\xBF\xBD" "A");
	/* Raw UTF-8 passes through untouched. */
	r = parse_ok("{\"id\":1,\"text\":\"caf\xC3\xA9 \xE4\xB8\xAD\"}", &default_fields, &buf);
	assert_string_equal(r.text, "caf\xC3\xA9 \xE4\xB8\xAD");
	wu_str_free(&buf);
}

static void test_custom_field_names(void **state)
{
	(void)state;
	wu_str buf = {0};
	const wu_fields f = {"doc_id", "body", "headline", "published", "outlet"};
	const char *line = "{\"id\":\"wrong\",\"doc_id\":7,\"text\":\"not this\",\"body\":\"this\","
	                   "\"headline\":\"H\",\"published\":\"1970-01-02\",\"outlet\":\"Reuters\","
	                   "\"title\":\"no\",\"date\":\"2000-01-01\",\"source\":\"no\"}";
	wu_record r = parse_ok(line, &f, &buf);
	assert_id(&r, "7");
	assert_string_equal(r.text, "H\nthis");
	assert_int_equal(r.date, 1);
	assert_string_equal(r.source, "Reuters");
	/* With custom names the default names mean nothing. */
	expect_bad_f("{\"id\":1,\"text\":\"x\"}", &f, "doc_id");
	/* A member name written with escapes still matches. */
	r = parse_ok("{\"\\u0069d\":9,\"te\\u0078t\":\"esc\"}", &default_fields, &buf);
	assert_id(&r, "9");
	assert_string_equal(r.text, "esc");
	/* Only top-level members count. */
	expect_bad("{\"meta\":{\"text\":\"nested\"},\"id\":1}", "text");
	wu_str_free(&buf);
}

static void test_bad_structure(void **state)
{
	(void)state;
	expect_bad("not json", "not valid JSON");
	expect_bad("[1,2]", "object");
	expect_bad("\"text\"", "object");
	expect_bad("", "empty");
	expect_bad("{\"id\":1,\"text\":\"a\"} x", "after the object");
	expect_bad("{\"id\":1,\"text\":\"a\"}}", "after the object");
	expect_bad("{\"id\":1,\"text\":\"a\"}{}", "after the object");
	expect_bad("{\"id\":1,\"text\":\"a\",}", "member name");
	expect_bad("{\"id\":1 \"text\":\"a\"}", "','");
	expect_bad("{\"id\" 1,\"text\":\"a\"}", "':'");
	expect_bad("{id:1,\"text\":\"a\"}", "member name");
	expect_bad("{'id':1,\"text\":\"a\"}", "member name");
	expect_bad("{\"id\":1,\"text\":\"a\"", "'}'");
	expect_bad("{\"id\":1,\"text\":\"a\",\"x\":[1,2}", "']'");
	expect_bad("{\"id\":1,\"text\":\"a\",\"x\":tru}", "unexpected");
	expect_bad("{\"id\":1,\"text\":\"a\",\"x\":nul}", "unexpected");
	expect_bad("{\"id\":1,\"text\":\"a\",\"x\":}", "unexpected");
	/* The reason says where. */
	expect_bad("{\"id\":1,\"text\":\"a\"} x", "byte 21");
}

static void test_bad_numbers(void **state)
{
	(void)state;
	expect_bad("{\"id\":01,\"text\":\"a\"}", "not valid JSON");   /* leading zero */
	expect_bad("{\"id\":1.,\"text\":\"a\"}", "number");
	expect_bad("{\"id\":.5,\"text\":\"a\"}", "unexpected");
	expect_bad("{\"id\":-,\"text\":\"a\"}", "number");
	expect_bad("{\"id\":+1,\"text\":\"a\"}", "unexpected");
	expect_bad("{\"id\":1e,\"text\":\"a\"}", "number");
	expect_bad("{\"id\":1e+,\"text\":\"a\"}", "number");
	expect_bad("{\"id\":0x1F,\"text\":\"a\"}", "not valid JSON");
	expect_bad("{\"id\":NaN,\"text\":\"a\"}", "unexpected");
	expect_bad("{\"id\":1", "not valid JSON");
}

static void test_bad_fields(void **state)
{
	(void)state;
	expect_bad("{\"id\":1}", "no \"text\" field");
	expect_bad("{\"text\":\"a\"}", "no \"id\" field");
	expect_bad("{}", "field");
	expect_bad("{\"id\":1,\"text\":5}", "\"text\" is a number, not a string");
	expect_bad("{\"id\":1,\"text\":null}", "\"text\" is null");
	expect_bad("{\"id\":1,\"text\":[\"a\"]}", "\"text\" is an array");
	expect_bad("{\"id\":{\"a\":1},\"text\":\"a\"}", "\"id\" is an object");
	expect_bad("{\"id\":[1],\"text\":\"a\"}", "\"id\" is an array");
	expect_bad("{\"id\":true,\"text\":\"a\"}", "\"id\" is true");
	expect_bad("{\"id\":false,\"text\":\"a\"}", "\"id\" is false");
	expect_bad("{\"id\":null,\"text\":\"a\"}", "\"id\" is null");
	expect_bad("{\"id\":1,\"text\":\"\"}", "empty text");
	expect_bad("{\"id\":1,\"text\":\"   \"}", "empty text");
	expect_bad("{\"id\":1,\"text\":\" \\n\\t\\r \"}", "empty text");
	expect_bad("{\"id\":\"\xFF\",\"text\":\"a\"}", "UTF-8");
	/* Typed optional fields: wrong type or a non-date is an error. */
	expect_bad_f("{\"id\":1,\"text\":\"a\",\"title\":5}", &all_fields, "\"title\" is a number");
	expect_bad_f("{\"id\":1,\"text\":\"a\",\"date\":20210320}", &all_fields, "\"date\" is a number");
	expect_bad_f("{\"id\":1,\"text\":\"a\",\"date\":\"2021-02-29\"}", &all_fields, "date");
	expect_bad_f("{\"id\":1,\"text\":\"a\",\"date\":\"yesterday\"}", &all_fields, "YYYY-MM-DD");
	expect_bad_f("{\"id\":1,\"text\":\"a\",\"source\":[]}", &all_fields, "\"source\" is an array");
}

static void test_bad_strings(void **state)
{
	(void)state;
	/* A raw NUL byte, inside a string and where a value should be. */
	static const char nul_in_string[] = "{\"id\":1,\"text\":\"a\0b\"}";
	expect_bad_n(nul_in_string, sizeof nul_in_string - 1, &default_fields, "NUL");
	static const char nul_value[] = "{\"id\":\0,\"text\":\"ab\"}";
	expect_bad_n(nul_value, sizeof nul_value - 1, &default_fields, "NUL");
	static const char nul_after[] = "{\"id\":1,\"text\":\"ab\"}\0";
	expect_bad_n(nul_after, sizeof nul_after - 1, &default_fields, "not valid JSON");
	/* Raw control characters must be escaped. */
	expect_bad("{\"id\":1,\"text\":\"a\nb\"}", "control character");
	expect_bad("{\"id\":1,\"text\":\"a\tb\"}", "control character");
	/* Invalid escapes. */
	expect_bad("{\"id\":1,\"text\":\"a\\xb\"}", "escape");
	expect_bad("{\"id\":1,\"text\":\"a\\'b\"}", "escape");
	expect_bad("{\"id\":1,\"text\":\"\\u12G4\"}", "\\u escape");
	expect_bad("{\"id\":1,\"text\":\"\\u12\"}", "\\u escape");
	expect_bad("{\"id\":1,\"text\":\"a\\U0041\"}", "escape");
	/* Unterminated strings, including one ending in a backslash. */
	expect_bad("{\"id\":1,\"text\":\"abc", "unterminated");
	expect_bad("{\"id\":1,\"text\":\"abc\\", "unterminated");
	expect_bad("{\"id\":1,\"text\":\"abc\\\"}", "unterminated");
	expect_bad("{\"id\":\"x", "unterminated");
	/* A line cut inside a \u escape must not read past its end. */
	static const char cut[] = "{\"id\":1,\"text\":\"\\u00";
	char *heap = malloc(sizeof cut - 1); /* exact size: ASan sees any overread */
	memcpy(heap, cut, sizeof cut - 1);
	expect_bad_n(heap, sizeof cut - 1, &default_fields, "not valid JSON");
	free(heap);
}

static void test_deep_nesting(void **state)
{
	(void)state;
	enum { DEPTH = 10000 };
	const char *head = "{\"id\":1,\"text\":\"a\",\"x\":";
	size_t hl = strlen(head);
	char *line = malloc(hl + 2 * DEPTH + 2);
	memcpy(line, head, hl);
	memset(line + hl, '[', DEPTH);
	/* Unclosed: rejected for depth before it could run off the end. */
	expect_bad_n(line, hl + DEPTH, &default_fields, "too deep");
	/* Balanced: still too deep. */
	memset(line + hl + DEPTH, ']', DEPTH);
	line[hl + 2 * DEPTH] = '}';
	expect_bad_n(line, hl + 2 * DEPTH + 1, &default_fields, "too deep");
	/* Objects nest the same way. */
	size_t n = hl;
	for (int i = 0; i < DEPTH / 10; i++) {
		memcpy(line + n, "{\"a\":", 5);
		n += 5;
	}
	expect_bad_n(line, n, &default_fields, "too deep");
	/* A line that is nothing but '[': not an object, no recursion. */
	memset(line, '[', DEPTH);
	expect_bad_n(line, DEPTH, &default_fields, "object");
	/* Reasonable nesting is fine. */
	memcpy(line, head, hl);
	memset(line + hl, '[', 100);
	memset(line + hl + 100, ']', 100);
	line[hl + 200] = '}';
	wu_str buf = {0};
	wu_record r = parse_ok_n(line, hl + 201, &default_fields, &buf);
	assert_string_equal(r.text, "a");
	wu_str_free(&buf);
	free(line);
}

static void test_big_text(void **state)
{
	(void)state;
	/* A 5 MB text (with escapes sprinkled in) parses in one piece. */
	const size_t tlen = 5u << 20;
	const char *head = "{\"id\":1,\"text\":\"";
	size_t hl = strlen(head);
	char *line = malloc(hl + tlen + 3);
	memcpy(line, head, hl);
	for (size_t i = 0; i < tlen; i++)
		line[hl + i] = (i % 1000 == 999) ? ' ' : (char)('a' + i % 26);
	memcpy(line + hl + 1000, "\\n", 2); /* one escape: decoded length - 1 */
	memcpy(line + hl + tlen, "\"}", 2);
	wu_str buf = {0};
	wu_record r = parse_ok_n(line, hl + tlen + 2, &default_fields, &buf);
	assert_int_equal(r.text_len, tlen - 1);
	assert_int_equal(r.text[1000], '\n');
	assert_int_equal(r.text[0], 'a');
	assert_int_equal(r.text[r.text_len - 1], line[hl + tlen - 1]);
	assert_int_equal(strlen(r.text), r.text_len);
	wu_str_free(&buf);
	free(line);
}

static void test_buffer_reuse(void **state)
{
	(void)state;
	/* One buffer across records: a long record then a short one. */
	wu_str buf = {0};
	char big[4096];
	memset(big, 'z', sizeof big);
	memcpy(big, "{\"id\":1,\"text\":\"", 16);
	memcpy(big + sizeof big - 2, "\"}", 2);
	wu_record r = parse_ok_n(big, sizeof big, &all_fields, &buf);
	assert_int_equal(r.text_len, sizeof big - 18);
	r = parse_ok("{\"id\":2,\"text\":\"short\",\"source\":\"S\"}", &all_fields, &buf);
	assert_string_equal(r.text, "short");
	assert_string_equal(r.source, "S");
	/* A failed parse leaves the next one unaffected. */
	expect_bad("{\"id\":3", "not valid JSON");
	r = parse_ok("{\"id\":4,\"text\":\"again\"}", &all_fields, &buf);
	assert_string_equal(r.text, "again");
	assert_string_equal(r.source, "");
	wu_str_free(&buf);
}

static void test_json_get(void **state)
{
	(void)state;
	const char *names[] = {"a", "b", "c", "d"};
	const char *val[4];
	size_t len[4];
	wu_str tmp = {0};
	char err[200] = "";
	const char *line = "{\"a\": 1 ,\"b\":[1, {\"x\":2}],\"z\":null,\"d\":\"s\\\"q\"}";
	assert_int_equal(wu_json_get(line, strlen(line), names, 4, &tmp, val, len, err, sizeof err),
	                 0);
	assert_int_equal(len[0], 1);
	assert_memory_equal(val[0], "1", 1);
	assert_int_equal(len[1], strlen("[1, {\"x\":2}]"));
	assert_memory_equal(val[1], "[1, {\"x\":2}]", len[1]);
	assert_null(val[2]);
	assert_int_equal(len[3], strlen("\"s\\\"q\""));
	assert_memory_equal(val[3], "\"s\\\"q\"", len[3]);
	/* Values point into the line itself. */
	assert_true(val[0] >= line && val[0] < line + strlen(line));

	/* Validation is the same as for records. */
	const char *bad = "{\"a\":1,}";
	assert_int_equal(wu_json_get(bad, strlen(bad), names, 4, &tmp, val, len, err, sizeof err), -1);
	assert_non_null(strstr(err, "not valid JSON"));
	const char *trail = "{\"a\":1} 2";
	assert_int_equal(wu_json_get(trail, strlen(trail), names, 1, &tmp, val, len, err, sizeof err),
	                 -1);
	assert_non_null(strstr(err, "after"));
	/* More than 16 names is an error, not an overflow. */
	const char *many[17];
	const char *mval[17];
	size_t mlen[17];
	for (int i = 0; i < 17; i++)
		many[i] = "a";
	assert_int_equal(wu_json_get("{}", 2, many, 17, &tmp, mval, mlen, err, sizeof err), -1);
	assert_non_null(strstr(err, "too many"));
	/* Exactly 16 works. */
	assert_int_equal(wu_json_get("{\"a\":0}", 7, many, 16, &tmp, mval, mlen, err, sizeof err), 0);
	assert_int_equal(mlen[15], 1);
	wu_str_free(&tmp);
}

static void test_json_unquote(void **state)
{
	(void)state;
	wu_str out = {0};
	assert_int_equal(wu_json_unquote("\"a\\\"b\\u00e9\"", 12, &out), 0);
	assert_int_equal(out.n, 5);
	assert_memory_equal(out.s, "a\"b\xC3\xA9", 5);
	assert_int_equal(wu_json_unquote("\"\\ud83d\\ude00\"", 14, &out), 0);
	assert_int_equal(out.n, 4);
	assert_memory_equal(out.s, "\xF0\x9F\x98\x80", 4);
	assert_int_equal(wu_json_unquote("\"\"", 2, &out), 0);
	assert_int_equal(out.n, 0);
	/* Non-strings are copied as written (out is replaced each time). */
	assert_int_equal(wu_json_unquote("123456789012345678901234", 24, &out), 0);
	assert_int_equal(out.n, 24);
	assert_memory_equal(out.s, "123456789012345678901234", 24);
	assert_int_equal(wu_json_unquote("null", 4, &out), 0);
	assert_int_equal(out.n, 4);
	assert_memory_equal(out.s, "null", 4);
	assert_int_equal(wu_json_unquote("-0", 2, &out), 0);
	assert_int_equal(out.n, 2);
	assert_memory_equal(out.s, "-0", 2);
	wu_str_free(&out);
}

/* The key of an id's JSON text (wu__id_key), as a NUL-free comparison. */
static int same_id(const char *a, const char *b)
{
	wu_str ba = {0}, bb = {0};
	size_t la, lb;
	const char *ka = wu__id_key(a, strlen(a), &ba, &la);
	const char *kb = wu__id_key(b, strlen(b), &bb, &lb);
	assert_non_null(ka);
	assert_non_null(kb);
	int eq = la == lb && !memcmp(ka, kb, la);
	wu_str_free(&ba), wu_str_free(&bb);
	return eq;
}

/* Ids are one article when equal as JSON values: escapes decoded, a
 * string never equal to a number, numbers by their text. */
static void test_id_key(void **state)
{
	(void)state;
	assert_true(same_id("\"A\"", "\"\\u0041\""));
	assert_true(same_id("\"a/b\"", "\"a\\/b\""));
	assert_true(same_id("\"\xC3\xA9t\xC3\xA9\"", "\"\\u00e9t\\u00E9\""));
	assert_true(same_id("\"\xF0\x9F\x98\x80\"", "\"\\ud83d\\ude00\""));
	assert_true(same_id("\"x\\ny\"", "\"x\\u000ay\""));
	assert_true(same_id("\"\"", "\"\""));
	assert_false(same_id("\"A\"", "\"a\""));
	assert_false(same_id("\"1\"", "1"));
	assert_false(same_id("1", "1.0"));
	assert_false(same_id("\"\\u0000\"", "\"\""));
	assert_false(same_id("\"\\u0000a\"", "\"a\""));
	/* A lone surrogate is its own value, not the U+FFFD text decodes it to. */
	assert_false(same_id("\"\\ud800\"", "\"\\ufffd\""));
	assert_false(same_id("\"\\ud800\"", "\"\\udc00\""));
	assert_true(same_id("\"\\ud800x\"", "\"\\uD800x\""));
	assert_false(same_id("\"\\ud800\\ud800\"", "\"\\ud800\""));
	/* Ids in the JSON text of a record: the reader and the key agree. */
	wu_str buf = {0}, kb = {0};
	wu_record r;
	char err[128];
	const char *line = "{\"id\":\"\\u0041\\u0000\",\"text\":\"t\"}";
	assert_int_equal(wu_json_record(line, strlen(line), &default_fields, &buf, &r, err,
	                                sizeof err), 0);
	size_t kl;
	const char *k = wu__id_key(r.id, r.id_len, &kb, &kl);
	assert_int_equal(kl, 3);
	assert_memory_equal(k, "\"A\0", 3);
	wu_str_free(&buf), wu_str_free(&kb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numeric_ids_kept_exactly),
		cmocka_unit_test(test_string_id_kept_with_quotes),
		cmocka_unit_test(test_title_text_date_source),
		cmocka_unit_test(test_member_orders),
		cmocka_unit_test(test_string_escapes),
		cmocka_unit_test(test_custom_field_names),
		cmocka_unit_test(test_bad_structure),
		cmocka_unit_test(test_bad_numbers),
		cmocka_unit_test(test_bad_fields),
		cmocka_unit_test(test_bad_strings),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_big_text),
		cmocka_unit_test(test_buffer_reuse),
		cmocka_unit_test(test_json_get),
		cmocka_unit_test(test_json_unquote),
		cmocka_unit_test(test_id_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
