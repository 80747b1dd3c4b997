/*
 * subagent.c - the AgentX subagent: updprobeTargetTable (configured
 * targets and base stations) and updprobeServerTable (every probe) on
 * table_containers (binary search: no scan per request; rows.c), the
 * scalars, the notifications, and net-snmp's descriptors and alarms on
 * our loop.
 *
 * Every GET is answered from the monitor's last completed probe; nothing
 * here waits for the network.  Notifications leave through notify.c,
 * under flow control, and only while our registration stands: one the
 * master refuses (another updprobed serves the MIB) is retried with
 * back-off, and the notifications wait meanwhile.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <sys/socket.h>
#include <sys/stat.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>
#include <net-snmp/agent/table_container.h>
#include <net-snmp/library/large_fd_set.h>

#include "codes.h"
#include "conf.h"
#include "fleet.h"
#include "log.h"
#include "mib_oids.h"
#include "mibstring.h"
#include "notify.h"
#include "rows.h"
#include "setguard.h"
#include "settings.h"
#include "subagent.h"
#include "util.h"
#include "version.h"

/* net-snmp descriptors we watch (AgentX session and a few more). */
#define SNMP_FDS_MAX		16
/* Seconds between AgentX pings (net-snmp's default); agentxPingInterval
 * in the config file changes it. */
#define DEFAULT_PING_INTERVAL	15
/* A dead master must not stall the loop: AgentX requests of ours (ping,
 * register) give up after a third of a second, without retries. */
#define SESSION_TIMEOUT_US	333333
/* A registration the master refused is tried again after this, doubling
 * up to REGISTER_RETRY_MAX_MS. */
#define REGISTER_RETRY_MS	1000
#define REGISTER_RETRY_MAX_MS	60000
/* Rounds of net-snmp's callback pipes a request of the master may take
 * inside updprobed: a SET phase goes RESERVE1, RESERVE2 and back, one
 * round each way; a GET there and back. */
#define INTERNAL_ROUNDS_MAX	32
/* What net-snmp logs when the master refuses a registration, and when
 * its session ends (ours, when we close it to register again). */
#define REGISTER_FAILED_MSG	"registering pdu failed"
#define DISCONNECTED_MSG	"AgentX master disconnected us"

static const oid table_oid[] = { UPDPROBE_MIB_TARGET_TABLE_OID };
static const oid server_table_oid[] = { UPDPROBE_MIB_SERVER_TABLE_OID };
static const oid agent_oid[] = { UPDPROBE_MIB_AGENT_OID };

struct subagent {
	struct loop		*loop;
	struct monitor		*mon;
	struct fleet		*fleet;
	struct notifier		*notifier;
	struct rows		*targets;	/* updprobeTargetTable */
	struct rows		*servers;	/* updprobeServerTable */
	struct loop_timer	 rows_timer;	/* settles the rows */
	int			 in_request;	/* table_handler() runs */
	netsnmp_session		*session;	/* the master's, while open */
	int			 registered;	/* and accepted our registrations */
	unsigned		 refusals;	/* in the current attempt */
	uint64_t		 retry_ms;	/* back-off of the next attempt */
	int			 retry_due;	/* check_timer: register again */
	int			 reopening;	/* we closed the session */
	struct loop_timer	 snmp_timer;
	struct loop_timer	 check_timer;	/* checks the registration */
	int			 fds[SNMP_FDS_MAX];
	int			 nfds;
	int			 rewatch;	/* session changed: re-arm all */
	time_t			 config_time;
	const char		*config_file;	/* the targets' source */
};

/*
 * The AgentX session's callback (net-snmp's handle_agentx_packet()) behind
 * the set guard: a SET phase that snmpd sends again, because we answered
 * later than its agentXTimeout, is dropped (setguard.h).  The session has
 * no spare pointer for us (net-snmp's subagent uses myvoid), and there is
 * one AgentX session: its guard is kept here, with the session's own
 * callback, its transport's receive function (behind agentx_recv()) and
 * the subagent whose descriptors finish_internal() reads.
 */
typedef int (*transport_recv_fn)(netsnmp_transport *, void *, int, void **,
    int *);

static struct {
	struct setguard		 setguard;	/* SET phases sent again */
	netsnmp_callback	 next;
	transport_recv_fn	 recv;
	struct subagent		*sa;
} agentx_guard;

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
	/* Not true when we closed the session: on_index_stop() says so. */
	if (agentx_guard.sa != NULL && agentx_guard.sa->reopening &&
	    strncmp(buf, DISCONNECTED_MSG, strlen(DISCONNECTED_MSG)) == 0)
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

