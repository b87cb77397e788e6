import { systemClock } from '../clock.ts';
import type { BuildOptions } from '../x509/certificate-builder.ts';
import { nodeCryptoEngine } from '../crypto-engine.ts';
import { parseDer } from '../der/reader.ts';
import { bits, ctx, generalizedTime, int, seq, time, tlv } from '../der/writer.ts';
import { PkiError } from '../errors.ts';
import { OID } from '../oids.ts';
import { signatureAlgorithmIdentifier, type Signer, type SigningAlgorithm } from '../signer.ts';
import { readAlgorithmIdentifier, signatureScheme } from '../x509/algorithm.ts';
import type { Certificate } from '../x509/certificate.ts';
import { readCrl, type Crl } from './crl.ts';
import {
  authorityKeyIdentifierExtension,
  crlNumberExtension,
  encodeExtension,
  keyIdentifier,
  type ExtensionInput,
} from '../x509/extension-builder.ts';

/** One revoked certificate to list (RFC 5280 §5.1.2.6). */
export interface RevocationInput {
  /** Serial number: content octets of the certificate's INTEGER, or a bigint. */
  readonly serialNumber: Uint8Array | bigint;
  readonly revocationDate: Date;
  /** CRLReason code (RFC 5280 §5.3.1); omitted when unspecified. */
  readonly reason?: number;
  readonly invalidityDate?: Date;
}

/** What a CRL says (RFC 5280 §5.1.2). */
export interface CrlTemplate {
  readonly crlNumber: bigint | number;
  /** Default: the clock's time. */
  readonly thisUpdate?: Date;
  readonly nextUpdate: Date;
  readonly revoked?: readonly RevocationInput[];
  /** Extra CRL extensions (issuingDistributionPoint, deltaCRLIndicator, …). */
  readonly extensions?: readonly ExtensionInput[];
}

function serialInt(s: Uint8Array | bigint): Uint8Array {
  return s instanceof Uint8Array ? tlv(0x02, s) : int(s);
}

/** Encodes tbsCertList (RFC 5280 §5.1.2), v2 with authorityKeyIdentifier and cRLNumber. Pair with {@link assembleCrl}. */
export function buildTbsCertList(
  template: CrlTemplate,
  issuer: Certificate,
  algorithm: SigningAlgorithm,
  options: BuildOptions = {},
): Uint8Array {
  const thisUpdate = template.thisUpdate ?? (options.clock ?? systemClock).now();
  if (template.nextUpdate <= thisUpdate) throw new PkiError('INVALID_ARGUMENT', 'nextUpdate must be after thisUpdate.');
  const entries = (template.revoked ?? []).map((r) => {
    const exts: Uint8Array[] = [];
    if (r.reason !== undefined && r.reason !== 0)
      exts.push(encodeExtension({ oid: OID.reasonCode, critical: false, value: tlv(0x0a, Uint8Array.of(r.reason)) }));
    if (r.invalidityDate !== undefined)
      exts.push(
        encodeExtension({ oid: OID.invalidityDate, critical: false, value: generalizedTime(r.invalidityDate) }),
      );
    return seq(serialInt(r.serialNumber), time(r.revocationDate), ...(exts.length === 0 ? [] : [seq(...exts)]));
  });
  const exts = [
    authorityKeyIdentifierExtension(issuer.subjectKeyIdentifier ?? keyIdentifier(issuer.spki)),
    crlNumberExtension(template.crlNumber),
    ...(template.extensions ?? []),
  ];
  return seq(
    int(1),
    signatureAlgorithmIdentifier(algorithm),
    issuer.subject.der,
    time(thisUpdate),
    time(template.nextUpdate),
    ...(entries.length === 0 ? [] : [seq(...entries)]),
    ctx(0, seq(...exts.map(encodeExtension))),
  );
}

/** CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue } (RFC 5280 §5.1.1). */
export function assembleCrl(tbs: Uint8Array, algorithm: SigningAlgorithm, signature: Uint8Array): Uint8Array {
  return seq(tbs, signatureAlgorithmIdentifier(algorithm), bits(signature));
}

/** Issues a CRL signed by `signer` for the CA `issuer`; checks the signature verifies with the CA key. */
export async function issueCrl(
  template: CrlTemplate,
  issuer: Certificate,
  signer: Signer,
  options: BuildOptions = {},
): Promise<Crl> {
  const tbs = buildTbsCertList(template, issuer, signer.algorithm, options);
  const crl = readCrl(assembleCrl(tbs, signer.algorithm, await signer.sign(tbs)));
  const scheme = signatureScheme(readAlgorithmIdentifier(parseDer(signatureAlgorithmIdentifier(signer.algorithm))));
  if (!nodeCryptoEngine.verify(scheme, issuer.spki, crl.tbs, crl.signatureValue))
    throw new PkiError('SIGNER_MISMATCH', 'The CRL does not verify with the issuer public key.');
  return crl;
}
