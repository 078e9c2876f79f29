package io.webplatform.operator.engine;

import java.util.Objects;

/**
 * One difference between what AWS has and what the operator wants: the unit of a plan, of a
 * repair and of a drift report.
 *
 * @param field   what differs, with the sub-resource when a component has several ("public-a mapPublicIpOnLaunch")
 * @param actual  what AWS has, as a person would read it ("absent" when missing)
 * @param desired what the operator wants
 * @param summary the line for events and logs
 */
public record Change(String field, String actual, String desired, String summary) {
    public static final String ABSENT = "absent";

    public Change {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(summary, "summary");
    }

    /** "field actual -> desired". */
    public static Change of(String field, Object actual, Object desired) {
        String a = String.valueOf(actual);
        String d = String.valueOf(desired);
        return new Change(field, a, d, field + " " + a + " -> " + d);
    }

    /** A change whose event line says more than "field actual -> desired" ("detached arn:...:AdministratorAccess"). */
    public static Change described(String field, Object actual, Object desired, String summary) {
        return new Change(field, String.valueOf(actual), String.valueOf(desired), summary);
    }

    /** Something wanted that does not exist. */
    public static Change missing(String field, Object desired, String summary) {
        return new Change(field, ABSENT, String.valueOf(desired), summary);
    }

    /** Something that exists and is not wanted. */
    public static Change unwanted(String field, Object actual, String summary) {
        return new Change(field, String.valueOf(actual), ABSENT, summary);
    }

    @Override
    public String toString() {
        return summary;
    }
}
