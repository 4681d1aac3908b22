/* MinHash by one-permutation hashing with optimal densification
 * (Li, Owen & Zhang 2012; Shrivastava 2017): each shingle hash is split into
 * a bin (high bits) and a value (low bits), a bin keeps its minimum, and an
 * empty bin borrows the value of a bin chosen by a seeded probe sequence
 * that is the same for every article. One pass over the shingles instead of
 * k hash evaluations per shingle, with the same estimator variance as k
 * independent permutations for sets larger than k. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* The i-th probe for empty bin b: a fixed pseudo-random bin. */
static uint32_t probe(uint64_t seed, uint32_t b, uint32_t i, uint32_t k)
{
	uint64_t h = wu__mix64(seed ^ ((uint64_t)b << 32 | i) ^ 0x5851f42d4c957f2dULL);
	return (uint32_t)(((h >> 32) * k) >> 32);
}

static void densify(uint32_t *sig, const uint8_t *filled, uint32_t k, uint64_t seed)
{
	for (uint32_t b = 0; b < k; b++) {
		if (filled[b])
			continue;
		for (uint32_t i = 1;; i++) {
			uint32_t j = probe(seed, b, i, k);
			if (filled[j]) {
				sig[b] = sig[j];
				break;
			}
		}
	}
}

void wu_sketch(const uint64_t *sh, size_t n, const wu_opt *opt, uint32_t *sig)
{
	uint32_t k = (uint32_t)opt->num_perm;
	for (uint32_t b = 0; b < k; b++)
		sig[b] = UINT32_MAX;
	if (n == 0)
		return;
	uint8_t filled[1024];
	memset(filled, 0, sizeof filled);
	uint64_t salt = wu__mix64(opt->seed + 0x2545f4914f6cdd1dULL);
	for (size_t i = 0; i < n; i++) {
		uint64_t h = wu__mix64(sh[i] ^ salt);
		uint32_t b = (uint32_t)(((h >> 32) * k) >> 32);
		uint32_t v = (uint32_t)h;
		/* Bins start at UINT32_MAX, so a minimum is all it takes: no
		 * branch to mispredict on every shingle. */
		sig[b] = v < sig[b] ? v : sig[b];
		filled[b] = 1;
	}
	densify(sig, filled, k, opt->seed);
}

double wu_sig_jaccard(const uint32_t *a, const uint32_t *b, int k)
{
	int eq = 0;
	for (int i = 0; i < k; i++)
		eq += a[i] == b[i];
	return (double)eq / (double)k;
}

double wu_set_jaccard(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
	size_t i = 0, j = 0, inter = 0;
	while (i < na && j < nb) {
		if (a[i] < b[j])
			i++;
		else if (a[i] > b[j])
			j++;
		else
			inter++, i++, j++;
	}
	size_t uni = na + nb - inter;
	return uni ? (double)inter / (double)uni : 0.0;
}

double wu_containment(double j, size_t na, size_t nb)
{
	size_t mn = na < nb ? na : nb;
	if (mn == 0)
		return 0.0;
	double inter = j * (double)(na + nb) / (1.0 + j);
	double c = inter / (double)mn;
	return c > 1.0 ? 1.0 : c;
}
