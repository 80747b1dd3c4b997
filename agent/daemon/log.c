/*
 * log.c - the daemon's logger.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

#define LOG_LINE_MAX	1024

static struct {
	int		 foreground;
	int		 debug;
	log_sink_fn	*sink;
	void		*sink_arg;
} logcfg = { 1, 0, NULL, NULL };

void
log_init(const char *ident, int foreground, int debug)
{
	logcfg.foreground = foreground;
	logcfg.debug = debug;
	if (!foreground)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_sink(log_sink_fn *fn, void *arg)
{
	logcfg.sink = fn;
	logcfg.sink_arg = arg;
}

void
log_line(int prio, const char *msg)
{
	static const char *names[] = {
		"emerg", "alert", "crit", "error", "warning", "notice", "info",
		"debug"
	};

	if (prio == LOG_DEBUG && !logcfg.debug)
		return;
	if (logcfg.sink != NULL)
		logcfg.sink(prio, msg, logcfg.sink_arg);
	else if (logcfg.foreground)
		fprintf(stderr, "updprobed: %s: %s\n",
		    names[prio & LOG_PRIMASK], msg);
	else
		syslog(prio, "%s", msg);
}

static void
vlog(int prio, const char *fmt, va_list ap, const char *suffix)
{
	char buf[LOG_LINE_MAX];
	int n;

	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (suffix != NULL && n >= 0 && (size_t)n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - (size_t)n, ": %s", suffix);
	log_line(prio, buf);
}

void
log_warn(const char *fmt, ...)
{
	const char *e = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, e);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap, NULL);
	va_end(ap);
}
