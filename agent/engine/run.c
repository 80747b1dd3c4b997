/* run.c - one probe, start to end, on a loop of its own. */
#include <inttypes.h>
#include <stdlib.h>

#include "run.h"
#include "util.h"

/* Time past the hard limit after which the wait gives up: a guard, in
 * case the engine ever failed to end a probe itself. */
#define RUN_GUARD_MS	5000

struct run {
	struct probe_result	*out;
	int			 done;
};

/* The engine's callback: r is valid only during the call (probe.h). */
static void
on_done(const struct probe_result *r, void *arg)
{
	struct run *run = arg;

	*run->out = *r;
	run->done = 1;
}

static int
wait_for(struct loop *l, struct run *run, uint64_t limit_ms, char *err,
    size_t errlen)
{
	uint64_t start = loop_clock_ms(), spent;

	while (!run->done) {
		spent = loop_clock_ms() - start;
		if (spent >= limit_ms)
			return errorf(err, errlen, "the probe did not end "
			    "within %" PRIu64 " s", limit_ms / 1000);
		if (loop_once(l, (int)(limit_ms - spent)) == -1)
			return errorf(err, errlen, "the event loop failed");
	}
	return 0;
}

int
probe_run_once(const struct target *t, struct probe_result *out, char *err,
    size_t errlen)
{
	struct run run = { out, 0 };
	struct loop *l = NULL;
	struct engine *e = NULL;
	int rc = -1;

	if (engine_global_init() == -1 || (l = loop_new()) == NULL ||
	    (e = engine_new(l)) == NULL)
		(void)errorf(err, errlen, "cannot set up the probe engine");
	else if (probe_start(e, t, on_done, &run) == NULL)
		(void)errorf(err, errlen, "out of memory");
	else
		rc = wait_for(l, &run, probe_hard_limit_ms(t->timeout_ms) +
		    RUN_GUARD_MS, err, errlen);
	engine_free(e);
	loop_free(l);
	engine_global_cleanup();
	return rc;
}
