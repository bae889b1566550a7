/**
 * The one pagination loop of the audit's collectors. AWS list calls return a page and a token
 * for the next (`NextToken`, `Marker` with `IsTruncated`, `ContinuationToken`); `paginate` asks
 * for pages until there is no token, handing each page over as it arrives (findings stream per
 * page). A token seen before ends the loop with an error: an endpoint that repeats itself (a bug,
 * a proxy, a hostile stand-in) cannot keep the audit spinning.
 */

export interface PaginateOptions {
  /** The call's name, for the error (`ListUsers`). */
  what?: string;
}

/** The endpoint sent a page token it had sent before. */
export class PaginationLoopError extends Error {
  constructor(what: string) {
    super(`${what}: the service sent the same page token twice`);
    this.name = 'PaginationLoopError';
  }
}

/**
 * Every page of a paginated call. `fetch(token)` gets one page (`undefined` for the first),
 * `next(page)` reads the next page's token (`undefined` or empty at the end), `onPage` handles a
 * page. Resolves with the number of pages; a failed `fetch` rejects, as the caller's loop did.
 */
export async function paginate<P>(
  fetch: (token: string | undefined) => Promise<P>,
  next: (page: P) => string | undefined | null,
  onPage: (page: P) => void,
  opts: PaginateOptions = {},
): Promise<number> {
  const seen = new Set<string>();
  let token: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await fetch(token);
    pages++;
    onPage(page);
    const t = next(page);
    if (!t) return pages;
    if (seen.has(t)) throw new PaginationLoopError(opts.what ?? 'a list call');
    seen.add(t);
    token = t;
  }
}
