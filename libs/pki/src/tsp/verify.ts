import { verifySignedData, type SignedDataVerifyOptions } from '../cms/verify.ts';
import type { SignerReport } from '../cms/verification-report.ts';
import { systemClock } from '../clock.ts';
import { nodeCryptoEngine } from '../crypto-engine.ts';
import { derViolation } from '../der/reader.ts';
import { isPkiError } from '../errors.ts';
import { OID } from '../oids.ts';
import type { Certificate } from '../x509/certificate.ts';
import type { HashName } from '../x509/algorithm.ts';
import { readTimeStampResponse, readTimeStampToken, type TimeStampToken } from './response.ts';

/** Why a time-stamp token is not accepted. */
export type TimeStampFailure =
  | 'MALFORMED'
  | 'IMPRINT_MISMATCH'
  | 'NONCE_MISMATCH'
  | 'SIGNATURE'
  | 'NOT_A_TSA'
  | 'GEN_TIME'
  | 'UNTRUSTED'
  | 'NOT_GRANTED';

/** Inputs of token verification: what was stamped, and how to trust the TSA (as for {@link verifySignedData}). */
export interface TimeStampVerifyOptions extends Omit<SignedDataVerifyOptions, 'detachedContent' | 'requireBaselineB'> {
  /** The hash that was sent (RFC 3161 §2.4.1 hashedMessage). Give this or `data`. */
  readonly imprint?: Uint8Array;
  /** The time-stamped data; hashed with the token's imprint algorithm. */
  readonly data?: Uint8Array;
  /** The nonce of the request, when one was sent. */
  readonly nonce?: Uint8Array;
  /** Digests acceptable in the imprint; default SHA-256/384/512. */
  readonly acceptedHashes?: readonly HashName[];
}

/** Outcome of {@link verifyTimeStampToken}. */
export interface TimeStampVerification {
  readonly valid: boolean;
  readonly failure?: TimeStampFailure;
  readonly message: string;
  readonly token?: TimeStampToken;
  /** genTime (RFC 3161 §2.4.2): a proof of existence of the imprint at this time when `valid`. */
  readonly genTime?: Date;
  readonly tsaCertificate?: Certificate;
  /** The report of the token's CMS signature (ETSI EN 319 102-1). */
  readonly report?: SignerReport;
}

const bad = (
  failure: TimeStampFailure,
  message: string,
  extra: Partial<TimeStampVerification> = {},
): TimeStampVerification => ({ valid: false, failure, message, ...extra });

/** A token may be a little ahead of the verifier's clock (RFC 3161 §2.4.2 accuracy, clock skew). */
const GEN_TIME_SKEW_MS = 5 * 60_000;

const stripZeros = (b: Uint8Array): string =>
  Buffer.from(b)
    .toString('hex')
    .replace(/^(00)+/, '');

/** Where the token's SignedData, or the TSTInfo its eContent OCTET STRING holds (DER by RFC 3161 §2.4.2), is not DER. */
function tokenDerViolation(token: TimeStampToken): string | undefined {
  if (token.signedData.derViolation !== undefined) return token.signedData.derViolation;
  const tstInfo = token.signedData.content;
  // readTimeStampToken has read the TSTInfo: it is BER at least, so derViolation does not throw.
  const inner = tstInfo === undefined ? undefined : derViolation(tstInfo);
  return inner === undefined ? undefined : `in the TSTInfo, ${inner}`;
}

/**
 * Verifies a time-stamp token (RFC 3161 §2.4.2) or a TimeStampResp holding
 * one: the message imprint matches the data, the nonce matches the request,
 * the CMS signature verifies (RFC 5652 §5.6), the signing-certificate(-v2)
 * attribute binds the TSA certificate (RFC 5035, RFC 3161 §2.4.2), the TSA
 * certificate has extKeyUsage id-kp-timeStamping only and critical (RFC 3161
 * §2.3) and validates to a trust anchor (RFC 5280 §6) at `time`, and genTime
 * lies in the TSA certificate's validity and not after `time`. A token or TSTInfo that is not
 * DER is MALFORMED unless `encoding` is 'ber'. Never throws.
 */
