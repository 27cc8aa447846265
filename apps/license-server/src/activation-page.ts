import { describe, interpolate as fill, type Locale } from '@registration/protocol/catalogue';
import type { LockStatus } from '@registration/licensing/lockout';
import type { Reason } from '@registration/protocol/reason';

/**
 * The activation page at `/license/qrcode`, rendered on the server in the `--language` the server was
 * started with: it works without JavaScript (forms), and a small nonce'd script only runs the countdown.
 */

const TEXT = {
  en: {
    title: 'License server activation',
    company: 'Company',
    license: 'License ID',
    fingerprint: 'Server fingerprint',
    activatedAt: 'Activated on',
    activated: 'This license server is activated. Report servers can register with it.',
    steps: ['Scan the QR code with your phone’s camera or browser.', 'The phone shows a 6-digit code.', 'Type the code below and press Submit.'],
    expiresIn: 'The QR code expires in',
    expiredNow: 'This QR code has expired. Press Refresh QR code.',
    expiresAt: 'valid until',
    refresh: 'Refresh QR code',
    code: 'Verification code',
    submit: 'Submit',
    cantScan: 'Cannot scan? Open this address on the phone:',
    attemptsLeft: '{{n}} attempts left; after that, code entry locks for {{duration}}.',
    minutes: '{{n}} minutes',
    hours: '{{n}} hours',
    qrAlt: 'QR code to scan with a phone for the activation code',
    language: 'Language',
    consoleAddress: 'In the report console, register with Register Now > Private Cloud and this Server Address:',
    copy: 'Copy',
    copied: 'Copied',
    lockedUntil: 'Too many wrong codes: code entry is locked until {{until}}.',
    disabled: 'Code entry is disabled after {{n}} wrong codes in a row. On the license server machine run: license-server reset-lock --config <config dir>',
    rescanTitle: 'Waiting for a new scan after the restart',
    rescanIntro: 'These report server nodes do not meet the rule for resuming without a scan. A right code lets them register again by themselves:',
    success: 'Activated. Report servers can register now.',
    resumed: 'Scanned again: the waiting nodes register again by themselves.',
    destroyed: 'This license server was destroyed on {{at}} (receipt in uninstall/receipt.fr). It refuses every registration and heartbeat with 30002.',
    setupIntro: 'The operator console (leases, events, migration) needs a password.',
    setupLink: 'Set the operator password (link valid 15 minutes)',
  },
  'zh-CN': {
    title: '授权服务器激活',
    company: '公司',
    license: '授权编号',
    fingerprint: '服务器指纹',
    activatedAt: '激活时间',
    activated: '授权服务器已激活，报表服务器可以向其注册。',
    steps: ['用手机相机或浏览器扫描二维码。', '手机上会显示 6 位验证码。', '在下方输入验证码并点击提交。'],
    expiresIn: '二维码剩余有效时间',
    expiredNow: '二维码已过期，请点击“刷新二维码”。',
    expiresAt: '有效期至',
    refresh: '刷新二维码',
    code: '验证码',
    submit: '提交',
    cantScan: '无法扫码？在手机上打开以下地址：',
    attemptsLeft: '还可尝试 {{n}} 次，之后将锁定 {{duration}}。',
    minutes: '{{n}} 分钟',
    hours: '{{n}} 小时',
    qrAlt: '激活二维码：用手机扫描以获取验证码',
    language: '语言',
    consoleAddress: '在报表管理控制台中，通过“立即注册 > 私有云认证”填写以下服务器地址：',
    copy: '复制',
    copied: '已复制',
    lockedUntil: '验证码错误次数过多，已锁定至 {{until}}。',
    disabled: '连续 {{n}} 次验证码错误，已停止输入。请在授权服务器所在机器上执行：license-server reset-lock --config <配置目录>',
    rescanTitle: '重启后等待重新扫码',
    rescanIntro: '以下报表服务器节点不满足免扫码恢复的条件，输入正确的验证码后它们会自动重新注册：',
    success: '激活成功，报表服务器现在可以注册。',
    resumed: '已重新扫码，等待中的节点会自动重新注册。',
    destroyed: '授权服务器已于 {{at}} 销毁（回执见 uninstall/receipt.fr），所有注册和心跳请求都将被拒绝（30002）。',
    setupIntro: '运维控制台（租约、事件、迁移）需要设置密码。',
    setupLink: '设置运维密码（链接 15 分钟内有效）',
  },
} as const;

export interface ActivationView {
  language: Locale;
  company: string;
  licenseId: string;
  fingerprint: string;
  activatedAt: string | null;
  /** Set after `license-server destroy`: the page says so instead of offering activation. */
  destroyedAt: string | null;
  /** Present when a scan is needed. */
  qr: { svg: string; url: string; challengeId: string; expiresAt: string } | null;
  lock: LockStatus;
  rescan: { nodeId: string; rule: string; since: string }[];
  /** The outcome of the form just submitted. */
  notice: { kind: 'success'; text: 'success' | 'resumed'; setupToken?: string | null } | { kind: 'error'; reason: Reason } | null;
  /** What the operator's browser used to reach this page (`https://host:port`): the console's Server Address. */
  serverAddress: string;
  nonce: string;
  now: Date;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);


