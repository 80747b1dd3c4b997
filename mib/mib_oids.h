/*
 * mib_oids.h - the numbers of UPDPROBE-MIB (mib/UPDPROBE-MIB.txt), next
 * to it, for the subagent and check_updprobe.
 *
 * The MIB's arc is defined here once for the code, as it is defined once
 * in the MIB; everything else is relative to it. Plain C, no net-snmp
 * header needed:
 *
 *	static const oid code_col[] = { UPDPROBE_MIB_TARGET_ENTRY_OID,
 *					UPDPROBE_MIB_COL_CODE };
 *
 * tests/mib/check.sh compiles this header and compares every number with
 * what snmptranslate makes of the MIB; the engine's numbers (codes.h)
 * are checked against the MIB's at compile time, below. It finds the constants by their
 * trailing "mib:" comment, which names the MIB descriptor (or, for the
 * textual conventions, the TC and the enumeration label; for limits,
 * SIZE or RANGE and the object): keep those comments when editing.
 */
#ifndef UPDPROBE_MIB_OIDS_H
#define UPDPROBE_MIB_OIDS_H

#include "codes.h"

/*
 * updprobeMIB = netSnmpPlaypen.7, Net-SNMP's arc for local experiments.
 * It moves under the project's own IANA Private Enterprise Number once
 * there is one: change it here and in the MIB's MODULE-IDENTITY only.
 */
#define UPDPROBE_MIB_OID	1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 7	/* mib: updprobeMIB */
#define UPDPROBE_MIB_OID_LEN	10

#define UPDPROBE_MIB_NOTIFICATIONS_OID		UPDPROBE_MIB_OID, 0	/* mib: updprobeNotifications */
#define UPDPROBE_MIB_NOTIFICATIONS_OID_LEN	(UPDPROBE_MIB_OID_LEN + 1)
#define UPDPROBE_MIB_OBJECTS_OID		UPDPROBE_MIB_OID, 1	/* mib: updprobeObjects */
#define UPDPROBE_MIB_OBJECTS_OID_LEN		(UPDPROBE_MIB_OID_LEN + 1)
#define UPDPROBE_MIB_AGENT_OID			UPDPROBE_MIB_OBJECTS_OID, 1	/* mib: updprobeAgent */
#define UPDPROBE_MIB_AGENT_OID_LEN		(UPDPROBE_MIB_OBJECTS_OID_LEN + 1)
#define UPDPROBE_MIB_TARGET_TABLE_OID		UPDPROBE_MIB_OBJECTS_OID, 2	/* mib: updprobeTargetTable */
#define UPDPROBE_MIB_TARGET_TABLE_OID_LEN	(UPDPROBE_MIB_OBJECTS_OID_LEN + 1)
#define UPDPROBE_MIB_TARGET_ENTRY_OID		UPDPROBE_MIB_TARGET_TABLE_OID, 1	/* mib: updprobeTargetEntry */
#define UPDPROBE_MIB_TARGET_ENTRY_OID_LEN	(UPDPROBE_MIB_TARGET_TABLE_OID_LEN + 1)
#define UPDPROBE_MIB_NOTIF_OBJECTS_OID		UPDPROBE_MIB_OBJECTS_OID, 3	/* mib: updprobeNotificationObjects */
#define UPDPROBE_MIB_NOTIF_OBJECTS_OID_LEN	(UPDPROBE_MIB_OBJECTS_OID_LEN + 1)
#define UPDPROBE_MIB_SERVER_TABLE_OID		UPDPROBE_MIB_OBJECTS_OID, 4	/* mib: updprobeServerTable */
#define UPDPROBE_MIB_SERVER_TABLE_OID_LEN	(UPDPROBE_MIB_OBJECTS_OID_LEN + 1)
#define UPDPROBE_MIB_SERVER_ENTRY_OID		UPDPROBE_MIB_SERVER_TABLE_OID, 1	/* mib: updprobeServerEntry */
#define UPDPROBE_MIB_SERVER_ENTRY_OID_LEN	(UPDPROBE_MIB_SERVER_TABLE_OID_LEN + 1)

