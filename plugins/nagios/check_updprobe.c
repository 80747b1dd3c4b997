/*
 * check_updprobe - Nagios / monitoring-plugins check of the "Code N" a
 * Snom m3 DECT base station would show if it tried a firmware update now.
 *
 * Two sources of the prediction:
 *   - the updprobed subagent: one row (-n TARGET) or every row of
 *     UPDPROBE-MIB::updprobeTargetTable, read over SNMP v2c or v3 with
 *     net-snmp's client library (numeric OIDs from agent/mib_oids.h: no
 *     MIB file is needed at run time);
 *   - --direct URL / --provisioning FILE: the probe engine itself
 *     (build/libengine.a, as the updprobe CLI runs it), with no agent.
 *
 * Both become the same struct row, evaluated and rendered by the same
 * code: "UPDPROBE STATE - target: Code N name (detail) | perfdata", long
 * output after it.  Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
 *
 * main() reads like the monitoring-plugins' skeleton: process_arguments(),
 * the check, one exit with the state.
 */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "codes.h"
#include "loop.h"
#include "mib_oids.h"
#include "probe.h"
#include "target.h"
#include "util.h"

#ifndef UPDPROBE_VERSION
#define UPDPROBE_VERSION	"0.1"
#endif
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

#define DEFAULT_HOST		"localhost"
#define DEFAULT_PORT		161
#define DEFAULT_COMMUNITY	"public"
/* The monitoring-plugins' customary default; in --direct mode it is the
 * probe's per-step timeout (updprobe's default is 30 s, the device's). */
#define DEFAULT_TIMEOUT_S	10
/* Default code lists: 5 (timeout) is often transient; every other code a
 * probe can predict means the update would fail.  8 is never predicted
 * (device-internal) but included: an agent that reports it reports a
 * failed update. */
#define DEFAULT_WARNING		"5"
#define DEFAULT_CRITICAL	"1-4,6-12"
/* A row whose last probe is older than this many intervals is stale
 * (UPDPROBE-MIB, updprobeTargetLastProbe). */
#define STALE_INTERVALS		3
/* The monitoring-plugins' guideline: the first line under 80 characters. */
#define FIRST_LINE_MAX		79
/* A detail cut to fewer characters than this is left out instead. */
#define DETAIL_MIN		12
/* A label (the target) is never cut below this. */
#define LABEL_MIN		16
/* SNMP retries per request; the -t budget is shared between the tries. */
#define SNMP_RETRIES		1
/* Rows per GETBULK: 13 columns x 7 rows = 91 varbinds, under snmpd's
 * default maxGetbulkResponses (100), and at most ~5 KiB (a row is up to
 * ~700 bytes), inside a UDP datagram.  A shorter answer is simply
 * continued; a tooBig error halves it. */
#define BULK_REPETITIONS	7
/* USM passphrases: net-snmp refuses fewer than 8 characters (RFC 3414's
 * advice) with a message on stderr; the plugin says it on stdout. */
#define USM_PASS_MIN		8
#define USM_PASS_MAX		256
/* --direct: the engine's hard limit is timeout * (steps - 1) + 2 s; the
 * plugin gives up a little after that, if the engine ever did not. */
#define DIRECT_GUARD_SLACK_MS	5000

/* The columns read, in request order. */
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
#define NCOLUMNS	(sizeof(columns) / sizeof(columns[0]))

static const oid entry_oid[] = { UPDPROBE_MIB_TARGET_ENTRY_OID };
static const oid agent_oid[] = { UPDPROBE_MIB_AGENT_OID };

/* Per-step timings, in the order of the perfdata. */
enum timing { TM_DNS, TM_CONNECT, TM_DIRFILE, TM_FIRMWARE, TM_COUNT };
static const char *const timing_label[TM_COUNT] = {
	"dns", "connect", "dirfile", "firmware"
};

/*
 * One target's last result, from a MIB row or from the engine, and the
 * verdict on it.  Strings are sanitized when stored (no control
 * characters, no '|', which would end the text of the plugin output).
 */
