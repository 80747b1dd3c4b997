/*
 * conf.c - the daemon's directives.
 *
 * net-snmp calls a handler per directive with no user argument, so the
 * configuration being built lives in one file-static pointer, set only for
 * the duration of conf_load().  Errors go through config_perror(), which
 * knows the file and line (net-snmp keeps them to itself) and logs them;
 * conf_load() counts every config message logged while it reads, net-snmp's
 * own "Unknown token" warnings included, with a logging callback of its
 * own that lives as long as the load.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "conf.h"
#include "log.h"
#include "util.h"

/* Settings a target line may override; the rest come from globals. */
#define SET_TIMEOUT	0x1
#define SET_MAXSIZE	0x2
#define SET_DNS		0x4

/* Longest target line; longer ones are refused rather than cut. */
#define CONF_LINE_MAX	4096
#define MAX_CONFIRM	100
#define MAX_INFLIGHT	65536

struct conf_load {
	struct mon_config	 cfg;
	unsigned		*set;		/* per target: SET_* */
	size_t			 setcap;
	unsigned		 timeout_ms;
	uint64_t		 max_size;
	struct target		 dns;		/* only dns_servers is used */
	int			 errors;
};

static struct conf_load *loading;

/* config_perror() logs "FILE: line N: Error: msg"; count_messages()
 * counts it. */
static void
error(const char *msg)
{
	config_perror(msg);
}

int
conf_split_message(const char *msg, char *out, size_t outlen)
{
	static const char *kinds[] = { ": Error: ", ": Warning: " };
	const char *p;

	/* At the first marker, so a reason that quotes one again is not
	 * mistaken for the place. */
	for (p = strstr(msg, ": line "); p != NULL;
	    p = strstr(p + 1, ": line ")) {
		const char *d = p + 7, *e = d;
		size_t k;

		while (*e >= '0' && *e <= '9')
			e++;
		if (e == d)
			continue;
		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (strncmp(e, kinds[k], strlen(kinds[k])) == 0) {
				snprintf(out, outlen, "%.*s:%.*s: %s",
				    (int)(p - msg), msg, (int)(e - d), d,
				    e + strlen(kinds[k]));
				return 0;
			}
	}
	return -1;
}

/* A logging callback of the load: counts net-snmp's config messages. */
static int
count_messages(int major, int minor, void *server, void *client)
{
	struct snmp_log_message *m = server;
	struct conf_load *l = client;
	char out[8];

	(void)major;
	(void)minor;
	if (m->msg != NULL && conf_split_message(m->msg, out, sizeof(out)) == 0)
		l->errors++;
	return 0;
}

/*
 * net-snmp hands the rest of the line over as is: a "# comment" after a
 * value is cut here, so the commented samples operators copy just work.
 */
