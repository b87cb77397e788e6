/**
 * When a package's protection runs out (README "Long-term validity"): the earliest of the
 * latest archive time-stamp's TSA certificate notAfter, the notAfter of signing certificates
 * that no time-stamp covers, and the date from which an algorithm in use is no longer trusted
 * (a documented table, a parameter). A renewal is due `marginMs` before that.
 */
import { createPublicKey } from 'node:crypto';
import { readTimeStampToken } from '@lienthong/pki';

/**
 * From when an algorithm no longer protects a record: SHA-1 already (NIST SP 800-131A Rev. 2:
 * disallowed for digital signature generation; ETSI TS 119 312 likewise), RSA below 3072 bits
 * after 2030 (NIST SP 800-131A Rev. 2 / SP 800-57 Part 1: 112-bit security acceptable through
 * 2030). A parameter: pass another table to `protectionExpiry`.
 */
export const algorithmDeprecations: Readonly<Record<string, Date>> = Object.freeze({
  sha1: new Date('2017-01-01T00:00:00Z'),
  'rsa-2048': new Date('2031-01-01T00:00:00Z'),
});

/** What protects a package now, read from its latest archive time-stamp. */
export interface StampProtection {
  genTime: Date;
  /** notAfter of the certificate of the TSA that signed it. */
  tsaNotAfter: Date;
  /** Names of {@link algorithmDeprecations} in use (`rsa-2048` for an RSA key under 3072 bits, `sha1`). */
  algorithms: string[];
}

/** The protection a token gives: its genTime, its TSA certificate's notAfter, its weak algorithms. Throws on a token it cannot read. */
export function stampProtection(token: Uint8Array): StampProtection {
  const parsed = readTimeStampToken(token);
  const signer = parsed.signedData.signerInfos[0];
  const sid = signer?.sid;
  const certificate = parsed.signedData.certificates.find((c) =>
    sid !== undefined && 'serialNumber' in sid
      ? Buffer.from(c.serialNumber).equals(Buffer.from(sid.serialNumber))
      : sid !== undefined &&
        c.subjectKeyIdentifier !== undefined &&
        Buffer.from(c.subjectKeyIdentifier).equals(Buffer.from(sid.subjectKeyIdentifier)),
  );
  if (certificate === undefined) throw new Error("the token does not carry its TSA's certificate");
  const algorithms: string[] = [];
  const key = createPublicKey({ key: Buffer.from(certificate.spki), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 3072)
    algorithms.push('rsa-2048');
  if (parsed.tstInfo.messageImprint.hash === 'sha1') algorithms.push('sha1');
  return { genTime: parsed.tstInfo.genTime, tsaNotAfter: certificate.notAfter, algorithms };
}

/**
 * The earliest date the package's protection ends: the latest stamp's TSA notAfter and its
 * algorithms' deprecation dates, and `uncovered` (notAfter of signing certificates no stamp
 * covers); null when nothing protects it (no archive time-stamp yet: due at once).
 */
export function protectionExpiry(
  latest: StampProtection | undefined,
  uncovered: readonly Date[] = [],
  deprecations: Readonly<Record<string, Date>> = algorithmDeprecations,
): Date | null {
  if (latest === undefined) return null;
  const dates = [latest.tsaNotAfter, ...uncovered];
  for (const a of latest.algorithms) {
    const from = deprecations[a];
    if (from !== undefined) dates.push(from);
  }
  return new Date(Math.min(...dates.map((d) => d.getTime())));
}

/** Whether a renewal is due at `now`: no protection, or less than `marginMs` of it left. */
export function renewalDue(expiry: Date | null, now: Date, marginMs: number): boolean {
  return expiry === null || now.getTime() >= expiry.getTime() - marginMs;
}
