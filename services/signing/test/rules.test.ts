/** The pure rules: when a CRL is re-issued, and how a GET OCSP path is decoded. */
import t from 'tap';
import { crlValidityMs, defaultRootCrlValidityMs, isCrlStale, isRootCrlDue } from '../src/ca/crl-policy.ts';
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

void t.test(
  "the root's CRL is pre-issued: due only when missing, after a revocation, shorter than configured, or in its last quarter",
  async (t) => {
    const year = defaultRootCrlValidityMs;
    const thisUpdate = new Date('2026-11-01T00:00:00Z');
    const at = (ms: number) => new Date(thisUpdate.getTime() + ms);
    const crl = { thisUpdate, nextUpdate: at(year), revokedCount: 0 };
    t.equal(year, 365 * 86_400_000);
    t.equal(isRootCrlDue(undefined, 0, thisUpdate, year), true, 'none yet');
    t.equal(isRootCrlDue(crl, 0, at(year / 2 + 1), year), false, 'past half: still served (unlike the issuing CA)');
    t.equal(isRootCrlDue(crl, 0, at((3 * year) / 4), year), false, 'exactly a quarter left');
    t.equal(isRootCrlDue(crl, 0, at((3 * year) / 4 + 1), year), true, 'less than a quarter left');
    t.equal(isRootCrlDue(crl, 1, at(1000), year), true, 'the issuing CA was revoked since');
    const week = { thisUpdate, nextUpdate: at(crlValidityMs), revokedCount: 0 };
    t.equal(isRootCrlDue(week, 0, at(1000), year), true, "an earlier release's one-week root CRL is replaced");
    t.equal(isRootCrlDue(crl, 0, at(1000), 2 * year), true, 'a longer period configured');
  },
);

void t.test('GET OCSP paths: base64, base64url, URL-encoded; anything else is refused', async (t) => {
  const der = Buffer.from([0x30, 0x03, 0xfb, 0xff, 0xfe]);
  t.same(Buffer.from(decodeOcspPath(der.toString('base64'))), der);
  t.same(Buffer.from(decodeOcspPath(der.toString('base64url'))), der);
  t.same(Buffer.from(decodeOcspPath(encodeURIComponent(der.toString('base64')))), der);
  for (const bad of ['', '!!!!', 'A', 'AB=C', '%E0%A4%A', 'QUJD\n']) {
    t.throws(() => decodeOcspPath(bad), { code: 'OCSP_REQUEST_MALFORMED' }, JSON.stringify(bad));
  }
});
