/*
 * subagent.c - the AgentX subagent: updprobeTargetTable on a
 * table_container (binary search: no scan per request), the scalars, the
 * notifications, and net-snmp's descriptors and alarms on our loop.
 *
 * Every GET is answered from the monitor's last completed probe; nothing
 * here waits for the network.  Notifications raised while the master is
 * away are kept (bounded) and sent once the subagent is registered again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>
#include <net-snmp/agent/table_container.h>
#include <net-snmp/library/large_fd_set.h>

#include "codes.h"
#include "conf.h"
#include "log.h"
#include "mib_oids.h"
#include "subagent.h"
#include "util.h"
#include "version.h"

/* Notifications kept while the master is away; the oldest go first. */
#define PENDING_MAX		1024
/* net-snmp descriptors we watch (AgentX session and a few more). */
#define SNMP_FDS_MAX		16
/* Seconds between AgentX pings (net-snmp's default); agentxPingInterval
 * in the config file changes it. */
#define DEFAULT_PING_INTERVAL	15
/* A dead master must not stall the loop: AgentX requests of ours (ping,
 * register) give up after a third of a second, without retries. */
#define SESSION_TIMEOUT_US	333333

static const oid entry_oid[] = { UPDPROBE_MIB_TARGET_ENTRY_OID };
static const oid table_oid[] = { UPDPROBE_MIB_TARGET_TABLE_OID };
static const oid agent_oid[] = { UPDPROBE_MIB_AGENT_OID };
static const oid notif_oid[] = { UPDPROBE_MIB_NOTIFICATIONS_OID };
static const oid trapoid_oid[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 };

/* A row of updprobeTargetTable, in the table_container. */
struct mib_row {
	netsnmp_index		 index;		/* first: the container's key */
	oid			 idx[1 + TARGET_NAME_MAX];
	struct mon_target	*mt;
};

struct pending {
	char			 name[TARGET_NAME_MAX + 1];
	enum mon_event		 ev;
	int			 code, previous, step;
	char			 detail[PROBE_DETAIL_MAX];
};

struct subagent {
	struct loop		*loop;
	struct monitor		*mon;
	netsnmp_container	*rows;
	int			 connected;
	struct pending		*pending;	/* ring of PENDING_MAX */
	size_t			 phead, pcount;
	uint64_t		 dropped;
	struct loop_timer	 snmp_timer;
	struct loop_timer	 flush_timer;
	int			 fds[SNMP_FDS_MAX];
	int			 nfds;
	int			 rewatch;	/* session changed: re-arm all */
	time_t			 config_time;
};

/* Set-up: net-snmp's messages into ours, process hygiene. */

/* net-snmp's log lines into ours; config messages as FILE:LINE: reason. */
static int
on_snmp_log(int major, int minor, void *server, void *client)
{
	struct snmp_log_message *m = server;
	char buf[1024], out[1100], *nl;

	(void)major;
	(void)minor;
	(void)client;
	strlcpy(buf, m->msg ? m->msg : "", sizeof(buf));
	if ((nl = strchr(buf, '\n')) != NULL)
		*nl = '\0';
	if (buf[0] == '\0')
		return 0;
	if (conf_split_message(buf, out, sizeof(out)) == 0)
		log_line(LOG_ERR, out);
	else
		log_line(m->priority, buf);
	return 0;
}

/* Our AgentX session: a dead master must not stall the loop. */
static int
on_session_init(int major, int minor, void *server, void *client)
{
	netsnmp_session *s = server;

	(void)major;
	(void)minor;
	(void)client;
	if (s != NULL) {
		s->timeout = SESSION_TIMEOUT_US;
		s->retries = 0;
	}
	return 0;
}

static void
set_hygiene(void)
{
	/* No MIB files are needed by the daemon, nor persistent state. */
	setenv("MIBS", "", 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE,
	    1);
	/* net-snmp would run "perl" lines of our config file. */
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID,
	    NETSNMP_DS_AGENT_DISABLE_PERL, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID,
	    NETSNMP_DS_AGENT_NO_CONNECTION_WARNINGS, 1);
}

