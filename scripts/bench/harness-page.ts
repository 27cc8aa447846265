import { BASELINE_GLOBAL } from './baseline-bundle.ts';

/** What one timed load measured, in ms from just before the script element was inserted. */
export interface LoadTiming {
  /** The script's `load` event: fetched, parsed and run. */
  loaded: number;
  /** The awaited element is in the DOM (a MutationObserver callback, so right after React's commit). */
  ready: number;
}

export interface HarnessRun {
  kind: 'module' | 'baseline';
  src: string;
  /** Module only: the Version Information heading text in the mounted locale. */
  title: string;
  timeoutMs: number;
}

/**
 * The page both scripts are timed in. `window.__bench.run(opts)` inserts the script, mounts what it
 * defines into #host once it has loaded, and resolves with a LoadTiming when the awaited element is
 * there, or rejects with what the page shows instead (the module's error view, a timeout).
 *
 * Plain JavaScript in a string on purpose: tsx compiles functions with esbuild's keepNames, whose
 * `__name` helper does not exist in the page, so no function of this file is ever sent to the browser.
 */
export function harnessHtml(): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>page-load bench</title></head>
<body>
<div id="host"></div>
<script>
window.__bench = {
  run(opts) {
    return new Promise((resolve, reject) => {
      const container = document.getElementById('host');
      let t0 = 0;
      let loaded = null;
      let settled = false;
      const finish = (error, timing) => {
        if (settled) return;
        settled = true;
        observer.disconnect();
        clearTimeout(timer);
        if (error) reject(error instanceof Error ? error : new Error(String(error)));
        else resolve(timing);
      };
      // The module: the Version Information card's heading (its section is labelled by it).
      const ready = opts.kind === 'module'
        ? () => Array.from(container.querySelectorAll('section[aria-labelledby] h2')).some((h) => h.textContent === opts.title)
        : () => container.querySelector('[data-bench-ready]') !== null;
      const check = () => {
        if (ready()) return finish(null, { loaded, ready: performance.now() - t0 });
        const alert = container.querySelector('[role="alert"]');
        if (alert) finish(new Error('the page shows an error instead: ' + alert.textContent));
      };
      const observer = new MutationObserver(check);
      observer.observe(container, { childList: true, subtree: true, characterData: true });
      const timer = setTimeout(() => finish(new Error('not rendered within ' + opts.timeoutMs + ' ms; the page holds: "' + container.textContent.slice(0, 300) + '"')), opts.timeoutMs);
      const script = document.createElement('script');
      script.src = opts.src;
      script.onerror = () => finish(new Error('could not load ' + opts.src));
      script.onload = () => {
        loaded = performance.now() - t0;
        try {
          // Every prop a host may pass, including those older versions required (navigate, onUnauthorized,
          // apiBaseUrl): the props schema ignores keys it does not know.
          const mounted = opts.kind === 'module'
            ? window.FrRegistration.mount({
                container,
                apiBaseUrl: '',
                getAccessToken: () => 'bench-token',
                locale: 'en',
                navigate: () => {},
                onUnauthorized: () => finish(new Error('the module called onUnauthorized')),
              })
            : window[${JSON.stringify(BASELINE_GLOBAL)}].mount(container);
          Promise.resolve(mounted).catch((e) => finish(e));
        } catch (e) {
          finish(e);
        }
      };
      t0 = performance.now();
      document.head.appendChild(script);
    });
  },
};
</script>
</body>
</html>
`;
}
