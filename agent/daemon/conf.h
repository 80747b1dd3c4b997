/*
 * conf.h - updprobed.conf, read with net-snmp's config machinery so that
 * net-snmp's own directives (agentXSocket, agentxPingInterval) work as in
 * any net-snmp application.
 */
#ifndef UPDPROBE_CONF_H
#define UPDPROBE_CONF_H

#include <stddef.h>

#include "monitor.h"

#define CONF_APP	"updprobed"

/* Register the directives; once, after init_agent(). */
void	conf_register(void);
/*
 * Read file into *out (initialised here).  Returns the number of errors;
 * each was logged as "FILE:LINE: reason".  On errors *out is cleared.
 */
int	conf_load(const char *file, struct mon_config *out);
/*
 * A config message of net-snmp ("FILE: line N: Error: reason", or
 * "...: Warning: reason") as "FILE:N: reason" into out; -1 if msg is no
 * such message.
 */
int	conf_split_message(const char *msg, char *out, size_t outlen);

#endif
