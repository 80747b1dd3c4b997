/*
 * notify.c - notifications with flow control (see notify.h).
 *
 * The Notify PDUs are built here, as net-snmp's send_trap_to_sess()
 * builds them (sysUpTime.0, snmpTrapOID.0, then the objects), and sent
 * with snmp_async_send() on the AgentX session with our own callback, so
 * that every answer of the master is counted.  The callback only counts;
 * sending more is left to a timer, from the loop.
 *
 * Ownership: the notifier owns its queue (a ring of copies: a row may
 * change or go before its notification leaves; it is looked up by name
 * then, and a target or base station that went is counted as dropped).  The session belongs
 * to net-snmp; we hold it between the master's INDEX_START and
 * INDEX_STOP, and net-snmp calls our callback for every request of ours
 * when it closes the session, so the window is always given back.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mib_oids.h"
#include "mibstring.h"
#include "notify.h"
#include "util.h"

/* The AgentX Notify PDU type (RFC 2741, 6.1; net-snmp's AGENTX_MSG_NOTIFY
 * is not in its installed headers). */
#define AGENTX_NOTIFY_PDU	12
/* After a Notify timed out (the master is busy or gone), wait this long
 * before the next, doubling up to NOTIFY_BACKOFF_MAX_MS. */
#define NOTIFY_BACKOFF_MS	500
#define NOTIFY_BACKOFF_MAX_MS	30000
/* Token bucket resolution: tokens are counted in thousandths. */
#define MILLI			1000

static const oid sysuptime_oid[] = { 1, 3, 6, 1, 2, 1, 1, 3, 0 };
static const oid trapoid_oid[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 };
static const oid notif_oid[] = { UPDPROBE_MIB_NOTIFICATIONS_OID };
static const oid entry_oid[] = { UPDPROBE_MIB_TARGET_ENTRY_OID };
static const oid sentry_oid[] = { UPDPROBE_MIB_SERVER_ENTRY_OID };
static const oid agent_oid[] = { UPDPROBE_MIB_AGENT_OID };
static const oid nobj_oid[] = { UPDPROBE_MIB_NOTIF_OBJECTS_OID };

/* A row's notification, as it was when raised. */
struct pending {
	char		 name[TARGET_NAME_MAX + 1];
	uint8_t		 kind;		/* enum notify_kind */
	uint8_t		 ev;		/* enum mon_event */
	int8_t		 code, previous, step;
	uint32_t	 base_stations;
	char		 detail[PROBE_DETAIL_MAX];
};

struct notifier {
	struct loop		*loop;
	notify_lookup_fn	*lookup;
	void			*lookup_arg;
	netsnmp_session		*session;	/* NULL: do not send */
	struct loop_timer	 timer;		/* runs pump() */

	struct pending		*ring;		/* the queue */
	size_t			 cap, head, count;

	unsigned		 rate;		/* per second */
	uint64_t		 tokens;	/* in thousandths */
	uint64_t		 refilled;	/* loop_clock_ms() */
	unsigned		 inflight;
	uint64_t		 backoff_ms;	/* 0: none */
	uint64_t		 resume;	/* no send before, loop ms */

	/* Dropped since the last summary, and about how many targets. */
	uint32_t		 held, held_targets, gen;
	uint64_t		 last_summary;	/* loop ms */

	uint32_t		 sent, dropped;
};

static void	pump(void *);

/* ------------------------------------------------------------------------
 * The queue.
 */

static uint32_t *
lookup(const struct notifier *n, const struct pending *p)
{
	return n->lookup != NULL ? n->lookup((enum notify_kind)p->kind,
	    p->name, n->lookup_arg) : NULL;
}

/* Count a dropped notification of its row into the next summary. */
static void
hold_back(struct notifier *n, const struct pending *p)
{
	uint32_t *gen = lookup(n, p);

	n->dropped++;
	if (n->held++ == 0)
		n->last_summary = loop_clock_ms();
	if (gen != NULL && *gen != n->gen) {
		*gen = n->gen;
		n->held_targets++;
	}
}

