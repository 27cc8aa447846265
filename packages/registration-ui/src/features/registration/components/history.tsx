import { Fragment, useId, useState } from 'react';
import { HISTORY_KINDS, type HistoryEvent, type HistoryKind } from '@registration/protocol/bff-api';
import { toApiRequestError } from '../../../lib/api-error.ts';
import { useApiClient } from '../../../lib/api-context.ts';
import { reasonText } from '../../../lib/catalogue-text.ts';
import { formatWhen } from '../../../lib/format.ts';
import type { MessageKey } from '../../../lib/i18n.ts';
import { useT } from '../../../lib/use-t.ts';
import { getHistoryCsv, useHistory, type HistoryFilters } from '../api/get-history.ts';
import { ProblemView } from './problem-view.tsx';

/** Param names History shows with a label of their own (the rest are values of the event, shown as they are). */
const PARAM_LABELS: Record<string, MessageKey> = {
  serverUrl: 'param.serverUrl',
  fingerprint: 'param.fingerprint',
  method: 'history.param.method',
  file: 'history.param.file',
};

function Details({ event }: { event: HistoryEvent }) {
  const { t, locale } = useT();
  const params = Object.entries(event.params);
  return (
    <div className="frr-history-details">
      {params.length > 0 ? (
        <dl className="frr-history-params">
          {params.map(([key, value]) => (
            <Fragment key={key}>
              <dt>{PARAM_LABELS[key] ? t(PARAM_LABELS[key]) : key}</dt>
              <dd>{key === 'method' && (value === 'private-cloud' || value === 'local-container') ? t(`method.${value}`) : String(value)}</dd>
            </Fragment>
          ))}
        </dl>
      ) : null}
      {event.reasons.length > 0 ? (
        <ul className="frr-history-reasons">
          {event.reasons.map((r, i) => {
            const text = reasonText(r, locale);
            return (
              <li key={`${r.code}-${i}`}>
                <strong>{text.title}</strong> <span className="frr-muted">({r.code})</span>
                <span className="frr-cell-note frr-cell-note--wrap">{text.explanation}</span>
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}

function Row({ event }: { event: HistoryEvent }) {
  const { t, locale } = useT();
  const [open, setOpen] = useState(false);
  const detailsId = useId();
  const expandable = event.reasons.length > 0 || Object.keys(event.params).length > 0;
  return (
    <>
      <tr data-kind={event.kind} data-outcome={event.outcome}>
        <td className="frr-cell-time">{formatWhen(event.at, locale)}</td>
        <td>{event.nodeId}</td>
        <td>{event.actor ?? <span className="frr-muted">{t('history.byNode')}</span>}</td>
        <th scope="row" className="frr-history-action">
          {t(`history.kind.${event.kind}`)}
        </th>
        <td>
          <span className={`frr-badge frr-badge--${event.outcome === 'ok' ? 'registered' : event.outcome === 'refused' ? 'failed' : 'degraded'}`}>
            {t(`history.outcome.${event.outcome}`)}
          </span>
          {event.reasons.length > 0 ? <span className="frr-cell-note">{reasonText(event.reasons[0]!, locale).title}</span> : null}
        </td>
        <td>
          {expandable ? (
            <button type="button" className="frr-link" aria-expanded={open} aria-controls={detailsId} onClick={() => setOpen(!open)}>
              {t(open ? 'history.hideDetails' : 'history.showDetails')}
            </button>
          ) : null}
        </td>
      </tr>
      {expandable ? (
        <tr id={detailsId} hidden={!open} className="frr-history-expanded">
          <td colSpan={6}>{open ? <Details event={event} /> : null}</td>
        </tr>
      ) : null}
    </>
  );
}

/** Saves `text` as a file through the browser (no token-less link: the export needs the bearer header). */
function save(text: string, name: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * History under Registration Information: who did what on the registration, and what nodes did by
 * themselves, newest first; filters, each row expandable to its reasons (catalogue text), Load more, CSV.
 */
export function History() {
  const { t } = useT();
  const api = useApiClient();
  const headingId = useId();
  const [filters, setFilters] = useState<HistoryFilters>({});
  const [nodeDraft, setNodeDraft] = useState('');
  const [exporting, setExporting] = useState<'idle' | 'busy' | 'failed'>('idle');
  const query = useHistory(filters);
  const events = query.data?.pages.flatMap((p) => p.events) ?? [];

  const exportCsv = async () => {
    setExporting('busy');
    try {
      save(await getHistoryCsv(api, filters), 'registration-history.csv');
      setExporting('idle');
    } catch {
      setExporting('failed');
    }
  };

  return (
    <section className="frr-card" aria-labelledby={headingId} data-view="history">
      <div className="frr-card-header">
        <h2 id={headingId} className="frr-heading">
          {t('history.title')}
        </h2>
        <button type="button" className="frr-button" onClick={() => void exportCsv()} disabled={exporting === 'busy'}>
          {t('history.exportCsv')}
        </button>
      </div>
      {exporting === 'failed' ? (
        <p className="frr-notice frr-notice--warning" role="alert">
          {t('history.exportFailed')}
        </p>
      ) : null}
      <form
        className="frr-history-filters"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters({ ...filters, ...(nodeDraft.trim() ? { node: nodeDraft.trim() } : { node: undefined }) });
        }}
      >
        <label>
          {t('history.filterAction')}
          <select
            className="frr-input"
            value={filters.kind ?? ''}
            onChange={(e) => setFilters({ ...filters, kind: (e.target.value || undefined) as HistoryKind | undefined })}
          >
            <option value="">{t('history.all')}</option>
            {HISTORY_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`history.kind.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('history.filterNode')}
          <input className="frr-input" value={nodeDraft} onChange={(e) => setNodeDraft(e.target.value)} />
        </label>
        <button type="submit" className="frr-button">
          {t('history.apply')}
        </button>
      </form>
      {query.isError && events.length === 0 ? (
        <div role="alert">
          <ProblemView error={toApiRequestError(query.error)} />
        </div>
      ) : query.isPending ? (
        <p className="frr-muted" role="status">
          {t('page.loading')}
        </p>
      ) : events.length === 0 ? (
        <p className="frr-muted">{t('history.empty')}</p>
      ) : (
        <div className="frr-table-wrap" role="region" aria-label={t('history.tableRegion')} tabIndex={0}>
          <table className="frr-table frr-table--history" aria-labelledby={headingId} data-testid="registration-history">
            <thead>
              <tr>
                <th scope="col">{t('history.time')}</th>
                <th scope="col">{t('history.node')}</th>
                <th scope="col">{t('history.by')}</th>
                <th scope="col">{t('history.action')}</th>
                <th scope="col">{t('history.outcomeColumn')}</th>
                <th scope="col">{t('history.details')}</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <Row key={e.id} event={e} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {query.hasNextPage ? (
        <p>
          <button type="button" className="frr-button" disabled={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
            {t('history.loadMore')}
          </button>
        </p>
      ) : null}
    </section>
  );
}
