/* run.c - one probe, start to end, on a loop of its own. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

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

/* Several probes on one loop: the state of probe_run_all(). */
struct run_all;

struct run_slot {
	struct run_all		*ra;
	size_t			 i;		/* the target's index */
};

struct run_all {
	const struct target *const	*t;
	size_t				 n, next, done;
	unsigned			 inflight, max;
	probe_run_cb			*cb;
	void				*arg;
	struct engine			*e;
	struct run_slot			*slots;
	int				 nomem;
};

static void	start_more(struct run_all *);

/* The engine's callback: r is valid only during the call (probe.h). */
static void
on_one(const struct probe_result *r, void *arg)
{
	struct run_slot *slot = arg;
	struct run_all *ra = slot->ra;

	ra->inflight--;
	ra->done++;
	ra->cb(slot->i, r, ra->arg);
	start_more(ra);
}

static void
start_more(struct run_all *ra)
{
	while (ra->inflight < ra->max && ra->next < ra->n && !ra->nomem) {
		struct run_slot *slot = &ra->slots[ra->next];

		slot->ra = ra;
		slot->i = ra->next;
		if (probe_start(ra->e, ra->t[ra->next], on_one, slot) == NULL) {
			ra->nomem = 1;
			return;
		}
		ra->next++;
		ra->inflight++;
	}
}

/* Every probe ended, or the guard: each probe's hard limit, one batch of
 * max_inflight after the other. */
static int
wait_all(struct loop *l, struct run_all *ra, uint64_t limit_ms, char *err,
    size_t errlen)
{
	uint64_t start = loop_clock_ms(), spent;

	while (ra->done < ra->n && !(ra->nomem && ra->inflight == 0)) {
		spent = loop_clock_ms() - start;
		if (spent >= limit_ms)
			return errorf(err, errlen, "%zu of %zu probes did not end "
			    "within %" PRIu64 " s", ra->n - ra->done, ra->n,
			    limit_ms / 1000);
		if (loop_once(l, (int)(limit_ms - spent)) == -1)
			return errorf(err, errlen, "the event loop failed");
	}
	if (ra->done < ra->n)
		return errorf(err, errlen, "out of memory");
	return 0;
}

int
probe_run_all(const struct target *const *t, size_t n, unsigned max_inflight,
    probe_run_cb *cb, void *arg, char *err, size_t errlen)
{
	struct run_all ra;
	struct loop *l = NULL;
	uint64_t limit = 0, batches;
	size_t i;
	int rc = -1;

	memset(&ra, 0, sizeof(ra));
	ra.t = t;
	ra.n = n;
	ra.max = max_inflight > 0 ? max_inflight : 1;
	ra.cb = cb;
	ra.arg = arg;
	for (i = 0; i < n; i++)
		if (probe_hard_limit_ms(t[i]->timeout_ms) > limit)
			limit = probe_hard_limit_ms(t[i]->timeout_ms);
	batches = (n + ra.max - 1) / ra.max;
	if (n == 0)
		return 0;
	if ((ra.slots = calloc(n, sizeof(*ra.slots))) == NULL)
		return errorf(err, errlen, "out of memory");
	if (engine_global_init() == -1 || (l = loop_new()) == NULL ||
	    (ra.e = engine_new(l)) == NULL)
		(void)errorf(err, errlen, "cannot set up the probe engine");
	else {
		start_more(&ra);
		rc = wait_all(l, &ra, batches * limit + RUN_GUARD_MS, err,
		    errlen);
	}
	engine_free(ra.e);
	loop_free(l);
	engine_global_cleanup();
	free(ra.slots);
	return rc;
}
