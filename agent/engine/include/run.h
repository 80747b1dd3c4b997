/*
 * run.h - probes start to end for the one-shot front ends (updprobe and
 * check_updprobe --direct): the engine set up around them and torn down
 * after them.
 */
#ifndef UPDPROBE_RUN_H
#define UPDPROBE_RUN_H

#include <stddef.h>

#include "probe.h"

/*
 * Probe t and wait for the result (at most probe_hard_limit_ms() of t's
 * timeout, plus a guard should the engine ever not end it).  Returns 0
 * with *out filled, or -1 with one line in err: the engine could not be
 * set up, or the probe did not end.  The caller still owns t (and its
 * password).
 */
int	probe_run_once(const struct target *t, struct probe_result *out,
	    char *err, size_t errlen);

/* One probe of probe_run_all() ended: r (valid only during the call) is
 * the result of t[i]. */
typedef void	probe_run_cb(size_t i, const struct probe_result *r,
		    void *arg);
/*
 * Probe the n targets t[0..n-1] concurrently on one loop, at most
 * max_inflight (>= 1) at once, calling cb as each ends.  Returns 0 once
 * every probe ended, or -1 with one line in err: the engine could not be
 * set up, or a probe did not end (then some callbacks were not called).
 */
int	probe_run_all(const struct target *const *t, size_t n,
	    unsigned max_inflight, probe_run_cb *cb, void *arg, char *err,
	    size_t errlen);

#endif
