import { randomBytes, type KeyObject } from 'node:crypto';
import { systemClock, type Clock } from '../clock.ts';
import { nodeCryptoEngine } from '../crypto-engine.ts';
import { parseDer } from '../der/reader.ts';
import { bits, ctx, int, seq, time } from '../der/writer.ts';
import { PkiError } from '../errors.ts';
import { subjectPublicKeyInfo } from '../keys.ts';
import { signatureAlgorithmIdentifier, type Signer, type SigningAlgorithm } from '../signer.ts';
import { readAlgorithmIdentifier, signatureScheme } from './algorithm.ts';
import { readCertificate, type Certificate } from './certificate.ts';
import {
  authorityKeyIdentifierExtension,
  encodeExtension,
  keyIdentifier,
  subjectKeyIdentifierExtension,
  type ExtensionInput,
} from './extension-builder.ts';
import type { Name } from './name.ts';
import { encodeName, type NameInput } from './name-builder.ts';

/** What a new certificate says about its subject (RFC 5280 §4.1.2). */
export interface CertificateTemplate {
  readonly subject: NameInput | Name;
  /** The subject's public key, as a KeyObject or SubjectPublicKeyInfo DER. */
  readonly publicKey: KeyObject | Uint8Array;
  /** Positive serial (RFC 5280 §4.1.2.2); default 16 random bytes. */
  readonly serialNumber?: Uint8Array | bigint;
  /** Default: the clock's time. */
  readonly notBefore?: Date;
  /** Default: notBefore + validityDays. */
  readonly notAfter?: Date;
  readonly validityDays?: number;
  /** Extensions; subjectKeyIdentifier and authorityKeyIdentifier are added unless given. */
  readonly extensions?: readonly ExtensionInput[];
}

/** The issuer of a certificate: its certificate (absent for a self-signed root) and how it signs. */
export interface CertificateIssuer {
  readonly certificate?: Certificate;
  readonly signer: Signer;
}

/** Options common to builders: the clock and the random source for serials. */
export interface BuildOptions {
  readonly clock?: Clock;
  readonly random?: (size: number) => Uint8Array;
}

function nameDer(n: NameInput | Name): Uint8Array {
  return 'der' in n ? n.der : encodeName(n);
}

/** A positive random serial number of `size` bytes (RFC 5280 §4.1.2.2: at most 20 octets). */
export function randomSerial(size = 16, random: (n: number) => Uint8Array = (n) => randomBytes(n)): Uint8Array {
  const b = Uint8Array.from(random(size));
  b[0] = (b[0]! & 0x7f) | 0x40;
  return b;
}

/**
 * Encodes tbsCertificate (RFC 5280 §4.1.2) for `algorithm`: step one of
 * issuing, the bytes a token or HSM signs. Pair with {@link assembleCertificate}.
 */
export function buildTbsCertificate(
  template: CertificateTemplate,
  issuer: { readonly name: Name | NameInput; readonly spki: Uint8Array; readonly keyIdentifier?: Uint8Array },
  algorithm: SigningAlgorithm,
  options: BuildOptions = {},
): Uint8Array {
  const spki = template.publicKey instanceof Uint8Array ? template.publicKey : subjectPublicKeyInfo(template.publicKey);
  const notBefore = template.notBefore ?? (options.clock ?? systemClock).now();
  const notAfter = template.notAfter ?? new Date(notBefore.getTime() + (template.validityDays ?? 365) * 86_400_000);
  if (notAfter <= notBefore) throw new PkiError('INVALID_ARGUMENT', 'notAfter must be after notBefore.');
  const serial = template.serialNumber ?? randomSerial(16, options.random);
  if (typeof serial === 'bigint' && serial <= 0n)
    throw new PkiError('INVALID_ARGUMENT', 'The serial number must be positive.');
  const given = template.extensions ?? [];
  const exts: ExtensionInput[] = [...given];
  if (!given.some((e) => e.oid === '2.5.29.14')) exts.push(subjectKeyIdentifierExtension(spki));
  const selfSigned = Buffer.compare(issuer.spki, spki) === 0;
  if (!given.some((e) => e.oid === '2.5.29.35') && !selfSigned)
    exts.push(authorityKeyIdentifierExtension(issuer.keyIdentifier ?? keyIdentifier(issuer.spki)));
  return seq(
    ctx(0, int(2)),
    int(serial),
    signatureAlgorithmIdentifier(algorithm),
    nameDer(issuer.name),
    seq(time(notBefore), time(notAfter)),
    nameDer(template.subject),
    spki,
    ...(exts.length === 0 ? [] : [ctx(3, seq(...exts.map(encodeExtension)))]),
  );
}

/** Step two: Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue } (RFC 5280 §4.1.1). */
export function assembleCertificate(tbs: Uint8Array, algorithm: SigningAlgorithm, signature: Uint8Array): Uint8Array {
  return seq(tbs, signatureAlgorithmIdentifier(algorithm), bits(signature));
}

/**
 * Issues a certificate: builds tbsCertificate, has the issuer's signer sign it
 * (in-process key, HSM or token), assembles and checks that the signature
 * verifies with the issuer's key (PkiError SIGNER_MISMATCH otherwise).
 */
export async function issueCertificate(
  template: CertificateTemplate,
  issuer: CertificateIssuer,
  options: BuildOptions = {},
): Promise<Certificate> {
  const subjectSpki =
    template.publicKey instanceof Uint8Array ? template.publicKey : subjectPublicKeyInfo(template.publicKey);
  const issuerInfo =
    issuer.certificate === undefined
      ? { name: template.subject, spki: subjectSpki }
      : {
          name: issuer.certificate.subject,
          spki: issuer.certificate.spki,
          ...(issuer.certificate.subjectKeyIdentifier === undefined
            ? {}
            : { keyIdentifier: issuer.certificate.subjectKeyIdentifier }),
        };
  const algorithm = issuer.signer.algorithm;
  const tbs = buildTbsCertificate(template, issuerInfo, algorithm, options);
  const signature = await issuer.signer.sign(tbs);
  const cert = readCertificate(assembleCertificate(tbs, algorithm, signature));
  const scheme = signatureScheme(readAlgorithmIdentifier(parseDer(signatureAlgorithmIdentifier(algorithm))));
  if (!nodeCryptoEngine.verify(scheme, issuerInfo.spki, cert.tbs, cert.signatureValue)) {
    throw new PkiError('SIGNER_MISMATCH', 'The new certificate does not verify with the issuer public key.');
  }
  return cert;
}