static char *
value(char *line)
{
	char *p;
	size_t n;

	for (p = line; *p != '\0'; p++)
		if (*p == '#' && (p == line || p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			break;
		}
	n = strlen(line);
	while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		line[--n] = '\0';
	return line;
}

static int
parse_uint(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v == 0 || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static void
h_interval(const char *token, char *line)
{
	(void)token;
	line = value(line);
	if (target_parse_seconds(line, &loading->cfg.interval) == -1)
		error("interval: whole seconds 1-3600 expected");
}

static void
h_timeout(const char *token, char *line)
{
	unsigned s;

	(void)token;
	line = value(line);
	if (target_parse_seconds(line, &s) == -1)
		error("timeout: whole seconds 1-3600 expected");
	else
		loading->timeout_ms = s * 1000;
}

static void
h_maxsize(const char *token, char *line)
{
	(void)token;
	line = value(line);
	if (target_parse_size(line, &loading->max_size) == -1 ||
	    loading->max_size == 0)
		error("maxSize: bytes with an optional K, M or G expected");
}

static void
h_confirm(const char *token, char *line)
{
	(void)token;
	line = value(line);
	if (parse_uint(line, MAX_CONFIRM, &loading->cfg.confirm) == -1)
		error("confirm: a number of probes 1-100 expected");
}

static void
h_maxprobes(const char *token, char *line)
{
	(void)token;
	line = value(line);
	if (parse_uint(line, MAX_INFLIGHT, &loading->cfg.max_inflight) == -1)
		error("maxProbes: a number 1-65536 expected");
}

static void
h_dns(const char *token, char *line)
{
	char err[256];

	(void)token;
	line = value(line);
	if (target_add_dns_server(&loading->dns, line, err, sizeof(err)) == -1)
		error(err);
}

static int
reserve_set(struct conf_load *l)
{
	if (l->cfg.ntargets < l->setcap)
		return 0;
	size_t cap = l->setcap ? l->setcap * 2 : 16;
	unsigned *n;

	if ((n = realloc(l->set, cap * sizeof(*n))) == NULL)
		return -1;
	l->set = n;
	l->setcap = cap;
	return 0;
}

/* One key=value of a target line. */
static int
target_kv(struct target *t, unsigned *set, char *kv, char *err, size_t errlen)
{
	char *eq = strchr(kv, '=');

	if (eq == NULL)
		return errorf(err, errlen, "\"%s\": key=value expected", kv);
	*eq++ = '\0';
	if (strcmp(kv, "provisioning") == 0)
		return target_set_provisioning(t, eq, err, errlen);
	if (strcmp(kv, "timeout") == 0)
		*set |= SET_TIMEOUT;
	else if (strcmp(kv, "maxSize") == 0)
		*set |= SET_MAXSIZE;
	else if (strcmp(kv, "dnsServer") == 0)
		*set |= SET_DNS;
	return target_set_option(t, kv, eq, err, errlen);
}

static int
target_line(struct target *t, unsigned *set, char *line, char *err,
    size_t errlen)
{
	char *save = NULL, *tok;
	int n = 0;

	for (tok = strtok_r(line, " \t", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t", &save), n++) {
		if (n == 0) {
			if (target_set_name(t, tok, err, errlen) == -1)
				return -1;
		} else if (n == 1 && strchr(tok, '=') == NULL) {
			if (target_set_url(t, tok, err, errlen) == -1)
				return -1;
		} else if (n == 1 && strncmp(tok, "provisioning=", 13) != 0) {
			return errorf(err, errlen, "target %s: a URL or "
			    "provisioning=FILE expected", t->name);
		} else if (target_kv(t, set, tok, err, errlen) == -1)
			return -1;
	}
	if (n < 2)
		return errorf(err, errlen, "target NAME URL [key=value...] or "
		    "target NAME provisioning=FILE expected");
	if (t->password[0] != '\0' && t->user[0] == '\0')
		return errorf(err, errlen, "target %s: passwordFile needs user",
		    t->name);
	return 0;
}

static void
h_target(const char *token, char *line)
{
	char buf[CONF_LINE_MAX], err[512];
	struct target t;
	unsigned set = 0;

	(void)token;
	line = value(line);
	if (strlen(line) >= sizeof(buf)) {
		error("target line too long");
		return;
	}
	strlcpy(buf, line, sizeof(buf));
	target_init(&t);
	if (target_line(&t, &set, buf, err, sizeof(err)) == -1) {
		target_clear(&t);
		error(err);
		return;
	}
	if (mon_config_find(&loading->cfg, t.name) != NULL) {
		snprintf(err, sizeof(err), "target %s is defined twice", t.name);
		target_clear(&t);
		error(err);
		return;
	}
	if (reserve_set(loading) == -1 || mon_config_add(&loading->cfg, &t)) {
		target_clear(&t);
		error("out of memory");
		return;
	}
	loading->set[loading->cfg.ntargets - 1] = set;
	explicit_bzero(&t, sizeof(t));
}

void
conf_register(void)
{
	static const struct {
		const char	*token;
		void		(*fn)(const char *, char *);
		const char	*help;
	} d[] = {
		{ "interval", h_interval, "SECONDS" },
		{ "timeout", h_timeout, "SECONDS" },
		{ "maxSize", h_maxsize, "BYTES[K|M|G]" },
		{ "confirm", h_confirm, "PROBES" },
		{ "maxProbes", h_maxprobes, "PROBES-IN-FLIGHT" },
		{ "dnsServer", h_dns, "ADDRESS[:PORT]" },
		{ "target", h_target,
		  "NAME URL|provisioning=FILE [key=value...]" },
	};
	size_t i;

	for (i = 0; i < sizeof(d) / sizeof(d[0]); i++)
		register_config_handler(CONF_APP, d[i].token, d[i].fn, NULL,
		    d[i].help);
}

/* Globals apply to every target that does not set its own. */
static void
inherit(struct conf_load *l)
{
	size_t i;

	for (i = 0; i < l->cfg.ntargets; i++) {
		struct target *t = mon_config_target(&l->cfg, i);

		if (!(l->set[i] & SET_TIMEOUT))
			t->timeout_ms = l->timeout_ms;
		if (!(l->set[i] & SET_MAXSIZE))
			t->max_size = l->max_size;
		if (!(l->set[i] & SET_DNS))
			strlcpy(t->dns_servers, l->dns.dns_servers,
			    sizeof(t->dns_servers));
	}
}

int
conf_load(const char *file, struct mon_config *out)
{
	struct conf_load l;

	memset(&l, 0, sizeof(l));
	mon_config_init(&l.cfg);
	l.timeout_ms = TARGET_DEFAULT_TIMEOUT * 1000;
	l.max_size = TARGET_DEFAULT_MAXSIZE;
	if (access(file, R_OK) == -1) {
		log_warn("%s", file);
		mon_config_init(out);
		return 1;
	}
	/* net-snmp hands its messages to logging callbacks only. */
	snmp_enable_calllog();
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING,
	    count_messages, &l);
	loading = &l;
	read_config_with_type(file, CONF_APP);
	loading = NULL;
	snmp_unregister_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING,
	    count_messages, &l, 1);
	if (l.errors == 0)
		inherit(&l);
	free(l.set);
	if (l.errors != 0) {
		mon_config_clear(&l.cfg);
		mon_config_init(out);
		return l.errors;
	}
	*out = l.cfg;
	return 0;
}
