import { EmptyState, PageHeader } from '../../components/Layout';
import { t } from '../../i18n';
import type { ScreenProps } from '../../routes';

/** Placeholder until the conversation inbox lands; `rest` will carry the open conversation id. */
export function InboxScreen(_props: ScreenProps) {
  return (
    <div class="page">
      <PageHeader title={t('inbox.title')} />
      <div class="card">
        <EmptyState icon="message" title={t('inbox.emptyTitle')} body={t('inbox.emptyBody')} />
      </div>
    </div>
  );
}
