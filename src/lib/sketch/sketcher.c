/* One article in one call: normalize (markup decoded, boilerplate left
 * out), shingle, sign and, when asked, story terms from the same words;
 * and the first pass's look at it (wu_scan_article: boilerplate line keys
 * and story terms from one normalization), with the buffers of
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
	const wu_df *df;    /* for WU_SKETCH_PROFILE (wu_sketcher_set_df) */
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

void wu_sketcher_set_df(wu_sketcher *s, const wu_df *df)
{
	s->df = df;
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
	if ((flags & WU_SKETCH_PROFILE) && !s->df)
		return wu__fail(err, errlen, "story profile asked for without document frequencies "
		                             "(wu_sketcher_set_df)");
	if (wu_normalize_filtered(rec->text, rec->text_len, source, b, &s->norm, &s->line,
	                          &out->n_invalid, NULL))
		return no_memory(err, errlen);
	if (s->norm.n == 0) {
		/* No letters or digits: the caller's reject, not a failure; the
		 * signature is still defined, as wu_sketch() defines it. */
		wu_sketch(NULL, 0, opt, sig);
		return 0;
	}
	if (wu_shingle(s->norm.s, s->norm.n, opt, &s->sh))
		return no_memory(err, errlen);
	wu_sketch(s->sh.a, s->sh.n, opt, sig);
	out->shingles = s->sh.a;
	out->n_shingles = s->sh.n;
	if (flags & (WU_SKETCH_TERMS | WU_SKETCH_PROFILE)) {
		/* from the words just shingled: the text is normalized once */
		if (wu__story_terms_words(rec->text, rec->text_len, s->norm.s, s->norm.n, &s->scratch,
		                          &s->terms))
			return no_memory(err, errlen);
		if (flags & WU_SKETCH_PROFILE)
			wu_story_profile(s->df, opt->story_terms, &s->terms);
		out->terms = &s->terms;
	}
	return 0;
}

int wu_scan_article(wu_sketcher *s, const wu_record *rec, unsigned flags, wu_article_scan *out,
                    char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (flags & WU_SCAN_LINES) {
		/* wu_line_keys() leaves the normalized lines in s->line: the
		 * story terms below are made from them, not from a second
		 * normalization */
		if (wu_line_keys(rec->text, rec->text_len, rec->source ? rec->source : "", &s->line,
		                 &s->sh))
			return no_memory(err, errlen);
		out->line_keys = s->sh.a;
		out->n_line_keys = s->sh.n;
	} else if ((flags & WU_SCAN_TERMS) &&
	           wu__normalize_lines(rec->text, rec->text_len, &s->line, NULL)) {
		return no_memory(err, errlen);
	}
	if (flags & WU_SCAN_TERMS) {
		if (wu__story_terms_words(rec->text, rec->text_len, s->line.s, s->line.n, &s->scratch,
		                          &s->terms))
			return no_memory(err, errlen);
		out->terms = &s->terms;
	}
	return 0;
}
