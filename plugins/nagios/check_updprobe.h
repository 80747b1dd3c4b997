/*
 * check_updprobe.h - the parts of check_updprobe, the Nagios /
 * monitoring-plugins check of the "Code N" a Snom m3 DECT base station
 * would show if it tried a firmware update now.  As monitoring-plugins
 * does for its larger plugins, one file a job:
 *
 *   check_updprobe.c  main(): the arguments, the check, one exit
 *   options.c         the arguments and the help
 *   agent.c           the updprobed agent over SNMP: session, GET of one
 *                     row, GETBULK walk of the table
 *   render.c          the verdict on a row and the plugin output
 *
 * A row comes from the MIB (agent mode) or from the engine (--direct);
 * both are evaluated and rendered by the same code.
 */
#ifndef CHECK_UPDPROBE_H
#define CHECK_UPDPROBE_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "mib_oids.h"
#include "probe.h"
#include "target.h"

#define PROGNAME	"check_updprobe"

/* The monitoring-plugins' states, which are the exit status. */
enum state {
	STATE_OK = 0,
	STATE_WARNING = 1,
	STATE_CRITICAL = 2,
	STATE_UNKNOWN = 3
};

/* What process_arguments() decided. */
enum action {
	ACT_CHECK,
	ACT_HELP,
	ACT_VERSION,
	ACT_USAGE_ERROR
};

/* A row whose last probe is older than this many intervals is stale
 * (UPDPROBE-MIB, updprobeTargetLastProbe). */
#define STALE_INTERVALS		3
/* USM passphrases: net-snmp refuses fewer than 8 characters (RFC 3414's
 * advice) with a message on stderr; the plugin says it on stdout. */
#define USM_PASS_MIN		8

/* Per-step timings, in the order of the perfdata. */
enum timing { TM_DNS, TM_CONNECT, TM_DIRFILE, TM_FIRMWARE, TM_COUNT };

/* The table a row comes from. */
enum table {
	TABLE_TARGETS,		/* updprobeTargetTable: targets, base stations */
	TABLE_SERVERS		/* updprobeServerTable: every probe */
};

/*
 * One target's (or base station's, or server's) last result, from a MIB
 * row or from the engine, and the verdict on it.  Strings are sanitized
 * when stored (no control characters, no '|', which would end the text
 * of the plugin output).
 */
struct check_row {
	char		 name[UPDPROBE_MIB_NAME_MAX + 1];
	enum table	 table;
	/* updprobeTargetTable: the row's server, how it was read. */
	char		 server[UPDPROBE_MIB_SERVER_REF_MAX + 1];
	long		 source_state;	/* 0: not given */
	/* updprobeServerTable: the base stations that use it, its type. */
	unsigned long	 base_stations;
	long		 type;		/* 0: not given */
	int		 have_code;
	long		 code;		/* UpdprobeCode: -1, 0..12 */
	long		 step;		/* UpdprobeStep: -1, 1..7 */
	long		 http_status;
	char		 detail[UPDPROBE_MIB_DETAIL_MAX + 1];
	char		 url[UPDPROBE_MIB_URL_MAX + 1];
	char		 version[UPDPROBE_MIB_VERSION_MAX + 1];
	unsigned long	 last_probe;	/* UNIX time, 0 = never */
	unsigned long	 interval;	/* seconds, 0 = unknown */
	double		 ms[TM_COUNT];
	uint64_t	 size;

	/* The verdict (evaluate()). */
	enum state	 state;
	long		 age;		/* seconds since last_probe, -1 */
	char		 what[96];	/* "Code 3 file not found", "stale: ..." */
	char		 why[UPDPROBE_MIB_DETAIL_MAX + 96];
};

struct rows {
	struct check_row *v;
	size_t		 n, cap;
};

struct options {
	/* SNMP */
	const char	*host;
	unsigned	 port;
	const char	*community;
	long		 snmp_version;
	const char	*secname;
	int		 seclevel;	/* SNMP_SEC_LEVEL_*, 0 = by passwords */
	const oid	*auth_proto;
	size_t		 auth_proto_len;
	const oid	*priv_proto;
	size_t		 priv_proto_len;
	char		 authpass[SECRET_MAX + 1];
	char		 privpass[SECRET_MAX + 1];
	const char	*name;		/* -n: one target; --direct: label */
	int		 snmp_opts;	/* an SNMP-only option was given */

	/* Both */
	unsigned	 timeout;	/* seconds */
	int		 verbose;
	unsigned	 warn_mask, crit_mask;	/* bit N: code N */

	/* --direct */
	int		 direct;
	const char	*url;
	const char	*provisioning;
	struct target	 t;
	int		 direct_opts;	/* a --direct-only option was given */
};

/* options.c */
enum action	 process_arguments(int argc, char **argv, struct options *,
		    char *err, size_t errlen);
void		 print_usage(FILE *);
void		 print_help(void);

/* agent.c: an open session with the agent, within the -t budget. */
struct agent;
struct agent	*agent_open(struct options *, char *err, size_t errlen);
const char	*agent_peer(const struct agent *);
/*
 * One row: the target or base station name, else the server name.
 * Returns 0, or -1 with err when there is neither (or no agent).
 */
int		 agent_fetch_one(struct agent *, const char *name,
		    struct check_row *, char *err, size_t errlen);
/*
 * Every probe, in OID order: the rows of updprobeServerTable, or of
 * updprobeTargetTable from an agent without one (*table says which);
 * -1 also when the agent has no UPDPROBE-MIB.  *broken: base stations
 * whose provisioning file is broken (they have no server row).
 */
int		 agent_fetch_all(struct agent *, struct rows *, enum table *,
		    unsigned long *broken, char *err, size_t errlen);
void		 agent_close(struct agent *);

/* render.c */
void		 row_init(struct check_row *);
/* Copy len bytes into dst (size dstlen): control characters become
 * spaces, '|' (the perfdata separator) becomes '/'. */
void		 copy_clean(char *dst, size_t dstlen, const char *src,
		    size_t len);
void		 evaluate(const struct options *, struct check_row *,
		    time_t now);
/* CRITICAL > WARNING > UNKNOWN > OK, as the monitoring-plugins' max_state. */
int		 severity(enum state);
/* One row checked alone, named label; warnings from --direct. */
void		 render_one(const struct options *, const struct check_row *,
		    const char *label, char warnings[][PROBE_NOTE_MAX],
		    int nwarnings);
void		 render_all(const struct options *, const struct rows *,
		    enum table);

#endif
