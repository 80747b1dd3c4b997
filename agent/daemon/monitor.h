/*
 * monitor.h - the daemon's targets, their schedule and their state: the
 * last result, counters, and the confirmed code that notifications follow.
 * No SNMP in here: the SNMP glue reads this state and turns the events
 * into rows and notifications.
 */
#ifndef UPDPROBE_MONITOR_H
#define UPDPROBE_MONITOR_H

#include <stdint.h>
#include <time.h>

#include "confirm.h"
#include "probe.h"
#include "target.h"

#define MON_NOT_PROBED		CONFIRM_NOT_PROBED
#define MON_DEFAULT_INTERVAL	300	/* seconds between probes */
#define MON_DEFAULT_CONFIRM	1
#define MON_DEFAULT_INFLIGHT	256	/* probes running at once */
/* First probes after start or reload are spread over at most this. */
#define MON_START_SPREAD_MS	10000

struct monitor;
struct mon_queue;

struct mon_target {
	struct target		 t;		/* settings; owns the password */
	unsigned		 interval;	/* effective, seconds */

	/* The last completed probe. */
	int			 code;		/* MON_NOT_PROBED before */
	enum probe_step		 step;
	char			 detail[PROBE_DETAIL_MAX];
	char			 version[5];
	double			 ms[STEP_NONE];	/* per step */
	long			 http_status;
	uint64_t		 firmware_size;
	time_t			 last_probe;	/* wall clock, 0 = never */
	uint32_t		 probes;	/* counters */
	uint32_t		 problems;

	/* Confirmed state: what notifications have announced. */
	struct confirm		 c;
	time_t			 last_change;

	/* Schedule. */
	struct monitor		*m;
	struct loop_timer	 timer;
	struct probe		*running;
	struct mon_target	*qnext, *qprev;	/* waiting for a probe slot */
	struct mon_queue	*queue;		/* in which, or NULL */
	uint64_t		 due;		/* loop ms the probe was due */

	void			*glue;		/* the SNMP row, owned there */
	uint32_t		 notify_gen;	/* notify.c: summary counted in */
};

/* In the order they are announced when one probe causes several. */
enum mon_event {
	MON_EV_CODE_CHANGE,	/* confirmed code changed (not the first) */
	MON_EV_PROBLEM,		/* confirmed code is a problem (new or other) */
	MON_EV_CLEARED		/* confirmed code back to 0 after a problem */
};

struct monitor_hooks {
	void	(*added)(struct mon_target *, void *);
	void	(*removed)(struct mon_target *, void *);
	void	(*result)(struct mon_target *, void *);
	void	(*event)(struct mon_target *, enum mon_event, void *);
	void	*arg;
};

/*
 * Settings of one configuration load.  Each target is read straight into
 * a mon_target of its own, which monitor_apply adopts when the target is
 * new: a fleet's worth of settings is never held twice.
 */
struct mon_config {
	unsigned		 interval;
	unsigned		 confirm;
	unsigned		 max_inflight;
	unsigned		 notify_rate;	/* for notify.c; 0: default */
	unsigned		 notify_queue;	/* for notify.c; 0: default */
	struct mon_target	**targets;	/* owned */
	size_t			 ntargets;
	size_t			 cap;
	/* Names to targets: open addressing, index + 1 (0 = empty). */
	size_t			*slots;
	size_t			 nslots;	/* 0 or a power of two */
};

void	mon_config_init(struct mon_config *);
void	mon_config_clear(struct mon_config *);
/* Append a copy of t; -1 when out of memory. */
int	mon_config_add(struct mon_config *, const struct target *);
/* The i-th target's settings (i < ntargets). */
struct target *mon_config_target(const struct mon_config *, size_t i);
const struct target *mon_config_find(const struct mon_config *, const char *);

struct monitor	*monitor_new(struct loop *, struct engine *,
		    const struct monitor_hooks *);
void		 monitor_free(struct monitor *);
/*
 * Take a new configuration: new targets are added, removed ones dropped,
 * changed ones take the new settings; every target keeps its results and
 * counters.  Takes ownership of the config's targets, and leaves *c
 * empty, even when it fails (-1: out of memory, nothing changed).
 */
int		 monitor_apply(struct monitor *, struct mon_config *);
/*
 * Probe now (ProbeNow): as soon as fewer than maxProbes run, ahead of the
 * probes that are merely due; a probe already running is not doubled.
 */
void		 monitor_probe_now(struct monitor *, struct mon_target *);
struct mon_target *monitor_find(struct monitor *, const char *name);
size_t		 monitor_count(const struct monitor *);
uint32_t	 monitor_probes_run(const struct monitor *);

#endif
