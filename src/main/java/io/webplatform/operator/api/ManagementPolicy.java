package io.webplatform.operator.api;

/** Whether the operator changes AWS for an object, or only reads it and reports what differs. */
public enum ManagementPolicy {
    /** Create what is missing, repair what drifted, delete on delete. */
    Manage,
    /** Read only: report every difference in status.drift and the Synced condition; never write to AWS, and leave it as it is on delete. */
    Observe;

    public static final String DESCRIPTION = "Manage (default): create what is missing, repair what drifted, delete on delete."
            + " Observe: only read; every difference from the spec is reported in status.drift, the Synced condition and"
            + " events, and nothing is written to AWS (a change freeze, or resources being adopted). Deleting the object"
            + " under Observe leaves its AWS resources as they are. Switching back to Manage repairs the differences.";
}
