package io.webplatform.operator.engine;

import io.webplatform.operator.aws.OwnedKeys;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A KMS key a resource makes for itself ({@link OwnedKeys}): symmetric, rotating yearly, found again by its alias or,
 * after a crash between CreateKey and CreateAlias, by its ownership tags; brought back when it drifts; its alias
 * removed and its deletion scheduled (7 days) when it goes. A subclass says which key: its alias, the Region it lives
 * in, what it is for (its {@link #desired} policy) and when it is kept.
 */
public abstract class OwnedKeyComponent<S extends Scope> implements Component<S, OwnedKeys.Desired, OwnedKeys.Key> {

    /** KMS aliases allow no dots: a subclass sanitises names that have them. */
    protected abstract String keyAlias(S scope);

    /** The client of the Region the key lives in. */
    protected abstract KmsClient kms(S scope);

    /** The owner a key found by its tags must carry. */
    protected String ownerTag(S scope) {
        return scope.ownerKey();
    }

    /** The component a key found by its tags must carry. */
    protected String componentTag(S scope) {
        return name();
    }

    /** While ending, a key whose deletion this object scheduled counts as gone; at other times such a key is drift, cancelled. */
    protected boolean ending(S scope) {
        return scope.owner().getMetadata().getDeletionTimestamp() != null;
    }

    @Override
    public List<CfnResource> cloudFormation(OwnedKeys.Desired desired) {
        return cloudFormation(CfnResource.logicalId(name()), desired);
    }

    @Override
    public Observed<OwnedKeys.Key> planned(S scope, OwnedKeys.Desired desired) {
        OwnedKeys.Key key = planned(CfnResource.logicalId(name()), desired);
        return Observed.ready(key.arn(), key);
    }

    @Override
    public Observed<OwnedKeys.Key> observe(S scope) {
        OwnedKeys.Key key = OwnedKeys.read(kms(scope), keyAlias(scope), ownerTag(scope), componentTag(scope), ending(scope));
        return key == null ? null : Observed.ready(key.arn(), key);
    }

    @Override
    public List<Change> diff(OwnedKeys.Key actual, OwnedKeys.Desired desired) {
        return changes(actual, desired);
    }

    @Override
    public void create(S scope, OwnedKeys.Desired desired) {
        OwnedKeys.create(kms(scope), desired, scope.clock());
    }

    @Override
    public void apply(S scope, Observed<OwnedKeys.Key> current, OwnedKeys.Desired desired, List<Change> changes) {
        OwnedKeys.Key after = OwnedKeys.apply(kms(scope), current.detail(), desired, changes.stream().map(Change::field).toList(),
                scope.clock());
        // What reads the key later in the pass (the components that name it, the findings) reads it as it is now.
        scope.record(name(), current.withDetail(after));
    }

    @Override
    public boolean delete(S scope, Observed<OwnedKeys.Key> current) {
        OwnedKeys.delete(kms(scope), current.detail(), keyAlias(scope), scope.clock());
        return true;
    }

    /** An owned key's differences as changes. */
    public static List<Change> changes(OwnedKeys.Key actual, OwnedKeys.Desired desired) {
        return OwnedKeys.differences(actual, desired).stream()
                .map(d -> Change.described(d.field(), d.actual(), d.desired(), d.summary())).toList();
    }

    /** An owned key as CloudFormation makes it: the key with yearly rotation, and its alias. */
    public static List<CfnResource> cloudFormation(String logicalId, OwnedKeys.Desired key) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("Description", key.description());
        properties.put("EnableKeyRotation", true);
        properties.put("KeyPolicy", CfnResource.json(key.policy()));
        properties.put("Tags", CfnResource.tags(key.tags()));
        return List.of(CfnResource.of(logicalId, "AWS::KMS::Key", properties),
                CfnResource.of(logicalId + "Alias", "AWS::KMS::Alias", Map.of("AliasName", key.alias(), "TargetKeyId", CfnResource.ref(logicalId))));
    }

    /** What observe reports of an owned key right after it is made: enabled, aliased, rotating, with its policy. */
    public static OwnedKeys.Key planned(String logicalId, OwnedKeys.Desired key) {
        KeyMetadata metadata = KeyMetadata.builder().arn(CfnResource.attribute(logicalId, "Arn")).keyId(CfnResource.ref(logicalId))
                .keyState(KeyState.ENABLED).enabled(true).build();
        return new OwnedKeys.Key(metadata, true, true, key.policy().toString());
    }
}
