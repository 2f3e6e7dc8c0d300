import { api } from '../../api/endpoints';
import type { AuditEntry } from '../../api/types';
import { ErrorAlert } from '../../components/Alert';
import { Card, EmptyState, PageHeader, Spinner } from '../../components/Layout';
import { formatTimestamp, microsToDate, t } from '../../i18n';
import { usePaged } from '../../lib/hooks';
import type { ScreenProps } from '../../routes';

function hasDetails(details: unknown): boolean {
  if (details === null || details === undefined) return false;
  if (typeof details === 'object') return Object.keys(details as object).length > 0;
  return String(details) !== '';
}

function Row({ entry }: { entry: AuditEntry }) {
  const target = entry.target_type
    ? `${entry.target_type}${entry.target_id !== null && entry.target_id !== undefined ? ` #${entry.target_id}` : ''}`
    : null;
  return (
    <tr>
      <td class="nowrap">
        <time dateTime={microsToDate(entry.created_at).toISOString()}>{formatTimestamp(entry.created_at)}</time>
      </td>
      <td>{entry.actor ? <bdi dir="auto">{entry.actor.name}</bdi> : (
          <span class="muted">
            {entry.actor_kind && entry.actor_kind !== 'system' ? (
              <code dir="ltr">{entry.actor_kind}</code>
            ) : (
              t('audit.system')
            )}
          </span>
        )}</td>
      <td>
        <code dir="ltr">{entry.action}</code>
        {hasDetails(entry.details) || entry.user_agent ? (
          <details class="audit-details">
            <summary>{t('audit.details')}</summary>
            {entry.user_agent ? (
              <p class="small">
                <span class="muted">{t('audit.userAgent')}: </span>
                <bdi dir="ltr">{entry.user_agent}</bdi>
              </p>
            ) : null}
            {hasDetails(entry.details) ? (
              <pre dir="ltr">{JSON.stringify(entry.details, null, 2)}</pre>
            ) : null}
          </details>
        ) : null}
      </td>
      <td class="hide-sm">{target ? <bdi dir="ltr">{target}</bdi> : t('common.none')}</td>
      <td class="hide-sm">{entry.ip ? <bdi dir="ltr">{entry.ip}</bdi> : t('common.none')}</td>
    </tr>
  );
}

export function AuditLogScreen({ workspace }: ScreenProps) {
  const log = usePaged((cursor) => api.listAuditLog(workspace.id, cursor), [workspace.id]);
  return (
    <div class="page">
      <PageHeader title={t('audit.title')} subtitle={t('audit.subtitle')} />
      <ErrorAlert error={log.error}>
        <button type="button" class="btn btn-link" onClick={() => void log.reload()}>
          {t('common.retry')}
        </button>
      </ErrorAlert>
      <Card>
        {log.items.length === 0 && log.loading ? <Spinner /> : null}
        {log.items.length === 0 && !log.loading && !log.error ? (
          <EmptyState icon="audit" title={t('audit.empty')} />
        ) : null}
        {log.items.length > 0 ? (
          <div class="table-wrap">
            <table class="table" data-testid="audit-log">
              <thead>
                <tr>
                  <th scope="col">{t('audit.colTime')}</th>
                  <th scope="col">{t('audit.colActor')}</th>
                  <th scope="col">{t('audit.colAction')}</th>
                  <th scope="col" class="hide-sm">
                    {t('audit.colTarget')}
                  </th>
                  <th scope="col" class="hide-sm">
                    {t('audit.colIp')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {log.items.map((e) => (
                  <Row key={String(e.id)} entry={e} />
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {log.hasMore ? (
          <div class="card-footer">
            <button type="button" class="btn btn-secondary" onClick={() => void log.loadMore()} disabled={log.loading}>
              {log.loading ? t('common.loading') : t('common.loadMore')}
            </button>
          </div>
        ) : null}
      </Card>
    </div>
  );
}
