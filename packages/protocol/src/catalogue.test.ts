import { describe as suite, expect, it } from 'vitest';
import { CATALOGUE, ERROR_NAMES, LOCALES, codeOf, describe, formatSize, interpolate, nameOfCode } from './catalogue.ts';

import { placeholders } from './language-purity.ts';

suite('error catalogue', () => {
  it('has the codes DESIGN.md §4 and the manuals fix', () => {
    expect(codeOf('JSON_PARSER_ERROR')).toBe(10000);
    expect(codeOf('PARAM_INPUT_ERROR')).toBe(10001);
    expect(codeOf('DO_NOT_NEED_DEACTIVATE')).toBe(20000);
    expect(codeOf('LICENSE_EXPIRED')).toBe(30000);
    expect(codeOf('REPORT_VERSION_ERROR')).toBe(30001);
    expect(codeOf('ACCOUNT_STATUS_ERROR')).toBe(30002);
    expect(codeOf('LICENSE_IP_ERROR')).toBe(30003);
    expect(codeOf('LICENSE_DOMAIN_ERROR')).toBe(30004);
    expect(codeOf('LICENSE_APPNAME_ERROR')).toBe(30005);
    expect(codeOf('REGISTER_OUT_OF_LIMIT')).toBe(30007);
  });

  it('gives every code to one name only', () => {
    const codes = ERROR_NAMES.map(codeOf);
    expect(new Set(codes).size).toBe(codes.length);
    for (const name of ERROR_NAMES) expect(nameOfCode(codeOf(name))).toBe(name);
    expect(nameOfCode(99999)).toBeUndefined();
  });

  it.each(ERROR_NAMES)('%s has title, explanation and troubleshooting in every locale, with the same placeholders', (name) => {
    const entry = CATALOGUE[name];
    for (const locale of LOCALES) {
      const t = entry.text[locale];
      expect(t.title.trim()).not.toBe('');
      expect(t.explanation.trim()).not.toBe('');
      expect(t.troubleshooting.length).toBeGreaterThan(0);
      for (const step of t.troubleshooting) expect(step.trim()).not.toBe('');
    }
    const zh = entry.text['zh-CN'];
    const en = entry.text.en;
    expect(placeholders(zh.explanation + zh.troubleshooting.join(''))).toEqual(
      placeholders(en.explanation + en.troubleshooting.join('')),
    );
    // zh-CN text is Chinese, not an untranslated copy of the English.
    expect(zh.title).toMatch(/[\u4e00-\u9fff]/);
  });

  it('fills placeholders, joins lists and shows a dash for missing specifics', () => {
    expect(interpolate('{{peer}} not in {{allowed}}', { peer: '127.0.0.1', allowed: ['10.0.0.0/8', '::1'] })).toBe(
      '127.0.0.1 not in 10.0.0.0/8, ::1',
    );
    expect(interpolate('until {{until}}', {})).toBe('until —');
    const text = describe('LICENSE_IP_ERROR', 'en', { peer: '127.0.0.1', allowed: '10.0.0.0/8' });
    expect(text.explanation).toBe(
      'The license server sees this node as 127.0.0.1, which is outside the allowed ranges 10.0.0.0/8.',
    );
    expect(describe('LICENSE_IP_ERROR', 'zh-CN', { peer: '127.0.0.1', allowed: '10.0.0.0/8' }).explanation).toContain(
      '127.0.0.1',
    );
  });
});

suite('sizes in catalogue texts', () => {
  it('{{limit|size}} reads as people say it, in both languages, whether the param is a number or its text', () => {
    expect(describe('PAYLOAD_TOO_LARGE', 'en', { limit: 64 * 1024 }).explanation).toBe('The request is larger than the limit of 64 KB.');
    expect(describe('PAYLOAD_TOO_LARGE', 'zh-CN', { limit: '65536' }).explanation).toBe('请求内容超过上限 64 KB。');
    expect(formatSize(512)).toBe('512 bytes');
    expect(formatSize(1536 * 1024)).toBe('1.5 MB');
    expect(describe('PAYLOAD_TOO_LARGE', 'en').explanation).toBe('The request is larger than the limit of —.');
  });
});
