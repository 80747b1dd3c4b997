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
#include "provdir.h"
#include "target.h"

#define MON_NOT_PROBED		CONFIRM_NOT_PROBED
#define MON_DEFAULT_INTERVAL	300	/* seconds between probes */
#define MON_DEFAULT_CONFIRM	1
#define MON_DEFAULT_INFLIGHT	256	/* probes running at once */
/* First probes after start or reload are spread over at most this. */
#define MON_START_SPREAD_MS	10000

struct monitor;
struct mon_queue;

/*
 * What a probe stands for: a target of the configuration, or settings
 * that base stations of provisioning folders share (fleet.c owns those:
 * they come and go with the files, not with the configuration).
 */
enum mon_kind {
	MON_CONFIGURED = 0,
	MON_SHARED
};

struct mon_target {
	struct target		 t;		/* settings; owns the password;
						 * t.name is the row's name */
	enum mon_kind		 kind;
	void			*owner;		/* MON_SHARED: fleet.c's record */
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
	void			*server_glue;	/* its server-table row */
	uint32_t		 notify_gen;	/* notify.c: summary counted in */
	struct mon_target	*snext, *sprev;	/* MON_SHARED: the monitor's */
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
	/* A configured target's events, one by one. */
	void	(*event)(struct mon_target *, enum mon_event, void *);
	/* A shared probe's confirmed code is new (the first result too):
	 * the CONFIRM_EV_* bits it causes, maybe none. */
	void	(*shared)(struct mon_target *, unsigned events, void *);
	void	*arg;
};

/* Seconds between two scans of the provisioning folders (rescan). */
#define MON_DEFAULT_RESCAN	300

/*
 * A provisioning folder of the configuration (provisioningDir): every
 * file matching the pattern is a base station whose settings are the
 * folder's (tmpl) with the server, folder and protocol of its file.
 */
struct mon_dir {
	char			*path;		/* absolute */
	char			 pattern[PROVDIR_NAME_MAX + 1];
	struct target		 tmpl;		/* owns the password */
	unsigned		 set;		/* conf.c: settings given */
	unsigned		 line;		/* where, for messages */
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
	/* Provisioning folders (fleet.c). */
	struct mon_dir		**dirs;		/* owned */
	size_t			 ndirs;
	unsigned		 rescan;	/* seconds */
};

void	mon_config_init(struct mon_config *);
void	mon_config_clear(struct mon_config *);
/* Append a copy of t; -1 when out of memory. */
int	mon_config_add(struct mon_config *, const struct target *);
/* The i-th target's settings (i < ntargets). */
struct target *mon_config_target(const struct mon_config *, size_t i);
const struct target *mon_config_find(const struct mon_config *, const char *);
/* Append a folder (taken: freed with the config); -1 when out of memory
 * (then freed already). */
int	mon_config_add_dir(struct mon_config *, struct mon_dir *);
void	mon_dir_free(struct mon_dir *);

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
/* A target of the configuration by name (not a shared one). */
struct mon_target *monitor_find(struct monitor *, const char *name);
size_t		 monitor_count(const struct monitor *);
uint32_t	 monitor_probes_run(const struct monitor *);

/*
 * Shared settings (MON_SHARED), for fleet.c: monitor_shared_new() copies
 * t (name included) into a new probe that is not scheduled yet (NULL when
 * out of memory); monitor_shared_start() announces it (the added hook)
 * and schedules its first probe, at once (asap) or at random within
 * spread_ms (at least MON_START_SPREAD_MS, at most its interval), so that
 * many new ones do not all run at once; monitor_shared_free() stops,
 * announces (the removed hook, if started) and frees it.  Every shared
 * probe is freed by the fleet before monitor_free().
 */
struct mon_target *monitor_shared_new(struct monitor *, const struct target *t);
void		 monitor_shared_start(struct monitor *, struct mon_target *,
		    int asap, uint64_t spread_ms);
void		 monitor_shared_free(struct monitor *, struct mon_target *);
size_t		 monitor_shared_count(const struct monitor *);

#endif
