import t from 'tap';
import {
  CodedError,
  defineErrors,
  errorClass,
  errorGuard,
  isCodedError,
  messageOf,
  silentLogger,
  type CodeOf,
} from '../src/index.ts';

const shelfErrors = defineErrors({
  SHELF_EMPTY: { status: 404, title: 'Shelf empty' },
  SHELF_FULL: { status: 409, title: 'Shelf full', detail: 'No room for another box.' },
});
type ShelfErrorCode = CodeOf<typeof shelfErrors>;
class ShelfError extends errorClass(shelfErrors) {}
const isShelfError = errorGuard(ShelfError);

class BoxError extends errorClass(shelfErrors) {
  readonly neededBytes: number | undefined;
  constructor(code: ShelfErrorCode, detail?: string, options: { cause?: unknown; neededBytes?: number } = {}) {
    super(code, detail, options);
    this.neededBytes = options.neededBytes;
  }
}

void t.test('defineErrors fills in the code, freezes, and refuses malformed codes, statuses and titles', async (t) => {
  t.same(shelfErrors.SHELF_EMPTY, { status: 404, title: 'Shelf empty', code: 'SHELF_EMPTY' });
  t.ok(Object.isFrozen(shelfErrors) && Object.isFrozen(shelfErrors.SHELF_FULL));
  t.throws(() => defineErrors({ notUpper: { status: 400, title: 'x' } }), /UPPER_SNAKE_CASE/);
  t.throws(() => defineErrors({ OK: { status: 200, title: 'x' } }), /not 4xx\/5xx/);
  t.throws(() => defineErrors({ HALF: { status: 400.5, title: 'x' } }), /not 4xx\/5xx/);
  t.throws(() => defineErrors({ UNTITLED: { status: 400, title: '' } }), /no title/);
});

void t.test('a catalogue error carries code, status, title, detail, extra, cause and its class name', async (t) => {
  const cause = new Error('disk');
  const e = new ShelfError('SHELF_EMPTY', 'shelf 3', { extra: { shelf: 3 }, cause });
  t.ok(e instanceof ShelfError && e instanceof CodedError && e instanceof Error);
  t.match(e, {
    name: 'ShelfError',
    code: 'SHELF_EMPTY',
    status: 404,
    title: 'Shelf empty',
    detail: 'shelf 3',
    extra: { shelf: 3 },
  });
  t.equal(e.message, 'Shelf empty: shelf 3');
  t.equal(e.cause, cause);
  t.match(String(e.stack), /^ShelfError: Shelf empty: shelf 3/);
  const defaulted = new ShelfError('SHELF_FULL');
  t.equal(defaulted.detail, 'No room for another box.', 'the catalogue detail is the default');
  t.equal(defaulted.message, 'Shelf full: No room for another box.');
  t.equal(new ShelfError('SHELF_EMPTY').message, 'Shelf empty');
  t.same(new ShelfError('SHELF_EMPTY').extra, {});
  t.equal(ShelfError.catalogue, shelfErrors);
  t.throws(() => new ShelfError('NOPE' as ShelfErrorCode), TypeError, 'an unknown code is a programming error');
});

void t.test('the guard checks the class and, when given, the code', async (t) => {
  const e: unknown = new ShelfError('SHELF_FULL');
  t.ok(isShelfError(e));
  t.ok(isShelfError(e, 'SHELF_FULL'));
  t.notOk(isShelfError(e, 'SHELF_EMPTY'));
  t.notOk(isShelfError(new BoxError('SHELF_FULL')), 'another class over the same catalogue is not this one');
  t.notOk(isShelfError(Object.assign(new Error('x'), { code: 'SHELF_FULL' })), 'a look-alike is not');
  t.ok(isCodedError(e) && isCodedError(new BoxError('SHELF_EMPTY')));
  t.notOk(isCodedError(new Error('x')));
});

void t.test('a subclass adds its own fields', async (t) => {
  const e = new BoxError('SHELF_FULL', 'box 7', { neededBytes: 1024 });
  t.match(e, { name: 'BoxError', code: 'SHELF_FULL', neededBytes: 1024, message: 'Shelf full: box 7' });
  t.equal(new BoxError('SHELF_EMPTY').neededBytes, undefined);
});

void t.test('messageOf reads any thrown value; silentLogger drops everything', async (t) => {
  t.equal(messageOf(new ShelfError('SHELF_EMPTY', 'x')), 'Shelf empty: x');
  t.equal(messageOf('plain'), 'plain');
  t.equal(messageOf(42), '42');
  t.equal(silentLogger.info({ a: 1 }, 'm'), undefined);
  t.ok(Object.isFrozen(silentLogger));
});
