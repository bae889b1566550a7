// Grammar tests for the CloudFormation injection grammars in syntaxes/.
//
// The injections are loaded with vscode-textmate + vscode-oniguruma, the engine VS Code uses, on
// top of real YAML and JSON base grammars vendored under test/grammar/base/ (see the README
// there). Each suite runs twice:
//   - "vscode":   the grammars VS Code ships today (RedCMD's YAML grammar, vscode-JSON.tmLanguage);
//   - "legacy":   the older grammars in base/textmate/ (textmate/yaml.tmbundle, as VS Code shipped
//                 it until late 2024, and VS Code's JSON grammar of that era), which other
//                 editors and highlighters still use.
// The tests check the scopes of specific tokens. They also check that YAML and JSON that is not
// CloudFormation tokenizes exactly as it does without the injection.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { INTRINSICS } from '../../server/src/engine/model/intrinsics';

// Repository root (scripts/test.mjs runs tests from it; under tsx this file is CommonJS).
const root = typeof __dirname === 'string' ? join(__dirname, '..', '..') : process.cwd();
const base = (p: string) => join(root, 'test/grammar/base', p);

// Scope names and injectTo targets: these match the contributes.grammars entries described in
// syntaxes/README.md.
const injections: Record<string, string> = {
  'cloudformation.yaml.injection': join(root, 'syntaxes/cloudformation-yaml.injection.tmLanguage.json'),
  'cloudformation.json.injection': join(root, 'syntaxes/cloudformation-json.injection.tmLanguage.json'),
};
const injectTo: Record<string, string[]> = {
  'source.yaml': ['cloudformation.yaml.injection'],
  'source.json': ['cloudformation.json.injection'],
};

interface Flavour {
  name: string;
  files: Record<string, string>;
  /** Base-grammar scopes that differ between the two YAML grammars. */
  yaml: { tag: string; keySeparator: string; flowSequence: string; flowMapping: string };
}

const flavours: Flavour[] = [
  {
    name: 'vscode',
    files: {
      'source.yaml': base('vscode/yaml.tmLanguage.json'),
      'source.yaml.1.0': base('vscode/yaml-1.0.tmLanguage.json'),
      'source.yaml.1.1': base('vscode/yaml-1.1.tmLanguage.json'),
      'source.yaml.1.2': base('vscode/yaml-1.2.tmLanguage.json'),
      'source.yaml.1.3': base('vscode/yaml-1.3.tmLanguage.json'),
      'source.yaml.embedded': base('vscode/yaml-embedded.tmLanguage.json'),
      'source.json': base('vscode/JSON.tmLanguage.json'),
    },
    yaml: {
      tag: 'storage.type.tag.shorthand.yaml',
      keySeparator: 'punctuation.separator.map.value.yaml',
      flowSequence: 'meta.flow.sequence.yaml',
      flowMapping: 'meta.flow.mapping.yaml',
    },
  },
  {
    name: 'legacy',
    files: {
      'source.yaml': base('textmate/yaml.tmLanguage.json'),
      'source.json': base('textmate/JSON.tmLanguage.json'),
    },
    yaml: {
      tag: 'storage.type.tag-handle.yaml',
      keySeparator: 'punctuation.separator.key-value.mapping.yaml',
      flowSequence: 'meta.flow-sequence.yaml',
      flowMapping: 'meta.flow-mapping.yaml',
    },
  },
];

