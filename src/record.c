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

/* "date YYYY-MM-DD SECTION" as the first line of a scraped article. */
static size_t date_line(const char *s, size_t n, int32_t *date, const char **sec, size_t *sec_len)
{
	const char *nl = memchr(s, '\n', n);
	size_t len = nl ? (size_t)(nl - s) : n;
	if (len < 15 || memcmp(s, "date ", 5) != 0)
		return 0;
	int32_t d = wu_parse_date(s + 5, 10);
	if (d == WU_NO_DATE || (len > 15 && s[15] != ' ' && s[15] != '\r'))
		return 0;
	*date = d;
	*sec = s + 15;
	*sec_len = len - 15;
	while (*sec_len && (**sec == ' ')) (*sec)++, (*sec_len)--;
	while (*sec_len && ((*sec)[*sec_len - 1] == ' ' || (*sec)[*sec_len - 1] == '\r'))
		(*sec_len)--;
	return nl ? len + 1 : len;
}

int wu_article_file(const char *data, size_t len, wu_str *buf, wu_record *rec, char *err,
                    size_t errlen)
{
	if (memchr(data, '\0', len))
		return wu_fail(err, errlen, "NUL byte at byte %zu (binary file?)",
		               (size_t)((const char *)memchr(data, '\0', len) - data) + 1);
	const char *sec = "";
	size_t sec_len = 0;
	rec->date = WU_NO_DATE;
	size_t skip = date_line(data, len, &rec->date, &sec, &sec_len);
	buf->n = 0;
	if (wu_str_append(buf, data + skip, len - skip) || wu_str_putc(buf, '\0') ||
	    wu_str_append(buf, sec, sec_len) || wu_str_putc(buf, '\0'))
		return wu_fail(err, errlen, "out of memory");
	rec->text = buf->s;
	rec->text_len = len - skip;
	rec->source = buf->s + len - skip + 1;
	for (size_t i = 0; i < rec->text_len; i++)
		if (!strchr(" \t\r\n", rec->text[i]))
			return 0;
	return wu_fail(err, errlen, "empty text");
}
