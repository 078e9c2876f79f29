"""Prints what a SecureBucket made in AWS (or the emulator), read with boto3: python3 hack/aws-state.py BUCKET."""
import json
import os
import sys

import boto3

bucket = sys.argv[1]
kw = {"region_name": os.environ.get("AWS_REGION", "us-east-1")}
if os.environ.get("AWS_ENDPOINT_URL"):
    kw["endpoint_url"] = os.environ["AWS_ENDPOINT_URL"]
s3 = boto3.client("s3", **kw)
ct = boto3.client("cloudtrail", **kw)
kms = boto3.client("kms", **kw)

for name in [b["Name"] for b in s3.list_buckets()["Buckets"] if b["Name"].startswith(bucket)]:
    versioning = s3.get_bucket_versioning(Bucket=name).get("Status")
    sse = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]
    pab = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
    policy = json.loads(s3.get_bucket_policy(Bucket=name)["Policy"])
    print(f"bucket {name}: versioning={versioning} encryption={sse['SSEAlgorithm']}"
          f" public-access-block={'all on' if all(pab.values()) else pab}"
          f" policy={[s.get('Sid') for s in policy['Statement']]}")
    try:
        rule = s3.get_bucket_replication(Bucket=name)["ReplicationConfiguration"]["Rules"][0]
        print(f"  replication {rule['ID']} -> {rule['Destination']['Bucket']} ({rule['Status']})")
    except s3.exceptions.ClientError:
        pass
for trail in ct.describe_trails()["trailList"]:
    if trail["Name"].startswith(bucket):
        status = ct.get_trail_status(Name=trail["Name"])
        selectors = ct.get_event_selectors(TrailName=trail["Name"])["EventSelectors"]
        print(f"trail {trail['Name']}: logging={status['IsLogging']} validation={trail['LogFileValidationEnabled']}"
              f" -> s3://{trail['S3BucketName']} selectors={[(s['ReadWriteType'], s['DataResources'][0]['Values']) for s in selectors]}")
for alias in kms.list_aliases()["Aliases"]:
    if alias["AliasName"].startswith("alias/webplatform/") and "TargetKeyId" in alias:
        rotation = kms.get_key_rotation_status(KeyId=alias["TargetKeyId"])["KeyRotationEnabled"]
        print(f"key {alias['AliasName']} -> {alias['TargetKeyId']} rotation={rotation}")
