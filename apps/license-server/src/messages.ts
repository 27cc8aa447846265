import type { Locale } from '@registration/protocol/catalogue';

type Params = Record<string, string | number>;

// Console text for the administrator who starts the server; JSON logs stay English for tooling.
const MESSAGES = {
  configInvalid: {
    en: 'Invalid setting {{setting}} = "{{value}}": {{problem}}',
    'zh-CN': '配置项 {{setting}} 的值 "{{value}}" 无效：{{problem}}',
  },
  bundleRefused: {
    en: 'The license-server bundle {{path}} cannot be used: {{detail}}',
    'zh-CN': '授权服务器证书包 {{path}} 无法使用：{{detail}}',
  },
  lockHeld: {
    en: 'Another license server (pid {{pid}}) is already using {{dir}}; stop it first, or give this one another --config directory.',
    'zh-CN': '另一个授权服务器（进程 {{pid}}）正在使用 {{dir}}；请先停止它，或为本实例指定其他 --config 目录。',
  },
  lockUnreadable: {
    en: 'The lock file {{path}} is unreadable; if no other license server uses {{dir}}, delete it and start again.',
    'zh-CN': '锁文件 {{path}} 无法读取；如果没有其他授权服务器在使用 {{dir}}，请删除该文件后重新启动。',
  },
  stateCorrupt: {
    en: 'The state file {{path}} is damaged ({{detail}}). It was left untouched: restore it from a backup, or move it away to start with an empty state.',
    'zh-CN': '状态文件 {{path}} 已损坏（{{detail}}），未做任何修改：请从备份恢复，或将其移走后以空状态启动。',
  },
  stateOtherLicense: {
    en: 'The state file {{path}} belongs to license {{stateLicense}}, but the bundle holds license {{bundleLicense}}. Move the file away to start with the new license.',
    'zh-CN': '状态文件 {{path}} 属于许可证 {{stateLicense}}，而证书包中的许可证为 {{bundleLicense}}。请移走该文件后以新许可证启动。',
  },
  tlsIncomplete: {
    en: 'The TLS directory {{dir}} holds only one of cert.pem and key.pem; provide both, or neither to use a generated self-signed certificate.',
    'zh-CN': 'TLS 目录 {{dir}} 中只有 cert.pem 和 key.pem 之一；请同时提供两者，或都不提供以使用自动生成的自签名证书。',
  },
  tlsGenerated: {
    en: 'Generated a self-signed certificate for localhost, 127.0.0.1 and ::1 in {{dir}}; put your own cert.pem and key.pem there to serve other addresses.',
    'zh-CN': '已在 {{dir}} 生成仅适用于 localhost、127.0.0.1 和 ::1 的自签名证书；如需其他地址，请在该目录放置您自己的 cert.pem 和 key.pem。',
  },
  licenseSummary: {
    en: 'License {{licenseId}} for {{company}}: max connections {{max}}, {{inUse}} in use, expires {{expiresAt}}.',
    'zh-CN': '许可证 {{licenseId}}（{{company}}）：最大连接数 {{max}}，已使用 {{inUse}}，到期时间 {{expiresAt}}。',
  },
  licenseExpired: {
    en: 'Warning: the server license expired on {{expiresAt}}; every registration will be refused (30000).',
    'zh-CN': '警告：授权服务器许可证已于 {{expiresAt}} 到期，所有注册请求都将被拒绝（30000）。',
  },
  stopping: {
    en: 'Stopping the license server ({{signal}})…',
    'zh-CN': '正在停止授权服务器（{{signal}}）…',
  },
  startFailed: {
    en: 'The license server could not start: {{detail}}',
    'zh-CN': '授权服务器无法启动：{{detail}}',
  },
} satisfies Record<string, Record<Locale, string>>;

export type MessageKey = keyof typeof MESSAGES;

/** A console message in the administrator's language. */
export function message(locale: Locale, key: MessageKey, params: Params = {}): string {
  return MESSAGES[key][locale].replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(params[name] ?? '—'));
}

/** A failure that stops start-up; rendered in the configured language by main, in English otherwise. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
  constructor(
    readonly key: MessageKey,
    readonly params: Params,
  ) {
    super(message('en', key, params));
  }

  /** The message in `locale`. */
  render(locale: Locale): string {
    return message(locale, this.key, this.params);
  }
}
