import { children, content, encoded, parseDer, sequence, type DerNode } from '../der/reader.ts';
import { PkiError } from '../errors.ts';
import { bitMask } from './extensions.ts';
import { readGeneralNames, type GeneralName } from './general-name.ts';

/** DistributionPointName (RFC 5280 §4.2.1.13): a full name or a name relative to the CRL issuer (RDN DER). */
export type DistributionPointName =
  { readonly fullName: readonly GeneralName[] } | { readonly relativeRdn: Uint8Array };

function readDpName(n: DerNode): DistributionPointName {
  const inner = children(n)[0];
  if (inner === undefined) throw new PkiError('MALFORMED', 'Empty DistributionPointName.');
  if (inner.tag === 0) return { fullName: readGeneralNames(inner) };
  const rdn = Uint8Array.from(encoded(inner));
  rdn[0] = 0x31;
  return { relativeRdn: rdn };
}

/** Reason flags as a bit mask; bit i = ReasonFlags bit i (RFC 5280 §4.2.1.13). */
export const ALL_REASONS = 0x1fe;

/** DistributionPoint (RFC 5280 §4.2.1.13). */
export interface DistributionPoint {
  readonly name?: DistributionPointName;
  readonly reasons?: number;
  readonly crlIssuer?: readonly GeneralName[];
}

/** Reads cRLDistributionPoints or freshestCRL (RFC 5280 §4.2.1.13, §4.2.1.15). */
export function readCrlDistributionPoints(der: Uint8Array): DistributionPoint[] {
  return sequence(parseDer(der), 'CRLDistributionPoints').map((dp) => {
    const out: { name?: DistributionPointName; reasons?: number; crlIssuer?: GeneralName[] } = {};
    for (const n of sequence(dp, 'DistributionPoint')) {
      if (n.tag === 0) out.name = readDpName(n);
      else if (n.tag === 1) out.reasons = bitMask(content(n));
      else if (n.tag === 2) out.crlIssuer = readGeneralNames(n);
    }
    return out;
  });
}

/** IssuingDistributionPoint (RFC 5280 §5.2.5). */
export interface IssuingDistributionPoint {
  readonly name?: DistributionPointName;
  readonly onlyContainsUserCerts: boolean;
  readonly onlyContainsCACerts: boolean;
  readonly onlySomeReasons?: number;
  readonly indirectCRL: boolean;
  readonly onlyContainsAttributeCerts: boolean;
}

/** Reads the issuingDistributionPoint CRL extension (RFC 5280 §5.2.5). */
export function readIssuingDistributionPoint(der: Uint8Array): IssuingDistributionPoint {
  const out: {
    name?: DistributionPointName;
    onlyContainsUserCerts: boolean;
    onlyContainsCACerts: boolean;
    onlySomeReasons?: number;
    indirectCRL: boolean;
    onlyContainsAttributeCerts: boolean;
  } = {
    onlyContainsUserCerts: false,
    onlyContainsCACerts: false,
    indirectCRL: false,
    onlyContainsAttributeCerts: false,
  };
  const flag = (n: DerNode): boolean => content(n)[0] !== 0;
  for (const n of sequence(parseDer(der), 'IssuingDistributionPoint')) {
    if (n.tag === 0) out.name = readDpName(n);
    else if (n.tag === 1) out.onlyContainsUserCerts = flag(n);
    else if (n.tag === 2) out.onlyContainsCACerts = flag(n);
    else if (n.tag === 3) out.onlySomeReasons = bitMask(content(n));
    else if (n.tag === 4) out.indirectCRL = flag(n);
    else if (n.tag === 5) out.onlyContainsAttributeCerts = flag(n);
  }
  return out;
}
