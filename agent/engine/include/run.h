/*
 * run.h - one probe, start to end, for the one-shot front ends (updprobe
 * and check_updprobe --direct): the engine set up around it and torn
 * down after it.
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

#endif