/* "HOST:PORT", "[V6]:PORT" after an optional tcp: or tcp6:. */
static int
valid_hostport(const char *s)
{
	const char *colon, *p;
	unsigned long port;
	char *end;

	if (s[0] == '[') {
		if ((p = strchr(s, ']')) == NULL || p == s + 1 || p[1] != ':')
			return 0;
		for (s++; s < p; s++)
			if (!isxdigit((unsigned char)*s) && *s != ':' &&
			    *s != '.')
				return 0;
		colon = p + 1;
	} else {
		if ((colon = strrchr(s, ':')) == NULL || colon == s)
			return 0;
		for (p = s; p < colon; p++)
			if (!isalnum((unsigned char)*p) && *p != '.' &&
			    *p != '-')
				return 0;
	}
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	return colon[1] != '\0' && isdigit((unsigned char)colon[1]) &&
	    *end == '\0' && errno == 0 && port > 0 && port <= 65535;
}

int
subagent_socket_valid(const char *s)
{
	if (strncmp(s, "unix:", 5) == 0)
		return s[5] == '/' && s[6] != '\0';
	if (s[0] == '/')
		return s[1] != '\0';
	if (strncmp(s, "tcp:", 4) == 0)
		return valid_hostport(s + 4);
	if (strncmp(s, "tcp6:", 5) == 0)
		return valid_hostport(s + 5);
	return valid_hostport(s);
}

char *
subagent_socket_save(void)
{
	const char *s = netsnmp_ds_get_string(NETSNMP_DS_APPLICATION_ID,
	    NETSNMP_DS_AGENT_X_SOCKET);

	return s != NULL ? strdup(s) : NULL;
}

void
subagent_socket_restore(const char *saved)
{
	netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID,
	    NETSNMP_DS_AGENT_X_SOCKET, saved);
}

const char *
subagent_socket_setting(void)
{
	return netsnmp_ds_get_string(NETSNMP_DS_APPLICATION_ID,
	    NETSNMP_DS_AGENT_X_SOCKET);
}

const char *
subagent_socket(void)
{
	const char *s = netsnmp_ds_get_string(NETSNMP_DS_APPLICATION_ID,
	    NETSNMP_DS_AGENT_X_SOCKET);

	return s != NULL ? s : "(default)";
}

/* The tables. */

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

/*
 * Columns 2-19 of a probe's row (both tables number them alike).  A base
 * station shows its server's probe, its own last change if later.
 */
static int
probe_column(netsnmp_request_info *r, const struct mon_target *mt, int col,
    time_t last_change)
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
		set_int(r, ASN_UNSIGNED, (long)(last_change > mt->last_change &&
		    mt->last_change != 0 ? last_change : mt->last_change));
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
		return -1;
	}
	return 0;
}

/* Columns 2-19 of a base station whose file is broken: no probe. */
static int
broken_column(netsnmp_request_info *r, const struct subagent *sa,
    const struct fleet_bs *b, int col)
{
	switch (col) {
	case UPDPROBE_MIB_COL_CODE:
		set_int(r, ASN_INTEGER, M3_SERVER_NOT_SPECIFIED);
		break;
	case UPDPROBE_MIB_COL_STEP:
		set_int(r, ASN_INTEGER, UPDPROBE_MIB_STEP_CONFIG);
		break;
	case UPDPROBE_MIB_COL_DETAIL:
		set_string(r, b->error, UPDPROBE_MIB_DETAIL_MAX);
		break;
	case UPDPROBE_MIB_COL_URL:
	case UPDPROBE_MIB_COL_VERSION:
		set_string(r, "", 0);
		break;
	case UPDPROBE_MIB_COL_LAST_PROBE:
		set_int(r, ASN_UNSIGNED, (long)b->checked);
		break;
	case UPDPROBE_MIB_COL_LAST_CHANGE:
		set_int(r, ASN_UNSIGNED, (long)b->since);
		break;
	case UPDPROBE_MIB_COL_PROBES:
	case UPDPROBE_MIB_COL_PROBLEMS:
		set_int(r, ASN_COUNTER, 0);
		break;
	case UPDPROBE_MIB_COL_HTTP_STATUS:
		set_int(r, ASN_INTEGER, 0);
		break;
	case UPDPROBE_MIB_COL_PROBE_NOW:
		set_int(r, ASN_INTEGER, UPDPROBE_MIB_FALSE);
		break;
	case UPDPROBE_MIB_COL_INTERVAL:
		set_int(r, ASN_UNSIGNED, (long)fleet_bs_interval(sa->fleet, b));
		break;
	case UPDPROBE_MIB_COL_PREVIOUS_CODE:
		set_int(r, ASN_INTEGER, UPDPROBE_MIB_CODE_NOT_PROBED);
		break;
	case UPDPROBE_MIB_COL_DNS_TIME:
	case UPDPROBE_MIB_COL_CONNECT_TIME:
	case UPDPROBE_MIB_COL_DIRFILE_TIME:
	case UPDPROBE_MIB_COL_FIRMWARE_TIME:
	case UPDPROBE_MIB_COL_FIRMWARE_SIZE:
		set_int(r, ASN_UNSIGNED, 0);
		break;
	default:
		return -1;
	}
	return 0;
}

