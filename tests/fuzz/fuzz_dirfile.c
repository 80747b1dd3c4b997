/*
 * fuzz_dirfile.c - libFuzzer target for the DirFile parser (agent/dirfile.c).
 *
 * The input is a DirFile body as an update server would send it (any
 * bytes, NULs included).  Beyond what the sanitizers catch, it checks the
 * promises of dirfile.h that the probe relies on:
 * - err is a terminated string within errlen, whatever the outcome;
 * - a failure leaves no versions behind (nversions 0, versions NULL);
 * - a success has 1..DIRFILE_MAX_SECTIONS versions, each with a unique
 *   4-digit name, a DisplayName, and GwFile/PpFile names that cannot leave
 *   the folder (no '/', '\\' or "..": they are appended to its URL);
 * - dirfile_find() finds each version, dirfile_newest() is the highest,
 *   and dirfile_has_language() knows every tag of a Languages list.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dirfile.h"
#include "fuzz.h"

/* What probe.c gives dirfile_parse() (PROBE_DETAIL_MAX - 64). */
#define USUAL_ERRLEN	192

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
is_four_digits(const char *v)
{
	size_t	i;

	for (i = 0; i < 4; i++)
		if (v[i] < '0' || v[i] > '9')
			return 0;
	return v[4] == '\0';
}

static void
check_file_name(const char *f, size_t size)
{
	CHECK(memchr(f, '\0', size) != NULL);
	CHECK(f[0] != '\0');
	CHECK(strchr(f, '/') == NULL);
	CHECK(strchr(f, '\\') == NULL);
	CHECK(strstr(f, "..") == NULL);
}

/* Every tag of the Languages list is found; "" never is. */
static void
check_languages(const struct dirfile_version *v)
{
	char	 list[sizeof(v->languages)], *tag, *save = NULL;

	CHECK(dirfile_has_language(v, "") == 0);
	CHECK(dirfile_has_language(v, " \t") == 0);
	memcpy(list, v->languages, sizeof(list));
	for (tag = strtok_r(list, ",", &save); tag != NULL;
	    tag = strtok_r(NULL, ",", &save)) {
		size_t	n;

		/* The parser trims blanks around each tag. */
		tag += strspn(tag, " \t");
		n = strlen(tag);
		while (n > 0 && (tag[n - 1] == ' ' || tag[n - 1] == '\t'))
			tag[--n] = '\0';
		if (n > 0)
			CHECK(dirfile_has_language(v, tag) == 1);
	}
}

static void
check_success(const struct dirfile *df)
{
	const struct dirfile_version	*v, *newest;
	size_t				 i, j;

	CHECK(df->nversions >= 1 && df->nversions <= DIRFILE_MAX_SECTIONS);
	CHECK(df->versions != NULL);
	newest = dirfile_newest(df);
	CHECK(newest != NULL);
	for (i = 0; i < df->nversions; i++) {
		v = &df->versions[i];
		CHECK(is_four_digits(v->version));
		CHECK_TERMINATED(v->display_name);
		CHECK(v->display_name[0] != '\0');
		CHECK_TERMINATED(v->languages);
		check_file_name(v->gw_file, sizeof(v->gw_file));
		check_file_name(v->pp_file, sizeof(v->pp_file));
		CHECK(v->has_gw_size == 0 || v->has_gw_size == 1);
		CHECK(v->has_pp_size == 0 || v->has_pp_size == 1);
		CHECK(dirfile_find(df, v->version) == v);
		CHECK(strcmp(newest->version, v->version) >= 0);
		check_languages(v);
		/* Quadratic, but a DirFile of the fuzzer's sizes is small. */
		for (j = 0; j < i; j++)
			CHECK(strcmp(df->versions[j].version, v->version) != 0);
	}
	CHECK(dirfile_find(df, "") == NULL);
	CHECK(dirfile_find(df, "07900") == NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dirfile		df;
	struct msgbuf		err;
	enum dirfile_status	st;
	char			*e;

	/* Garbage in the result, to see that the parser sets every field. */
	memset(&df, 0xa5, sizeof(df));
	e = msgbuf_init(&err, pick_errlen(size, USUAL_ERRLEN));
	st = dirfile_parse((const char *)data, size, &df, e, err.len);
	msgbuf_check(&err);
	switch (st) {
	case DIRFILE_OK:
		if (err.len > 0)
			CHECK(e[0] == '\0');
		check_success(&df);
		break;
	case DIRFILE_UNKNOWN_FORMAT:
	case DIRFILE_SYNTAX:
		CHECK(df.nversions == 0);
		CHECK(df.versions == NULL);
		/* A failure always says why (if there is room for a byte). */
		if (err.len > 1)
			CHECK(e[0] != '\0');
		CHECK(dirfile_newest(&df) == NULL);
		break;
	default:
		CHECK(!"dirfile_parse returned an unknown status");
	}
	dirfile_free(&df);
	CHECK(df.nversions == 0 && df.versions == NULL);
	return 0;
}
