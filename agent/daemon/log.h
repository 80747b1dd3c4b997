/*
 * log.h - one logger for the daemon: stderr in the foreground, syslog
 * otherwise; net-snmp's own messages are routed into it.
 */
#ifndef UPDPROBE_LOG_H
#define UPDPROBE_LOG_H

#include "util.h"

void	log_init(const char *ident, int foreground, int debug);
void	log_warn(const char *, ...) __printflike_(1, 2);	/* + strerror */
void	log_warnx(const char *, ...) __printflike_(1, 2);
void	log_info(const char *, ...) __printflike_(1, 2);
/* A line at a syslog priority, as is. */
void	log_line(int prio, const char *);
/*
 * Send every line to fn instead of stderr or syslog (NULL: back to
 * them); the fuzzer counts the config errors this way.
 */
typedef void	log_sink_fn(int prio, const char *msg, void *arg);
void	log_set_sink(log_sink_fn *fn, void *arg);

#endif
