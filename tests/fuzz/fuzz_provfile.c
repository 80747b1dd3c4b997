/*
 * fuzz_provfile.c - libFuzzer target for the m3 provisioning file reader
 * (agent/provfile.c).
 *
 * The input is a provisioning file (any bytes).  Beyond what the
 * sanitizers catch, it checks the promises of provfile.h:
 * - err is a terminated string within errlen, whatever the outcome;
 * - a success leaves the values terminated within PROVFILE_MAX_VALUE, a
 *   protocol of unset, 0 or 1, and came from a file with END_OF_FILE;
 * - a failure leaves *out in the "nothing set" state and says why.
 */
#define _GNU_SOURCE	/* memmem */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "provfile.h"

/* What reaches provfile_load() through target_set_provisioning(). */
#define USUAL_ERRLEN	512

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct provfile	 pf;
	struct msgbuf	 err;
	char		*e;
	int		 rc;

	/* Garbage in the result, to see that the parser sets every field. */
	memset(&pf, 0xa5, sizeof(pf));
	e = msgbuf_init(&err, pick_errlen(size, USUAL_ERRLEN));
	rc = provfile_parse((const char *)data, size, &pf, e, err.len);
	msgbuf_check(&err);
	CHECK(rc == 0 || rc == -1);
	if (rc == 0) {
		if (err.len > 0)
			CHECK(e[0] == '\0');
		CHECK(memmem(data, size, "END_OF_FILE", 11) != NULL);
		CHECK(memchr(pf.server, '\0', PROVFILE_MAX_VALUE) != NULL);
		CHECK(memchr(pf.path, '\0', PROVFILE_MAX_VALUE) != NULL);
		CHECK(pf.protocol == PROV_PROTO_UNSET ||
		    pf.protocol == PROV_PROTO_TFTP ||
		    pf.protocol == PROV_PROTO_HTTP);
		CHECK(pf.has_server == 0 || pf.has_server == 1);
		if (!pf.has_server)
			CHECK(pf.server[0] == '\0');
	} else {
		if (err.len > 1)
			CHECK(e[0] != '\0');
		CHECK(pf.server[0] == '\0' && pf.path[0] == '\0');
		CHECK(pf.protocol == PROV_PROTO_UNSET);
		CHECK(pf.has_server == 0);
	}
	return 0;
}
