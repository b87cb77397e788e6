/**
 * The page's reader of a delivery evidence's statement (public/lib/cms-statement.js): the
 * JSON inside a ContentInfo(SignedData)'s eContent, short and long DER lengths; anything else
 * (not base64, cut short, a length past the end, another tag, not JSON, not UTF-8) is null,
 * never an exception in the page.
 */
import t from 'tap';

// A browser module (plain JavaScript, no declarations): imported by a path held in a variable.
const modulePath: string = '../public/lib/cms-statement.js';
const { statementOf } = (await import(modulePath)) as {
  statementOf: (cms: string) => Record<string, unknown> | null;
};

function der(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length =
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}
const oid = der(0x06, Buffer.from([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]));

/** A ContentInfo(SignedData) whose eContent is `content` (OCTET STRING unless told). */
function cms(content: Buffer, contentTag = 0x04): Buffer {
  const encap = der(0x30, Buffer.concat([oid, der(0xa0, der(contentTag, content))]));
  const signedData = der(0x30, Buffer.concat([der(0x02, Buffer.from([1])), der(0x31, Buffer.alloc(0)), encap]));
  return der(0x30, Buffer.concat([oid, der(0xa0, signedData)]));
}

void t.test('the statement of a well-formed SignedData', async (t) => {
  const short = { event: 'AcceptanceByRecipient', incomingNumber: '12' };
  t.same(statementOf(cms(Buffer.from(JSON.stringify(short))).toString('base64')), short);
  const long = { event: 'RejectionByRecipient', reason: 'Không thuộc thẩm quyền xử lý '.repeat(20) };
  t.ok(Buffer.byteLength(JSON.stringify(long)) > 255, 'a two-byte DER length');
  t.same(statementOf(cms(Buffer.from(JSON.stringify(long))).toString('base64')), long);
});

void t.test('anything else is null', async (t) => {
  const good = cms(Buffer.from('{"event":"ContentConsignment"}'));
  t.equal(statementOf('%%% not base64'), null);
  t.equal(statementOf(''), null);
  t.equal(statementOf(good.subarray(0, good.length - 5).toString('base64')), null, 'cut short');
  const lying = Buffer.from(good);
  lying[1] = 0x7f;
  t.equal(statementOf(lying.toString('base64')), null, 'a length past the end');
  t.equal(statementOf(Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]).toString('base64')), null, 'a huge length');
  t.equal(statementOf(Buffer.from([0x30, 0x85, 1, 1, 1, 1, 1]).toString('base64')), null, 'a five-byte length');
  t.equal(statementOf(cms(Buffer.from('{"a":1}'), 0x0c).toString('base64')), null, 'not an OCTET STRING');
  t.equal(statementOf(cms(Buffer.from('not json')).toString('base64')), null, 'not JSON');
  t.equal(statementOf(cms(Buffer.from('42')).toString('base64')), null, 'JSON but not an object');
  t.equal(statementOf(cms(Buffer.from([0x7b, 0xff, 0x7d])).toString('base64')), null, 'not UTF-8');
  t.equal(statementOf(der(0x30, Buffer.alloc(0)).toString('base64')), null, 'an empty SEQUENCE');
});
