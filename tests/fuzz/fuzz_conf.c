/*
 * fuzz_conf.c - libFuzzer target for the daemon's directives
 * (agent/daemon/conf.c), read as updprobed reads them: through net-snmp's
 * config machinery, which reports each error as a "FILE: line N: Error:
 * ..." (or "Warning:") log message.
 *
 * Set-up, once, as updprobed's subagent_setup() does it (a subagent, no
 * MIBs, no persistent state, no config files of net-snmp's own, no Perl),
 * then init_agent() and conf_register().
 * The input is written to a file in a temporary directory made once per
 * process (under $TMPDIR) and loaded with conf_load().  Checked:
 * - the returned count equals the config messages net-snmp logged while
 *   loading, counted here by a logging callback of the harness's own
 *   (every error is reported, every reported config error counts);
 * - a failed load leaves an empty configuration;
 * - a good one holds valid, uniquely named targets with the globals in
 *   range, whose folder URL fits the probe's buffer.
 *
 * Only conf.c's directives and the net-snmp ones the README promises
 * (agentXSocket, agentxPingInterval, agentxTimeout, agentxRetries) are
 * fed to net-snmp.  An input with a line that reaches any other handler
 * net-snmp registers for "updprobed" (perl, which runs Perl code; com2sec
 * and trapsink-like ones, which resolve names; table, add_row, quit...),
 * a [type] switch or an include* directive (which read other files) is
 * skipped: that is net-snmp's code, not ours.  So is an input with a NUL
 * byte: read_config() joins the rest of such a line to the next one, and
 * reads line[-1] (outside its buffer) when a line starts with one.
 * Target lines may still name files (provisioning=, passwordFile=): they
 * are read as the daemon would, relative to the current directory
 * (run.sh runs from the top of the repository, so the seeds can use
 * tests/fuzz/corpus/provfile/...).
 *
 * The daemon's logger (agent/daemon/log.c) has a sink here that drops
 * its lines; FUZZ_VERBOSE=1 prints them and net-snmp's, to see why an
 * input failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "conf.h"
#include "fuzz.h"
#include "log.h"
#include "probe.h"

#define CONF_NAME	"updprobed.conf"
/* Limits of conf.c and target.c, repeated as the harness's own. */
#define REF_MAX_SECONDS	3600
#define REF_MAX_CONFIRM	100
#define REF_MAX_INFLIGHT 65536
#define REF_MAX_SIZE	(1ULL << 40)
/* Handlers net-snmp registers for "updprobed" that are ours to feed. */
static const char *const allowed[] = {
	/* conf.c */
	"interval", "timeout", "maxSize", "confirm", "maxProbes",
	"dnsServer", "target",
	/* net-snmp's, promised by the README; they only store a value */
	"agentXSocket", "agentxPingInterval", "agentxTimeout",
	"agentxRetries"
};
/* Upper bound on the other handlers remembered at start. */
#define FOREIGN_MAX	256

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct {
	int		 verbose;
	char		 dir[256];
	char		 path[300];
	size_t		 pathlen;
	int		 loading;	/* conf_load() is running */
	int		 logged;	/* FILE:... errors logged meanwhile */
	const char	*foreign[FOREIGN_MAX];
	size_t		 nforeign;
} fz;

/* log.c's sink: the daemon's own lines are dropped. */
static void
drop_line(int prio, const char *msg, void *arg)
{
	(void)arg;
	if (fz.verbose)
		fprintf(stderr, "updprobed: <%d> %s\n", prio, msg);
}

/*
 * net-snmp's messages: count those about our file, "PATH: line N: Error:"
 * or "...: Warning:", parsed here independently of conf.c.
 */
static int
count_message(int major, int minor, void *server, void *client)
{
	struct snmp_log_message *m = server;
	const char *msg = m->msg ? m->msg : "", *p;

	(void)major;
	(void)minor;
	(void)client;
	if (fz.verbose)
		fprintf(stderr, "net-snmp: %s", msg);
	if (!fz.loading || strncmp(msg, fz.path, fz.pathlen) != 0 ||
	    strncmp(msg + fz.pathlen, ": line ", 7) != 0)
		return 0;
	for (p = msg + fz.pathlen + 7; *p >= '0' && *p <= '9'; p++)
		;
	if (p > msg + fz.pathlen + 7 && (strncmp(p, ": Error: ", 9) == 0 ||
	    strncmp(p, ": Warning: ", 11) == 0))
		fz.logged++;
	return 0;
}

/* Set-up. */

static void
cleanup(void)
{
	if (fz.path[0] != '\0')
		(void)unlink(fz.path);
	if (fz.dir[0] != '\0')
		(void)rmdir(fz.dir);
}