static struct pending *
push(struct notifier *n)
{
	if (n->cap == 0)
		return NULL;
	if (n->count == n->cap) {
		/* Full: the oldest goes, the newest tells the current state. */
		hold_back(n, &n->ring[n->head]);
		n->head = (n->head + 1) % n->cap;
		n->count--;
	}
	return &n->ring[(n->head + n->count++) % n->cap];
}

void
notifier_raise(struct notifier *n, const struct notify_event *e)
{
	struct pending tmp, *p;

	if ((p = push(n)) == NULL)
		p = &tmp;	/* no queue: counted as held back */
	strlcpy(p->name, e->name, sizeof(p->name));
	p->kind = (uint8_t)e->kind;
	p->ev = (uint8_t)e->ev;
	p->code = (int8_t)e->code;
	p->previous = (int8_t)e->previous;
	p->step = (int8_t)UPDPROBE_MIB_STEP_FROM_ENGINE(e->step);
	p->base_stations = e->base_stations;
	strlcpy(p->detail, e->detail, sizeof(p->detail));
	if (p == &tmp) {
		hold_back(n, p);
		return;
	}
	if (!loop_timer_armed(&n->timer))
		loop_timer_set(n->loop, &n->timer, 0);
}

/* ------------------------------------------------------------------------
 * Sending.
 */

static int
on_answer(int op, netsnmp_session *s, int reqid, netsnmp_pdu *pdu,
    void *magic)
{
	struct notifier *n = magic;

	(void)s;
	(void)reqid;
	(void)pdu;
	if (n->inflight > 0)
		n->inflight--;
	if (op == NETSNMP_CALLBACK_OP_TIMED_OUT && n->session != NULL) {
		/* Busy or gone: slow down; the ping tells which. */
		n->backoff_ms = n->backoff_ms ? n->backoff_ms * 2 :
		    NOTIFY_BACKOFF_MS;
		if (n->backoff_ms > NOTIFY_BACKOFF_MAX_MS)
			n->backoff_ms = NOTIFY_BACKOFF_MAX_MS;
		n->resume = loop_clock_ms() + n->backoff_ms;
	} else if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE)
		n->backoff_ms = 0;
	/* Not from inside net-snmp: the next ones leave from the loop. */
	loop_timer_set(n->loop, &n->timer, 0);
	return 1;
}

/* Hand vars (snmpTrapOID.0 and the objects; consumed) to the master. */
static int
send_notify(struct notifier *n, netsnmp_variable_list *vars)
{
	netsnmp_session *s = n->session;
	netsnmp_pdu *pdu;
	long uptime = (long)netsnmp_get_agent_uptime();

	if ((pdu = snmp_pdu_create(AGENTX_NOTIFY_PDU)) == NULL) {
		snmp_free_varbind(vars);
		return -1;
	}
	snmp_varlist_add_variable(&pdu->variables, sysuptime_oid,
	    OID_LENGTH(sysuptime_oid), ASN_TIMETICKS, &uptime, sizeof(uptime));
	if (pdu->variables == NULL) {
		snmp_free_varbind(vars);
		snmp_free_pdu(pdu);
		return -1;
	}
	pdu->variables->next_variable = vars;
	pdu->version = s->version;
	pdu->sessid = s->sessid;
	pdu->reqid = snmp_get_next_reqid();
	pdu->msgid = snmp_get_next_msgid();
	if (snmp_async_send(s, pdu, on_answer, n) == 0) {
		snmp_free_pdu(pdu);
		return -1;
	}
	n->inflight++;
	n->sent++;
	return 0;
}

static void
add_trapoid(netsnmp_variable_list **vars, oid which)
{
	oid o[MAX_OID_LEN];
	size_t len = OID_LENGTH(notif_oid);

	memcpy(o, notif_oid, sizeof(notif_oid));
	o[len++] = which;
	snmp_varlist_add_variable(vars, trapoid_oid, OID_LENGTH(trapoid_oid),
	    ASN_OBJECT_ID, o, len * sizeof(oid));
}