int
subagent_setup(const char *agentx_socket)
{
	snmp_disable_log();
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING,
	    on_snmp_log, NULL);
	snmp_enable_calllog();
	set_hygiene();
	subagent_use_socket(agentx_socket);
	if (init_agent(CONF_APP) != 0)
		return -1;
	/* init_agent() resets it; the config file may set it again. */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID,
	    NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL, DEFAULT_PING_INTERVAL);
	snmp_register_callback(SNMP_CALLBACK_LIBRARY,
	    SNMP_CALLBACK_SESSION_INIT, on_session_init, NULL);
	return 0;
}

void
subagent_use_socket(const char *agentx_socket)
{
	if (agentx_socket != NULL)
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID,
		    NETSNMP_DS_AGENT_X_SOCKET, agentx_socket);
}

const char *
subagent_socket(void)
{
	const char *s = netsnmp_ds_get_string(NETSNMP_DS_APPLICATION_ID,
	    NETSNMP_DS_AGENT_X_SOCKET);

	return s != NULL ? s : "(default)";
}

/* The table. */

/* The mark at the end of a string cut to its MIB size. */
#define MIB_CUT_MARK	"..."
/* The longest DisplayString of the MIB (Detail, Url). */
#define MIB_STRING_MAX	255

/*
 * s as a DisplayString of at most max octets: a longer one is cut and
 * ends in MIB_CUT_MARK, so whoever reads it sees the cut.  Returns s or
 * buf (MIB_STRING_MAX + 1 bytes), *len the octets to send.
 */
static const char *
mib_string(const char *s, size_t max, char *buf, size_t *len)
{
	size_t n = strlen(s), m = sizeof(MIB_CUT_MARK) - 1;

	if (max > MIB_STRING_MAX)
		max = MIB_STRING_MAX;
	if (n <= max || max < m) {
		*len = n <= max ? n : max;
		return s;
	}
	memcpy(buf, s, max - m);
	memcpy(buf + max - m, MIB_CUT_MARK, m);
	*len = max;
	return buf;
}

static void
set_string(netsnmp_request_info *r, const char *s, size_t max)
{
	char buf[MIB_STRING_MAX + 1];
	size_t n;

	s = mib_string(s, max, buf, &n);
	snmp_set_var_typed_value(r->requestvb, ASN_OCTET_STR, s, n);
}

static void
set_int(netsnmp_request_info *r, u_char type, long v)
{
	snmp_set_var_typed_integer(r->requestvb, type, v);
}

/* Unsigned32 and Counter32 of the MIB. */
static unsigned long
ms32(double ms)
{
	return ms < 0 ? 0 : ms > (double)UINT32_MAX ? UINT32_MAX :
	    (unsigned long)(ms + 0.5);
}

