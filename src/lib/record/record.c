/* Record fields that are not JSON: dates, and article files as scraped. */
#include "internal.h"

#include <string.h>

static int num(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int32_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

int32_t wu_parse_date(const char *s, size_t n)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;
	if (n < 10 || s[4] != '-' || s[7] != '-' || num(s, 4, &y) || num(s + 5, 2, &m) ||
	    num(s + 8, 2, &d))
		return WU_NO_DATE;
	if (n > 10 && s[10] != 'T' && s[10] != ' ')
		return WU_NO_DATE;
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return WU_NO_DATE;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m == 2 && d == 29 && !leap)
		return WU_NO_DATE;
	return days_from_civil(y, m, d);
}

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Digits and dashes as in YYYY-MM-DD, whether or not it is a real date. */
static int date_shape(const char *s)
{
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return 0;
	return 1;
}

/* The front matter of a scraped article: a first line "date YYYY-MM-DD
 * SECTION", blanks (space, tab, CR, VT, FF) allowed around every part and
 * the section optional. Scrapers pad the line (the sample's first line is
 * " date 2021-03-20 USA"), so the rule is the shape, not the exact bytes;
 * it stays tight enough (the word "date", blanks, then digits shaped as a
 * date, then a blank or the end) that prose opening with "date" is text.
 * Returns the bytes the line takes (with its newline; date and section
 * set), 0 when the first line is text, or -1 with a reason in err when the
 * line has the shape but no such day exists: the record is rejected, not
 * read as undated text with its front matter in it. */
static long date_line(const char *s, size_t n, int32_t *date, const char **sec, size_t *sec_len,
                      char *err, size_t errlen)
{
	const char *nl = memchr(s, '\n', n);
	size_t len = nl ? (size_t)(nl - s) : n, i = 0;
	while (i < len && blank(s[i]))
		i++;
	if (len - i < 15 || memcmp(s + i, "date", 4) != 0 || !blank(s[i + 4]))
		return 0;
	for (i += 4; i < len && blank(s[i]); i++)
		;
	if (len - i < 10 || !date_shape(s + i) || (len - i > 10 && !blank(s[i + 10])))
		return 0;
	int32_t d = wu_parse_date(s + i, 10);
	if (d == WU_NO_DATE)
		return wu__fail(err, errlen, "impossible date %.10s on the date line", s + i);
	*date = d;
	*sec = s + i + 10;
	*sec_len = len - i - 10;
	while (*sec_len && blank(**sec))
		(*sec)++, (*sec_len)--;
	while (*sec_len && blank((*sec)[*sec_len - 1]))
		(*sec_len)--;
	return (long)(nl ? len + 1 : len);
}

int wu_article_file(const char *data, size_t len, wu_str *buf, wu_record *rec, char *err,
                    size_t errlen)
{
	if (memchr(data, '\0', len))
		return wu__fail(err, errlen, "NUL byte at byte %zu (binary file?)",
		               (size_t)((const char *)memchr(data, '\0', len) - data) + 1);
	/* A byte-order mark opens many files saved on Windows: not text. */
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		data += 3, len -= 3;
	const char *sec = "";
	size_t sec_len = 0;
	rec->date = WU_NO_DATE;
	long line = date_line(data, len, &rec->date, &sec, &sec_len, err, errlen);
	if (line < 0)
		return -1;
	size_t skip = (size_t)line;
	buf->n = 0;
	if (wu__str_append(buf, data + skip, len - skip) || wu__str_putc(buf, '\0') ||
	    wu__str_append(buf, sec, sec_len) || wu__str_putc(buf, '\0'))
		return wu__fail(err, errlen, "out of memory");
	rec->text = buf->s;
	rec->text_len = len - skip;
	rec->source = buf->s + len - skip + 1;
	for (size_t i = 0; i < rec->text_len; i++)
		if (!strchr(" \t\r\n", rec->text[i]))
			return 0;
	return wu__fail(err, errlen, "empty text");
}
