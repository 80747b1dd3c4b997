/*
 * agent.c - the updprobed agent over SNMP, with net-snmp's client
 * library and numeric OIDs (mib/mib_oids.h): no MIB file is needed at
 * run time.  One row is a GET of its columns; every row is a GETBULK walk
 * of the columns side by side: of updprobeServerTable (one row per
 * probe, however many base stations share it), or of updprobeTargetTable
 * from an agent before fleet mode.  Every request shares the -t budget.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_updprobe.h"
#include "loop.h"
#include "util.h"

/* SNMP retries per request; the -t budget is shared between the tries. */
#define SNMP_RETRIES		1
/* Varbinds per GETBULK: 13 columns x 7 rows (15 x 6 of the server
 * table), under snmpd's default maxGetbulkResponses (100), and at most
 * ~5 KiB (a row is up to ~700 bytes), inside a UDP datagram.  A shorter
 * answer is simply continued; a tooBig error halves it. */
#define BULK_VARBINDS		91
/* "udp6:[address]:port" and the like. */
#define PEER_MAX		300

/* The columns read, in request order: those both tables have... */
static const int columns[] = {
	UPDPROBE_MIB_COL_CODE,
	UPDPROBE_MIB_COL_STEP,
	UPDPROBE_MIB_COL_DETAIL,
	UPDPROBE_MIB_COL_URL,
	UPDPROBE_MIB_COL_VERSION,
	UPDPROBE_MIB_COL_LAST_PROBE,
	UPDPROBE_MIB_COL_DNS_TIME,
	UPDPROBE_MIB_COL_CONNECT_TIME,
	UPDPROBE_MIB_COL_DIRFILE_TIME,
	UPDPROBE_MIB_COL_FIRMWARE_TIME,
	UPDPROBE_MIB_COL_HTTP_STATUS,
	UPDPROBE_MIB_COL_FIRMWARE_SIZE,
	UPDPROBE_MIB_COL_INTERVAL,
};
#define NCOMMON		(sizeof(columns) / sizeof(columns[0]))
/* ...and each table's own. */
#define NEXTRA		2
static const int extra[][NEXTRA] = {
	[TABLE_TARGETS] = { UPDPROBE_MIB_COL_SERVER,
	    UPDPROBE_MIB_COL_SOURCE_STATE },
	[TABLE_SERVERS] = { UPDPROBE_MIB_SCOL_BASE_STATIONS,
	    UPDPROBE_MIB_SCOL_TYPE },
};
#define NCOLUMNS	(NCOMMON + NEXTRA)

static const oid entry_oid[] = { UPDPROBE_MIB_TARGET_ENTRY_OID };
static const oid sentry_oid[] = { UPDPROBE_MIB_SERVER_ENTRY_OID };
static const oid agent_oid[] = { UPDPROBE_MIB_AGENT_OID };
_Static_assert(sizeof(entry_oid) == sizeof(sentry_oid),
    "both entries have the same length");

/* The i-th column read from table t. */
static int
column(enum table t, size_t i)
{
	return i < NCOMMON ? columns[i] : extra[t][i - NCOMMON];
}

static const oid *
entry_of(enum table t)
{
	return t == TABLE_SERVERS ? sentry_oid : entry_oid;
}

/* An open agent session and the -t budget. */
struct agent {
	void		*handle;	/* snmp_sess_open() */
	char		 peer[PEER_MAX];
	uint64_t	 deadline;	/* loop_clock_ms() */
	int		 verbose;
};

static int
snmp_init_library(void)
{
	/*
	 * Numeric OIDs only: no MIB file is read (with MIBS unset, net-snmp
	 * would load its default list and complain about every module that
	 * is missing), no snmp.conf (the plugin's behaviour is its options),
	 * and nothing written to the persistent directory.
	 */
	if (setenv("MIBS", "", 1) == -1 || setenv("MIBDIRS", "", 1) == -1)
		return -1;
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_QUICK_PRINT, 1);
	init_snmp(PROGNAME);
	return 0;
}

/* A USM key from a passphrase, with the session's authentication hash
 * (RFC 3414 derives both keys so). */
