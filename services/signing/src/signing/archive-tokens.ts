/**
 * The archive service's own tokens (issue 18): the archive keeps records with no caller to
 * relay, so it signs short tokens with a key of its own (`LIENTHONG_ARCHIVE_SERVICE_KEY`),
 * whose public half this service lists in `LIENTHONG_SIGNING_ARCHIVE_JWKS`, apart from
 * `LIENTHONG_AUTH_JWKS`. They are good on `POST /v1/verify/pdf` (the validation report at
 * ingest) and `POST /v1/tsa` (re-time-stamping) and nowhere else: a verification and a
 * time-stamp sign nothing for an office, so this power is narrow.
 */
import { AppError, bearerTokenAuthenticator, serviceErrors } from '@lienthong/service';
import type { AuthConfig, AuthKeySet } from '@lienthong/service';

/** The `iss` of the archive's tokens. */
export const archiveTokenIssuer = 'lienthong-archive';

/** The role an archive token must carry. */
export const archiveKeeperRole = 'archive-keeper';

/** The longest `exp - iat` of an archive token, seconds (the archive mints them for 300 s). */
export const archiveTokenMaxLifetimeSeconds = 600;

/** How archive tokens are verified: the archive's keys, its issuer, this service's audience, at most 600 s. */
export function archiveAuthConfig(keys: AuthKeySet, audience: string): AuthConfig {
  return { keys, issuer: archiveTokenIssuer, audience, maxLifetimeSeconds: archiveTokenMaxLifetimeSeconds };
}

/** The archive's token check: verified as `archiveAuthConfig` says, then 403 without the `archive-keeper` role. */
export function archiveAuthenticator(keys: AuthKeySet, audience: string): ReturnType<typeof bearerTokenAuthenticator> {
  const verify = bearerTokenAuthenticator(archiveAuthConfig(keys, audience));
  return (request, reply) => {
    const principal = verify(request, reply);
    if (!principal.roles.includes(archiveKeeperRole))
      throw new AppError(serviceErrors.FORBIDDEN, { detail: `an archive token needs the role ${archiveKeeperRole}` });
    return principal;
  };
}
