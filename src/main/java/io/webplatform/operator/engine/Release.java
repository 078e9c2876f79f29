package io.webplatform.operator.engine;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.webplatform.operator.api.ReconciledBy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This operator release (one Helm release: its replicas share one Lease) and what it selects. Several
 * releases split a fleet by label selector and namespaces; each object records the release that
 * reconciles it, and another release that also sees it leaves it alone while that recorded selection
 * still matches it. So two releases never both write one object's AWS stack, whatever their selectors,
 * and moving an object is changing its labels: the release that held it no longer selects it.
 */
@ApplicationScoped
public class Release {

    /** What a release does with an object it sees. */
    public enum Verdict {
        /** Recorded as this release, with this release's selection: reconcile. */
        MINE,
        /** Nobody recorded, the recorded release no longer selects it, or this release's selection changed: record this release, then reconcile. */
        TAKE,
        /** Another release recorded it and still selects it: leave it alone. */
        OTHERS
    }

    /** How often an object left to another release is looked at again (it may have moved). */
    public static final java.time.Duration RECHECK = java.time.Duration.ofSeconds(30);

    @ConfigProperty(name = "webplatform.release")
    String name;
    @ConfigProperty(name = "webplatform.watch.label-selector")
    Optional<String> labelSelector;
    @ConfigProperty(name = "webplatform.watch.namespaces")
    Optional<List<String>> namespaces;

    /** Objects already warned about, with the release holding them: one Warning each, not one per resync. */
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    public Release() {
    }

    Release(String name, String labelSelector, List<String> namespaces) {
        this.name = name;
        this.labelSelector = Optional.ofNullable(labelSelector).filter(s -> !s.isBlank());
        this.namespaces = Optional.ofNullable(namespaces).filter(n -> !n.isEmpty());
    }

    /** A selector this release could not judge others by is refused at start, not met on an object later. */
    @jakarta.annotation.PostConstruct
    void validate() {
        labelSelector.ifPresent(LabelSelector::parse);
    }

    /** What an object records about this release. */
    public ReconciledBy record() {
        return new ReconciledBy(name, labelSelector.orElse(""), namespaces.map(List::copyOf).orElse(List.of()));
    }

    public Verdict judge(HasMetadata object, ReconciledBy recorded) {
        if (recorded == null || recorded.getRelease() == null) {
            return Verdict.TAKE;
        }
        if (recorded.getRelease().equals(name)) {
            return recorded.equals(record()) ? Verdict.MINE : Verdict.TAKE;
        }
        return selects(recorded, object) ? Verdict.OTHERS : Verdict.TAKE;
    }

    /** Whether the recorded release's selection matches the object as it is now. */
    static boolean selects(ReconciledBy recorded, HasMetadata object) {
        List<String> watched = recorded.getNamespaces();
        if (watched != null && !watched.isEmpty() && !watched.contains(object.getMetadata().getNamespace())) {
            return false;
        }
        try {
            return LabelSelector.parse(recorded.getLabelSelector()).matches(object.getMetadata().getLabels());
        } catch (IllegalArgumentException e) {
            // A selector no release could have run with: assume it still holds rather than risk two writers.
            return true;
        }
    }

    /** The Warning for an object another release holds, once per object and holder; null when already said. */
    public String warnOnce(HasMetadata object, ReconciledBy recorded) {
        if (!warned.add(object.getMetadata().getUid() + "/" + recorded)) {
            return null;
        }
        return "reconciled by release " + recorded + ", which still selects it; this release, " + record()
                + ", leaves it alone. Give each object to one release: change its labels or a release's selector"
                + " (README, Scale-out)";
    }

    public String name() {
        return name;
    }
}
