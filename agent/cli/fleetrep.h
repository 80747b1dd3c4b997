/*
 * fleetrep.h - `updprobe --provisioning-dir DIR`: every base station of a
 * folder of m3 provisioning files, each distinct setting probed once (the
 * engine's settings map and probe_run_all(), as updprobed does), as a
 * table or as JSON.
 */
#ifndef UPDPROBE_FLEETREP_H
#define UPDPROBE_FLEETREP_H

#include "target.h"

/* At most this many probes run at once (about 4 descriptors each). */
#define FLEETREP_MAX_INFLIGHT	64
/* Base stations named per server in the table without -v. */
#define FLEETREP_NAMES_SHOWN	10

struct fleetrep_opts {
	const char		*dir;
	const char		*pattern;
	const struct target	*defaults;	/* the options given */
	int			 json;
	int			 verbose;
};

/*
 * Scan, probe, print.  Returns the exit status: 0 when no base station
 * would fail, else the code that the most base stations would show
 * (a broken file counts as code 6); 64 when the folder cannot be read
 * or no file matches; 70 on an internal error.
 */
int	fleetrep_run(const struct fleetrep_opts *);

#endif
