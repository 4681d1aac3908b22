/* Choosing LSH bands x rows for a threshold, as datasketch does: minimise
 * the false-positive area (below t) plus the false-negative area (above t)
 * under the candidate probability curve. */
#include "internal.h"

#include <math.h>

double wu_lsh_prob(double s, int bands, int rows)
{
	return 1.0 - pow(1.0 - pow(s, rows), bands);
}

/* Simpson's rule with a fixed even number of steps: the curves are smooth. */
static double area(double lo, double hi, int b, int r, int above)
{
	const int steps = 128;
	double h = (hi - lo) / steps, sum = 0.0;
	for (int i = 0; i <= steps; i++) {
		double p = wu_lsh_prob(lo + h * i, b, r);
		double y = above ? 1.0 - p : p;
		double w = (i == 0 || i == steps) ? 1.0 : (i % 2 ? 4.0 : 2.0);
		sum += w * y;
	}
	return sum * h / 3.0;
}

void wu_lsh_params(double t, int k, int *bands, int *rows)
{
	double best = INFINITY;
	*bands = 1;
	*rows = k;
	for (int b = 1; b <= k; b++) {
		for (int r = 1; b * r <= k; r++) {
			double err = area(0.0, t, b, r, 0) + area(t, 1.0, b, r, 1);
			if (err < best) {
				best = err;
				*bands = b;
				*rows = r;
			}
		}
	}
}
