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
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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
#define SET_LOOPBACK	0x8

/* Longest target line; longer ones are refused rather than cut. */
#define CONF_LINE_MAX	4096
/* Largest configuration file: 50,000 targets take about 5 MiB. */
#define CONF_FILE_MAX	(64 * 1024 * 1024)
/* includeFile inside includeFile, at most this deep. */
#define CONF_INCLUDE_DEPTH	8
#define MAX_CONFIRM	100
#define MAX_INFLIGHT	65536
/* Bounds of notifyRate and notifyQueue (notify.h says why). */
#define MAX_NOTIFY_RATE		10000
#define MAX_NOTIFY_QUEUE	100000

struct conf_load {
	const char		*file;		/* the main file */
	struct mon_config	 cfg;
	unsigned		*set;		/* per target: SET_* */
	size_t			 setcap;
	unsigned		 timeout_ms;
	uint64_t		 max_size;
	struct target		 dns;		/* only dns_servers and
						 * allow_loopback are used */
	int			 errors;
};

static struct conf_load *loading;

static int	include_path(const char *, const char *, char *, size_t);

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
h_notifyrate(const char *token, char *line)
{
	(void)token;
	line = value(line);
	if (parse_uint(line, MAX_NOTIFY_RATE, &loading->cfg.notify_rate) == -1)
		error("notifyRate: notifications per second 1-10000 expected");
}

static void
h_notifyqueue(const char *token, char *line)
{
	(void)token;
	line = value(line);
	if (parse_uint(line, MAX_NOTIFY_QUEUE, &loading->cfg.notify_queue) ==
	    -1)
		error("notifyQueue: a number of notifications 1-100000 "
		    "expected");
}

static void
h_allowloopback(const char *token, char *line)
{
	char err[128];

	(void)token;
	line = value(line);
	if (target_set_option(&loading->dns, "allowLoopback", line, err,
	    sizeof(err)) == -1)
		error(err);
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

/* One key=value of a target line, or of a provisioningDir line (dir:
 * its files are the provisioning). */
static int
target_kv(struct target *t, unsigned *set, char *kv, int dir, char *err,
    size_t errlen)
{
	char *eq = strchr(kv, '=');

	if (eq == NULL)
		return errorf(err, errlen, "\"%s\": key=value expected", kv);
	*eq++ = '\0';
	if (strcmp(kv, "provisioning") == 0) {
		if (dir)
			return errorf(err, errlen, "provisioning=: each file of "
			    "the folder is a base station's provisioning file");
		return target_set_provisioning(t, eq, err, errlen);
	}
	if (strcmp(kv, "timeout") == 0)
		*set |= SET_TIMEOUT;
	else if (strcmp(kv, "maxSize") == 0)
		*set |= SET_MAXSIZE;
	else if (strcmp(kv, "dnsServer") == 0)
		*set |= SET_DNS;
	else if (strcmp(kv, "allowLoopback") == 0)
		*set |= SET_LOOPBACK;
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
		} else if (target_kv(t, set, tok, 0, err, errlen) == -1)
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

static void
h_rescan(const char *token, char *line)
{
	(void)token;
	line = value(line);
	if (target_parse_seconds(line, &loading->cfg.rescan) == -1)
		error("rescan: whole seconds 1-3600 expected");
}

/* The folder's path, relative to the main file's folder if not absolute. */
static int
dir_path(const char *arg, char **out, char *err, size_t errlen)
{
	char path[PATH_MAX];

	if (include_path(loading->file, arg, path, sizeof(path)) == -1)
		return errorf(err, errlen, "provisioningDir: path too long");
	if ((*out = strdup(path)) == NULL)
		return errorf(err, errlen, "out of memory");
	return 0;
}

/* provisioningDir DIR [pattern=GLOB] [key=value...] into d. */
static int
dir_line(struct mon_dir *d, char *line, char *err, size_t errlen)
{
	char *save = NULL, *tok;
	size_t i;

	if ((tok = strtok_r(line, " \t", &save)) == NULL)
		return errorf(err, errlen, "provisioningDir DIR [pattern=GLOB] "
		    "[key=value...] expected");
	if (dir_path(tok, &d->path, err, errlen) == -1)
		return -1;
	while ((tok = strtok_r(NULL, " \t", &save)) != NULL) {
		if (strncmp(tok, "pattern=", 8) == 0) {
			if (provdir_pattern_ok(tok + 8, err, errlen) == -1)
				return -1;
			strlcpy(d->pattern, tok + 8, sizeof(d->pattern));
		} else if (target_kv(&d->tmpl, &d->set, tok, 1, err,
		    errlen) == -1)
			return -1;
	}
	if (d->tmpl.password[0] != '\0' && d->tmpl.user[0] == '\0')
		return errorf(err, errlen, "provisioningDir %s: passwordFile "
		    "needs user", d->path);
	for (i = 0; i < loading->cfg.ndirs; i++)
		if (strcmp(loading->cfg.dirs[i]->path, d->path) == 0)
			return errorf(err, errlen, "provisioningDir %s is given "
			    "twice", d->path);
	return 0;
}

static void
h_provdir(const char *token, char *line)
{
	char buf[CONF_LINE_MAX], err[512];
	struct mon_dir *d;

	(void)token;
	line = value(line);
	if (strlen(line) >= sizeof(buf)) {
		error("provisioningDir line too long");
		return;
	}
	strlcpy(buf, line, sizeof(buf));
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		error("out of memory");
		return;
	}
	target_init(&d->tmpl);
	strlcpy(d->pattern, PROVDIR_DEFAULT_PATTERN, sizeof(d->pattern));
	if (dir_line(d, buf, err, sizeof(err)) == -1) {
		mon_dir_free(d);
		error(err);
		return;
	}
	if (mon_config_add_dir(&loading->cfg, d) == -1)
		error("out of memory");
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
		{ "notifyRate", h_notifyrate, "NOTIFICATIONS-PER-SECOND" },
		{ "notifyQueue", h_notifyqueue, "NOTIFICATIONS" },
		{ "dnsServer", h_dns, "ADDRESS[:PORT]" },
		{ "allowLoopback", h_allowloopback, "yes|no" },
		{ "target", h_target,
		  "NAME URL|provisioning=FILE [key=value...]" },
		{ "provisioningDir", h_provdir,
		  "DIR [pattern=GLOB] [key=value...]" },
		{ "rescan", h_rescan, "SECONDS" },
	};
	size_t i;

	for (i = 0; i < sizeof(d) / sizeof(d[0]); i++)
		register_config_handler(CONF_APP, d[i].token, d[i].fn, NULL,
		    d[i].help);
}

