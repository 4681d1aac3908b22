/* libFuzzer harness: wu_json_record(), wu_json_get(), wu_json_unquote() on
 * arbitrary bytes as one JSONL line. The record parser and the generic
 * member finder share one scanner, so they must agree: a record parses only
 * when the line is valid JSON, its id is the very JSON text wu_json_get
 * finds, and its text/source/date are what wu_json_unquote and
 * wu_parse_date make of the members. */
#include "wiredup.h"
#include "internal.h" /* wu__str_append, wu__str_putc */
#include "fuzz_util.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Every member value found is inside the line and unquotes sanely. */
static void check_values(const char *line, size_t len, const char **val, const size_t *vl, int n)
{
	wu_str u = {0};
	for (int i = 0; i < n; i++) {
		if (!val[i])
			continue;
		CHECK(vl[i] > 0);
		CHECK(val[i] >= line && val[i] + vl[i] <= line + len);
		CHECK(wu_json_unquote(val[i], vl[i], &u) == 0);
		CHECK(u.s && u.s[u.n] == '\0');
		if (val[i][0] == '"') {
			CHECK(vl[i] >= 2 && val[i][vl[i] - 1] == '"');
			CHECK(u.n <= vl[i] - 2); /* decoding never lengthens */
			/* \u escapes decode to valid UTF-8 (a lone surrogate to
			 * U+FFFD), so valid text stays valid. */
			if (fz_utf8_valid(val[i], vl[i]))
				CHECK(fz_utf8_valid(u.s, u.n));
			if (!memchr(val[i], '\\', vl[i]))
				CHECK(u.n == vl[i] - 2 && !memcmp(u.s, val[i] + 1, u.n));
		} else {
			CHECK(u.n == vl[i] && !memcmp(u.s, val[i], u.n));
		}
	}
	wu_str_free(&u);
}

static void unquote_to(const char *v, size_t n, wu_str *out)
{
	CHECK(wu_json_unquote(v, n, out) == 0);
}

/* The id's key (wu__id_key): a number's text; a string's '"' and its
 * value, which is what wu_json_unquote makes of it but for lone
 * surrogates (three bytes each way), and the same key however the value
 * is escaped: every ASCII byte written as \u00XX gives it again (checked
 * where the value holds no U+FFFD, which may stand for a surrogate). */
static void check_id_key(const char *id, size_t n)
{
	wu_str kb = {0}, u = {0}, esc = {0}, kb2 = {0};
	size_t kl, kl2;
	const char *k = wu__id_key(id, n, &kb, &kl);
	CHECK(k);
	if (id[0] != '"') {
		CHECK(k == id && kl == n);
		goto out;
	}
	CHECK(kl >= 1 && k[0] == '"' && kl - 1 <= n - 2);
	CHECK(wu_json_unquote(id, n, &u) == 0);
	CHECK(kl - 1 == u.n);
	for (size_t i = 0; i + 3 <= u.n; i++)
		if (!memcmp(u.s + i, "\xEF\xBF\xBD", 3))
			goto out;
	CHECK(!memcmp(k + 1, u.s, u.n));
	wu__str_putc(&esc, '"');
	for (size_t i = 0; i < u.n; i++) {
		char hex[8];
		unsigned char c = (unsigned char)u.s[i];
		if (c < 0x80)
			snprintf(hex, sizeof hex, "\\u%04x", c);
		else
			hex[0] = (char)c, hex[1] = '\0';
		wu__str_append(&esc, hex, c < 0x80 ? 6 : 1);
	}
	wu__str_putc(&esc, '"');
	const char *k2 = wu__id_key(esc.s, esc.n, &kb2, &kl2);
	CHECK(k2 && kl2 == kl && !memcmp(k2, k, kl));
out:
	wu_str_free(&kb), wu_str_free(&u), wu_str_free(&esc), wu_str_free(&kb2);
}

