#!/bin/sh
# Makes the secrets of the compose suite in deploy/compose/secrets/ (or $1): one file per
# variable, named for it, which the image's entry point exports (deploy/docker-entrypoint.sh).
# Existing files are kept, so running it again changes nothing; delete a file to renew it.
# Needs openssl. Never commit the folder (it is git-ignored).
#   LIENTHONG_SIGNING_KEK              passphrase encrypting signing's private keys at rest
#   LIENTHONG_DELIVERY_WEBHOOK_KEY     seals delivery's webhook secrets at rest
#   LIENTHONG_DELIVERY_EVIDENCE_KEY    delivery's token key (Ed25519) for evidence sealing
#   LIENTHONG_ARCHIVE_SERVICE_KEY      archive's token key (Ed25519) for validation and TSA calls
#   LIENTHONG_SIGNING_EVIDENCE_JWKS    the public JWK set of the delivery key (for signing)
#   LIENTHONG_SIGNING_ARCHIVE_JWKS     the public JWK set of the archive key (for signing)
#   auth-issuer.pem                    an access-token issuer key, to try the suite out
#                                      (`lienthong token issue --key secrets/auth-issuer.pem …`)
#   LIENTHONG_AUTH_JWKS                its public JWK set: the services trust its tokens
#   postgres-password, s3-access-key, s3-secret-key, grafana-admin-password
#   LIENTHONG_DATABASE_URL, LIENTHONG_S3_ACCESS_KEY, LIENTHONG_S3_SECRET_KEY (the same
#   credentials, as the services read them)
# Key ids: DELIVERY_EVIDENCE_KEY_ID (delivery-1), ARCHIVE_SERVICE_KEY_ID (archive-1) and
# AUTH_KEY_ID (issuer-1) from the environment; they must match .env.
set -eu

dir="${1:-$(dirname "$0")/secrets}"
mkdir -p "$dir"
# The folder keeps other users of the host out; the files stay readable (0644) because
# compose mounts them as they are into containers whose user is not the host's.
chmod 0700 "$dir"
umask 022

random() { openssl rand -base64 48 | tr '+/' '-_' | tr -d '=\n'; }

# Writes $2 into $dir/$1 unless the file exists.
keep() {
  if [ -s "$dir/$1" ]; then return; fi
  printf '%s' "$2" > "$dir/$1"
  echo "made $dir/$1"
}

ed25519() { # file
  [ -s "$dir/$1" ] && return
  openssl genpkey -algorithm ed25519 -out "$dir/$1"
  chmod 0644 "$dir/$1"
  echo "made $dir/$1"
}

# The public JWK set (RFC 7517 §5, RFC 8037 §2) of an Ed25519 key, with its kid.
jwks() { # key-file kid
  x="$(openssl pkey -in "$dir/$1" -pubout -outform DER | tail -c 32 | openssl base64 -A | tr '+/' '-_' | tr -d '=')"
  printf '{"keys":[{"kty":"OKP","crv":"Ed25519","alg":"EdDSA","use":"sig","kid":"%s","x":"%s"}]}' "$2" "$x"
}

keep LIENTHONG_SIGNING_KEK "$(random)"
keep LIENTHONG_DELIVERY_WEBHOOK_KEY "$(random)"
keep postgres-password "$(random)"
keep s3-access-key "lienthong-$(openssl rand -hex 6)"
keep s3-secret-key "$(random)"
keep grafana-admin-password "$(random)"

ed25519 LIENTHONG_DELIVERY_EVIDENCE_KEY
ed25519 LIENTHONG_ARCHIVE_SERVICE_KEY
ed25519 auth-issuer.pem

# Derived files are written again each time: they follow the keys and ids above.
jwks LIENTHONG_DELIVERY_EVIDENCE_KEY "${DELIVERY_EVIDENCE_KEY_ID:-delivery-1}" > "$dir/LIENTHONG_SIGNING_EVIDENCE_JWKS"
jwks LIENTHONG_ARCHIVE_SERVICE_KEY "${ARCHIVE_SERVICE_KEY_ID:-archive-1}" > "$dir/LIENTHONG_SIGNING_ARCHIVE_JWKS"
jwks auth-issuer.pem "${AUTH_KEY_ID:-issuer-1}" > "$dir/LIENTHONG_AUTH_JWKS"
printf 'postgres://%s:%s@postgres:5432/%s' "${POSTGRES_USER:-lienthong}" "$(cat "$dir/postgres-password")" \
  "${POSTGRES_DB:-lienthong}" > "$dir/LIENTHONG_DATABASE_URL"
cp "$dir/s3-access-key" "$dir/LIENTHONG_S3_ACCESS_KEY"
cp "$dir/s3-secret-key" "$dir/LIENTHONG_S3_SECRET_KEY"
echo "secrets ready in $dir"
