/* Accuracy of the signature's Jaccard estimate, for scripts/bench.sh: for
 * pairs of random sets with exactly Jaccard J, the RMSE of
 * wu_sig_jaccard() against the standard error of k independent
 * permutations, sqrt(J(1-J)/k). Prints one row per (J, set size) and the
 * worst ratio; the target is a ratio within 1.10.
 * Usage: wiredup-rmse [PAIRS] (default 2000 per row). */
#include "wiredup.h"
#include "../test_rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Sets a and b with |a U b| = u and |a n b| = J u; the estimate. */
static double one_pair(double j, size_t u, const wu_opt *o, test_rng *rng, uint64_t *a,
                       uint64_t *b, uint32_t *sa, uint32_t *sb)
{
	size_t inter = (size_t)llround(j * (double)u), rest = u - inter;
	size_t a_only = rest / 2 + (test_rng_next(rng) & 1) * (rest % 2), b_only = rest - a_only;
	for (size_t i = 0; i < inter; i++)
		a[i] = b[i] = test_rng_next(rng);
	for (size_t i = 0; i < a_only; i++)
		a[inter + i] = test_rng_next(rng);
	for (size_t i = 0; i < b_only; i++)
		b[inter + i] = test_rng_next(rng);
	wu_sketch(a, inter + a_only, o, sa);
	wu_sketch(b, inter + b_only, o, sb);
	return wu_sig_jaccard(sa, sb, o->num_perm);
}

int main(int argc, char **argv)
{
	int pairs = argc > 1 ? atoi(argv[1]) : 2000;
	if (pairs < 1)
		return 2;
	wu_opt o;
	wu_opt_init(&o);
	if (wu_opt_finish(&o, NULL, 0))
		return 1;
	static const double js[] = {0.1, 0.2, 0.3, 0.5, 0.7, 0.9};
	static const size_t lo[] = {200, 1000}, hi[] = {600, 4000};
	uint64_t *a = malloc(4000 * sizeof *a), *b = malloc(4000 * sizeof *b);
	uint32_t *sa = malloc((size_t)o.num_perm * sizeof *sa), *sb = malloc((size_t)o.num_perm * sizeof *sb);
	if (!a || !b || !sa || !sb)
		return 1;
	test_rng rng = test_rng_seed(20261128);
	double worst = 0.0;
	printf("| J | union size | pairs | RMSE | sqrt(J(1-J)/k) | ratio | mean error |\n");
	printf("|---|---|---|---|---|---|---|\n");
	for (size_t r = 0; r < sizeof lo / sizeof *lo; r++) {
		for (size_t t = 0; t < sizeof js / sizeof *js; t++) {
			double sse = 0.0, sum = 0.0, j = js[t];
			for (int p = 0; p < pairs; p++) {
				size_t u = lo[r] + (size_t)(test_rng_next(&rng) % (hi[r] - lo[r] + 1));
				double err = one_pair(j, u, &o, &rng, a, b, sa, sb) - j;
				sse += err * err, sum += err;
			}
			double rmse = sqrt(sse / pairs), se = sqrt(j * (1.0 - j) / o.num_perm);
			worst = rmse / se > worst ? rmse / se : worst;
			printf("| %.1f | %zu-%zu | %d | %.4f | %.4f | %.3f | %+.4f |\n", j, lo[r], hi[r], pairs,
			       rmse, se, rmse / se, sum / pairs);
		}
	}
	printf("worst RMSE / standard error: %.3f (k = %d)\n", worst, o.num_perm);
	free(a), free(b), free(sa), free(sb);
	return 0;
}
