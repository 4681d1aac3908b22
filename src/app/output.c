/* Writing results: JSONL (ids exactly as they came in), TSV or CSV. */
#include "input.h"

#include <string.h>

static int is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* TSV (as PostgreSQL's text COPY reads it): tab, newline, carriage return
 * and backslash as \t \n \r \\, every other control byte as \xHH, so a
 * field is one line, one column, and no byte is lost or raw. */
static void put_tsv(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\t' || c == '\n' || c == '\r' || c == '\\')
			fprintf(f, "\\%c", c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : '\\');
		else if (is_control(c))
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

/* CSV (RFC 4180) has no escapes: a field holding a comma, a quote or any
 * control byte is quoted, its quotes doubled. A NUL, which CSV readers
 * refuse or cut the field at, is written as U+FFFD, the replacement
 * character; JSONL (and TSV) keep it. */
static void put_csv(FILE *f, const char *s, size_t n)
{
	int quote = 0;
	for (size_t i = 0; i < n && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || is_control((unsigned char)s[i]);
	if (!quote) {
		fwrite(s, 1, n, f);
		return;
	}
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			fputc('"', f);
		if (s[i])
			fputc(s[i], f);
		else
			fputs("\xEF\xBF\xBD", f);
	}
	fputc('"', f);
}

/* A plain-text field: string ids decoded, then escaped for the format.
 * 0, or -1 out of memory. */
static int put_plain(FILE *f, int format, const char *id, size_t len, wu_str *tmp)
{
	if (wu_json_unquote(id, len, tmp))
		return -1;
	if (format == APP_FMT_CSV)
		put_csv(f, tmp->s, tmp->n);
	else
		put_tsv(f, tmp->s, tmp->n);
	return 0;
}

/* Article j's id as a plain field, after a separator unless first. */
static int put_id(FILE *f, int format, const wu_corpus *c, size_t j, int first, wu_str *tmp)
{
	size_t len;
	const char *id = wu_corpus_id(c, j, &len);
	if (!first)
		fputc(format == APP_FMT_CSV ? ',' : '\t', f);
	return put_plain(f, format, id, len, tmp);
}

/* Article i's TSV or CSV row. 0, or -1 out of memory. */
static int plain_row(FILE *f, int format, const wu_corpus *c, const wu_clusters *cl, size_t i,
                     const uint32_t *story_rep, wu_str *tmp)
{
	if (put_id(f, format, c, i, 1, tmp) || put_id(f, format, c, cl->rep[i], 0, tmp))
		return -1;
	fprintf(f, "%c%.4f", format == APP_FMT_CSV ? ',' : '\t', (double)cl->similarity[i]);
	if (story_rep && put_id(f, format, c, story_rep[i], 0, tmp))
		return -1;
	fputc('\n', f);
	return 0;
}

/* Article i's JSONL row: ids exactly as they came in. */
static void jsonl_row(FILE *f, const wu_corpus *c, const wu_clusters *cl, size_t i,
                      const uint32_t *story_rep)
{
	size_t li, lr;
	const char *id = wu_corpus_id(c, i, &li), *rep = wu_corpus_id(c, cl->rep[i], &lr);
	fprintf(f, "{\"id\":%.*s,\"cluster\":%.*s,\"similarity\":%.4f", (int)li, id, (int)lr, rep,
	        (double)cl->similarity[i]);
	if (story_rep) {
		size_t ls;
		const char *st = wu_corpus_id(c, story_rep[i], &ls);
		fprintf(f, ",\"story\":%.*s", (int)ls, st);
	}
	fputs("}\n", f);
}

int app_write_results(FILE *f, int format, const wu_corpus *c, const wu_clusters *cl,
                     const uint32_t *story_rep)
{
	wu_str tmp = {0};
	int rc = 0;
	const char sep = format == APP_FMT_CSV ? ',' : '\t';
	if (format != APP_FMT_JSONL)
		fprintf(f, "id%ccluster%csimilarity%s\n", sep, sep,
		        story_rep ? (sep == ',' ? ",story" : "\tstory") : "");
	for (size_t i = 0; i < cl->n && !rc && !ferror(f); i++) {
		if (format == APP_FMT_JSONL)
			jsonl_row(f, c, cl, i, story_rep);
		else
			rc = plain_row(f, format, c, cl, i, story_rep, &tmp);
	}
	wu_str_free(&tmp);
	return rc || ferror(f) ? -1 : 0;
}
