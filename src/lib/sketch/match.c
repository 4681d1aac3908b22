/* What the clusterer and the feed index agree a match is: the LSH band key
 * of a signature, and the similarity of a pair under the options' measure
 * with its length rule. Here, below both, so that the index needs the
 * sketch layer and not the clusterer. */
#include "internal.h"

#include <xxhash.h>

uint64_t wu_band_key(const uint32_t *sig, int band, const wu_opt *o)
{
	size_t off = (size_t)band * (size_t)o->rows, len = (size_t)o->rows * sizeof(uint32_t);
	return XXH3_64bits_withSeed(sig + off, len, o->seed + (uint64_t)band);
}

double wu_pair_similarity(double j, size_t na, size_t nb, const wu_opt *o)
{
	if (na == 0 || nb == 0)
		return 0.0;
	if (o->measure == WU_MEASURE_JACCARD)
		return j;
	return wu_containment(j, na, nb);
}

int wu_pair_passes(double sim, size_t na, size_t nb, const wu_opt *o)
{
	if (o->measure == WU_MEASURE_CONTAINMENT) {
		size_t lo = na < nb ? na : nb, hi = na < nb ? nb : na;
		if ((double)lo < o->min_length_ratio * (double)hi)
			return 0;
	}
	return sim >= o->threshold;
}
