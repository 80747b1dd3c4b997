/*
 * probe.h - the probe engine: replays the m3's update sequence against a
 * target and predicts its code.  No SNMP in here.  Every probe runs inside
 * one struct loop; c-ares and libcurl share it, so thousands of probes run
 * concurrently in one thread.
 */
#ifndef UPDPROBE_PROBE_H
#define UPDPROBE_PROBE_H

#include <stdint.h>

#include "codes.h"
#include "loop.h"
#include "target.h"

#define PROBE_DETAIL_MAX	256
#define PROBE_NOTE_MAX		160
#define PROBE_MAX_WARNINGS	4
/* The longest file name a DirFile can give (probe.c checks it against
 * the DirFile model's limit). */
#define PROBE_FILE_NAME_MAX	TARGET_FILE_NAME_MAX
/* Scheme, host, port, folder and a file name always fit, encoded. */
#define PROBE_URL_MAX		TARGET_URL_MAX

enum step_state {
	STEP_NOT_RUN = 0,
	STEP_OK,
	STEP_FAILED,
	STEP_SKIPPED
};

struct step_report {
	enum step_state	 state;
	double		 ms;			/* time spent in the step */
	char		 note[PROBE_NOTE_MAX];	/* evidence, one line */
};

/*
 * The one result type: every front end (CLI trace, JSON, MIB row,
 * notification, plugin) renders it and none recomputes it.
 */
struct probe_result {
	int			code;		/* 0..12 */
	int			local_error;	/* an errno: the probe could not
						 * run here (out of descriptors,
						 * of memory), which says nothing
						 * of the server; code and step
						 * are then meaningless */
	enum probe_step		step;		/* failed step, STEP_NONE if 0 */
	char			detail[PROBE_DETAIL_MAX];
	char			url[PROBE_URL_MAX];	/* no credentials */
	char			address[64];	/* the address connected to */
	char			version[5];	/* the version probed, or "" */
	long			http_status;	/* last HTTP status, 0 if none */
	uint64_t		firmware_size;	/* largest firmware file seen */
	struct step_report	steps[STEP_NONE];
	double			total_ms;
	char			warnings[PROBE_MAX_WARNINGS][PROBE_NOTE_MAX];
	int			nwarnings;
};

struct engine;
struct probe;

/* Called once per probe, from the loop; the result is valid only during
 * the call.  The probe is freed when the callback returns. */
typedef void	(*probe_done_cb)(const struct probe_result *, void *arg);

/* Call once per process before anything else (curl and c-ares init). */
int		 engine_global_init(void);
void		 engine_global_cleanup(void);

struct engine	*engine_new(struct loop *);
/* Cancels probes still running (their callbacks are not called). */
void		 engine_free(struct engine *);

/*
 * Start a probe of t (copied: the caller may change or free t at once).
 * Returns NULL only when out of memory.
 */
struct probe	*probe_start(struct engine *, const struct target *,
		    probe_done_cb, void *arg);
/* Stop a probe without calling its callback. */
void		 probe_cancel(struct probe *);
/*
 * The hard limit of a probe whose steps have timeout_ms each: no probe
 * of that target runs longer (the result is then code 5, or 11 in the
 * dns step).  Front ends and the man pages quote this, never a formula
 * of their own.
 */
uint64_t	 probe_hard_limit_ms(unsigned timeout_ms);

#endif