/* A column of the row: entry.col.<length>.<name>, in the target or
 * the server table. */
static void
add_column(netsnmp_variable_list **vars, int kind, const char *name, int col,
    u_char type, const void *val, size_t len)
{
	oid o[MAX_OID_LEN];
	size_t i, n = OID_LENGTH(entry_oid), nlen = strlen(name);

	_Static_assert(sizeof(entry_oid) == sizeof(sentry_oid),
	    "both entries have the same length");
	memcpy(o, kind == NOTIFY_SERVER ? sentry_oid : entry_oid,
	    sizeof(entry_oid));
	o[n++] = (oid)col;
	o[n++] = nlen;
	for (i = 0; i < nlen; i++)
		o[n++] = (unsigned char)name[i];
	snmp_varlist_add_variable(vars, o, n, type, val, len);
}

/*
 * The objects of each notification (mib_oids.h); the server's are the
 * same columns of its own table (2-19 are numbered alike) and the number
 * of base stations.
 */
#define OBJS_MAX	5
static const int objs[][MON_EV_CLEARED + 1][OBJS_MAX] = {
	[NOTIFY_TARGET] = {
		[MON_EV_CODE_CHANGE] = { UPDPROBE_MIB_COL_CODE,
		    UPDPROBE_MIB_COL_PREVIOUS_CODE, UPDPROBE_MIB_COL_STEP,
		    UPDPROBE_MIB_COL_DETAIL, 0 },
		[MON_EV_PROBLEM] = { UPDPROBE_MIB_COL_CODE,
		    UPDPROBE_MIB_COL_STEP, UPDPROBE_MIB_COL_DETAIL, 0, 0 },
		[MON_EV_CLEARED] = { UPDPROBE_MIB_COL_CODE,
		    UPDPROBE_MIB_COL_PREVIOUS_CODE, 0, 0, 0 },
	},
	[NOTIFY_SERVER] = {
		[MON_EV_CODE_CHANGE] = { UPDPROBE_MIB_SCOL_CODE,
		    UPDPROBE_MIB_SCOL_PREVIOUS_CODE, UPDPROBE_MIB_SCOL_STEP,
		    UPDPROBE_MIB_SCOL_DETAIL, UPDPROBE_MIB_SCOL_BASE_STATIONS },
		[MON_EV_PROBLEM] = { UPDPROBE_MIB_SCOL_CODE,
		    UPDPROBE_MIB_SCOL_STEP, UPDPROBE_MIB_SCOL_DETAIL,
		    UPDPROBE_MIB_SCOL_BASE_STATIONS, 0 },
		[MON_EV_CLEARED] = { UPDPROBE_MIB_SCOL_CODE,
		    UPDPROBE_MIB_SCOL_PREVIOUS_CODE,
		    UPDPROBE_MIB_SCOL_BASE_STATIONS, 0, 0 },
	},
};
static const oid which[][MON_EV_CLEARED + 1] = {
	[NOTIFY_TARGET] = {
		[MON_EV_CODE_CHANGE] = UPDPROBE_MIB_NOTIF_CODE_CHANGE,
		[MON_EV_PROBLEM] = UPDPROBE_MIB_NOTIF_PROBLEM,
		[MON_EV_CLEARED] = UPDPROBE_MIB_NOTIF_CLEARED,
	},
	[NOTIFY_SERVER] = {
		[MON_EV_CODE_CHANGE] = UPDPROBE_MIB_NOTIF_SERVER_CODE_CHANGE,
		[MON_EV_PROBLEM] = UPDPROBE_MIB_NOTIF_SERVER_PROBLEM,
		[MON_EV_CLEARED] = UPDPROBE_MIB_NOTIF_SERVER_CLEARED,
	},
};