export function verifyTimeStampToken(
  tokenOrResponse: Uint8Array,
  options: TimeStampVerifyOptions,
): TimeStampVerification {
  let token: TimeStampToken;
  try {
    token = readTimeStampToken(tokenOrResponse);
  } catch {
    try {
      const resp = readTimeStampResponse(tokenOrResponse);
      if (resp.token === undefined)
        return bad(
          'NOT_GRANTED',
          `The TSA did not grant: ${resp.statusStrings.join('; ')} ${resp.failures.join(', ')}`.trim(),
        );
      token = resp.token;
    } catch (e) {
      return bad('MALFORMED', isPkiError(e) ? e.message : 'Unreadable time-stamp token.');
    }
  }
  const violation = (options.encoding ?? 'der') === 'der' ? tokenDerViolation(token) : undefined;
  if (violation !== undefined)
    return bad('MALFORMED', `The time-stamp token is not DER (X.690 §10, RFC 3161 §2.4.2): ${violation}.`, { token });
  const info = token.tstInfo;
  const hash = info.messageImprint.hash;
  const accepted = options.acceptedHashes ?? ['sha256', 'sha384', 'sha512'];
  if (hash === undefined || !accepted.includes(hash))
    return bad('IMPRINT_MISMATCH', `Imprint digest ${hash ?? info.messageImprint.hashOid} is not accepted.`, { token });
  const engine = options.engine ?? nodeCryptoEngine;
  const expected = options.imprint ?? (options.data === undefined ? undefined : engine.digest(hash, options.data));
  if (expected === undefined) return bad('IMPRINT_MISMATCH', 'Neither the imprint nor the data was given.', { token });
  if (Buffer.compare(expected, info.messageImprint.hashedMessage) !== 0)
    return bad('IMPRINT_MISMATCH', 'The token does not time-stamp this data (messageImprint differs).', { token });
  if (options.nonce !== undefined && (info.nonce === undefined || stripZeros(info.nonce) !== stripZeros(options.nonce)))
    return bad('NONCE_MISMATCH', 'The token nonce differs from the request nonce.', { token });
  const { imprint: _i, data: _d, nonce: _n, acceptedHashes: _a, ...cmsOptions } = options;
  // A token's own unsigned attributes are not CAdES time-stamps to follow.
  const report = verifySignedData(token.der, cmsOptions);
  const tsa = report.signer;
  const base = { token, genTime: info.genTime, report, ...(tsa === undefined ? {} : { tsaCertificate: tsa }) };
  if (!report.integrity) return bad('SIGNATURE', `The token signature does not verify: ${report.message}`, base);
  if (!report.signingCertificateBound)
    return bad(
      'SIGNATURE',
      'The token lacks an ESS signing-certificate(-v2) attribute binding the TSA certificate (RFC 3161 §2.4.2).',
      base,
    );
  const eku = tsa?.extensions.find((e) => e.oid === OID.extKeyUsage);
  if (
    tsa === undefined ||
    eku === undefined ||
    !eku.critical ||
    tsa.extKeyUsage?.length !== 1 ||
    tsa.extKeyUsage[0] !== OID.timeStamping
  ) {
    return bad(
      'NOT_A_TSA',
      'The signer certificate lacks a critical extKeyUsage of id-kp-timeStamping alone (RFC 3161 §2.3).',
      base,
    );
  }
  if (info.genTime < tsa.notBefore || info.genTime > tsa.notAfter)
    return bad('GEN_TIME', 'genTime lies outside the validity of the TSA certificate.', base);
  const time = options.time ?? (options.clock ?? systemClock).now();
  if (info.genTime.getTime() > time.getTime() + GEN_TIME_SKEW_MS)
    return bad('GEN_TIME', `genTime ${info.genTime.toISOString()} is after the validation time.`, base);
  if (report.indication !== 'TOTAL_PASSED')
    return bad('UNTRUSTED', `The TSA certificate does not validate: ${report.message}`, base);
  return { valid: true, message: `Time-stamped at ${info.genTime.toISOString()}.`, ...base };
}