function when(iso: string, language: Locale): string {
  return new Date(iso).toLocaleString(language, { timeZoneName: 'short' });
}

function noticeHtml(view: ActivationView): string {
  const { notice, language } = view;
  const t = TEXT[language];
  if (notice === null) return '';
  if (notice.kind === 'success') {
    // What to do next, in the console: the address to type, with Copy.
    return `<div class="notice ok" role="status" id="notice"><p>${escapeHtml(t[notice.text])}</p>
<p>${escapeHtml(t.consoleAddress)}</p><p class="address"><code id="address">${escapeHtml(view.serverAddress)}</code>
<button type="button" class="secondary" id="copy" data-copied="${escapeHtml(t.copied)}">${escapeHtml(t.copy)}</button> <span id="copy-result" aria-live="polite"></span></p>${
      notice.setupToken ? `<p>${escapeHtml(t.setupIntro)} <a href="/console/setup?token=${encodeURIComponent(notice.setupToken)}&amp;lang=${language}" id="setup-link">${escapeHtml(t.setupLink)}</a></p>` : ''
    }</div>`;
  }
  const text = describe(notice.reason.name, language, notice.reason.params);
  const steps = text.troubleshooting.map((s) => `<li>${escapeHtml(s)}</li>`).join('');
  return `<div class="notice error" role="alert" id="notice"><strong>${escapeHtml(text.title)}</strong><p>${escapeHtml(text.explanation)}</p><ul>${steps}</ul></div>`;
}

function duration(ms: number, language: Locale): string {
  const t = TEXT[language];
  const minutes = Math.round(ms / 60_000);
  return minutes < 120 || minutes % 60 !== 0 ? fill(t.minutes, { n: minutes }) : fill(t.hours, { n: minutes / 60 });
}

function lockHtml(view: ActivationView): string {
  const t = TEXT[view.language];
  const { lock } = view;
  if (lock.kind === 'locked') return `<p class="lock" id="lock" data-lock="locked">${escapeHtml(fill(t.lockedUntil, { until: when(lock.until.toISOString(), view.language) }))}</p>`;
  if (lock.kind === 'disabled') return `<p class="lock" id="lock" data-lock="disabled">${escapeHtml(fill(t.disabled, { n: lock.failures }))}</p>`;
  const text = fill(t.attemptsLeft, { n: lock.attemptsLeft, duration: duration(lock.nextLockMs, view.language) });
  return lock.attemptsLeft < 5 ? `<p class="lock" id="lock" data-lock="open">${escapeHtml(text)}</p>` : '';
}

function scanHtml(view: ActivationView): string {
  const t = TEXT[view.language];
  const qr = view.qr;
  if (qr === null) return '';
  const closed = view.lock.kind !== 'open';
  // After a wrong code the field takes focus again and carries what was said about it.
  const refused = view.notice?.kind === 'error';
  const hasLock = view.lock.kind !== 'open' || view.lock.attemptsLeft < 5;
  const describedBy = [refused ? 'notice' : '', hasLock ? 'lock' : ''].filter(Boolean).join(' ');
  const steps = t.steps.map((s) => `<li>${escapeHtml(s)}</li>`).join('');
  const rescan =
    view.rescan.length === 0
      ? ''
      : `<section class="rescan"><h2>${escapeHtml(t.rescanTitle)}</h2><p>${escapeHtml(t.rescanIntro)}</p><ul>${view.rescan
          .map((r) => `<li><code>${escapeHtml(r.nodeId)}</code> — ${escapeHtml(r.rule)} (${escapeHtml(when(r.since, view.language))})</li>`)
          .join('')}</ul></section>`;
  return `${rescan}<ol class="steps">${steps}</ol>
<div class="qr" role="img" aria-label="${escapeHtml(t.qrAlt)}" data-challenge="${escapeHtml(qr.challengeId)}">${qr.svg}</div>
<p class="countdown"><span>${escapeHtml(t.expiresIn)}</span> <strong id="countdown" data-expires="${escapeHtml(qr.expiresAt)}">5:00</strong>
 <small>(${escapeHtml(t.expiresAt)} ${escapeHtml(when(qr.expiresAt, view.language))})</small></p>
<p id="expired" class="notice error" hidden>${escapeHtml(t.expiredNow)}</p>
<form method="post" action="/license/challenge?lang=${view.language}"><button type="submit" class="secondary">${escapeHtml(t.refresh)}</button></form>
<form method="post" action="/license/activate?lang=${view.language}" class="code">
<input type="hidden" name="challengeId" value="${escapeHtml(qr.challengeId)}">
<label for="code">${escapeHtml(t.code)}</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="12" pattern="[0-9０-９ \\-]*" required${closed ? ' disabled' : ''}${refused ? ' aria-invalid="true" autofocus' : ''}${describedBy ? ` aria-describedby="${describedBy}"` : ''}>
<button type="submit"${closed ? ' disabled' : ''}>${escapeHtml(t.submit)}</button>
</form>
${lockHtml(view)}
<details class="link"><summary>${escapeHtml(t.cantScan)}</summary><a href="${escapeHtml(qr.url)}">${escapeHtml(qr.url)}</a></details>`;
}

