/**
 * Seeded random edits for the language-server fuzzer: typing, deletions, pastes of template
 * fragments, and hostile pastes (control characters, NUL, lone surrogates, CR/CRLF mixing, alias
 * bombs, deep `[[[[`, huge lines, BOMs, tabs, escaped keys). The same seed gives the same edits
 * for the same texts, so a failure is replayed with `npm run fuzz -- --seed N`.
 */
import { escapeKeys } from './escapeKeys';

/** mulberry32: small, fast, good enough for test input. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(a: readonly T[]): T {
    return a[Math.floor(this.next() * a.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** One edit on the editor's text, in UTF-16 offsets (converted to LSP positions by the caller). */
export interface Edit {
  start: number;
  end: number;
  text: string;
  /** What kind of edit it is, for reports. */
  kind: string;
}

const FRAGMENTS = [
  '  NewBucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n',
  '  Topic:\n    Type: AWS::SNS::TopicPolicy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: "*"\n            Action: sns:Publish\n            Resource: "*"\n',
  '  Inst:\n    Type: AWS::EC2::Instance\n    Properties:\n      MetadataOptions:\n        HttpTokens: optional\n',
  '  Key:\n    Type: AWS::IAM::AccessKey\n    Properties:\n      UserName: !Ref User\n',
  'Resources:\n',
  "AWSTemplateFormatVersion: '2010-09-09'\n",
  'Statement:\n  - Effect: Allow\n    Principal: "*"\n    Action: "*"\n    Resource: "*"\n',
  'Metadata:\n  ajar:\n    ignore:\n      - rule: AJ111\n',
  '"Principal": "*", ',
  '"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "*"}]',
  '{"Fn::GetAtt": ["A", "Arn"]}',
  "!Sub 'arn:${AWS::Partition}:s3:::${Bucket}/*'",
  '!If [Cond, "*", !Ref AWS::NoValue]',
  'Principal: "*"',
  'Effect: Allow',
  'Effect: Deny',
  'AccessControl: PublicReadWrite',
  'HttpTokens: optional',
  'Condition:\n  StringEquals:\n    aws:SourceAccount: !Ref AWS::AccountId\n',
  'AKIAIOSFODNN7EXAMPLE',
  '&anc ',
  '*anc',
  '<<: *anc\n',
  '- ',
  ': ',
  '# comment\n',
  '|\n  block\n',
  '>-\n  folded\n',
  '"',
  "'",
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '!Ref ',
  '!GetAtt ',
  '${',
  '\\',
  '\\u0063',
  '\\x63',
];

const ODD = [
  '\t',
  '\n',
  '\r\n',
  '\r',
  '\ufeff',
  '\u0000',
  '\ud83d\ude00',
  '\ud800',
  '\udfff',
  '\u2028',
  '\u2029',
  '\u0085',
  '\u001b[31m',
  '\u007f',
  '\u200b',
  '\u202e',
  '\u00a0',
  '\u3000',
  'é',
  '\ud83c\udff3\ufe0f\u200d\ud83c\udf08',
];

const CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 :-_."\'*{}[],!&#|>\n ';

function aliasBomb(rng: Rng): string {
  const levels = rng.int(3, 10);
  const width = rng.int(4, 10);
  let out = `bomb0: &b0 [${Array(width).fill('"lol"').join(', ')}]\n`;
  for (let i = 1; i < levels; i++)
    out += `bomb${i}: &b${i} [${Array(width)
      .fill(`*b${i - 1}`)
      .join(', ')}]\n`;
  return rng.chance(0.3) ? `Resources:\n  X:\n    Type: AWS::S3::Bucket\n    Properties: *b${levels - 1}\n${out}` : out;
}

