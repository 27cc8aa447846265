import { interpolate, localizeDetail, type Locale } from '@registration/protocol/catalogue';

type Params = Record<string, string | number | string[]>;

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
    'zh-CN': '状态文件 {{path}} 属于授权 {{stateLicense}}，而证书包中的授权为 {{bundleLicense}}。请移走该文件后以新授权启动。',
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
    'zh-CN': '授权 {{licenseId}}（{{company}}）：最大连接数 {{max}}，已使用 {{inUse}}，到期时间 {{expiresAt}}。',
  },
  licenseExpired: {
    en: 'Warning: the server license expired on {{expiresAt}}; every registration will be refused (30000).',
    'zh-CN': '警告：授权服务器的授权已于 {{expiresAt}} 到期，所有注册请求都将被拒绝（30000）。',
  },
  stopping: {
    en: 'Stopping the license server ({{signal}})…',
    'zh-CN': '正在停止授权服务器（{{signal}}）…',
  },
  startFailed: {
    en: 'The license server could not start: {{detail}}',
    'zh-CN': '授权服务器无法启动：{{detail}}',
  },
  // Operator commands (destroy, reset-lock, machine-info) and the machine-bound legacy mode.
  commandFailed: {
    en: 'license-server {{command}} failed: {{detail}}',
    'zh-CN': 'license-server {{command}} 执行失败：{{detail}}',
  },
  serverRunning: {
    en: 'license-server {{command}} needs the license server to be stopped, but one is running (pid {{pid}}) on {{dir}}. Stop it first (Ctrl+C, docker stop, or kill {{pid}}), then run the command again.',
    'zh-CN': '执行 license-server {{command}} 前必须先停止授权服务器，但它正在运行（进程 {{pid}}，目录 {{dir}}）。请先停止它（Ctrl+C、docker stop 或 kill {{pid}}），然后重新执行该命令。',
  },
  noPrivateConfig: {
    en: 'There is no privateConfig in {{dir}}: no license server has run with this --config directory, so license-server {{command}} has nothing to do. Check --config (LS_CONFIG_DIR).',
    'zh-CN': '{{dir}} 中没有 privateConfig：没有授权服务器使用过该 --config 目录，license-server {{command}} 无事可做。请检查 --config（LS_CONFIG_DIR）。',
  },
  destroyDone: {
    en: 'The license server of license {{licenseId}} is destroyed.',
    'zh-CN': '授权 {{licenseId}} 的授权服务器已销毁。',
  },
  destroyCompleted: {
    en: 'An interrupted destroy was completed; its receipt and destroy time are kept.',
    'zh-CN': '已完成上次中断的销毁操作，保留其回执和销毁时间。',
  },
  destroyAlready: {
    en: 'This license server was already destroyed at {{destroyedAt}}; nothing was changed. Its receipt:',
    'zh-CN': '该授权服务器已于 {{destroyedAt}} 销毁，未做任何修改。其回执：',
  },
  destroyReissued: {
    en: 'This license server was already destroyed at {{destroyedAt}}, but its receipt was missing; a new receipt was signed for the same destroy time (the leases in use then were not kept, so it lists none).',
    'zh-CN': '该授权服务器已于 {{destroyedAt}} 销毁，但回执已丢失；已为同一销毁时间重新签发回执（当时使用中的租约未保存，因此回执中不含租约）。',
  },
  receiptMovedAside: {
    en: 'The file {{path}} is not this server’s receipt ({{why}}); it was kept as {{aside}}.',
    'zh-CN': '文件 {{path}} 不是本服务器的回执（{{why}}），已保留为 {{aside}}。',
  },
  receiptFacts: {
    en: '  license        {{licenseId}} ({{company}})\n  instance       {{instanceId}} (fingerprint {{fingerprint}})\n  destroyed at   {{destroyedAt}}\n  leases in use  {{leases}}\n  receipt        {{path}}',
    'zh-CN': '  授权编号       {{licenseId}}（{{company}}）\n  实例           {{instanceId}}（指纹 {{fingerprint}}）\n  销毁时间       {{destroyedAt}}\n  使用中的租约   {{leases}}\n  回执           {{path}}',
  },
  receiptLeasesUnknown: {
    en: 'not recorded (re-issued receipt)',
    'zh-CN': '未记录（重新签发的回执）',
  },
  receiptLease: {
    en: '    {{nodeId}}  {{peer}}  lease {{leaseId}}, last renewed {{renewedAt}}',
    'zh-CN': '    {{nodeId}}  {{peer}}  租约 {{leaseId}}，最近续期 {{renewedAt}}',
  },
  receiptMoreLeases: {
    en: '    … and {{n}} more (all are listed in the receipt)',
    'zh-CN': '    …… 另有 {{n}} 个（回执中列出了全部）',
  },
  destroyNext: {
    en: 'Send {{path}} to the vendor, who checks it with `vendor verify-receipt`. Every registration and heartbeat is now refused with 30002 ACCOUNT_STATUS_ERROR: a report server that restarts fails at once, a running one within 24 hours. `start` still runs, so that report servers get this clear answer instead of a connection error.',
    'zh-CN': '请将 {{path}} 发送给厂商，厂商使用 `vendor verify-receipt` 校验。此后所有注册和心跳都会被拒绝（30002 ACCOUNT_STATUS_ERROR）：重启的报表服务器立即注册失败，运行中的报表服务器在 24 小时内失败。`start` 仍可运行，以便报表服务器得到明确的答复而不是连接错误。',
  },
  destroyedWarning: {
    en: 'Warning: this license server was destroyed at {{destroyedAt}} (receipt: {{receipt}}). It refuses every registration and heartbeat with 30002 ACCOUNT_STATUS_ERROR. To serve licenses again, start the new bundle from the vendor with an empty --config directory.',
    'zh-CN': '警告：该授权服务器已于 {{destroyedAt}} 销毁（回执：{{receipt}}），所有注册和心跳都会被拒绝（30002 ACCOUNT_STATUS_ERROR）。如需重新提供授权，请使用厂商提供的新证书包并指定一个空的 --config 目录启动。',
  },
  machineInfoWritten: {
    en: 'Wrote {{path}} for this machine ({{hostname}}, {{platform}}/{{arch}}, machine-id {{machineId}}, {{macs}} network address(es)); digest {{digest}}.\nSend this file to the vendor to get a license-server bundle bound to this machine.',
    'zh-CN': '已为本机（{{hostname}}，{{platform}}/{{arch}}，machine-id {{machineId}}，{{macs}} 个网卡地址）生成 {{path}}；摘要 {{digest}}。\n请将该文件发送给厂商，以获取绑定本机的授权服务器证书包。',
  },
  machineOverride: {
    en: 'Warning: {{env}} is set, so the machine facts come from {{path}} and not from this machine. It exists for tests only; unset it in production.',
    'zh-CN': '警告：已设置 {{env}}，机器信息取自 {{path}} 而非本机。该变量仅用于测试，生产环境请勿设置。',
  },
  machineBound: {
    en: 'The license is bound to this machine (digest {{digest}}).',
    'zh-CN': '授权已绑定本机（摘要 {{digest}}）。',
  },
  machineMismatch: {
    en: 'This license-server bundle is bound to another machine: license {{licenseId}} was issued for machine digest {{expected}}, but this machine ({{hostname}}) has digest {{actual}}. Run the license server on the machine the license was issued for, or run `license-server machine-info` on this machine and ask the vendor to re-issue the license for the new require/MachineInfo.rif.',
    'zh-CN': '该授权服务器证书包绑定了另一台机器：授权 {{licenseId}} 签发给机器摘要 {{expected}}，而本机（{{hostname}}）的摘要为 {{actual}}。请在授权签发时对应的机器上运行授权服务器，或在本机执行 `license-server machine-info`，并请厂商根据新的 require/MachineInfo.rif 重新签发授权。',
  },
  resetLockDone: {
    en: 'Reset the activation code lock of license {{licenseId}} in {{dir}}.\n  before  {{before}}; {{failures}} wrong code(s) in a row, {{lockouts}} lock(s) so far\n  now     open: {{attempts}} attempts before the next 15-minute lock',
    'zh-CN': '已重置 {{dir}} 中授权 {{licenseId}} 的激活验证码锁定。\n  重置前  {{before}}；连续错误 {{failures}} 次，已锁定 {{lockouts}} 次\n  重置后  已开放：再错 {{attempts}} 次才会锁定 15 分钟',
  },
  lockOpen: {
    en: 'open ({{attemptsLeft}} attempt(s) left before the next lock)',
    'zh-CN': '开放（距下次锁定还可尝试 {{attemptsLeft}} 次）',
  },
  lockLocked: {
    en: 'locked until {{until}}',
    'zh-CN': '锁定至 {{until}}',
  },
  lockDisabled: {
    en: 'code entry disabled after {{failures}} wrong codes',
    'zh-CN': '连续 {{failures}} 次错误后已停止输入验证码',
  },
  activationMoved: {
    en: 'This privateConfig was activated at {{activatedAt}} on another machine or in another folder. It is not activated here: open the activation page and scan the QR code again. (One license runs one license server; the vendor sees the new place when you scan.)',
    'zh-CN': '该 privateConfig 于 {{activatedAt}} 在另一台机器或另一个目录中激活，在这里尚未激活：请打开激活页面重新扫码。（一个授权只能运行一个授权服务器；扫码时供应商会看到新的位置。）',
  },
  registrationKeyUnreadable: {
    en: 'The registration key file {{path}} cannot be read ({{detail}}). Create it with `license-server registration-key --registration-key-file {{path}}`, or leave --registration-key-file unset to register any report server in the license\'s IP ranges.',
    'zh-CN': '注册密钥文件 {{path}} 无法读取（{{detail}}）。可用 `license-server registration-key --registration-key-file {{path}}` 生成，或不设置 --registration-key-file 以允许许可 IP 范围内的任何报表服务器注册。',
  },
  registrationKeyWeak: {
    en: 'The registration key in {{path}} is not usable: {{problem}}. Use 16 to 256 visible characters without spaces; `license-server registration-key` makes a random one.',
    'zh-CN': '{{path}} 中的注册密钥不可用：{{problem}}。请使用 16 到 256 个不含空格的可见字符；`license-server registration-key` 可生成随机密钥。',
  },
  registrationKeyOpen: {
    en: 'Warning: the registration key file {{path}} can be read by other users (mode {{mode}}); chmod 600 it.',
    'zh-CN': '警告：注册密钥文件 {{path}} 可被其他用户读取（权限 {{mode}}），请执行 chmod 600。',
  },
  registrationKeyOn: {
    en: 'Registration key required: only report servers that present the key in {{path}} can register.',
    'zh-CN': '已启用注册密钥：只有提供 {{path}} 中密钥的报表服务器才能注册。',
  },
  registrationKeyNoFile: {
    en: 'license-server registration-key needs --registration-key-file (or LS_REGISTRATION_KEY_FILE): the file to write the new key to.',
    'zh-CN': 'license-server registration-key 需要 --registration-key-file（或 LS_REGISTRATION_KEY_FILE）指定新密钥写入的文件。',
  },
  registrationKeyWritten: {
    en: 'Wrote a new registration key to {{path}} (mode 600):\n\n  {{key}}\n\nStart (or restart) the license server with --registration-key-file {{path}}, and type this key in the report platform\'s Register Now > Private Cloud. Report servers registered with an older key keep their leases; they need the new key only to register again.',
    'zh-CN': '已将新的注册密钥写入 {{path}}（权限 600）：\n\n  {{key}}\n\n请使用 --registration-key-file {{path}} 启动（或重启）授权服务器，并在报表平台的“立即注册 > 私有云认证”中填写该密钥。已用旧密钥注册的报表服务器保留其租约，仅在重新注册时需要新密钥。',
  },
  operatorPasswordPrompt: {
    en: 'New operator password for the license server console (at least {{min}} characters): ',
    'zh-CN': '授权服务器控制台的新运维密码（至少 {{min}} 个字符）：',
  },
  operatorPasswordAgain: { en: 'The same password again: ', 'zh-CN': '再次输入密码：' },
  operatorPasswordNoInput: {
    en: 'license-server operator-password reads the password from the terminal or from stdin; neither is available.',
    'zh-CN': 'license-server operator-password 需要从终端或标准输入读取密码，但两者都不可用。',
  },
  operatorPasswordRefused: { en: 'The operator password was not set: {{problem}}.', 'zh-CN': '未设置运维密码：{{problem}}。' },
  operatorPasswordSet: {
    en: 'The operator password is set ({{path}}, mode 600) and console sign-in is open again. Sign in at https://<license server>/console.',
    'zh-CN': '运维密码已设置（{{path}}，权限 600），控制台登录已重新开放。请在 https://<授权服务器>/console 登录。',
  },
} satisfies Record<string, Record<Locale, string>>;

