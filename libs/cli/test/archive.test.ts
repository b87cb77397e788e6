/**
 * `lienthong archive search|get|export|verify` against a running archive app (127.0.0.1, a
 * port of its own) on the real PostgreSQL and a folder store, records archived with the
 * ingest's writes; the exported bag judged by bagit-python; an object corrupted behind the
 * service's back; and a fake archive answering hostile tars, which the unpacker refuses.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { testToken } from '../../../test/support/auth.ts';
import { runTool, skipUnless } from '../../../test/support/judges/tools.ts';
import { tarEnd, tarFile, tarHeader } from '../../../services/archive/src/export/tar-writer.ts';
import { archiveForFile } from '../../../services/archive/test/support.ts';
import { archiveTestRecord, corruptStoredObject } from '../../../services/archive/test/retrieval-support.ts';
import { lienthongAsync } from './helpers/cli.ts';
import { buildPdfFixture } from './helpers/pdf-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-archive-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const fixture = await buildPdfFixture(dir);
fixture.must([
  'pdf',
  'sign',
  'doc.pdf',
  'signed.pdf',
  '--key',
  'person/key.pem',
  '--cert',
  'person/cert.pem',
  '--chain',
  fixture.h.intermediate,
  '--level',
  'B-B',
]);
const signedPdf = readFileSync(join(dir, 'signed.pdf'));

const archive = await archiveForFile(t);
const address = await archive.app.listen({ host: '127.0.0.1', port: 0 });
const signed = await archiveTestRecord(archive, {
  issuing: 'TU-HN',
  receiving: ['HU-BD'],
  file: 'HS-CLI',
  date: '2016-04-04',
  pdf: signedPdf,
});
const second = await archiveTestRecord(archive, { issuing: 'HU-BD', receiving: ['TU-HN'], file: 'HS-CLI' });
const corrupt = await archiveTestRecord(archive, { issuing: 'TU-HN', receiving: ['HU-BD'], file: 'HS-BAD' });
await corruptStoredObject(
  archive,
  corrupt.objects.find((o) => o.name === 'document.pdf')!,
);

const lienthong = (args: readonly string[]) => lienthongAsync(dir, args);

function configFor(office: string, roles: string[], endpoint = address): string {
  const path = join(dir, `${office}-${roles.join('-')}-${endpoint.replace(/\W/g, '')}.json`);
  writeFileSync(
    path,
    JSON.stringify({ endpoints: { archive: endpoint }, token: testToken({ subject: 'person:cli', office, roles }) }),
  );
  return path;
}

const archivist = configFor('TU-HN', ['archivist']);

void t.test('search: a table, JSON, and no match is still exit 0', async (t) => {
  // Started side by side (each is a process of its own), awaited where they are judged.
  const tableRun = lienthong(['archive', 'search', 'ke', 'hoach', '--config', archivist]);
  const jsonRun = lienthong(['archive', 'search', '--file', 'HS-CLI', '--json', '--config', archivist]);
  const noneRun = lienthong(['archive', 'search', 'khong', 'co', 'gi', 'xyzzy', '--config', archivist]);
  const badRun = lienthong(['archive', 'search', '--from', '2016-02-30', '--config', archivist]);
  const table = await tableRun;
  t.equal(table.code, 0, table.stderr);
  t.match(table.stdout, signed.id);
  t.match(table.stdout, second.id);
  const json = await jsonRun;
  t.equal(json.code, 0);
  t.equal((JSON.parse(json.stdout) as { records: unknown[] }).records.length, 2);
  const none = await noneRun;
  t.equal(none.code, 0);
  t.match(none.stdout, /no record matches/);
  const bad = await badRun;
  t.equal(bad.code, 1, 'a search the archive refuses');
  t.match(bad.stderr, /CATALOG_SEARCH_INVALID/);
});

void t.test('get: metadata, the original and an object downloaded and checked', async (t) => {
  // Started side by side (each is a process of its own), awaited where they are judged.
  const metaRun = lienthong(['archive', 'get', signed.id, '--config', archivist]);
  const outRun = lienthong(['archive', 'get', signed.id, '--original', '-o', 'original.pdf', '--config', archivist]);
  const manifestRun = lienthong([
    'archive',
    'get',
    signed.id,
    '--object',
    'manifest.json',
    '-o',
    'm.json',
    '--json',
    '--config',
    archivist,
  ]);
  const cutRun = lienthong(['archive', 'get', corrupt.id, '--original', '-o', 'corrupt.pdf', '--config', archivist]);
  const foreignRun = lienthong(['archive', 'get', signed.id, '--config', configFor('HU-XX', ['archivist'])]);
  const usageRun = lienthong(['archive', 'get', 'not-an-id', '--config', archivist]);
  const meta = await metaRun;
  t.equal(meta.code, 0, meta.stderr);
  t.match(meta.stdout, /Chỉ thị số/);
  const out = await outRun;
  t.equal(out.code, 0, out.stderr);
  t.same(readFileSync(join(dir, 'original.pdf')), signedPdf);
  const manifest = await manifestRun;
  t.equal(manifest.code, 0, manifest.stderr);
  t.equal((JSON.parse(manifest.stdout) as { kept: boolean }).kept, true);
  const again = await lienthong([
    'archive',
    'get',
    signed.id,
    '--original',
    '-o',
    'original.pdf',
    '--config',
    archivist,
  ]);
  t.equal(again.code, 2, 'an existing output is not overwritten');
  const cut = await cutRun;
  t.equal(cut.code, 1, 'a corrupted original is not kept');
  t.notOk(existsSync(join(dir, 'corrupt.pdf')));
  t.same(
    readdirSync(dir).filter((f) => f.includes('.part-')),
    [],
    'no temporary file left',
  );
  const foreign = await foreignRun;
  t.equal(foreign.code, 1);
  t.match(foreign.stderr, /RECORD_NOT_FOUND/);
  const usage = await usageRun;
  t.equal(usage.code, 2);
});

void t.test(
  'export: a file of two records unpacked and checked; bagit-python agrees',
  { skip: skipUnless('bagit.py') },
  async (t) => {
    // Started side by side (each is a process of its own), awaited where they are judged.
    const runRun = lienthong(['archive', 'export', '--file', 'HS-CLI', '-o', 'bag', '--json', '--config', archivist]);
    const rangeRun = lienthong([
      'archive',
      'export',
      '--from',
      '2016-01-01',
      '--to',
      '2016-12-31',
      '-o',
      'bag-2016',
      '--config',
      archivist,
    ]);
    const badRun = lienthong(['archive', 'export', '--file', 'HS-BAD', '-o', 'bag-bad', '--config', archivist]);
    const usageRun = lienthong([
      'archive',
      'export',
      '--file',
      'HS-CLI',
      '--from',
      '2016-01-01',
      '-o',
      'x',
      '--config',
      archivist,
    ]);
    const run = await runRun;
    t.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as { valid: boolean; payloadFiles: number };
    t.ok(summary.valid);
    t.equal(summary.payloadFiles, 8);
    t.same(readdirSync(join(dir, 'bag', 'data')).sort(), [signed.id, second.id].sort());
    const judge = await runTool('bagit.py', ['--validate', join(dir, 'bag')]);
    t.equal(judge.code, 0, `${judge.stdout}${judge.stderr}`);
    const range = await rangeRun;
    t.equal(range.code, 0, range.stderr);
    t.same(readdirSync(join(dir, 'bag-2016', 'data')), [signed.id]);
    const bad = await badRun;
    t.equal(bad.code, 1, 'a cut export');
    t.notOk(existsSync(join(dir, 'bag-bad')), 'nothing kept');
    const usage = await usageRun;
    t.equal(usage.code, 2);
  },
);

void t.test('verify: a record that holds, and one whose original was changed', async (t) => {
  // Started side by side (each is a process of its own), awaited where they are judged.
  const goodRun = lienthong(['archive', 'verify', signed.id, ...fixture.trust, '--config', archivist]);
  const jsonRun = lienthong(['archive', 'verify', corrupt.id, '--json', '--config', archivist]);
  const unsignedRun = lienthong(['archive', 'verify', second.id, '--config', configFor('HU-BD', ['archivist'])]);
  const good = await goodRun;
  t.equal(good.code, 0, `${good.stdout}${good.stderr}`);
  t.match(good.stdout, /holds/);
  const json = await jsonRun;
  t.equal(json.code, 1);
  const verdict = JSON.parse(json.stdout) as { valid: boolean; problems: string[] };
  t.notOk(verdict.valid);
  t.match(verdict.problems.join('\n'), /document\.pdf/);
  const unsigned = await unsignedRun;
  t.equal(unsigned.code, 1, 'an original that is not a signed PDF does not hold');
  const noAnchor = await lienthong(['archive', 'verify', signed.id, '--anchor', 'missing.pem', '--config', archivist]);
  t.equal(noAnchor.code, 2, 'an anchor that cannot be read is a fault of the command line');
});

/** A tar entry of type `type` (a link, a directory) at `path`. */
function typedHeader(path: string, type: string, link = ''): Buffer {
  const header = tarHeader(path, 0, new Date(0));
  header.write(type, 156, 'latin1');
  header.write(link, 157, 'utf8');
  header.fill(' ', 148, 156);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return header;
}

