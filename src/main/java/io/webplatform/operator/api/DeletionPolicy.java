package io.webplatform.operator.api;

/** What happens to the data-holding AWS resources when the custom resource is deleted. */
public enum DeletionPolicy {
    /** Keep buckets and keys with their data; remove everything that only serves them. */
    Retain,
    /** Delete everything the operator created. */
    Delete
}
