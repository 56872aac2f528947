#!/bin/sh
# One-shot MinIO bootstrap, run by the `minio-init` compose service (image: minio/mc).
# Idempotent: safe to re-run on every `docker compose up`.
# Uses only shell builtins + mc (the mc image has no curl/cat guarantees).
set -eu

: "${S3_ENDPOINT:?S3_ENDPOINT is required}"
: "${MINIO_ROOT_USER:?MINIO_ROOT_USER is required}"
: "${MINIO_ROOT_PASSWORD:?MINIO_ROOT_PASSWORD is required}"
: "${S3_BUCKET:?S3_BUCKET is required}"

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

# Abort incomplete multipart uploads after 1 day.
# `mc ilm rule add` has no flag for AbortIncompleteMultipartUpload, so the S3 lifecycle JSON is
# imported. MinIO itself does not honour this action (it drops it or rejects the document,
# minio/minio#15681, #19115); on MinIO the guarantee comes from the server-side sweep
# MINIO_API_STALE_UPLOADS_EXPIRY=24h set on the `minio` service. The rule is still applied so
# the same script is correct against AWS S3 / other S3 stores, and a failure is not fatal.
LIFECYCLE='{"Rules":[{"ID":"abort-incomplete-multipart-1d","Status":"Enabled","Filter":{"Prefix":""},"AbortIncompleteMultipartUpload":{"DaysAfterInitiation":1}}]}'
if printf '%s\n' "$LIFECYCLE" | mc ilm rule import "local/$S3_BUCKET"; then
  echo "minio-init: lifecycle imported (MinIO may drop AbortIncompleteMultipartUpload; stale-upload sweep covers it)"
else
  echo "minio-init: lifecycle rule not accepted by this server; relying on MINIO_API_STALE_UPLOADS_EXPIRY" >&2
fi

echo "minio-init: bucket local/$S3_BUCKET ready"
