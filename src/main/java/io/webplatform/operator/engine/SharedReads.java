package io.webplatform.operator.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One listing per (region, kind) per window, shared by every object of the process: a tag-filtered,
 * paginated Describe (or the kind's cheapest exact listing) of the operator's resources of one kind.
 * The idle gate compares them; full passes observe their EC2 resources from them ({@link Scope#shareReads}).
 * Single-flight: callers wanting the same listing while it is being fetched wait for that fetch.
 * What each object owns in a listing is told by its owner tag or by the names it computes
 * ({@link Selection}); its {@linkplain Snapshot#fingerprint fingerprint} changes when any of its items
 * does, so the idle gate ({@link IdleGate}) can tell "nothing of this object changed" without a call of its own.
 */
public final class SharedReads {

    /**
     * One resource in a listing: the owner tag's value (null when the listing carries no tags), its
     * name (the key a component finds it by; null when found by tag), and its description as AWS
     * returned it, minus the fields that move by themselves (a snapshot keeps its hash).
     */
    public record Item(String owner, String name, String content, Object value) {
        public Item(String owner, String name, String content) {
            this(owner, name, content, null);
        }
    }

    /** A listing of one kind in one region, as requested at {@code fetchedAt} (its first page). */
    public record Snapshot(Instant fetchedAt, List<Item> items) {

        /** A hash of the items the selection picks, in a stable order: equal when none of them changed. */
        public String fingerprint(Selection selection) {
            return SharedReads.fingerprint(items.stream().filter(selection::picks).map(Item::content).sorted().toList());
        }

        /** The descriptions, as AWS returned them, of the items tagged with this owner key. */
        public <T> List<T> ownedBy(String ownerKey, Class<T> type) {
            return items.stream().filter(i -> ownerKey.equals(i.owner()) && type.isInstance(i.value())).map(i -> type.cast(i.value())).toList();
        }
    }

    /**
     * Which items of a listing are one object's: those tagged with its owner key, those named as it
     * names them, and those whose names start with one of its prefixes (its alarms, say).
     */
    public record Selection(String ownerKey, Set<String> names, Set<String> prefixes) {
        public static Selection byOwner(String ownerKey) {
            return new Selection(ownerKey, Set.of(), Set.of());
        }

        public static Selection byNames(Set<String> names) {
            return new Selection(null, Set.copyOf(names), Set.of());
        }

        public static Selection byPrefix(String prefix) {
            return new Selection(null, Set.of(), Set.of(prefix));
        }

        boolean picks(Item item) {
            return (ownerKey != null && ownerKey.equals(item.owner()))
                    || (item.name() != null && (names.contains(item.name()) || prefixes.stream().anyMatch(item.name()::startsWith)));
        }
    }

    /** A resource kind a graph lists once per region per window for every object. */
    public interface Kind {
        /** Stable name ("ec2:vpc"): the listing's key with the region. */
        String name();

        /** Lists every resource of this kind the operator may own in the region: all pages. Only reads. */
        List<Item> list(String region);

        /** Which of the listing's items are this pass's object's. */
        Selection selectionOf(Scope scope);
    }

    /** A kind listed by a function of the region, whose items a function of the kind's scope selects. */
    public record Listing<S extends Scope>(String name, Function<String, List<Item>> lister, Function<S, Selection> selector)
            implements Kind {
        @Override
        public List<Item> list(String region) {
            return lister.apply(region);
        }

        @Override
        @SuppressWarnings("unchecked")
        public Selection selectionOf(Scope scope) {
            return selector.apply((S) scope);
        }
    }

    private record Key(String region, String kind) {
    }

    private record Flight(Instant startedAt, CompletableFuture<Snapshot> result) {
    }

    private final Duration window;
    private final Clock clock;
    private final Map<Key, Flight> flights = new ConcurrentHashMap<>();

    /** @param window how long a listing serves every object (the resync period by default) */
    public SharedReads(Duration window, Clock clock) {
        this.window = window;
        this.clock = clock;
    }

    /**
     * The kind's listing in the region, requested no earlier than {@code notBefore} (an object's last
     * write: an older listing could show what that write replaced) and no more than one window ago; fetched
     * when none is, once for every caller waiting at the same time.
     */
    public Snapshot get(Kind kind, String region, Instant notBefore) {
        Key key = new Key(region, kind.name());
        while (true) {
            Instant now = clock.instant();
            Flight current = flights.get(key);
            if (current != null && current.startedAt().isBefore(notBefore) && !current.result().isDone()) {
                // Too old for this caller and still running: wait for it, so that one new listing serves every caller
                // that arrived meanwhile (at most one listing per kind at a time, however many objects converge).
                current.result().handle((snapshot, failed) -> null).join();
                continue;
            }
            if (current != null && !current.startedAt().isBefore(notBefore) && current.startedAt().plus(window).isAfter(now)) {
                if (!current.result().isCompletedExceptionally()) {
                    return await(current);
                }
            }
            // Requested now, and no earlier than this caller asked (its notBefore may lie a nanosecond ahead of the clock).
            Instant startedAt = now.isBefore(notBefore) ? notBefore : now;
            Flight mine = new Flight(startedAt, new CompletableFuture<>());
            boolean won = current == null ? flights.putIfAbsent(key, mine) == null : flights.replace(key, current, mine);
            if (!won) {
                continue;
            }
            try {
                // Contents kept as hashes; a description is kept only where a pass observes from it (value).
                Snapshot snapshot = new Snapshot(startedAt, kind.list(region).stream()
                        .map(i -> new Item(i.owner(), i.name(), fingerprint(List.of(i.content())), i.value())).toList());
                mine.result().complete(snapshot);
                return snapshot;
            } catch (RuntimeException | Error e) {
                // A failed listing serves nobody (and never leaves its waiters waiting): the next caller tries again.
                mine.result().completeExceptionally(e);
                flights.remove(key, mine);
                throw e;
            }
        }
    }

    /** The clock listings are timed by: a pass's reads are requested no earlier than it began. */
    public Instant now() {
        return clock.instant();
    }

    /** Drops every listing (a test's or a new configuration's fresh start). */
    public void clear() {
        flights.clear();
    }

    private static Snapshot await(Flight flight) {
        try {
            return flight.result().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** SHA-256 of the parts, each length-prefixed so that no two lists hash alike by concatenation. */
    static String fingerprint(List<String> parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                digest.update((bytes.length + ":").getBytes(StandardCharsets.UTF_8));
                digest.update(bytes);
            }
            return HexFormat.of().formatHex(digest.digest()).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