static int
send_row(struct notifier *n, const struct pending *p)
{
	const int *cols = objs[p->kind][p->ev];
	netsnmp_variable_list *vars = NULL;
	char cut[MIB_STRING_MAX + 1];
	const char *d;
	size_t i, dlen;
	long v;

	add_trapoid(&vars, which[p->kind][p->ev]);
	for (i = 0; i < OBJS_MAX && cols[i] != 0; i++) {
		int col = cols[i];

		switch (col) {
		case UPDPROBE_MIB_COL_DETAIL:
			d = mib_string(p->detail, UPDPROBE_MIB_DETAIL_MAX,
			    cut, &dlen);
			add_column(&vars, p->kind, p->name, col, ASN_OCTET_STR,
			    d, dlen);
			continue;
		case UPDPROBE_MIB_SCOL_BASE_STATIONS:
			v = (long)p->base_stations;
			add_column(&vars, p->kind, p->name, col, ASN_GAUGE, &v,
			    sizeof(v));
			continue;
		case UPDPROBE_MIB_COL_CODE:
			v = p->code;
			break;
		case UPDPROBE_MIB_COL_PREVIOUS_CODE:
			v = p->previous;
			break;
		default:
			v = p->step;
		}
		add_column(&vars, p->kind, p->name, col, ASN_INTEGER, &v,
		    sizeof(v));
	}
	return send_notify(n, vars);
}

/* updprobeNotificationsSuppressed: what was held back since the last. */
static int
send_summary(struct notifier *n)
{
	netsnmp_variable_list *vars = NULL;
	oid o[MAX_OID_LEN];
	size_t len = OID_LENGTH(nobj_oid);
	u_long held = n->held, targets = n->held_targets, dropped = n->dropped;

	add_trapoid(&vars, UPDPROBE_MIB_NOTIF_SUPPRESSED);
	memcpy(o, nobj_oid, sizeof(nobj_oid));
	o[len] = UPDPROBE_MIB_NOBJ_SUPPRESSED;
	o[len + 1] = 0;
	snmp_varlist_add_variable(&vars, o, len + 2, ASN_UNSIGNED, &held,
	    sizeof(held));
	o[len] = UPDPROBE_MIB_NOBJ_SUPPRESSED_TARGETS;
	snmp_varlist_add_variable(&vars, o, len + 2, ASN_UNSIGNED, &targets,
	    sizeof(targets));
	len = OID_LENGTH(agent_oid);
	memcpy(o, agent_oid, sizeof(agent_oid));
	o[len] = UPDPROBE_MIB_SCALAR_NOTIFS_DROPPED;
	o[len + 1] = 0;
	snmp_varlist_add_variable(&vars, o, len + 2, ASN_COUNTER, &dropped,
	    sizeof(dropped));
	if (send_notify(n, vars) == -1)
		return -1;
	log_warnx("%lu notifications about %lu targets were held back (more "
	    "than notifyQueue %zu at notifyRate %u/s); %lu since the start",
	    held, targets, n->cap, n->rate, dropped);
	n->held = n->held_targets = 0;
	n->gen++;
	n->last_summary = loop_clock_ms();
	return 0;
}

/* Refill the bucket; the ms until the next token, 0 if one is there. */
static uint64_t
refill(struct notifier *n, uint64_t now)
{
	uint64_t full = (uint64_t)n->rate * MILLI;

	n->tokens += (now - n->refilled) * n->rate;
	n->refilled = now;
	if (n->tokens > full)
		n->tokens = full;
	if (n->tokens >= MILLI)
		return 0;
	return (MILLI - n->tokens + n->rate - 1) / n->rate;
}

static int
summary_due(const struct notifier *n, uint64_t now)
{
	return n->held > 0 && (n->count == 0 ||
	    now - n->last_summary >= NOTIFY_SUMMARY_MS);
}

