/* libFuzzer harness: wu_article_file() (an optional byte-order mark, an
 * optional "date YYYY-MM-DD SECTION" first line, blanks around its parts,
 * then the text; an impossible date on that line rejects the file) and wu_parse_date(), checked against
 * an independent date reference (Fliegel & Van Flandern's Julian day
 * number). */
#include "wiredup.h"
#include "fuzz_util.h"

#include <stdint.h>
#include <string.h>

static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

/* Reference: days since 1970-01-01, or WU_NO_DATE. */
static int32_t ref_date(const char *s, size_t n)
{
	int y, m, d;
	if (n < 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) || !digits(s + 5, 2, &m) ||
	    !digits(s + 8, 2, &d))
		return WU_NO_DATE;
	if (n > 10 && s[10] != 'T' && s[10] != ' ')
		return WU_NO_DATE;
	if (m < 1 || m > 12 || d < 1)
		return WU_NO_DATE;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (d > len[m - 1] + (m == 2 && leap))
		return WU_NO_DATE;
	long a = (m - 14) / 12;
	long jdn = (1461L * (y + 4800 + a)) / 4 + (367L * (m - 2 - 12 * a)) / 12 -
	           (3L * ((y + 4900 + a) / 100)) / 4 + d - 32075;
	return (int32_t)(jdn - 2440588);
}

static void check_date(const char *s, size_t n)
{
	int32_t got = wu_parse_date(s, n);
	CHECK(got == ref_date(s, n));
	if (n > 10)
		CHECK(wu_parse_date(s, 10) == ref_date(s, 10));
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* The front matter, by another route than record.c's: the first line
 * (after a byte-order mark) cut into blank-separated tokens; "date" then a
 * 10-byte token shaped YYYY-MM-DD make a date line, the rest of the line
 * (trimmed) its section. */
enum { FRONT_NONE, FRONT_DATE, FRONT_BAD };
typedef struct {
	int kind;
	size_t text_at;
	int32_t date;
	const char *sec;
	size_t sec_len;
} front;

static void ref_front(const char *s, size_t n, front *f)
{
	size_t bom = n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3) ? 3 : 0;
	const char *line = s + bom, *nl = memchr(line, '\n', n - bom);
	size_t len = nl ? (size_t)(nl - line) : n - bom;
	memset(f, 0, sizeof *f);
	f->text_at = bom;
	const char *tok[2];
	size_t tl[2], at = 0, k = 0;
	for (; k < 2; k++) {
		while (at < len && is_blank(line[at]))
			at++;
		tok[k] = line + at;
		while (at < len && !is_blank(line[at]))
			at++;
		tl[k] = (size_t)(line + at - tok[k]);
	}
	int y, m, d;
	if (tl[0] != 4 || memcmp(tok[0], "date", 4) || tl[1] != 10 || tok[1][4] != '-' ||
	    tok[1][7] != '-' || !digits(tok[1], 4, &y) || !digits(tok[1] + 5, 2, &m) ||
	    !digits(tok[1] + 8, 2, &d))
		return;
	f->date = ref_date(tok[1], 10);
	f->kind = f->date == WU_NO_DATE ? FRONT_BAD : FRONT_DATE;
	f->text_at = bom + (nl ? len + 1 : len);
	while (at < len && is_blank(line[at]))
		at++;
	size_t e = len;
	while (e > at && is_blank(line[e - 1]))
		e--;
	f->sec = line + at;
	f->sec_len = e - at;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;

	/* Dates at the start and at a few offsets (exact-size buffers). */
	for (size_t i = 0; i < size && i < 32; i++) {
		size_t n = size - i;
		char *copy = malloc(n ? n : 1);
		memcpy(copy, s + i, n);
		check_date(copy, n);
		if (n > 10)
			check_date(copy, 11);
		free(copy);
	}
	check_date(s, 0);

	wu_str buf = {0};
	wu_record rec;
	memset(&rec, 0, sizeof rec);
	char err[128];
	err[0] = '\0';
	int rc = wu_article_file(s, size, &buf, &rec, err, sizeof err);
	front ref;
	ref_front(s, size, &ref);
	if (rc != 0) {
		CHECK(err[0] && memchr(err, '\0', sizeof err));
		/* Only three reasons: a NUL byte, an impossible date on a date
		 * line, or nothing but white space. */
		CHECK(memchr(s, '\0', size) || ref.kind == FRONT_BAD ||
		      fz_blank(s + ref.text_at, size - ref.text_at));
		if (!memchr(s, '\0', size) && ref.kind == FRONT_BAD)
			CHECK(strstr(err, "impossible date"));
		wu_str_free(&buf);
		return 0;
	}
	CHECK(!memchr(s, '\0', size) && ref.kind != FRONT_BAD);
	CHECK(rec.text && rec.text[rec.text_len] == '\0');
	CHECK(rec.text_len > 0 && rec.text_len <= size);
	CHECK(!fz_blank(rec.text, rec.text_len));
	/* The text is the file from the reference's point on, unchanged. */
	CHECK(rec.text_len == size - ref.text_at);
	CHECK(!memcmp(rec.text, s + ref.text_at, rec.text_len));
	CHECK(rec.source);
	if (ref.kind == FRONT_NONE) {
		CHECK(rec.date == WU_NO_DATE && rec.source[0] == '\0');
	} else {
		CHECK(rec.date == ref.date && rec.date != WU_NO_DATE);
		CHECK(strlen(rec.source) == ref.sec_len);
		CHECK(!memcmp(rec.source, ref.sec, ref.sec_len));
	}
	wu_str_free(&buf);
	return 0;
}
