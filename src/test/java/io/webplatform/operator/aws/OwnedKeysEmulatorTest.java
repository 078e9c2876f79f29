package io.webplatform.operator.aws;

import io.webplatform.operator.testing.Emulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.ListResourceTagsRequest;
import software.amazon.awssdk.services.kms.model.Tag;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A key made before its alias (a crash between CreateKey and CreateAlias) is found by its ownership tags;
 * a search reads again only the tags of keys it has not read complete (both ownership tags), so fifty
 * SecureBuckets' first passes do not each read the tags of every key in the region, and a key whose tags
 * were not complete when read is never missed.
 */
class OwnedKeysEmulatorTest {
    /** The keys whose tags were read, in order. */
    private static final List<String> TAGS_READ = Collections.synchronizedList(new ArrayList<>());
    private static AwsClients aws;

    @BeforeAll
    static void clients() {
        aws = Emulator.clients(new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof ListResourceTagsRequest request) {
                    TAGS_READ.add(request.keyId());
                }
            }
        });
    }

    @AfterAll
    static void close() {
        aws.close();
    }

    private static String keyOf(KmsClient kms, Tag... tags) {
        return kms.createKey(r -> r.description("OwnedKeysEmulatorTest").tags(tags)).keyMetadata().keyId();
    }

    private static Tag tag(String key, String value) {
        return Tag.builder().tagKey(key).tagValue(value).build();
    }

    /** The keys whose tags a search for the owner's KmsKey read, and the key it found (null for none). */
    private static String search(KmsClient kms, String owner, List<String> read) {
        TAGS_READ.clear();
        OwnedKeys.Key found = OwnedKeys.read(kms, "alias/webplatform/none-" + owner, owner, "KmsKey", false);
        read.addAll(TAGS_READ);
        return found == null ? null : found.metadata().keyId();
    }

    @Test
    void aKeyWithoutItsAliasIsFoundByItsTagsAndOnlyIncompleteTagsAreReadAgain() {
        KmsClient kms = aws.kms(Emulator.REGION);
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        // Listed in the order made: a search stops at the key it finds.
        String ownerOnly = keyOf(kms, tag(Ownership.OWNER_UID, b));
        String aKey = keyOf(kms, tag(Ownership.OWNER_UID, a), tag(Ownership.COMPONENT, "KmsKey"));
        String foreign = keyOf(kms, tag(Ownership.OWNER_UID, "someone-else"), tag(Ownership.COMPONENT, "KmsKey"));

        List<String> first = new ArrayList<>();
        assertThat(search(kms, b, first)).as("b has no KmsKey yet").isNull();
        assertThat(first).as("the first search reads every key's tags").contains(aKey, foreign, ownerOnly);

        List<String> second = new ArrayList<>();
        assertThat(search(kms, a, second)).isEqualTo(aKey);
        assertThat(second).as("keys read complete are not read again; a key without both tags is").doesNotContain(aKey, foreign)
                .contains(ownerOnly);

        String bKey = keyOf(kms, tag(Ownership.OWNER_UID, b), tag(Ownership.COMPONENT, "KmsKey"));
        List<String> third = new ArrayList<>();
        assertThat(search(kms, b, third)).isEqualTo(bKey);
        assertThat(third).contains(bKey).doesNotContain(aKey, foreign);
    }
}