struct row {
	char		 name[UPDPROBE_MIB_NAME_MAX + 1];
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
	struct row	*v;
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
	char		 authpass[USM_PASS_MAX];
	char		 privpass[USM_PASS_MAX];
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

/* An open agent session and the -t budget. */
struct agent {
	void		*handle;	/* snmp_sess_open() */
	const char	*peer;
	uint64_t	 deadline;	/* loop_clock_ms() */
	int		 verbose;
};

static const char *const state_name[] = {
	"OK", "WARNING", "CRITICAL", "UNKNOWN"
};

/* ------------------------------------------------------------------------
 * Help.
 */

static void
print_usage(FILE *fp)
{
	fprintf(fp,
"Usage: " PROGNAME " [-H host] [-p port] [-C community] [-n target]\n"
"       [-w codes] [-c codes] [-t timeout] [-v]\n"
"       [-P 3 -U secname [-L seclevel] [-a authproto] [-A authpass |\n"
"       --authpass-file F] [-x privproto] [-X privpass | --privpass-file F]]\n"
"   or: " PROGNAME " --direct URL | --provisioning FILE [-n label]\n"
"       [-w codes] [-c codes] [-t timeout] [updprobe options]\n");
}

static void
print_help(void)
{
	printf(PROGNAME " " UPDPROBE_VERSION "\n"
"Checks the \"Code N\" a Snom m3 DECT base station would show if it tried a\n"
"firmware update now, as predicted by updprobe: from the updprobed agent\n"
"(UPDPROBE-MIB, over SNMP) or with --direct by probing the server itself.\n"
"\n");
	print_usage(stdout);
	printf("\n"
"Agent (SNMP) mode:\n"
" -H, --hostname=HOST    snmpd with the updprobed subagent (default %s)\n"
" -p, --port=PORT        its UDP port (default %d)\n"
" -C, --community=NAME   SNMPv2c community (default %s)\n"
" -n, --name=TARGET      check this target only (updprobed.conf's name);\n"
"                        without -n every target is checked, the worst wins\n"
" -P, --protocol=2c|3    SNMP version (default 2c)\n"
" -U, --secname=USER     SNMPv3 user\n"
" -L, --seclevel=LEVEL   noAuthNoPriv, authNoPriv or authPriv (default:\n"
"                        from the passwords given)\n"
" -a, --authproto=PROTO  MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512\n"
"                        (default SHA)\n"
" -A, --authpasswd=PASS  SNMPv3 authentication passphrase\n"
" -x, --privproto=PROTO  DES or AES (default AES)\n"
" -X, --privpasswd=PASS  SNMPv3 privacy passphrase\n"
"     --authpass-file=F, --privpass-file=F\n"
"                        read the passphrase from the first line of file F\n"
"                        (mode 600): unlike -A/-X it does not appear in the\n"
"                        process list or in the Nagios object configuration\n"
"\n"
"Direct mode (no agent; the options of updprobe(1)):\n"
"     --direct=URL       probe http(s):// or tftp://HOST[:PORT]/FOLDER/\n"
"     --provisioning=F   probe the server of an m3 provisioning file\n"
"     --version=V        firmware version to select (4 digits; default: the\n"
"                        newest); -V prints the plugin's version\n"
"     --language=L, --user=U, --password-file=F, --dns-server=A[:P],\n"
"     --max-size=N, --dirfile-name=NAME, --full, --insecure\n"
"                        as in updprobe(1)\n"
" -n, --name=LABEL       name the target in the output (default: the URL)\n"
" -t, --timeout=S        here: the device's patience per step, as updprobe\n"
"                        --timeout (default %d; the device waits %d s); the\n"
"                        probe ends within 5 * S + 2 s: Nagios's\n"
"                        service_check_timeout must be larger\n"
"\n"
"Both modes:\n"
" -w, --warning=CODES    codes that are WARNING (default %s)\n"
" -c, --critical=CODES   codes that are CRITICAL (default %s)\n"
"                        CODES: 0-12 as a list like 5 or 1-4,6-12, \"\" none.\n"
"                        A code in both lists is CRITICAL; a code given with\n"
"                        -w alone leaves the default critical list; a code in\n"
"                        neither list is OK\n"
" -t, --timeout=S        seconds for all SNMP requests (default %d)\n"
" -v, --verbose          more long output (-vv: SNMP trace on stderr)\n"
" -V                     print the plugin's version\n"
" -h, --help             this help\n"
"\n"
"States: code 0 OK; codes in -w WARNING; codes in -c CRITICAL; a target not\n"
"probed yet (code -1), a row whose last probe is older than %d intervals\n"
"(stale: updprobed is not probing it; clocks must agree, use NTP), an agent\n"
"that does not answer or has no such target: UNKNOWN.  With every target,\n"
"CRITICAL > WARNING > UNKNOWN > OK and the first line names the worst.\n"
"\n"
"Perfdata: dns, connect, dirfile, firmware (s), size (B) of the last probe;\n"
"with every target: counts of targets by state on the first line, then\n"
"TARGET_dns ... TARGET_size after the long output.\n",
	    DEFAULT_HOST, DEFAULT_PORT, DEFAULT_COMMUNITY, DEFAULT_TIMEOUT_S,
	    TARGET_DEFAULT_TIMEOUT, DEFAULT_WARNING, DEFAULT_CRITICAL,
	    DEFAULT_TIMEOUT_S, STALE_INTERVALS);
}

/* ------------------------------------------------------------------------
 * Small helpers.
 */

/* Copy len bytes into dst (size dstlen): control characters become spaces,
 * '|' (the perfdata separator of plugin output) becomes '/'. */
static void
copy_clean(char *dst, size_t dstlen, const char *src, size_t len)
{
	size_t i;

	if (dstlen == 0)
		return;
	if (len > dstlen - 1)
		len = dstlen - 1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];

		if (c == '|')
			c = '/';
		else if (c < 0x20 || c == 0x7f)
			c = ' ';
		dst[i] = (char)c;
	}
	dst[len] = '\0';
}