/* A row of updprobeTargetTable: a configured target or a base station. */
static void
target_column(netsnmp_request_info *r, const struct subagent *sa,
    const struct mib_row *row, int col)
{
	const struct mon_target *mt = row->obj;
	const struct fleet_bs *b = row->obj;
	char path[PATH_MAX];
	int rc = 0;

	if (row->kind == ROW_TARGET) {
		if (col == UPDPROBE_MIB_COL_SOURCE)
			set_string(r, sa->config_file ? sa->config_file : "",
			    UPDPROBE_MIB_SOURCE_MAX);
		else if (col == UPDPROBE_MIB_COL_SERVER)
			set_string(r, mt->t.name, UPDPROBE_MIB_SERVER_REF_MAX);
		else if (col == UPDPROBE_MIB_COL_SOURCE_STATE)
			set_int(r, ASN_INTEGER,
			    UPDPROBE_MIB_SOURCE_CONFIGURATION);
		else
			rc = probe_column(r, mt, col, 0);
	} else if (col == UPDPROBE_MIB_COL_SOURCE) {
		fleet_bs_path(b, path, sizeof(path));
		set_string(r, path, UPDPROBE_MIB_SOURCE_MAX);
	} else if (col == UPDPROBE_MIB_COL_SERVER)
		set_string(r, b->srv ? b->srv->mt->t.name : "",
		    UPDPROBE_MIB_SERVER_REF_MAX);
	else if (col == UPDPROBE_MIB_COL_SOURCE_STATE)
		set_int(r, ASN_INTEGER, b->error ?
		    UPDPROBE_MIB_SOURCE_FILE_BROKEN :
		    UPDPROBE_MIB_SOURCE_FILE_OK);
	else if (b->error != NULL || b->srv == NULL)
		rc = broken_column(r, sa, b, col);
	else
		rc = probe_column(r, b->srv->mt, col, b->since);
	if (rc == -1)
		netsnmp_set_request_error(NULL, r, SNMP_NOSUCHOBJECT);
}

/* A row of updprobeServerTable: a probe. */
static void
server_column(netsnmp_request_info *r, const struct mon_target *mt, int col)
{
	char line[SETTINGS_LINE_MAX];

	switch (col) {
	case UPDPROBE_MIB_SCOL_BASE_STATIONS:
		set_int(r, ASN_GAUGE, (long)fleet_base_stations(mt));
		break;
	case UPDPROBE_MIB_SCOL_SETTINGS:
		target_settings_line(&mt->t, line, sizeof(line));
		set_string(r, line, UPDPROBE_MIB_SETTINGS_MAX);
		break;
	case UPDPROBE_MIB_SCOL_TYPE:
		set_int(r, ASN_INTEGER, mt->kind == MON_SHARED ?
		    UPDPROBE_MIB_SERVER_PROVISIONING :
		    UPDPROBE_MIB_SERVER_CONFIGURED);
		break;
	default:
		if (probe_column(r, mt, col, 0) == -1)
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

static void
probe_now(struct subagent *sa, struct mib_row *row)
{
	struct mon_target *mt = row->obj;

	switch (row->kind) {
	case ROW_BS:
		fleet_probe_now(sa->fleet, row->obj);
		break;
	case ROW_SERVER:
		log_info("%s %s: probe requested over SNMP", mt->kind ==
		    MON_SHARED ? "server" : "target", mt->t.name);
		monitor_probe_now(sa->mon, mt);
		break;
	default:
		log_info("target %s: probe requested over SNMP", mt->t.name);
		monitor_probe_now(sa->mon, mt);
	}
}

/* Both tables: GET from the rows, SET of ProbeNow. */
static int
table_handler(netsnmp_mib_handler *handler,
    netsnmp_handler_registration *reg, netsnmp_agent_request_info *ri,
    netsnmp_request_info *requests)
{
	struct subagent *sa = reg->my_reg_void;
	netsnmp_request_info *r;

	(void)handler;
	sa->in_request = 1;
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
		if (row != NULL && row->obj == NULL)
			row = NULL;	/* going (cannot be served: flushed) */
		switch (ri->mode) {
		case MODE_GET:
			if (row == NULL)
				netsnmp_set_request_error(ri, r,
				    SNMP_NOSUCHINSTANCE);
			else if (row->kind == ROW_SERVER)
				server_column(r, row->obj, (int)ti->colnum);
			else
				target_column(r, sa, row, (int)ti->colnum);
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
			    *r->requestvb->val.integer == UPDPROBE_MIB_TRUE)
				probe_now(sa, row);
			break;
		default:
			break;
		}
	}
	sa->in_request = 0;
	return SNMP_ERR_NOERROR;
}