static void
column_value(netsnmp_request_info *r, const struct mon_target *mt, int col)
{
	char url[PROBE_URL_MAX];
	int probed = mt->code != MON_NOT_PROBED;

	switch (col) {
	case UPDPROBE_MIB_COL_CODE:
		set_int(r, ASN_INTEGER, mt->code);
		break;
	case UPDPROBE_MIB_COL_STEP:
		set_int(r, ASN_INTEGER, probed ?
		    UPDPROBE_MIB_STEP_FROM_ENGINE(mt->step) :
		    UPDPROBE_MIB_STEP_NOT_PROBED);
		break;
	case UPDPROBE_MIB_COL_DETAIL:
		set_string(r, mt->detail, UPDPROBE_MIB_DETAIL_MAX);
		break;
	case UPDPROBE_MIB_COL_URL:
		/* Built on demand: a URL per row would cost 1.6 KiB each. */
		target_url(&mt->t, url, sizeof(url));
		set_string(r, url, UPDPROBE_MIB_URL_MAX);
		break;
	case UPDPROBE_MIB_COL_VERSION:
		set_string(r, mt->version, UPDPROBE_MIB_VERSION_MAX);
		break;
	case UPDPROBE_MIB_COL_LAST_PROBE:
		set_int(r, ASN_UNSIGNED, (long)mt->last_probe);
		break;
	case UPDPROBE_MIB_COL_LAST_CHANGE:
		set_int(r, ASN_UNSIGNED, (long)mt->last_change);
		break;
	case UPDPROBE_MIB_COL_DNS_TIME:
		set_int(r, ASN_UNSIGNED, (long)ms32(mt->ms[STEP_DNS]));
		break;
	case UPDPROBE_MIB_COL_CONNECT_TIME:
		set_int(r, ASN_UNSIGNED, (long)ms32(mt->ms[STEP_CONNECT]));
		break;
	case UPDPROBE_MIB_COL_DIRFILE_TIME:
		set_int(r, ASN_UNSIGNED, (long)ms32(mt->ms[STEP_DIRFILE]));
		break;
	case UPDPROBE_MIB_COL_FIRMWARE_TIME:
		set_int(r, ASN_UNSIGNED, (long)ms32(mt->ms[STEP_FIRMWARE]));
		break;
	case UPDPROBE_MIB_COL_HTTP_STATUS:
		set_int(r, ASN_INTEGER, mt->http_status < 0 ||
		    mt->http_status > UPDPROBE_MIB_HTTP_STATUS_MAX ? 0 :
		    mt->http_status);
		break;
	case UPDPROBE_MIB_COL_FIRMWARE_SIZE:
		set_int(r, ASN_UNSIGNED, (long)(mt->firmware_size > UINT32_MAX ?
		    UINT32_MAX : mt->firmware_size));
		break;
	case UPDPROBE_MIB_COL_PROBES:
		set_int(r, ASN_COUNTER, (long)mt->probes);
		break;
	case UPDPROBE_MIB_COL_PROBLEMS:
		set_int(r, ASN_COUNTER, (long)mt->problems);
		break;
	case UPDPROBE_MIB_COL_PROBE_NOW:
		set_int(r, ASN_INTEGER, UPDPROBE_MIB_FALSE);
		break;
	case UPDPROBE_MIB_COL_INTERVAL:
		set_int(r, ASN_UNSIGNED, (long)mt->interval);
		break;
	case UPDPROBE_MIB_COL_PREVIOUS_CODE:
		set_int(r, ASN_INTEGER, mt->c.previous);
		break;
	default:
		netsnmp_set_request_error(NULL, r, SNMP_NOSUCHOBJECT);
	}
}

/* SET: only ProbeNow, only true(1) starts a probe, false(2) does nothing. */
static int
check_set(netsnmp_request_info *r, int col)
{
	long v;

	if (col != UPDPROBE_MIB_COL_PROBE_NOW)
		return SNMP_ERR_NOTWRITABLE;
	if (r->requestvb->type != ASN_INTEGER)
		return SNMP_ERR_WRONGTYPE;
	v = *r->requestvb->val.integer;
	if (v != UPDPROBE_MIB_TRUE && v != UPDPROBE_MIB_FALSE)
		return SNMP_ERR_WRONGVALUE;
	return SNMP_ERR_NOERROR;
}

static int
table_handler(netsnmp_mib_handler *handler,
    netsnmp_handler_registration *reg, netsnmp_agent_request_info *ri,
    netsnmp_request_info *requests)
{
	struct subagent *sa = reg->my_reg_void;
	netsnmp_request_info *r;

	(void)handler;
	for (r = requests; r != NULL; r = r->next) {
		struct mib_row *row;
		netsnmp_table_request_info *ti;
		int err;

		if (r->processed)
			continue;
		row = netsnmp_container_table_row_extract(r);
		ti = netsnmp_extract_table_info(r);
		if (ti == NULL)
			continue;
		switch (ri->mode) {
		case MODE_GET:
			if (row == NULL)
				netsnmp_set_request_error(ri, r,
				    SNMP_NOSUCHINSTANCE);
			else
				column_value(r, row->mt, (int)ti->colnum);
			break;
		case MODE_SET_RESERVE1:
			if (row == NULL)
				err = SNMP_ERR_NOCREATION;
			else
				err = check_set(r, (int)ti->colnum);
			if (err != SNMP_ERR_NOERROR)
				netsnmp_set_request_error(ri, r, err);
			break;
		case MODE_SET_COMMIT:
			if (row != NULL &&
			    *r->requestvb->val.integer == UPDPROBE_MIB_TRUE) {
				log_info("target %s: probe requested over SNMP",
				    row->mt->t.name);
				monitor_probe_now(sa->mon, row->mt);
			}
			break;
		default:
			break;
		}
	}
	return SNMP_ERR_NOERROR;
}

