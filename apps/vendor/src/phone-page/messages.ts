/**
 * Every text the phone page shows, in both languages. `{name}` marks a value the renderer fills in
 * (escaped); each failure says what happened and what to do next, since the reader is holding a phone
 * in front of an admin console, not reading a log.
 */

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

interface Notice {
  title: string;
  body: string;
}

export interface Texts {
  /** The link to the other language. */
  other: { lang: Language; label: string };
  code: { title: string; titleServer: string; codeLabel: string; serverFingerprint: string; stepServer: string; stepContainer: string; remaining: string; expiredNote: string };
  expired: Notice;
  malformed: Notice;
  oversized: Notice;
  unknown: Notice;
  boundServer: Notice;
  boundContainer: Notice;
  movedServer: Notice;
  reissue: Notice;
  notFound: Notice;
  error: Notice;
}

const zhCN: Texts = {
  other: { lang: 'en', label: 'English' },
  code: {
    title: '注册验证码',
    titleServer: '激活验证码',
    codeLabel: '验证码',
    serverFingerprint: '服务器指纹',
    stepServer: '在授权服务器的激活页面输入此 6 位验证码，然后提交。',
    stepContainer: '在“注册管理 > 立即注册 > 本地容器”中输入此 6 位验证码，然后点击“提交”。',
    remaining: '剩余有效时间 {countdown}（至 {time}）',
    expiredNote: '此二维码已过期。请在激活/注册页面刷新二维码，然后重新扫描。',
  },
  expired: { title: '二维码已过期', body: '此二维码已过期。请在激活/注册页面刷新二维码，然后重新扫描。' },
  malformed: {
    title: '无法识别此二维码',
    body: '此链接不是有效的注册二维码，或内容不完整。请重新扫描激活/注册页面上显示的二维码；如果仍然出现此页面，请先在该页面刷新二维码。',
  },
  oversized: { title: '无法识别此二维码', body: '此链接过长，不是注册二维码。请重新扫描激活/注册页面上显示的二维码。' },
  unknown: {
    title: '未知的授权',
    body: '供应商没有此二维码中授权（{licenseId}）的记录。请确认正在使用的是供应商最新签发的授权服务器包或 Container.lic；如仍有问题，请联系供应商。',
  },
  boundServer: {
    title: '授权已在其他服务器上激活',
    body: '此授权服务器的授权已在另一个授权服务器实例上激活（自 {since} 起）。如需迁移，请联系供应商解除绑定（授权编号：{licenseId}），然后重新扫描。',
  },
  boundContainer: {
    title: 'Container.lic 已注册到其他项目',
    body: '此 Container.lic 已注册到另一个项目（自 {since} 起）。一个 Container.lic 只能注册一个项目；如需迁移，请联系供应商解除绑定（授权编号：{licenseId}），然后重新扫描。',
  },
  movedServer: {
    title: '授权服务器的位置变了',
    body: '此授权服务器自 {since} 起在另一台机器或另一个目录中激活，现在的这一份是复制或迁移过来的。一个授权只能运行一个授权服务器：如果是迁移，请先在原服务器上执行 destroy 并把回执发给供应商，由供应商解除绑定（授权编号：{licenseId}）后重新扫描；如果不是，请停止这一份。',
  },
  reissue: {
    title: '授权需要重新签发',
    body: '此授权（{licenseId}）是旧格式签发的，文件中带有可计算验证码的密钥，已不再使用。请联系供应商按新格式重新签发，然后用新文件重新扫描。',
  },
  notFound: { title: '页面不存在', body: '请用手机扫描激活/注册页面上显示的二维码打开此页面。' },
  error: { title: '暂时无法显示验证码', body: '供应商服务出现问题。请稍后重新扫描；如果问题持续，请联系供应商。' },
};

const en: Texts = {
  other: { lang: 'zh-CN', label: '中文' },
  code: {
    title: 'Verification code',
    titleServer: 'Activation code',
    codeLabel: 'Code',
    serverFingerprint: 'Server fingerprint',
    stepServer: "Type this 6-digit code on the license server's activation page and submit it.",
    stepContainer: 'Type this 6-digit code in Registration Management > Register Now > Local Container and click Submit.',
    remaining: 'Valid for {countdown} more (until {time})',
    expiredNote: 'This QR code has expired. Refresh the QR code on the activation/registration page and scan it again.',
  },
  expired: {
    title: 'This QR code has expired',
    body: 'This QR code expired. Refresh the QR code on the activation/registration page and scan it again.',
  },
  malformed: {
    title: 'QR code not recognised',
    body: 'This link is not a valid registration QR code, or part of it is missing. Scan the QR code shown on the activation/registration page again; if this page comes back, refresh the QR code there first.',
  },
  oversized: {
    title: 'QR code not recognised',
    body: 'This link is too long to be a registration QR code. Scan the QR code shown on the activation/registration page again.',
  },
  unknown: {
    title: 'Unknown license',
    body: 'The vendor has no record of the license in this QR code ({licenseId}). Check that the license-server bundle or Container.lic in use is the one the vendor issued last; if it is, contact the vendor.',
  },
  boundServer: {
    title: 'License already activated elsewhere',
    body: 'This license server license is already activated on another license server instance (since {since}). A migration needs the vendor to unbind it: contact the vendor (license ID {licenseId}), then scan again.',
  },
  boundContainer: {
    title: 'Container.lic already registered',
    body: 'This Container.lic is already registered to another project (since {since}). One Container.lic registers one project; ask the vendor to unbind it for a migration (license ID {licenseId}), then scan again.',
  },
  movedServer: {
    title: 'This license server has moved',
    body: 'This license server was activated on another machine or in another folder (since {since}); the one showing this QR code is a copy or was moved. One license runs one license server: for a migration, run destroy on the old server, send its receipt to the vendor and have the license unbound (license ID {licenseId}), then scan again; otherwise stop this copy.',
  },
  reissue: {
    title: 'This license must be re-issued',
    body: 'This license ({licenseId}) was issued in an older format that carries a key from which codes can be computed, and is no longer used. Ask the vendor to re-issue it in the current format, then scan with the new file.',
  },
  notFound: { title: 'Page not found', body: 'Open this page by scanning the QR code shown on the activation/registration page with your phone.' },
  error: {
    title: 'The code cannot be shown right now',
    body: "Something went wrong on the vendor's side. Scan again in a moment; if it keeps happening, contact the vendor.",
  },
};

export const TEXTS: Record<Language, Texts> = { 'zh-CN': zhCN, en };
