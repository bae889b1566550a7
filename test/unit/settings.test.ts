/** lsp/settings.ts: what a client sends, normalised through the settings table. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultSettings, normalizeSettings, settingsDiff } from '../../server/src/lsp/settings';
import { SETTINGS, type SettingName } from '../../server/src/lsp/settingsTable';

const at = (o: unknown, name: string) => name.split('.').reduce<any>((v, k) => v?.[k], o);

test('the defaults are the table defaults; unset thresholds stay unset', () => {
  const d = defaultSettings();
  for (const name of Object.keys(SETTINGS) as SettingName[]) {
    const row = SETTINGS[name];
    assert.deepEqual(at(d, name), row.optional ? undefined : row.default, `ajar.${name}`);
  }
  assert.deepEqual(d.audit.thresholds, {});
  assert.deepEqual(normalizeSettings(null), d);
  assert.deepEqual(normalizeSettings('junk'), d);
});

test('nested and dotted shapes, wrong types fall back to the default', () => {
  const s = normalizeSettings({
    enable: 'yes', // not a boolean
    rules: { AJ301: 'OFF', AJ201: 'info', AJ101: 'loud', AJ102: 3 },
    'files.exclude': ['a/**', 7],
    'workspaceScan.maxFiles': 10.7,
    audit: { thresholds: { unusedDays: 30, rotationDays: 0, staleKeyDays: '400' } },
    'ajar.cfnLint.enabled': true,
    trace: { server: 'verbose' },
    workspaceTrusted: true,
  });
  assert.equal(s.enable, true);
  assert.deepEqual(s.rules, { AJ301: 'off', AJ201: 'information' });
  assert.deepEqual(s.files.exclude, ['a/**']);
  assert.equal(s.workspaceScan.maxFiles, 10);
  assert.deepEqual(s.audit.thresholds, { unusedDays: 30, staleKeyDays: 400 });
  assert.equal(s.cfnLint.enabled, 'on');
  assert.equal(s.trace.server, 'verbose');
  assert.equal(s.workspaceTrusted, true);
  // An empty include list (a client without defaults) means the defaults.
  assert.deepEqual(normalizeSettings({ files: { include: [] } }).files.include, SETTINGS['files.include'].default);
});

test('settingsDiff says what a change redoes', () => {
  const a = defaultSettings();
  assert.deepEqual(settingsDiff(a, normalizeSettings({ rules: { AJ301: 'off' } })), {
    lint: true,
    scan: true,
    cfnLint: false,
  });
  assert.deepEqual(settingsDiff(a, normalizeSettings({ 'files.include': ['x/**'] })), {
    lint: false,
    scan: true,
    cfnLint: false,
  });
  assert.deepEqual(settingsDiff(a, normalizeSettings({ cfnLint: { enabled: 'off' } })), {
    lint: false,
    scan: false,
    cfnLint: true,
  });
});