/* The globals a target or folder does not set (set: SET_*). */
static void
inherit_one(const struct conf_load *l, struct target *t, unsigned set)
{
	if (!(set & SET_TIMEOUT))
		t->timeout_ms = l->timeout_ms;
	if (!(set & SET_MAXSIZE))
		t->max_size = l->max_size;
	if (!(set & SET_DNS))
		strlcpy(t->dns_servers, l->dns.dns_servers,
		    sizeof(t->dns_servers));
	if (!(set & SET_LOOPBACK))
		t->allow_loopback = l->dns.allow_loopback;
}

/*
 * Globals apply to every target that does not set its own.  A folder's
 * base stations get them too, and the interval as well: every setting of
 * theirs is explicit, so a change of a global is a change of their
 * settings (fleet.c compares settings, not lines).
 */
static void
inherit(struct conf_load *l)
{
	size_t i;

	for (i = 0; i < l->cfg.ntargets; i++)
		inherit_one(l, mon_config_target(&l->cfg, i), l->set[i]);
	for (i = 0; i < l->cfg.ndirs; i++) {
		struct mon_dir *d = l->cfg.dirs[i];

		inherit_one(l, &d->tmpl, d->set);
		if (d->tmpl.interval == 0)
			d->tmpl.interval = l->cfg.interval;
	}
}

/*
 * net-snmp reads whatever a path names, blocking: a FIFO, /dev/zero or a
 * directory (a config path that became one) would hang or empty the
 * reload.  So every file the configuration reads is checked first: a
 * regular file of at most CONF_FILE_MAX bytes, its includes too.
 */
static int	check_file(const char *path, int depth);

