/*
 * provfile.h - reader of m3 provisioning files: lines `%NAME%: value`,
 * strings in double quotes, ending with END_OF_FILE.  Only the settings a
 * firmware update depends on are kept; other names are ignored.
 */
#ifndef UPDPROBE_PROVFILE_H
#define UPDPROBE_PROVFILE_H

#include <stddef.h>

/* A provisioning file larger than this is refused (real ones are a few KiB). */
#define PROVFILE_MAX_SIZE	(1024 * 1024)
#define PROVFILE_MAX_VALUE	256

enum prov_protocol {
	PROV_PROTO_UNSET = -1,
	PROV_PROTO_TFTP = 0,	/* %MANAGEMENT_TRANSFER_PROTOCOL%: 0 */
	PROV_PROTO_HTTP = 1	/* %MANAGEMENT_TRANSFER_PROTOCOL%: 1 */
};

struct provfile {
	char			server[PROVFILE_MAX_VALUE];	/* %NETWORK_FWU_SERVER%, may be "" */
	char			path[PROVFILE_MAX_VALUE];	/* %FWU_TFTP_SERVER_PATH%, "" if absent */
	enum prov_protocol	protocol;	/* %MANAGEMENT_TRANSFER_PROTOCOL% */
	int			has_server;	/* the name was present (even if empty) */
};

/*
 * Parse len bytes of buf.  Returns 0 on success; -1 on a malformed file with
 * err holding "line N: reason" (or "missing END_OF_FILE").
 */
int	provfile_parse(const char *buf, size_t len, struct provfile *out,
	    char *err, size_t errlen);
/*
 * Read and parse a file.  Returns 0, or -1 with err holding
 * "PATH: reason" or "PATH:N: reason".
 */
int	provfile_load(const char *path, struct provfile *out, char *err,
	    size_t errlen);

#endif
