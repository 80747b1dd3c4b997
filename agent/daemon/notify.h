/*
 * notify.h - notifications, with flow control, so that nothing the
 * daemon does can block snmpd.
 *
 * An AgentX Notify is a request: the master answers each one.  A
 * subagent that writes Notifies back to back without reading those
 * answers fills the socket both ways, and both ends block writing
 * (net-snmp's unix transport writes with a blocking sendto()).  So:
 *
 * - at most NOTIFY_WINDOW Notifies are in flight; the next leaves only
 *   when the master has answered one (or the request timed out);
 * - they leave at notifyRate per second at most (a token bucket);
 * - they wait in a queue of notifyQueue entries; past it the oldest
 *   waiting ones are dropped (the newest tell the current state), and
 *   each burst of drops is summarised by one updprobeNotificationsSuppressed
 *   (how many, about how many targets), sent when the queue has drained
 *   or every NOTIFY_SUMMARY_MS while the storm lasts;
 * - nothing is sent while the master is away or refuses our
 *   registration: the queue waits (and drops the same way).
 *
 * raised = sent + dropped + queued, summaries aside.
 */
#ifndef UPDPROBE_NOTIFY_H
#define UPDPROBE_NOTIFY_H

#include <stdint.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "loop.h"
#include "monitor.h"

/* Notifies in flight: a few hundred bytes each, far below the socket's
 * buffer, so our writes never wait for the master. */
#define NOTIFY_WINDOW		8
#define NOTIFY_DEFAULT_RATE	50	/* per second */
#define NOTIFY_MAX_RATE		10000
#define NOTIFY_DEFAULT_QUEUE	1000
#define NOTIFY_MAX_QUEUE	100000
/* A storm that does not end is summarised this often. */
#define NOTIFY_SUMMARY_MS	10000

struct notifier;

/* Which table a notification's row is in. */
enum notify_kind {
	NOTIFY_TARGET,		/* updprobeTargetTable: a target or a base
				 * station (updprobeCodeChange ...) */
	NOTIFY_SERVER		/* updprobeServerTable (updprobeServer...) */
};

/* One notification, as it is raised (copied: it may leave later). */
struct notify_event {
	enum notify_kind	 kind;
	const char		*name;		/* the row's index */
	enum mon_event		 ev;
	int			 code, previous;
	enum probe_step		 step;
	const char		*detail;
	uint32_t		 base_stations;	/* NOTIFY_SERVER */
};

/*
 * Where a row is looked up when its notification leaves: NULL if it is
 * gone (a target's or base station's notification is then dropped; a
 * server's leaves all the same: its last one says it went), else its
 * notify_gen (summaries count the rows held back).
 */
typedef uint32_t	*notify_lookup_fn(enum notify_kind, const char *name,
			    void *arg);

struct notifier	*notifier_new(struct loop *);
/* After snmp_shutdown(): the master's answers may still call back. */
void		 notifier_free(struct notifier *);
/* Limits from the configuration (0: the defaults). */
void		 notifier_configure(struct notifier *, unsigned rate,
		    unsigned queue);
void		 notifier_set_lookup(struct notifier *, notify_lookup_fn *,
		    void *arg);
/* The registered AgentX session, or NULL while there is none. */
void		 notifier_set_session(struct notifier *, netsnmp_session *);
/* Queue a notification; it leaves when flow control allows. */
void		 notifier_raise(struct notifier *, const struct notify_event *);

uint32_t	 notifier_sent(const struct notifier *);
uint32_t	 notifier_dropped(const struct notifier *);
uint32_t	 notifier_queued(const struct notifier *);

#endif
