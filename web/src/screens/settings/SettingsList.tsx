import { Fragment, type ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { Id } from '../../api/types';
import { ErrorAlert, StatusMessage } from '../../components/Alert';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { Icon, type IconName } from '../../components/Icon';
import { Card, EmptyState, PageHeader, RowButton, Spinner } from '../../components/Layout';
import { t } from '../../i18n';
import { useAction } from '../../lib/hooks';
import { noticeText, type Notice } from './SettingsParts';
import { removeById, upsertById } from './settings_logic';

/** The "New …" button of a list page (in its header and in its empty state). */
export function NewButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <button type="button" class="btn btn-primary" onClick={onClick}>
      <Icon name="plus" size={18} />
      <span>{label}</span>
    </button>
  );
}

/** What ListPage needs of a useLoad() result. */
interface Loaded {
  data: unknown;
  loading: boolean;
  error: unknown;
  reload: () => unknown;
}

/**
 * A settings page that lists things (inboxes, teams, labels, canned responses): the header with its
 * "New …" action once there is something, the last confirmation, the load error with a retry, and
 * a card holding a spinner, the empty state (with the same action) or `children` (the table).
 */
export function ListPage({
  title,
  subtitle,
  add,
  status,
  loaded,
  count,
  empty,
  error,
  onRetry,
  note,
  children,
  after,
}: {
  title: string;
  subtitle: string;
  /** The "New …" button or link; null when the user may not add. */
  add: ComponentChildren;
  status: Notice;
  loaded: Loaded;
  count: number;
  empty: { icon: IconName; title: string; body: string };
  /** When more than `loaded` can fail (a second list the page needs). */
  error?: unknown;
  onRetry?: () => void;
  /** Between the header and the card (a read-only note). */
  note?: ComponentChildren;
  children: ComponentChildren;
  /** After the card: other cards, the dialogs. */
  after?: ComponentChildren;
}) {
  return (
    <div class="page">
      <PageHeader title={title} subtitle={subtitle} actions={count ? add : null} />
      <StatusMessage message={noticeText(status)} />
      {note}
      <ErrorAlert error={error ?? loaded.error} onRetry={onRetry ?? (() => void loaded.reload())} />
      <Card>
        {loaded.loading && !loaded.data ? <Spinner /> : null}
        {loaded.data && count === 0 ? (
          <EmptyState icon={empty.icon} title={empty.title} body={empty.body}>
            {add}
          </EmptyState>
        ) : null}
        {count > 0 ? children : null}
      </Card>
      {after}
    </div>
  );
}

/**
 * The state of a list whose items are created and edited in a dialog and deleted after a
 * confirmation: which item is open (or 'new'), which is being deleted, the confirmation shown,
 * and the list kept in step with what the server answered.
 */
export function useEditableList<T extends { id: Id }>({
  setData,
  remove,
  deleted,
  saved,
  order,
}: {
  /** The loaded list's setter (useLoad().setData over `{data: T[]}`). */
  setData: (update: (d: { data: T[] } | null) => { data: T[] } | null) => void;
  remove: (item: T) => Promise<unknown>;
  deleted: (item: T) => Notice;
  saved: (item: T, created: boolean) => Notice;
  order?: (a: T, b: T) => number;
}) {
  const [status, setStatus] = useState<Notice>(null);
  const [editing, setEditing] = useState<T | 'new' | null>(null);
  const [deleting, setDeleting] = useState<T | null>(null);
  const action = useAction();
  return {
    status,
    editing,
    existing: editing && editing !== 'new' ? editing : null,
    startNew: () => setEditing('new'),
    edit: (item: T) => setEditing(item),
    close: () => setEditing(null),
    onSaved: (item: T, created: boolean) => {
      setEditing(null);
      setStatus(saved(item, created));
      setData((d) => ({ data: upsertById(d?.data ?? [], item, created, order) }));
    },
    deleting,
    askDelete: (item: T) => setDeleting(item),
    cancelDelete: () => {
      setDeleting(null);
      action.setError(null);
    },
    confirmDelete: () => {
      const item = deleting;
      if (!item) return;
      void action.run(async () => {
        await remove(item);
        setStatus(deleted(item));
        setData((d) => d && { data: removeById(d.data, item.id) });
        setDeleting(null);
      });
    },
    deleteBusy: action.busy,
    deleteError: action.error,
  };
}

export type EditableList<T extends { id: Id }> = ReturnType<typeof useEditableList<T>>;

/**
 * The create/edit dialog and the delete confirmation of an editable list. One <dialog> serves every
 * item, so closing it gives the focus back to the button that opened it; the form inside starts
 * afresh for each item.
 */
export function EditDialogs<T extends { id: Id }>({
  list,
  title,
  form,
  deleteTitle,
  deleteBody,
}: {
  list: EditableList<T>;
  title: (existing: T | null) => string;
  form: (existing: T | null) => ComponentChildren;
  deleteTitle: (item: T) => string;
  deleteBody: string;
}) {
  const existing = list.existing;
  return (
    <>
      <Dialog open={list.editing !== null} title={title(existing)} onClose={list.close}>
        <Fragment key={existing ? String(existing.id) : 'new'}>{list.editing !== null ? form(existing) : null}</Fragment>
      </Dialog>
      <ConfirmDialog
        open={list.deleting !== null}
        title={list.deleting ? deleteTitle(list.deleting) : ''}
        body={deleteBody}
        confirmLabel={t('common.delete')}
        busy={list.deleteBusy}
        error={<ErrorAlert error={list.deleteError} />}
        onConfirm={list.confirmDelete}
        onCancel={list.cancelDelete}
      />
    </>
  );
}

/** A row's Edit and Delete buttons, each named for the row. */
export function EditDeleteCell({
  editLabel,
  deleteLabel,
  onEdit,
  onDelete,
}: {
  editLabel: string;
  deleteLabel: string;
  onEdit: () => void;
  onDelete: () => void;
}) {
  return (
    <td class="cell-actions">
      <RowButton icon="edit" text={t('common.edit')} label={editLabel} onClick={onEdit} />
      <RowButton icon="trash" text={t('common.delete')} label={deleteLabel} danger onClick={onDelete} />
    </td>
  );
}

/** The visually hidden "Actions" header over EditDeleteCell. */
export function ActionsHeader() {
  return (
    <th scope="col">
      <span class="visually-hidden">{t('common.actions')}</span>
    </th>
  );
}
