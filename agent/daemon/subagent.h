/*
 * subagent.h - the SNMP glue: UPDPROBE-MIB on top of the monitor, net-snmp
 * on top of the loop.  Knows nothing of HTTP.
 */
#ifndef UPDPROBE_SUBAGENT_H
#define UPDPROBE_SUBAGENT_H

#include "fleet.h"
#include "loop.h"
#include "monitor.h"

struct subagent;

/*
 * The order of the calls:
 *   subagent_setup()           net-snmp as an AgentX subagent, its logging
 *                             in ours; then the config may be read
 *   subagent_use_socket()     after every config load: -x wins
 *   subagent_new()            the MIB registrations
 *   subagent_start()          connect to the master (or keep trying)
 *   subagent_sync()           after every loop iteration
 *   subagent_shutdown()       the registrations, then net-snmp
 */
int		 subagent_setup(const char *agentx_socket);
void		 subagent_use_socket(const char *agentx_socket);
struct subagent	*subagent_new(struct loop *);
void		 subagent_set_monitor(struct subagent *, struct monitor *);
void		 subagent_set_fleet(struct subagent *, struct fleet *);
/* The hooks the monitor and the fleet call. */
void		 subagent_hooks(struct subagent *, struct monitor_hooks *);
void		 subagent_fleet_hooks(struct subagent *, struct fleet_hooks *);
/* Rows added or removed are served from now on (after a change of the
 * configuration; the fleet's changes are settled from the loop). */
void		 subagent_settle(struct subagent *);
void		 subagent_start(struct subagent *);
/* Re-read net-snmp's descriptors and timeout. */
void		 subagent_sync(struct subagent *);
/* A configuration was loaded from file (which must stay valid). */
void		 subagent_config_loaded(struct subagent *, const char *file);
/* The notification limits of the configuration (0: the defaults). */
void		 subagent_configure(struct subagent *, unsigned notify_rate,
		    unsigned notify_queue);
/* The AgentX master address in use, for the log. */
const char	*subagent_socket(void);
/* The address set (agentXSocket or -x), NULL if none; a copy of it to
 * give back to subagent_socket_restore() (a config that failed to load
 * must not change it). */
const char	*subagent_socket_setting(void);
char		*subagent_socket_save(void);
void		 subagent_socket_restore(const char *);
/* An AgentX address net-snmp can use: unix:/PATH, /PATH, [tcp:]HOST:PORT,
 * tcp6:[ADDR]:PORT. */
int		 subagent_socket_valid(const char *);
void		 subagent_shutdown(struct subagent *);

#endif
