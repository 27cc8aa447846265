import { createHash } from 'node:crypto';

/**
 * The phone page's only style and script, inline (a phone on a LAN may have no route to any CDN, and
 * one request is all a scan should cost). They never change per request — every per-request value
 * travels in escaped `data-*` attributes — so the Content-Security-Policy can allow them by hash.
 */

export const STYLE = `
:root{color-scheme:light dark;--fg:#1f2329;--muted:#646a73;--bg:#f2f3f5;--card:#fff;--line:#dee0e3;--accent:#1456f0;--ok:#00a870;--bad:#d83931;--warn:#de7802}
@media (prefers-color-scheme:dark){:root{--fg:#eff0f1;--muted:#a6abb3;--bg:#111214;--card:#1d1f22;--line:#373a3f;--accent:#5b8ff9;--ok:#3bc285;--bad:#f76964;--warn:#f5a54a}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;min-height:100vh;background:var(--bg);color:var(--fg);font:16px/1.6 -apple-system,BlinkMacSystemFont,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",system-ui,sans-serif;padding:24px 16px 32px}
main{max-width:440px;margin:0 auto;background:var(--card);border-radius:16px;padding:28px 20px 24px;box-shadow:0 1px 3px rgba(0,0,0,.08);text-align:center}
.badge{width:56px;height:56px;margin:0 auto 12px;border-radius:50%;display:flex;align-items:center;justify-content:center;font-size:30px;font-weight:700;color:#fff;background:var(--accent)}
.is-ok .badge{background:var(--ok)}.is-bad .badge{background:var(--bad)}.is-warn .badge{background:var(--warn)}
h1{font-size:22px;line-height:1.35;margin:0 0 6px;text-wrap:balance}
.who{color:var(--muted);margin:0 0 16px;overflow-wrap:anywhere}
.code{font:700 clamp(40px,13vw,56px)/1.15 ui-monospace,"SF Mono",Menlo,Consolas,"Roboto Mono",monospace;letter-spacing:.22em;padding:14px 0 14px .22em;margin:8px 0 12px;border:1px dashed var(--line);border-radius:12px;-webkit-user-select:all;user-select:all;font-variant-numeric:tabular-nums}
.timer{color:var(--muted);margin:0 0 16px;font-variant-numeric:tabular-nums}
.timer strong{color:var(--fg)}
.msg,.step{text-align:left;margin:0 0 12px;overflow-wrap:anywhere}
.step{background:var(--bg);border-radius:10px;padding:12px 14px}
.is-expired .code{opacity:.3}
.sr-only{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.is-expired .step{display:none}
.is-ok.is-expired .badge{background:var(--warn)}
.fp{color:var(--muted);font-size:14px;margin:0;overflow-wrap:anywhere}
.expired-note{color:var(--bad);text-align:left;margin:0 0 12px}
[hidden]{display:none!important}
footer{max-width:440px;margin:16px auto 0;text-align:center;font-size:14px;color:var(--muted)}
footer a{color:var(--accent);text-decoration:none;padding:8px}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;overflow-wrap:anywhere}
`.trim();

// Counts down from the seconds left when the page was made, not from the phone's clock (which may be
// off by minutes), turns the page into the expired notice at zero, and shows times in the phone's time zone.
export const SCRIPT = `
(function(){
var lang=document.documentElement.lang;
document.querySelectorAll('time[data-style]').forEach(function(el){
var d=new Date(el.getAttribute('datetime'));if(isNaN(d.getTime()))return;
el.textContent=el.getAttribute('data-style')==='time'?d.toLocaleTimeString(lang):d.toLocaleString(lang);});
var timer=document.querySelector('[data-remaining]');if(!timer)return;
var end=performance.now()+Number(timer.getAttribute('data-remaining'))*1000;
var out=timer.querySelector('[data-countdown]');var id=0;
function tick(){var s=Math.max(0,Math.ceil((end-performance.now())/1000));
out.textContent=Math.floor(s/60)+':'+String(s%60).padStart(2,'0');
if(s===0){clearInterval(id);document.body.classList.add('is-expired');timer.hidden=true;
var note=document.getElementById('expired-note');if(note)note.hidden=false;
var title=timer.getAttribute('data-expired-title');var h1=document.querySelector('h1');
if(title&&h1){h1.textContent=title;document.title=title;}
var badge=document.querySelector('.badge');if(badge)badge.textContent='!';}}
tick();id=setInterval(tick,1000);
})();
`.trim();

const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** CSP source expressions that allow exactly STYLE and SCRIPT. */
export const STYLE_HASH = hash(STYLE);
export const SCRIPT_HASH = hash(SCRIPT);