static int
register_table(struct subagent *sa)
{
	netsnmp_handler_registration *reg;
	netsnmp_table_registration_info *ti;

	sa->rows = netsnmp_container_find("updprobeTargetTable:table_container");
	if (sa->rows == NULL)
		return -1;
	reg = netsnmp_create_handler_registration("updprobeTargetTable",
	    table_handler, table_oid, OID_LENGTH(table_oid),
	    HANDLER_CAN_RWRITE);
	ti = SNMP_MALLOC_TYPEDEF(netsnmp_table_registration_info);
	if (reg == NULL || ti == NULL)
		return -1;
	reg->my_reg_void = sa;
	netsnmp_table_helper_add_indexes(ti, ASN_OCTET_STR, 0);
	ti->min_column = UPDPROBE_MIB_COL_FIRST;
	ti->max_column = UPDPROBE_MIB_COL_LAST;
	return netsnmp_container_table_register(reg, ti, sa->rows,
	    TABLE_CONTAINER_KEY_NETSNMP_INDEX) == MIB_REGISTERED_OK ? 0 : -1;
}

/* Scalars. */

static int
scalar_handler(netsnmp_mib_handler *handler,
    netsnmp_handler_registration *reg, netsnmp_agent_request_info *ri,
    netsnmp_request_info *r)
{
	struct subagent *sa = reg->my_reg_void;
	/* The registration's OID has the instance .0 appended. */
	oid which = reg->rootoid_len > OID_LENGTH(agent_oid) ?
	    reg->rootoid[OID_LENGTH(agent_oid)] : 0;

	(void)handler;
	if (ri->mode != MODE_GET)
		return SNMP_ERR_NOERROR;
	for (; r != NULL; r = r->next) {
		switch (which) {
		case UPDPROBE_MIB_SCALAR_AGENT_VERSION:
			set_string(r, updprobe_version,
			    UPDPROBE_MIB_AGENT_VERSION_MAX);
			break;
		case UPDPROBE_MIB_SCALAR_TARGET_COUNT:
			set_int(r, ASN_GAUGE, sa->mon ?
			    (long)monitor_count(sa->mon) : 0);
			break;
		case UPDPROBE_MIB_SCALAR_PROBES_RUN:
			set_int(r, ASN_COUNTER, sa->mon ?
			    (long)monitor_probes_run(sa->mon) : 0);
			break;
		case UPDPROBE_MIB_SCALAR_CONFIG_LOAD_TIME:
			set_int(r, ASN_UNSIGNED, (long)sa->config_time);
			break;
		}
	}
	return SNMP_ERR_NOERROR;
}

static int
register_scalars(struct subagent *sa)
{
	static const struct {
		oid		 sub;
		const char	*name;
	} s[] = {
		{ UPDPROBE_MIB_SCALAR_AGENT_VERSION, "updprobeAgentVersion" },
		{ UPDPROBE_MIB_SCALAR_TARGET_COUNT, "updprobeTargetCount" },
		{ UPDPROBE_MIB_SCALAR_PROBES_RUN, "updprobeProbesRun" },
		{ UPDPROBE_MIB_SCALAR_CONFIG_LOAD_TIME,
		  "updprobeConfigLoadTime" },
	};
	oid o[MAX_OID_LEN];
	size_t i, len = OID_LENGTH(agent_oid);

	memcpy(o, agent_oid, sizeof(agent_oid));
	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		netsnmp_handler_registration *reg;

		o[len] = s[i].sub;
		reg = netsnmp_create_handler_registration(s[i].name,
		    scalar_handler, o, len + 1, HANDLER_CAN_RONLY);
		if (reg == NULL)
			return -1;
		reg->my_reg_void = sa;
		if (netsnmp_register_scalar(reg) != MIB_REGISTERED_OK)
			return -1;
	}
	return 0;
}

/* Rows follow the monitor's targets. */

