import { useId } from 'react';
import type { NodeState } from '@registration/protocol/bff-api';
import { reasonText } from '../../../lib/catalogue-text.ts';
import { formatWhen } from '../../../lib/format.ts';
import { useT } from '../../../lib/use-t.ts';

export interface RegistrationInformationProps {
  nodes: NodeState[];
  onViewDetails: (node: NodeState) => void;
}

/** Registration Information: one row per node (a standalone server has one), failures at a glance. */
export function RegistrationInformation({ nodes, onViewDetails }: RegistrationInformationProps) {
  const { t, locale } = useT();
  const headingId = useId();
  return (
    <section className="frr-card" aria-labelledby={headingId}>
      <div className="frr-card-header">
        <h2 id={headingId} className="frr-heading">
          {t('nodes.title')}
        </h2>
      </div>
      <div className="frr-table-wrap">
        <table className="frr-table" aria-labelledby={headingId}>
          <thead>
            <tr>
              <th scope="col">{t('nodes.node')}</th>
              <th scope="col">{t('nodes.address')}</th>
              <th scope="col">{t('nodes.status')}</th>
              <th scope="col">{t('nodes.lastSuccess')}</th>
              <th scope="col">{t('nodes.failureTime')}</th>
              <th scope="col">{t('nodes.failureReason')}</th>
              <th scope="col">{t('nodes.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {nodes.map((node) => {
              const [first, ...rest] = node.reasons;
              return (
                <tr key={node.nodeId} data-node={node.nodeId}>
                  <th scope="row">{node.nodeId}</th>
                  <td>{node.address}</td>
                  <td>
                    <span className={`frr-badge frr-badge--${node.status}`}>{t(`status.${node.status}`)}</span>
                  </td>
                  <td>{formatWhen(node.lastSuccessAt, locale)}</td>
                  <td>{formatWhen(node.failureAt, locale)}</td>
                  <td>
                    {first ? reasonText(first, locale).title : '—'}
                    {rest.length > 0 ? <span className="frr-muted"> {t('nodes.more', { count: rest.length })}</span> : null}
                  </td>
                  <td>
                    {first ? (
                      <button type="button" className="frr-link" onClick={() => onViewDetails(node)}>
                        {t('action.viewErrorDetails')}
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
