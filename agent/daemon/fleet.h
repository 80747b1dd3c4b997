/*
 * fleet.h - fleet mode: base stations read from folders of m3
 * provisioning files (provisioningDir), grouped by their settings so
 * that base stations with equal settings share one probe.
 *
 * A base station is small (its name, its server, its file's identity,
 * an error): the settings live once, in its server, a MON_SHARED probe
 * of the monitor.  Folders are scanned at start, on SIGHUP, every rescan
 * seconds, and single files as inotify reports them; a scan runs in
 * slices between the loop's other work, so the agent keeps answering.
 * No SNMP in here: the hooks turn base stations into rows and the
 * decisions of fanout.h into notifications.
 */
#ifndef UPDPROBE_FLEET_H
#define UPDPROBE_FLEET_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "fanout.h"
#include "loop.h"
#include "monitor.h"

struct fleet;
struct fleet_dir;
struct fleet_server;

/*
 * One base station: a file of a provisioning folder.  Kept small (a
 * fleet has 100,000 of them, README "Fleet mode"): times as 32-bit UNIX
 * times (until 2106), the size as 32 bits (a larger file is refused).
 */
struct fleet_bs {
	struct fleet_bs		*snext, *sprev;	/* of the same server */
	struct fleet_server	*srv;		/* NULL while its file is broken */
	struct fleet_dir	*dir;
	char			*error;		/* why its file is broken, or NULL */
	void			*glue;		/* the SNMP row, owned there */
	/* The file as last read: a change of any is a change of the file
	 * (a folder entry with another inode number too). */
	uint64_t		 ino;		/* the file's (a link's target) */
	int64_t			 ctime_ns;
	uint32_t		 size;
	uint32_t		 since;		/* its server or state changed */
	uint32_t		 checked;	/* broken: file last looked at */
	uint32_t		 gen;		/* the scan that saw it last */
	uint32_t		 notify_gen;	/* notify.c: summary counted in */
	struct fan_bs		 fan;		/* what was announced for it */
	uint8_t			 namelen;
	char			 name[];	/* its row's name */
};

/* Settings that base stations share: a MON_SHARED probe's owner. */
struct fleet_server {
	struct mon_target	*mt;
	struct fleet_bs		*head;		/* its base stations */
	uint32_t		 count;
	int			 open;		/* a problem announced as the
						 * server is not cleared yet */
	/* Made by a scan: started when the scan ends (fleet.c). */
	struct fleet_server	*wnext, *wprev;
	int			 waiting;
};

struct fleet_hooks {
	/* A base station's row appears or goes. */
	void	(*added)(struct fleet_bs *, void *);
	void	(*removed)(struct fleet_bs *, void *);
	/* Notifications, with the values they announce. */
	void	(*bs_event)(struct fleet_bs *, enum mon_event, int code,
		    int previous, enum probe_step, const char *detail, void *);
	void	(*server_event)(struct mon_target *, enum mon_event,
		    uint32_t base_stations, void *);
	/* A batch of changes is complete (rows may be put in order). */
	void	(*settled)(void *);
	void	*arg;
};

struct fleet	*fleet_new(struct loop *, struct monitor *,
		    const struct fleet_hooks *);
/* Every base station and server goes (the removed hooks run). */
void		 fleet_free(struct fleet *);
/*
 * Take the folders of a configuration (the array and its folders are
 * taken and freed here) and scan every folder: folders whose settings
 * changed re-read every file.  initial: the first configuration, scanned
 * at once, before the agent serves; else the scans run in slices.
 * Base stations whose name is now a configured target's go.
 */
void		 fleet_apply(struct fleet *, struct mon_dir **dirs,
		    size_t ndirs, unsigned rescan, int initial);
/* A MON_SHARED probe's confirmed code is new, with these CONFIRM_EV_*
 * events (the monitor's hook). */
void		 fleet_server_changed(struct fleet *, struct mon_target *,
		    unsigned events);
/* ProbeNow on a base station: its file read again, its server probed. */
void		 fleet_probe_now(struct fleet *, struct fleet_bs *);
struct fleet_bs	*fleet_find(const struct fleet *, const char *name);

/* What a base station's row shows. */
int		 fleet_bs_code(const struct fleet_bs *);
/* The path of its file, into buf. */
void		 fleet_bs_path(const struct fleet_bs *, char *buf, size_t len);
/* The interval of its probe (its file's rescan while it is broken). */
unsigned	 fleet_bs_interval(const struct fleet *,
		    const struct fleet_bs *);
uint32_t	 fleet_base_stations(const struct mon_target *);

/* The scalars. */
size_t		 fleet_count(const struct fleet *);
size_t		 fleet_broken(const struct fleet *);
size_t		 fleet_refused(const struct fleet *);
uint32_t	 fleet_rescan_ms(const struct fleet *);
time_t		 fleet_last_rescan(const struct fleet *);

#endif