/* The length of s cut to at most n bytes, not inside a UTF-8 sequence. */
static size_t
utf8_cut(const char *s, size_t n)
{
	size_t len = strlen(s);

	if (len <= n)
		return len;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/* "5", "1-4,6-12", "" -> bit mask of codes 0..M3_CODE_MAX. */
static int
parse_code_list(const char *s, unsigned *mask)
{
	unsigned m = 0;
	const char *p = s;

	while (*p != '\0') {
		char *end;
		long lo, hi;

		if (*p < '0' || *p > '9')
			return -1;
		lo = strtol(p, &end, 10);
		hi = lo;
		if (*end == '-') {
			p = end + 1;
			if (*p < '0' || *p > '9')
				return -1;
			hi = strtol(p, &end, 10);
		}
		if (lo < 0 || hi > M3_CODE_MAX || lo > hi)
			return -1;
		for (; lo <= hi; lo++)
			m |= 1u << lo;
		p = end;
		if (*p == ',' && p[1] != '\0')
			p++;
		else if (*p != '\0')
			return -1;
	}
	*mask = m;
	return 0;
}

/*
 * Read the first line of a passphrase file into buf.  Like updprobe's
 * password files, a file group or others may read is refused.
 */
static int
read_secret_file(const char *path, char *buf, size_t len, char *err,
    size_t errlen)
{
	struct stat st;
	ssize_t n;
	size_t got = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return fail(err, errlen, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail(err, errlen, "%s: not a regular file", path);
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		close(fd);
		return fail(err, errlen, "%s: group or others may read it "
		    "(chmod 600)", path);
	}
	while (got < len - 1 &&
	    (n = read(fd, buf + got, len - 1 - got)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			close(fd);
			explicit_bzero(buf, len);
			return fail(err, errlen, "%s: %s", path,
			    strerror(errno));
		}
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (buf[0] == '\0')
		return fail(err, errlen, "%s: empty first line", path);
	return 0;
}

/* A passphrase from the command line: copied, then blanked in argv so that
 * the process list shows it only for the first moments. */
static int
take_secret(char *arg, char *buf, size_t len, char *err, size_t errlen)
{
	if (strlcpy(buf, arg, len) >= len)
		return fail(err, errlen, "passphrase longer than %zu bytes",
		    len - 1);
	memset(arg, 'x', strlen(arg));
	return 0;
}

static const struct {
	const char	*name;
	const oid	*proto;
} auth_protos[] = {
#ifndef NETSNMP_DISABLE_MD5
	{ "MD5", usmHMACMD5AuthProtocol },
#endif
	{ "SHA", usmHMACSHA1AuthProtocol },
	{ "SHA1", usmHMACSHA1AuthProtocol },
	{ "SHA-224", usmHMAC128SHA224AuthProtocol },
	{ "SHA-256", usmHMAC192SHA256AuthProtocol },
	{ "SHA-384", usmHMAC256SHA384AuthProtocol },
	{ "SHA-512", usmHMAC384SHA512AuthProtocol },
}, priv_protos[] = {
#ifndef NETSNMP_DISABLE_DES
	{ "DES", usmDESPrivProtocol },
#endif
	{ "AES", usmAESPrivProtocol },
	{ "AES128", usmAESPrivProtocol },
};
/* Every protocol OID of net-snmp's transform_oids.h has 10 arcs. */
#define USM_PROTO_LEN	10

/* ------------------------------------------------------------------------
 * Arguments.
 */

enum {
	OPT_AUTHPASS_FILE = 256, OPT_PRIVPASS_FILE, OPT_DIRECT,
	OPT_PROVISIONING, OPT_FW_VERSION, OPT_LANGUAGE, OPT_USER,
	OPT_PASSWORD_FILE, OPT_DNS, OPT_MAXSIZE, OPT_DIRFILE, OPT_FULL,
	OPT_INSECURE
};

/* --direct options that are target settings, as in updprobe.c. */
static const struct {
	int		 opt;
	const char	*key;
} target_keys[] = {
	{ OPT_FW_VERSION, "version" },
	{ OPT_LANGUAGE, "language" },
	{ OPT_USER, "user" },
	{ OPT_PASSWORD_FILE, "passwordFile" },
	{ OPT_DNS, "dnsServer" },
	{ OPT_MAXSIZE, "maxSize" },
	{ OPT_DIRFILE, "dirFile" },
};

static int
lookup_proto(const char *arg, int auth, struct options *o)
{
	size_t i, n = auth ? sizeof(auth_protos) / sizeof(auth_protos[0]) :
	    sizeof(priv_protos) / sizeof(priv_protos[0]);

	for (i = 0; i < n; i++) {
		const char *name = auth ? auth_protos[i].name :
		    priv_protos[i].name;

		if (strcasecmp(arg, name) != 0)
			continue;
		if (auth) {
			o->auth_proto = auth_protos[i].proto;
			o->auth_proto_len = USM_PROTO_LEN;
		} else {
			o->priv_proto = priv_protos[i].proto;
			o->priv_proto_len = USM_PROTO_LEN;
		}
		return 0;
	}
	return -1;
}

/* The options that only SNMP mode knows; returns 1 if handled. */
static int
snmp_option(int ch, char *arg, struct options *o, char *err, size_t errlen,
    int *bad)
{
	unsigned long v;
	char *end;

	*bad = 0;
	switch (ch) {
	case 'H':
		o->host = arg;
		break;
	case 'p':
		v = strtoul(arg, &end, 10);
		if (*arg == '\0' || *end != '\0' || v == 0 || v > 65535)
			*bad = fail(err, errlen, "-p \"%s\": a port 1-65535 "
			    "expected", arg);
		o->port = (unsigned)v;
		break;
	case 'C':
		o->community = arg;
		break;
	case 'P':
		if (strcmp(arg, "2c") == 0)
			o->snmp_version = SNMP_VERSION_2c;
		else if (strcmp(arg, "3") == 0)
			o->snmp_version = SNMP_VERSION_3;
		else
			*bad = fail(err, errlen, "-P \"%s\": 2c or 3 expected "
			    "(GETBULK needs SNMPv2c or later)", arg);
		break;
	case 'U':
		o->secname = arg;
		break;
	case 'L':
		if (strcasecmp(arg, "noAuthNoPriv") == 0)
			o->seclevel = SNMP_SEC_LEVEL_NOAUTH;
		else if (strcasecmp(arg, "authNoPriv") == 0)
			o->seclevel = SNMP_SEC_LEVEL_AUTHNOPRIV;
		else if (strcasecmp(arg, "authPriv") == 0)
			o->seclevel = SNMP_SEC_LEVEL_AUTHPRIV;
		else
			*bad = fail(err, errlen, "-L \"%s\": noAuthNoPriv, "
			    "authNoPriv or authPriv expected", arg);
		break;
	case 'a':
		if (lookup_proto(arg, 1, o) == -1)
			*bad = fail(err, errlen, "-a \"%s\": MD5, SHA, SHA-224, "
			    "SHA-256, SHA-384 or SHA-512 expected", arg);
		break;
	case 'x':
		if (lookup_proto(arg, 0, o) == -1)
			*bad = fail(err, errlen, "-x \"%s\": DES or AES "
			    "expected", arg);
		break;
	case 'A':
		*bad = take_secret(arg, o->authpass, sizeof(o->authpass), err,
		    errlen);
		break;
	case 'X':
		*bad = take_secret(arg, o->privpass, sizeof(o->privpass), err,
		    errlen);
		break;
	case OPT_AUTHPASS_FILE:
		*bad = read_secret_file(arg, o->authpass, sizeof(o->authpass),
		    err, errlen);
		break;
	case OPT_PRIVPASS_FILE:
		*bad = read_secret_file(arg, o->privpass, sizeof(o->privpass),
		    err, errlen);
		break;
	default:
		return 0;
	}
	o->snmp_opts = 1;
	return 1;
}

/* The options that only --direct mode knows; returns 1 if handled. */
static int
direct_option(int ch, const char *arg, struct options *o, char *err,
    size_t errlen, int *bad)
{
	size_t i;

	*bad = 0;
	for (i = 0; i < sizeof(target_keys) / sizeof(target_keys[0]); i++)
		if (target_keys[i].opt == ch) {
			*bad = target_set_option(&o->t, target_keys[i].key,
			    arg, err, errlen);
			o->direct_opts = 1;
			return 1;
		}
	switch (ch) {
	case OPT_DIRECT:
		o->url = arg;
		o->direct = 1;
		break;
	case OPT_PROVISIONING:
		o->provisioning = arg;
		o->direct = 1;
		break;
	case OPT_FULL:
		o->t.full_download = 1;
		break;
	case OPT_INSECURE:
		o->t.insecure = 1;
		break;
	default:
		return 0;
	}
	o->direct_opts = 1;
	return 1;
}

/* After the options: the combinations, and the target of --direct. */
static int
validate_arguments(struct options *o, char *err, size_t errlen)
{
	if (!o->direct) {
		if (o->direct_opts)
			return fail(err, errlen, "the updprobe options need "
			    "--direct URL or --provisioning FILE");
		if (o->name != NULL && target_set_name(&o->t, o->name, err,
		    errlen) == -1)
			return -1;
		if (o->snmp_version == SNMP_VERSION_3 && o->secname == NULL)
			return fail(err, errlen, "-P 3 needs -U secname");
		if (o->snmp_version != SNMP_VERSION_3 && (o->secname != NULL ||
		    o->authpass[0] != '\0' || o->privpass[0] != '\0'))
			return fail(err, errlen, "-U, -A and -X need -P 3");
		if (o->seclevel == 0)
			o->seclevel = o->privpass[0] != '\0' ?
			    SNMP_SEC_LEVEL_AUTHPRIV : o->authpass[0] != '\0' ?
			    SNMP_SEC_LEVEL_AUTHNOPRIV : SNMP_SEC_LEVEL_NOAUTH;
		if (o->seclevel >= SNMP_SEC_LEVEL_AUTHNOPRIV &&
		    o->authpass[0] == '\0')
			return fail(err, errlen, "-L authNoPriv and authPriv "
			    "need -A or --authpass-file");
		if (o->seclevel == SNMP_SEC_LEVEL_AUTHPRIV &&
		    o->privpass[0] == '\0')
			return fail(err, errlen, "-L authPriv needs -X or "
			    "--privpass-file");
		if ((o->seclevel >= SNMP_SEC_LEVEL_AUTHNOPRIV &&
		    strlen(o->authpass) < USM_PASS_MIN) ||
		    (o->seclevel == SNMP_SEC_LEVEL_AUTHPRIV &&
		    strlen(o->privpass) < USM_PASS_MIN))
			return fail(err, errlen, "SNMPv3 passphrases have %d "
			    "characters at least", USM_PASS_MIN);
		return 0;
	}
	if (o->snmp_opts)
		return fail(err, errlen, "-H, -p, -C and the SNMPv3 options "
		    "are not used with --direct or --provisioning");
	if ((o->url == NULL) == (o->provisioning == NULL))
		return fail(err, errlen, "give either --direct URL or "
		    "--provisioning FILE");
	if (o->url != NULL &&
	    target_set_url(&o->t, o->url, err, errlen) == -1)
		return -1;
	if (o->provisioning != NULL &&
	    target_set_provisioning(&o->t, o->provisioning, err, errlen) == -1)
		return -1;
	if (o->t.password[0] != '\0' && o->t.user[0] == '\0')
		return fail(err, errlen, "--password-file needs --user");
	o->t.timeout_ms = o->timeout * 1000;
	return 0;
}

static enum action
process_arguments(int argc, char **argv, struct options *o, char *err,
    size_t errlen)
{
	static const struct option longopts[] = {
		{ "hostname", required_argument, NULL, 'H' },
		{ "port", required_argument, NULL, 'p' },
		{ "community", required_argument, NULL, 'C' },
		{ "name", required_argument, NULL, 'n' },
		{ "warning", required_argument, NULL, 'w' },
		{ "critical", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "protocol", required_argument, NULL, 'P' },
		{ "secname", required_argument, NULL, 'U' },
		{ "seclevel", required_argument, NULL, 'L' },
		{ "authproto", required_argument, NULL, 'a' },
		{ "authpasswd", required_argument, NULL, 'A' },
		{ "privproto", required_argument, NULL, 'x' },
		{ "privpasswd", required_argument, NULL, 'X' },
		{ "authpass-file", required_argument, NULL, OPT_AUTHPASS_FILE },
		{ "privpass-file", required_argument, NULL, OPT_PRIVPASS_FILE },
		{ "direct", required_argument, NULL, OPT_DIRECT },
		{ "provisioning", required_argument, NULL, OPT_PROVISIONING },
		{ "version", required_argument, NULL, OPT_FW_VERSION },
		{ "language", required_argument, NULL, OPT_LANGUAGE },
		{ "user", required_argument, NULL, OPT_USER },
		{ "password-file", required_argument, NULL, OPT_PASSWORD_FILE },
		{ "dns-server", required_argument, NULL, OPT_DNS },
		{ "max-size", required_argument, NULL, OPT_MAXSIZE },
		{ "dirfile-name", required_argument, NULL, OPT_DIRFILE },
		{ "full", no_argument, NULL, OPT_FULL },
		{ "insecure", no_argument, NULL, OPT_INSECURE },
		{ NULL, 0, NULL, 0 }
	};
	const char *warn = NULL, *crit = NULL;
	unsigned wmask, cmask;
	int ch, bad;

	o->host = DEFAULT_HOST;
	o->port = DEFAULT_PORT;
	o->community = DEFAULT_COMMUNITY;
	o->snmp_version = SNMP_VERSION_2c;
	o->auth_proto = usmHMACSHA1AuthProtocol;
	o->auth_proto_len = USM_PROTO_LEN;
	o->priv_proto = usmAESPrivProtocol;
	o->priv_proto_len = USM_PROTO_LEN;
	o->timeout = DEFAULT_TIMEOUT_S;
	target_init(&o->t);
	strlcpy(o->t.name, "direct", sizeof(o->t.name));

	opterr = 0;
	while ((ch = getopt_long(argc, argv,
	    "H:p:C:n:w:c:t:vVhP:U:L:a:A:x:X:", longopts, NULL)) != -1) {
		if (snmp_option(ch, optarg, o, err, errlen, &bad) ||
		    direct_option(ch, optarg, o, err, errlen, &bad)) {
			if (bad)
				return ACT_USAGE_ERROR;
			continue;
		}
		switch (ch) {
		case 'n':
			o->name = optarg;
			break;
		case 'w':
			warn = optarg;
			break;
		case 'c':
			crit = optarg;
			break;
		case 't':
			if (parse_seconds(optarg, &o->timeout) == -1) {
				fail(err, errlen, "-t \"%s\": whole seconds "
				    "1-3600 expected", optarg);
				return ACT_USAGE_ERROR;
			}
			break;
		case 'v':
			o->verbose++;
			break;
		case 'V':
			return ACT_VERSION;
		case 'h':
			return ACT_HELP;
		default:
			fail(err, errlen, "unknown option or missing argument: "
			    "%s", argv[optind - 1]);
			return ACT_USAGE_ERROR;
		}
	}
	if (optind < argc) {
		fail(err, errlen, "unexpected argument: %s", argv[optind]);
		return ACT_USAGE_ERROR;
	}
	if (warn != NULL && parse_code_list(warn, &wmask) == -1) {
		fail(err, errlen, "-w \"%s\": codes 0-%d like 5 or 1-4,6-12 "
		    "expected", warn, M3_CODE_MAX);
		return ACT_USAGE_ERROR;
	}
	if (crit != NULL && parse_code_list(crit, &cmask) == -1) {
		fail(err, errlen, "-c \"%s\": codes 0-%d like 5 or 1-4,6-12 "
		    "expected", crit, M3_CODE_MAX);
		return ACT_USAGE_ERROR;
	}
	parse_code_list(DEFAULT_WARNING, &o->warn_mask);
	parse_code_list(DEFAULT_CRITICAL, &o->crit_mask);
	if (warn != NULL) {
		o->warn_mask = wmask;
		if (crit == NULL)	/* -w 2,5 alone makes 2 a warning */
			o->crit_mask &= ~wmask;
	}
	if (crit != NULL)
		o->crit_mask = cmask;
	if (validate_arguments(o, err, errlen) == -1)
		return ACT_USAGE_ERROR;
	return ACT_CHECK;
}

/* ------------------------------------------------------------------------
 * The verdict on one row.
 */

static void
evaluate(const struct options *o, struct row *r, time_t now)
{
	const char *name = m3_code_name((int)r->code);

	r->age = -1;
	if (r->last_probe > 0)
		r->age = now > (time_t)r->last_probe ?
		    (long)(now - (time_t)r->last_probe) : 0;
	if (r->code == UPDPROBE_MIB_CODE_NOT_PROBED) {
		r->state = STATE_UNKNOWN;
		snprintf(r->what, sizeof(r->what), "Code -1 not probed yet");
		snprintf(r->why, sizeof(r->why), "no probe of this target has "
		    "completed since updprobed started or loaded it");
		return;
	}
	if (r->code < 0 || r->code > M3_CODE_MAX) {
		r->state = STATE_UNKNOWN;
		snprintf(r->what, sizeof(r->what), "code %ld unknown", r->code);
		snprintf(r->why, sizeof(r->why), "not a Snom m3 code: a newer "
		    "agent? %s", r->detail);
		return;
	}
	if (r->interval > 0 && r->age >= 0 &&
	    (unsigned long)r->age > STALE_INTERVALS * r->interval) {
		r->state = STATE_UNKNOWN;
		snprintf(r->what, sizeof(r->what), "stale: last probe %ld s ago",
		    r->age);
		snprintf(r->why, sizeof(r->why), "interval %lu s; last result "
		    "Code %ld %s", r->interval, r->code, name);
		return;
	}
	if (o->crit_mask & (1u << r->code))
		r->state = STATE_CRITICAL;
	else if (o->warn_mask & (1u << r->code))
		r->state = STATE_WARNING;
	else
		r->state = STATE_OK;
	snprintf(r->what, sizeof(r->what), "Code %ld %s", r->code, name);
	snprintf(r->why, sizeof(r->why), "%s", r->detail);
}

/* CRITICAL > WARNING > UNKNOWN > OK, as the monitoring-plugins' max_state. */
static int
severity(enum state s)
{
	static const int rank[] = { 0, 2, 3, 1 };

	return rank[s];
}

/* ------------------------------------------------------------------------
 * Rendering.
 */

/*
 * "UPDPROBE STATE - head (detail)", at most FIRST_LINE_MAX characters
 * where it can be: the label is cut in the middle, the detail at its end
 * ("..."), or left out.  head = label + ": " + what.
 */
static void
print_first_line(enum state st, const char *counts, const char *label,
    const char *what, const char *detail)
{
	char lab[PROBE_URL_MAX];
	size_t fixed, room, n, len = strlen(label);

	/* "UPDPROBE CRITICAL - " counts label ": " what */
	fixed = strlen("UPDPROBE  - ") + strlen(state_name[st]) +
	    strlen(counts) + 2 + strlen(what);
	room = fixed < FIRST_LINE_MAX ? FIRST_LINE_MAX - fixed : 0;
	if (len > room && len > LABEL_MIN && len < sizeof(lab)) {
		size_t keep = room > LABEL_MIN ? room : LABEL_MIN;
		size_t head = utf8_cut(label, (keep - 3) / 2);
		size_t tail = len - (keep - 3 - head);

		while (((unsigned char)label[tail] & 0xc0) == 0x80)
			tail++;		/* not inside a UTF-8 sequence */
		snprintf(lab, sizeof(lab), "%.*s...%s", (int)head, label,
		    label + tail);
	} else
		snprintf(lab, sizeof(lab), "%s", label);
	n = fixed + strlen(lab);
	printf("UPDPROBE %s - %s%s: %s", state_name[st], counts, lab, what);
	if (detail[0] == '\0')
		return;
	if (n + 3 + strlen(detail) <= FIRST_LINE_MAX)
		printf(" (%s)", detail);
	else if (n + 3 + 3 + DETAIL_MIN <= FIRST_LINE_MAX)
		printf(" (%.*s...)", (int)utf8_cut(detail,
		    FIRST_LINE_MAX - n - 6), detail);
}

/* The perfdata of one row; prefix "" or "TARGET_". */
static void
print_perfdata(const struct row *r, const char *prefix)
{
	int i;

	for (i = 0; i < TM_COUNT; i++)
		printf("%s%s%s=%.3fs;;;0", i ? " " : "", prefix,
		    timing_label[i], r->ms[i] / 1000.0);
	printf(" %ssize=%" PRIu64 "B;;;0", prefix, r->size);
}

static const char *
step_name(long step)
{
	if (step < UPDPROBE_MIB_STEP_CONFIG || step > UPDPROBE_MIB_STEP_NONE)
		return "not probed";
	return probe_step_name((enum probe_step)(step - 1));
}

/* The long output of one row checked alone. */
static void
print_row_details(const struct options *o, const struct row *r,
    char warnings[][PROBE_NOTE_MAX], int nwarnings)
{
	char when[64];
	struct tm tm;
	time_t lp = (time_t)r->last_probe;
	int i;

	if (r->have_code && r->code == 0)
		printf("Code 0 no problems: %s\n", r->detail[0] ? r->detail :
		    "-");
	else if (r->have_code && r->code > 0 && r->code <= M3_CODE_MAX) {
		printf("Code %ld %s, step %s: %s\n", r->code,
		    m3_code_name((int)r->code), step_name(r->step),
		    r->detail[0] ? r->detail : "-");
		printf("fix: %s\n", m3_code_hint((int)r->code));
	} else
		printf("%s: %s\n", r->what, r->why);
	for (i = 0; i < nwarnings; i++)
		printf("warning: %s\n", warnings[i]);
	if (o->verbose < 1)
		return;
	printf("url: %s\n", r->url[0] ? r->url : "-");
	printf("version: %s\n", r->version[0] ? r->version : "-");
	printf("HTTP status: %ld\n", r->http_status);
	if (r->last_probe > 0 && localtime_r(&lp, &tm) != NULL &&
	    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %z", &tm) > 0)
		printf("last probe: %s (%ld s ago)", when, r->age);
	else
		printf("last probe: never");
	if (r->interval > 0)
		printf(", every %lu s, stale after %lu s\n", r->interval,
		    STALE_INTERVALS * r->interval);
	else
		printf("\n");
}

static void
render_one(const struct options *o, const struct row *r,
    char warnings[][PROBE_NOTE_MAX], int nwarnings)
{
	print_first_line(r->state, "", r->name, r->what, r->why);
	if (r->have_code && r->code >= 0) {
		printf(" | ");
		print_perfdata(r, "");
	}
	printf("\n");
	print_row_details(o, r, warnings, nwarnings);
}

static int
by_severity(const void *a, const void *b)
{
	const struct row *const *x = a, *const *y = b;
	int d = severity((*y)->state) - severity((*x)->state);

	if (d != 0)
		return d;
	return *x < *y ? -1 : *x > *y;	/* stable: table order */
}

static void
render_all(const struct options *o, const struct rows *rs)
{
	struct row **order;
	size_t i, count[4] = { 0, 0, 0, 0 }, notok, shown = 0;
	char counts[96];
	const struct row *w;

	if ((order = calloc(rs->n, sizeof(*order))) == NULL) {
		printf("UPDPROBE UNKNOWN - out of memory\n");
		return;
	}
	for (i = 0; i < rs->n; i++) {
		order[i] = &rs->v[i];
		count[rs->v[i].state]++;
	}
	qsort(order, rs->n, sizeof(*order), by_severity);
	w = order[0];
	notok = rs->n - count[STATE_OK];
	if (notok == 0)
		printf("UPDPROBE OK - all %zu targets OK", rs->n);
	else {
		snprintf(counts, sizeof(counts), "%zu of %zu targets not OK; ",
		    notok, rs->n);
		print_first_line(w->state, counts, w->name, w->what, w->why);
	}
	printf(" | targets=%zu;;;0 ok=%zu;;;0 warning=%zu;;;0 critical=%zu;;;0 "
	    "unknown=%zu;;;0\n", rs->n, count[STATE_OK], count[STATE_WARNING],
	    count[STATE_CRITICAL], count[STATE_UNKNOWN]);
	for (i = 0; i < rs->n; i++) {
		const struct row *r = order[i];

		printf("%s%s %s: %s", i ? "\n" : "", state_name[r->state],
		    r->name, r->what);
		if (r->have_code && r->code > 0 && r->code <= M3_CODE_MAX &&
		    strncmp(r->what, "Code", 4) == 0)
			printf(" (%s)%s%s", step_name(r->step),
			    r->detail[0] ? ": " : "", r->detail);
		else if (r->why[0] != '\0')
			printf(": %s", r->why);
		if (o->verbose >= 1) {
			printf(" [%s", r->url[0] ? r->url : "-");
			if (r->age >= 0)
				printf(", last probe %ld s ago", r->age);
			printf("]");
		}
	}
	/* Per-target perfdata after the long output (guidelines: "LONG TEXT
	 * LINE N | PERFDATA LINE 2", then one perfdata line each). */
	for (i = 0; i < rs->n; i++) {
		const struct row *r = &rs->v[i];
		char prefix[UPDPROBE_MIB_NAME_MAX + 2];

		if (!r->have_code || r->code < 0)
			continue;
		snprintf(prefix, sizeof(prefix), "%s_", r->name);
		printf(shown++ ? "\n" : " | ");
		print_perfdata(r, prefix);
	}
	printf("\n");
	free(order);
}

/* ------------------------------------------------------------------------
 * SNMP.
 */

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

static int
snmp_open_agent(struct options *o, struct agent *a, char *peer,
    size_t peerlen, char *err, size_t errlen)
{
	netsnmp_session s;
	char *liberr = NULL;
	int rc = 0;

	if (strchr(o->host, ':') != NULL && o->host[0] != '[')
		snprintf(peer, peerlen, "udp6:[%s]:%u", o->host, o->port);
	else if (o->host[0] == '[')
		snprintf(peer, peerlen, "udp6:%s:%u", o->host, o->port);
	else
		snprintf(peer, peerlen, "%s:%u", o->host, o->port);
	a->peer = peer;

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
			if (generate_Ku(s.securityAuthProto,
			    (u_int)s.securityAuthProtoLen,
			    (u_char *)o->authpass, strlen(o->authpass),
			    s.securityAuthKey, &s.securityAuthKeyLen) !=
			    SNMPERR_SUCCESS)
				rc = fail(err, errlen, "cannot derive a key "
				    "from the authentication passphrase");
		}
		if (rc == 0 && o->seclevel == SNMP_SEC_LEVEL_AUTHPRIV) {
			s.securityPrivProto = (oid *)o->priv_proto;
			s.securityPrivProtoLen = o->priv_proto_len;
			s.securityPrivKeyLen = USM_PRIV_KU_LEN;
			if (generate_Ku(s.securityAuthProto,
			    (u_int)s.securityAuthProtoLen,
			    (u_char *)o->privpass, strlen(o->privpass),
			    s.securityPrivKey, &s.securityPrivKeyLen) !=
			    SNMPERR_SUCCESS)
				rc = fail(err, errlen, "cannot derive a key "
				    "from the privacy passphrase");
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
		rc = fail(err, errlen, "no SNMP session with %s: %s", peer,
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
		return fail(err, errlen, "%s: no complete answer within the "
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
		rc = fail(err, errlen, "no answer from the SNMP agent at %s "
		    "(down? wrong port, community or SNMPv3 user?)", a->peer);
	else {
		snmp_sess_error(a->handle, NULL, NULL, &liberr);
		rc = fail(err, errlen, "SNMP request to %s failed: %s",
		    a->peer, liberr ? liberr : "unknown error");
		free(liberr);
	}
	if (*resp != NULL)
		snmp_free_pdu(*resp);
	*resp = NULL;
	return rc;
}

/* Store one varbind of column col into r. */
static void
store_value(struct row *r, int col, const netsnmp_variable_list *vb)
{
	unsigned long u;
	long l;

	if (vb->type == ASN_OCTET_STR) {
		const char *s = (const char *)vb->val.string;

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

static void
row_init(struct row *r)
{
	memset(r, 0, sizeof(*r));
	r->code = UPDPROBE_MIB_CODE_NOT_PROBED;
	r->step = UPDPROBE_MIB_STEP_NOT_PROBED;
	r->age = -1;
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
	return fail(err, errlen, "the SNMP agent at %s answered: %s", a->peer,
	    snmp_errstring((int)resp->errstat));
}

/* One target: a GET of its row. */
static int
fetch_one(struct agent *a, const char *name, struct row *r, char *err,
    size_t errlen)
{
	netsnmp_pdu *pdu, *resp;
	netsnmp_variable_list *vb;
	oid o[MAX_OID_LEN];
	size_t i, base = UPDPROBE_MIB_TARGET_ENTRY_OID_LEN, len;
	int rc = 0;

	row_init(r);
	strlcpy(r->name, name, sizeof(r->name));
	memcpy(o, entry_oid, sizeof(entry_oid));
	len = base + 1 + name_suffix(name, o + base + 1);
	pdu = snmp_pdu_create(SNMP_MSG_GET);
	for (i = 0; i < NCOLUMNS; i++) {
		o[base] = (oid)columns[i];
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
		store_value(r, columns[i], vb);
	vb = resp->variables;
	if (vb != NULL && vb->type == SNMP_NOSUCHOBJECT)
		rc = fail(err, errlen, "the SNMP agent at %s has no "
		    "UPDPROBE-MIB: is updprobed running and connected to "
		    "snmpd (AgentX), and may this community or user read it?",
		    a->peer);
	else if (vb == NULL || !r->have_code)
		rc = fail(err, errlen, "no target \"%s\" in the "
		    "updprobeTargetTable at %s (a name from updprobed.conf)",
		    name, a->peer);
	snmp_free_pdu(resp);
	return rc;
}

/* The row of an index, added in OID order if new; NULL if out of memory. */
static struct row *
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
		struct row *v = reallocarray(rs->v, cap, sizeof(*v));

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

/* Is the agent serving UPDPROBE-MIB at all?  GET updprobeTargetCount.0. */
static int
check_mib_present(struct agent *a, char *err, size_t errlen)
{
	oid o[UPDPROBE_MIB_AGENT_OID_LEN + 2];
	netsnmp_pdu *pdu, *resp;
	int rc = 0;

	memcpy(o, agent_oid, sizeof(agent_oid));
	o[UPDPROBE_MIB_AGENT_OID_LEN] = UPDPROBE_MIB_SCALAR_TARGET_COUNT;
	o[UPDPROBE_MIB_AGENT_OID_LEN + 1] = 0;
	pdu = snmp_pdu_create(SNMP_MSG_GET);
	snmp_add_null_var(pdu, o, UPDPROBE_MIB_AGENT_OID_LEN + 2);
	if (snmp_request(a, pdu, &resp, err, errlen) == -1)
		return -1;
	if (response_error(a, resp, err, errlen) == -1)
		rc = -1;
	else if (resp->variables == NULL ||
	    resp->variables->type != ASN_GAUGE)
		rc = fail(err, errlen, "the SNMP agent at %s has no "
		    "UPDPROBE-MIB: is updprobed running and connected to "
		    "snmpd (AgentX), and may this community or user read it?",
		    a->peer);
	snmp_free_pdu(resp);
	return rc;
}

/*
 * Every row: GETBULK walks of all columns side by side.  A response
 * holds max-repetitions rounds of the active columns in request order;
 * a column ends where its answers leave the column.  Rows are joined by
 * their index, so a row that appears or goes during the walk (a reload)
 * only misses some values.
 */
static int
fetch_all(struct agent *a, struct rows *rs, char *err, size_t errlen)
{
	oid cur[NCOLUMNS][MAX_OID_LEN];
	size_t curlen[NCOLUMNS], active[NCOLUMNS], nactive, i, j;
	size_t base = UPDPROBE_MIB_TARGET_ENTRY_OID_LEN;
	long reps = BULK_REPETITIONS;

	for (i = 0; i < NCOLUMNS; i++) {
		memcpy(cur[i], entry_oid, sizeof(entry_oid));
		cur[i][base] = (oid)columns[i];
		curlen[i] = base + 1;
		active[i] = 1;
	}
	nactive = NCOLUMNS;
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
			struct row *r;

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
				return fail(err, errlen, "out of memory");
			}
			store_value(r, columns[i], vb);
		}
		snmp_free_pdu(resp);
		if (seen == 0 && nactive > 0)
			return fail(err, errlen, "the SNMP agent at %s sent an "
			    "empty GETBULK answer", a->peer);
	}
	return 0;
}

/* Agent mode: returns the state and prints the plugin output. */
static enum state
check_agent(struct options *o)
{
	struct agent a = { NULL, NULL, 0, o->verbose };
	struct rows rs = { NULL, 0, 0 };
	struct row one;
	char err[512], peer[300];
	time_t now;
	enum state st = STATE_UNKNOWN;
	size_t i, kept;

	a.deadline = loop_clock_ms() + (uint64_t)o->timeout * 1000;
	if (snmp_init_library() == -1) {
		printf("UPDPROBE UNKNOWN - cannot set up net-snmp\n");
		return STATE_UNKNOWN;
	}
	if (snmp_open_agent(o, &a, peer, sizeof(peer), err, sizeof(err)) ==
	    -1) {
		printf("UPDPROBE UNKNOWN - %s\n", err);
		snmp_shutdown(PROGNAME);
		return STATE_UNKNOWN;
	}
	if (o->name != NULL) {
		if (fetch_one(&a, o->name, &one, err, sizeof(err)) == -1)
			printf("UPDPROBE UNKNOWN - %s\n", err);
		else {
			evaluate(o, &one, time(NULL));
			render_one(o, &one, NULL, 0);
			st = one.state;
		}
	} else if (check_mib_present(&a, err, sizeof(err)) == -1 ||
	    fetch_all(&a, &rs, err, sizeof(err)) == -1)
		printf("UPDPROBE UNKNOWN - %s\n", err);
	else {
		now = time(NULL);
		for (i = kept = 0; i < rs.n; i++)
			if (rs.v[i].have_code) /* else it went during the walk */
				rs.v[kept++] = rs.v[i];
		rs.n = kept;
		for (i = 0; i < rs.n; i++) {
			evaluate(o, &rs.v[i], now);
			if (severity(rs.v[i].state) > severity(st) || i == 0)
				st = rs.v[i].state;
		}
		if (rs.n == 0)
			printf("UPDPROBE UNKNOWN - the updprobeTargetTable at %s "
			    "is empty: no target in updprobed.conf?\n", peer);
		else
			render_all(o, &rs);
	}
	free(rs.v);
	snmp_sess_close(a.handle);
	snmp_shutdown(PROGNAME);
	return st;
}

/* ------------------------------------------------------------------------
 * --direct: the probe engine, as the updprobe CLI runs it.
 */

struct direct {
	struct probe_result	 result;
	int			 done;
};

/* The engine's callback: r is valid only during the call (probe.h). */
static void
on_probe_done(const struct probe_result *r, void *arg)
{
	struct direct *d = arg;

	d->result = *r;
	d->done = 1;
}

static void
row_from_result(const struct probe_result *p, const char *label,
    struct row *r)
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

static enum state
check_direct(struct options *o)
{
	struct direct *d;
	struct loop *l = NULL;
	struct engine *e = NULL;
	struct row r;
	char label[PROBE_URL_MAX];
	uint64_t limit_ms, start;
	enum state st = STATE_UNKNOWN;
	int i;

	/* The result is large (its warnings and notes): on the heap. */
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		printf("UPDPROBE UNKNOWN - out of memory\n");
		return STATE_UNKNOWN;
	}
	if (engine_global_init() == -1 || (l = loop_new()) == NULL ||
	    (e = engine_new(l)) == NULL) {
		printf("UPDPROBE UNKNOWN - cannot set up the probe engine\n");
		goto out;
	}
	if (probe_start(e, &o->t, on_probe_done, d) == NULL) {
		printf("UPDPROBE UNKNOWN - out of memory\n");
		goto out;
	}
	target_clear(&o->t);
	limit_ms = (uint64_t)o->timeout * 1000 * STEP_COUNT +
	    DIRECT_GUARD_SLACK_MS;
	start = loop_clock_ms();
	while (!d->done) {
		uint64_t spent = loop_clock_ms() - start;

		if (spent >= limit_ms ||
		    loop_once(l, (int)(limit_ms - spent)) == -1)
			break;
	}
	if (!d->done) {
		printf("UPDPROBE UNKNOWN - the probe did not finish within "
		    "%" PRIu64 " s\n", limit_ms / 1000);
		goto out;
	}
	if (o->name != NULL)
		copy_clean(label, sizeof(label), o->name, strlen(o->name));
	else
		copy_clean(label, sizeof(label), d->result.url,
		    strlen(d->result.url));
	row_from_result(&d->result, label, &r);
	evaluate(o, &r, time(NULL));
	st = r.state;
	print_first_line(r.state, "", label, r.what, r.why);
	printf(" | ");
	print_perfdata(&r, "");
	printf("\n");
	for (i = 0; i < d->result.nwarnings; i++)
		copy_clean(d->result.warnings[i], PROBE_NOTE_MAX,
		    d->result.warnings[i], strlen(d->result.warnings[i]));
	print_row_details(o, &r, d->result.warnings, d->result.nwarnings);
out:
	if (e != NULL)
		engine_free(e);
	if (l != NULL)
		loop_free(l);
	engine_global_cleanup();
	free(d);
	return st;
}

/* ------------------------------------------------------------------------ */

int
main(int argc, char **argv)
{
	struct options *o;
	char err[512];
	enum state st = STATE_UNKNOWN;

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
		printf(PROGNAME " " UPDPROBE_VERSION "\n");
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
