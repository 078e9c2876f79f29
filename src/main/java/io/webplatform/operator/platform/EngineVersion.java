package io.webplatform.operator.platform;

import java.util.Arrays;
import java.util.List;

/**
 * A PostgreSQL engine version as the spec says it: a major ("16": any 16.x, and AWS applies minor
 * upgrades on its own) or a pinned minor ("16.4": auto minor upgrades off). RDS never downgrades, so
 * a running version newer than the spec's (AWS upgraded it, at end of support even with auto
 * upgrades off, or a person did) is kept and reported; only an older one is upgraded.
 */
record EngineVersion(String text, List<Integer> parts) {

    /** "16", "16.4", or an RDS Extended Support version such as "11.22-RDS.20240208" (compared by its 11.22). */
    static EngineVersion of(String text) {
        return new EngineVersion(text, Arrays.stream(text.replaceFirst("-.*$", "").split("\\.")).map(Integer::parseInt).toList());
    }

    String major() {
        return String.valueOf(parts.get(0));
    }

    /** True when the spec names a minor: the operator then keeps AWS's automatic minor upgrades off. */
    boolean pinsMinor() {
        return parts.size() > 1;
    }

    /** What to do with a running version for this wanted one. */
    Verdict judge(String running) {
        EngineVersion actual = of(running);
        // A major-only spec compares majors only; a pinned minor compares as far as it names.
        int compared = compare(actual.parts.subList(0, Math.min(parts.size(), actual.parts.size())), parts);
        if (compared == 0) {
            return Verdict.SATISFIED;
        }
        return compared > 0 ? Verdict.NEWER_KEPT : Verdict.UPGRADE;
    }

    enum Verdict { SATISFIED, UPGRADE, NEWER_KEPT }

    private static int compare(List<Integer> a, List<Integer> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = Integer.compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }
}
