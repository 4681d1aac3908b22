/* A program that uses an installed libwiredup through its public header
 * alone, as a user's would: scripts/test.sh builds it against a temporary
 * install, once with pkg-config and once with find_package(wiredup), and
 * runs it. It sketches texts with the one-call wu_sketch_article() (as a
 * user should, not by chaining normalize, shingle and sketch), compares
 * two of them and clusters a few, and checks what it gets: a copy with a
 * changed last sentence matches, an unrelated text does not, and the
 * clusters come out as expected. */
#include <wiredup.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_TEXTS 4

static const char *const texts[N_TEXTS] = {
	"The city council voted on Tuesday to approve a new budget for public transport, "
	"adding twelve bus lines and extending the tram network to the northern districts "
	"by the end of next year, officials said after a long debate.",
	/* a wire copy of the first: same story, its last words changed */
	"The city council voted on Tuesday to approve a new budget for public transport, "
	"adding twelve bus lines and extending the tram network to the northern districts "
	"by the end of next year, the mayor's office said.",
	"Heavy rain flooded several villages in the valley overnight, and rescue teams "
	"evacuated more than two hundred residents to schools and sports halls on higher "
	"ground while the river kept rising.",
	"A local football club signed a young striker from the second division on a "
	"three-year contract, its manager told reporters at the training ground on Friday.",
};

static int fail(const char *what)
{
	fprintf(stderr, "consumer: %s\n", what);
	return 1;
}

static int run(wu_opt *o, uint32_t (*sig)[1024], wu_sketcher *sk)
{
	char err[256];
	if (wu_opt_finish(o, err, sizeof err))
		return fail(err);
	wu_corpus *c = wu_corpus_new(o);
	if (!c)
		return fail("wu_corpus_new failed");
	int rc = 0;
	for (int i = 0; i < N_TEXTS && !rc; i++) {
		char id[8];
		snprintf(id, sizeof id, "\"a%d\"", i);
		wu_record rec = {.id = id, .id_len = strlen(id), .text = texts[i],
		                 .text_len = strlen(texts[i]), .source = "",
		                 .date = wu_parse_date("2024-05-01", 10)};
		wu_article_sketch out = {0};
		if (wu_sketch_article(sk, &rec, o, NULL, 0, sig[i], &out, err, sizeof err))
			rc = fail(err);
		else if (out.n_shingles == 0)
			rc = fail("a text with words gave no shingles");
		wu_sketched a = {.id = id, .id_len = rec.id_len, .date = rec.date,
		                 .text_len = (uint32_t)rec.text_len,
		                 .n_shingles = (uint32_t)out.n_shingles, .sig = sig[i]};
		size_t idx;
		int added;
		if (!rc && wu_corpus_add(c, &a, &idx, &added, err, sizeof err))
			rc = fail(err);
		if (!rc && (!added || idx != (size_t)i))
			rc = fail("wu_corpus_add did not give the next index");
	}
	double copy = wu_sig_jaccard(sig[0], sig[1], o->num_perm);
	double other = wu_sig_jaccard(sig[0], sig[2], o->num_perm);
	printf("wiredup %s: copy %.3f, unrelated %.3f\n", WU_VERSION, copy, other);
	if (!rc && !(copy > 0.5 && other < 0.1))
		rc = fail("the copy should match and the unrelated text should not");
	wu_clusters cl = {0};
	if (!rc && wu_cluster(c, o, 1, &cl))
		rc = fail("wu_cluster failed");
	if (!rc) {
		printf("%zu articles, %zu clusters\n", cl.n, cl.n_clusters);
		/* a0 and a1 together (a0 represents: longer text), a2 and a3 alone */
		if (cl.n != N_TEXTS || cl.n_clusters != 3 || cl.rep[0] != 0 || cl.rep[1] != 0 ||
		    cl.rep[2] != 2 || cl.rep[3] != 3)
			rc = fail("unexpected clusters");
	}
	wu_clusters_free(&cl);
	wu_corpus_free(c);
	return rc;
}

int main(void)
{
	wu_opt o;
	wu_opt_init(&o);
	uint32_t(*sig)[1024] = calloc(N_TEXTS, sizeof *sig);
	wu_sketcher *sk = wu_sketcher_new();
	int rc = sig && sk ? run(&o, sig, sk) : fail("out of memory");
	wu_sketcher_free(sk), free(sig);
	if (!rc)
		printf("consumer: ok\n");
	return rc;
}
