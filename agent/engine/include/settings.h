/*
 * settings.h - the settings of a target that decide its probe's result,
 * compared as a whole: base stations whose provisioning files give equal
 * settings would all show the same code, so they share one probe.
 *
 * A settings map holds the distinct settings of a fleet and gives each a
 * name for the operator: "<host>/<8 hex digits>", the digits a hash of
 * the settings other than the password, so the same settings get the
 * same name in updprobed and in `updprobe --provisioning-dir`, and again
 * after a restart.  Two distinct settings whose names would be equal
 * (a password alone differs, or a hash collision) get ".2", ".3"... in
 * the order they were added.  The names never equal a target name: a
 * target name cannot hold a '/'.
 */
#ifndef UPDPROBE_SETTINGS_H
#define UPDPROBE_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "target.h"

/* A server name fits an SNMP index of the same size as a target name. */
#define SETTINGS_NAME_MAX	TARGET_NAME_MAX
/* The longest settings line (target_settings_line()). */
#define SETTINGS_LINE_MAX	256

/*
 * Every setting that can change the result is equal: protocol, host,
 * port, folder, DirFile name, user, password, version, language, DNS
 * servers, maximum size, timeout, interval and the flags.  The name is
 * not a setting.
 */
int		 target_same_settings(const struct target *,
		    const struct target *);
/* A hash of those settings, for hash tables (the password included). */
uint64_t	 target_settings_hash(const struct target *);
/*
 * The settings besides the URL that tell servers apart, as one line for
 * people ("user=m3 password=set version=newest ..."); never the password.
 */
void		 target_settings_line(const struct target *, char *buf,
		    size_t len);

struct setmap;

struct setmap	*setmap_new(void);
/* The map only: the values and keys are the caller's. */
void		 setmap_free(struct setmap *);
/* The value added under settings equal to t's, or NULL. */
void		*setmap_find(const struct setmap *, const struct target *t);
/*
 * Add val under t's settings (none equal may be in the map).  t is the
 * key: it must stay valid and unchanged until setmap_remove().  The
 * entry's name is written to name (at least SETTINGS_NAME_MAX + 1
 * bytes).  Returns 0, or -1 when out of memory.
 */
int		 setmap_add(struct setmap *, const struct target *t, void *val,
		    char *name, size_t namelen);
/* Remove the entry whose key is t (the pointer given to setmap_add()). */
void		 setmap_remove(struct setmap *, const struct target *t);
size_t		 setmap_count(const struct setmap *);

#endif