/* Scalars, under UPDPROBE_MIB_AGENT_OID; the instance is .0. */
enum updprobe_mib_scalar {
	UPDPROBE_MIB_SCALAR_AGENT_VERSION = 1,		/* mib: updprobeAgentVersion */
	UPDPROBE_MIB_SCALAR_TARGET_COUNT = 2,		/* mib: updprobeTargetCount */
	UPDPROBE_MIB_SCALAR_PROBES_RUN = 3,		/* mib: updprobeProbesRun */
	UPDPROBE_MIB_SCALAR_CONFIG_LOAD_TIME = 4,	/* mib: updprobeConfigLoadTime */
	UPDPROBE_MIB_SCALAR_NOTIFS_SENT = 5,		/* mib: updprobeNotificationsSent */
	UPDPROBE_MIB_SCALAR_NOTIFS_DROPPED = 6,		/* mib: updprobeNotificationsDropped */
	UPDPROBE_MIB_SCALAR_NOTIFS_QUEUED = 7,		/* mib: updprobeNotificationsQueued */
	UPDPROBE_MIB_SCALAR_SERVER_COUNT = 8,		/* mib: updprobeServerCount */
	UPDPROBE_MIB_SCALAR_BASE_STATION_COUNT = 9,	/* mib: updprobeBaseStationCount */
	UPDPROBE_MIB_SCALAR_PROV_BROKEN = 10,		/* mib: updprobeProvisioningBroken */
	UPDPROBE_MIB_SCALAR_PROV_REFUSED = 11,		/* mib: updprobeProvisioningRefused */
	UPDPROBE_MIB_SCALAR_RESCAN_DURATION = 12,	/* mib: updprobeRescanDuration */
	UPDPROBE_MIB_SCALAR_LAST_RESCAN = 13		/* mib: updprobeLastRescan */
};

/* Objects only notifications carry (accessible-for-notify), under
 * UPDPROBE_MIB_NOTIF_OBJECTS_OID; the instance is .0. */
enum updprobe_mib_notif_object {
	UPDPROBE_MIB_NOBJ_SUPPRESSED = 1,	/* mib: updprobeSuppressedNotifications */
	UPDPROBE_MIB_NOBJ_SUPPRESSED_TARGETS = 2	/* mib: updprobeSuppressedTargets */
};

/*
 * Columns of updprobeTargetEntry, under UPDPROBE_MIB_TARGET_ENTRY_OID.
 * The index is the target name, length-prefixed (not IMPLIED): target
 * "site-a" is the instance suffix .6.115.105.116.101.45.97. The name
 * column is not-accessible; the readable ones run from COL_FIRST to
 * COL_LAST.
 */
enum updprobe_mib_column {
	UPDPROBE_MIB_COL_NAME = 1,		/* mib: updprobeTargetName */
	UPDPROBE_MIB_COL_CODE = 2,		/* mib: updprobeTargetCode */
	UPDPROBE_MIB_COL_STEP = 3,		/* mib: updprobeTargetStep */
	UPDPROBE_MIB_COL_DETAIL = 4,		/* mib: updprobeTargetDetail */
	UPDPROBE_MIB_COL_URL = 5,		/* mib: updprobeTargetUrl */
	UPDPROBE_MIB_COL_VERSION = 6,		/* mib: updprobeTargetVersion */
	UPDPROBE_MIB_COL_LAST_PROBE = 7,	/* mib: updprobeTargetLastProbe */
	UPDPROBE_MIB_COL_LAST_CHANGE = 8,	/* mib: updprobeTargetLastChange */
	UPDPROBE_MIB_COL_DNS_TIME = 9,		/* mib: updprobeTargetDnsTime */
	UPDPROBE_MIB_COL_CONNECT_TIME = 10,	/* mib: updprobeTargetConnectTime */
	UPDPROBE_MIB_COL_DIRFILE_TIME = 11,	/* mib: updprobeTargetDirFileTime */
	UPDPROBE_MIB_COL_FIRMWARE_TIME = 12,	/* mib: updprobeTargetFirmwareTime */
	UPDPROBE_MIB_COL_HTTP_STATUS = 13,	/* mib: updprobeTargetHttpStatus */
	UPDPROBE_MIB_COL_FIRMWARE_SIZE = 14,	/* mib: updprobeTargetFirmwareSize */
	UPDPROBE_MIB_COL_PROBES = 15,		/* mib: updprobeTargetProbes */
	UPDPROBE_MIB_COL_PROBLEMS = 16,		/* mib: updprobeTargetProblems */
	UPDPROBE_MIB_COL_PROBE_NOW = 17,	/* mib: updprobeTargetProbeNow */
	UPDPROBE_MIB_COL_INTERVAL = 18,		/* mib: updprobeTargetInterval */
	UPDPROBE_MIB_COL_PREVIOUS_CODE = 19,	/* mib: updprobeTargetPreviousCode */
	UPDPROBE_MIB_COL_SOURCE = 20,		/* mib: updprobeTargetSource */
	UPDPROBE_MIB_COL_SERVER = 21,		/* mib: updprobeTargetServer */
	UPDPROBE_MIB_COL_SOURCE_STATE = 22	/* mib: updprobeTargetSourceState */
};
#define UPDPROBE_MIB_COL_FIRST	UPDPROBE_MIB_COL_CODE
#define UPDPROBE_MIB_COL_LAST	UPDPROBE_MIB_COL_SOURCE_STATE