static int
derive_key(netsnmp_session *s, const char *pass, u_char *key, size_t *keylen,
    const char *what, char *err, size_t errlen)
{
	if (generate_Ku(s->securityAuthProto, (u_int)s->securityAuthProtoLen,
	    (const u_char *)pass, strlen(pass), key, keylen) !=
	    SNMPERR_SUCCESS)
		return errorf(err, errlen, "cannot derive a key from the %s "
		    "passphrase", what);
	return 0;
}

static int
snmp_open_agent(struct options *o, struct agent *a, char *err, size_t errlen)
{
	char *peer = a->peer;
	size_t peerlen = sizeof(a->peer);
	netsnmp_session s;
	char *liberr = NULL;
	int rc = 0;

	if (strchr(o->host, ':') != NULL && o->host[0] != '[')
		snprintf(peer, peerlen, "udp6:[%s]:%u", o->host, o->port);
	else if (o->host[0] == '[')
		snprintf(peer, peerlen, "udp6:%s:%u", o->host, o->port);
	else
		snprintf(peer, peerlen, "%s:%u", o->host, o->port);

	snmp_sess_init(&s);
	s.peername = peer;
	s.version = o->snmp_version;
	s.retries = SNMP_RETRIES;
	s.timeout = (long)o->timeout * 1000000L / (SNMP_RETRIES + 1);
	if (o->snmp_version == SNMP_VERSION_3) {
		s.securityName = (char *)o->secname;
		s.securityNameLen = strlen(o->secname);
		s.securityLevel = o->seclevel;
		s.securityModel = SNMP_SEC_MODEL_USM;
		if (o->seclevel >= SNMP_SEC_LEVEL_AUTHNOPRIV) {
			s.securityAuthProto = (oid *)o->auth_proto;
			s.securityAuthProtoLen = o->auth_proto_len;
			s.securityAuthKeyLen = USM_AUTH_KU_LEN;
			rc = derive_key(&s, o->authpass, s.securityAuthKey,
			    &s.securityAuthKeyLen, "authentication", err,
			    errlen);
		}
		if (rc == 0 && o->seclevel == SNMP_SEC_LEVEL_AUTHPRIV) {
			s.securityPrivProto = (oid *)o->priv_proto;
			s.securityPrivProtoLen = o->priv_proto_len;
			s.securityPrivKeyLen = USM_PRIV_KU_LEN;
			rc = derive_key(&s, o->privpass, s.securityPrivKey,
			    &s.securityPrivKeyLen, "privacy", err, errlen);
		}
		explicit_bzero(o->authpass, sizeof(o->authpass));
		explicit_bzero(o->privpass, sizeof(o->privpass));
	} else {
		s.community = (u_char *)o->community;
		s.community_len = strlen(o->community);
	}
	/* SNMPv3 discovers the agent's engine here: it may time out. */
	if (rc == 0 && (a->handle = snmp_sess_open(&s)) == NULL) {
		snmp_error(&s, NULL, NULL, &liberr);
		rc = errorf(err, errlen, "no SNMP session with %s: %s", peer,
		    liberr ? liberr : "unknown error");
		free(liberr);
	}
	explicit_bzero(s.securityAuthKey, sizeof(s.securityAuthKey));
	explicit_bzero(s.securityPrivKey, sizeof(s.securityPrivKey));
	return rc;
}

static void
trace_pdu(const struct agent *a, const char *what, const netsnmp_pdu *pdu)
{
	const netsnmp_variable_list *vb;
	char buf[512];
	size_t n = 0;

	for (vb = pdu->variables; vb != NULL; vb = vb->next_variable)
		n++;
	fprintf(stderr, PROGNAME ": %s %s: %zu varbinds\n", what, a->peer, n);
	if (a->verbose < 3)
		return;
	for (vb = pdu->variables; vb != NULL; vb = vb->next_variable) {
		snprint_variable(buf, sizeof(buf), vb->name, vb->name_length,
		    vb);
		fprintf(stderr, "  %s\n", buf);
	}
}

/*
 * One request within the -t budget.  On success *resp is the agent's
 * answer (errstat may be set: the caller looks).  pdu is always consumed.
 */
