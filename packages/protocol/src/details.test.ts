import { describe, expect, it } from 'vitest';
import { describe as describeReason, localizeDetail } from './catalogue.ts';
import { DETAIL_CODES, DETAILS, detail, isDetailCode } from './details.ts';
import { placeholders } from './language-purity.ts';

describe('reason details', () => {
  it.each(DETAIL_CODES)('%s has the same placeholders in zh-CN and en, and reads as a clause', (code) => {
    const text = DETAILS[code];
    expect(placeholders(text['zh-CN'])).toEqual(placeholders(text.en));
    // Inserted mid-sentence ("… incorrect: {{detail}}."): no capital to start, no full stop to end.
    expect(text.en).toMatch(/^(?:[a-z]|GET )/);
    expect(text.en).not.toMatch(/[.。]$/);
    expect(text['zh-CN']).not.toMatch(/[.。]$/);
  });

  it('shows a detail code in the reader’s language, with its values, inside the catalogue text', () => {
    const params = { serverUrl: 'https://ls:8443', ...detail('answer.serverError', { httpStatus: 502 }) };
    expect(describeReason('CONNECTION_FAILED', 'en', params).explanation).toBe(
      'The report server cannot reach the license server at https://ls:8443: the license server answered HTTP 502.',
    );
    expect(describeReason('CONNECTION_FAILED', 'zh-CN', params).explanation).toBe('报表服务器无法连接到授权服务器 https://ls:8443：授权服务器返回 HTTP 502。');
    expect(describeReason('LICENSE_CONTENT_ERROR', 'zh-CN', detail('file.tooLarge', { limit: 65536 })).explanation).toBe('授权文件内容有误：文件超过 64 KB。');
  });

  it('keeps a detail that is not a code as the value it is (an older peer’s text, an OpenSSL code)', () => {
    expect(isDetailCode('UNABLE_TO_GET_CRL')).toBe(false);
    expect(isDetailCode('toString')).toBe(false);
    expect(localizeDetail({ detail: 'UNABLE_TO_GET_CRL' }, 'zh-CN')).toEqual({ detail: 'UNABLE_TO_GET_CRL' });
    expect(localizeDetail(undefined, 'en')).toBeUndefined();
  });
});