static struct rows *
register_table(struct subagent *sa, const char *name, const oid *o,
    size_t olen, unsigned first, unsigned last)
{
	netsnmp_handler_registration *reg;
	netsnmp_table_registration_info *ti;
	struct rows *rs;

	if ((rs = rows_new("table_container")) == NULL)
		return NULL;
	reg = netsnmp_create_handler_registration(name, table_handler, o, olen,
	    HANDLER_CAN_RWRITE);
	ti = SNMP_MALLOC_TYPEDEF(netsnmp_table_registration_info);
	if (reg == NULL || ti == NULL)
		return NULL;
	reg->my_reg_void = sa;
	netsnmp_table_helper_add_indexes(ti, ASN_OCTET_STR, 0);
	ti->min_column = first;
	ti->max_column = last;
	if (netsnmp_container_table_register(reg, ti, rows_container(rs),
	    TABLE_CONTAINER_KEY_NETSNMP_INDEX) != MIB_REGISTERED_OK)
		return NULL;
	return rs;
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
	size_t targets = sa->mon ? monitor_count(sa->mon) : 0;
	size_t shared = sa->mon ? monitor_shared_count(sa->mon) : 0;
	size_t bs = sa->fleet ? fleet_count(sa->fleet) : 0;

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
			set_int(r, ASN_GAUGE, (long)(targets + bs));
			break;
		case UPDPROBE_MIB_SCALAR_PROBES_RUN:
			set_int(r, ASN_COUNTER, sa->mon ?
			    (long)monitor_probes_run(sa->mon) : 0);
			break;
		case UPDPROBE_MIB_SCALAR_CONFIG_LOAD_TIME:
			set_int(r, ASN_UNSIGNED, (long)sa->config_time);
			break;
		case UPDPROBE_MIB_SCALAR_NOTIFS_SENT:
			set_int(r, ASN_COUNTER,
			    (long)notifier_sent(sa->notifier));
			break;
		case UPDPROBE_MIB_SCALAR_NOTIFS_DROPPED:
			set_int(r, ASN_COUNTER,
			    (long)notifier_dropped(sa->notifier));
			break;
		case UPDPROBE_MIB_SCALAR_NOTIFS_QUEUED:
			set_int(r, ASN_GAUGE,
			    (long)notifier_queued(sa->notifier));
			break;
		case UPDPROBE_MIB_SCALAR_SERVER_COUNT:
			set_int(r, ASN_GAUGE, (long)(targets + shared));
			break;
		case UPDPROBE_MIB_SCALAR_BASE_STATION_COUNT:
			set_int(r, ASN_GAUGE, (long)bs);
			break;
		case UPDPROBE_MIB_SCALAR_PROV_BROKEN:
			set_int(r, ASN_GAUGE, sa->fleet ?
			    (long)fleet_broken(sa->fleet) : 0);
			break;
		case UPDPROBE_MIB_SCALAR_PROV_REFUSED:
			set_int(r, ASN_GAUGE, sa->fleet ?
			    (long)fleet_refused(sa->fleet) : 0);
			break;
		case UPDPROBE_MIB_SCALAR_RESCAN_DURATION:
			set_int(r, ASN_UNSIGNED, sa->fleet ?
			    (long)fleet_rescan_ms(sa->fleet) : 0);
			break;
		case UPDPROBE_MIB_SCALAR_LAST_RESCAN:
			set_int(r, ASN_UNSIGNED, sa->fleet ?
			    (long)fleet_last_rescan(sa->fleet) : 0);
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
		{ UPDPROBE_MIB_SCALAR_NOTIFS_SENT, "updprobeNotificationsSent" },
		{ UPDPROBE_MIB_SCALAR_NOTIFS_DROPPED,
		  "updprobeNotificationsDropped" },
		{ UPDPROBE_MIB_SCALAR_NOTIFS_QUEUED,
		  "updprobeNotificationsQueued" },
		{ UPDPROBE_MIB_SCALAR_SERVER_COUNT, "updprobeServerCount" },
		{ UPDPROBE_MIB_SCALAR_BASE_STATION_COUNT,
		  "updprobeBaseStationCount" },
		{ UPDPROBE_MIB_SCALAR_PROV_BROKEN,
		  "updprobeProvisioningBroken" },
		{ UPDPROBE_MIB_SCALAR_PROV_REFUSED,
		  "updprobeProvisioningRefused" },
		{ UPDPROBE_MIB_SCALAR_RESCAN_DURATION,
		  "updprobeRescanDuration" },
		{ UPDPROBE_MIB_SCALAR_LAST_RESCAN, "updprobeLastRescan" },
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

/* Rows follow the monitor's probes and the fleet's base stations. */

static void
on_added(struct mon_target *mt, void *arg)
{
	struct subagent *sa = arg;

	if (mt->kind == MON_CONFIGURED &&
	    (mt->glue = rows_add(sa->targets, ROW_TARGET, mt,
	    mt->t.name)) == NULL)
		log_warnx("target %s: out of memory for its row", mt->t.name);
	if ((mt->server_glue = rows_add(sa->servers, ROW_SERVER, mt,
	    mt->t.name)) == NULL)
		log_warnx("server %s: out of memory for its row", mt->t.name);
}

static void
on_removed(struct mon_target *mt, void *arg)
{
	struct subagent *sa = arg;

	if (mt->glue != NULL)
		rows_remove(sa->targets, mt->glue);
	if (mt->server_glue != NULL)
		rows_remove(sa->servers, mt->server_glue);
	mt->glue = mt->server_glue = NULL;
}

static void
on_bs_added(struct fleet_bs *b, void *arg)
{
	struct subagent *sa = arg;

	if ((b->glue = rows_add(sa->targets, ROW_BS, b, b->name)) == NULL)
		log_warnx("base station %s: out of memory for its row",
		    b->name);
}

static void
on_bs_removed(struct fleet_bs *b, void *arg)
{
	struct subagent *sa = arg;

	if (b->glue != NULL)
		rows_remove(sa->targets, b->glue);
	b->glue = NULL;
}

void
subagent_settle(struct subagent *sa)
{
	rows_flush(sa->targets);
	rows_flush(sa->servers);
}

static void
on_rows_timer(void *arg)
{
	subagent_settle(arg);
}

/*
 * The fleet's batch is complete: the rows are put in order at once, so
 * no request sees a row that went; inside a request of ours (a ProbeNow
 * of a base station) net-snmp still holds rows, so from the loop then.
 */
static void
on_settled(void *arg)
{
	struct subagent *sa = arg;

	if (!sa->in_request)
		subagent_settle(sa);
	else if (!loop_timer_armed(&sa->rows_timer))
		loop_timer_set(sa->loop, &sa->rows_timer, 0);
}

/* Notifications and the master. */

static const char *const event_names[][3] = {
	[NOTIFY_TARGET] = { "updprobeCodeChange", "updprobeProblem",
	    "updprobeCleared" },
	[NOTIFY_SERVER] = { "updprobeServerCodeChange",
	    "updprobeServerProblem", "updprobeServerCleared" },
};

static void
raise_event(struct subagent *sa, const struct notify_event *e,
    const char *what)
{
	if (e->kind == NOTIFY_SERVER)
		log_info("%s %s: %s: code %d (%s) was %d, %u base stations: %s",
		    what, e->name, event_names[e->kind][e->ev], e->code,
		    m3_code_name(e->code), e->previous, e->base_stations,
		    e->detail);
	else
		log_info("%s %s: %s: code %d (%s) was %d: %s", what, e->name,
		    event_names[e->kind][e->ev], e->code,
		    m3_code_name(e->code), e->previous, e->detail);
	notifier_raise(sa->notifier, e);
}

static void
on_event(struct mon_target *mt, enum mon_event ev, void *arg)
{
	struct subagent *sa = arg;
	struct notify_event e = {
		.kind = NOTIFY_TARGET, .name = mt->t.name, .ev = ev,
		.code = mt->c.confirmed, .previous = mt->c.previous,
		.step = mt->step, .detail = mt->detail,
	};

	raise_event(sa, &e, "target");
}

static void
on_shared(struct mon_target *mt, unsigned events, void *arg)
{
	struct subagent *sa = arg;

	if (sa->fleet != NULL)
		fleet_server_changed(sa->fleet, mt, events);
}

static void
on_bs_event(struct fleet_bs *b, enum mon_event ev, int code, int previous,
    enum probe_step step, const char *detail, void *arg)
{
	struct notify_event e = {
		.kind = NOTIFY_TARGET, .name = b->name, .ev = ev,
		.code = code, .previous = previous, .step = step,
		.detail = detail,
	};

	raise_event(arg, &e, "base station");
}

static void
on_server_event(struct mon_target *mt, enum mon_event ev, uint32_t n,
    void *arg)
{
	struct notify_event e = {
		.kind = NOTIFY_SERVER, .name = mt->t.name, .ev = ev,
		.code = mt->c.confirmed, .previous = mt->c.previous,
		.step = mt->step, .detail = mt->detail, .base_stations = n,
	};

	raise_event(arg, &e, "server");
}

/* Where notify.c finds a row when its notification leaves. */
static uint32_t *
lookup_row(enum notify_kind kind, const char *name, void *arg)
{
	struct subagent *sa = arg;
	struct mon_target *mt;
	struct fleet_bs *b;
	struct mib_row *row;

	if (kind == NOTIFY_SERVER) {
		row = rows_find(sa->servers, name);
		mt = row != NULL ? row->obj : NULL;
		return mt != NULL ? &mt->notify_gen : NULL;
	}
	if (sa->mon != NULL && (mt = monitor_find(sa->mon, name)) != NULL)
		return &mt->notify_gen;
	if (sa->fleet != NULL && (b = fleet_find(sa->fleet, name)) != NULL)
		return &b->notify_gen;
	return NULL;
}

/* net-snmp logs each registration the master refuses: count them. */
static int
on_registration_log(int major, int minor, void *server, void *client)
{
	struct snmp_log_message *m = server;
	struct subagent *sa = client;

	(void)major;
	(void)minor;
	if (m->msg != NULL && strstr(m->msg, REGISTER_FAILED_MSG) != NULL)
		sa->refusals++;
	return 0;
}

static int
ping_interval(void)
{
	return netsnmp_ds_get_int(NETSNMP_DS_APPLICATION_ID,
	    NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL);
}

/*
 * After the registrations were sent at connect: did the master take them?
 * Notifications leave only while it did.  A refused attempt is not sent
 * again on the same session: the master may have taken part of it (the
 * other subagent went away between two registrations), and would refuse
 * those as duplicates of our own for ever.  The session is closed instead
 * (the master drops whatever it took of ours) and net-snmp opens a new one
 * after its ping interval, which registers everything afresh.  The
 * interval is never 0: 15 s unless the config sets it, and net-snmp's
 * parser refuses less than 1.
 */
static void
check_registration(struct subagent *sa)
{
	if (sa->refusals == 0) {
		sa->registered = 1;
		sa->retry_ms = 0;
		log_info("registered with the AgentX master");
		notifier_set_session(sa->notifier, sa->session);
		return;
	}
	sa->registered = 0;
	notifier_set_session(sa->notifier, NULL);
	sa->retry_ms = sa->retry_ms ? sa->retry_ms * 2 : REGISTER_RETRY_MS;
	if (sa->retry_ms > REGISTER_RETRY_MAX_MS)
		sa->retry_ms = REGISTER_RETRY_MAX_MS;
	log_warnx("the AgentX master refused %u registration%s of "
	    "UPDPROBE-MIB (does another updprobed serve it?): the table is "
	    "not served and notifications are held; trying again on a new "
	    "session in %llu s", sa->refusals, sa->refusals == 1 ? "" : "s",
	    (unsigned long long)sa->retry_ms / 1000 +
	    (unsigned long long)ping_interval());
	sa->retry_due = 1;
	loop_timer_set(sa->loop, &sa->check_timer, sa->retry_ms);
}

static void reopen_session(struct subagent *);

static void
on_check_timer(void *arg)
{
	struct subagent *sa = arg;

	if (sa->session == NULL)
		return;
	if (sa->retry_due) {
		sa->retry_due = 0;
		reopen_session(sa);
		return;
	}
	check_registration(sa);
}

/*
 * Reads what is waiting in net-snmp's descriptors but SKIP (-1: none),
 * without waiting: the number of descriptors read, 0 when none was ready.
 * A descriptor that hung up or failed is read too: net-snmp finds the
 * end of its session there.
 */
static int
read_ready(struct subagent *sa, int skip)
{
	struct pollfd pfd[SNMP_FDS_MAX];
	netsnmp_large_fd_set set;
	int i, n, ready, maxfd = -1;

	for (i = n = 0; i < sa->nfds; i++)
		if (sa->fds[i] != skip) {
			pfd[n].fd = sa->fds[i];
			pfd[n].events = POLLIN;
			pfd[n++].revents = 0;
		}
	if (n == 0 || poll(pfd, (nfds_t)n, 0) <= 0)
		return 0;
	for (i = ready = 0; i < n; i++)
		if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (pfd[i].fd > maxfd)
				maxfd = pfd[i].fd;
			ready++;
		}
	if (ready == 0)
		return 0;
	netsnmp_large_fd_set_init(&set, maxfd + 1);
	for (i = 0; i < n; i++)
		if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
			NETSNMP_LARGE_FD_SET(pfd[i].fd, &set);
	snmp_read2(&set);
	netsnmp_large_fd_set_cleanup(&set);
	return ready;
}