function deep(rng: Rng): string {
  const n = rng.pick([50, 499, 500, 501, 1000, 5000, 50_000]);
  switch (rng.int(0, 4)) {
    case 0:
      return '['.repeat(n);
    case 1:
      return '['.repeat(n) + ']'.repeat(n);
    case 2:
      return '{"a":'.repeat(Math.min(n, 20_000)) + '1' + '}'.repeat(Math.min(n, 20_000));
    case 3:
      return '{a: '.repeat(Math.min(n, 20_000));
    default: {
      // Block nesting by indentation.
      let out = '\n';
      const m = Math.min(n, 1200);
      for (let i = 0; i < m; i++) out += `${' '.repeat(i)}k${i}:\n`;
      return out;
    }
  }
}

function hugeLine(rng: Rng): string {
  const n = rng.pick([10_000, 60_000, 150_000, 250_000, 400_000]);
  switch (rng.int(0, 3)) {
    case 0:
      return 'x'.repeat(n);
    case 1:
      return `Description: "${'ab\\u0063 '.repeat(Math.ceil(n / 8))}"\n`;
    case 2:
      return '"*",'.repeat(Math.ceil(n / 4));
    default: {
      let s = '';
      while (s.length < n) s += String.fromCharCode(32 + Math.floor(rng.next() * 95)).repeat(rng.int(1, 50));
      return s;
    }
  }
}

function controlSoup(rng: Rng): string {
  let s = '';
  const n = rng.int(1, 40);
  for (let i = 0; i < n; i++) s += rng.chance(0.5) ? String.fromCharCode(rng.int(0, 31)) : rng.pick(ODD);
  return s;
}

/** Indices never between CR and LF: an LSP position cannot say that place. */
function snap(text: string, o: number): number {
  const x = Math.max(0, Math.min(o, text.length));
  return x > 0 && text.charCodeAt(x - 1) === 13 && text.charCodeAt(x) === 10 ? x - 1 : x;
}

export interface GenOptions {
  /** Allow pastes that make a document several MB (worker thread, size limit). */
  giant: boolean;
  /** Hostile pastes (control characters, alias bombs, deep nesting, huge lines...); default on. */
  hostile?: boolean;
}

/** Edits for one document, chosen from its current text. */
export class EditGenerator {
  constructor(
    private readonly rng: Rng,
    private readonly opts: GenOptions,
  ) {}

  /** A place in the text: often at a line start or end, sometimes anywhere. */
  private place(text: string): number {
    const r = this.rng;
    if (text.length === 0) return 0;
    const o = r.int(0, text.length);
    if (r.chance(0.4)) {
      const nl = text.indexOf('\n', o);
      return snap(text, nl < 0 ? text.length : r.chance(0.5) ? nl : nl + 1);
    }
    return snap(text, o);
  }

  next(text: string): Edit {
    const r = this.rng;
    const len = text.length;
    // Keep documents from growing without bound: big documents shrink more often.
    const shrink = len > 1_500_000 ? 0.7 : len > 300_000 ? 0.35 : 0.12;
    const roll = r.next();
    if (roll < shrink && len > 0) return this.deletion(text);
    const at = this.place(text);
    const w = r.next();
    if (w < 0.35) {
      // Typing: a few characters.
      let s = '';
      const n = r.int(1, 6);
      for (let i = 0; i < n; i++) s += CHARS[r.int(0, CHARS.length - 1)];
      return { start: at, end: r.chance(0.2) ? snap(text, at + r.int(0, 3)) : at, text: s, kind: 'type' };
    }
    if (w < 0.6) return { start: at, end: at, text: r.pick(FRAGMENTS), kind: 'fragment' };
    if (w < 0.68) return { start: at, end: at, text: r.pick(ODD), kind: 'odd-char' };
    if (w < 0.72) {
      // Copy and paste a piece of the document elsewhere.
      const a = r.int(0, len);
      const b = Math.min(len, a + r.int(0, 2000));
      return { start: at, end: at, text: text.slice(a, b), kind: 'copy' };
    }
    if (this.opts.hostile === false) return { start: at, end: at, text: r.pick(FRAGMENTS), kind: 'fragment' };
    return this.hostile(text, at);
  }

