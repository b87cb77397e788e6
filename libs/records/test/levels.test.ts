/** Authority forms, secrecy levels with what electronic exchange requires, urgency levels. */
import t from 'tap';
import {
  allowsDeadline,
  assertExchangeable,
  authorityForms,
  exchangeRequirement,
  findAuthorityForm,
  findSecrecyLevel,
  findUrgencyLevel,
  secrecyLevels,
  urgencyLevels,
} from '../src/index.ts';

void t.test('the authority forms T/M, K/T, T/L and TUQ, each with its meaning', async (t) => {
  t.same(
    authorityForms.map((f) => f.code),
    ['T/M', 'K/T', 'T/L', 'TUQ'],
  );
  t.equal(findAuthorityForm('K/T')?.name, 'ký thay');
  t.equal(findAuthorityForm('T/M')?.name, 'thay mặt');
  t.equal(findAuthorityForm('KT'), undefined);
  t.equal(findAuthorityForm('k/t'), undefined);
});

void t.test('ordinary documents travel plain, Mật only encrypted, Tối mật and Tuyệt mật not at all', async (t) => {
  t.same(exchangeRequirement('ordinary'), { exchange: 'plain' });
  t.equal(exchangeRequirement('confidential').exchange, 'encrypted');
  t.equal(exchangeRequirement('secret').exchange, 'refused');
  t.equal(exchangeRequirement('top-secret').exchange, 'refused');
  t.doesNotThrow(() => assertExchangeable('ordinary'));
  t.doesNotThrow(() => assertExchangeable('confidential'));
  t.throws(() => assertExchangeable('secret'), {
    code: 'RECORDS_SECRECY_NOT_EXCHANGEABLE',
    status: 422,
    detail: /Tối mật/,
  });
  t.throws(() => assertExchangeable('top-secret'), { code: 'RECORDS_SECRECY_NOT_EXCHANGEABLE', detail: /Tuyệt mật/ });
  t.throws(() => exchangeRequirement('Mật'), { code: 'RECORDS_CODE_UNKNOWN' }, 'levels are named by id');
  t.equal(findSecrecyLevel('confidential')?.name, 'Mật');
  t.same(
    secrecyLevels.map((l) => l.mark),
    ['', 'MẬT', 'TỐI MẬT', 'TUYỆT MẬT'],
  );
  t.ok(Object.isFrozen(secrecyLevels[1]?.requirement), 'a requirement cannot be changed by a caller');
});

void t.test('urgency levels in delivery order, a deadline only with an urgency', async (t) => {
  t.same(
    urgencyLevels.map((l) => [l.id, l.name, l.priority]),
    [
      ['ordinary', 'Thường', 0],
      ['urgent', 'Khẩn', 1],
      ['very-urgent', 'Thượng khẩn', 2],
      ['flash', 'Hỏa tốc', 3],
    ],
  );
  t.equal(findUrgencyLevel('flash')?.mark, 'HỎA TỐC');
  t.equal(findUrgencyLevel('hoa-toc'), undefined);
  t.notOk(allowsDeadline('ordinary'));
  t.ok(allowsDeadline('urgent') && allowsDeadline('very-urgent') && allowsDeadline('flash'));
  for (const l of [...urgencyLevels, ...secrecyLevels]) t.equal(l.name.normalize('NFC'), l.name, l.name);
});
