import { createHash } from 'node:crypto';
import { systemClock, type Clock } from '../clock.ts';
import { bits, ctx, generalizedTime, octets, oid, seq, tlv } from '../der/writer.ts';
import { isPkiError } from '../errors.ts';
import { OID } from '../oids.ts';
import { signatureAlgorithmIdentifier, type Signer } from '../signer.ts';
import { encodeExtension } from '../x509/extension-builder.ts';
import type { Certificate } from '../x509/certificate.ts';
import { certIdMatchesIssuer, publicKeyBits } from './cert-id.ts';
import { readOcspRequest } from './request.ts';
import { OcspResponseStatus, type OcspCertStatus } from './response.ts';

/** Inputs of a pure OCSP responder (RFC 6960 §2.2, §4.2). */
export interface OcspIssueOptions {
  /** The DER OCSPRequest as received. */
  readonly request: Uint8Array;
  /** The CA whose certificates this responder speaks for. */
  readonly issuer: Certificate;
  /** The CA itself or a delegated responder certificate with id-kp-OCSPSigning issued by it (RFC 6960 §4.2.2.2). */
  readonly responderCert: Certificate;
  readonly signer: Signer;
  /** The status of a serial number (content octets of the INTEGER, hex) issued by `issuer`. */
  statusOf(serialHex: string): OcspCertStatus;
  readonly clock?: Clock;
  /** nextUpdate: a time, or seconds after thisUpdate; default none. */
  readonly nextUpdate?: Date | number;
  /** Include the responder certificate in `certs` (default true when it is not the CA). */
  readonly includeResponderCert?: boolean;
  /** Identify the responder by key hash (default) or by name. */
  readonly responderIdBy?: 'key' | 'name';
}

const statusDer = (s: OcspCertStatus): Uint8Array => {
  switch (s.status) {
    case 'good':
      return Uint8Array.of(0x80, 0x00);
    case 'unknown':
      return Uint8Array.of(0x82, 0x00);
    case 'revoked':
      return tlv(
        0xa1,
        generalizedTime(s.revocationTime),
        ...(s.reason === undefined ? [] : [ctx(0, tlv(0x0a, Uint8Array.of(s.reason)))]),
      );
  }
};

/** An OCSPResponse with a status other than successful and no responseBytes (RFC 6960 §4.2.1). */
export function encodeOcspError(status: Exclude<keyof typeof OcspResponseStatus, 'successful'>): Uint8Array {
  return seq(tlv(0x0a, Uint8Array.of(OcspResponseStatus[status])));
}

/**
 * A pure OCSP responder (RFC 6960): reads the request, answers each CertID of
 * `issuer` with `statusOf` (others with unknown), echoes the nonce (RFC 8954),
 * signs the BasicOCSPResponse and returns the OCSPResponse DER. A request that
 * cannot be read gets malformedRequest; it never throws for bad input.
 */
export async function issueOcspResponse(options: OcspIssueOptions): Promise<Uint8Array> {
  let request;
  try {
    request = readOcspRequest(options.request);
  } catch (e) {
    if (isPkiError(e)) return encodeOcspError('malformedRequest');
    throw e;
  }
  const now = (options.clock ?? systemClock).now();
  const next =
    options.nextUpdate === undefined
      ? undefined
      : options.nextUpdate instanceof Date
        ? options.nextUpdate
        : new Date(now.getTime() + options.nextUpdate * 1000);
  const singles = request.certIds.map((id) => {
    const status: OcspCertStatus = certIdMatchesIssuer(id, options.issuer)
      ? options.statusOf(Buffer.from(id.serialNumber).toString('hex'))
      : { status: 'unknown' };
    return seq(
      id.der,
      statusDer(status),
      generalizedTime(now),
      ...(next === undefined ? [] : [ctx(0, generalizedTime(next))]),
    );
  });
  const responder = options.responderCert;
  const rid =
    options.responderIdBy === 'name'
      ? ctx(1, responder.subject.der)
      : ctx(2, octets(createHash('sha1').update(publicKeyBits(responder.spki)).digest()));
  const exts =
    request.nonce === undefined
      ? []
      : [ctx(1, seq(encodeExtension({ oid: OID.ocspNonce, critical: false, value: octets(request.nonce) })))];
  const tbs = seq(rid, generalizedTime(now), seq(...singles), ...exts);
  const signature = await options.signer.sign(tbs);
  const includeCert = options.includeResponderCert ?? responder.fingerprint !== options.issuer.fingerprint;
  const basic = seq(
    tbs,
    signatureAlgorithmIdentifier(options.signer.algorithm),
    bits(signature),
    ...(includeCert ? [ctx(0, seq(responder.der))] : []),
  );
  return seq(tlv(0x0a, Uint8Array.of(0)), ctx(0, seq(oid(OID.ocspBasic), octets(basic))));
}