const STYLE = `body{font:15px/1.5 system-ui,"PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;margin:0;background:#f3f5f8;color:#1f2d3d}
main{max-width:560px;margin:32px auto;background:#fff;border-radius:8px;box-shadow:0 1px 4px #0002;padding:24px 32px}
h1{font-size:22px;margin:0 0 12px}h2{font-size:16px}dl{display:grid;grid-template-columns:auto 1fr;gap:4px 16px;margin:0 0 16px}dt{color:#5a6b7d}dd{margin:0;word-break:break-all}
.qr svg{width:240px;height:240px;display:block;margin:8px auto}.countdown{text-align:center}#countdown{font-variant-numeric:tabular-nums}
form{display:flex;gap:8px;align-items:center;justify-content:center;margin:8px 0}form.code{flex-wrap:wrap}
label{width:100%;text-align:center;color:#5a6b7d}input#code{font-size:22px;letter-spacing:6px;width:10ch;text-align:center;padding:6px}
button{font-size:15px;padding:8px 18px;border:0;border-radius:4px;background:#1a62e6;color:#fff;cursor:pointer}button.secondary{background:#e8eef7;color:#1f2d3d}button:disabled{opacity:.5;cursor:not-allowed}
.notice{padding:10px 14px;border-radius:4px}.ok{background:#e7f6ec;color:#12632f}.error{background:#fdecec;color:#8a1f1f}.error ul{margin:4px 0 0;padding-left:20px}
.lock{text-align:center;color:#8a5a00}.lang{float:right;font-size:14px}.lang a{color:#1a56c4;padding:4px}.lang a[aria-current]{font-weight:600;color:#1f2d3d;text-decoration:none}
.address{display:flex;gap:8px;align-items:center;flex-wrap:wrap}.address code{font-size:15px}button:focus-visible,a:focus-visible,input:focus-visible,summary:focus-visible{outline:2px solid #1a62e6;outline-offset:2px}.link{font-size:13px;color:#5a6b7d;word-break:break-all}.activated{font-size:17px}`;

// Counts down to data-expires; shows the "expired" notice and disables Submit at zero. Copy copies the address.
const SCRIPT = `(()=>{const copy=document.getElementById('copy');if(copy)copy.addEventListener('click',()=>{const text=document.getElementById('address').textContent;
navigator.clipboard.writeText(text).then(()=>{document.getElementById('copy-result').textContent=copy.dataset.copied;},()=>{const r=document.createRange();r.selectNodeContents(document.getElementById('address'));const sel=getSelection();sel.removeAllRanges();sel.addRange(r);});});})();
(()=>{const el=document.getElementById('countdown');if(!el)return;const end=Date.parse(el.dataset.expires);
const tick=()=>{const s=Math.max(0,Math.round((end-Date.now())/1000));el.textContent=Math.floor(s/60)+':'+String(s%60).padStart(2,'0');
if(s===0){document.getElementById('expired').hidden=false;document.querySelectorAll('form.code button').forEach(b=>b.disabled=true);return;}setTimeout(tick,1000);};tick();})();`;

const LANGUAGE_LINKS = [['zh-CN', '简体中文'], ['en', 'English']] as const;

/** The whole page. Every interpolated value is escaped; the QR SVG comes from the qrcode library. */
export function renderActivationPage(view: ActivationView): string {
  const t = TEXT[view.language];
  const status =
    view.destroyedAt !== null
      ? `<p class="notice error" role="alert" data-state="destroyed">${escapeHtml(fill(t.destroyed, { at: when(view.destroyedAt, view.language) }))}</p>`
      : view.activatedAt !== null && view.qr === null
        ? `<p class="activated">✔ ${escapeHtml(t.activated)}</p>`
        : '';
  const activated = view.activatedAt === null ? '' : `<dt>${escapeHtml(t.activatedAt)}</dt><dd>${escapeHtml(when(view.activatedAt, view.language))}</dd>`;
  return `<!doctype html>
<html lang="${view.language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(t.title)}</title><style nonce="${view.nonce}">${STYLE}</style></head>
<body><main data-view="activation"><nav class="lang" aria-label="${escapeHtml(t.language)}">${LANGUAGE_LINKS.map(([code, name]) => `<a href="?lang=${code}" lang="${code}"${code === view.language ? ' aria-current="true"' : ''}>${name}</a>`).join(' ')}</nav>
<h1>${escapeHtml(t.title)}</h1>
<dl><dt>${escapeHtml(t.company)}</dt><dd>${escapeHtml(view.company)}</dd><dt>${escapeHtml(t.license)}</dt><dd>${escapeHtml(view.licenseId)}</dd>
<dt>${escapeHtml(t.fingerprint)}</dt><dd><code>${escapeHtml(view.fingerprint)}</code></dd>${activated}</dl>
${noticeHtml(view)}${status}${view.destroyedAt === null ? scanHtml(view) : ''}
</main><script nonce="${view.nonce}">${SCRIPT}</script></body></html>`;
}
