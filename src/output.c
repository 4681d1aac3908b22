/* Writing results: JSONL (ids exactly as they came in), TSV or CSV. */
#include "input.h"

#include <string.h>

/* A plain-text field: string ids decoded, then escaped for the format. */
static void put_plain(FILE *f, int format, const char *id, size_t len, wu_str *tmp)
{
	if (wu_json_unquote(id, len, tmp) || !tmp->s)
		return;
	if (format == WU_FMT_CSV) {
		int quote = strpbrk(tmp->s ? tmp->s : "", ",\"\r\n") != NULL;
		if (!quote) {
			fwrite(tmp->s, 1, tmp->n, f);
			return;
		}
		fputc('"', f);
		for (size_t i = 0; i < tmp->n; i++) {
			if (tmp->s[i] == '"')
				fputc('"', f);
			fputc(tmp->s[i], f);
		}
		fputc('"', f);
		return;
	}
	for (size_t i = 0; i < tmp->n; i++) {
		char c = tmp->s[i];
		if (c == '\t' || c == '\n' || c == '\r' || c == '\\')
			fprintf(f, "\\%c", c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : '\\');
		else
			fputc(c, f);
	}
}

int wu_write_results(FILE *f, int format, const wu_corpus *c, const wu_clusters *cl,
                     const uint32_t *story_rep)
{
	wu_str tmp = {0};
	const char sep = format == WU_FMT_CSV ? ',' : '\t';
	if (format != WU_FMT_JSONL)
		fprintf(f, "id%ccluster%csimilarity%s\n", sep, sep,
		        story_rep ? (sep == ',' ? ",story" : "\tstory") : "");
	for (size_t i = 0; i < cl->n; i++) {
		size_t li, lr;
		const char *id = wu_corpus_id(c, i, &li), *rep = wu_corpus_id(c, cl->rep[i], &lr);
		size_t ls = 0;
		const char *st = story_rep ? wu_corpus_id(c, story_rep[i], &ls) : NULL;
		if (format == WU_FMT_JSONL) {
			fprintf(f, "{\"id\":%.*s,\"cluster\":%.*s,\"similarity\":%.4f", (int)li, id,
			        (int)lr, rep, (double)cl->similarity[i]);
			if (st)
				fprintf(f, ",\"story\":%.*s", (int)ls, st);
			fputs("}\n", f);
			continue;
		}
		put_plain(f, format, id, li, &tmp);
		fputc(sep, f);
		put_plain(f, format, rep, lr, &tmp);
		fprintf(f, "%c%.4f", sep, (double)cl->similarity[i]);
		if (st) {
			fputc(sep, f);
			put_plain(f, format, st, ls, &tmp);
		}
		fputc('\n', f);
	}
	wu_str_free(&tmp);
	return ferror(f) ? -1 : 0;
}
