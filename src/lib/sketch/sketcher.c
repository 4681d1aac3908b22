/* One article in one call: normalize (markup decoded, boilerplate left
 * out), shingle, sign and, when asked, story terms, with the buffers of
 * one thread kept from article to article (as minimap2's mm_tbuf_t), so
 * the hot loop allocates only while a buffer still grows. The steps are
 * the public ones, in the order the programs always ran them, so the
 * result is theirs bit for bit. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

struct wu_sketcher {
	wu_str norm, line;  /* normalized text; the filter's scratch */
	wu_u64s sh;         /* the shingle set */
	wu_scratch scratch; /* story terms' scratch */
	wu_terms terms;
};

wu_sketcher *wu_sketcher_new(void)
{
	return calloc(1, sizeof(wu_sketcher));
}

void wu_sketcher_free(wu_sketcher *s)
{
	if (!s)
		return;
	wu_str_free(&s->norm), wu_str_free(&s->line);
	wu_u64s_free(&s->sh);
	wu_scratch_free(&s->scratch);
	wu_terms_free(&s->terms);
	free(s);
}

static int no_memory(char *err, size_t errlen)
{
	return wu__fail(err, errlen, "out of memory");
}

int wu_sketch_article(wu_sketcher *s, const wu_record *rec, const wu_opt *opt,
                      const wu_boiler *b, unsigned flags, uint32_t *sig,
                      wu_article_sketch *out, char *err, size_t errlen)
{
	const char *source = rec->source ? rec->source : "";
	memset(out, 0, sizeof *out);
	if (wu_normalize_filtered(rec->text, rec->text_len, source, b, &s->norm, &s->line,
	                          &out->n_invalid, NULL))
		return no_memory(err, errlen);
	if (s->norm.n == 0) {
		/* No letters or digits: the caller's reject, not a failure; the
		 * signature is still defined, as wu_sketch() defines it. */
		wu_sketch(NULL, 0, opt, sig);
		return 0;
	}
	if (wu_shingle(s->norm.s, s->norm.n, opt, &s->sh) == WU_NOMEM)
		return no_memory(err, errlen);
	wu_sketch(s->sh.a, s->sh.n, opt, sig);
	out->shingles = s->sh.a;
	out->n_shingles = s->sh.n;
	if (flags & WU_SKETCH_TERMS) {
		if (wu_story_terms(rec->text, rec->text_len, source, b, &s->scratch, &s->terms) ==
		    WU_NOMEM)
			return no_memory(err, errlen);
		out->terms = &s->terms;
	}
	return 0;
}