/* updprobeTargetSourceState */
#define UPDPROBE_MIB_SOURCE_CONFIGURATION	1	/* mib: updprobeTargetSourceState configuration */
#define UPDPROBE_MIB_SOURCE_FILE_OK		2	/* mib: updprobeTargetSourceState fileOk */
#define UPDPROBE_MIB_SOURCE_FILE_BROKEN		3	/* mib: updprobeTargetSourceState fileBroken */

/*
 * Columns of updprobeServerEntry, under UPDPROBE_MIB_SERVER_ENTRY_OID:
 * 2 to 19 have the numbers (and meaning) of updprobeTargetEntry's, so
 * the code reads both tables with the UPDPROBE_MIB_COL_ numbers; these
 * are the server table's names for them and its own columns.  The index
 * is the server name, length-prefixed like a target name.
 */
enum updprobe_mib_server_column {
	UPDPROBE_MIB_SCOL_NAME = 1,		/* mib: updprobeServerName */
	UPDPROBE_MIB_SCOL_CODE = 2,		/* mib: updprobeServerCode */
	UPDPROBE_MIB_SCOL_STEP = 3,		/* mib: updprobeServerStep */
	UPDPROBE_MIB_SCOL_DETAIL = 4,		/* mib: updprobeServerDetail */
	UPDPROBE_MIB_SCOL_URL = 5,		/* mib: updprobeServerUrl */
	UPDPROBE_MIB_SCOL_VERSION = 6,		/* mib: updprobeServerVersion */
	UPDPROBE_MIB_SCOL_LAST_PROBE = 7,	/* mib: updprobeServerLastProbe */
	UPDPROBE_MIB_SCOL_LAST_CHANGE = 8,	/* mib: updprobeServerLastChange */
	UPDPROBE_MIB_SCOL_DNS_TIME = 9,		/* mib: updprobeServerDnsTime */
	UPDPROBE_MIB_SCOL_CONNECT_TIME = 10,	/* mib: updprobeServerConnectTime */
	UPDPROBE_MIB_SCOL_DIRFILE_TIME = 11,	/* mib: updprobeServerDirFileTime */
	UPDPROBE_MIB_SCOL_FIRMWARE_TIME = 12,	/* mib: updprobeServerFirmwareTime */
	UPDPROBE_MIB_SCOL_HTTP_STATUS = 13,	/* mib: updprobeServerHttpStatus */
	UPDPROBE_MIB_SCOL_FIRMWARE_SIZE = 14,	/* mib: updprobeServerFirmwareSize */
	UPDPROBE_MIB_SCOL_PROBES = 15,		/* mib: updprobeServerProbes */
	UPDPROBE_MIB_SCOL_PROBLEMS = 16,	/* mib: updprobeServerProblems */
	UPDPROBE_MIB_SCOL_PROBE_NOW = 17,	/* mib: updprobeServerProbeNow */
	UPDPROBE_MIB_SCOL_INTERVAL = 18,	/* mib: updprobeServerInterval */
	UPDPROBE_MIB_SCOL_PREVIOUS_CODE = 19,	/* mib: updprobeServerPreviousCode */
	UPDPROBE_MIB_SCOL_BASE_STATIONS = 20,	/* mib: updprobeServerBaseStations */
	UPDPROBE_MIB_SCOL_SETTINGS = 21,	/* mib: updprobeServerSettings */
	UPDPROBE_MIB_SCOL_TYPE = 22		/* mib: updprobeServerType */
};
#define UPDPROBE_MIB_SCOL_FIRST	UPDPROBE_MIB_SCOL_CODE
#define UPDPROBE_MIB_SCOL_LAST	UPDPROBE_MIB_SCOL_TYPE
_Static_assert((int)UPDPROBE_MIB_SCOL_CODE == (int)UPDPROBE_MIB_COL_CODE &&
    (int)UPDPROBE_MIB_SCOL_DETAIL == (int)UPDPROBE_MIB_COL_DETAIL &&
    (int)UPDPROBE_MIB_SCOL_PROBE_NOW == (int)UPDPROBE_MIB_COL_PROBE_NOW &&
    (int)UPDPROBE_MIB_SCOL_PREVIOUS_CODE ==
    (int)UPDPROBE_MIB_COL_PREVIOUS_CODE,
    "the server table's columns 2-19 are the target table's");

