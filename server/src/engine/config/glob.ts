/** Minimal glob matching for config paths: `**`, `*`, `?`, `{a,b}`, on `/`-separated paths. */
const cache = new Map<string, RegExp>();

export function globToRegExp(glob: string): RegExp {
  const hit = cache.get(glob);
  if (hit) return hit;
  let re = '';
  let i = 0;
  let inGroup = false;
  const g = glob.replace(/\\/g, '/');
  while (i < g.length) {
    const c = g[i];
    if (c === '*') {
      if (g[i + 1] === '*') {
        // `**/` matches zero or more folders; a trailing `**` matches everything.
        if (g[i + 2] === '/') {
          re += '(?:[^/]*/)*';
          i += 3;
        } else {
          re += '.*';
          i += 2;
        }
        continue;
      }
      re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      re += '(?:';
      inGroup = true;
    } else if (c === '}' && inGroup) {
      re += ')';
      inGroup = false;
    } else if (c === ',' && inGroup) re += '|';
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
    i++;
  }
  const out = new RegExp(`^${re}$`);
  cache.set(glob, out);
  return out;
}

/** Does `path` (relative, `/`-separated) match the glob? A glob without `/` matches the base name anywhere. */
export function matchGlob(glob: string, path: string): boolean {
  const p = path.replace(/\\/g, '/').replace(/^\.\//, '');
  if (!glob.includes('/')) return globToRegExp(glob).test(p.split('/').pop() ?? p) || globToRegExp(glob).test(p);
  return globToRegExp(glob.replace(/^\.\//, '')).test(p);
}
