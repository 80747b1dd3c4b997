/*
 * check_updprobe - Nagios / monitoring-plugins check of the "Code N" a
 * Snom m3 DECT base station would show if it tried a firmware update now.
 *
 * Two sources of the prediction:
 *   - the updprobed subagent: one row (-n TARGET) or every row of
 *     UPDPROBE-MIB::updprobeTargetTable, read over SNMP v2c or v3
 *     (agent.c);
 *   - --direct URL / --provisioning FILE: the probe engine itself, as the
 *     updprobe CLI runs it, with no agent.
 *
 * Both become the same struct check_row, evaluated and rendered by the
 * same code (render.c).  Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3
 * UNKNOWN.  main() reads like the monitoring-plugins' skeleton:
 * process_arguments(), the check, one exit with the state.
 */
#include <sys/prctl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check_updprobe.h"
#include "run.h"
#include "util.h"
#include "version.h"

/*
 * Base stations whose provisioning file is broken have no server row:
 * they are one row of their own in the worst-of-all check (code 6).
 */
static int
add_broken(struct rows *rs, unsigned long broken)
{
	struct check_row *r;

	if (broken == 0)
		return 0;
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 16;
		struct check_row *v = reallocarray(rs->v, cap, sizeof(*v));

		if (v == NULL)
			return -1;
		rs->v = v;
		rs->cap = cap;
	}
	r = &rs->v[rs->n++];
	row_init(r);
	r->table = TABLE_SERVERS;
	strlcpy(r->name, "provisioning-files", sizeof(r->name));
	r->have_code = 1;
	r->code = M3_SERVER_NOT_SPECIFIED;
	r->step = UPDPROBE_MIB_STEP_CONFIG;
	r->base_stations = broken;
	snprintf(r->detail, sizeof(r->detail), "%lu base station%s with a "
	    "broken provisioning file (updprobeTargetSourceState fileBroken; "
	    "the detail of each row says why)", broken, broken == 1 ? "" : "s");
	return 0;
}

/* Agent mode: returns the state and prints the plugin output. */
static enum state
check_agent(struct options *o)
{
	struct rows rs = { NULL, 0, 0 };
	struct check_row one;
	struct agent *a;
	char err[512];
	time_t now;
	enum state st = STATE_UNKNOWN;
	enum table table = TABLE_TARGETS;
	unsigned long broken = 0;
	size_t i, kept;

	if ((a = agent_open(o, err, sizeof(err))) == NULL) {
		printf("UPDPROBE UNKNOWN - %s\n", err);
		return STATE_UNKNOWN;
	}
	if (o->name != NULL) {
		if (agent_fetch_one(a, o->name, &one, err, sizeof(err)) == -1)
			printf("UPDPROBE UNKNOWN - %s\n", err);
		else {
			evaluate(o, &one, time(NULL));
			render_one(o, &one, one.name, NULL, 0);
			st = one.state;
		}
	} else if (agent_fetch_all(a, &rs, &table, &broken, err,
	    sizeof(err)) == -1)
		printf("UPDPROBE UNKNOWN - %s\n", err);
	else {
		now = time(NULL);
		for (i = kept = 0; i < rs.n; i++)
			if (rs.v[i].have_code) /* else it went during the walk */
				rs.v[kept++] = rs.v[i];
		rs.n = kept;
		if (add_broken(&rs, broken) == -1) {
			printf("UPDPROBE UNKNOWN - out of memory\n");
			rs.n = 0;
		}
		for (i = 0; i < rs.n; i++) {
			evaluate(o, &rs.v[i], now);
			if (severity(rs.v[i].state) > severity(st) || i == 0)
				st = rs.v[i].state;
		}
		if (rs.n == 0)
			printf("UPDPROBE UNKNOWN - the %s at %s is empty: no "
			    "target or provisioningDir in updprobed.conf?\n",
			    table == TABLE_SERVERS ? "updprobeServerTable" :
			    "updprobeTargetTable", agent_peer(a));
		else
			render_all(o, &rs, table);
	}
	free(rs.v);
	agent_close(a);
	return st;
}