/* updprobeServerType */
#define UPDPROBE_MIB_SERVER_CONFIGURED		1	/* mib: updprobeServerType configured */
#define UPDPROBE_MIB_SERVER_PROVISIONING	2	/* mib: updprobeServerType provisioning */

/*
 * Notifications, under UPDPROBE_MIB_NOTIFICATIONS_OID. Their varbinds,
 * in this order, each with the row's instance suffix:
 *   codeChange: code, previous code, step, detail
 *   problem:    code, step, detail
 *   cleared:    code, previous code
 *   notificationsSuppressed: updprobeSuppressedNotifications.0,
 *               updprobeSuppressedTargets.0, updprobeNotificationsDropped.0
 * and the server's, each with the server row's instance suffix:
 *   serverCodeChange: code, previous code, step, detail, base stations
 *   serverProblem:    code, step, detail, base stations
 *   serverCleared:    code, previous code, base stations
 */
enum updprobe_mib_notification {
	UPDPROBE_MIB_NOTIF_CODE_CHANGE = 1,	/* mib: updprobeCodeChange */
	UPDPROBE_MIB_NOTIF_PROBLEM = 2,		/* mib: updprobeProblem */
	UPDPROBE_MIB_NOTIF_CLEARED = 3,		/* mib: updprobeCleared */
	UPDPROBE_MIB_NOTIF_SUPPRESSED = 4,	/* mib: updprobeNotificationsSuppressed */
	UPDPROBE_MIB_NOTIF_SERVER_CODE_CHANGE = 5,	/* mib: updprobeServerCodeChange */
	UPDPROBE_MIB_NOTIF_SERVER_PROBLEM = 6,	/* mib: updprobeServerProblem */
	UPDPROBE_MIB_NOTIF_SERVER_CLEARED = 7	/* mib: updprobeServerCleared */
};

/*
 * UpdprobeCode: the values 0..12 are the device's codes (enum m3_code in
 * codes.h, the same numbers); the MIB adds one value for a target with
 * no completed probe yet.
 */
#define UPDPROBE_MIB_CODE_NOT_PROBED	(-1)	/* mib: UpdprobeCode notProbed */
#define UPDPROBE_MIB_CODE_MAX		12	/* mib: UpdprobeCode authenticationFailed */

/*
 * UpdprobeStep: the step in the device's order, counted from 1. The
 * engine's enum probe_step (codes.h) counts from STEP_CONFIG = 0 in the
 * same order to STEP_NONE, so the MIB value is the engine's plus one
 * (asserted below).
 */
