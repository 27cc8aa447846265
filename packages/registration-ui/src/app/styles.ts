/**
 * The module's stylesheet, injected into its own wrapper. Every selector starts at `.frr-root` or an
 * `frr-` class: nothing styles the host, and no global reset. Colours and sizes are CSS variables that
 * the host's `theme` prop (or a host rule such as `#panel .frr-root { --frr-primary: … }`) overrides.
 *
 * Hardened against the host page's CSS: the wrapper starts from `all: initial` (no inherited font,
 * alignment or spacing of the host), and every element inside reverts to the browser's own styles
 * before the module's rules apply, so `table { display: none }`, `button { … }` or `* { … }` in the
 * host do not reach it. Rules with an id, `!important` or more specificity still can: for those,
 * `isolation: 'shadow'` renders into a shadow root that no page rule crosses.
 *
 * Colours meet WCAG 2.1 AA: every text colour is ≥ 4.5:1 on the backgrounds it is used on (the
 * `-soft` fills, the surface, the page background), white on primary and danger included.
 *
 * Layout follows the module's own width (container queries on `frr`), not the viewport: a narrow host
 * panel gets the narrow layout on a wide screen. Dialogs are containers of their own (`frr-dialog`).
 */
export const STYLES = `
.frr-root :where(*), .frr-root :where(*)::before, .frr-root :where(*)::after { all: revert; }
/* all: revert also drops what the hidden attribute does in Chromium (display: none), so it is said again. */
.frr-root [hidden] { display: none !important; }
.frr-root {
  --frr-primary: #1a62e6;
  --frr-primary-hover: #1552c4;
  --frr-primary-soft: #eaf1ff;
  --frr-danger: #c62828;
  --frr-danger-soft: #fdeeee;
  --frr-warning: #a35800;
  --frr-warning-soft: #fff6e6;
  --frr-success: #137a43;
  --frr-success-soft: #e8f7ef;
  --frr-text: #1f2633;
  --frr-text-muted: #596173;
  --frr-border: #e3e6ed;
  --frr-surface: #ffffff;
  --frr-background: #f5f6f8;
  --frr-radius: 4px;
  --frr-font-size: 14px;
  --frr-font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "PingFang SC", "Microsoft YaHei", sans-serif;
  all: initial;
  display: block;
  container: frr / inline-size;
  /* An inline-size container has no intrinsic width: where the host sizes the container by its content
     (a flex item without flex: 1, a float, a table cell) it would collapse; 280px keeps it readable. */
  min-width: 280px;
  color: var(--frr-text);
  font-family: var(--frr-font-family);
  font-size: var(--frr-font-size);
  line-height: 1.5715;
  text-align: start;
}
.frr-root *, .frr-root *::before, .frr-root *::after { box-sizing: border-box; }
.frr-page { display: flex; flex-direction: column; gap: 16px; padding: 16px; background: var(--frr-background); }
.frr-card { background: var(--frr-surface); border: 1px solid var(--frr-border); border-radius: var(--frr-radius); padding: 20px 24px; }
.frr-card-header { display: flex; align-items: center; justify-content: space-between; gap: 12px; margin-bottom: 16px; }
.frr-heading { margin: 0; font-size: 16px; font-weight: 600; }
.frr-subheading { margin: 16px 0 8px; font-size: 14px; font-weight: 600; }
.frr-fields { display: grid; grid-template-columns: max-content 1fr; gap: 8px 24px; margin: 0; }
.frr-fields dt { color: var(--frr-text-muted); }
.frr-fields dd { margin: 0; word-break: break-word; }
.frr-fields > div { display: contents; }
.frr-fields--two { grid-template-columns: max-content minmax(0, 1fr) max-content minmax(0, 1fr); gap: 4px 16px; }
.frr-status { display: flex; flex-direction: column; gap: 4px; padding: 12px 16px; border-radius: var(--frr-radius); border-left: 4px solid var(--frr-border); background: var(--frr-background); margin-bottom: 16px; }
.frr-status--registered { border-left-color: var(--frr-success); background: var(--frr-success-soft); }
.frr-status--failed { border-left-color: var(--frr-danger); background: var(--frr-danger-soft); }
.frr-status--degraded, .frr-status--verification-needed { border-left-color: var(--frr-warning); background: var(--frr-warning-soft); }
.frr-status-label { font-weight: 600; }
.frr-status-attempt { font-size: 13px; }
.frr-badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; line-height: 20px; background: var(--frr-background); color: var(--frr-text-muted); white-space: nowrap; }
.frr-badge--registered { background: var(--frr-success-soft); color: var(--frr-success); }
.frr-badge--failed, .frr-badge--stale { background: var(--frr-danger-soft); color: var(--frr-danger); }
.frr-badge--degraded, .frr-badge--verification-needed { background: var(--frr-warning-soft); color: var(--frr-warning); }
.frr-warning { color: var(--frr-warning); }
.frr-notice { margin: 0; padding: 8px 12px; border-radius: var(--frr-radius); }
.frr-notice--success { background: var(--frr-success-soft); color: var(--frr-success); }
.frr-notice--warning { background: var(--frr-warning-soft); color: var(--frr-warning); }
.frr-muted { color: var(--frr-text-muted); }
.frr-button { display: inline-flex; align-items: center; justify-content: center; gap: 6px; height: 32px; padding: 0 16px; border: 1px solid var(--frr-border); border-radius: var(--frr-radius); background: var(--frr-surface); color: var(--frr-text); font: inherit; cursor: pointer; white-space: nowrap; }
.frr-button:hover:not(:disabled, [aria-disabled="true"]) { border-color: var(--frr-primary); color: var(--frr-primary); }
.frr-table-wrap:focus-visible, .frr-dialog-body:focus-visible { outline: 2px solid var(--frr-primary); outline-offset: -2px; }
.frr-button:focus-visible, .frr-link:focus-visible, .frr-qr-link a:focus-visible, .frr-input:focus-visible, .frr-icon-button:focus-visible { outline: 2px solid var(--frr-primary); outline-offset: 1px; }
.frr-button:disabled, .frr-button[aria-disabled="true"] { cursor: not-allowed; opacity: 0.6; }
.frr-button--primary { background: var(--frr-primary); border-color: var(--frr-primary); color: #fff; }
.frr-button--primary:hover:not(:disabled, [aria-disabled="true"]) { background: var(--frr-primary-hover); border-color: var(--frr-primary-hover); color: #fff; }
.frr-button--danger { color: var(--frr-danger); border-color: var(--frr-danger); }
.frr-link { padding: 0; border: 0; background: none; color: var(--frr-primary); font: inherit; cursor: pointer; }
.frr-link:hover { text-decoration: underline; }
.frr-table-wrap { overflow-x: auto; }
.frr-table { width: 100%; border-collapse: collapse; }
.frr-table th, .frr-table td { padding: 10px 12px; border-bottom: 1px solid var(--frr-border); text-align: left; vertical-align: top; }
.frr-table th { background: var(--frr-background); font-weight: 500; color: var(--frr-text-muted); white-space: nowrap; }
.frr-table-wrap--nodes { max-height: min(70vh, 760px); overflow: auto; }
.frr-table--nodes th, .frr-table--nodes td { padding: 6px 10px; line-height: 20px; }
.frr-table--nodes thead th { position: sticky; top: 0; z-index: 1; }
.frr-table--nodes tbody th { color: var(--frr-text); background: none; font-weight: 500; }
.frr-table--nodes tbody tr:hover { background: var(--frr-background); }
.frr-node-row--attention th { box-shadow: inset 3px 0 0 var(--frr-danger); }
.frr-node-row[data-status="degraded"] th, .frr-node-row[data-status="verification-needed"] th { box-shadow: inset 3px 0 0 var(--frr-warning); }
.frr-table-caption { caption-side: top; text-align: left; padding: 0 0 8px; color: var(--frr-text-muted); font-size: 12px; }
.frr-tag { margin-left: 6px; padding: 0 6px; border-radius: 8px; background: var(--frr-primary-soft); color: var(--frr-primary); font-size: 12px; font-weight: 400; white-space: nowrap; }
.frr-ellipsis { display: block; max-width: 100%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.frr-cell-address { max-width: 16em; }
.frr-cell-time { white-space: nowrap; }
.frr-cell-note { display: block; color: var(--frr-text-muted); font-size: 12px; white-space: nowrap; }
/* max-width: 0 lets the column take its share instead of its text's width, so the table fits its card; the text wraps. */
.frr-cell-reason { width: 32%; max-width: 0; min-width: 12em; }
.frr-cell-reason-head { display: flex; flex-wrap: wrap; align-items: baseline; column-gap: 6px; min-width: 0; }
.frr-cell-reason-title { flex: 0 1 auto; min-width: 0; overflow-wrap: anywhere; }
.frr-more { flex: none; white-space: pre; }
/* The explanation in two lines at most (View Error Details has it whole); the title is never cut. */
.frr-cell-reason .frr-cell-note { display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 2; overflow: hidden; white-space: normal; overflow-wrap: anywhere; }
.frr-skew { color: var(--frr-warning); }
.frr-cell-note--wrap { white-space: normal; max-width: 11em; }
/* The action may take two lines rather than push the table past its card (1366 px with the host's menu). */
.frr-table--nodes .frr-link { white-space: normal; text-align: start; min-width: 6em; }
.frr-dialog { container: frr-dialog / inline-size; box-sizing: border-box; width: 520px; max-width: calc(100% - 32px); max-height: calc(100% - 10vh - 16px); margin: 10vh auto auto; padding: 0; border: 0; background: var(--frr-surface); color: var(--frr-text); border-radius: var(--frr-radius); box-shadow: 0 8px 32px rgba(15, 23, 42, 0.2); outline: none; overflow: hidden; }
.frr-dialog[open] { display: flex; flex-direction: column; }
.frr-dialog::backdrop { background: rgba(15, 23, 42, 0.45); }
.frr-dialog--wide { width: 720px; }
.frr-dialog-header { display: flex; align-items: center; justify-content: space-between; padding: 14px 24px; border-bottom: 1px solid var(--frr-border); }
.frr-dialog-title { margin: 0; font-size: 16px; font-weight: 600; }
.frr-dialog-header, .frr-dialog-footer { flex: none; }
.frr-dialog-body { flex: 1 1 auto; min-height: 0; padding: 20px 24px; overflow-y: auto; }
.frr-dialog-footer { display: flex; justify-content: flex-end; gap: 8px; padding: 12px 24px; border-top: 1px solid var(--frr-border); }
.frr-icon-button { width: 28px; height: 28px; border: 0; border-radius: var(--frr-radius); background: none; color: var(--frr-text-muted); font-size: 20px; line-height: 1; cursor: pointer; }
.frr-icon-button:hover { background: var(--frr-background); }
.frr-form { display: flex; flex-direction: column; gap: 16px; }
.frr-method-panel { margin-top: 16px; }
.frr-fieldset { margin: 0; padding: 0; border: 0; }
.frr-label { display: block; margin-bottom: 6px; font-weight: 500; }
.frr-radios { display: flex; gap: 24px; }
.frr-radio { display: inline-flex; align-items: center; gap: 6px; cursor: pointer; }
.frr-radio--disabled { color: var(--frr-text-muted); cursor: not-allowed; }
.frr-history-filters { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: flex-end; margin: 0 0 12px; }
.frr-history-filters label { display: flex; flex-direction: column; gap: 4px; color: var(--frr-text-muted); }
.frr-history-filters .frr-input { width: auto; min-width: 12em; }
.frr-history-details { display: grid; gap: 8px; }
.frr-history-params { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
.frr-history-params dt { color: var(--frr-text-muted); }
.frr-history-params dd { margin: 0; overflow-wrap: anywhere; }
.frr-history-reasons { margin: 0; padding-left: 20px; }
.frr-table--history .frr-history-action { background: none; color: inherit; font-weight: 400; white-space: normal; }
.frr-input { width: 100%; height: 32px; padding: 4px 11px; border: 1px solid var(--frr-border); border-radius: var(--frr-radius); font: inherit; color: inherit; background: var(--frr-surface); }
.frr-input[aria-invalid="true"] { border-color: var(--frr-danger); }
.frr-hint { margin: 4px 0 0; color: var(--frr-text-muted); font-size: 12px; }
.frr-field-error { margin: 4px 0 0; color: var(--frr-danger); font-size: 12px; }
.frr-test-result { padding: 10px 12px; border-radius: var(--frr-radius); background: var(--frr-background); }
.frr-test-result--ok { background: var(--frr-success-soft); }
.frr-node + .frr-node { margin-top: 16px; }
.frr-reasons { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 8px; }
.frr-reason { padding: 10px 12px; border: 1px solid var(--frr-border); border-radius: var(--frr-radius); }
.frr-reason--primary { border-color: var(--frr-danger); background: var(--frr-danger-soft); }
.frr-reason-head { display: flex; align-items: baseline; gap: 8px; flex-wrap: wrap; }
.frr-reason-title { font-weight: 600; }
.frr-reason--primary .frr-reason-title { color: var(--frr-danger); font-size: 15px; }
.frr-code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; color: var(--frr-text-muted); }
.frr-reason-line { margin: 4px 0 0; overflow-wrap: anywhere; }
.frr-reason-details { margin-top: 8px; padding-top: 8px; border-top: 1px dashed var(--frr-border); }
.frr-steps { margin: 4px 0 0; padding-left: 20px; }
.frr-visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.frr-drop-zone { display: flex; flex-direction: column; align-items: center; gap: 8px; padding: 20px 16px; border: 1px dashed var(--frr-border); border-radius: var(--frr-radius); background: var(--frr-background); text-align: center; }
.frr-drop-zone p { margin: 0; }
.frr-drop-zone--active, .frr-drop-zone:focus-within { border-color: var(--frr-primary); background: var(--frr-primary-soft); }
.frr-lic-upload { display: flex; flex-direction: column; gap: 12px; }
.frr-progress { height: 6px; margin-top: 4px; border-radius: 3px; background: var(--frr-border); overflow: hidden; }
.frr-progress-bar { height: 100%; background: var(--frr-primary); transition: width 0.2s; }
.frr-container-step { gap: 12px; }
.frr-summary-header { margin-bottom: 8px; justify-content: flex-start; }
.frr-summary-header .frr-subheading { margin: 0; }
.frr-summary-header .frr-link { margin-left: auto; }
.frr-qr-step .frr-subheading { margin-top: 0; }
.frr-qr-instruction { margin: 0 0 12px; }
.frr-qr { display: flex; gap: 20px; align-items: flex-start; flex-wrap: wrap; }
.frr-qr-image { flex: none; width: 256px; height: 256px; border: 1px solid var(--frr-border); border-radius: var(--frr-radius); background: #fff; }
.frr-qr-placeholder { display: flex; align-items: center; justify-content: center; background: var(--frr-background); }
.frr-qr-placeholder p { margin: 0; }
.frr-qr-image--expired { opacity: 0.25; }
.frr-qr-side { display: flex; flex-direction: column; align-items: stretch; gap: 12px; flex: 1; min-width: 240px; }
.frr-qr-side p { margin: 0; }
.frr-qr-side .frr-hint, .frr-qr-side .frr-field-error { margin-top: 4px; }
.frr-qr-timer { display: flex; align-items: center; justify-content: space-between; gap: 12px; flex-wrap: wrap; }
.frr-code-form { gap: 12px; }
.frr-qr-link { display: flex; align-items: center; gap: 8px; margin-top: 12px; min-width: 0; }
.frr-qr-link .frr-hint { flex: none; margin: 0; }
.frr-qr-link a { flex: 1 1 auto; min-width: 0; color: var(--frr-primary); }
.frr-fingerprint { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 8px; }
.frr-fingerprint-value { font-size: 13px; color: var(--frr-text); line-height: 1.6; min-width: 0; }
.frr-fingerprint-group { white-space: nowrap; }
.frr-button--small { height: 24px; padding: 0 8px; font-size: 12px; flex: none; }
.frr-code-row { display: flex; gap: 8px; }
.frr-code-input { width: 10em; letter-spacing: 0.3em; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.frr-summary-text { width: 100%; min-height: 140px; margin-top: 8px; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }

@container frr (max-width: 880px) {
  .frr-fields--two { grid-template-columns: max-content minmax(0, 1fr); }
}
@container frr (max-width: 560px) {
  .frr-page { padding: 8px; gap: 8px; }
  .frr-card { padding: 16px; }
  .frr-card-header { flex-wrap: wrap; }
  .frr-fields, .frr-fields--two { grid-template-columns: minmax(0, 1fr); gap: 0; }
  .frr-fields dd { margin-bottom: 8px; }
}
@container frr-dialog (max-width: 520px) {
  .frr-dialog-header, .frr-dialog-body, .frr-dialog-footer { padding-left: 16px; padding-right: 16px; }
  .frr-dialog-footer { flex-wrap: wrap; }
  .frr-radios { flex-direction: column; gap: 8px; }
  .frr-qr-side { min-width: 0; }
  .frr-qr-image { width: min(256px, 100%); height: auto; aspect-ratio: 1; }
}
`;
