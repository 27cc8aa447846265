import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { StartupError } from './messages.ts';

function failure(argv: string[], env: NodeJS.ProcessEnv = {}): StartupError {
  try {
    loadConfig(argv, env, '/srv/ls');
  } catch (error) {
    if (error instanceof StartupError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadConfig', () => {
  it('has working defaults relative to the working directory', () => {
    expect(loadConfig([], {}, '/srv/ls')).toEqual({
      command: 'start',
      port: 8081,
      host: '127.0.0.1',
      bundle: '/srv/ls/bundle.json',
      configDir: '/srv/ls/config',
      tlsDir: '/srv/ls/tls',
      logDir: '/srv/ls/log',
      uninstallDir: '/srv/ls/uninstall',
      requireDir: '/srv/ls/require',
      language: 'zh-CN',
      phonePageUrl: 'http://127.0.0.1:8090',
      registrationKeyFile: null,
      rateLimits: { register: 60, heartbeat: 600, activation: 30 },
      maxConnectionsPerAddress: 64,
      eventDays: 90,
    });
  });

  it('takes a registration key file, rate limits (0 = none) and a per-address connection cap', () => {
    const config = loadConfig(['--registration-key-file', 'secrets/reg.key', '--rate-limit-register', '0', '--max-connections-per-address', '8'], { LS_RATE_LIMIT_HEARTBEAT: '1200' }, '/srv/ls');
    expect(config).toMatchObject({
      registrationKeyFile: '/srv/ls/secrets/reg.key',
      rateLimits: { register: 0, heartbeat: 1200, activation: 30 },
      maxConnectionsPerAddress: 8,
    });
    expect(failure(['--rate-limit-register', '-1']).params).toMatchObject({ setting: '--rate-limit-register' });
    expect(failure(['--max-connections-per-address', '0']).params).toMatchObject({ setting: '--max-connections-per-address' });
    expect(loadConfig(['registration-key', '--registration-key-file', 'k'], {}, '/srv/ls').command).toBe('registration-key');
  });

  it('takes the operator commands and a phone page URL for a LAN phone', () => {
    const config = loadConfig(['reset-lock', '--phone-page-url', 'http://192.168.1.20:8090/'], {}, '/srv/ls');
    expect(config).toMatchObject({ command: 'reset-lock', phonePageUrl: 'http://192.168.1.20:8090' });
    expect(loadConfig(['destroy'], {}, '/srv/ls').command).toBe('destroy');
    expect(() => loadConfig(['explode'], {}, '/srv/ls')).toThrow(/start, destroy, machine-info, reset-lock, registration-key/);
    expect(() => loadConfig([], { LS_PHONE_PAGE_URL: 'ftp://x' }, '/srv/ls')).toThrow(/LS_PHONE_PAGE_URL/);
  });

  it('takes flags over LS_* variables over defaults', () => {
    const env = { LS_PORT: '9000', LS_LANGUAGE: 'en', LS_CONFIG_DIR: '/data/config', LS_HOST: '0.0.0.0' };
    const config = loadConfig(['start', '--port', '0', '--bundle', 'b.json', '--tls=/etc/ls/tls'], env, '/srv/ls');
    expect(config).toMatchObject({ port: 0, host: '0.0.0.0', language: 'en', bundle: '/srv/ls/b.json', configDir: '/data/config', tlsDir: '/etc/ls/tls' });
  });

  it('refuses a bad value naming the setting and the value', () => {
    expect(failure(['--port', '80a']).params).toMatchObject({ setting: '--port', value: '80a' });
    expect(failure([], { LS_PORT: '70000' }).params).toMatchObject({ setting: 'LS_PORT', value: '70000' });
    expect(failure(['--language', 'fr']).message).toMatch(/--language = "fr": must be one of zh-CN, en/);
    expect(failure([], { LS_HOST: 'bad host' }).params).toMatchObject({ setting: 'LS_HOST' });
    expect(failure(['--bundle', '  ']).params).toMatchObject({ setting: '--bundle' });
    expect(failure(['--porrt', '1']).params).toMatchObject({ setting: '--porrt' });
    expect(failure(['destroy-everything']).params).toMatchObject({ setting: 'command', value: 'destroy-everything' });
  });

  it('renders the refusal in the configured language', () => {
    const error = failure(['--port', 'x']);
    expect(error.render('zh-CN')).toContain('配置项 --port 的值 "x" 无效');
    expect(error.render('en')).toContain('Invalid setting --port = "x"');
  });
});