/* Remember the handlers for "updprobed" that are not ours to feed. */
static void
collect_foreign(void)
{
	struct config_line	*l;
	size_t			 i;

	for (l = read_config_get_handlers(CONF_APP); l != NULL; l = l->next) {
		for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
			if (strcasecmp(l->config_token, allowed[i]) == 0)
				break;
		if (i < sizeof(allowed) / sizeof(allowed[0]))
			continue;
		CHECK(fz.nforeign < FOREIGN_MAX);
		fz.foreign[fz.nforeign++] = l->config_token;
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	fz.verbose = getenv("FUZZ_VERBOSE") != NULL &&
	    strcmp(getenv("FUZZ_VERBOSE"), "0") != 0;
	log_set_sink(drop_line, NULL);
	snprintf(fz.dir, sizeof(fz.dir), "%s/fuzz_conf.XXXXXX",
	    tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	if (mkdtemp(fz.dir) == NULL) {
		fprintf(stderr, "fuzz_conf: mkdtemp %s: %s\n", fz.dir,
		    strerror(errno));
		exit(1);
	}
	snprintf(fz.path, sizeof(fz.path), "%s/%s", fz.dir, CONF_NAME);
	fz.pathlen = strlen(fz.path);
	atexit(cleanup);

	/* As updprobed's subagent_setup(), up to the first conf_load(). */
	snmp_disable_log();
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING,
	    count_message, NULL);
	snmp_enable_calllog();
	setenv("MIBS", "", 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE,
	    1);
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
	if (init_agent(CONF_APP) != 0) {
		fprintf(stderr, "fuzz_conf: init_agent failed\n");
		exit(1);
	}
	conf_register();
	collect_foreign();
	return 0;
}

/* The input. */

/*
 * 1 if the input holds a NUL byte, or a line whose first word (as
 * read_config() takes it: skip_white(), then copy_nword()) would go to
 * code other than conf.c's directives and the allowed net-snmp ones.
 */
static int
reaches_other_code(const uint8_t *data, size_t size)
{
	char		*line, token[STRINGMAX], *cptr;
	const uint8_t	*p = data, *end = data + size, *nl;
	size_t		 i, n;
	int		 other = 0;

	/* read_config() joins the rest of a line with a NUL to the next
	 * line, and reads line[-1] if a line starts with one. */
	if (memchr(data, '\0', size) != NULL)
		return 1;
	if ((line = malloc(size + 1)) == NULL)
		return 1;
	for (; p < end && !other; p = nl < end ? nl + 1 : end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		memcpy(line, p, n);
		line[n] = '\0';
		if ((cptr = skip_white(line)) == NULL)
			continue;	/* blank or comment */
		(void)copy_nword(cptr, token, sizeof(token));
		if (token[0] == '[' || strncasecmp(token, "include", 7) == 0)
			other = 1;
		for (i = 0; i < fz.nforeign && !other; i++)
			if (strcasecmp(token, fz.foreign[i]) == 0)
				other = 1;
	}
	free(line);
	return other;
}

static int
write_input(const uint8_t *data, size_t size)
{
	size_t	done = 0;
	ssize_t	n;
	int	fd;

	fd = open(fz.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1)
		return -1;
	while (done < size) {
		n = write(fd, data + done, size - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			(void)close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	return close(fd);
}

static int
valid_name(const char *name)
{
	size_t	n = strlen(name);

	return n >= 1 && n <= TARGET_NAME_MAX &&
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._-") == n;
}

static void
check_loaded(const struct mon_config *cfg)
{
	char	url[PROBE_URL_MAX];
	size_t	i, j, n;

	CHECK(cfg->interval >= 1 && cfg->interval <= REF_MAX_SECONDS);
	CHECK(cfg->confirm >= 1 && cfg->confirm <= REF_MAX_CONFIRM);
	CHECK(cfg->max_inflight >= 1 && cfg->max_inflight <= REF_MAX_INFLIGHT);
	CHECK(cfg->ntargets <= cfg->cap);
	CHECK(cfg->ntargets == 0 || cfg->targets != NULL);
	for (i = 0; i < cfg->ntargets; i++) {
		const struct target *t = mon_config_target(cfg, i);

		CHECK_TERMINATED(t->name);
		CHECK(valid_name(t->name));
		for (j = 0; j < i; j++)
			CHECK(strcmp(mon_config_target(cfg, j)->name,
			    t->name) != 0);
		CHECK(mon_config_find(cfg, t->name) == t);
		CHECK_TERMINATED(t->host);
		CHECK_TERMINATED(t->path);
		n = strlen(t->path);
		CHECK(n >= 1 && t->path[0] == '/' && t->path[n - 1] == '/');
		CHECK_TERMINATED(t->user);
		CHECK_TERMINATED(t->password);
		CHECK_TERMINATED(t->dns_servers);
		CHECK_TERMINATED(t->dirfile);
		CHECK(t->dirfile[0] != '\0');
		/* The daemon sends no password without a user name. */
		CHECK(t->password[0] == '\0' || t->user[0] != '\0');
		CHECK(t->timeout_ms >= 1000 &&
		    t->timeout_ms <= REF_MAX_SECONDS * 1000);
		CHECK(t->max_size >= 1 && t->max_size <= REF_MAX_SIZE);
		CHECK(t->interval <= REF_MAX_SECONDS);
		target_url(t, url, sizeof(url));
		CHECK(strlen(url) < sizeof(url) - 1);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mon_config	cfg;
	int			errors;

	if (reaches_other_code(data, size))
		return -1;	/* not ours: keep it out of the corpus */
	CHECK(write_input(data, size) == 0);
	memset(&cfg, 0xa5, sizeof(cfg));
	fz.logged = 0;
	fz.loading = 1;
	errors = conf_load(fz.path, &cfg);
	fz.loading = 0;
	if (fz.verbose)
		fprintf(stderr, "fuzz_conf: %d errors, %d logged, %zu "
		    "targets\n", errors, fz.logged,
		    errors == 0 ? cfg.ntargets : 0);
	CHECK(errors >= 0);
	CHECK(errors == fz.logged);
	if (errors > 0) {
		CHECK(cfg.ntargets == 0 && cfg.targets == NULL);
	} else
		check_loaded(&cfg);
	mon_config_clear(&cfg);
	return 0;
}
