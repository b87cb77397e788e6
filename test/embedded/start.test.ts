/**
 * `npm start` (scripts/start.ts): the four services come up in embedded mode, each answers
 * /healthz and /readyz (database, event log and object folder reachable), Ctrl-C stops
 * them cleanly, and a second start finds the data of the first.
 */
import t from 'tap';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTimeStampRequest, readTimeStampResponse } from '@lienthong/pki';
import { hasTool, pdftotext } from '../support/judges.ts';
import { portBase, spawnNpmStart } from '../support/npm-start.ts';

void t.test('npm start brings up the four services, answers, and stops cleanly', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'lienthong-start-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const base = await portBase();

  for (const round of ['first start', 'second start on the same data']) {
    const suite = spawnNpmStart(dataDir, base);
    t.teardown(() => void suite.child.kill('SIGKILL'));
    await suite.ready;
    for (const [i, name] of ['intake', 'signing', 'archive', 'delivery'].entries()) {
      const url = `http://127.0.0.1:${base + i}`;
      t.match(suite.output(), `${name}`, `${round}: ${name} is announced`);
      const health = await fetch(`${url}/healthz`);
      t.equal(health.status, 200, `${round}: ${name} /healthz`);
      const ready = await fetch(`${url}/readyz`);
      t.equal(ready.status, 200, `${round}: ${name} /readyz (${await ready.text()})`);
      t.equal((await fetch(`${url}/docs/json`)).status, 200, `${round}: ${name} /docs/json`);
    }
    // The signing keys are encrypted with the KEK kept in the data folder: the second start must decrypt them.
    const demo = JSON.parse(await readFile(join(dataDir, 'tokens.json'), 'utf8')) as {
      office: string;
      tokens: Record<string, string>;
    };
    const anonymous = await fetch(`http://127.0.0.1:${base + 1}/v1/keys`);
    t.equal(anonymous.status, 401, `${round}: an API call without a token is refused`);
    const keys = await fetch(`http://127.0.0.1:${base + 1}/v1/keys`, {
      headers: { authorization: `Bearer ${demo.tokens.signer}` },
    });
    t.equal(keys.status, 200, `${round}: the demo signer's token is accepted`);
    const [personal] = ((await keys.json()) as { keys: Array<{ certificate: string }> }).keys;
    const infoAccess =
      personal === undefined ? '' : (new X509Certificate(Buffer.from(personal.certificate, 'base64')).infoAccess ?? '');
    t.match(
      infoAccess,
      `OCSP - URI:http://127.0.0.1:${base + 1}/v1/ocsp`,
      `${round}: the demo signer's certificate says where its OCSP responder is`,
    );
    const stamp = await fetch(`http://127.0.0.1:${base + 1}/v1/tsa`, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query', authorization: `Bearer ${demo.tokens.signer}` },
      body: Buffer.from(
        buildTimeStampRequest({ hash: 'sha256', imprint: createHash('sha256').update(round).digest() }),
      ),
    });
    t.equal(stamp.status, 200, `${round}: signing time-stamps`);
    t.equal(
      readTimeStampResponse(new Uint8Array(await stamp.arrayBuffer())).status,
      0,
      `${round}: the time-stamp is granted`,
    );
    // The demo directory is in intake, and every demo caller has a client configuration that reaches it.
    const clientFile = join(dataDir, 'cli', 'HU-KIMSON', 'office-system.json');
    t.equal((await stat(clientFile)).mode & 0o777, 0o600, `${round}: a client configuration is 0600`);
    const client = JSON.parse(await readFile(clientFile, 'utf8')) as { endpoints: { intake: string }; token: string };
    const districts = await fetch(`${client.endpoints.intake}/v1/directory/offices?level=district`, {
      headers: { authorization: `Bearer ${client.token}` },
    });
    t.equal(districts.status, 200, `${round}: a district office's caller reads the directory`);
    t.same(
      ((await districts.json()) as { offices: Array<{ code: string }> }).offices.map((o) => o.code).sort(),
      ['HU-KIMSON', 'HU-NHOQUAN', 'HU-YENMO'],
      `${round}: the demo tree's three district committees (imported once, whatever the rounds)`,
    );
    suite.child.kill('SIGINT');
    t.equal(await suite.exited, 0, `${round}: Ctrl-C exits 0`);
    const kek = (await readFile(join(dataDir, 'signing.kek'), 'utf8')).trim();
    t.ok(kek.length >= 32, `${round}: the signing KEK is kept in the data folder`);
    t.equal((await stat(join(dataDir, 'signing.kek'))).mode & 0o777, 0o600, `${round}: signing.kek is 0600`);
    t.notMatch(suite.output(), kek, `${round}: the KEK is never printed`);
    t.equal(
      (await stat(join(dataDir, 'auth-issuer.pem'))).mode & 0o777,
      0o600,
      `${round}: the token issuer's key is 0600`,
    );
    t.equal((await stat(join(dataDir, 'tokens.json'))).mode & 0o777, 0o600, `${round}: the demo tokens are 0600`);
    t.notMatch(suite.output(), 'PRIVATE KEY', `${round}: the issuer key is never printed`);
    const verification = JSON.parse(await readFile(join(dataDir, 'demo', 'verification.json'), 'utf8')) as {
      indication: string;
      signatures: unknown[];
    };
    t.equal(
      verification.indication,
      'TOTAL_PASSED',
      `${round}: the demo directive is signed, stamped, sealed and verifies`,
    );
    t.equal(verification.signatures.length, 3, `${round}: signer, seal and document time-stamp`);
    t.match(
      suite.output(),
      /first document: .*chi-thi-01-CT-TU\.pdf/,
      `${round}: npm start says where the first document is`,
    );
    t.match(
      suite.output(),
      /seals: 15 of 15 recipient offices have a seal for delivery evidence/,
      `${round}: every recipient office of the demo can seal its answers' evidence`,
    );
    if (round === 'first start' && hasTool('pdftotext')) {
      const { text } = await pdftotext(join(dataDir, 'demo', 'chi-thi-01-CT-TU.pdf'));
      t.match(
        text,
        /Tỉnh ủy Demo\s+Văn phòng Tỉnh ủy\s+Ký số:/,
        'the seal signature shows the office over its seal image',
      );
    }
  }
  t.ok((await readdir(join(dataDir, 'postgres'))).length > 0, 'the database persists in the data folder');
});