static void
on_added(struct mon_target *mt, void *arg)
{
	struct subagent *sa = arg;
	struct mib_row *row;
	size_t i, n = strlen(mt->t.name);

	if ((row = calloc(1, sizeof(*row))) == NULL) {
		log_warnx("target %s: out of memory for its row", mt->t.name);
		return;
	}
	row->idx[0] = n;
	for (i = 0; i < n; i++)
		row->idx[i + 1] = (unsigned char)mt->t.name[i];
	row->index.oids = row->idx;
	row->index.len = n + 1;
	row->mt = mt;
	if (CONTAINER_INSERT(sa->rows, row) != 0) {
		free(row);
		return;
	}
	mt->glue = row;
}

static void
on_removed(struct mon_target *mt, void *arg)
{
	struct subagent *sa = arg;
	struct mib_row *row = mt->glue;

	if (row == NULL)
		return;
	CONTAINER_REMOVE(sa->rows, row);
	free(row);
	mt->glue = NULL;
}

/* Notifications. */

static void
add_column(netsnmp_variable_list **vars, const struct mib_row *row, int col,
    u_char type, const void *val, size_t len)
{
	oid o[MAX_OID_LEN];
	size_t n = OID_LENGTH(entry_oid);

	memcpy(o, entry_oid, sizeof(entry_oid));
	o[n++] = (oid)col;
	memcpy(o + n, row->idx, row->index.len * sizeof(oid));
	n += row->index.len;
	snmp_varlist_add_variable(vars, o, n, type, val, len);
}

static int
send_pending(struct subagent *sa, const struct pending *p)
{
	static const int objs[][4] = {
		[MON_EV_CODE_CHANGE] = { UPDPROBE_MIB_COL_CODE,
		    UPDPROBE_MIB_COL_PREVIOUS_CODE, UPDPROBE_MIB_COL_STEP,
		    UPDPROBE_MIB_COL_DETAIL },
		[MON_EV_PROBLEM] = { UPDPROBE_MIB_COL_CODE,
		    UPDPROBE_MIB_COL_STEP, UPDPROBE_MIB_COL_DETAIL, 0 },
		[MON_EV_CLEARED] = { UPDPROBE_MIB_COL_CODE,
		    UPDPROBE_MIB_COL_PREVIOUS_CODE, 0, 0 },
	};
	netsnmp_variable_list *vars = NULL;
	struct mon_target *mt = monitor_find(sa->mon, p->name);
	oid n[MAX_OID_LEN];
	struct mib_row *row;
	size_t i, nlen = OID_LENGTH(notif_oid), dlen;
	char cut[MIB_STRING_MAX + 1];
	const char *d;
	long v;

	if (mt == NULL || (row = mt->glue) == NULL)
		return 0;	/* removed meanwhile: nothing to announce */
	memcpy(n, notif_oid, sizeof(notif_oid));
	n[nlen++] = p->ev == MON_EV_CODE_CHANGE ? UPDPROBE_MIB_NOTIF_CODE_CHANGE :
	    p->ev == MON_EV_PROBLEM ? UPDPROBE_MIB_NOTIF_PROBLEM :
	    UPDPROBE_MIB_NOTIF_CLEARED;
	snmp_varlist_add_variable(&vars, trapoid_oid, OID_LENGTH(trapoid_oid),
	    ASN_OBJECT_ID, n, nlen * sizeof(oid));
	for (i = 0; i < 4 && objs[p->ev][i] != 0; i++) {
		int col = objs[p->ev][i];

		switch (col) {
		case UPDPROBE_MIB_COL_CODE:
			v = p->code;
			add_column(&vars, row, col, ASN_INTEGER, &v, sizeof(v));
			break;
		case UPDPROBE_MIB_COL_PREVIOUS_CODE:
			v = p->previous;
			add_column(&vars, row, col, ASN_INTEGER, &v, sizeof(v));
			break;
		case UPDPROBE_MIB_COL_STEP:
			v = p->step;
			add_column(&vars, row, col, ASN_INTEGER, &v, sizeof(v));
			break;
		case UPDPROBE_MIB_COL_DETAIL:
			d = mib_string(p->detail, UPDPROBE_MIB_DETAIL_MAX,
			    cut, &dlen);
			add_column(&vars, row, col, ASN_OCTET_STR, d, dlen);
			break;
		}
	}
	send_v2trap(vars);
	snmp_free_varbind(vars);
	return 0;
}

