import { describe, expect, it } from 'vitest';
import { chineseInEnglish, englishInChinese, placeholders } from '@registration/protocol/language-purity';
import { CONSOLE_TEXTS, message, StartupError } from './messages.ts';

const texts = (locale: 'zh-CN' | 'en') =>
  Object.entries(CONSOLE_TEXTS).flatMap(([group, table]) =>
    Object.entries(table).map(([key, text]): [string, string] => [`${group}.${key}`, (text as Record<string, string>)[locale] ?? '']),
  );

describe('console texts of the license server', () => {
  it('are in one language each, with the same placeholders', () => {
    expect(englishInChinese(texts('zh-CN'))).toEqual([]);
    expect(chineseInEnglish(texts('en'))).toEqual([]);
    const zh = new Map(texts('zh-CN'));
    for (const [key, en] of texts('en')) expect([key, placeholders(zh.get(key) ?? '')]).toEqual([key, placeholders(en)]);
  });

  it('fill a problem and a detail in the chosen language', () => {
    expect(message('zh-CN', 'configInvalid', { setting: '--port', value: 'eighty', problem: 'port' })).toBe(
      '配置项 --port 的值 "eighty" 无效：必须是 0 到 65535 的整数',
    );
    const error = new StartupError('bundleRefused', { path: 'b.json', detail: 'file.notJson' });
    expect(error.message).toBe('The license-server bundle b.json cannot be used: the file is not valid JSON');
    expect(error.render('zh-CN')).toBe('授权服务器证书包 b.json 无法使用：文件不是有效的 JSON');
  });
});