void t.test('hostile tars from a fake archive are refused and nothing is written', async (t) => {
  const tars: Record<string, Buffer> = {
    dotdot: Buffer.concat([tarFile('data/../../evil.txt', Buffer.from('x'), new Date(0)), tarEnd()]),
    absolute: Buffer.concat([tarFile('/tmp/evil.txt', Buffer.from('x'), new Date(0)), tarEnd()]),
    symlink: Buffer.concat([typedHeader('data/link', '2', '/etc/passwd'), tarEnd()]),
    hardlink: Buffer.concat([typedHeader('data/hard', '1', '../../x'), tarEnd()]),
    cut: tarFile('bagit.txt', Buffer.from('BagIt-Version: 1.0\n'), new Date(0)),
    checksum: (() => {
      const b = Buffer.concat([tarFile('bagit.txt', Buffer.from('y'), new Date(0)), tarEnd()]);
      b[0] = 'c'.charCodeAt(0);
      return b;
    })(),
    unlisted: Buffer.concat([
      tarFile('bagit.txt', Buffer.from('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n'), new Date(0)),
      tarFile('data/x.txt', Buffer.from('not in the manifest'), new Date(0)),
      tarFile('manifest-sha256.txt', Buffer.from(''), new Date(0)),
      tarEnd(),
    ]),
  };
  const server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'application/x-tar' });
    response.end(tars[new URL(request.url ?? '/', 'http://x').searchParams.get('file') ?? '']);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const fake = configFor('TU-HN', ['archivist'], `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const names = Object.keys(tars);
  const runs = await Promise.all(
    names.map((name) => lienthong(['archive', 'export', '--file', name, '-o', `hostile-${name}`, '--config', fake])),
  );
  names.forEach((name, i) => {
    t.equal(runs[i]!.code, 1, `${name}: ${runs[i]!.stderr}`);
    t.notOk(existsSync(join(dir, `hostile-${name}`)), `${name}: no folder`);
  });
  t.notOk(existsSync(join(dir, '..', 'evil.txt')));
  t.same(
    readdirSync(dir).filter((f) => f.startsWith('.hostile')),
    [],
    'no work folder left',
  );
});

void t.test('verify and get: an object in a folder of the package (delivery evidence) is fetched as %2F', async (t) => {
  // The archive names delivery's evidence `evidence/<delivery>/<batch>.json` (services/archive
  // "Evidence ingest"): `archive verify` refused every record that had any as "not a package".
  const id = '0b6f1c4e-2d3a-4c5b-8e9f-0a1b2c3d4e5f';
  const evidenceName = 'evidence/5d0c1f7a/9e8b7c6d.json';
  const bodies: Record<string, Buffer> = {
    'document.pdf': signedPdf,
    [evidenceName]: Buffer.from('{"evidence":[]}\n'),
  };
  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  const listed = Object.entries(bodies).map(([name, bytes]) => ({ name, sha256: sha256(bytes) }));
  bodies['manifest.json'] = Buffer.from(JSON.stringify({ objects: listed }));
  const routes = new Map<string, Buffer>([
    [`/v1/records/${id}/original`, bodies['document.pdf']!],
    [`/v1/records/${id}/objects/manifest.json`, bodies['manifest.json']],
    [`/v1/records/${id}/objects/evidence%2F5d0c1f7a%2F9e8b7c6d.json`, bodies[evidenceName]!],
  ]);
  const pkg = {
    recordId: id,
    retentionClass: 'permanent',
    retainUntil: null,
    lockedUntil: '2126-01-01T00:00:00Z',
    legalHold: false,
    validation: { indication: 'TOTAL_PASSED', subIndication: null },
    objects: Object.entries(bodies).map(([name, bytes]) => ({
      name,
      key: `records/${id}/${name}`,
      versionId: 'v1',
      sha256: sha256(bytes),
      size: bytes.length,
      mediaType: 'application/octet-stream',
    })),
  };
  const asked: string[] = [];
  const server = createServer((request, response) => {
    asked.push(request.url ?? '');
    const body =
      request.url === `/v1/records/${id}/package` ? Buffer.from(JSON.stringify(pkg)) : routes.get(request.url ?? '');
    if (body === undefined) {
      response.writeHead(404, { 'content-type': 'application/problem+json' });
      response.end(JSON.stringify({ status: 404, code: 'RECORD_OBJECT_NOT_FOUND', title: 'not found' }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const fake = configFor('TU-HN', ['archivist'], `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const verified = await lienthong(['archive', 'verify', id, ...fixture.trust, '--config', fake]);
  t.equal(verified.code, 0, `${verified.stdout}${verified.stderr}`);
  t.match(verified.stdout, `ok   ${evidenceName}`, 'the evidence object holds');
  t.ok(asked.includes(`/v1/records/${id}/objects/evidence%2F5d0c1f7a%2F9e8b7c6d.json`), 'its slashes sent as %2F');
  const got = await lienthong([
    'archive',
    'get',
    id,
    '--object',
    evidenceName,
    '-o',
    'evidence.json',
    '--config',
    fake,
  ]);
  t.equal(got.code, 0, got.stderr);
  t.equal(readFileSync(join(dir, 'evidence.json'), 'utf8'), '{"evidence":[]}\n', 'archive get --object keeps it');
  const escape = await lienthong(['archive', 'get', id, '--object', 'evidence/../x', '-o', 'x.json', '--config', fake]);
  t.equal(escape.code, 2, 'a name with `..` is still refused');
});