static int
snmp_request(struct agent *a, netsnmp_pdu *pdu, netsnmp_pdu **resp,
    char *err, size_t errlen)
{
	netsnmp_session *s = snmp_sess_session(a->handle);
	uint64_t now = loop_clock_ms();
	char *liberr = NULL;
	int status, rc;

	*resp = NULL;
	if (now >= a->deadline) {
		snmp_free_pdu(pdu);
		return errorf(err, errlen, "%s: no complete answer within the "
		    "timeout (-t)", a->peer);
	}
	/* Read by the library at each send: the rest of the budget. */
	s->timeout = (long)((a->deadline - now) * 1000 / (SNMP_RETRIES + 1));
	s->retries = SNMP_RETRIES;
	if (a->verbose >= 2)
		trace_pdu(a, pdu->command == SNMP_MSG_GET ? "GET" : "GETBULK",
		    pdu);
	status = snmp_sess_synch_response(a->handle, pdu, resp);
	if (status == STAT_SUCCESS) {
		if (a->verbose >= 2)
			trace_pdu(a, "response from", *resp);
		return 0;
	}
	if (status == STAT_TIMEOUT)
		rc = errorf(err, errlen, "no answer from the SNMP agent at %s "
		    "(down? wrong port, community or SNMPv3 user?)", a->peer);
	else {
		snmp_sess_error(a->handle, NULL, NULL, &liberr);
		rc = errorf(err, errlen, "SNMP request to %s failed: %s",
		    a->peer, liberr ? liberr : "unknown error");
		free(liberr);
	}
	if (*resp != NULL)
		snmp_free_pdu(*resp);
	*resp = NULL;
	return rc;
}

/* Store one varbind of column col (of r's table) into r. */
static void
store_value(struct check_row *r, int col, const netsnmp_variable_list *vb)
{
	unsigned long u;
	long l;

	if (vb->type == ASN_OCTET_STR) {
		const char *s = (const char *)vb->val.string;

		if (r->table == TABLE_TARGETS && col == UPDPROBE_MIB_COL_SERVER) {
			copy_clean(r->server, sizeof(r->server), s, vb->val_len);
			return;
		}
		switch (col) {
		case UPDPROBE_MIB_COL_DETAIL:
			copy_clean(r->detail, sizeof(r->detail), s, vb->val_len);
			break;
		case UPDPROBE_MIB_COL_URL:
			copy_clean(r->url, sizeof(r->url), s, vb->val_len);
			break;
		case UPDPROBE_MIB_COL_VERSION:
			copy_clean(r->version, sizeof(r->version), s,
			    vb->val_len);
			break;
		}
		return;
	}
	if (vb->type != ASN_INTEGER && vb->type != ASN_UNSIGNED &&
	    vb->type != ASN_COUNTER && vb->type != ASN_TIMETICKS)
		return;		/* an exception: the value stays unknown */
	l = *vb->val.integer;
	u = vb->type == ASN_INTEGER ? (unsigned long)(l < 0 ? 0 : l) :
	    (unsigned long)l & 0xffffffffUL;
	if (r->table == TABLE_TARGETS && col == UPDPROBE_MIB_COL_SOURCE_STATE) {
		r->source_state = l;
		return;
	}
	if (r->table == TABLE_SERVERS) {
		if (col == UPDPROBE_MIB_SCOL_BASE_STATIONS) {
			r->base_stations = u;
			return;
		}
		if (col == UPDPROBE_MIB_SCOL_TYPE) {
			r->type = l;
			return;
		}
	}
	switch (col) {
	case UPDPROBE_MIB_COL_CODE:
		r->code = l;
		r->have_code = vb->type == ASN_INTEGER;
		break;
	case UPDPROBE_MIB_COL_STEP:
		r->step = l;
		break;
	case UPDPROBE_MIB_COL_LAST_PROBE:
		r->last_probe = u;
		break;
	case UPDPROBE_MIB_COL_DNS_TIME:
		r->ms[TM_DNS] = (double)u;
		break;
	case UPDPROBE_MIB_COL_CONNECT_TIME:
		r->ms[TM_CONNECT] = (double)u;
		break;
	case UPDPROBE_MIB_COL_DIRFILE_TIME:
		r->ms[TM_DIRFILE] = (double)u;
		break;
	case UPDPROBE_MIB_COL_FIRMWARE_TIME:
		r->ms[TM_FIRMWARE] = (double)u;
		break;
	case UPDPROBE_MIB_COL_HTTP_STATUS:
		r->http_status = l;
		break;
	case UPDPROBE_MIB_COL_FIRMWARE_SIZE:
		r->size = u;
		break;
	case UPDPROBE_MIB_COL_INTERVAL:
		r->interval = u;
		break;
	}
}