static void
flush_pending(void *arg)
{
	struct subagent *sa = arg;

	if (sa->dropped > 0) {
		log_warnx("%llu notifications were dropped while the master "
		    "agent was away (more than %d waiting)",
		    (unsigned long long)sa->dropped, PENDING_MAX);
		sa->dropped = 0;
	}
	while (sa->connected && sa->pcount > 0) {
		send_pending(sa, &sa->pending[sa->phead]);
		sa->phead = (sa->phead + 1) % PENDING_MAX;
		sa->pcount--;
	}
	subagent_sync(sa);
}

static void
on_event(struct mon_target *mt, enum mon_event ev, void *arg)
{
	static const char *names[] = { "updprobeCodeChange", "updprobeProblem",
	    "updprobeCleared" };
	struct subagent *sa = arg;
	struct pending *p;

	log_info("target %s: %s: code %d (%s) was %d: %s", mt->t.name,
	    names[ev], mt->c.confirmed, m3_code_name(mt->c.confirmed),
	    mt->c.previous, mt->detail);
	if (sa->pcount == PENDING_MAX) {
		sa->phead = (sa->phead + 1) % PENDING_MAX;
		sa->pcount--;
		sa->dropped++;
	}
	p = &sa->pending[(sa->phead + sa->pcount) % PENDING_MAX];
	sa->pcount++;
	strlcpy(p->name, mt->t.name, sizeof(p->name));
	p->ev = ev;
	p->code = mt->c.confirmed;
	p->previous = mt->c.previous;
	p->step = UPDPROBE_MIB_STEP_FROM_ENGINE(mt->step);
	strlcpy(p->detail, mt->detail, sizeof(p->detail));
	if (sa->connected)
		flush_pending(sa);
}

static int
on_index_start(int major, int minor, void *server, void *client)
{
	struct subagent *sa = client;

	(void)major;
	(void)minor;
	(void)server;
	sa->connected = 1;
	sa->rewatch = 1;
	log_info("registered with the AgentX master");
	/* After this callback the registrations are replayed; send the
	 * waiting notifications just after. */
	loop_timer_set(sa->loop, &sa->flush_timer, 0);
	return 0;
}

static int
on_index_stop(int major, int minor, void *server, void *client)
{
	struct subagent *sa = client;

	(void)major;
	(void)minor;
	(void)server;
	sa->connected = 0;
	sa->rewatch = 1;
	log_warnx("the AgentX master went away; notifications are kept "
	    "until it is back");
	return 0;
}

/*
 * net-snmp on the loop.  After every event, ask net-snmp which descriptors
 * and which timeout it wants.  When the AgentX session comes or goes, every
 * descriptor is armed afresh: a session that reconnects can reuse the old
 * number, which epoll forgot when it was closed.
 */
static void snmp_readable(int, int, void *);

static void
snmp_tick(void *arg)
{
	struct subagent *sa = arg;

	snmp_timeout();
	run_alarms();
	netsnmp_check_outstanding_agent_requests();
	subagent_sync(sa);
}

static void
snmp_readable(int fd, int events, void *arg)
{
	struct subagent *sa = arg;
	netsnmp_large_fd_set set;

	netsnmp_large_fd_set_init(&set, fd + 1);
	NETSNMP_LARGE_FD_SET(fd, &set);
	snmp_read2(&set);
	netsnmp_large_fd_set_cleanup(&set);
	if (events & LOOP_ERROR)
		loop_unwatch(sa->loop, fd);
	netsnmp_check_outstanding_agent_requests();
	subagent_sync(sa);
}

