package io.webplatform.operator.engine;

import io.webplatform.operator.api.ComponentStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class RequeueTest {

    private static WalkResult walk(String... states) {
        WalkResult walk = new WalkResult();
        for (int i = 0; i < states.length; i++) {
            walk.put(new ComponentStatus("c" + i, null, states[i], ComponentGraph.READY.equals(states[i]), null, null));
        }
        return walk;
    }

    @Test
    void backsOffWhileNothingMovesAndStartsAgainOnProgress() {
        Requeue requeue = new Requeue();
        assertThat(requeue.next("a", walk(ComponentGraph.READY, ComponentGraph.PENDING))).isEqualTo(Duration.ofSeconds(2));
        assertThat(requeue.next("a", walk(ComponentGraph.READY, ComponentGraph.PENDING))).isEqualTo(Duration.ofSeconds(4));
        assertThat(requeue.next("a", walk(ComponentGraph.READY, ComponentGraph.PENDING))).isEqualTo(Duration.ofSeconds(8));
        assertThat(requeue.next("a", walk(ComponentGraph.READY, ComponentGraph.READY, ComponentGraph.PENDING))).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void whileDeletingProgressIsAComponentGone() {
        Requeue requeue = new Requeue();
        assertThat(requeue.nextWhileDeleting("a", walk(ComponentGraph.DELETING, ComponentGraph.WAITING))).isEqualTo(Duration.ofSeconds(2));
        assertThat(requeue.nextWhileDeleting("a", walk(ComponentGraph.DELETING, ComponentGraph.WAITING))).isEqualTo(Duration.ofSeconds(4));
        assertThat(requeue.nextWhileDeleting("a", walk(ComponentGraph.DELETED, ComponentGraph.DELETING))).isEqualTo(Duration.ofSeconds(2));
        assertThat(requeue.nextWhileDeleting("a", walk(ComponentGraph.DELETED, ComponentGraph.DELETING))).isEqualTo(Duration.ofSeconds(4));
        assertThat(requeue.nextWhileDeleting("a", walk(ComponentGraph.DELETED, ComponentGraph.RETAINED))).isEqualTo(Duration.ofSeconds(2));
    }
}