/*
 * net-snmp's subagent hands each request of the master to the agent through
 * its callback session, a pipe, and answers when the agent's answer comes
 * back: a round of the loop each way, two for a SET phase.  Meanwhile the
 * master may send the next phase or close the session, and 5.9 gets both
 * wrong: when snmpd gave up on a late TestSet, its CleanupSet (read with
 * it) frees the SET's state while the TestSet's answer still needs it, and
 * both answers go through the session closed meanwhile (reads of freed
 * memory, seen by valgrind).  So a request's work inside updprobed ends
 * before anything more is read from the master: this reads the callback
 * pipes (every descriptor of net-snmp's but the AgentX socket) until they
 * are empty.  Our handlers answer at once (nothing is delegated), so a few
 * rounds do.  A read that comes after this one emptied a pipe, with a
 * readiness seen before (the loop's, net-snmp's own select() while it
 * waits for a ping's answer), finds the pipe non-blocking
 * (nonblock_pipes()) and nothing to read.
 */
static void
finish_internal(int xsock)
{
	struct subagent *sa = agentx_guard.sa;
	int round;

	if (sa == NULL)
		return;
	for (round = 0; round < INTERNAL_ROUNDS_MAX; round++)
		if (read_ready(sa, xsock) == 0)
			return;
	log_warnx("net-snmp's callback session still busy after %d rounds",
	    INTERNAL_ROUNDS_MAX);
}