export type MessageKey = keyof typeof MESSAGES;

/** What is wrong with a setting or a key (the `problem` param), in both languages. */
const PROBLEMS = {
  notEmpty: { en: 'must not be empty', 'zh-CN': '不能为空' },
  perMinute: { en: 'must be a whole number of requests per minute (0 = no limit)', 'zh-CN': '必须是每分钟请求数的整数（0 表示不限）' },
  port: { en: 'must be a whole number 0-65535', 'zh-CN': '必须是 0 到 65535 的整数' },
  host: { en: 'must be a host name or IP address', 'zh-CN': '必须是主机名或 IP 地址' },
  language: { en: 'must be one of zh-CN, en', 'zh-CN': '只能是 zh-CN 或 en' },
  httpUrl: { en: 'must be an http(s) URL like http://192.168.1.20:8090', 'zh-CN': '必须是 http(s) 地址，例如 http://192.168.1.20:8090' },
  noQuery: { en: 'must not have a query or fragment', 'zh-CN': '不能带查询参数或片段' },
  atLeastOne: { en: 'must be a whole number (1 or more)', 'zh-CN': '必须是不小于 1 的整数' },
  unknownOption: { en: 'is not an option of the license server (see --help)', 'zh-CN': '不是授权服务器的选项（参见 --help）' },
  command: {
    en: 'must be one of start, destroy, machine-info, reset-lock, registration-key, operator-password',
    'zh-CN': '只能是 start、destroy、machine-info、reset-lock、registration-key 或 operator-password',
  },
  days: { en: 'must be a whole number of days (1 or more)', 'zh-CN': '必须是不小于 1 的整数天数' },
  passwordShort: { en: 'it has fewer than {{min}} characters', 'zh-CN': '少于 {{min}} 个字符' },
  passwordLong: { en: 'it has more than {{max}} characters', 'zh-CN': '超过 {{max}} 个字符' },
  passwordMismatch: { en: 'the two entries are not the same', 'zh-CN': '两次输入不一致' },
  unexpectedArgument: { en: 'is an unexpected argument', 'zh-CN': '是多余的参数' },
  invalid: { en: 'is not valid', 'zh-CN': '无效' },
  notJson: { en: 'the file is not valid JSON', 'zh-CN': '文件不是有效的 JSON' },
  unreadable: { en: 'the file cannot be read', 'zh-CN': '文件无法读取' },
  notMachineFacts: { en: 'the file holds no machine facts (fields: {{fields}})', 'zh-CN': '文件中没有机器信息（字段：{{fields}}）' },
  keyShort: { en: '{{length}} characters, fewer than 16', 'zh-CN': '只有 {{length}} 个字符，少于 16 个' },
  keyLong: { en: 'longer than 256 characters', 'zh-CN': '超过 256 个字符' },
  keySpaces: { en: 'it contains spaces or invisible characters', 'zh-CN': '其中含有空格或不可见字符' },
} satisfies Record<string, Record<Locale, string>>;

export type ProblemCode = keyof typeof PROBLEMS;

/** Every console text, for the tests of their languages. */
export const CONSOLE_TEXTS = { messages: MESSAGES, problems: PROBLEMS };

export function isProblemCode(value: unknown): value is ProblemCode {
  return typeof value === 'string' && Object.hasOwn(PROBLEMS, value);
}


/** A console message in the administrator's language. */
export function message(locale: Locale, key: MessageKey, params: Params = {}): string {
  const p = { ...(localizeDetail(params, locale) ?? params) };
  if (isProblemCode(p.problem)) p.problem = interpolate(PROBLEMS[p.problem][locale], p);
  return interpolate(MESSAGES[key][locale], p);
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
