/*
 * subagent.h - the SNMP glue: UPDPROBE-MIB on top of the monitor, net-snmp
 * on top of the loop.  Knows nothing of HTTP.
 */
#ifndef UPDPROBE_SUBAGENT_H
#define UPDPROBE_SUBAGENT_H

#include "loop.h"
#include "monitor.h"

struct subagent;

/* Before init_agent(): net-snmp's logging into ours, process hygiene. */
void		 subagent_preinit(const char *agentx_socket);
/* After init_agent(): the MIB registrations; before init_snmp(). */
struct subagent	*subagent_new(struct loop *);
void		 subagent_set_monitor(struct subagent *, struct monitor *);
/* The hooks the monitor calls. */
void		 subagent_hooks(struct subagent *, struct monitor_hooks *);
/* After init_snmp(): put net-snmp's descriptors and timers on the loop. */
void		 subagent_start(struct subagent *);
/* Re-read net-snmp's descriptors: after every loop iteration. */
void		 subagent_sync(struct subagent *);
void		 subagent_config_loaded(struct subagent *);
/* Before snmp_shutdown(). */
void		 subagent_free(struct subagent *);
/* Net-snmp config messages seen while loading (see conf.c). */
void		 subagent_log_config_errors(int on);

#endif
