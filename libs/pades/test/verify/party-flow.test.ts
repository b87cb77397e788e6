// The Party flow verified: the signer's certification (DocMDP /P 2, FieldMDP
// excluding the stamp fields) stays valid through the stamp (form filling) and
// the seal signature (filling the prepared field); the seal covers the whole
// file. pyHanko's modification level must agree.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { pyhankoValidate, skipUnless } from '../../../../test/support/judges.ts';
import { SEAL_FIELD } from '../../src/index.ts';
import { keySigner } from '@lienthong/pki';
import { dir, fixturePdf, h, latin1, NOW, partyFlow, rootPem, signAs, verify } from './support.ts';

const { signed, stamped, sealed } = await partyFlow();

void t.test('after signing: one certification signature, nothing after it', async (t) => {
  const r = await verify(signed);
  t.equal(r.indication, 'TOTAL_PASSED', r.message);
  const [s] = r.signatures;
  t.equal(s?.docMdp, 2);
  t.same(s?.fieldLock, { action: 'Exclude', fields: ['lienthong-number', 'lienthong-date', 'lienthong-seal'] });
  t.equal(s?.modification, 'NONE');
  t.equal(s?.level, 'B-B');
});

void t.test('after stamping: number and date filled are permitted form filling', async (t) => {
  const r = await verify(stamped);
  t.equal(r.indication, 'TOTAL_PASSED', r.message);
  const [s] = r.signatures;
  t.equal(s?.modification, 'PERMITTED');
  t.equal(s?.changesAfter.length, 1);
  t.equal(s?.changesAfter[0]?.kind, 'form-fill');
  t.ok(
    s?.changesAfter[0]?.changes.some((c) => c.field === 'lienthong-number'),
    JSON.stringify(s?.changesAfter),
  );
  t.equal(s?.coverage.wholeFile, false);
});

void t.test(
  'after sealing: signature 1 PERMITTED (form filling, signing), the seal B-T over the whole file',
  async (t) => {
    const r = await verify(sealed);
    t.equal(r.indication, 'TOTAL_PASSED', r.message);
    t.equal(r.signatures.length, 2);
    const [s1, seal] = r.signatures;
    t.equal(s1?.modification, 'PERMITTED');
    t.same(
      s1?.changesAfter.map((c) => c.kind),
      ['form-fill', 'signature'],
      JSON.stringify(s1?.changesAfter, null, 1),
    );
    t.equal(s1?.coverage.revision, 1);
    t.equal(seal?.field, SEAL_FIELD);
    t.equal(seal?.coverage.wholeFile, true);
    t.equal(seal?.modification, 'NONE');
    t.equal(seal?.level, 'B-T');
    t.equal(seal?.bestSignatureTime, NOW.toISOString());
    t.match(seal?.signer?.subject ?? '', /Văn phòng Tỉnh ủy Hà Nam/);
    t.same(
      r.revisions.map((x) => x.signedBy),
      [[], ['Signature1'], [], [SEAL_FIELD]],
    );
  },
);

void t.test(
  'pyHanko agrees: signature 1 extended with form filling, acceptable; the seal untouched',
  { skip: skipUnless('pyhanko') },
  async (t) => {
    const file = join(dir, 'party-sealed.pdf');
    writeFileSync(file, sealed);
    const p = await pyhankoValidate(file, { trust: rootPem, validationTime: NOW });
    const s1 = p.signatures.find((s) => s.field === 'Signature1');
    const seal = p.signatures.find((s) => s.field === SEAL_FIELD);
    t.equal(s1?.modificationLevel, 'FORM_FILLING', p.output);
    t.ok(s1?.modificationsOk, p.output);
    t.equal(seal?.coverage, 'ENTIRE_FILE', p.output);
    t.ok(p.ok, p.output);
  },
);

/** A visible widget appearance: a plain rectangle (the appearance helper draws the real one). */
const box = {
  x: 300,
  y: 100,
  appearance: (alloc: () => number) => {
    const n = alloc();
    const content = '0 0 1 rg 0 0 150 50 re f';
    return {
      objects: [
        {
          num: n,
          body: latin1(
            `<</Type/XObject/Subtype/Form/BBox[0 0 150 50]/Length ${content.length}>>\nstream\n${content}\nendstream`,
          ),
        },
      ],
      xobject: n,
      width: 150,
      height: 50,
    };
  },
};

void t.test('two approval signatures, the second with a new visible field: the first stays PERMITTED', async (t) => {
  const first = await signAs(await fixturePdf());
  const second = await signAs(first, {
    signer: keySigner(h.seal.privateKey),
    certificate: h.seal.certificate,
    visible: box,
  });
  const r = await verify(second);
  t.equal(r.indication, 'TOTAL_PASSED', r.message);
  t.equal(r.signatures[0]?.modification, 'PERMITTED');
  t.ok(r.signatures[0]?.changesAfter[0]?.changes.some((c) => c.requires === 'sign-visible'));
});

void t.test(
  'after a DocMDP /P 2 certification, a new visible signature field is an annotation: forbidden',
  async (t) => {
    const second = await signAs(signed, {
      signer: keySigner(h.seal.privateKey),
      certificate: h.seal.certificate,
      visible: box,
      fieldName: 'Extra',
    });
    const r = await verify(second);
    t.equal(r.signatures[0]?.modification, 'FORBIDDEN');
    t.equal(r.signatures[0]?.changesAfter[0]?.kind, 'annotation');
    t.equal(r.signatures[1]?.indication, 'TOTAL_PASSED', 'the later signature itself is fine');
  },
);

void t.test(
  'pyHanko agrees on visible later signatures: accepted after an approval signature, not after /P 2',
  { skip: skipUnless('pyhanko') },
  async (t) => {
    const approval = await signAs(await signAs(await fixturePdf()), {
      signer: keySigner(h.seal.privateKey),
      certificate: h.seal.certificate,
      visible: box,
    });
    const certified = await signAs(signed, {
      signer: keySigner(h.seal.privateKey),
      certificate: h.seal.certificate,
      visible: box,
      fieldName: 'Extra',
    });
    for (const [name, pdf, ok] of [
      ['visible-after-approval', approval, true],
      ['visible-after-certification', certified, false],
    ] as const) {
      const file = join(dir, `${name}.pdf`);
      writeFileSync(file, pdf);
      const p = await pyhankoValidate(file, { trust: rootPem, validationTime: NOW });
      t.equal(p.signatures[0]?.modificationsOk, ok, `${name}: ${p.output}`);
      t.equal((await verify(pdf)).signatures[0]?.modification === 'PERMITTED', ok, name);
    }
  },
);
