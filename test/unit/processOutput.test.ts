/** The server's routing of process warnings and console output into the log (lsp/processOutput.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { oneLine, routeProcessOutput, warningLine } from '../../server/src/lsp/processOutput';

test('a warning is one line, names the SDK when it comes from it, and is logged once', () => {
  const fake = new EventEmitter() as unknown as NodeJS.Process;
  let printed = 0;
  fake.on('warning', () => printed++); // Node's default printer
  const lines: string[] = [];
  const saved = { ...console };
  try {
    routeProcessOutput(
      {
        info: (m) => lines.push(`I ${m}`),
        warn: (m) => lines.push(`W ${m}`),
        error: (m) => lines.push(`E ${m}`),
        log: (m) => lines.push(`L ${m}`),
      },
      fake,
    );
    const sdk = Object.assign(
      new Error(
        'NodeVersionSupportWarning: The AWS SDK for JavaScript (v3)\nversions published\n\nwill require node >=22.',
      ),
      { name: 'Warning' },
    );
    fake.emit('warning', sdk);
    fake.emit('warning', sdk);
    const dep = Object.assign(new Error('Buffer() is deprecated'), { name: 'DeprecationWarning', code: 'DEP0005' });
    fake.emit('warning', dep);
    console.warn('@smithy/node-http-handler:WARN', { socketsInUse: 50 });
    console.warn('@smithy/node-http-handler:WARN', { socketsInUse: 50 });
    console.log('plain', 1);
  } finally {
    Object.assign(console, saved);
  }
  assert.equal(printed, 0, "Node's default printer is replaced");
  assert.deepEqual(lines, [
    'W Node warning (AWS SDK): NodeVersionSupportWarning: The AWS SDK for JavaScript (v3) versions published will require node >=22.',
    'W Node warning: DeprecationWarning [DEP0005]: Buffer() is deprecated',
    'W @smithy/node-http-handler:WARN { socketsInUse: 50 }',
    'L plain 1',
  ]);
  assert.equal(warningLine(Object.assign(new Error('x'), { name: 'Warning' })), 'Node warning: x');
  assert.equal(oneLine('a'.repeat(700)).length, 600);
});