/* The contents of path (regular, bounded); NULL with the error logged. */
static char *
read_checked(const char *path, size_t *lenp)
{
	struct stat st;
	ssize_t n;
	size_t got = 0;
	char *buf;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) ==
	    -1) {
		log_warn("%s", path);
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > CONF_FILE_MAX) {
		log_warnx("%s: %s", path, !S_ISREG(st.st_mode) ? "not a "
		    "regular file" : "larger than 64 MiB");
		close(fd);
		return NULL;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		log_warnx("%s: out of memory", path);
		close(fd);
		return NULL;
	}
	while (got < (size_t)st.st_size &&
	    (n = read(fd, buf + got, (size_t)st.st_size - got)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			log_warn("%s", path);
			free(buf);
			close(fd);
			return NULL;
		}
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*lenp = got;
	return buf;
}

/* An include's path, relative to the including file's folder; -1 if it
 * is too long. */
static int
include_path(const char *from, const char *arg, char *out, size_t outlen)
{
	char dir[PATH_MAX];
	int n;

	if (arg[0] == '/')
		return strlcpy(out, arg, outlen) < outlen ? 0 : -1;
	strlcpy(dir, from, sizeof(dir));
	n = snprintf(out, outlen, "%s/%s", dirname(dir), arg);
	return n >= 0 && (size_t)n < outlen ? 0 : -1;
}

/* includeDir: every *.conf in it, as net-snmp reads them. */
static int
check_dir(const char *path, int depth)
{
	char file[PATH_MAX];
	struct dirent *de;
	DIR *dp;
	int errors = 0;
	size_t n;

	if ((dp = opendir(path)) == NULL) {
		log_warn("includeDir %s", path);
		return 1;
	}
	while ((de = readdir(dp)) != NULL) {
		n = strlen(de->d_name);
		if (n <= 5 || strcmp(de->d_name + n - 5, ".conf") != 0)
			continue;
		if (snprintf(file, sizeof(file), "%s/%s", path, de->d_name) >=
		    (int)sizeof(file)) {
			log_warnx("includeDir %s: path too long", path);
			errors++;
			continue;
		}
		errors += check_file(file, depth + 1);
	}
	closedir(dp);
	return errors;
}

/* The include directive of one line, checked; the errors. */
static int
check_line(const char *file, char *line, int depth)
{
	char *save = NULL, *tok, *arg, path[PATH_MAX];

	if ((tok = strtok_r(line, " \t\r", &save)) == NULL || tok[0] == '#')
		return 0;
	if (tok[0] == '[' && (tok = strtok_r(NULL, " \t\r", &save)) == NULL)
		return 0;
	if (strncasecmp(tok, "include", 7) != 0)
		return 0;
	arg = strtok_r(NULL, " \t\r", &save);
	if (strcasecmp(tok, "includeFile") != 0 &&
	    strcasecmp(tok, "includeDir") != 0) {
		log_warnx("%s: %s: only includeFile and includeDir are "
		    "supported", file, tok);
		return 1;
	}
	if (arg == NULL) {
		log_warnx("%s: %s without a path", file, tok);
		return 1;
	}
	if (depth >= CONF_INCLUDE_DEPTH) {
		log_warnx("%s: %s %s: includes nested deeper than %d", file,
		    tok, arg, CONF_INCLUDE_DEPTH);
		return 1;
	}
	if (include_path(file, arg, path, sizeof(path)) == -1) {
		log_warnx("%s: %s: path too long", file, tok);
		return 1;
	}
	if (strcasecmp(tok, "includeDir") == 0)
		return check_dir(path, depth);
	return check_file(path, depth + 1);
}

static int
check_file(const char *path, int depth)
{
	char *buf, *line, *next;
	size_t len;
	int errors = 0;

	if ((buf = read_checked(path, &len)) == NULL)
		return 1;
	for (line = buf; line != NULL && line < buf + len; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		errors += check_line(path, line, depth);
	}
	free(buf);
	return errors;
}

int
conf_load(const char *file, struct mon_config *out)
{
	struct conf_load l;

	memset(&l, 0, sizeof(l));
	l.file = file;
	mon_config_init(&l.cfg);
	l.timeout_ms = TARGET_DEFAULT_TIMEOUT * 1000;
	l.max_size = TARGET_DEFAULT_MAXSIZE;
	if ((l.errors = check_file(file, 0)) != 0) {
		mon_config_init(out);
		return l.errors;
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
