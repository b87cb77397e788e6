import { createPrivateKey, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { PkiError } from './errors.ts';
import { keyMatchesSpki } from './keys.ts';
import { readCertificate, type Certificate } from './certificate.ts';

/** The content of a PKCS#12 file (RFC 7292): the key and its certificate with the chain. */
export interface Pkcs12Contents {
  readonly privateKey: KeyObject;
  /** The certificate whose public key matches the private key. */
  readonly certificate: Certificate;
  /** The other certificates of the file (the issuing CAs), as found. */
  readonly chain: readonly Certificate[];
}

/**
 * Imports a PKCS#12 / PFX file (RFC 7292), e.g. exported from a Windows
 * certificate store. node-forge only decodes and decrypts the container
 * (nothing else in the stack reads PKCS#12); keys become node KeyObjects and
 * certificates are read by this library. Throws PkiError PKCS12_INVALID.
 */
export function importPkcs12(pfx: Uint8Array, password: string): Pkcs12Contents {
  let keys: KeyObject[];
  let certs: Certificate[];
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(pfx).toString('binary')));
    const p12 = forge.pkcs12.pkcs12FromAsn1(asn1, password);
    keys = [];
    certs = [];
    for (const sc of p12.safeContents) {
      for (const bag of sc.safeBags) {
        if (bag.type === forge.pki.oids.keyBag || bag.type === forge.pki.oids.pkcs8ShroudedKeyBag) {
          const info = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : bag.asn1;
          const der = Buffer.from(forge.asn1.toDer(info).getBytes(), 'binary');
          keys.push(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
        } else if (bag.type === forge.pki.oids.certBag) {
          const asn = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1;
          certs.push(readCertificate(new Uint8Array(Buffer.from(forge.asn1.toDer(asn).getBytes(), 'binary'))));
        }
      }
    }
  } catch (e) {
    throw new PkiError('PKCS12_INVALID', undefined, { cause: e });
  }
  const privateKey = keys[0];
  if (privateKey === undefined) throw new PkiError('PKCS12_INVALID', 'No private key in the file.');
  const certificate = certs.find((c) => keyMatchesSpki(privateKey, c.spki));
  if (certificate === undefined) throw new PkiError('PKCS12_INVALID', 'No certificate matches the private key.');
  return { privateKey, certificate, chain: certs.filter((c) => c !== certificate) };
}