/* The instance suffix of target name: length, then the characters. */
static size_t
name_suffix(const char *name, oid *out)
{
	size_t i, n = strlen(name);

	out[0] = n;
	for (i = 0; i < n; i++)
		out[1 + i] = (unsigned char)name[i];
	return n + 1;
}

/* The target name of an instance suffix; -1 if it is not a valid one. */
static int
suffix_name(const oid *sfx, size_t len, char *name, size_t namelen)
{
	size_t i;

	if (len < 2 || sfx[0] != len - 1 || len - 1 > UPDPROBE_MIB_NAME_MAX ||
	    len > namelen)
		return -1;
	for (i = 1; i < len; i++) {
		if (sfx[i] < 0x21 || sfx[i] > 0x7e || sfx[i] == '|')
			return -1;
		name[i - 1] = (char)sfx[i];
	}
	name[len - 1] = '\0';
	return 0;
}

/* A response's error status as a message; 0 when there is none. */
static int
response_error(const struct agent *a, const netsnmp_pdu *resp, char *err,
    size_t errlen)
{
	if (resp->errstat == SNMP_ERR_NOERROR)
		return 0;
	return errorf(err, errlen, "the SNMP agent at %s answered: %s", a->peer,
	    snmp_errstring((int)resp->errstat));
}

/*
 * One row of table t: a GET of its columns.  Returns 0, -1 with err, or
 * 1 when the table has no such row (or the agent no such table).
 */
static int
fetch_one(struct agent *a, enum table t, const char *name,
    struct check_row *r, char *err, size_t errlen)
{
	netsnmp_pdu *pdu, *resp;
	netsnmp_variable_list *vb;
	oid o[MAX_OID_LEN];
	size_t i, base = UPDPROBE_MIB_TARGET_ENTRY_OID_LEN, len;
	int rc = 0;

	row_init(r);
	r->table = t;
	strlcpy(r->name, name, sizeof(r->name));
	memcpy(o, entry_of(t), sizeof(entry_oid));
	len = base + 1 + name_suffix(name, o + base + 1);
	pdu = snmp_pdu_create(SNMP_MSG_GET);
	for (i = 0; i < NCOLUMNS; i++) {
		o[base] = (oid)column(t, i);
		snmp_add_null_var(pdu, o, len);
	}
	if (snmp_request(a, pdu, &resp, err, errlen) == -1)
		return -1;
	if (response_error(a, resp, err, errlen) == -1) {
		snmp_free_pdu(resp);
		return -1;
	}
	for (vb = resp->variables, i = 0; vb != NULL && i < NCOLUMNS;
	    vb = vb->next_variable, i++)
		store_value(r, column(t, i), vb);
	vb = resp->variables;
	if (t == TABLE_TARGETS && vb != NULL && vb->type == SNMP_NOSUCHOBJECT)
		rc = errorf(err, errlen, "the SNMP agent at %s has no "
		    "UPDPROBE-MIB: is updprobed running and connected to "
		    "snmpd (AgentX), and may this community or user read it?",
		    a->peer);
	else if (vb == NULL || !r->have_code)
		rc = 1;
	snmp_free_pdu(resp);
	return rc;
}