static void check_record(const char *line, size_t len, const wu_fields *f)
{
	wu_str buf = {0}, tmp = {0}, u = {0}, exp = {0};
	wu_record rec;
	memset(&rec, 0, sizeof rec);
	char err[160];
	err[0] = '\0';
	int rc = wu_json_record(line, len, f, &buf, &rec, err, sizeof err);

	const char *names[16] = {f->id, f->text, f->title, f->date, f->source, "x", "", "id\n"};
	const char *val[16];
	size_t vl[16];
	char err2[160];
	err2[0] = '\0';
	int rg = wu_json_get(line, len, names, 8, &tmp, val, vl, err2, sizeof err2);

	if (rg != 0) {
		CHECK(rc != 0); /* a line that is not valid JSON is never a record */
		CHECK(err2[0] && memchr(err2, '\0', sizeof err2));
		/* One scanner (the record's decodes its text as it goes): the
		 * same first fault, at the same byte. */
		CHECK(strcmp(err, err2) == 0);
	} else {
		check_values(line, len, val, vl, 8);
		if (rc != 0)
			CHECK(strncmp(err, "not valid JSON", 14) != 0);
	}
	if (rc != 0) {
		CHECK(err[0] && memchr(err, '\0', sizeof err));
		goto out;
	}
	CHECK(rg == 0);

	/* id: the member's JSON text as written, a string or a number */
	CHECK(rec.id && rec.id_len > 0);
	CHECK(rec.id >= line && rec.id + rec.id_len <= line + len);
	CHECK(rec.id == val[0] && rec.id_len == vl[0]);
	CHECK(rec.id[0] == '"' || rec.id[0] == '-' || is_digit(rec.id[0]));
	if (rec.id[0] == '"')
		CHECK(rec.id_len >= 2 && rec.id[rec.id_len - 1] == '"');
	else
		CHECK(is_digit(rec.id[rec.id_len - 1]));
	CHECK_UNLESS("id_utf8", fz_utf8_valid(rec.id, rec.id_len));
	check_id_key(rec.id, rec.id_len);

	/* text: title (a string) + "\n" + text, decoded, not blank */
	CHECK(rec.text && rec.text_len > 0 && rec.text[rec.text_len] == '\0');
	CHECK(!fz_blank(rec.text, rec.text_len));
	CHECK(val[1] && val[1][0] == '"');
	if (f->title && val[2] && val[2][0] == '"') {
		unquote_to(val[2], vl[2], &u);
		wu__str_append(&exp, u.s, u.n);
		wu__str_putc(&exp, '\n');
	}
	unquote_to(val[1], vl[1], &u);
	wu__str_append(&exp, u.s, u.n);
	CHECK(exp.n == rec.text_len && !memcmp(exp.s, rec.text, exp.n));

	/* source: decoded (up to a \u0000 in it), "" when absent or null */
	CHECK(rec.source);
	size_t sl = strlen(rec.source);
	if (f->source && val[4] && val[4][0] == '"') {
		unquote_to(val[4], vl[4], &u);
		CHECK(sl <= u.n && !memcmp(rec.source, u.s, sl) && (sl == u.n || u.s[sl] == '\0'));
	} else {
		CHECK(sl == 0);
	}

	/* date: wu_parse_date() of the decoded string, never a bad one */
	if (f->date && val[3] && val[3][0] == '"') {
		unquote_to(val[3], vl[3], &u);
		int32_t d = wu_parse_date(u.s, u.n);
		CHECK(rec.date == d);
		CHECK(u.n == 0 || d != WU_NO_DATE);
	} else {
		CHECK(rec.date == WU_NO_DATE);
	}
	if (rec.date != WU_NO_DATE)
		CHECK(rec.date >= -719528 && rec.date <= 2932896); /* 0000-01-01..9999-12-31 */

	/* The parse is a pure function of the line: a second call on a reused
	 * buffer gives the same record. */
	wu_record again;
	CHECK(wu_json_record(line, len, f, &buf, &again, NULL, 0) == 0);
	CHECK(again.id == rec.id && again.id_len == rec.id_len && again.date == rec.date);
	CHECK(again.text_len == exp.n && !memcmp(again.text, exp.s, exp.n));
out:
	wu_str_free(&buf), wu_str_free(&tmp), wu_str_free(&u), wu_str_free(&exp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const wu_fields defaults = {"id", "text", NULL, NULL, NULL};
	static const wu_fields all = {"id", "text", "title", "date", "source"};
	/* Non-ASCII and escaped names (matched after decoding), and a title
	 * that is also the id's name. */
	static const wu_fields odd = {"\xc3\xa9", "t\"x", "\xc3\xa9", "d/", "\n"};
	const char *line = (const char *)data;
	check_record(line, size, &defaults);
	check_record(line, size, &all);
	check_record(line, size, &odd);

	/* More than 16 names is refused, not overrun. */
	const char *many[17] = {"a", "b", "c", "d", "e", "f", "g", "h", "i",
	                        "j", "k", "l", "m", "n", "o", "p", "q"};
	const char *val[17];
	size_t vl[17];
	wu_str tmp = {0};
	CHECK(wu_json_get(line, size, many, 17, &tmp, val, vl, NULL, 0) == -1);
	if (wu_json_get(line, size, many, 16, &tmp, val, vl, NULL, 0) == 0)
		check_values(line, size, val, vl, 16);
	wu_str_free(&tmp);
	return 0;
}
