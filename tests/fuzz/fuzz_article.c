/* libFuzzer harness: wu_article_file() (an optional "date YYYY-MM-DD
 * SECTION" first line, then the text) and wu_parse_date(), checked against
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
	if (rc != 0) {
		CHECK(err[0] && memchr(err, '\0', sizeof err));
		/* Only two reasons: a NUL byte, or nothing but white space. */
		CHECK(memchr(s, '\0', size) || rec.text_len == 0 || fz_blank(rec.text, rec.text_len));
		wu_str_free(&buf);
		return 0;
	}
	CHECK(!memchr(s, '\0', size));
	CHECK(rec.text && rec.text[rec.text_len] == '\0');
	CHECK(rec.text_len > 0 && rec.text_len <= size);
	CHECK(!fz_blank(rec.text, rec.text_len));
	/* The text is the file from some point on, unchanged. */
	size_t skip = size - rec.text_len;
	CHECK(!memcmp(rec.text, s + skip, rec.text_len));
	CHECK(rec.source);
	size_t sl = strlen(rec.source);
	if (rec.date == WU_NO_DATE) {
		CHECK(skip == 0 && sl == 0);
	} else {
		/* The date line: "date " + a date + an optional section, ending
		 * the line, the section trimmed of blanks and CRs. */
		CHECK(skip >= 15 && !memcmp(s, "date ", 5));
		CHECK(rec.date == ref_date(s + 5, 10));
		const char *nl = memchr(s, '\n', size);
		size_t line = nl ? (size_t)(nl - s) : size;
		CHECK(skip == (nl ? line + 1 : line));
		CHECK(line == 15 || s[15] == ' ' || s[15] == '\r');
		CHECK(sl <= line - 15);
		CHECK(!memchr(rec.source, '\n', sl));
		if (sl) {
			CHECK(rec.source[0] != ' ');
			CHECK(rec.source[sl - 1] != ' ' && rec.source[sl - 1] != '\r');
			const char *at = s + 15;
			while (*at == ' ')
				at++;
			CHECK(!memcmp(rec.source, at, sl));
		}
	}
	if (size >= 15 && !memcmp(s, "date ", 5) && ref_date(s + 5, 10) != WU_NO_DATE &&
	    (size == 15 || s[15] == ' ' || s[15] == '\r' || s[15] == '\n'))
		CHECK(rec.date != WU_NO_DATE); /* a good date line is never missed */
	wu_str_free(&buf);
	return 0;
}