/* The row of an index, added in OID order if new; NULL if out of memory. */
static struct check_row *
find_row(struct rows *rs, const char *name)
{
	size_t lo = 0, hi = rs->n, nlen = strlen(name);

	while (lo < hi) {	/* rows sorted as their OIDs: length, bytes */
		size_t mid = (lo + hi) / 2, mlen = strlen(rs->v[mid].name);
		int c = mlen != nlen ? (mlen < nlen ? -1 : 1) :
		    memcmp(rs->v[mid].name, name, nlen);

		if (c == 0)
			return &rs->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 64;
		struct check_row *v = reallocarray(rs->v, cap, sizeof(*v));

		if (v == NULL)
			return NULL;
		rs->v = v;
		rs->cap = cap;
	}
	memmove(&rs->v[lo + 1], &rs->v[lo], (rs->n - lo) * sizeof(*rs->v));
	rs->n++;
	row_init(&rs->v[lo]);
	strlcpy(rs->v[lo].name, name, sizeof(rs->v[lo].name));
	return &rs->v[lo];
}

/*
 * Is the agent serving UPDPROBE-MIB at all, and with updprobeServerTable?
 * GET updprobeTargetCount.0, updprobeServerCount.0 and
 * updprobeProvisioningBroken.0: *table is where every probe is listed.
 */
static int
check_mib_present(struct agent *a, enum table *table, unsigned long *broken,
    char *err, size_t errlen)
{
	static const oid which[] = { UPDPROBE_MIB_SCALAR_TARGET_COUNT,
	    UPDPROBE_MIB_SCALAR_SERVER_COUNT, UPDPROBE_MIB_SCALAR_PROV_BROKEN };
	oid o[UPDPROBE_MIB_AGENT_OID_LEN + 2];
	netsnmp_pdu *pdu, *resp;
	netsnmp_variable_list *vb, *sv;
	size_t i;
	int rc = 0;

	memcpy(o, agent_oid, sizeof(agent_oid));
	o[UPDPROBE_MIB_AGENT_OID_LEN + 1] = 0;
	pdu = snmp_pdu_create(SNMP_MSG_GET);
	for (i = 0; i < sizeof(which) / sizeof(which[0]); i++) {
		o[UPDPROBE_MIB_AGENT_OID_LEN] = which[i];
		snmp_add_null_var(pdu, o, UPDPROBE_MIB_AGENT_OID_LEN + 2);
	}
	if (snmp_request(a, pdu, &resp, err, errlen) == -1)
		return -1;
	vb = resp->variables;
	if (response_error(a, resp, err, errlen) == -1)
		rc = -1;
	else if (vb == NULL || vb->type != ASN_GAUGE)
		rc = errorf(err, errlen, "the SNMP agent at %s has no "
		    "UPDPROBE-MIB: is updprobed running and connected to "
		    "snmpd (AgentX), and may this community or user read it?",
		    a->peer);
	else {
		sv = vb->next_variable;
		*table = sv != NULL && sv->type == ASN_GAUGE ? TABLE_SERVERS :
		    TABLE_TARGETS;
		*broken = 0;
		if (sv != NULL && sv->next_variable != NULL &&
		    sv->next_variable->type == ASN_GAUGE)
			*broken = (unsigned long)*sv->next_variable->val.integer;
	}
	snmp_free_pdu(resp);
	return rc;
}

/*
 * Every row of table t: GETBULK walks of all columns side by side (the
 * target table's own columns left out: an agent with only the target
 * table may not have them).  A response holds max-repetitions rounds of
 * the active columns in request order; a column ends where its answers
 * leave the column.  Rows are joined by their index, so a row that
 * appears or goes during the walk (a reload) only misses some values.
 */