  private deletion(text: string): Edit {
    const r = this.rng;
    const len = text.length;
    const a = snap(text, r.int(0, len));
    const span = r.pick([1, 1, 2, 5, 20, 200, 5000, len]);
    const b = snap(text, Math.min(len, a + span));
    if (len > 300_000 && r.chance(0.5)) {
      // Cut most of a big document (undoing a huge paste).
      const keep = r.int(0, 20_000);
      return { start: snap(text, keep), end: len, text: '', kind: 'cut-big' };
    }
    return { start: Math.min(a, b), end: Math.max(a, b), text: '', kind: 'delete' };
  }

  private hostile(text: string, at: number): Edit {
    const r = this.rng;
    const len = text.length;
    const k = r.int(0, 11);
    switch (k) {
      case 0:
        return { start: at, end: at, text: controlSoup(r), kind: 'control' };
      case 1:
        return { start: at, end: at, text: aliasBomb(r), kind: 'alias-bomb' };
      case 2:
        return { start: at, end: at, text: deep(r), kind: 'deep' };
      case 3:
        return { start: at, end: at, text: hugeLine(r), kind: 'huge-line' };
      case 4:
        return { start: 0, end: 0, text: '\ufeff', kind: 'bom' };
      case 5: {
        // Line ends of a region changed to CRLF or lone CR.
        const a = snap(text, r.int(0, len));
        const b = snap(text, Math.min(len, a + r.int(10, 3000)));
        const eol = r.pick(['\r\n', '\r', '\n']);
        return { start: a, end: b, text: text.slice(a, b).replace(/\r\n|\r|\n/g, eol), kind: 'eol-mix' };
      }
      case 6: {
        // Indentation to tabs.
        const a = snap(text, r.int(0, len));
        const b = snap(text, Math.min(len, a + r.int(10, 2000)));
        return {
          start: a,
          end: b,
          text: text.slice(a, b).replace(/^( {2})+/gm, (m) => '\t'.repeat(m.length / 2)),
          kind: 'tabs',
        };
      }
      case 7: {
        // Keys spelled with escapes (the whole document, as a format-on-save would).
        const format = /^\s*[{[]/.test(text) ? 'json' : 'yaml';
        return { start: 0, end: len, text: escapeKeys(text, format), kind: 'escape-keys' };
      }
      case 8:
        return { start: at, end: at, text: r.pick(ODD).repeat(r.int(1, 500)), kind: 'odd-run' };
      case 9: {
        if (!this.opts.giant || len > 1_000_000) return { start: at, end: at, text: hugeLine(r), kind: 'huge-line' };
        // A giant paste: the document repeated to 1-9 MB (over the 8 MB limit sometimes).
        const target = r.pick([1_000_000, 3_000_000, 9_000_000]);
        const unit = text.length > 100 ? text : `${text}\nk: v\n`;
        return { start: len, end: len, text: unit.repeat(Math.ceil(target / unit.length)), kind: 'giant' };
      }
      case 10:
        return { start: at, end: at, text: '\u0000'.repeat(r.int(1, 4)), kind: 'nul' };
      default: {
        // Lone surrogates and split pairs: an edit inside a pair.
        const p = text.search(/[\ud800-\udbff][\udc00-\udfff]/);
        if (p >= 0 && r.chance(0.5))
          return { start: p + 1, end: p + 1, text: r.pick(['x', '', '\n']), kind: 'split-pair' };
        return {
          start: at,
          end: at,
          text: r.pick(['\ud800', '\udc00', '\udbff\udbff', '\udfff\ud800']),
          kind: 'surrogate',
        };
      }
    }
  }
}

/** Applies an edit to a text. */
export function applyEdit(text: string, e: Edit): string {
  return text.slice(0, e.start) + e.text + text.slice(e.end);
}
