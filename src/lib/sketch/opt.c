/* Options and their documented defaults. */
#include "internal.h"

#include <math.h>

void wu_opt_init(wu_opt *o)
{
	o->shingle_kind = WU_SHINGLE_WORD;
	o->ngram = 0; /* the kind's default, set by wu_opt_finish() */
	o->num_perm = 128;
	o->seed = 1;
	o->measure = WU_MEASURE_CONTAINMENT;
	o->threshold = 0.5;
	o->min_length_ratio = 0.4;
	o->bands = 0;
	o->rows = 0;
	o->verify = WU_VERIFY_SIGNATURE;
	o->max_bucket = 64;
	o->stories = 0;
	o->story_threshold = 0.15;
	o->story_terms = 64;
	o->window_days = 7;
	o->story_single_link = 0;
	o->progress = NULL;
	o->progress_data = NULL;
}

double wu_opt_lsh_threshold(const wu_opt *o)
{
	if (o->measure == WU_MEASURE_JACCARD)
		return o->threshold;
	/* |A| = rho |B|, |A n B| = t |A|  =>  J = t rho / (1 + rho - t rho) */
	double t = o->threshold, rho = o->min_length_ratio;
	return t * rho / (1.0 + rho - t * rho);
}

int wu_opt_finish(wu_opt *o, char *err, size_t errlen)
{
	if (o->ngram == 0)
		o->ngram = o->shingle_kind == WU_SHINGLE_CHAR ? 12 : 5;
	if (o->ngram < 1 || o->ngram > 64)
		return wu__fail(err, errlen, "ngram must be 1..64, not %d", o->ngram);
	if (o->num_perm < 8 || o->num_perm > 1024 || o->num_perm % 8)
		return wu__fail(err, errlen, "num-perm must be a multiple of 8 in 8..1024, not %d",
		               o->num_perm);
	if (!(o->threshold > 0.0 && o->threshold <= 1.0))
		return wu__fail(err, errlen, "threshold must be in (0, 1], not %g", o->threshold);
	if (!(o->min_length_ratio > 0.0 && o->min_length_ratio <= 1.0))
		return wu__fail(err, errlen, "min-length-ratio must be in (0, 1], not %g",
		               o->min_length_ratio);
	if (!(o->story_threshold > 0.0 && o->story_threshold <= 1.0))
		return wu__fail(err, errlen, "story-threshold must be in (0, 1], not %g",
		               o->story_threshold);
	if (o->story_terms < 1 || o->story_terms > 4096)
		return wu__fail(err, errlen, "story-terms must be 1..4096, not %d", o->story_terms);
	if (o->window_days < 0)
		return wu__fail(err, errlen, "window-days must be >= 0, not %d", o->window_days);
	if (o->max_bucket < 1)
		return wu__fail(err, errlen, "max-bucket must be at least 1, not %d", o->max_bucket);
	if ((o->bands == 0) != (o->rows == 0))
		return wu__fail(err, errlen, "give both bands and rows, or neither");
	if (o->bands == 0)
		wu_lsh_params(wu_opt_lsh_threshold(o), o->num_perm, &o->bands, &o->rows);
	if (o->bands < 1 || o->rows < 1 || o->bands > o->num_perm || o->rows > o->num_perm ||
	    o->bands * o->rows > o->num_perm)
		return wu__fail(err, errlen, "bands x rows (%d x %d) must be at most num-perm (%d)",
		               o->bands, o->rows, o->num_perm);
	return 0;
}
