/** audit/paginate.ts: every page once, in order, to the end; a repeated token is an error, not a spin. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PaginationLoopError, paginate } from '../../server/src/audit/paginate';

interface Page {
  items: number[];
  next?: string;
}

/** A fake endpoint: pages keyed by the token that asks for them (undefined: the first). */
function endpoint(pages: Record<string, Page>) {
  const asked: (string | undefined)[] = [];
  return {
    asked,
    fetch: async (token: string | undefined) => {
      asked.push(token);
      // A loop that never ends would block the event loop (the test's timeout cannot fire).
      if (asked.length > 50) throw new Error('spun: more than 50 pages asked for');
      const p = pages[token ?? ''];
      if (!p) throw new Error(`no page for ${token}`);
      return p;
    },
  };
}

test('follows the tokens to the last page, handing each page over in order', async () => {
  const e = endpoint({ '': { items: [1, 2], next: 'a' }, a: { items: [3], next: 'b' }, b: { items: [4, 5] } });
  const got: number[] = [];
  const n = await paginate(
    e.fetch,
    (p) => p.next,
    (p) => got.push(...p.items),
  );
  assert.equal(n, 3);
  assert.deepEqual(got, [1, 2, 3, 4, 5]);
  assert.deepEqual(e.asked, [undefined, 'a', 'b']);
});

test('one page, and an empty token, end at once', async () => {
  const e = endpoint({ '': { items: [1], next: '' } });
  assert.equal(
    await paginate(
      e.fetch,
      (p) => p.next,
      () => {},
    ),
    1,
  );
  assert.deepEqual(e.asked, [undefined]);
});

test('IAM style: the marker counts only while IsTruncated', async () => {
  const pages = [
    { IsTruncated: true, Marker: 'm1', Users: ['a'] },
    { IsTruncated: false, Marker: 'stale', Users: ['b'] },
  ];
  let i = 0;
  const users: string[] = [];
  await paginate(
    async () => pages[i++],
    (p) => (p.IsTruncated ? p.Marker : undefined),
    (p) => users.push(...p.Users),
  );
  assert.deepEqual(users, ['a', 'b']);
  assert.equal(i, 2);
});

test('a token the endpoint already sent is an error naming the call; pages before it were handed over', async () => {
  const e = endpoint({ '': { items: [1], next: 'a' }, a: { items: [2], next: 'b' }, b: { items: [3], next: 'a' } });
  const got: number[] = [];
  await assert.rejects(
    paginate(
      e.fetch,
      (p) => p.next,
      (p) => got.push(...p.items),
      { what: 'ListUsers' },
    ),
    (err: Error) => err instanceof PaginationLoopError && /^ListUsers: /.test(err.message),
  );
  assert.deepEqual(got, [1, 2, 3]);
  assert.equal(e.asked.length, 3);
});

test('a failed page rejects with the call error', async () => {
  const e = endpoint({ '': { items: [1], next: 'gone' } });
  await assert.rejects(
    paginate(
      e.fetch,
      (p) => p.next,
      () => {},
    ),
    /no page for gone/,
  );
});