void
subagent_sync(struct subagent *sa)
{
	netsnmp_large_fd_set set;
	struct timeval tv = { 0, 0 };
	int maxfd = 0, block = 1, fd, i, nfds = 0, keep;
	int fds[SNMP_FDS_MAX];

	netsnmp_large_fd_set_init(&set, FD_SETSIZE);
	snmp_select_info2(&maxfd, &set, &tv, &block);
	for (fd = 0; fd < maxfd && nfds < SNMP_FDS_MAX; fd++)
		if (NETSNMP_LARGE_FD_ISSET(fd, &set))
			fds[nfds++] = fd;
	netsnmp_large_fd_set_cleanup(&set);
	for (i = 0; i < sa->nfds; i++) {
		int j;

		for (keep = 0, j = 0; j < nfds; j++)
			keep |= fds[j] == sa->fds[i];
		if (!keep)
			loop_unwatch(sa->loop, sa->fds[i]);
	}
	for (i = 0; i < nfds; i++)
		if ((sa->rewatch ? loop_rewatch : loop_watch)(sa->loop, fds[i],
		    LOOP_READ, snmp_readable, sa) == -1)
			log_warn("cannot watch net-snmp descriptor %d", fds[i]);
	sa->rewatch = 0;
	memcpy(sa->fds, fds, sizeof(fds[0]) * (size_t)nfds);
	sa->nfds = nfds;
	if (block)
		loop_timer_clear(sa->loop, &sa->snmp_timer);
	else
		loop_timer_set(sa->loop, &sa->snmp_timer,
		    (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec / 1000);
}

struct subagent *
subagent_new(struct loop *l)
{
	struct subagent *sa;

	if ((sa = calloc(1, sizeof(*sa))) == NULL ||
	    (sa->pending = calloc(PENDING_MAX, sizeof(*sa->pending))) == NULL) {
		free(sa);
		return NULL;
	}
	sa->loop = l;
	if (loop_timer_init(l, &sa->snmp_timer, snmp_tick, sa) == -1) {
		free(sa->pending);
		free(sa);
		return NULL;
	}
	if (loop_timer_init(l, &sa->flush_timer, flush_pending, sa) == -1) {
		loop_timer_fini(l, &sa->snmp_timer);
		free(sa->pending);
		free(sa);
		return NULL;
	}
	if (register_table(sa) == -1 || register_scalars(sa) == -1) {
		log_warnx("cannot register UPDPROBE-MIB");
		loop_timer_fini(l, &sa->snmp_timer);
		loop_timer_fini(l, &sa->flush_timer);
		free(sa->pending);
		free(sa);
		return NULL;
	}
	snmp_register_callback(SNMP_CALLBACK_APPLICATION,
	    SNMPD_CALLBACK_INDEX_START, on_index_start, sa);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION,
	    SNMPD_CALLBACK_INDEX_STOP, on_index_stop, sa);
	return sa;
}

void
subagent_set_monitor(struct subagent *sa, struct monitor *m)
{
	sa->mon = m;
}

void
subagent_hooks(struct subagent *sa, struct monitor_hooks *h)
{
	memset(h, 0, sizeof(*h));
	h->added = on_added;
	h->removed = on_removed;
	h->event = on_event;
	h->arg = sa;
}

void
subagent_config_loaded(struct subagent *sa)
{
	sa->config_time = time(NULL);
}

void
subagent_start(struct subagent *sa)
{
	/* Connects to the master (or keeps trying every ping interval). */
	init_snmp(CONF_APP);
	subagent_sync(sa);
}

void
subagent_shutdown(struct subagent *sa)
{
	int i;

	if (sa == NULL) {
		snmp_shutdown(CONF_APP);
		return;
	}
	/* net-snmp would free a callback's argument at shutdown. */
	snmp_unregister_callback(SNMP_CALLBACK_APPLICATION,
	    SNMPD_CALLBACK_INDEX_START, on_index_start, sa, 1);
	snmp_unregister_callback(SNMP_CALLBACK_APPLICATION,
	    SNMPD_CALLBACK_INDEX_STOP, on_index_stop, sa, 1);
	for (i = 0; i < sa->nfds; i++)
		loop_unwatch(sa->loop, sa->fds[i]);
	loop_timer_fini(sa->loop, &sa->snmp_timer);
	loop_timer_fini(sa->loop, &sa->flush_timer);
	free(sa->pending);
	free(sa);
	snmp_shutdown(CONF_APP);
}
