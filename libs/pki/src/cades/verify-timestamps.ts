import type { SignedDataVerifyOptions } from '../cms/verify.ts';
import { attributeValues } from '../cms/attributes.ts';
import type { SignedData, SignerInfo } from '../cms/signed-data.ts';
import type { CryptoEngine } from '../crypto-engine.ts';
import type { TimestampReport } from '../cms/verification-report.ts';
import { OID } from '../oids.ts';
import { readTimeStampToken } from '../tsp/response.ts';
import { verifyTimeStampToken } from '../tsp/verify.ts';
import { archiveTimeStampImprint, hashIndexStillHolds, readAtsHashIndexV3 } from './archive-timestamp.ts';

/** What the time-stamps of one SignerInfo prove. */
export interface TimestampEvaluation {
  readonly timestamps: readonly TimestampReport[];
  /** The earliest genTime of a valid signature-time-stamp: best-signature-time (EN 319 102-1 §5.6.2.1). */
  readonly bestSignatureTime?: Date;
  /** The earliest genTime of a valid archive-time-stamp-v3. */
  readonly archiveTime?: Date;
}

const earliest = (reports: readonly TimestampReport[], kind: TimestampReport['kind']): Date | undefined =>
  reports
    .filter((r) => r.kind === kind && r.valid && r.genTime !== undefined)
    .map((r) => r.genTime!)
    .sort((a, b) => a.getTime() - b.getTime())[0];

/**
 * Verifies the signature-time-stamp and archive-time-stamp-v3 attributes of
 * SignerInfo `si` (ETSI EN 319 122-1 §5.3, §5.5.3). Archive time-stamps are
 * checked at `time`; signature time-stamps at the earliest archive time when
 * there is one (the archive time-stamp protects them), else at `time`. The TSA
 * paths use the certificates and revocation data in the SignedData and those given.
 */
export function evaluateTimestamps(
  cms: Uint8Array,
  sd: SignedData,
  si: SignerInfo,
  content: Uint8Array,
  options: SignedDataVerifyOptions,
  engine: CryptoEngine,
  time: Date,
): TimestampEvaluation {
  const signatureTokens = attributeValues(si.unsignedAttributes, OID.timeStampToken) ?? [];
  const archiveTokens = attributeValues(si.unsignedAttributes, OID.archiveTimeStampV3) ?? [];
  if (signatureTokens.length === 0 && archiveTokens.length === 0) return { timestamps: [] };
  const trust = {
    ...(options.trustAnchors === undefined ? {} : { trustAnchors: options.trustAnchors }),
    intermediates: [...sd.certificates, ...(options.intermediates ?? [])],
    crls: [...sd.crls, ...(options.crls ?? [])],
    ocspResponses: [...sd.ocspResponses, ...(options.ocspResponses ?? [])],
    revocation: options.revocation ?? 'any',
    ...(options.conformance === undefined ? {} : { conformance: options.conformance }),
    ...(options.revocationAuthority === undefined ? {} : { revocationAuthority: options.revocationAuthority }),
    ...(options.algorithmPolicy === undefined ? {} : { algorithmPolicy: options.algorithmPolicy }),
    engine,
  };
  const index = sd.signerInfos.indexOf(si);
  const reports: TimestampReport[] = [];
  for (const token of archiveTokens) {
    try {
      const tst = readTimeStampToken(token);
      const hash = tst.tstInfo.messageImprint.hash;
      const indexValue = attributeValues(tst.signedData.signerInfos[0]!.unsignedAttributes, OID.atsHashIndexV3)?.[0];
      if (hash === undefined || indexValue === undefined) {
        reports.push({
          kind: 'archive',
          valid: false,
          message: 'archive-time-stamp-v3 without ats-hash-index-v3 (EN 319 122-1 §5.5.3).',
        });
        continue;
      }
      const idx = readAtsHashIndexV3(indexValue);
      if (!hashIndexStillHolds(cms, index, idx)) {
        reports.push({
          kind: 'archive',
          valid: false,
          message: 'Data covered by the archive time-stamp was removed or changed.',
        });
        continue;
      }
      const imprint = archiveTimeStampImprint(cms, index, hash, engine.digest(hash, content), indexValue);
      const v = verifyTimeStampToken(token, { ...trust, imprint, time });
      reports.push({
        kind: 'archive',
        valid: v.valid,
        message: v.message,
        ...(v.genTime === undefined ? {} : { genTime: v.genTime }),
      });
    } catch (e) {
      reports.push({
        kind: 'archive',
        valid: false,
        message: e instanceof Error ? e.message : 'Unreadable archive time-stamp.',
      });
    }
  }
  const archiveTime = earliest(reports, 'archive');
  for (const token of signatureTokens) {
    const v = verifyTimeStampToken(token, { ...trust, data: si.signature, time: archiveTime ?? time });
    reports.push({
      kind: 'signature',
      valid: v.valid,
      message: v.message,
      ...(v.genTime === undefined ? {} : { genTime: v.genTime }),
    });
  }
  const bestSignatureTime = earliest(reports, 'signature');
  return {
    timestamps: reports,
    ...(bestSignatureTime === undefined ? {} : { bestSignatureTime }),
    ...(archiveTime === undefined ? {} : { archiveTime }),
  };
}