static int
fetch_all(struct agent *a, enum table t, struct rows *rs, char *err,
    size_t errlen)
{
	oid cur[NCOLUMNS][MAX_OID_LEN];
	size_t curlen[NCOLUMNS], active[NCOLUMNS], nactive, i, j;
	size_t base = UPDPROBE_MIB_TARGET_ENTRY_OID_LEN;
	size_t ncols = t == TABLE_SERVERS ? NCOLUMNS : NCOMMON;
	long reps = BULK_VARBINDS / (long)ncols;

	for (i = 0; i < NCOLUMNS; i++) {
		memcpy(cur[i], entry_of(t), sizeof(entry_oid));
		cur[i][base] = (oid)column(t, i);
		curlen[i] = base + 1;
		active[i] = i < ncols;
	}
	nactive = ncols;
	while (nactive > 0) {
		netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GETBULK), *resp;
		netsnmp_variable_list *vb;
		size_t map[NCOLUMNS], k = 0, seen = 0;

		pdu->non_repeaters = 0;
		pdu->max_repetitions = reps;
		for (i = 0; i < NCOLUMNS; i++)
			if (active[i]) {
				map[k++] = i;
				snmp_add_null_var(pdu, cur[i], curlen[i]);
			}
		if (snmp_request(a, pdu, &resp, err, errlen) == -1)
			return -1;
		if (resp->errstat == SNMP_ERR_TOOBIG && reps > 1) {
			reps /= 2;
			snmp_free_pdu(resp);
			continue;
		}
		if (response_error(a, resp, err, errlen) == -1) {
			snmp_free_pdu(resp);
			return -1;
		}
		for (vb = resp->variables, j = 0; vb != NULL;
		    vb = vb->next_variable, j++) {
			char name[UPDPROBE_MIB_NAME_MAX + 1];
			struct check_row *r;

			i = map[j % k];
			if (!active[i])
				continue;
			if (vb->type == SNMP_ENDOFMIBVIEW ||
			    vb->name_length <= base + 1 ||
			    vb->name_length > MAX_OID_LEN ||
			    snmp_oidtree_compare(cur[i], base + 1, vb->name,
			    vb->name_length) != 0 ||
			    snmp_oid_compare(vb->name, vb->name_length,
			    cur[i], curlen[i]) <= 0) {
				active[i] = 0;	/* past the column's end */
				nactive--;
				continue;
			}
			memcpy(cur[i], vb->name, vb->name_length * sizeof(oid));
			curlen[i] = vb->name_length;
			seen++;
			if (suffix_name(vb->name + base + 1,
			    vb->name_length - base - 1, name,
			    sizeof(name)) == -1)
				continue;	/* not a name updprobed makes */
			if ((r = find_row(rs, name)) == NULL) {
				snmp_free_pdu(resp);
				return errorf(err, errlen, "out of memory");
			}
			r->table = t;
			store_value(r, column(t, i), vb);
		}
		snmp_free_pdu(resp);
		if (seen == 0 && nactive > 0)
			return errorf(err, errlen, "the SNMP agent at %s sent an "
			    "empty GETBULK answer", a->peer);
	}
	return 0;
}

/* The interface of check_updprobe.h. */

struct agent *
agent_open(struct options *o, char *err, size_t errlen)
{
	struct agent *a;

	if ((a = calloc(1, sizeof(*a))) == NULL) {
		(void)errorf(err, errlen, "out of memory");
		return NULL;
	}
	a->verbose = o->verbose;
	a->deadline = loop_clock_ms() + (uint64_t)o->timeout * 1000;
	if (snmp_init_library() == -1) {
		(void)errorf(err, errlen, "cannot set up net-snmp");
		free(a);
		return NULL;
	}
	if (snmp_open_agent(o, a, err, errlen) == -1) {
		snmp_shutdown(PROGNAME);
		free(a);
		return NULL;
	}
	return a;
}

const char *
agent_peer(const struct agent *a)
{
	return a->peer;
}

int
agent_fetch_one(struct agent *a, const char *name, struct check_row *r,
    char *err, size_t errlen)
{
	int rc = fetch_one(a, TABLE_TARGETS, name, r, err, errlen);

	if (rc == 1)
		rc = fetch_one(a, TABLE_SERVERS, name, r, err, errlen);
	if (rc == 1)
		rc = errorf(err, errlen, "no target \"%s\" in the "
		    "updprobeTargetTable at %s (a name from updprobed.conf, or "
		    "a base station's), nor a server of that name in the "
		    "updprobeServerTable", name, a->peer);
	return rc;
}

int
agent_fetch_all(struct agent *a, struct rows *rs, enum table *table,
    unsigned long *broken, char *err, size_t errlen)
{
	if (check_mib_present(a, table, broken, err, errlen) == -1)
		return -1;
	return fetch_all(a, *table, rs, err, errlen);
}

void
agent_close(struct agent *a)
{
	snmp_sess_close(a->handle);
	snmp_shutdown(PROGNAME);
	free(a);
}