static int
session_sock(netsnmp_session *s)
{
	netsnmp_transport *t = snmp_sess_transport(snmp_sess_pointer(s));

	return t != NULL ? t->sock : -1;
}

static const char *
set_phase_name(int type)
{
	static const char *const names[] = {
		"TestSet", "CommitSet", "UndoSet", "CleanupSet"
	};

	if (type < SETGUARD_TESTSET || type > SETGUARD_CLEANUPSET)
		return "PDU";
	return names[type - SETGUARD_TESTSET];
}

static int
on_agentx_pdu(int op, netsnmp_session *s, int reqid, netsnmp_pdu *pdu,
    void *magic)
{
	struct setguard *sg = &agentx_guard.setguard;

	if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE && pdu != NULL &&
	    setguard_repeat(sg, pdu->command, pdu->sessid, pdu->transid)) {
		log_warnx("snmpd sent the AgentX %s of transaction %ld again "
		    "(updprobed answered later than snmpd's agentXTimeout); "
		    "the first is answered, the repeat dropped (%llu so far)",
		    set_phase_name(pdu->command), pdu->transid,
		    (unsigned long long)sg->repeats);
		return 1;
	}
	if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE)
		finish_internal(session_sock(s));
	return agentx_guard.next(op, s, reqid, pdu, magic);
}

