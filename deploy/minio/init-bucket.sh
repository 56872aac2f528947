#!/bin/sh
# One-shot MinIO bootstrap, run by the `minio-init` compose service (image: minio/mc).
# Idempotent: safe to re-run on every `docker compose up`.
# Uses only shell builtins + mc (the mc image has no curl/cat guarantees).
set -eu

: "${S3_ENDPOINT:?S3_ENDPOINT is required}"
: "${MINIO_ROOT_USER:?MINIO_ROOT_USER is required}"
: "${MINIO_ROOT_PASSWORD:?MINIO_ROOT_PASSWORD is required}"
: "${S3_BUCKET:?S3_BUCKET is required}"
: "${S3_ACCESS_KEY:?S3_ACCESS_KEY is required}"
: "${S3_SECRET_KEY:?S3_SECRET_KEY is required}"

# Retry until the server accepts credentials (depends_on already waits for healthy).
i=0
until mc alias set local "$S3_ENDPOINT" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null 2>&1; do
  i=$((i + 1))
  if [ "$i" -ge 30 ]; then echo "minio-init: MinIO not reachable at $S3_ENDPOINT" >&2; exit 1; fi
  sleep 2
done

mc mb --ignore-existing "local/$S3_BUCKET"
# Bucket stays private: services hand out presigned URLs.
mc anonymous set none "local/$S3_BUCKET"

# The services' own user, limited to this bucket, so they never hold the root credentials.
POLICY_FILE=/tmp/toolsplatform-s3-policy.json
printf '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*"],"Resource":["arn:aws:s3:::%s","arn:aws:s3:::%s/*"]}]}\n' \
  "$S3_BUCKET" "$S3_BUCKET" > "$POLICY_FILE"
mc admin policy create local toolsplatform-services "$POLICY_FILE" >/dev/null
mc admin user add local "$S3_ACCESS_KEY" "$S3_SECRET_KEY" >/dev/null
# `attach` refuses a policy that is already attached; that is the state we want.
if ! mc admin policy attach local toolsplatform-services --user "$S3_ACCESS_KEY" >/dev/null 2>&1; then
  mc admin user info local "$S3_ACCESS_KEY" | grep -q toolsplatform-services \
    || { echo "minio-init: could not attach policy toolsplatform-services to the services' user" >&2; exit 1; }
fi

# No lifecycle rule: MinIO refuses a document whose only action is AbortIncompleteMultipartUpload,
# and its own stale-upload sweep (MINIO_API_STALE_UPLOADS_EXPIRY, 24 h by default) already
# removes incomplete multipart uploads. On AWS S3, add that lifecycle rule to the bucket instead.
echo "minio-init: bucket local/$S3_BUCKET and its services user ready"