let onigLib: Promise<textmate.IOnigLib> | undefined;
function loadOniguruma(): Promise<textmate.IOnigLib> {
  onigLib ??= (async () => {
    const wasm = readFileSync(join(root, 'node_modules/vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    return {
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    };
  })();
  return onigLib;
}

async function loadGrammar(flavour: Flavour, scopeName: string, withInjections: boolean): Promise<textmate.IGrammar> {
  const files = { ...flavour.files, ...injections };
  const registry = new textmate.Registry({
    onigLib: loadOniguruma(),
    loadGrammar: async (name: string) => {
      const file = files[name];
      return file ? textmate.parseRawGrammar(readFileSync(file, 'utf8'), file) : null;
    },
    getInjections: (name: string) => (withInjections ? injectTo[name] : undefined),
  });
  const grammar = await registry.loadGrammar(scopeName);
  assert.ok(grammar, `could not load ${scopeName} (${flavour.name})`);
  return grammar;
}

interface Token {
  text: string;
  scopes: string[];
  line: number;
  start: number; // offset in the whole document
  end: number;
}

interface Doc {
  source: string;
  tokens: Token[];
}

function tokenize(grammar: textmate.IGrammar, source: string): Doc {
  const tokens: Token[] = [];
  let state = textmate.INITIAL;
  let offset = 0;
  source.split('\n').forEach((line, lineNo) => {
    const r = grammar.tokenizeLine(line, state);
    assert.equal(r.stoppedEarly, false, `tokenizer stopped early on line ${lineNo}`);
    for (const t of r.tokens) {
      const end = Math.min(t.endIndex, line.length);
      if (end <= t.startIndex) continue; // the empty token at the end of an empty line
      tokens.push({
        text: line.slice(t.startIndex, end),
        scopes: t.scopes,
        line: lineNo,
        start: offset + t.startIndex,
        end: offset + end,
      });
    }
    state = r.ruleStack;
    offset += line.length + 1;
  });
  return { source, tokens };
}

function dump(doc: Doc): string {
  return doc.tokens.map((t) => `  ${JSON.stringify(t.text)} = ${t.scopes.slice(1).join(' ')}`).join('\n');
}

/** The token covering character `offset` of the nth (0-based) occurrence of `needle`. */
function at(doc: Doc, needle: string, nth = 0, offset = 0): Token {
  let index = -1;
  for (let i = 0; i <= nth; i++) {
    index = doc.source.indexOf(needle, index + 1);
    assert.ok(index >= 0, `occurrence #${nth} of ${JSON.stringify(needle)} not in the source`);
  }
  const pos = index + offset;
  const token = doc.tokens.find((t) => t.start <= pos && pos < t.end);
  assert.ok(token, `no token at ${JSON.stringify(needle)}\n${dump(doc)}`);
  return token;
}

function hasScope(t: Token, scope: string): void {
  assert.ok(t.scopes.includes(scope), `${JSON.stringify(t.text)} lacks ${scope}; has: ${t.scopes.join(' ')}`);
}

function hasScopeStartingWith(t: Token, prefix: string): void {
  assert.ok(
    t.scopes.some((s) => s.startsWith(prefix)),
    `${JSON.stringify(t.text)} has no ${prefix}*; has: ${t.scopes.join(' ')}`,
  );
}

/** No scope of the token starts with or ends with `part`. */
function lacksScope(t: Token, part: string): void {
  const hit = t.scopes.find((s) => s.startsWith(part) || s.endsWith(part));
  assert.equal(hit, undefined, `${JSON.stringify(t.text)} should have no ${part}; has: ${t.scopes.join(' ')}`);
}

const CFN = '.cloudformation';
const INTRINSIC = 'support.function.intrinsic.cloudformation';
const PSEUDO = 'variable.language.pseudo-parameter.cloudformation';
const SUB = 'meta.substitution.cloudformation';
const SUB_VAR = 'variable.other.substitution.cloudformation';
const ESCAPE = 'constant.character.escape.substitution.cloudformation';

/**
 * Asserts that the nth `${name}` in the source is a substitution. Returns the token for `name`.
 * `${` and `}` must be separate punctuation tokens.
 */
function substitution(doc: Doc, name: string, nth = 0): Token {
  const open = at(doc, '${' + name + '}', nth);
  assert.equal(open.text, '${', `expected a "\${" token, got ${JSON.stringify(open.text)}\n${dump(doc)}`);
  hasScope(open, SUB);
  hasScope(open, 'punctuation.definition.substitution.begin.cloudformation');
  const inner = at(doc, '${' + name + '}', nth, 2);
  assert.equal(inner.text, name);
  hasScope(inner, SUB);
  hasScope(inner, SUB_VAR);
  const close = at(doc, '${' + name + '}', nth, 2 + name.length);
  assert.equal(close.text, '}');
  hasScope(close, SUB);
  hasScope(close, 'punctuation.definition.substitution.end.cloudformation');
  return inner;
}

// The short-form tags and long-form names come from the engine's one table of intrinsic names.
const TAGS = INTRINSICS.flatMap((i) => (i.tag ? [i.tag.slice(1)] : []));
/** Every long-form key the grammar must know: `Fn::ForEach` is written `Fn::ForEach::LoopName`. */
const LONG_KEYS = INTRINSICS.flatMap((i) =>
  i.long === 'value' ? [i.name] : i.long === 'key' ? [`${i.name}::Loop1`] : [],
);
const PSEUDO_PARAMETERS = [
  'AccountId',
  'Region',
  'Partition',
  'StackName',
  'StackId',
  'URLSuffix',
  'NotificationARNs',
  'NoValue',
];

for (const flavour of flavours) {
  describe(`YAML (${flavour.name} base grammar)`, () => {
    let yaml: textmate.IGrammar;
    let plain: textmate.IGrammar; // the same base grammar, without the injection
    before(async () => {
      yaml = await loadGrammar(flavour, 'source.yaml', true);
      plain = await loadGrammar(flavour, 'source.yaml', false);
    });
    const doc = (src: string) => tokenize(yaml, src);

    describe('short-form intrinsic tags', () => {
      test('every short-form tag is an intrinsic and stays a YAML tag', () => {
        const d = doc(
          ['Resources:', '  R:', '    Properties:', ...TAGS.map((t, i) => `      K${i}: !${t} x`)].join('\n'),
        );
        TAGS.forEach((name, i) => {
          const t = at(d, `K${i}: !${name} x`, 0, `K${i}: !`.length);
          hasScope(t, INTRINSIC);
          hasScope(t, flavour.yaml.tag);
          assert.equal(t.text, name);
          lacksScope(at(d, `K${i}: !${name} x`, 0, `K${i}: !${name} `.length), CFN);
        });
      });

      test('no other tag is an intrinsic: the grammar and the engine read the same tags', () => {
        const d = doc(['A:', '  - !ForEach x', '  - !Contains [a, b]'].join('\n'));
        for (const t of d.tokens) lacksScope(t, CFN);
      });

      test('tags in block sequences and flow sequences', () => {
        const d = doc('A:\n  - !GetAtt Role.Arn\nB: [!Ref Foo, !Select [0, !GetAZs ""]]\nC: d');
        hasScope(at(d, 'GetAtt'), INTRINSIC);
        for (const name of ['Ref', 'Select', 'GetAZs']) {
          hasScope(at(d, name), INTRINSIC);
          hasScope(at(d, name), flavour.yaml.flowSequence);
        }
        // The value after the tag is still an ordinary scalar, and the sequences close.
        hasScope(at(d, 'Foo'), 'string.unquoted.plain.in.yaml');
        hasScope(at(d, ']]', 0, 0), 'punctuation.definition.sequence.end.yaml');
        hasScope(at(d, ']]', 0, 1), 'punctuation.definition.sequence.end.yaml');
        hasScope(at(d, 'C: d'), 'entity.name.tag.yaml');
        lacksScope(at(d, 'C: d'), flavour.yaml.flowSequence);
      });

      test('unknown tags, local tags and quoted look-alikes are left to YAML', () => {
        const d = doc('A: !Reference x\nB: !Custom y\nC: !!str z\nD: "!Ref"\nE: x!Ref');
        for (const t of d.tokens) lacksScope(t, CFN);
        hasScopeStartingWith(at(d, 'Reference'), 'storage.type.tag');
      });
    });

    describe('long-form intrinsic keys', () => {
      test('every long-form name of the engine is an intrinsic key, plain and quoted', () => {
        const d = doc(
          [
            'Resources:',
            ...LONG_KEYS.map((k, i) => `  ${k}: ${i}`),
            ...LONG_KEYS.map((k, i) => `  "${k}": q${i}`),
          ].join('\n'),
        );
        for (const key of LONG_KEYS) {
          for (const written of [`${key}:`, `"${key}":`]) {
            const t = at(d, written, 0, written.startsWith('"') ? 1 : 0);
            assert.equal(t.text, key, written);
            hasScope(t, INTRINSIC);
          }
        }
      });

      test('Ref: and Fn::*: keys in block style', () => {
        const d = doc(
          [
            'Value:',
            '  Ref: MyBucket',
            'Arn:',
            '  Fn::GetAtt: [MyRole, Arn]',
            'Joined:',
            '  Fn::Join:',
            '    - ""',
            '    - - Fn::Sub: x',
            'Cond:',
            '  Fn::If: [IsProd, a, b]',
          ].join('\n'),
        );
        for (const key of ['Ref', 'Fn::GetAtt', 'Fn::Join', 'Fn::Sub', 'Fn::If']) {
          const t = at(d, key + ':');
          assert.equal(t.text, key);
          hasScope(t, INTRINSIC);
          hasScope(t, 'entity.name.tag.yaml');
          hasScope(at(d, key + ':', 0, key.length), flavour.yaml.keySeparator);
        }
        // The value after the key is still ordinary YAML.
        hasScope(at(d, 'MyBucket'), 'string.unquoted.plain.out.yaml');
        lacksScope(at(d, 'MyBucket'), CFN);
        hasScope(at(d, 'Cond'), 'entity.name.tag.yaml');
        lacksScope(at(d, 'Cond'), CFN);
      });

      test('Fn:: keys in flow style, plain and quoted', () => {
        const d = doc('A: { Ref: MyBucket }\nB: {"Fn::GetAtt": [Role, Arn]}\nC: { \'Fn::ImportValue\': x }\nD: e');
        hasScope(at(d, 'Ref'), INTRINSIC);
        hasScope(at(d, 'Ref'), flavour.yaml.flowMapping);
        hasScope(at(d, 'MyBucket'), 'string.unquoted.plain.in.yaml');
        const getAtt = at(d, 'Fn::GetAtt');
        assert.equal(getAtt.text, 'Fn::GetAtt');
        hasScope(getAtt, INTRINSIC);
        hasScope(getAtt, 'string.quoted.double.yaml');
        hasScope(at(d, 'Fn::ImportValue'), INTRINSIC);
        hasScope(at(d, 'Fn::ImportValue'), 'string.quoted.single.yaml');
        // All three flow mappings close and the next key is a plain block key again.
        assert.equal(d.tokens.filter((t) => t.scopes.includes('punctuation.definition.mapping.end.yaml')).length, 3);
        lacksScope(at(d, 'D: e'), flavour.yaml.flowMapping);
      });

      test('quoted Fn:: key in block style', () => {
        const d = doc('X:\n  "Fn::Sub": "${AWS::Region}"');
        hasScope(at(d, 'Fn::Sub'), INTRINSIC);
        hasScope(at(d, 'Fn::Sub'), 'string.quoted.double.yaml');
        substitution(d, 'AWS::Region');
      });

      test('Fn:: names that are not keys, unknown Fn:: names and look-alikes are not intrinsics', () => {
        const d = doc('A: Fn::Sub\nB: "Ref"\nX:\n  Fn::Bogus: 1\n  Reference: x\n  myRef: y\n  Fn::SubX: w\n  $Ref: v');
        for (const t of d.tokens) lacksScope(t, INTRINSIC);
      });

      test('Fn::ForEach and rule functions', () => {
        const d = doc(
          'Resources:\n  Fn::ForEach::Topics:\n    - x\nRules:\n  R:\n    Assertions:\n      - Assert:\n          Fn::Contains: [a, b]',
        );
        hasScope(at(d, 'Fn::ForEach::Topics'), INTRINSIC);
        hasScope(at(d, 'Fn::Contains'), INTRINSIC);
      });
    });

    describe('${} substitutions', () => {
      test('inside a !Sub plain scalar', () => {
        const d = doc('Arn: !Sub arn:${AWS::Partition}:s3:::${BucketName}/*');
        substitution(d, 'BucketName');
        hasScope(substitution(d, 'AWS::Partition'), PSEUDO);
        for (const needle of ['AWS::Partition', 'BucketName', ':s3:::', '/*'])
          hasScope(at(d, needle), 'string.unquoted.plain.out.yaml');
      });

      test('inside a double-quoted and a single-quoted !Sub string', () => {
        const d = doc('A: !Sub "${AWS::Region}-a"\nB: !Sub \'b-${AWS::Region}\'\nC: d');
        const a = substitution(d, 'AWS::Region', 0);
        hasScope(a, 'string.quoted.double.yaml');
        hasScope(a, PSEUDO);
        const b = substitution(d, 'AWS::Region', 1);
        hasScope(b, 'string.quoted.single.yaml');
        hasScope(b, PSEUDO);
        // The strings still close.
        hasScope(at(d, '-a"', 0, 2), 'punctuation.definition.string.end.yaml');
        hasScope(at(d, "}'", 0, 1), 'punctuation.definition.string.end.yaml');
        hasScope(at(d, 'C: d'), 'entity.name.tag.yaml');
      });

      test('inside a block-literal !Sub string', () => {
        const d = doc(
          [
            'UserData:',
            '  Fn::Base64: !Sub |',
            '    #!/bin/bash',
            '    echo ${AWS::Region} ${Bucket.Arn}',
            '    aws s3 cp s3://${!NotSubstituted}/x .',
            'Next: value',
          ].join('\n'),
        );
        const region = substitution(d, 'AWS::Region');
        hasScope(region, 'string.unquoted.block.yaml');
        hasScope(region, PSEUDO);
        hasScope(substitution(d, 'Bucket.Arn'), 'string.unquoted.block.yaml');
        lacksScope(at(d, 'NotSubstituted'), SUB);
        hasScope(at(d, 'Fn::Base64'), INTRINSIC);
        hasScope(at(d, 'Sub |'), INTRINSIC);
        // The block ends where YAML says it does.
        hasScope(at(d, 'Next'), 'entity.name.tag.yaml');
        lacksScope(at(d, 'Next'), 'string.unquoted.block.yaml');
      });

      test('a plain scalar that starts with ${...} stays one string', () => {
        const d = doc('Name: !Sub ${AWS::StackName}-${AWS::Region}-1\nNext: !Sub ${Env}');
        const stack = substitution(d, 'AWS::StackName');
        hasScope(stack, PSEUDO);
        hasScope(stack, 'string.unquoted.plain.out.yaml');
        hasScope(substitution(d, 'AWS::Region'), 'string.unquoted.plain.out.yaml');
        const tail = at(d, '-1');
        hasScope(tail, 'string.unquoted.plain.out.yaml');
        lacksScope(tail, 'constant.numeric');
        substitution(d, 'Env');
        hasScope(at(d, 'Next'), 'entity.name.tag.yaml');
      });

      test('a leading ${...} inside a flow sequence (invalid YAML, but typed) does not break the sequence', () => {
        const d = doc('A: [!Sub ${B}-x, y]\nC: d');
        substitution(d, 'B');
        // (On the legacy textmate grammar the scalar is scoped by the injection's plain-scalar rule, which
        // cannot tell flow from block context and says plain.out.)
        hasScopeStartingWith(at(d, '-x'), 'string.unquoted.plain.');
        hasScope(at(d, ', y'), 'punctuation.separator.sequence.yaml');
        hasScope(at(d, 'y]', 0, 1), 'punctuation.definition.sequence.end.yaml');
        hasScope(at(d, 'C: d'), 'entity.name.tag.yaml');
      });

      test('a ${...} after ": " inside a quoted string does not swallow the closing quote', () => {
        const d = doc('A: !Sub "Stack: ${AWS::StackName} \\"q\\" x"\nB: !Sub \'a: ${C}\'\nD: e');
        substitution(d, 'AWS::StackName');
        hasScope(at(d, '\\"q'), 'constant.character.escape.yaml');
        hasScope(at(d, 'x"', 0, 1), 'punctuation.definition.string.end.yaml');
        substitution(d, 'C');
        hasScope(at(d, "}'", 0, 1), 'punctuation.definition.string.end.yaml');
        hasScope(at(d, 'D: e'), 'entity.name.tag.yaml');
      });

      test('${!Literal} is the escaped form, not a substitution', () => {
        const d = doc('A: !Sub "${!Literal} and ${Real}"\nB: !Sub ${!AWS::Region}');
        const literal = at(d, 'Literal');
        lacksScope(literal, SUB);
        lacksScope(literal, SUB_VAR);
        const open = at(d, '${!Literal');
        assert.equal(open.text, '${!');
        hasScope(open, ESCAPE);
        lacksScope(open, SUB);
        substitution(d, 'Real');
        for (const t of d.tokens.filter((x) => x.line === 1)) {
          lacksScope(t, SUB);
          lacksScope(t, PSEUDO);
        }
      });

      test('${} and keys in comments are not highlighted', () => {
        const d = doc('A: !Sub x # uses ${AWS::Region}\n# Fn::Sub: ${B} !Ref AWS::Region\nB:\n  # Ref: x');
        const comments = d.tokens.filter((x) => x.scopes.some((s) => s.startsWith('comment.')));
        assert.ok(comments.length >= 3);
        for (const t of comments) lacksScope(t, CFN);
      });
    });

    describe('pseudo parameters', () => {
      test('as !Ref targets', () => {
        const d = doc(PSEUDO_PARAMETERS.map((p, i) => `K${i}: !Ref AWS::${p}`).join('\n'));
        for (const p of PSEUDO_PARAMETERS) {
          const t = at(d, `AWS::${p}`);
          assert.equal(t.text, `AWS::${p}`);
          hasScope(t, PSEUDO);
        }
      });

      test('as long-form Ref targets and inside ${}', () => {
        const d = doc('A:\n  Ref: AWS::AccountId\nB: { Ref: AWS::NoValue }\nC: !Sub "${AWS::URLSuffix}"');
        hasScope(at(d, 'AWS::AccountId'), PSEUDO);
        hasScope(at(d, 'AWS::NoValue'), PSEUDO);
        hasScope(at(d, 'AWS::NoValue'), flavour.yaml.flowMapping);
        hasScope(substitution(d, 'AWS::URLSuffix'), PSEUDO);
      });

      test('resource types and unknown AWS:: names are not pseudo parameters', () => {
        const d = doc('Type: AWS::S3::Bucket\nB: !Ref AWS::Regions\nC: !Ref AWS::Region::X\nD: !Ref MyAWS::Region');
        for (const t of d.tokens) lacksScope(t, PSEUDO);
      });
    });

    describe('dynamic references', () => {
      test('{{resolve:...}} is scoped, with a substitution inside', () => {
        const d = doc(
          [
            "A: '{{resolve:ssm:/app/db/port:1}}'",
            'B: "{{resolve:secretsmanager:MySecret:SecretString:password}}"',
            "C: !Sub '{{resolve:ssm-secure:/x/${Env}/pw}}'",
          ].join('\n'),
        );
        for (const service of ['ssm:', 'secretsmanager', 'ssm-secure']) {
          const t = at(d, service);
          hasScope(t, 'support.constant.service.cloudformation');
          hasScope(t, 'meta.dynamic-reference.cloudformation');
        }
        hasScope(at(d, 'resolve'), 'keyword.other.resolve.cloudformation');
        hasScope(at(d, '/app/db/port:1'), 'variable.other.dynamic-reference.cloudformation');
        hasScope(at(d, '/app/db/port:1'), 'string.quoted.single.yaml');
        hasScope(at(d, '{{'), 'punctuation.definition.dynamic-reference.begin.cloudformation');
        hasScope(at(d, '}}'), 'punctuation.definition.dynamic-reference.end.cloudformation');
        hasScope(substitution(d, 'Env'), 'meta.dynamic-reference.cloudformation');
        hasScope(at(d, "}}'", 1, 2), 'punctuation.definition.string.end.yaml');
      });
    });

    describe('files that are not CloudFormation', () => {
      const workflow = [
        'name: CI',
        'on: [push]',
        'jobs:',
        '  build:',
        '    runs-on: ubuntu-latest',
        "    if: ${{ github.event_name == 'push' }}",
        '    steps:',
        '      - uses: actions/checkout@v4',
        '      - run: docker build -t app:${{ github.sha }} .',
        '      - name: Deploy',
        '        env:',
        '          REGION: us-east-1 # comment',
        '        run: |',
        '          echo "${{ secrets.TOKEN }}" | login',
        '          echo {{ not.resolve }} $HOME',
        'anchors: &a { x: 1, y: [true, 2.5, null] }',
        'ref: *a',
        'refs: [Ref, Fn, AWS]',
        '"quoted": \'single\'',
        '? complex',
        ': value',
      ].join('\n');

      test('a GitHub workflow tokenizes exactly as it does without the injection', () => {
        const withInjection = tokenize(yaml, workflow);
        assert.deepEqual(withInjection.tokens, tokenize(plain, workflow).tokens);
        for (const t of withInjection.tokens) lacksScope(t, CFN);
      });

      test('${{ ... }} is not a substitution', () => {
        const d = doc('run: echo ${{ github.sha }}\nx: "${{ a }}"\ny: ${{b}}\nz: ${ spaced }');
        for (const t of d.tokens) lacksScope(t, CFN);
      });

      test('a file that starts with ${...}, {{resolve:...}} or a pseudo parameter keeps its YAML structure', () => {
        // VS Code's YAML grammar opens its document rule with a zero-width \A match at the very
        // first character; the injection must not pre-empt it, or the rest of the file would be
        // tokenized by the grammar's fallback rules.
        for (const first of ['${Foo}-x', '{{resolve:ssm:/a}}', 'AWS::Region']) {
          const src = `${first}: 1\nkey: value\nlist:\n  - !Ref AWS::Region`;
          const on = tokenize(yaml, src).tokens;
          const off = tokenize(plain, src).tokens;
          const strip = (ts: Token[]) => ts.map((t) => ({ ...t, scopes: t.scopes.filter((x) => !x.endsWith(CFN)) }));
          assert.deepEqual(strip(on).slice(0, 8), strip(off).slice(0, 8));
        }
      });

      test('a plain YAML line stays untouched', () => {
        const line = 'key: some plain value, with: punctuation - and 42';
        assert.deepEqual(tokenize(yaml, line).tokens, tokenize(plain, line).tokens);
      });
    });
  });

  describe(`JSON (${flavour.name} base grammar)`, () => {
    let json: textmate.IGrammar;
    let plain: textmate.IGrammar;
    before(async () => {
      json = await loadGrammar(flavour, 'source.json', true);
      plain = await loadGrammar(flavour, 'source.json', false);
    });

    const template = [
      '{',
      '  "Resources": {',
      '    "Bucket": {',
      '      "Type": "AWS::S3::Bucket",',
      '      "Properties": {',
      '        "BucketName": { "Fn::Sub": "app-${AWS::Partition}-${Env}-${!Literal}" },',
      '        "Owner": { "Ref": "AWS::AccountId" },',
      '        "Role": { "Fn::GetAtt": ["Role", "Arn"] },',
      '        "Tags": [{ "Key": "Ref", "Value": "{{resolve:ssm:/tags/owner}}" }]',
      '      }',
      '    }',
      '  }',
      '}',
    ].join('\n');

    test('every long-form name of the engine is an intrinsic key', () => {
      const d = tokenize(
        json,
        ['{', ...LONG_KEYS.map((k, i) => `  "${k}": ${i}${i < LONG_KEYS.length - 1 ? ',' : ''}`), '}'].join('\n'),
      );
      for (const key of LONG_KEYS) {
        const t = at(d, `"${key}":`, 0, 1);
        assert.equal(t.text, key);
        hasScope(t, INTRINSIC);
      }
    });

    test('"Fn::GetAtt", "Fn::Sub" and "Ref" keys are intrinsics and stay property names', () => {
      const d = tokenize(json, template);
      for (const key of ['Fn::GetAtt', 'Fn::Sub', 'Ref']) {
        const t = at(d, `"${key}":`, 0, 1);
        assert.equal(t.text, key);
        hasScope(t, INTRINSIC);
        hasScope(t, 'support.type.property-name.json');
      }
      // "Ref" as a string value (not a key) is not an intrinsic.
      const value = at(d, '"Ref",', 0, 1);
      hasScope(value, 'string.quoted.double.json');
      lacksScope(value, INTRINSIC);
    });

    test('${AWS::Partition} inside a JSON string', () => {
      const d = tokenize(json, template);
      const p = substitution(d, 'AWS::Partition');
      hasScope(p, PSEUDO);
      hasScope(p, 'string.quoted.double.json');
      substitution(d, 'Env');
      lacksScope(at(d, 'Literal'), SUB);
      hasScope(at(d, '${!Literal'), ESCAPE);
    });

    test('pseudo parameter as a Ref target; dynamic reference; resource type left alone', () => {
      const d = tokenize(json, template);
      hasScope(at(d, 'AWS::AccountId'), PSEUDO);
      hasScope(at(d, 'AWS::AccountId'), 'string.quoted.double.json');
      hasScope(at(d, 'ssm'), 'support.constant.service.cloudformation');
      lacksScope(at(d, 'AWS::S3::Bucket'), CFN);
    });

    test('without the CloudFormation scopes, every character has exactly the base JSON scopes', () => {
      const project = (d: Doc) =>
        d.tokens.flatMap((t) =>
          [...t.text].map(() => `${t.line}:${t.scopes.filter((s) => !s.endsWith(CFN)).join(' ')}`),
        );
      assert.deepEqual(project(tokenize(json, template)), project(tokenize(plain, template)));
    });

    test('package.json-like JSON and ${{ }} are untouched', () => {
      const src = '{ "scripts": { "x": "echo ${{ a }} $HOME" }, "Reference": "AWS::S3::Bucket", "Fn": ["Ref"] }';
      const d = tokenize(json, src);
      for (const t of d.tokens) lacksScope(t, CFN);
      assert.deepEqual(d.tokens, tokenize(plain, src).tokens);
    });
  });

  describe(`realistic templates (${flavour.name} base grammars)`, () => {
    const fixture = (name: string) => readFileSync(join(root, 'test/grammar/fixtures', name), 'utf8');
    const grammars: Record<string, { on: textmate.IGrammar; off: textmate.IGrammar }> = {};
    before(async () => {
      for (const scope of ['source.yaml', 'source.json']) {
        grammars[scope] = {
          on: await loadGrammar(flavour, scope, true),
          off: await loadGrammar(flavour, scope, false),
        };
      }
    });

    const inComment = (t: Token) => t.scopes.some((s) => s.startsWith('comment.'));
    const coveringAll = (d: Doc, start: number, end: number) => d.tokens.filter((t) => t.end > start && t.start < end);

    for (const [file, scope] of [
      ['template.yaml', 'source.yaml'],
      ['template.json', 'source.json'],
    ] as const) {
      test(`${file}: every tag, key, substitution and pseudo parameter is scoped, comments are not`, () => {
        const source = fixture(file);
        const d = tokenize(grammars[scope].on, source);
        const expect = (re: RegExp, scopeName: string, group = 0) => {
          let count = 0;
          for (const m of source.matchAll(re)) {
            const start = m.index + (group ? m[0].indexOf(m[group]) : 0);
            const tokens = coveringAll(d, start, start + m[group].length);
            if (tokens.some(inComment)) {
              for (const t of tokens) lacksScope(t, CFN);
              continue;
            }
            count++;
            for (const t of tokens) hasScope(t, scopeName);
          }
          return count;
        };
        const tags = expect(
          /(?<=[\s[{,])!(Ref|Sub|GetAtt|If|Join|Select|Split|FindInMap|ImportValue|Base64|Cidr|GetAZs|Equals|And|Or|Not|Condition|Transform|ToJsonString|Length)(?=\s)/g,
          INTRINSIC,
          1,
        );
        const keys = expect(/(?<=[\s{"])(Ref|Fn::[A-Za-z0-9]+)(?="?:)/g, INTRINSIC, 1);
        const subs = expect(/\$\{([A-Za-z0-9_.:]+)\}/g, SUB);
        const pseudo = expect(
          /AWS::(AccountId|Region|Partition|StackName|StackId|URLSuffix|NotificationARNs|NoValue)\b/g,
          PSEUDO,
        );
        const escapes = expect(/\$\{!/g, ESCAPE);
        if (scope === 'source.yaml') assert.ok(tags >= 30 && keys >= 4, `tags ${tags}, keys ${keys}`);
        else assert.ok(keys >= 12, `keys ${keys}`);
        assert.ok(subs >= 5 && pseudo >= 6 && escapes >= 1, `subs ${subs}, pseudo ${pseudo}, escapes ${escapes}`);
      });

      test(`${file}: the injection adds no invalid scopes and never stops the tokenizer`, () => {
        const source = fixture(file);
        const invalid = (d: Doc) =>
          d.tokens.filter((t) => t.scopes.some((s) => s.startsWith('invalid'))).map((t) => `${t.line}:${t.text}`);
        assert.deepEqual(invalid(tokenize(grammars[scope].on, source)), invalid(tokenize(grammars[scope].off, source)));
      });

      if (flavour.name === 'vscode' || scope === 'source.json') {
        test(`${file}: without the CloudFormation scopes, every character keeps exactly its base scopes`, () => {
          const source = fixture(file);
          const project = (d: Doc) =>
            d.tokens.flatMap((t) =>
              [...t.text].map(
                (c, i) => `${t.line}:${t.start + i}:${c} ${t.scopes.filter((x) => !x.endsWith(CFN)).join(' ')}`,
              ),
            );
          const on = project(tokenize(grammars[scope].on, source));
          const off = project(tokenize(grammars[scope].off, source));
          const firstDiff = on.findIndex((x, i) => x !== off[i]);
          assert.equal(firstDiff, -1, `first difference:\n  with:    ${on[firstDiff]}\n  without: ${off[firstDiff]}`);
          assert.equal(on.length, off.length);
        });
      }
    }
  });
}