/*
 * The AgentX transport's receive function, behind a look at the socket's
 * error.  A master killed while data of ours waited unread in its socket
 * (a notification, an answer) makes our next read fail with ECONNRESET,
 * not end of file; net-snmp 5.9's Unix transport then returns without
 * freeing the address buffer it allocated for the read (fixed in 5.10):
 * 110 bytes lost each time.  A read of nothing (MSG_PEEK) takes that error
 * first; the session is closed as for end of file, nothing allocated.
 * The same look finds a socket with nothing to read (its readiness was
 * seen before a nested read took the data): net-snmp would take the empty
 * read for the end of the session, so it is told there was no packet.
 * Before it all, the work of the requests read earlier ends
 * (finish_internal()).
 */
static int
agentx_recv(netsnmp_transport *t, void *buf, int size, void **opaque,
    int *olength)
{
	char c;

	finish_internal(t->sock);
	if (t->sock >= 0 && recv(t->sock, &c, 1, MSG_PEEK | MSG_DONTWAIT) < 0 &&
	    errno != EINTR) {
		*opaque = NULL;
		*olength = 0;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			t->flags |= NETSNMP_TRANSPORT_FLAG_EMPTY_PKT;
			return 0;
		}
		log_warn("reading from the AgentX master");
		return -1;
	}
	return agentx_guard.recv(t, buf, size, opaque, olength);
}

static void
agentx_guard_install(struct subagent *sa, netsnmp_session *s)
{
	netsnmp_transport *t;

	agentx_guard.sa = sa;
	if (s == NULL || s->callback == NULL)
		return;
	if (s->callback != on_agentx_pdu) {
		agentx_guard.next = s->callback;
		s->callback = on_agentx_pdu;
	}
	t = snmp_sess_transport(snmp_sess_pointer(s));
	if (t != NULL && t->f_recv != NULL && t->f_recv != agentx_recv) {
		agentx_guard.recv = t->f_recv;
		t->f_recv = agentx_recv;
	}
}

static int
on_index_start(int major, int minor, void *server, void *client)
{
	struct subagent *sa = client;

	(void)major;
	(void)minor;
	sa->session = server;
	agentx_guard_install(sa, server);
	sa->registered = 0;
	sa->refusals = 0;
	sa->retry_due = 0;
	sa->reopening = 0;
	sa->rewatch = 1;
	/* After this callback the registrations are sent; check them just
	 * after. */
	loop_timer_set(sa->loop, &sa->check_timer, 0);
	return 0;
}