enum updprobe_mib_step {
	UPDPROBE_MIB_STEP_NOT_PROBED = -1,	/* mib: UpdprobeStep notProbed */
	UPDPROBE_MIB_STEP_CONFIG = 1,		/* mib: UpdprobeStep config */
	UPDPROBE_MIB_STEP_DNS = 2,		/* mib: UpdprobeStep dns */
	UPDPROBE_MIB_STEP_CONNECT = 3,		/* mib: UpdprobeStep connect */
	UPDPROBE_MIB_STEP_DIRFILE = 4,		/* mib: UpdprobeStep dirfile */
	UPDPROBE_MIB_STEP_VERSION = 5,		/* mib: UpdprobeStep version */
	UPDPROBE_MIB_STEP_FIRMWARE = 6,		/* mib: UpdprobeStep firmware */
	UPDPROBE_MIB_STEP_NONE = 7		/* mib: UpdprobeStep none */
};
#define UPDPROBE_MIB_STEP_FROM_ENGINE(s)	((int)(s) + 1)
#define UPDPROBE_MIB_STEP_TO_ENGINE(m)		((enum probe_step)((m) - 1))

_Static_assert(UPDPROBE_MIB_STEP_FROM_ENGINE(STEP_CONFIG) ==
    UPDPROBE_MIB_STEP_CONFIG && UPDPROBE_MIB_STEP_FROM_ENGINE(STEP_DNS) ==
    UPDPROBE_MIB_STEP_DNS && UPDPROBE_MIB_STEP_FROM_ENGINE(STEP_CONNECT) ==
    UPDPROBE_MIB_STEP_CONNECT && UPDPROBE_MIB_STEP_FROM_ENGINE(STEP_DIRFILE) ==
    UPDPROBE_MIB_STEP_DIRFILE && UPDPROBE_MIB_STEP_FROM_ENGINE(STEP_VERSION) ==
    UPDPROBE_MIB_STEP_VERSION && UPDPROBE_MIB_STEP_FROM_ENGINE(STEP_FIRMWARE) ==
    UPDPROBE_MIB_STEP_FIRMWARE && UPDPROBE_MIB_STEP_FROM_ENGINE(STEP_NONE) ==
    UPDPROBE_MIB_STEP_NONE, "UpdprobeStep is the engine's step plus one");
_Static_assert(UPDPROBE_MIB_CODE_NOT_PROBED < 0 &&
    UPDPROBE_MIB_CODE_MAX == M3_CODE_MAX && M3_AUTH_FAILED == M3_CODE_MAX,
    "UpdprobeCode is the device's codes and notProbed");

/* TruthValue, for updprobeTargetProbeNow. */
#define UPDPROBE_MIB_TRUE	1
#define UPDPROBE_MIB_FALSE	2

/*
 * Limits of the MIB's SYNTAX clauses. Cut a longer value before answering
 * it: net-snmp passes an oversized string on, and managers that check
 * the MIB reject it.
 */
#define UPDPROBE_MIB_NAME_MIN		1	/* mib: SIZEMIN updprobeTargetName */
#define UPDPROBE_MIB_NAME_MAX		32	/* mib: SIZE updprobeTargetName */
#define UPDPROBE_MIB_AGENT_VERSION_MAX	64	/* mib: SIZE updprobeAgentVersion */
#define UPDPROBE_MIB_DETAIL_MAX		255	/* mib: SIZE updprobeTargetDetail */
#define UPDPROBE_MIB_URL_MAX		255	/* mib: SIZE updprobeTargetUrl */
#define UPDPROBE_MIB_VERSION_MAX	8	/* mib: SIZE updprobeTargetVersion */
#define UPDPROBE_MIB_HTTP_STATUS_MAX	999	/* mib: RANGE updprobeTargetHttpStatus */
#define UPDPROBE_MIB_SOURCE_MAX		255	/* mib: SIZE updprobeTargetSource */
#define UPDPROBE_MIB_SERVER_REF_MAX	32	/* mib: SIZE updprobeTargetServer */
#define UPDPROBE_MIB_SERVER_NAME_MIN	1	/* mib: SIZEMIN updprobeServerName */
#define UPDPROBE_MIB_SERVER_NAME_MAX	32	/* mib: SIZE updprobeServerName */
#define UPDPROBE_MIB_SETTINGS_MAX	255	/* mib: SIZE updprobeServerSettings */

#endif