/* A result of the engine as a row, named label. */
static void
row_from_result(const struct probe_result *p, const char *label,
    struct check_row *r)
{
	row_init(r);
	copy_clean(r->name, sizeof(r->name), label, strlen(label));
	r->have_code = 1;
	r->code = p->code;
	r->step = UPDPROBE_MIB_STEP_FROM_ENGINE(p->step);
	r->http_status = p->http_status;
	copy_clean(r->detail, sizeof(r->detail), p->detail, strlen(p->detail));
	copy_clean(r->url, sizeof(r->url), p->url, strlen(p->url));
	copy_clean(r->version, sizeof(r->version), p->version,
	    strlen(p->version));
	r->last_probe = (unsigned long)time(NULL);
	r->ms[TM_DNS] = p->steps[STEP_DNS].ms;
	r->ms[TM_CONNECT] = p->steps[STEP_CONNECT].ms;
	r->ms[TM_DIRFILE] = p->steps[STEP_DIRFILE].ms;
	r->ms[TM_FIRMWARE] = p->steps[STEP_FIRMWARE].ms;
	r->size = p->firmware_size;
}

/* --direct: the probe engine, as the updprobe CLI runs it. */
static enum state
check_direct(struct options *o)
{
	struct probe_result *res;
	struct check_row r;
	char label[PROBE_URL_MAX], err[256];
	int i, rc;

	/* The result is large (its warnings and notes): on the heap. */
	if ((res = calloc(1, sizeof(*res))) == NULL) {
		printf("UPDPROBE UNKNOWN - out of memory\n");
		return STATE_UNKNOWN;
	}
	rc = probe_run_once(&o->t, res, err, sizeof(err));
	target_clear(&o->t);
	if (rc == -1 || res->local_error != 0) {
		/* Nothing to say of the server: this host failed. */
		printf("UPDPROBE UNKNOWN - %s\n", rc == -1 ? err : res->detail);
		free(res);
		return STATE_UNKNOWN;
	}
	if (o->name != NULL)
		copy_clean(label, sizeof(label), o->name, strlen(o->name));
	else
		copy_clean(label, sizeof(label), res->url, strlen(res->url));
	row_from_result(res, label, &r);
	evaluate(o, &r, time(NULL));
	for (i = 0; i < res->nwarnings; i++)
		copy_clean(res->warnings[i], PROBE_NOTE_MAX, res->warnings[i],
		    strlen(res->warnings[i]));
	render_one(o, &r, label, res->warnings, res->nwarnings);
	free(res);
	return r.state;
}

int
main(int argc, char **argv)
{
	struct options *o;
	char err[512];
	enum state st = STATE_UNKNOWN;

	/* Secrets may be read: no core dumps, no ptrace by others. */
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* struct target holds a few KiB: keep it off the stack. */
	if ((o = calloc(1, sizeof(*o))) == NULL) {
		printf("UPDPROBE UNKNOWN - out of memory\n");
		return STATE_UNKNOWN;
	}
	switch (process_arguments(argc, argv, o, err, sizeof(err))) {
	case ACT_HELP:
		print_help();
		break;
	case ACT_VERSION:
		printf(PROGNAME " %s\n", updprobe_version);
		break;
	case ACT_USAGE_ERROR:
		printf("UPDPROBE UNKNOWN - %s\n", err);
		print_usage(stdout);
		break;
	case ACT_CHECK:
		st = o->direct ? check_direct(o) : check_agent(o);
		break;
	}
	target_clear(&o->t);
	explicit_bzero(o->authpass, sizeof(o->authpass));
	explicit_bzero(o->privpass, sizeof(o->privpass));
	free(o);
	if (fflush(stdout) == EOF)
		st = STATE_UNKNOWN;
	return st;
}
