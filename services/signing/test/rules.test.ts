/** The pure rules: when a CRL is re-issued, and how a GET OCSP path is decoded. */
import t from 'tap';
import { crlValidityMs, isCrlStale } from '../src/ca/crl-policy.ts';
import { decodeOcspPath } from '../src/routes/ocsp-routes.ts';

void t.test('a CRL is re-issued when missing, after a revocation, or past half its validity', async (t) => {
  const thisUpdate = new Date('2026-11-01T00:00:00Z');
  const crl = { thisUpdate, nextUpdate: new Date(thisUpdate.getTime() + crlValidityMs), revokedCount: 2 };
  t.equal(isCrlStale(undefined, 0, thisUpdate), true, 'none yet');
  t.equal(isCrlStale(crl, 2, new Date(thisUpdate.getTime() + 1000)), false, 'fresh and complete');
  t.equal(isCrlStale(crl, 3, new Date(thisUpdate.getTime() + 1000)), true, 'a certificate was revoked since');
  t.equal(isCrlStale(crl, 2, new Date(thisUpdate.getTime() + crlValidityMs / 2)), false, 'exactly half: still served');
  t.equal(isCrlStale(crl, 2, new Date(thisUpdate.getTime() + crlValidityMs / 2 + 1)), true, 'past half its validity');
});

void t.test('GET OCSP paths: base64, base64url, URL-encoded; anything else is refused', async (t) => {
  const der = Buffer.from([0x30, 0x03, 0xfb, 0xff, 0xfe]);
  t.same(Buffer.from(decodeOcspPath(der.toString('base64'))), der);
  t.same(Buffer.from(decodeOcspPath(der.toString('base64url'))), der);
  t.same(Buffer.from(decodeOcspPath(encodeURIComponent(der.toString('base64')))), der);
  for (const bad of ['', '!!!!', 'A', 'AB=C', '%E0%A4%A', 'QUJD\n']) {
    t.throws(() => decodeOcspPath(bad), { code: 'OCSP_REQUEST_MALFORMED' }, JSON.stringify(bad));
  }
});
