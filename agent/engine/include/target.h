/*
 * target.h - one base station's update settings (DESIGN.md section 2), as
 * given on the command line, in updprobed.conf or in an m3 provisioning
 * file.  A target owns its password (read from a file, wiped on free).
 */
#ifndef UPDPROBE_TARGET_H
#define UPDPROBE_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include <stdio.h>

#include "secret.h"

#define TARGET_NAME_MAX		32	/* DESIGN.md: 1-32 of [A-Za-z0-9._-] */
#define TARGET_HOST_MAX		256	/* a DNS name is at most 253 octets */
#define TARGET_PATH_MAX		1024
/* The longest file name a URL is built for (a DirFile's names fit). */
#define TARGET_FILE_NAME_MAX	256
/* A URL of the folder or of a file in it: every byte of the folder and
 * the file name may need three (%XX), scheme, host and port the rest. */
#define TARGET_URL_MAX		(TARGET_HOST_MAX + 3 * (TARGET_PATH_MAX + \
				    TARGET_FILE_NAME_MAX) + 96)
#define TARGET_DNS_MAX		512	/* "addr:port,addr:port" for c-ares */
#define TARGET_DNS_SERVERS_MAX	16	/* servers a lookup asks, at most */
#define TARGET_DEFAULT_TIMEOUT	30	/* seconds: the device's patience */
#define TARGET_DEFAULT_MAXSIZE	(8ULL * 1024 * 1024)
#define TARGET_DEFAULT_DIRFILE	"dirlist.txt"
#define TARGET_DEFAULT_PATH	"/Updates/"	/* the device's default */

enum target_proto {
	PROTO_HTTP = 0,
	PROTO_HTTPS,
	PROTO_TFTP
};

struct target {
	char		 name[TARGET_NAME_MAX + 1];
	enum target_proto proto;
	char		 host[TARGET_HOST_MAX];	/* "" = not specified: code 6 */
	unsigned	 port;			/* 0 = the protocol's default */
	char		 path[TARGET_PATH_MAX];	/* folder, begins and ends with /;
						 * its name as the server knows
						 * it, not URL-encoded */
	char		 version[5];		/* "" = newest in the list */
	char		 language[16];		/* "" = any */
	char		 dirfile[64];		/* name of the DirFile */
	char		 user[128];
	char		 password[SECRET_MAX + 1];
	char		 dns_servers[TARGET_DNS_MAX];	/* "" = /etc/resolv.conf */
	uint64_t	 max_size;		/* bytes */
	unsigned	 timeout_ms;		/* per step */
	unsigned	 interval;		/* seconds, daemon only; 0 = global */
	int		 full_download;		/* fetch and check whole files */
	int		 insecure;		/* skip TLS certificate checks */
	int		 allow_loopback;	/* a name may resolve to 127/8 */
};

void	target_init(struct target *);
/* Wipe the password. */
void	target_clear(struct target *);

/*
 * The setters return 0, or -1 with one line in err naming what is wrong.
 * None of them prints.
 */
int	target_set_name(struct target *, const char *, char *, size_t);
int	target_set_url(struct target *, const char *, char *, size_t);
int	target_set_provisioning(struct target *, const char *, char *, size_t);
int	target_set_password_file(struct target *, const char *, char *, size_t);
int	target_add_dns_server(struct target *, const char *, char *, size_t);
/* Servers in a dns_servers list (0 for "": resolv.conf's). */
int	target_dns_count(const char *);
/* key=value of a config line or the matching command-line option. */
int	target_set_option(struct target *, const char *key, const char *value,
	    char *err, size_t errlen);

/*
 * The URL of the update folder, never with credentials; built with
 * libcurl's URL API, the folder percent-encoded (ASCII only).  0, or -1
 * when it does not fit into len (then cut) or no memory ("").
 */
int	target_url(const struct target *, char *buf, size_t len);
/* The URL of a file in the folder (for TFTP with the address addr, as
 * TFTP has no names on the wire); 0, or -1 as target_url(). */
int	target_file_url(const struct target *, const char *addr,
	    const char *file, char *buf, size_t len);
unsigned target_port(const struct target *);

/* "8M", "512K", "1048576" -> bytes; -1 on a malformed or huge value. */
int	target_parse_size(const char *, uint64_t *);
/* Whole seconds 1..TARGET_MAX_SECONDS -> 0, else -1. */
int	target_parse_seconds(const char *, unsigned *);
#define TARGET_MAX_SECONDS	3600

/*
 * The command-line options that set a target, shared by updprobe and
 * check_updprobe --direct: one table, so both take the same names and
 * print the same help.  Each maps to a target_set_option() key; a flag
 * (arg NULL) sets its key to "yes".
 */
struct target_option {
	const char	*name;		/* long option, without "--" */
	const char	*key;		/* target_set_option() key */
	const char	*arg;		/* argument for the help; NULL: a flag */
	const char	*help;
};
extern const struct target_option target_options[];
extern const size_t target_noptions;
/* At least target_noptions: room for them in a front end's table. */
#define TARGET_OPTIONS_MAX	16

/*
 * The table as getopt_long() options: target_noptions entries into out,
 * each with the value base + its index in target_options[].
 */
struct option;
void	target_long_options(struct option *out, int base);
/* Apply option o with its argument (NULL for a flag). */
int	target_apply_option(struct target *, const struct target_option *o,
	    const char *arg, char *err, size_t errlen);
/* The help lines of the table, "  --name ARG  help", one per option. */
void	target_options_help(FILE *);

#endif