static int
on_index_stop(int major, int minor, void *server, void *client)
{
	struct subagent *sa = client;

	(void)major;
	(void)minor;
	(void)server;
	sa->session = NULL;
	sa->registered = 0;
	sa->rewatch = 1;
	notifier_set_session(sa->notifier, NULL);
	loop_timer_clear(sa->loop, &sa->check_timer);
	if (sa->reopening)
		log_info("closed the AgentX session; net-snmp opens a new one "
		    "in %d s", ping_interval());
	else
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

/*
 * Reads what the master has sent already.  Run before net-snmp's alarms:
 * its AgentX ping waits for the answer, and a request read meanwhile goes
 * to net-snmp's handler directly, past the set guard (agentx_synch_input()).
 */
static void
read_pending(struct subagent *sa)
{
	(void)read_ready(sa, -1);
}

static void
snmp_tick(void *arg)
{
	struct subagent *sa = arg;

	read_pending(sa);
	snmp_timeout();
	run_alarms();
	netsnmp_check_outstanding_agent_requests();
	subagent_sync(sa);
}

/*
 * Ends our AgentX session as if the master had closed it: net-snmp reads
 * the end, tells us (on_index_stop()) and opens a new session after its
 * ping interval (on_index_start(), which registers everything again).
 */
static void
reopen_session(struct subagent *sa)
{
	int fd = session_sock(sa->session);

	if (fd < 0 || shutdown(fd, SHUT_RDWR) == -1) {
		log_warn("closing the AgentX session to register again");
		return;
	}
	sa->reopening = 1;
	read_pending(sa);
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

/*
 * net-snmp's callback pipes, non-blocking: finish_internal() may empty a
 * pipe whose readiness the loop or net-snmp's own select() has seen
 * already; their read must then find nothing, not wait for ever.  (The
 * AgentX socket is a socket, read through agentx_recv().)
 */
static void
nonblock_pipes(const int *fds, int n)
{
	struct stat st;
	int i, fl;

	for (i = 0; i < n; i++)
		if (fstat(fds[i], &st) == 0 && S_ISFIFO(st.st_mode) &&
		    (fl = fcntl(fds[i], F_GETFL)) != -1 && !(fl & O_NONBLOCK) &&
		    fcntl(fds[i], F_SETFL, fl | O_NONBLOCK) == -1)
			log_warn("net-snmp descriptor %d: O_NONBLOCK", fds[i]);
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
	if (sa->rewatch || nfds != sa->nfds ||
	    memcmp(fds, sa->fds, sizeof(fds[0]) * (size_t)nfds) != 0)
		nonblock_pipes(fds, nfds);
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

	if ((sa = calloc(1, sizeof(*sa))) == NULL)
		return NULL;
	sa->loop = l;
	setguard_init(&agentx_guard.setguard);
	if (loop_timer_init(l, &sa->snmp_timer, snmp_tick, sa) == -1) {
		free(sa);
		return NULL;
	}
	if (loop_timer_init(l, &sa->check_timer, on_check_timer, sa) == -1) {
		loop_timer_fini(l, &sa->snmp_timer);
		free(sa);
		return NULL;
	}
	if (loop_timer_init(l, &sa->rows_timer, on_rows_timer, sa) == -1) {
		loop_timer_fini(l, &sa->snmp_timer);
		loop_timer_fini(l, &sa->check_timer);
		free(sa);
		return NULL;
	}
	if ((sa->notifier = notifier_new(l)) == NULL ||
	    (sa->targets = register_table(sa, "updprobeTargetTable",
	    table_oid, OID_LENGTH(table_oid), UPDPROBE_MIB_COL_FIRST,
	    UPDPROBE_MIB_COL_LAST)) == NULL ||
	    (sa->servers = register_table(sa, "updprobeServerTable",
	    server_table_oid, OID_LENGTH(server_table_oid),
	    UPDPROBE_MIB_SCOL_FIRST, UPDPROBE_MIB_SCOL_LAST)) == NULL ||
	    register_scalars(sa) == -1) {
		/* Nothing to undo of net-snmp's: the daemon exits. */
		log_warnx("cannot register UPDPROBE-MIB");
		return NULL;
	}
	notifier_set_lookup(sa->notifier, lookup_row, sa);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION,
	    SNMPD_CALLBACK_INDEX_START, on_index_start, sa);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION,
	    SNMPD_CALLBACK_INDEX_STOP, on_index_stop, sa);
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING,
	    on_registration_log, sa);
	return sa;
}

void
subagent_set_monitor(struct subagent *sa, struct monitor *m)
{
	sa->mon = m;
}

void
subagent_set_fleet(struct subagent *sa, struct fleet *f)
{
	sa->fleet = f;
}

void
subagent_hooks(struct subagent *sa, struct monitor_hooks *h)
{
	memset(h, 0, sizeof(*h));
	h->added = on_added;
	h->removed = on_removed;
	h->event = on_event;
	h->shared = on_shared;
	h->arg = sa;
}

void
subagent_fleet_hooks(struct subagent *sa, struct fleet_hooks *h)
{
	memset(h, 0, sizeof(*h));
	h->added = on_bs_added;
	h->removed = on_bs_removed;
	h->bs_event = on_bs_event;
	h->server_event = on_server_event;
	h->settled = on_settled;
	h->arg = sa;
}

void
subagent_config_loaded(struct subagent *sa, const char *file)
{
	sa->config_time = time(NULL);
	sa->config_file = file;
}

void
subagent_start(struct subagent *sa)
{
	/* Connects to the master (or keeps trying every ping interval). */
	init_snmp(CONF_APP);
	subagent_sync(sa);
}

void
subagent_configure(struct subagent *sa, unsigned notify_rate,
    unsigned notify_queue)
{
	notifier_configure(sa->notifier, notify_rate, notify_queue);
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
	snmp_unregister_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING,
	    on_registration_log, sa, 1);
	for (i = 0; i < sa->nfds; i++)
		loop_unwatch(sa->loop, sa->fds[i]);
	loop_timer_fini(sa->loop, &sa->snmp_timer);
	loop_timer_fini(sa->loop, &sa->check_timer);
	loop_timer_fini(sa->loop, &sa->rows_timer);
	/* The rows (the monitor and the fleet removed theirs already). */
	rows_free(sa->targets);
	rows_free(sa->servers);
	/* Closing the session answers our requests still in flight. */
	snmp_shutdown(CONF_APP);
	notifier_free(sa->notifier);
	agentx_guard.sa = NULL;
	free(sa);
}