/* Send what flow control allows now; arm the timer for the rest. */
static void
pump(void *arg)
{
	struct notifier *n = arg;
	uint64_t now = loop_clock_ms(), wait;

	while (n->session != NULL && n->inflight < NOTIFY_WINDOW &&
	    (n->count > 0 || n->held > 0)) {
		if (now < n->resume) {
			loop_timer_set(n->loop, &n->timer, n->resume - now);
			return;
		}
		if ((wait = refill(n, now)) > 0) {
			loop_timer_set(n->loop, &n->timer, wait);
			return;
		}
		if (summary_due(n, now)) {
			if (send_summary(n) == -1)
				break;
		} else if (n->count > 0) {
			struct pending *p = &n->ring[n->head];

			n->head = (n->head + 1) % n->cap;
			n->count--;
			if (p->kind == NOTIFY_TARGET && n->lookup != NULL &&
			    lookup(n, p) == NULL) {
				n->dropped++;	/* the row went meanwhile */
				continue;	/* and costs no token */
			}
			if (send_row(n, p) == -1) {
				hold_back(n, p);
				break;
			}
		} else
			break;		/* held back, summary not due yet */
		n->tokens -= MILLI;
	}
	if (n->session != NULL && n->held > 0 && n->count > 0 &&
	    !loop_timer_armed(&n->timer))
		loop_timer_set(n->loop, &n->timer, NOTIFY_SUMMARY_MS);
}

/* ------------------------------------------------------------------------
 * Set-up.
 */

struct notifier *
notifier_new(struct loop *l)
{
	struct notifier *n;

	if ((n = calloc(1, sizeof(*n))) == NULL)
		return NULL;
	if (loop_timer_init(l, &n->timer, pump, n) == -1) {
		free(n);
		return NULL;
	}
	n->loop = l;
	n->refilled = loop_clock_ms();
	notifier_configure(n, 0, 0);
	n->tokens = (uint64_t)n->rate * MILLI;
	if (n->ring == NULL) {
		loop_timer_fini(l, &n->timer);
		free(n);
		return NULL;
	}
	return n;
}

void
notifier_free(struct notifier *n)
{
	if (n == NULL)
		return;
	loop_timer_fini(n->loop, &n->timer);
	free(n->ring);
	free(n);
}

/* A ring of cap entries holding the newest of the queue. */
static void
resize(struct notifier *n, size_t cap)
{
	struct pending *ring;
	size_t i;

	if ((ring = calloc(cap, sizeof(*ring))) == NULL) {
		log_warnx("out of memory for a notification queue of %zu", cap);
		return;
	}
	while (n->count > cap) {
		hold_back(n, &n->ring[n->head]);
		n->head = (n->head + 1) % n->cap;
		n->count--;
	}
	for (i = 0; i < n->count; i++)
		ring[i] = n->ring[(n->head + i) % n->cap];
	free(n->ring);
	n->ring = ring;
	n->cap = cap;
	n->head = 0;
}

void
notifier_configure(struct notifier *n, unsigned rate, unsigned queue)
{
	size_t cap = queue ? queue : NOTIFY_DEFAULT_QUEUE;

	n->rate = rate ? rate : NOTIFY_DEFAULT_RATE;
	if (cap != n->cap)
		resize(n, cap);
	if (n->tokens > (uint64_t)n->rate * MILLI)
		n->tokens = (uint64_t)n->rate * MILLI;
}

void
notifier_set_lookup(struct notifier *n, notify_lookup_fn *fn, void *arg)
{
	n->lookup = fn;
	n->lookup_arg = arg;
}

void
notifier_set_session(struct notifier *n, netsnmp_session *s)
{
	n->session = s;
	n->backoff_ms = 0;
	n->resume = 0;
	if (s != NULL)
		loop_timer_set(n->loop, &n->timer, 0);
}

uint32_t
notifier_sent(const struct notifier *n)
{
	return n->sent;
}

uint32_t
notifier_dropped(const struct notifier *n)
{
	return n->dropped;
}

/* Waiting: the queue, and a summary not sent yet. */
uint32_t
notifier_queued(const struct notifier *n)
{
	return (uint32_t)n->count + (n->held > 0);
}
