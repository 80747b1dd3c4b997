/*
 * options.c - check_updprobe's arguments: the SNMP options, the options
 * of --direct (the target options updprobe(1) has, from the engine's
 * shared table) and the code lists; the help.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check_updprobe.h"
#include "secret.h"
#include "util.h"
#include "version.h"

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

/* getopt_long values: our own long options, then the shared target
 * options from OPT_TARGET on (their index in target_options[]). */
enum {
	OPT_AUTHPASS_FILE = 256, OPT_PRIVPASS_FILE, OPT_DIRECT,
	OPT_PROVISIONING, OPT_VERSION,
	OPT_TARGET = 1000
};

void
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

void
print_help(void)
{
	printf(PROGNAME " %s\n"
"Checks the \"Code N\" a Snom m3 DECT base station would show if it tried a\n"
"firmware update now, as predicted by updprobe: from the updprobed agent\n"
"(UPDPROBE-MIB, over SNMP) or with --direct by probing the server itself.\n"
"\n", updprobe_version);
	print_usage(stdout);
	printf("\n"
"Agent (SNMP) mode:\n"
" -H, --hostname=HOST    snmpd with the updprobed subagent (default %s)\n"
" -p, --port=PORT        its UDP port (default %d)\n"
" -C, --community=NAME   SNMPv2c community (default %s)\n"
" -n, --name=NAME        check this row only: a target (updprobed.conf's\n"
"                        name), a base station (its file's name) or a\n"
"                        server (updprobeServerName); without -n every\n"
"                        server (each distinct setting, however many base\n"
"                        stations share it) and every target is checked,\n"
"                        the worst wins; broken provisioning files count\n"
"                        as code 6\n"
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
"     --provisioning=F   probe the server of an m3 provisioning file\n",
	    DEFAULT_HOST, DEFAULT_PORT, DEFAULT_COMMUNITY);
	target_options_help(stdout);
	printf(
" -n, --name=LABEL       name the target in the output (default: the URL)\n"
" -t, --timeout=S        here: the device's patience per step, as updprobe\n"
"                        --timeout (default %d; the device waits %d s); a\n"
"                        probe ends within its hard limit (%llu s at -t %d,\n"
"                        %llu s at -t %d): Nagios's service_check_timeout\n"
"                        must be larger\n"
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
" -V, --version          print the plugin's version\n"
" -h, --help             this help\n"
"\n"
"States: code 0 OK; codes in -w WARNING; codes in -c CRITICAL; a target not\n"
"probed yet (code -1), a row whose last probe is older than %d intervals\n"
"(stale: updprobed is not probing it; clocks must agree, use NTP), an agent\n"
"that does not answer or has no such target: UNKNOWN.  With every target,\n"
"CRITICAL > WARNING > UNKNOWN > OK and the first line names the worst.\n"
"\n"
"Perfdata: dns, connect, dirfile, firmware (s), size (B) of the last probe;\n"
"with every target: counts of targets by state on the first line (servers\n"
"and base_stations, base_stations_not_ok with provisioning folders), then\n"
"TARGET_dns ... TARGET_size after the long output.\n",
	    DEFAULT_TIMEOUT_S, TARGET_DEFAULT_TIMEOUT,
	    (unsigned long long)probe_hard_limit_ms(DEFAULT_TIMEOUT_S * 1000) /
	    1000, DEFAULT_TIMEOUT_S,
	    (unsigned long long)probe_hard_limit_ms(TARGET_DEFAULT_TIMEOUT *
	    1000) / 1000, TARGET_DEFAULT_TIMEOUT,
	    DEFAULT_WARNING, DEFAULT_CRITICAL, DEFAULT_TIMEOUT_S,
	    STALE_INTERVALS);
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

/* A passphrase from the command line: copied, then blanked in argv so that
 * the process list shows it only for the first moments. */
static int
take_secret(char *arg, char *buf, size_t len, char *err, size_t errlen)
{
	if (strlcpy(buf, arg, len) >= len)
		return errorf(err, errlen, "passphrase longer than %zu bytes",
		    len - 1);
	memset(arg, 'x', strlen(arg));
	return 0;
}

/* An -a / -x argument, by net-snmp's own names (those of snmpget). */
static int
lookup_proto(const char *arg, int auth, struct options *o)
{
	int type;

	if (arg[0] == '\0')
		return -1;
	if (auth) {
		type = usm_lookup_auth_type(arg);
		if (type < 0 || type == NETSNMP_USMAUTH_NOAUTH ||
		    (o->auth_proto = sc_get_auth_oid(type,
		    &o->auth_proto_len)) == NULL)
			return -1;
	} else {
		type = usm_lookup_priv_type(arg);
		if (type < 0 || type == USM_CREATE_USER_PRIV_NONE ||
		    (o->priv_proto = sc_get_priv_oid(type,
		    &o->priv_proto_len)) == NULL)
			return -1;
	}
	return 0;
}

/* A word of an option's argument and the value it stands for. */
struct word {
	const char	*word;
	int		 value;
};
#define NWORDS(t)	(sizeof(t) / sizeof((t)[0]))

static const struct word versions[] = {
	{ "2c", SNMP_VERSION_2c },
	{ "3", SNMP_VERSION_3 },
}, levels[] = {
	{ "noAuthNoPriv", SNMP_SEC_LEVEL_NOAUTH },
	{ "authNoPriv", SNMP_SEC_LEVEL_AUTHNOPRIV },
	{ "authPriv", SNMP_SEC_LEVEL_AUTHPRIV },
};

/* The value of arg in t (case-insensitive), or -1. */
static int
pick(const char *arg, const struct word *t, size_t n, int *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(arg, t[i].word) == 0) {
			*out = t[i].value;
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
	int v32;

	*bad = 0;
	switch (ch) {
	case 'H':
		o->host = arg;
		break;
	case 'p':
		v = strtoul(arg, &end, 10);
		if (*arg == '\0' || *end != '\0' || v == 0 || v > 65535)
			*bad = errorf(err, errlen, "-p \"%s\": a port 1-65535 "
			    "expected", arg);
		o->port = (unsigned)v;
		break;
	case 'C':
		o->community = arg;
		break;
	case 'P':
		if (pick(arg, versions, NWORDS(versions), &v32) == -1)
			*bad = errorf(err, errlen, "-P \"%s\": 2c or 3 expected "
			    "(GETBULK needs SNMPv2c or later)", arg);
		else
			o->snmp_version = v32;
		break;
	case 'U':
		o->secname = arg;
		break;
	case 'L':
		if (pick(arg, levels, NWORDS(levels), &o->seclevel) == -1)
			*bad = errorf(err, errlen, "-L \"%s\": noAuthNoPriv, "
			    "authNoPriv or authPriv expected", arg);
		break;
	case 'a':
		if (lookup_proto(arg, 1, o) == -1)
			*bad = errorf(err, errlen, "-a \"%s\": MD5, SHA, SHA-224, "
			    "SHA-256, SHA-384 or SHA-512 expected", arg);
		break;
	case 'x':
		if (lookup_proto(arg, 0, o) == -1)
			*bad = errorf(err, errlen, "-x \"%s\": DES or AES "
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
		*bad = secret_read_file(arg, o->authpass, sizeof(o->authpass),
		    err, errlen);
		break;
	case OPT_PRIVPASS_FILE:
		*bad = secret_read_file(arg, o->privpass, sizeof(o->privpass),
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
	*bad = 0;
	if (ch >= OPT_TARGET && ch < OPT_TARGET + (int)target_noptions) {
		*bad = target_apply_option(&o->t, &target_options[ch -
		    OPT_TARGET], arg, err, errlen);
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
	default:
		return 0;
	}
	o->direct_opts = 1;
	return 1;
}

/*
 * -n in agent mode: a target or base station name, or a server name
 * (updprobeServerName: a host, '/', hexadecimal digits).
 */
static int
row_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n >= UPDPROBE_MIB_NAME_MIN && n <= UPDPROBE_MIB_NAME_MAX &&
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._-:/") == n;
}

/* After the options: the combinations, and the target of --direct. */
static int
validate_arguments(struct options *o, char *err, size_t errlen)
{
	if (!o->direct) {
		if (o->direct_opts)
			return errorf(err, errlen, "the updprobe options need "
			    "--direct URL or --provisioning FILE");
		if (o->name != NULL && !row_name_ok(o->name))
			return errorf(err, errlen, "target name \"%s\": -n "
			    "takes a target, base station or server name (1-%d "
			    "of A-Z a-z 0-9 . _ - : /)", o->name,
			    UPDPROBE_MIB_NAME_MAX);
		if (o->snmp_version == SNMP_VERSION_3 && o->secname == NULL)
			return errorf(err, errlen, "-P 3 needs -U secname");
		if (o->snmp_version != SNMP_VERSION_3 && (o->secname != NULL ||
		    o->authpass[0] != '\0' || o->privpass[0] != '\0'))
			return errorf(err, errlen, "-U, -A and -X need -P 3");
		if (o->seclevel == 0)
			o->seclevel = o->privpass[0] != '\0' ?
			    SNMP_SEC_LEVEL_AUTHPRIV : o->authpass[0] != '\0' ?
			    SNMP_SEC_LEVEL_AUTHNOPRIV : SNMP_SEC_LEVEL_NOAUTH;
		if (o->seclevel >= SNMP_SEC_LEVEL_AUTHNOPRIV &&
		    o->authpass[0] == '\0')
			return errorf(err, errlen, "-L authNoPriv and authPriv "
			    "need -A or --authpass-file");
		if (o->seclevel == SNMP_SEC_LEVEL_AUTHPRIV &&
		    o->privpass[0] == '\0')
			return errorf(err, errlen, "-L authPriv needs -X or "
			    "--privpass-file");
		if ((o->seclevel >= SNMP_SEC_LEVEL_AUTHNOPRIV &&
		    strlen(o->authpass) < USM_PASS_MIN) ||
		    (o->seclevel == SNMP_SEC_LEVEL_AUTHPRIV &&
		    strlen(o->privpass) < USM_PASS_MIN))
			return errorf(err, errlen, "SNMPv3 passphrases have %d "
			    "characters at least", USM_PASS_MIN);
		return 0;
	}
	if (o->snmp_opts)
		return errorf(err, errlen, "-H, -p, -C and the SNMPv3 options "
		    "are not used with --direct or --provisioning");
	if ((o->url == NULL) == (o->provisioning == NULL))
		return errorf(err, errlen, "give either --direct URL or "
		    "--provisioning FILE");
	if (o->url != NULL &&
	    target_set_url(&o->t, o->url, err, errlen) == -1)
		return -1;
	if (o->provisioning != NULL &&
	    target_set_provisioning(&o->t, o->provisioning, err, errlen) == -1)
		return -1;
	if (o->t.password[0] != '\0' && o->t.user[0] == '\0')
		return errorf(err, errlen, "--password-file needs --user");
	o->t.timeout_ms = o->timeout * 1000;
	return 0;
}

enum action
process_arguments(int argc, char **argv, struct options *o, char *err,
    size_t errlen)
{
	static const struct option own[] = {
		{ "hostname", required_argument, NULL, 'H' },
		{ "port", required_argument, NULL, 'p' },
		{ "community", required_argument, NULL, 'C' },
		{ "name", required_argument, NULL, 'n' },
		{ "warning", required_argument, NULL, 'w' },
		{ "critical", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
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
		{ NULL, 0, NULL, 0 }
	};
	struct option longopts[sizeof(own) / sizeof(own[0]) + TARGET_OPTIONS_MAX];
	const char *warn = NULL, *crit = NULL;
	unsigned wmask, cmask;
	int ch, bad;

	o->host = DEFAULT_HOST;
	o->port = DEFAULT_PORT;
	o->community = DEFAULT_COMMUNITY;
	o->snmp_version = SNMP_VERSION_2c;
	o->auth_proto = sc_get_auth_oid(NETSNMP_USMAUTH_HMACSHA1,
	    &o->auth_proto_len);
	o->priv_proto = sc_get_priv_oid(USM_CREATE_USER_PRIV_AES,
	    &o->priv_proto_len);
	o->timeout = DEFAULT_TIMEOUT_S;
	/* The shared target options, then ours (the last one all zero). */
	target_long_options(longopts, OPT_TARGET);
	memcpy(longopts + target_noptions, own, sizeof(own));
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
			if (target_parse_seconds(optarg, &o->timeout) == -1) {
				errorf(err, errlen, "-t \"%s\": whole seconds "
				    "1-3600 expected", optarg);
				return ACT_USAGE_ERROR;
			}
			break;
		case 'v':
			o->verbose++;
			break;
		case 'V':
		case OPT_VERSION:
			return ACT_VERSION;
		case 'h':
			return ACT_HELP;
		default:
			errorf(err, errlen, "unknown option or missing argument: "
			    "%s", argv[optind - 1]);
			return ACT_USAGE_ERROR;
		}
	}
	if (optind < argc) {
		errorf(err, errlen, "unexpected argument: %s", argv[optind]);
		return ACT_USAGE_ERROR;
	}
	if (warn != NULL && parse_code_list(warn, &wmask) == -1) {
		errorf(err, errlen, "-w \"%s\": codes 0-%d like 5 or 1-4,6-12 "
		    "expected", warn, M3_CODE_MAX);
		return ACT_USAGE_ERROR;
	}
	if (crit != NULL && parse_code_list(crit, &cmask) == -1) {
		errorf(err, errlen, "-c \"%s\": codes 0-%d like 5 or 1-4,6-12 "
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
