/**
 * What the archive trusts when it checks delivery's evidence (README "Evidence ingest"): the
 * local CA of the suite as signing publishes it on its public routes (as `lienthong delivery
 * evidence` fetches it): the root as the one trust anchor, the issuing CA and the TSA as
 * intermediates, and the current CRLs of the issuing CA and the root. Fetched without a token
 * (public trust material), cached for `cacheMs`; a certificate or root carried by the evidence
 * itself is never trusted.
 */
import { tracedFetch } from '@lienthong/service';
import { ValidationUnavailable } from '../ingest/validation-client.ts';

/** The trust material of one check. */
export interface EvidenceTrust {
  trustAnchors: Uint8Array[];
  intermediates: Uint8Array[];
  crls: Uint8Array[];
}

/** Where the material comes from; throws `ValidationUnavailable` while it cannot be had (not now). */
export type EvidenceTrustSource = () => Promise<EvidenceTrust>;

/** The roles of signing's certificate list that matter here. */
const intermediateRoles = new Set(['issuing-ca', 'tsa']);

/** Most bytes of one certificate or CRL read from signing. */
const maxDerBytes = 4 * 1024 * 1024;

async function fetchOk(url: string, timeoutMs: number): Promise<Response> {
  let response: Response;
  try {
    response = await tracedFetch(
      url,
      { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' },
      'signing trust certificates',
    );
  } catch (error) {
    throw new ValidationUnavailable(null, `signing's CA material cannot be read: ${(error as Error).message}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new ValidationUnavailable(
      response.status,
      `signing answered ${response.status} to GET ${new URL(url).pathname}`,
    );
  }
  return response;
}

async function derAt(url: string, timeoutMs: number): Promise<Uint8Array> {
  const response = await fetchOk(url, timeoutMs);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length === 0 || bytes.length > maxDerBytes)
    throw new ValidationUnavailable(null, `signing's ${new URL(url).pathname} is ${bytes.length} bytes`);
  return bytes;
}

/** Reads signing's CA material once (every page of the certificate list). */
export async function fetchSigningTrust(signingUrl: string, timeoutMs: number): Promise<EvidenceTrust> {
  const trust: EvidenceTrust = { trustAnchors: [], intermediates: [], crls: [] };
  for (let offset: number | null = 0, pages = 0; offset !== null && pages < 100; pages++) {
    const page = (await (
      await fetchOk(`${signingUrl}/v1/ca/certificates?limit=100&offset=${offset}`, timeoutMs)
    ).json()) as { certificates?: Array<{ id: string; role: string }>; nextOffset?: number | null };
    for (const c of page.certificates ?? []) {
      if (c.role !== 'root' && !intermediateRoles.has(c.role)) continue;
      const der = await derAt(`${signingUrl}/v1/ca/certificates/${encodeURIComponent(c.id)}`, timeoutMs);
      (c.role === 'root' ? trust.trustAnchors : trust.intermediates).push(der);
    }
    offset = typeof page.nextOffset === 'number' ? page.nextOffset : null;
  }
  if (trust.trustAnchors.length === 0) throw new ValidationUnavailable(null, 'signing lists no root certificate');
  for (const issuer of ['issuing-ca', 'root'])
    trust.crls.push(await derAt(`${signingUrl}/v1/ca/crl?issuer=${issuer}`, timeoutMs));
  return trust;
}

/** A source that reads signing's material at most once per `cacheMs` (a failure is not cached). */
export function signingTrustSource(signingUrl: string, timeoutMs: number, cacheMs = 600_000): EvidenceTrustSource {
  let held: { trust: EvidenceTrust; at: number } | undefined;
  return async () => {
    if (held !== undefined && Date.now() - held.at < cacheMs) return held.trust;
    const trust = await fetchSigningTrust(signingUrl, timeoutMs);
    held = { trust, at: Date.now() };
    return trust;
  };
}

/** Without signing configured: every evidence waits (not now), as issued documents do. */
export const unconfiguredTrust: EvidenceTrustSource = () =>
  Promise.reject(
    new ValidationUnavailable(null, 'LIENTHONG_ARCHIVE_SIGNING_URL is not set: evidence cannot be checked'),
  );
